//! What a backpack handler needs from a request before it runs, and the one way its
//! failures become responses.
use app::request::session_user;
use axum::{
    extract::{FromRef, FromRequestParts},
    http::{request::Parts, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use besace_core::{users::User, AppState};
use serde_json::json;
use tower_sessions::Session;

/// The logged-in learner of the request's session; a handler that takes one answers 401
/// without a session.
pub struct Learner(pub User);

impl<S> FromRequestParts<S> for Learner
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = BackpackError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(_, why)| BackpackError::Internal(why.to_owned()))?;
        let state = AppState::from_ref(state);
        match session_user(&state.db, &session).await {
            Ok(Some(user)) => Ok(Learner(user)),
            Ok(None) => Err(BackpackError::NotLoggedIn),
            Err(err) => Err(BackpackError::Internal(format!("{err:?}"))),
        }
    }
}

/// How the backpack's JSON API (`/api/badges…`, `/api/export…`) says no: a status and
/// `{"error": "<Name>"}` (README, "Backpack API").
#[derive(Debug)]
pub enum BackpackError {
    NotLoggedIn,
    NotFound,
    /// The multipart body could not be read.
    BadUpload(StatusCode),
    TooManyItems(usize),
    BadFilter,
    /// Logged, never shown: a 500 with no detail.
    Internal(String),
}

impl From<sea_orm::DbErr> for BackpackError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Internal(err.to_string())
    }
}

impl IntoResponse for BackpackError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            Self::NotLoggedIn => (StatusCode::UNAUTHORIZED, json!({"error": "NotLoggedIn"})),
            Self::NotFound => (StatusCode::NOT_FOUND, json!({"error": "NotFound"})),
            Self::BadUpload(status) => (status, json!({"error": "BadUpload"})),
            Self::TooManyItems(max) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                json!({"error": "TooManyItems", "max": max}),
            ),
            Self::BadFilter => (StatusCode::BAD_REQUEST, json!({"error": "BadFilter"})),
            Self::Internal(err) => {
                tracing::error!(error = %err, "backpack request failed");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
        (status, Json(body)).into_response()
    }
}

/// A permission an API call needs (an OAuth scope), and how its API says no.
pub trait Scope: Send + Sync + 'static {
    const URI: &'static str;
    /// The API's own error answer (Badge Connect's status object, OB 3.0's
    /// `Imsx_StatusInfo`).
    type Refusal: IntoResponse + From<Refused>;
}

/// Why a request's bearer token does not give the scope, for the API to word.
pub struct Refused {
    pub why: crate::oauth::BearerRefusal,
    pub scope: &'static str,
}

/// The learner and platform behind the request's `Authorization: Bearer` token, which
/// carries scope `S`; the API's 401 or 403 otherwise.
pub struct Granted<S: Scope> {
    pub access: besace_core::oauth::Access,
    scope: std::marker::PhantomData<S>,
}

impl<S: Scope, St> FromRequestParts<St> for Granted<S>
where
    AppState: FromRef<St>,
    St: Send + Sync,
{
    type Rejection = S::Refusal;

    async fn from_request_parts(parts: &mut Parts, state: &St) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        match crate::oauth::scoped_access(&state, &parts.headers, S::URI).await {
            Ok(access) => Ok(Granted {
                access,
                scope: std::marker::PhantomData,
            }),
            Err(why) => Err(Refused { why, scope: S::URI }.into()),
        }
    }
}
