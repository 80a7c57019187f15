//! Public pages (galleries and their badges) rendered once, compressed once, then served
//! from memory until their owner changes anything: recruiters' clicks cost no database
//! query and no compression. Every write of a learner's collections, badges or name
//! forgets that learner's pages before it answers, so an unpublished link is never served
//! again.
use bytes::Bytes;
use std::collections::HashSet;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// One rendered page in every encoding a browser may ask for.
#[derive(Debug)]
pub struct CachedPage {
    pub user_id: i64,
    /// Search engines may index it (the owner's choice); images ignore it.
    pub allow_indexing: bool,
    pub content_type: &'static str,
    pub etag: String,
    /// `Bytes`: each response shares these, no copy per request.
    pub identity: Bytes,
    pub gzip: Bytes,
    pub brotli: Bytes,
    /// When it was rendered (see `PublicPages::max_age`).
    pub built: std::time::Instant,
}

impl CachedPage {
    /// Text is compressed now (PNG and the like would not shrink: left as they are).
    pub fn new(user_id: i64, content_type: &'static str, body: Vec<u8>) -> Self {
        let etag = format!("\"{}\"", &super::sha256_hex(&body)[..32]);
        let compressible = content_type.starts_with("text/")
            || content_type.contains("svg")
            || content_type.contains("json");
        Self {
            user_id,
            allow_indexing: false,
            content_type,
            etag,
            gzip: if compressible {
                gzip(&body).into()
            } else {
                Bytes::new()
            },
            brotli: if compressible {
                brotli(&body).into()
            } else {
                Bytes::new()
            },
            identity: body.into(),
            built: std::time::Instant::now(),
        }
    }
}

fn gzip(body: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(body).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

fn brotli(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &body[..], &mut out, &params).expect("writing to memory");
    out
}

/// What a page costs the cache: its bytes in every encoding, its key and some overhead.
#[derive(Clone, Copy)]
struct PageBytes;

impl quick_cache::Weighter<String, Arc<CachedPage>> for PageBytes {
    fn weight(&self, key: &String, page: &Arc<CachedPage>) -> u64 {
        (key.len() + page.identity.len() + page.gzip.len() + page.brotli.len() + page.etag.len() + 128) as u64
    }
}

/// When each learner last changed what their pages show, striped by learner id: a fixed
/// table, whatever the number of learners (two learners sharing a stripe only cost each
/// other a rebuild). A page built before its owner's last change is not stored, and one
/// learner's changes never keep another's pages out of the cache.
const STRIPES: usize = 4096;

/// The default byte budget of the cache (`BESACE_PUBLIC_CACHE_BYTES`).
pub const DEFAULT_BUDGET: u64 = 64 * 1024 * 1024;

pub struct PublicPages {
    pages: quick_cache::sync::Cache<String, Arc<CachedPage>, PageBytes>,
    /// Ticks once per change, of any learner.
    clock: AtomicU64,
    /// The tick of the last change of the learners of each stripe.
    changed_at: Box<[AtomicU64]>,
    /// Badges being checked again in the background (one check at a time per badge).
    rechecking: Mutex<HashSet<i64>>,
    /// With several processes on one database, a page older than this is built again: the
    /// bound on staleness should another process's notice be lost (`nodes.rs`).
    max_age: Option<std::time::Duration>,
    /// One build at a time per stripe of keys (see `build_turn`).
    builders: Box<[tokio::sync::Mutex<()>]>,
}

/// Stripes of page keys built one at a time: pages of different stripes build at once.
const BUILD_STRIPES: usize = 64;

fn build_stripe(key: &str) -> usize {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut hasher);
    hasher.finish() as usize % BUILD_STRIPES
}

impl Default for PublicPages {
    fn default() -> Self {
        Self::with_budget(DEFAULT_BUDGET)
    }
}

impl PublicPages {
    /// A cache holding at most `bytes` of pages: the least used go first.
    pub fn with_budget(bytes: u64) -> Self {
        // A gallery page set weighs some tens of KiB: a guess for the item table only.
        let estimated_items = (bytes / (32 * 1024)).clamp(16, 1 << 20) as usize;
        Self {
            pages: quick_cache::sync::Cache::with_weighter(estimated_items, bytes, PageBytes),
            clock: AtomicU64::new(0),
            changed_at: (0..STRIPES).map(|_| AtomicU64::new(0)).collect(),
            rechecking: Mutex::new(HashSet::new()),
            max_age: None,
            builders: (0..BUILD_STRIPES).map(|_| tokio::sync::Mutex::new(())).collect(),
        }
    }

    /// Pages are built again once this old (set where other processes share the database).
    pub fn with_max_age(mut self, max_age: std::time::Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    pub fn get(&self, key: &str) -> Option<Arc<CachedPage>> {
        let page = self.pages.get(key)?;
        if self.max_age.is_some_and(|max_age| page.built.elapsed() > max_age) {
            self.pages.remove(key);
            return None;
        }
        Some(page)
    }

    /// Waits for the turn to build `key`'s page; look the page up again once it is yours
    /// (the request before may have built it). When a popular page is missing (forgotten
    /// or past its max age) under load, one request builds it and the others wait for it,
    /// instead of every request building it at once.
    pub async fn build_turn(&self, key: &str) -> tokio::sync::MutexGuard<'_, ()> {
        self.builders[build_stripe(key)].lock().await
    }

    fn changed_at(&self, user_id: i64) -> &AtomicU64 {
        &self.changed_at[user_id.rem_euclid(STRIPES as i64) as usize]
    }

    /// Read before building a page (whose owner is not known yet); give it to `put`.
    pub fn clock(&self) -> u64 {
        self.clock.load(Ordering::SeqCst)
    }

    fn changed_since(&self, user_id: i64, started: u64) -> bool {
        self.changed_at(user_id).load(Ordering::SeqCst) > started
    }

    /// Keeps the page unless its owner changed something since `started`.
    pub fn put(&self, key: String, page: Arc<CachedPage>, started: u64) {
        let owner = page.user_id;
        if self.changed_since(owner, started) {
            return;
        }
        self.pages.insert(key.clone(), page);
        // A change that landed while inserting (its `retain` may have run before the
        // insert): take the page out again.
        if self.changed_since(owner, started) {
            self.pages.remove(&key);
        }
    }

    /// Forgets every page of this learner (after a change to what they show).
    pub fn forget_user(&self, user_id: i64) {
        let now = self.clock.fetch_add(1, Ordering::SeqCst) + 1;
        self.changed_at(user_id).fetch_max(now, Ordering::SeqCst);
        self.pages.retain(|_, page| page.user_id != user_id);
    }

    /// Forgets every page (this process may have missed changes made by another).
    pub fn forget_all(&self) {
        let now = self.clock.fetch_add(1, Ordering::SeqCst) + 1;
        for stripe in self.changed_at.iter() {
            stripe.fetch_max(now, Ordering::SeqCst);
        }
        self.pages.clear();
    }

    /// `true` when nobody is checking this badge yet (the caller now is).
    pub fn start_recheck(&self, badge_id: i64) -> bool {
        self.rechecking.lock().expect("recheck lock").insert(badge_id)
    }

    pub fn finish_recheck(&self, badge_id: i64) {
        self.rechecking.lock().expect("recheck lock").remove(&badge_id);
    }

    pub fn len(&self) -> usize {
        self.pages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes the cache holds now.
    pub fn weight(&self) -> u64 {
        self.pages.weight()
    }
}

#[cfg(test)]
mod max_age_tests {
    use super::*;

    #[test]
    fn pages_older_than_the_max_age_are_built_again() {
        let cache = PublicPages::with_budget(1024 * 1024).with_max_age(std::time::Duration::from_millis(30));
        let started = cache.clock();
        cache.put(
            "/g/x".into(),
            Arc::new(CachedPage::new(1, "text/html", b"<p>x</p>".to_vec())),
            started,
        );
        assert!(cache.get("/g/x").is_some());
        std::thread::sleep(std::time::Duration::from_millis(60));
        assert!(cache.get("/g/x").is_none());
        assert!(cache.is_empty());
        let forever = PublicPages::with_budget(1024 * 1024);
        forever.put(
            "/g/y".into(),
            Arc::new(CachedPage::new(1, "text/html", b"y".to_vec())),
            forever.clock(),
        );
        std::thread::sleep(std::time::Duration::from_millis(40));
        assert!(forever.get("/g/y").is_some());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_missing_page_wanted_by_many_is_built_once() {
        let cache = Arc::new(PublicPages::default());
        let builds = Arc::new(AtomicU64::new(0));
        let requests: Vec<_> = (0..32)
            .map(|_| {
                let (cache, builds) = (cache.clone(), builds.clone());
                tokio::spawn(async move {
                    if cache.get("/g/popular").is_some() {
                        return;
                    }
                    let _turn = cache.build_turn("/g/popular").await;
                    if cache.get("/g/popular").is_some() {
                        return;
                    }
                    let started = cache.clock();
                    builds.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    let page = CachedPage::new(1, "text/html", b"<p>g</p>".to_vec());
                    cache.put("/g/popular".into(), Arc::new(page), started);
                })
            })
            .collect();
        for request in requests {
            request.await.unwrap();
        }
        assert_eq!(builds.load(Ordering::SeqCst), 1);
        // Another page is not held up by this one's builds.
        let _held = cache.build_turn("/g/popular").await;
        let other = (0..1000)
            .map(|n| format!("/g/other-{n}"))
            .find(|key| build_stripe(key) != build_stripe("/g/popular"))
            .unwrap();
        let turn = tokio::time::timeout(std::time::Duration::from_secs(1), cache.build_turn(&other)).await;
        assert!(turn.is_ok());
    }

    #[test]
    fn pages_are_compressed_once_and_forgotten_per_learner() {
        let cache = PublicPages::default();
        let body = "<p>Parler en public</p>".repeat(200).into_bytes();
        let page = Arc::new(CachedPage::new(7, "text/html; charset=utf-8", body.clone()));
        assert!(page.brotli.len() < body.len() / 10 && page.gzip.len() < body.len() / 10);
        let started = cache.clock();
        cache.put("g/a:fr".into(), page.clone(), started);
        cache.put(
            "g/b:fr".into(),
            Arc::new(CachedPage::new(8, "text/html", b"x".to_vec())),
            started,
        );
        assert_eq!(cache.get("g/a:fr").unwrap().etag, page.etag);
        cache.forget_user(7);
        assert!(cache.get("g/a:fr").is_none());
        assert!(cache.get("g/b:fr").is_some(), "another learner's page stays");
        // Built before the change, stored after it: refused.
        cache.put("g/a:fr".into(), page.clone(), started);
        assert!(cache.get("g/a:fr").is_none());
        // Another learner's change while this page is built does not keep it out.
        let started = cache.clock();
        cache.forget_user(8);
        cache.put("g/a:fr".into(), page, started);
        assert!(cache.get("g/a:fr").is_some());
    }

    #[test]
    fn the_cache_holds_at_most_its_budget_in_bytes() {
        let cache = PublicPages::with_budget(1024 * 1024);
        for n in 0..400 {
            // 10 KiB pages that do not compress: 4 MB offered to a 1 MiB cache.
            let body: Vec<u8> = (0..10 * 1024)
                .map(|i| ((i * 7919 + n * 31) % 251) as u8)
                .collect();
            let page = Arc::new(CachedPage::new(n as i64, "image/png", body));
            cache.put(format!("g/{n}"), page, cache.clock());
        }
        assert!(cache.weight() <= 1024 * 1024, "{} bytes", cache.weight());
        assert!(cache.len() > 20, "the budget is used: {} pages", cache.len());
    }
}
