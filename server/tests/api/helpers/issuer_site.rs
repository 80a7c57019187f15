//! An issuer's site run the way a well-kept web server runs one: each document with its
//! `Cache-Control` and an `ETag`, a conditional request (`If-None-Match`) answered
//! `304 Not Modified` when nothing changed; and it notes every request it gets, so a test
//! can count what Besace asks of issuers.
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::IntoResponse;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One request the site received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub path: String,
    /// It carried `If-None-Match`.
    pub conditional: bool,
    pub status: u16,
}

#[derive(Default)]
struct Site {
    /// Path → status, body, `Cache-Control`.
    documents: HashMap<String, (u16, Vec<u8>, String)>,
    asked: Vec<Asked>,
}

#[derive(Clone)]
pub struct IssuerSite {
    site: Arc<Mutex<Site>>,
    /// `http://127.0.0.1:{port}`
    pub base: String,
}

impl IssuerSite {
    pub async fn start() -> Self {
        let site: Arc<Mutex<Site>> = Default::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let shared = site.clone();
        let router = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
            let site = shared.clone();
            async move { answer(&site, uri.path(), &headers) }
        });
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { site, base }
    }

    /// Serves `body` at `path` (200), saying it stays fresh as `cache_control` tells.
    pub fn put(&self, path: &str, body: impl Into<Vec<u8>>, cache_control: &str) {
        self.put_status(path, 200, body, cache_control);
    }

    /// Answers `status` at `path` from now on (a revoked hosted assertion: 410).
    pub fn put_status(&self, path: &str, status: u16, body: impl Into<Vec<u8>>, cache_control: &str) {
        self.site
            .lock()
            .unwrap()
            .documents
            .insert(path.to_owned(), (status, body.into(), cache_control.to_owned()));
    }

    /// The requests received so far, oldest first.
    pub fn asked(&self) -> Vec<Asked> {
        self.site.lock().unwrap().asked.clone()
    }

    pub fn forget_asked(&self) {
        self.site.lock().unwrap().asked.clear();
    }
}

fn answer(site: &Mutex<Site>, path: &str, headers: &HeaderMap) -> axum::response::Response {
    let mut site = site.lock().unwrap();
    let document = site.documents.get(path).cloned();
    let if_none_match = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let (status, response) = match document {
        None => (404, StatusCode::NOT_FOUND.into_response()),
        Some((status, body, cache_control)) => {
            let digest = Sha256::digest(&body);
            let etag = format!(
                "\"{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}\"",
                digest[0], digest[1], digest[2], digest[3], digest[4], digest[5]
            );
            let status = StatusCode::from_u16(status).unwrap();
            if status == StatusCode::OK && if_none_match.as_deref() == Some(etag.as_str()) {
                let headers = [(header::ETAG, etag), (header::CACHE_CONTROL, cache_control)];
                (304, (StatusCode::NOT_MODIFIED, headers).into_response())
            } else {
                let headers = [
                    (header::ETAG, etag),
                    (header::CACHE_CONTROL, cache_control),
                    (header::CONTENT_TYPE, "application/ld+json".to_owned()),
                ];
                (status.as_u16(), (status, headers, body).into_response())
            }
        }
    };
    site.asked.push(Asked {
        path: path.to_owned(),
        conditional: if_none_match.is_some(),
        status,
    });
    response
}
