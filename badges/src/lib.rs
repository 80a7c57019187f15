//! Open Badges 0.5–3.0 extraction and verification for Besace.
//!
//! A pure library: bytes or a URL in, a [`Report`] out. It does no I/O of its own except
//! through the [`Fetcher`] it is handed, so it can be tested from files, fuzzed and
//! benchmarked alone. Modules follow the formats and the specifications:
//! containers ([`png`], [`svg`], [`jws`]), versions (`ob1`, `ob2`, `ob3`, with `terms` for
//! the 1.1/2.0 terms by meaning), proofs
//! ([`data_integrity`], [`jsonld`], [`keys`]), and [`recipient`], [`report`], [`limits`],
//! [`fetch`]. [`command`] is `besace verify` without its command line, which the `besace`
//! binary parses.
#![forbid(unsafe_code)]

pub mod command;
mod context;
pub mod data_integrity;
pub mod dates;
mod endorsements;
pub mod extract;
pub mod fetch;
pub mod hosts;
#[cfg(feature = "issuer")]
pub mod issue;
mod json;
pub mod jsonld;
pub mod jws;
pub mod keys;
pub mod limits;
mod ob1;
mod ob2;
mod ob3;
pub mod png;
pub mod recipient;
pub mod report;
mod schema;
pub mod svg;
mod terms;
#[cfg(feature = "testing")]
pub mod testing;
mod verify;

pub use command::{verify_request, Verdict, VerifyRequest};
pub use context::VerifyOptions;
pub use extract::{extract, Container, Extracted, Payload};
pub use fetch::{
    status_may_pass, BoxFuture, Bundled, CallMethod, FetchError, FetchKind, FetchResponse, Fetcher,
    HttpFetcher, NoFetch, Outbound, CACHE_HEADERS,
};
pub use limits::Limits;
pub use report::{
    Alignment, BadgeInfo, Check, CheckId, Endorsed, Endorsement, IssuerIdentity, IssuerInfo, Lang, Method,
    RecipientResult, Report, Spec,
};
pub use verify::{verify_bytes, verify_url};
