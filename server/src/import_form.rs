//! `POST /import`: the import page's forms, sent by the browser itself when the wasm is not
//! there (a slow phone, or before it arrives). The badges are imported as the backpack API
//! imports them, the results are kept in the session, and the browser is sent back to
//! `/import?done={batch}#results`, where the page shows them (post, redirect, get: a
//! reload sends nothing again).
use crate::badges_api::{import_given, read_given};
use crate::extract::{BackpackError, Learner};
use crate::startup::ServerState;
use app::import::{LastBatch, LastImport, RESULTS_KEY};
use app::request::lang_of_request;
use axum::{
    extract::{DefaultBodyLimit, Multipart, State},
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
    routing::post,
    Router,
};
use besace_core::AppState;
use tower_sessions::Session;

pub fn routes() -> Router<ServerState> {
    Router::new().route(
        "/import",
        post(import).layer(DefaultBodyLimit::max(crate::badges_api::MAX_IMPORT_REQUEST_BYTES)),
    )
}

async fn import(
    State(state): State<AppState>,
    learner: Result<Learner, BackpackError>,
    session: Session,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let user = match learner {
        Ok(Learner(user)) => user,
        Err(BackpackError::NotLoggedIn) => return Redirect::to("/login?next=%2Fimport").into_response(),
        Err(err) => return err.into_response(),
    };
    let back = |error: &str| Redirect::to(&format!("/import?error={error}#import-form")).into_response();
    let given = match read_given(&mut multipart, state.max_import_items, true).await {
        Ok(given) if given.is_empty() => return back("NothingToImport"),
        Ok(given) => given,
        Err(BackpackError::TooManyItems(_)) | Err(BackpackError::BadUpload(_)) => return back("TooLarge"),
        Err(err) => return err.into_response(),
    };
    imported(&state, &user, &headers, &session, given).await
}

/// Imports what was given, keeps the results in the session and sends the browser to the
/// import page that shows them (the share sheet's imports end here too).
pub(crate) async fn imported(
    state: &AppState,
    user: &besace_core::users::User,
    headers: &HeaderMap,
    session: &Session,
    given: Vec<crate::badges_api::Given>,
) -> Response {
    let back = |error: &str| Redirect::to(&format!("/import?error={error}#import-form")).into_response();
    // The page names a link by itself and pasted text by a word of its own (an empty name).
    let names: Vec<String> = given
        .iter()
        .map(|given| match (&given.file, given.kind.as_str()) {
            (Some(file), _) => file.clone(),
            (None, "url") => String::from_utf8_lossy(given.bytes.trim_ascii()).into_owned(),
            (None, _) => String::new(),
        })
        .collect();
    let lang = lang_of_request(headers, user.locale.as_deref());
    let results = match import_given(state, user, lang, given).await {
        Ok(results) => results,
        Err(err) => return err.into_response(),
    };
    let items = results
        .into_iter()
        .zip(names)
        .map(|(result, name)| LastImport::keep(result, name))
        .collect();
    // Names this batch in the page's URL; only this session can read it.
    let batch = format!("{:x}", chrono::Utc::now().timestamp_micros());
    let last = LastBatch {
        batch: batch.clone(),
        items,
    };
    if let Err(err) = session.insert(RESULTS_KEY, last).await {
        tracing::error!(error = %err, "import results not kept in the session");
        return back("Internal");
    }
    Redirect::to(&format!("/import?done={batch}#results")).into_response()
}
