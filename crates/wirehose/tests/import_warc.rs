//! `import-warc` on an archive the test writes itself: gzip members per record, as CC-NEWS ships them.

mod common;

use std::io::Write;
use std::process::Command;

use flate2::write::GzEncoder;

fn record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{:08x}-0000-4000-8000-000000000000>\r\n\
         WARC-Date: 2026-03-03T12:00:00Z\r\nWARC-Target-URI: {uri}\r\nContent-Type: application/http; msgtype=response\r\n\
         Content-Length: {}\r\n\r\n",
        uri.len() as u32 ^ block.len() as u32,
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&r).unwrap();
    gz.finish().unwrap()
}

fn response(html: &str) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{html}", html.len()).into_bytes()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_small_archive_is_imported_once() {
    drop(common::admin().await);
    let (db_name, db_url) = common::fresh_database("warc");
    let dir = std::env::temp_dir().join(&db_name);
    std::fs::create_dir_all(&dir).unwrap();
    let base = "https://wire.example.net";
    let tass = include_str!("fixtures/tass-style.html").replace("{{BASE}}", base);
    let ap = include_str!("fixtures/ap-style.html").replace("{{BASE}}", base);
    let mut archive = record("warcinfo", "", b"software: test\r\n");
    archive.extend(record(
        "request",
        &format!("{base}/world/1001"),
        b"GET /world/1001 HTTP/1.1\r\n\r\n",
    ));
    archive.extend(record(
        "response",
        &format!("{base}/world/1001"),
        &response(&tass),
    ));
    archive.extend(record(
        "response",
        &format!("{base}/article/flood-cleanup-3f9a"),
        &response(&ap),
    ));
    archive.extend(record(
        "response",
        &format!("{base}/logo.png"),
        b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
    ));
    let path = dir.join("news.warc.gz");
    std::fs::write(&path, &archive).unwrap();
    let config = dir.join("wirehose.toml");
    std::fs::write(&config, format!("[database]\nurl = \"{db_url}\"\n")).unwrap();

    for _ in 0..2 {
        let out = Command::new(env!("CARGO_BIN_EXE_wirehose"))
            .args(["import-warc", "--config"])
            .arg(&config)
            .arg(&path)
            .env_remove("DATABASE_URL")
            .output()
            .expect("run import-warc");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "import-warc failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("imported 2 pages from 5 records (3 skipped)"),
            "summary: {stdout}"
        );
    }

    let pool = common::pool(&db_url).await;
    let urls: Vec<String> = sqlx::query_scalar("SELECT url FROM articles ORDER BY url")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        urls,
        vec![
            format!("{base}/article/flood-cleanup-3f9a"),
            format!("{base}/world/1001")
        ]
    );
    let speaker: Option<String> =
        sqlx::query_scalar("SELECT speaker FROM quotes WHERE text LIKE '%without hysteria%'")
            .fetch_one(&pool)
            .await
            .expect("the quote, stored once");
    assert_eq!(speaker.as_deref(), Some("Sergei Lavrov"));
    let found: i64 = sqlx::query_scalar("SELECT count(*) FROM search_articles('hysteria')")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(found, 1, "the imported story is not searchable");

    // Reprocessing from the stored raw pages rebuilds what an older extractor got wrong.
    sqlx::query("DELETE FROM quotes")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE articles SET title = 'stale title'")
        .execute(&pool)
        .await
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wirehose"))
        .args(["reprocess", "--restart", "--config"])
        .arg(&config)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run reprocess");
    assert!(
        out.status.success(),
        "reprocess failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("reprocessed 2 stories"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stale: i64 =
        sqlx::query_scalar("SELECT count(*) FROM articles WHERE title = 'stale title'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(stale, 0);
    let speaker: Option<String> =
        sqlx::query_scalar("SELECT speaker FROM quotes WHERE text LIKE '%without hysteria%'")
            .fetch_one(&pool)
            .await
            .expect("the quote, rebuilt once");
    assert_eq!(speaker.as_deref(), Some("Sergei Lavrov"));
    pool.close().await;
    common::drop_database(&db_name).await;
    let _ = std::fs::remove_dir_all(&dir);
}
