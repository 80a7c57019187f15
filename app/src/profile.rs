//! The learner's public profile, as the settings page sees it.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileSettings {
    pub handle: String,
    /// off | collections | backpack
    pub mode: String,
    /// The public address, while the profile is on.
    pub url: Option<String>,
}

#[cfg(feature = "ssr")]
fn settings_of(public_url: &str, user: &crate::server::users::User) -> ProfileSettings {
    let handle = user.profile_handle.clone().unwrap_or_default();
    ProfileSettings {
        url: (user.profile_mode != "off" && !handle.is_empty()).then(|| format!("{public_url}/u/{handle}")),
        handle,
        mode: user.profile_mode.clone(),
    }
}

#[server(prefix = "/api", endpoint = "my_profile")]
pub async fn my_profile() -> Result<ProfileSettings, AppError> {
    use crate::server::request::*;
    let state = state();
    let user = require_user().await?;
    Ok(settings_of(&state.public_url, &user))
}

/// Turns the public profile on (with a handle) or off; off answers 404 at once.
#[server(prefix = "/api", endpoint = "set_profile")]
pub async fn set_profile(handle: String, mode: String) -> Result<ProfileSettings, AppError> {
    use crate::server::profiles::{self, ProfileError, ProfileMode};
    use crate::server::{request::*, users};
    let state = state();
    let user = require_user().await?;
    let Some(mode) = ProfileMode::parse(&mode) else {
        return fail(AppError::InvalidHandle);
    };
    let handle = match (profiles::parse_handle(&handle), mode) {
        (Some(handle), _) => Some(handle),
        (None, ProfileMode::Off) if handle.trim().is_empty() => None,
        (None, _) => return fail(AppError::InvalidHandle),
    };
    match profiles::set(&state.store, user.id, handle, mode).await {
        Ok(()) => {}
        Err(ProfileError::HandleTaken) => return fail(AppError::HandleTaken),
        Err(ProfileError::Db(err)) => return Err(internal(err)),
    }
    let user = users::find(&state.db, user.id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotLoggedIn)?;
    tracing::info!(user_id = user.id, mode = mode.as_str(), "public profile changed");
    Ok(settings_of(&state.public_url, &user))
}
