//! Open Badges 2.1 Badge Connect, the way issuer platforms such as Moodle find and join a
//! backpack: the discovery document (`/.well-known/badgeconnect.json`) and OAuth 2.0
//! dynamic client registration (`/o/register`, RFC 7591). Both are machine to machine:
//! no session, no cookie, outside the CSRF check.
use crate::startup::ServerState;
use app::server::{
    oauth_clients::{self, ClientMetadata, RegistrationError, RegistrationRequest, OB21_SCOPES},
    AppState,
};
use axum::{
    extract::{rejection::JsonRejection, ConnectInfo, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::{json, Value};
use std::net::SocketAddr;

pub const DISCOVERY_PATH: &str = "/.well-known/badgeconnect.json";
pub const REGISTRATION_PATH: &str = "/o/register";
pub const AUTHORIZATION_PATH: &str = "/o/authorize";
pub const TOKEN_PATH: &str = "/o/token";
/// Where the Badge Connect API (assertions, profile) lives.
pub const API_BASE_PATH: &str = "/ims/ob/v2p1";

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route(DISCOVERY_PATH, get(discovery))
        .route(REGISTRATION_PATH, post(register))
}

/// The Badge Connect manifest: Moodle turns every `…Url` key into an OAuth endpoint and
/// `scopesOffered` into the scopes it asks for.
async fn discovery(State(state): State<AppState>) -> Response {
    let base = &state.public_url;
    let id = format!("{base}{DISCOVERY_PATH}");
    let manifest = json!({
        "@context": "https://w3id.org/openbadges/badgeconnect/v1",
        "id": id,
        "badgeConnectAPI": [{
            "@context": "https://w3id.org/openbadges/badgeconnect/v1",
            "id": id,
            "type": "BadgeConnectAPI",
            "name": "Besace",
            "image": format!("{base}/favicon.svg"),
            "apiBase": format!("{base}{API_BASE_PATH}"),
            "version": "v1p0",
            "scopesOffered": OB21_SCOPES,
            "registrationUrl": format!("{base}{REGISTRATION_PATH}"),
            "authorizationUrl": format!("{base}{AUTHORIZATION_PATH}"),
            "tokenUrl": format!("{base}{TOKEN_PATH}"),
        }]
    });
    ([(header::CACHE_CONTROL, "public, max-age=3600")], Json(manifest)).into_response()
}

/// Registers a platform: open to anyone, as the specification requires, but within the
/// per-address attempt budget that also guards sign-up and login.
async fn register(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Result<Json<RegistrationRequest>, JsonRejection>,
) -> Response {
    if !state.rate_limits.allow_ip(peer.ip()) {
        return oauth_error(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "too many registrations from this address; try again in a minute",
        );
    }
    let Json(request) = match body {
        Ok(body) => body,
        Err(rejection) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_client_metadata",
                &format!(
                    "the body must be a JSON registration request: {}",
                    rejection.body_text()
                ),
            )
        }
    };
    let metadata = match ClientMetadata::parse(request, &OB21_SCOPES) {
        Ok(metadata) => metadata,
        Err(refused) => return registration_refused(&refused),
    };
    let answer = registration_answer(&metadata);
    match oauth_clients::register(&state.db, metadata).await {
        Ok(registered) => {
            let mut answer = answer;
            answer["client_id"] = json!(registered.client.client_id);
            answer["client_secret"] = json!(registered.secret);
            answer["client_id_issued_at"] = json!(registered.client.created_at.timestamp());
            answer["client_secret_expires_at"] = json!(0);
            tracing::info!(client = %registered.client.client_id, name = %registered.client.name, "platform registered");
            (
                StatusCode::CREATED,
                [(header::CACHE_CONTROL, "no-store")],
                Json(answer),
            )
                .into_response()
        }
        Err(err) => {
            tracing::error!(error = %err, "registration could not be stored");
            oauth_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "try again later",
            )
        }
    }
}

/// The registered metadata, echoed as RFC 7591 asks.
fn registration_answer(metadata: &ClientMetadata) -> Value {
    let mut answer = json!({
        "client_name": metadata.name,
        "redirect_uris": metadata.redirect_uris,
        "token_endpoint_auth_method": metadata.token_endpoint_auth_method,
        "grant_types": metadata.grant_types,
        "response_types": ["code"],
        "scope": metadata.scopes.join(" "),
    });
    for (key, value) in [
        ("client_uri", &metadata.client_uri),
        ("logo_uri", &metadata.logo_uri),
        ("tos_uri", &metadata.tos_uri),
        ("policy_uri", &metadata.policy_uri),
        ("software_id", &metadata.software_id),
        ("software_version", &metadata.software_version),
    ] {
        if let Some(value) = value {
            answer[key] = json!(value);
        }
    }
    answer
}

fn registration_refused(refused: &RegistrationError) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, refused.code(), refused.description())
}

/// An OAuth 2.0 error answer: `{"error": …, "error_description": …}`, never cached.
pub fn oauth_error(status: StatusCode, code: &str, description: &str) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({ "error": code, "error_description": description })),
    )
        .into_response()
}
