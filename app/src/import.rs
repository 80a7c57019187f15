//! What the import page shows after its plain form was posted (`POST /import`, without the
//! wasm): the server keeps the batch's results in the session and sends the browser to
//! `/import?done={batch}`, which shows them (a reload shows them again; a new batch
//! replaces them; `/import` alone shows none).
use crate::error::AppError;
use crate::wire::import::ImportResult;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The session key the last batch is kept under.
pub const RESULTS_KEY: &str = "last_import";

/// The last batch a plain form sent: its name (in the page's URL) and its results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LastBatch {
    pub batch: String,
    pub items: Vec<LastImport>,
}

/// One badge of the last plain import: what became of it, and the name the page shows it
/// by (a file's name, the link, or empty for pasted text).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LastImport {
    pub name: String,
    pub result: ImportResult,
}

impl LastImport {
    /// Keeps `result` for the page, without the parts it never shows (the refused badge's
    /// own data), so the session stays small whatever was sent.
    #[cfg(feature = "ssr")]
    pub fn keep(mut result: ImportResult, name: String) -> Self {
        if let crate::wire::import::ImportOutcome::Refused { report, .. } = &mut result.outcome {
            report.badge = None;
            report.recipient = None;
            report.errors.clear();
        }
        Self { name, result }
    }
}

/// The results of the plain import `batch`, if it is the session's last one.
#[server(prefix = "/api", endpoint = "import_batch")]
pub async fn import_batch(batch: String) -> Result<Vec<LastImport>, AppError> {
    use crate::request::*;
    require_user().await?;
    let session = session().await?;
    let last = session.get::<LastBatch>(RESULTS_KEY).await.map_err(internal)?;
    Ok(last
        .filter(|last| last.batch == batch)
        .map(|last| last.items)
        .unwrap_or_default())
}
