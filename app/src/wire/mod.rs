//! The types the server writes and the wasm reads: every server function's answer and
//! the JSON of `POST /api/badges/import`. One Rust type per contract, on both sides.
pub mod badges;
pub mod import;

use serde::{Deserialize, Serialize};

/// A date or moment as a page shows it: the machine's form for `<time datetime>` and the
/// reader's words ("1er décembre 2026 à 8 h 29"), both written by the server
/// (`crate::dates`), so the wasm never formats a date.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct When {
    /// RFC 3339, or `YYYY-MM-DD` for a day.
    pub iso: String,
    pub text: String,
}
