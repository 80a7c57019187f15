//! Readers of what the server answers: where a redirect leads, the cookies it sets, its JSON,
//! its server-function errors, and the values a page's forms carry.
use reqwest::{header, Response};
use serde_json::Value;

/// Where a server function's answer sends the browser (its `Location`), or "".
pub fn location_of(response: &Response) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Where a redirect leads; fails the test when the answer is no redirect.
pub fn location(response: &Response) -> String {
    assert!(
        response.status().is_redirection(),
        "expected a redirect, got {}",
        response.status()
    );
    response.headers()[header::LOCATION].to_str().unwrap().to_owned()
}

/// An answer's status and its JSON body (JSON null when the body is not JSON).
pub async fn status_of(response: Response) -> (u16, Value) {
    let code = response.status().as_u16();
    (code, response.json().await.unwrap_or(Value::Null))
}

/// Asserts a server-function error: its HTTP status and its JSON body (the error variant).
pub async fn assert_error(response: Response, status: u16, variant: &str) {
    assert_eq!(response.status().as_u16(), status, "unexpected status");
    let body = response.text().await.unwrap();
    assert!(body.contains(variant), "expected {variant}, got {body}");
}

/// The session cookie a response sets, if any.
pub fn session_cookie(response: &Response) -> Option<String> {
    set_cookies(response)
        .into_iter()
        .find(|c| c.starts_with("besace_session="))
}

pub fn set_cookies(response: &Response) -> Vec<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect()
}

/// The `name=value` part of a `Set-Cookie` header, as a browser sends it back.
pub fn cookie_value(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_string()
}

/// The value of the page's hidden input `name` (HTML entities decoded), if it has one.
pub fn hidden_input(page: &str, name: &str) -> Option<String> {
    let at = page.find(&format!(r#"name="{name}""#))?;
    let start = at + page[at..].find(r#"value=""#)? + r#"value=""#.len();
    let value = &page[start..start + page[start..].find('"')?];
    Some(
        value
            .replace("&quot;", "\"")
            .replace("&#x27;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

/// The value of `<input type="hidden" name=… value=…>` in a page; fails the test without one.
pub fn hidden_value(page: &str, name: &str) -> String {
    hidden_input(page, name).unwrap_or_else(|| panic!("no {name} in {page}"))
}

/// Every hidden `id` value of the page's forms posting to `action`.
pub fn form_ids(page: &str, action: &str) -> Vec<String> {
    page.split(&format!(r#"action="{action}""#))
        .skip(1)
        .map(|form| hidden_value(form, "id"))
        .collect()
}

/// The path part of a share URL (a gallery's or a badge's own).
pub fn path_of(url: &str) -> String {
    let start = url.find("/g/").or_else(|| url.find("/s/")).expect("a share link");
    url[start..].to_owned()
}
