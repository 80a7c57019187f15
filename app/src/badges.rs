//! The backpack as the pages see it: one card per badge.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the backpack grid shows of a badge (badge text is untrusted: views escape it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeCard {
    pub id: i64,
    pub name: String,
    pub issuer: String,
    /// `YYYY-MM-DD`, when the badge says.
    pub issued_on: Option<String>,
    /// verified | expired | revoked | unchecked
    pub status: String,
}

#[server(prefix = "/api", endpoint = "my_badges")]
pub async fn my_badges() -> Result<Vec<BadgeCard>, AppError> {
    use crate::server::{badges, request::*};
    let state = state();
    let user = require_user().await?;
    let rows = badges::list(&state.db, user.id).await.map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|badge| BadgeCard {
            id: badge.id,
            name: badge.name,
            issuer: badge.issuer_name,
            issued_on: badge.issued_on.map(|date| date.format("%Y-%m-%d").to_string()),
            status: badge.status,
        })
        .collect())
}
