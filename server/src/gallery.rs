//! Public galleries: `/g/{token}` (the collection), `/g/{token}/badges/{id}` (one badge) and
//! `/g/{token}/images/{id}/{version}` (its picture). No session, no account: the token is
//! the only key, and a collection that is not published answers 404.
//!
//! Pages are rendered and compressed once, then served from memory (`PublicPages`) until
//! the owner changes something. Badges whose last check is older than
//! `public_recheck_after` are checked again in the background; the page shows the time of
//! the check it was built from.
use crate::startup::ServerState;
use app::i18n::Locale;
use app::public::{self, Gallery, GalleryBadge, PublicBadge};
use app::server::{
    badges::{self, BadgeSummary},
    collections::{self, Collection},
    public_pages::CachedPage,
    request::lang_of_request,
    users, AppState,
};
use axum::{
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use besace_badges::Lang;
use chrono::Utc;
use std::sync::Arc;

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/g/{token}", get(gallery))
        .route("/g/{token}/badges/{id}", get(badge))
        .route("/g/{token}/images/{id}/{version}", get(image))
}

const HTML: &str = "text/html; charset=utf-8";
/// Public pages load nothing but our stylesheet and their images; they may be framed
/// (CV and e-portfolio sites embed them).
const PAGE_POLICY: &str =
    "default-src 'none'; img-src 'self'; style-src 'self'; base-uri 'none'; form-action 'none'";

fn locale_of(headers: &HeaderMap) -> Locale {
    match lang_of_request(headers, None) {
        Lang::Fr => Locale::fr,
        _ => Locale::en,
    }
}

fn lang_key(locale: Locale) -> &'static str {
    match locale {
        Locale::fr => "fr",
        _ => "en",
    }
}

async fn gallery(State(state): State<AppState>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    let locale = locale_of(&headers);
    let key = format!("g/{token}/{}", lang_key(locale));
    let build = async {
        let Some((collection, owner)) = published(&state, &token).await? else {
            return Ok(None);
        };
        let list = collections::badges_of(&state.db, collection.id).await?;
        recheck_stale(&state, collection.user_id, &list);
        let base = format!("{}/g/{token}", state.public_url);
        let preview_image = list
            .iter()
            .find_map(|badge| image_path(&token, badge))
            .map(|path| format!("{}{path}", state.public_url));
        let badges = list
            .iter()
            .map(|badge| GalleryBadge {
                href: format!("/g/{token}/badges/{}", badge.id),
                image: image_path(&token, badge),
                name: badge.name.clone(),
                issuer: badge.issuer_name.clone(),
                issued_on: badge.issued_on.map(|date| date.format("%Y-%m-%d").to_string()),
                status: badge.status.clone(),
            })
            .collect();
        let oembed_url = format!(
            "{}/oembed?format=json&url={}",
            state.public_url,
            url::form_urlencoded::byte_serialize(base.as_bytes()).collect::<String>()
        );
        let html = public::render_gallery(
            locale,
            Gallery {
                owner,
                title: collection.name.clone(),
                description: collection.description.clone(),
                json_url: format!("{base}/collection.json"),
                url: base,
                preview_image,
                allow_indexing: collection.allow_indexing,
                oembed_url,
                badges,
            },
        );
        Ok(Some(html_page(&collection, html)))
    };
    cached_or(&state, key, &headers, build, || not_found_page(&state, locale)).await
}

async fn badge(
    State(state): State<AppState>,
    Path((token, id)): Path<(String, i64)>,
    headers: HeaderMap,
) -> Response {
    let locale = locale_of(&headers);
    let key = format!("b/{token}/{id}/{}", lang_key(locale));
    let build = async {
        let Some((collection, owner)) = published(&state, &token).await? else {
            return Ok(None);
        };
        let Some(badge) = member(&state, &collection, id).await? else {
            return Ok(None);
        };
        let summary = BadgeSummary::from(&badge);
        recheck_stale(&state, collection.user_id, std::slice::from_ref(&summary));
        let lang = match locale {
            Locale::fr => Lang::Fr,
            _ => Lang::En,
        };
        let image = image_path(&token, &summary);
        let html = public::render_badge(
            locale,
            PublicBadge {
                owner,
                gallery_title: collection.name.clone(),
                gallery_href: format!("/g/{token}"),
                url: format!("{}/g/{token}/badges/{id}", state.public_url),
                preview_image: image.as_ref().map(|path| format!("{}{path}", state.public_url)),
                image,
                allow_indexing: collection.allow_indexing,
                detail: app::badges::ssr::public_detail(&badge, lang),
            },
        );
        Ok(Some(html_page(&collection, html)))
    };
    cached_or(&state, key, &headers, build, || not_found_page(&state, locale)).await
}

async fn image(
    State(state): State<AppState>,
    Path((token, id, version)): Path<(String, i64, String)>,
    headers: HeaderMap,
) -> Response {
    let key = format!("i/{token}/{id}/{version}");
    cached_or_build(&state, key, &headers, async {
        let Some((collection, _)) = published(&state, &token).await? else {
            return Ok(None);
        };
        let Some(badge) = member(&state, &collection, id).await? else {
            return Ok(None);
        };
        if BadgeSummary::from(&badge).image_version() != Some(version.as_str()) {
            return Ok(None);
        }
        let picture = badges::image(&state.db, &badge).await?;
        Ok(picture.and_then(|(media_type, bytes)| {
            let media_type = image_type(&media_type)?;
            Some(Arc::new(CachedPage::new(collection.user_id, media_type, bytes)))
        }))
    })
    .await
}

/// The image types a browser may be sent (anything else is not shown).
fn image_type(media_type: &str) -> Option<&'static str> {
    [
        "image/png",
        "image/svg+xml",
        "image/jpeg",
        "image/gif",
        "image/webp",
    ]
    .into_iter()
    .find(|known| *known == media_type)
}

type Built = Result<Option<Arc<CachedPage>>, sea_orm::DbErr>;

/// Serves `key` from the cache, or builds, stores and serves it; a plain 404 when the
/// build finds nothing to show.
pub(crate) async fn cached_or_build(
    state: &AppState,
    key: String,
    headers: &HeaderMap,
    build: impl std::future::Future<Output = Built>,
) -> Response {
    cached_or(state, key, headers, build, not_found_plain).await
}

async fn cached_or(
    state: &AppState,
    key: String,
    headers: &HeaderMap,
    build: impl std::future::Future<Output = Built>,
    missing: impl FnOnce() -> Response,
) -> Response {
    if let Some(page) = state.public_pages.get(&key) {
        return send(&page, headers);
    }
    let epoch = state.public_pages.epoch();
    match build.await {
        Ok(Some(page)) => {
            state.public_pages.put(key, page.clone(), epoch);
            send(&page, headers)
        }
        Ok(None) => missing(),
        Err(err) => internal(err),
    }
}

/// The collection behind a token and its owner's display name, if it is published.
pub(crate) async fn published(
    state: &AppState,
    token: &str,
) -> Result<Option<(Collection, String)>, sea_orm::DbErr> {
    // Tokens are URL-safe base64 of 24 bytes: anything else cannot match, so skip the query.
    if token.len() != 32
        || !token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Ok(None);
    }
    let Some(collection) = collections::find_published(&state.db, token).await? else {
        return Ok(None);
    };
    let owner = users::find(&state.db, collection.user_id)
        .await?
        .map(|user| user.display_name)
        .unwrap_or_default();
    Ok(Some((collection, owner)))
}

/// Badge `id`, if the collection holds it.
async fn member(
    state: &AppState,
    collection: &Collection,
    id: i64,
) -> Result<Option<badges::Badge>, sea_orm::DbErr> {
    if !collections::holds(&state.db, collection.id, id).await? {
        return Ok(None);
    }
    badges::find_owned(&state.db, collection.user_id, id).await
}

fn image_path(token: &str, badge: &BadgeSummary) -> Option<String> {
    badge
        .image_version()
        .map(|version| format!("/g/{token}/images/{}/{version}", badge.id))
}

fn html_page(collection: &Collection, html: String) -> Arc<CachedPage> {
    let mut page = CachedPage::new(collection.user_id, HTML, html.into_bytes());
    page.allow_indexing = collection.allow_indexing;
    Arc::new(page)
}

fn not_found_page(state: &AppState, locale: Locale) -> Response {
    let html = public::render_not_found(locale, format!("{}/", state.public_url));
    (StatusCode::NOT_FOUND, not_found_headers(HTML), html).into_response()
}

pub(crate) fn not_found_plain() -> Response {
    (
        StatusCode::NOT_FOUND,
        not_found_headers("text/plain; charset=utf-8"),
        "not found",
    )
        .into_response()
}

fn not_found_headers(content_type: &'static str) -> [(header::HeaderName, &'static str); 5] {
    [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, "no-store"),
        (header::CONTENT_SECURITY_POLICY, PAGE_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::HeaderName::from_static("x-robots-tag"), "noindex"),
    ]
}

fn internal(err: sea_orm::DbErr) -> Response {
    tracing::error!(error = ?err, "public page failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// Sends a cached page: 304 when the browser has it, else the smallest encoding it takes.
/// `no-cache`: every cache must ask again, so an unpublished gallery is never shown from one.
fn send(page: &CachedPage, headers: &HeaderMap) -> Response {
    let mut response = if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|tag| tag.as_bytes() == page.etag.as_bytes())
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let accepts = |coding: &str| {
            headers
                .get(header::ACCEPT_ENCODING)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.split(',').any(|part| part.trim().starts_with(coding)))
        };
        let (body, coding) = if !page.brotli.is_empty() && accepts("br") {
            (page.brotli.clone(), Some("br"))
        } else if !page.gzip.is_empty() && accepts("gzip") {
            (page.gzip.clone(), Some("gzip"))
        } else {
            (page.identity.clone(), None)
        };
        let mut response = body.into_response();
        if let Some(coding) = coding {
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        response
    };
    let out = response.headers_mut();
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static(page.content_type));
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(etag) = HeaderValue::from_str(&page.etag) {
        out.insert(header::ETAG, etag);
    }
    out.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Encoding, Accept-Language, Cookie"),
    );
    out.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    out.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    if page.content_type == HTML {
        out.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_POLICY),
        );
        if !page.allow_indexing {
            out.insert(
                header::HeaderName::from_static("x-robots-tag"),
                HeaderValue::from_static("noindex"),
            );
        }
    } else {
        // Uploaded SVG is hostile input: never a document of ours.
        out.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox"),
        );
    }
    response
}

/// Checks again, in the background, the badges whose last check is too old; the next view
/// shows the new result (the owner's pages are forgotten once it is stored).
fn recheck_stale(state: &AppState, user_id: i64, list: &[BadgeSummary]) {
    let Ok(max_age) = chrono::Duration::from_std(state.public_recheck_after) else {
        return;
    };
    let now = Utc::now();
    for summary in list.iter().filter(|badge| now - badge.verified_at > max_age) {
        if !state.public_pages.start_recheck(summary.id) {
            continue;
        }
        let state = state.clone();
        let id = summary.id;
        tokio::spawn(async move {
            let result = async {
                if let Some(badge) = badges::find_owned(&state.db, user_id, id).await? {
                    badges::reverify(&state.db, state.fetcher.as_ref(), &badge).await?;
                }
                Ok::<_, sea_orm::DbErr>(())
            }
            .await;
            if let Err(err) = result {
                tracing::warn!(badge_id = id, error = ?err, "public re-check failed");
            }
            state.public_pages.forget_user(user_id);
            state.public_pages.finish_recheck(id);
        });
    }
}
