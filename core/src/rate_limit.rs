//! Attempt limits for sign-up, login and password checks, per client IP and per account.
//! In one process they are counted in memory (`governor`: a smooth budget refilled evenly).
//! With several processes on one PostgreSQL database they are counted in the database, so
//! N processes do not give an attacker N budgets: one upsert per attempt into a counter per
//! key and minute, weighed with the previous minute's (a sliding window: the previous
//! minute counts for the part of it still within the last sixty seconds, so a minute's
//! edge neither doubles the budget nor forgets the attempts just made).
use governor::{clock::DefaultClock, state::keyed::DefaultKeyedStateStore, Quota, RateLimiter};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use std::{net::IpAddr, num::NonZeroU32};

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>;

pub struct RateLimits {
    per_ip: Keyed<IpAddr>,
    per_account: Keyed<String>,
    config: RateLimitConfig,
    /// Where the budgets are counted when other processes share the database.
    shared: Option<DatabaseConnection>,
}

/// How many attempts are allowed per minute (a burst of that size, refilled evenly).
#[derive(Clone, Copy, Debug)]
pub struct RateLimitConfig {
    pub per_ip_per_minute: u32,
    pub per_account_per_minute: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            per_ip_per_minute: 30,
            per_account_per_minute: 10,
        }
    }
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).expect("at least one"))
}

impl RateLimits {
    pub fn new(config: RateLimitConfig) -> Self {
        Self {
            per_ip: RateLimiter::keyed(per_minute(config.per_ip_per_minute)),
            per_account: RateLimiter::keyed(per_minute(config.per_account_per_minute)),
            config,
            shared: None,
        }
    }

    /// Counts in the database from now on, when it is PostgreSQL (other processes may
    /// share it); SQLite keeps one process, and its budgets in memory.
    pub fn shared_in(mut self, db: &DatabaseConnection) -> Self {
        if db.get_database_backend() == DatabaseBackend::Postgres {
            self.shared = Some(db.clone());
        }
        self
    }

    /// Takes one attempt from the IP's budget; false when it is spent.
    pub async fn allow_ip(&self, ip: IpAddr) -> bool {
        match self
            .take_shared(&format!("ip:{ip}"), self.config.per_ip_per_minute)
            .await
        {
            Some(allowed) => allowed,
            None => self.per_ip.check_key(&ip).is_ok(),
        }
    }

    /// Takes one attempt from the account's budget (keyed by its e-mail address).
    pub async fn allow_account(&self, email: &str) -> bool {
        match self
            .take_shared(&format!("account:{email}"), self.config.per_account_per_minute)
            .await
        {
            Some(allowed) => allowed,
            None => self.per_account.check_key(&email.to_string()).is_ok(),
        }
    }

    /// The shared count's answer; `None` when there is no shared count or it cannot be
    /// read (then this process's own budget decides: a database hiccup opens no door).
    async fn take_shared(&self, key: &str, budget: u32) -> Option<bool> {
        let db = self.shared.as_ref()?;
        let now = chrono::Utc::now().timestamp_millis();
        let minute = now.div_euclid(60_000);
        let into_minute = now.rem_euclid(60_000) as f64 / 60_000.0;
        let upsert = Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "WITH up AS (INSERT INTO attempt_counts (key, minute, count) VALUES ($1, $2, 1) \
             ON CONFLICT (key, minute) DO UPDATE SET count = attempt_counts.count + 1 RETURNING count) \
             SELECT (SELECT count FROM up) AS count, COALESCE((SELECT count FROM attempt_counts \
             WHERE key = $1 AND minute = $3), 0) AS previous",
            [key.into(), minute.into(), (minute - 1).into()],
        );
        match db.query_one(upsert).await {
            Ok(Some(row)) => {
                let count = row.try_get::<i32>("", "count").ok()?;
                let previous = row.try_get::<i32>("", "previous").ok()?;
                let weighed = f64::from(count) + f64::from(previous) * (1.0 - into_minute);
                Some(weighed <= f64::from(budget))
            }
            Ok(None) => None,
            Err(err) => {
                tracing::warn!(error = %err, "the shared attempt count could not be read");
                None
            }
        }
    }

    /// Forgets idle keys so memory (and the shared table) stays bounded under a spray of
    /// addresses.
    pub async fn retain_recent(&self) {
        self.per_ip.retain_recent();
        self.per_account.retain_recent();
        if let Some(db) = &self.shared {
            let minute = chrono::Utc::now().timestamp().div_euclid(60);
            let forget = Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                "DELETE FROM attempt_counts WHERE minute < $1",
                [(minute - 1).into()],
            );
            if let Err(err) = db.execute(forget).await {
                tracing::warn!(error = %err, "old attempt counts could not be forgotten");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn budgets_are_separate_per_key() {
        let limits = RateLimits::new(RateLimitConfig {
            per_ip_per_minute: 2,
            per_account_per_minute: 1,
        });
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(limits.allow_ip(a).await && limits.allow_ip(a).await);
        assert!(!limits.allow_ip(a).await);
        assert!(limits.allow_ip(b).await);
        assert!(limits.allow_account("marie@ecole.fr").await);
        assert!(!limits.allow_account("marie@ecole.fr").await);
        assert!(limits.allow_account("paul@ecole.fr").await);
    }
}
