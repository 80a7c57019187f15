//! What a server function needs from the request it serves: state, session, caller.
use crate::error::AppError;
use axum::extract::ConnectInfo;
use besace_core::{users, AppState};
use leptos::prelude::*;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use tower_sessions::Session;

const USER_ID_KEY: &str = "user_id";
/// The account's session epoch at login: a session from an older epoch no longer counts.
const EPOCH_KEY: &str = "epoch";

/// Server state; call it before the first `.await` of a server function (see `current_user`).
pub fn state() -> AppState {
    expect_context::<AppState>()
}

/// Logs an unexpected failure with its whole chain; the user only sees "internal".
pub fn internal(err: impl Into<anyhow::Error>) -> AppError {
    let err = err.into();
    tracing::error!(error = ?err, "request failed");
    AppError::Internal
}

/// Sets the HTTP status of the response to the one the error calls for.
pub fn fail<T>(err: impl Into<AppError>) -> Result<T, AppError> {
    let err = err.into();
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(err.status()) {
            options.set_status(status);
        }
    }
    Err(err)
}

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|e| internal(anyhow::anyhow!("no session layer: {e}")))
}

/// The address of the client: the peer, or, when the peer is one of the operator's
/// trusted proxies, the address that proxy saw (see `client_address`).
pub async fn client_ip() -> IpAddr {
    let trusted = state().trusted_proxies.clone();
    let peer = leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .map(|ConnectInfo(addr)| addr.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let headers = leptos_axum::extract::<http::HeaderMap>()
        .await
        .unwrap_or_default();
    client_address(peer, &headers, &trusted)
}

/// `X-Forwarded-For` counts only when the peer is a trusted proxy, and then only up to
/// the first address no trusted proxy owns (read from the right: each proxy appends the
/// address it saw, and whatever the client wrote comes first). Anyone else's header is
/// ignored, so no client can choose the address its attempts are counted against.
pub fn client_address(peer: IpAddr, headers: &http::HeaderMap, trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map_while(|hop| hop.trim().parse().ok())
        .collect();
    hops.into_iter()
        .rev()
        .find(|hop| !is_trusted(hop))
        .unwrap_or(peer)
}

/// Starts an authenticated session under a fresh id (no session fixation).
pub async fn log_in(session: &Session, user: &users::User) -> Result<(), AppError> {
    session.cycle_id().await.map_err(internal)?;
    session.insert(USER_ID_KEY, user.id).await.map_err(internal)?;
    session
        .insert(EPOCH_KEY, user.session_epoch)
        .await
        .map_err(internal)
}

/// Deletes the session server-side, so its cookie is worthless from now on.
pub async fn log_out(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(internal)
}

/// The logged-in user, if any (a session whose account was deleted counts as none).
pub async fn current_user() -> Result<Option<users::User>, AppError> {
    // Contexts are read before the first await: during server rendering a resource's owner
    // can be disposed while its fetch is still running, and contexts go with it.
    let state = state();
    session_user(&state.db, &session().await?).await
}

/// The learner a session belongs to, for plain axum handlers (outside Leptos).
pub async fn session_user(
    db: &sea_orm::DatabaseConnection,
    session: &Session,
) -> Result<Option<users::User>, AppError> {
    let Some(id) = session.get::<i64>(USER_ID_KEY).await.map_err(internal)? else {
        return Ok(None);
    };
    let epoch = session
        .get::<i64>(EPOCH_KEY)
        .await
        .map_err(internal)?
        .unwrap_or(0);
    match users::find(db, id).await.map_err(internal)? {
        Some(user) if user.session_epoch == epoch => Ok(Some(user)),
        // The account was deleted, or its sessions were ended (password changed elsewhere,
        // "log out everywhere"): this one is over too.
        _ => {
            session.flush().await.map_err(internal)?;
            Ok(None)
        }
    }
}

pub async fn require_user() -> Result<users::User, AppError> {
    match current_user().await? {
        Some(user) => Ok(user),
        None => fail(AppError::NotLoggedIn),
    }
}

/// Sign-up, login and link attempts from one client IP.
pub async fn check_ip_budget() -> Result<(), AppError> {
    if state().rate_limits.allow_ip(client_ip().await).await {
        Ok(())
    } else {
        fail(AppError::RateLimited)
    }
}

/// Password attempts on one account, from one client address: a flood of wrong passwords
/// from elsewhere slows its sender down, never the account's owner.
pub async fn check_account_budget(email: &crate::domain::Email) -> Result<(), AppError> {
    let state = state();
    let key = format!("{}|{}", email.as_ref(), client_ip().await);
    if state.rate_limits.allow_account(&key).await {
        Ok(())
    } else {
        fail(AppError::RateLimited)
    }
}

/// Mails one learner may have sent (verification links), so nobody is mail-bombed.
pub async fn check_mail_budget(user: &users::User) -> Result<(), AppError> {
    if state()
        .rate_limits
        .allow_account(&format!("mail:{}", user.id))
        .await
    {
        Ok(())
    } else {
        fail(AppError::RateLimited)
    }
}

/// The language of this request's page: the remembered choice, else the browser's.
pub async fn request_lang() -> besace_badges::Lang {
    match leptos_axum::extract::<http::HeaderMap>().await {
        Ok(headers) => lang_of_request(&headers, None),
        Err(_) => besace_badges::Lang::En,
    }
}

/// The language cookie (the header switch), else the account's choice, else
/// Accept-Language: the order the pages themselves follow.
pub fn lang_of_request(headers: &http::HeaderMap, account: Option<&str>) -> besace_badges::Lang {
    use besace_badges::Lang;
    let cookie = cookie(headers, crate::account::LANGUAGE_COOKIE);
    let browser = || {
        headers
            .get(http::header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    cookie
        .or_else(|| account.map(str::to_owned))
        .or_else(browser)
        .map(|tag| Lang::parse(&tag))
        .unwrap_or_default()
}

/// The value of the request's cookie `name`, if it sent one.
pub fn cookie(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// The address a plain form about an address posted (a link to mail again, a password to
/// reset), once it is one and within the per-IP and per-address budgets; else the answer
/// is a redirect back to `page` with the error, and `None`.
pub async fn address_within_budget(page: &str, email: &str) -> Option<crate::domain::Email> {
    let checked = async {
        check_ip_budget().await?;
        let email = crate::domain::Email::parse(email).map_err(|_| AppError::InvalidEmail)?;
        check_account_budget(&email).await?;
        Ok::<_, AppError>(email)
    };
    match checked.await {
        Ok(email) => Some(email),
        Err(err) => {
            back_to(page, &[], None, &err);
            None
        }
    }
}

/// The form was posted by the browser itself, without the wasm: it asks for a page, not
/// for JSON (leptos_axum's own test for a plain form in `redirect`).
pub fn plain_form() -> bool {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.headers.get(http::header::ACCEPT).cloned())
        .and_then(|accept| accept.to_str().ok().map(|accept| accept.contains("text/html")))
        .unwrap_or(false)
}

/// A server function's answer for a form that also works without the wasm: an error of a
/// plain post goes back to `page` (with `params`) and shows there, instead of a raw body.
pub fn or_back<T: Default>(
    plain: bool,
    page: &str,
    params: &[(&str, &str)],
    answer: Result<T, AppError>,
) -> Result<T, AppError> {
    match answer {
        Err(err) if plain && err != AppError::Internal => {
            back_to(page, params, None, &err);
            Ok(T::default())
        }
        answer => answer,
    }
}

/// Answers a plain form's post with a redirect back to its page, carrying `error` as
/// `?error=Variant` (the page shows it with `ErrorMessage`) next to `params`, and then
/// `#fragment`, so the learner lands where they were.
pub fn back_to(path: &str, params: &[(&str, &str)], fragment: Option<&str>, error: &AppError) {
    let code = serde_json::to_value(error)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_else(|| "Internal".to_owned());
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter().copied())
        .append_pair("error", &code)
        .finish();
    let fragment = fragment.map(|f| format!("#{f}")).unwrap_or_default();
    leptos_axum::redirect(&format!("{path}?{query}{fragment}"));
}

#[cfg(test)]
mod tests {
    use super::client_address;

    #[test]
    fn only_trusted_proxies_name_the_client() {
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "127.0.0.1/32".parse().unwrap()];
        let mut headers = http::HeaderMap::new();
        headers.insert("x-forwarded-for", "198.51.100.7, 10.1.2.3".parse().unwrap());
        let proxy = "10.9.9.9".parse().unwrap();
        // Through two trusted proxies: the first address no proxy owns.
        assert_eq!(
            client_address(proxy, &headers, &trusted).to_string(),
            "198.51.100.7"
        );
        // A client that writes the header itself, straight to Besace: ignored.
        let direct = "203.0.113.9".parse().unwrap();
        assert_eq!(client_address(direct, &headers, &trusted), direct);
        // What a client wrote before the proxies' own entries does not count.
        headers.insert("x-forwarded-for", "192.0.2.1, 198.51.100.7".parse().unwrap());
        assert_eq!(
            client_address(proxy, &headers, &trusted).to_string(),
            "198.51.100.7"
        );
        // No header, or garbage: the peer.
        headers.insert("x-forwarded-for", "not an address".parse().unwrap());
        assert_eq!(client_address(proxy, &headers, &trusted), proxy);
        assert_eq!(client_address(proxy, &http::HeaderMap::new(), &[]), proxy);
    }
}
