//! Issuer platforms pushing badges in: a client that behaves like Moodle's Open Badges 2.1
//! backpack client, one for the Open Badges 3.0 API, and what both must be refused. The
//! learner's side (login, consent, inbox, settings) goes through the same requests a
//! browser sends. The platform client itself is `helpers::platform`; the Moodle-like issuer
//! site is `helpers::sites::moodle_site`.
use crate::helpers::{signed_ob3, LEARNER};

/// Moodle's default backpack (Badgr's API) with a platform password.
mod badgr;
/// Besace reading another Besace (OB 3.0 Service Consumer).
mod consumer;
/// Mahara's badge block (the Displayer API).
mod displayer;
/// OB 3.0 Host conformance around the calls: scopes at registration, JSON everywhere.
mod host_conformance;
/// Moodle's Badge Connect push and the whole Open Badges 2.1 round trip.
mod moodle;
/// What tells the learner a platform sent a badge: a mail a day, the menu's count.
mod notices;
/// OAuth refusals: codes, tokens, scopes, replays, and what they revoke.
mod oauth;
/// The Open Badges 3.0 API: upserts, the profile, and which platform may replace what.
mod open_badges_3;

/// A genuine OB 3.0 credential (eddsa-rdfc-2022, did:key) for the learner, under a fixed id.
fn credential_named(name: &str) -> Vec<u8> {
    credential_by(9, name)
}

/// The same credential id, signed by the `did:key` issuer of `seed`.
fn credential_by(seed: u8, name: &str) -> Vec<u8> {
    let spec = besace_badges::issue::BadgeSpec {
        id: "urn:uuid:5f0c1d2e-0000-4000-8000-00000000c0de",
        issuer_name: "Campus Moodle",
        issuer_url: "https://moodle.example/",
        achievement_id: "https://moodle.example/badges/precision",
        name,
        description: "Mesure au millimètre près.",
        criteria: "Trois pièces mesurées sans erreur.",
        image_url: "https://moodle.example/badges/precision.png",
        recipient_email: LEARNER,
        valid_from: "2026-10-01T09:00:00Z",
        ..Default::default()
    };
    signed_ob3(seed, &spec)
}
