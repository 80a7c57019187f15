//! Accounts: sign up, log in, log out, change password, language, delete account.
//! Each server function parses its input into domain types, then calls the server layer.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the pages know about the logged-in learner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub display_name: String,
    pub email: String,
    pub locale: Option<String>,
    /// Badges platforms sent that wait in the inbox (the menu shows how many).
    pub inbox: u64,
}

/// The name of the cookie that remembers the chosen language (leptos_i18n's).
pub const LANGUAGE_COOKIE: &str = "i18n_pref_locale";

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::domain::{DisplayName, Email, Language};
    pub use crate::server::{password, request::*, users};

    /// Remembers the language in the cookie leptos_i18n reads on every page.
    pub fn set_language_cookie(language: Language) {
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            let cookie = format!(
                "{}={}; Path=/; Max-Age=31536000; SameSite=Lax",
                super::LANGUAGE_COOKIE,
                language.code()
            );
            if let Ok(value) = http::HeaderValue::from_str(&cookie) {
                options.append_header(http::header::SET_COOKIE, value);
            }
        }
    }
}

#[server(prefix = "/api", endpoint = "me")]
pub async fn me() -> Result<Option<CurrentUser>, AppError> {
    request_user_view().await
}

#[cfg(feature = "ssr")]
async fn request_user_view() -> Result<Option<CurrentUser>, AppError> {
    use crate::server::request::{current_user, internal, state};
    let state = state();
    let Some(user) = current_user().await? else {
        return Ok(None);
    };
    let inbox = crate::server::inbox::count(&state.db, user.id)
        .await
        .map_err(internal)?;
    Ok(Some(CurrentUser {
        display_name: user.display_name,
        email: user.email,
        locale: user.locale,
        inbox,
    }))
}

/// Signs up. The answer is the same whether or not the address has an account (the
/// "check your mail" page): a new address gets the link that confirms it and logs in; the
/// owner of an existing account gets a mail saying someone tried, with the way to log in.
#[server(prefix = "/api", endpoint = "signup")]
pub async fn signup(
    email: String,
    display_name: String,
    password: String,
    language: Option<String>,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::server::request::{or_back, plain_form};
    let plain = plain_form();
    let params: Vec<(&str, &str)> = next.as_deref().map(|next| ("next", next)).into_iter().collect();
    let page = "/signup";
    let answer = signed_up(email, display_name, password, language, next.clone()).await;
    or_back(plain, page, &params, answer)
}

#[cfg(feature = "ssr")]
async fn signed_up(
    email: String,
    display_name: String,
    password: String,
    language: Option<String>,
    next: Option<String>,
) -> Result<(), AppError> {
    use self::ssr::*;
    use crate::emails::ssr::{send_account_exists, send_sign_up_link};
    check_ip_budget().await?;
    let email = Email::parse(&email).or_else(fail)?;
    let display_name = DisplayName::parse(&display_name).or_else(fail)?;
    password::check_policy(&password, &[email.as_ref(), display_name.as_ref()]).or_else(fail)?;
    let language = language.as_deref().and_then(|l| Language::parse(l).ok());
    let hash = password::hash(password).await.map_err(internal)?;
    let next = next
        .as_deref()
        .and_then(|next| local_path(&state().public_url, next));
    // Mail failures are logged, not answered: the answer must not depend on the address.
    match users::sign_up(&state().db, &email, &display_name, hash, language)
        .await
        .map_err(internal)?
    {
        users::SignUp::ToConfirm(user, address) => {
            tracing::info!(user_id = user.id, "account to confirm");
            if check_mail_budget(&user).await.is_ok() {
                let _ = send_sign_up_link(&user, &address, next.as_deref()).await;
            }
        }
        users::SignUp::AlreadyThere(user) => {
            tracing::info!(user_id = user.id, "sign-up with an existing account's address");
            if check_mail_budget(&user).await.is_ok() {
                let _ = send_account_exists(&user, language).await;
            }
        }
    }
    leptos_axum::redirect("/check-your-mail");
    Ok(())
}

/// Sends the sign-up link again (the "check your mail" page's form). Answers the same
/// whatever the address: only an account still waiting for its link gets a new one, and
/// the earlier links die with it.
#[server(prefix = "/api", endpoint = "resend_sign_up_link")]
pub async fn resend_sign_up_link(email: String) -> Result<(), AppError> {
    use self::ssr::*;
    use crate::emails::ssr::send_sign_up_link;
    const PAGE: &str = "/check-your-mail";
    let state = state();
    let Some(email) = address_within_budget(PAGE, &email).await else {
        return Ok(());
    };
    let waiting = users::find_by_email(&state.db, &email)
        .await
        .map_err(internal)?
        .filter(|user| user.confirmed_at.is_none());
    if let Some(user) = waiting {
        if check_mail_budget(&user).await.is_ok() {
            if let Ok(address) = crate::server::emails::void_links(&state.db, user.id, &email).await {
                let _ = send_sign_up_link(&user, &address, None).await;
            }
        }
    }
    leptos_axum::redirect(&format!("{PAGE}?resent"));
    Ok(())
}

/// Where to go once logged in: the page that asked, if it is on this site, else the
/// backpack (see `local_path`).
#[cfg(feature = "ssr")]
pub(crate) fn after_login(next: Option<&str>) -> String {
    next.and_then(|next| local_path(&crate::server::request::state().public_url, next))
        .unwrap_or_else(|| "/backpack".to_owned())
}

/// `next` read the way a browser reads a link on our pages: as a URL relative to the
/// public URL. It is kept only if it stays on our origin, and answered as a path that no
/// browser can read as another host (browsers drop tabs and newlines inside URLs, so a
/// prefix check on the raw text is not enough: `/\t/evil.example` is `//evil.example`).
#[cfg(feature = "ssr")]
pub(crate) fn local_path(public_url: &str, next: &str) -> Option<String> {
    let base = url::Url::parse(public_url).ok()?;
    let target = base.join(next).ok()?;
    if target.origin() != base.origin() || target.path().starts_with("//") {
        return None;
    }
    let mut path = target.path().to_owned();
    if let Some(query) = target.query() {
        path.push('?');
        path.push_str(query);
    }
    if let Some(fragment) = target.fragment() {
        path.push('#');
        path.push_str(fragment);
    }
    // The serialiser percent-encodes what a header may not hold; check it anyway, since
    // the answer becomes a Location header.
    (path.starts_with('/') && !path.contains('\\') && path.bytes().all(|b| b.is_ascii_graphic()))
        .then_some(path)
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::local_path;

    const BASE: &str = "https://besace.example";

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(local_path(BASE, "/connect").as_deref(), Some("/connect"));
        assert_eq!(
            local_path(BASE, "/o/authorize?client_id=a&state=b#x").as_deref(),
            Some("/o/authorize?client_id=a&state=b#x")
        );
        assert_eq!(
            local_path(BASE, "https://besace.example/inbox").as_deref(),
            Some("/inbox")
        );
        // Spaces and accents come back percent-encoded, never raw in a header.
        assert_eq!(
            local_path(BASE, "/badges/1 é").as_deref(),
            Some("/badges/1%20%C3%A9")
        );
    }

    #[test]
    fn next_never_leaves_this_site_nor_panics() {
        for hostile in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\x0b/evil.example",
            "\t//evil.example",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https://evil.example/",
            "http://besace.example/",
            "https://besace.example.evil.example/",
            "https://besace.example:8443/",
            "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "/.//evil.example",
            "/..//evil.example",
        ] {
            let path = local_path(BASE, hostile);
            assert!(
                path.as_deref()
                    .is_none_or(|p| p.starts_with('/') && !p.starts_with("//") && !p.contains('\\')),
                "{hostile:?} gave {path:?}"
            );
        }
        assert_eq!(local_path(BASE, "//evil.example"), None);
        assert_eq!(local_path(BASE, "/\t/evil.example"), None);
        assert_eq!(local_path(BASE, "https://evil.example/"), None);
    }
}

/// Logs in; answers the account's language, so the page can switch to it at once.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<Option<String>, AppError> {
    use crate::server::request::{or_back, plain_form};
    let plain = plain_form();
    let params: Vec<(&str, &str)> = next.as_deref().map(|next| ("next", next)).into_iter().collect();
    let answer = logged_in(email, password, next.clone()).await;
    or_back(plain, "/login", &params, answer)
}

#[cfg(feature = "ssr")]
async fn logged_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<Option<String>, AppError> {
    use self::ssr::*;
    check_ip_budget().await?;
    let Ok(email) = Email::parse(&email) else {
        return fail(AppError::WrongCredentials);
    };
    check_account_budget(&email).await?;
    let user = users::find_by_email(&state().db, &email)
        .await
        .map_err(internal)?;
    // Verify against a decoy when the address is unknown: same answer, same time.
    let stored = user
        .as_ref()
        .map_or_else(|| password::decoy_hash().to_owned(), |u| u.password_hash.clone());
    let matches = password::verify(password, stored).await.map_err(internal)?;
    let user = match user {
        Some(user) if matches => user,
        _ => return fail(AppError::WrongCredentials),
    };
    if user.confirmed_at.is_none() {
        // The password is right but the address was never confirmed: send the link again.
        if check_mail_budget(&user).await.is_ok() {
            if let Ok(address) = crate::server::emails::void_links(&state().db, user.id, &email).await {
                let _ = crate::emails::ssr::send_sign_up_link(&user, &address, None).await;
            }
        }
        return fail(AppError::AccountNotConfirmed);
    }
    log_in(&session().await?, &user).await?;
    let language = user.locale.as_deref().and_then(|l| Language::parse(l).ok());
    if let Some(language) = language {
        set_language_cookie(language);
    }
    tracing::info!(user_id = user.id, "logged in");
    leptos_axum::redirect(&after_login(next.as_deref()));
    Ok(language.map(|language| language.code().to_owned()))
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use self::ssr::*;
    log_out(&session().await?).await?;
    leptos_axum::redirect("/");
    Ok(())
}

#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    use self::ssr::*;
    let user = require_user().await?;
    let email = Email::parse(&user.email).map_err(|_| AppError::Internal)?;
    check_account_budget(&email).await?;
    if !password::verify(current_password, user.password_hash.clone())
        .await
        .map_err(internal)?
    {
        return fail(AppError::WrongPassword);
    }
    password::check_policy(&new_password, &[&user.email, &user.display_name]).or_else(fail)?;
    let hash = password::hash(new_password).await.map_err(internal)?;
    // Every other session of the account ends (an attacker who knew the old password is
    // out on every device); this one goes on under a new id.
    let user = users::set_password(&state().db, user.id, hash)
        .await
        .map_err(internal)?;
    log_in(&session().await?, &user).await?;
    tracing::info!(user_id = user.id, "password changed");
    Ok(())
}

/// Ends every session of the account, this one included ("log out everywhere").
#[server(prefix = "/api", endpoint = "logout_everywhere")]
pub async fn logout_everywhere() -> Result<(), AppError> {
    use self::ssr::*;
    let user = require_user().await?;
    users::end_sessions(&state().db, user.id)
        .await
        .map_err(internal)?;
    log_out(&session().await?).await?;
    tracing::info!(user_id = user.id, "logged out everywhere");
    leptos_axum::redirect("/login");
    Ok(())
}

/// Changes the name recruiters see on every public page (a plain form of the settings
/// page: it answers with a redirect back to it, saying what happened).
#[server(prefix = "/api", endpoint = "set_display_name")]
pub async fn set_display_name(display_name: String) -> Result<(), AppError> {
    use self::ssr::*;
    let state = state();
    let user = require_user().await?;
    let Ok(name) = DisplayName::parse(&display_name) else {
        back_to("/settings", &[], Some("name"), &AppError::InvalidDisplayName);
        return Ok(());
    };
    users::set_display_name(&state.store, user.id, &name)
        .await
        .map_err(internal)?;
    tracing::info!(user_id = user.id, "display name changed");
    leptos_axum::redirect("/settings?name=saved#name");
    Ok(())
}

#[server(prefix = "/api", endpoint = "set_language")]
pub async fn set_language(language: String) -> Result<(), AppError> {
    use self::ssr::*;
    let language = Language::parse(&language).or_else(fail)?;
    if let Some(user) = crate::server::request::current_user().await? {
        users::set_locale(&state().db, user.id, language)
            .await
            .map_err(internal)?;
    }
    set_language_cookie(language);
    Ok(())
}

#[server(prefix = "/api", endpoint = "delete_account")]
pub async fn delete_account(password: String) -> Result<(), AppError> {
    use self::ssr::*;
    let state = state();
    let user = require_user().await?;
    let email = Email::parse(&user.email).map_err(|_| AppError::Internal)?;
    check_account_budget(&email).await?;
    if !password::verify(password, user.password_hash.clone())
        .await
        .map_err(internal)?
    {
        return fail(AppError::WrongPassword);
    }
    users::delete(&state.store, user.id).await.map_err(internal)?;
    log_out(&session().await?).await?;
    tracing::info!(user_id = user.id, "account deleted");
    leptos_axum::redirect("/");
    Ok(())
}
