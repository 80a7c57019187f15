//! What a learner is told by mail about what happened without them: a platform sent a
//! badge to their inbox. Core decides when (after the write has committed, at most one
//! mail a day, whichever process received the badge); the app words the mail in the
//! learner's language and sends it (the handler it gives at start-up).
use crate::users;
use chrono::{Duration, Utc};
use sea_orm::{entity::prelude::*, sea_query::Expr, Condition, DatabaseConnection};
use std::sync::OnceLock;

/// Something to tell a learner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// Platform `client_id` sent a badge that now waits in the inbox.
    InboxReceived { user_id: i64, client_id: i64 },
}

type Handler = Box<dyn Fn(Notice) + Send + Sync>;

/// Where notices go: nowhere until the app says how to send them.
#[derive(Default)]
pub struct Notices {
    handler: OnceLock<Handler>,
}

impl Notices {
    /// How notices are sent from now on (once per process; later calls are ignored).
    pub fn handle_with(&self, handler: impl Fn(Notice) + Send + Sync + 'static) {
        let _ = self.handler.set(Box::new(handler));
    }

    pub(crate) fn send(&self, notice: Notice) {
        if let Some(handler) = self.handler.get() {
            handler(notice);
        }
    }
}

/// The shortest time between two inbox mails to one learner.
pub const INBOX_NOTICE_EVERY: Duration = Duration::hours(24);

/// Takes the learner's inbox mail of the day: true for the one caller that may send it now
/// (one conditional update, so two processes never both send).
pub(crate) async fn claim_inbox_notice(db: &DatabaseConnection, user_id: i64) -> Result<bool, DbErr> {
    use users::entity::{Column, Entity};
    let now = Utc::now();
    let taken = Entity::update_many()
        .col_expr(Column::InboxNoticedAt, Expr::value(now))
        .filter(Column::Id.eq(user_id))
        .filter(
            Condition::any()
                .add(Column::InboxNoticedAt.is_null())
                .add(Column::InboxNoticedAt.lte(now - INBOX_NOTICE_EVERY)),
        )
        .exec(db)
        .await?;
    Ok(taken.rows_affected == 1)
}
