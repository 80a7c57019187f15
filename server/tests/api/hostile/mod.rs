//! Hostile input, through the doors an attacker uses: markup in badge and collection text
//! on every page that shows it, `next` links that try to leave the site, malformed and
//! oversized server-function calls, sessions that outlive a password change, the public
//! demo key, and fetch errors that would map Besace's network.
use crate::helpers::{signed_ob3, LEARNER};

/// What an attacker must not learn or keep: the demo key's word, the network's layout
/// through fetch errors, a deleted account's pictures.
mod leaks;
/// Requests over a limit, malformed or repeated: refused whole, bounded, one cached page.
mod limits;
/// Markup in badge and collection text, on every page that shows it.
mod markup;
/// Markup in badge text, as it leaves for Mahara's and Moodle's pages.
mod other_sites;
/// Logins and sessions: `next` links, password changes, wrong-password floods.
mod sessions;

/// Each payload closes what it lands in (a title, an attribute, a tag) and opens a script.
const SCRIPT: &str = "</title><script>alert('name')</script>";
const ATTRIBUTE: &str = "\"><img src=x onerror=alert('attr')>";
/// A textarea's content ends at the first `</textarea>`.
const TEXTAREA: &str = "</textarea><script>alert('area')</script>";

/// A genuine OB 3.0 badge (eddsa-rdfc-2022, did:key) whose every text field is markup,
/// minted with the library's issuer kit.
fn hostile_badge() -> Vec<u8> {
    use besace_badges::issue::{BadgeSpec, Target};
    let name = format!("Être ponctuel {SCRIPT}");
    let description = format!("Arrive à l'heure {ATTRIBUTE}");
    let criteria = format!("<script>alert('criteria')</script> {ATTRIBUTE}");
    let issuer_name = format!("Centre {SCRIPT}");
    let alignment = format!("Savoir-être {ATTRIBUTE}");
    let spec = BadgeSpec {
        id: "urn:uuid:0b5e0000-0000-4000-8000-000000000013",
        issuer_name: &issuer_name,
        issuer_url: "javascript:alert('issuer-url')",
        achievement_id: "https://hostile.besace.test/badges/etre-ponctuel",
        name: &name,
        description: &description,
        criteria: &criteria,
        image_url: "javascript:alert('image')",
        recipient_email: LEARNER,
        salt: Some("sel"),
        valid_from: "2026-04-01T09:00:00Z",
        tags: &["<b onmouseover=alert('tag')>tag</b>"],
        issuer_email: Some("contact@hostile.besace.test"),
        alignments: &[Target {
            name: &alignment,
            url: "javascript:alert('alignment')",
            framework: "<svg onload=alert('framework')>",
            code: "C1",
        }],
    };
    signed_ob3(13, &spec)
}

/// A genuine OB 3.0 badge for `email` whose picture is a `data:` PNG: stored once in `blobs`.
fn badge_with_picture(email: &str, id: &str) -> Vec<u8> {
    use base64::Engine as _;
    use besace_badges::issue::{disc_png, BadgeSpec};
    let picture = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(disc_png(64, [200, 80, 40]))
    );
    let spec = BadgeSpec {
        id,
        issuer_name: "Centre de formation Démo",
        issuer_url: "https://demo.besace.test",
        achievement_id: "https://demo.besace.test/badges/precision",
        name: "Précision",
        description: "Mesure au millimètre près.",
        criteria: "Trois pièces mesurées sans erreur.",
        image_url: &picture,
        recipient_email: email,
        valid_from: "2026-04-01T09:00:00Z",
        ..Default::default()
    };
    signed_ob3(14, &spec)
}
