//! Soak run: the release daemon against 8 local wire hosts that publish new stories continuously.
//!
//! Reports stories stored per second, the daemon's peak RSS over time (it must stay flat after the
//! first minute) and feed-to-row latency (publication in a feed to the row in PostgreSQL).
//!
//!     cargo build --release -p wirehose
//!     cargo run --release -p wirehose --example soak -- [MINUTES] [STORIES_PER_SECOND]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{header, Uri};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

#[derive(Clone)]
struct Host {
    idx: usize,
    base: String,
    /// Publication times of this host's stories, index = story number.
    published: Arc<Mutex<Vec<DateTime<Utc>>>>,
}

fn story(host: usize, i: usize) -> String {
    let names = [
        "Anton Siluanov",
        "Kamila Ortega",
        "Rahul Mehta",
        "Ingrid Solberg",
        "Tomas Novak",
    ];
    let name = names[(host + i) % names.len()];
    let surname = name.rsplit(' ').next().unwrap_or(name);
    let filler = "Officials said the measures would be reviewed at the next meeting of the committee, which is due to publish its findings before the end of the quarter. ".repeat(8);
    format!(
        "<html><head><meta charset=utf-8><title>Soak story {host}-{i} | Test Wire</title></head><body><nav><a href=/>Home</a></nav>\
         <article><h1>Soak story {host}-{i}</h1><div class=body>\
         <p>LISBON, March 3 (Test Wire) - Minister {name} said on Tuesday that the plan for round {i} on host {host} would go ahead.</p>\
         <p>\"We will not change course on round {i}, whatever the pressure,\" {surname} told reporters.</p><p>{filler}</p>\
         </div></article></body></html>"
    )
}

async fn serve(State(h): State<Host>, uri: Uri) -> Response {
    let path = uri.path();
    if path == "/rss.xml" {
        let published = h.published.lock().unwrap().clone();
        let n = published.len();
        let items: String = (n.saturating_sub(50)..n)
            .rev()
            .map(|i| {
                format!(
                    "<item><title>Soak story {}-{i}</title><link>{}/news/{i}</link><guid>{}/news/{i}</guid><pubDate>{}</pubDate></item>",
                    h.idx,
                    h.base,
                    h.base,
                    published[i].to_rfc2822()
                )
            })
            .collect();
        let body = format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>soak</title><link>{}/</link><description>soak</description>{items}</channel></rss>", h.base);
        return ([(header::CONTENT_TYPE, "application/rss+xml")], body).into_response();
    }
    match path
        .strip_prefix("/news/")
        .and_then(|i| i.parse::<usize>().ok())
    {
        Some(i) => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            story(h.idx, i),
        )
            .into_response(),
        None => (axum::http::StatusCode::NOT_FOUND, "").into_response(),
    }
}

fn rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let minutes: f64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10.0);
    let rate: f64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(8.0);
    let admin = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let db_name = format!("wirehose_soak_{}", std::process::id());
    let mut db_url = url::Url::parse(&admin)?;
    db_url.set_path(&format!("/{db_name}"));

    let mut hosts = Vec::new();
    for idx in 0..8 {
        let listener = tokio::net::TcpListener::bind(format!("127.0.0.{}:0", idx + 2)).await?;
        let base = format!("http://{}", listener.local_addr()?);
        let host = Host {
            idx,
            base,
            published: Arc::default(),
        };
        let app = axum::Router::new().fallback(serve).with_state(host.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        hosts.push(host);
    }
    let dir = std::env::temp_dir().join(&db_name);
    std::fs::create_dir_all(&dir)?;
    let mut config = format!(
        "[database]\nurl = \"{db_url}\"\n[crawler]\nmin_host_delay = \"50ms\"\nmin_poll_interval = \"2s\"\nallow_private_networks = true\n\
         [pipeline]\nbatch_timeout = \"200ms\"\n"
    );
    for h in &hosts {
        config.push_str(&format!("[[sources]]\nname = \"soak{}\"\nkind = \"rss\"\nurl = \"{}/rss.xml\"\npoll_interval = \"5s\"\n", h.idx, h.base));
    }
    let config_path = dir.join("wirehose.toml");
    std::fs::write(&config_path, config)?;

    let bin = std::env::var("WIREHOSE_BIN").unwrap_or_else(|_| "target/release/wirehose".into());
    let mut daemon = std::process::Command::new(&bin)
        .args(["run", "--config"])
        .arg(&config_path)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .spawn()?;
    let pid = daemon.id();

    // Publish stories round-robin over the hosts at `rate` per second.
    let published_total = Arc::new(AtomicUsize::new(0));
    let publisher = {
        let hosts = hosts.clone();
        let total = published_total.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
            let mut n = 0usize;
            loop {
                tick.tick().await;
                hosts[n % hosts.len()]
                    .published
                    .lock()
                    .unwrap()
                    .push(Utc::now());
                total.fetch_add(1, Ordering::Relaxed);
                n += 1;
            }
        })
    };

    let started = Instant::now();
    let run_for = Duration::from_secs_f64(minutes * 60.0);
    let mut peak_first_minute = 0u64;
    let mut peak_after = 0u64;
    let mut samples = Vec::new();
    while started.elapsed() < run_for {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let kb = rss_kb(pid).unwrap_or(0);
        if started.elapsed() < Duration::from_secs(60) {
            peak_first_minute = peak_first_minute.max(kb);
        } else {
            peak_after = peak_after.max(kb);
        }
        if started.elapsed().as_secs().is_multiple_of(60) {
            samples.push((started.elapsed().as_secs() / 60, kb));
        }
    }
    publisher.abort();
    // Let the last polls land, then stop the daemon in order.
    tokio::time::sleep(Duration::from_secs(10)).await;
    std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()?;
    let status = daemon.wait()?;

    let pool = sqlx::PgPool::connect(db_url.as_str()).await?;
    let rows: Vec<(String, DateTime<Utc>)> =
        sqlx::query_as("SELECT url, first_seen_at FROM articles")
            .fetch_all(&pool)
            .await?;
    let mut latencies = Vec::new();
    for (url, stored) in &rows {
        let Some(h) = hosts.iter().find(|h| url.starts_with(&h.base)) else {
            continue;
        };
        let Some(i) = url.rsplit('/').next().and_then(|i| i.parse::<usize>().ok()) else {
            continue;
        };
        if let Some(p) = h.published.lock().unwrap().get(i) {
            latencies.push((*stored - *p).num_milliseconds() as f64 / 1000.0);
        }
    }
    latencies.sort_by(|a, b| a.total_cmp(b));
    let pct = |q: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    let elapsed = run_for.as_secs_f64();
    println!("soak: {minutes} min, 8 hosts, {rate} stories/s published, poll_interval 5s");
    println!(
        "published {} stories, stored {} ({:.2} stories/s), daemon exit {status}",
        published_total.load(Ordering::Relaxed),
        rows.len(),
        rows.len() as f64 / elapsed
    );
    println!(
        "peak RSS: first minute {} MB, after it {} MB",
        peak_first_minute / 1024,
        peak_after / 1024
    );
    println!(
        "RSS by minute (MB): {}",
        samples
            .iter()
            .map(|(m, kb)| format!("{m}:{}", kb / 1024))
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "feed-to-row latency (s): p50 {:.2}, p95 {:.2}, max {:.2}",
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );
    pool.close().await;
    let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await?;
    sqlx::query(&format!(
        "DROP DATABASE IF EXISTS \"{db_name}\" WITH (FORCE)"
    ))
    .execute(&mut c)
    .await?;
    Ok(())
}
