//! What other sites may read, as the learner sets it in settings: platform passwords for
//! sites that sign in with an address and a password (Moodle's backpack settings), and
//! whether e-portfolio sites (Mahara) may find the published collections by address.
//! Plain forms posting to server functions that redirect: no wasm is needed.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A platform password just made: shown once, on the page the form lands on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPassword {
    pub site: String,
    pub password: String,
    /// The address to type with it.
    pub email: String,
}

/// The e-portfolio setting and the addresses it answers for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EportfolioSetting {
    pub on: bool,
    pub addresses: Vec<String>,
}

#[cfg(feature = "ssr")]
const NEW_PASSWORD_KEY: &str = "besace.new_platform_password";

/// Makes a platform password for the site the learner names; the settings page then shows
/// it, once.
#[server(prefix = "/api", endpoint = "create_platform_password")]
pub async fn create_platform_password(site: String, collections: String) -> Result<(), AppError> {
    use crate::request::*;
    use besace_core::oauth::passwords::{self, Listing, SiteName};
    let state = state();
    let user = require_user().await?;
    let (Some(name), Some(listing)) = (SiteName::parse(&site), Listing::parse(&collections)) else {
        return fail(AppError::BadRequest);
    };
    let created = passwords::create(&state.db, user.id, name, listing)
        .await
        .map_err(internal)?;
    tracing::info!(
        user_id = user.id,
        grant = created.grant_id,
        "platform password created"
    );
    let shown = NewPassword {
        site: site.trim().to_owned(),
        password: created.password,
        email: user.email,
    };
    session()
        .await?
        .insert(NEW_PASSWORD_KEY, &shown)
        .await
        .map_err(internal)?;
    leptos_axum::redirect("/settings#new-platform-password");
    Ok(())
}

/// The password made last, taken out of the session: it is shown this once.
#[server(prefix = "/api", endpoint = "new_platform_password")]
pub async fn new_platform_password() -> Result<Option<NewPassword>, AppError> {
    use crate::request::*;
    require_user().await?;
    session()
        .await?
        .remove::<NewPassword>(NEW_PASSWORD_KEY)
        .await
        .map_err(internal)
}

#[server(prefix = "/api", endpoint = "my_eportfolio")]
pub async fn my_eportfolio() -> Result<EportfolioSetting, AppError> {
    use crate::request::*;
    let state = state();
    let user = require_user().await?;
    let addresses = besace_core::emails::verified(&state.db, user.id)
        .await
        .map_err(internal)?;
    Ok(EportfolioSetting {
        on: user.displayer_id.is_some(),
        addresses,
    })
}

#[server(prefix = "/api", endpoint = "set_eportfolio")]
pub async fn set_eportfolio(on: String) -> Result<(), AppError> {
    use crate::request::*;
    let state = state();
    let user = require_user().await?;
    besace_core::listings::set_displayer(&state.db, user.id, on == "on")
        .await
        .map_err(internal)?;
    tracing::info!(user_id = user.id, on = on == "on", "e-portfolio setting changed");
    leptos_axum::redirect("/settings#eportfolio");
    Ok(())
}
