//! Politeness towards issuers' sites: at most a few requests in flight per host, and a
//! steady rate per host, whatever the number of learners importing or badges re-checked
//! at once. A fetch waits for its turn (within its own timeout) rather than failing.
use governor::{clock::DefaultClock, state::keyed::DefaultKeyedStateStore, Quota, RateLimiter};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Requests in flight to one host.
pub const CONCURRENT_PER_HOST: usize = 4;
/// Requests per second to one host (a burst of as many is allowed).
pub const PER_SECOND_PER_HOST: u32 = 10;

#[derive(Debug)]
pub struct HostBudget {
    rate: RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock>,
    in_flight: Mutex<HashMap<String, Arc<Semaphore>>>,
    turns: AtomicUsize,
}

impl Default for HostBudget {
    fn default() -> Self {
        let per_second = NonZeroU32::new(PER_SECOND_PER_HOST).expect("not zero");
        Self {
            rate: RateLimiter::keyed(Quota::per_second(per_second)),
            in_flight: Mutex::new(HashMap::new()),
            turns: AtomicUsize::new(0),
        }
    }
}

impl HostBudget {
    /// Waits for a turn to send one request to `host`; the turn lasts as long as the
    /// permit is held.
    pub async fn turn(&self, host: &str) -> OwnedSemaphorePermit {
        let host = host.to_ascii_lowercase();
        let semaphore = {
            let mut hosts = self.in_flight.lock().expect("host budget lock");
            // Now and then, forget hosts nobody is talking to: memory stays bounded.
            if self.turns.fetch_add(1, Ordering::Relaxed) % 256 == 255 {
                hosts.retain(|_, semaphore| Arc::strong_count(semaphore) > 1);
                self.rate.retain_recent();
            }
            hosts
                .entry(host.clone())
                .or_insert_with(|| Arc::new(Semaphore::new(CONCURRENT_PER_HOST)))
                .clone()
        };
        let permit = semaphore
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        self.rate.until_key_ready(&host).await;
        permit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[tokio::test]
    async fn one_host_gets_a_few_requests_at_a_time_and_others_are_not_held_up() {
        let budget = Arc::new(HostBudget::default());
        let mut held = Vec::new();
        for _ in 0..CONCURRENT_PER_HOST {
            held.push(budget.turn("issuer.example").await);
        }
        // A fifth request to the same host waits for a turn...
        let waiting = {
            let budget = budget.clone();
            tokio::spawn(async move { budget.turn("ISSUER.example").await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished());
        // ...while another host is served at once.
        let start = Instant::now();
        drop(budget.turn("other.example").await);
        assert!(start.elapsed() < Duration::from_millis(50));
        held.pop();
        let turn = tokio::time::timeout(Duration::from_secs(2), waiting)
            .await
            .expect("a turn once one is given back")
            .unwrap();
        drop(turn);
    }
}
