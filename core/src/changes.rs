//! What a write changed, announced by the core function that wrote, once its transaction
//! has committed: no door can forget a side effect, and listeners (the public-page cache
//! today) act on every change whichever door caused it.
use sea_orm::DatabaseConnection;
use std::sync::{Arc, RwLock};

/// A change listeners may care about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// What a learner's public pages show (profile, galleries, badge views) may differ.
    PublicPages { user_id: i64 },
}

type Listener = Box<dyn Fn(&Change) + Send + Sync>;

/// Where changes are announced.
#[derive(Default)]
pub struct Changes {
    listeners: RwLock<Vec<Listener>>,
}

impl Changes {
    pub fn subscribe(&self, listener: impl Fn(&Change) + Send + Sync + 'static) {
        if let Ok(mut listeners) = self.listeners.write() {
            listeners.push(Box::new(listener));
        }
    }

    /// Called after the write's transaction has committed.
    pub fn emit(&self, change: Change) {
        if let Ok(listeners) = self.listeners.read() {
            for listener in listeners.iter() {
                listener(&change);
            }
        }
    }

    /// Announces that `user_id`'s public pages may have changed.
    pub fn public_pages(&self, user_id: i64) {
        self.emit(Change::PublicPages { user_id });
    }
}

/// The database and the change feed: what every writing use case is given.
#[derive(Clone)]
pub struct Store {
    pub db: DatabaseConnection,
    pub changes: Arc<Changes>,
}

impl Store {
    /// A store whose changes nobody listens to yet.
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            changes: Arc::default(),
        }
    }
}
