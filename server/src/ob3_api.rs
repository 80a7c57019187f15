//! The Open Badges 3.0 API: service discovery, credentials (list, upsert) and profile (read,
//! update), over the same OAuth 2.0 flow as Badge Connect. Errors are `Imsx_StatusInfo`.
use crate::badge_connect::{primary_verified, REGISTRATION_PATH};
use crate::extract::{Granted, Refused, Scope};
use crate::oauth::{
    add_bearer_challenge, add_pagination, portable, BearerRefusal, ListParams, AUTHORIZATION_PATH,
    REVOCATION_PATH, TOKEN_PATH,
};
use crate::startup::ServerState;
use app::domain::DisplayName;
use axum::{
    body::Bytes,
    extract::{DefaultBodyLimit, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{any, get},
    Json, Router,
};
use besace_badges::Lang;
use besace_core::{
    badges::{self, MAX_IMPORT_BYTES},
    inbox::{self, PushOutcome},
    oauth_clients::OB30_SCOPES,
    users, AppState,
};
use serde_json::{json, Value};

pub const API_BASE_PATH: &str = "/ims/ob/v3p0";
pub const DISCOVERY_PATH: &str = "/ims/ob/v3p0/discovery";

/// The API's paths, as 1EdTech's OpenAPI file names them under `servers[0].url`; any other
/// path or method under the API base answers the API's own JSON error, never a page.
pub fn routes() -> Router<ServerState> {
    let api = Router::new()
        .route("/discovery", get(discovery).fallback(wrong_method))
        .route(
            "/credentials",
            get(list_credentials)
                .post(upsert_credential)
                .fallback(wrong_method)
                .layer(DefaultBodyLimit::max(2 * MAX_IMPORT_BYTES)),
        )
        .route(
            "/profile",
            get(profile).put(update_profile).fallback(wrong_method),
        )
        .fallback(unknown_path);
    // The base itself, with or without its slash, is no endpoint either.
    Router::new()
        .route(API_BASE_PATH, any(unknown_path))
        .route(&format!("{API_BASE_PATH}/"), any(unknown_path))
        .nest(API_BASE_PATH, api)
}

async fn unknown_path() -> Ob3Error {
    Ob3Error::new(
        StatusCode::NOT_FOUND,
        "unknownobject",
        "no such endpoint in the OB 3.0 API",
    )
}

async fn wrong_method() -> Ob3Error {
    Ob3Error::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "invalid_data",
        "this endpoint does not take that method",
    )
}

/// The Service Description Document: a profiled OpenAPI 3.0 document naming the OAuth
/// endpoints and scopes.
async fn discovery(State(state): State<AppState>) -> Response {
    let base = &state.public_url;
    let scopes: serde_json::Map<String, Value> = [
        (ReadCredentials::URI, "Read the learner's badges"),
        (UpsertCredential::URI, "Send badges to the learner's inbox"),
        (ReadProfile::URI, "Read the learner's name and e-mail address"),
        (UpdateProfile::URI, "Update the learner's name"),
    ]
    .into_iter()
    .map(|(scope, what)| (scope.to_owned(), json!(what)))
    .collect();
    let document = json!({
        "openapi": "3.0.1",
        "info": {
            "title": "Besace",
            "description": "Open Badges backpack",
            "version": "3.0",
            "termsOfService": format!("{base}/"),
            "x-imssf-privacyPolicyUrl": format!("{base}/"),
            "x-imssf-image": format!("{base}/favicon.svg"),
        },
        // The layout of 1EdTech's OpenAPI file: the API base in `servers[0].url`, the paths
        // under it, so a client generated from that file calls the right URLs.
        "servers": [{ "url": format!("{base}{API_BASE_PATH}"), "description": "Besace" }],
        "paths": {
            "/credentials": {
                "get": { "operationId": "getCredentials", "security": [{ "OAuth2ACG": [ReadCredentials::URI] }] },
                "post": { "operationId": "upsertCredential", "security": [{ "OAuth2ACG": [UpsertCredential::URI] }] },
            },
            "/profile": {
                "get": { "operationId": "getProfile", "security": [{ "OAuth2ACG": [ReadProfile::URI] }] },
                "put": { "operationId": "putProfile", "security": [{ "OAuth2ACG": [UpdateProfile::URI] }] },
            },
            "/discovery": { "get": { "operationId": "getServiceDescription" } },
        },
        "components": {
            "securitySchemes": {
                "OAuth2ACG": {
                    "type": "oauth2",
                    "description": "OAuth 2.0 authorization code grant with PKCE (S256)",
                    "x-imssf-name": "Besace",
                    "x-imssf-privacyPolicyUrl": format!("{base}/"),
                    "x-imssf-termsOfServiceUrl": format!("{base}/"),
                    "x-imssf-registrationUrl": format!("{base}{REGISTRATION_PATH}"),
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": format!("{base}{AUTHORIZATION_PATH}"),
                            "tokenUrl": format!("{base}{TOKEN_PATH}"),
                            "refreshUrl": format!("{base}{TOKEN_PATH}"),
                            "x-imssf-revocationUrl": format!("{base}{REVOCATION_PATH}"),
                            "scopes": scopes,
                        }
                    }
                }
            }
        }
    });
    ([(header::CACHE_CONTROL, "public, max-age=3600")], Json(document)).into_response()
}

/// How the 3.0 API says no: an `Imsx_StatusInfo` body, with the bearer challenge on 401
/// and 403.
#[derive(Debug)]
pub struct Ob3Error {
    status: StatusCode,
    minor: &'static str,
    description: String,
}

impl Ob3Error {
    fn new(status: StatusCode, minor: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            minor,
            description: description.into(),
        }
    }

    fn invalid(minor: &'static str, description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, minor, description)
    }

    fn server() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_server_error",
            "try again later",
        )
    }
}

impl From<sea_orm::DbErr> for Ob3Error {
    fn from(err: sea_orm::DbErr) -> Self {
        tracing::error!(error = ?err, "OB 3.0 API request failed");
        Self::server()
    }
}

impl From<Refused> for Ob3Error {
    fn from(refused: Refused) -> Self {
        match refused.why {
            BearerRefusal::MissingScope => Self::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!("the learner did not grant {}", refused.scope),
            ),
            BearerRefusal::Unauthenticated => Self::new(
                StatusCode::UNAUTHORIZED,
                "unauthorizedrequest",
                "a valid Bearer access token is required",
            ),
            BearerRefusal::Internal => Self::server(),
        }
    }
}

impl IntoResponse for Ob3Error {
    fn into_response(self) -> Response {
        let body = json!({
            "imsx_codeMajor": "failure",
            "imsx_severity": "error",
            "imsx_description": self.description,
            "imsx_codeMinor": { "imsx_codeMinorField": [{
                "imsx_codeMinorFieldName": "TargetEndSystem",
                "imsx_codeMinorFieldValue": self.minor,
            }]},
        });
        let mut response = (self.status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response();
        add_bearer_challenge(&mut response);
        response
    }
}

macro_rules! scope {
    ($name:ident, $uri:expr) => {
        pub struct $name;
        impl Scope for $name {
            const URI: &'static str = $uri;
            type Refusal = Ob3Error;
        }
    };
}
scope!(ReadCredentials, OB30_SCOPES[0]);
scope!(UpsertCredential, OB30_SCOPES[1]);
scope!(ReadProfile, OB30_SCOPES[2]);
scope!(UpdateProfile, OB30_SCOPES[3]);

/// `GET /ims/ob/v3p0/credentials`: the learner's Open Badges 3.0 credentials.
async fn list_credentials(
    State(state): State<AppState>,
    Granted { access, .. }: Granted<ReadCredentials>,
    Query(params): Query<ListParams>,
) -> Result<Response, Ob3Error> {
    let since = params
        .since()
        .map_err(|_| Ob3Error::invalid("invalid_query_parameter", "since must be an RFC 3339 date-time"))?;
    let (limit, offset) = (params.limit(), params.offset());
    // What this platform upserted is returned at once, still waiting in the inbox or not.
    let listing = inbox::ApiListing {
        user_id: access.user_id,
        client_id: access.client_id,
        specs: &[badges::BadgeSpec::Ob3],
        since,
        offset,
        limit,
    };
    let (originals, total) = inbox::api_listing(&state.db, listing).await?;
    let (credentials, compact) = portable(originals.iter().map(Vec::as_slice));
    let mut response = (
        [(header::CACHE_CONTROL, "no-store")],
        Json(CredentialsPage {
            credential: credentials,
            compact_jws_string: compact,
        }),
    )
        .into_response();
    let base = format!("{}{API_BASE_PATH}/credentials", state.public_url);
    add_pagination(&mut response, &base, limit, offset, total);
    Ok(response)
}

/// `GetOpenBadgeCredentialsResponse`: JSON credentials as they were sent (raw, so byte for
/// byte), VC-JWTs as compact strings.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct CredentialsPage {
    credential: Vec<Box<serde_json::value::RawValue>>,
    compact_jws_string: Vec<String>,
}

/// `POST /ims/ob/v3p0/credentials`: a credential as JSON, or a VC-JWT as `text/plain`.
/// Verified for the token's learner as any import; new ones wait in the inbox (201), a new
/// version of one already there replaces it (200). The answer echoes the request.
async fn upsert_credential(
    State(state): State<AppState>,
    Granted { access, .. }: Granted<UpsertCredential>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Ob3Error> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let json = matches!(
        content_type.as_str(),
        "application/json" | "application/vc+ld+json" | "application/ld+json"
    );
    if json && serde_json::from_slice::<Value>(&body).is_err() {
        return Err(Ob3Error::invalid("invalid_data", "the body is not JSON"));
    }
    if !json && content_type != "text/plain" {
        return Err(Ob3Error::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "invalid_data",
            "send a credential as application/json or a compact JWS as text/plain",
        ));
    }
    let outcome = inbox::push(
        &state.store,
        state.fetcher.as_ref(),
        access.user_id,
        access.client_id,
        &body,
    )
    .await?;
    let code = match outcome {
        outcome @ (PushOutcome::Received(_)
        | PushOutcome::Replaced(..)
        | PushOutcome::AlreadyThere
        | PushOutcome::Waiting { .. }) => {
            if outcome.is_new() {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            }
        }
        PushOutcome::Refused(report) => {
            return Err(Ob3Error::invalid(
                "invalid_data",
                report.errors(Lang::En).join("; "),
            ));
        }
        PushOutcome::TooLarge => {
            return Err(Ob3Error::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "invalid_data",
                format!("a credential may be at most {MAX_IMPORT_BYTES} bytes"),
            ));
        }
    };
    tracing::info!(
        user_id = access.user_id,
        client = access.client_id,
        status = code.as_u16(),
        "credential pushed"
    );
    let echoed_type = if json { content_type.as_str() } else { "text/plain" };
    // The request echoed, as the specification asks, and never sniffed as something else.
    Ok((
        code,
        [
            (header::CONTENT_TYPE, echoed_type.to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        body,
    )
        .into_response())
}

async fn learner_profile(state: &AppState, user: &users::User) -> Value {
    let email = primary_verified(state, user).await;
    let mut profile = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "type": ["Profile"],
        "name": user.display_name,
    });
    if let Some(email) = email {
        profile["id"] = json!(format!("mailto:{email}"));
        profile["email"] = json!(email);
    }
    profile
}

/// `GET /ims/ob/v3p0/profile`.
async fn profile(
    State(state): State<AppState>,
    Granted { access, .. }: Granted<ReadProfile>,
) -> Result<Json<Value>, Ob3Error> {
    let user = users::find(&state.db, access.user_id)
        .await?
        .ok_or_else(Ob3Error::server)?;
    Ok(Json(learner_profile(&state, &user).await))
}

/// `PUT /ims/ob/v3p0/profile`: a whole Profile; the name is what a platform may change
/// (addresses stay under the learner's control, with their verification).
async fn update_profile(
    State(state): State<AppState>,
    Granted { access, .. }: Granted<UpdateProfile>,
    body: Bytes,
) -> Result<Json<Value>, Ob3Error> {
    let profile = serde_json::from_slice::<Value>(&body)
        .map_err(|_| Ob3Error::invalid("invalid_data", "the body is not JSON"))?;
    let is_profile = match &profile["type"] {
        Value::String(kind) => kind == "Profile",
        Value::Array(kinds) => kinds.iter().any(|k| k == "Profile"),
        _ => false,
    };
    if !is_profile {
        return Err(Ob3Error::invalid("invalid_data", "type must include Profile"));
    }
    let name = profile["name"]
        .as_str()
        .and_then(|name| DisplayName::parse(name).ok())
        .ok_or_else(|| Ob3Error::invalid("invalid_data", "name must be 1 to 100 characters"))?;
    let user = users::set_display_name(&state.store, access.user_id, &name).await?;
    Ok(Json(learner_profile(&state, &user).await))
}
