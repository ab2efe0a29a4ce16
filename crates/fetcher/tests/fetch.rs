//! The fetcher against fixture web servers on loopback and a real PostgreSQL.

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use common::*;
use fetcher::Frontier;
use model::SourceKind;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

const FAST: Duration = Duration::from_millis(100);
const SLOW_POLL: Duration = Duration::from_secs(3600);

#[sqlx::test(migrations = "../../migrations")]
async fn robots_disallowed_path_is_never_requested(pool: PgPool) {
    let base = Arc::new(std::sync::OnceLock::<String>::new());
    let b = base.clone();
    let site = serve(
        "127.0.0.2",
        Router::new()
            .route(
                "/robots.txt",
                get(|| async { "User-agent: *\nDisallow: /private/\n" }),
            )
            .route(
                "/feed.xml",
                get(move || {
                    let b = b.get().cloned().unwrap_or_default();
                    async move {
                        rss(
                            &b,
                            &[
                                ("/news/1", "Grain exports rise"),
                                ("/private/2", "Members only"),
                            ],
                        )
                    }
                }),
            )
            .route(
                "/news/1",
                get(|| async { html(article("Grain exports rise")) }),
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
    let page = run.next_page().await;
    assert_eq!(page.url, site.url("/news/1"));
    assert_eq!(page.source, "wire");
    assert_eq!(page.status, 200);
    assert!(page
        .content_type
        .as_deref()
        .unwrap()
        .starts_with("text/html"));
    let item = page
        .feed_item
        .as_ref()
        .expect("feed item kept with the page");
    assert_eq!(item.title.as_deref(), Some("Grain exports rise"));
    assert_eq!(item.guid.as_deref(), Some("story-0-/news/1"));
    assert!(item.published_at.is_some());
    wait_until(&pool, "SELECT EXISTS (SELECT 1 FROM crawl_urls WHERE url LIKE '%/private/2' AND state = 'failed' AND fail_class = 'robots')", "robots failure recorded").await;
    Frontier::new(pool.clone())
        .complete(std::slice::from_ref(&page.url))
        .await
        .unwrap();
    run.shutdown().await;
    assert_eq!(
        site.log.count_prefix("/private/"),
        0,
        "a disallowed path was requested"
    );
    assert_eq!(site.log.count("/robots.txt"), 1);
    let state: String = sqlx::query_scalar("SELECT state FROM crawl_urls WHERE url = $1")
        .bind(&page.url)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(state, "done");
    let ua = site.log.hits()[0]
        .headers
        .get("user-agent")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(ua.starts_with("wirehose-test/0.1"), "{ua}");
}

#[sqlx::test(migrations = "../../migrations")]
async fn unchanged_feed_gets_304_on_the_second_poll(pool: PgPool) {
    let base = Arc::new(std::sync::OnceLock::<String>::new());
    let b = base.clone();
    let site = serve(
        "127.0.0.2",
        Router::new()
            .route(
                "/feed.xml",
                get(move |headers: HeaderMap| {
                    let b = b.get().cloned().unwrap_or_default();
                    async move {
                        if headers.get("if-none-match").is_some_and(|v| v == "\"v1\"") {
                            return StatusCode::NOT_MODIFIED.into_response();
                        }
                        (
                            [("etag", "\"v1\""), ("content-type", "application/rss+xml")],
                            rss(&b, &[("/news/1", "Budget passed")]),
                        )
                            .into_response()
                    }
                }),
            )
            .route("/news/1", get(|| async { html(article("Budget passed")) })),
    )
    .await;
    base.set(format!("http://{}", site.addr)).unwrap();
    let mut run = start(
        pool.clone(),
        test_config(),
        vec![source(
            "wire",
            &site.url("/feed.xml"),
            SourceKind::Auto,
            FAST,
        )],
    );
    run.next_page().await;
    wait_until(
        &pool,
        "SELECT EXISTS (SELECT 1 FROM crawl_feeds WHERE polls >= 3)",
        "three polls",
    )
    .await;
    run.shutdown().await;
    let polls: Vec<_> = site
        .log
        .hits()
        .into_iter()
        .filter(|h| h.path == "/feed.xml")
        .collect();
    assert!(polls.len() >= 3);
    assert!(polls[0].headers.get("if-none-match").is_none());
    assert_eq!(polls[1].headers.get("if-none-match").unwrap(), "\"v1\"");
    let status: i32 =
        sqlx::query_scalar("SELECT last_status FROM crawl_feeds WHERE source = 'wire'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(status, 304);
    assert_eq!(
        site.log.count("/news/1"),
        1,
        "the article is fetched once however often the feed is polled"
    );
    // Unchanged polls stretch the interval.
    let interval: f64 =
        sqlx::query_scalar("SELECT interval_secs FROM crawl_feeds WHERE source = 'wire'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(interval > FAST.as_secs_f64(), "interval {interval}");
}

#[sqlx::test(migrations = "../../migrations")]
async fn retry_after_on_503_is_honoured_then_the_page_is_fetched(pool: PgPool) {
    let base = Arc::new(std::sync::OnceLock::<String>::new());
    let b = base.clone();
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let site = serve(
        "127.0.0.2",
        Router::new()
            .route(
                "/feed.xml",
                get(move || {
                    let b = b.get().cloned().unwrap_or_default();
                    async move { rss(&b, &[("/news/busy", "Port reopens")]) }
                }),
            )
            .route(
                "/news/busy",
                get(move || {
                    let n = c.fetch_add(1, Ordering::SeqCst);
                    async move {
                        if n == 0 {
                            (
                                StatusCode::SERVICE_UNAVAILABLE,
                                [("retry-after", "1")],
                                "busy",
                            )
                                .into_response()
                        } else {
                            html(article("Port reopens"))
                        }
                    }
                }),
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
    let page = run.next_page().await;
    run.shutdown().await;
    assert_eq!(page.url, site.url("/news/busy"));
    let hits: Vec<_> = site
        .log
        .hits()
        .into_iter()
        .filter(|h| h.path == "/news/busy")
        .collect();
    assert_eq!(hits.len(), 2);
    let gap = hits[1].at - hits[0].at;
    assert!(
        gap >= Duration::from_secs(1),
        "retried {gap:?} after a Retry-After of 1 s"
    );
    let (class, status, transient): (String, i32, bool) =
        sqlx::query_as("SELECT class, http_status, transient FROM crawl_failures WHERE url = $1")
            .bind(&page.url)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((class.as_str(), status, transient), ("status", 503, true));
    let level: i32 = sqlx::query_scalar("SELECT backoff_level FROM crawl_hosts WHERE host = $1")
        .bind(site.addr.to_string())
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(level, 0, "a success resets the host's backoff");
}

/// A server that accepts connections and never answers.
async fn silent_server(ip: &str) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            held.push(sock);
        }
    });
    addr
}

#[sqlx::test(migrations = "../../migrations")]
async fn slow_silent_and_malformed_responses_are_recorded_failures(pool: PgPool) {
    let base = Arc::new(std::sync::OnceLock::<String>::new());
    let b = base.clone();
    let site = serve(
        "127.0.0.2",
        Router::new()
            .route(
                "/feed.xml",
                get(move || {
                    let b = b.get().cloned().unwrap_or_default();
                    async move {
                        rss(
                            &b,
                            &[("/slow", "Late"), ("/drip", "Endless"), ("/ok", "Fine")],
                        )
                    }
                }),
            )
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(20)).await;
                    html(article("Late"))
                }),
            )
            .route(
                "/drip",
                get(|| async {
                    // An endless body, one byte every 100 ms.
                    let stream = futures_util::stream::unfold((), |_| async {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        Some((Ok::<_, std::io::Error>(Bytes::from_static(b"x")), ()))
                    });
                    Response::builder()
                        .header("content-type", "text/html")
                        .body(Body::from_stream(stream))
                        .unwrap()
                }),
            )
            .route("/ok", get(|| async { html(article("Fine")) })),
    )
    .await;
    base.set(format!("http://{}", site.addr)).unwrap();
    let broken = serve(
        "127.0.0.3",
        Router::new().route(
            "/feed.xml",
            get(|| async { "<rss><channel><item><title>cut off" }),
        ),
    )
    .await;
    let silent = silent_server("127.0.0.4").await;
    let cfg = fetcher::FetcherConfig {
        request_timeout: Duration::from_millis(700),
        max_attempts: 1,
        ..test_config()
    };
    let mut run = start(
        pool.clone(),
        cfg,
        vec![
            source("wire", &site.url("/feed.xml"), SourceKind::Rss, SLOW_POLL),
            source(
                "broken",
                &broken.url("/feed.xml"),
                SourceKind::Rss,
                SLOW_POLL,
            ),
            source(
                "silent",
                &format!("http://{silent}/feed.xml"),
                SourceKind::Auto,
                SLOW_POLL,
            ),
        ],
    );
    let page = run.next_page().await;
    assert_eq!(page.url, site.url("/ok"), "the rest of the crawl goes on");
    wait_until(
        &pool,
        "SELECT count(*) = 2 FROM crawl_urls WHERE state = 'failed' AND fail_class = 'timeout'",
        "slow and endless bodies time out",
    )
    .await;
    wait_until(&pool, "SELECT EXISTS (SELECT 1 FROM crawl_feeds WHERE source = 'broken' AND last_error LIKE 'parse:%')", "malformed feed recorded").await;
    wait_until(&pool, "SELECT EXISTS (SELECT 1 FROM crawl_feeds WHERE source = 'silent' AND last_error LIKE 'timeout:%')", "silent server recorded").await;
    run.shutdown().await;
    let classes: Vec<(String, String)> =
        sqlx::query_as("SELECT url, class FROM crawl_failures ORDER BY url")
            .fetch_all(&pool)
            .await
            .unwrap();
    let by_url: HashMap<String, String> = classes.into_iter().collect();
    assert_eq!(by_url[&site.url("/slow")], "timeout");
    assert_eq!(by_url[&site.url("/drip")], "timeout");
    assert_eq!(by_url[&broken.url("/feed.xml")], "parse");
    assert_eq!(by_url[&format!("http://{silent}/feed.xml")], "timeout");
}

#[sqlx::test(migrations = "../../migrations")]
async fn redirect_loop_stops_at_the_cap_and_final_urls_are_recorded(pool: PgPool) {
    let base = Arc::new(std::sync::OnceLock::<String>::new());
    let b = base.clone();
    let site = serve(
        "127.0.0.2",
        Router::new()
            .route(
                "/feed.xml",
                get(move || {
                    let b = b.get().cloned().unwrap_or_default();
                    async move { rss(&b, &[("/loop/a", "Loop"), ("/moved", "Moved story")]) }
                }),
            )
            .route(
                "/loop/a",
                get(|| async { (StatusCode::FOUND, [("location", "/loop/b")]) }),
            )
            .route(
                "/loop/b",
                get(|| async { (StatusCode::FOUND, [("location", "/loop/a")]) }),
            )
            .route(
                "/moved",
                get(|| async {
                    (
                        StatusCode::MOVED_PERMANENTLY,
                        [("location", "/en/moved-story?utm_source=rss")],
                    )
                }),
            )
            .route(
                "/en/moved-story",
                get(|| async { html(article("Moved story")) }),
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
    let page = run.next_page().await;
    assert_eq!(page.url, site.url("/moved"));
    assert_eq!(page.final_url, site.url("/en/moved-story?utm_source=rss"));
    wait_until(&pool, "SELECT EXISTS (SELECT 1 FROM crawl_urls WHERE url LIKE '%/loop/a' AND state = 'failed' AND fail_class = 'redirect')", "loop recorded").await;
    run.shutdown().await;
    assert_eq!(
        site.log.count_prefix("/loop/"),
        6,
        "the first request and five redirects"
    );
    let aliases: i64 = sqlx::query_scalar("SELECT count(*) FROM crawl_aliases a JOIN crawl_urls u ON u.id = a.url_id WHERE u.url = $1 AND a.kind = 'final'")
        .bind(&page.url).fetch_one(&pool).await.unwrap();
    assert_eq!(
        aliases, 2,
        "the final URL and its canonical form are aliases of the story"
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn oversized_bodies_are_aborted_while_streaming(pool: PgPool) {
    let base = Arc::new(std::sync::OnceLock::<String>::new());
    let b = base.clone();
    let produced = Arc::new(AtomicUsize::new(0));
    let p = produced.clone();
    let site = serve(
        "127.0.0.2",
        Router::new()
            .route(
                "/feed.xml",
                get(move || {
                    let b = b.get().cloned().unwrap_or_default();
                    async move {
                        rss(
                            &b,
                            &[
                                ("/huge", "Huge"),
                                ("/declared", "Declared"),
                                ("/small", "Small"),
                            ],
                        )
                    }
                }),
            )
            .route(
                "/huge",
                get(move || {
                    let p = p.clone();
                    async move {
                        // Up to 1 GB, produced only as fast as it is read.
                        let stream = futures_util::stream::unfold(0usize, move |sent| {
                            let p = p.clone();
                            async move {
                                if sent >= 1 << 30 {
                                    return None;
                                }
                                p.fetch_add(16 * 1024, Ordering::SeqCst);
                                Some((
                                    Ok::<_, std::io::Error>(Bytes::from(vec![b'a'; 16 * 1024])),
                                    sent + 16 * 1024,
                                ))
                            }
                        });
                        Response::builder()
                            .header("content-type", "text/html")
                            .body(Body::from_stream(stream))
                            .unwrap()
                    }
                }),
            )
            .route("/declared", get(|| async { html("b".repeat(200_000)) }))
            .route("/small", get(|| async { html(article("Small")) })),
    )
    .await;
    base.set(format!("http://{}", site.addr)).unwrap();
    let cfg = fetcher::FetcherConfig {
        max_body_bytes: 64 * 1024,
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
    assert_eq!(page.url, site.url("/small"));
    wait_until(
        &pool,
        "SELECT count(*) = 2 FROM crawl_urls WHERE state = 'failed' AND fail_class = 'too_large'",
        "both too large",
    )
    .await;
    run.shutdown().await;
    let sent = produced.load(Ordering::SeqCst);
    assert!(
        sent < 32 << 20,
        "the server produced {sent} bytes: the download was not aborted"
    );
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
        w.write_all(data).unwrap();
    }
    out
}

#[sqlx::test(migrations = "../../migrations")]
async fn gzip_and_brotli_bodies_are_decoded_and_truncated_gzip_fails(pool: PgPool) {
    let base = Arc::new(std::sync::OnceLock::<String>::new());
    let b = base.clone();
    let gz_page = article("Compressed with gzip");
    let br_page = article("Compressed with brotli");
    let gz = gzip(gz_page.as_bytes());
    let br = brotli(br_page.as_bytes());
    let truncated = gzip(article("Cut short").repeat(50).as_bytes())[..200].to_vec();
    let encoded = |enc: &'static str, body: Vec<u8>| {
        move || {
            let body = body.clone();
            async move {
                (
                    [
                        ("content-encoding", enc),
                        ("content-type", "text/html; charset=utf-8"),
                    ],
                    body,
                )
                    .into_response()
            }
        }
    };
    let site = serve(
        "127.0.0.2",
        Router::new()
            .route(
                "/feed.xml",
                get(move || {
                    let b = b.get().cloned().unwrap_or_default();
                    async move { rss(&b, &[("/gz", "gz"), ("/br", "br"), ("/trunc", "trunc")]) }
                }),
            )
            .route("/gz", get(encoded("gzip", gz)))
            .route("/br", get(encoded("br", br)))
            .route("/trunc", get(encoded("gzip", truncated))),
    )
    .await;
    base.set(format!("http://{}", site.addr)).unwrap();
    let cfg = fetcher::FetcherConfig {
        max_attempts: 1,
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
    let mut bodies = HashMap::new();
    for _ in 0..2 {
        let p = run.next_page().await;
        bodies.insert(p.url.clone(), String::from_utf8(p.body).unwrap());
    }
    wait_until(&pool, "SELECT EXISTS (SELECT 1 FROM crawl_urls WHERE url LIKE '%/trunc' AND state = 'failed' AND fail_class = 'decode')", "truncated gzip recorded").await;
    run.shutdown().await;
    assert_eq!(bodies[&site.url("/gz")], gz_page);
    assert_eq!(bodies[&site.url("/br")], br_page);
    let accept = site.log.hits()[1]
        .headers
        .get("accept-encoding")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(accept.contains("gzip") && accept.contains("br"), "{accept}");
}

#[sqlx::test(migrations = "../../migrations")]
async fn private_addresses_are_refused_by_default(pool: PgPool) {
    let site = serve(
        "127.0.0.2",
        Router::new().route("/feed.xml", get(|| async { "<rss/>" })),
    )
    .await;
    let cfg = fetcher::FetcherConfig {
        allow_private_networks: false,
        ..test_config()
    };
    let by_name = format!("http://localhost:{}/feed.xml", site.addr.port());
    let mut run = start(
        pool.clone(),
        cfg,
        vec![
            source(
                "literal",
                &site.url("/feed.xml"),
                SourceKind::Rss,
                SLOW_POLL,
            ),
            source("resolved", &by_name, SourceKind::Rss, SLOW_POLL),
        ],
    );
    wait_until(
        &pool,
        "SELECT count(*) = 2 FROM crawl_feeds WHERE last_error LIKE 'blocked:%'",
        "both refused",
    )
    .await;
    run.stop.cancel();
    assert!(run.pages.recv().await.is_none());
    run.shutdown().await;
    assert_eq!(site.log.hits().len(), 0, "a private address was requested");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM crawl_failures WHERE class = 'blocked'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(n, 2);
}

#[sqlx::test(migrations = "../../migrations")]
async fn two_fetchers_on_one_database_fetch_each_url_once_and_one_request_per_host(
    pool_options: PgPoolOptions,
    connect: PgConnectOptions,
) {
    let pool_a = pool_options
        .clone()
        .connect_with(connect.clone())
        .await
        .unwrap();
    let pool_b = pool_options.connect_with(connect).await.unwrap();
    let mut sites = Vec::new();
    let mut sources = Vec::new();
    for (i, ip) in ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"]
        .iter()
        .enumerate()
    {
        let base = Arc::new(std::sync::OnceLock::<String>::new());
        let b = base.clone();
        let site = serve(
            ip,
            Router::new()
                .route("/robots.txt", get(|| async { "User-agent: *\nAllow: /\n" }))
                .route(
                    "/feed.xml",
                    get(move || {
                        let b = b.get().cloned().unwrap_or_default();
                        async move {
                            let items: Vec<(String, String)> = (0..8)
                                .map(|n| (format!("/story/{n}"), format!("Story {n}")))
                                .collect();
                            let refs: Vec<(&str, &str)> = items
                                .iter()
                                .map(|(a, b)| (a.as_str(), b.as_str()))
                                .collect();
                            rss(&b, &refs)
                        }
                    }),
                )
                .route(
                    "/story/{n}",
                    get(|| async {
                        tokio::time::sleep(Duration::from_millis(15)).await;
                        html(article("Story"))
                    }),
                ),
        )
        .await;
        base.set(format!("http://{}", site.addr)).unwrap();
        sources.push(source(
            &format!("wire{i}"),
            &site.url("/feed.xml"),
            SourceKind::Rss,
            Duration::from_millis(300),
        ));
        sites.push(site);
    }
    let cfg = fetcher::FetcherConfig {
        concurrency: 4,
        ..test_config()
    };
    let mut a = start(pool_a.clone(), cfg.clone(), sources.clone());
    let mut b = start(pool_b.clone(), cfg, sources);
    let frontier = Frontier::new(pool_a.clone());
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut from_each = [0usize; 2];
    while seen.len() < 32 {
        let page = tokio::select! {
            p = a.pages.recv() => { from_each[0] += 1; p.expect("fetcher a stopped") }
            p = b.pages.recv() => { from_each[1] += 1; p.expect("fetcher b stopped") }
            _ = tokio::time::sleep(Duration::from_secs(30)) => panic!("only {} pages within 30 s", seen.len()),
        };
        frontier
            .complete(std::slice::from_ref(&page.url))
            .await
            .unwrap();
        *seen.entry(page.url).or_default() += 1;
    }
    // Let a few more polls happen: nothing may be fetched again.
    wait_until(
        &pool_a,
        "SELECT min(polls) >= 3 FROM crawl_feeds",
        "more polls",
    )
    .await;
    a.shutdown().await;
    b.shutdown().await;
    assert!(
        seen.values().all(|&n| n == 1),
        "a page was handed over twice: {seen:?}"
    );
    assert!(
        from_each[0] > 0 && from_each[1] > 0,
        "both fetchers worked: {from_each:?}"
    );
    for site in &sites {
        for n in 0..8 {
            assert_eq!(
                site.log.count(&format!("/story/{n}")),
                1,
                "story {n} on {} requested more than once",
                site.addr
            );
        }
        assert_eq!(site.log.count("/robots.txt"), 1);
        assert_eq!(
            site.log.max_in_flight.load(Ordering::SeqCst),
            1,
            "two requests in flight to {}",
            site.addr
        );
    }
    let done: i64 = sqlx::query_scalar("SELECT count(*) FROM crawl_urls WHERE state = 'done'")
        .fetch_one(&pool_a)
        .await
        .unwrap();
    assert_eq!(done, 32);
    let held: i64 = sqlx::query_scalar("SELECT (SELECT count(*) FROM crawl_hosts WHERE busy_token IS NOT NULL) + (SELECT count(*) FROM crawl_feeds WHERE lease_token IS NOT NULL)")
        .fetch_one(&pool_a).await.unwrap();
    assert_eq!(
        held, 0,
        "a stopped fetcher leaves no host gate or feed lease behind"
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn listing_pages_follow_only_selected_links_on_allowed_hosts_and_failing_feeds_get_disabled(
    pool: PgPool,
) {
    let other = serve(
        "127.0.0.3",
        Router::new().route("/en/2", get(|| async { html(article("Elsewhere")) })),
    )
    .await;
    let other_url = other.url("/en/2");
    let site = serve(
        "127.0.0.2",
        Router::new()
            .route("/en/latest", get(move || {
                let other_url = other_url.clone();
                async move {
                    html(format!(
                        "<html><body><ul><li><a class=\"headline\" href=\"/en/1?utm_campaign=home\">Ministers meet</a></li>\
                         <li><a class=\"headline\" href=\"{other_url}\">Elsewhere</a></li>\
                         <li><a href=\"/en/3\">Not a headline</a></li></ul></body></html>"
                    ))
                }
            }))
            .route("/en/1", get(|| async { html(article("Ministers meet")) }))
            .route("/down.xml", get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "down") })),
    )
    .await;
    let mut listing = source("listing", &site.url("/en/latest"), SourceKind::Auto, FAST);
    listing.link_selector = Some("a.headline".into());
    let cfg = fetcher::FetcherConfig {
        feed_failures_to_disable: 3,
        feed_backoff_max: Duration::from_millis(300),
        disabled_probe_interval: SLOW_POLL,
        backoff_max: Duration::from_millis(300),
        ..test_config()
    };
    let mut run = start(
        pool.clone(),
        cfg,
        vec![
            listing,
            source("down", &site.url("/down.xml"), SourceKind::Rss, FAST),
        ],
    );
    let page = run.next_page().await;
    assert_eq!(page.url, site.url("/en/1?utm_campaign=home"));
    assert_eq!(
        page.feed_item.as_ref().unwrap().title.as_deref(),
        Some("Ministers meet")
    );
    wait_until(
        &pool,
        "SELECT disabled AND consecutive_failures = 3 FROM crawl_feeds WHERE source = 'down'",
        "failing feed disabled",
    )
    .await;
    wait_until(
        &pool,
        "SELECT polls >= 3 FROM crawl_feeds WHERE source = 'listing'",
        "listing polled again",
    )
    .await;
    run.shutdown().await;
    let urls: Vec<String> = sqlx::query_scalar("SELECT url FROM crawl_urls")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(urls, vec![site.url("/en/1?utm_campaign=home")]);
    assert_eq!(
        other.log.hits().len(),
        0,
        "a link to another host was followed"
    );
    assert_eq!(
        site.log.count("/down.xml"),
        3,
        "a disabled feed is only probed rarely"
    );
    let failures: i64 = sqlx::query_scalar("SELECT count(*) FROM crawl_failures WHERE source = 'down' AND class = 'status' AND http_status = 500")
        .fetch_one(&pool).await.unwrap();
    assert_eq!(failures, 3);
}

#[sqlx::test(migrations = "../../migrations")]
async fn work_of_a_fetcher_killed_mid_request_is_redone_by_another_after_its_lease(pool: PgPool) {
    let base = Arc::new(std::sync::OnceLock::<String>::new());
    let b = base.clone();
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let first_seen = Arc::new(tokio::sync::Notify::new());
    let seen = first_seen.clone();
    let site = serve(
        "127.0.0.2",
        Router::new()
            .route(
                "/feed.xml",
                get(move || {
                    let b = b.get().cloned().unwrap_or_default();
                    async move { rss(&b, &[("/news/stuck", "Summit opens")]) }
                }),
            )
            .route(
                "/news/stuck",
                get(move || {
                    let n = c.fetch_add(1, Ordering::SeqCst);
                    let seen = seen.clone();
                    async move {
                        if n == 0 {
                            seen.notify_one();
                            tokio::time::sleep(Duration::from_secs(3600)).await;
                        }
                        html(article("Summit opens"))
                    }
                }),
            ),
    )
    .await;
    base.set(format!("http://{}", site.addr)).unwrap();
    let cfg = fetcher::FetcherConfig {
        request_timeout: Duration::from_secs(1),
        lease_duration: Duration::ZERO,
        ..test_config()
    };
    let sources = vec![source(
        "wire",
        &site.url("/feed.xml"),
        SourceKind::Rss,
        FAST,
    )];
    let first = start(pool.clone(), cfg.clone(), sources.clone());
    tokio::time::timeout(Duration::from_secs(30), first_seen.notified())
        .await
        .expect("first request");
    // The daemon dies in the middle of the request: nothing of it runs any more.
    first.task.abort();
    let leased: String = sqlx::query_scalar("SELECT state FROM crawl_urls")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(leased, "leased");
    let mut second = start(pool.clone(), cfg, sources);
    let page = second.next_page().await;
    assert_eq!(page.url, site.url("/news/stuck"));
    Frontier::new(pool.clone())
        .complete(std::slice::from_ref(&page.url))
        .await
        .unwrap();
    second.shutdown().await;
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "requested by the dead daemon, then once by the live one"
    );
    let (state, attempts): (String, i32) = sqlx::query_as("SELECT state, attempts FROM crawl_urls")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((state.as_str(), attempts), ("done", 2));
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_feed_with_one_broken_item_keeps_its_good_links_and_a_warning(pool: PgPool) {
    let base = Arc::new(std::sync::OnceLock::<String>::new());
    let b = base.clone();
    let site = serve(
        "127.0.0.2",
        Router::new()
            .route(
                "/feed.xml",
                get(move || {
                    let b = b.get().cloned().unwrap_or_default();
                    async move {
                        // The middle item has a bare ampersand and an unclosed tag.
                        let feed = format!(
                            r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wire</title>
<item><title>Ferry service resumes</title><link>{b}/news/1</link><guid>f-1</guid></item>
<item><title>Pay talks & <i>strikes</title><link>{b}/news/2</link></item>
<item><title>Bridge opens early</title><link>{b}/news/3</link><guid>f-3</guid></item>
</channel></rss>"#
                        );
                        ([("content-type", "application/rss+xml")], feed).into_response()
                    }
                }),
            )
            .route("/news/1", get(|| async { html(article("Ferry service resumes")) }))
            .route("/news/2", get(|| async { html(article("Pay talks")) }))
            .route("/news/3", get(|| async { html(article("Bridge opens early")) })),
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
    let mut urls = Vec::new();
    for _ in 0..3 {
        urls.push(run.next_page().await.url);
    }
    wait_until(
        &pool,
        "SELECT EXISTS (SELECT 1 FROM crawl_feeds WHERE source = 'wire' AND last_error LIKE 'parse warning: feed:%')",
        "the salvage recorded on the feed",
    )
    .await;
    run.shutdown().await;
    urls.sort();
    assert_eq!(
        urls,
        [
            site.url("/news/1"),
            site.url("/news/2"),
            site.url("/news/3")
        ]
    );
    let (failures, last_items): (i32, Option<i32>) = sqlx::query_as(
        "SELECT consecutive_failures, last_items FROM crawl_feeds WHERE source = 'wire'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (failures, last_items),
        (0, Some(3)),
        "a salvaged poll is not a failed poll"
    );
    let guid: Option<String> = sqlx::query_scalar("SELECT guid FROM crawl_urls WHERE url = $1")
        .bind(site.url("/news/3"))
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(guid.as_deref(), Some("f-3"));
}
