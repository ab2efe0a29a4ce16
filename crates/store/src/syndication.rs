//! Syndication: links each new story to the first-seen near-duplicate from another source.
//!
//! Candidates are found in memory, not in the database. The recent stories' SimHashes sit in
//! an index of 8 bands of 8 bits; two hashes at most 7 bits apart share at least one band
//! (pigeonhole), so a new story is compared only with the stories of its 8 buckets.
//!
//! The index stays complete across processes: a writer announces every story it commits with
//! `NOTIFY` (delivered on commit), and every store listens. What it cannot have heard (stories
//! committed before it listened, or older than what it holds) it loads from `articles` once,
//! by time range. A lost listening connection empties the index, which then reloads.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use chrono::{DateTime, Utc};
use sqlx::postgres::{PgListener, PgPoolOptions};
use sqlx::{PgConnection, PgPool, Row};

use crate::StoreError;

/// How far back an original is looked for.
pub(crate) const WINDOW_DAYS: i64 = 3;
/// Two SimHashes at most this many bits apart are copies of one story.
pub(crate) const MAX_DISTANCE: u32 = 7;
/// The channel stories are announced on.
const CHANNEL: &str = "wirehose_stories";
/// A NOTIFY payload must stay under 8000 bytes.
const PAYLOAD_BYTES: usize = 7000;
/// A day in microseconds, the index's clock.
const DAY: i64 = 86_400_000_000;
/// Past this many stories the index is emptied and reloaded as needed, bounding memory.
const MAX_ENTRIES: usize = 2_000_000;

/// A stored story as the index knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Recent {
    /// The story's id.
    pub id: i64,
    /// When it was first seen, in microseconds since the epoch.
    pub seen: i64,
    /// The source it came from, as [`source_key`] (names can be longer than an announcement).
    pub source: u64,
    /// Its SimHash.
    pub hash: u64,
    /// The original it copies, or its own id.
    pub original: i64,
}

impl Recent {
    fn key(&self) -> (i64, i64) {
        (self.seen, self.id)
    }

    /// One line of a NOTIFY payload: five numbers.
    fn line(&self) -> String {
        format!(
            "{} {} {} {} {}\n",
            self.id, self.seen, self.hash as i64, self.original, self.source as i64
        )
    }

    fn parse(line: &str) -> Option<Recent> {
        let mut f = line.split(' ');
        let r = Recent {
            id: f.next()?.parse().ok()?,
            seen: f.next()?.parse().ok()?,
            hash: f.next()?.parse::<i64>().ok()? as u64,
            original: f.next()?.parse().ok()?,
            source: f.next()?.parse::<i64>().ok()? as u64,
        };
        f.next().is_none().then_some(r)
    }
}

/// A stable 64-bit key of a source name (FNV-1a), the same in every process.
pub(crate) fn source_key(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Microseconds since the epoch, the index's clock.
pub(crate) fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

fn bucket(band: usize, hash: u64) -> usize {
    band * 256 + ((hash >> (band * 8)) & 255) as usize
}

/// The in-memory SimHash index of stored stories.
#[derive(Debug)]
struct Index {
    entries: Vec<Recent>,
    by_id: HashMap<i64, usize>,
    buckets: Vec<Vec<u32>>,
    /// Time ranges `[lo, hi)` (microseconds) whose stories are all known; `i64::MAX` is open-ended.
    covered: Vec<(i64, i64)>,
    newest: i64,
    oldest: i64,
    /// Bumped by every reset, so a load that began before one does not mark its range covered.
    generation: u64,
}

impl Default for Index {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            by_id: HashMap::new(),
            buckets: vec![Vec::new(); 8 * 256],
            covered: Vec::new(),
            newest: i64::MIN,
            oldest: i64::MAX,
            generation: 0,
        }
    }
}

impl Index {
    /// Forgets everything: what was announced meanwhile may have been missed.
    fn reset(&mut self) {
        let generation = self.generation + 1;
        *self = Index {
            generation,
            ..Index::default()
        };
    }

    fn insert(&mut self, r: Recent) {
        self.newest = self.newest.max(r.seen);
        self.oldest = self.oldest.min(r.seen);
        if let Some(&slot) = self.by_id.get(&r.id) {
            let old = &mut self.entries[slot];
            if old.hash == r.hash {
                *old = r;
                return;
            }
            // A changed story: the old hash stays in its buckets but can no longer match.
            old.id = i64::MIN;
        }
        let slot = self.entries.len();
        for band in 0..8 {
            self.buckets[bucket(band, r.hash)].push(slot as u32);
        }
        self.by_id.insert(r.id, slot);
        self.entries.push(r);
    }

    /// The parts of `[lo, hi)` not yet covered.
    fn missing(&self, lo: i64, hi: i64) -> Vec<(i64, i64)> {
        let mut out = Vec::new();
        let mut at = lo;
        for &(a, b) in &self.covered {
            if b <= at {
                continue;
            }
            if a >= hi {
                break;
            }
            if a > at {
                out.push((at, a));
            }
            at = at.max(b);
            if at >= hi {
                break;
            }
        }
        if at < hi {
            out.push((at, hi));
        }
        out
    }

    fn cover(&mut self, lo: i64, hi: i64) {
        self.covered.push((lo, hi));
        self.covered.sort_unstable();
        let mut merged: Vec<(i64, i64)> = Vec::with_capacity(self.covered.len());
        for &(a, b) in &self.covered {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        self.covered = merged;
    }

    /// Forgets stories well before the newest one, and everything when the index grows too big.
    fn prune(&mut self) {
        if self.entries.len() > MAX_ENTRIES {
            self.reset();
            return;
        }
        let cutoff = self.newest.saturating_sub(2 * WINDOW_DAYS * DAY);
        // Rebuilding costs one pass; do it only when a day's worth or more can go.
        if self.oldest > cutoff.saturating_sub(DAY) {
            return;
        }
        let kept: Vec<Recent> = self
            .entries
            .drain(..)
            .filter(|e| e.seen >= cutoff && e.id != i64::MIN)
            .collect();
        let covered: Vec<(i64, i64)> = self
            .covered
            .iter()
            .filter(|&&(_, hi)| hi > cutoff)
            .map(|&(lo, hi)| (lo.max(cutoff), hi))
            .collect();
        *self = Index {
            covered,
            generation: self.generation,
            ..Index::default()
        };
        for e in kept {
            self.insert(e);
        }
    }

    /// The first-seen story from another source, before `k` and within the window, that `k` copies.
    fn original_of<'a>(&'a self, k: &Recent, also: &'a [Recent]) -> Option<&'a Recent> {
        let from = k.seen.saturating_sub(WINDOW_DAYS * DAY);
        let fits = |c: &Recent| {
            c.id != i64::MIN
                && c.seen >= from
                && c.key() < k.key()
                && c.source != k.source
                && (c.hash ^ k.hash).count_ones() <= MAX_DISTANCE
        };
        let stored = (0..8)
            .flat_map(|band| self.buckets[bucket(band, k.hash)].iter())
            .map(|&slot| &self.entries[slot as usize]);
        stored
            .chain(also.iter())
            .filter(|c| fits(c))
            .min_by_key(|c| c.key())
    }
}

/// The syndication index of one store, shared by its clones.
#[derive(Debug, Default)]
pub(crate) struct Syndication {
    index: Mutex<Index>,
    listening: tokio::sync::OnceCell<tokio::sync::oneshot::Sender<()>>,
}

impl Syndication {
    fn lock(&self) -> MutexGuard<'_, Index> {
        // The index holds no invariant a panicking writer could break halfway that matters more
        // than staying available; keep using it.
        self.index.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stories the index holds (for monitoring and tests).
    pub(crate) fn len(&self) -> usize {
        self.lock().by_id.len()
    }

    /// Starts listening for other writers' stories, once per store, on a connection of its own
    /// (taking one from the writers' pool could starve them).
    async fn listen(self: &Arc<Self>, pool: &PgPool) -> Result<(), StoreError> {
        self.listening
            .get_or_try_init(|| async {
                let own = PgPoolOptions::new()
                    .max_connections(1)
                    .connect_lazy_with((*pool.connect_options()).clone());
                let mut listener = PgListener::connect_with(&own).await?;
                listener.listen(CHANNEL).await?;
                let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
                let this: Weak<Syndication> = Arc::downgrade(self);
                tokio::spawn(async move {
                    loop {
                        let next = tokio::select! {
                            _ = &mut stopped => break,
                            next = listener.try_recv() => next,
                        };
                        let Some(this) = this.upgrade() else { break };
                        match next {
                            Ok(Some(n)) => this.heard(n.payload(), Utc::now()),
                            Ok(None) | Err(_) => {
                                // Announcements made while the connection was down are lost:
                                // start again from the database.
                                tracing::warn!(
                                    "syndication listener lost its connection; its index reloads"
                                );
                                this.lock().reset();
                                if next.is_err() {
                                    drop(this);
                                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                                }
                            }
                        }
                    }
                });
                Ok::<_, StoreError>(stop)
            })
            .await?;
        Ok(())
    }

    /// Takes in an announcement. A story dated more than a day ahead is ignored: it can only come
    /// from a bad clock or a forged announcement, and would make the index forget the present.
    fn heard(&self, payload: &str, now: DateTime<Utc>) {
        let limit = micros(now).saturating_add(DAY);
        self.take_in(
            payload
                .lines()
                .filter_map(Recent::parse)
                .filter(|r| r.seen <= limit),
        );
    }

    /// Adds stories to the index, then forgets what has grown too old.
    fn take_in(&self, stories: impl IntoIterator<Item = Recent>) {
        let mut index = self.lock();
        for r in stories {
            index.insert(r);
        }
        index.prune();
    }

    /// Finds the original of each new story (all uncommitted, in `conn`'s transaction) and returns
    /// them in input order. Loads what the index lacks from `articles` first, and checks that
    /// every original found is a stored story (anyone connected may send an announcement).
    pub(crate) async fn link(
        self: &Arc<Self>,
        pool: &PgPool,
        conn: &mut PgConnection,
        fresh: &[Recent],
    ) -> Result<Vec<Option<i64>>, StoreError> {
        if fresh.is_empty() {
            return Ok(Vec::new());
        }
        self.listen(pool).await?;
        let (lo, hi) = load_range(fresh);
        let (missing, generation) = {
            let index = self.lock();
            (index.missing(lo, hi), index.generation)
        };
        let loaded = load_stories(conn, &missing).await?;
        let mut links = self.match_batch(fresh, loaded, &missing, generation);
        drop_unstored_originals(conn, fresh, &mut links).await?;
        Ok(links)
    }

    /// Adds the loaded stories to the index and matches the batch against it and against its
    /// own earlier stories. Loading, covering and matching happen under one lock, so nothing is
    /// pruned in between.
    fn match_batch(
        &self,
        fresh: &[Recent],
        loaded: Vec<Recent>,
        missing: &[(i64, i64)],
        generation: u64,
    ) -> Vec<Option<i64>> {
        let mut order: Vec<usize> = (0..fresh.len()).collect();
        order.sort_by_key(|&i| fresh[i].key());
        let mut links = vec![None; fresh.len()];
        let mut index = self.lock();
        for r in loaded {
            index.insert(r);
        }
        if index.generation == generation {
            for &(a, b) in missing {
                index.cover(a, b);
            }
        }
        let mut earlier: Vec<Recent> = Vec::with_capacity(fresh.len());
        for i in order {
            let mut k = fresh[i].clone();
            if let Some(o) = index.original_of(&k, &earlier) {
                links[i] = Some(o.original);
                k.original = o.original;
            }
            earlier.push(k);
        }
        links
    }

    /// Announces stories to every store in the same transaction that writes them, so the
    /// announcement is delivered only if they are committed.
    pub(crate) async fn announce(
        conn: &mut PgConnection,
        stories: &[Recent],
    ) -> Result<(), StoreError> {
        let mut payloads = vec![String::new()];
        for r in stories {
            let line = r.line();
            if payloads
                .last()
                .is_some_and(|p| p.len() + line.len() > PAYLOAD_BYTES)
            {
                payloads.push(String::new());
            }
            if let Some(p) = payloads.last_mut() {
                p.push_str(&line);
            }
        }
        payloads.retain(|p| !p.is_empty());
        if payloads.is_empty() {
            return Ok(());
        }
        sqlx::query("SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p")
            .bind(CHANNEL)
            .bind(&payloads)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// Adds committed stories to this store's index at once, not waiting for their announcement.
    pub(crate) fn committed(&self, stories: Vec<Recent>) {
        self.take_in(stories);
    }
}

/// The range of first-seen times (µs) a batch is matched against: a window before its oldest
/// story, open-ended for a batch of recent stories (announcements cover what comes after the
/// load); a batch of older ones loads only its own range.
fn load_range(fresh: &[Recent]) -> (i64, i64) {
    let window = WINDOW_DAYS * DAY;
    let oldest = fresh.iter().map(|r| r.seen).min().unwrap_or(0);
    let newest = fresh.iter().map(|r| r.seen).max().unwrap_or(0);
    let lo = oldest.saturating_sub(window);
    let hi = if newest >= micros(Utc::now()).saturating_sub(window) {
        i64::MAX
    } else {
        newest.saturating_add(1)
    };
    (lo, hi)
}

/// Reads the stored stories first seen in each missing range.
async fn load_stories(
    conn: &mut PgConnection,
    missing: &[(i64, i64)],
) -> Result<Vec<Recent>, StoreError> {
    let mut loaded = Vec::new();
    for &(a, b) in missing {
        let rows = sqlx::query(
            "SELECT id, first_seen_at, source, simhash, coalesce(syndicated_from, id) AS original
                 FROM articles
                 WHERE simhash IS NOT NULL AND first_seen_at >= $1 AND first_seen_at < $2",
        )
        .bind(DateTime::<Utc>::from_timestamp_micros(a).unwrap_or(DateTime::<Utc>::MIN_UTC))
        .bind(DateTime::<Utc>::from_timestamp_micros(b).unwrap_or(DateTime::<Utc>::MAX_UTC))
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            let seen: DateTime<Utc> = r.try_get("first_seen_at")?;
            let source: &str = r.try_get("source")?;
            loaded.push(Recent {
                id: r.try_get("id")?,
                seen: micros(seen),
                source: source_key(source),
                hash: r.try_get::<i64, _>("simhash")? as u64,
                original: r.try_get("original")?,
            });
        }
    }
    Ok(loaded)
}

/// Originals outside the batch must be stored stories: links to any other are dropped.
async fn drop_unstored_originals(
    conn: &mut PgConnection,
    fresh: &[Recent],
    links: &mut [Option<i64>],
) -> Result<(), StoreError> {
    let batch: HashSet<i64> = fresh.iter().map(|r| r.id).collect();
    let outside: Vec<i64> = links
        .iter()
        .flatten()
        .copied()
        .filter(|o| !batch.contains(o))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if outside.is_empty() {
        return Ok(());
    }
    let stored: HashSet<i64> = sqlx::query_scalar("SELECT id FROM articles WHERE id = ANY($1)")
        .bind(&outside)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
    for link in links.iter_mut() {
        if link.is_some_and(|o| !batch.contains(&o) && !stored.contains(&o)) {
            *link = None;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recent(id: i64, seen: i64, source: &str, hash: u64) -> Recent {
        Recent {
            id,
            seen,
            source: source_key(source),
            hash,
            original: id,
        }
    }

    #[test]
    fn payload_lines_round_trip() {
        let r = Recent {
            original: 3,
            ..recent(7, -5, "Daily News Online", u64::MAX - 1)
        };
        assert_eq!(Recent::parse(r.line().trim_end()), Some(r));
        assert_eq!(Recent::parse("7 x 1 1 2"), None);
        assert_eq!(Recent::parse("7 1 1 1 2 9"), None);
        assert_eq!(Recent::parse(""), None);
        // Long or odd source names still fit in a line of numbers.
        let long = "N\n".repeat(5000);
        assert_ne!(source_key(&long), source_key(&long.replace('\n', " ")));
        assert!(recent(1, 0, &long, 1).line().len() < 100);
    }

    #[test]
    fn announcements_from_the_far_future_are_ignored() {
        let s = Syndication::default();
        let now = DateTime::<Utc>::from_timestamp_micros(10 * DAY).unwrap();
        let ok = recent(1, 10 * DAY - 5, "wire", 42);
        let forged = recent(2, 40 * DAY, "forger", 42);
        s.heard(&format!("{}{}garbage\n", ok.line(), forged.line()), now);
        assert_eq!(s.len(), 1);
        assert_eq!(s.lock().newest, 10 * DAY - 5);
    }

    #[test]
    fn a_copy_links_to_the_earliest_match_from_another_source() {
        let mut index = Index::default();
        let h = 0x0123_4567_89ab_cdef_u64;
        index.insert(recent(1, 100, "wire", h));
        index.insert(Recent {
            original: 1,
            ..recent(2, 200, "partner", h ^ 0b111)
        });
        // Seven bits apart, one in every band but one: still found.
        let k = recent(9, 300, "daily", h ^ 0x0101_0101_0101_0100);
        assert_eq!(index.original_of(&k, &[]).map(|o| o.original), Some(1));
        // Eight bits apart is another story.
        let far = recent(10, 300, "daily", h ^ 0x0101_0101_0101_0101);
        assert_eq!(index.original_of(&far, &[]), None);
        // Its own source's earlier story is not an original.
        let own = recent(11, 300, "wire", h);
        assert_eq!(index.original_of(&own, &[]).map(|o| o.id), Some(2));
    }

    #[test]
    fn the_window_and_first_seen_order_bound_the_search() {
        let day = DAY;
        let mut index = Index::default();
        index.insert(recent(1, 0, "wire", 42));
        assert!(index
            .original_of(&recent(2, 4 * day, "daily", 42), &[])
            .is_none());
        assert!(index
            .original_of(&recent(3, day, "daily", 42), &[])
            .is_some());
        // A story seen before the supposed original is not its copy.
        assert!(index
            .original_of(&recent(4, -1, "daily", 42), &[])
            .is_none());
    }

    #[test]
    fn coverage_reports_only_the_gaps() {
        let mut index = Index::default();
        assert_eq!(index.missing(0, 10), vec![(0, 10)]);
        index.cover(0, 10);
        index.cover(20, i64::MAX);
        assert_eq!(index.missing(5, 30), vec![(10, 20)]);
        assert!(index.missing(25, i64::MAX).is_empty());
        index.cover(10, 20);
        assert_eq!(index.covered, vec![(0, i64::MAX)]);
    }

    #[test]
    fn a_changed_story_matches_by_its_new_hash_only() {
        let mut index = Index::default();
        index.insert(recent(1, 0, "wire", 0));
        index.insert(recent(1, 0, "wire", u64::MAX));
        assert!(index.original_of(&recent(2, 5, "daily", 0), &[]).is_none());
        assert!(index
            .original_of(&recent(3, 5, "daily", u64::MAX), &[])
            .is_some());
    }

    #[test]
    fn pruning_forgets_old_stories_and_their_coverage() {
        let day = DAY;
        let mut index = Index::default();
        index.cover(0, i64::MAX);
        index.insert(recent(1, 0, "wire", 42));
        index.insert(recent(2, 10 * day, "wire", 42));
        index.prune();
        assert_eq!(index.by_id.len(), 1);
        assert_eq!(index.covered, vec![(4 * day, i64::MAX)]);
        assert_eq!(index.missing(0, day), vec![(0, day)]);
    }

    #[test]
    fn extreme_times_neither_panic_nor_match_across_the_range() {
        let mut index = Index::default();
        index.insert(recent(1, i64::MIN + 5, "wire", 42));
        index.insert(recent(2, i64::MAX - 5, "wire", 42));
        assert!(index
            .original_of(&recent(3, i64::MIN + 9, "daily", 42), &[])
            .is_some());
        // Pruning keeps only the stories near the newest.
        index.prune();
        assert_eq!(index.by_id.len(), 1);
        assert!(index
            .original_of(&recent(5, i64::MIN + 9, "daily", 42), &[])
            .is_none());
        assert_eq!(
            index
                .original_of(&recent(4, i64::MAX, "daily", 42), &[])
                .map(|o| o.id),
            Some(2)
        );
        assert_eq!(
            index.missing(i64::MIN, i64::MAX),
            vec![(i64::MIN, i64::MAX)]
        );
    }
}
