//! A stored badge over time: checked again, replaced by a new version (from the platform
//! that sent it, or renewed by its issuer), deleted; its history and picture.
use super::*;

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
    let Some(url) = StoredReport::read(&badge.report).badge.refresh else {
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
    if verified.status != BadgeStatus::Verified {
        return Ok(Renewal::NothingNewer(format!(
            "the renewed badge is {}",
            verified.status.as_str()
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
    set_verification(&mut row, verified);
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
        status: Set(verified.status),
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

/// Checks a stored badge again (revocation, expiry, keys) and records the result in its
/// history. Never deletes: a badge that no longer checks out is marked, not dropped.
pub async fn reverify(store: &Store, fetcher: &Verifier, badge: &Badge) -> Result<Badge, DbErr> {
    reverify_as(store, fetcher, Freshness::Live, badge).await
}

async fn reverify_as(
    store: &Store,
    fetcher: &Verifier,
    freshness: Freshness,
    badge: &Badge,
) -> Result<Badge, DbErr> {
    let report = verify_for(&store.db, fetcher, freshness, badge.user_id, &badge.original).await?;
    let status = keepable_status(&report).unwrap_or(BadgeStatus::Unchecked);
    let now = Utc::now();
    let report_json = StoredReport::write(&report);
    let mut row: entity::ActiveModel = badge.clone().into();
    row.status = Set(status);
    row.report = Set(report_json.clone());
    row.verified_at = Set(now);
    // Checked: whoever held it for a background check may let it go.
    row.recheck_claimed_until = Set(None);
    let txn = store.db.begin().await?;
    let updated = row.update(&txn).await?;
    record_check(&txn, badge.id, now, status, report_json).await?;
    txn.commit().await?;
    // Public pages show the time of the check.
    store.changes.public_pages(badge.user_id);
    Ok(updated)
}

/// How long a process holds the badges it claimed for re-verification, unless the
/// operator says otherwise (`BESACE_RECHECK_LEASE`): one killed mid-batch leaves them to
/// another once this has passed.
pub const RECHECK_LEASE: chrono::Duration = chrono::Duration::minutes(10);

/// Badges one process checks at once in the background. Each issuer's site also gets at
/// most a few requests at a time (the fetcher's per-host budget), so one slow issuer holds
/// only its own badges' turns.
pub const CHECKS_IN_FLIGHT: usize = 16;

/// Re-verifies up to `batch` badges last checked before `checked_before`, oldest first,
/// [`CHECKS_IN_FLIGHT`] at a time; answers how many were checked (the background task
/// calls it until none are due). The badges are claimed first, so with several processes
/// on one database each badge is checked by one; each claim ends with its badge's check,
/// and a claim whose process died ends with its lease.
pub async fn reverify_due(
    store: &Store,
    fetcher: &Verifier,
    checked_before: DateTime<Utc>,
    batch: u64,
    lease: chrono::Duration,
) -> Result<usize, DbErr> {
    use futures_util::StreamExt;
    let claimed = claim_due(&store.db, checked_before, batch, lease).await?;
    let due = entity::Entity::find()
        .filter(entity::Column::Id.is_in(claimed))
        .order_by_asc(entity::Column::VerifiedAt)
        .all(&store.db)
        .await?;
    let count = due.len();
    // Each check owns its badge: a stream of borrowed ones would not be `Send` for every
    // lifetime, which the spawned background task needs.
    let mut checks = futures_util::stream::iter(due)
        .map(|badge| async move { reverify_as(store, fetcher, Freshness::Background, &badge).await })
        .buffer_unordered(CHECKS_IN_FLIGHT);
    let mut failed = None;
    while let Some(result) = checks.next().await {
        if let Err(err) = result {
            failed = Some(err);
        }
    }
    match failed {
        Some(err) => Err(err),
        None => Ok(count),
    }
}

/// Checks one of the learner's badges again if its last check is older than `older_than`
/// and no process holds it already (a recruiter's view of a stale badge, on any node);
/// answers whether this call checked it.
pub async fn reverify_if_stale(
    store: &Store,
    fetcher: &Verifier,
    user_id: i64,
    id: i64,
    older_than: chrono::Duration,
) -> Result<bool, DbErr> {
    let now = Utc::now();
    let claimed = entity::Entity::update_many()
        .col_expr(
            entity::Column::RecheckClaimedUntil,
            Expr::value(Some(now + RECHECK_LEASE)),
        )
        .filter(entity::Column::Id.eq(id))
        .filter(entity::Column::UserId.eq(user_id))
        .filter(entity::Column::VerifiedAt.lt(now - older_than))
        .filter(
            Condition::any()
                .add(entity::Column::RecheckClaimedUntil.is_null())
                .add(entity::Column::RecheckClaimedUntil.lt(now)),
        )
        .exec(&store.db)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(false);
    }
    let Some(badge) = entity::Entity::find_by_id(id).one(&store.db).await? else {
        return Ok(false);
    };
    reverify(store, fetcher, &badge).await?;
    Ok(true)
}

/// Claims up to `batch` due badges nobody holds, in one statement: on PostgreSQL rows
/// another process is claiming are skipped (`FOR UPDATE SKIP LOCKED`); SQLite has one
/// writer at a time, so the same statement needs no row locks there.
async fn claim_due(
    db: &DatabaseConnection,
    checked_before: DateTime<Utc>,
    batch: u64,
    lease: chrono::Duration,
) -> Result<Vec<i64>, DbErr> {
    use sea_orm::{DatabaseBackend, Statement};
    let now = Utc::now();
    let backend = db.get_database_backend();
    let (lock, placeholders) = match backend {
        DatabaseBackend::Postgres => (" FOR UPDATE SKIP LOCKED", ["$1", "$2", "$3", "$4"]),
        _ => ("", ["?", "?", "?", "?"]),
    };
    let [until, before, at, limit] = placeholders;
    let sql = format!(
        "UPDATE badges SET recheck_claimed_until = {until} WHERE id IN (\
         SELECT id FROM badges WHERE verified_at < {before} \
         AND (recheck_claimed_until IS NULL OR recheck_claimed_until < {at}) \
         ORDER BY verified_at LIMIT {limit}{lock}) RETURNING id"
    );
    let rows = db
        .query_all(Statement::from_sql_and_values(
            backend,
            sql,
            [
                (now + lease).into(),
                checked_before.into(),
                now.into(),
                (batch as i64).into(),
            ],
        ))
        .await?;
    rows.iter().map(|row| row.try_get::<i64>("", "id")).collect()
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
    // The foreign key would do it; said here too so a badge's link can never outlive it.
    crate::badge_shares::entity::Entity::delete_by_id(badge.id)
        .exec(&txn)
        .await?;
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
