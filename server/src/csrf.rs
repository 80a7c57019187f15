//! Cross-site request forgery guard. Session cookies are SameSite=Lax, and on top of that
//! every state-changing request that a browser marks as coming from another site is refused.
use axum::{
    extract::{Request, State},
    http::{header, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::sync::Arc;

/// The origins (scheme://host[:port]) this server answers as.
#[derive(Clone)]
pub struct AllowedOrigins(pub Arc<Vec<String>>);

pub async fn check_origin(State(allowed): State<AllowedOrigins>, request: Request, next: Next) -> Response {
    if is_safe_method(request.method()) || is_same_origin(&request, &allowed) {
        return next.run(request).await;
    }
    tracing::warn!(
        origin = ?request.headers().get(header::ORIGIN),
        path = %request.uri().path(),
        "refused a cross-site state-changing request"
    );
    (
        StatusCode::FORBIDDEN,
        "Cross-site request refused / Requête d'un autre site refusée",
    )
        .into_response()
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn is_same_origin(request: &Request, allowed: &AllowedOrigins) -> bool {
    let headers = request.headers();
    if headers.get("sec-fetch-site").is_some_and(|v| v == "cross-site") {
        return false;
    }
    if request.uri().path() == crate::web_app::SHARE_TARGET && is_from_share_sheet(request) {
        return true;
    }
    // Browsers send Origin on every POST; fall back to Referer for older ones. A request
    // with neither comes from a non-browser client, which cannot carry a victim's cookies.
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            let referer = headers.get(header::REFERER)?.to_str().ok()?;
            url::Url::parse(referer)
                .ok()
                .map(|u| u.origin().ascii_serialization())
        });
    match origin {
        None => true,
        Some(origin) => allowed.0.contains(&origin) || origin_matches_host(&origin, request, allowed),
    }
}

/// The phone's share sheet posting to the installed app (its manifest's `share_target`):
/// the browser itself starts it, so it has no page of origin to name (`Sec-Fetch-Site:
/// none`, or an opaque `Origin: null`). Another site's form says `cross-site`, refused above.
fn is_from_share_sheet(request: &Request) -> bool {
    let headers = request.headers();
    headers.get("sec-fetch-site").is_some_and(|v| v == "none")
        || headers.get(header::ORIGIN).is_some_and(|v| v == "null")
}

/// Same origin as the Host the request was sent to (the server may be reached by several
/// names), with the scheme this server answers on: an `http://` page of the same host is
/// another origin when Besace is served over https.
fn origin_matches_host(origin: &str, request: &Request, allowed: &AllowedOrigins) -> bool {
    let Some(host) = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let Some(scheme) = allowed
        .0
        .first()
        .and_then(|o| o.split_once("://"))
        .map(|(s, _)| s)
    else {
        return false;
    };
    origin
        .strip_prefix(scheme)
        .and_then(|rest| rest.strip_prefix("://"))
        .is_some_and(|origin_host| origin_host.eq_ignore_ascii_case(host))
}
