//! What the public pages show: a published collection with its owner and badges, a
//! learner's public profile. Each is read in a bounded number of queries, whatever its size
//! (the joins happen in the database).
use super::badges::{self, BadgeRecord, BadgeSummary};
use super::collections::{self, Collection};
use super::profiles::{self, ProfileMode};
use super::users::{self, User};
use sea_orm::{entity::prelude::*, DatabaseConnection, QueryOrder};

/// A published collection, its owner's display name and its badges in the owner's order.
pub struct PublicCollection {
    pub collection: Collection,
    pub owner: String,
    pub badges: Vec<BadgeSummary>,
}

/// The collection behind a share token and its owner's display name, if it is published.
pub async fn published(db: &DatabaseConnection, token: &str) -> Result<Option<(Collection, String)>, DbErr> {
    // Tokens are URL-safe base64 of 24 bytes: anything else cannot match, so skip the query.
    if token.len() != 32
        || !token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Ok(None);
    }
    let Some(collection) = collections::find_published(db, token).await? else {
        return Ok(None);
    };
    let owner = users::find(db, collection.user_id)
        .await?
        .map(|user| user.display_name)
        .unwrap_or_default();
    Ok(Some((collection, owner)))
}

/// A published collection with its badges (three queries).
pub async fn collection(db: &DatabaseConnection, token: &str) -> Result<Option<PublicCollection>, DbErr> {
    let Some((collection, owner)) = published(db, token).await? else {
        return Ok(None);
    };
    let badges = collections::badges_of(db, collection.id).await?;
    Ok(Some(PublicCollection {
        collection,
        owner,
        badges,
    }))
}

/// A published collection with everything its badges' public views say (three queries):
/// what machine-readable galleries list.
pub async fn collection_records(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Option<(Collection, String, Vec<BadgeRecord>)>, DbErr> {
    let Some((collection, owner)) = published(db, token).await? else {
        return Ok(None);
    };
    let records = collections::records_of(db, collection.id).await?;
    Ok(Some((collection, owner, records)))
}

/// A badge's picture as the backpack holds it: media type and bytes.
pub type Picture = (String, Vec<u8>);

/// A published collection with its badges' public facts and pictures, for its portfolio
/// PDF (three queries, then one or two per badge: built once per change, then cached).
pub async fn portfolio(
    db: &DatabaseConnection,
    token: &str,
) -> Result<Option<(Collection, String, Vec<(BadgeRecord, Option<Picture>)>)>, DbErr> {
    let Some((collection, owner, records)) = collection_records(db, token).await? else {
        return Ok(None);
    };
    let mut printed = Vec::with_capacity(records.len());
    for record in records {
        let picture = match badges::find_owned(db, record.user_id, record.id).await? {
            Some(badge) => badges::image(db, &badge).await?,
            None => None,
        };
        printed.push((record, picture));
    }
    Ok(Some((collection, owner, printed)))
}

/// A learner's public profile: their published collections with their badges, and, in
/// backpack mode, every badge (at most four queries).
pub struct PublicProfile {
    pub user: User,
    pub mode: ProfileMode,
    /// Newest first, each with its badges in the learner's order.
    pub collections: Vec<(Collection, Vec<BadgeSummary>)>,
    /// Newest import first; empty unless the profile shows the whole backpack.
    pub badges: Vec<BadgeSummary>,
}

pub async fn profile(db: &DatabaseConnection, handle: &str) -> Result<Option<PublicProfile>, DbErr> {
    let Some((user, mode)) = profiles::find_public(db, handle).await? else {
        return Ok(None);
    };
    let shown = collections::entity::Entity::find()
        .filter(collections::entity::Column::UserId.eq(user.id))
        .filter(collections::entity::Column::ShareToken.is_not_null())
        .order_by_desc(collections::entity::Column::CreatedAt)
        .order_by_desc(collections::entity::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i64> = shown.iter().map(|collection| collection.id).collect();
    let mut by_collection: std::collections::HashMap<i64, Vec<BadgeSummary>> = Default::default();
    for (collection_id, badge) in collections::badges_in(db, &ids).await? {
        by_collection.entry(collection_id).or_default().push(badge);
    }
    let with_badges = shown
        .into_iter()
        .map(|collection| {
            let badges = by_collection.remove(&collection.id).unwrap_or_default();
            (collection, badges)
        })
        .collect();
    let badges = if mode == ProfileMode::Backpack {
        badges::newest_first(db, user.id).await?
    } else {
        Vec::new()
    };
    Ok(Some(PublicProfile {
        user,
        mode,
        collections: with_badges,
        badges,
    }))
}
