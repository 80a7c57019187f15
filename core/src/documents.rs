//! Issuers' documents shared by many badges — profiles, BadgeClasses, keys, DID documents,
//! revocation and status lists — kept in the database with their HTTP caching policy
//! (RFC 9111, by the `http-cache-semantics` crate), so every badge and every process that
//! checks them reuses one copy while it is fresh, and asks the issuer again with its
//! validators (`If-None-Match`, `If-Modified-Since`) once it is not.
//!
//! How fresh is fresh depends on who asks ([`Freshness`]). A badge's own hosted assertion
//! is always asked again (conditionally), and the file a learner imports by URL is never
//! kept.
use besace_badges::{BoxFuture, FetchError, FetchKind, FetchResponse, Fetcher};
use chrono::{DateTime, Utc};
use http_cache_semantics::{AfterResponse, BeforeRequest, CacheOptions, CachePolicy};
use sea_orm::sea_query::OnConflict;
use sea_orm::{entity::prelude::*, ActiveValue::Set, DatabaseConnection};
use std::time::{Duration, SystemTime};

/// In the background, a document is reused for at least this long after the issuer last
/// confirmed it, whatever its headers say (`no-cache` or `max-age=0` would otherwise cost
/// the issuer one request per badge).
pub const FLOOR: Duration = Duration::from_secs(60);
/// No document is reused without asking once this old, whatever its headers say.
pub const CEILING: Duration = Duration::from_secs(24 * 3600);
/// A document nobody asked for in this long is forgotten.
pub const KEPT_UNUSED: chrono::Duration = chrono::Duration::days(30);

/// Who asks, and so how long a kept document may stand for the issuer's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// The background re-verification: every shared document while fresh by its headers
    /// (at least [`FLOOR`], at most [`CEILING`]); the badge's own assertion asked again.
    Background,
    /// An import, the learner's "check again", a recruiter's view: shared documents while
    /// fresh by their own headers (no floor); the badge's own assertion and its revocation
    /// or status list asked again, so a revocation shows at once.
    Live,
}

impl Freshness {
    /// Whether a kept document of this kind may be answered without asking the issuer
    /// (when its policy says it is fresh), and whether the floor applies.
    fn reuse(self, kind: FetchKind) -> Reuse {
        match (self, kind) {
            (_, FetchKind::Badge) => Reuse::NeverKept,
            (_, FetchKind::Assertion) | (Freshness::Live, FetchKind::Status) => Reuse::AskAgain,
            (Freshness::Background, _) => Reuse::WithFloor,
            (Freshness::Live, FetchKind::Json) => Reuse::WhileFresh,
        }
    }
}

enum Reuse {
    NeverKept,
    AskAgain,
    WhileFresh,
    WithFloor,
}

pub mod entity {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "shared_documents")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub url: String,
        pub status: i32,
        pub final_url: String,
        pub content_type: Option<String>,
        pub body: Vec<u8>,
        /// The response's caching headers, as a JSON list of pairs.
        pub headers: String,
        /// The serialised `CachePolicy`.
        pub policy: String,
        pub stored_at: DateTime<Utc>,
        /// When the issuer last confirmed it (a full answer or a `304`).
        pub checked_at: DateTime<Utc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A fetcher that answers from the kept documents where it may, and keeps what it fetches.
/// The database failing never fails a verification: the issuer is then asked directly.
pub struct Shared<'a> {
    db: &'a DatabaseConnection,
    inner: &'a dyn Fetcher,
    freshness: Freshness,
}

impl<'a> Shared<'a> {
    pub fn new(db: &'a DatabaseConnection, inner: &'a dyn Fetcher, freshness: Freshness) -> Self {
        Self { db, inner, freshness }
    }

    async fn get(&self, url: &str, kind: FetchKind) -> Result<FetchResponse, FetchError> {
        let reuse = self.freshness.reuse(kind);
        let Some(request) = request_for(url).filter(|_| !matches!(reuse, Reuse::NeverKept)) else {
            return self.inner.fetch(url, kind).await;
        };
        let kept = match entity::Entity::find_by_id(url).one(self.db).await {
            Ok(kept) => kept.and_then(Kept::read),
            Err(err) => {
                tracing::warn!(error = %err, "kept documents unreadable; asking the issuer");
                None
            }
        };
        let now = SystemTime::now();
        let Some(kept) = kept else {
            let response = self.inner.fetch(url, kind).await?;
            self.keep(url, &request, &response, None).await;
            return Ok(response);
        };
        let age = now.duration_since(kept.stored_at).unwrap_or_default();
        let confirmed = now.duration_since(kept.checked_at).unwrap_or_default();
        let fresh = matches!(kept.policy.before_request(&request, now), BeforeRequest::Fresh(_));
        let reusable = match reuse {
            Reuse::NeverKept | Reuse::AskAgain => false,
            Reuse::WhileFresh => fresh && age < CEILING,
            Reuse::WithFloor => (fresh && age < CEILING) || confirmed < FLOOR,
        };
        if reusable {
            return Ok(kept.response);
        }
        let response = self.inner.fetch_with(url, kind, &kept.validators()).await?;
        if response.status == 304 {
            if let Ok(answer) = as_http(&response) {
                if let AfterResponse::NotModified(policy, parts) =
                    kept.policy.after_response(&request, &answer, now)
                {
                    self.confirm(url, &policy, &parts.headers).await;
                    return Ok(kept.response);
                }
            }
            // A 304 that does not match what is kept: ask for the document itself.
            let response = self.inner.fetch(url, kind).await?;
            self.keep(url, &request, &response, Some(&kept)).await;
            return Ok(response);
        }
        self.keep(url, &request, &response, Some(&kept)).await;
        Ok(response)
    }

    /// Keeps a full answer when it may be kept; forgets what was kept otherwise.
    async fn keep(
        &self,
        url: &str,
        request: &http::Request<()>,
        response: &FetchResponse,
        before: Option<&Kept>,
    ) {
        let Ok(answer) = as_http(response) else {
            return;
        };
        let policy = CachePolicy::new_options(request, &answer, SystemTime::now(), options());
        if response.status != 200 || !policy.is_storable() {
            if before.is_some() {
                let _ = entity::Entity::delete_by_id(url).exec(self.db).await;
            }
            return;
        }
        let (Ok(policy), Ok(headers)) = (
            serde_json::to_string(&policy),
            serde_json::to_string(&response.headers),
        ) else {
            return;
        };
        let now = Utc::now();
        let row = entity::ActiveModel {
            url: Set(url.to_owned()),
            status: Set(i32::from(response.status)),
            final_url: Set(response.url.clone()),
            content_type: Set(response.content_type.clone()),
            body: Set(response.body.clone()),
            headers: Set(headers),
            policy: Set(policy),
            stored_at: Set(now),
            checked_at: Set(now),
        };
        let upsert = entity::Entity::insert(row).on_conflict(
            OnConflict::column(entity::Column::Url)
                .update_columns([
                    entity::Column::Status,
                    entity::Column::FinalUrl,
                    entity::Column::ContentType,
                    entity::Column::Body,
                    entity::Column::Headers,
                    entity::Column::Policy,
                    entity::Column::StoredAt,
                    entity::Column::CheckedAt,
                ])
                .to_owned(),
        );
        if let Err(err) = upsert.exec(self.db).await {
            tracing::warn!(error = %err, "a fetched document could not be kept");
        }
    }

    /// Records that the issuer confirmed a kept document (`304`), with its new policy.
    async fn confirm(&self, url: &str, policy: &CachePolicy, headers: &http::HeaderMap) {
        let Ok(policy) = serde_json::to_string(policy) else {
            return;
        };
        let headers: Vec<(String, String)> = headers
            .iter()
            .filter(|(name, _)| besace_badges::CACHE_HEADERS.contains(&name.as_str()))
            .filter_map(|(name, value)| Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned())))
            .collect();
        let mut update = entity::Entity::update_many()
            .col_expr(entity::Column::Policy, Expr::value(policy))
            .col_expr(entity::Column::CheckedAt, Expr::value(Utc::now()));
        if let Ok(headers) = serde_json::to_string(&headers) {
            update = update.col_expr(entity::Column::Headers, Expr::value(headers));
        }
        if let Err(err) = update.filter(entity::Column::Url.eq(url)).exec(self.db).await {
            tracing::warn!(error = %err, "a confirmed document could not be marked");
        }
    }
}

impl Fetcher for Shared<'_> {
    fn fetch<'b>(
        &'b self,
        url: &'b str,
        kind: FetchKind,
    ) -> BoxFuture<'b, Result<FetchResponse, FetchError>> {
        Box::pin(self.get(url, kind))
    }

    fn send<'b>(
        &'b self,
        request: &'b besace_badges::Outbound,
    ) -> BoxFuture<'b, Result<FetchResponse, FetchError>> {
        self.inner.send(request)
    }
}

/// Forgets the documents nobody asked for since `before`; answers how many.
pub async fn forget_unused(db: &DatabaseConnection, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let deleted = entity::Entity::delete_many()
        .filter(entity::Column::CheckedAt.lt(before))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// A kept document, read back.
struct Kept {
    response: FetchResponse,
    policy: CachePolicy,
    stored_at: SystemTime,
    checked_at: SystemTime,
}

impl Kept {
    fn read(row: entity::Model) -> Option<Self> {
        let policy = serde_json::from_str(&row.policy).ok()?;
        let headers = serde_json::from_str(&row.headers).ok()?;
        Some(Self {
            response: FetchResponse {
                status: u16::try_from(row.status).ok()?,
                url: row.final_url,
                content_type: row.content_type,
                body: row.body,
                headers,
            },
            policy,
            stored_at: row.stored_at.into(),
            checked_at: row.checked_at.into(),
        })
    }

    /// The conditional request's headers: the issuer answers `304` if nothing changed.
    fn validators(&self) -> Vec<(String, String)> {
        let header = |name: &str| {
            self.response
                .headers
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        };
        let mut validators = Vec::new();
        if let Some(etag) = header("etag") {
            validators.push(("If-None-Match".to_owned(), etag));
        }
        if let Some(modified) = header("last-modified") {
            validators.push(("If-Modified-Since".to_owned(), modified));
        }
        validators
    }
}

/// Besace is one client for every learner, but what it keeps is the issuer's public
/// documents: a private cache's rules (`private` documents are kept too; `s-maxage` is not
/// read), and no heuristic freshness from `Last-Modified` (only what the issuer says).
fn options() -> CacheOptions {
    CacheOptions {
        shared: false,
        cache_heuristic: 0.0,
        ..Default::default()
    }
}

/// The GET the policy is about; `None` for a URL `http` cannot represent (never kept).
fn request_for(url: &str) -> Option<http::Request<()>> {
    http::Request::get(url).body(()).ok()
}

fn as_http(response: &FetchResponse) -> Result<http::Response<()>, http::Error> {
    let mut answer = http::Response::builder().status(response.status);
    for (name, value) in &response.headers {
        answer = answer.header(name.as_str(), value.as_str());
    }
    answer.body(())
}
