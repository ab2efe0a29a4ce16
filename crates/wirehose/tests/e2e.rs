//! End to end: a local wire-service site with an RSS feed and three stories, the real daemon
//! writing to a real PostgreSQL, then the rows checked and a clean shutdown on SIGTERM.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use sqlx::PgPool;

const FEED: &str = include_str!("fixtures/feed.xml");
const TASS: &str = include_str!("fixtures/tass-style.html");
const REUTERS: &str = include_str!("fixtures/reuters-style.html");
const AP: &str = include_str!("fixtures/ap-style.html");

/// url, title, body, dateline place and dateline agency of one stored article.
type ArticleRow = (
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);

fn write_config(dir: &Path, base: &str, db_url: &str, http: &str) -> std::path::PathBuf {
    let path = dir.join("wirehose.toml");
    let text = format!(
        r#"
[database]
url = "{db_url}"

[crawler]
user_agent = "wirehose-test/0.1"
request_timeout = "5s"
min_host_delay = "10ms"
min_poll_interval = "1s"
allow_private_networks = true

[pipeline]
batch_timeout = "50ms"
shutdown_timeout = "20s"

[http]
listen = "{http}"

[[sources]]
name = "testwire"
agency = "TASS"
kind = "rss"
url = "{base}/rss.xml"
poll_interval = "1s"
"#
    );
    std::fs::write(&path, text).expect("write config");
    path
}

#[tokio::test(flavor = "multi_thread")]
async fn feed_to_postgres_and_clean_shutdown() {
    drop(common::admin().await); // fail loudly first when PostgreSQL is missing
    let site = common::start_site(&[
        ("/rss.xml", "application/rss+xml", FEED),
        ("/world/1001", "text/html; charset=utf-8", TASS),
        (
            "/business/port-strike-2026-03-03/",
            "text/html; charset=utf-8",
            REUTERS,
        ),
        (
            "/article/flood-cleanup-3f9a",
            "text/html; charset=utf-8",
            AP,
        ),
        (
            "/robots.txt",
            "text/plain",
            "User-agent: *\nDisallow: /private/\n",
        ),
    ])
    .await;
    let (db_name, db_url) = common::fresh_database("e2e");
    let dir = std::env::temp_dir().join(&db_name);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let http = free_port();
    let config = write_config(&dir, &site.base, &db_url, &http);

    // The daemon creates the database, migrates it and stores the three stories.
    let daemon = common::start_daemon(&config, None);
    let pool = common::pool_when_ready(&db_url).await;
    common::wait_until("three stored articles", || async {
        common::count(&pool, "SELECT count(*) FROM articles").await >= 3
    })
    .await;
    // The running daemon makes its stories searchable without any other command.
    common::wait_until(
        "stories and quotes indexed for full-text search",
        || async {
            common::count(
                &pool,
                "SELECT count(*) FROM articles WHERE search IS NOT NULL",
            )
            .await
                >= 3
                && common::count(&pool, "SELECT count(*) FROM quotes WHERE search IS NULL").await
                    == 0
        },
    )
    .await;
    let health = http_get(&http, "/health");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let metrics = http_get(&http, "/metrics");
    assert!(
        metrics.contains("wirehose_articles_stored_total 3"),
        "{metrics}"
    );
    assert!(
        metrics.contains("wirehose_frontier_urls{state=\"done\"} 3"),
        "{metrics}"
    );
    let status = common::stop(daemon, "-TERM");
    assert!(
        status.success(),
        "daemon exit status after SIGTERM: {status:?}"
    );

    // Article fields.
    let rows: Vec<ArticleRow> = sqlx::query_as(
        "SELECT url, title, body, dateline_place, dateline_agency FROM articles ORDER BY url",
    )
    .fetch_all(&pool)
    .await
    .expect("articles");
    assert_eq!(rows.len(), 3, "{rows:#?}");
    let tass = rows
        .iter()
        .find(|r| r.0.ends_with("/world/1001"))
        .expect("the TASS-style story");
    assert_eq!(
        tass.1.as_deref(),
        Some("Lavrov says Moscow will answer new sanctions \"calmly but firmly\"")
    );
    assert!(
        tass.2.starts_with("MOSCOW, March 3. /TASS/."),
        "body: {}",
        tass.2
    );
    assert!(
        !tass.2.contains("Read also") && !tass.2.contains("Share on"),
        "boilerplate in body: {}",
        tass.2
    );
    assert_eq!(tass.3.as_deref(), Some("MOSCOW"));
    assert_eq!(tass.4.as_deref(), Some("TASS"));
    let reuters = rows
        .iter()
        .find(|r| r.0.contains("port-strike"))
        .expect("the Reuters-style story");
    assert_eq!(
        reuters.1.as_deref(),
        Some("Port strike halts grain exports, union says")
    );
    assert!(
        !reuters.0.contains("utm_source"),
        "tracking parameters kept in {}",
        reuters.0
    );
    assert!(!reuters.2.contains("cookies"), "cookie banner in body");
    let ap = rows
        .iter()
        .find(|r| r.0.contains("flood-cleanup"))
        .expect("the AP-style story");
    assert!(ap.2.starts_with("MARIETTA, Ohio (AP) —"), "body: {}", ap.2);

    // Quotes with their speakers, resolved from "Lavrov said" and "he added" to the full name.
    let quotes: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT q.text, q.speaker FROM quotes q JOIN articles a ON a.id = q.article_id WHERE a.url LIKE '%/world/1001'")
            .fetch_all(&pool)
            .await
            .expect("quotes");
    let by = |needle: &str| {
        quotes
            .iter()
            .find(|q| q.0.contains(needle))
            .unwrap_or_else(|| panic!("no quote with {needle:?} in {quotes:#?}"))
    };
    assert_eq!(by("without hysteria").1.as_deref(), Some("Sergei Lavrov"));
    assert_eq!(by("trade statistics").1.as_deref(), Some("Sergei Lavrov"));
    let hawkins: Option<String> =
        sqlx::query_scalar("SELECT speaker FROM quotes WHERE text LIKE '%never one that stayed%'")
            .fetch_one(&pool)
            .await
            .expect("the AP quote");
    assert_eq!(hawkins.as_deref(), Some("Linda Hawkins"));

    // Entities and mentions.
    let people: Vec<String> =
        sqlx::query_scalar("SELECT name FROM entities WHERE type = 'person' ORDER BY name")
            .fetch_all(&pool)
            .await
            .expect("entities");
    for who in ["Sergei Lavrov", "Carlos Mendes", "Linda Hawkins"] {
        assert!(
            people.iter().any(|p| p == who),
            "{who} missing from {people:?}"
        );
    }
    assert!(common::count(&pool, "SELECT count(*) FROM mention_spans").await >= 6);

    // A second run polls the feed again and stores nothing twice.
    let feed_hits = site.hits("/rss.xml");
    let story_hits = site.hits("/world/1001");
    let daemon = common::start_daemon(&config, None);
    common::wait_until("the feed to be polled again", || async {
        site.hits("/rss.xml") > feed_hits
    })
    .await;
    // Give the pipeline time to act on that poll before stopping it.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let status = common::stop(daemon, "-TERM");
    assert!(status.success(), "second run exit status: {status:?}");
    assert_eq!(
        common::count(&pool, "SELECT count(*) FROM articles").await,
        3
    );
    assert_eq!(
        site.hits("/world/1001"),
        story_hits,
        "a stored story was fetched again"
    );
    let quotes_after = common::count(&pool, "SELECT count(*) FROM quotes").await;
    assert_eq!(quotes_after as usize, count_quotes_once(&pool).await);

    pool.close().await;
    common::drop_database(&db_name).await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Quotes counted once per (article, offsets), to show replays wrote no duplicates.
async fn count_quotes_once(pool: &PgPool) -> usize {
    common::count(
        pool,
        "SELECT count(*) FROM (SELECT DISTINCT article_id, start_offset, end_offset FROM quotes) q",
    )
    .await as usize
}

#[test]
fn check_config_names_every_problem_and_fails() {
    let dir = std::env::temp_dir().join(format!("wirehose_check_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.toml");
    std::fs::write(
        &path,
        "[crawler]\nrequest_timeout = \"forever\"\n\n[[sources]]\nname = \"x\"\nkind = \"fax\"\nurl = \"https://example.org/rss\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wirehose"))
        .args(["check-config", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2 problems"), "{err}");
    assert!(
        err.contains("line 2, column 19: crawler.request_timeout"),
        "{err}"
    );
    assert!(
        err.contains("line 6, column 8: sources.kind \"fax\""),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn free_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").to_string()
}

/// A plain HTTP/1.1 GET, enough to read the daemon's own endpoint.
fn http_get(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect to the endpoint");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}
