//! besace-core: the backpack's rules and storage — accounts and addresses, badges,
//! collections and sharing, public profiles, platforms and their inbox, the public-page
//! cache, mail and rate limits. No web framework: the doors (app's server functions,
//! server's handlers) call it and map its answers.
pub mod badge_shares;
pub mod badges;
pub mod blobs;
pub mod changes;
pub mod collections;
pub mod documents;
pub mod domain;
pub mod emails;
pub mod exports;
pub mod held_badges;
pub mod imports;
pub mod inbox;
pub mod known_issuers;
pub mod listings;
pub mod mail;
pub mod nodes;
pub mod notices;
pub mod oauth;
pub mod oauth_clients;
pub mod password;
pub mod password_resets;
pub mod profiles;
pub mod public_pages;
pub mod rate_limit;
pub mod refusals;
pub mod remote_backpacks;
pub mod showcases;
pub mod users;

use sea_orm::{DatabaseConnection, DbErr, SqlErr};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// What every request handler and server function may use.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    /// The database and the change feed the writing use cases announce to.
    pub store: changes::Store,
    pub rate_limits: Arc<rate_limit::RateLimits>,
    /// The external base URL (links, mails, share buttons, Origin checks).
    pub public_url: Arc<str>,
    pub mailer: Arc<mail::Mailer>,
    /// The only way out to the network for badge verification (refuses private addresses
    /// unless the operator allows them for tests), and what this process trusts.
    pub fetcher: Arc<Verifier>,
    /// Rendered public galleries and badge views (see `public_pages`).
    pub public_pages: Arc<public_pages::PublicPages>,
    /// A public badge view older than this is re-checked in the background.
    pub public_recheck_after: std::time::Duration,
    /// Files, links and texts one import may carry.
    pub max_import_items: usize,
    /// Proxies whose `X-Forwarded-For` names the client (rate limits count per client).
    pub trusted_proxies: Arc<[ipnet::IpNet]>,
    /// Issuers this site vouches for (`BESACE_KNOWN_ISSUERS`).
    pub known_issuers: Arc<known_issuers::KnownIssuers>,
}

impl AppState {
    pub fn new(
        db: DatabaseConnection,
        public_url: &str,
        rate_limits: rate_limit::RateLimits,
        mailer: mail::Mailer,
        fetcher: Verifier,
        public_pages: public_pages::PublicPages,
    ) -> Self {
        let store = changes::Store::new(db.clone());
        let public_pages = Arc::new(public_pages);
        // A change to a learner's public pages drops their cached copies, whichever door
        // caused it.
        let cache = public_pages.clone();
        store.changes.subscribe(move |change| match change {
            changes::Change::PublicPages { user_id } => cache.forget_user(*user_id),
            changes::Change::Anything => cache.forget_all(),
        });
        Self {
            db,
            store,
            rate_limits: Arc::new(rate_limits),
            public_url: public_url.trim_end_matches('/').into(),
            mailer: Arc::new(mailer),
            fetcher: Arc::new(fetcher),
            public_pages,
            public_recheck_after: std::time::Duration::from_secs(3600),
            max_import_items: 50,
            trusted_proxies: Arc::new([]),
            known_issuers: Default::default(),
        }
    }
}

/// The way out to issuers' sites, and the issuers this process refuses to trust (a demo
/// issuer, whose private keys are public, outside a server started for the demo). Every
/// verification goes through one, so every door applies the same trust.
pub struct Verifier {
    fetcher: Arc<dyn besace_badges::Fetcher>,
    distrusted_issuers: Vec<String>,
}

impl Verifier {
    pub fn new(fetcher: Arc<dyn besace_badges::Fetcher>, distrusted_issuers: Vec<String>) -> Self {
        Self {
            fetcher,
            distrusted_issuers,
        }
    }

    pub fn distrusted_issuers(&self) -> &[String] {
        &self.distrusted_issuers
    }
}

impl besace_badges::Fetcher for Verifier {
    fn fetch<'a>(
        &'a self,
        url: &'a str,
        kind: besace_badges::FetchKind,
    ) -> besace_badges::BoxFuture<'a, Result<besace_badges::FetchResponse, besace_badges::FetchError>> {
        self.fetcher.fetch(url, kind)
    }

    fn fetch_with<'a>(
        &'a self,
        url: &'a str,
        kind: besace_badges::FetchKind,
        headers: &'a [(String, String)],
    ) -> besace_badges::BoxFuture<'a, Result<besace_badges::FetchResponse, besace_badges::FetchError>> {
        self.fetcher.fetch_with(url, kind, headers)
    }

    fn send<'a>(
        &'a self,
        request: &'a besace_badges::Outbound,
    ) -> besace_badges::BoxFuture<'a, Result<besace_badges::FetchResponse, besace_badges::FetchError>> {
        self.fetcher.send(request)
    }
}

/// A secret for a link or a client: `bytes` random bytes from the OS, base64url.
pub fn random_token(bytes: usize) -> String {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    use rand::RngCore;
    let mut raw = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    URL_SAFE_NO_PAD.encode(raw)
}

/// Lower-case hex SHA-256, as stored for link tokens and badge files.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A unique index refused the write (same answer on SQLite and PostgreSQL).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}
