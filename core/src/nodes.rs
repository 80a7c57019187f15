//! Several `besace serve` processes on one PostgreSQL database behave as one: each change a
//! process announces (`changes.rs`) is sent to the others with PostgreSQL's `NOTIFY`, and
//! each process listens on a connection of its own. A listening connection that was lost
//! may have missed notices: the process then forgets everything they could concern.
//! SQLite stays single-process: none of this runs there.
use super::changes::{Change, Changes};
use sea_orm::{
    sqlx::postgres::{PgListener, PgPool},
    ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement,
};
use std::{sync::Arc, time::Duration};
use tokio::sync::mpsc::UnboundedReceiver;

/// The channel the processes of one database talk on.
pub const CHANNEL: &str = "besace_changes";

/// How a server names itself in its notices: it hears its own, and has acted on them
/// already. One per server, not per program (tests run several servers in one).
pub fn new_sender_tag() -> String {
    super::random_token(9)
}

/// The pool behind a PostgreSQL connection; `None` on SQLite.
pub fn postgres_pool(db: &DatabaseConnection) -> Option<PgPool> {
    (db.get_database_backend() == DatabaseBackend::Postgres)
        .then(|| db.get_postgres_connection_pool().clone())
}

/// Sends each change of this process to the others, in order, for as long as it runs. A
/// notice that cannot be sent is logged; the others' staleness is then bounded by their
/// own reconnections.
pub async fn relay(db: DatabaseConnection, tag: &str, mut changes: UnboundedReceiver<Change>) {
    while let Some(change) = changes.recv().await {
        let notify = Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), format!("{tag} {}", change.encode()).into()],
        );
        if let Err(err) = db.execute(notify).await {
            tracing::warn!(error = %err, ?change, "a change could not be told to the other processes");
        }
    }
}

/// Listens to the other processes' changes and hands them to this process's listeners.
/// Never returns: a lost connection is opened again, and everything is forgotten then.
pub async fn listen(pool: PgPool, tag: &str, changes: Arc<Changes>) -> std::convert::Infallible {
    loop {
        match PgListener::connect_with(&pool).await {
            Ok(mut listener) => {
                if let Err(err) = listener.listen(CHANNEL).await {
                    tracing::warn!(error = %err, "could not listen to the other processes");
                } else {
                    // Whatever happened while no one listened is unknown.
                    changes.emit_here(Change::Anything);
                    loop {
                        match listener.try_recv().await {
                            Ok(Some(notice)) => match notice.payload().split_once(' ') {
                                Some((from, _)) if from == tag => {}
                                Some((_, change)) => changes.emit_here(Change::decode(change)),
                                None => changes.emit_here(Change::Anything),
                            },
                            Ok(None) => {
                                tracing::warn!("the connection listening to the other processes was lost");
                                changes.emit_here(Change::Anything);
                            }
                            Err(err) => {
                                tracing::warn!(error = %err, "listening to the other processes failed");
                                break;
                            }
                        }
                    }
                }
            }
            Err(err) => tracing::warn!(error = %err, "could not open a connection to listen on"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
