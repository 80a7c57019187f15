//! `POST /o/token`, for two kinds of client:
//! - registered platforms (Badge Connect, OB 3.0): the code exchange with PKCE and refresh
//!   rotation, the client authenticated by HTTP Basic or in the body;
//! - sites that speak Badgr's API (Moodle's "OBv2.0" backpack): an address and a platform
//!   password, with no `grant_type` nor client, sent as `multipart/form-data` (a PHP array
//!   given to curl) or form-encoded; and a refresh with no client, as Mahara sends it.
use crate::oauth::OAuthError;
use app::request::client_address;
use axum::{
    extract::{ConnectInfo, FromRequest, Multipart, Request, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Form, Json,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use besace_core::{
    oauth::{self, passwords, TokenError, Tokens},
    oauth_clients::{self, Client},
    AppState,
};
use serde::Deserialize;
use std::net::SocketAddr;

/// A token request (RFC 6749 §4.1.3, §4.3 and §6).
#[derive(Debug, Default, Deserialize)]
struct TokenRequest {
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
    scope: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    username: Option<String>,
    password: Option<String>,
}

/// Most fields a token request may carry: anything longer is not one.
const MAX_FIELDS: usize = 16;

/// The request's fields, form-encoded or multipart.
async fn read_request(request: Request) -> Result<TokenRequest, OAuthError> {
    let malformed = || {
        OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the body must be application/x-www-form-urlencoded or multipart/form-data",
        )
    };
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        let Form(fields) = Form::<TokenRequest>::from_request(request, &())
            .await
            .map_err(|_| malformed())?;
        return Ok(fields);
    }
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|_| malformed())?;
    let mut fields = serde_json::Map::new();
    while let Some(field) = multipart.next_field().await.map_err(|_| malformed())? {
        let name = field.name().unwrap_or_default().to_owned();
        let value = field.text().await.map_err(|_| malformed())?;
        if fields.len() == MAX_FIELDS {
            return Err(malformed());
        }
        fields.insert(name, serde_json::Value::String(value));
    }
    serde_json::from_value(serde_json::Value::Object(fields)).map_err(|_| malformed())
}

pub async fn token(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Result<Response, OAuthError> {
    let headers = request.headers().clone();
    let request = read_request(request).await?;
    let anonymous = request.client_id.is_none() && basic_credentials(&headers).is_none();
    let issued = match request.grant_type.as_deref() {
        None | Some("password") if request.username.is_some() || request.password.is_some() => {
            let ip = client_address(peer.ip(), &headers, &state.trusted_proxies);
            return password_grant(&state, ip, &request).await;
        }
        Some("refresh_token") if anonymous => {
            let refresh_token = required(&request.refresh_token, "refresh_token")?;
            passwords::refresh_public(&state.db, refresh_token, request.scope.as_deref()).await
        }
        _ => client_grant(&state, &headers, &request).await?,
    };
    answer(issued)
}

fn required<'a>(value: &'a Option<String>, name: &str) -> Result<&'a str, OAuthError> {
    value.as_deref().ok_or_else(|| {
        OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            format!("{name} is required"),
        )
    })
}

/// The code exchange and refresh of a registered platform.
async fn client_grant(
    state: &AppState,
    headers: &HeaderMap,
    request: &TokenRequest,
) -> Result<Result<Tokens, TokenError>, OAuthError> {
    let client = authenticate_client(state, headers, &request.client_id, &request.client_secret).await?;
    // RFC 7591 §2: a client uses only the grant types it registered.
    if let Some(grant_type @ ("authorization_code" | "refresh_token")) = request.grant_type.as_deref() {
        if !client.may_use(grant_type) {
            return Err(OAuthError::new(
                StatusCode::BAD_REQUEST,
                "unauthorized_client",
                "this client did not register this grant type",
            ));
        }
    }
    Ok(match request.grant_type.as_deref() {
        Some("authorization_code") => {
            let code = required(&request.code, "code")?;
            oauth::exchange_code(
                &state.db,
                &client,
                code,
                request.redirect_uri.as_deref(),
                request.code_verifier.as_deref(),
            )
            .await
        }
        Some("refresh_token") => {
            let refresh_token = required(&request.refresh_token, "refresh_token")?;
            oauth::refresh(&state.db, &client, refresh_token, request.scope.as_deref()).await
        }
        _ => {
            return Err(OAuthError::new(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "grant_type must be authorization_code or refresh_token",
            ))
        }
    })
}

/// What the site's learner reads when the sign-in fails: Moodle shows `error_description`
/// as it is, and sends no language, so it says it in both.
const WRONG: &str = "Adresse ou mot de passe de plateforme incorrect. Créez un mot de passe de \
plateforme dans Besace : Paramètres › Plateformes connectées. / Wrong address or platform \
password. Create a platform password in Besace: Settings › Connected platforms.";
const MAIN_PASSWORD: &str = "Ceci est votre mot de passe Besace : ne le donnez pas à un autre \
site. Dans Besace, ouvrez Paramètres › Plateformes connectées, créez un mot de passe de \
plateforme pour ce site et tapez-le ici. / This is your Besace password: do not give it to \
another site. In Besace, open Settings › Connected platforms, create a platform password for \
this site and type that one here.";

/// An address and a platform password (RFC 6749 §4.3), within the attempt budgets that
/// guard the login form (per client address and per account).
async fn password_grant(
    state: &AppState,
    ip: std::net::IpAddr,
    request: &TokenRequest,
) -> Result<Response, OAuthError> {
    let username = required(&request.username, "username")?;
    let password = required(&request.password, "password")?;
    if !state.rate_limits.allow_ip(ip).await
        || !state
            .rate_limits
            .allow_account(&username.trim().to_lowercase())
            .await
    {
        return Err(OAuthError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "Trop d'essais : réessayez dans une minute. / Too many attempts: try again in a minute.",
        ));
    }
    match passwords::sign_in(&state.db, username, password).await? {
        Ok(tokens) => answer(Ok(tokens)),
        Err(refusal) => {
            tracing::info!(?refusal, "platform password sign-in refused");
            let description = match refusal {
                passwords::SignInRefusal::MainPassword => MAIN_PASSWORD,
                passwords::SignInRefusal::Wrong => WRONG,
            };
            Err(OAuthError::new(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                description,
            ))
        }
    }
}

fn answer(issued: Result<Tokens, TokenError>) -> Result<Response, OAuthError> {
    match issued {
        Ok(tokens) => Ok((
            [(header::CACHE_CONTROL, "no-store"), (header::PRAGMA, "no-cache")],
            Json(tokens),
        )
            .into_response()),
        Err(TokenError::InvalidGrant(why)) => {
            Err(OAuthError::new(StatusCode::BAD_REQUEST, "invalid_grant", why))
        }
        Err(TokenError::InvalidScope(why)) => {
            Err(OAuthError::new(StatusCode::BAD_REQUEST, "invalid_scope", why))
        }
        Err(TokenError::Db(err)) => Err(err.into()),
    }
}

/// `Authorization: Basic` credentials, form-decoded first (RFC 6749 §2.3.1).
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| STANDARD.decode(encoded.trim()).ok())
        .and_then(|decoded| String::from_utf8(decoded).ok())
        .and_then(|pair| {
            let (id, secret) = pair.split_once(':')?;
            Some((form_decode(id), form_decode(secret)))
        })
}

/// The client, from `Authorization: Basic` or from `client_id`/`client_secret` in the body.
pub(crate) async fn authenticate_client(
    state: &AppState,
    headers: &HeaderMap,
    body_id: &Option<String>,
    body_secret: &Option<String>,
) -> Result<Client, OAuthError> {
    let basic = basic_credentials(headers);
    let used_basic = basic.is_some();
    let credentials = basic.or_else(|| Some((body_id.clone()?, body_secret.clone()?)));
    let refused = || {
        OAuthError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client or wrong secret",
        )
        .asking_basic(used_basic)
    };
    let Some((id, secret)) = credentials else {
        return Err(refused());
    };
    oauth_clients::authenticate(&state.db, &id, &secret)
        .await?
        .filter(|client| !passwords::is_password_client(client))
        .ok_or_else(refused)
}

fn form_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}
