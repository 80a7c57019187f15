//! The `users` table and every query on it.
use super::changes::Store;
use super::emails::{self, EmailError, UserEmail};
use crate::domain::{DisplayName, Email, Language};
use chrono::{DateTime, Utc};
use sea_orm::{
    entity::prelude::*, sea_query::Expr, ActiveValue::Set, ConnectionTrait, DatabaseConnection,
    TransactionTrait,
};

pub mod entity {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        #[sea_orm(unique)]
        pub email: String,
        pub display_name: String,
        pub password_hash: String,
        pub locale: Option<String>,
        pub created_at: DateTime<Utc>,
        pub password_changed_at: DateTime<Utc>,
        /// The public profile's address, `/u/{handle}`, once chosen.
        pub profile_handle: Option<String>,
        /// off | collections | backpack
        pub profile_mode: String,
        /// Raised to end every session of the account (see `end_sessions`).
        pub session_epoch: i64,
        /// When the sign-up link was used; until then the account holds nothing and a new
        /// sign-up with the same address replaces it (see `sign_up`).
        pub confirmed_at: Option<DateTime<Utc>>,
        /// Set while e-portfolio sites may find the learner by address (Displayer API):
        /// a random id, never the database one (see `listings::set_displayer`).
        #[sea_orm(unique)]
        pub displayer_id: Option<i64>,
        /// When the learner was last mailed that a platform sent a badge (`notices`).
        pub inbox_noticed_at: Option<DateTime<Utc>>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use entity::Model as User;

/// What a sign-up did. The page answers the same whatever it did, so that nobody learns
/// from it whether an address has an account: only the address's mailbox is told.
#[derive(Debug)]
pub enum SignUp {
    /// A new account, or an unconfirmed one this sign-up took over (its earlier links no
    /// longer work): the link to confirm it goes to the address.
    ToConfirm(User, UserEmail),
    /// A confirmed account has this address: its owner is told that someone tried.
    AlreadyThere(User),
}

/// Signs up: creates the account and its address (primary, still to verify), unless the
/// address already has an account. An unconfirmed one holds no data (nobody could log in
/// to it), so it is not a claim on the address: it takes this sign-up's name and password.
pub async fn sign_up(
    db: &DatabaseConnection,
    email: &Email,
    display_name: &DisplayName,
    password_hash: String,
    locale: Option<Language>,
) -> Result<SignUp, DbErr> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let existing = entity::Entity::find()
        .filter(entity::Column::Email.eq(email.as_ref()))
        .one(&txn)
        .await?;
    let answer = match existing {
        Some(user) if user.confirmed_at.is_some() => SignUp::AlreadyThere(user),
        Some(user) => {
            let mut row: entity::ActiveModel = user.into();
            row.display_name = Set(display_name.as_ref().to_owned());
            row.password_hash = Set(password_hash);
            row.locale = Set(locale.map(|l| l.code().to_owned()));
            row.created_at = Set(now);
            row.password_changed_at = Set(now);
            let user = row.update(&txn).await?;
            let address = emails::void_links(&txn, user.id, email).await?;
            SignUp::ToConfirm(user, address)
        }
        None => {
            let (user, address) = insert(&txn, email, display_name, password_hash, locale, None).await?;
            SignUp::ToConfirm(user, address)
        }
    };
    txn.commit().await?;
    Ok(answer)
}

/// Creates an account already confirmed, for the demo's learner (nobody signs it up).
pub async fn create_confirmed(
    db: &DatabaseConnection,
    email: &Email,
    display_name: &DisplayName,
    password_hash: String,
    locale: Option<Language>,
) -> Result<User, DbErr> {
    let txn = db.begin().await?;
    let (user, _) = insert(&txn, email, display_name, password_hash, locale, Some(Utc::now())).await?;
    txn.commit().await?;
    Ok(user)
}

async fn insert(
    txn: &impl ConnectionTrait,
    email: &Email,
    display_name: &DisplayName,
    password_hash: String,
    locale: Option<Language>,
    confirmed_at: Option<DateTime<Utc>>,
) -> Result<(User, UserEmail), DbErr> {
    let now = Utc::now();
    let row = entity::ActiveModel {
        email: Set(email.as_ref().to_owned()),
        display_name: Set(display_name.as_ref().to_owned()),
        password_hash: Set(password_hash),
        locale: Set(locale.map(|l| l.code().to_owned())),
        created_at: Set(now),
        password_changed_at: Set(now),
        confirmed_at: Set(confirmed_at),
        ..Default::default()
    };
    let user = row.insert(txn).await?;
    let address = emails::add(txn, user.id, email, true)
        .await
        .map_err(|err| match err {
            EmailError::Db(err) => err,
            other => DbErr::Custom(other.to_string()),
        })?;
    Ok((user, address))
}

/// Removes the accounts nobody confirmed before `before` (their links are dead by then):
/// an address someone typed and never confirmed stays nobody's claim.
pub async fn forget_unconfirmed(db: &DatabaseConnection, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let done = entity::Entity::delete_many()
        .filter(entity::Column::ConfirmedAt.is_null())
        .filter(entity::Column::CreatedAt.lt(before))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// Changes the login address (to a verified address of the learner's: see `emails`).
pub async fn set_email(db: &impl ConnectionTrait, id: i64, email: &str) -> Result<(), DbErr> {
    entity::ActiveModel {
        id: Set(id),
        email: Set(email.to_owned()),
        ..Default::default()
    }
    .update(db)
    .await
    .map(|_| ())
}

pub async fn find_by_email(db: &DatabaseConnection, email: &Email) -> Result<Option<User>, DbErr> {
    entity::Entity::find()
        .filter(entity::Column::Email.eq(email.as_ref()))
        .one(db)
        .await
}

pub async fn find(db: &DatabaseConnection, id: i64) -> Result<Option<User>, DbErr> {
    entity::Entity::find_by_id(id).one(db).await
}

/// Sets a new password and ends every session of the account; answers the account as it
/// now is, to log the changing session in again under the new epoch.
pub async fn set_password(db: &DatabaseConnection, id: i64, password_hash: String) -> Result<User, DbErr> {
    let txn = db.begin().await?;
    let user = replace_password(&txn, id, password_hash).await?;
    txn.commit().await?;
    Ok(user)
}

/// `set_password` inside a caller's transaction (a reset link is used in the same one).
pub(crate) async fn replace_password(
    txn: &impl ConnectionTrait,
    id: i64,
    password_hash: String,
) -> Result<User, DbErr> {
    entity::Entity::update_many()
        .col_expr(entity::Column::PasswordHash, Expr::value(password_hash))
        .col_expr(entity::Column::PasswordChangedAt, Expr::value(Utc::now()))
        .col_expr(
            entity::Column::SessionEpoch,
            Expr::col(entity::Column::SessionEpoch).add(1),
        )
        .filter(entity::Column::Id.eq(id))
        .exec(txn)
        .await?;
    entity::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or(DbErr::RecordNotFound("user".into()))
}

/// Ends every session of the account, on every device ("log out everywhere").
pub async fn end_sessions(db: &DatabaseConnection, id: i64) -> Result<(), DbErr> {
    entity::Entity::update_many()
        .col_expr(
            entity::Column::SessionEpoch,
            Expr::col(entity::Column::SessionEpoch).add(1),
        )
        .filter(entity::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Renames the learner; public pages show the name.
pub async fn set_display_name(store: &Store, id: i64, name: &DisplayName) -> Result<User, DbErr> {
    let row = entity::ActiveModel {
        id: Set(id),
        display_name: Set(name.as_ref().to_owned()),
        ..Default::default()
    };
    let user = row.update(&store.db).await?;
    store.changes.public_pages(id);
    Ok(user)
}

pub async fn set_locale(db: &DatabaseConnection, id: i64, locale: Language) -> Result<(), DbErr> {
    let row = entity::ActiveModel {
        id: Set(id),
        locale: Set(Some(locale.code().to_owned())),
        ..Default::default()
    };
    row.update(db).await.map(|_| ())
}

/// Removes the account and, through the foreign keys of later tables, all its data; the
/// pictures its badges showed go too, unless another learner's badge shows the same one.
pub async fn delete(store: &Store, id: i64) -> Result<(), DbErr> {
    let db = &store.db;
    use super::badges::entity as badge;
    use sea_orm::QuerySelect;
    let txn = db.begin().await?;
    let pictures: Vec<Option<String>> = badge::Entity::find()
        .select_only()
        .column(badge::Column::ImageSha256)
        .filter(badge::Column::UserId.eq(id))
        .into_tuple()
        .all(&txn)
        .await?;
    entity::Entity::delete_by_id(id).exec(&txn).await?;
    for sha256 in pictures.into_iter().flatten() {
        super::badges::forget_image_if_unused(&txn, &sha256).await?;
    }
    txn.commit().await?;
    store.changes.public_pages(id);
    Ok(())
}
