//! The store stage: the PostgreSQL schema (migrations in `migrations/`) and the writes of
//! analyzed articles, quotes, entities and mentions.

use model::{Outcome, Source};
use sqlx::PgPool;

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A database error.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// The migrations embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// Counts of what one batch wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Articles inserted or updated.
    pub articles: u64,
    /// Quotes written.
    pub quotes: u64,
    /// Mentions written.
    pub mentions: u64,
    /// Failures recorded.
    pub failures: u64,
}

/// A handle on the wirehose database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: PgPool,
}

impl Store {
    /// Wraps an existing pool.
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// The underlying pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Runs the embedded migrations.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    /// Records the configured sources.
    pub async fn upsert_sources(&self, _sources: &[Source]) -> Result<(), StoreError> {
        Ok(())
    }

    /// Writes a batch of outcomes in one transaction.
    pub async fn write_batch(&self, _batch: &[Outcome]) -> Result<WriteStats, StoreError> {
        Ok(WriteStats::default())
    }
}
