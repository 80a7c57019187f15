//! The public pages as PDFs: `/g/{token}/portfolio.pdf` (a published collection) and a
//! certificate of one badge wherever it has a public page (`…/certificate.pdf`). Same rules
//! as the pages: no session, the token is the only key, built once per change in the
//! reader's language and served from the public-page cache with its `ETag`, gone with the
//! link (404).
use crate::gallery::{
    cached_or_build, collection_showcase, lang_key, locale_of, profile_showcase, shown, Found, Showcase,
};
use crate::startup::ServerState;
use app::paper::{self, Cover, Sheet};
use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::Response,
    routing::get,
    Router,
};
use besace_core::{badges, profiles, public_pages::CachedPage, showcases, AppState};
use std::sync::Arc;

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/g/{token}/portfolio.pdf", get(portfolio))
        .route(
            "/g/{token}/badges/{id}/certificate.pdf",
            get(collection_certificate),
        )
        .route(
            "/u/{handle}/badges/{id}/certificate.pdf",
            get(profile_certificate),
        )
        .route("/s/{token}/certificate.pdf", get(shared_certificate))
}

const PDF: &str = "application/pdf";

/// Typst lays out for a few hundred milliseconds: off the request threads. A document that
/// cannot be made answers 500 (logged), never a 404 that would say the link is gone.
async fn laid_out(user_id: i64, document: besace_pdf::Document) -> Found<Arc<CachedPage>> {
    let rendered = tokio::task::spawn_blocking(move || besace_pdf::render(&document))
        .await
        .map_err(|err| err.to_string())
        .and_then(|made| made.map_err(|err| err.to_string()));
    match rendered {
        Ok(bytes) => Ok(Some(Arc::new(CachedPage::new(user_id, PDF, bytes)))),
        Err(err) => Err(sea_orm::DbErr::Custom(format!("PDF: {err}"))),
    }
}

async fn portfolio(State(state): State<AppState>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    let locale = locale_of(&headers);
    let key = format!("pdf/g/{token}/{}", lang_key(locale));
    cached_or_build(&state, key, &headers, async {
        let Some((collection, owner, printed)) = showcases::portfolio(&state.db, &token).await? else {
            return Ok(None);
        };
        let url = format!("{}/g/{token}", state.public_url);
        let sheets = printed
            .iter()
            .map(|(record, picture)| Sheet {
                record,
                picture: picture.clone(),
                url: format!("{url}/badges/{}", record.id),
            })
            .collect();
        let cover = Cover {
            owner: &owner,
            title: &collection.name,
            description: &collection.description,
            url: &url,
        };
        let document = paper::portfolio(locale, &state.known_issuers, cover, sheets, chrono::Utc::now());
        laid_out(collection.user_id, document).await
    })
    .await
}

async fn collection_certificate(
    State(state): State<AppState>,
    Path((token, id)): Path<(String, i64)>,
    headers: HeaderMap,
) -> Response {
    let showcase = collection_showcase(&state, &token);
    certificate(
        &state,
        format!("pdf/b/{token}/{id}"),
        &headers,
        Some(id),
        showcase,
    )
    .await
}

async fn profile_certificate(
    State(state): State<AppState>,
    Path((handle, id)): Path<(String, i64)>,
    headers: HeaderMap,
) -> Response {
    // Keyed on the handle as the lookup reads it, like the profile's pages.
    let handle = profiles::parse_handle(&handle).unwrap_or_default();
    let showcase = profile_showcase(&state, &handle);
    certificate(
        &state,
        format!("pdf/pb/{handle}/{id}"),
        &headers,
        Some(id),
        showcase,
    )
    .await
}

async fn shared_certificate(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let showcase = crate::badge_link::showcase(&state, &token);
    certificate(&state, format!("pdf/s/{token}"), &headers, None, showcase).await
}

/// A certificate of badge `id` of the showcase (without an id, the badge it is the link of).
async fn certificate(
    state: &AppState,
    key: String,
    headers: &HeaderMap,
    id: Option<i64>,
    showcase: impl std::future::Future<Output = Found<Showcase>>,
) -> Response {
    let locale = locale_of(headers);
    let key = format!("{key}/{}", lang_key(locale));
    cached_or_build(state, key, headers, async {
        let Some(showcase) = showcase.await? else {
            return Ok(None);
        };
        let Some((badge, url)) = shown(state, &showcase, id).await? else {
            return Ok(None);
        };
        let picture = badges::image(&state.db, &badge).await?;
        let record = badges::BadgeRecord::from(&badge);
        let sheet = Sheet {
            record: &record,
            picture,
            url,
        };
        let document = paper::certificate(
            locale,
            &state.known_issuers,
            &showcase.owner,
            sheet,
            chrono::Utc::now(),
        );
        laid_out(showcase.user_id, document).await
    })
    .await
}
