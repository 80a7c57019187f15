//! Badges waiting for an address. A genuine badge issued to one of the learner's addresses
//! that is not confirmed yet is not refused: it waits here, and goes into the backpack by
//! itself when the learner opens that address's link ([`confirm_address`]). What is kept
//! is what the learner gave (the file's bytes, or the link), so it is verified again, in
//! full, when it goes in. A badge a platform pushed waits the same way, and then goes to the
//! inbox as the push it was (`inbox::push`): the learner still decides.
use crate::badges::{self, ImportOutcome};
use crate::changes::Store;
use crate::emails::{self, Confirmed, EmailError};
use crate::inbox::PushOutcome;
use crate::{is_unique_violation, sha256_hex, Verifier};
use chrono::{DateTime, Utc};
use sea_orm::{entity::prelude::*, ActiveValue::Set, DatabaseConnection, QueryOrder};

pub mod entity {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "held_badges")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        /// The address it waits for, in lower case.
        pub email: String,
        /// `original` is a link to fetch again, not a badge's bytes.
        pub is_link: bool,
        pub original: Vec<u8>,
        pub sha256: String,
        pub held_at: DateTime<Utc>,
        /// The platform that pushed it, when one did.
        pub client_id: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// How long a badge waits for its address: as long as the learner may take to open a link
/// sent again, and then some.
pub const KEPT_FOR: chrono::Duration = chrono::Duration::days(30);

/// Who gave a waiting badge, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holding {
    /// The learner, as a file or pasted text (its bytes).
    Bytes,
    /// The learner, as a link (fetched again when it goes in).
    Link,
    /// A platform (its client id) pushed these bytes.
    Push(i64),
}

/// Keeps `original` until `email` is confirmed. The same thing given twice waits once.
/// Answers the waiting row's id.
pub async fn hold(
    db: &DatabaseConnection,
    user_id: i64,
    email: &str,
    holding: Holding,
    original: &[u8],
) -> Result<i64, DbErr> {
    let sha256 = sha256_hex(original);
    let row = entity::ActiveModel {
        user_id: Set(user_id),
        email: Set(email.to_lowercase()),
        is_link: Set(holding == Holding::Link),
        original: Set(original.to_vec()),
        sha256: Set(sha256.clone()),
        held_at: Set(Utc::now()),
        client_id: Set(match holding {
            Holding::Push(client_id) => Some(client_id),
            Holding::Bytes | Holding::Link => None,
        }),
        ..Default::default()
    };
    match row.insert(db).await {
        Ok(row) => Ok(row.id),
        Err(err) if is_unique_violation(&err) => entity::Entity::find()
            .filter(entity::Column::UserId.eq(user_id))
            .filter(entity::Column::Sha256.eq(sha256))
            .one(db)
            .await?
            .map(|row| row.id)
            .ok_or(err),
        Err(err) => Err(err),
    }
}

/// How many badges of the learner wait for an address.
pub async fn count(db: &DatabaseConnection, user_id: i64) -> Result<u64, DbErr> {
    entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .count(db)
        .await
}

/// Uses an address's link ([`emails::confirm`]) and then, once it is committed, imports
/// every badge that waited for that address. Answers how many went into the backpack.
pub async fn confirm_address(
    store: &Store,
    fetcher: &Verifier,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(Confirmed, usize), EmailError> {
    let confirmed = emails::confirm(&store.db, token, now).await?;
    let address = &confirmed.address;
    let arrived = release(store, fetcher, address.user_id, &address.email).await?;
    Ok((confirmed, arrived))
}

/// Imports the badges waiting for `email`, oldest first (a pushed one goes to the inbox and
/// is not counted). Each leaves the waiting list once it is in the backpack or the inbox,
/// already there, or refused for good; one whose issuer did not answer waits for the next
/// confirmation of that address. A push whose platform is gone since goes.
async fn release(store: &Store, fetcher: &Verifier, user_id: i64, email: &str) -> Result<usize, DbErr> {
    let waiting = entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .filter(entity::Column::Email.eq(email.to_lowercase()))
        .order_by_asc(entity::Column::Id)
        .all(&store.db)
        .await?;
    let mut arrived = 0;
    for held in waiting {
        if let Some(client_id) = held.client_id {
            if crate::oauth_clients::find_by_id(&store.db, client_id)
                .await?
                .is_some()
            {
                let pushed = crate::inbox::push(store, fetcher, user_id, client_id, &held.original).await?;
                if matches!(&pushed, PushOutcome::Refused(report) if report.unreachable) {
                    continue;
                }
            }
            entity::Entity::delete_by_id(held.id).exec(&store.db).await?;
            continue;
        }
        let outcome = if held.is_link {
            let url = String::from_utf8_lossy(&held.original).into_owned();
            badges::import_url(store, fetcher, user_id, &url).await?
        } else {
            badges::import_bytes(store, fetcher, user_id, &held.original).await?
        };
        match outcome {
            ImportOutcome::Added(badge) => {
                tracing::info!(user_id, badge_id = badge.id, "a waiting badge arrived");
                arrived += 1;
            }
            ImportOutcome::Refused(report) if report.unreachable => continue,
            ImportOutcome::Refused(_) | ImportOutcome::AlreadyThere(_) | ImportOutcome::TooLarge => {}
        }
        entity::Entity::delete_by_id(held.id).exec(&store.db).await?;
    }
    Ok(arrived)
}

/// Forgets badges that waited longer than [`KEPT_FOR`] (run hourly by housekeeping).
pub async fn forget_old(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let result = entity::Entity::delete_many()
        .filter(entity::Column::HeldAt.lt(now - KEPT_FOR))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
