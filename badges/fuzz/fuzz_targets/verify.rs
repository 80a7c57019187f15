//! The whole verification (parsing, version detection, upgrade of legacy badges, JWS,
//! JSON-LD canonicalisation of Data Integrity proofs, dates, recipients) must never panic.
//! No network: the fetcher refuses everything.
#![no_main]
use besace_badges::{verify_bytes, NoFetch, VerifyOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let opts = VerifyOptions {
        recipients: vec!["ana.martin@example.org".into()],
        now: Some("2026-06-01T00:00:00Z".parse().unwrap()),
        ..VerifyOptions::default()
    };
    let r = rt.block_on(verify_bytes(data, &NoFetch, &opts));
    let _ = r.to_json(besace_badges::Lang::Fr);
});
