//! Collections: sets of badges a learner chooses, in the order they choose, private until
//! published. Every function takes the owner's id, so no id from a request reaches another
//! learner's collections or badges.
use super::badges::{self, BadgeSummary};
use super::changes::Store;
use chrono::{DateTime, Utc};
use sea_orm::{
    entity::prelude::*, sea_query::Expr, ActiveValue::Set, ConnectionTrait, DatabaseConnection,
    FromQueryResult, JoinType, PartialModelTrait, QueryOrder, QuerySelect, TransactionTrait,
};
use std::collections::HashMap;

pub mod entity {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "collections")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        pub name: String,
        pub description: String,
        /// Set only while published.
        pub share_token: Option<String>,
        pub published_at: Option<DateTime<Utc>>,
        pub allow_indexing: bool,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Which badge is where in which collection.
pub mod member_entity {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "collection_badges")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub collection_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub badge_id: i64,
        pub position: i32,
        pub added_at: DateTime<Utc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "crate::badges::entity::Entity",
            from = "Column::BadgeId",
            to = "crate::badges::entity::Column::Id"
        )]
        Badge,
        #[sea_orm(
            belongs_to = "super::entity::Entity",
            from = "Column::CollectionId",
            to = "super::entity::Column::Id"
        )]
        Collection,
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub use entity::Model as Collection;

/// Longest collection name and description, in characters.
pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

/// A collection's name and description, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollectionText {
    name: String,
    description: String,
}

impl CollectionText {
    /// `None` when the name is empty or either text is too long.
    pub fn parse(name: &str, description: &str) -> Option<Self> {
        let name = name.trim();
        let description = description.trim();
        let fits = |text: &str, max: usize| text.chars().count() <= max;
        (!name.is_empty() && fits(name, MAX_NAME_CHARS) && fits(description, MAX_DESCRIPTION_CHARS)).then(
            || Self {
                name: name.to_owned(),
                description: description.to_owned(),
            },
        )
    }
}

/// A collection as its owner's list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollectionSummary {
    pub collection: Collection,
    pub badge_count: u64,
}

pub async fn create(
    db: &DatabaseConnection,
    user_id: i64,
    text: CollectionText,
) -> Result<Collection, DbErr> {
    let now = Utc::now();
    entity::ActiveModel {
        user_id: Set(user_id),
        name: Set(text.name),
        description: Set(text.description),
        share_token: Set(None),
        published_at: Set(None),
        allow_indexing: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn find_owned(
    db: &impl ConnectionTrait,
    user_id: i64,
    id: i64,
) -> Result<Option<Collection>, DbErr> {
    entity::Entity::find_by_id(id)
        .filter(entity::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// The learner's collections, newest first, with how many badges each holds.
pub async fn list(db: &DatabaseConnection, user_id: i64) -> Result<Vec<CollectionSummary>, DbErr> {
    let collections = entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .order_by_desc(entity::Column::CreatedAt)
        .order_by_desc(entity::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i64> = collections.iter().map(|c| c.id).collect();
    let counts: HashMap<i64, i64> = member_entity::Entity::find()
        .select_only()
        .column(member_entity::Column::CollectionId)
        .column_as(member_entity::Column::BadgeId.count(), "count")
        .filter(member_entity::Column::CollectionId.is_in(ids))
        .group_by(member_entity::Column::CollectionId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(collections
        .into_iter()
        .map(|collection| CollectionSummary {
            badge_count: counts.get(&collection.id).copied().unwrap_or(0) as u64,
            collection,
        })
        .collect())
}

/// Announces a change to the learner's public pages when there was one; answers it.
fn announced(store: &Store, user_id: i64, changed: bool) -> bool {
    if changed {
        store.changes.public_pages(user_id);
    }
    changed
}

/// Renames and re-describes; `false` when the collection is not the learner's.
pub async fn update(store: &Store, user_id: i64, id: i64, text: CollectionText) -> Result<bool, DbErr> {
    let db = &store.db;
    let result = entity::Entity::update_many()
        .col_expr(entity::Column::Name, Expr::value(text.name))
        .col_expr(entity::Column::Description, Expr::value(text.description))
        .col_expr(entity::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(entity::Column::Id.eq(id))
        .filter(entity::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(announced(store, user_id, result.rows_affected == 1))
}

/// Deletes the collection; its badges stay in the backpack.
pub async fn delete(store: &Store, user_id: i64, id: i64) -> Result<bool, DbErr> {
    let db = &store.db;
    let result = entity::Entity::delete_many()
        .filter(entity::Column::Id.eq(id))
        .filter(entity::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(announced(store, user_id, result.rows_affected == 1))
}

/// A fresh link token: 192 random bits from the OS, URL-safe.
fn new_share_token() -> String {
    super::random_token(24)
}

/// Publishes under a new token (an earlier link stays dead); answers the collection.
pub async fn publish(store: &Store, user_id: i64, id: i64) -> Result<Option<Collection>, DbErr> {
    let db = &store.db;
    let collection = set_share_token(db, user_id, id, Some(new_share_token())).await?;
    if collection.is_some() {
        store.changes.public_pages(user_id);
    }
    Ok(collection)
}

/// Makes the collection private: its link answers 404 from now on.
pub async fn unpublish(store: &Store, user_id: i64, id: i64) -> Result<Option<Collection>, DbErr> {
    let db = &store.db;
    let collection = set_share_token(db, user_id, id, None).await?;
    if collection.is_some() {
        store.changes.public_pages(user_id);
    }
    Ok(collection)
}

async fn set_share_token(
    db: &DatabaseConnection,
    user_id: i64,
    id: i64,
    token: Option<String>,
) -> Result<Option<Collection>, DbErr> {
    let Some(collection) = find_owned(db, user_id, id).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    let mut row: entity::ActiveModel = collection.into();
    row.published_at = Set(token.is_some().then_some(now));
    row.share_token = Set(token);
    row.updated_at = Set(now);
    row.update(db).await.map(Some)
}

/// Whether search engines may index the public gallery.
pub async fn set_allow_indexing(store: &Store, user_id: i64, id: i64, allow: bool) -> Result<bool, DbErr> {
    let db = &store.db;
    let result = entity::Entity::update_many()
        .col_expr(entity::Column::AllowIndexing, Expr::value(allow))
        .col_expr(entity::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(entity::Column::Id.eq(id))
        .filter(entity::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(announced(store, user_id, result.rows_affected == 1))
}

/// The published collection behind a link token.
pub async fn find_published(db: &DatabaseConnection, token: &str) -> Result<Option<Collection>, DbErr> {
    entity::Entity::find()
        .filter(entity::Column::ShareToken.eq(token))
        .one(db)
        .await
}

/// Whether the collection holds badge `badge_id`.
pub async fn holds(db: &impl ConnectionTrait, id: i64, badge_id: i64) -> Result<bool, DbErr> {
    Ok(member_entity::Entity::find_by_id((id, badge_id))
        .one(db)
        .await?
        .is_some())
}

/// The collection's badges, in the learner's order: one query.
pub async fn badges_of(db: &impl ConnectionTrait, collection_id: i64) -> Result<Vec<BadgeSummary>, DbErr> {
    Ok(badges_in(db, &[collection_id])
        .await?
        .into_iter()
        .map(|(_, badge)| badge)
        .collect())
}

/// The badges of these collections, each with its collection's id, in each learner's
/// order: one query, whatever their number.
pub async fn badges_in(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<(i64, BadgeSummary)>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    #[derive(FromQueryResult)]
    struct Held {
        collection_id: i64,
        #[sea_orm(nested)]
        badge: BadgeSummary,
    }
    let select = badges::entity::Entity::find()
        .select_only()
        .join(JoinType::InnerJoin, member_entity::Relation::Badge.def().rev())
        .filter(member_entity::Column::CollectionId.is_in(ids.iter().copied()))
        .order_by_asc(member_entity::Column::CollectionId)
        .order_by_asc(member_entity::Column::Position)
        .order_by_asc(member_entity::Column::BadgeId);
    let rows = BadgeSummary::select_cols(select)
        .column(member_entity::Column::CollectionId)
        .into_model::<Held>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|held| (held.collection_id, held.badge))
        .collect())
}

/// The collection's badges with everything but their originals, in the learner's order:
/// one query.
pub async fn records_of(
    db: &impl ConnectionTrait,
    collection_id: i64,
) -> Result<Vec<badges::BadgeRecord>, DbErr> {
    badges::entity::Entity::find()
        .join(JoinType::InnerJoin, member_entity::Relation::Badge.def().rev())
        .filter(member_entity::Column::CollectionId.eq(collection_id))
        .order_by_asc(member_entity::Column::Position)
        .order_by_asc(member_entity::Column::BadgeId)
        .into_partial_model::<badges::BadgeRecord>()
        .all(db)
        .await
}

/// The ids of the collection's badges, in the learner's order: one query.
pub async fn members_of(db: &impl ConnectionTrait, collection_id: i64) -> Result<Vec<i64>, DbErr> {
    member_entity::Entity::find()
        .select_only()
        .column(member_entity::Column::BadgeId)
        .filter(member_entity::Column::CollectionId.eq(collection_id))
        .order_by_asc(member_entity::Column::Position)
        .order_by_asc(member_entity::Column::BadgeId)
        .into_tuple()
        .all(db)
        .await
}

/// Which of the learner's badges each of their collections holds, in order: one query.
pub async fn members_of_user(db: &impl ConnectionTrait, user_id: i64) -> Result<Vec<(i64, i64)>, DbErr> {
    member_entity::Entity::find()
        .select_only()
        .column(member_entity::Column::CollectionId)
        .column(member_entity::Column::BadgeId)
        .join(JoinType::InnerJoin, member_entity::Relation::Collection.def())
        .filter(entity::Column::UserId.eq(user_id))
        .order_by_asc(member_entity::Column::CollectionId)
        .order_by_asc(member_entity::Column::Position)
        .order_by_asc(member_entity::Column::BadgeId)
        .into_tuple()
        .all(db)
        .await
}

/// Adds the badge at the end (no-op when already there); `false` when either is not the
/// learner's.
pub async fn add_badge(store: &Store, user_id: i64, id: i64, badge_id: i64) -> Result<bool, DbErr> {
    add_badges(store, user_id, id, &[badge_id]).await
}

/// Adds the badges at the end, in this order, skipping those already there: all or
/// nothing, and nothing when the collection or any badge is not the learner's.
pub async fn add_badges(store: &Store, user_id: i64, id: i64, badge_ids: &[i64]) -> Result<bool, DbErr> {
    let db = &store.db;
    let txn = db.begin().await?;
    if find_owned(&txn, user_id, id).await?.is_none() {
        return Ok(false);
    }
    for badge_id in badge_ids {
        if !badges::owns(&txn, user_id, *badge_id).await? {
            return Ok(false);
        }
    }
    let last: Option<Option<i32>> = member_entity::Entity::find()
        .select_only()
        .column_as(member_entity::Column::Position.max(), "max")
        .filter(member_entity::Column::CollectionId.eq(id))
        .into_tuple::<Option<i32>>()
        .one(&txn)
        .await?;
    let mut next = last.flatten().map_or(0, |p| p + 1);
    for badge_id in badge_ids {
        if holds(&txn, id, *badge_id).await? {
            continue;
        }
        member_entity::ActiveModel {
            collection_id: Set(id),
            badge_id: Set(*badge_id),
            position: Set(next),
            added_at: Set(Utc::now()),
        }
        .insert(&txn)
        .await?;
        next += 1;
    }
    touch(&txn, id).await?;
    txn.commit().await?;
    store.changes.public_pages(user_id);
    Ok(true)
}

/// Takes the badge out of the collection (it stays in the backpack); `false` when the
/// collection is not the learner's.
pub async fn remove_badge(store: &Store, user_id: i64, id: i64, badge_id: i64) -> Result<bool, DbErr> {
    let db = &store.db;
    let txn = db.begin().await?;
    if find_owned(&txn, user_id, id).await?.is_none() {
        return Ok(false);
    }
    member_entity::Entity::delete_by_id((id, badge_id))
        .exec(&txn)
        .await?;
    touch(&txn, id).await?;
    txn.commit().await?;
    store.changes.public_pages(user_id);
    Ok(true)
}

/// Puts the collection's badges in the given order. `order` must name exactly the badges
/// the collection holds; otherwise nothing changes and the answer is `false`.
pub async fn reorder(store: &Store, user_id: i64, id: i64, order: &[i64]) -> Result<bool, DbErr> {
    let db = &store.db;
    let txn = db.begin().await?;
    if find_owned(&txn, user_id, id).await?.is_none() {
        return Ok(false);
    }
    let mut held: Vec<i64> = member_entity::Entity::find()
        .select_only()
        .column(member_entity::Column::BadgeId)
        .filter(member_entity::Column::CollectionId.eq(id))
        .into_tuple::<i64>()
        .all(&txn)
        .await?;
    let mut wanted = order.to_vec();
    held.sort_unstable();
    wanted.sort_unstable();
    if held != wanted {
        return Ok(false);
    }
    for (position, badge_id) in order.iter().enumerate() {
        member_entity::Entity::update_many()
            .col_expr(member_entity::Column::Position, Expr::value(position as i32))
            .filter(member_entity::Column::CollectionId.eq(id))
            .filter(member_entity::Column::BadgeId.eq(*badge_id))
            .exec(&txn)
            .await?;
    }
    touch(&txn, id).await?;
    txn.commit().await?;
    store.changes.public_pages(user_id);
    Ok(true)
}

/// Which of the learner's collections hold the badge: (collection, holds it), by name.
pub async fn memberships(
    db: &DatabaseConnection,
    user_id: i64,
    badge_id: i64,
) -> Result<Vec<(Collection, bool)>, DbErr> {
    let collections = entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .order_by_asc(entity::Column::Name)
        .all(db)
        .await?;
    let holding: Vec<i64> = member_entity::Entity::find()
        .select_only()
        .column(member_entity::Column::CollectionId)
        .filter(member_entity::Column::BadgeId.eq(badge_id))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    Ok(collections
        .into_iter()
        .map(|c| {
            let holds = holding.contains(&c.id);
            (c, holds)
        })
        .collect())
}

/// Marks the collection as changed (the public gallery's cache keys on it).
async fn touch(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    entity::Entity::update_many()
        .col_expr(entity::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(entity::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
