//! Test support for this library's tests and the `besace verify` tests (feature
//! `testing`, never on a release path): a fetcher serving the fixture documents, and a
//! real HTTP server on 127.0.0.1 for hosted badges.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::{
    BoxFuture, FetchError, FetchKind, FetchResponse, Fetcher, HttpFetcher, Limits, Report, VerifyOptions,
};
use chrono::{DateTime, Utc};

pub const LEARNER: &str = "ana.martin@example.org";

/// The library's fixtures (`badges/fixtures`), wherever the caller's crate is.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

pub fn read(rel: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// "Now" for every fixture test: after issue, before the valid badges expire.
pub fn at() -> DateTime<Utc> {
    "2026-06-01T00:00:00Z".parse().unwrap()
}

pub fn opts(recipients: &[&str]) -> VerifyOptions {
    VerifyOptions {
        recipients: recipients.iter().map(|s| s.to_string()).collect(),
        now: Some(at()),
        limits: Limits::default(),
        distrusted_issuers: Vec::new(),
    }
}

#[derive(Clone)]
pub struct Route {
    pub status: u16,
    pub body: Vec<u8>,
    pub content_type: String,
    /// `Location` for redirects.
    pub location: Option<String>,
}

/// The served documents of `fixtures/served/routes-*.json`: URL → response.
pub fn routes() -> HashMap<String, Route> {
    let mut out = HashMap::new();
    for entry in std::fs::read_dir(fixtures().join("served")).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if !(name.starts_with("routes-") && name.ends_with(".json")) {
            continue;
        }
        let list: Vec<serde_json::Value> = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        for r in list {
            let url = r["url"].as_str().unwrap().to_string();
            let status = r.get("status").and_then(|s| s.as_u64()).unwrap_or(200) as u16;
            let body = match r.get("file").and_then(|f| f.as_str()) {
                Some(f) => std::fs::read(fixtures().join("served").join(f)).unwrap(),
                None => Vec::new(),
            };
            let content_type = r
                .get("content_type")
                .and_then(|c| c.as_str())
                .unwrap_or("application/ld+json")
                .to_string();
            let location = r.get("location").and_then(|l| l.as_str()).map(str::to_string);
            out.insert(
                url,
                Route {
                    status,
                    body,
                    content_type,
                    location,
                },
            );
        }
    }
    out
}

/// Serves the fixture documents from memory (https issuers, did:web): no network at all.
pub struct MapFetcher {
    pub routes: HashMap<String, Route>,
}

impl MapFetcher {
    pub fn new() -> Self {
        Self { routes: routes() }
    }
}

impl Default for MapFetcher {
    fn default() -> Self {
        Self::new()
    }
}

impl Fetcher for MapFetcher {
    fn fetch<'a>(
        &'a self,
        url: &'a str,
        _kind: FetchKind,
    ) -> BoxFuture<'a, Result<FetchResponse, FetchError>> {
        Box::pin(async move {
            match self.routes.get(url) {
                Some(r) => Ok(FetchResponse {
                    status: r.status,
                    url: url.to_string(),
                    content_type: Some(r.content_type.clone()),
                    body: r.body.clone(),
                    headers: Vec::new(),
                }),
                None => Ok(FetchResponse {
                    status: 404,
                    url: url.to_string(),
                    content_type: None,
                    body: Vec::new(),
                    headers: Vec::new(),
                }),
            }
        })
    }
}

/// A tiny HTTP/1.1 server on 127.0.0.1 (port 0) serving `routes` by path.
pub struct TestServer {
    pub port: u16,
    pub handle: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

pub async fn serve(routes: HashMap<String, Route>) -> TestServer {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    // Index by path: the host part of fixture URLs is rewritten to 127.0.0.1:port.
    let by_path: Arc<HashMap<String, Route>> = Arc::new(
        routes
            .into_iter()
            .filter(|(u, _)| HOSTED_HOSTS.iter().any(|h| u.starts_with(h)))
            .map(|(u, r)| (path_and_query(&u), r))
            .collect(),
    );
    let handle = tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let by_path = by_path.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let mut n = 0;
                while n < buf.len() {
                    match sock.read(&mut buf[n..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(k) => n += k,
                    }
                    if buf[..n].windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
                let req = String::from_utf8_lossy(&buf[..n]);
                let path = req.split_whitespace().nth(1).unwrap_or("/").to_string();
                let resp = match by_path.get(&path) {
                    Some(r) => r.clone(),
                    None => Route {
                        status: 404,
                        body: b"not found".to_vec(),
                        content_type: "text/plain".into(),
                        location: None,
                    },
                };
                let mut head = format!(
                    "HTTP/1.1 {} X\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
                    resp.status,
                    resp.content_type,
                    resp.body.len()
                );
                if let Some(l) = &resp.location {
                    head.push_str(&format!("Location: {l}\r\n"));
                }
                head.push_str("\r\n");
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(&resp.body).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    TestServer { port, handle }
}

/// The hosts fixture hosted badges use; the test server answers for all of them.
pub const HOSTED_HOSTS: &[&str] = &[
    "http://hosted.besace.test",
    "http://elsewhere.besace.test",
    "http://moodle.besace.test",
    "http://badgr.besace.test",
    "http://credly.besace.test",
    "http://passport.besace.test",
];

/// What a request line asks for: the path and, as Moodle's URLs have, the query.
fn path_and_query(url: &str) -> String {
    let url = url::Url::parse(url).unwrap();
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    }
}

/// The real [`HttpFetcher`] (allow_private_network) pointed at the test server: fixture
/// hosts are rewritten to 127.0.0.1:port, and the response keeps the URL asked for.
pub struct LocalFetcher {
    pub inner: HttpFetcher,
    pub port: u16,
    pub fallback: MapFetcher,
}

impl LocalFetcher {
    pub fn new(port: u16) -> Self {
        Self {
            inner: HttpFetcher::new(true, Limits::default()),
            port,
            fallback: MapFetcher::new(),
        }
    }
}

impl Fetcher for LocalFetcher {
    fn fetch<'a>(
        &'a self,
        url: &'a str,
        kind: FetchKind,
    ) -> BoxFuture<'a, Result<FetchResponse, FetchError>> {
        Box::pin(async move {
            let Some(host) = HOSTED_HOSTS.iter().find(|h| url.starts_with(**h)) else {
                return self.fallback.fetch(url, kind).await;
            };
            let local = format!("http://127.0.0.1:{}{}", self.port, &url[host.len()..]);
            let mut resp = self.inner.fetch(&local, kind).await?;
            resp.url = url.to_string();
            Ok(resp)
        })
    }
}

/// Verifies a fixture file with the in-memory fetcher.
pub async fn verify(rel: &str, recipients: &[&str]) -> Report {
    crate::verify_bytes(&read(rel), &MapFetcher::new(), &opts(recipients)).await
}

/// Ids of the failed checks.
pub fn failed(r: &Report) -> Vec<&'static str> {
    r.checks.iter().filter(|c| !c.ok).map(|c| c.id.as_str()).collect()
}
