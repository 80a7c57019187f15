//! "Mot de passe oublié ?": a single-use, short-lived link mailed to the account's login
//! address lets its owner choose a new password. Using it ends every session of the
//! account. Asking answers the same whether or not the address has an account: only the
//! mailbox learns it (the door never says whether a link was made).
use super::{password, sha256_hex, users};
use crate::domain::Email;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{entity::prelude::*, ActiveValue::Set, DatabaseConnection, TransactionTrait};

/// How long a reset link works.
pub const LINK_LIFETIME: Duration = Duration::hours(1);

pub mod entity {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "password_resets")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        pub token_hash: String,
        pub expires_at: DateTime<Utc>,
        pub created_at: DateTime<Utc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    #[error("the link is unknown, already used or expired")]
    InvalidLink,
    #[error(transparent)]
    Weak(#[from] password::Weak),
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error(transparent)]
    Hash(#[from] anyhow::Error),
}

/// A new link for the confirmed account whose login address is `email`, voiding the ones
/// sent before (only the newest works); `None` when there is no such account. Answers the
/// account and the token the link carries (only its digest is stored).
pub async fn start(
    db: &DatabaseConnection,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<Option<(users::User, String)>, DbErr> {
    let Some(user) = users::find_by_email(db, email)
        .await?
        .filter(|user| user.confirmed_at.is_some())
    else {
        return Ok(None);
    };
    let token = super::random_token(32);
    let txn = db.begin().await?;
    entity::Entity::delete_many()
        .filter(entity::Column::UserId.eq(user.id))
        .exec(&txn)
        .await?;
    entity::ActiveModel {
        user_id: Set(user.id),
        token_hash: Set(sha256_hex(token.as_bytes())),
        expires_at: Set(now + LINK_LIFETIME),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(Some((user, token)))
}

async fn find(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<entity::Model>, DbErr> {
    Ok(entity::Entity::find()
        .filter(entity::Column::TokenHash.eq(sha256_hex(token.as_bytes())))
        .one(db)
        .await?
        .filter(|link| link.expires_at > now))
}

/// Uses a link: sets `new_password` (within the password policy) and ends every session
/// of the account. The link works once: of two uses at the same time, one wins. Answers
/// the account as it now is, to log the browser that used the link in.
pub async fn finish(
    db: &DatabaseConnection,
    token: &str,
    new_password: String,
    now: DateTime<Utc>,
) -> Result<users::User, ResetError> {
    let link = find(db, token, now).await?.ok_or(ResetError::InvalidLink)?;
    let user = users::find(db, link.user_id)
        .await?
        .ok_or(ResetError::InvalidLink)?;
    password::check_policy(&new_password, &[&user.email, &user.display_name])?;
    let hash = password::hash(new_password).await?;
    let txn = db.begin().await?;
    let used = entity::Entity::delete_many()
        .filter(entity::Column::Id.eq(link.id))
        .exec(&txn)
        .await?;
    if used.rows_affected != 1 {
        return Err(ResetError::InvalidLink);
    }
    entity::Entity::delete_many()
        .filter(entity::Column::UserId.eq(user.id))
        .exec(&txn)
        .await?;
    let user = users::replace_password(&txn, user.id, hash).await?;
    txn.commit().await?;
    Ok(user)
}

/// Removes the links that can no longer work.
pub async fn forget_expired(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(entity::Entity::delete_many()
        .filter(entity::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}
