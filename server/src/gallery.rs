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
use app::public::{self, Gallery, GalleryBadge, Profile, ProfileCollection, PublicBadge};
use app::request::lang_of_request;
use axum::{
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use besace_badges::Lang;
use besace_core::{
    badges::{self, BadgeSummary},
    collections,
    profiles::{self, ProfileMode},
    public_pages::CachedPage,
    showcases, AppState,
};
use chrono::Utc;
use std::sync::Arc;

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/g/{token}", get(gallery))
        .route("/g/{token}/badges/{id}", get(collection_badge))
        .route("/g/{token}/images/{id}/{version}", get(collection_image))
        .route("/u/{handle}", get(profile))
        .route("/u/{handle}/badges/{id}", get(profile_badge))
        .route("/u/{handle}/images/{id}/{version}", get(profile_image))
}

const HTML: &str = "text/html; charset=utf-8";
/// Public pages load nothing but our stylesheet and their images; they may be framed
/// (CV and e-portfolio sites embed them). They run no script: `connect-src 'self'` is
/// only there because audit tools (Lighthouse) fetch robots.txt from within the page.
const PAGE_POLICY: &str = "default-src 'none'; img-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'";

pub(crate) fn locale_of(headers: &HeaderMap) -> Locale {
    match lang_of_request(headers, None) {
        Lang::Fr => Locale::fr,
        _ => Locale::en,
    }
}

pub(crate) fn lang_key(locale: Locale) -> &'static str {
    match locale {
        Locale::fr => "fr",
        _ => "en",
    }
}

/// The badge cards of a public page under `base`, each saying how its issuer is known.
fn cards(state: &AppState, base: &str, list: &[BadgeSummary]) -> Vec<GalleryBadge> {
    list.iter()
        .map(|badge| GalleryBadge {
            href: format!("{base}/badges/{}", badge.id),
            image: image_path(base, badge),
            name: badge.name.clone(),
            issuer: badge.issuer_name.clone(),
            issued_on: badge.issued_on,
            verified_at: badge.verified_at,
            status: badge.status.into(),
            issuer_standing: state.known_issuers.standing_of(badge.issuer_id.as_deref()).into(),
        })
        .collect()
}

async fn gallery(State(state): State<AppState>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    let locale = locale_of(&headers);
    let key = format!("g/{token}/{}", lang_key(locale));
    let build = async {
        let Some(showcases::PublicCollection {
            collection,
            owner,
            badges: list,
        }) = showcases::collection(&state.db, &token).await?
        else {
            return Ok(None);
        };
        recheck_stale(&state, collection.user_id, &list);
        let base = format!("{}/g/{token}", state.public_url);
        let path = format!("/g/{token}");
        let preview_image = list
            .iter()
            .find_map(|badge| image_path(&path, badge))
            .map(|path| format!("{}{path}", state.public_url));
        let badges = cards(&state, &path, &list);
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
                pdf: format!("{path}/portfolio.pdf"),
                qr_svg: crate::share::qr_code_svg(&base),
                url: base,
                preview_image,
                allow_indexing: collection.allow_indexing,
                oembed_url,
                badges,
            },
        );
        Ok(Some(html_page(
            collection.user_id,
            collection.allow_indexing,
            html,
        )))
    };
    cached_or(&state, key, &headers, build, || not_found_page(&state, locale)).await
}

/// `/u/{handle}`: the learner's public profile, when they turned it on.
async fn profile(State(state): State<AppState>, Path(handle): Path<String>, headers: HeaderMap) -> Response {
    // Keyed on the handle as the lookup reads it: `Ana`, ` ana ` and `ana` are one page.
    let handle = profiles::parse_handle(&handle).unwrap_or_default();
    let locale = locale_of(&headers);
    let key = format!("u/{handle}/{}", lang_key(locale));
    let build = async {
        let Some(found) = showcases::profile(&state.db, &handle).await? else {
            return Ok(None);
        };
        let user = found.user;
        let shown = found
            .collections
            .into_iter()
            .filter_map(|(collection, held)| {
                let path = format!("/g/{}", collection.share_token?);
                Some(ProfileCollection {
                    image: held.iter().find_map(|badge| image_path(&path, badge)),
                    name: collection.name,
                    description: collection.description,
                    href: path,
                    badge_count: held.len() as u64,
                })
            })
            .collect();
        let base = format!("/u/{handle}");
        let badges = cards(&state, &base, &found.badges);
        let html = public::render_profile(
            locale,
            Profile {
                owner: user.display_name.clone(),
                url: format!("{}{base}", state.public_url),
                collections: shown,
                badges,
            },
        );
        Ok(Some(html_page(user.id, false, html)))
    };
    cached_or(&state, key, &headers, build, || not_found_page(&state, locale)).await
}

/// Where a public badge is seen from: a published collection, a profile that shows the
/// whole backpack, or the badge's own link. `base` is its path (`/g/{token}`,
/// `/u/{handle}`, `/s/{token}`).
pub(crate) struct Showcase {
    pub user_id: i64,
    pub owner: String,
    pub title: String,
    pub base: String,
    pub allow_indexing: bool,
    pub shows: Shows,
}

/// Which of the learner's badges a showcase shows.
#[derive(Clone, Copy)]
pub(crate) enum Shows {
    Collection(i64),
    Backpack,
    /// One badge shared on its own: its page is the showcase itself, with no gallery.
    Badge(i64),
}

pub(crate) type Found<T> = Result<Option<T>, sea_orm::DbErr>;

pub(crate) async fn collection_showcase(state: &AppState, token: &str) -> Found<Showcase> {
    Ok(showcases::published(&state.db, token)
        .await?
        .map(|(collection, owner)| Showcase {
            user_id: collection.user_id,
            owner,
            title: collection.name,
            base: format!("/g/{token}"),
            allow_indexing: collection.allow_indexing,
            shows: Shows::Collection(collection.id),
        }))
}

pub(crate) async fn profile_showcase(state: &AppState, handle: &str) -> Found<Showcase> {
    Ok(match profiles::find_public(&state.db, handle).await? {
        Some((user, ProfileMode::Backpack)) => Some(Showcase {
            user_id: user.id,
            title: user.display_name.clone(),
            owner: user.display_name,
            base: format!("/u/{handle}"),
            allow_indexing: false,
            shows: Shows::Backpack,
        }),
        _ => None,
    })
}

async fn collection_badge(
    State(state): State<AppState>,
    Path((token, id)): Path<(String, i64)>,
    headers: HeaderMap,
) -> Response {
    let showcase = collection_showcase(&state, &token);
    badge_view(&state, format!("b/{token}/{id}"), &headers, Some(id), showcase).await
}

async fn profile_badge(
    State(state): State<AppState>,
    Path((handle, id)): Path<(String, i64)>,
    headers: HeaderMap,
) -> Response {
    // Keyed on the handle as the lookup reads it: `Ana`, ` ana ` and `ana` are one page.
    let handle = profiles::parse_handle(&handle).unwrap_or_default();
    let showcase = profile_showcase(&state, &handle);
    badge_view(&state, format!("pb/{handle}/{id}"), &headers, Some(id), showcase).await
}

pub(crate) async fn badge_view(
    state: &AppState,
    key: String,
    headers: &HeaderMap,
    id: Option<i64>,
    showcase: impl std::future::Future<Output = Found<Showcase>>,
) -> Response {
    let locale = locale_of(headers);
    let key = format!("{key}/{}", lang_key(locale));
    let build = async {
        let Some(showcase) = showcase.await? else {
            return Ok(None);
        };
        let Some((badge, url)) = shown(state, &showcase, id).await? else {
            return Ok(None);
        };
        let id = badge.id;
        let summary = BadgeSummary::from(&badge);
        recheck_stale(state, showcase.user_id, std::slice::from_ref(&summary));
        let lang = match locale {
            Locale::fr => Lang::Fr,
            _ => Lang::En,
        };
        let image = image_path(&showcase.base, &summary);
        let (gallery, certificate) = match showcase.shows {
            Shows::Badge(_) => (None, format!("{}/certificate.pdf", showcase.base)),
            _ => (
                Some((showcase.title, showcase.base.clone())),
                format!("{}/badges/{id}/certificate.pdf", showcase.base),
            ),
        };
        let html = public::render_badge(
            locale,
            PublicBadge {
                owner: showcase.owner,
                gallery,
                qr_svg: crate::share::qr_code_svg(&url),
                url,
                preview_image: image.as_ref().map(|path| format!("{}{path}", state.public_url)),
                image,
                allow_indexing: showcase.allow_indexing,
                detail: app::badges::public_detail(&(&badge).into(), lang, &state.known_issuers),
                assertion_url: hosted_copy(&badge),
                certificate,
            },
        );
        Ok(Some(html_page(showcase.user_id, showcase.allow_indexing, html)))
    };
    cached_or(state, key, headers, build, || not_found_page(state, locale)).await
}

async fn collection_image(
    State(state): State<AppState>,
    Path((token, id, version)): Path<(String, i64, String)>,
    headers: HeaderMap,
) -> Response {
    let showcase = collection_showcase(&state, &token);
    image_of(
        &state,
        format!("i/{token}/{id}/{version}"),
        &headers,
        id,
        &version,
        showcase,
    )
    .await
}

async fn profile_image(
    State(state): State<AppState>,
    Path((handle, id, version)): Path<(String, i64, String)>,
    headers: HeaderMap,
) -> Response {
    // Keyed on the handle as the lookup reads it: `Ana`, ` ana ` and `ana` are one page.
    let handle = profiles::parse_handle(&handle).unwrap_or_default();
    let showcase = profile_showcase(&state, &handle);
    image_of(
        &state,
        format!("pi/{handle}/{id}/{version}"),
        &headers,
        id,
        &version,
        showcase,
    )
    .await
}

pub(crate) async fn image_of(
    state: &AppState,
    key: String,
    headers: &HeaderMap,
    id: i64,
    version: &str,
    showcase: impl std::future::Future<Output = Found<Showcase>>,
) -> Response {
    cached_or_build(state, key, headers, async {
        let Some(showcase) = showcase.await? else {
            return Ok(None);
        };
        let Some(badge) = member(state, &showcase, id).await? else {
            return Ok(None);
        };
        if BadgeSummary::from(&badge).image_version() != Some(version) {
            return Ok(None);
        }
        let picture = badges::image(&state.db, &badge).await?;
        Ok(picture.and_then(|(media_type, bytes)| {
            let media_type = image_type(&media_type)?;
            Some(Arc::new(CachedPage::new(showcase.user_id, media_type, bytes)))
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
    let _turn = state.public_pages.build_turn(&key).await;
    if let Some(page) = state.public_pages.get(&key) {
        return send(&page, headers);
    }
    let started = state.public_pages.clock();
    match build.await {
        Ok(Some(page)) => {
            state.public_pages.put(key, page.clone(), started);
            send(&page, headers)
        }
        Ok(None) => missing(),
        Err(err) => internal(err),
    }
}

/// Badge `id`, if the showcase shows it.
/// The badge a public badge page shows, with that page's absolute URL: badge `id` of the
/// showcase or, without an id, the badge the showcase is the link of.
pub(crate) async fn shown(
    state: &AppState,
    showcase: &Showcase,
    id: Option<i64>,
) -> Found<(badges::Badge, String)> {
    let Some(id) = id.or(match showcase.shows {
        Shows::Badge(id) => Some(id),
        _ => None,
    }) else {
        return Ok(None);
    };
    let Some(badge) = member(state, showcase, id).await? else {
        return Ok(None);
    };
    let url = match showcase.shows {
        Shows::Badge(_) => format!("{}{}", state.public_url, showcase.base),
        _ => format!("{}{}/badges/{id}", state.public_url, showcase.base),
    };
    Ok(Some((badge, url)))
}

async fn member(state: &AppState, showcase: &Showcase, id: i64) -> Found<badges::Badge> {
    match showcase.shows {
        Shows::Collection(collection_id) if !collections::holds(&state.db, collection_id, id).await? => {
            return Ok(None)
        }
        Shows::Badge(shared) if shared != id => return Ok(None),
        _ => {}
    }
    badges::find_owned(&state.db, showcase.user_id, id).await
}

/// The issuer's own public copy of a badge: a hosted Open Badges 2.0 assertion's URL.
fn hosted_copy(badge: &badges::Badge) -> Option<String> {
    let hosted = badge.method == Some(badges::BadgeMethod::Hosted);
    hosted
        .then(|| badge.credential_id.as_deref().and_then(app::badges::http_link))
        .flatten()
}

/// The picture of a badge as `base` (`/g/{token}`, `/u/{handle}`) shows it.
fn image_path(base: &str, badge: &BadgeSummary) -> Option<String> {
    badge
        .image_version()
        .map(|version| format!("{base}/images/{}/{version}", badge.id))
}

pub(crate) fn html_page(user_id: i64, allow_indexing: bool, html: String) -> Arc<CachedPage> {
    let mut page = CachedPage::new(user_id, HTML, html.into_bytes());
    page.allow_indexing = allow_indexing;
    Arc::new(page)
}

pub(crate) fn not_found_page(state: &AppState, locale: Locale) -> Response {
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
            // Claimed in the database: one check however many processes serve the page.
            let checked =
                badges::reverify_if_stale(&state.store, state.fetcher.as_ref(), user_id, id, max_age).await;
            if let Err(err) = checked {
                tracing::warn!(badge_id = id, error = ?err, "public re-check failed");
            }
            state.public_pages.finish_recheck(id);
        });
    }
}
