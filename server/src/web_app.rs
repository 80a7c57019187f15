//! Besace installed on a phone: the web app manifest (`/manifest.webmanifest`, in the
//! reader's language), the service worker (`/sw.js`, `public/sw.js` with this build's name
//! and the offline words written in), and the share sheet's target (`/share-target`):
//! badge files, links and tokens shared from a mail app go through the import page's own
//! import, after logging in if need be.
use crate::badges_api::{read_given, Given};
use crate::extract::{BackpackError, Learner};
use crate::gallery::locale_of;
use crate::startup::ServerState;
use axum::{
    extract::{DefaultBodyLimit, Multipart, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::get,
    Router,
};
use base64::Engine;
use besace_core::AppState;
use leptos::config::LeptosOptions;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use tower_sessions::Session;

/// Where the manifest's `share_target` posts.
pub const SHARE_TARGET: &str = "/share-target";
/// The session key what was shared before logging in waits under.
const SHARED_KEY: &str = "shared_with_besace";

/// The manifest and the service worker: no session, like the site's files.
pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/manifest.webmanifest", get(manifest))
        .route("/sw.js", get(service_worker))
}

/// The share target, behind the session layer (and the origin check, which knows it).
pub fn session_routes() -> Router<ServerState> {
    Router::new().route(
        SHARE_TARGET,
        get(after_login)
            .post(shared)
            .layer(DefaultBodyLimit::max(crate::badges_api::MAX_IMPORT_REQUEST_BYTES)),
    )
}

async fn manifest(headers: HeaderMap) -> Response {
    let body = app::web_app::manifest(locale_of(&headers)).to_string();
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::VARY, "Accept-Language"),
        ],
        body,
    )
        .into_response()
}

/// `public/sw.js` as this build serves it, made once per site root (one per process but in
/// the tests, which run many servers).
async fn service_worker(State(options): State<LeptosOptions>) -> Response {
    static SCRIPTS: OnceLock<Mutex<HashMap<String, Option<Arc<String>>>>> = OnceLock::new();
    let root = options.site_root.to_string();
    let script = SCRIPTS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .entry(root.clone())
        .or_insert_with(|| worker_script(std::path::Path::new(&root)).map(Arc::new))
        .clone();
    match script {
        Some(script) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/javascript; charset=utf-8"),
                ),
                // The browser asks again on every visit: a new build replaces the worker.
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            ],
            script.as_str().to_owned(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The worker with its markers filled: the build's name is a digest of the site's files
/// (the worker, the wasm, its script and the stylesheet), so it changes with every build
/// and is the same on every process serving that build.
fn worker_script(root: &std::path::Path) -> Option<String> {
    let template = std::fs::read_to_string(root.join("sw.js")).ok()?;
    let mut digest = Sha256::new();
    digest.update(template.as_bytes());
    for file in ["pkg/besace.wasm", "pkg/besace.js", "pkg/besace.css"] {
        if let Ok(bytes) = std::fs::read(root.join(file)) {
            digest.update(&bytes);
        }
    }
    let build: String = digest.finalize()[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    Some(
        template
            .replace("\"__BESACE_BUILD__\"", &format!("\"{build}\""))
            .replace("__BESACE_WORDS__", &app::web_app::offline_words().to_string()),
    )
}

/// One shared item kept in the session while the learner logs in.
#[derive(Serialize, Deserialize)]
struct Kept {
    file: Option<String>,
    kind: String,
    /// Base64 of the bytes.
    bytes: String,
}

/// What the share sheet sent, as the import reads it: files as files, the `url` field as
/// a link, the `text` field as a link when it holds one (mail apps share a link as text),
/// else as pasted text (a token, JSON); the title is only the mail's subject.
fn as_imported(given: Vec<Given>) -> Vec<Given> {
    let mut out: Vec<Given> = Vec::new();
    for item in given {
        let given = match (item.file.is_some(), item.kind.as_str()) {
            (true, _) => item,
            (false, "url") => item,
            (false, "text") => match link_in(&item.bytes) {
                Some(link) => Given {
                    file: None,
                    kind: "url".into(),
                    bytes: link.into_bytes(),
                },
                None => item,
            },
            _ => continue,
        };
        // A link shared both as `url` and in `text` is imported once.
        let repeated = given.file.is_none()
            && out
                .iter()
                .any(|seen| seen.file.is_none() && seen.kind == given.kind && seen.bytes == given.bytes);
        if !repeated {
            out.push(given);
        }
    }
    out
}

/// The first http(s) link in shared text, unless the text is JSON (whose ids are links).
fn link_in(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?.trim();
    if text.starts_with('{') || text.starts_with('[') {
        return None;
    }
    text.split_whitespace()
        .find(|word| word.starts_with("https://") || word.starts_with("http://"))
        .map(|word| word.trim_end_matches(['.', ',', ')', '>', ';']).to_owned())
}

async fn shared(
    State(state): State<AppState>,
    learner: Result<Learner, BackpackError>,
    session: Session,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let back = |error: &str| Redirect::to(&format!("/import?error={error}#import-form")).into_response();
    let given = match read_given(&mut multipart, state.max_import_items, true).await {
        Ok(given) => as_imported(given),
        Err(BackpackError::TooManyItems(_)) | Err(BackpackError::BadUpload(_)) => return back("TooLarge"),
        Err(err) => return err.into_response(),
    };
    if given.is_empty() {
        return back("NothingToImport");
    }
    match learner {
        Ok(Learner(user)) => crate::import_form::imported(&state, &user, &headers, &session, given).await,
        Err(BackpackError::NotLoggedIn) => {
            let kept: Vec<Kept> = given
                .into_iter()
                .map(|given| Kept {
                    file: given.file,
                    kind: given.kind,
                    bytes: base64::engine::general_purpose::STANDARD.encode(given.bytes),
                })
                .collect();
            if let Err(err) = session.insert(SHARED_KEY, kept).await {
                tracing::error!(error = %err, "shared badges not kept in the session");
                return back("Internal");
            }
            Redirect::to("/login?next=%2Fshare-target").into_response()
        }
        Err(err) => err.into_response(),
    }
}

/// Back from the login page: what was shared before is imported now.
async fn after_login(
    State(state): State<AppState>,
    learner: Result<Learner, BackpackError>,
    session: Session,
    headers: HeaderMap,
) -> Response {
    let user = match learner {
        Ok(Learner(user)) => user,
        Err(BackpackError::NotLoggedIn) => {
            return Redirect::to("/login?next=%2Fshare-target").into_response()
        }
        Err(err) => return err.into_response(),
    };
    let kept = match session.remove::<Vec<Kept>>(SHARED_KEY).await {
        Ok(Some(kept)) if !kept.is_empty() => kept,
        Ok(_) => return Redirect::to("/import").into_response(),
        Err(err) => {
            tracing::error!(error = %err, "shared badges not read from the session");
            return Redirect::to("/import?error=Internal#import-form").into_response();
        }
    };
    let given = kept
        .into_iter()
        .filter_map(|kept| {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(kept.bytes)
                .ok()?;
            Some(Given {
                file: kept.file,
                kind: kept.kind,
                bytes,
            })
        })
        .collect();
    crate::import_form::imported(&state, &user, &headers, &session, given).await
}
