//! Besace as an Open Badges 3.0 Service Consumer: a learner brings the badges they hold in
//! another backpack (another Besace, Canvas Credentials…). Besace reads that backpack's
//! Service Description, registers with it once (RFC 7591), sends the learner through its
//! consent (authorization code with PKCE), then pages through `getCredentials` and puts
//! every credential through the normal import: verified for this learner, duplicates
//! recognised. The import runs in the background after the connection is stored; the
//! connection keeps its progress and summary, can import again later, and be removed.
//! Every call goes through the one fetcher (docs/CONTRACTS.md, "One way out").
use super::badges::{self, ImportOutcome};
use super::{changes::Store, random_token, Verifier};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use besace_badges::{FetchKind, Fetcher, Outbound};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{entity::prelude::*, ActiveValue::Set, DatabaseConnection, QueryOrder};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub mod registration {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "remote_registrations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub discovery_url: String,
        /// The other backpack's name, from its Service Description.
        pub name: String,
        pub api_base: String,
        pub authorization_url: String,
        pub token_url: String,
        pub client_id: String,
        /// Kept as given: Besace authenticates with it at the other backpack's token URL.
        pub client_secret: String,
        pub redirect_uri: String,
        pub created_at: DateTime<Utc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod connection {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "remote_connections")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        pub registration_id: i64,
        pub access_token: String,
        pub refresh_token: Option<String>,
        pub expires_at: DateTime<Utc>,
        pub created_at: DateTime<Utc>,
        pub import_state: ImportState,
        pub imported_at: Option<DateTime<Utc>>,
        /// Credentials read so far in the current (or last) import, and what became of them.
        pub done: i32,
        pub added: i32,
        pub already: i32,
        pub refused: i32,
        /// Why the last import stopped, in English (the operator's words; the page says it
        /// in the learner's).
        pub failure: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use connection::Model as Connection;
pub use registration::Model as Registration;

/// Where a connection's import stands.
#[derive(Copy, Clone, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ImportState {
    #[sea_orm(string_value = "running")]
    Running,
    #[sea_orm(string_value = "done")]
    Done,
    #[sea_orm(string_value = "failed")]
    Failed,
}

/// The one scope Besace asks for: reading the learner's credentials.
pub const READ_SCOPE: &str = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly";

/// Credentials asked for per page, and the most one import reads.
const PAGE: usize = 50;
const MOST: usize = 2000;

/// The connection request waiting in the learner's session while they consent elsewhere.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub registration_id: i64,
    pub state: String,
    pub verifier: String,
}

pub const PENDING_KEY: &str = "besace.remote_backpack";

/// Why a connection could not be made or used.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("not a web address")]
    BadAddress,
    #[error("no Open Badges 3.0 service description at {0}")]
    NoDescription(String),
    #[error("the other backpack refused: {0}")]
    Refused(String),
    #[error("the connection request is no longer valid")]
    Stale,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// The Service Description's address for what the learner typed: the address itself when
/// it names one, else the standard path on its site.
pub fn discovery_url(address: &str) -> Option<String> {
    let address = address.trim();
    let with_scheme = if address.contains("://") {
        address.to_owned()
    } else {
        format!("https://{address}")
    };
    let url = url::Url::parse(&with_scheme).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    if url.path().ends_with("/discovery") {
        return Some(url.to_string());
    }
    Some(format!(
        "{}/ims/ob/v3p0/discovery",
        url.origin().ascii_serialization()
    ))
}

/// What Besace needs from a Service Description (1EdTech's OpenAPI layout).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Description {
    name: String,
    api_base: String,
    authorization_url: String,
    token_url: String,
    registration_url: String,
}

fn read_description(document: &Value) -> Option<Description> {
    let api_base = document["servers"][0]["url"]
        .as_str()?
        .trim_end_matches('/')
        .to_owned();
    let schemes = document["components"]["securitySchemes"].as_object()?;
    let (scheme, flow) = schemes.values().find_map(|scheme| {
        let flow = scheme["flows"]["authorizationCode"].as_object()?;
        Some((scheme, flow))
    })?;
    let text = |value: &Value| value.as_str().map(str::to_owned);
    Some(Description {
        name: text(&scheme["x-imssf-name"])
            .or_else(|| text(&document["info"]["title"]))
            .unwrap_or_else(|| api_base.clone()),
        api_base,
        authorization_url: text(flow.get("authorizationUrl")?)?,
        token_url: text(flow.get("tokenUrl")?)?,
        registration_url: text(&scheme["x-imssf-registrationUrl"])?,
    })
}

fn json_call(url: &str, body: &Value) -> Outbound {
    Outbound {
        post: true,
        url: url.to_owned(),
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("Accept".into(), "application/json".into()),
        ],
        body: body.to_string().into_bytes(),
    }
}

fn answer_json(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

/// The registration for this Service Description and callback, made once and shared.
async fn registration(
    db: &DatabaseConnection,
    fetcher: &Verifier,
    discovery: &str,
    redirect_uri: &str,
    site: &str,
) -> Result<Registration, RemoteError> {
    if let Some(known) = registration::Entity::find()
        .filter(registration::Column::DiscoveryUrl.eq(discovery))
        .filter(registration::Column::RedirectUri.eq(redirect_uri))
        .one(db)
        .await?
    {
        return Ok(known);
    }
    let no_description = || RemoteError::NoDescription(discovery.to_owned());
    let fetched = fetcher
        .fetch(discovery, FetchKind::Json)
        .await
        .map_err(|_| no_description())?;
    if fetched.status != 200 {
        return Err(no_description());
    }
    let description = read_description(&answer_json(&fetched.body)).ok_or_else(no_description)?;
    let request = json!({
        "client_name": "Besace",
        "client_uri": format!("{site}/"),
        "logo_uri": format!("{site}/favicon.svg"),
        "tos_uri": format!("{site}/"),
        "policy_uri": format!("{site}/"),
        "software_id": "besace",
        "software_version": env!("CARGO_PKG_VERSION"),
        "redirect_uris": [redirect_uri],
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": READ_SCOPE,
    });
    let response = fetcher
        .send(&json_call(&description.registration_url, &request))
        .await
        .map_err(|err| RemoteError::Refused(err.to_string()))?;
    let registered = answer_json(&response.body);
    let (Some(client_id), Some(secret)) = (
        registered["client_id"].as_str(),
        registered["client_secret"].as_str(),
    ) else {
        return Err(RemoteError::Refused(format!(
            "registration answered HTTP {}",
            response.status
        )));
    };
    let row = registration::ActiveModel {
        discovery_url: Set(discovery.to_owned()),
        name: Set(description.name),
        api_base: Set(description.api_base),
        authorization_url: Set(description.authorization_url),
        token_url: Set(description.token_url),
        client_id: Set(client_id.to_owned()),
        client_secret: Set(secret.to_owned()),
        redirect_uri: Set(redirect_uri.to_owned()),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    Ok(row.insert(db).await?)
}

/// Starts a connection: answers where to send the learner's browser (the other backpack's
/// consent) and what to keep in their session meanwhile.
pub async fn start(
    db: &DatabaseConnection,
    fetcher: &Verifier,
    address: &str,
    redirect_uri: &str,
    site: &str,
) -> Result<(String, Pending), RemoteError> {
    let discovery = discovery_url(address).ok_or(RemoteError::BadAddress)?;
    let registration = registration(db, fetcher, &discovery, redirect_uri, site).await?;
    let verifier = random_token(32);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let state = random_token(16);
    let mut target = url::Url::parse(&registration.authorization_url).map_err(|_| RemoteError::BadAddress)?;
    target.query_pairs_mut().extend_pairs([
        ("response_type", "code"),
        ("client_id", registration.client_id.as_str()),
        ("redirect_uri", redirect_uri),
        ("scope", READ_SCOPE),
        ("state", state.as_str()),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ]);
    Ok((
        target.to_string(),
        Pending {
            registration_id: registration.id,
            state,
            verifier,
        },
    ))
}

/// A token request with the registration's credentials (HTTP Basic, RFC 6749 §2.3.1).
fn token_call(registration: &Registration, pairs: &[(&str, &str)]) -> Outbound {
    use base64::engine::general_purpose::STANDARD;
    let encode = |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    let basic = STANDARD.encode(format!(
        "{}:{}",
        encode(&registration.client_id),
        encode(&registration.client_secret)
    ));
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    Outbound {
        post: true,
        url: registration.token_url.clone(),
        headers: vec![
            ("Content-Type".into(), "application/x-www-form-urlencoded".into()),
            ("Accept".into(), "application/json".into()),
            ("Authorization".into(), format!("Basic {basic}")),
        ],
        body: body.into_bytes(),
    }
}

struct Issued {
    access: String,
    refresh: Option<String>,
    expires_at: DateTime<Utc>,
}

async fn tokens(
    fetcher: &Verifier,
    registration: &Registration,
    pairs: &[(&str, &str)],
) -> Result<Issued, RemoteError> {
    let response = fetcher
        .send(&token_call(registration, pairs))
        .await
        .map_err(|err| RemoteError::Refused(err.to_string()))?;
    let body = answer_json(&response.body);
    let Some(access) = body["access_token"].as_str() else {
        let why = body["error_description"]
            .as_str()
            .or(body["error"].as_str())
            .unwrap_or("no access token");
        return Err(RemoteError::Refused(why.to_owned()));
    };
    Ok(Issued {
        access: access.to_owned(),
        refresh: body["refresh_token"].as_str().map(str::to_owned),
        expires_at: Utc::now() + Duration::seconds(body["expires_in"].as_i64().unwrap_or(3600)),
    })
}

/// The learner came back from the other backpack's consent with `code`: the tokens are
/// fetched, the connection stored, and its first import started.
pub async fn finish(
    store: &Store,
    fetcher: &Arc<Verifier>,
    user_id: i64,
    pending: &Pending,
    state: &str,
    code: &str,
) -> Result<i64, RemoteError> {
    if pending.state != state {
        return Err(RemoteError::Stale);
    }
    let registration = registration::Entity::find_by_id(pending.registration_id)
        .one(&store.db)
        .await?
        .ok_or(RemoteError::Stale)?;
    let issued = tokens(
        fetcher,
        &registration,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", registration.redirect_uri.as_str()),
            ("code_verifier", pending.verifier.as_str()),
        ],
    )
    .await?;
    let now = Utc::now();
    let connection = connection::ActiveModel {
        user_id: Set(user_id),
        registration_id: Set(registration.id),
        access_token: Set(issued.access),
        refresh_token: Set(issued.refresh),
        expires_at: Set(issued.expires_at),
        created_at: Set(now),
        import_state: Set(ImportState::Running),
        ..Default::default()
    }
    .insert(&store.db)
    .await?;
    spawn_import(store.clone(), fetcher.clone(), connection.id);
    Ok(connection.id)
}

/// Imports again from a connection the learner holds; `false` when it is not theirs or an
/// import is already running.
pub async fn import_again(
    store: &Store,
    fetcher: &Arc<Verifier>,
    user_id: i64,
    id: i64,
) -> Result<bool, DbErr> {
    let Some(found) = find_owned(&store.db, user_id, id).await? else {
        return Ok(false);
    };
    if found.import_state == ImportState::Running {
        return Ok(false);
    }
    let mut row: connection::ActiveModel = found.into();
    row.import_state = Set(ImportState::Running);
    row.update(&store.db).await?;
    spawn_import(store.clone(), fetcher.clone(), id);
    Ok(true)
}

fn spawn_import(store: Store, fetcher: Arc<Verifier>, id: i64) {
    tokio::spawn(async move {
        if let Err(err) = import(&store, &fetcher, id).await {
            tracing::warn!(connection = id, error = %err, "import from another backpack failed");
            let failure = connection::ActiveModel {
                id: Set(id),
                import_state: Set(ImportState::Failed),
                failure: Set(Some(err.to_string())),
                ..Default::default()
            };
            if let Err(err) = failure.update(&store.db).await {
                tracing::error!(connection = id, error = %err, "the import's failure could not be stored");
            }
        }
    });
}

/// One page of `getCredentials`, refreshing the access token once if it was refused.
async fn page(
    store: &Store,
    fetcher: &Verifier,
    connection: &mut Connection,
    registration: &Registration,
    offset: usize,
) -> Result<Vec<Vec<u8>>, RemoteError> {
    for attempt in 0..2 {
        let call = Outbound {
            post: false,
            url: format!(
                "{}/credentials?limit={PAGE}&offset={offset}",
                registration.api_base
            ),
            headers: vec![
                ("Accept".into(), "application/json".into()),
                (
                    "Authorization".into(),
                    format!("Bearer {}", connection.access_token),
                ),
            ],
            body: Vec::new(),
        };
        let response = fetcher
            .send(&call)
            .await
            .map_err(|err| RemoteError::Refused(err.to_string()))?;
        if response.status == 401 && attempt == 0 {
            let Some(refresh) = connection.refresh_token.clone() else {
                return Err(RemoteError::Refused(
                    "the other backpack ended the connection".into(),
                ));
            };
            let issued = tokens(
                fetcher,
                registration,
                &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
            )
            .await?;
            let mut row: connection::ActiveModel = connection.clone().into();
            row.access_token = Set(issued.access);
            row.refresh_token = Set(issued.refresh.or(Some(refresh)));
            row.expires_at = Set(issued.expires_at);
            *connection = row.update(&store.db).await?;
            continue;
        }
        if response.status != 200 {
            return Err(RemoteError::Refused(format!(
                "getCredentials answered HTTP {}",
                response.status
            )));
        }
        let body = answer_json(&response.body);
        let mut credentials: Vec<Vec<u8>> = body["credential"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|credential| credential.to_string().into_bytes())
            .collect();
        credentials.extend(
            body["compactJwsString"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|jws| jws.as_bytes().to_vec()),
        );
        return Ok(credentials);
    }
    Err(RemoteError::Refused(
        "the other backpack refused the refreshed token".into(),
    ))
}

/// Reads every credential and imports each for the learner, keeping the counts as it goes.
async fn import(store: &Store, fetcher: &Verifier, id: i64) -> Result<(), RemoteError> {
    let db = &store.db;
    let mut connection = connection::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(RemoteError::Stale)?;
    let registration = registration::Entity::find_by_id(connection.registration_id)
        .one(db)
        .await?
        .ok_or(RemoteError::Stale)?;
    let (mut done, mut added, mut already, mut refused) = (0, 0, 0, 0);
    let mut offset = 0;
    while offset < MOST {
        let credentials = page(store, fetcher, &mut connection, &registration, offset).await?;
        let count = credentials.len();
        for bytes in credentials {
            match badges::import_bytes(store, fetcher, connection.user_id, &bytes).await? {
                ImportOutcome::Added(_) => added += 1,
                ImportOutcome::AlreadyThere(_) => already += 1,
                ImportOutcome::Refused(_) | ImportOutcome::TooLarge => refused += 1,
            }
            done += 1;
            let progress = connection::ActiveModel {
                id: Set(id),
                done: Set(done),
                added: Set(added),
                already: Set(already),
                refused: Set(refused),
                ..Default::default()
            };
            progress.update(db).await?;
        }
        if count < PAGE {
            break;
        }
        offset += count;
    }
    connection::ActiveModel {
        id: Set(id),
        import_state: Set(ImportState::Done),
        imported_at: Set(Some(Utc::now())),
        failure: Set(None),
        ..Default::default()
    }
    .update(db)
    .await?;
    tracing::info!(
        connection = id,
        done,
        added,
        already,
        refused,
        "import from another backpack done"
    );
    Ok(())
}

async fn find_owned(db: &DatabaseConnection, user_id: i64, id: i64) -> Result<Option<Connection>, DbErr> {
    connection::Entity::find_by_id(id)
        .filter(connection::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// The learner's connections to other backpacks, newest first, with each backpack's name
/// and address (two queries).
pub async fn list(db: &DatabaseConnection, user_id: i64) -> Result<Vec<(Connection, Registration)>, DbErr> {
    let connections = connection::Entity::find()
        .filter(connection::Column::UserId.eq(user_id))
        .order_by_desc(connection::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i64> = connections.iter().map(|c| c.registration_id).collect();
    let registrations = registration::Entity::find()
        .filter(registration::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(connections
        .into_iter()
        .filter_map(|c| {
            let r = registrations.iter().find(|r| r.id == c.registration_id)?.clone();
            Some((c, r))
        })
        .collect())
}

/// Forgets a connection and its tokens (the badges it brought stay in the backpack).
pub async fn remove(db: &DatabaseConnection, user_id: i64, id: i64) -> Result<bool, DbErr> {
    let removed = connection::Entity::delete_many()
        .filter(connection::Column::Id.eq(id))
        .filter(connection::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(removed.rows_affected == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_lead_to_a_service_description() {
        assert_eq!(
            discovery_url("badges.example.org").as_deref(),
            Some("https://badges.example.org/ims/ob/v3p0/discovery")
        );
        assert_eq!(
            discovery_url("http://127.0.0.1:8080/some/page").as_deref(),
            Some("http://127.0.0.1:8080/ims/ob/v3p0/discovery")
        );
        assert_eq!(
            discovery_url("https://x.example/api/ims/ob/v3p0/discovery").as_deref(),
            Some("https://x.example/api/ims/ob/v3p0/discovery")
        );
        assert_eq!(discovery_url("javascript:alert(1)"), None);
        assert_eq!(discovery_url("   "), None);
    }

    #[test]
    fn the_1edtech_layout_is_read() {
        let document = json!({
            "info": {"title": "Other"},
            "servers": [{"url": "https://b.example/ims/ob/v3p0/"}],
            "components": {"securitySchemes": {"OAuth2ACG": {
                "type": "oauth2",
                "x-imssf-registrationUrl": "https://b.example/o/register",
                "flows": {"authorizationCode": {
                    "authorizationUrl": "https://b.example/o/authorize",
                    "tokenUrl": "https://b.example/o/token",
                    "scopes": {}
                }}
            }}}
        });
        let read = read_description(&document).unwrap();
        assert_eq!(read.api_base, "https://b.example/ims/ob/v3p0");
        assert_eq!(read.name, "Other");
        assert_eq!(read.registration_url, "https://b.example/o/register");
        assert!(read_description(&json!({"servers": []})).is_none());
    }
}
