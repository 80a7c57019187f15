//! A server function's form posted by the browser itself, without the wasm: leptos_axum
//! answers with a redirect back to the page that posted it (its `Referer`), and server_fn
//! adds `__path` and `__err` to it when the function failed (`ServerFnUrlError`). This layer
//! adds what a success and the learner's place need, so that page can say how it went
//! (`app::pages::posted`):
//! - `__done={the function's path}` after a success;
//! - after a failure, the error's code (`error=WrongPassword`, as `request::back_to` writes
//!   it) in place of server_fn's encoded `__err`, which the wasm would need base64 and more
//!   to read (and Leptos's router would decode on the server only);
//! - `#{id}` from the form's `__focus` field, so the page comes back scrolled to the control
//!   the learner used, and the next Tab goes on from there;
//! - a redirect's status, when a failed function set its error's over it.
//!
//! Answers the function chose itself (a redirect elsewhere, or back with `error=`) are left
//! as they are.
use axum::{
    body::{to_bytes, Body},
    extract::Request,
    http::{header, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// The name of the hidden field that names the element to come back to.
pub const FOCUS_FIELD: &str = "__focus";

pub async fn mark(request: Request, next: Next) -> Response {
    let plain = request.method() == Method::POST
        && request.uri().path().starts_with("/api/")
        && header_has(&request, header::ACCEPT, "text/html");
    if !plain {
        return next.run(request).await;
    }
    let path = request.uri().path().to_owned();
    let mut request = request;
    let referer = request
        .headers()
        .get(header::REFERER)
        .and_then(|value| value.to_str().ok())
        .and_then(|referer| url::Url::parse(referer).ok())
        .map(without_marks);
    let referer_path = referer.as_ref().map(|referer| referer.path().to_owned());
    // The page goes back without the marks of an earlier post (a stale error, above all):
    // then an `error` in the answer can only be the function's own choice.
    if let Some(value) = referer.and_then(|referer| referer.as_str().parse().ok()) {
        request.headers_mut().insert(header::REFERER, value);
    }
    let (request, focus) = if header_has(
        &request,
        header::CONTENT_TYPE,
        "application/x-www-form-urlencoded",
    ) {
        let (parts, body) = request.into_parts();
        let Ok(bytes) = to_bytes(body, crate::startup::MAX_FORM_BODY).await else {
            return StatusCode::PAYLOAD_TOO_LARGE.into_response();
        };
        let focus = url::form_urlencoded::parse(&bytes)
            .find(|(key, _)| key == FOCUS_FIELD)
            .map(|(_, value)| value.into_owned())
            .filter(|id| is_element_id(id));
        (Request::from_parts(parts, Body::from(bytes)), focus)
    } else {
        (request, None)
    };
    let mut response = next.run(request).await;
    if !response.headers().contains_key(header::LOCATION) {
        return response;
    }
    // A function that failed set its error's status (`request::fail`) over the redirect's,
    // and a browser does not follow a 401 that names a page: it shows its raw body.
    if !response.status().is_redirection() {
        *response.status_mut() = StatusCode::SEE_OTHER;
    }
    let Some(location) = response
        .headers()
        .get(header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|location| marked(location, &path, referer_path.as_deref(), focus.as_deref()))
    else {
        return response;
    };
    if let Ok(value) = location.parse() {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// `location` with the marks, when it is the redirect back to the page that posted.
fn marked(location: &str, function: &str, referer_path: Option<&str>, focus: Option<&str>) -> Option<String> {
    let url = url::Url::parse(location).ok()?;
    if Some(url.path()) != referer_path || url.fragment().is_some() {
        return None;
    }
    let chose_itself = url.query_pairs().any(|(key, _)| key == "error");
    if chose_itself {
        return None;
    }
    let error = url
        .query_pairs()
        .find(|(key, _)| key == "__err")
        .map(|(_, encoded)| error_code(&encoded));
    let mut url = without_marks(url);
    {
        let mut query = url.query_pairs_mut();
        match &error {
            Some(code) => query.append_pair("__path", function).append_pair("error", code),
            None => query.append_pair("__done", function),
        };
    }
    url.set_fragment(focus);
    Some(url.to_string())
}

/// `url` without what this layer and server_fn write about a post.
fn without_marks(mut url: url::Url) -> url::Url {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(key, _)| !matches!(key.as_ref(), "__done" | "__err" | "__path" | "error"))
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    url
}

/// The code of the error server_fn wrote as `__err` (its JSON, URL-safe base64): the
/// variant's name for the app's own errors, `Internal` for anything else.
fn error_code(encoded: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE
        .decode(encoded)
        .ok()
        .and_then(|json| serde_json::from_slice::<String>(&json).ok())
        .filter(|code| app::AppError::from_code(Some(code.clone())).is_some())
        .unwrap_or_else(|| "Internal".to_owned())
}

fn header_has(request: &Request, name: header::HeaderName, needle: &str) -> bool {
    request
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains(needle))
}

/// An id the app writes: letters, digits, `-` and `_`, short. Anything else posted in the
/// field is dropped, so it can never reach the page's address as something else.
fn is_element_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

#[cfg(test)]
mod tests {
    use super::marked;

    #[test]
    fn a_success_is_marked_and_an_earlier_mark_goes() {
        let back = marked(
            "http://127.0.0.1:3000/settings?__done=%2Fapi%2Fset_language",
            "/api/change_password",
            Some("/settings"),
            Some("password"),
        );
        assert_eq!(
            back.as_deref(),
            Some("http://127.0.0.1:3000/settings?__done=%2Fapi%2Fchange_password#password")
        );
    }

    #[test]
    fn a_failure_says_its_error_by_its_code_and_gets_no_success() {
        use base64::Engine;
        let encoded = |json: &str| base64::engine::general_purpose::URL_SAFE.encode(json);
        let back = |json: &str| {
            let location = format!(
                "http://h/settings?__done=%2Fapi%2Fx&__path=%2Fapi%2Fchange_password&__err={}",
                encoded(json)
            );
            marked(&location, "/api/change_password", Some("/settings"), None).unwrap()
        };
        assert_eq!(
            back(r#""WrongPassword""#),
            "http://h/settings?__path=%2Fapi%2Fchange_password&error=WrongPassword"
        );
        // Not one of the app's codes, or not a code at all: said as an internal error.
        assert!(back(r#""<script>""#).ends_with("&error=Internal"));
        assert!(back(r#"{"Transport":"x"}"#).ends_with("&error=Internal"));
    }

    #[test]
    fn answers_the_function_chose_are_left_alone() {
        // Elsewhere, or back with its own error, or with its own place.
        assert_eq!(
            marked("http://h/backpack", "/api/login", Some("/login"), None),
            None
        );
        assert_eq!(
            marked(
                "http://h/login?error=WrongCredentials",
                "/api/login",
                Some("/login"),
                None
            ),
            None
        );
        assert_eq!(
            marked(
                "http://h/settings?name=saved#name",
                "/api/x",
                Some("/settings"),
                None
            ),
            None
        );
        assert_eq!(marked("http://h/settings", "/api/x", None, None), None);
    }
}
