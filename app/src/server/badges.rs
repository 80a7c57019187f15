//! Badges in a learner's backpack and how they get there: every import is verified against
//! the learner's verified addresses, kept with its original bytes, and stored in one insert.
use super::{emails, is_unique_violation, sha256_hex};
use besace_badges::{verify_bytes, CheckId, Container, Fetcher, Lang, Report, VerifyOptions};
use chrono::{DateTime, Utc};
use sea_orm::{
    entity::prelude::*, ActiveValue::Set, Condition, DatabaseConnection, DerivePartialModel, FromQueryResult,
    QueryOrder,
};

/// Largest file a learner may import.
pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;

pub mod entity {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "badges")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        pub credential_id: Option<String>,
        pub original_sha256: String,
        pub original_media_type: String,
        pub original: Vec<u8>,
        pub spec: String,
        pub method: Option<String>,
        pub name: String,
        pub issuer_name: String,
        pub issued_on: Option<DateTime<Utc>>,
        pub expires_at: Option<DateTime<Utc>>,
        pub status: String,
        pub report: String,
        pub verified_at: DateTime<Utc>,
        pub created_at: DateTime<Utc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use entity::Model as Badge;

/// What happened to one imported file.
#[derive(Debug)]
pub enum ImportOutcome {
    Added(Box<Badge>),
    /// Same bytes or same assertion/credential id as a badge already in the backpack.
    AlreadyThere(i64),
    /// Not a genuine badge for this learner; the report says why.
    Refused(Box<Report>),
    TooLarge,
}

/// Stored status of a badge whose every check passed except, possibly, expiry or revocation:
/// learners keep their history, clearly marked.
fn keepable_status(report: &Report) -> Option<&'static str> {
    if report.spec.is_none() || report.checks.is_empty() {
        return None;
    }
    let failed: Vec<CheckId> = report.checks.iter().filter(|c| !c.ok).map(|c| c.id).collect();
    if failed
        .iter()
        .any(|id| !matches!(id, CheckId::Revocation | CheckId::Expiry))
    {
        None
    } else if failed.contains(&CheckId::Revocation) {
        Some("revoked")
    } else if failed.contains(&CheckId::Expiry) {
        Some("expired")
    } else {
        Some("verified")
    }
}

fn parse_date(raw: Option<&str>) -> Option<DateTime<Utc>> {
    raw.and_then(|d| DateTime::parse_from_rfc3339(d).ok())
        .map(|d| d.with_timezone(&Utc))
}

/// Verifies `bytes` for `user_id` and, if it is their genuine badge, stores it.
pub async fn import_bytes(
    db: &DatabaseConnection,
    fetcher: &dyn Fetcher,
    user_id: i64,
    bytes: &[u8],
) -> Result<ImportOutcome, DbErr> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Ok(ImportOutcome::TooLarge);
    }
    let sha256 = sha256_hex(bytes);
    if let Some(id) = find_duplicate(db, user_id, &sha256, None).await? {
        return Ok(ImportOutcome::AlreadyThere(id));
    }
    let options = VerifyOptions {
        recipients: emails::verified(db, user_id).await?,
        now: None,
        limits: Default::default(),
    };
    let mut report = verify_bytes(bytes, fetcher, &options).await;
    // With no verified address the library skips the recipient check; for an import that
    // means "not shown to be yours", so it fails.
    if options.recipients.is_empty() && report.get(CheckId::Recipient).is_none() {
        report.fail(CheckId::Recipient, "the learner has no verified address");
    }
    let Some(status) = keepable_status(&report) else {
        return Ok(ImportOutcome::Refused(Box::new(report)));
    };
    let credential_id = report.badge.id.clone();
    if let Some(id) = find_duplicate(db, user_id, &sha256, credential_id.as_deref()).await? {
        return Ok(ImportOutcome::AlreadyThere(id));
    }
    let now = Utc::now();
    let row = entity::ActiveModel {
        user_id: Set(user_id),
        credential_id: Set(credential_id.clone()),
        original_sha256: Set(sha256.clone()),
        original_media_type: Set(media_type(bytes).to_owned()),
        original: Set(bytes.to_vec()),
        spec: Set(json_name(&report.spec)),
        method: Set(report.method.as_ref().map(|m| json_name(&Some(m)))),
        name: Set(report.badge.name.clone().unwrap_or_default()),
        issuer_name: Set(report.badge.issuer.name.clone().unwrap_or_default()),
        issued_on: Set(parse_date(report.badge.issued_on.as_deref())),
        expires_at: Set(parse_date(report.badge.expires.as_deref())),
        status: Set(status.to_owned()),
        report: Set(report.to_json(Lang::En).to_string()),
        verified_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    };
    match row.insert(db).await {
        Ok(badge) => Ok(ImportOutcome::Added(Box::new(badge))),
        // A concurrent import of the same badge won the race: same answer as above.
        Err(err) if is_unique_violation(&err) => {
            match find_duplicate(db, user_id, &sha256, credential_id.as_deref()).await? {
                Some(id) => Ok(ImportOutcome::AlreadyThere(id)),
                None => Err(err),
            }
        }
        Err(err) => Err(err),
    }
}

/// What the bytes are, from their content (a browser's claimed type is not trusted).
fn media_type(bytes: &[u8]) -> &'static str {
    match besace_badges::extract(bytes, &Default::default()).map(|found| found.container) {
        Ok(Container::Png) => "image/png",
        Ok(Container::Svg) => "image/svg+xml",
        Ok(Container::Json) => "application/json",
        _ => "text/plain",
    }
}

/// The report's name for a spec or method (`"ob3"`, `"eddsa-rdfc-2022"`…).
fn json_name(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

async fn find_duplicate(
    db: &DatabaseConnection,
    user_id: i64,
    sha256: &str,
    credential_id: Option<&str>,
) -> Result<Option<i64>, DbErr> {
    let mut same = Condition::any().add(entity::Column::OriginalSha256.eq(sha256));
    if let Some(id) = credential_id {
        same = same.add(entity::Column::CredentialId.eq(id));
    }
    Ok(entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .filter(same)
        .one(db)
        .await?
        .map(|badge| badge.id))
}

/// One badge, only if it belongs to `user_id`.
pub async fn find_owned(db: &DatabaseConnection, user_id: i64, id: i64) -> Result<Option<Badge>, DbErr> {
    entity::Entity::find_by_id(id)
        .filter(entity::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// A badge without its original file: what lists show.
#[derive(Clone, Debug, PartialEq, Eq, DerivePartialModel, FromQueryResult)]
#[sea_orm(entity = "entity::Entity")]
pub struct BadgeSummary {
    pub id: i64,
    pub name: String,
    pub issuer_name: String,
    pub issued_on: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub status: String,
    pub spec: String,
    pub original_sha256: String,
    pub verified_at: DateTime<Utc>,
}

impl From<&Badge> for BadgeSummary {
    fn from(badge: &Badge) -> Self {
        Self {
            id: badge.id,
            name: badge.name.clone(),
            issuer_name: badge.issuer_name.clone(),
            issued_on: badge.issued_on,
            expires_at: badge.expires_at,
            status: badge.status.clone(),
            spec: badge.spec.clone(),
            original_sha256: badge.original_sha256.clone(),
            verified_at: badge.verified_at,
        }
    }
}

/// The learner's badges, newest first, without loading the original files.
pub async fn list(db: &DatabaseConnection, user_id: i64) -> Result<Vec<BadgeSummary>, DbErr> {
    entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .order_by_desc(entity::Column::CreatedAt)
        .order_by_desc(entity::Column::Id)
        .into_partial_model::<BadgeSummary>()
        .all(db)
        .await
}
