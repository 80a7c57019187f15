//! Everything Besace holds about a learner, as one JSON document they can take away: the
//! account, addresses, badges with their whole history, and collections. Read in a bounded
//! number of queries, whatever the size of the backpack; the files themselves go in the
//! backpack zip.
use super::badges::{self, BadgeMethod, BadgeRecord, BadgeSpec, BadgeStatus, StoredReport};
use super::{collections, emails, users::User};
use besace_badges::Lang;
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Serialize)]
pub struct AccountExport {
    /// `besace-account`.
    pub format: &'static str,
    pub version: u32,
    pub exported_at: DateTime<Utc>,
    pub account: Account,
    pub email_addresses: Vec<Address>,
    pub badges: Vec<ExportedBadge>,
    pub collections: Vec<ExportedCollection>,
}

/// The account, without its password hash (not data about the learner).
#[derive(Debug, Serialize)]
pub struct Account {
    pub email: String,
    pub display_name: String,
    pub locale: Option<String>,
    pub created_at: DateTime<Utc>,
    pub password_changed_at: DateTime<Utc>,
}

#[derive(Debug, Serialize)]
pub struct Address {
    pub email: String,
    pub primary: bool,
    pub verified_at: Option<DateTime<Utc>>,
    pub added_at: DateTime<Utc>,
}

/// What Besace knows of a badge beside its file: the stored facts and the last report.
#[derive(Debug, Serialize)]
pub struct ExportedBadge {
    pub id: i64,
    pub name: String,
    pub issuer: String,
    pub issued_on: Option<DateTime<Utc>>,
    pub expires: Option<DateTime<Utc>>,
    pub status: BadgeStatus,
    pub spec: BadgeSpec,
    pub method: Option<BadgeMethod>,
    pub credential_id: Option<String>,
    pub sha256: String,
    pub media_type: String,
    pub received_at: DateTime<Utc>,
    pub verified_at: DateTime<Utc>,
    /// The last verification report (docs/CONTRACTS.md), in English.
    pub report: serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryEntry>>,
}

impl From<&BadgeRecord> for ExportedBadge {
    fn from(badge: &BadgeRecord) -> Self {
        Self {
            id: badge.id,
            name: badge.name.clone(),
            issuer: badge.issuer_name.clone(),
            issued_on: badge.issued_on,
            expires: badge.expires_at,
            status: badge.status,
            spec: badge.spec,
            method: badge.method,
            credential_id: badge.credential_id.clone(),
            sha256: badge.original_sha256.clone(),
            media_type: badge.original_media_type.clone(),
            received_at: badge.created_at,
            verified_at: badge.verified_at,
            report: StoredReport::read(&badge.report).to_json(Lang::En),
            history: None,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct HistoryEntry {
    pub checked_at: DateTime<Utc>,
    pub status: BadgeStatus,
}

#[derive(Debug, Serialize)]
pub struct ExportedCollection {
    pub name: String,
    pub description: String,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub public_url: Option<String>,
    /// The ids of its badges, in the learner's order.
    pub badges: Vec<i64>,
}

/// The learner's whole account (six queries); `public_url` makes the galleries' links.
pub async fn account(db: &DatabaseConnection, user: &User, public_url: &str) -> Result<AccountExport, DbErr> {
    let addresses = emails::list(db, user.id).await?;
    let mut histories: HashMap<i64, Vec<HistoryEntry>> = HashMap::new();
    for check in badges::histories_of_user(db, user.id).await? {
        histories.entry(check.badge_id).or_default().push(HistoryEntry {
            checked_at: check.checked_at,
            status: check.status,
        });
    }
    let badges = badges::records_of_user(db, user.id)
        .await?
        .iter()
        .map(|record| ExportedBadge {
            history: Some(histories.remove(&record.id).unwrap_or_default()),
            ..ExportedBadge::from(record)
        })
        .collect();
    let mut members: HashMap<i64, Vec<i64>> = HashMap::new();
    for (collection_id, badge_id) in collections::members_of_user(db, user.id).await? {
        members.entry(collection_id).or_default().push(badge_id);
    }
    let collections = collections::list(db, user.id)
        .await?
        .into_iter()
        .map(|summary| {
            let collection = summary.collection;
            ExportedCollection {
                badges: members.remove(&collection.id).unwrap_or_default(),
                public_url: collection
                    .share_token
                    .map(|token| format!("{public_url}/g/{token}")),
                name: collection.name,
                description: collection.description,
                created_at: collection.created_at,
                published_at: collection.published_at,
            }
        })
        .collect();
    Ok(AccountExport {
        format: "besace-account",
        version: 1,
        exported_at: Utc::now(),
        account: Account {
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            locale: user.locale.clone(),
            created_at: user.created_at,
            password_changed_at: user.password_changed_at,
        },
        email_addresses: addresses
            .into_iter()
            .map(|address| Address {
                email: address.email,
                primary: address.is_primary,
                verified_at: address.verified_at,
                added_at: address.created_at,
            })
            .collect(),
        badges,
        collections,
    })
}
