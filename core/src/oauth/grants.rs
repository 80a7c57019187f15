//! A learner's connected platforms: listed, disconnected, their tokens ended.
use super::*;

/// The learner's connected platforms, most recent first.
pub async fn grants_of_user(db: &DatabaseConnection, user_id: i64) -> Result<Vec<Grant>, DbErr> {
    grant_entity::Entity::find()
        .filter(grant_entity::Column::UserId.eq(user_id))
        .order_by_desc(grant_entity::Column::CreatedAt)
        .order_by_desc(grant_entity::Column::Id)
        .all(db)
        .await
}

/// Ends a connection: the grant, its codes and every token go at once. Answers whether the
/// learner had such a connection.
pub async fn disconnect(db: &DatabaseConnection, user_id: i64, grant_id: i64) -> Result<bool, DbErr> {
    let txn = db.begin().await?;
    let Some(grant) = grant_entity::Entity::find_by_id(grant_id)
        .filter(grant_entity::Column::UserId.eq(user_id))
        .one(&txn)
        .await?
    else {
        return Ok(false);
    };
    end_grant(&txn, grant.id).await?;
    txn.commit().await?;
    Ok(true)
}

/// Makes every token of a grant expire now (tests of expiry use it; so could an operator).
pub async fn expire_tokens_of_user(db: &DatabaseConnection, user_id: i64) -> Result<u64, DbErr> {
    let grants: Vec<i64> = grants_of_user(db, user_id).await?.iter().map(|g| g.id).collect();
    let result = token_entity::Entity::update_many()
        .col_expr(
            token_entity::Column::ExpiresAt,
            Expr::value(Utc::now() - Duration::seconds(1)),
        )
        .filter(token_entity::Column::GrantId.is_in(grants))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
