//! Open Badges 2.1 Badge Connect, the way issuer platforms such as Moodle find and join a
//! backpack: the discovery document (`/.well-known/badgeconnect.json`), OAuth 2.0 dynamic
//! client registration (`/o/register`, RFC 7591, shared with the OB 3.0 API) and the API
//! itself (assertions, profile). All machine to machine: no session, no cookie, outside the
//! CSRF check; the API acts for the learner behind the bearer token only.
use crate::extract::{Granted, Refused, Scope};
use crate::oauth::{
    add_bearer_challenge, add_pagination, oauth_error, portable, BearerRefusal, ListParams,
    AUTHORIZATION_PATH, REVOCATION_PATH, TOKEN_PATH,
};
use crate::startup::ServerState;
use axum::{
    extract::{rejection::JsonRejection, ConnectInfo, DefaultBodyLimit, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{any, get, post},
    Json, Router,
};
use besace_badges::{CheckId, FetchKind, Fetcher, Lang, Report};
use besace_core::{
    badges::{self, MAX_IMPORT_BYTES},
    emails,
    inbox::{self, PushOutcome},
    oauth_clients::{self, ClientMetadata, RegistrationError, RegistrationRequest, OB21_SCOPES},
    users, AppState,
};
use serde::Deserialize;
use serde_json::{json, Value};
use std::net::SocketAddr;

pub const DISCOVERY_PATH: &str = "/.well-known/badgeconnect.json";
pub const REGISTRATION_PATH: &str = "/o/register";
/// Where the Badge Connect API (assertions, profile) lives.
pub const API_BASE_PATH: &str = "/ims/ob/v2p1";

/// Any other path or method under the API base answers the status object, never a page.
pub fn routes() -> Router<ServerState> {
    let api = Router::new()
        .route(
            "/assertions",
            get(list_assertions)
                .post(push_assertion)
                .fallback(wrong_method)
                // A whole badge, whose image may be a data URI, plus the JSON around it.
                .layer(DefaultBodyLimit::max(2 * MAX_IMPORT_BYTES)),
        )
        .route("/profile", get(profile).fallback(wrong_method))
        .fallback(unknown_path);
    Router::new()
        .route(DISCOVERY_PATH, get(discovery))
        .route(REGISTRATION_PATH, post(register))
        .route(API_BASE_PATH, any(unknown_path))
        .route(&format!("{API_BASE_PATH}/"), any(unknown_path))
        .nest(API_BASE_PATH, api)
}

async fn unknown_path() -> ConnectError {
    ConnectError::new(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "no such endpoint in the Badge Connect API",
    )
}

async fn wrong_method() -> ConnectError {
    ConnectError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "this endpoint does not take that method",
    )
}

/// The Badge Connect manifest: Moodle turns every `…Url` key into an OAuth endpoint and
/// `scopesOffered` into the scopes it asks for.
async fn discovery(State(state): State<AppState>) -> Response {
    let base = &state.public_url;
    let id = format!("{base}{DISCOVERY_PATH}");
    let manifest = json!({
        "@context": "https://purl.imsglobal.org/spec/ob/v2p1/ob_v2p1.jsonld",
        "id": id,
        // One entry: Moodle reads the last, other clients the first.
        "badgeConnectAPI": [{
            "id": id,
            "type": "BadgeConnectAPI",
            "name": "Besace",
            "image": format!("{base}/favicon.svg"),
            "apiBase": format!("{base}{API_BASE_PATH}"),
            "version": "v2p1",
            "termsOfServiceUrl": format!("{base}/"),
            "privacyPolicyUrl": format!("{base}/"),
            "scopesOffered": OB21_SCOPES,
            "registrationUrl": format!("{base}{REGISTRATION_PATH}"),
            "authorizationUrl": format!("{base}{AUTHORIZATION_PATH}"),
            "tokenUrl": format!("{base}{TOKEN_PATH}"),
            "tokenRevocationUrl": format!("{base}{REVOCATION_PATH}"),
        }]
    });
    ([(header::CACHE_CONTROL, "public, max-age=3600")], Json(manifest)).into_response()
}

/// Registers a platform: open to anyone, as the specification requires, but within the
/// per-address attempt budget that also guards sign-up and login.
pub async fn register(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<RegistrationRequest>, JsonRejection>,
) -> Response {
    let client = app::request::client_address(peer.ip(), &headers, &state.trusted_proxies);
    if !state.rate_limits.allow_ip(client).await {
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
    let metadata = match ClientMetadata::parse(request, &oauth_clients::all_scopes()) {
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

/// The Badge Connect status object: `statusCode` 200 and `OK`, or the spec's error names.
fn status(code: StatusCode, text: &str, error: Option<String>) -> Value {
    json!({ "error": error, "statusCode": code.as_u16(), "statusText": text })
}

fn api_answer(code: StatusCode, text: &str, error: Option<String>, extra: Value) -> Response {
    let mut body = json!({ "status": status(code, text, error) });
    if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
        body.extend(extra);
    }
    (code, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}

/// How the Badge Connect API says no: its status object with the spec's error name, and
/// the bearer challenge on 401 and 403.
#[derive(Debug)]
pub struct ConnectError {
    status: StatusCode,
    text: &'static str,
    error: String,
}

impl ConnectError {
    fn new(status: StatusCode, text: &'static str, error: impl Into<String>) -> Self {
        Self {
            status,
            text,
            error: error.into(),
        }
    }

    fn invalid(error: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "REQUEST_VALIDATION_ERROR", error)
    }

    fn server() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "SERVER_ERROR",
            "try again later",
        )
    }
}

impl From<sea_orm::DbErr> for ConnectError {
    fn from(err: sea_orm::DbErr) -> Self {
        tracing::error!(error = ?err, "Badge Connect request failed");
        Self::server()
    }
}

impl From<Refused> for ConnectError {
    fn from(refused: Refused) -> Self {
        match refused.why {
            BearerRefusal::MissingScope => Self::new(
                StatusCode::FORBIDDEN,
                "PERMISSION_DENIED",
                format!("the learner did not grant {}", refused.scope),
            ),
            BearerRefusal::Unauthenticated => Self::new(
                StatusCode::UNAUTHORIZED,
                "UNAUTHENTICATED",
                "a valid Bearer access token is required",
            ),
            BearerRefusal::Internal => Self::server(),
        }
    }
}

impl IntoResponse for ConnectError {
    fn into_response(self) -> Response {
        let mut response = api_answer(self.status, self.text, Some(self.error), Value::Null);
        add_bearer_challenge(&mut response);
        response
    }
}

macro_rules! scope {
    ($name:ident, $uri:expr) => {
        pub struct $name;
        impl Scope for $name {
            const URI: &'static str = $uri;
            type Refusal = ConnectError;
        }
    };
}
scope!(ReadAssertions, OB21_SCOPES[0]);
scope!(CreateAssertion, OB21_SCOPES[1]);
scope!(ReadProfile, OB21_SCOPES[2]);

/// The body of `POST …/assertions`: an assertion (JSON, or a URL or JWS as a string), or
/// a signed assertion (compact JWS), which wins when both are there.
#[derive(Debug, Deserialize)]
struct AssertionPayload {
    assertion: Option<Value>,
    #[serde(rename = "signedAssertion")]
    signed_assertion: Option<String>,
}

/// `POST {apiBase}/assertions`: the badge is verified for the token's learner exactly as a
/// manual import is, then waits in their inbox. Moodle counts a push as done only when the
/// status object says 200.
async fn push_assertion(
    State(state): State<AppState>,
    Granted { access, .. }: Granted<CreateAssertion>,
    body: Result<Json<AssertionPayload>, JsonRejection>,
) -> Result<Response, ConnectError> {
    let Json(payload) = body.map_err(|_| {
        ConnectError::invalid("the body must be JSON: {\"assertion\": {…}} or {\"signedAssertion\": \"…\"}")
    })?;
    let bytes = payload_bytes(&state, payload).await?;
    let outcome = inbox::push(
        &state.store,
        state.fetcher.as_ref(),
        access.user_id,
        access.client_id,
        &bytes,
    )
    .await?;
    match outcome {
        PushOutcome::Received(_)
        | PushOutcome::Replaced(..)
        | PushOutcome::AlreadyThere
        | PushOutcome::Waiting { .. } => {
            tracing::info!(
                user_id = access.user_id,
                client = access.client_id,
                "badge pushed"
            );
            Ok(api_answer(StatusCode::OK, "OK", None, Value::Null))
        }
        PushOutcome::Refused(report) => Err(refused(&report)),
        PushOutcome::TooLarge => Err(ConnectError::invalid(format!(
            "a badge may be at most {MAX_IMPORT_BYTES} bytes"
        ))),
    }
}

/// The badge bytes a payload stands for: a URL is fetched (through the one fetcher).
async fn payload_bytes(state: &AppState, payload: AssertionPayload) -> Result<Vec<u8>, ConnectError> {
    let invalid = |why: &str| ConnectError::invalid(why);
    if let Some(jws) = payload.signed_assertion {
        return Ok(jws.trim().as_bytes().to_vec());
    }
    match payload.assertion {
        Some(Value::Object(assertion)) => Ok(serde_json::to_vec(&assertion).unwrap_or_default()),
        Some(Value::String(text)) if text.starts_with("https://") || text.starts_with("http://") => {
            match state.fetcher.fetch(text.trim(), FetchKind::Badge).await {
                Ok(response) if (200..300).contains(&response.status) => Ok(response.body),
                Ok(response) => Err(invalid(&format!("{text}: HTTP {}", response.status))),
                Err(err) => Err(invalid(&format!("{text}: {err}"))),
            }
        }
        Some(Value::String(jws)) => Ok(jws.trim().as_bytes().to_vec()),
        _ => Err(invalid(
            "assertion (object, URL or JWS) or signedAssertion is required",
        )),
    }
}

/// A refused badge: the recipient mismatch has its own status text.
fn refused(report: &Report) -> ConnectError {
    let text = if report.get(CheckId::Recipient).is_some_and(|check| !check.ok) {
        "RECIPIENT_PROFILE_MISMATCH"
    } else {
        "INVALID_BADGE"
    };
    ConnectError::new(StatusCode::BAD_REQUEST, text, report.errors(Lang::En).join("; "))
}

/// `GET {apiBase}/assertions`: the learner's Open Badges 2.0 (and older) badges, newest
/// first, paginated.
async fn list_assertions(
    State(state): State<AppState>,
    Granted { access, .. }: Granted<ReadAssertions>,
    Query(params): Query<ListParams>,
) -> Result<Response, ConnectError> {
    let since = params.since().map_err(|_| {
        ConnectError::new(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "since must be an RFC 3339 date-time",
        )
    })?;
    let (limit, offset) = (params.limit(), params.offset());
    let (rows, total) = badges::api_page(
        &state.db,
        access.user_id,
        &badges::BadgeSpec::BEFORE_OB3,
        since,
        offset,
        limit,
    )
    .await?;
    let (assertions, signed) = portable(rows.iter().map(|badge| badge.original.as_slice()));
    let mut response = api_answer(
        StatusCode::OK,
        "OK",
        None,
        json!({ "assertions": assertions, "signedAssertions": signed }),
    );
    let base = format!("{}{API_BASE_PATH}/assertions", state.public_url);
    add_pagination(&mut response, &base, limit, offset, total);
    Ok(response)
}

/// `GET {apiBase}/profile`: the learner's name and primary address.
async fn profile(
    State(state): State<AppState>,
    Granted { access, .. }: Granted<ReadProfile>,
) -> Result<Response, ConnectError> {
    let user = users::find(&state.db, access.user_id)
        .await?
        .ok_or_else(ConnectError::server)?;
    let email = primary_verified(&state, &user).await;
    Ok(api_answer(
        StatusCode::OK,
        "OK",
        None,
        json!({ "profile": {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Profile",
            "name": user.display_name,
            "email": email,
        }}),
    ))
}

/// The address a platform may know the learner by: the primary one once verified, else
/// any verified one.
pub async fn primary_verified(state: &AppState, user: &users::User) -> Option<String> {
    let verified = emails::verified(&state.db, user.id).await.ok()?;
    if verified.contains(&user.email) {
        Some(user.email.clone())
    } else {
        verified.into_iter().next()
    }
}
