//! `GET /connect-backpack/callback`: the learner comes back from another backpack's consent
//! page (see `core/src/remote_backpacks.rs`) with a code, or with its refusal. The door
//! takes the waiting request out of the session, hands the code to core, and lands on the
//! settings, which show the import as it goes.
use app::request::session_user;
use axum::{
    extract::{Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::get,
    Router,
};
use besace_core::{
    remote_backpacks::{self, Outcome, Pending, PENDING_KEY},
    AppState,
};
use serde::Deserialize;
use tower_sessions::Session;

pub const CALLBACK_PATH: &str = "/connect-backpack/callback";

/// It reads the learner's session: it goes inside those layers.
pub fn session_routes() -> Router<crate::startup::ServerState> {
    Router::new().route(CALLBACK_PATH, get(callback))
}

#[derive(Debug, Deserialize)]
struct Answer {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

fn to_settings(outcome: Option<Outcome>) -> Response {
    match outcome {
        Some(outcome) => Redirect::to(&format!("/settings?remote={}#remote", outcome.code())).into_response(),
        None => Redirect::to("/settings#remote").into_response(),
    }
}

async fn callback(State(state): State<AppState>, session: Session, Query(answer): Query<Answer>) -> Response {
    let user = match session_user(&state.db, &session).await {
        Ok(Some(user)) => user,
        Ok(None) => return Redirect::to("/login?next=%2Fsettings").into_response(),
        Err(err) => {
            tracing::error!(error = ?err, "session check failed");
            return to_settings(Some(Outcome::Refused));
        }
    };
    let pending = session.remove::<Pending>(PENDING_KEY).await.ok().flatten();
    let (Some(pending), Some(code), Some(returned)) = (pending, answer.code, answer.state) else {
        let outcome = if answer.error.as_deref() == Some("access_denied") {
            Outcome::Declined
        } else {
            Outcome::Stale
        };
        return to_settings(Some(outcome));
    };
    match remote_backpacks::finish(&state.store, &state.fetcher, user.id, &pending, &returned, &code).await {
        Ok(id) => {
            tracing::info!(user_id = user.id, connection = id, "another backpack connected");
            to_settings(None)
        }
        Err(err) => {
            tracing::warn!(user_id = user.id, error = %err, "another backpack connection failed");
            to_settings(Some(Outcome::of(&err)))
        }
    }
}
