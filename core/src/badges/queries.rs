//! Reading the backpack: one badge, the learner's ids, summaries for lists, a page of the
//! backpack with its filter and sort.
use super::*;

/// One badge, only if it belongs to `user_id`.
pub async fn find_owned(db: &DatabaseConnection, user_id: i64, id: i64) -> Result<Option<Badge>, DbErr> {
    entity::Entity::find_by_id(id)
        .filter(entity::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// Whether badge `id` is in this learner's backpack (reads nothing else).
pub async fn owns(db: &impl ConnectionTrait, user_id: i64, id: i64) -> Result<bool, DbErr> {
    let count = entity::Entity::find_by_id(id)
        .filter(entity::Column::UserId.eq(user_id))
        .count(db)
        .await?;
    Ok(count > 0)
}

/// Ids of all the learner's badges, oldest import first.
pub async fn ids_of_user(db: &DatabaseConnection, user_id: i64) -> Result<Vec<i64>, DbErr> {
    entity::Entity::find()
        .select_only()
        .column(entity::Column::Id)
        .filter(entity::Column::UserId.eq(user_id))
        .order_by_asc(entity::Column::CreatedAt)
        .order_by_asc(entity::Column::Id)
        .into_tuple::<i64>()
        .all(db)
        .await
}

/// The learner's badges without their originals, newest import first: one query.
pub async fn newest_first(db: &impl ConnectionTrait, user_id: i64) -> Result<Vec<BadgeSummary>, DbErr> {
    entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .order_by_desc(entity::Column::CreatedAt)
        .order_by_desc(entity::Column::Id)
        .into_partial_model::<BadgeSummary>()
        .all(db)
        .await
}

/// A badge without its original file: what lists show.
#[derive(Clone, Debug, PartialEq, Eq, DerivePartialModel, FromQueryResult)]
#[sea_orm(entity = "entity::Entity")]
pub struct BadgeSummary {
    pub id: i64,
    pub name: String,
    pub issuer_name: String,
    pub issued_on: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub status: BadgeStatus,
    pub spec: BadgeSpec,
    pub original_sha256: String,
    pub original_media_type: String,
    pub image_sha256: Option<String>,
    pub verified_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    /// The issuer's id, as the verification found it (lists say how each issuer is known).
    pub issuer_id: Option<String>,
}

impl From<&Badge> for BadgeSummary {
    fn from(badge: &Badge) -> Self {
        (&BadgeRecord::from(badge)).into()
    }
}

impl BadgeSummary {
    /// Where the owner's browser gets the picture. The hash in the path makes the URL
    /// change whenever the bytes could, so it can be cached for a year.
    pub fn image_url(&self) -> Option<String> {
        self.image_version()
            .map(|version| format!("/api/badges/{}/image/{version}", self.id))
    }

    /// The start of the picture's SHA-256: what makes an image URL immutable.
    pub fn image_version(&self) -> Option<&str> {
        let sha = if self.original_media_type.starts_with("image/") {
            Some(&self.original_sha256)
        } else {
            self.image_sha256.as_ref()
        };
        sha.and_then(|sha| sha.get(..16))
    }
}

/// A badge with everything but its original file: what its page and its public views read.
#[derive(Clone, Debug, PartialEq, Eq, DerivePartialModel, FromQueryResult)]
#[sea_orm(entity = "entity::Entity")]
pub struct BadgeRecord {
    pub id: i64,
    pub user_id: i64,
    pub credential_id: Option<String>,
    pub original_sha256: String,
    pub original_media_type: String,
    pub spec: BadgeSpec,
    pub method: Option<BadgeMethod>,
    pub name: String,
    pub issuer_name: String,
    pub issued_on: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub status: BadgeStatus,
    pub report: String,
    pub verified_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub image_sha256: Option<String>,
    pub pushed_by_client_id: Option<i64>,
    pub issuer_id: Option<String>,
}

impl From<&Badge> for BadgeRecord {
    fn from(badge: &Badge) -> Self {
        Self {
            id: badge.id,
            user_id: badge.user_id,
            credential_id: badge.credential_id.clone(),
            original_sha256: badge.original_sha256.clone(),
            original_media_type: badge.original_media_type.clone(),
            spec: badge.spec,
            method: badge.method,
            name: badge.name.clone(),
            issuer_name: badge.issuer_name.clone(),
            issued_on: badge.issued_on,
            expires_at: badge.expires_at,
            status: badge.status,
            report: badge.report.clone(),
            verified_at: badge.verified_at,
            created_at: badge.created_at,
            image_sha256: badge.image_sha256.clone(),
            pushed_by_client_id: badge.pushed_by_client_id,
            issuer_id: badge.issuer_id.clone(),
        }
    }
}

impl From<&BadgeRecord> for BadgeSummary {
    fn from(badge: &BadgeRecord) -> Self {
        Self {
            id: badge.id,
            name: badge.name.clone(),
            issuer_name: badge.issuer_name.clone(),
            issued_on: badge.issued_on,
            expires_at: badge.expires_at,
            status: badge.status,
            spec: badge.spec,
            original_sha256: badge.original_sha256.clone(),
            original_media_type: badge.original_media_type.clone(),
            image_sha256: badge.image_sha256.clone(),
            verified_at: badge.verified_at,
            created_at: badge.created_at,
            issuer_id: badge.issuer_id.clone(),
        }
    }
}

/// The learner's badges without their originals, oldest import first: one query.
pub async fn records_of_user(db: &impl ConnectionTrait, user_id: i64) -> Result<Vec<BadgeRecord>, DbErr> {
    entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .order_by_asc(entity::Column::CreatedAt)
        .order_by_asc(entity::Column::Id)
        .into_partial_model::<BadgeRecord>()
        .all(db)
        .await
}

/// Every history line of the learner's badges, oldest first within each badge: one query.
pub async fn histories_of_user(db: &impl ConnectionTrait, user_id: i64) -> Result<Vec<BadgeCheck>, DbErr> {
    check_entity::Entity::find()
        .inner_join(entity::Entity)
        .filter(entity::Column::UserId.eq(user_id))
        .order_by_asc(check_entity::Column::BadgeId)
        .order_by_asc(check_entity::Column::CheckedAt)
        .order_by_asc(check_entity::Column::Id)
        .all(db)
        .await
}

/// How the backpack is sorted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortBy {
    /// Newest import first.
    #[default]
    Received,
    /// Most recently issued first; badges without a date last.
    Issued,
    Name,
    Issuer,
}

impl SortBy {
    /// `received` (or anything unknown), `issued`, `name`, `issuer`.
    pub fn parse(value: &str) -> Self {
        match value {
            "issued" => Self::Issued,
            "name" => Self::Name,
            "issuer" => Self::Issuer,
            _ => Self::Received,
        }
    }
}

/// One page of the backpack: what to show, filtered and sorted.
#[derive(Clone, Debug, Default)]
pub struct ListQuery {
    /// Words looked for in the badge and issuer names (case- and accent-insensitive).
    pub text: Option<String>,
    pub status: Option<BadgeStatus>,
    pub sort: SortBy,
    /// From 0.
    pub page: u64,
    pub per_page: u64,
}

/// A page of the learner's badges and how many match in all, never loading the originals.
pub async fn list_page(
    db: &DatabaseConnection,
    user_id: i64,
    query: &ListQuery,
) -> Result<(Vec<BadgeSummary>, u64), DbErr> {
    use entity::Column;
    let mut select = entity::Entity::find().filter(Column::UserId.eq(user_id));
    if let Some(status) = query.status {
        select = select.filter(Column::Status.eq(status));
    }
    for word in query
        .text
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .take(8)
    {
        let pattern = format!("%{}%", escape_like(&search_keys::fold(word)));
        select = select.filter(
            Condition::any()
                .add(Column::NameKey.like(LikeExpr::new(pattern.clone()).escape('\\')))
                .add(Column::IssuerKey.like(LikeExpr::new(pattern).escape('\\'))),
        );
    }
    let total = select.clone().count(db).await?;
    let select = match query.sort {
        SortBy::Received => select.order_by_desc(Column::CreatedAt),
        SortBy::Issued => select
            .order_by(Expr::col(Column::IssuedOn).is_null(), sea_orm::Order::Asc)
            .order_by_desc(Column::IssuedOn),
        // The folded name first (French order), then the name itself between equal keys.
        SortBy::Name => select.order_by_asc(Column::NameKey).order_by_asc(Column::Name),
        SortBy::Issuer => select
            .order_by_asc(Column::IssuerKey)
            .order_by_asc(Column::NameKey)
            .order_by_asc(Column::Name),
    };
    let per_page = query.per_page.clamp(1, 200);
    let rows = select
        .order_by_desc(Column::Id)
        .offset(query.page * per_page)
        .limit(per_page)
        .into_partial_model::<BadgeSummary>()
        .all(db)
        .await?;
    Ok((rows, total))
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// A page of the learner's badges of these specs, newest first, with
/// their originals, and how many there are in all: what the Open Badges APIs list.
pub async fn api_page(
    db: &DatabaseConnection,
    user_id: i64,
    specs: &[BadgeSpec],
    since: Option<DateTime<Utc>>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Badge>, u64), DbErr> {
    let mut select = entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .filter(entity::Column::Spec.is_in(specs.iter().copied()));
    if let Some(since) = since {
        select = select.filter(entity::Column::CreatedAt.gte(since));
    }
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by_desc(entity::Column::CreatedAt)
        .order_by_desc(entity::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// How many badges the learner has.
pub async fn count(db: &DatabaseConnection, user_id: i64) -> Result<u64, DbErr> {
    entity::Entity::find()
        .filter(entity::Column::UserId.eq(user_id))
        .count(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use besace_badges::{BoxFuture, FetchResponse};

    /// Answers one URL with fixed bytes; every other fetch fails.
    struct OneFile(&'static str, Vec<u8>);

    impl Fetcher for OneFile {
        fn fetch<'a>(
            &'a self,
            url: &'a str,
            _kind: FetchKind,
        ) -> BoxFuture<'a, Result<FetchResponse, FetchError>> {
            Box::pin(async move {
                if url == self.0 {
                    Ok(FetchResponse {
                        status: 200,
                        url: url.to_owned(),
                        content_type: Some("text/html".into()),
                        body: self.1.clone(),
                        headers: Vec::new(),
                    })
                } else {
                    Err(FetchError::NotFound(url.to_owned()))
                }
            })
        }
    }

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[tokio::test]
    async fn a_named_image_is_fetched_once_and_typed_by_its_bytes() {
        let fetcher = OneFile("https://issuer.example/badge.png", PNG.to_vec());
        let image = fetch_image(&fetcher, Some("https://issuer.example/badge.png")).await;
        assert_eq!(image, Some((PNG.to_vec(), "image/png")));
        // Whatever the server claims, a page is not an image.
        let page = OneFile("https://issuer.example/page", b"<html>hello</html>".to_vec());
        assert_eq!(
            fetch_image(&page, Some("https://issuer.example/page")).await,
            None
        );
        assert_eq!(
            fetch_image(&fetcher, Some("https://issuer.example/gone.png")).await,
            None
        );
        assert_eq!(fetch_image(&fetcher, Some("javascript:alert(1)")).await, None);
        assert_eq!(fetch_image(&fetcher, None).await, None);
    }

    #[tokio::test]
    async fn a_data_uri_image_is_decoded() {
        let encoded = base64::engine::general_purpose::STANDARD.encode(PNG);
        let uri = format!("data:image/png;base64,{encoded}");
        assert_eq!(
            fetch_image(&besace_badges::NoFetch, Some(&uri)).await,
            Some((PNG.to_vec(), "image/png"))
        );
        assert_eq!(
            fetch_image(&besace_badges::NoFetch, Some("data:image/png;base64,%%%")).await,
            None
        );
    }
}
