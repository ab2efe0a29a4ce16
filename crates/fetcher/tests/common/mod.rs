//! Fixture web servers on loopback addresses and helpers to run a fetcher against PostgreSQL.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use fetcher::{Fetcher, FetcherConfig};
use model::{FetchedPage, Source, SourceKind};
use sqlx::PgPool;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// One request a fixture server received.
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub headers: HeaderMap,
    pub at: Instant,
}

/// What a fixture server saw.
#[derive(Debug, Default)]
pub struct Log {
    pub hits: Mutex<Vec<Hit>>,
    pub in_flight: AtomicUsize,
    pub max_in_flight: AtomicUsize,
}

impl Log {
    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }
    pub fn count(&self, path: &str) -> usize {
        self.hits().iter().filter(|h| h.path == path).count()
    }
    pub fn count_prefix(&self, prefix: &str) -> usize {
        self.hits()
            .iter()
            .filter(|h| h.path.starts_with(prefix))
            .count()
    }
}

/// A fixture site on one loopback address.
pub struct Site {
    pub addr: SocketAddr,
    pub log: Arc<Log>,
}

impl Site {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

async fn record(State(log): State<Arc<Log>>, req: Request, next: Next) -> Response {
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    log.hits.lock().unwrap().push(Hit {
        path,
        headers: req.headers().clone(),
        at: Instant::now(),
    });
    let now = log.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    log.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let resp = next.run(req).await;
    log.in_flight.fetch_sub(1, Ordering::SeqCst);
    resp
}

/// Serves `router` on `ip` (127.0.0.2-9 act as distinct hosts), logging every request.
pub async fn serve(ip: &str, router: Router) -> Site {
    let log = Arc::new(Log::default());
    let app = router.layer(axum::middleware::from_fn_with_state(log.clone(), record));
    let listener = tokio::net::TcpListener::bind((ip, 0))
        .await
        .expect("bind loopback fixture server");
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Site { addr, log }
}

/// An HTML response.
pub fn html(body: impl Into<String>) -> Response {
    Response::builder()
        .header("content-type", "text/html; charset=utf-8")
        .body(Body::from(body.into()))
        .unwrap()
}

/// An RSS 2.0 feed of `(path, title)` items on `site`.
pub fn rss(site: &str, items: &[(&str, &str)]) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Wire</title><link>http://wire.example/</link>\n");
    for (i, (path, title)) in items.iter().enumerate() {
        s.push_str(&format!(
            "<item><title>{title}</title><link>{site}{path}</link><guid isPermaLink=\"false\">story-{i}-{path}</guid><pubDate>Fri, 27 Nov 2026 10:{:02}:00 +0300</pubDate></item>\n",
            i % 60
        ));
    }
    s.push_str("</channel></rss>");
    s
}

/// A wire-style article page.
pub fn article(title: &str) -> String {
    format!(
        "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>\
         <p>MOSCOW, November 27. /TASS/. The talks will continue next week, the deputy minister told reporters.</p>\
         <p>\"We expect progress,\" he said.</p></article></body></html>"
    )
}

/// Settings with short delays and timeouts so that the suite stays fast.
pub fn test_config() -> FetcherConfig {
    FetcherConfig {
        user_agent: "wirehose-test/0.1 (+https://github.com/wirehose/wirehose)".into(),
        request_timeout: Duration::from_secs(3),
        connect_timeout: Duration::from_secs(1),
        min_host_delay: Duration::from_millis(30),
        allow_private_networks: true,
        lease_duration: Duration::from_secs(20),
        robots_error_hold: Duration::from_millis(300),
        backoff_base: Duration::from_millis(100),
        backoff_max: Duration::from_secs(5),
        retry_base: Duration::from_millis(100),
        retry_max: Duration::from_secs(2),
        min_poll_interval: Duration::from_millis(50),
        idle_poll: Duration::from_millis(30),
        reap_interval: Duration::from_millis(200),
        concurrency: 4,
        ..FetcherConfig::default()
    }
}

/// A source polled every `every`.
pub fn source(name: &str, url: &str, kind: SourceKind, every: Duration) -> Source {
    Source {
        name: name.into(),
        agency: Some("TASS".into()),
        kind,
        url: url.into(),
        poll_interval: every,
        link_selector: None,
        allowed_hosts: Vec::new(),
    }
}

/// A running fetcher.
pub struct Running {
    pub pages: mpsc::Receiver<FetchedPage>,
    pub stop: CancellationToken,
    pub task: JoinHandle<Result<(), fetcher::FetchError>>,
}

impl Running {
    /// Waits for the next page, failing the test after a generous guard.
    pub async fn next_page(&mut self) -> FetchedPage {
        tokio::time::timeout(Duration::from_secs(30), self.pages.recv())
            .await
            .expect("no page within 30 s")
            .expect("fetcher stopped")
    }

    /// Stops the fetcher and waits for it to return.
    pub async fn shutdown(self) {
        self.stop.cancel();
        let Running { pages, task, .. } = self;
        // Keep the receiver alive until the fetcher has returned: in-flight pages still arrive.
        let r = tokio::time::timeout(Duration::from_secs(30), task)
            .await
            .expect("fetcher did not stop within 30 s");
        r.expect("fetcher task panicked").expect("fetcher failed");
        drop(pages);
    }
}

/// Starts a fetcher over `pool`.
pub fn start(pool: PgPool, cfg: FetcherConfig, sources: Vec<Source>) -> Running {
    let (tx, rx) = mpsc::channel(16);
    let stop = CancellationToken::new();
    let fetcher = Fetcher::new(cfg, pool).expect("fetcher");
    let task = tokio::spawn(fetcher.run(sources, tx, stop.clone()));
    Running {
        pages: rx,
        stop,
        task,
    }
}

/// Polls `sql` (a query returning one boolean) until it is true, failing after a generous guard.
pub async fn wait_until(pool: &PgPool, sql: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ok: Option<bool> = sqlx::query_scalar(sql)
            .fetch_one(pool)
            .await
            .expect("wait query");
        if ok == Some(true) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Fails loudly when PostgreSQL is not there.
pub fn db_hint() -> &'static str {
    "PostgreSQL must listen on DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres); start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
}
