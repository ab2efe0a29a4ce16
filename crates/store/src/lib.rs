//! The store stage: the PostgreSQL schema (migrations in `migrations/`) and the writes of
//! analyzed articles, quotes, entities and mentions.
//!
//! Writes go in batches, one transaction each, with multi-row `UNNEST` statements; they are
//! idempotent, record changed stories as versions, link syndicated copies to their original and
//! keep the raw pages (compressed) so the parser and analyzer can be re-run over them.
//! Full-text vectors are left out of the writes and filled moments later by
//! [`Store::index_search_batch`], so search lags ingestion by the caller's interval.

mod copy;
pub mod embedded;
mod reprocess;
mod syndication;
pub mod urls;
mod write;

use std::collections::HashSet;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Datelike, Duration, Utc};
use model::Source;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

pub use reprocess::{RawPageFilter, StoredPage};

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A database error.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database could not be reached when connecting.
    #[error("{cause}")]
    Unreachable {
        /// Why, in words an operator can act on.
        cause: Unreachable,
    },
    /// A stored raw page could not be decompressed.
    #[error("raw page of story {article_id}: {reason}")]
    RawPage {
        /// The story whose page is damaged.
        article_id: i64,
        /// What went wrong.
        reason: String,
    },
}

/// Why a first connection to the database failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreachable {
    /// Nothing listens at the address.
    #[error("connection refused ({0})")]
    Refused(String),
    /// The host name does not resolve, or the socket folder holds no server.
    #[error("unknown host ({0})")]
    UnknownHost(String),
    /// The server rejected the role or its password.
    #[error("authentication failed ({0})")]
    Authentication(String),
    /// The database does not exist and could not be created.
    #[error("database {name:?} does not exist and could not be created ({reason})")]
    NoDatabase {
        /// The database named in the URL.
        name: String,
        /// Why creating it failed.
        reason: String,
    },
    /// The server did not answer within the connect timeout.
    #[error("no answer within {0:?}")]
    NoAnswer(std::time::Duration),
    /// Anything else the server or network said.
    #[error("{0}")]
    Other(String),
}

/// How long a first connection may take before the database counts as unreachable.
pub const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// The migrations embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// Counts of what one batch wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Articles inserted or updated.
    pub articles: u64,
    /// Quotes written.
    pub quotes: u64,
    /// Mention occurrences written (stored one row per story and entity).
    pub mentions: u64,
    /// Failures recorded.
    pub failures: u64,
    /// Stories seen before with the same content (nothing rewritten).
    pub unchanged: u64,
    /// Changed stories whose previous content went to `article_versions`.
    pub versions: u64,
    /// New stories linked to an earlier original from another source.
    pub syndicated: u64,
    /// Raw pages stored.
    pub raw_pages: u64,
    /// Reprocessed stories that matched no stored story (reprocess only).
    pub unknown: u64,
}

/// The extractor version recorded when the caller sets none.
pub const DEFAULT_EXTRACTOR_VERSION: &str = concat!("wirehose-", env!("CARGO_PKG_VERSION"));

/// A handle on the wirehose database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: PgPool,
    extractor_version: Arc<str>,
    /// Months (year * 12 + month0) whose partitions are known to exist.
    partitions: Arc<Mutex<HashSet<i32>>>,
    /// Recent stories' SimHashes, for linking syndicated copies.
    syndication: Arc<syndication::Syndication>,
}

impl Store {
    /// Wraps an existing pool.
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            extractor_version: Arc::from(DEFAULT_EXTRACTOR_VERSION),
            partitions: Arc::default(),
            syndication: Arc::default(),
        }
    }

    /// Connects to `database_url`, creating the database first when it does not exist and the
    /// server lets this role create it. A database that cannot be reached fails within
    /// [`CONNECT_TIMEOUT`] with [`StoreError::Unreachable`], naming the cause.
    pub async fn connect(database_url: &str) -> Result<Store, StoreError> {
        let options = PgConnectOptions::from_str(database_url)?;
        let exists = probe(&options)
            .await
            .map_err(|cause| StoreError::Unreachable { cause })?;
        if !exists {
            let name = options.get_database().unwrap_or("postgres").to_owned();
            if let Err(e) = create_database(&options, &name).await {
                let reason = match e {
                    StoreError::Db(e) => classify(&e).to_string(),
                    other => other.to_string(),
                };
                let cause = Unreachable::NoDatabase { name, reason };
                return Err(StoreError::Unreachable { cause });
            }
        }
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect_with(options)
            .await?;
        Ok(Store::new(pool))
    }

    /// Sets the parser/analyzer version recorded on written stories and quotes.
    pub fn with_extractor_version(mut self, version: impl Into<String>) -> Self {
        self.extractor_version = Arc::from(version.into());
        self
    }

    /// The extractor version recorded on writes.
    pub fn extractor_version(&self) -> &str {
        &self.extractor_version
    }

    /// Stories held in memory for finding syndicated copies (for monitoring).
    pub fn syndication_index_len(&self) -> usize {
        self.syndication.len()
    }

    /// The underlying pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Runs the embedded migrations (under sqlx's advisory lock, so daemons may start together).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    /// Records the configured sources, updating those whose configuration changed.
    pub async fn upsert_sources(&self, sources: &[Source]) -> Result<(), StoreError> {
        let mut sorted: Vec<&Source> = sources.iter().collect();
        sorted.sort_by(|a, b| a.name.cmp(&b.name));
        sorted.dedup_by(|a, b| a.name == b.name);
        let names: Vec<String> = sorted.iter().map(|s| write::clean(&s.name)).collect();
        let agencies: Vec<Option<String>> = sorted
            .iter()
            .map(|s| s.agency.as_deref().map(write::clean))
            .collect();
        let kinds: Vec<&str> = sorted.iter().map(|s| s.kind.as_str()).collect();
        let urls: Vec<String> = sorted.iter().map(|s| write::clean(&s.url)).collect();
        let intervals: Vec<f64> = sorted
            .iter()
            .map(|s| s.poll_interval.as_secs_f64())
            .collect();
        let selectors: Vec<Option<String>> = sorted
            .iter()
            .map(|s| s.link_selector.as_deref().map(write::clean))
            .collect();
        let hosts: Vec<String> = sorted
            .iter()
            .map(|s| write::join_list(&s.allowed_hosts))
            .collect();
        sqlx::query(
            "INSERT INTO sources (name, agency, kind, url, poll_interval_secs, link_selector, allowed_hosts)
             SELECT n, a, k, u, i, l, string_to_array(h, E'\\x1f')
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::text[], $7::text[])
                  AS s(n, a, k, u, i, l, h)
             ON CONFLICT (name) DO UPDATE SET
                 agency = EXCLUDED.agency, kind = EXCLUDED.kind, url = EXCLUDED.url,
                 poll_interval_secs = EXCLUDED.poll_interval_secs, link_selector = EXCLUDED.link_selector,
                 allowed_hosts = EXCLUDED.allowed_hosts, updated_at = now()
             WHERE (sources.agency, sources.kind, sources.url, sources.poll_interval_secs,
                    sources.link_selector, sources.allowed_hosts)
                   IS DISTINCT FROM (EXCLUDED.agency, EXCLUDED.kind, EXCLUDED.url,
                    EXCLUDED.poll_interval_secs, EXCLUDED.link_selector, EXCLUDED.allowed_hosts)",
        )
        .bind(&names)
        .bind(&agencies)
        .bind(&kinds)
        .bind(&urls)
        .bind(&intervals)
        .bind(&selectors)
        .bind(&hosts)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Creates the monthly partitions from last month to three months ahead; returns how many
    /// were missing. The daemon calls it at start and then daily; writes also create the
    /// partition of any month they need.
    pub async fn ensure_partitions(&self) -> Result<u32, StoreError> {
        let now = Utc::now();
        let created: i32 = sqlx::query_scalar("SELECT wirehose_ensure_partitions($1, $2)")
            .bind(now - Duration::days(31))
            .bind(now + Duration::days(92))
            .fetch_one(&self.pool)
            .await?;
        Ok(u32::try_from(created).unwrap_or(0))
    }

    /// Retention: drops every month of stories (articles, versions, quotes, mentions, their URLs
    /// and raw pages) that ended at or before `cutoff`; returns how many months were dropped.
    pub async fn drop_partitions_older_than(
        &self,
        cutoff: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        let dropped: i32 = sqlx::query_scalar("SELECT wirehose_drop_partitions_older_than($1)")
            .bind(cutoff)
            .fetch_one(&self.pool)
            .await?;
        self.forget_partitions();
        Ok(u32::try_from(dropped).unwrap_or(0))
    }

    /// Fills the full-text vectors of up to `limit` stories written or changed since the last
    /// call, with their quotes', oldest first; returns how many stories it indexed (0 when none
    /// waits). The writer leaves vectors out to keep writes fast, so search lags ingestion until
    /// this runs: the daemon calls it every few seconds, looping while it returns `limit`.
    pub async fn index_search_batch(&self, limit: u32) -> Result<u64, StoreError> {
        let done: i32 = sqlx::query_scalar("SELECT wirehose_index_search($1)")
            .bind(i32::try_from(limit).unwrap_or(i32::MAX))
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(done).unwrap_or(0))
    }

    /// Raw-page retention: drops the months of raw pages that ended at or before `cutoff`.
    pub async fn drop_raw_pages_older_than(
        &self,
        cutoff: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        let dropped: i32 = sqlx::query_scalar("SELECT wirehose_drop_raw_pages_older_than($1)")
            .bind(cutoff)
            .fetch_one(&self.pool)
            .await?;
        self.forget_partitions();
        Ok(u32::try_from(dropped).unwrap_or(0))
    }

    /// Makes sure the partitions of every month in `times` exist, asking the database only
    /// about months not seen before.
    async fn ensure_months(
        &self,
        times: impl Iterator<Item = DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let mut missing: Vec<(i32, DateTime<Utc>)> = {
            let known = self.partitions.lock().unwrap_or_else(|p| p.into_inner());
            times
                .map(|t| (month_key(t), t))
                .filter(|(k, _)| !known.contains(k))
                .collect()
        };
        missing.sort_by_key(|(k, _)| *k);
        missing.dedup_by_key(|(k, _)| *k);
        for (key, at) in missing {
            sqlx::query("SELECT wirehose_ensure_partitions($1, $1)")
                .bind(at)
                .execute(&self.pool)
                .await?;
            self.partitions
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(key);
        }
        Ok(())
    }

    fn forget_partitions(&self) {
        self.partitions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

/// Opens and closes one connection, so that a failure shows its real cause instead of a pool
/// timeout; `Ok(false)` when the server answers but the database does not exist.
async fn probe(options: &PgConnectOptions) -> Result<bool, Unreachable> {
    use sqlx::Connection;
    let attempt = sqlx::PgConnection::connect_with(options);
    match tokio::time::timeout(CONNECT_TIMEOUT, attempt).await {
        Err(_) => Err(Unreachable::NoAnswer(CONNECT_TIMEOUT)),
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
            Ok(true)
        }
        Ok(Err(sqlx::Error::Database(e))) if e.code().as_deref() == Some("3D000") => Ok(false),
        Ok(Err(e)) => Err(classify(&e)),
    }
}

/// Names the cause of a failed connection attempt.
fn classify(e: &sqlx::Error) -> Unreachable {
    use std::io::ErrorKind;
    match e {
        sqlx::Error::Io(io) => match io.kind() {
            ErrorKind::ConnectionRefused => Unreachable::Refused(io.to_string()),
            ErrorKind::NotFound => Unreachable::UnknownHost(io.to_string()),
            _ if io.to_string().contains("lookup") || io.to_string().contains("resolve") => {
                Unreachable::UnknownHost(io.to_string())
            }
            _ => Unreachable::Other(io.to_string()),
        },
        sqlx::Error::Database(d) => match d.code().as_deref() {
            Some("28P01") | Some("28000") => Unreachable::Authentication(d.message().to_string()),
            _ => Unreachable::Other(d.message().to_string()),
        },
        sqlx::Error::PoolTimedOut => Unreachable::NoAnswer(CONNECT_TIMEOUT),
        other => Unreachable::Other(other.to_string()),
    }
}

fn month_key(t: DateTime<Utc>) -> i32 {
    t.year() * 12 + i32::try_from(t.month0()).unwrap_or(0)
}

/// Creates database `name` through the `postgres` maintenance database; losing a race with
/// another daemon creating it is fine.
async fn create_database(options: &PgConnectOptions, name: &str) -> Result<(), StoreError> {
    use sqlx::Connection;
    tracing::info!(
        host = options.get_host(),
        port = options.get_port(),
        database = name,
        "database does not exist; creating it"
    );
    let mut conn = sqlx::PgConnection::connect_with(&options.clone().database("postgres")).await?;
    let quoted = format!("\"{}\"", name.replace('"', "\"\""));
    let result = sqlx::query(&format!("CREATE DATABASE {quoted}"))
        .execute(&mut conn)
        .await;
    let _ = conn.close().await;
    match result {
        Ok(_) => Ok(()),
        Err(sqlx::Error::Database(e))
            if matches!(e.code().as_deref(), Some("42P04") | Some("23505")) =>
        {
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}
