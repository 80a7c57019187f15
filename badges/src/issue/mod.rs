//! Making badges, the other way round from verifying them: an Open Badges 3.0 credential
//! signed with `eddsa-rdfc-2022` by a `did:key` issuer, or an Open Badges 2.0 assertion
//! (hosted, or signed with RS256) from an issuer whose documents live at https URLs,
//! baked into a PNG or an SVG.
//!
//! Besace is a backpack, not an issuer: this exists so the demo backpack and the import
//! benchmark hold real badges that verify offline, made by the same canonicalisation the
//! verifier uses (and checked by it in the tests, `issue/tests.rs`).
//!
//! [`DidKeyIssuer`] and [`ob3_credential`] make Open Badges 3.0 credentials,
//! [`HostedIssuer`] Open Badges 2.0 assertions and the documents behind them, and the
//! `bake_*` functions put either into a picture ([`disc_png`] draws a plain one).
use sha2::{Digest, Sha256};

mod bake;
mod ob2;
mod ob3;
#[cfg(test)]
mod tests;

pub use bake::{bake_png, bake_png_ob2, bake_svg, bake_svg_ob2, disc_png};
pub use ob2::{HostedIssuer, IssuerKeyError};
pub use ob3::{ob3_credential, DidKeyIssuer};

/// What an issued badge says.
#[derive(Default)]
pub struct BadgeSpec<'a> {
    /// `urn:uuid:…` or an https URL: the credential's own id.
    pub id: &'a str,
    pub issuer_name: &'a str,
    pub issuer_url: &'a str,
    pub achievement_id: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub criteria: &'a str,
    pub image_url: &'a str,
    pub recipient_email: &'a str,
    /// Hash the address with this salt (what issuers usually do), or state it in clear.
    pub salt: Option<&'a str>,
    /// RFC 3339.
    pub valid_from: &'a str,
    pub tags: &'a [&'a str],
    pub issuer_email: Option<&'a str>,
    pub alignments: &'a [Target<'a>],
}

/// A skill or standard an achievement is aligned to.
#[derive(Default)]
pub struct Target<'a> {
    pub name: &'a str,
    pub url: &'a str,
    pub framework: &'a str,
    pub code: &'a str,
}

/// `sha256$<hex>` of the address and salt, as both specifications hash recipients.
fn hashed_identity(email: &str, salt: &str) -> String {
    let hash = Sha256::digest(format!("{email}{salt}").as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256${hex}")
}
