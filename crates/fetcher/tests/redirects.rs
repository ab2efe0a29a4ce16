//! Redirects and bad bodies against fixture servers on loopback and a real PostgreSQL: every hop
//! keeps its host's delay, robots.txt and the hop cap; failures name the hop; decoding faults are
//! retried once at most.

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use common::*;
use fetcher::{FetcherConfig, Frontier};
use model::{Redirect, SourceKind};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SLOW_POLL: Duration = Duration::from_secs(3600);

/// A redirect answer.
fn moved(status: StatusCode, to: &str) -> axum::response::Response {
    (status, [("location", to.to_owned())]).into_response()
}

/// A feed of `paths` on the site whose base URL `base` will hold.
fn feed_route(base: Arc<OnceLock<String>>, paths: &'static [&'static str]) -> Router {
    Router::new().route(
        "/feed.xml",
        get(move || {
            let b = base.get().cloned().unwrap_or_default();
            async move {
                let items: Vec<(&str, &str)> = paths.iter().map(|p| (*p, "Talks resume")).collect();
                rss(&b, &items)
            }
        }),
    )
}

/// The gaps between consecutive requests a server saw, by its own clock.
fn gaps(site: &Site) -> Vec<(String, Duration)> {
    let mut hits = site.log.hits();
    hits.sort_by_key(|h| h.at);
    hits.windows(2)
        .map(|w| (w[1].path.clone(), w[1].at - w[0].at))
        .collect()
}

/// Asserts that `site` never saw two requests closer than `delay`.
fn assert_delay_kept(site: &Site, delay: Duration) {
    let gaps = gaps(site);
    assert!(!gaps.is_empty(), "no requests to {}", site.addr);
    for (path, gap) in &gaps {
        assert!(
            *gap >= delay,
            "{path} on {} came {gap:?} after the request before it; the delay is {delay:?}",
            site.addr
        );
    }
}

/// A TCP server that reads what it is sent, then writes `answer` and closes: nothing, for a
/// server like PostgreSQL that hangs up on a malformed startup packet; a banner, for an SSH or
/// mail port; or a broken HTTP response. With `robots_404`, a request for robots.txt gets a
/// plain 404 instead. Counts the other connections.
async fn raw_server(
    ip: &str,
    answer: &'static [u8],
    robots_404: bool,
) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 2048];
                let n = sock.read(&mut buf).await.unwrap_or(0);
                let robots = buf[..n].starts_with(b"GET /robots.txt ");
                if robots && robots_404 {
                    let _ = sock
                        .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                        .await;
                } else {
                    seen.fetch_add(1, Ordering::SeqCst);
                    let _ = sock.write_all(answer).await;
                }
                let _ = sock.shutdown().await;
            });
        }
    });
    (addr, connections)
}

/// An address on which nothing listens.
async fn closed_port(ip: &str) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
    listener.local_addr().unwrap()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn failures_at(pool: &PgPool, url: &str) -> impl std::future::Future<Output = Vec<String>> {
    let pool = pool.clone();
    let url = url.to_owned();
    async move {
        sqlx::query_scalar("SELECT class FROM crawl_failures WHERE url = $1 ORDER BY id")
            .bind(url)
            .fetch_all(&pool)
            .await
            .unwrap()
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_redirect_on_the_same_host_waits_the_host_delay(pool: PgPool) {
    let base = Arc::new(OnceLock::<String>::new());
    let site = serve(
        "127.0.0.2",
        feed_route(base.clone(), &["/moved"])
            .route(
                "/moved",
                get(|| async { moved(StatusCode::MOVED_PERMANENTLY, "/en/ceasefire-talks") }),
            )
            .route(
                "/en/ceasefire-talks",
                get(|| async { html(article("Ceasefire talks resume")) }),
            ),
    )
    .await;
    base.set(format!("http://{}", site.addr)).unwrap();
    let delay = Duration::from_millis(300);
    let cfg = FetcherConfig {
        min_host_delay: delay,
        ..test_config()
    };
    let mut run = start(
        pool.clone(),
        cfg,
        vec![source(
            "wire",
            &site.url("/feed.xml"),
            SourceKind::Rss,
            SLOW_POLL,
        )],
    );
    let page = run.next_page().await;
    run.shutdown().await;
    assert_eq!(page.url, site.url("/moved"));
    assert_eq!(page.final_url, site.url("/en/ceasefire-talks"));
    assert_eq!(
        page.redirects,
        vec![Redirect {
            url: site.url("/moved"),
            status: 301
        }]
    );
    let hits = site.log.hits();
    let at = |path: &str| hits.iter().find(|h| h.path == path).expect(path).at;
    let gap = at("/en/ceasefire-talks") - at("/moved");
    assert!(
        gap >= delay,
        "the redirect target came {gap:?} after the first request; the delay is {delay:?}"
    );
    // Feed, robots.txt, the story and its redirect: all of them a delay apart.
    assert_eq!(hits.len(), 4, "{hits:?}");
    assert_delay_kept(&site, delay);
}

#[sqlx::test(migrations = "../../migrations")]
async fn the_redirect_chain_across_hosts_is_kept_with_the_page(pool: PgPool) {
    let mirror = serve(
        "127.0.0.3",
        Router::new()
            .route(
                "/robots.txt",
                get(|| async { "User-agent: *\nDisallow: /members/\n" }),
            )
            .route(
                "/r/{id}",
                get(|Path(id): Path<String>| async move {
                    moved(StatusCode::FOUND, &format!("/world/{id}-grain-deal"))
                }),
            )
            .route(
                "/world/{slug}",
                get(|| async { html(article("Grain deal extended")) }),
            ),
    )
    .await;
    let mirror_url = mirror.url("");
    let base = Arc::new(OnceLock::<String>::new());
    let site = serve(
        "127.0.0.2",
        feed_route(base.clone(), &["/go/1001", "/go/1002"])
            .route(
                "/go/1001",
                get(move || {
                    let to = format!("{mirror_url}/r/1001");
                    async move { moved(StatusCode::MOVED_PERMANENTLY, &to) }
                }),
            )
            .route(
                "/go/1002",
                get(|| async { moved(StatusCode::TEMPORARY_REDIRECT, "/go/1001") }),
            ),
    )
    .await;
    base.set(format!("http://{}", site.addr)).unwrap();
    let mut run = start(
        pool.clone(),
        test_config(),
        vec![source(
            "wire",
            &site.url("/feed.xml"),
            SourceKind::Rss,
            SLOW_POLL,
        )],
    );
    let mut pages = HashMap::new();
    for _ in 0..2 {
        let p = run.next_page().await;
        pages.insert(p.url.clone(), p);
    }
    run.shutdown().await;
    let first = &pages[&site.url("/go/1001")];
    assert_eq!(first.final_url, mirror.url("/world/1001-grain-deal"));
    assert_eq!(
        first.redirects,
        vec![
            Redirect {
                url: site.url("/go/1001"),
                status: 301
            },
            Redirect {
                url: mirror.url("/r/1001"),
                status: 302
            },
        ]
    );
    let second = &pages[&site.url("/go/1002")];
    assert_eq!(second.redirects.len(), 3);
    assert_eq!(second.redirects[0].status, 307);
    assert_eq!(
        mirror.log.count("/robots.txt"),
        1,
        "the other host's robots.txt is read once, before its first page"
    );
    let finals: Vec<String> = sqlx::query_scalar("SELECT final_url FROM crawl_urls ORDER BY url")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        finals,
        vec![
            mirror.url("/world/1001-grain-deal"),
            mirror.url("/world/1001-grain-deal")
        ]
    );
    let gates: i64 =
        sqlx::query_scalar("SELECT count(*) FROM crawl_hosts WHERE busy_token IS NOT NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(gates, 0, "every hop's host gate is freed");
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_redirect_to_a_path_robots_disallows_is_not_fetched(pool: PgPool) {
    let archive = serve(
        "127.0.0.3",
        Router::new()
            .route(
                "/robots.txt",
                get(|| async { "User-agent: *\nDisallow: /members/\n" }),
            )
            .route(
                "/members/{id}",
                get(|| async { html(article("Members only")) }),
            ),
    )
    .await;
    let to_archive = archive.url("/members/77");
    let base = Arc::new(OnceLock::<String>::new());
    let site = serve(
        "127.0.0.2",
        feed_route(base.clone(), &["/open/1", "/open/2"])
            .route(
                "/robots.txt",
                get(|| async { "User-agent: *\nDisallow: /private/\n" }),
            )
            .route(
                "/open/1",
                get(|| async { moved(StatusCode::FOUND, "/private/1") }),
            )
            .route(
                "/open/2",
                get(move || {
                    let to = to_archive.clone();
                    async move { moved(StatusCode::FOUND, &to) }
                }),
            )
            .route("/private/{id}", get(|| async { html(article("Private")) })),
    )
    .await;
    base.set(format!("http://{}", site.addr)).unwrap();
    let run = start(
        pool.clone(),
        test_config(),
        vec![source(
            "wire",
            &site.url("/feed.xml"),
            SourceKind::Rss,
            SLOW_POLL,
        )],
    );
    wait_until(
        &pool,
        "SELECT count(*) = 2 FROM crawl_urls WHERE state = 'failed' AND fail_class = 'robots'",
        "both redirects refused by robots.txt",
    )
    .await;
    run.shutdown().await;
    assert_eq!(site.log.count_prefix("/private/"), 0);
    assert_eq!(archive.log.count_prefix("/members/"), 0);
    assert_eq!(archive.log.count("/robots.txt"), 1);
    assert_eq!(
        failures_at(&pool, &site.url("/private/1")).await,
        vec!["robots"]
    );
    assert_eq!(
        failures_at(&pool, &archive.url("/members/77")).await,
        vec!["robots"]
    );
    let (final_url, reason): (String, String) =
        sqlx::query_as("SELECT final_url, fail_reason FROM crawl_urls WHERE url LIKE '%/open/1'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(final_url, site.url("/private/1"));
    assert!(
        reason.contains(&site.url("/private/1")),
        "the reason names the hop: {reason}"
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn too_many_redirects_fail_at_the_hop_that_redirects_once_more(pool: PgPool) {
    let base = Arc::new(OnceLock::<String>::new());
    let site = serve(
        "127.0.0.2",
        feed_route(base.clone(), &["/hop/1"]).route(
            "/hop/{n}",
            get(|Path(n): Path<u32>| async move {
                moved(StatusCode::FOUND, &format!("/hop/{}", n + 1))
            }),
        ),
    )
    .await;
    base.set(format!("http://{}", site.addr)).unwrap();
    let cfg = FetcherConfig {
        max_redirects: 2,
        ..test_config()
    };
    let run = start(
        pool.clone(),
        cfg,
        vec![source(
            "wire",
            &site.url("/feed.xml"),
            SourceKind::Rss,
            SLOW_POLL,
        )],
    );
    wait_until(
        &pool,
        "SELECT EXISTS (SELECT 1 FROM crawl_urls WHERE state = 'failed' AND fail_class = 'redirect')",
        "too many redirects recorded",
    )
    .await;
    run.shutdown().await;
    assert_eq!(
        site.log.count_prefix("/hop/"),
        3,
        "the first request and two redirects"
    );
    let (final_url, attempts, reason): (String, i32, String) =
        sqlx::query_as("SELECT final_url, attempts, fail_reason FROM crawl_urls")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(final_url, site.url("/hop/3"), "the last URL reached");
    assert_eq!(attempts, 1, "a redirect loop is not retried");
    assert!(
        reason.contains(&site.url("/hop/3")) && reason.contains("more than 2 redirects"),
        "{reason}"
    );
    assert_eq!(
        failures_at(&pool, &site.url("/hop/3")).await,
        vec!["redirect"]
    );
    assert!(failures_at(&pool, &site.url("/hop/1")).await.is_empty());
}

#[sqlx::test(migrations = "../../migrations")]
async fn redirects_to_closed_or_non_http_ports_are_recorded_on_that_hop(pool: PgPool) {
    let closed = closed_port("127.0.0.3").await;
    // Like PostgreSQL on 5432: takes the request and hangs up without a word.
    let (silent_db, db_connections) = raw_server("127.0.0.4", b"", false).await;
    // Like an SSH or mail port: answers, but not in HTTP.
    let (banner, banner_connections) =
        raw_server("127.0.0.5", b"SSH-2.0-OpenSSH_9.6\r\n", false).await;
    let targets: Arc<HashMap<&'static str, String>> = Arc::new(HashMap::from([
        ("closed", format!("http://{closed}/story")),
        ("db", format!("http://{silent_db}/")),
        ("banner", format!("http://{banner}/")),
    ]));
    let base = Arc::new(OnceLock::<String>::new());
    let site = serve(
        "127.0.0.2",
        feed_route(base.clone(), &["/to/closed", "/to/db", "/to/banner"]).route(
            "/to/{what}",
            get(move |Path(what): Path<String>| {
                let to = targets.get(what.as_str()).cloned().unwrap_or_default();
                async move { moved(StatusCode::FOUND, &to) }
            }),
        ),
    )
    .await;
    base.set(format!("http://{}", site.addr)).unwrap();
    let cfg = FetcherConfig {
        max_attempts: 3,
        retry_base: Duration::from_millis(50),
        retry_max: Duration::from_millis(50),
        ..test_config()
    };
    let run = start(
        pool.clone(),
        cfg,
        vec![source(
            "wire",
            &site.url("/feed.xml"),
            SourceKind::Rss,
            SLOW_POLL,
        )],
    );
    let closed_hop = format!("http://{closed}/story");
    wait_until(
        &pool,
        "SELECT count(*) = 2 FROM crawl_urls WHERE state = 'failed'",
        "both non-HTTP targets given up",
    )
    .await;
    wait_until(
        &pool,
        &format!("SELECT EXISTS (SELECT 1 FROM crawl_failures WHERE url = '{closed_hop}')"),
        "the closed port recorded",
    )
    .await;
    run.shutdown().await;
    // Nothing listens there, so its robots.txt cannot be read: the host is held off and the
    // story waits for it, as for any host that is down, without losing an attempt.
    let classes = failures_at(&pool, &closed_hop).await;
    assert!(
        !classes.is_empty() && classes.iter().all(|c| c == "robots_unreachable"),
        "{classes:?}"
    );
    let (state, final_url, attempts): (String, String, i32) = sqlx::query_as(
        "SELECT state, final_url, attempts FROM crawl_urls WHERE url LIKE '%/to/closed'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (state.as_str(), final_url.as_str(), attempts),
        ("pending", closed_hop.as_str(), 0)
    );
    assert_eq!(
        failures_at(&pool, &format!("http://{silent_db}/")).await,
        vec!["protocol"; 2],
        "no HTTP answer: one retry at most"
    );
    assert_eq!(
        failures_at(&pool, &format!("http://{banner}/")).await,
        vec!["protocol"; 2]
    );
    assert_eq!(db_connections.load(Ordering::SeqCst), 2);
    assert_eq!(banner_connections.load(Ordering::SeqCst), 2);
    let first_urls: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM crawl_failures WHERE url IN (SELECT url FROM crawl_urls)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(first_urls, 0, "no failure is put on the redirecting URL");
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT url, final_url, fail_reason FROM crawl_urls WHERE state = 'failed'")
            .fetch_all(&pool)
            .await
            .unwrap();
    for (url, final_url, reason) in rows {
        assert_ne!(final_url, url);
        assert!(
            reason.contains(&final_url),
            "{url}: the reason names the hop: {reason}"
        );
    }
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_corrupt_gzip_body_is_retried_once_and_a_cut_transfer_as_often_as_allowed(pool: PgPool) {
    // A gzip header followed by bytes that are no deflate stream, and a stream cut short; both
    // arrive complete (their Content-Length is met).
    let mut corrupt = gzip(b"")[..10].to_vec();
    corrupt.extend_from_slice(b"\xff\xfe these bytes were never compressed \xff\xff\xff\xff");
    let truncated = gzip(article("Cut short").repeat(50).as_bytes())[..200].to_vec();
    // The transfer itself cut: 40 of 5000 promised bytes, then the connection closes.
    let (cut, cut_connections) = raw_server(
        "127.0.0.3",
        b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 5000\r\n\r\n<html><body><p>MOSCOW, November 27.",
        true,
    )
    .await;
    let gz = |body: Vec<u8>| {
        move || {
            let body = body.clone();
            async move {
                (
                    [
                        ("content-encoding", "gzip"),
                        ("content-type", "text/html; charset=utf-8"),
                    ],
                    body,
                )
                    .into_response()
            }
        }
    };
    let to_cut = format!("http://{cut}/story");
    let base = Arc::new(OnceLock::<String>::new());
    let site = serve(
        "127.0.0.2",
        feed_route(base.clone(), &["/corrupt", "/truncated", "/cut"])
            .route("/corrupt", get(gz(corrupt)))
            .route("/truncated", get(gz(truncated)))
            .route(
                "/cut",
                get(move || {
                    let to = to_cut.clone();
                    async move { moved(StatusCode::FOUND, &to) }
                }),
            ),
    )
    .await;
    base.set(format!("http://{}", site.addr)).unwrap();
    let cfg = FetcherConfig {
        max_attempts: 4,
        retry_base: Duration::from_millis(50),
        retry_max: Duration::from_millis(50),
        ..test_config()
    };
    let run = start(
        pool.clone(),
        cfg,
        vec![source(
            "wire",
            &site.url("/feed.xml"),
            SourceKind::Rss,
            SLOW_POLL,
        )],
    );
    wait_until(
        &pool,
        "SELECT count(*) = 3 FROM crawl_urls WHERE state = 'failed'",
        "all three given up",
    )
    .await;
    run.shutdown().await;
    assert_eq!(site.log.count("/corrupt"), 2, "tried twice, not four times");
    assert_eq!(site.log.count("/truncated"), 2);
    assert_eq!(
        failures_at(&pool, &site.url("/corrupt")).await,
        vec!["decode"; 2]
    );
    assert_eq!(
        failures_at(&pool, &site.url("/truncated")).await,
        vec!["decode"; 2]
    );
    assert_eq!(
        cut_connections.load(Ordering::SeqCst),
        4,
        "a transfer cut mid-body is a network fault, tried max_attempts times"
    );
    assert_eq!(
        failures_at(&pool, &format!("http://{cut}/story")).await,
        vec!["body"; 4]
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn two_fetchers_keep_each_hosts_delay_across_redirect_hops(
    pool_options: PgPoolOptions,
    connect: PgConnectOptions,
) {
    let pool_a = pool_options
        .clone()
        .connect_with(connect.clone())
        .await
        .unwrap();
    let pool_b = pool_options.connect_with(connect).await.unwrap();
    let mirror = serve(
        "127.0.0.3",
        Router::new()
            .route(
                "/r/{n}",
                get(|Path(n): Path<u32>| async move {
                    moved(StatusCode::MOVED_PERMANENTLY, &format!("/story/{n}"))
                }),
            )
            .route(
                "/story/{n}",
                get(|| async { html(article("Port reopens")) }),
            ),
    )
    .await;
    let mirror_url = mirror.url("");
    let base = Arc::new(OnceLock::<String>::new());
    let site = serve(
        "127.0.0.2",
        feed_route(
            base.clone(),
            &[
                "/s/0", "/s/1", "/s/2", "/s/3", "/s/4", "/s/5", "/s/6", "/s/7", "/s/8", "/s/9",
                "/s/10", "/s/11",
            ],
        )
        .route(
            "/s/{n}",
            get(move |Path(n): Path<u32>| {
                // Even stories move on this host, odd ones to the mirror.
                let to = if n.is_multiple_of(2) {
                    format!("/story/{n}")
                } else {
                    format!("{mirror_url}/r/{n}")
                };
                async move { moved(StatusCode::MOVED_PERMANENTLY, &to) }
            }),
        )
        .route(
            "/story/{n}",
            get(|| async { html(article("Port reopens")) }),
        ),
    )
    .await;
    base.set(format!("http://{}", site.addr)).unwrap();
    let delay = Duration::from_millis(200);
    let cfg = FetcherConfig {
        min_host_delay: delay,
        concurrency: 4,
        ..test_config()
    };
    let sources = vec![source(
        "wire",
        &site.url("/feed.xml"),
        SourceKind::Rss,
        SLOW_POLL,
    )];
    let mut a = start(pool_a.clone(), cfg.clone(), sources.clone());
    let mut b = start(pool_b.clone(), cfg, sources);
    let frontier = Frontier::new(pool_a.clone());
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut from_each = [0usize; 2];
    while seen.values().sum::<usize>() < 12 {
        let page = tokio::select! {
            p = a.pages.recv() => { from_each[0] += 1; p.expect("fetcher a stopped") }
            p = b.pages.recv() => { from_each[1] += 1; p.expect("fetcher b stopped") }
            _ = tokio::time::sleep(Duration::from_secs(30)) => panic!("only {} pages within 30 s", seen.len()),
        };
        frontier
            .complete(std::slice::from_ref(&page.url))
            .await
            .unwrap();
        let n: u32 = page.url.rsplit('/').next().unwrap().parse().unwrap();
        let hops = if n.is_multiple_of(2) { 1 } else { 2 };
        assert_eq!(page.redirects.len(), hops, "{:?}", page.redirects);
        *seen.entry(page.url).or_default() += 1;
    }
    a.shutdown().await;
    b.shutdown().await;
    assert_eq!(seen.len(), 12, "{seen:?}");
    assert!(seen.values().all(|&n| n == 1), "{seen:?}");
    assert!(
        from_each[0] > 0 && from_each[1] > 0,
        "both fetchers worked: {from_each:?}"
    );
    assert_delay_kept(&site, delay);
    assert_delay_kept(&mirror, delay);
    assert_eq!(mirror.log.count_prefix("/story/"), 6);
    assert_eq!(site.log.count_prefix("/story/"), 6);
}
