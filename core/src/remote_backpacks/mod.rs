//! Besace as an Open Badges 3.0 Service Consumer: a learner brings the badges they hold in
//! another backpack (another Besace, Canvas Credentials…). Besace reads that backpack's
//! Service Description, registers with it once (RFC 7591), sends the learner through its
//! consent (authorization code with PKCE), then pages through `getCredentials` and puts
//! every credential through the normal import: verified for this learner, duplicates
//! recognised. The import runs in the background after the connection is stored; the
//! connection keeps its progress and summary, can import again later, and be removed.
//! Every call goes through the one fetcher (docs/CONTRACTS.md, "One way out").
use super::{changes::Store, Verifier};
use chrono::{DateTime, Utc};
use sea_orm::{entity::prelude::*, DatabaseConnection, QueryOrder};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::sync::Arc;

/// The Service Description, the registration and the consent.
mod connect;
/// The background import and importing again.
mod import;
pub use connect::*;
pub use import::*;

pub mod registration {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "remote_registrations")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub discovery_url: String,
        /// The other backpack's name, from its Service Description.
        pub name: String,
        pub api_base: String,
        pub authorization_url: String,
        pub token_url: String,
        pub client_id: String,
        /// Kept as given: Besace authenticates with it at the other backpack's token URL.
        pub client_secret: String,
        pub redirect_uri: String,
        pub created_at: DateTime<Utc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod connection {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "remote_connections")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub user_id: i64,
        pub registration_id: i64,
        pub access_token: String,
        pub refresh_token: Option<String>,
        pub expires_at: DateTime<Utc>,
        pub created_at: DateTime<Utc>,
        pub import_state: ImportState,
        pub imported_at: Option<DateTime<Utc>>,
        /// Credentials read so far in the current (or last) import, and what became of them.
        pub done: i32,
        pub added: i32,
        pub already: i32,
        pub refused: i32,
        /// Why the last import stopped, in English (the operator's words; the page says it
        /// in the learner's).
        pub failure: Option<String>,
        /// Until when the process running the import holds it (renewed as it goes).
        pub import_lease_until: Option<DateTime<Utc>>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub use connection::Model as Connection;
pub use registration::Model as Registration;

/// Where a connection's import stands.
#[derive(Copy, Clone, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(16))")]
pub enum ImportState {
    #[sea_orm(string_value = "running")]
    Running,
    #[sea_orm(string_value = "done")]
    Done,
    #[sea_orm(string_value = "failed")]
    Failed,
}

/// The one scope Besace asks for: reading the learner's credentials.
pub const READ_SCOPE: &str = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.readonly";

/// The connection request waiting in the learner's session while they consent elsewhere.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// The learner who asked: the answer is taken only in their session.
    pub user_id: i64,
    pub registration_id: i64,
    pub state: String,
    pub verifier: String,
}

pub const PENDING_KEY: &str = "besace.remote_backpack";

/// Why a connection could not be made or used.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("not a web address")]
    BadAddress,
    #[error("no Open Badges 3.0 service description at {0}")]
    NoDescription(String),
    #[error("the other backpack refused: {0}")]
    Refused(String),
    #[error("the connection request is no longer valid")]
    Stale,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// What settings say about the last attempt to connect (`/settings?remote=…`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    BadAddress,
    NoDescription,
    Declined,
    Stale,
    Refused,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Self::BadAddress => "bad_address",
            Self::NoDescription => "no_description",
            Self::Declined => "declined",
            Self::Stale => "stale",
            Self::Refused => "refused",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [
            Self::BadAddress,
            Self::NoDescription,
            Self::Declined,
            Self::Stale,
            Self::Refused,
        ]
        .into_iter()
        .find(|outcome| outcome.code() == code)
    }

    /// What a failed connection tells the learner.
    pub fn of(err: &RemoteError) -> Self {
        match err {
            RemoteError::BadAddress => Self::BadAddress,
            RemoteError::NoDescription(_) => Self::NoDescription,
            RemoteError::Stale => Self::Stale,
            RemoteError::Refused(_) | RemoteError::Db(_) => Self::Refused,
        }
    }
}

fn answer_json(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or(Value::Null)
}

/// The learner's connections to other backpacks, newest first, with each backpack's name
/// and address (two queries).
pub async fn list(db: &DatabaseConnection, user_id: i64) -> Result<Vec<(Connection, Registration)>, DbErr> {
    let connections = connection::Entity::find()
        .filter(connection::Column::UserId.eq(user_id))
        .order_by_desc(connection::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i64> = connections.iter().map(|c| c.registration_id).collect();
    let registrations = registration::Entity::find()
        .filter(registration::Column::Id.is_in(ids))
        .all(db)
        .await?;
    Ok(connections
        .into_iter()
        .filter_map(|c| {
            let r = registrations.iter().find(|r| r.id == c.registration_id)?.clone();
            Some((c, r))
        })
        .collect())
}

/// Forgets a connection and its tokens (the badges it brought stay in the backpack).
pub async fn remove(db: &DatabaseConnection, user_id: i64, id: i64) -> Result<bool, DbErr> {
    let removed = connection::Entity::delete_many()
        .filter(connection::Column::Id.eq(id))
        .filter(connection::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(removed.rows_affected == 1)
}
