//! The backpack's non-UI endpoints: import files (multipart), list badges, download an
//! original. Every one answers only for the logged-in learner's own badges.
use crate::startup::ServerState;
use app::server::{
    badges::{self, ImportOutcome, MAX_IMPORT_BYTES},
    request::session_user,
    users::User,
    AppState,
};
use axum::{
    extract::{DefaultBodyLimit, Multipart, Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use besace_badges::Lang;
use serde_json::{json, Value};
use tower_sessions::Session;

/// Several files per request, each up to MAX_IMPORT_BYTES.
const MAX_IMPORT_REQUEST_BYTES: usize = 8 * MAX_IMPORT_BYTES;

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route(
            "/api/badges/import",
            post(import).layer(DefaultBodyLimit::max(MAX_IMPORT_REQUEST_BYTES)),
        )
        .route("/api/badges", get(list))
        .route("/api/badges/{id}/original", get(original))
}

async fn learner(state: &AppState, session: &Session) -> Result<User, Response> {
    match session_user(&state.db, session).await {
        Ok(Some(user)) => Ok(user),
        Ok(None) => Err((StatusCode::UNAUTHORIZED, Json(json!({"error": "NotLoggedIn"}))).into_response()),
        Err(_) => Err(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
    }
}

fn lang_of(user: &User) -> Lang {
    match user.locale.as_deref() {
        Some("fr") => Lang::Fr,
        _ => Lang::En,
    }
}

fn internal(err: impl std::fmt::Debug) -> Response {
    tracing::error!(error = ?err, "badge request failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// `POST /api/badges/import`: every multipart field carrying a file is one badge to import.
async fn import(State(state): State<AppState>, session: Session, mut multipart: Multipart) -> Response {
    let user = match learner(&state, &session).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let mut results = Vec::new();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => return (err.status(), Json(json!({"error": "BadUpload"}))).into_response(),
        };
        let file = field.file_name().unwrap_or_default().to_owned();
        // Read at most one byte over the cap, then drain: a huge file is refused, not stored.
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) if bytes.len() <= MAX_IMPORT_BYTES => bytes.extend_from_slice(&chunk),
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(err) => return (err.status(), Json(json!({"error": "BadUpload"}))).into_response(),
            }
        }
        let outcome = badges::import_bytes(&state.db, state.fetcher.as_ref(), user.id, &bytes).await;
        let result = match outcome {
            Ok(ImportOutcome::Added(badge)) => {
                tracing::info!(user_id = user.id, badge_id = badge.id, "badge imported");
                json!({"file": file, "outcome": "added", "badge": badge_summary(&badge.as_ref().into())})
            }
            Ok(ImportOutcome::AlreadyThere(id)) => {
                json!({"file": file, "outcome": "already", "badge_id": id})
            }
            Ok(ImportOutcome::Refused(report)) => {
                json!({"file": file, "outcome": "refused", "report": report.to_json(lang_of(&user))})
            }
            Ok(ImportOutcome::TooLarge) => {
                json!({"file": file, "outcome": "too_large", "max_bytes": MAX_IMPORT_BYTES})
            }
            Err(err) => return internal(err),
        };
        results.push(result);
    }
    Json(json!({ "results": results })).into_response()
}

fn badge_summary(badge: &badges::BadgeSummary) -> Value {
    json!({
        "id": badge.id,
        "name": badge.name,
        "issuer": badge.issuer_name,
        "issued_on": badge.issued_on,
        "expires": badge.expires_at,
        "status": badge.status,
        "spec": badge.spec,
        "sha256": badge.original_sha256,
        "verified_at": badge.verified_at,
    })
}

/// `GET /api/badges`: the learner's badges, newest first.
async fn list(State(state): State<AppState>, session: Session) -> Response {
    let user = match learner(&state, &session).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    match badges::list(&state.db, user.id).await {
        Ok(rows) => {
            Json(json!({"badges": rows.iter().map(badge_summary).collect::<Vec<_>>()})).into_response()
        }
        Err(err) => internal(err),
    }
}

/// `GET /api/badges/{id}/original`: the file exactly as imported, as a download. Never
/// rendered inline, and sandboxed if a browser tries (uploaded SVG is hostile input).
async fn original(State(state): State<AppState>, session: Session, Path(id): Path<i64>) -> Response {
    let user = match learner(&state, &session).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    let badge = match badges::find_owned(&state.db, user.id, id).await {
        Ok(Some(badge)) => badge,
        Ok(None) => return (StatusCode::NOT_FOUND, Json(json!({"error": "NotFound"}))).into_response(),
        Err(err) => return internal(err),
    };
    let extension = match badge.original_media_type.as_str() {
        "image/png" => "png",
        "image/svg+xml" => "svg",
        "application/json" | "application/ld+json" => "json",
        _ => "txt",
    };
    (
        [
            (header::CONTENT_TYPE, badge.original_media_type.clone()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"badge-{}.{extension}\"", badge.id),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CONTENT_SECURITY_POLICY, "sandbox".to_owned()),
        ],
        badge.original,
    )
        .into_response()
}
