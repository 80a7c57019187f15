//! All network access goes through a [`Fetcher`] the verifier is handed (docs/CONTRACTS.md).
//!
//! [`HttpFetcher`] is the real one: it resolves DNS itself, refuses non-public addresses
//! (unless `allow_private_network`), pins the checked address for the connection so a
//! second DNS answer cannot swap it (no DNS rebinding), follows at most
//! [`Limits::max_redirects`] redirects re-checking each hop, caps the body and times out.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;

use crate::limits::Limits;

/// A boxed future, so that `dyn Fetcher` works and stays `Send`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What is being fetched: decides the `Accept` header and the body cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchKind {
    /// A JSON(-LD) document many badges share: issuer profile, BadgeClass, key, DID
    /// document.
    Json,
    /// The badge's own hosted assertion (JSON): it says whether this one badge still holds.
    Assertion,
    /// A revocation or status list (JSON): shared by many badges, but it says whether
    /// each still holds.
    Status,
    /// Anything a learner may import by URL: a baked image, JSON or a JWT.
    Badge,
}

/// An HTTP response (any status: a 410 matters for hosted badges).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FetchResponse {
    pub status: u16,
    /// The URL after redirects.
    pub url: String,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    /// The headers a cache reads (`CACHE_HEADERS`), lower-case names: what a shared
    /// document cache needs to reuse or revalidate the answer.
    pub headers: Vec<(String, String)>,
}

/// The response headers kept in [`FetchResponse::headers`] (RFC 9111's inputs).
pub const CACHE_HEADERS: [&str; 8] = [
    "cache-control",
    "etag",
    "last-modified",
    "expires",
    "date",
    "age",
    "vary",
    "pragma",
];

/// Why a fetch failed. The messages (`Display`) land in reports that learners read, so
/// they say what happened in the issuer's terms and never how Besace's network looks:
/// no resolved address, no name found only inside it, no raw client error. A refused
/// private address and a name that does not resolve read the same, so the messages are
/// no map of what lies behind Besace. The technical detail each variant carries is for
/// the operator's log (`Debug`, and the warning `HttpFetcher` logs).
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("not an http(s) address: {0}")]
    BadUrl(String),
    #[error("the site cannot be reached: its name is unknown or it is not on the public internet")]
    ForbiddenAddress(String),
    #[error("the site cannot be reached: its name is unknown or it is not on the public internet")]
    Dns(String),
    #[error("too many redirects (more than {0})")]
    TooManyRedirects(usize),
    #[error("the response is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the site took too long to answer")]
    Timeout,
    #[error("too many documents fetched for one badge (more than {0})")]
    TooManyFetches(usize),
    #[error("no document is available at {0}")]
    NotFound(String),
    #[error("the site did not answer properly")]
    Http(String),
}

impl FetchError {
    /// The failure may pass by itself (a slow or unreachable site), so fetching again later
    /// can succeed; the others will fail the same way every time.
    pub fn may_pass(&self) -> bool {
        matches!(self, Self::Dns(_) | Self::Timeout | Self::Http(_))
    }
}

/// An HTTP status that says "not now" rather than "never": server errors, 408 and 429.
pub fn status_may_pass(status: u16) -> bool {
    status >= 500 || status == 408 || status == 429
}

/// The methods an API call may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallMethod {
    Get,
    Post,
}

/// An API call rather than a document fetch: Besace reading another backpack (OAuth
/// registration and tokens, the OB 3.0 API) through the same guard. No redirect is
/// followed; the body is capped like a JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbound {
    pub method: CallMethod,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// The only way the library reaches the network.
pub trait Fetcher: Send + Sync {
    /// GETs `url`. Non-2xx statuses are returned as responses, not errors.
    fn fetch<'a>(&'a self, url: &'a str, kind: FetchKind)
        -> BoxFuture<'a, Result<FetchResponse, FetchError>>;

    /// GETs `url` with extra request headers (a conditional request's `If-None-Match` or
    /// `If-Modified-Since`); a `304 Not Modified` comes back as a response. Fetchers with
    /// no such notion fetch the document afresh.
    fn fetch_with<'a>(
        &'a self,
        url: &'a str,
        kind: FetchKind,
        _headers: &'a [(String, String)],
    ) -> BoxFuture<'a, Result<FetchResponse, FetchError>> {
        self.fetch(url, kind)
    }

    /// Sends an API call. Fetchers that only serve documents refuse it.
    fn send<'a>(&'a self, request: &'a Outbound) -> BoxFuture<'a, Result<FetchResponse, FetchError>> {
        Box::pin(async move { Err(FetchError::NotFound(request.url.clone())) })
    }
}

/// A fetcher that never reaches the network (every fetch fails).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoFetch;

impl Fetcher for NoFetch {
    fn fetch<'a>(
        &'a self,
        url: &'a str,
        _kind: FetchKind,
    ) -> BoxFuture<'a, Result<FetchResponse, FetchError>> {
        Box::pin(async move { Err(FetchError::NotFound(url.to_string())) })
    }
}

/// Answers the documents a program carries itself (a demo issuer's profile, key and badge
/// classes) without the network, the way the JSON-LD contexts are bundled; every other
/// URL goes to `inner`.
pub struct Bundled<F> {
    inner: F,
    documents: Box<BundledDocuments>,
}

/// URL → the document a program carries for it, if any.
pub type BundledDocuments = dyn Fn(&str) -> Option<FetchResponse> + Send + Sync;

impl<F: Fetcher> Bundled<F> {
    pub fn new(inner: F, documents: impl Fn(&str) -> Option<FetchResponse> + Send + Sync + 'static) -> Self {
        Self {
            inner,
            documents: Box::new(documents),
        }
    }
}

impl<F: Fetcher> Fetcher for Bundled<F> {
    fn fetch<'a>(
        &'a self,
        url: &'a str,
        kind: FetchKind,
    ) -> BoxFuture<'a, Result<FetchResponse, FetchError>> {
        match (self.documents)(url) {
            Some(response) => Box::pin(async move { Ok(response) }),
            None => self.inner.fetch(url, kind),
        }
    }

    fn fetch_with<'a>(
        &'a self,
        url: &'a str,
        kind: FetchKind,
        headers: &'a [(String, String)],
    ) -> BoxFuture<'a, Result<FetchResponse, FetchError>> {
        match (self.documents)(url) {
            Some(response) => Box::pin(async move { Ok(response) }),
            None => self.inner.fetch_with(url, kind, headers),
        }
    }

    fn send<'a>(&'a self, request: &'a Outbound) -> BoxFuture<'a, Result<FetchResponse, FetchError>> {
        self.inner.send(request)
    }
}

/// Whether an address is on the public internet (not loopback, private, link-local,
/// multicast, unspecified, shared, documentation or otherwise reserved).
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || o[0] == 0
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // 100.64.0.0/10 shared address space
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // 192.0.0.0/24 IETF protocol assignments
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // 198.18.0.0/15 benchmarking
        || o[0] >= 240) // 240.0.0.0/4 reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let s = ip.segments();
    // NAT64 (64:ff9b::/96) embeds an IPv4 address: judge that one.
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        let [a, b] = s[6].to_be_bytes();
        let [c, d] = s[7].to_be_bytes();
        return is_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (s[0] & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || s[0..6] == [0, 0, 0, 0, 0, 0]) // IPv4-compatible and other ::/96 forms
}

/// The real fetcher, over HTTPS (rustls) or HTTP.
#[derive(Debug, Clone)]
pub struct HttpFetcher {
    allow_private_network: bool,
    /// Non-public addresses allowed one by one (tests of the per-hop checks).
    allowed_ips: Vec<IpAddr>,
    limits: Limits,
    user_agent: String,
    /// Shared by every clone: one budget per host for the whole process.
    hosts: std::sync::Arc<crate::hosts::HostBudget>,
}

impl HttpFetcher {
    /// `allow_private_network` is for tests that serve badges on 127.0.0.1; production
    /// never sets it.
    pub fn new(allow_private_network: bool, limits: Limits) -> Self {
        Self {
            allow_private_network,
            allowed_ips: Vec::new(),
            limits,
            user_agent: format!("Besace/{}", env!("CARGO_PKG_VERSION")),
            hosts: Default::default(),
        }
    }

    /// Allows these exact non-public addresses (and no others), for tests that need one
    /// local server but must see every other private address refused.
    pub fn allow_ips(mut self, ips: impl IntoIterator<Item = IpAddr>) -> Self {
        self.allowed_ips.extend(ips);
        self
    }

    fn cap(&self, kind: FetchKind) -> usize {
        match kind {
            FetchKind::Json | FetchKind::Assertion | FetchKind::Status => self.limits.max_json_bytes,
            FetchKind::Badge => self.limits.max_image_bytes.max(self.limits.max_json_bytes),
        }
    }

    /// Resolves `url`'s host and returns the first acceptable address.
    async fn resolve(&self, url: &url::Url) -> Result<SocketAddr, FetchError> {
        let port = url
            .port_or_known_default()
            .ok_or_else(|| FetchError::BadUrl(url.to_string()))?;
        let candidates: Vec<SocketAddr> = match url.host() {
            Some(url::Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
            Some(url::Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
            Some(url::Host::Domain(d)) => tokio::net::lookup_host((d, port))
                .await
                .map_err(|_| FetchError::Dns(d.to_string()))?
                .collect(),
            None => return Err(FetchError::BadUrl(url.to_string())),
        };
        if candidates.is_empty() {
            return Err(FetchError::Dns(url.host_str().unwrap_or("").to_string()));
        }
        if self.allow_private_network {
            return Ok(candidates[0]);
        }
        // Any non-public answer means the name is not safe to use at all.
        if let Some(bad) = candidates
            .iter()
            .find(|a| !is_public_ip(a.ip()) && !self.allowed_ips.contains(&a.ip()))
        {
            return Err(FetchError::ForbiddenAddress(bad.ip().to_string()));
        }
        Ok(candidates[0])
    }

    /// A client that connects only to `addr`, the address `resolve` checked for `url`.
    fn client_for(&self, url: &url::Url, addr: SocketAddr) -> Result<reqwest::Client, FetchError> {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(&self.user_agent)
            .timeout(self.limits.fetch_timeout)
            .no_proxy();
        if let Some(url::Host::Domain(d)) = url.host() {
            // Pin the connection to the address we checked.
            builder = builder.resolve(d, addr);
        }
        builder.build().map_err(|e| FetchError::Http(e.to_string()))
    }

    async fn send_inner(&self, request: &Outbound) -> Result<FetchResponse, FetchError> {
        let url = url::Url::parse(&request.url).map_err(|_| FetchError::BadUrl(request.url.clone()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::BadUrl(url.to_string()));
        }
        let addr = self.resolve(&url).await?;
        let _turn = self.hosts.turn(url.host_str().unwrap_or_default()).await;
        let client = self.client_for(&url, addr)?;
        let call = match request.method {
            CallMethod::Get => client.get(url.clone()),
            CallMethod::Post => client.post(url.clone()).body(request.body.clone()),
        };
        let resp = send(call, &request.headers).await?;
        read(resp, url.as_str(), self.limits.max_json_bytes).await
    }

    async fn fetch_inner(
        &self,
        url: &str,
        kind: FetchKind,
        headers: &[(String, String)],
    ) -> Result<FetchResponse, FetchError> {
        let mut current = url::Url::parse(url).map_err(|_| FetchError::BadUrl(url.to_string()))?;
        let cap = self.cap(kind);
        let accept = match kind {
            FetchKind::Json | FetchKind::Assertion | FetchKind::Status => {
                "application/ld+json, application/json;q=0.9, */*;q=0.1"
            }
            FetchKind::Badge => {
                "application/ld+json, application/json, application/vc+ld+json, image/png, image/svg+xml, */*;q=0.5"
            }
        };
        for _hop in 0..=self.limits.max_redirects {
            if !matches!(current.scheme(), "http" | "https") {
                return Err(FetchError::BadUrl(current.to_string()));
            }
            let addr = self.resolve(&current).await?;
            // Each hop takes a turn at its host (held until the body is read).
            let _turn = self.hosts.turn(current.host_str().unwrap_or_default()).await;
            let client = self.client_for(&current, addr)?;
            let call = client
                .get(current.clone())
                .header(reqwest::header::ACCEPT, accept);
            let resp = send(call, headers).await?;
            let status = resp.status();
            if status.is_redirection() && status != reqwest::StatusCode::NOT_MODIFIED {
                let loc = resp
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| FetchError::Http(format!("redirect {status} without Location")))?;
                current = current
                    .join(loc)
                    .map_err(|_| FetchError::BadUrl(loc.to_string()))?;
                continue;
            }
            return read(resp, current.as_str(), cap).await;
        }
        Err(FetchError::TooManyRedirects(self.limits.max_redirects))
    }
}

/// Sends a request with extra headers; a timeout is told apart from other failures.
async fn send(
    mut call: reqwest::RequestBuilder,
    headers: &[(String, String)],
) -> Result<reqwest::Response, FetchError> {
    for (name, value) in headers {
        call = call.header(name.as_str(), value.as_str());
    }
    call.send().await.map_err(|e| {
        if e.is_timeout() {
            FetchError::Timeout
        } else {
            FetchError::Http(e.to_string())
        }
    })
}

/// A response's status, type and body, refusing a body over `cap` before and while it
/// is read.
async fn read(mut resp: reqwest::Response, url: &str, cap: usize) -> Result<FetchResponse, FetchError> {
    if resp.content_length().is_some_and(|n| n > cap as u64) {
        return Err(FetchError::TooLarge(cap));
    }
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let headers = CACHE_HEADERS
        .iter()
        .flat_map(|name| {
            resp.headers()
                .get_all(*name)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .map(|value| ((*name).to_owned(), value.to_owned()))
        })
        .collect();
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| FetchError::Http(e.to_string()))? {
        if body.len() + chunk.len() > cap {
            return Err(FetchError::TooLarge(cap));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(FetchResponse {
        status: resp.status().as_u16(),
        url: url.to_owned(),
        content_type,
        body,
        headers,
    })
}

impl Fetcher for HttpFetcher {
    fn fetch<'a>(
        &'a self,
        url: &'a str,
        kind: FetchKind,
    ) -> BoxFuture<'a, Result<FetchResponse, FetchError>> {
        self.fetch_with(url, kind, &[])
    }

    fn fetch_with<'a>(
        &'a self,
        url: &'a str,
        kind: FetchKind,
        headers: &'a [(String, String)],
    ) -> BoxFuture<'a, Result<FetchResponse, FetchError>> {
        Box::pin(async move {
            let work = self.fetch_inner(url, kind, headers);
            let result = match tokio::time::timeout(self.limits.fetch_timeout, work).await {
                Ok(r) => r,
                Err(_) => Err(FetchError::Timeout),
            };
            if let Err(err) = &result {
                tracing::warn!(url, error = ?err, "badge fetch failed");
            }
            result
        })
    }

    fn send<'a>(&'a self, request: &'a Outbound) -> BoxFuture<'a, Result<FetchResponse, FetchError>> {
        Box::pin(async move {
            let result = match tokio::time::timeout(self.limits.fetch_timeout, self.send_inner(request)).await
            {
                Ok(r) => r,
                Err(_) => Err(FetchError::Timeout),
            };
            if let Err(err) = &result {
                tracing::warn!(url = %request.url, error = ?err, "API call failed");
            }
            result
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_reserved_addresses_are_refused() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "224.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "100.64.0.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(!is_public_ip(a.parse().unwrap()), "{a} must be refused");
        }
        for a in ["93.184.216.34", "2606:4700::1111", "::ffff:1.1.1.1", "8.8.8.8"] {
            assert!(is_public_ip(a.parse().unwrap()), "{a} is public");
        }
    }

    #[tokio::test]
    async fn refuses_loopback_unless_allowed() {
        let f = HttpFetcher::new(false, Limits::default());
        let e = f
            .fetch("http://127.0.0.1:9/x", FetchKind::Json)
            .await
            .unwrap_err();
        assert!(matches!(e, FetchError::ForbiddenAddress(_)), "{e}");
        let e = f
            .fetch("http://localhost:9/x", FetchKind::Json)
            .await
            .unwrap_err();
        assert!(matches!(e, FetchError::ForbiddenAddress(_)), "{e}");
        let e = f.fetch("file:///etc/passwd", FetchKind::Json).await.unwrap_err();
        assert!(matches!(e, FetchError::BadUrl(_)), "{e}");
    }
}
