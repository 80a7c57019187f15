//! The Content-Security-Policy of the learner's pages: scripts only from our origin and the
//! one inline hydration script Leptos writes, which carries this response's nonce. So an
//! escaping mistake somewhere in a page is text, not a script.
use axum::http::{header, HeaderValue};
use leptos::prelude::*;

/// The policy of a page whose inline scripts carry `nonce`. `wasm-unsafe-eval` lets the
/// islands' WebAssembly compile; nothing else may be evaluated.
pub fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    )
}

/// For every other answer behind the session layer (server functions, files, errors that
/// Leptos did not render): no inline script at all.
pub const FALLBACK_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Called in the context of every Leptos render (after leptos_axum has made the nonce):
/// puts the matching policy on the response.
pub fn set_page_policy() {
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&page_policy(&nonce.to_string())) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}
