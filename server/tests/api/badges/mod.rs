//! Badges in the backpack: importing them through `POST /api/badges/import` (multipart), on
//! both databases, with OB 3.0 fixtures made by independent tools (did:key issuers:
//! verifiable offline), then listing, showing, checking and deleting them.
use serde_json::Value;

/// The backpack: its list and its page, filtered, sorted and paged.
mod backpack;
/// One badge through its own routes: its page, picture, checks and deletion.
mod detail;
/// Importing files, links and pasted text; what is refused.
mod import;
/// The import page's plain forms, without the wasm.
mod plain_import;
/// A badge issued to another of the learner's addresses.
mod recipients;
/// Issuers' documents kept across badges, and what is still asked each time.
mod shared_documents;

/// The outcome of each item of an import answer.
fn outcomes(results: &Value) -> Vec<&str> {
    results["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect()
}

/// The names of the failed checks of one import result.
fn failed_checks(result: &Value) -> Vec<&str> {
    result["report"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ok"] == false)
        .map(|c| c["id"].as_str().unwrap())
        .collect()
}

/// The reason of each refused item of an import answer ("" for the others).
fn reasons(results: &Value) -> Vec<&str> {
    results["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap_or_default())
        .collect()
}
