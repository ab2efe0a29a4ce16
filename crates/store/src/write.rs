//! The batch write path: one transaction per batch, a fixed number of multi-row statements.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Write as _;

use chrono::{DateTime, Utc};
use model::{canon, AnalyzedArticle, Article, DateSource, EntityType, Failure, Outcome};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, Row};

use crate::copy::CopyRows;
use crate::syndication::{self, Recent, Syndication};
use crate::{urls, Store, StoreError, WriteStats};

/// Longest key kept in a btree-indexed column; PostgreSQL rejects index rows over ~2.7 KB.
const MAX_KEY_BYTES: usize = 2000;
/// Longest entity name or alias kept.
const MAX_NAME_BYTES: usize = 400;

/// Whether a batch comes from fetching or from re-running the extractor over stored pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// New fetches: new stories, versions, syndication, raw pages.
    Ingest,
    /// Re-extraction of stored stories: updated in place, never a new story or version.
    Reprocess,
}

/// What the batch does to one story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    /// A story not seen before.
    Insert,
    /// Changed content: the old one becomes a version.
    Replace,
    /// Same content, other extractor version (or a reprocess): rewrite in place.
    Reanalyze,
    /// Same content fetched again later: refresh the fetch time and page metadata.
    Touch,
    /// Nothing to do.
    Skip,
}

impl Action {
    fn rewrites_analysis(self) -> bool {
        matches!(self, Action::Insert | Action::Replace | Action::Reanalyze)
    }
}

struct PreparedRaw {
    sha: Vec<u8>,
    body: Vec<u8>,
    len: i32,
    headers: String,
    /// The redirect chain as a JSON array of `{url, status}`.
    redirects: String,
    content_type: Option<String>,
    status: i16,
}

struct Prepared<'a> {
    a: &'a AnalyzedArticle,
    /// The fetch time at the database's microsecond precision, so replays compare equal.
    fetched_at: DateTime<Utc>,
    /// Normalised URLs with their kind, in lookup order; the first is the requested URL.
    urls: Vec<(String, &'static str)>,
    story_url: String,
    hash: Vec<u8>,
    simhash: Option<i64>,
    word_count: i32,
    id: i64,
    first_seen_at: DateTime<Utc>,
    action: Action,
    /// The original this story copies: found for a new story, read back for a stored one.
    syndicated_from: Option<i64>,
    /// A new story whose id and URL this batch reserved: nothing is stored for it yet.
    reserved: bool,
}

/// Strips NUL characters, which PostgreSQL text cannot hold.
pub(crate) fn clean(s: &str) -> String {
    clean_ref(s).into_owned()
}

/// [`clean`] without a copy when there is nothing to strip.
fn clean_ref(s: &str) -> Cow<'_, str> {
    if s.contains('\0') {
        Cow::Owned(s.replace('\0', ""))
    } else {
        Cow::Borrowed(s)
    }
}

/// Joins a list with the unit separator, for `string_to_array` on the server side.
pub(crate) fn join_list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| clean(s).replace('\u{1f}', " "))
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

/// Cuts `s` to at most `max` bytes at a character boundary.
pub(crate) fn truncate(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

fn key(url: &str) -> String {
    truncate(clean(&canon::canonical_str(url)), MAX_KEY_BYTES)
}

fn opt(s: &Option<String>) -> Option<String> {
    s.as_deref().map(clean)
}

fn offset(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn date_source(d: DateSource) -> &'static str {
    match d {
        DateSource::JsonLd => "json_ld",
        DateSource::Meta => "meta",
        DateSource::TimeElement => "time_element",
        DateSource::Url => "url",
        DateSource::Text => "text",
        DateSource::Feed => "feed",
    }
}

/// SHA-256 of the parts a reader sees; a change in any of them is a new version.
pub(crate) fn content_hash(title: Option<&str>, lede: Option<&str>, body: &str) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(title.unwrap_or("").as_bytes());
    h.update([0x1f]);
    h.update(lede.unwrap_or("").as_bytes());
    h.update([0x1f]);
    h.update(body.as_bytes());
    h.finalize().to_vec()
}

/// Raw DEFLATE at the fastest level: pages shrink 4-6x at little CPU cost.
pub(crate) fn compress(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::DeflateEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::fast(),
    );
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

/// Compresses a fetched page for `raw_pages`; done only for pages that are stored, so a replay
/// of known stories costs no compression.
fn prepare_raw(r: &model::RawPage) -> PreparedRaw {
    let headers: Vec<[String; 2]> = r
        .headers
        .iter()
        .map(|(k, v)| [clean(k), clean(v)])
        .collect();
    PreparedRaw {
        sha: Sha256::digest(&r.body).to_vec(),
        body: compress(&r.body),
        len: i32::try_from(r.body.len()).unwrap_or(i32::MAX),
        headers: serde_json::to_string(&headers).unwrap_or_else(|_| "[]".into()),
        redirects: redirects_json(&r.redirects),
        content_type: r
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| clean(v)),
        status: i16::try_from(r.status).unwrap_or(0),
    }
}

/// The redirect chain as stored in `raw_pages.redirects`.
fn redirects_json(chain: &[model::Redirect]) -> String {
    let hops: Vec<serde_json::Value> = chain
        .iter()
        .map(|h| serde_json::json!({ "url": clean(&h.url), "status": h.status }))
        .collect();
    serde_json::Value::Array(hops).to_string()
}

fn prepare(a: &AnalyzedArticle) -> Prepared<'_> {
    let art = &a.article;
    let mut list: Vec<(String, &'static str)> = Vec::with_capacity(4);
    let mut push = |u: &str, kind: &'static str| {
        if u.trim().is_empty() {
            return;
        }
        let k = key(u);
        if !list.iter().any(|(x, _)| *x == k) {
            list.push((k, kind));
        }
    };
    push(&a.url, "requested");
    push(&a.final_url, "final");
    let canonical = art
        .canonical_url
        .as_deref()
        .filter(|c| urls::is_story_like(c));
    if let Some(c) = canonical {
        push(c, "canonical");
    }
    let story_url = canonical
        .map(key)
        .or_else(|| (!a.final_url.trim().is_empty()).then(|| key(&a.final_url)))
        .unwrap_or_else(|| key(&a.url));
    let body = clean_ref(&art.body);
    let title = opt(&art.title);
    let lede = opt(&art.lede);
    Prepared {
        a,
        fetched_at: micros(a.fetched_at),
        hash: content_hash(title.as_deref(), lede.as_deref(), &body),
        simhash: a.analysis.simhash.map(|h| h as i64),
        word_count: offset(body.split_whitespace().count()),
        urls: list,
        story_url,
        id: 0,
        first_seen_at: micros(a.fetched_at),
        action: Action::Skip,
        syndicated_from: None,
        reserved: false,
    }
}

/// Truncates to whole microseconds, PostgreSQL's timestamp precision.
fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

fn is_missing_partition(e: &StoreError) -> bool {
    match e {
        StoreError::Db(sqlx::Error::Database(d)) => {
            d.code().as_deref() == Some("23514") && d.message().contains("no partition")
        }
        _ => false,
    }
}

impl Store {
    /// Writes a batch of outcomes in one transaction: new stories, changed stories (the old
    /// content becomes a version), their quotes, entities and mentions, raw pages and failures.
    /// Replaying a batch changes nothing.
    pub async fn write_batch(&self, batch: &[Outcome]) -> Result<WriteStats, StoreError> {
        self.write_with_retry(batch, Mode::Ingest).await
    }

    /// Writes re-extracted stories over the stored ones in place: fields, quotes and mentions are
    /// replaced, no version or story is created and the fetch time is kept. Stories whose URL is
    /// not stored are counted in [`WriteStats::unknown`]; failures are recorded as usual.
    pub async fn write_reprocessed(&self, batch: &[Outcome]) -> Result<WriteStats, StoreError> {
        self.write_with_retry(batch, Mode::Reprocess).await
    }

    async fn write_with_retry(
        &self,
        batch: &[Outcome],
        mode: Mode,
    ) -> Result<WriteStats, StoreError> {
        match self.write_once(batch, mode).await {
            // Someone dropped a partition this process thought existed: relearn and try again.
            Err(e) if is_missing_partition(&e) => {
                self.forget_partitions();
                self.write_once(batch, mode).await
            }
            other => other,
        }
    }

    async fn write_once(&self, batch: &[Outcome], mode: Mode) -> Result<WriteStats, StoreError> {
        let mut stats = WriteStats::default();
        let mut items: Vec<Prepared> = Vec::new();
        let mut failures: Vec<&Failure> = Vec::new();
        for o in batch {
            match o {
                Outcome::Article(a) => items.push(prepare(a)),
                Outcome::Failed(f) => failures.push(f),
            }
        }
        if mode == Mode::Ingest {
            self.ensure_months(items.iter().map(|p| p.fetched_at))
                .await?;
        }
        let mut tx = self.pool.begin().await?;
        let mut announced = Vec::new();
        if !items.is_empty() {
            self.write_stories(&mut tx, &mut items, mode, &mut stats, &mut announced)
                .await?;
        }
        if !failures.is_empty() {
            stats.failures = write_failures(&mut tx, &failures).await?;
        }
        tx.commit().await?;
        // Only committed stories may become originals.
        if !announced.is_empty() {
            self.syndication.committed(announced);
        }
        Ok(stats)
    }

    async fn write_stories(
        &self,
        conn: &mut PgConnection,
        items: &mut [Prepared<'_>],
        mode: Mode,
        stats: &mut WriteStats,
        announced: &mut Vec<Recent>,
    ) -> Result<(), StoreError> {
        let version = self.extractor_version();
        ensure_sources(conn, items).await?;
        resolve_identities(conn, items, mode, stats).await?;
        decide_actions(conn, items, mode, version, stats).await?;

        let replaced: Vec<&Prepared> = items
            .iter()
            .filter(|p| p.action == Action::Replace)
            .collect();
        if !replaced.is_empty() {
            stats.versions = archive_versions(conn, &replaced).await?;
        }
        if items.iter().all(|p| p.action == Action::Skip) {
            return Ok(());
        }
        let kept = kept_pages(items, mode);
        let compressing = compress_pages(items, &kept);
        if mode == Mode::Ingest {
            stats.syndicated = self.link_syndicated(conn, items).await?;
        }
        let written: Vec<&Prepared> = items.iter().filter(|p| p.action != Action::Skip).collect();
        write_articles(conn, &written, mode, version, stats).await?;
        write_analysis(conn, &written, version, stats).await?;
        if mode == Mode::Ingest {
            // New and changed stories, with their SimHash, for every store's syndication index.
            announced.extend(
                written
                    .iter()
                    .filter(|p| matches!(p.action, Action::Insert | Action::Replace))
                    .filter_map(|p| recent(p)),
            );
            Syndication::announce(conn, announced).await?;
            if let Some(task) = compressing {
                let pages: Vec<&Prepared> = kept.iter().map(|&i| &items[i]).collect();
                stats.raw_pages = store_raw_pages(conn, &pages, task).await?;
            }
        }
        Ok(())
    }
}

/// The items whose fetched page is kept: new and changed stories, when ingesting.
fn kept_pages(items: &[Prepared<'_>], mode: Mode) -> Vec<usize> {
    if mode == Mode::Ingest {
        (0..items.len())
            .filter(|&i| {
                matches!(items[i].action, Action::Insert | Action::Replace)
                    && items[i].a.raw.is_some()
            })
            .collect()
    } else {
        Vec::new()
    }
}

/// Compressing the kept pages is the batch's heaviest CPU work: it runs on a blocking thread
/// while the server loads the stories.
fn compress_pages(
    items: &[Prepared<'_>],
    kept: &[usize],
) -> Option<tokio::task::JoinHandle<Vec<PreparedRaw>>> {
    let raws: Vec<model::RawPage> = kept
        .iter()
        .filter_map(|&i| items[i].a.raw.clone())
        .collect();
    (!raws.is_empty())
        .then(|| tokio::task::spawn_blocking(move || raws.iter().map(prepare_raw).collect()))
}

/// Stores the pages compressed by [`compress_pages`].
async fn store_raw_pages(
    conn: &mut PgConnection,
    pages: &[&Prepared<'_>],
    task: tokio::task::JoinHandle<Vec<PreparedRaw>>,
) -> Result<u64, StoreError> {
    // Compression cannot fail; should its thread ever die, compress here instead.
    let prepared = match task.await {
        Ok(prepared) => prepared,
        Err(_) => pages
            .iter()
            .filter_map(|p| p.a.raw.as_ref().map(prepare_raw))
            .collect(),
    };
    insert_raw_pages(conn, pages, prepared).await
}

/// Loads new stories by COPY, upserts stored ones, and records every URL of both.
async fn write_articles(
    conn: &mut PgConnection,
    written: &[&Prepared<'_>],
    mode: Mode,
    extractor_version: &str,
    stats: &mut WriteStats,
) -> Result<(), StoreError> {
    let (fresh, known): (Vec<&Prepared>, Vec<&Prepared>) =
        written.iter().partition(|p| p.action == Action::Insert);
    stats.articles = copy_new_articles(conn, &fresh, extractor_version).await?;
    if !known.is_empty() {
        stats.articles += upsert_articles(conn, &known, mode, extractor_version).await?;
    }
    insert_urls(conn, written).await
}

/// Rewrites the quotes, entities and mentions of the stories whose analysis changes.
async fn write_analysis(
    conn: &mut PgConnection,
    written: &[&Prepared<'_>],
    extractor_version: &str,
    stats: &mut WriteStats,
) -> Result<(), StoreError> {
    let analysed: Vec<&Prepared> = written
        .iter()
        .copied()
        .filter(|p| p.action.rewrites_analysis())
        .collect();
    let stale: Vec<&Prepared> = analysed
        .iter()
        .copied()
        .filter(|p| p.action != Action::Insert)
        .collect();
    if !stale.is_empty() {
        delete_analysis(conn, &stale).await?;
    }
    if !analysed.is_empty() {
        let entity_ids = upsert_entities(conn, &analysed).await?;
        stats.quotes = insert_quotes(conn, &analysed, &entity_ids, extractor_version).await?;
        stats.mentions = insert_mentions(conn, &analysed, &entity_ids).await?;
    }
    Ok(())
}

/// Sources named by stories but not configured still need a row for the foreign key.
async fn ensure_sources(conn: &mut PgConnection, items: &[Prepared<'_>]) -> Result<(), StoreError> {
    let mut sources: BTreeMap<String, Option<String>> = BTreeMap::new();
    for p in items {
        sources
            .entry(clean(&p.a.source))
            .or_insert_with(|| opt(&p.a.agency));
    }
    let (names, agencies): (Vec<String>, Vec<Option<String>>) = sources.into_iter().unzip();
    sqlx::query(
        "INSERT INTO sources (name, agency)
         SELECT * FROM unnest($1::text[], $2::text[]) ORDER BY 1
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(&names)
    .bind(&agencies)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Finds each item's story through any of its URLs, reserving a new story id for the rest.
async fn resolve_identities(
    conn: &mut PgConnection,
    items: &mut [Prepared<'_>],
    mode: Mode,
    stats: &mut WriteStats,
) -> Result<(), StoreError> {
    let all = batch_urls(items);
    let known = lookup_urls(conn, &all).await?;
    let groups = group_new_stories(items, &known, mode, stats);
    if groups.is_empty() {
        return Ok(());
    }

    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT nextval(pg_get_serial_sequence('articles', 'id')) FROM generate_series(1, $1)",
    )
    .bind(i64::try_from(groups.len()).unwrap_or(i64::MAX))
    .fetch_all(&mut *conn)
    .await?;
    let new = NewStories::assign(items, &groups, &ids);
    let reserved = reserve_story_urls(conn, &new).await?;
    join_taken_stories(conn, items, &groups, &new.urls, &reserved).await
}

/// Every URL of the batch's items, sorted and without repeats.
fn batch_urls(items: &[Prepared<'_>]) -> Vec<String> {
    items
        .iter()
        .flat_map(|p| {
            p.urls
                .iter()
                .map(|(u, _)| u.clone())
                .chain(std::iter::once(p.story_url.clone()))
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Gives known items their story and groups the others into new stories, two items sharing a
/// URL in one group; returns the groups as item indexes.
fn group_new_stories(
    items: &mut [Prepared<'_>],
    known: &HashMap<String, (i64, DateTime<Utc>)>,
    mode: Mode,
    stats: &mut WriteStats,
) -> Vec<Vec<usize>> {
    let mut group_of_url: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, p) in items.iter_mut().enumerate() {
        let hit = std::iter::once(&p.story_url)
            .chain(p.urls.iter().map(|(u, _)| u))
            .find_map(|u| known.get(u));
        if let Some(&(id, seen)) = hit {
            p.id = id;
            p.first_seen_at = seen;
            continue;
        }
        if mode == Mode::Reprocess {
            stats.unknown += 1;
            p.id = -1;
            continue;
        }
        let existing_group = std::iter::once(&p.story_url)
            .chain(p.urls.iter().map(|(u, _)| u))
            .find_map(|u| group_of_url.get(u).copied());
        let g = existing_group.unwrap_or_else(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
        for u in std::iter::once(&p.story_url).chain(p.urls.iter().map(|(u, _)| u)) {
            group_of_url.entry(u.clone()).or_insert(g);
        }
    }
    groups
}

/// The new stories of a batch, one entry per group: story URL, reserved id, first seen.
struct NewStories {
    urls: Vec<String>,
    ids: Vec<i64>,
    seen: Vec<DateTime<Utc>>,
}

impl NewStories {
    /// Gives each group's items the group's id and earliest fetch time.
    fn assign(items: &mut [Prepared<'_>], groups: &[Vec<usize>], ids: &[i64]) -> Self {
        let mut new = NewStories {
            urls: Vec::with_capacity(groups.len()),
            ids: Vec::with_capacity(groups.len()),
            seen: Vec::with_capacity(groups.len()),
        };
        for (g, members) in groups.iter().enumerate() {
            let seen = members
                .iter()
                .map(|&i| items[i].fetched_at)
                .min()
                .unwrap_or_else(Utc::now);
            let id = ids.get(g).copied().unwrap_or_default();
            for &i in members {
                items[i].id = id;
                items[i].first_seen_at = seen;
            }
            new.urls.push(items[members[0]].story_url.clone());
            new.ids.push(id);
            new.seen.push(seen);
        }
        new
    }
}

/// Reserves each new story's URL; returns the URLs this batch got.
async fn reserve_story_urls(
    conn: &mut PgConnection,
    new: &NewStories,
) -> Result<HashSet<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO article_urls (url, article_id, first_seen_at, kind)
         SELECT u, i, s, 'story' FROM unnest($1::text[], $2::bigint[], $3::timestamptz[]) AS r(u, i, s)
         ORDER BY u
         ON CONFLICT (url) DO NOTHING
         RETURNING url",
    )
    .bind(&new.urls)
    .bind(&new.ids)
    .bind(&new.seen)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect())
}

/// Marks the groups whose URL was reserved; a daemon that got to the others' URL first keeps
/// it, and those items join its story.
async fn join_taken_stories(
    conn: &mut PgConnection,
    items: &mut [Prepared<'_>],
    groups: &[Vec<usize>],
    story_urls: &[String],
    reserved: &HashSet<String>,
) -> Result<(), StoreError> {
    let taken: Vec<String> = story_urls
        .iter()
        .filter(|u| !reserved.contains(*u))
        .cloned()
        .collect();
    let owners = if taken.is_empty() {
        HashMap::new()
    } else {
        lookup_urls(conn, &taken).await?
    };
    for (g, members) in groups.iter().enumerate() {
        let url = &story_urls[g];
        if reserved.contains(url) {
            for &i in members {
                items[i].reserved = true;
            }
        } else if let Some(&(id, seen)) = owners.get(url) {
            for &i in members {
                items[i].id = id;
                items[i].first_seen_at = seen;
            }
        }
    }
    Ok(())
}

async fn lookup_urls(
    conn: &mut PgConnection,
    urls: &[String],
) -> Result<HashMap<String, (i64, DateTime<Utc>)>, StoreError> {
    let rows =
        // A join, not `url = ANY($1)`: while the table's statistics say it is small, the planner
        // picks a sequential scan for ANY and compares every row with every URL of the batch.
        sqlx::query(
            "SELECT a.url, a.article_id, a.first_seen_at
             FROM unnest($1::text[]) AS k(url) JOIN article_urls a ON a.url = k.url",
        )
            .bind(urls)
            .fetch_all(&mut *conn)
            .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("url")?,
                (r.try_get("article_id")?, r.try_get("first_seen_at")?),
            ))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Locks the stored rows of the batch's stories and decides what to do with each item.
async fn decide_actions(
    conn: &mut PgConnection,
    items: &mut [Prepared<'_>],
    mode: Mode,
    extractor_version: &str,
    stats: &mut WriteStats,
) -> Result<(), StoreError> {
    let newest = newest_per_story(items);
    let locked = lock_stored(conn, items, &newest).await?;
    for (i, p) in items.iter_mut().enumerate() {
        p.action = if p.id < 0 || newest.get(&p.id) != Some(&i) {
            Action::Skip
        } else {
            stored_action(p, mode, locked.stored.get(&p.id), extractor_version, stats)
        };
        if p.action == Action::Skip && p.id >= 0 {
            stats.unchanged += 1;
        }
        p.syndicated_from = locked.originals.get(&p.id).copied();
    }
    Ok(())
}

/// Only the newest fetch of each story in the batch counts: the index of that item per story.
fn newest_per_story(items: &[Prepared<'_>]) -> HashMap<i64, usize> {
    let mut newest: HashMap<i64, usize> = HashMap::new();
    for (i, p) in items.iter().enumerate() {
        if p.id < 0 {
            continue;
        }
        match newest.get(&p.id) {
            Some(&j) if items[j].fetched_at > p.fetched_at => {}
            _ => {
                newest.insert(p.id, i);
            }
        }
    }
    newest
}

/// What is stored of a story the batch fetched again.
struct StoredStory {
    hash: Vec<u8>,
    version: String,
    fetched: DateTime<Utc>,
}

/// The locked rows of a batch's stored stories, and the originals the syndicated ones copy.
struct Locked {
    stored: HashMap<i64, StoredStory>,
    originals: HashMap<i64, i64>,
}

/// Reads and locks the stored rows of the batch's newest items.
async fn lock_stored(
    conn: &mut PgConnection,
    items: &[Prepared<'_>],
    newest: &HashMap<i64, usize>,
) -> Result<Locked, StoreError> {
    // Stories this batch reserved cannot be stored yet: only the others are looked up (and locked).
    let mut keys: Vec<(i64, DateTime<Utc>)> = newest
        .values()
        .filter(|&&i| !items[i].reserved)
        .map(|&i| (items[i].id, items[i].first_seen_at))
        .collect();
    keys.sort();
    let (ids, seen): (Vec<i64>, Vec<DateTime<Utc>>) = keys.into_iter().unzip();
    let rows = if ids.is_empty() {
        Vec::new()
    } else {
        sqlx::query(
            "SELECT a.id, a.content_hash, a.extractor_version, a.fetched_at, a.syndicated_from
         FROM articles a JOIN unnest($1::bigint[], $2::timestamptz[]) AS k(id, seen)
           ON a.id = k.id AND a.first_seen_at = k.seen
         ORDER BY a.id
         FOR UPDATE OF a",
        )
        .bind(&ids)
        .bind(&seen)
        .fetch_all(&mut *conn)
        .await?
    };
    let mut locked = Locked {
        stored: HashMap::new(),
        originals: HashMap::new(),
    };
    for r in &rows {
        let id: i64 = r.try_get("id")?;
        let story = StoredStory {
            hash: r.try_get("content_hash")?,
            version: r.try_get("extractor_version")?,
            fetched: r.try_get("fetched_at")?,
        };
        locked.stored.insert(id, story);
        if let Some(original) = r.try_get::<Option<i64>, _>("syndicated_from")? {
            locked.originals.insert(id, original);
        }
    }
    Ok(locked)
}

/// The action for the newest item of a story, given what is stored of it.
fn stored_action(
    p: &Prepared<'_>,
    mode: Mode,
    stored: Option<&StoredStory>,
    extractor_version: &str,
    stats: &mut WriteStats,
) -> Action {
    match (mode, stored) {
        (Mode::Ingest, None) => Action::Insert,
        (Mode::Reprocess, None) => {
            stats.unknown += 1;
            Action::Skip
        }
        (Mode::Reprocess, Some(_)) => Action::Reanalyze,
        (Mode::Ingest, Some(s)) => {
            if p.fetched_at < s.fetched {
                Action::Skip
            } else if s.hash != p.hash {
                Action::Replace
            } else if s.version != extractor_version {
                Action::Reanalyze
            } else if p.fetched_at > s.fetched {
                Action::Touch
            } else {
                Action::Skip
            }
        }
    }
}

async fn archive_versions(
    conn: &mut PgConnection,
    replaced: &[&Prepared<'_>],
) -> Result<u64, StoreError> {
    let ids: Vec<i64> = replaced.iter().map(|p| p.id).collect();
    let seen: Vec<DateTime<Utc>> = replaced.iter().map(|p| p.first_seen_at).collect();
    let done = sqlx::query(
        "INSERT INTO article_versions
             (article_id, first_seen_at, version, title, lede, body, modified_at, content_hash, fetched_at)
         SELECT a.id, a.first_seen_at, a.version, a.title, a.lede, a.body, a.modified_at, a.content_hash, a.fetched_at
         FROM articles a JOIN unnest($1::bigint[], $2::timestamptz[]) AS k(id, seen)
           ON a.id = k.id AND a.first_seen_at = k.seen
         ON CONFLICT DO NOTHING",
    )
    .bind(&ids)
    .bind(&seen)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// Loads stories seen for the first time. Their ids are fresh and their URLs reserved in this
/// transaction, so no row can conflict and COPY needs no upsert.
async fn copy_new_articles(
    conn: &mut PgConnection,
    rows: &[&Prepared<'_>],
    extractor_version: &str,
) -> Result<u64, StoreError> {
    let mut copy = CopyRows::new();
    for p in rows {
        let a = &p.a.article;
        let dl = a.dateline.as_ref();
        copy.plain(p.id)
            .time(p.first_seen_at)
            .text(&p.story_url)
            .text(&p.a.source)
            .opt_text(p.a.agency.as_deref())
            .opt_text(a.title.as_deref())
            .opt_text(a.lede.as_deref())
            .text(&a.body)
            .text_array(&a.authors)
            .opt_text(a.byline.as_deref())
            .opt_time(a.published_at.map(|t| t.with_timezone(&Utc)))
            .opt_time(a.modified_at.map(|t| t.with_timezone(&Utc)))
            .opt_text(a.date_source.map(date_source))
            .opt_text(dl.and_then(|d| d.place.as_deref()))
            .opt_text(dl.and_then(|d| d.date.as_deref()))
            .opt_text(dl.and_then(|d| d.agency.as_deref()))
            .opt_text(a.language.as_deref())
            .opt_plain(a.language_confidence)
            .opt_text(a.section.as_deref())
            .text_array(&a.tags)
            .opt_text(a.canonical_url.as_deref())
            .text(&p.a.final_url)
            .opt_text(a.image_url.as_deref())
            .plain(p.word_count)
            .opt_plain(a.is_accessible_for_free)
            .bytes(&p.hash)
            .opt_plain(p.simhash)
            .opt_plain(p.syndicated_from)
            .time(p.fetched_at)
            .text(extractor_version)
            .end_row();
    }
    copy_in(
        conn,
        "COPY articles (id, first_seen_at, url, source, agency, title, lede, body, authors, byline,
             published_at, modified_at, date_source, dateline_place, dateline_date, dateline_agency,
             language, language_confidence, section, tags, canonical_url, final_url, image_url,
             word_count, is_accessible_for_free, content_hash, simhash, syndicated_from, fetched_at,
             extractor_version)
         FROM STDIN",
        copy,
    )
    .await
}

/// Upserts stories already stored: the content of a changed story bumps its version.
async fn upsert_articles(
    conn: &mut PgConnection,
    rows: &[&Prepared<'_>],
    mode: Mode,
    extractor_version: &str,
) -> Result<u64, StoreError> {
    let c = ArticleColumns::new(rows);
    let done = sqlx::query(UPSERT_ARTICLES)
        .bind(&c.id)
        .bind(&c.seen)
        .bind(&c.url)
        .bind(&c.source)
        .bind(&c.agency)
        .bind(&c.title)
        .bind(&c.lede)
        .bind(&c.body)
        .bind(&c.authors)
        .bind(&c.byline)
        .bind(&c.published)
        .bind(&c.modified)
        .bind(&c.date_src)
        .bind(&c.dl_place)
        .bind(&c.dl_date)
        .bind(&c.dl_agency)
        .bind(&c.language)
        .bind(&c.lang_conf)
        .bind(&c.section)
        .bind(&c.tags)
        .bind(&c.canonical)
        .bind(&c.final_url)
        .bind(&c.image)
        .bind(&c.words)
        .bind(&c.free)
        .bind(&c.hash)
        .bind(&c.sim)
        .bind(&c.fetched)
        .bind(extractor_version)
        .bind(mode == Mode::Ingest)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected())
}

/// Upserts the rows of [`ArticleColumns`]. `$29` is the extractor version; `$30` is true when
/// ingesting: only then does changed content bump the version and are unchanged search vectors kept.
const UPSERT_ARTICLES: &str = "INSERT INTO articles (id, first_seen_at, url, source, agency, title, lede, body, authors, byline,
             published_at, modified_at, date_source, dateline_place, dateline_date, dateline_agency,
             language, language_confidence, section, tags, canonical_url, final_url, image_url,
             word_count, is_accessible_for_free, content_hash, simhash, fetched_at, extractor_version)
         SELECT id, seen, url, source, agency, title, lede, body, string_to_array(authors, E'\\x1f'), byline,
             published, modified, date_src, dl_place, dl_date, dl_agency,
             language, lang_conf, section, string_to_array(tags, E'\\x1f'), canonical, final_url, image,
             words, free, hash, sim, fetched, $29
         FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[],
             $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::timestamptz[],
             $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::real[], $19::text[],
             $20::text[], $21::text[], $22::text[], $23::text[], $24::int[], $25::bool[], $26::bytea[],
             $27::bigint[], $28::timestamptz[])
           AS r(id, seen, url, source, agency, title, lede, body, authors, byline, published, modified,
                date_src, dl_place, dl_date, dl_agency, language, lang_conf, section, tags, canonical,
                final_url, image, words, free, hash, sim, fetched)
         ORDER BY id
         ON CONFLICT (id, first_seen_at) DO UPDATE SET
             agency = EXCLUDED.agency, title = EXCLUDED.title, lede = EXCLUDED.lede, body = EXCLUDED.body,
             authors = EXCLUDED.authors, byline = EXCLUDED.byline, published_at = EXCLUDED.published_at,
             modified_at = EXCLUDED.modified_at, date_source = EXCLUDED.date_source,
             dateline_place = EXCLUDED.dateline_place, dateline_date = EXCLUDED.dateline_date,
             dateline_agency = EXCLUDED.dateline_agency, language = EXCLUDED.language,
             language_confidence = EXCLUDED.language_confidence, section = EXCLUDED.section,
             tags = EXCLUDED.tags, canonical_url = EXCLUDED.canonical_url, final_url = EXCLUDED.final_url,
             image_url = EXCLUDED.image_url, word_count = EXCLUDED.word_count,
             is_accessible_for_free = EXCLUDED.is_accessible_for_free,
             content_hash = EXCLUDED.content_hash, simhash = EXCLUDED.simhash,
             version = articles.version
                 + CASE WHEN $30 AND articles.content_hash <> EXCLUDED.content_hash THEN 1 ELSE 0 END,
             fetched_at = GREATEST(articles.fetched_at, EXCLUDED.fetched_at),
             extractor_version = EXCLUDED.extractor_version, updated_at = now(),
             -- New content or new quotes: wirehose_index_search recomputes the vectors.
             search = CASE WHEN $30 AND articles.content_hash = EXCLUDED.content_hash
                            AND articles.extractor_version = EXCLUDED.extractor_version
                       THEN articles.search END";

/// The bound arrays of [`upsert_articles`], one per column, cleaned for PostgreSQL text.
struct ArticleColumns {
    id: Vec<i64>,
    seen: Vec<DateTime<Utc>>,
    url: Vec<String>,
    source: Vec<String>,
    agency: Vec<Option<String>>,
    title: Vec<Option<String>>,
    lede: Vec<Option<String>>,
    body: Vec<String>,
    authors: Vec<String>,
    byline: Vec<Option<String>>,
    published: Vec<Option<DateTime<Utc>>>,
    modified: Vec<Option<DateTime<Utc>>>,
    date_src: Vec<Option<&'static str>>,
    dl_place: Vec<Option<String>>,
    dl_date: Vec<Option<String>>,
    dl_agency: Vec<Option<String>>,
    language: Vec<Option<String>>,
    lang_conf: Vec<Option<f32>>,
    section: Vec<Option<String>>,
    tags: Vec<String>,
    canonical: Vec<Option<String>>,
    final_url: Vec<String>,
    image: Vec<Option<String>>,
    words: Vec<i32>,
    free: Vec<Option<bool>>,
    hash: Vec<Vec<u8>>,
    sim: Vec<Option<i64>>,
    fetched: Vec<DateTime<Utc>>,
}

impl ArticleColumns {
    /// One entry per row in every column.
    fn new(rows: &[&Prepared<'_>]) -> Self {
        fn col<T>(rows: &[&Prepared<'_>], f: impl Fn(&Prepared<'_>, &Article) -> T) -> Vec<T> {
            rows.iter().map(|p| f(p, &p.a.article)).collect()
        }
        ArticleColumns {
            id: col(rows, |p, _| p.id),
            seen: col(rows, |p, _| p.first_seen_at),
            url: col(rows, |p, _| p.story_url.clone()),
            source: col(rows, |p, _| clean(&p.a.source)),
            agency: col(rows, |p, _| opt(&p.a.agency)),
            title: col(rows, |_, a| opt(&a.title)),
            lede: col(rows, |_, a| opt(&a.lede)),
            body: col(rows, |_, a| clean(&a.body)),
            authors: col(rows, |_, a| join_list(&a.authors)),
            byline: col(rows, |_, a| opt(&a.byline)),
            published: col(rows, |_, a| a.published_at.map(|t| t.with_timezone(&Utc))),
            modified: col(rows, |_, a| a.modified_at.map(|t| t.with_timezone(&Utc))),
            date_src: col(rows, |_, a| a.date_source.map(date_source)),
            dl_place: col(rows, |_, a| a.dateline.as_ref().and_then(|d| opt(&d.place))),
            dl_date: col(rows, |_, a| a.dateline.as_ref().and_then(|d| opt(&d.date))),
            dl_agency: col(rows, |_, a| {
                a.dateline.as_ref().and_then(|d| opt(&d.agency))
            }),
            language: col(rows, |_, a| opt(&a.language)),
            lang_conf: col(rows, |_, a| a.language_confidence),
            section: col(rows, |_, a| opt(&a.section)),
            tags: col(rows, |_, a| join_list(&a.tags)),
            canonical: col(rows, |_, a| opt(&a.canonical_url)),
            final_url: col(rows, |p, _| clean(&p.a.final_url)),
            image: col(rows, |_, a| opt(&a.image_url)),
            words: col(rows, |p, _| p.word_count),
            free: col(rows, |_, a| a.is_accessible_for_free),
            hash: col(rows, |p, _| p.hash.clone()),
            sim: col(rows, |p, _| p.simhash),
            fetched: col(rows, |p, _| p.fetched_at),
        }
    }
}

/// Records every URL the batch saw for its stories (the reserved story URLs are already there).
async fn insert_urls(conn: &mut PgConnection, rows: &[&Prepared<'_>]) -> Result<(), StoreError> {
    let mut entries: BTreeMap<&str, (i64, DateTime<Utc>, &str)> = BTreeMap::new();
    for p in rows {
        entries
            .entry(p.story_url.as_str())
            .or_insert((p.id, p.first_seen_at, "story"));
        for (u, kind) in &p.urls {
            entries
                .entry(u.as_str())
                .or_insert((p.id, p.first_seen_at, kind));
        }
    }
    let urls: Vec<&str> = entries.keys().copied().collect();
    let ids: Vec<i64> = entries.values().map(|v| v.0).collect();
    let seen: Vec<DateTime<Utc>> = entries.values().map(|v| v.1).collect();
    let kinds: Vec<&str> = entries.values().map(|v| v.2).collect();
    sqlx::query(
        "INSERT INTO article_urls (url, article_id, first_seen_at, kind)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::text[])
         ON CONFLICT (url) DO NOTHING",
    )
    .bind(&urls)
    .bind(&ids)
    .bind(&seen)
    .bind(&kinds)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn delete_analysis(
    conn: &mut PgConnection,
    rows: &[&Prepared<'_>],
) -> Result<(), StoreError> {
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let seen: Vec<DateTime<Utc>> = rows.iter().map(|p| p.first_seen_at).collect();
    for table in ["quotes", "mentions"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE article_id = ANY($1) AND first_seen_at = ANY($2)
               AND (article_id, first_seen_at) IN (SELECT * FROM unnest($1::bigint[], $2::timestamptz[]))"
        ))
        .bind(&ids)
        .bind(&seen)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

fn entity_name(name: &str) -> String {
    truncate(clean(name.trim()), MAX_NAME_BYTES)
}

/// Upserts the batch's entities and their surface forms; returns the ids by (name, type).
async fn upsert_entities(
    conn: &mut PgConnection,
    rows: &[&Prepared<'_>],
) -> Result<HashMap<(String, EntityType), i64>, StoreError> {
    let mut wanted: BTreeMap<(String, &'static str), EntityType> = BTreeMap::new();
    for p in rows {
        for e in &p.a.analysis.entities {
            let name = entity_name(&e.name);
            if !name.is_empty() {
                wanted.insert((name, e.entity_type.as_str()), e.entity_type);
            }
        }
    }
    let mut ids = HashMap::new();
    if wanted.is_empty() {
        return Ok(ids);
    }
    let names: Vec<&str> = wanted.keys().map(|(n, _)| n.as_str()).collect();
    let types: Vec<&str> = wanted.keys().map(|(_, t)| *t).collect();
    // Sorted input keeps concurrent batches from deadlocking on the unique index.
    sqlx::query(
        "INSERT INTO entities (name, type)
         SELECT * FROM unnest($1::text[], $2::text[]) ORDER BY 1, 2
         ON CONFLICT (name, type) DO NOTHING",
    )
    .bind(&names)
    .bind(&types)
    .execute(&mut *conn)
    .await?;
    let found = sqlx::query(
        "SELECT e.id, e.name, e.type FROM entities e
         JOIN unnest($1::text[], $2::text[]) AS w(name, type) ON e.name = w.name AND e.type = w.type",
    )
    .bind(&names)
    .bind(&types)
    .fetch_all(&mut *conn)
    .await?;
    for r in &found {
        let name: String = r.try_get("name")?;
        let ty: String = r.try_get("type")?;
        if let Some(t) = wanted.get(&(name.clone(), entity_type_str(&ty))) {
            ids.insert((name, *t), r.try_get("id")?);
        }
    }

    let mut aliases: BTreeSet<(i64, String)> = BTreeSet::new();
    for p in rows {
        for e in &p.a.analysis.entities {
            let name = entity_name(&e.name);
            let Some(&id) = ids.get(&(name.clone(), e.entity_type)) else {
                continue;
            };
            aliases.insert((id, name));
            for m in &e.mentions {
                let alias = entity_name(&m.text);
                if !alias.is_empty() {
                    aliases.insert((id, alias));
                }
            }
        }
    }
    let (alias_ids, alias_names): (Vec<i64>, Vec<String>) = aliases.into_iter().unzip();
    sqlx::query(
        "INSERT INTO entity_aliases (entity_id, alias)
         SELECT * FROM unnest($1::bigint[], $2::text[]) ORDER BY 1, 2
         ON CONFLICT DO NOTHING",
    )
    .bind(&alias_ids)
    .bind(&alias_names)
    .execute(&mut *conn)
    .await?;
    Ok(ids)
}

fn entity_type_str(s: &str) -> &'static str {
    match s {
        "person" => "person",
        "organization" => "organization",
        _ => "location",
    }
}

/// The speaker's entity, when the speaker's canonical name is an entity of the same story.
fn speaker_entity(
    a: &AnalyzedArticle,
    speaker: &str,
    ty: Option<EntityType>,
    ids: &HashMap<(String, EntityType), i64>,
) -> Option<i64> {
    let name = entity_name(speaker);
    let mut candidates: Vec<EntityType> = a
        .analysis
        .entities
        .iter()
        .filter(|e| entity_name(&e.name) == name)
        .map(|e| e.entity_type)
        .collect();
    // The stated speaker type first, then a person, then an organisation.
    candidates.sort_by_key(|t| (Some(*t) != ty, *t));
    candidates
        .first()
        .and_then(|t| ids.get(&(name, *t)).copied())
}

async fn insert_quotes(
    conn: &mut PgConnection,
    rows: &[&Prepared<'_>],
    ids: &HashMap<(String, EntityType), i64>,
    extractor_version: &str,
) -> Result<u64, StoreError> {
    let mut copy = CopyRows::new();
    for p in rows {
        let language = p.a.article.language.as_deref();
        for q in &p.a.analysis.quotes {
            let speaker = q
                .speaker
                .as_deref()
                .map(entity_name)
                .filter(|s| !s.is_empty());
            let speaker_entity_id = q
                .speaker
                .as_deref()
                .and_then(|s| speaker_entity(p.a, s, q.speaker_type, ids));
            let start = offset(q.start);
            let confidence = if q.confidence.is_finite() {
                q.confidence
            } else {
                0.0
            };
            copy.plain(p.id)
                .time(p.first_seen_at)
                .text(&q.text)
                .opt_text(speaker.as_deref())
                .opt_text(q.speaker_text.as_deref())
                .opt_text(q.speaker_type.map(EntityType::as_str))
                .opt_plain(speaker_entity_id)
                .text(q.kind.as_str())
                .opt_text(q.cue.as_deref())
                .plain(start)
                .plain(offset(q.end).max(start))
                .plain(confidence)
                .opt_text(language)
                .text(extractor_version)
                .end_row();
        }
    }
    copy_in(
        conn,
        "COPY quotes (article_id, first_seen_at, text, speaker, speaker_text, speaker_type,
             speaker_entity_id, kind, cue, start_offset, end_offset, confidence, language, extractor_version)
         FROM STDIN",
        copy,
    )
    .await
}

/// Sends COPY rows; an empty buffer costs no round trip.
async fn copy_in(
    conn: &mut PgConnection,
    statement: &str,
    rows: CopyRows,
) -> Result<u64, StoreError> {
    if rows.rows() == 0 {
        return Ok(0);
    }
    let mut copy = conn.copy_in_raw(statement).await?;
    if let Err(e) = copy.send(rows.into_bytes()).await {
        // Ends the COPY so the connection stays usable; the send error is the one that matters.
        let _ = copy.abort(e.to_string()).await;
        return Err(e.into());
    }
    Ok(copy.finish().await?)
}

/// Writes one row per story and entity, with every occurrence in body order; returns how many
/// occurrences were written.
async fn insert_mentions(
    conn: &mut PgConnection,
    rows: &[&Prepared<'_>],
    ids: &HashMap<(String, EntityType), i64>,
) -> Result<u64, StoreError> {
    let mut copy = CopyRows::new();
    let mut occurrences = 0;
    for p in rows {
        // Two analyzer entities may share one stored entity (same name after cleaning).
        let mut by_entity: BTreeMap<i64, Vec<&model::Mention>> = BTreeMap::new();
        for e in &p.a.analysis.entities {
            if let Some(&id) = ids.get(&(entity_name(&e.name), e.entity_type)) {
                by_entity.entry(id).or_default().extend(&e.mentions);
            }
        }
        for (id, mut mentions) in by_entity {
            if mentions.is_empty() {
                continue;
            }
            mentions.sort_by_key(|m| (m.start, m.end));
            occurrences += mentions.len() as u64;
            copy.plain(p.id)
                .time(p.first_seen_at)
                .plain(id)
                .int_array(mentions.iter().map(|m| offset(m.start)))
                .int_array(mentions.iter().map(|m| offset(m.end).max(offset(m.start))))
                .text_items(mentions.iter().map(|m| m.text.as_str()))
                .end_row();
        }
    }
    copy_in(
        conn,
        "COPY mentions (article_id, first_seen_at, entity_id, start_offsets, end_offsets, surfaces) FROM STDIN",
        copy,
    )
    .await?;
    Ok(occurrences)
}

/// The story as the syndication index knows it, when it has a SimHash.
fn recent(p: &Prepared<'_>) -> Option<Recent> {
    Some(Recent {
        id: p.id,
        seen: syndication::micros(p.first_seen_at),
        source: syndication::source_key(&clean(&p.a.source)),
        hash: p.simhash? as u64,
        original: p.syndicated_from.unwrap_or(p.id),
    })
}

impl Store {
    /// Links each new story to the first-seen near-duplicate from another source in the days
    /// before it (or earlier in the same batch), following that one's own link to the original.
    async fn link_syndicated(
        &self,
        conn: &mut PgConnection,
        items: &mut [Prepared<'_>],
    ) -> Result<u64, StoreError> {
        let fresh: Vec<usize> = (0..items.len())
            .filter(|&i| items[i].action == Action::Insert && items[i].simhash.is_some())
            .collect();
        let stories: Vec<Recent> = fresh.iter().filter_map(|&i| recent(&items[i])).collect();
        let links = self.syndication.link(&self.pool, conn, &stories).await?;
        let mut linked = 0;
        for (&i, link) in fresh.iter().zip(links) {
            if link.is_some() {
                linked += 1;
            }
            items[i].syndicated_from = link;
        }
        Ok(linked)
    }
}

/// Writes the kept pages of `rows`, prepared (hashed and compressed) in the same order.
async fn insert_raw_pages(
    conn: &mut PgConnection,
    rows: &[&Prepared<'_>],
    prepared: Vec<PreparedRaw>,
) -> Result<u64, StoreError> {
    let mut ids = Vec::new();
    let mut seen = Vec::new();
    let mut fetched = Vec::new();
    let mut sha = Vec::new();
    let mut url = Vec::new();
    let mut final_url = Vec::new();
    let mut source = Vec::new();
    let mut agency = Vec::new();
    let mut status = Vec::new();
    let mut content_type = Vec::new();
    let mut headers = Vec::new();
    let mut redirects = Vec::new();
    let mut len = Vec::new();
    let mut body = Vec::new();
    let raws: Vec<(&Prepared, PreparedRaw)> = rows.iter().copied().zip(prepared).collect();
    for (p, raw) in &raws {
        ids.push(p.id);
        seen.push(p.first_seen_at);
        fetched.push(p.fetched_at);
        sha.push(raw.sha.as_slice());
        url.push(clean(&p.a.url));
        final_url.push(clean(&p.a.final_url));
        source.push(clean(&p.a.source));
        agency.push(opt(&p.a.agency));
        status.push(raw.status);
        content_type.push(raw.content_type.as_deref());
        headers.push(raw.headers.as_str());
        redirects.push(raw.redirects.as_str());
        len.push(raw.len);
        body.push(raw.body.as_slice());
    }
    let done = sqlx::query(
        "INSERT INTO raw_pages (article_id, article_first_seen_at, fetched_at, body_sha256, url, final_url,
             source, agency, status, content_type, headers, encoding, body_len, body, redirects)
         SELECT id, seen, fetched, sha, url, final_url, source, agency, status, ctype, headers::jsonb,
             'deflate', len, body, redirects::jsonb
         FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[], $4::bytea[], $5::text[], $6::text[],
             $7::text[], $8::text[], $9::int2[], $10::text[], $11::text[], $12::int[], $13::bytea[], $14::text[])
           AS r(id, seen, fetched, sha, url, final_url, source, agency, status, ctype, headers, len, body, redirects)
         ON CONFLICT DO NOTHING",
    )
    .bind(&ids)
    .bind(&seen)
    .bind(&fetched)
    .bind(&sha)
    .bind(&url)
    .bind(&final_url)
    .bind(&source)
    .bind(&agency)
    .bind(&status)
    .bind(&content_type)
    .bind(&headers)
    .bind(&len)
    .bind(&body)
    .bind(&redirects)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

async fn write_failures(conn: &mut PgConnection, failures: &[&Failure]) -> Result<u64, StoreError> {
    let source: Vec<String> = failures.iter().map(|f| clean(&f.source)).collect();
    let url: Vec<String> = failures
        .iter()
        .map(|f| truncate(clean(&f.url), MAX_KEY_BYTES))
        .collect();
    let stage: Vec<&str> = failures.iter().map(|f| f.stage.as_str()).collect();
    let class: Vec<&str> = failures.iter().map(|f| f.class.as_str()).collect();
    let reason: Vec<String> = failures.iter().map(|f| clean(&f.reason)).collect();
    let at: Vec<DateTime<Utc>> = failures.iter().map(|f| f.at).collect();
    let done = sqlx::query(
        "INSERT INTO failures (source, url, stage, class, reason, at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
         ON CONFLICT (url, stage, at) DO NOTHING",
    )
    .bind(&source)
    .bind(&url)
    .bind(&stage)
    .bind(&class)
    .bind(&reason)
    .bind(&at)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}
