//! The Mozilla Displayer API, as Mahara's Open Badges block and Moodle's "OBv1.0"
//! backpacks read it: an e-mail address becomes a `userId`, whose published collections
//! ("groups") and their badges are public JSON. The administrator of the other site sets
//! `{base}/` as the backpack's address; it calls `{base}/displayer/…`.
//!
//! A learner is found only if they turned it on in their settings, and only by a verified
//! address; every other lookup answers the same `missing` (nobody learns who has an
//! account). Lookups by address, and reads of unknown ids, spend the per-client-address
//! attempt budget. The `userId` is a random number given when the learner turns it on.
use crate::startup::ServerState;
use crate::third_party::{image_url, inert, web_url};
use app::request::client_address;
use axum::{
    extract::{rejection::FormRejection, ConnectInfo, Path, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Form, Json, Router,
};
use besace_core::{badges::StoredReport, listings, AppState};
use serde::Deserialize;
use serde_json::{json, Value};
use std::net::SocketAddr;

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/displayer/convert/email", post(convert_email))
        .route("/displayer/{user}/{file}", get(groups))
        .route("/displayer/{user}/group/{file}", get(group))
}

fn answer(status: StatusCode, body: Value) -> Response {
    // Public, but it changes as soon as the learner changes a collection or the setting.
    (status, [(header::CACHE_CONTROL, "no-cache")], Json(body)).into_response()
}

/// The one answer for every address or id that finds nobody.
fn missing() -> Response {
    answer(
        StatusCode::NOT_FOUND,
        json!({ "status": "missing", "error": "no published badges for this address or id" }),
    )
}

fn too_many() -> Response {
    answer(
        StatusCode::TOO_MANY_REQUESTS,
        json!({ "status": "error", "error": "too many requests; try again in a minute" }),
    )
}

#[derive(Debug, Deserialize)]
struct ConvertEmail {
    email: Option<String>,
}

/// `POST /displayer/convert/email` with a form `email=…` → `{"status": "okay", "email",
/// "userId"}`.
async fn convert_email(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    form: Result<Form<ConvertEmail>, FormRejection>,
) -> Response {
    let ip = client_address(peer.ip(), &headers, &state.trusted_proxies);
    if !state.rate_limits.allow_ip(ip).await {
        return too_many();
    }
    let Some(email) = form
        .ok()
        .and_then(|Form(form)| form.email)
        .filter(|e| !e.trim().is_empty())
    else {
        return answer(
            StatusCode::BAD_REQUEST,
            json!({ "status": "invalid", "error": "missing `email` parameter" }),
        );
    };
    match listings::displayer_id_of(&state.db, &email).await {
        Ok(Some(user_id)) => answer(
            StatusCode::OK,
            json!({ "status": "okay", "email": email.trim().to_lowercase(), "userId": user_id }),
        ),
        Ok(None) => missing(),
        Err(err) => internal(err),
    }
}

fn internal(err: sea_orm::DbErr) -> Response {
    tracing::error!(error = ?err, "Displayer request failed");
    answer(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({ "status": "error", "error": "try again later" }),
    )
}

/// An id from the path: digits only, with the `.json` its file name ends in when asked.
fn id_of(text: &str, suffix: &str) -> Option<i64> {
    let digits = if suffix.is_empty() {
        text
    } else {
        text.strip_suffix(suffix)?
    };
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// A read that found nothing spends the client's budget, so ids cannot be swept.
async fn miss(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> Response {
    let ip = client_address(peer.ip(), headers, &state.trusted_proxies);
    if state.rate_limits.allow_ip(ip).await {
        missing()
    } else {
        too_many()
    }
}

/// `GET /displayer/{userId}/groups.json`: the learner's published collections.
async fn groups(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path((user, file)): Path<(String, String)>,
) -> Response {
    let (Some(user_id), "groups.json") = (id_of(&user, ""), file.as_str()) else {
        return miss(&state, peer, &headers).await;
    };
    match listings::displayer_groups(&state.db, user_id).await {
        Ok(Some(groups)) => answer(
            StatusCode::OK,
            json!({
                "userId": user_id,
                "groups": groups.iter().map(|group| json!({
                    "groupId": group.collection.id,
                    "name": inert(&group.collection.name),
                    "description": inert(&group.collection.description),
                    "badges": group.badge_count,
                })).collect::<Vec<_>>(),
            }),
        ),
        Ok(None) => miss(&state, peer, &headers).await,
        Err(err) => internal(err),
    }
}

/// `GET /displayer/{userId}/group/{groupId}.json`: a published collection's badges, each
/// with its assertion in the Open Badges 1.0 shape these clients read (`badge.name`,
/// `badge.issuer.origin`, `issued_on`, …).
async fn group(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path((user, file)): Path<(String, String)>,
) -> Response {
    let (Some(user_id), Some(group_id)) = (id_of(&user, ""), id_of(&file, ".json")) else {
        return miss(&state, peer, &headers).await;
    };
    let (collection, records) = match listings::displayer_group(&state.db, user_id, group_id).await {
        Ok(Some(found)) => found,
        Ok(None) => return miss(&state, peer, &headers).await,
        Err(err) => return internal(err),
    };
    let base = &state.public_url;
    let token = collection.share_token.as_deref();
    let badges: Vec<Value> = records
        .iter()
        .map(|record| {
            let report = StoredReport::read(&record.report);
            let info = &report.badge;
            let page = format!("{base}/g/{}/badges/{}", token.unwrap_or_default(), record.id);
            let image = image_url(base, record, info, token);
            let origin = web_url(info.issuer.url.as_deref())
                .and_then(|url| url::Url::parse(&url).ok())
                .map(|url| url.origin().ascii_serialization())
                .unwrap_or_default();
            let mut assertion = json!({
                "issued_on": record.issued_on.map(|d| d.format("%Y-%m-%d").to_string()),
                "badge": {
                    "version": "1.0.0",
                    "name": inert(&record.name),
                    "description": inert(info.description.as_deref().unwrap_or_default()),
                    "image": image,
                    "criteria": web_url(info.criteria.as_deref()).unwrap_or_else(|| page.clone()),
                    "issuer": {
                        "origin": origin,
                        "name": inert(&record.issuer_name),
                        "org": Value::Null,
                        "contact": info.issuer.email,
                    },
                },
            });
            // Mahara reads an `expires` that is there as a date; none means it never does.
            if let Some(expires) = record.expires_at {
                assertion["expires"] = json!(expires.format("%Y-%m-%d").to_string());
            }
            if let Some(evidence) = info.evidence.iter().find_map(|url| web_url(Some(url))) {
                assertion["evidence"] = json!(evidence);
            }
            json!({
                "lastValidated": record.verified_at.to_rfc3339(),
                "hostedUrl": page,
                "assertion": assertion,
                "imageUrl": image,
            })
        })
        .collect();
    answer(
        StatusCode::OK,
        json!({ "userId": user_id, "groupId": collection.id, "badges": badges }),
    )
}
