//! Badgr's backpack API, as Moodle's default site backpack ("OBv2.0") speaks it: the
//! administrator types `{base}/v2` as the backpack's API URL, the learner types their
//! address and a platform password (tokens at the origin's `/o/token`, see
//! `oauth_token.rs`), and Moodle lists the collections, reads their badges, and adds a
//! badge with `POST …/backpack/import`. Answers use Badgr's envelope,
//! `{"status": {"success", "description"}, "result": [...]}`: Moodle reads `result[0]`.
use crate::extract::{Granted, Refused, Scope};
use crate::oauth::{add_bearer_challenge, BearerRefusal};
use crate::startup::ServerState;
use crate::third_party::{image_url, inert, web_url};
use axum::{
    extract::{rejection::JsonRejection, DefaultBodyLimit, Path, RawQuery, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    routing::{any, get, post},
    Json, Router,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use besace_badges::{BadgeInfo, Lang};
use besace_core::{
    badges::{BadgeRecord, BadgeStatus, StoredReport, MAX_IMPORT_BYTES},
    inbox::{self, Filed, PushOutcome},
    listings::{self, Listed},
    oauth::{passwords, Access},
    AppState,
};
use serde::Deserialize;
use serde_json::{json, Value};

mod answers;
pub use answers::BadgrError;
use answers::*;

pub const API_BASE_PATH: &str = "/v2";

pub fn routes() -> Router<ServerState> {
    let api = Router::new()
        .route("/users/self", get(user_self).fallback(wrong_method))
        .route("/backpack/collections", get(collections).fallback(wrong_method))
        .route(
            "/backpack/collections/{id}",
            get(collection).fallback(wrong_method),
        )
        .route("/backpack/assertions/{id}", get(assertion).fallback(wrong_method))
        .route(
            "/backpack/import",
            post(import)
                .fallback(wrong_method)
                // A baked picture in base64, or a whole assertion.
                .layer(DefaultBodyLimit::max(2 * MAX_IMPORT_BYTES)),
        )
        .fallback(unknown_path);
    Router::new()
        .route(API_BASE_PATH, any(unknown_path))
        .route(&format!("{API_BASE_PATH}/"), any(unknown_path))
        .nest(API_BASE_PATH, api)
}

async fn unknown_path() -> BadgrError {
    BadgrError::new(StatusCode::NOT_FOUND, "no such endpoint in this API")
}

async fn wrong_method() -> BadgrError {
    BadgrError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "this endpoint does not take that method",
    )
}

pub struct Backpack;
impl Scope for Backpack {
    const URI: &'static str = passwords::SEND_BADGES;
    type Refusal = BadgrError;
}

pub struct Profile;
impl Scope for Profile {
    const URI: &'static str = passwords::READ_PROFILE;
    type Refusal = BadgrError;
}

fn listing(access: &Access) -> Result<passwords::Listing, BadgrError> {
    passwords::Listing::of(access)
        .ok_or_else(|| BadgrError::new(StatusCode::FORBIDDEN, "this token may list no collection"))
}

fn not_found() -> BadgrError {
    BadgrError::new(StatusCode::NOT_FOUND, "not found")
}

/// Entity ids are the row's number: any other text finds nothing.
fn entity_id(text: &str) -> Option<i64> {
    text.parse().ok().filter(|id| *id > 0)
}

/// `GET /v2/backpack/collections`: what the learner let this site list, oldest first.
/// Moodle offers only the published ones to show on its pages.
async fn collections(
    State(state): State<AppState>,
    Granted { access, .. }: Granted<Backpack>,
) -> Result<Response, BadgrError> {
    let listed = listings::collections(&state.db, access.user_id, listing(&access)?).await?;
    let base = &state.public_url;
    Ok(success(
        StatusCode::OK,
        listed.iter().map(|l| collection_json(base, l)).collect(),
    ))
}

async fn collection(
    State(state): State<AppState>,
    Granted { access, .. }: Granted<Backpack>,
    Path(id): Path<String>,
) -> Result<Response, BadgrError> {
    let id = entity_id(&id).ok_or_else(not_found)?;
    let listed = listings::collection(&state.db, access.user_id, listing(&access)?, id)
        .await?
        .ok_or_else(not_found)?;
    Ok(success(
        StatusCode::OK,
        vec![collection_json(&state.public_url, &listed)],
    ))
}

/// `GET /v2/backpack/assertions/{id}`: one badge the learner let this site see.
async fn assertion(
    State(state): State<AppState>,
    Granted { access, .. }: Granted<Backpack>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, BadgrError> {
    let id = entity_id(&id).ok_or_else(not_found)?;
    let (record, shown_in) = listings::badge(&state.db, access.user_id, listing(&access)?, id)
        .await?
        .ok_or_else(not_found)?;
    let report = StoredReport::read(&record.report);
    let parts = badge_parts(&state.public_url, &record, &report, shown_in.as_deref());
    Ok(success(
        StatusCode::OK,
        vec![assertion_json(parts, &Expand::parse(query.as_deref()))],
    ))
}

/// What `POST /v2/backpack/import` takes: exactly one of a URL, a baked picture in base64
/// or an assertion.
#[derive(Debug, Deserialize)]
struct ImportRequest {
    url: Option<String>,
    image: Option<String>,
    assertion: Option<Value>,
}

/// `POST /v2/backpack/import` (Moodle's "Add to backpack"): the badge is verified for the
/// learner exactly as any push is, then waits in their inbox; the answer is the waiting
/// badge (`pending`), 201. A badge already there is Badgr's `DUPLICATE_BADGE`.
async fn import(
    State(state): State<AppState>,
    Granted { access, .. }: Granted<Backpack>,
    body: Result<Json<ImportRequest>, JsonRejection>,
) -> Result<Response, BadgrError> {
    let invalid = |why: String| BadgrError::new(StatusCode::BAD_REQUEST, why);
    let Json(request) = body.map_err(|_| {
        invalid("the body must be JSON: {\"url\": …}, {\"image\": …} or {\"assertion\": {…}}".into())
    })?;
    let (store, fetcher) = (&state.store, state.fetcher.as_ref());
    let (user, client) = (access.user_id, access.client_id);
    let outcome = match (request.url, request.image, request.assertion) {
        (Some(url), None, None) => inbox::push_url(store, fetcher, user, client, &url).await?,
        (None, Some(image), None) => {
            let bytes = STANDARD
                .decode(image.trim().trim_start_matches("data:image/png;base64,"))
                .map_err(|_| invalid("image must be a baked picture in base64".into()))?;
            inbox::push(store, fetcher, user, client, &bytes).await?
        }
        (None, None, Some(assertion)) => {
            let bytes = match assertion {
                Value::String(text) => text.into_bytes(),
                other => serde_json::to_vec(&other).unwrap_or_default(),
            };
            inbox::push(store, fetcher, user, client, &bytes).await?
        }
        _ => return Err(invalid("give exactly one of url, image or assertion".into())),
    };
    let base = &state.public_url;
    let answer =
        |entity_id: String, info: &BadgeInfo, issuer: &str, pending: bool, recipient: Option<String>| {
            let parts = AssertionParts {
                recipient,
                entity_id,
                info,
                issuer_name: issuer,
                page: format!("{base}/inbox"),
                image: web_url(info.image.as_deref()).unwrap_or_default(),
                issued_on: info
                    .issued_on
                    .clone()
                    .unwrap_or_else(|| chrono::Utc::now().to_rfc3339()),
                revoked: false,
                pending,
            };
            assertion_json(
                parts,
                &Expand {
                    badgeclass: true,
                    issuer: true,
                },
            )
        };
    match outcome {
        PushOutcome::Received(item) => {
            tracing::info!(user_id = user, client, "badge imported into the inbox");
            let report = StoredReport::read(&item.report);
            Ok(success(
                StatusCode::CREATED,
                vec![answer(
                    format!("inbox-{}", item.id),
                    &report.badge,
                    &item.issuer_name,
                    true,
                    report.recipient.identity.clone(),
                )],
            ))
        }
        PushOutcome::Replaced(filed, info) => {
            let (id, pending) = match filed {
                Filed::Backpack(id) => (id.to_string(), false),
                Filed::Inbox(id) => (format!("inbox-{id}"), true),
            };
            let issuer = info.issuer.name.clone().unwrap_or_default();
            Ok(success(
                StatusCode::CREATED,
                vec![answer(id, &info, &issuer, pending, None)],
            ))
        }
        // Kept until the learner confirms the address it was issued to; then in the inbox.
        PushOutcome::Waiting { id, report, .. } => {
            tracing::info!(user_id = user, client, "badge waits for an address");
            let issuer = report.badge.issuer.name.clone().unwrap_or_default();
            Ok(success(
                StatusCode::CREATED,
                vec![answer(
                    format!("waiting-{id}"),
                    &report.badge,
                    &issuer,
                    true,
                    report.recipient.identity.clone(),
                )],
            ))
        }
        PushOutcome::AlreadyThere => Err(BadgrError::new(
            StatusCode::BAD_REQUEST,
            "DUPLICATE_BADGE: this badge is already in the backpack",
        )),
        PushOutcome::Refused(report) => Err(BadgrError {
            status: StatusCode::BAD_REQUEST,
            description: "this is not a genuine badge for this learner".into(),
            errors: report.errors(Lang::En),
        }),
        PushOutcome::TooLarge => Err(invalid(format!(
            "a badge may be at most {MAX_IMPORT_BYTES} bytes"
        ))),
    }
}

/// `GET /v2/users/self`: the learner's name and verified addresses.
async fn user_self(
    State(state): State<AppState>,
    Granted { access, .. }: Granted<Profile>,
) -> Result<Response, BadgrError> {
    let (user, verified) = listings::profile(&state.db, access.user_id)
        .await?
        .ok_or_else(not_found)?;
    let entity = besace_core::sha256_hex(format!("badgr-user:{}:{}", user.id, access.client_id).as_bytes());
    Ok(success(
        StatusCode::OK,
        vec![json!({
            "entityType": "BadgeUser",
            "entityId": &entity[..22],
            "firstName": inert(&user.display_name),
            "lastName": "",
            "emails": verified.iter().map(|email| json!({
                "email": email,
                "verified": true,
                "primary": *email == user.email,
            })).collect::<Vec<_>>(),
            "recipient": { "type": "email", "identity": user.email },
        })],
    ))
}
