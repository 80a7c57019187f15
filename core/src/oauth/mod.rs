//! A learner's leave to an issuer platform (OAuth 2.0 authorization code grant with PKCE):
//! the grant, its single-use codes and its access and refresh tokens. Only SHA-256 digests
//! of codes and tokens are stored, so a copy of the database lets nobody in.
use super::oauth_clients::Client;
use super::{random_token, sha256_hex};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    entity::prelude::*, sea_query::Expr, ActiveValue::Set, Condition, ConnectionTrait, DatabaseConnection,
    QueryOrder, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

mod authorize;
mod grants;
pub mod passwords;
mod tokens;
pub use authorize::*;
pub use grants::*;
pub use tokens::*;

/// RFC 6749 §4.1.2 recommends at most ten minutes.
pub const CODE_LIFETIME: Duration = Duration::minutes(10);

pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::hours(1);

/// Each use of a refresh token replaces it with a new one, valid this long again.
pub const REFRESH_TOKEN_LIFETIME: Duration = Duration::days(180);

pub mod grant_entity {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "oauth_grants")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub client_id: i64,
        pub user_id: i64,
        pub scope: String,
        pub created_at: DateTime<Utc>,
        pub last_used_at: Option<DateTime<Utc>>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod code_entity {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "oauth_codes")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub code_sha256: String,
        pub grant_id: i64,
        pub redirect_uri: String,
        pub scope: String,
        pub code_challenge: String,
        pub expires_at: DateTime<Utc>,
        /// Set when the code was exchanged; kept until it expires, so a replay is known.
        pub used_at: Option<DateTime<Utc>>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod token_entity {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "oauth_tokens")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub token_sha256: String,
        pub grant_id: i64,
        pub kind: String,
        pub scope: String,
        pub expires_at: DateTime<Utc>,
        pub created_at: DateTime<Utc>,
        /// A refresh token that was exchanged for a new pair; kept so a replay is known.
        pub rotated_at: Option<DateTime<Utc>>,
        /// The authorization code this token's chain of refreshes started from.
        pub code_id: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use grant_entity::Model as Grant;

const ACCESS: &str = "access";

const REFRESH: &str = "refresh";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_matches_rfc_7636_appendix_b() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(is_s256_challenge(challenge));
        assert!(pkce_matches(verifier, challenge));
        assert!(!pkce_matches(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj",
            challenge
        ));
        // The plain method (verifier == challenge) is not accepted.
        assert!(!pkce_matches(challenge, challenge));
        assert!(!pkce_matches("short", challenge));
    }

    fn client() -> Client {
        Client {
            id: 7,
            client_id: "abc".into(),
            secret_sha256: String::new(),
            name: "Campus".into(),
            client_uri: None,
            logo_uri: None,
            tos_uri: None,
            policy_uri: None,
            software_id: None,
            software_version: None,
            redirect_uris: r#"["https://moodle.example/admin/oauth2callback.php"]"#.into(),
            scope: super::super::oauth_clients::OB21_SCOPES.join(" "),
            created_at: Utc::now(),
            grant_types: "authorization_code refresh_token".into(),
        }
    }

    fn query() -> AuthorizationQuery {
        AuthorizationQuery {
            response_type: Some("code".into()),
            client_id: Some("abc".into()),
            redirect_uri: Some("https://moodle.example/admin/oauth2callback.php".into()),
            scope: Some(super::super::oauth_clients::OB21_SCOPES[1].into()),
            state: Some("xyz".into()),
            code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
            code_challenge_method: Some("S256".into()),
        }
    }

    #[test]
    fn authorization_requests_are_checked_before_the_learner_sees_them() {
        let pending = check_request(Some(&client()), &query()).unwrap();
        assert_eq!(pending.scopes.len(), 1);
        assert_eq!(pending.state.as_deref(), Some("xyz"));

        assert_eq!(
            check_request(None, &query()),
            Err(AuthorizationError::Untrusted("unknown_client"))
        );
        let elsewhere = AuthorizationQuery {
            redirect_uri: Some("https://moodle.example/admin/oauth2callback.php?x=1".into()),
            ..query()
        };
        assert_eq!(
            check_request(Some(&client()), &elsewhere),
            Err(AuthorizationError::Untrusted("redirect_uri_mismatch"))
        );
        let cases = [
            (
                AuthorizationQuery {
                    code_challenge: None,
                    ..query()
                },
                "invalid_request",
            ),
            (
                AuthorizationQuery {
                    code_challenge_method: Some("plain".into()),
                    ..query()
                },
                "invalid_request",
            ),
            (
                AuthorizationQuery {
                    response_type: Some("token".into()),
                    ..query()
                },
                "unsupported_response_type",
            ),
            (
                AuthorizationQuery {
                    scope: Some("https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.update".into()),
                    ..query()
                },
                "invalid_scope",
            ),
        ];
        for (query, expected) in cases {
            match check_request(Some(&client()), &query) {
                Err(AuthorizationError::Redirect { error, state, .. }) => {
                    assert_eq!(error, expected);
                    assert_eq!(state.as_deref(), Some("xyz"));
                }
                other => panic!("{expected}: {other:?}"),
            }
        }
    }
}
