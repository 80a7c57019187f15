//! Public pages (galleries and their badges) rendered once, compressed once, then served
//! from memory until their owner changes anything: recruiters' clicks cost no database
//! query and no compression. Every write of a learner's collections, badges or name
//! forgets that learner's pages before it answers, so an unpublished link is never served
//! again.
use axum::body::Bytes;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// Pages kept at most; beyond it the cache starts afresh (pages are cheap to rebuild).
const MAX_PAGES: usize = 20_000;

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

#[derive(Default)]
pub struct PublicPages {
    pages: RwLock<HashMap<String, Arc<CachedPage>>>,
    /// Bumped by every `forget_user`: a page built from data read before a change is not
    /// stored after it (it would bring an unpublished link back to life).
    epoch: AtomicU64,
    /// Badges being checked again in the background (one check at a time per badge).
    rechecking: Mutex<HashSet<i64>>,
}

impl PublicPages {
    pub fn get(&self, key: &str) -> Option<Arc<CachedPage>> {
        self.pages.read().expect("cache lock").get(key).cloned()
    }

    /// Read before building a page; give it back to `put`.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// Keeps the page unless something was forgotten since `built_at_epoch`.
    pub fn put(&self, key: String, page: Arc<CachedPage>, built_at_epoch: u64) {
        let mut pages = self.pages.write().expect("cache lock");
        if self.epoch.load(Ordering::Acquire) != built_at_epoch {
            return;
        }
        if pages.len() >= MAX_PAGES {
            pages.clear();
        }
        pages.insert(key, page);
    }

    /// Forgets every page of this learner (after any change to what they show).
    pub fn forget_user(&self, user_id: i64) {
        let mut pages = self.pages.write().expect("cache lock");
        self.epoch.fetch_add(1, Ordering::AcqRel);
        pages.retain(|_, page| page.user_id != user_id);
    }

    /// `true` when nobody is checking this badge yet (the caller now is).
    pub fn start_recheck(&self, badge_id: i64) -> bool {
        self.rechecking.lock().expect("recheck lock").insert(badge_id)
    }

    pub fn finish_recheck(&self, badge_id: i64) {
        self.rechecking.lock().expect("recheck lock").remove(&badge_id);
    }

    pub fn len(&self) -> usize {
        self.pages.read().expect("cache lock").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_compressed_once_and_forgotten_per_learner() {
        let cache = PublicPages::default();
        let body = "<p>Parler en public</p>".repeat(200).into_bytes();
        let page = Arc::new(CachedPage::new(7, "text/html; charset=utf-8", body.clone()));
        assert!(page.brotli.len() < body.len() / 10 && page.gzip.len() < body.len() / 10);
        let epoch = cache.epoch();
        cache.put("g/a:fr".into(), page.clone(), epoch);
        cache.put(
            "g/b:fr".into(),
            Arc::new(CachedPage::new(8, "text/html", b"x".to_vec())),
            epoch,
        );
        assert_eq!(cache.get("g/a:fr").unwrap().etag, page.etag);
        cache.forget_user(7);
        assert!(cache.get("g/a:fr").is_none());
        assert!(cache.get("g/b:fr").is_some(), "another learner's page stays");
        // Built before the change, stored after it: refused.
        cache.put("g/a:fr".into(), page, epoch);
        assert!(cache.get("g/a:fr").is_none());
    }
}
