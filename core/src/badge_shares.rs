//! One badge shared on its own: a public link for that badge alone, private until the
//! learner shares it, dead once they stop, and a new one each time they share again (the
//! old link never comes back). The public page it opens is the same as a gallery's badge
//! view, without the gallery.
use super::badges::{self, Badge};
use super::changes::Store;
use super::users;
use chrono::{DateTime, Utc};
use sea_orm::{entity::prelude::*, sea_query::OnConflict, ActiveValue::Set, DatabaseConnection};

pub mod entity {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "badge_shares")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub badge_id: i64,
        pub user_id: i64,
        pub token: String,
        pub shared_at: DateTime<Utc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A badge's public link: its token and since when it is shared.
pub type BadgeShare = entity::Model;

/// Whether `token` could be a link token (URL-safe base64 of 24 bytes): anything else is
/// answered without a query.
pub fn is_token(token: &str) -> bool {
    token.len() == 32
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Shares the learner's badge under a new link (any earlier link of it dies); `None` when
/// the badge is not theirs.
pub async fn share(store: &Store, user_id: i64, badge_id: i64) -> Result<Option<BadgeShare>, DbErr> {
    let db = &store.db;
    if !badges::owns(db, user_id, badge_id).await? {
        return Ok(None);
    }
    let row = entity::ActiveModel {
        badge_id: Set(badge_id),
        user_id: Set(user_id),
        token: Set(super::random_token(24)),
        shared_at: Set(Utc::now()),
    };
    entity::Entity::insert(row)
        .on_conflict(
            OnConflict::column(entity::Column::BadgeId)
                .update_columns([entity::Column::Token, entity::Column::SharedAt])
                .to_owned(),
        )
        .exec(db)
        .await?;
    store.changes.public_pages(user_id);
    of_badge(db, user_id, badge_id).await
}

/// Stops sharing the badge: its link answers 404 from now on. Answers whether it was shared.
pub async fn unshare(store: &Store, user_id: i64, badge_id: i64) -> Result<bool, DbErr> {
    let result = entity::Entity::delete_many()
        .filter(entity::Column::BadgeId.eq(badge_id))
        .filter(entity::Column::UserId.eq(user_id))
        .exec(&store.db)
        .await?;
    let was_shared = result.rows_affected == 1;
    if was_shared {
        store.changes.public_pages(user_id);
    }
    Ok(was_shared)
}

/// The learner's link for their badge, while shared.
pub async fn of_badge(
    db: &DatabaseConnection,
    user_id: i64,
    badge_id: i64,
) -> Result<Option<BadgeShare>, DbErr> {
    entity::Entity::find_by_id(badge_id)
        .filter(entity::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// A shared badge as the public sees it: the badge and its owner's display name.
pub struct SharedBadge {
    pub share: BadgeShare,
    pub badge: Badge,
    pub owner: String,
}

/// The badge behind a link token, while shared (three queries at most).
pub async fn find(db: &DatabaseConnection, token: &str) -> Result<Option<SharedBadge>, DbErr> {
    if !is_token(token) {
        return Ok(None);
    }
    let Some(share) = entity::Entity::find()
        .filter(entity::Column::Token.eq(token))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(badge) = badges::find_owned(db, share.user_id, share.badge_id).await? else {
        return Ok(None);
    };
    let owner = users::find(db, share.user_id)
        .await?
        .map(|user| user.display_name)
        .unwrap_or_default();
    Ok(Some(SharedBadge { share, badge, owner }))
}
