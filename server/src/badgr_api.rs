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
    emails,
    inbox::{self, Filed, PushOutcome},
    listings::{self, Listed},
    oauth::{passwords, Access},
    users, AppState,
};
use serde::Deserialize;
use serde_json::{json, Value};

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

/// Badgr's envelope around a successful answer.
fn success(status: StatusCode, result: Vec<Value>) -> Response {
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({ "status": { "success": true, "description": "ok" }, "result": result })),
    )
        .into_response()
}

/// How this API says no: the envelope with `success: false`, and the reasons as strings
/// in `validationErrors` (Moodle joins them into its message).
#[derive(Debug)]
pub struct BadgrError {
    status: StatusCode,
    description: String,
    errors: Vec<String>,
}

impl BadgrError {
    fn new(status: StatusCode, description: impl Into<String>) -> Self {
        let description = description.into();
        Self {
            status,
            errors: vec![description.clone()],
            description,
        }
    }
}

impl From<sea_orm::DbErr> for BadgrError {
    fn from(err: sea_orm::DbErr) -> Self {
        tracing::error!(error = ?err, "Badgr API request failed");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "try again later")
    }
}

impl From<Refused> for BadgrError {
    fn from(refused: Refused) -> Self {
        match refused.why {
            BearerRefusal::Unauthenticated => Self::new(
                StatusCode::UNAUTHORIZED,
                "a valid Bearer access token is required: sign in at /o/token with a platform password",
            ),
            BearerRefusal::MissingScope => Self::new(
                StatusCode::FORBIDDEN,
                format!(
                    "this token does not carry {}: only platform passwords use this API",
                    refused.scope
                ),
            ),
            BearerRefusal::Internal => Self::new(StatusCode::INTERNAL_SERVER_ERROR, "try again later"),
        }
    }
}

impl IntoResponse for BadgrError {
    fn into_response(self) -> Response {
        let body = json!({
            "status": { "success": false, "description": self.description },
            "fieldErrors": {},
            "validationErrors": self.errors,
            "result": [],
        });
        let mut response = (self.status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response();
        add_bearer_challenge(&mut response);
        response
    }
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

fn collection_json(base: &str, listed: &Listed) -> Value {
    let collection = &listed.collection;
    json!({
        "entityType": "BackpackCollection",
        "entityId": collection.id.to_string(),
        "name": inert(&collection.name),
        "description": inert(&collection.description),
        "share_url": collection.share_token.as_ref().map(|token| format!("{base}/g/{token}")),
        "published": collection.share_token.is_some(),
        "assertions": listed.badge_ids.iter().map(i64::to_string).collect::<Vec<_>>(),
    })
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

/// What `?expand=badgeclass&expand=issuer` asks to have in full.
struct Expand {
    badgeclass: bool,
    issuer: bool,
}

impl Expand {
    fn parse(query: Option<&str>) -> Self {
        let asked: Vec<String> = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .filter(|(key, _)| key == "expand")
            .map(|(_, value)| value.into_owned())
            .collect();
        Self {
            badgeclass: asked.iter().any(|v| v == "badgeclass"),
            issuer: asked.iter().any(|v| v == "issuer"),
        }
    }
}

/// A badge in Badgr's assertion shape; `page` is where Besace shows it, `image` its
/// picture, `pending` whether it waits in the inbox.
struct AssertionParts<'a> {
    entity_id: String,
    info: &'a BadgeInfo,
    issuer_name: &'a str,
    page: String,
    image: String,
    issued_on: String,
    revoked: bool,
    pending: bool,
    /// The learner's address the badge was issued to (Moodle compares it with theirs).
    recipient: Option<String>,
}

fn assertion_json(parts: AssertionParts<'_>, expand: &Expand) -> Value {
    let info = parts.info;
    let issuer_id = info
        .issuer
        .id
        .clone()
        .or_else(|| web_url(info.issuer.url.as_deref()))
        .unwrap_or_default();
    let issuer = if expand.issuer {
        json!({
            "@context": "https://w3id.org/openbadges/v2",
            "type": "Issuer",
            "id": issuer_id,
            "name": inert(parts.issuer_name),
            "url": web_url(info.issuer.url.as_deref()).unwrap_or_default(),
            "email": info.issuer.email.clone().unwrap_or_default(),
        })
    } else {
        json!(issuer_id)
    };
    let badgeclass = if expand.badgeclass {
        json!({
            "@context": "https://w3id.org/openbadges/v2",
            "type": "BadgeClass",
            "id": parts.page,
            "name": inert(info.name.as_deref().unwrap_or_default()),
            "description": inert(info.description.as_deref().unwrap_or_default()),
            "image": parts.image,
            "criteria": {
                "id": web_url(info.criteria.as_deref()),
                "narrative": info.criteria_narrative.as_deref().map(inert),
            },
            "issuer": issuer,
            "tags": info.tags.iter().map(|tag| inert(tag)).collect::<Vec<_>>(),
        })
    } else {
        json!(parts.page)
    };
    json!({
        "entityType": "Assertion",
        "entityId": parts.entity_id,
        "openBadgeId": info.id.as_deref().and_then(|id| web_url(Some(id))).unwrap_or_else(|| parts.page.clone()),
        "badgeclass": badgeclass,
        "badgeclassOpenBadgeId": parts.page,
        "issuer": issuer_id,
        "issuerOpenBadgeId": issuer_id,
        "image": parts.image,
        "recipient": parts.recipient.map(|identity| json!({
            "type": "email",
            "identity": identity,
            "hashed": false,
            "plaintextIdentity": identity,
        })),
        "issuedOn": parts.issued_on,
        "narrative": Value::Null,
        "evidence": info.evidence.iter().filter_map(|url| web_url(Some(url))).map(|url| json!({ "url": url })).collect::<Vec<_>>(),
        "revoked": parts.revoked,
        "revocationReason": Value::Null,
        "expires": info.expires,
        "acceptance": if parts.pending { "Unaccepted" } else { "Accepted" },
        "pending": parts.pending,
    })
}

fn badge_parts<'a>(
    base: &str,
    record: &'a BadgeRecord,
    report: &'a StoredReport,
    shown_in: Option<&str>,
) -> AssertionParts<'a> {
    let info = &report.badge;
    AssertionParts {
        recipient: report.recipient.identity.clone(),
        entity_id: record.id.to_string(),
        info,
        issuer_name: &record.issuer_name,
        page: match shown_in {
            Some(token) => format!("{base}/g/{token}/badges/{}", record.id),
            None => format!("{base}/badges/{}", record.id),
        },
        image: image_url(base, record, info, shown_in),
        issued_on: record.issued_on.unwrap_or(record.created_at).to_rfc3339(),
        revoked: record.status == BadgeStatus::Revoked,
        pending: false,
    }
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
    let user = users::find(&state.db, access.user_id)
        .await?
        .ok_or_else(not_found)?;
    let verified = emails::verified(&state.db, user.id).await?;
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
