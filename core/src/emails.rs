//! The e-mail addresses a learner owns (`user_emails`) and the single-use links that verify
//! them (`email_verifications`). Only verified addresses count for badge recipients.
use super::{is_unique_violation, sha256_hex, users};
use crate::domain::Email;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    entity::prelude::*, ActiveValue::Set, ConnectionTrait, DatabaseConnection, QueryOrder, TransactionTrait,
};

/// How long a verification link stays valid.
pub const LINK_LIFETIME: Duration = Duration::hours(48);

pub mod address {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "user_emails")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        pub email: String,
        pub is_primary: bool,
        pub verified_at: Option<DateTime<Utc>>,
        pub created_at: DateTime<Utc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod verification {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "email_verifications")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_email_id: i64,
        pub token_hash: String,
        pub expires_at: DateTime<Utc>,
        pub created_at: DateTime<Utc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use address::Model as UserEmail;

#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    #[error("this learner already has this address")]
    AlreadyYours,
    #[error("another account has verified this address")]
    TakenElsewhere,
    #[error("no such address for this learner")]
    NotFound,
    #[error("the primary address cannot be removed")]
    PrimaryCannotBeRemoved,
    #[error("only a verified address can become primary")]
    NotVerified,
    #[error("the link is unknown, already used or expired")]
    InvalidLink,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Adds an address to a learner, unverified.
pub async fn add(
    db: &impl ConnectionTrait,
    user_id: i64,
    email: &Email,
    is_primary: bool,
) -> Result<UserEmail, EmailError> {
    if verified_owner(db, email)
        .await?
        .is_some_and(|owner| owner != user_id)
    {
        return Err(EmailError::TakenElsewhere);
    }
    let row = address::ActiveModel {
        user_id: Set(user_id),
        email: Set(email.as_ref().to_owned()),
        is_primary: Set(is_primary),
        verified_at: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    row.insert(db).await.map_err(|err| {
        if is_unique_violation(&err) {
            EmailError::AlreadyYours
        } else {
            EmailError::Db(err)
        }
    })
}

/// The learner who verified this address, if any.
pub async fn verified_owner(db: &impl ConnectionTrait, email: &Email) -> Result<Option<i64>, DbErr> {
    Ok(address::Entity::find()
        .filter(address::Column::Email.eq(email.as_ref()))
        .filter(address::Column::VerifiedAt.is_not_null())
        .one(db)
        .await?
        .map(|row| row.user_id))
}

/// The learner's addresses, primary first, then in the order they were added.
pub async fn list(db: &DatabaseConnection, user_id: i64) -> Result<Vec<UserEmail>, DbErr> {
    address::Entity::find()
        .filter(address::Column::UserId.eq(user_id))
        .order_by_desc(address::Column::IsPrimary)
        .order_by_asc(address::Column::Id)
        .all(db)
        .await
}

/// The learner's verified addresses: the ones badge recipients are matched against.
pub async fn verified(db: &DatabaseConnection, user_id: i64) -> Result<Vec<String>, DbErr> {
    Ok(list(db, user_id)
        .await?
        .into_iter()
        .filter(|row| row.verified_at.is_some())
        .map(|row| row.email)
        .collect())
}

/// The learner's addresses still waiting for their link (to say so when a badge was
/// issued to one of them).
pub async fn unconfirmed(db: &DatabaseConnection, user_id: i64) -> Result<Vec<String>, DbErr> {
    Ok(list(db, user_id)
        .await?
        .into_iter()
        .filter(|row| row.verified_at.is_none())
        .map(|row| row.email)
        .collect())
}

pub async fn find_owned(db: &DatabaseConnection, user_id: i64, id: i64) -> Result<UserEmail, EmailError> {
    address::Entity::find_by_id(id)
        .filter(address::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .ok_or(EmailError::NotFound)
}

/// Makes a new single-use link token for an address; only its hash is stored.
pub async fn new_link_token(db: &impl ConnectionTrait, user_email_id: i64) -> Result<String, DbErr> {
    let token = super::random_token(32);
    let now = Utc::now();
    verification::ActiveModel {
        user_email_id: Set(user_email_id),
        token_hash: Set(hash_token(&token)),
        expires_at: Set(now + LINK_LIFETIME),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

fn hash_token(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// Voids every link sent for one of the learner's addresses; answers that address.
pub async fn void_links(db: &impl ConnectionTrait, user_id: i64, email: &Email) -> Result<UserEmail, DbErr> {
    let address = address::Entity::find()
        .filter(address::Column::UserId.eq(user_id))
        .filter(address::Column::Email.eq(email.as_ref()))
        .one(db)
        .await?
        .ok_or(DbErr::RecordNotFound("user_email".into()))?;
    verification::Entity::delete_many()
        .filter(verification::Column::UserEmailId.eq(address.id))
        .exec(db)
        .await?;
    Ok(address)
}

/// What using a link did.
#[derive(Debug)]
pub struct Confirmed {
    pub address: UserEmail,
    /// The link was the one mailed at sign-up: the account counts from now on, and the
    /// browser that used it may log in.
    pub completes_sign_up: bool,
}

/// Uses a link: marks its address verified and voids every link of that address. The
/// sign-up link also confirms its account; and an unconfirmed account that someone else
/// opened with this address is removed, since its link can no longer work.
pub async fn confirm(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Confirmed, EmailError> {
    let txn = db.begin().await?;
    let link = verification::Entity::find()
        .filter(verification::Column::TokenHash.eq(hash_token(token)))
        .one(&txn)
        .await?
        .filter(|link| link.expires_at > now)
        .ok_or(EmailError::InvalidLink)?;
    let address = address::Entity::find_by_id(link.user_email_id)
        .one(&txn)
        .await?
        .ok_or(EmailError::InvalidLink)?;
    verification::Entity::delete_many()
        .filter(verification::Column::UserEmailId.eq(address.id))
        .exec(&txn)
        .await?;
    let address = if address.verified_at.is_some() {
        address
    } else {
        let mut row: address::ActiveModel = address.into();
        row.verified_at = Set(Some(now));
        row.update(&txn).await.map_err(|err| {
            if is_unique_violation(&err) {
                EmailError::TakenElsewhere
            } else {
                EmailError::Db(err)
            }
        })?
    };
    users::entity::Entity::delete_many()
        .filter(users::entity::Column::Email.eq(address.email.as_str()))
        .filter(users::entity::Column::Id.ne(address.user_id))
        .filter(users::entity::Column::ConfirmedAt.is_null())
        .exec(&txn)
        .await?;
    let completes_sign_up = address.is_primary
        && users::entity::Entity::update_many()
            .col_expr(users::entity::Column::ConfirmedAt, Expr::value(now))
            .filter(users::entity::Column::Id.eq(address.user_id))
            .filter(users::entity::Column::ConfirmedAt.is_null())
            .exec(&txn)
            .await?
            .rows_affected
            == 1;
    txn.commit().await?;
    Ok(Confirmed {
        address,
        completes_sign_up,
    })
}

pub async fn remove(db: &DatabaseConnection, user_id: i64, id: i64) -> Result<(), EmailError> {
    let address = find_owned(db, user_id, id).await?;
    if address.is_primary {
        return Err(EmailError::PrimaryCannotBeRemoved);
    }
    address::Entity::delete_by_id(address.id).exec(db).await?;
    Ok(())
}

/// Makes a verified address the primary one, which is also the login address.
pub async fn make_primary(db: &DatabaseConnection, user_id: i64, id: i64) -> Result<(), EmailError> {
    let address = find_owned(db, user_id, id).await?;
    if address.verified_at.is_none() {
        return Err(EmailError::NotVerified);
    }
    let txn = db.begin().await?;
    address::Entity::update_many()
        .col_expr(address::Column::IsPrimary, Expr::value(false))
        .filter(address::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    address::Entity::update_many()
        .col_expr(address::Column::IsPrimary, Expr::value(true))
        .filter(address::Column::Id.eq(address.id))
        .exec(&txn)
        .await?;
    users::set_email(&txn, user_id, &address.email)
        .await
        .map_err(|err| {
            if is_unique_violation(&err) {
                EmailError::TakenElsewhere
            } else {
                EmailError::Db(err)
            }
        })?;
    txn.commit().await?;
    Ok(())
}
