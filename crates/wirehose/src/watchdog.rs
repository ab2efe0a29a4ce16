//! Notices work that stops making progress and says which item it is stuck on.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use tokio_util::sync::CancellationToken;

#[derive(Debug)]
struct Entry {
    stage: &'static str,
    item: String,
    since: Instant,
    reported: bool,
}

/// Items in flight per stage, with when they entered it.
#[derive(Debug, Clone, Default)]
pub struct Watchdog {
    next: Arc<AtomicU64>,
    items: Arc<Mutex<HashMap<u64, Entry>>>,
}

/// Removes its item from the watchdog when dropped.
pub struct InFlight {
    id: u64,
    items: Arc<Mutex<HashMap<u64, Entry>>>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.items
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.id);
    }
}

impl Watchdog {
    /// Records that `item` entered `stage`, until the returned guard drops.
    pub fn enter(&self, stage: &'static str, item: impl Into<String>) -> InFlight {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let entry = Entry {
            stage,
            item: item.into(),
            since: Instant::now(),
            reported: false,
        };
        self.items
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, entry);
        InFlight {
            id,
            items: self.items.clone(),
        }
    }

    /// Items in flight longer than `limit` that were not reported yet (each is reported once).
    pub fn stuck(&self, limit: Duration) -> Vec<(&'static str, String, Duration)> {
        let mut items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        items
            .values_mut()
            .filter(|e| !e.reported && e.since.elapsed() > limit)
            .map(|e| {
                e.reported = true;
                (e.stage, e.item.clone(), e.since.elapsed())
            })
            .collect()
    }

    /// Logs stuck items every few seconds until `shutdown`.
    pub async fn watch(self, limit: Duration, shutdown: CancellationToken) {
        let mut tick = tokio::time::interval(limit / 4);
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tick.tick() => {}
            }
            for (stage, item, age) in self.stuck(limit) {
                tracing::warn!(stage, item = %item, secs = age.as_secs(), "no progress: this item has been in the stage too long");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_stuck_item_is_reported_once_and_a_finished_one_never() {
        let w = Watchdog::default();
        let stuck = w.enter("process", "https://wire.example/slow");
        let done = w.enter("store", "batch of 3");
        drop(done);
        tokio::time::advance(Duration::from_secs(5)).await;
        assert!(w.stuck(Duration::from_secs(60)).is_empty());
        tokio::time::advance(Duration::from_secs(60)).await;
        let reported = w.stuck(Duration::from_secs(60));
        assert_eq!(reported.len(), 1);
        assert_eq!(reported[0].1, "https://wire.example/slow");
        assert!(
            w.stuck(Duration::from_secs(60)).is_empty(),
            "reported twice"
        );
        drop(stuck);
    }
}
