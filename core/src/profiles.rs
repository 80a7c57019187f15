//! Public profiles: off by default. When on, `/u/{handle}` shows the learner's published
//! collections or, if they choose, every badge in the backpack.
use super::{is_unique_violation, users};
use sea_orm::{entity::prelude::*, sea_query::Expr, DatabaseConnection};

/// What a public profile shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProfileMode {
    Off,
    /// The published collections.
    Collections,
    /// Every badge of the backpack, and the published collections.
    Backpack,
}

impl ProfileMode {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "off" => Some(Self::Off),
            "collections" => Some(Self::Collections),
            "backpack" => Some(Self::Backpack),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Collections => "collections",
            Self::Backpack => "backpack",
        }
    }
}

/// Paths the site uses itself, or that would mislead.
const RESERVED: [&str; 8] = ["admin", "api", "besace", "demo", "g", "login", "settings", "u"];

/// A handle: 3 to 30 lower-case letters, digits or inner hyphens.
pub fn parse_handle(raw: &str) -> Option<String> {
    let handle = raw.trim().to_lowercase();
    let fits = (3..=30).contains(&handle.len())
        && handle
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !handle.starts_with('-')
        && !handle.ends_with('-')
        && !RESERVED.contains(&handle.as_str());
    fits.then_some(handle)
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("another learner uses this handle")]
    HandleTaken,
    #[error(transparent)]
    Db(#[from] DbErr),
}

pub async fn set(
    store: &super::changes::Store,
    user_id: i64,
    handle: Option<String>,
    mode: ProfileMode,
) -> Result<(), ProfileError> {
    users::entity::Entity::update_many()
        .col_expr(users::entity::Column::ProfileHandle, Expr::value(handle))
        .col_expr(users::entity::Column::ProfileMode, Expr::value(mode.as_str()))
        .filter(users::entity::Column::Id.eq(user_id))
        .exec(&store.db)
        .await
        .map_err(|err| {
            if is_unique_violation(&err) {
                ProfileError::HandleTaken
            } else {
                ProfileError::Db(err)
            }
        })?;
    store.changes.public_pages(user_id);
    Ok(())
}

/// The learner behind a handle and what they show, if their profile is on.
pub async fn find_public(
    db: &DatabaseConnection,
    handle: &str,
) -> Result<Option<(users::User, ProfileMode)>, DbErr> {
    let Some(handle) = parse_handle(handle) else {
        return Ok(None);
    };
    let user = users::entity::Entity::find()
        .filter(users::entity::Column::ProfileHandle.eq(handle))
        .one(db)
        .await?;
    Ok(
        user.and_then(|user| match ProfileMode::parse(&user.profile_mode) {
            Some(ProfileMode::Off) | None => None,
            Some(mode) => Some((user, mode)),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_short_plain_and_not_ours() {
        assert_eq!(parse_handle(" Camille-Durand "), Some("camille-durand".into()));
        for refused in [
            "ab",
            "-camille",
            "camille-",
            "camille durand",
            "camille@x",
            "api",
            "é-é-é",
        ] {
            assert_eq!(parse_handle(refused), None, "{refused}");
        }
    }
}
