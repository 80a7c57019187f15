//! What a write changed, announced by the core function that wrote, once its transaction
//! has committed: no door can forget a side effect, and listeners (the public-page cache
//! today) act on every change whichever door caused it. With several processes on one
//! PostgreSQL database, each change is also relayed to the others (see `nodes.rs`).
use sea_orm::DatabaseConnection;
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::mpsc::UnboundedSender;

/// A change listeners may care about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// What a learner's public pages show (profile, galleries, badge views) may differ.
    PublicPages { user_id: i64 },
    /// Anything may have changed: this process may have missed other processes' changes
    /// (its listening connection was lost).
    Anything,
}

impl Change {
    /// The notice's text between processes.
    pub fn encode(self) -> String {
        match self {
            Self::PublicPages { user_id } => format!("public_pages:{user_id}"),
            Self::Anything => "anything".to_owned(),
        }
    }

    /// A notice read back; anything unknown (a newer process's) means anything changed.
    pub fn decode(text: &str) -> Self {
        match text.strip_prefix("public_pages:").map(str::parse) {
            Some(Ok(user_id)) => Self::PublicPages { user_id },
            _ => Self::Anything,
        }
    }
}

type Listener = Box<dyn Fn(&Change) + Send + Sync>;

/// Where changes are announced.
#[derive(Default)]
pub struct Changes {
    listeners: RwLock<Vec<Listener>>,
    /// Where this process's changes go to reach the other processes, when there are any.
    relay: Mutex<Option<UnboundedSender<Change>>>,
}

impl Changes {
    pub fn subscribe(&self, listener: impl Fn(&Change) + Send + Sync + 'static) {
        if let Ok(mut listeners) = self.listeners.write() {
            listeners.push(Box::new(listener));
        }
    }

    /// Called after the write's transaction has committed: this process's listeners act
    /// before the write answers, and the other processes are told.
    pub fn emit(&self, change: Change) {
        self.emit_here(change);
        if let Ok(relay) = self.relay.lock() {
            if let Some(relay) = relay.as_ref() {
                let _ = relay.send(change);
            }
        }
    }

    /// A change another process made (or may have made): for this process's listeners only.
    pub fn emit_here(&self, change: Change) {
        if let Ok(listeners) = self.listeners.read() {
            for listener in listeners.iter() {
                listener(&change);
            }
        }
    }

    /// From now on, every change is also sent here (to be relayed to other processes).
    pub fn relay_to(&self, sender: UnboundedSender<Change>) {
        if let Ok(mut relay) = self.relay.lock() {
            *relay = Some(sender);
        }
    }

    /// Announces that `user_id`'s public pages may have changed.
    pub fn public_pages(&self, user_id: i64) {
        self.emit(Change::PublicPages { user_id });
    }
}

/// The database, the change feed and the learners' notices: what every writing use case
/// is given.
#[derive(Clone)]
pub struct Store {
    pub db: DatabaseConnection,
    pub changes: Arc<Changes>,
    pub notices: Arc<crate::notices::Notices>,
}

impl Store {
    /// A store whose changes nobody listens to yet, and whose notices go nowhere yet.
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            changes: Arc::default(),
            notices: Arc::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_read_back_and_unknown_ones_mean_anything() {
        for change in [Change::PublicPages { user_id: 42 }, Change::Anything] {
            assert_eq!(Change::decode(&change.encode()), change);
        }
        assert_eq!(Change::decode("public_pages:x"), Change::Anything);
        assert_eq!(Change::decode("collections:3"), Change::Anything);
    }
}
