//! The backpack's non-UI endpoints: import (files, a URL or pasted text, as multipart),
//! list badges, download an original, show an image. Every one answers only for the
//! logged-in learner's own badges.
use crate::extract::{BackpackError, Learner};
use crate::startup::ServerState;
use app::request::lang_of_request;
use app::wire::{
    badges::Status,
    import::{self as wire, RefusalReason as Reason},
};
use axum::{
    extract::{DefaultBodyLimit, Multipart, Path, Query, State},
    http::{header, HeaderMap},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use besace_badges::Lang;
use besace_core::{
    badges::{self, MAX_IMPORT_BYTES},
    emails,
    imports::{self, Imported},
    refusals::Refusal,
    users::User,
    AppState,
};
use serde::Deserialize;
use serde_json::json;

/// Several files per request, each up to MAX_IMPORT_BYTES.
pub(crate) const MAX_IMPORT_REQUEST_BYTES: usize = 8 * MAX_IMPORT_BYTES;

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route(
            "/api/badges/import",
            post(import).layer(DefaultBodyLimit::max(MAX_IMPORT_REQUEST_BYTES)),
        )
        .route("/api/badges", get(list))
        .route("/api/badges/{id}/original", get(original))
        .route("/api/badges/{id}/image/{version}", get(image))
}

/// The logged-in learner's badge `id`: 404 when it is not theirs.
async fn owned_badge(state: &AppState, user: &User, id: i64) -> Result<badges::Badge, BackpackError> {
    badges::find_owned(&state.db, user.id, id)
        .await?
        .ok_or(BackpackError::NotFound)
}

/// `POST /api/badges/import`: each multipart field is one badge to import: a file (any
/// field with a file name), `url` (fetched through the fetcher), or `text` (pasted JSON,
/// JWS/JWT or URL). Answers one result per field, in order.
async fn import(
    State(state): State<AppState>,
    Learner(user): Learner,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<Json<wire::ImportAnswer>, BackpackError> {
    let lang = lang_of_request(&headers, user.locale.as_deref());
    let given = read_given(&mut multipart, state.max_import_items, false).await?;
    let results = import_given(&state, &user, lang, given).await?;
    Ok(Json(wire::ImportAnswer { results }))
}

/// One badge as the learner gave it, read from one multipart field.
pub(crate) struct Given {
    /// The file's name, for a file.
    pub file: Option<String>,
    /// The field's name: `url` and `text` say what the bytes are when no file was sent.
    pub kind: String,
    pub bytes: Vec<u8>,
}

impl Given {
    /// A field the learner left empty (a plain form sends them all).
    fn is_blank(&self) -> bool {
        self.bytes.trim_ascii().is_empty()
    }
}

/// Reads every field (each capped) before any is imported: an import over `max_items` is
/// refused whole, with nothing stored. With `skip_blank`, empty fields do not count.
pub(crate) async fn read_given(
    multipart: &mut Multipart,
    max_items: usize,
    skip_blank: bool,
) -> Result<Vec<Given>, BackpackError> {
    let bad_upload = |err: axum::extract::multipart::MultipartError| BackpackError::BadUpload(err.status());
    let mut fields = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(bad_upload)? {
        let file = field.file_name().map(str::to_owned);
        let kind = field.name().unwrap_or_default().to_owned();
        // Read at most one byte over the cap, then drain: a huge file is refused, not stored.
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad_upload)? {
            if bytes.len() <= MAX_IMPORT_BYTES {
                bytes.extend_from_slice(&chunk);
            }
        }
        let given = Given { file, kind, bytes };
        if skip_blank && given.is_blank() {
            continue;
        }
        if fields.len() == max_items {
            return Err(BackpackError::TooManyItems(max_items));
        }
        fields.push(given);
    }
    Ok(fields)
}

/// Imports each badge given, in order, and says what became of it in `lang`.
pub(crate) async fn import_given(
    state: &AppState,
    user: &User,
    lang: Lang,
    given: Vec<Given>,
) -> Result<Vec<wire::ImportResult>, BackpackError> {
    let unconfirmed = emails::unconfirmed(&state.db, user.id).await?;
    let mut results = Vec::new();
    for Given { file, kind, bytes } in given {
        let label = file.clone().unwrap_or_else(|| kind.clone());
        let given = match (file, kind.as_str()) {
            (Some(_), _) => imports::Given::File(bytes),
            (None, "url") => imports::Given::Link(String::from_utf8_lossy(bytes.trim_ascii()).into_owned()),
            (None, _) => imports::Given::pasted(&bytes),
        };
        let imported = imports::import(
            &state.store,
            state.fetcher.as_ref(),
            user.id,
            &given,
            &unconfirmed,
        )
        .await?;
        results.push(import_result(user, lang, label, imported));
    }
    Ok(results)
}

fn import_result(user: &User, lang: Lang, file: String, imported: Imported) -> wire::ImportResult {
    let outcome = match imported {
        Imported::Added(badge) => {
            tracing::info!(user_id = user.id, badge_id = badge.id, "badge imported");
            wire::ImportOutcome::Added {
                badge: entry(&badge.as_ref().into()),
            }
        }
        Imported::AlreadyThere(badge_id) => wire::ImportOutcome::Already { badge_id },
        Imported::Waiting(email) => wire::ImportOutcome::Waiting {
            why: app::import::why(Reason::ConfirmAddress, &email, lang),
            awaiting_confirmation: email,
        },
        Imported::Refused(report, refusal) => {
            let retry = refusal.may_pass();
            let (reason, awaiting_confirmation, issued_to) = match refusal {
                Refusal::ConfirmAddress(email) => (Reason::ConfirmAddress, Some(email), None),
                Refusal::AddAddress(email) => (Reason::AddAddress, None, Some(email)),
                Refusal::AnotherAddress => (Reason::AnotherAddress, None, None),
                Refusal::PlainPicture => (Reason::PlainPicture, None, None),
                Refusal::Document => (Reason::Document, None, None),
                Refusal::NotABadge => (Reason::NotABadge, None, None),
                Refusal::Damaged => (Reason::Damaged, None, None),
                Refusal::Unreachable => (Reason::Unreachable, None, None),
                Refusal::NotFound => (Reason::NotFound, None, None),
                Refusal::DemoIssuer => (Reason::DemoIssuer, None, None),
                Refusal::NotGenuine => (Reason::NotGenuine, None, None),
                Refusal::Incomplete => (Reason::Incomplete, None, None),
            };
            let email = awaiting_confirmation
                .as_deref()
                .or(issued_to.as_deref())
                .unwrap_or_default();
            wire::ImportOutcome::Refused {
                report: wire::RefusalReport::of(&report, lang),
                reason,
                why: app::import::why(reason, email, lang),
                retry,
                wrong_recipient: matches!(
                    reason,
                    Reason::ConfirmAddress | Reason::AddAddress | Reason::AnotherAddress
                ),
                awaiting_confirmation,
                issued_to,
            }
        }
        Imported::TooLarge => wire::ImportOutcome::TooLarge {
            max_bytes: MAX_IMPORT_BYTES,
        },
    };
    wire::ImportResult { file, outcome }
}

fn entry(badge: &badges::BadgeSummary) -> wire::BadgeEntry {
    wire::BadgeEntry {
        id: badge.id,
        name: badge.name.clone(),
        issuer: badge.issuer_name.clone(),
        issued_on: badge.issued_on.map(wire::rfc3339),
        expires: badge.expires_at.map(wire::rfc3339),
        status: badge.status.into(),
        spec: Some(badge.spec.into()),
        sha256: badge.original_sha256.clone(),
        media_type: badge.original_media_type.clone(),
        image: badge.image_url(),
        verified_at: wire::rfc3339(badge.verified_at),
        received_at: wire::rfc3339(badge.created_at),
    }
}

/// Filter, sort and page of `GET /api/badges` (all optional).
#[derive(Debug, Default, Deserialize)]
struct ListParams {
    q: Option<String>,
    status: Option<String>,
    sort: Option<String>,
    /// From 1.
    page: Option<u64>,
    per_page: Option<u64>,
}

/// `GET /api/badges`: a page of the learner's badges (newest first unless sorted), with the
/// number matching in all.
async fn list(
    State(state): State<AppState>,
    Learner(user): Learner,
    Query(params): Query<ListParams>,
) -> Result<Response, BackpackError> {
    let status = match params.status.as_deref().filter(|status| !status.is_empty()) {
        None => None,
        Some(name) => Some(Status::parse(name).ok_or(BackpackError::BadFilter)?.into()),
    };
    let page = params.page.unwrap_or(1).max(1);
    let per_page = params.per_page.unwrap_or(100).clamp(1, 200);
    let query = badges::ListQuery {
        text: params.q,
        status,
        sort: badges::SortBy::parse(params.sort.as_deref().unwrap_or_default()),
        page: page - 1,
        per_page,
    };
    let (rows, total) = badges::list_page(&state.db, user.id, &query).await?;
    Ok(Json(json!({
        "badges": rows.iter().map(entry).collect::<Vec<_>>(),
        "total": total,
        "page": page,
        "per_page": per_page,
    }))
    .into_response())
}

/// The file extension an original of this media type is downloaded with.
pub(crate) fn file_extension(media_type: &str) -> &'static str {
    match media_type {
        "image/png" => "png",
        "image/svg+xml" => "svg",
        "application/json" | "application/ld+json" => "json",
        _ => "txt",
    }
}

/// `GET /api/badges/{id}/original`: the file exactly as imported, as a download. Never
/// rendered inline, and sandboxed if a browser tries (uploaded SVG is hostile input).
async fn original(
    State(state): State<AppState>,
    Learner(user): Learner,
    Path(id): Path<i64>,
) -> Result<Response, BackpackError> {
    let badge = owned_badge(&state, &user, id).await?;
    let extension = file_extension(&badge.original_media_type);
    Ok((
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
        .into_response())
}

/// `GET /api/badges/{id}/image/{version}`: the badge's picture, to its owner only. The
/// version (the start of the image's SHA-256) makes the URL immutable, so the browser keeps
/// it a year; uploaded SVG is hostile input, hence the sandbox.
async fn image(
    State(state): State<AppState>,
    Learner(user): Learner,
    Path((id, version)): Path<(i64, String)>,
) -> Result<Response, BackpackError> {
    let badge = owned_badge(&state, &user, id).await?;
    let summary = badges::BadgeSummary::from(&badge);
    if summary.image_url().as_deref() != Some(&format!("/api/badges/{id}/image/{version}")) {
        return Err(BackpackError::NotFound);
    }
    let (media_type, bytes) = badges::image(&state.db, &badge)
        .await?
        .ok_or(BackpackError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, media_type),
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable".to_owned(),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CONTENT_SECURITY_POLICY, "sandbox".to_owned()),
            (header::CONTENT_DISPOSITION, "inline".to_owned()),
        ],
        bytes,
    )
        .into_response())
}
