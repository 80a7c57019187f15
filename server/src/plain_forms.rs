//! A server function's form posted by the browser itself, without the wasm: leptos_axum
//! answers with a redirect back to the page that posted it (its `Referer`), and server_fn
//! adds `__path` and `__err` to it when the function failed (`ServerFnUrlError`). This layer
//! adds what a success and the learner's place need, so that page can say how it went
//! (`app::pages::posted`):
//! - `__done={the function's path}` after a success;
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
    let referer_path = request
        .headers()
        .get(header::REFERER)
        .and_then(|value| value.to_str().ok())
        .and_then(|referer| url::Url::parse(referer).ok())
        .map(|referer| referer.path().to_owned());
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
    let mut url = url::Url::parse(location).ok()?;
    if Some(url.path()) != referer_path || url.fragment().is_some() {
        return None;
    }
    let chose_itself = url.query_pairs().any(|(key, _)| key == "error");
    if chose_itself {
        return None;
    }
    let failed = url.query_pairs().any(|(key, _)| key == "__err");
    // Marks of an earlier post on the same page go: only this one's answer is said.
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(key, _)| failed || key != "__done")
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    {
        let mut query = url.query_pairs_mut();
        query.clear();
        query.extend_pairs(kept);
        if !failed {
            query.append_pair("__done", function);
        }
    }
    url.set_fragment(focus);
    Some(url.to_string())
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
    fn a_failure_keeps_its_error_and_gets_no_success() {
        let back = marked(
            "http://h/settings?__path=%2Fapi%2Fchange_password&__err=eyJ9",
            "/api/change_password",
            Some("/settings"),
            None,
        )
        .unwrap();
        assert!(back.contains("__err=eyJ9") && !back.contains("__done"));
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
