//! The shapes of Badgr's API: its envelope and error answer, a collection, an assertion
//! with its badge class and issuer expanded or not, as Moodle's exporters read them.
use super::*;

/// Badgr's envelope around a successful answer.
pub(super) fn success(status: StatusCode, result: Vec<Value>) -> Response {
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
    pub status: StatusCode,
    pub description: String,
    pub errors: Vec<String>,
}

impl BadgrError {
    pub(super) fn new(status: StatusCode, description: impl Into<String>) -> Self {
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

pub(super) fn collection_json(base: &str, listed: &Listed) -> Value {
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

/// What `?expand=badgeclass&expand=issuer` asks to have in full.
pub(super) struct Expand {
    pub badgeclass: bool,
    pub issuer: bool,
}

impl Expand {
    pub(super) fn parse(query: Option<&str>) -> Self {
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
pub(super) struct AssertionParts<'a> {
    pub entity_id: String,
    pub info: &'a BadgeInfo,
    pub issuer_name: &'a str,
    pub page: String,
    pub image: String,
    pub issued_on: String,
    pub revoked: bool,
    pub pending: bool,
    /// The learner's address the badge was issued to (Moodle compares it with theirs).
    pub recipient: Option<String>,
}

pub(super) fn assertion_json(parts: AssertionParts<'_>, expand: &Expand) -> Value {
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

pub(super) fn badge_parts<'a>(
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
