//! Container extraction (PNG chunks, SVG, JSON, JWS, URL) must never panic, whatever the
//! bytes, and must stay within the caps.
#![no_main]
use besace_badges::{extract, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_inflated_text: 64 * 1024,
        ..Limits::default()
    };
    if let Ok(x) = extract(data, &limits) {
        if let besace_badges::Payload::Jws(s) = &x.payload {
            let _ = besace_badges::jws::CompactJws::parse(s, &limits);
        }
    }
});
