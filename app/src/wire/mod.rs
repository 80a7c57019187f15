//! The types the server writes and the wasm reads: every server function's answer and
//! the JSON of `POST /api/badges/import`. One Rust type per contract, on both sides.
pub mod badges;
pub mod import;
