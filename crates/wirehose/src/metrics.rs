//! The `/metrics` (Prometheus text) and `/health` endpoint, and the counters the pipeline keeps.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

type Labels = Vec<(String, String)>;

/// Counters and gauges of one daemon process.
pub struct Metrics {
    registry: Mutex<Registry>,
    /// Pages that reached the parser.
    pub pages_processed: Counter,
    /// Pages the parser could not turn into an article, by source.
    pub parse_failures: Family<Labels, Counter>,
    /// Pages where a site profile matched but yielded nothing usable, by source.
    pub profile_failures: Family<Labels, Counter>,
    /// Articles committed.
    pub articles_stored: Counter,
    /// Quotes committed.
    pub quotes_stored: Counter,
    /// Mentions committed.
    pub mentions_stored: Counter,
    /// Batches that failed to write (each is retried).
    pub store_errors: Counter,
    /// Seconds spent per stage and item (parse, analyze, store batch).
    pub stage_seconds: Family<Labels, Histogram>,
    /// Items waiting in each channel.
    pub queue_depth: Family<Labels, Gauge>,
    frontier: Family<Labels, Gauge>,
    fetch_failures: Family<Labels, Gauge>,
    host_backoff: Family<Labels, Gauge>,
    /// Web view requests, by page, JSON or HTML, and status.
    web_requests: Family<Labels, Counter>,
    /// Whether the stages are running.
    pub running: AtomicBool,
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

impl Metrics {
    /// Creates and registers every metric.
    pub fn new() -> Arc<Self> {
        let mut r = Registry::with_prefix("wirehose");
        let m = Metrics {
            registry: Mutex::new(Registry::default()),
            pages_processed: Counter::default(),
            parse_failures: Family::default(),
            profile_failures: Family::default(),
            articles_stored: Counter::default(),
            quotes_stored: Counter::default(),
            mentions_stored: Counter::default(),
            store_errors: Counter::default(),
            stage_seconds: Family::new_with_constructor(|| {
                Histogram::new(exponential_buckets(0.0005, 2.0, 16))
            }),
            queue_depth: Family::default(),
            frontier: Family::default(),
            fetch_failures: Family::default(),
            host_backoff: Family::default(),
            web_requests: Family::default(),
            running: AtomicBool::new(false),
        };
        m.register_pipeline(&mut r);
        m.register_crawl(&mut r);
        *m.registry.lock().unwrap_or_else(|e| e.into_inner()) = r;
        Arc::new(m)
    }

    /// Registers the counts and timings of the parse, analyse and store stages.
    fn register_pipeline(&self, r: &mut Registry) {
        r.register(
            "pages_processed",
            "Pages that reached the parser",
            self.pages_processed.clone(),
        );
        r.register(
            "parse_failures",
            "Pages the parser could not turn into an article",
            self.parse_failures.clone(),
        );
        r.register(
            "profile_failures",
            "Pages whose site profile yielded nothing usable",
            self.profile_failures.clone(),
        );
        r.register(
            "articles_stored",
            "Articles committed to PostgreSQL",
            self.articles_stored.clone(),
        );
        r.register(
            "quotes_stored",
            "Quotes committed to PostgreSQL",
            self.quotes_stored.clone(),
        );
        r.register(
            "mentions_stored",
            "Entity mentions committed to PostgreSQL",
            self.mentions_stored.clone(),
        );
        r.register(
            "store_errors",
            "Batch writes that failed and were retried",
            self.store_errors.clone(),
        );
        r.register(
            "stage_seconds",
            "Seconds per item in each stage",
            self.stage_seconds.clone(),
        );
        r.register(
            "queue_depth",
            "Items waiting in each channel between stages",
            self.queue_depth.clone(),
        );
    }

    /// Registers the crawl's gauges and the web view's request counts.
    fn register_crawl(&self, r: &mut Registry) {
        r.register(
            "frontier_urls",
            "Article URLs in the shared frontier, by state",
            self.frontier.clone(),
        );
        r.register(
            "fetch_failures_24h",
            "Failed requests in the last 24 hours, by class",
            self.fetch_failures.clone(),
        );
        r.register(
            "host_backoff_level",
            "Backoff level of each host (0: none)",
            self.host_backoff.clone(),
        );
        r.register(
            "web_requests",
            "Web view requests, by page, format and status",
            self.web_requests.clone(),
        );
    }

    /// Records the time one item spent in `stage`.
    pub fn observe(&self, stage: &str, d: Duration) {
        self.stage_seconds
            .get_or_create(&labels(&[("stage", stage)]))
            .observe(d.as_secs_f64());
    }

    /// Counts one web view request.
    pub fn count_web_request(&self, page: &str, api: bool, status: u16) {
        let format = if api { "json" } else { "html" };
        self.web_requests
            .get_or_create(&labels(&[
                ("page", page),
                ("format", format),
                ("status", &status.to_string()),
            ]))
            .inc();
    }

    /// Sets the depth of one channel.
    pub fn set_queue(&self, channel: &str, depth: usize) {
        self.queue_depth
            .get_or_create(&labels(&[("channel", channel)]))
            .set(depth as i64);
    }

    /// Refreshes the gauges read from the shared database.
    async fn refresh_from_db(&self, pool: &PgPool) -> Result<(), sqlx::Error> {
        let states: Vec<(String, i64)> =
            sqlx::query_as("SELECT state, count(*) FROM crawl_urls GROUP BY state")
                .fetch_all(pool)
                .await?;
        for (state, n) in states {
            self.frontier
                .get_or_create(&labels(&[("state", &state)]))
                .set(n);
        }
        let classes: Vec<(String, i64)> = sqlx::query_as(
            "SELECT class, count(*) FROM crawl_failures WHERE at > now() - interval '24 hours' GROUP BY class",
        )
        .fetch_all(pool)
        .await?;
        for (class, n) in classes {
            self.fetch_failures
                .get_or_create(&labels(&[("class", &class)]))
                .set(n);
        }
        let hosts: Vec<(String, i32)> =
            sqlx::query_as("SELECT host, backoff_level FROM crawl_hosts")
                .fetch_all(pool)
                .await?;
        for (host, level) in hosts {
            self.host_backoff
                .get_or_create(&labels(&[("host", &host)]))
                .set(level as i64);
        }
        Ok(())
    }

    fn render(&self) -> String {
        let mut out = String::new();
        let registry = self.registry.lock().unwrap_or_else(|e| e.into_inner());
        // Writing to a String cannot fail.
        let _ = encode(&mut out, &registry);
        out
    }
}

#[derive(Clone)]
struct Endpoint {
    metrics: Arc<Metrics>,
    pool: PgPool,
}

async fn metrics(State(s): State<Endpoint>) -> impl IntoResponse {
    let fresh =
        tokio::time::timeout(Duration::from_secs(5), s.metrics.refresh_from_db(&s.pool)).await;
    if !matches!(fresh, Ok(Ok(()))) {
        tracing::debug!("metrics: database gauges not refreshed");
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        s.metrics.render(),
    )
}

async fn health(State(s): State<Endpoint>) -> impl IntoResponse {
    let db = tokio::time::timeout(
        Duration::from_secs(3),
        sqlx::query("SELECT 1").execute(&s.pool),
    )
    .await;
    let db_ok = matches!(db, Ok(Ok(_)));
    let running = s.metrics.running.load(Ordering::Relaxed);
    let body = format!(
        "database: {}\nstages: {}\n",
        if db_ok { "ok" } else { "unreachable" },
        if running { "running" } else { "stopped" }
    );
    let status = if db_ok && running {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, body)
}

/// Serves `/metrics` and `/health` on `addr` until `shutdown`.
pub async fn serve(
    addr: SocketAddr,
    metrics: Arc<Metrics>,
    pool: PgPool,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let app = axum::Router::new()
        .route("/metrics", axum::routing::get(self::metrics))
        .route("/health", axum::routing::get(health))
        .with_state(Endpoint { metrics, pool });
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, "serving /metrics and /health");
    axum::serve(listener, app)
        .with_graceful_shutdown(async move { shutdown.cancelled().await })
        .await
}
