//! Issuer platforms registered as OAuth 2.0 clients (RFC 7591 dynamic registration), so
//! they can ask a learner's leave to push badges in. Registration is open, as Badge Connect
//! and the Open Badges 3.0 API require: what it checks is the metadata, not who asks.
use super::{random_token, sha256_hex};
use chrono::{DateTime, Utc};
use sea_orm::{entity::prelude::*, ActiveValue::Set, DatabaseConnection};
use serde::Deserialize;

pub mod entity {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "oauth_clients")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub client_id: String,
        pub secret_sha256: String,
        pub name: String,
        pub client_uri: Option<String>,
        pub logo_uri: Option<String>,
        pub tos_uri: Option<String>,
        pub policy_uri: Option<String>,
        pub software_id: Option<String>,
        pub software_version: Option<String>,
        /// JSON array of the exact redirect URIs.
        pub redirect_uris: String,
        /// Space-separated scopes the client may ask for.
        pub scope: String,
        pub created_at: DateTime<Utc>,
        /// Space-separated grant types it registered (RFC 7591 §2): the token endpoint
        /// refuses the others.
        pub grant_types: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use entity::Model as Client;

impl Client {
    /// Whether the client registered this grant type.
    pub fn may_use(&self, grant_type: &str) -> bool {
        self.grant_types.split_whitespace().any(|g| g == grant_type)
    }
}

/// Open Badges 2.1 (Badge Connect) scopes.
pub const OB21_SCOPES: [&str; 3] = [
    "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.readonly",
    "https://purl.imsglobal.org/spec/ob/v2p1/scope/assertion.create",
    "https://purl.imsglobal.org/spec/ob/v2p1/scope/profile.readonly",
];

/// Open Badges 3.0 API scopes.
pub const OB30_SCOPES: [&str; 4] = [
    "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly",
    "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert",
    "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.readonly",
    "https://purl.imsglobal.org/spec/ob/v3p0/scope/profile.update",
];

/// Every scope a client may register for: one registration endpoint serves both APIs.
pub fn all_scopes() -> Vec<&'static str> {
    OB21_SCOPES.iter().chain(OB30_SCOPES.iter()).copied().collect()
}

/// A registration request as RFC 7591 and the Badge Connect specification word it.
#[derive(Debug, Default, Deserialize)]
pub struct RegistrationRequest {
    pub client_name: Option<String>,
    pub client_uri: Option<String>,
    pub logo_uri: Option<String>,
    pub tos_uri: Option<String>,
    pub policy_uri: Option<String>,
    pub software_id: Option<String>,
    pub software_version: Option<String>,
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    pub token_endpoint_auth_method: Option<String>,
    pub grant_types: Option<Vec<String>>,
    pub response_types: Option<Vec<String>>,
    pub scope: Option<String>,
}

/// Why a registration is refused: the RFC 7591 error code and a description.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationError {
    #[error("invalid_redirect_uri: {0}")]
    RedirectUri(String),
    #[error("invalid_client_metadata: {0}")]
    Metadata(String),
}

impl RegistrationError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::RedirectUri(_) => "invalid_redirect_uri",
            Self::Metadata(_) => "invalid_client_metadata",
        }
    }

    pub fn description(&self) -> &str {
        match self {
            Self::RedirectUri(why) | Self::Metadata(why) => why,
        }
    }
}

/// The checked metadata of a client to register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientMetadata {
    pub name: String,
    pub client_uri: Option<String>,
    pub logo_uri: Option<String>,
    pub tos_uri: Option<String>,
    pub policy_uri: Option<String>,
    pub software_id: Option<String>,
    pub software_version: Option<String>,
    pub redirect_uris: Vec<String>,
    pub token_endpoint_auth_method: String,
    pub grant_types: Vec<String>,
    pub scopes: Vec<String>,
}

const MAX_URI: usize = 2000;
const MAX_REDIRECT_URIS: usize = 10;

impl ClientMetadata {
    /// Checks a request against what Besace offers (`offered`: the scopes of its APIs).
    pub fn parse(request: RegistrationRequest, offered: &[&str]) -> Result<Self, RegistrationError> {
        let metadata = |why: &str| RegistrationError::Metadata(why.to_owned());
        let name = request
            .client_name
            .map(|name| name.trim().to_owned())
            .filter(|name| !name.is_empty() && name.chars().count() <= 200)
            .ok_or_else(|| metadata("client_name is required (at most 200 characters)"))?;
        if request.redirect_uris.is_empty() || request.redirect_uris.len() > MAX_REDIRECT_URIS {
            return Err(RegistrationError::RedirectUri(format!(
                "between 1 and {MAX_REDIRECT_URIS} redirect_uris are required"
            )));
        }
        for uri in &request.redirect_uris {
            check_redirect_uri(uri)?;
        }
        let auth_method = request
            .token_endpoint_auth_method
            .unwrap_or_else(|| "client_secret_basic".to_owned());
        if !matches!(auth_method.as_str(), "client_secret_basic" | "client_secret_post") {
            return Err(metadata(
                "token_endpoint_auth_method must be client_secret_basic or client_secret_post",
            ));
        }
        let grant_types = request
            .grant_types
            .unwrap_or_else(|| vec!["authorization_code".to_owned()]);
        if grant_types.is_empty()
            || grant_types
                .iter()
                .any(|g| !matches!(g.as_str(), "authorization_code" | "refresh_token"))
        {
            return Err(metadata(
                "grant_types may only be authorization_code and refresh_token",
            ));
        }
        if let Some(types) = &request.response_types {
            if types.iter().any(|t| t != "code") {
                return Err(metadata("response_types may only be code"));
            }
        }
        // RFC 7591 §2: the server may register fewer scopes than asked. Scopes Besace does
        // not offer (`offline_access`, another API's) are dropped; asking for none it offers
        // is refused.
        let scopes: Vec<String> = match request.scope.as_deref().map(str::trim) {
            None | Some("") => offered.iter().map(|s| (*s).to_owned()).collect(),
            Some(asked) => {
                let kept: Vec<String> = asked
                    .split_whitespace()
                    .filter(|scope| offered.contains(scope))
                    .map(str::to_owned)
                    .collect();
                if kept.is_empty() {
                    return Err(RegistrationError::Metadata(format!(
                        "none of the scopes asked ({asked}) is offered"
                    )));
                }
                kept
            }
        };
        Ok(Self {
            name,
            client_uri: optional_web_uri(request.client_uri, "client_uri")?,
            logo_uri: optional_web_uri(request.logo_uri, "logo_uri")?,
            tos_uri: optional_web_uri(request.tos_uri, "tos_uri")?,
            policy_uri: optional_web_uri(request.policy_uri, "policy_uri")?,
            software_id: short_text(request.software_id),
            software_version: short_text(request.software_version),
            redirect_uris: request.redirect_uris,
            token_endpoint_auth_method: auth_method,
            grant_types,
            scopes,
        })
    }
}

/// An absolute https URI without fragment; plain http only back to this machine (RFC 8252
/// loopback redirects, for a platform on the same host).
fn check_redirect_uri(uri: &str) -> Result<(), RegistrationError> {
    let refuse = |why: &str| RegistrationError::RedirectUri(format!("{uri}: {why}"));
    if uri.len() > MAX_URI {
        return Err(refuse("too long"));
    }
    let parsed = url::Url::parse(uri).map_err(|_| refuse("not an absolute URI"))?;
    if parsed.fragment().is_some() {
        return Err(refuse("a redirect URI has no fragment"));
    }
    let loopback = matches!(parsed.host_str(), Some("127.0.0.1" | "[::1]" | "localhost"));
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(refuse("must be https")),
    }
}

fn optional_web_uri(uri: Option<String>, field: &str) -> Result<Option<String>, RegistrationError> {
    let Some(uri) = uri.filter(|u| !u.trim().is_empty()) else {
        return Ok(None);
    };
    let web =
        uri.len() <= MAX_URI && url::Url::parse(&uri).is_ok_and(|u| matches!(u.scheme(), "https" | "http"));
    if web {
        Ok(Some(uri))
    } else {
        Err(RegistrationError::Metadata(format!(
            "{field} must be an http(s) URL"
        )))
    }
}

fn short_text(text: Option<String>) -> Option<String> {
    text.map(|t| t.chars().take(200).collect())
}

/// A registered client and its secret, which is shown this once and stored only hashed.
pub struct Registered {
    pub client: Client,
    pub secret: String,
}

pub async fn register(db: &DatabaseConnection, metadata: ClientMetadata) -> Result<Registered, DbErr> {
    let secret = random_token(32);
    let client = entity::ActiveModel {
        client_id: Set(random_token(16)),
        secret_sha256: Set(sha256_hex(secret.as_bytes())),
        name: Set(metadata.name),
        client_uri: Set(metadata.client_uri),
        logo_uri: Set(metadata.logo_uri),
        tos_uri: Set(metadata.tos_uri),
        policy_uri: Set(metadata.policy_uri),
        software_id: Set(metadata.software_id),
        software_version: Set(metadata.software_version),
        redirect_uris: Set(serde_json::to_string(&metadata.redirect_uris).unwrap_or_default()),
        scope: Set(metadata.scopes.join(" ")),
        created_at: Set(Utc::now()),
        grant_types: Set(metadata.grant_types.join(" ")),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(Registered { client, secret })
}

pub async fn find(db: &DatabaseConnection, client_id: &str) -> Result<Option<Client>, DbErr> {
    entity::Entity::find()
        .filter(entity::Column::ClientId.eq(client_id))
        .one(db)
        .await
}

pub async fn find_by_id(db: &DatabaseConnection, id: i64) -> Result<Option<Client>, DbErr> {
    entity::Entity::find_by_id(id).one(db).await
}

/// The client whose id and secret these are (HTTP Basic or form body, RFC 6749 §2.3.1).
pub async fn authenticate(
    db: &DatabaseConnection,
    client_id: &str,
    secret: &str,
) -> Result<Option<Client>, DbErr> {
    let Some(client) = find(db, client_id).await? else {
        return Ok(None);
    };
    // Both sides are SHA-256 digests: comparing them leaks nothing about the secret.
    Ok((client.secret_sha256 == sha256_hex(secret.as_bytes())).then_some(client))
}

impl Client {
    pub fn scopes(&self) -> Vec<String> {
        self.scope.split_whitespace().map(str::to_owned).collect()
    }

    pub fn redirect_uris(&self) -> Vec<String> {
        serde_json::from_str(&self.redirect_uris).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moodle() -> RegistrationRequest {
        RegistrationRequest {
            client_name: Some("Campus Moodle".into()),
            client_uri: Some("https://moodle.example/".into()),
            redirect_uris: vec!["https://moodle.example/admin/oauth2callback.php".into()],
            token_endpoint_auth_method: Some("client_secret_basic".into()),
            grant_types: Some(vec!["authorization_code".into(), "refresh_token".into()]),
            response_types: Some(vec!["code".into()]),
            scope: Some(OB21_SCOPES.join(" ")),
            ..Default::default()
        }
    }

    #[test]
    fn a_moodle_request_is_accepted_and_others_are_told_why_not() {
        let accepted = ClientMetadata::parse(moodle(), &OB21_SCOPES).unwrap();
        assert_eq!(accepted.scopes.len(), 3);

        let cases: Vec<(RegistrationRequest, &str)> = vec![
            (
                RegistrationRequest {
                    client_name: None,
                    ..moodle()
                },
                "invalid_client_metadata",
            ),
            (
                RegistrationRequest {
                    redirect_uris: vec![],
                    ..moodle()
                },
                "invalid_redirect_uri",
            ),
            (
                RegistrationRequest {
                    redirect_uris: vec!["http://moodle.example/cb".into()],
                    ..moodle()
                },
                "invalid_redirect_uri",
            ),
            (
                RegistrationRequest {
                    redirect_uris: vec!["https://moodle.example/cb#x".into()],
                    ..moodle()
                },
                "invalid_redirect_uri",
            ),
            (
                RegistrationRequest {
                    redirect_uris: vec!["javascript:alert(1)".into()],
                    ..moodle()
                },
                "invalid_redirect_uri",
            ),
            (
                RegistrationRequest {
                    grant_types: Some(vec!["password".into()]),
                    ..moodle()
                },
                "invalid_client_metadata",
            ),
            (
                RegistrationRequest {
                    response_types: Some(vec!["token".into()]),
                    ..moodle()
                },
                "invalid_client_metadata",
            ),
            (
                RegistrationRequest {
                    scope: Some("https://example.org/everything".into()),
                    ..moodle()
                },
                "invalid_client_metadata",
            ),
            (
                RegistrationRequest {
                    token_endpoint_auth_method: Some("none".into()),
                    ..moodle()
                },
                "invalid_client_metadata",
            ),
            (
                RegistrationRequest {
                    logo_uri: Some("data:image/png;base64,AAAA".into()),
                    ..moodle()
                },
                "invalid_client_metadata",
            ),
        ];
        for (request, code) in cases {
            let refused = ClientMetadata::parse(request, &OB21_SCOPES).unwrap_err();
            assert_eq!(refused.code(), code, "{refused}");
        }
        // A platform on the same machine may use a plain http loopback redirect.
        let local = RegistrationRequest {
            redirect_uris: vec!["http://127.0.0.1:8080/admin/oauth2callback.php".into()],
            ..moodle()
        };
        assert!(ClientMetadata::parse(local, &OB21_SCOPES).is_ok());
    }
}
