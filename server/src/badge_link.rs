//! One badge shared on its own (`core::badge_shares`): `/s/{token}` is its public page,
//! `/s/{token}/images/{id}/{version}` its picture and `/s/{token}/qr.svg|png` a QR code of
//! the link. Same rules as a gallery: no session, the token is the only key, a badge no
//! longer shared answers 404, and pages are served from the public-page cache.
use crate::gallery::{badge_view, image_of, Found, Showcase, Shows};
use crate::share::{qr_code_png, qr_code_svg};
use crate::startup::ServerState;
use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::Response,
    routing::get,
    Router,
};
use besace_core::{badge_shares, public_pages::CachedPage, AppState};
use std::sync::Arc;

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/s/{token}", get(page))
        .route("/s/{token}/images/{id}/{version}", get(image))
        .route("/s/{token}/qr.svg", get(qr_svg))
        .route("/s/{token}/qr.png", get(qr_png))
}

pub(crate) async fn showcase(state: &AppState, token: &str) -> Found<Showcase> {
    Ok(badge_shares::find(&state.db, token)
        .await?
        .map(|shared| Showcase {
            user_id: shared.share.user_id,
            title: shared.owner.clone(),
            owner: shared.owner,
            base: format!("/s/{token}"),
            allow_indexing: false,
            shows: Shows::Badge(shared.badge.id),
        }))
}

async fn page(State(state): State<AppState>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    let showcase = showcase(&state, &token);
    badge_view(&state, format!("s/{token}"), &headers, None, showcase).await
}

async fn image(
    State(state): State<AppState>,
    Path((token, id, version)): Path<(String, i64, String)>,
    headers: HeaderMap,
) -> Response {
    let showcase = showcase(&state, &token);
    let key = format!("si/{token}/{id}/{version}");
    image_of(&state, key, &headers, id, &version, showcase).await
}

async fn qr_svg(State(state): State<AppState>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    qr(state, token, headers, "image/svg+xml").await
}

async fn qr_png(State(state): State<AppState>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    qr(state, token, headers, "image/png").await
}

async fn qr(state: AppState, token: String, headers: HeaderMap, media_type: &'static str) -> Response {
    let key = format!("sq/{token}/{media_type}");
    crate::gallery::cached_or_build(&state, key, &headers, async {
        let Some(shared) = badge_shares::find(&state.db, &token).await? else {
            return Ok(None);
        };
        let link = format!("{}/s/{token}", state.public_url);
        let body = match media_type {
            "image/png" => qr_code_png(&link),
            _ => qr_code_svg(&link).into_bytes(),
        };
        Ok(Some(Arc::new(CachedPage::new(
            shared.share.user_id,
            media_type,
            body,
        ))))
    })
    .await
}
