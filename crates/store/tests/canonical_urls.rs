//! Migration 0011: stories the old URL normaliser split are merged, and every stored URL takes
//! the one canonical form of `model::canon`.

mod common;

use model::canon;
use sqlx::{PgPool, Row};

/// The form the store wrote before 0011: six tracking parameters dropped, query order kept.
fn old_form(raw: &str) -> String {
    let mut url = url::Url::parse(raw).expect("fixture URL");
    url.set_fragment(None);
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| {
                let k = k.to_ascii_lowercase();
                !(k.starts_with("utm_")
                    || [
                        "fbclid",
                        "gclid",
                        "ocid",
                        "cmpid",
                        "at_medium",
                        "at_campaign",
                    ]
                    .contains(&k.as_str()))
            })
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    url.to_string()
}

/// Applies the migrations below `version` as the server would have had them.
async fn migrate_below(pool: &PgPool, version: i64) {
    for m in store::MIGRATOR.iter().filter(|m| m.version < version) {
        let mut tx = pool.begin().await.expect("transaction");
        sqlx::raw_sql(m.sql.as_ref())
            .execute(&mut *tx)
            .await
            .unwrap_or_else(|e| panic!("migration {}: {e}", m.version));
        tx.commit().await.expect("commit");
    }
    sqlx::query("SELECT wirehose_ensure_partitions('2026-03-01', '2026-04-01')")
        .execute(pool)
        .await
        .expect("partitions");
}

async fn apply(pool: &PgPool, version: i64) {
    let m = store::MIGRATOR
        .iter()
        .find(|m| m.version == version)
        .expect("migration exists");
    let mut tx = pool.begin().await.expect("transaction");
    sqlx::raw_sql(m.sql.as_ref())
        .execute(&mut *tx)
        .await
        .unwrap_or_else(|e| panic!("migration {version}: {e}"));
    tx.commit().await.expect("commit");
}

/// Inserts a story as the old store wrote it: its URL in the old form, as its `story` URL.
async fn story(pool: &PgPool, id: i64, day: u32, url: &str, body: &str) -> String {
    let url = old_form(url);
    sqlx::query(
        "INSERT INTO articles (id, first_seen_at, url, source, title, body, content_hash,
                               extractor_version, fetched_at)
         VALUES ($1, make_timestamptz(2026, 3, $2, 9, 0, 0, 'UTC'), $3, 'wire', 'Danube talks',
                 $4, sha256(convert_to($4, 'UTF8')), 'wirehose-0.1.0/extract-2',
                 make_timestamptz(2026, 3, $2, 9, 0, 0, 'UTC'))",
    )
    .bind(id)
    .bind(day as i32)
    .bind(&url)
    .bind(body)
    .execute(pool)
    .await
    .expect("story");
    alias(pool, id, &url, "story").await;
    url
}

async fn alias(pool: &PgPool, id: i64, url: &str, kind: &str) {
    sqlx::query(
        "INSERT INTO article_urls (url, article_id, first_seen_at, kind)
         SELECT $1, id, first_seen_at, $3 FROM articles WHERE id = $2",
    )
    .bind(url)
    .bind(id)
    .bind(kind)
    .execute(pool)
    .await
    .expect("story url");
}

async fn dependants(pool: &PgPool, id: i64, quote: &str) {
    for sql in [
        "INSERT INTO quotes (article_id, first_seen_at, id, text, kind, start_offset, end_offset,
                             confidence, extractor_version)
         SELECT id, first_seen_at, id * 10, $2, 'direct', 0, 5, 0.9, 'x' FROM articles WHERE id = $1",
        "INSERT INTO entities (id, name, type) VALUES (1, 'Clara Weidinger', 'person')
         ON CONFLICT DO NOTHING",
        "INSERT INTO mentions (article_id, first_seen_at, entity_id, start_offsets, end_offsets, surfaces)
         SELECT id, first_seen_at, 1, '{0}', '{5}', '{Clara}' FROM articles WHERE id = $1",
        "INSERT INTO raw_pages (article_id, article_first_seen_at, fetched_at, body_sha256, url,
                                final_url, source, status, body_len, body)
         SELECT id, first_seen_at, fetched_at, content_hash, url, url, 'wire', 200, 4, 'page'
         FROM articles WHERE id = $1",
    ] {
        let q = sqlx::query(sql);
        let q = if sql.contains("$2") {
            q.bind(id).bind(quote)
        } else if sql.contains("$1") {
            q.bind(id)
        } else {
            q
        };
        q.execute(pool).await.expect(sql);
    }
}

#[sqlx::test(migrations = false)]
async fn stories_split_by_the_old_normaliser_become_one(pool: PgPool) {
    migrate_below(&pool, 11).await;
    sqlx::query("INSERT INTO sources (name) VALUES ('wire'), ('copydesk')")
        .execute(&pool)
        .await
        .expect("sources");

    // One story, first reached through a shared link, a day later through the feed.
    let first = story(
        &pool,
        1,
        2,
        "https://Wire.Example/world/danube-1001?smid=tw-share&page=2&id=7",
        "First fetch of the Danube story.",
    )
    .await;
    alias(
        &pool,
        1,
        &old_form("https://wire.example/world/danube-1001?page=2&id=7&rss=1"),
        "requested",
    )
    .await;
    let second = story(
        &pool,
        2,
        3,
        "https://wire.example/world/danube-1001?id=7&page=2#comments",
        "Second fetch of the Danube story, with an update.",
    )
    .await;
    assert_ne!(first, second, "the old forms differ");
    dependants(&pool, 1, "We are closer").await;
    dependants(&pool, 2, "Our ports").await;
    sqlx::query(
        "INSERT INTO article_versions (article_id, first_seen_at, version, body, content_hash, fetched_at)
         SELECT id, first_seen_at, 1, 'An early draft.', '\\x01', first_seen_at - interval '1 hour'
         FROM articles WHERE id = 2",
    )
    .execute(&pool)
    .await
    .expect("version");
    sqlx::query("UPDATE articles SET version = 2 WHERE id = 2")
        .execute(&pool)
        .await
        .expect("version number");
    // A copy from another source, linked to the later story.
    story(
        &pool,
        3,
        4,
        "https://copydesk.example/wire/danube-talks-resume",
        "A copy.",
    )
    .await;
    sqlx::query("UPDATE articles SET syndicated_from = 2, source = 'copydesk' WHERE id = 3")
        .execute(&pool)
        .await
        .expect("copy");
    // An unrelated story whose query is only reordered.
    story(
        &pool,
        4,
        5,
        "https://wire.example/markets/rates?b=2&a=1",
        "Rates.",
    )
    .await;

    apply(&pool, 11).await;

    let rows = sqlx::query("SELECT id, url, version, syndicated_from FROM articles ORDER BY id")
        .fetch_all(&pool)
        .await
        .expect("stories");
    let got: Vec<(i64, String, i32, Option<i64>)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    let merged = canon::canonical_str("https://wire.example/world/danube-1001?id=7&page=2");
    assert_eq!(merged, "https://wire.example/world/danube-1001?id=7&page=2");
    assert_eq!(
        got,
        vec![
            (1, merged.clone(), 3, None),
            (
                3,
                "https://copydesk.example/wire/danube-talks-resume".into(),
                1,
                Some(1)
            ),
            (
                4,
                "https://wire.example/markets/rates?a=1&b=2".into(),
                1,
                None
            ),
        ]
    );

    // Every URL is in the new form, points at a stored story, and each story has one story URL.
    let urls = sqlx::query("SELECT url, article_id, kind FROM article_urls ORDER BY url")
        .fetch_all(&pool)
        .await
        .expect("urls");
    for r in &urls {
        let url: String = r.get(0);
        assert_eq!(url, canon::canonical_str(&url), "{url} is canonical");
    }
    let of_one: Vec<String> = urls
        .iter()
        .filter(|r| r.get::<i64, _>(1) == 1)
        .map(|r| format!("{} {}", r.get::<String, _>(2), r.get::<String, _>(0)))
        .collect();
    assert_eq!(of_one, vec![format!("story {merged}")]);
    let orphans: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM article_urls u
         WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = u.article_id AND a.first_seen_at = u.first_seen_at)",
    )
    .fetch_one(&pool)
    .await
    .expect("orphans");
    assert_eq!(orphans, 0);

    // The survivor keeps its quotes and mentions; the duplicate's content, earlier versions and
    // raw page are the survivor's now.
    let quotes: Vec<(i64, String)> =
        sqlx::query_as("SELECT article_id, text FROM quotes ORDER BY article_id")
            .fetch_all(&pool)
            .await
            .expect("quotes");
    assert_eq!(quotes, vec![(1, "We are closer".to_string())]);
    let mentions: Vec<i64> = sqlx::query_scalar("SELECT article_id FROM mentions")
        .fetch_all(&pool)
        .await
        .expect("mentions");
    assert_eq!(mentions, vec![1]);
    let versions: Vec<(i64, i32, String)> = sqlx::query_as(
        "SELECT article_id, version, body FROM article_versions ORDER BY article_id, version",
    )
    .fetch_all(&pool)
    .await
    .expect("versions");
    assert_eq!(
        versions,
        vec![
            (1, 1, "An early draft.".to_string()),
            (
                1,
                2,
                "Second fetch of the Danube story, with an update.".to_string()
            ),
        ]
    );
    let pages: Vec<i64> =
        sqlx::query_scalar("SELECT article_id FROM raw_pages ORDER BY article_id, fetched_at")
            .fetch_all(&pool)
            .await
            .expect("raw pages");
    assert_eq!(pages, vec![1, 1]);
}

#[sqlx::test(migrations = false)]
async fn the_migration_writes_what_the_canonicaliser_writes(pool: PgPool) {
    migrate_below(&pool, 11).await;
    sqlx::query("INSERT INTO sources (name) VALUES ('wire')")
        .execute(&pool)
        .await
        .expect("source");
    let every_tracker: String = canon::TRACKING_PARAMS
        .iter()
        .enumerate()
        .map(|(i, p)| {
            format!(
                "{}={i}&",
                if i % 2 == 0 {
                    p.to_string()
                } else {
                    p.to_uppercase()
                }
            )
        })
        .collect();
    let cases = [
        format!("https://wire.example/a/1?{every_tracker}utm_Term=x&id=3"),
        "https://wire.example/a/2?q=a+b&a%21=1&a+b=2&a=0".to_string(),
        "https://wire.example/a/3?ID=1&id=0&flag=&id=-1".to_string(),
        "https://wire.example/a/4?тема=мир&page=2&z%20z=1".to_string(),
        "http://Wire.Example:8080/a/5?b=1&a=2&a=1".to_string(),
        "HTTP://WIRE.EXAMPLE:80/a/6?smid=x".to_string(),
        "https://wire.example/a/7?x=%2Fpath%3Fq&x=%2A&x=*".to_string(),
        "https://wire.example/a/8".to_string(),
    ];
    let mut expected = Vec::new();
    for (i, raw) in cases.iter().enumerate() {
        let id = i as i64 + 1;
        story(&pool, id, 2, raw, "A story.").await;
        expected.push((id, canon::canonical_str(raw)));
    }
    apply(&pool, 11).await;
    let got: Vec<(i64, String)> = sqlx::query_as("SELECT id, url FROM articles ORDER BY id")
        .fetch_all(&pool)
        .await
        .expect("stories");
    assert_eq!(got, expected);
    assert_eq!(expected[0].1, "https://wire.example/a/1?id=3");
}

#[sqlx::test(migrations = "../../migrations")]
async fn the_store_and_the_frontier_name_a_story_alike(pool: PgPool) {
    let store = common::store(pool.clone()).await;
    // A feed link with a tracker only the frontier used to drop, then the same story reordered.
    let shared = "https://wire.example/world/danube-1001?smid=tw-share&page=2&id=7";
    let fed = "https://wire.example/world/danube-1001?id=7&page=2";
    let a = common::minister_story("wire", shared, common::at(2, 9));
    let b = common::minister_story("wire", fed, common::at(3, 9));
    store
        .write_batch(&[common::out(a)])
        .await
        .expect("first write");
    store
        .write_batch(&[common::out(b)])
        .await
        .expect("second write");
    let urls: Vec<String> = sqlx::query_scalar("SELECT url FROM articles")
        .fetch_all(&pool)
        .await
        .expect("stories");
    let frontier_form = canon::canonical(&canon::parse_http_url(shared, 2048).expect("url"));
    assert_eq!(urls, vec![frontier_form]);
}
