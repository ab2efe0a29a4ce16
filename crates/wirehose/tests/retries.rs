//! `[crawler]` retry settings hold for failures found after the fetch, not only for the fetch:
//! the real daemon, a real PostgreSQL and a local site whose pages the parser rejects.

mod common;

use std::path::Path;

const FEED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test Wire - Retries</title><link>{{BASE}}/</link>
<description>Invented feed for the retry test</description>
<item><title>Harbour board delays vote on new quay</title><link>{{BASE}}/news/empty</link></item>
<item><title>Council publishes garbled minutes</title><link>{{BASE}}/news/garbled</link></item>
</channel></rss>"#;

fn write_config(dir: &Path, base: &str, db_url: &str) -> std::path::PathBuf {
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
max_attempts = 2
retry_base = "1s"
retry_max = "1s"

[pipeline]
batch_timeout = "50ms"
shutdown_timeout = "20s"

[[sources]]
name = "retrywire"
agency = "Test Wire"
kind = "rss"
url = "{base}/rss.xml"
poll_interval = "1s"
"#
    );
    std::fs::write(&path, text).expect("write config");
    path
}

#[tokio::test(flavor = "multi_thread")]
async fn a_parse_failure_honours_max_attempts() {
    drop(common::admin().await); // fail loudly first when PostgreSQL is missing
    let garbled = "\u{1}\u{2}\u{3}\u{4}".repeat(500);
    let site = common::start_site(&[
        ("/rss.xml", "application/rss+xml", FEED),
        // A 200 without a byte of text: worth another try, but only `max_attempts` in all.
        ("/news/empty", "text/html; charset=utf-8", ""),
        // Not text at all: a second try cannot help.
        ("/news/garbled", "text/html; charset=utf-8", &garbled),
    ])
    .await;
    let (db_name, db_url) = common::fresh_database("retries");
    let dir = std::env::temp_dir().join(&db_name);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = write_config(&dir, &site.base, &db_url);

    let daemon = common::start_daemon(&config, None);
    let pool = common::pool_when_ready(&db_url).await;
    common::wait_until("the frontier tables", || async {
        common::count(
            &pool,
            "SELECT count(*) FROM pg_tables WHERE tablename = 'crawl_urls'",
        )
        .await
            == 1
    })
    .await;
    // With the built-in defaults (5 attempts, a minute apart) the empty page would still be
    // pending long after this bound.
    common::wait_until("both pages failed for good", || async {
        common::count(
            &pool,
            "SELECT count(*) FROM crawl_urls WHERE state = 'failed'",
        )
        .await
            == 2
    })
    .await;
    let status = common::stop(daemon, "-TERM");
    assert!(status.success(), "daemon exit status: {status:?}");

    let rows: Vec<(String, i32, Option<String>)> =
        sqlx::query_as("SELECT url, attempts, fail_class FROM crawl_urls ORDER BY url")
            .fetch_all(&pool)
            .await
            .expect("crawl_urls");
    let empty = format!("{}/news/empty", site.base);
    let garbled_url = format!("{}/news/garbled", site.base);
    assert_eq!(
        rows,
        vec![
            (empty.clone(), 2, Some("body".to_string())),
            (garbled_url.clone(), 1, Some("parse".to_string())),
        ]
    );
    assert_eq!(site.hits("/news/empty"), 2, "fetched max_attempts times");
    assert_eq!(
        site.hits("/news/garbled"),
        1,
        "a permanent failure is not retried"
    );
    let recorded = |url: String| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM crawl_failures WHERE url = $1")
                .bind(url)
                .fetch_one(&pool)
                .await
                .expect("crawl_failures")
        }
    };
    assert_eq!(recorded(empty).await, 2, "each attempt is recorded");
    assert_eq!(recorded(garbled_url).await, 1);
    assert_eq!(
        common::count(&pool, "SELECT count(*) FROM articles").await,
        0
    );

    pool.close().await;
    common::drop_database(&db_name).await;
    let _ = std::fs::remove_dir_all(&dir);
}
