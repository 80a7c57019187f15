//! "Mot de passe oublié ?": ask for a link, then choose a new password with it (the use
//! cases are `core::password_resets`). The pages are plain forms with no island: each
//! function answers with a redirect to its page, carrying the outcome or the error, so
//! they work the same with or without the wasm.
use crate::error::AppError;
use leptos::prelude::*;

/// Asks for a link. Answers the same, at once, whether or not the address has an account;
/// the link is made and mailed afterwards (so the time taken tells nothing either).
#[server(prefix = "/api", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::server::{password_resets, request::*};
    const PAGE: &str = "/forgot-password";
    let state = state();
    let Some(email) = address_within_budget(PAGE, &email).await else {
        return Ok(());
    };
    tokio::spawn(async move {
        match password_resets::start(&state.db, &email, chrono::Utc::now()).await {
            Ok(Some((user, token))) => {
                if state
                    .rate_limits
                    .allow_account(&format!("mail:{}", user.id))
                    .await
                {
                    let link = format!("{}/reset-password?token={token}", state.public_url);
                    if let Err(err) = state.mailer.send(ssr::reset_mail(&user, &link)).await {
                        tracing::error!(error = ?err, user_id = user.id, "reset mail not sent");
                    } else {
                        tracing::info!(user_id = user.id, "password reset link sent");
                    }
                }
            }
            Ok(None) => tracing::info!("password reset asked for an address with no account"),
            Err(err) => tracing::error!(error = ?err, "password reset link not made"),
        }
    });
    leptos_axum::redirect(&format!("{PAGE}?sent"));
    Ok(())
}

/// Uses a link: the new password replaces the old one, every session of the account ends,
/// and this browser is logged in.
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(token: String, new_password: String) -> Result<(), AppError> {
    use crate::server::{
        password_resets::{self, ResetError},
        request::*,
    };
    const PAGE: &str = "/reset-password";
    let state = state();
    if let Err(err) = check_ip_budget().await {
        back_to(PAGE, &[("token", &token)], None, &err);
        return Ok(());
    }
    let user = match password_resets::finish(&state.db, &token, new_password, chrono::Utc::now()).await {
        Ok(user) => user,
        Err(ResetError::InvalidLink) => {
            back_to(PAGE, &[], None, &AppError::InvalidResetLink);
            return Ok(());
        }
        Err(ResetError::Weak(weak)) => {
            back_to(PAGE, &[("token", &token)], None, &AppError::from(weak));
            return Ok(());
        }
        Err(ResetError::Db(err)) => return Err(internal(err)),
        Err(ResetError::Hash(err)) => return Err(internal(err)),
    };
    log_in(&session().await?, &user).await?;
    tracing::info!(user_id = user.id, "password reset");
    leptos_axum::redirect(&format!("{PAGE}?done"));
    Ok(())
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::emails::ssr::locale_of;
    use crate::server::{mail::Mail, users::User};
    use leptos_i18n::td_string;

    /// The reset mail, in the account's language.
    pub fn reset_mail(user: &User, link: &str) -> Mail {
        let locale = locale_of(user);
        let name = user.display_name.as_str();
        Mail {
            to: user.email.clone(),
            subject: td_string!(locale, mail.reset_subject).to_string(),
            body: td_string!(locale, mail.reset_body, name, link).to_string(),
        }
    }
}
