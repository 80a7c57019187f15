//! Attempt limits for sign-up, login and password checks, per client IP and per account.
use governor::{clock::DefaultClock, state::keyed::DefaultKeyedStateStore, Quota, RateLimiter};
use std::{net::IpAddr, num::NonZeroU32};

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>;

pub struct RateLimits {
    per_ip: Keyed<IpAddr>,
    per_account: Keyed<String>,
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
        }
    }

    /// Takes one attempt from the IP's budget; false when it is spent.
    pub fn allow_ip(&self, ip: IpAddr) -> bool {
        self.per_ip.check_key(&ip).is_ok()
    }

    /// Takes one attempt from the account's budget (keyed by its e-mail address).
    pub fn allow_account(&self, email: &str) -> bool {
        self.per_account.check_key(&email.to_string()).is_ok()
    }

    /// Forgets idle keys so memory stays bounded under a spray of addresses.
    pub fn retain_recent(&self) {
        self.per_ip.retain_recent();
        self.per_account.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_are_separate_per_key() {
        let limits = RateLimits::new(RateLimitConfig {
            per_ip_per_minute: 2,
            per_account_per_minute: 1,
        });
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(limits.allow_ip(a) && limits.allow_ip(a));
        assert!(!limits.allow_ip(a));
        assert!(limits.allow_ip(b));
        assert!(limits.allow_account("marie@ecole.fr"));
        assert!(!limits.allow_account("marie@ecole.fr"));
        assert!(limits.allow_account("paul@ecole.fr"));
    }
}
