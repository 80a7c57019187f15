//! The OAuth 2.0 endpoints shared by Badge Connect (OB 2.1) and the Open Badges 3.0 API:
//! authorization (checks the request, then the learner's session and consent page), token
//! (code exchange with PKCE, refresh rotation) and revocation (RFC 7009).
use crate::startup::ServerState;
use app::request::session_user;
use axum::{
    extract::{rejection::FormRejection, OriginalUri, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Form, Json, Router,
};
use besace_core::{
    oauth::{self, AuthorizationError, AuthorizationQuery},
    oauth_clients, AppState,
};
use serde::Deserialize;
use tower_sessions::Session;

pub const AUTHORIZATION_PATH: &str = "/o/authorize";
pub const TOKEN_PATH: &str = "/o/token";
pub const REVOCATION_PATH: &str = "/o/revoke";

/// The authorization endpoint reads the learner's session: it goes inside those layers.
pub fn session_routes() -> Router<ServerState> {
    Router::new().route(AUTHORIZATION_PATH, get(authorize))
}

/// Machine-to-machine endpoints: no cookie, no CSRF check.
pub fn client_routes() -> Router<ServerState> {
    Router::new()
        .route(TOKEN_PATH, post(crate::oauth_token::token))
        .route(REVOCATION_PATH, post(revoke))
}

/// `GET /o/authorize`: a request from an unknown client or to an unregistered redirect URI
/// is shown to the learner and goes nowhere; other faults go back to the client; a good
/// request waits in the learner's session for their answer on the consent page.
async fn authorize(
    State(state): State<AppState>,
    session: Session,
    OriginalUri(uri): OriginalUri,
    Query(query): Query<AuthorizationQuery>,
) -> Result<Response, OAuthError> {
    let client = match query.client_id.as_deref() {
        Some(id) => oauth_clients::find(&state.db, id).await?,
        None => None,
    };
    let pending = match oauth::check_request(client.as_ref(), &query) {
        Ok(pending) => pending,
        Err(AuthorizationError::Untrusted(reason)) => {
            return Ok(Redirect::to(&format!("/connect?error={reason}")).into_response())
        }
        Err(AuthorizationError::Redirect {
            redirect_uri,
            state,
            error,
            description,
        }) => {
            let mut pairs = vec![("error", error.to_owned()), ("error_description", description)];
            pairs.extend(state.map(|state| ("state", state)));
            return Ok(redirect_with(&redirect_uri, &pairs));
        }
    };
    match session_user(&state.db, &session)
        .await
        .map_err(OAuthError::internal)?
    {
        Some(_) => {}
        None => {
            // Back here after logging in (or signing up), with the very same request.
            let next = uri
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or(AUTHORIZATION_PATH);
            let login = format!("/login?next={}", urlencode(next));
            return Ok(Redirect::to(&login).into_response());
        }
    }
    session
        .insert(oauth::PENDING_KEY, &pending)
        .await
        .map_err(OAuthError::internal)?;
    Ok(Redirect::to("/connect").into_response())
}

/// A 302 to a client's registered URI with these query parameters added.
pub fn redirect_with(uri: &str, pairs: &[(&str, String)]) -> Response {
    let Ok(mut target) = url::Url::parse(uri) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    target
        .query_pairs_mut()
        .extend_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())));
    Redirect::to(target.as_str()).into_response()
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[derive(Debug, Default, Deserialize)]
struct RevocationRequest {
    token: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

/// `POST /o/revoke` (RFC 7009): 200 whether or not the token was known.
async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<RevocationRequest>, FormRejection>,
) -> Result<StatusCode, OAuthError> {
    let token_required = || OAuthError::new(StatusCode::BAD_REQUEST, "invalid_request", "token is required");
    let Ok(Form(request)) = form else {
        return Err(token_required());
    };
    let client =
        crate::oauth_token::authenticate_client(&state, &headers, &request.client_id, &request.client_secret)
            .await?;
    let token = request.token.as_deref().ok_or_else(token_required)?;
    oauth::revoke(&state.db, &client, token).await?;
    Ok(StatusCode::OK)
}

/// Why an API call carries no usable access token.
pub enum BearerRefusal {
    /// Missing, unknown, expired or revoked: 401.
    Unauthenticated,
    /// A live token without the scope the call needs: 403.
    MissingScope,
    Internal,
}

/// The learner behind the request's `Authorization: Bearer` token, if it carries `scope`.
pub async fn scoped_access(
    state: &AppState,
    headers: &HeaderMap,
    scope: &str,
) -> Result<oauth::Access, BearerRefusal> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
        })
        .map(str::trim)
        .ok_or(BearerRefusal::Unauthenticated)?;
    match oauth::authenticate(&state.db, token).await {
        Ok(Some(access)) if access.allows(scope) => Ok(access),
        Ok(Some(_)) => Err(BearerRefusal::MissingScope),
        Ok(None) => Err(BearerRefusal::Unauthenticated),
        Err(err) => {
            tracing::error!(error = ?err, "token check failed");
            Err(BearerRefusal::Internal)
        }
    }
}

/// RFC 6750 §3: a 401 or 403 API answer says why the token does not do.
pub fn add_bearer_challenge(response: &mut Response) {
    let error = match response.status() {
        StatusCode::UNAUTHORIZED => "invalid_token",
        StatusCode::FORBIDDEN => "insufficient_scope",
        _ => return,
    };
    let challenge = format!("Bearer realm=\"besace\", error=\"{error}\"");
    if let Ok(value) = challenge.parse() {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    }
}

/// A page of a list gets RFC 8288 `Link` (first, last, prev, next) and `X-Total-Count`, as
/// both Open Badges APIs ask.
pub fn add_pagination(response: &mut Response, base: &str, limit: u64, offset: u64, total: u64) {
    let page = |offset: u64, rel: &str| format!("<{base}?limit={limit}&offset={offset}>; rel=\"{rel}\"");
    let last = if total == 0 {
        0
    } else {
        (total - 1) / limit * limit
    };
    let mut links = vec![page(0, "first"), page(last, "last")];
    if offset + limit < total {
        links.push(page(offset + limit, "next"));
    }
    if offset > 0 {
        links.push(page(offset.saturating_sub(limit), "prev"));
    }
    let headers = response.headers_mut();
    headers.insert("x-total-count", total.into());
    if let Ok(value) = links.join(", ").parse() {
        headers.insert(header::LINK, value);
    }
}

/// `limit`, `offset`, `since` of the APIs' list requests.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    pub limit: Option<u64>,
    pub offset: Option<u64>,
    pub since: Option<String>,
}

pub const DEFAULT_PAGE: u64 = 50;
pub const MAX_PAGE: u64 = 100;

impl ListParams {
    pub fn limit(&self) -> u64 {
        self.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE)
    }

    pub fn offset(&self) -> u64 {
        self.offset.unwrap_or(0)
    }

    /// `since` as a date, or the parse error when it is given but not RFC 3339.
    pub fn since(&self) -> Result<Option<chrono::DateTime<chrono::Utc>>, chrono::ParseError> {
        match self.since.as_deref().filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(raw) => {
                chrono::DateTime::parse_from_rfc3339(raw).map(|d| Some(d.with_timezone(&chrono::Utc)))
            }
        }
    }
}

/// The stored originals of some badges as the APIs hand them back: JSON documents and
/// compact JWS (baked images give what they carry; a bare URL gives nothing).
pub fn portable<'a>(
    originals: impl IntoIterator<Item = &'a [u8]>,
) -> (Vec<Box<serde_json::value::RawValue>>, Vec<String>) {
    let (mut documents, mut compact) = (Vec::new(), Vec::new());
    for original in originals {
        match besace_badges::extract(original, &Default::default()) {
            // A JSON file goes out byte for byte, as the platform sent it.
            Ok(found) if found.container == besace_badges::Container::Json => {
                let raw = std::str::from_utf8(original)
                    .ok()
                    .and_then(|text| serde_json::value::RawValue::from_string(text.trim().to_owned()).ok());
                documents.extend(raw);
            }
            Ok(besace_badges::Extracted {
                payload: besace_badges::Payload::Json(json),
                ..
            }) => documents.extend(serde_json::value::to_raw_value(&json).ok()),
            Ok(besace_badges::Extracted {
                payload: besace_badges::Payload::Jws(jws),
                ..
            }) => compact.push(jws),
            _ => {}
        }
    }
    (documents, compact)
}

/// How the OAuth endpoints say no (RFC 6749 §5.2): a status, an error code and a
/// description; `invalid_client` after HTTP Basic also asks for Basic again.
#[derive(Debug)]
pub struct OAuthError {
    status: StatusCode,
    code: &'static str,
    description: String,
    basic_challenge: bool,
}

impl OAuthError {
    pub fn new(status: StatusCode, code: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            code,
            description: description.into(),
            basic_challenge: false,
        }
    }
}

impl OAuthError {
    /// After HTTP Basic credentials that did not do, the answer asks for them again.
    pub fn asking_basic(mut self, yes: bool) -> Self {
        self.basic_challenge = yes;
        self
    }

    /// A failure of ours: logged, and answered `server_error`.
    pub fn internal(err: impl std::fmt::Debug) -> Self {
        tracing::error!(error = ?err, "OAuth request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "try again later",
        )
    }
}

impl From<sea_orm::DbErr> for OAuthError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::internal(err)
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let mut response = oauth_error(self.status, self.code, &self.description);
        if self.basic_challenge {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Basic realm=\"besace\""),
            );
        }
        response
    }
}

/// An OAuth 2.0 error answer: `{"error": …, "error_description": …}`, never cached.
pub fn oauth_error(status: StatusCode, code: &str, description: &str) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        Json(serde_json::json!({ "error": code, "error_description": description })),
    )
        .into_response()
}
