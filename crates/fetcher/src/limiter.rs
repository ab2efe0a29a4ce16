//! The in-process per-host limiter: a second line behind the PostgreSQL host gate, so that one
//! process never sends two requests to a host closer together than its delay.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Hosts tracked before stale entries are pruned.
const PRUNE_AT: usize = 10_000;

/// Per-host earliest next request times.
#[derive(Debug, Default)]
pub struct HostLimiter {
    next: Mutex<HashMap<String, Instant>>,
}

impl HostLimiter {
    /// Waits until `host` may be requested again, reserving the slot `delay` later for the next caller.
    pub async fn wait(&self, host: &str, delay: Duration) {
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            if next.len() >= PRUNE_AT {
                next.retain(|_, t| *t > now);
            }
            let slot = next.get(host).copied().filter(|t| *t > now).unwrap_or(now);
            next.insert(host.to_owned(), slot + delay);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }

    /// Counts the delay from the end of a response too (as the host gate in PostgreSQL does), so
    /// that a slow answer or a fresh connection never brings the next request closer.
    pub fn finished(&self, host: &str, delay: Duration) {
        let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
        let after = Instant::now() + delay;
        let slot = next.entry(host.to_owned()).or_insert(after);
        *slot = (*slot).max(after);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test(start_paused = true)]
    async fn per_host_delay_is_kept_and_hosts_are_independent() {
        let limiter = Arc::new(HostLimiter::default());
        let delay = Duration::from_millis(1500);
        let start = Instant::now();
        let mut tasks = Vec::new();
        for i in 0..4 {
            let l = limiter.clone();
            tasks.push(tokio::spawn(async move {
                l.wait("127.0.0.2:8080", delay).await;
                (i, Instant::now())
            }));
        }
        let other = {
            let l = limiter.clone();
            tokio::spawn(async move {
                l.wait("127.0.0.3:8080", delay).await;
                Instant::now()
            })
        };
        let mut times: Vec<Instant> = Vec::new();
        for t in tasks {
            times.push(t.await.unwrap().1);
        }
        times.sort();
        assert_eq!(
            times[0], start,
            "the first request to a host is not delayed"
        );
        for pair in times.windows(2) {
            assert!(
                pair[1] - pair[0] >= delay,
                "two requests {:?} apart",
                pair[1] - pair[0]
            );
        }
        assert_eq!(
            other.await.unwrap(),
            start,
            "another host does not wait for this one"
        );
        // A response that ends late pushes the next request back by the whole delay.
        limiter.wait("127.0.0.3:8080", delay).await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        limiter.finished("127.0.0.3:8080", delay);
        let answered = Instant::now();
        limiter.wait("127.0.0.3:8080", delay).await;
        assert_eq!(Instant::now() - answered, delay);
        // After a quiet spell longer than the delay, the host is free at once.
        tokio::time::sleep(Duration::from_secs(10)).await;
        let before = Instant::now();
        limiter.wait("127.0.0.2:8080", delay).await;
        assert_eq!(Instant::now(), before);
    }
}
