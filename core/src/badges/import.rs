//! Importing a badge: verify it for the learner, then store it with its picture and the
//! first line of its history, in one transaction.
use super::*;

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
            besace_badges::status_may_pass(response.status),
        )),
        Err(FetchError::TooLarge(_)) => Ok(ImportOutcome::TooLarge),
        Err(err) => Ok(refusal(
            CheckId::HostedFetch,
            format!("{url}: {err}"),
            err.may_pass(),
        )),
    }
}

fn refusal(check: CheckId, detail: String, unreachable: bool) -> ImportOutcome {
    let mut report = Report {
        unreachable,
        ..Report::default()
    };
    report.fail(check, detail);
    ImportOutcome::Refused(Box::new(report))
}

/// A badge that passed every check for its learner and is in none of their badges yet.
#[derive(Debug)]
pub struct Verified {
    pub sha256: String,
    pub media_type: &'static str,
    pub report: Report,
    pub status: BadgeStatus,
    pub spec: BadgeSpec,
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
    let report = verify_for(db, fetcher, Freshness::Live, user_id, bytes).await?;
    let (Some(status), Some(spec)) = (keepable_status(&report), report.spec) else {
        return Ok(Err(ImportOutcome::Refused(Box::new(report))));
    };
    Ok(Ok(Verified {
        sha256,
        media_type: media_type(bytes),
        report,
        status,
        spec: spec.into(),
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
    let credential_id = verified.credential_id();
    if let Some(id) = find_duplicate(db, user_id, &verified.sha256, credential_id).await? {
        return Ok(ImportOutcome::AlreadyThere(id));
    }
    // A baked image is its own picture; JSON and JWT badges name theirs.
    let image = if verified.media_type.starts_with("image/") {
        None
    } else {
        fetch_image(fetcher, verified.report.badge.image.as_deref()).await
    };
    let now = Utc::now();
    let report_json = StoredReport::write(&verified.report);
    let status = verified.status;
    let mut row = entity::ActiveModel {
        user_id: Set(user_id),
        original: Set(bytes.to_vec()),
        verified_at: Set(now),
        created_at: Set(now),
        image_sha256: Set(None),
        pushed_by_client_id: Set(pushed_by),
        ..Default::default()
    };
    set_verification(&mut row, &verified);
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
            match find_duplicate(db, user_id, &verified.sha256, credential_id).await? {
                Some(id) => Ok(ImportOutcome::AlreadyThere(id)),
                None => Err(err),
            }
        }
        Err(TransactionError::Transaction(err)) | Err(TransactionError::Connection(err)) => Err(err),
    }
}
