//! Badges in a learner's backpack and how they get there: every import is verified against
//! the learner's verified addresses, kept with its original bytes, and stored in one insert.
use super::{
    blobs, changes::Store, documents, documents::Freshness, emails, is_unique_violation, sha256_hex, Verifier,
};
use base64::Engine;
use besace_badges::{
    verify_bytes, CheckId, Container, FetchError, FetchKind, Fetcher, Lang, Report, VerifyOptions,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    entity::prelude::*,
    sea_query::{Expr, LikeExpr},
    ActiveValue::Set,
    Condition, ConnectionTrait, DatabaseConnection, DerivePartialModel, FromQueryResult, QueryOrder,
    QuerySelect, TransactionError, TransactionTrait,
};

mod import;
mod kinds;
mod queries;
pub mod search_keys;
mod stored_report;
mod versions;
pub use import::*;
pub use kinds::*;
pub use queries::*;
pub use stored_report::*;
pub use versions::*;

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
        pub spec: BadgeSpec,
        pub method: Option<BadgeMethod>,
        pub name: String,
        pub issuer_name: String,
        pub issued_on: Option<DateTime<Utc>>,
        pub expires_at: Option<DateTime<Utc>>,
        pub status: BadgeStatus,
        pub report: String,
        pub verified_at: DateTime<Utc>,
        pub created_at: DateTime<Utc>,
        /// The image a JSON or JWT badge names (a baked original is its own image).
        pub image_sha256: Option<String>,
        /// The issuer platform that pushed it (accepted from the inbox), if any.
        pub pushed_by_client_id: Option<i64>,
        /// The issuer's id, as the verification found it (`badge.issuer.id` of the report).
        pub issuer_id: Option<String>,
        /// Until when a process holds the badge for its background re-verification.
        pub recheck_claimed_until: Option<DateTime<Utc>>,
        /// `name` and `issuer_name` folded for search and sort (`search_keys::fold`).
        pub name_key: Option<String>,
        pub issuer_key: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(has_many = "super::check_entity::Entity")]
        Checks,
    }

    impl Related<super::check_entity::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Checks.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

/// Every verification a badge went through, oldest first: its history.
pub mod check_entity {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "badge_checks")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub badge_id: i64,
        pub checked_at: DateTime<Utc>,
        pub status: BadgeStatus,
        pub report: String,
        /// Set when this line records a new version replacing the badge: the platform
        /// that sent it (see `replace`).
        pub replaced_by_client_id: Option<i64>,
        /// The badge's name before that replacement.
        pub previous_name: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::entity::Entity",
            from = "Column::BadgeId",
            to = "super::entity::Column::Id"
        )]
        Badge,
    }

    impl Related<super::entity::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Badge.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub use check_entity::Model as BadgeCheck;

pub use entity::Model as Badge;

/// Stored status of a badge whose every check passed except, possibly, expiry or revocation:
/// learners keep their history, clearly marked.
fn keepable_status(report: &Report) -> Option<BadgeStatus> {
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
        Some(BadgeStatus::Revoked)
    } else if failed.contains(&CheckId::Expiry) {
        Some(BadgeStatus::Expired)
    } else {
        Some(BadgeStatus::Verified)
    }
}

fn parse_date(raw: Option<&str>) -> Option<DateTime<Utc>> {
    raw.and_then(|d| DateTime::parse_from_rfc3339(d).ok())
        .map(|d| d.with_timezone(&Utc))
}

/// Verifies `bytes` as the badge of `user_id`, against their verified addresses only.
async fn verify_for(
    db: &DatabaseConnection,
    fetcher: &Verifier,
    freshness: Freshness,
    user_id: i64,
    bytes: &[u8],
) -> Result<Report, DbErr> {
    let options = VerifyOptions {
        recipients: emails::verified(db, user_id).await?,
        now: None,
        limits: Default::default(),
        distrusted_issuers: fetcher.distrusted_issuers().to_vec(),
    };
    // Issuers' documents come from the shared copies where they may (see `documents`).
    let shared = documents::Shared::new(db, fetcher, freshness);
    let mut report = verify_bytes(bytes, &shared, &options).await;
    // With no verified address the library skips the recipient check; for a backpack that
    // means "not shown to be yours", so it fails.
    if options.recipients.is_empty() && report.spec.is_some() && report.get(CheckId::Recipient).is_none() {
        report.fail(CheckId::Recipient, "the learner has no verified address");
    }
    Ok(report)
}

/// Everything a verification decides about a stored badge.
fn set_verification(row: &mut entity::ActiveModel, verified: &Verified) {
    let report = &verified.report;
    row.credential_id = Set(report.badge.id.clone());
    row.original_sha256 = Set(verified.sha256.clone());
    row.original_media_type = Set(verified.media_type.to_owned());
    row.spec = Set(verified.spec);
    row.method = Set(report.method.map(BadgeMethod::from));
    let name = report.badge.name.clone().unwrap_or_default();
    let issuer_name = report.badge.issuer.name.clone().unwrap_or_default();
    search_keys::set_keys(row, &name, &issuer_name);
    row.name = Set(name);
    row.issuer_name = Set(issuer_name);
    row.issuer_id = Set(report.badge.issuer.id.clone());
    row.issued_on = Set(parse_date(report.badge.issued_on.as_deref()));
    row.expires_at = Set(parse_date(report.badge.expires.as_deref()));
    row.status = Set(verified.status);
    row.report = Set(StoredReport::write(report));
}

/// Whether a stored report (a badge's or a waiting item's) and a new version name the
/// same issuer (its id, as the verification reports it).
pub fn same_issuer(stored_report: &str, verified: &Verified) -> bool {
    let stored = StoredReport::read(stored_report);
    stored.issuer_id().is_some() && stored.issuer_id() == verified.report.badge.issuer.id.as_deref()
}

/// Deletes a stored picture no badge shows any more.
pub(crate) async fn forget_image_if_unused(db: &impl ConnectionTrait, sha256: &str) -> Result<(), DbErr> {
    let still_used = entity::Entity::find()
        .filter(entity::Column::ImageSha256.eq(sha256))
        .count(db)
        .await?;
    if still_used == 0 {
        blobs::delete(db, sha256).await?;
    }
    Ok(())
}

async fn record_check(
    db: &impl ConnectionTrait,
    badge_id: i64,
    checked_at: DateTime<Utc>,
    status: BadgeStatus,
    report: String,
) -> Result<(), DbErr> {
    check_entity::ActiveModel {
        badge_id: Set(badge_id),
        checked_at: Set(checked_at),
        status: Set(status),
        report: Set(report),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// The image a badge names: a `data:` URI, or an http(s) URL fetched once through the
/// fetcher. Anything that is not an image, or cannot be read, leaves the badge without one.
async fn fetch_image(fetcher: &dyn Fetcher, image: Option<&str>) -> Option<(Vec<u8>, &'static str)> {
    let image = image?.trim();
    let bytes = if let Some(data) = image.strip_prefix("data:") {
        let (_, encoded) = data.split_once(";base64,")?;
        base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()?
    } else if image.starts_with("https://") || image.starts_with("http://") {
        match fetcher.fetch(image, FetchKind::Badge).await {
            Ok(response) if (200..300).contains(&response.status) => response.body,
            _ => return None,
        }
    } else {
        return None;
    };
    let media_type = blobs::image_media_type(&bytes)?;
    (bytes.len() <= MAX_IMPORT_BYTES).then_some((bytes, media_type))
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
