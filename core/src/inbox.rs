//! Badges pushed by issuer platforms wait here until the learner accepts or declines them.
//! A push goes through the very checks of a manual import (verification, recipient among
//! the learner's verified addresses) before it is even kept; one for an address of theirs
//! not confirmed yet waits for it (`held_badges`), as an import does.
use super::badges::{self, ImportOutcome, Verified};
use super::held_badges::{self, Holding};
use super::refusals::{self, Refusal};
use super::{changes::Store, is_unique_violation, notices::Notice, Verifier};
use besace_badges::Report;
use chrono::{DateTime, Utc};
use sea_orm::{entity::prelude::*, ActiveValue::Set, DatabaseConnection, QueryOrder};

pub mod entity {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "inbox_items")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        pub client_id: i64,
        pub credential_id: Option<String>,
        pub original_sha256: String,
        pub original_media_type: String,
        pub original: Vec<u8>,
        pub spec: badges::BadgeSpec,
        pub name: String,
        pub issuer_name: String,
        /// The verification report at push time (English JSON, as for badges).
        pub report: String,
        pub received_at: DateTime<Utc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use entity::Model as InboxItem;

/// Where a pushed badge now is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filed {
    /// A badge of the backpack (its id).
    Backpack(i64),
    /// An inbox item (its id).
    Inbox(i64),
}

/// What became of a pushed badge.
#[derive(Debug)]
pub enum PushOutcome {
    /// New: waiting in the inbox.
    Received(Box<InboxItem>),
    /// A new version of a badge already in the backpack or the inbox (same id) replaced it.
    Replaced(Filed, Box<besace_badges::BadgeInfo>),
    /// These very bytes are already in the backpack or the inbox.
    AlreadyThere,
    /// Genuine, for `email`, an address of the learner's that waits for its link: kept (row
    /// `id` of `held_badges`) and filed here once that address is confirmed.
    Waiting {
        id: i64,
        email: String,
        report: Box<Report>,
    },
    /// Not a genuine badge for this learner; the report says why.
    Refused(Box<Report>),
    TooLarge,
}

impl PushOutcome {
    /// Whether the platform created something new (201) rather than found or updated it.
    pub fn is_new(&self) -> bool {
        matches!(self, Self::Received(_) | Self::Waiting { .. })
    }
}

/// Verifies a badge pushed by platform `client_id` for `user_id` and files it in the inbox.
pub async fn push(
    store: &Store,
    fetcher: &Verifier,
    user_id: i64,
    client_id: i64,
    bytes: &[u8],
) -> Result<PushOutcome, DbErr> {
    let db = &store.db;
    let verified = match badges::verify_import(db, fetcher, user_id, bytes).await? {
        Ok(verified) => verified,
        Err(ImportOutcome::AlreadyThere(_)) => return Ok(PushOutcome::AlreadyThere),
        Err(ImportOutcome::Refused(report)) => {
            let unconfirmed = crate::emails::unconfirmed(db, user_id).await?;
            return Ok(match refusals::explain(&report, bytes, &unconfirmed) {
                Refusal::ConfirmAddress(email) => {
                    let id = held_badges::hold(db, user_id, &email, Holding::Push(client_id), bytes).await?;
                    PushOutcome::Waiting { id, email, report }
                }
                _ => PushOutcome::Refused(report),
            });
        }
        Err(ImportOutcome::TooLarge) => return Ok(PushOutcome::TooLarge),
        Err(ImportOutcome::Added(_)) => unreachable!("verify_import stores nothing"),
    };
    if find_same_bytes(db, user_id, &verified.sha256).await?.is_some() {
        return Ok(PushOutcome::AlreadyThere);
    }
    // A new version (same credential id) replaces what is stored only when it comes from
    // the platform that sent the stored one and names the same issuer. Anything else is a
    // new inbox item: the learner decides (another platform may not overwrite a badge).
    if let Some(credential_id) = verified.credential_id() {
        if let Some(badge) = badges::find_by_credential_id(db, user_id, credential_id).await? {
            if badge.pushed_by_client_id == Some(client_id) && badges::same_issuer(&badge.report, &verified) {
                return Ok(
                    match badges::replace(
                        store,
                        fetcher,
                        &badge,
                        bytes,
                        &verified,
                        badges::Replacer::Platform(client_id),
                    )
                    .await?
                    {
                        Some(new) => PushOutcome::Replaced(
                            Filed::Backpack(new.id),
                            Box::new(verified.report.badge.clone()),
                        ),
                        None => PushOutcome::AlreadyThere,
                    },
                );
            }
        }
        if let Some(item) = find_by_credential_id(db, user_id, credential_id).await? {
            if item.client_id == client_id && badges::same_issuer(&item.report, &verified) {
                let mut row: entity::ActiveModel = item.into();
                set_badge(&mut row, bytes, &verified);
                row.received_at = Set(Utc::now());
                let item = row.update(db).await?;
                return Ok(PushOutcome::Replaced(
                    Filed::Inbox(item.id),
                    Box::new(verified.report.badge.clone()),
                ));
            }
        }
    }
    let mut row = entity::ActiveModel {
        user_id: Set(user_id),
        client_id: Set(client_id),
        received_at: Set(Utc::now()),
        ..Default::default()
    };
    set_badge(&mut row, bytes, &verified);
    match row.insert(db).await {
        Ok(item) => {
            tell_learner(store, user_id, client_id).await;
            Ok(PushOutcome::Received(Box::new(item)))
        }
        Err(err) if is_unique_violation(&err) => Ok(PushOutcome::AlreadyThere),
        Err(err) => Err(err),
    }
}

/// After a new item is stored: the learner's mail of the day about their inbox, unless one
/// went out in the last 24 hours. The badge is kept whatever happens here.
async fn tell_learner(store: &Store, user_id: i64, client_id: i64) {
    match crate::notices::claim_inbox_notice(&store.db, user_id).await {
        Ok(true) => store.notices.send(Notice::InboxReceived { user_id, client_id }),
        Ok(false) => {}
        Err(err) => tracing::warn!(error = %err, user_id, "inbox notice not claimed"),
    }
}

/// Fetches the badge at `url` (through the one fetcher) and pushes what it answers, as
/// [`push`] does: the kept original is the document the issuer serves.
pub async fn push_url(
    store: &Store,
    fetcher: &Verifier,
    user_id: i64,
    client_id: i64,
    url: &str,
) -> Result<PushOutcome, DbErr> {
    use besace_badges::{CheckId, FetchError, FetchKind, Fetcher};
    let url = url.trim();
    let failed = |detail: String| {
        let mut report = Report::default();
        report.fail(CheckId::HostedFetch, detail);
        PushOutcome::Refused(Box::new(report))
    };
    match fetcher.fetch(url, FetchKind::Badge).await {
        Ok(response) if (200..300).contains(&response.status) => {
            push(store, fetcher, user_id, client_id, &response.body).await
        }
        Ok(response) => Ok(failed(format!("{url}: HTTP {}", response.status))),
        Err(FetchError::TooLarge(_)) => Ok(PushOutcome::TooLarge),
        Err(err) => Ok(failed(format!("{url}: {err}"))),
    }
}

fn set_badge(row: &mut entity::ActiveModel, bytes: &[u8], verified: &Verified) {
    let badge = &verified.report.badge;
    row.credential_id = Set(badge.id.clone());
    row.original_sha256 = Set(verified.sha256.clone());
    row.original_media_type = Set(verified.media_type.to_owned());
    row.original = Set(bytes.to_vec());
    row.spec = Set(verified.spec);
    row.name = Set(badge.name.clone().unwrap_or_default());
    row.issuer_name = Set(badge.issuer.name.clone().unwrap_or_default());
    row.report = Set(badges::StoredReport::write(&verified.report));
}

async fn find_same_bytes(
    db: &DatabaseConnection,
    user_id: i64,
    sha256: &str,
) -> Result<Option<InboxItem>, DbErr> {
    entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .filter(entity::Column::OriginalSha256.eq(sha256))
        .one(db)
        .await
}

async fn find_by_credential_id(
    db: &DatabaseConnection,
    user_id: i64,
    credential_id: &str,
) -> Result<Option<InboxItem>, DbErr> {
    entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .filter(entity::Column::CredentialId.eq(credential_id))
        .one(db)
        .await
}

/// The learner's waiting badges, newest first.
pub async fn list(db: &DatabaseConnection, user_id: i64) -> Result<Vec<InboxItem>, DbErr> {
    entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .order_by_desc(entity::Column::ReceivedAt)
        .order_by_desc(entity::Column::Id)
        .all(db)
        .await
}

/// What an API lists to a platform: the learner's badges of these specs and, still waiting
/// in the inbox, those this very platform sent (a Host returns what it accepted at once),
/// newest first, as their original bytes, and how many there are in all. At most six
/// queries, whatever the page: counts, ids and times, then the originals of the page only.
pub async fn api_listing(
    db: &DatabaseConnection,
    access: ApiListing<'_>,
) -> Result<(Vec<Vec<u8>>, u64), DbErr> {
    use sea_orm::QuerySelect;
    let window = access.offset + access.limit;
    let mut kept = badges::entity::Entity::find()
        .select_only()
        .column(badges::entity::Column::Id)
        .column(badges::entity::Column::CreatedAt)
        .filter(badges::entity::Column::UserId.eq(access.user_id))
        .filter(badges::entity::Column::Spec.is_in(access.specs.iter().copied()));
    let mut waiting = entity::Entity::find()
        .select_only()
        .column(entity::Column::Id)
        .column(entity::Column::ReceivedAt)
        .filter(entity::Column::UserId.eq(access.user_id))
        .filter(entity::Column::ClientId.eq(access.client_id))
        .filter(entity::Column::Spec.is_in(access.specs.iter().copied()));
    if let Some(since) = access.since {
        kept = kept.filter(badges::entity::Column::CreatedAt.gte(since));
        waiting = waiting.filter(entity::Column::ReceivedAt.gte(since));
    }
    let total = kept.clone().count(db).await? + waiting.clone().count(db).await?;
    let kept: Vec<(i64, DateTime<Utc>)> = kept
        .order_by_desc(badges::entity::Column::CreatedAt)
        .order_by_desc(badges::entity::Column::Id)
        .limit(window)
        .into_tuple()
        .all(db)
        .await?;
    let waiting: Vec<(i64, DateTime<Utc>)> = waiting
        .order_by_desc(entity::Column::ReceivedAt)
        .order_by_desc(entity::Column::Id)
        .limit(window)
        .into_tuple()
        .all(db)
        .await?;
    // Both lists newest first: merge, then keep the page.
    let mut page: Vec<(DateTime<Utc>, bool, i64)> = kept
        .into_iter()
        .map(|(id, at)| (at, false, id))
        .chain(waiting.into_iter().map(|(id, at)| (at, true, id)))
        .collect();
    page.sort_by(|a, b| b.cmp(a));
    let page: Vec<(bool, i64)> = page
        .into_iter()
        .skip(access.offset as usize)
        .take(access.limit as usize)
        .map(|(_, in_inbox, id)| (in_inbox, id))
        .collect();
    let kept_ids: Vec<i64> = page
        .iter()
        .filter(|(inbox, _)| !inbox)
        .map(|(_, id)| *id)
        .collect();
    let waiting_ids: Vec<i64> = page
        .iter()
        .filter(|(inbox, _)| *inbox)
        .map(|(_, id)| *id)
        .collect();
    let mut originals: std::collections::HashMap<(bool, i64), Vec<u8>> = Default::default();
    if !kept_ids.is_empty() {
        let rows: Vec<(i64, Vec<u8>)> = badges::entity::Entity::find()
            .select_only()
            .column(badges::entity::Column::Id)
            .column(badges::entity::Column::Original)
            .filter(badges::entity::Column::Id.is_in(kept_ids))
            .into_tuple()
            .all(db)
            .await?;
        originals.extend(rows.into_iter().map(|(id, bytes)| ((false, id), bytes)));
    }
    if !waiting_ids.is_empty() {
        let rows: Vec<(i64, Vec<u8>)> = entity::Entity::find()
            .select_only()
            .column(entity::Column::Id)
            .column(entity::Column::Original)
            .filter(entity::Column::Id.is_in(waiting_ids))
            .into_tuple()
            .all(db)
            .await?;
        originals.extend(rows.into_iter().map(|(id, bytes)| ((true, id), bytes)));
    }
    Ok((
        page.iter().filter_map(|key| originals.remove(key)).collect(),
        total,
    ))
}

/// Whose badges an API call lists, which ones, and which page.
#[derive(Debug, Clone, Copy)]
pub struct ApiListing<'a> {
    pub user_id: i64,
    pub client_id: i64,
    pub specs: &'a [badges::BadgeSpec],
    pub since: Option<DateTime<Utc>>,
    pub offset: u64,
    pub limit: u64,
}

pub async fn count(db: &DatabaseConnection, user_id: i64) -> Result<u64, DbErr> {
    entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .count(db)
        .await
}

/// How many badges a platform has waiting in this learner's inbox.
pub async fn count_from(db: &DatabaseConnection, user_id: i64, client_id: i64) -> Result<u64, DbErr> {
    entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .filter(entity::Column::ClientId.eq(client_id))
        .count(db)
        .await
}

pub async fn find_owned(db: &DatabaseConnection, user_id: i64, id: i64) -> Result<Option<InboxItem>, DbErr> {
    entity::Entity::find_by_id(id)
        .filter(entity::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// What accepting a waiting badge did.
#[derive(Debug)]
pub enum Accepted {
    /// Now in the backpack under this id (new, or the same badge already there).
    InBackpack(i64),
    /// It no longer checks out (revoked, expired keys…): it stays in the inbox.
    Refused(Box<Report>),
    NotFound,
}

/// Moves a waiting badge into the backpack, verified again as any import is (time has
/// passed since the push), and remembers which platform sent it.
pub async fn accept(store: &Store, fetcher: &Verifier, user_id: i64, id: i64) -> Result<Accepted, DbErr> {
    let db = &store.db;
    let Some(item) = find_owned(db, user_id, id).await? else {
        return Ok(Accepted::NotFound);
    };
    // A new version of a badge already in the backpack, which the learner now chooses over
    // the stored one: it replaces it, and the history says so.
    if let Ok(verified) = badges::verify_import(db, fetcher, user_id, &item.original).await? {
        let stored = match verified.credential_id() {
            Some(credential_id) => badges::find_by_credential_id(db, user_id, credential_id).await?,
            None => None,
        };
        if let Some(badge) = stored {
            badges::replace(
                store,
                fetcher,
                &badge,
                &item.original,
                &verified,
                badges::Replacer::Platform(item.client_id),
            )
            .await?;
            entity::Entity::delete_by_id(item.id).exec(db).await?;
            return Ok(Accepted::InBackpack(badge.id));
        }
    }
    let outcome =
        badges::import_bytes_from(store, fetcher, user_id, &item.original, Some(item.client_id)).await?;
    let badge_id = match outcome {
        ImportOutcome::Added(badge) => badge.id,
        ImportOutcome::AlreadyThere(id) => id,
        ImportOutcome::Refused(report) => {
            // Kept, with what fails now, so the inbox can say why.
            let mut row: entity::ActiveModel = item.into();
            row.report = Set(badges::StoredReport::write(&report));
            row.update(db).await?;
            return Ok(Accepted::Refused(report));
        }
        ImportOutcome::TooLarge => {
            let mut report = Report::default();
            report.fail(besace_badges::CheckId::Extract, "too large");
            return Ok(Accepted::Refused(Box::new(report)));
        }
    };
    entity::Entity::delete_by_id(item.id).exec(db).await?;
    Ok(Accepted::InBackpack(badge_id))
}

/// Declines a waiting badge: it is deleted. Answers whether there was one.
pub async fn decline(db: &DatabaseConnection, user_id: i64, id: i64) -> Result<bool, DbErr> {
    let deleted = entity::Entity::delete_many()
        .filter(entity::Column::Id.eq(id))
        .filter(entity::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected == 1)
}
