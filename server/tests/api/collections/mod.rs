//! Collections and their public galleries, on both databases: private until published,
//! dead at once when unpublished, never showing an e-mail address, never reachable or
//! changeable by another learner.
use crate::helpers::TestApp;
use serde_json::Value;

/// The demo's backpack, made by `besace demo`.
mod demo;
/// Another learner's attempts, and the names a collection may take.
mod editing;
/// One badge shared on its own, without a collection.
mod one_badge;
/// Its portfolio PDF and its badges' certificates.
mod paper;
/// A profile page, and the checks a public view asks for.
mod public_views;
/// Publishing a collection: its gallery, what it shows and serves, unpublishing.
mod publishing;

/// The ids of a collection's badges, in its order.
fn ids_of(collection: &Value) -> Vec<String> {
    collection["badges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|badge| badge["id"].to_string())
        .collect()
}

/// A visitor with no account and no cookies.
async fn visit(app: &TestApp, path: &str) -> reqwest::Response {
    app.new_browser().get(path).await
}
