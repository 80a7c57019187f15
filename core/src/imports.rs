//! A learner imports what they were given: a file, a link, or pasted text. The badge is
//! verified for them and kept, or it waits for one of their addresses (`held_badges`), or
//! it is refused with the reason they are told (`refusals`). Every door that imports for a
//! learner (the import page with or without the wasm, the backpack API) calls [`import`].
use crate::badges::{self, Badge, ImportOutcome};
use crate::changes::Store;
use crate::held_badges::{self, Holding};
use crate::refusals::{self, Refusal};
use crate::Verifier;
use besace_badges::Report;
use sea_orm::DbErr;

/// One thing the learner gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Given {
    /// A file, kept byte for byte.
    File(Vec<u8>),
    /// A link, fetched: the original kept is the issuer's document.
    Link(String),
    /// Pasted text (JSON, a signed token); a pasted link counts as a [`Given::Link`].
    Text(Vec<u8>),
}

impl Given {
    /// Pasted text as the learner means it: spaces and newlines around a token or a link
    /// are not part of it, and a link is fetched.
    pub fn pasted(text: &[u8]) -> Self {
        let text = text.trim_ascii();
        if text.starts_with(b"https://") || text.starts_with(b"http://") {
            Self::Link(String::from_utf8_lossy(text).into_owned())
        } else {
            Self::Text(text.to_vec())
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Self::File(bytes) | Self::Text(bytes) => bytes,
            Self::Link(url) => url.as_bytes(),
        }
    }
}

/// What became of it.
#[derive(Debug)]
pub enum Imported {
    Added(Box<Badge>),
    /// The same bytes, or the same assertion or credential id, is already this badge.
    AlreadyThere(i64),
    /// Genuine and issued to this address of the learner's, which waits for its link: the
    /// badge goes in by itself once the address is confirmed.
    Waiting(String),
    Refused(Box<Report>, Refusal),
    TooLarge,
}

/// Imports `given` for `user_id`, whose addresses still waiting for their link are
/// `unconfirmed`.
pub async fn import(
    store: &Store,
    fetcher: &Verifier,
    user_id: i64,
    given: &Given,
    unconfirmed: &[String],
) -> Result<Imported, DbErr> {
    let outcome = match given {
        Given::File(bytes) | Given::Text(bytes) => {
            badges::import_bytes(store, fetcher, user_id, bytes).await?
        }
        Given::Link(url) => badges::import_url(store, fetcher, user_id, url).await?,
    };
    Ok(match outcome {
        ImportOutcome::Added(badge) => Imported::Added(badge),
        ImportOutcome::AlreadyThere(id) => Imported::AlreadyThere(id),
        ImportOutcome::TooLarge => Imported::TooLarge,
        ImportOutcome::Refused(report) => match refusals::explain(&report, given.bytes(), unconfirmed) {
            Refusal::ConfirmAddress(email) => {
                let holding = match given {
                    Given::Link(_) => Holding::Link,
                    Given::File(_) | Given::Text(_) => Holding::Bytes,
                };
                held_badges::hold(&store.db, user_id, &email, holding, given.bytes()).await?;
                Imported::Waiting(email)
            }
            refusal => Imported::Refused(report, refusal),
        },
    })
}
