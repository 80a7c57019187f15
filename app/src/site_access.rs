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

/// Where a connection's import stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RemoteState {
    Running,
    Done,
    Failed,
}

/// A connection to another backpack, as settings show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteEntry {
    pub id: i64,
    pub name: String,
    /// The other backpack's site (its API base's host).
    pub host: String,
    /// `YYYY-MM-DD`.
    pub connected_on: String,
    pub state: RemoteState,
    /// `YYYY-MM-DD HH:MM`, UTC.
    pub imported_at: Option<String>,
    pub done: i32,
    pub added: i32,
    pub already: i32,
    pub refused: i32,
}

/// Starts bringing badges from another backpack: the browser goes to that backpack's
/// consent page, and comes back to `/connect-backpack/callback`.
#[server(prefix = "/api", endpoint = "connect_backpack")]
pub async fn connect_backpack(address: String) -> Result<(), AppError> {
    use crate::request::*;
    use besace_core::remote_backpacks::{self, Outcome, RemoteError, PENDING_KEY};
    let state = state();
    let user = require_user().await?;
    let site = state.public_url.to_string();
    let callback = format!("{site}/connect-backpack/callback");
    match remote_backpacks::start(&state.db, &state.fetcher, user.id, &address, &callback, &site).await {
        Ok((target, pending)) => {
            session()
                .await?
                .insert(PENDING_KEY, &pending)
                .await
                .map_err(internal)?;
            tracing::info!(user_id = user.id, "connecting another backpack");
            leptos_axum::redirect(&target);
        }
        Err(RemoteError::Db(err)) => return Err(internal(err)),
        Err(err) => {
            tracing::info!(user_id = user.id, error = %err, "another backpack could not be connected");
            let code = Outcome::of(&err).code();
            leptos_axum::redirect(&format!("/settings?remote={code}#remote"));
        }
    }
    Ok(())
}

#[server(prefix = "/api", endpoint = "my_remote_backpacks")]
pub async fn my_remote_backpacks() -> Result<Vec<RemoteEntry>, AppError> {
    use crate::request::*;
    use besace_core::remote_backpacks::{self, ImportState};
    let state = state();
    let user = require_user().await?;
    let reader = crate::dates::reader().await;
    let found = remote_backpacks::list(&state.db, user.id)
        .await
        .map_err(internal)?;
    Ok(found
        .into_iter()
        .map(|(connection, registration)| RemoteEntry {
            id: connection.id,
            name: registration.name,
            host: url::Url::parse(&registration.api_base)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_default(),
            connected_on: reader.day(connection.created_at),
            state: match connection.import_state {
                ImportState::Running => RemoteState::Running,
                ImportState::Done => RemoteState::Done,
                ImportState::Failed => RemoteState::Failed,
            },
            imported_at: connection.imported_at.map(|at| reader.moment(at)),
            done: connection.done,
            added: connection.added,
            already: connection.already,
            refused: connection.refused,
        })
        .collect())
}

#[server(prefix = "/api", endpoint = "import_again")]
pub async fn import_again(id: i64) -> Result<(), AppError> {
    use crate::request::*;
    let state = state();
    let user = require_user().await?;
    besace_core::remote_backpacks::import_again(&state.store, &state.fetcher, user.id, id)
        .await
        .map_err(internal)?;
    leptos_axum::redirect("/settings#remote");
    Ok(())
}

#[server(prefix = "/api", endpoint = "remove_backpack")]
pub async fn remove_backpack(id: i64) -> Result<(), AppError> {
    use crate::request::*;
    let state = state();
    let user = require_user().await?;
    if !besace_core::remote_backpacks::remove(&state.db, user.id, id)
        .await
        .map_err(internal)?
    {
        return fail(AppError::NotFound);
    }
    leptos_axum::redirect("/settings#remote");
    Ok(())
}
