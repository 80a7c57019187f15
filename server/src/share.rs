//! What else a published collection offers besides its page: a JSON document for badge
//! displayers (`/g/{token}/collection.json`), an oEmbed endpoint (`/oembed?url=…`) so
//! e-portfolio and blog tools can embed it, and a QR code of its link for printed CVs
//! (`/g/{token}/qr.svg`, `/g/{token}/qr.png`). Same rules as the page: published only,
//! never an e-mail address, forgotten from the cache when the owner changes anything.
use crate::gallery::{cached_or_build, not_found_plain};
use crate::startup::ServerState;
use app::badges::http_link;
use app::public::escape;
use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use besace_badges::Lang;
use besace_core::showcases::published;
use besace_core::{badges, collections, public_pages::CachedPage, AppState};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/g/{token}/collection.json", get(collection_json))
        .route("/g/{token}/qr.svg", get(qr_svg))
        .route("/g/{token}/qr.png", get(qr_png))
        .route("/oembed", get(oembed))
}

async fn collection_json(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let key = format!("j/{token}");
    cached_or_build(&state, key, &headers, async {
        let Some((collection, owner, records)) =
            besace_core::showcases::collection_records(&state.db, &token).await?
        else {
            return Ok(None);
        };
        let base = format!("{}/g/{token}", state.public_url);
        let listed: Vec<Value> = records
            .iter()
            .map(|badge| badge_json(&state, &token, &base, badge))
            .collect();
        let document = json!({
            "type": "BesaceCollection",
            "version": 1,
            "name": collection.name,
            "description": collection.description,
            "owner": { "name": owner },
            "url": base,
            "published_at": collection.published_at,
            "badges": listed,
        });
        let body = serde_json::to_vec_pretty(&document).unwrap_or_default();
        Ok(Some(Arc::new(CachedPage::new(
            collection.user_id,
            "application/json",
            body,
        ))))
    })
    .await
}

/// What a displayer needs of one badge: its public facts, its verification, and a link to
/// the issuer's own copy when the issuer hosts one (a hosted Open Badges 2.0 assertion).
fn badge_json(state: &AppState, token: &str, base: &str, badge: &badges::BadgeRecord) -> Value {
    let detail = app::badges::public_detail(badge, Lang::En, &state.known_issuers);
    let summary = badges::BadgeSummary::from(badge);
    let image = summary
        .image_version()
        .map(|version| format!("{}/g/{token}/images/{}/{version}", state.public_url, badge.id));
    json!({
        "name": detail.name,
        "description": detail.description,
        "image": image,
        "url": format!("{base}/badges/{}", badge.id),
        "issuer": { "name": detail.issuer_name, "url": detail.issuer_url },
        "issued_on": detail.issued_on.map(|when| when.iso),
        "expires": detail.expires.map(|when| when.iso),
        "criteria": { "url": detail.criteria_url, "narrative": detail.criteria_narrative },
        "evidence": detail.evidence.iter().filter_map(|e| http_link(e)).collect::<Vec<_>>(),
        "tags": detail.tags,
        "alignments": detail.alignments.iter().map(|a| json!({
            "name": a.name, "url": a.url, "reference": a.reference,
        })).collect::<Vec<_>>(),
        "spec": detail.spec,
        "assertion_url": badge.credential_id.as_deref().and_then(http_link),
        "verification": {
            "status": detail.status,
            "method": detail.method,
            "checked_at": detail.verified_at.iso,
        },
    })
}

#[derive(Deserialize)]
struct OembedQuery {
    url: String,
    format: Option<String>,
    maxwidth: Option<u32>,
    maxheight: Option<u32>,
}

/// oEmbed 1.0 (`rich`): an iframe of the gallery or of one of its badges.
async fn oembed(State(state): State<AppState>, Query(query): Query<OembedQuery>) -> Response {
    if query.format.as_deref().is_some_and(|format| format != "json") {
        return StatusCode::NOT_IMPLEMENTED.into_response();
    }
    let prefix = format!("{}/g/", state.public_url);
    let Some(rest) = query.url.strip_prefix(&prefix) else {
        return not_found_plain();
    };
    let token = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let Ok(Some((collection, owner))) = published(&state.db, token).await else {
        return not_found_plain();
    };
    let width = query.maxwidth.unwrap_or(640).clamp(240, 1200);
    let height = query.maxheight.unwrap_or(720).clamp(200, 2000);
    // The iframe shows the gallery, or one of its badges: rebuilt from the checked token
    // and a parsed id, never echoed (`…/g/TOKEN/../../settings` is not a gallery).
    let badge = rest
        .strip_prefix(token)
        .and_then(|path| path.strip_prefix("/badges/"))
        .and_then(|id| id.split(['/', '?', '#']).next())
        .and_then(|id| id.parse::<i64>().ok());
    let src = match badge {
        Some(id) => format!("{prefix}{token}/badges/{id}"),
        None => format!("{prefix}{token}"),
    };
    let title = format!("{} — {owner}", collection.name);
    let iframe = format!(
        r#"<iframe src="{}" width="{width}" height="{height}" style="border:0;max-width:100%" loading="lazy" title="{}"></iframe>"#,
        escape(&src),
        escape(&title)
    );
    let mut document = json!({
        "version": "1.0",
        "type": "rich",
        "provider_name": "Besace",
        "provider_url": state.public_url.as_ref(),
        "title": title,
        "author_name": owner,
        "html": iframe,
        "width": width,
        "height": height,
        "cache_age": 3600,
    });
    if let Ok(list) = collections::badges_of(&state.db, collection.id).await {
        if let Some((badge, version)) = list.iter().find_map(|b| b.image_version().map(|v| (b, v))) {
            document["thumbnail_url"] = json!(format!("{prefix}{token}/images/{}/{version}", badge.id));
            document["thumbnail_width"] = json!(256);
            document["thumbnail_height"] = json!(256);
        }
    }
    ([(header::X_CONTENT_TYPE_OPTIONS, "nosniff")], Json(document)).into_response()
}

async fn qr_svg(State(state): State<AppState>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    qr(state, token, headers, "image/svg+xml").await
}

async fn qr_png(State(state): State<AppState>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    qr(state, token, headers, "image/png").await
}

async fn qr(state: AppState, token: String, headers: HeaderMap, media_type: &'static str) -> Response {
    let key = format!("q/{token}/{media_type}");
    cached_or_build(&state, key, &headers, async {
        let Some((collection, _)) = published(&state.db, &token).await? else {
            return Ok(None);
        };
        let link = format!("{}/g/{token}", state.public_url);
        let body = match media_type {
            "image/png" => qr_code_png(&link),
            _ => qr_code_svg(&link).into_bytes(),
        };
        Ok(Some(Arc::new(CachedPage::new(
            collection.user_id,
            media_type,
            body,
        ))))
    })
    .await
}

/// Medium error correction: still readable from a creased printed CV.
fn qr_code(link: &str) -> qrcode::QrCode {
    qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::M)
        .expect("a gallery link fits in a QR code")
}

pub fn qr_code_svg(link: &str) -> String {
    qr_code(link)
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(256, 256)
        .quiet_zone(true)
        .build()
}

/// Black modules on white, 8 pixels each, with the 4-module quiet zone scanners need.
pub fn qr_code_png(link: &str) -> Vec<u8> {
    const SCALE: usize = 8;
    const QUIET: usize = 4;
    let code = qr_code(link);
    let modules = code.width();
    let dark = code.to_colors();
    let side = (modules + 2 * QUIET) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for (index, colour) in dark.iter().enumerate() {
        if *colour != qrcode::Color::Dark {
            continue;
        }
        let (x, y) = (
            (index % modules + QUIET) * SCALE,
            (index / modules + QUIET) * SCALE,
        );
        for row in y..y + SCALE {
            pixels[row * side + x..row * side + x + SCALE].fill(0);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    if let Ok(mut writer) = encoder.write_header() {
        let _ = writer.write_image_data(&pixels);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_codes_encode_the_link_in_both_formats() {
        let link = "https://besace.example/g/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        let svg = qr_code_svg(link);
        assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "{svg}");
        let png = qr_code_png(link);
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        // Version 3 at level M holds this link: 29 modules + 8 of quiet zone, 8 px each.
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let info = decoder.read_info().unwrap();
        assert_eq!(info.info().width as usize % 8, 0);
        assert!(info.info().width >= (29 + 8) * 8);
    }

    #[test]
    fn iframe_attributes_are_escaped() {
        assert_eq!(escape(r#"a"<b>&"#), "a&quot;&lt;b&gt;&amp;");
    }
}
