//! Badges in a learner's backpack and how they get there: every import is verified against
//! the learner's verified addresses, kept with its original bytes, and stored in one insert.
use super::{blobs, changes::Store, emails, is_unique_violation, sha256_hex, Verifier};
use base64::Engine;
use besace_badges::{
    verify_bytes, CheckId, Container, FetchError, FetchKind, Fetcher, Lang, Report, VerifyOptions,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    entity::prelude::*,
    sea_query::{Expr, Func, LikeExpr},
    ActiveValue::Set,
    Condition, ConnectionTrait, DatabaseConnection, DerivePartialModel, FromQueryResult, QueryOrder,
    QuerySelect, TransactionError, TransactionTrait,
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
        /// The image a JSON or JWT badge names (a baked original is its own image).
        pub image_sha256: Option<String>,
        /// The issuer platform that pushed it (accepted from the inbox), if any.
        pub pushed_by_client_id: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

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
        pub status: String,
        pub report: String,
        /// Set when this line records a new version replacing the badge: the platform
        /// that sent it (see `replace`).
        pub replaced_by_client_id: Option<i64>,
        /// The badge's name before that replacement.
        pub previous_name: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use check_entity::Model as BadgeCheck;
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

/// Verifies `bytes` as the badge of `user_id`, against their verified addresses only.
async fn verify_for(
    db: &DatabaseConnection,
    fetcher: &Verifier,
    user_id: i64,
    bytes: &[u8],
) -> Result<Report, DbErr> {
    let options = VerifyOptions {
        recipients: emails::verified(db, user_id).await?,
        now: None,
        limits: Default::default(),
        distrusted_issuers: fetcher.distrusted_issuers().to_vec(),
    };
    let mut report = verify_bytes(bytes, fetcher, &options).await;
    // With no verified address the library skips the recipient check; for a backpack that
    // means "not shown to be yours", so it fails.
    if options.recipients.is_empty() && report.spec.is_some() && report.get(CheckId::Recipient).is_none() {
        report.fail(CheckId::Recipient, "the learner has no verified address");
    }
    Ok(report)
}

/// Fetches the badge at `url` (through the one fetcher) and imports what it answers, so the
/// stored original is the document the issuer serves.
pub async fn import_url(
    store: &Store,
    fetcher: &Verifier,
    user_id: i64,
    url: &str,
) -> Result<ImportOutcome, DbErr> {
    let url = url.trim();
    match fetcher.fetch(url, FetchKind::Badge).await {
        Ok(response) if (200..300).contains(&response.status) => {
            import_bytes(store, fetcher, user_id, &response.body).await
        }
        Ok(response) => Ok(refusal(
            CheckId::HostedFetch,
            format!("{url}: HTTP {}", response.status),
        )),
        Err(FetchError::TooLarge(_)) => Ok(ImportOutcome::TooLarge),
        Err(err) => Ok(refusal(CheckId::HostedFetch, format!("{url}: {err}"))),
    }
}

fn refusal(check: CheckId, detail: String) -> ImportOutcome {
    let mut report = Report::default();
    report.fail(check, detail);
    ImportOutcome::Refused(Box::new(report))
}

/// A badge that passed every check for its learner and is in none of their badges yet.
#[derive(Debug)]
pub struct Verified {
    pub sha256: String,
    pub media_type: &'static str,
    pub report: Report,
    pub status: &'static str,
}

impl Verified {
    /// The assertion's or credential's own id, if it has one.
    pub fn credential_id(&self) -> Option<&str> {
        self.report.badge.id.as_deref()
    }
}

/// Verifies `bytes` as a badge of `user_id`, exactly as an import does: too large, already
/// there (same bytes) and refused come back as the outcome to answer.
pub async fn verify_import(
    db: &DatabaseConnection,
    fetcher: &Verifier,
    user_id: i64,
    bytes: &[u8],
) -> Result<Result<Verified, ImportOutcome>, DbErr> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Ok(Err(ImportOutcome::TooLarge));
    }
    let sha256 = sha256_hex(bytes);
    if let Some(id) = find_duplicate(db, user_id, &sha256, None).await? {
        return Ok(Err(ImportOutcome::AlreadyThere(id)));
    }
    let report = verify_for(db, fetcher, user_id, bytes).await?;
    let Some(status) = keepable_status(&report) else {
        return Ok(Err(ImportOutcome::Refused(Box::new(report))));
    };
    Ok(Ok(Verified {
        sha256,
        media_type: media_type(bytes),
        report,
        status,
    }))
}

/// Verifies `bytes` for `user_id` and, if it is their genuine badge, stores it with its
/// image and first history entry, all in one transaction.
pub async fn import_bytes(
    store: &Store,
    fetcher: &Verifier,
    user_id: i64,
    bytes: &[u8],
) -> Result<ImportOutcome, DbErr> {
    import_bytes_from(store, fetcher, user_id, bytes, None).await
}

/// `import_bytes`, remembering the platform that pushed the badge (accepted from the inbox).
pub async fn import_bytes_from(
    store: &Store,
    fetcher: &Verifier,
    user_id: i64,
    bytes: &[u8],
    pushed_by: Option<i64>,
) -> Result<ImportOutcome, DbErr> {
    let db = &store.db;
    let verified = match verify_import(db, fetcher, user_id, bytes).await? {
        Ok(verified) => verified,
        Err(outcome) => return Ok(outcome),
    };
    let Verified {
        sha256,
        media_type,
        report,
        status,
    } = verified;
    let credential_id = report.badge.id.clone();
    if let Some(id) = find_duplicate(db, user_id, &sha256, credential_id.as_deref()).await? {
        return Ok(ImportOutcome::AlreadyThere(id));
    }
    // A baked image is its own picture; JSON and JWT badges name theirs.
    let image = if media_type.starts_with("image/") {
        None
    } else {
        fetch_image(fetcher, report.badge.image.as_deref()).await
    };
    let now = Utc::now();
    let report_json = report.to_json(Lang::En).to_string();
    let mut row = entity::ActiveModel {
        user_id: Set(user_id),
        original: Set(bytes.to_vec()),
        verified_at: Set(now),
        created_at: Set(now),
        image_sha256: Set(None),
        pushed_by_client_id: Set(pushed_by),
        ..Default::default()
    };
    set_verification(&mut row, &sha256, media_type, &report, status);
    let stored = db
        .transaction::<_, Badge, DbErr>(|txn| {
            Box::pin(async move {
                let mut row = row;
                if let Some((bytes, media_type)) = image {
                    row.image_sha256 = Set(Some(blobs::put(txn, &bytes, media_type).await?));
                }
                let badge = row.insert(txn).await?;
                record_check(txn, badge.id, now, status, report_json).await?;
                Ok(badge)
            })
        })
        .await;
    match stored {
        Ok(badge) => {
            // A public profile in backpack mode shows every badge.
            store.changes.public_pages(user_id);
            Ok(ImportOutcome::Added(Box::new(badge)))
        }
        // A concurrent import of the same badge won the race: same answer as above.
        Err(TransactionError::Transaction(err)) if is_unique_violation(&err) => {
            match find_duplicate(db, user_id, &sha256, credential_id.as_deref()).await? {
                Some(id) => Ok(ImportOutcome::AlreadyThere(id)),
                None => Err(err),
            }
        }
        Err(TransactionError::Transaction(err)) | Err(TransactionError::Connection(err)) => Err(err),
    }
}

/// Everything a verification decides about a stored badge.
fn set_verification(
    row: &mut entity::ActiveModel,
    sha256: &str,
    media_type: &str,
    report: &Report,
    status: &str,
) {
    row.credential_id = Set(report.badge.id.clone());
    row.original_sha256 = Set(sha256.to_owned());
    row.original_media_type = Set(media_type.to_owned());
    row.spec = Set(json_name(&report.spec));
    row.method = Set(report.method.as_ref().map(|m| json_name(&Some(m))));
    row.name = Set(report.badge.name.clone().unwrap_or_default());
    row.issuer_name = Set(report.badge.issuer.name.clone().unwrap_or_default());
    row.issued_on = Set(parse_date(report.badge.issued_on.as_deref()));
    row.expires_at = Set(parse_date(report.badge.expires.as_deref()));
    row.status = Set(status.to_owned());
    row.report = Set(report.to_json(Lang::En).to_string());
}

/// Who brought the new version that replaces a stored badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replacer {
    /// The platform that sent the stored one sent a new version.
    Platform(i64),
    /// The issuer's refresh service answered a renewed credential.
    IssuerRefresh,
}

/// What asking the issuer for a renewed version did.
#[derive(Debug)]
pub enum Renewal {
    Renewed(Box<Badge>),
    /// The issuer offers no refresh service for this badge.
    NotOffered,
    /// The service answered nothing newer that is genuine and current (the reason).
    NothingNewer(String),
}

/// Asks the issuer's refresh service (OB 3.0 `1EdTechCredentialRefresh`) for a renewed
/// version of an expired or revoked badge; a genuine, current credential of the same
/// issuer for this learner replaces it, and the history says so.
pub async fn renew(store: &Store, fetcher: &Verifier, badge: &Badge) -> Result<Renewal, DbErr> {
    let stored: serde_json::Value = serde_json::from_str(&badge.report).unwrap_or_default();
    let Some(url) = stored["badge"]["refresh"].as_str().map(str::to_owned) else {
        return Ok(Renewal::NotOffered);
    };
    let bytes = match fetcher.fetch(&url, FetchKind::Badge).await {
        Ok(response) if (200..300).contains(&response.status) => response.body,
        Ok(response) => return Ok(Renewal::NothingNewer(format!("{url}: HTTP {}", response.status))),
        Err(err) => return Ok(Renewal::NothingNewer(format!("{url}: {err}"))),
    };
    let verified = match verify_import(&store.db, fetcher, badge.user_id, &bytes).await? {
        Ok(verified) => verified,
        Err(ImportOutcome::Refused(report)) => {
            return Ok(Renewal::NothingNewer(report.errors(Lang::En).join("; ")))
        }
        Err(_) => return Ok(Renewal::NothingNewer("the same badge again".into())),
    };
    if verified.status != "verified" {
        return Ok(Renewal::NothingNewer(format!(
            "the renewed badge is {}",
            verified.status
        )));
    }
    if !same_issuer(&badge.report, &verified) {
        return Ok(Renewal::NothingNewer("another issuer's badge".into()));
    }
    Ok(
        match replace(store, fetcher, badge, &bytes, &verified, Replacer::IssuerRefresh).await? {
            Some(renewed) => Renewal::Renewed(Box::new(renewed)),
            None => Renewal::NothingNewer("a picture badge cannot become a text one".into()),
        },
    )
}

/// Replaces a stored badge by a new version of it (same credential id), keeping the
/// history: the replacement is a line of its own, with who brought it (`by`) and the name
/// the badge had. Answers `None` when the new version would swap a baked picture for bare
/// JSON (the learner's file stays).
pub async fn replace(
    store: &Store,
    fetcher: &Verifier,
    badge: &Badge,
    bytes: &[u8],
    verified: &Verified,
    by: Replacer,
) -> Result<Option<Badge>, DbErr> {
    let baked = |media_type: &str| media_type.starts_with("image/");
    if baked(&badge.original_media_type) && !baked(verified.media_type) {
        return Ok(None);
    }
    let image = if baked(verified.media_type) {
        None
    } else {
        fetch_image(fetcher, verified.report.badge.image.as_deref()).await
    };
    let now = Utc::now();
    let mut row: entity::ActiveModel = badge.clone().into();
    row.original = Set(bytes.to_vec());
    row.verified_at = Set(now);
    if let Replacer::Platform(client_id) = by {
        row.pushed_by_client_id = Set(Some(client_id));
    }
    set_verification(
        &mut row,
        &verified.sha256,
        verified.media_type,
        &verified.report,
        verified.status,
    );
    let txn = store.db.begin().await?;
    row.image_sha256 = Set(match image {
        Some((bytes, media_type)) => Some(blobs::put(&txn, &bytes, media_type).await?),
        None => None,
    });
    let updated = row.update(&txn).await?;
    if let Some(old) = badge
        .image_sha256
        .as_deref()
        .filter(|old| updated.image_sha256.as_deref() != Some(*old))
    {
        forget_image_if_unused(&txn, old).await?;
    }
    check_entity::ActiveModel {
        badge_id: Set(badge.id),
        checked_at: Set(now),
        status: Set(verified.status.to_owned()),
        report: Set(updated.report.clone()),
        replaced_by_client_id: Set(match by {
            Replacer::Platform(client_id) => Some(client_id),
            Replacer::IssuerRefresh => None,
        }),
        previous_name: Set(Some(badge.name.clone())),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    store.changes.public_pages(badge.user_id);
    Ok(Some(updated))
}

/// Whether a stored report (a badge's or a waiting item's) and a new version name the
/// same issuer (its id, as the verification reports it).
pub fn same_issuer(stored_report: &str, verified: &Verified) -> bool {
    let stored = serde_json::from_str::<serde_json::Value>(stored_report)
        .ok()
        .and_then(|report| report["badge"]["issuer"]["id"].as_str().map(str::to_owned));
    stored.is_some() && stored.as_deref() == verified.report.badge.issuer.id.as_deref()
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

/// The learner's badge with this assertion or credential id, if any.
pub async fn find_by_credential_id(
    db: &DatabaseConnection,
    user_id: i64,
    credential_id: &str,
) -> Result<Option<Badge>, DbErr> {
    entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .filter(entity::Column::CredentialId.eq(credential_id))
        .one(db)
        .await
}

/// The badges a platform pushed into this learner's backpack, newest first.
pub async fn pushed_by(
    db: &DatabaseConnection,
    user_id: i64,
    client_id: i64,
) -> Result<Vec<BadgeSummary>, DbErr> {
    entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .filter(entity::Column::PushedByClientId.eq(client_id))
        .order_by_desc(entity::Column::CreatedAt)
        .into_partial_model::<BadgeSummary>()
        .all(db)
        .await
}

async fn record_check(
    db: &impl ConnectionTrait,
    badge_id: i64,
    checked_at: DateTime<Utc>,
    status: &str,
    report: String,
) -> Result<(), DbErr> {
    check_entity::ActiveModel {
        badge_id: Set(badge_id),
        checked_at: Set(checked_at),
        status: Set(status.to_owned()),
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

/// Checks a stored badge again (revocation, expiry, keys) and records the result in its
/// history. Never deletes: a badge that no longer checks out is marked, not dropped.
pub async fn reverify(store: &Store, fetcher: &Verifier, badge: &Badge) -> Result<Badge, DbErr> {
    let report = verify_for(&store.db, fetcher, badge.user_id, &badge.original).await?;
    let status = keepable_status(&report).unwrap_or("unchecked");
    let now = Utc::now();
    let report_json = report.to_json(Lang::En).to_string();
    let mut row: entity::ActiveModel = badge.clone().into();
    row.status = Set(status.to_owned());
    row.report = Set(report_json.clone());
    row.verified_at = Set(now);
    let txn = store.db.begin().await?;
    let updated = row.update(&txn).await?;
    record_check(&txn, badge.id, now, status, report_json).await?;
    txn.commit().await?;
    // Public pages show the time of the check.
    store.changes.public_pages(badge.user_id);
    Ok(updated)
}

/// Re-verifies up to `batch` badges last checked before `checked_before`, oldest first;
/// answers how many were checked (the background task calls it until none are due).
pub async fn reverify_due(
    store: &Store,
    fetcher: &Verifier,
    checked_before: DateTime<Utc>,
    batch: u64,
) -> Result<Vec<i64>, DbErr> {
    let due = entity::Entity::find()
        .filter(entity::Column::VerifiedAt.lt(checked_before))
        .order_by_asc(entity::Column::VerifiedAt)
        .limit(batch)
        .all(&store.db)
        .await?;
    for badge in &due {
        reverify(store, fetcher, badge).await?;
    }
    Ok(due.iter().map(|badge| badge.user_id).collect())
}

/// The badge's verification history, newest first.
pub async fn history(db: &DatabaseConnection, badge_id: i64) -> Result<Vec<BadgeCheck>, DbErr> {
    check_entity::Entity::find()
        .filter(check_entity::Column::BadgeId.eq(badge_id))
        .order_by_desc(check_entity::Column::CheckedAt)
        .order_by_desc(check_entity::Column::Id)
        .all(db)
        .await
}

/// Deletes one of the learner's badges (its history goes with it; a shared image stays
/// while another badge shows it). Answers whether there was such a badge.
pub async fn delete(store: &Store, user_id: i64, id: i64) -> Result<bool, DbErr> {
    let Some(badge) = find_owned(&store.db, user_id, id).await? else {
        return Ok(false);
    };
    let txn = store.db.begin().await?;
    entity::Entity::delete_by_id(badge.id).exec(&txn).await?;
    if let Some(image) = &badge.image_sha256 {
        forget_image_if_unused(&txn, image).await?;
    }
    txn.commit().await?;
    store.changes.public_pages(user_id);
    Ok(true)
}

/// A badge's picture: its media type and bytes, from the original or the stored image.
pub async fn image(db: &DatabaseConnection, badge: &Badge) -> Result<Option<(String, Vec<u8>)>, DbErr> {
    if badge.original_media_type.starts_with("image/") {
        return Ok(Some((badge.original_media_type.clone(), badge.original.clone())));
    }
    match &badge.image_sha256 {
        Some(sha) => Ok(blobs::get(db, sha)
            .await?
            .map(|blob| (blob.media_type, blob.bytes))),
        None => Ok(None),
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
pub fn json_name(value: &impl serde::Serialize) -> String {
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

/// Whether badge `id` is in this learner's backpack (reads nothing else).
pub async fn owns(db: &impl ConnectionTrait, user_id: i64, id: i64) -> Result<bool, DbErr> {
    let count = entity::Entity::find_by_id(id)
        .filter(entity::Column::UserId.eq(user_id))
        .count(db)
        .await?;
    Ok(count > 0)
}

/// Ids of all the learner's badges, oldest import first.
pub async fn ids_of_user(db: &DatabaseConnection, user_id: i64) -> Result<Vec<i64>, DbErr> {
    entity::Entity::find()
        .select_only()
        .column(entity::Column::Id)
        .filter(entity::Column::UserId.eq(user_id))
        .order_by_asc(entity::Column::CreatedAt)
        .order_by_asc(entity::Column::Id)
        .into_tuple::<i64>()
        .all(db)
        .await
}

/// These badges without their originals, in no particular order.
pub async fn summaries(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<BadgeSummary>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    entity::Entity::find()
        .filter(entity::Column::Id.is_in(ids.iter().copied()))
        .into_partial_model::<BadgeSummary>()
        .all(db)
        .await
}

/// The issuer id each badge's report names (lists say how each issuer is known).
pub async fn issuer_ids(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, Option<String>>, DbErr> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(i64, String)> = entity::Entity::find()
        .select_only()
        .column(entity::Column::Id)
        .column(entity::Column::Report)
        .filter(entity::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, report)| {
            let report: serde_json::Value = serde_json::from_str(&report).unwrap_or_default();
            (id, report["badge"]["issuer"]["id"].as_str().map(str::to_owned))
        })
        .collect())
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
    pub original_media_type: String,
    pub image_sha256: Option<String>,
    pub verified_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
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
            original_media_type: badge.original_media_type.clone(),
            image_sha256: badge.image_sha256.clone(),
            verified_at: badge.verified_at,
            created_at: badge.created_at,
        }
    }
}

impl BadgeSummary {
    /// Where the owner's browser gets the picture. The hash in the path makes the URL
    /// change whenever the bytes could, so it can be cached for a year.
    pub fn image_url(&self) -> Option<String> {
        self.image_version()
            .map(|version| format!("/api/badges/{}/image/{version}", self.id))
    }

    /// The start of the picture's SHA-256: what makes an image URL immutable.
    pub fn image_version(&self) -> Option<&str> {
        let sha = if self.original_media_type.starts_with("image/") {
            Some(&self.original_sha256)
        } else {
            self.image_sha256.as_ref()
        };
        sha.and_then(|sha| sha.get(..16))
    }
}

/// How the backpack is sorted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    /// Newest import first.
    #[default]
    Received,
    /// Most recently issued first; badges without a date last.
    Issued,
    Name,
    Issuer,
}

impl SortBy {
    /// `received` (or anything unknown), `issued`, `name`, `issuer`.
    pub fn parse(value: &str) -> Self {
        match value {
            "issued" => Self::Issued,
            "name" => Self::Name,
            "issuer" => Self::Issuer,
            _ => Self::Received,
        }
    }
}

/// One page of the backpack: what to show, filtered and sorted.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    /// Words looked for in the badge and issuer names (case-insensitive).
    pub text: Option<String>,
    pub status: Option<String>,
    pub sort: SortBy,
    /// From 0.
    pub page: u64,
    pub per_page: u64,
}

/// A page of the learner's badges and how many match in all, never loading the originals.
pub async fn list_page(
    db: &DatabaseConnection,
    user_id: i64,
    query: &ListQuery,
) -> Result<(Vec<BadgeSummary>, u64), DbErr> {
    use entity::Column;
    let mut select = entity::Entity::find().filter(Column::UserId.eq(user_id));
    if let Some(status) = query.status.as_deref().filter(|s| !s.is_empty()) {
        select = select.filter(Column::Status.eq(status));
    }
    for word in query
        .text
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .take(8)
    {
        let pattern = format!("%{}%", escape_like(&word.to_lowercase()));
        let lower = |column: Column| Expr::expr(Func::lower(Expr::col(column)));
        select = select.filter(
            Condition::any()
                .add(lower(Column::Name).like(LikeExpr::new(pattern.clone()).escape('\\')))
                .add(lower(Column::IssuerName).like(LikeExpr::new(pattern).escape('\\'))),
        );
    }
    let total = select.clone().count(db).await?;
    let select = match query.sort {
        SortBy::Received => select.order_by_desc(Column::CreatedAt),
        SortBy::Issued => select
            .order_by(Expr::col(Column::IssuedOn).is_null(), sea_orm::Order::Asc)
            .order_by_desc(Column::IssuedOn),
        SortBy::Name => select.order_by_asc(Column::Name),
        SortBy::Issuer => select.order_by_asc(Column::IssuerName).order_by_asc(Column::Name),
    };
    let per_page = query.per_page.clamp(1, 200);
    let rows = select
        .order_by_desc(Column::Id)
        .offset(query.page * per_page)
        .limit(per_page)
        .into_partial_model::<BadgeSummary>()
        .all(db)
        .await?;
    Ok((rows, total))
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// A page of the learner's badges of these specs (`"ob2"`, `"ob3"`…), newest first, with
/// their originals, and how many there are in all: what the Open Badges APIs list.
pub async fn api_page(
    db: &DatabaseConnection,
    user_id: i64,
    specs: &[&str],
    since: Option<DateTime<Utc>>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Badge>, u64), DbErr> {
    let mut select = entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .filter(entity::Column::Spec.is_in(specs.iter().copied()));
    if let Some(since) = since {
        select = select.filter(entity::Column::CreatedAt.gte(since));
    }
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by_desc(entity::Column::CreatedAt)
        .order_by_desc(entity::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// How many badges the learner has.
pub async fn count(db: &DatabaseConnection, user_id: i64) -> Result<u64, DbErr> {
    entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .count(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use besace_badges::{BoxFuture, FetchResponse};

    /// Answers one URL with fixed bytes; every other fetch fails.
    struct OneFile(&'static str, Vec<u8>);

    impl Fetcher for OneFile {
        fn fetch<'a>(
            &'a self,
            url: &'a str,
            _kind: FetchKind,
        ) -> BoxFuture<'a, Result<FetchResponse, FetchError>> {
            Box::pin(async move {
                if url == self.0 {
                    Ok(FetchResponse {
                        status: 200,
                        url: url.to_owned(),
                        content_type: Some("text/html".into()),
                        body: self.1.clone(),
                    })
                } else {
                    Err(FetchError::NotFound(url.to_owned()))
                }
            })
        }
    }

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[tokio::test]
    async fn a_named_image_is_fetched_once_and_typed_by_its_bytes() {
        let fetcher = OneFile("https://issuer.example/badge.png", PNG.to_vec());
        let image = fetch_image(&fetcher, Some("https://issuer.example/badge.png")).await;
        assert_eq!(image, Some((PNG.to_vec(), "image/png")));
        // Whatever the server claims, a page is not an image.
        let page = OneFile("https://issuer.example/page", b"<html>hello</html>".to_vec());
        assert_eq!(
            fetch_image(&page, Some("https://issuer.example/page")).await,
            None
        );
        assert_eq!(
            fetch_image(&fetcher, Some("https://issuer.example/gone.png")).await,
            None
        );
        assert_eq!(fetch_image(&fetcher, Some("javascript:alert(1)")).await, None);
        assert_eq!(fetch_image(&fetcher, None).await, None);
    }

    #[tokio::test]
    async fn a_data_uri_image_is_decoded() {
        let encoded = base64::engine::general_purpose::STANDARD.encode(PNG);
        let uri = format!("data:image/png;base64,{encoded}");
        assert_eq!(
            fetch_image(&besace_badges::NoFetch, Some(&uri)).await,
            Some((PNG.to_vec(), "image/png"))
        );
        assert_eq!(
            fetch_image(&besace_badges::NoFetch, Some("data:image/png;base64,%%%")).await,
            None
        );
    }
}
