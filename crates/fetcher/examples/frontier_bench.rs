//! Fetcher benchmark: N article URLs served by 8 loopback hosts (127.0.0.2-9) with no delay.
//!
//! Reports frontier claims per second with 1, 2 and 4 workers (a claim statement takes up to one
//! URL per free host, then each host is freed and its URL handed over as after a fetch; completion
//! in batches of 64 as the pipeline does), article URLs fetched per
//! second end to end (feed poll, discovery, claim, request, hand-over, completion), and peak RSS.
//! Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo run -p fetcher --example frontier_bench [N]

use std::time::{Duration, Instant};

use axum::routing::get;
use axum::Router;
use fetcher::{Fetcher, FetcherConfig, Frontier};
use model::{Source, SourceKind};
use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, PgConnection};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

type Error = Box<dyn std::error::Error + Send + Sync>;

const HOSTS: usize = 8;

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

async fn serve(ip: &str, per_host: usize) -> Result<String, Error> {
    let listener = tokio::net::TcpListener::bind((ip, 0)).await?;
    let base = format!("http://{}", listener.local_addr()?);
    let b = base.clone();
    let feed: String = {
        let mut s = String::from(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Bench wire</title>",
        );
        for n in 0..per_host {
            s.push_str(&format!("<item><title>Story {n}</title><link>{b}/story/{n}</link><guid>{b}-{n}</guid></item>"));
        }
        s.push_str("</channel></rss>");
        s
    };
    let page = "<html><head><title>Cabinet approves the budget</title></head><body><article><p>MOSCOW, November 27. /TASS/. \
                The cabinet approved the draft budget on Friday, the finance minister said.</p></article></body></html>"
        .repeat(8);
    let app = Router::new()
        .route("/robots.txt", get(|| async { "User-agent: *\nAllow: /\n" }))
        .route(
            "/feed.xml",
            get(move || {
                let f = feed.clone();
                async move { f }
            }),
        )
        .route(
            "/story/{n}",
            get(move || {
                let p = page.clone();
                async move { ([("content-type", "text/html; charset=utf-8")], p) }
            }),
        );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(base)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(4000);
    let url = std::env::var("DATABASE_URL").map_err(|_| {
        "DATABASE_URL is not set; start PostgreSQL (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) and set DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres"
    })?;
    let db = format!("wirehose_bench_{}", std::process::id());
    let mut admin = PgConnection::connect(&url).await?;
    sqlx::query(&format!("CREATE DATABASE {db}"))
        .execute(&mut admin)
        .await?;
    let bench_url = match url.rfind('/') {
        Some(i) if url[..i].contains("://") && url[i..].len() > 1 => format!("{}/{db}", &url[..i]),
        _ => format!("{}/{db}", url.trim_end_matches('/')),
    };
    let result = run(&bench_url, n).await;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .execute(&mut admin)
        .await?;
    result
}

async fn run(db_url: &str, n: usize) -> Result<(), Error> {
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .connect(db_url)
        .await?;
    sqlx::migrate!("../../migrations").run(&pool).await?;
    let per_host = n.div_ceil(HOSTS);
    let mut sources = Vec::new();
    for h in 0..HOSTS {
        let base = serve(&format!("127.0.0.{}", h + 2), per_host).await?;
        sources.push(Source {
            name: format!("bench{h}"),
            agency: None,
            kind: SourceKind::Rss,
            url: format!("{base}/feed.xml"),
            poll_interval: Duration::from_secs(3600),
            link_selector: None,
            allowed_hosts: Vec::new(),
        });
    }
    println!(
        "fetcher bench: {} article URLs over {HOSTS} loopback hosts, zero host delay (profile: {})",
        per_host * HOSTS,
        if cfg!(debug_assertions) {
            "dev"
        } else {
            "release"
        }
    );

    // 1. End to end: poll feeds, discover, claim, fetch, hand over, complete.
    let cfg = FetcherConfig {
        min_host_delay: Duration::ZERO,
        allow_private_networks: true,
        concurrency: HOSTS,
        feed_concurrency: HOSTS,
        idle_poll: Duration::from_millis(20),
        ..FetcherConfig::default()
    };
    let (tx, mut rx) = mpsc::channel(64);
    let stop = CancellationToken::new();
    let fetcher = Fetcher::new(cfg, pool.clone())?;
    let frontier = Frontier::new(pool.clone());
    let started = Instant::now();
    let task = tokio::spawn(fetcher.run(sources, tx, stop.clone()));
    let mut got = 0usize;
    let mut first: Option<Instant> = None;
    let mut batch = Vec::new();
    while got < per_host * HOSTS {
        let page = tokio::time::timeout(Duration::from_secs(120), rx.recv())
            .await?
            .ok_or("fetcher stopped")?;
        first.get_or_insert_with(Instant::now);
        got += 1;
        batch.push(page.url);
        if batch.len() >= 64 {
            frontier.complete(&batch).await?;
            batch.clear();
        }
    }
    frontier.complete(&batch).await?;
    let total = started.elapsed();
    let fetching = first.map(|f| f.elapsed()).unwrap_or(total);
    stop.cancel();
    task.await??;
    println!("end to end: {got} pages in {:.2} s = {:.0} URLs/s (fetch phase after the first page: {:.0} URLs/s)",
        total.as_secs_f64(), got as f64 / total.as_secs_f64(), got as f64 / fetching.as_secs_f64());

    // 2. Frontier alone: claim cycles per second with 1, 2 and 4 workers.
    for workers in [1usize, 2, 4] {
        sqlx::query("UPDATE crawl_urls SET state = 'pending', next_attempt_at = now(), leased_by = NULL, lease_until = NULL, sent_at = NULL")
            .execute(&pool).await?;
        sqlx::query(
            "UPDATE crawl_hosts SET next_allowed_at = now(), busy_until = NULL, busy_token = NULL",
        )
        .execute(&pool)
        .await?;
        let t = Instant::now();
        let mut tasks = Vec::new();
        for w in 0..workers {
            let f = Frontier::new(pool.clone());
            tasks.push(tokio::spawn(async move {
                let mut claims = 0usize;
                let mut i = 0u64;
                // The pipeline completes stored stories in batches; so does this loop.
                let mut batch = Vec::new();
                loop {
                    i += 1;
                    match f
                        .bench_claim_cycle(&format!("bench{w}:{i}"), HOSTS as i64)
                        .await
                    {
                        Ok(urls) if !urls.is_empty() => {
                            claims += urls.len();
                            batch.extend(urls);
                            if batch.len() >= 64 {
                                f.complete(&batch).await.expect("complete");
                                batch.clear();
                            }
                        }
                        Ok(_) => {
                            f.complete(&batch).await.expect("complete");
                            batch.clear();
                            let left: i64 = sqlx::query_scalar(
                                "SELECT count(*) FROM crawl_urls WHERE state <> 'done'",
                            )
                            .fetch_one(f.pool())
                            .await
                            .unwrap_or(0);
                            if left == 0 {
                                break;
                            }
                            tokio::task::yield_now().await;
                        }
                        Err(e) => {
                            eprintln!("claim failed: {e}");
                            break;
                        }
                    }
                }
                claims
            }));
        }
        let mut claims = 0;
        for t in tasks {
            claims += t.await?;
        }
        let secs = t.elapsed().as_secs_f64();
        println!("frontier claim + hand-over, {workers} worker(s): {claims} claims in {secs:.2} s = {:.0} claims/s", claims as f64 / secs);
    }
    // 3. The claim statement alone: N pending URLs on N distinct hosts, so no claim waits for a
    //    host to be freed; batches of up to 8.
    for workers in [1usize, 2, 4] {
        sqlx::query("TRUNCATE crawl_urls, crawl_hosts CASCADE")
            .execute(&pool)
            .await?;
        sqlx::query("INSERT INTO crawl_hosts (host) SELECT 'host' || i || '.example' FROM generate_series(1, $1) i")
            .bind(n as i64).execute(&pool).await?;
        sqlx::query(
            "INSERT INTO crawl_urls (url, canonical_url, host, source)
                     SELECT u, u, 'host' || i || '.example', 'bench' FROM generate_series(1, $1) i,
                     LATERAL (SELECT 'https://host' || i || '.example/story/' || i AS u) x",
        )
        .bind(n as i64)
        .execute(&pool)
        .await?;
        sqlx::query("ANALYZE crawl_urls").execute(&pool).await?;
        sqlx::query("ANALYZE crawl_hosts").execute(&pool).await?;
        let t = Instant::now();
        let mut tasks = Vec::new();
        for w in 0..workers {
            let f = Frontier::new(pool.clone());
            tasks.push(tokio::spawn(async move {
                let mut claims = 0usize;
                let mut i = 0u64;
                loop {
                    i += 1;
                    match f.bench_claim(&format!("claim{w}:{i}"), 8).await {
                        Ok(0) => break,
                        Ok(k) => claims += k,
                        Err(e) => {
                            eprintln!("claim failed: {e}");
                            break;
                        }
                    }
                }
                claims
            }));
        }
        let mut claims = 0;
        for t in tasks {
            claims += t.await?;
        }
        let secs = t.elapsed().as_secs_f64();
        println!("claim statement alone, {workers} worker(s): {claims} claims in {secs:.2} s = {:.0} claims/s", claims as f64 / secs);
    }
    println!("peak RSS: {:.1} MiB", peak_rss_mib());
    Ok(())
}
