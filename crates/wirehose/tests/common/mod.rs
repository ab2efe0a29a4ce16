//! Shared pieces of the end-to-end tests: a real PostgreSQL database and a local wire-service site.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use sqlx::{Connection, PgConnection, PgPool};

/// The server URL tests connect to, from `DATABASE_URL`.
pub fn admin_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A fresh database name and its URL; the database itself is left for the daemon to create.
pub fn fresh_database(tag: &str) -> (String, String) {
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "wirehose_{tag}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let mut url = url::Url::parse(&admin_url()).expect("DATABASE_URL is a URL");
    url.set_path(&format!("/{name}"));
    (name, url.to_string())
}

/// Connects to the admin database, failing loudly with how to start PostgreSQL.
pub async fn admin() -> PgConnection {
    match PgConnection::connect(&admin_url()).await {
        Ok(c) => c,
        Err(e) => panic!(
            "cannot reach PostgreSQL at {} ({e}).\nThe tests need a real server: start one with\n  \
             pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n\
             or point DATABASE_URL at one.",
            admin_url()
        ),
    }
}

/// Drops a test database.
pub async fn drop_database(name: &str) {
    let mut c = admin().await;
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(&mut c)
        .await;
}

/// Connects to a database made by the daemon.
pub async fn pool(url: &str) -> PgPool {
    PgPool::connect(url)
        .await
        .expect("connect to the test database")
}

/// A local site: path → (content type, body with `{{BASE}}` replaced), counting requests per path.
#[derive(Clone)]
pub struct Site {
    pub base: String,
    pub hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl Site {
    /// How many times `path` was requested.
    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

#[derive(Clone)]
struct SiteState {
    pages: Arc<HashMap<String, (&'static str, String)>>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

async fn serve(State(s): State<SiteState>, uri: Uri) -> Response {
    let path = uri.path().to_string();
    *s.hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    match s.pages.get(&path) {
        Some((ct, body)) => ([(header::CONTENT_TYPE, *ct)], body.clone()).into_response(),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

/// Serves `pages` on 127.0.0.1 at a free port.
pub async fn start_site(pages: &[(&str, &'static str, &str)]) -> Site {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    let base = format!("http://{addr}");
    let pages: HashMap<_, _> = pages
        .iter()
        .map(|(path, ct, body)| (path.to_string(), (*ct, body.replace("{{BASE}}", &base))))
        .collect();
    let hits = Arc::new(Mutex::new(HashMap::new()));
    let state = SiteState {
        pages: Arc::new(pages),
        hits: hits.clone(),
    };
    let app = axum::Router::new().fallback(serve).with_state(state);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Site { base, hits }
}

/// A wire service spread over several loopback hosts, each with an RSS feed of `stories` stories,
/// recording how many requests each host had in flight at once.
pub struct Wire {
    /// Base URL of each host.
    pub bases: Vec<String>,
    /// Most requests one host ever had in flight at once.
    pub max_in_flight: Arc<AtomicUsize>,
    /// Article page requests served, over all hosts.
    pub article_hits: Arc<AtomicUsize>,
}

#[derive(Clone)]
struct WireState {
    base: String,
    stories: usize,
    delay: std::time::Duration,
    in_flight: Arc<AtomicUsize>,
    max_in_flight: Arc<AtomicUsize>,
    article_hits: Arc<AtomicUsize>,
}

const SPEAKERS: [(&str, &str, &str); 4] = [
    ("Finance Minister", "Anton Siluanov", "MOSCOW"),
    ("Foreign Minister", "Kamila Ortega", "MADRID"),
    ("central bank governor", "Rahul Mehta", "NEW DELHI"),
    ("Prime Minister", "Ingrid Solberg", "OSLO"),
];

/// An invented wire story: a dateline, a named speaker and a direct quote.
pub fn story_html(host: usize, i: usize) -> String {
    let (title, name, city) = SPEAKERS[(host + i) % SPEAKERS.len()];
    let surname = name.rsplit(' ').next().unwrap_or(name);
    format!(
        r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Story {host}-{i}: {name} comments on budget round {i} | Test Wire</title>
<meta property="og:title" content="Story {host}-{i}: {name} comments on budget round {i}">
<meta property="article:published_time" content="2026-03-03T10:{m:02}:00Z">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Story {host}-{i}: {name} comments on budget round {i}</h1>
<div class="article-body">
<p>{city}, March 3 (Test Wire) - {title} {name} said on Tuesday that the government would present budget round {i} to parliament next month, after talks in the capital that lasted more than {hours} hours.</p>
<p>"We have found a balance that protects pensions and keeps the deficit under control in round {i}," {surname} told reporters after the meeting.</p>
<p>Opposition deputies said they had not yet seen the full text of the draft and would study it before the vote on item {host}{i}.</p>
</div></article><footer>Test Wire</footer></body></html>"#,
        m = i % 60,
        hours = 3 + i % 7
    )
}

fn feed_xml(base: &str, host: usize, stories: usize) -> String {
    let items: String = (0..stories)
        .map(|i| format!("<item><title>Story {host}-{i}</title><link>{base}/news/{i}</link><guid>{base}/news/{i}</guid></item>"))
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test Wire {host}</title><link>{base}/</link><description>test</description>{items}</channel></rss>"#
    )
}

async fn wire_serve(State(s): State<(usize, WireState)>, uri: Uri) -> Response {
    let (host, s) = s;
    // A client killed mid-request drops this future: the guard still counts the request out.
    struct Out(Arc<AtomicUsize>);
    impl Drop for Out {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::SeqCst);
        }
    }
    let now = s.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    let _out = Out(s.in_flight.clone());
    if s.max_in_flight.fetch_max(now, Ordering::SeqCst) < now && now > 1 {
        eprintln!(
            "wire host {host}: {now} requests in flight, the newest for {}",
            uri.path()
        );
    }
    tokio::time::sleep(s.delay).await;
    let path = uri.path();
    let resp = if path == "/rss.xml" {
        (
            [(header::CONTENT_TYPE, "application/rss+xml")],
            feed_xml(&s.base, host, s.stories),
        )
            .into_response()
    } else if let Some(i) = path
        .strip_prefix("/news/")
        .and_then(|i| i.parse::<usize>().ok())
    {
        s.article_hits.fetch_add(1, Ordering::SeqCst);
        (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            story_html(host, i),
        )
            .into_response()
    } else {
        (StatusCode::NOT_FOUND, "not found").into_response()
    };
    resp
}

/// Starts `hosts` wire hosts on 127.0.0.2, 127.0.0.3, ..., each serving `stories` stories, every
/// response delayed by `delay`.
pub async fn start_wire(hosts: usize, stories: usize, delay: std::time::Duration) -> Wire {
    let max_in_flight = Arc::new(AtomicUsize::new(0));
    let article_hits = Arc::new(AtomicUsize::new(0));
    let mut bases = Vec::new();
    for h in 0..hosts {
        let ip = format!("127.0.0.{}", h + 2);
        let listener = tokio::net::TcpListener::bind(format!("{ip}:0"))
            .await
            .expect("bind a loopback host");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let state = WireState {
            base: base.clone(),
            stories,
            delay,
            in_flight: Arc::new(AtomicUsize::new(0)),
            max_in_flight: max_in_flight.clone(),
            article_hits: article_hits.clone(),
        };
        let app = axum::Router::new()
            .fallback(wire_serve)
            .with_state((h, state));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        bases.push(base);
    }
    Wire {
        bases,
        max_in_flight,
        article_hits,
    }
}

/// A daemon configuration for the wire hosts, with short leases so a killed daemon's work returns fast.
pub fn wire_config(dir: &std::path::Path, wire: &Wire, db_url: &str) -> std::path::PathBuf {
    let mut text = format!(
        r#"[database]
url = "{db_url}"

[crawler]
user_agent = "wirehose-test/0.1"
request_timeout = "5s"
min_host_delay = "0s"
min_poll_interval = "1s"
lease_duration = "3s"
handoff_lease = "3s"
allow_private_networks = true

[pipeline]
batch_timeout = "50ms"
shutdown_timeout = "20s"
"#
    );
    for (h, base) in wire.bases.iter().enumerate() {
        text.push_str(&format!("\n[[sources]]\nname = \"wire{h}\"\nagency = \"Test Wire\"\nkind = \"rss\"\nurl = \"{base}/rss.xml\"\npoll_interval = \"1s\"\n"));
    }
    let path = dir.join("wirehose.toml");
    std::fs::write(&path, text).expect("write config");
    path
}

/// Starts `wirehose run` on `config`, its log going to `log` (or the test's stderr).
pub fn start_daemon(
    config: &std::path::Path,
    log: Option<&std::path::Path>,
) -> std::process::Child {
    let stderr = match log {
        Some(p) => std::process::Stdio::from(std::fs::File::create(p).expect("log file")),
        None => std::process::Stdio::inherit(),
    };
    std::process::Command::new(env!("CARGO_BIN_EXE_wirehose"))
        .args(["run", "--config"])
        .arg(config)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("start the daemon")
}

/// Sends `signal` and waits for the exit status (a generous bound, so a hung daemon fails the test).
pub fn stop(mut child: std::process::Child, signal: &str) -> std::process::ExitStatus {
    let ok = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(ok.success());
    let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        if let Some(s) = child.try_wait().expect("wait") {
            return s;
        }
        if std::time::Instant::now() > until {
            let _ = child.kill();
            panic!("the daemon did not exit after {signal}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Polls `cond` until it holds; panics naming `what` after a generous bound.
pub async fn wait_until<F, Fut>(what: &str, mut cond: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let until = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while !cond().await {
        assert!(
            std::time::Instant::now() < until,
            "gave up waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// Connects to a database the daemon is creating, once its schema is there.
pub async fn pool_when_ready(url: &str) -> PgPool {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(90);
    loop {
        if let Ok(p) = PgPool::connect(url).await {
            if sqlx::query("SELECT 1 FROM articles LIMIT 1")
                .execute(&p)
                .await
                .is_ok()
            {
                return p;
            }
            p.close().await;
        }
        assert!(
            std::time::Instant::now() < until,
            "the daemon never created and migrated {url}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// Counts rows of a query returning one bigint.
pub async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}
