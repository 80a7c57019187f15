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

/// An authorization request that passed every check and waits for the learner's answer.
/// It is kept in the learner's session, so the consent form carries only its id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingAuthorization {
    pub id: String,
    pub client_id: i64,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub state: Option<String>,
    pub code_challenge: String,
}

/// Session key of the pending authorization.
pub const PENDING_KEY: &str = "oauth_pending";

/// The query of `GET /o/authorize` (RFC 6749 §4.1.1, RFC 7636 §4.3).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AuthorizationQuery {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
}

/// Why an authorization request is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum AuthorizationError {
    /// Unknown client or a redirect URI it did not register: the learner is told, and
    /// nothing is sent to the URI (RFC 6749 §4.1.2.1), which could be anyone's.
    Untrusted(&'static str),
    /// Sent back to the client's redirect URI as `error` and `error_description`.
    Redirect {
        redirect_uri: String,
        state: Option<String>,
        error: &'static str,
        description: String,
    },
}

/// Checks an authorization request against the registered client.
pub fn check_request(
    client: Option<&Client>,
    query: &AuthorizationQuery,
) -> Result<PendingAuthorization, AuthorizationError> {
    let client = client.ok_or(AuthorizationError::Untrusted("unknown_client"))?;
    let registered = client.redirect_uris();
    let redirect_uri = match query.redirect_uri.as_deref() {
        Some(uri) if registered.iter().any(|r| r == uri) => uri.to_owned(),
        // Optional only when exactly one is registered (RFC 6749 §3.1.2.3).
        None if registered.len() == 1 => registered[0].clone(),
        _ => return Err(AuthorizationError::Untrusted("redirect_uri_mismatch")),
    };
    let refuse = |error: &'static str, description: &str| AuthorizationError::Redirect {
        redirect_uri: redirect_uri.clone(),
        state: query.state.clone(),
        error,
        description: description.to_owned(),
    };
    if query.response_type.as_deref() != Some("code") {
        return Err(refuse("unsupported_response_type", "response_type must be code"));
    }
    let challenge = query.code_challenge.as_deref().unwrap_or_default();
    if query.code_challenge_method.as_deref() != Some("S256") || !is_s256_challenge(challenge) {
        return Err(refuse(
            "invalid_request",
            "PKCE is required: code_challenge (base64url SHA-256) with code_challenge_method S256",
        ));
    }
    let allowed = client.scopes();
    let scopes: Vec<String> = match query.scope.as_deref().map(str::trim) {
        None | Some("") => allowed.clone(),
        Some(asked) => asked.split_whitespace().map(str::to_owned).collect(),
    };
    if let Some(scope) = scopes.iter().find(|s| !allowed.contains(s)) {
        return Err(refuse(
            "invalid_scope",
            &format!("{scope} was not registered by this client"),
        ));
    }
    Ok(PendingAuthorization {
        id: random_token(16),
        client_id: client.id,
        redirect_uri,
        scopes: dedup(scopes),
        state: query.state.clone(),
        code_challenge: challenge.to_owned(),
    })
}

fn dedup(mut scopes: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    scopes.retain(|s| seen.insert(s.clone()));
    scopes
}

/// 43 base64url characters: what a SHA-256 digest encodes to.
fn is_s256_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// RFC 7636 §4.6: BASE64URL(SHA256(verifier)) == challenge, with a well-formed verifier.
pub fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    well_formed && URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge
}

/// The learner said yes: the grant (created, or widened to these scopes) and a new code.
pub async fn approve(
    db: &DatabaseConnection,
    user_id: i64,
    pending: &PendingAuthorization,
) -> Result<String, DbErr> {
    let now = Utc::now();
    let scope = pending.scopes.join(" ");
    let txn = db.begin().await?;
    let existing = grant_entity::Entity::find()
        .filter(grant_entity::Column::UserId.eq(user_id))
        .filter(grant_entity::Column::ClientId.eq(pending.client_id))
        .one(&txn)
        .await?;
    let grant = match existing {
        Some(grant) => {
            let mut row: grant_entity::ActiveModel = grant.clone().into();
            row.scope = Set(union(&grant.scope, &scope));
            row.update(&txn).await?
        }
        None => {
            grant_entity::ActiveModel {
                client_id: Set(pending.client_id),
                user_id: Set(user_id),
                scope: Set(scope.clone()),
                created_at: Set(now),
                last_used_at: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    // Old codes of any grant are worthless: drop them while we are here.
    code_entity::Entity::delete_many()
        .filter(code_entity::Column::ExpiresAt.lt(now))
        .exec(&txn)
        .await?;
    let code = random_token(32);
    code_entity::ActiveModel {
        code_sha256: Set(sha256_hex(code.as_bytes())),
        grant_id: Set(grant.id),
        redirect_uri: Set(pending.redirect_uri.clone()),
        scope: Set(scope),
        code_challenge: Set(pending.code_challenge.clone()),
        expires_at: Set(now + CODE_LIFETIME),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(code)
}

fn union(a: &str, b: &str) -> String {
    dedup(
        a.split_whitespace()
            .chain(b.split_whitespace())
            .map(str::to_owned)
            .collect(),
    )
    .join(" ")
}

/// What the token endpoint answers (RFC 6749 §5.1).
#[derive(Debug, Clone, Serialize)]
pub struct Tokens {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub refresh_token: String,
    pub scope: String,
}

/// Why the token endpoint refuses (RFC 6749 §5.2 codes).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("invalid_grant: {0}")]
    InvalidGrant(&'static str),
    #[error("invalid_scope: {0}")]
    InvalidScope(&'static str),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Exchanges a code for tokens: once only, before it expires, by the client it was issued
/// to, with the same redirect URI and the PKCE verifier of its challenge. A code presented
/// again is a sign it was stolen: every token issued from it is revoked (RFC 6749 §4.1.2).
pub async fn exchange_code(
    db: &DatabaseConnection,
    client: &Client,
    code: &str,
    redirect_uri: Option<&str>,
    verifier: Option<&str>,
) -> Result<Tokens, TokenError> {
    let txn = db.begin().await?;
    let found = code_entity::Entity::find()
        .filter(code_entity::Column::CodeSha256.eq(sha256_hex(code.as_bytes())))
        .one(&txn)
        .await?
        .ok_or(TokenError::InvalidGrant("unknown or already used code"))?;
    // Marking it used first makes the code single-use even against a concurrent exchange:
    // only one transaction changes the row.
    let marked = code_entity::Entity::update_many()
        .col_expr(code_entity::Column::UsedAt, Expr::value(Utc::now()))
        .filter(code_entity::Column::Id.eq(found.id))
        .filter(code_entity::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if marked.rows_affected != 1 {
        token_entity::Entity::delete_many()
            .filter(token_entity::Column::CodeId.eq(found.id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        tracing::warn!(
            grant_id = found.grant_id,
            "an authorization code was replayed: its tokens are revoked"
        );
        return Err(TokenError::InvalidGrant("unknown or already used code"));
    }
    let grant = grant_entity::Entity::find_by_id(found.grant_id)
        .one(&txn)
        .await?
        .filter(|grant| grant.client_id == client.id);
    let refused = if grant.is_none() {
        Some("this code was issued to another client")
    } else if found.expires_at < Utc::now() {
        Some("the code has expired")
    } else if redirect_uri != Some(found.redirect_uri.as_str()) {
        Some("redirect_uri differs from the authorization request's")
    } else if !verifier.is_some_and(|v| pkce_matches(v, &found.code_challenge)) {
        Some("code_verifier does not match the code_challenge")
    } else {
        None
    };
    let (Some(grant), None) = (grant, refused) else {
        // The code is spent either way: commit that, then refuse.
        txn.commit().await?;
        return Err(TokenError::InvalidGrant(refused.unwrap_or_default()));
    };
    let tokens = issue(&txn, &grant, &found.scope, found.id).await?;
    txn.commit().await?;
    Ok(tokens)
}

/// Refresh-token rotation: the presented token is spent and a new pair is issued, for the
/// same scopes or fewer. A spent refresh token presented again means one of the two holders
/// is not the platform: the whole grant ends (RFC 6819 §5.2.2.3), and the learner is asked
/// again when the platform reconnects.
pub async fn refresh(
    db: &DatabaseConnection,
    client: &Client,
    refresh_token: &str,
    scope: Option<&str>,
) -> Result<Tokens, TokenError> {
    const SPENT: TokenError = TokenError::InvalidGrant("unknown, revoked or already used refresh token");
    let txn = db.begin().await?;
    let found = find_token(&txn, refresh_token)
        .await?
        .filter(|token| token.kind == REFRESH)
        .ok_or(SPENT)?;
    let grant = grant_entity::Entity::find_by_id(found.grant_id)
        .one(&txn)
        .await?
        .filter(|grant| grant.client_id == client.id)
        .ok_or(TokenError::InvalidGrant(
            "this refresh token was issued to another client",
        ))?;
    if found.rotated_at.is_some() {
        end_grant(&txn, grant.id).await?;
        txn.commit().await?;
        tracing::warn!(
            grant_id = grant.id,
            "a rotated refresh token was replayed: the grant is ended"
        );
        return Err(SPENT);
    }
    if found.expires_at < Utc::now() {
        return Err(TokenError::InvalidGrant("the refresh token has expired"));
    }
    let had: Vec<&str> = found.scope.split_whitespace().collect();
    let scope = match scope.map(str::trim).filter(|s| !s.is_empty()) {
        Some(asked) if asked.split_whitespace().all(|s| had.contains(&s)) => asked.to_owned(),
        Some(_) => return Err(TokenError::InvalidScope("more scopes than the learner granted")),
        None => found.scope.clone(),
    };
    let rotated = token_entity::Entity::update_many()
        .col_expr(token_entity::Column::RotatedAt, Expr::value(Utc::now()))
        .filter(token_entity::Column::Id.eq(found.id))
        .filter(token_entity::Column::RotatedAt.is_null())
        .exec(&txn)
        .await?;
    if rotated.rows_affected != 1 {
        return Err(SPENT);
    }
    let tokens = issue(&txn, &grant, &scope, found.code_id.unwrap_or_default()).await?;
    txn.commit().await?;
    Ok(tokens)
}

/// A grant, its codes and every token, gone at once.
async fn end_grant(db: &impl ConnectionTrait, grant_id: i64) -> Result<(), DbErr> {
    token_entity::Entity::delete_many()
        .filter(token_entity::Column::GrantId.eq(grant_id))
        .exec(db)
        .await?;
    code_entity::Entity::delete_many()
        .filter(code_entity::Column::GrantId.eq(grant_id))
        .exec(db)
        .await?;
    grant_entity::Entity::delete_by_id(grant_id).exec(db).await?;
    Ok(())
}

/// How long a rotated refresh token is remembered, to recognise its replay.
const ROTATED_KEPT: Duration = Duration::days(30);

async fn issue(db: &impl ConnectionTrait, grant: &Grant, scope: &str, code_id: i64) -> Result<Tokens, DbErr> {
    let now = Utc::now();
    token_entity::Entity::delete_many()
        .filter(token_entity::Column::GrantId.eq(grant.id))
        .filter(
            Condition::any()
                .add(token_entity::Column::ExpiresAt.lt(now))
                .add(token_entity::Column::RotatedAt.lt(now - ROTATED_KEPT)),
        )
        .exec(db)
        .await?;
    let access_token = random_token(32);
    let refresh_token = random_token(32);
    for (token, kind, lifetime) in [
        (&access_token, ACCESS, ACCESS_TOKEN_LIFETIME),
        (&refresh_token, REFRESH, REFRESH_TOKEN_LIFETIME),
    ] {
        token_entity::ActiveModel {
            token_sha256: Set(sha256_hex(token.as_bytes())),
            grant_id: Set(grant.id),
            kind: Set(kind.to_owned()),
            scope: Set(scope.to_owned()),
            expires_at: Set(now + lifetime),
            created_at: Set(now),
            code_id: Set(Some(code_id)),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(Tokens {
        access_token,
        token_type: "Bearer",
        expires_in: ACCESS_TOKEN_LIFETIME.num_seconds(),
        refresh_token,
        scope: scope.to_owned(),
    })
}

async fn find_token(db: &impl ConnectionTrait, token: &str) -> Result<Option<token_entity::Model>, DbErr> {
    token_entity::Entity::find()
        .filter(token_entity::Column::TokenSha256.eq(sha256_hex(token.as_bytes())))
        .one(db)
        .await
}

/// RFC 7009: revoking a refresh token ends the whole grant's tokens; an access token goes
/// alone. Unknown tokens, or another client's, change nothing (and the answer is the same).
pub async fn revoke(db: &DatabaseConnection, client: &Client, token: &str) -> Result<(), DbErr> {
    let Some(found) = find_token(db, token).await? else {
        return Ok(());
    };
    let grant = grant_entity::Entity::find_by_id(found.grant_id).one(db).await?;
    if grant.is_none_or(|grant| grant.client_id != client.id) {
        return Ok(());
    }
    if found.kind == REFRESH {
        token_entity::Entity::delete_many()
            .filter(token_entity::Column::GrantId.eq(found.grant_id))
            .exec(db)
            .await?;
    } else {
        token_entity::Entity::delete_by_id(found.id).exec(db).await?;
    }
    Ok(())
}

/// Who an API call acts for: the learner and platform behind a live access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub user_id: i64,
    pub client_id: i64,
    pub scopes: Vec<String>,
}

impl Access {
    pub fn allows(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// The access a bearer token gives, if it is a live access token.
pub async fn authenticate(db: &DatabaseConnection, bearer: &str) -> Result<Option<Access>, DbErr> {
    let now = Utc::now();
    let Some(token) = find_token(db, bearer)
        .await?
        .filter(|token| token.kind == ACCESS && token.expires_at > now)
    else {
        return Ok(None);
    };
    let Some(grant) = grant_entity::Entity::find_by_id(token.grant_id).one(db).await? else {
        return Ok(None);
    };
    grant_entity::Entity::update_many()
        .col_expr(grant_entity::Column::LastUsedAt, Expr::value(now))
        .filter(grant_entity::Column::Id.eq(grant.id))
        .exec(db)
        .await?;
    Ok(Some(Access {
        user_id: grant.user_id,
        client_id: grant.client_id,
        scopes: token.scope.split_whitespace().map(str::to_owned).collect(),
    }))
}

/// The learner's connected platforms, most recent first.
pub async fn grants_of_user(db: &DatabaseConnection, user_id: i64) -> Result<Vec<Grant>, DbErr> {
    grant_entity::Entity::find()
        .filter(grant_entity::Column::UserId.eq(user_id))
        .order_by_desc(grant_entity::Column::CreatedAt)
        .order_by_desc(grant_entity::Column::Id)
        .all(db)
        .await
}

/// Ends a connection: the grant, its codes and every token go at once. Answers whether the
/// learner had such a connection.
pub async fn disconnect(db: &DatabaseConnection, user_id: i64, grant_id: i64) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    let Some(grant) = grant_entity::Entity::find_by_id(grant_id)
        .filter(grant_entity::Column::UserId.eq(user_id))
        .one(&txn)
        .await?
    else {
        return Ok(false);
    };
    end_grant(&txn, grant.id).await?;
    txn.commit().await?;
    Ok(true)
}

/// Makes every token of a grant expire now (tests of expiry use it; so could an operator).
pub async fn expire_tokens_of_user(db: &DatabaseConnection, user_id: i64) -> Result<u64, DbErr> {
    let grants: Vec<i64> = grants_of_user(db, user_id).await?.iter().map(|g| g.id).collect();
    let result = token_entity::Entity::update_many()
        .col_expr(
            token_entity::Column::ExpiresAt,
            Expr::value(Utc::now() - Duration::seconds(1)),
        )
        .filter(token_entity::Column::GrantId.is_in(grants))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

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
