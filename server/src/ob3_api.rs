//! The Open Badges 3.0 API: service discovery, credentials (list, upsert) and profile (read,
//! update), over the same OAuth 2.0 flow as Badge Connect. Errors are `Imsx_StatusInfo`.
use crate::badge_connect::{primary_verified, REGISTRATION_PATH};
use crate::oauth::{
    add_bearer_challenge, add_pagination, portable, scoped_access, BearerRefusal, ListParams,
    AUTHORIZATION_PATH, REVOCATION_PATH, TOKEN_PATH,
};
use crate::startup::ServerState;
use app::domain::DisplayName;
use axum::{
    body::Bytes,
    extract::{DefaultBodyLimit, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use besace_badges::Lang;
use besace_core::{
    badges::{self, MAX_IMPORT_BYTES},
    inbox::{self, PushOutcome},
    oauth::Access,
    oauth_clients::OB30_SCOPES,
    users, AppState,
};
use serde_json::{json, Value};

pub const API_BASE_PATH: &str = "/ims/ob/v3p0";
pub const DISCOVERY_PATH: &str = "/ims/ob/v3p0/discovery";

const READ_CREDENTIALS: &str = OB30_SCOPES[0];
const UPSERT_CREDENTIAL: &str = OB30_SCOPES[1];
const READ_PROFILE: &str = OB30_SCOPES[2];
const UPDATE_PROFILE: &str = OB30_SCOPES[3];

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route(DISCOVERY_PATH, get(discovery))
        .route(
            "/ims/ob/v3p0/credentials",
            get(list_credentials)
                .post(upsert_credential)
                .layer(DefaultBodyLimit::max(2 * MAX_IMPORT_BYTES)),
        )
        .route("/ims/ob/v3p0/profile", get(profile).put(update_profile))
}

/// The Service Description Document: a profiled OpenAPI 3.0 document naming the OAuth
/// endpoints and scopes.
async fn discovery(State(state): State<AppState>) -> Response {
    let base = &state.public_url;
    let scopes: serde_json::Map<String, Value> = [
        (READ_CREDENTIALS, "Read the learner's badges"),
        (UPSERT_CREDENTIAL, "Send badges to the learner's inbox"),
        (READ_PROFILE, "Read the learner's name and e-mail address"),
        (UPDATE_PROFILE, "Update the learner's name"),
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
        "servers": [{ "url": base.to_string(), "description": "Besace" }],
        "paths": {
            "/ims/ob/v3p0/credentials": {
                "get": { "operationId": "getCredentials", "security": [{ "OAuth2ACG": [READ_CREDENTIALS] }] },
                "post": { "operationId": "upsertCredential", "security": [{ "OAuth2ACG": [UPSERT_CREDENTIAL] }] },
            },
            "/ims/ob/v3p0/profile": {
                "get": { "operationId": "getProfile", "security": [{ "OAuth2ACG": [READ_PROFILE] }] },
                "put": { "operationId": "putProfile", "security": [{ "OAuth2ACG": [UPDATE_PROFILE] }] },
            },
            "/ims/ob/v3p0/discovery": { "get": { "operationId": "getServiceDescription" } },
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

/// `Imsx_StatusInfo`, the error body of the 3.0 API.
fn status_info(code: StatusCode, minor: &str, description: &str) -> Response {
    let body = json!({
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_codeMinor": { "imsx_codeMinorField": [{
            "imsx_codeMinorFieldName": "TargetEndSystem",
            "imsx_codeMinorFieldValue": minor,
        }]},
    });
    let mut response = (code, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response();
    add_bearer_challenge(&mut response);
    response
}

fn server_error() -> Response {
    status_info(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_server_error",
        "try again later",
    )
}

async fn access_with(state: &AppState, headers: &HeaderMap, scope: &str) -> Result<Access, Response> {
    scoped_access(state, headers, scope)
        .await
        .map_err(|refusal| match refusal {
            BearerRefusal::MissingScope => status_info(
                StatusCode::FORBIDDEN,
                "forbidden",
                &format!("the learner did not grant {scope}"),
            ),
            BearerRefusal::Unauthenticated => status_info(
                StatusCode::UNAUTHORIZED,
                "unauthorizedrequest",
                "a valid Bearer access token is required",
            ),
            BearerRefusal::Internal => server_error(),
        })
}

/// `GET /ims/ob/v3p0/credentials`: the learner's Open Badges 3.0 credentials.
async fn list_credentials(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<ListParams>,
) -> Response {
    let access = match access_with(&state, &headers, READ_CREDENTIALS).await {
        Ok(access) => access,
        Err(response) => return response,
    };
    let Ok(since) = params.since() else {
        return status_info(
            StatusCode::BAD_REQUEST,
            "invalid_query_parameter",
            "since must be an RFC 3339 date-time",
        );
    };
    let (limit, offset) = (params.limit(), params.offset());
    let Ok((rows, total)) = badges::api_page(
        &state.db,
        access.user_id,
        &[badges::BadgeSpec::Ob3],
        since,
        offset,
        limit,
    )
    .await
    else {
        return server_error();
    };
    let (credentials, compact) = portable(&rows);
    let mut response = (
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({ "credential": credentials, "compactJwsString": compact })),
    )
        .into_response();
    let base = format!("{}{API_BASE_PATH}/credentials", state.public_url);
    add_pagination(&mut response, &base, limit, offset, total);
    response
}

/// `POST /ims/ob/v3p0/credentials`: a credential as JSON, or a VC-JWT as `text/plain`.
/// Verified for the token's learner as any import; new ones wait in the inbox (201), a new
/// version of one already there replaces it (200). The answer echoes the request.
async fn upsert_credential(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let access = match access_with(&state, &headers, UPSERT_CREDENTIAL).await {
        Ok(access) => access,
        Err(response) => return response,
    };
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
        return status_info(StatusCode::BAD_REQUEST, "invalid_data", "the body is not JSON");
    }
    if !json && content_type != "text/plain" {
        return status_info(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "invalid_data",
            "send a credential as application/json or a compact JWS as text/plain",
        );
    }
    let outcome = inbox::push(
        &state.store,
        state.fetcher.as_ref(),
        access.user_id,
        access.client_id,
        &body,
    )
    .await;
    let code = match outcome {
        Ok(outcome @ (PushOutcome::Received(_) | PushOutcome::Replaced | PushOutcome::AlreadyThere)) => {
            if outcome.is_new() {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            }
        }
        Ok(PushOutcome::Refused(report)) => {
            return status_info(
                StatusCode::BAD_REQUEST,
                "invalid_data",
                &report.errors(Lang::En).join("; "),
            )
        }
        Ok(PushOutcome::TooLarge) => {
            return status_info(
                StatusCode::PAYLOAD_TOO_LARGE,
                "invalid_data",
                &format!("a credential may be at most {MAX_IMPORT_BYTES} bytes"),
            )
        }
        Err(err) => {
            tracing::error!(error = ?err, "push failed");
            return server_error();
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
    (
        code,
        [
            (header::CONTENT_TYPE, echoed_type.to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        body,
    )
        .into_response()
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
async fn profile(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let access = match access_with(&state, &headers, READ_PROFILE).await {
        Ok(access) => access,
        Err(response) => return response,
    };
    let Ok(Some(user)) = users::find(&state.db, access.user_id).await else {
        return server_error();
    };
    Json(learner_profile(&state, &user).await).into_response()
}

/// `PUT /ims/ob/v3p0/profile`: a whole Profile; the name is what a platform may change
/// (addresses stay under the learner's control, with their verification).
async fn update_profile(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let access = match access_with(&state, &headers, UPDATE_PROFILE).await {
        Ok(access) => access,
        Err(response) => return response,
    };
    let Ok(profile) = serde_json::from_slice::<Value>(&body) else {
        return status_info(StatusCode::BAD_REQUEST, "invalid_data", "the body is not JSON");
    };
    let is_profile = match &profile["type"] {
        Value::String(kind) => kind == "Profile",
        Value::Array(kinds) => kinds.iter().any(|k| k == "Profile"),
        _ => false,
    };
    if !is_profile {
        return status_info(
            StatusCode::BAD_REQUEST,
            "invalid_data",
            "type must include Profile",
        );
    }
    let Some(name) = profile["name"]
        .as_str()
        .and_then(|name| DisplayName::parse(name).ok())
    else {
        return status_info(
            StatusCode::BAD_REQUEST,
            "invalid_data",
            "name must be 1 to 100 characters",
        );
    };
    let Ok(user) = users::set_display_name(&state.store, access.user_id, &name).await else {
        return server_error();
    };
    Json(learner_profile(&state, &user).await).into_response()
}
