//! The learner's collections as other sites read them: a platform signed in with a
//! platform password (Badgr's API, Moodle's default backpack) and e-portfolios that ask by
//! e-mail address (the Displayer API, Mahara). Each function answers only what the
//! learner let that site see, in a bounded number of queries.
use super::badges::{self, BadgeRecord};
use super::collections::{self, entity as collection, member_entity as member, Collection};
use super::domain::Email;
use super::oauth::passwords::Listing;
use super::{emails, users};
use sea_orm::{entity::prelude::*, sea_query::Expr, DatabaseConnection, JoinType, QueryOrder, QuerySelect};

/// A collection and the ids of its badges, in the learner's order.
#[derive(Clone, Debug)]
pub struct Listed {
    pub collection: Collection,
    pub badge_ids: Vec<i64>,
}

/// The learner's collections this listing shows, oldest first (two queries).
pub async fn collections(
    db: &DatabaseConnection,
    user_id: i64,
    listing: Listing,
) -> Result<Vec<Listed>, DbErr> {
    let mut query = collection::Entity::find().filter(collection::Column::UserId.eq(user_id));
    if listing == Listing::Published {
        query = query.filter(collection::Column::ShareToken.is_not_null());
    }
    let found = query
        .order_by_asc(collection::Column::CreatedAt)
        .order_by_asc(collection::Column::Id)
        .all(db)
        .await?;
    let members = collections::members_of_user(db, user_id).await?;
    Ok(found
        .into_iter()
        .map(|collection| Listed {
            badge_ids: members
                .iter()
                .filter(|(of, _)| *of == collection.id)
                .map(|(_, badge)| *badge)
                .collect(),
            collection,
        })
        .collect())
}

/// One of them, by id (two queries).
pub async fn collection(
    db: &DatabaseConnection,
    user_id: i64,
    listing: Listing,
    id: i64,
) -> Result<Option<Listed>, DbErr> {
    let Some(found) = collections::find_owned(db, user_id, id).await? else {
        return Ok(None);
    };
    if listing == Listing::Published && found.share_token.is_none() {
        return Ok(None);
    }
    Ok(Some(Listed {
        badge_ids: collections::members_of(db, found.id).await?,
        collection: found,
    }))
}

/// A badge this listing shows, and the share token of a published collection that holds
/// it (where its picture is public), if any (two queries).
pub async fn badge(
    db: &DatabaseConnection,
    user_id: i64,
    listing: Listing,
    id: i64,
) -> Result<Option<(BadgeRecord, Option<String>)>, DbErr> {
    let Some(record) = badges::entity::Entity::find_by_id(id)
        .filter(badges::entity::Column::UserId.eq(user_id))
        .into_partial_model::<BadgeRecord>()
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let shown_in = published_holding(db, id).await?;
    if listing == Listing::Published && shown_in.is_none() {
        return Ok(None);
    }
    Ok(Some((record, shown_in)))
}

/// The share token of the first published collection holding the badge.
async fn published_holding(db: &DatabaseConnection, badge_id: i64) -> Result<Option<String>, DbErr> {
    let token: Option<Option<String>> = member::Entity::find()
        .select_only()
        .column(collection::Column::ShareToken)
        .join(JoinType::InnerJoin, member::Relation::Collection.def())
        .filter(member::Column::BadgeId.eq(badge_id))
        .filter(collection::Column::ShareToken.is_not_null())
        .order_by_asc(member::Column::CollectionId)
        .into_tuple()
        .one(db)
        .await?;
    Ok(token.flatten())
}

/// The learner and their verified addresses: who a platform password's site signed in as.
pub async fn profile(
    db: &DatabaseConnection,
    user_id: i64,
) -> Result<Option<(users::User, Vec<String>)>, DbErr> {
    let Some(user) = users::find(db, user_id).await? else {
        return Ok(None);
    };
    let addresses = emails::verified(db, user_id).await?;
    Ok(Some((user, addresses)))
}

/// The Displayer id of the learner who verified this address and let e-portfolios find
/// them by it; `None` for everyone else, whatever the reason (no account enumeration).
pub async fn displayer_id_of(db: &DatabaseConnection, address: &str) -> Result<Option<i64>, DbErr> {
    let Ok(email) = Email::parse(address) else {
        return Ok(None);
    };
    let Some(user_id) = emails::verified_owner(db, &email).await? else {
        return Ok(None);
    };
    Ok(users::find(db, user_id).await?.and_then(|user| user.displayer_id))
}

/// The learner behind a Displayer id, while they keep it on.
async fn displayer_owner(db: &DatabaseConnection, displayer_id: i64) -> Result<Option<i64>, DbErr> {
    users::entity::Entity::find()
        .select_only()
        .column(users::entity::Column::Id)
        .filter(users::entity::Column::DisplayerId.eq(displayer_id))
        .into_tuple()
        .one(db)
        .await
}

/// A published collection as the Displayer lists it, with its number of badges.
#[derive(Clone, Debug)]
pub struct Group {
    pub collection: Collection,
    pub badge_count: u64,
}

/// The published collections of the learner behind a Displayer id (three queries).
pub async fn displayer_groups(
    db: &DatabaseConnection,
    displayer_id: i64,
) -> Result<Option<Vec<Group>>, DbErr> {
    let Some(user_id) = displayer_owner(db, displayer_id).await? else {
        return Ok(None);
    };
    let listed = collections(db, user_id, Listing::Published).await?;
    Ok(Some(
        listed
            .into_iter()
            .map(|listed| Group {
                badge_count: listed.badge_ids.len() as u64,
                collection: listed.collection,
            })
            .collect(),
    ))
}

/// One published collection of that learner, with its badges (three queries).
pub async fn displayer_group(
    db: &DatabaseConnection,
    displayer_id: i64,
    group_id: i64,
) -> Result<Option<(Collection, Vec<BadgeRecord>)>, DbErr> {
    let Some(user_id) = displayer_owner(db, displayer_id).await? else {
        return Ok(None);
    };
    let Some(found) = collections::find_owned(db, user_id, group_id)
        .await?
        .filter(|found| found.share_token.is_some())
    else {
        return Ok(None);
    };
    let records = collections::records_of(db, found.id).await?;
    Ok(Some((found, records)))
}

/// Turns on or off "let e-portfolio sites find my published collections by my address".
/// Turning it on gives a new random id, so an id handed out before it was turned off
/// never works again.
pub async fn set_displayer(db: &DatabaseConnection, user_id: i64, on: bool) -> Result<Option<i64>, DbErr> {
    use rand::Rng;
    if !on {
        users::entity::Entity::update_many()
            .col_expr(
                users::entity::Column::DisplayerId,
                Expr::value(Option::<i64>::None),
            )
            .filter(users::entity::Column::Id.eq(user_id))
            .exec(db)
            .await?;
        return Ok(None);
    }
    loop {
        // Positive and below 2^31: what PHP and Moodle's integer columns hold everywhere.
        let id = rand::rngs::OsRng.gen_range(100_000_000..i64::from(i32::MAX));
        let updated = users::entity::Entity::update_many()
            .col_expr(users::entity::Column::DisplayerId, Expr::value(id))
            .filter(users::entity::Column::Id.eq(user_id))
            .exec(db)
            .await;
        match updated {
            Ok(_) => return Ok(Some(id)),
            Err(err) if super::is_unique_violation(&err) => continue,
            Err(err) => return Err(err),
        }
    }
}
