//! The state of one verification: options, the fetcher, a fetch budget and a per-badge
//! cache so that a document (an issuer profile, say) is fetched once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::fetch::{status_may_pass, FetchError, FetchKind, FetchResponse, Fetcher};
use crate::limits::{parse_json, Limits};

/// What the caller knows about the learner and the moment of verification.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    /// The learner's verified identities (e-mail addresses, URLs, telephone numbers).
    /// When empty, the recipient check is not made (the badge's own validity only).
    pub recipients: Vec<String>,
    /// "Now" for date checks (`besace verify --at`); the system clock when `None`.
    pub now: Option<DateTime<Utc>>,
    pub limits: Limits,
    /// Issuers whose signing keys are public (a demo issuer's): their badges prove nothing
    /// and fail the `issuer.trust` check, however well they are signed.
    pub distrusted_issuers: Vec<String>,
}

pub(crate) struct Ctx<'a> {
    pub fetcher: &'a dyn Fetcher,
    pub opts: &'a VerifyOptions,
    pub now: DateTime<Utc>,
    fetches: AtomicUsize,
    cache: Mutex<HashMap<String, FetchResponse>>,
    /// Every document the verification asked for, fetched or not.
    asked: Mutex<Vec<String>>,
    /// A fetch failed in a way that may pass ([`FetchError::may_pass`], [`status_may_pass`]).
    unreachable: AtomicBool,
}

/// Removes a `#fragment`: the document is fetched, the fragment names a part of it.
pub(crate) fn without_fragment(url: &str) -> &str {
    url.split_once('#').map_or(url, |(a, _)| a)
}

impl<'a> Ctx<'a> {
    pub fn new(fetcher: &'a dyn Fetcher, opts: &'a VerifyOptions) -> Self {
        Self {
            fetcher,
            opts,
            now: opts.now.unwrap_or_else(Utc::now),
            fetches: AtomicUsize::new(0),
            cache: Mutex::new(HashMap::new()),
            asked: Mutex::new(Vec::new()),
            unreachable: AtomicBool::new(false),
        }
    }

    /// The documents this verification asked for (the badge relies on them).
    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().map(|asked| asked.clone()).unwrap_or_default()
    }

    /// Whether a document could not be read for a reason that may pass.
    pub fn unreachable(&self) -> bool {
        self.unreachable.load(Ordering::Relaxed)
    }

    pub fn limits(&self) -> &Limits {
        &self.opts.limits
    }

    /// Fetches `url` (any status), at most once per verification.
    pub async fn get(&self, url: &str, kind: FetchKind) -> Result<FetchResponse, FetchError> {
        let url = without_fragment(url);
        if let Ok(mut asked) = self.asked.lock() {
            asked.push(url.to_string());
        }
        // One fetch per URL: a JSON body read under the larger badge cap is still parsed
        // under the JSON cap.
        let key = url.to_string();
        if let Some(r) = self
            .cache
            .lock()
            .map_err(|_| FetchError::Http("cache".into()))?
            .get(&key)
        {
            return Ok(r.clone());
        }
        if self.fetches.fetch_add(1, Ordering::Relaxed) >= self.limits().max_fetches {
            return Err(FetchError::TooManyFetches(self.limits().max_fetches));
        }
        let resp = self.fetcher.fetch(url, kind).await.inspect_err(|err| {
            if err.may_pass() {
                self.unreachable.store(true, Ordering::Relaxed);
            }
        })?;
        if status_may_pass(resp.status) {
            self.unreachable.store(true, Ordering::Relaxed);
        }
        if let Ok(mut c) = self.cache.lock() {
            c.insert(key, resp.clone());
        }
        Ok(resp)
    }

    /// Fetches a JSON document that must answer 2xx. The error is a technical detail.
    pub async fn get_json(&self, url: &str) -> Result<Value, String> {
        self.get_json_as(url, FetchKind::Json).await
    }

    /// Fetches a revocation or status list (see [`FetchKind::Status`]).
    pub async fn get_status_list(&self, url: &str) -> Result<Value, String> {
        self.get_json_as(url, FetchKind::Status).await
    }

    async fn get_json_as(&self, url: &str, kind: FetchKind) -> Result<Value, String> {
        let resp = self.get(url, kind).await.map_err(|e| format!("{url}: {e}"))?;
        if !(200..300).contains(&resp.status) {
            return Err(format!("{url}: HTTP {}", resp.status));
        }
        parse_json(&resp.body, self.limits()).map_err(|e| format!("{url}: {e}"))
    }
}
