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

/// What happened to a badge and what to do, for `reason`, in `lang` (`email`: the address
/// it was issued to, for the reasons that name one). Said on the server, so the page's
/// wasm carries none of these sentences.
#[cfg(feature = "ssr")]
pub fn why(reason: crate::wire::import::RefusalReason, email: &str, lang: besace_badges::Lang) -> String {
    use crate::i18n::Locale;
    use crate::wire::import::RefusalReason as R;
    use leptos_i18n::td_string;
    let locale = match lang {
        besace_badges::Lang::Fr => Locale::fr,
        besace_badges::Lang::En => Locale::en,
    };
    match reason {
        R::ConfirmAddress => td_string!(locale, import.awaiting, email).to_string(),
        R::AddAddress => td_string!(locale, import.issued_to, email).to_string(),
        R::AnotherAddress => td_string!(locale, import.other_address).to_string(),
        R::PlainPicture => td_string!(locale, import.why_plain_picture).to_string(),
        R::Document => td_string!(locale, import.why_document).to_string(),
        R::NotABadge => td_string!(locale, import.why_not_a_badge).to_string(),
        R::Damaged => td_string!(locale, import.why_damaged).to_string(),
        R::Unreachable => td_string!(locale, import.why_unreachable).to_string(),
        R::NotFound => td_string!(locale, import.why_not_found).to_string(),
        R::DemoIssuer => td_string!(locale, import.why_demo_issuer).to_string(),
        R::NotGenuine => td_string!(locale, import.why_not_genuine).to_string(),
        R::Incomplete => td_string!(locale, import.why_incomplete).to_string(),
    }
}
