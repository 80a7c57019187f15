//! Connecting another backpack: its Service Description (1EdTech's OpenAPI layout), one
//! registration per description and callback, the consent with PKCE, the tokens.
use super::*;
use crate::random_token;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use besace_badges::{CallMethod, FetchKind, Fetcher, Outbound};
use chrono::Duration;
use sea_orm::ActiveValue::Set;
use serde_json::json;
use sha2::{Digest, Sha256};

/// it names one, else the standard path on its site.
pub fn discovery_url(address: &str) -> Option<String> {
    let address = address.trim();
    let with_scheme = if address.contains("://") {
        address.to_owned()
    } else {
        format!("https://{address}")
    };
    let url = url::Url::parse(&with_scheme).ok()?;
    if !is_safe(&url) {
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

/// Whether secrets may travel to this URL: https, or http to this very machine (tests and
/// a backpack beside this one), as for the redirect URIs platforms register.
fn is_safe(url: &url::Url) -> bool {
    let loopback = match url.host() {
        Some(url::Host::Domain(name)) => name == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return false,
    };
    url.scheme() == "https" || (url.scheme() == "http" && loopback)
}

fn safe(text: Option<&str>) -> Option<String> {
    let url = url::Url::parse(text?).ok()?;
    is_safe(&url).then(|| url.to_string())
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
    let api_base = safe(document["servers"][0]["url"].as_str())?
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
        authorization_url: safe(flow.get("authorizationUrl")?.as_str())?,
        token_url: safe(flow.get("tokenUrl")?.as_str())?,
        registration_url: safe(scheme["x-imssf-registrationUrl"].as_str())?,
    })
}

fn json_call(url: &str, body: &Value) -> Outbound {
    Outbound {
        method: CallMethod::Post,
        url: url.to_owned(),
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("Accept".into(), "application/json".into()),
        ],
        body: body.to_string().into_bytes(),
    }
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
    match row.insert(db).await {
        Ok(registration) => Ok(registration),
        // Another learner registered this very backpack meanwhile: theirs serves.
        Err(err) if crate::is_unique_violation(&err) => registration::Entity::find()
            .filter(registration::Column::DiscoveryUrl.eq(discovery))
            .filter(registration::Column::RedirectUri.eq(redirect_uri))
            .one(db)
            .await?
            .ok_or(RemoteError::Db(err)),
        Err(err) => Err(err.into()),
    }
}

/// Starts a connection: answers where to send the learner's browser (the other backpack's
/// consent) and what to keep in their session meanwhile.
pub async fn start(
    db: &DatabaseConnection,
    fetcher: &Verifier,
    user_id: i64,
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
            user_id,
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
        method: CallMethod::Post,
        url: registration.token_url.clone(),
        headers: vec![
            ("Content-Type".into(), "application/x-www-form-urlencoded".into()),
            ("Accept".into(), "application/json".into()),
            ("Authorization".into(), format!("Basic {basic}")),
        ],
        body: body.into_bytes(),
    }
}

pub(super) struct Issued {
    pub access: String,
    pub refresh: Option<String>,
    pub expires_at: DateTime<Utc>,
}

pub(super) async fn tokens(
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
        // Whatever the other backpack says, within a minute and a year.
        expires_at: Utc::now()
            + Duration::seconds(
                body["expires_in"]
                    .as_i64()
                    .unwrap_or(3600)
                    .clamp(60, 366 * 86_400),
            ),
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
    if pending.state != state || pending.user_id != user_id {
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
        import_lease_until: Set(Some(now + IMPORT_LEASE)),
        ..Default::default()
    }
    .insert(&store.db)
    .await?;
    spawn_import(store.clone(), fetcher.clone(), connection.id);
    Ok(connection.id)
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
        // Secrets go in clear to no other machine.
        assert_eq!(discovery_url("http://badges.example.org"), None);
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
