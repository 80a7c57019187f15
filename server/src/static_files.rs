//! The site root's files (the wasm, its script, the stylesheet, pictures), and the app's
//! "page not found" for any other path.
//!
//! Not leptos_axum's `file_and_error_handler`: for a file, it makes its reactive owner with
//! `Owner::new()`, a child of whatever owner the worker thread holds at that moment, then
//! takes that owner's response headers for the file. When the thread held a page being
//! rendered, the page lost its headers, its Content-Security-Policy among them, and went
//! out under the fallback policy, which blocks its hydration scripts (seen in the browser
//! tests: a /backpack answer, rendered while the browser fetched the wasm, came without its
//! nonce policy). Here a file never touches the reactive system.
use axum::{
    body::Body,
    extract::Request,
    http::{Method, StatusCode},
    response::{IntoResponse, Response},
};
use std::{future::Future, pin::Pin};
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// What renders a page of the app for a request (leptos_axum's renderer).
pub type Render = dyn Fn(Request<Body>) -> Pin<Box<dyn Future<Output = Response> + Send>> + Send + Sync;

/// The file under `root` that `request` names, else the app's page for it (its 404).
pub async fn file_or_page(root: &str, request: Request, render: &Render) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        let (parts, body) = request.into_parts();
        let probe = Request::from_parts(parts.clone(), Body::empty());
        // ServeDir's error type is Infallible: it always answers.
        let Ok(found) = ServeDir::new(root)
            .precompressed_br()
            .precompressed_gzip()
            .oneshot(probe)
            .await;
        if found.status() != StatusCode::NOT_FOUND {
            return found.into_response();
        }
        return not_found(render(Request::from_parts(parts, body)).await);
    }
    not_found(render(request).await)
}

/// The app's page for a path no route has is "page not found": 404, unless it set its own
/// status (a redirect, say).
fn not_found(mut page: Response) -> Response {
    if page.status() == StatusCode::OK {
        *page.status_mut() = StatusCode::NOT_FOUND;
    }
    page
}
