//! Schema-level invariants: the reader role, partitions and retention, documentation of every
//! column, database creation, sources, reprocessing and hostile input.

mod common;

use common::*;
use model::{EntityType, Mention, Quote, QuoteKind, Source, SourceKind};
use sqlx::{PgPool, Row};
use std::time::Duration;

#[sqlx::test(migrations = "../../migrations")]
async fn the_reader_role_reads_but_cannot_write(pool: PgPool) {
    let store = store(pool.clone()).await;
    load_examples_fixture(&store).await;
    let mut conn = pool.acquire().await.expect("connection");
    sqlx::query("SET ROLE wirehose_reader")
        .execute(&mut *conn)
        .await
        .expect("reader role");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM quote_details")
        .fetch_one(&mut *conn)
        .await
        .expect("select");
    assert_eq!(n, 5);
    for sql in [
        "INSERT INTO entities (name, type) VALUES ('Someone', 'person')",
        "UPDATE articles SET title = 'defaced'",
        "DELETE FROM quotes",
        "TRUNCATE mentions",
        "SELECT count(*) FROM raw_pages",
        "SELECT wirehose_ensure_partitions(now(), now() + interval '2 years')",
        "CREATE TABLE scratch (x int)",
    ] {
        let err = sqlx::query(sql).execute(&mut *conn).await.expect_err(sql);
        let code = err
            .as_database_error()
            .and_then(|e| e.code())
            .map(|c| c.into_owned());
        assert_eq!(code.as_deref(), Some("42501"), "{sql}: {err}");
    }
    sqlx::query("RESET ROLE")
        .execute(&mut *conn)
        .await
        .expect("reset");
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM articles WHERE title = 'defaced'"
        )
        .await,
        0
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn partitions_are_created_ahead_and_on_demand_and_dropped_for_retention(pool: PgPool) {
    let store = store::Store::new(pool.clone());
    let parts = "SELECT count(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'articles'";
    // The migration created last month to three months ahead.
    assert!(count(&pool, parts).await >= 5);
    let next_year = chrono::Utc::now() + chrono::Duration::days(400);
    let name = format!("articles_p{}", next_year.format("%Y_%m"));
    let exists = format!("SELECT count(*) FROM pg_class WHERE relname = '{name}'");
    assert_eq!(count(&pool, &exists).await, 0);
    assert_eq!(
        store.ensure_partitions().await.expect("ensure"),
        0,
        "already there"
    );

    // A story fetched in a month without partitions creates them as it is written.
    let story = minister_story("wire", "https://wire.example/world/1001", next_year);
    store
        .write_batch(&[out(story)])
        .await
        .expect("write into a new month");
    assert_eq!(count(&pool, &exists).await, 1);
    for table in ["quotes", "mentions", "article_versions", "raw_pages"] {
        let q = format!(
            "SELECT count(*) FROM pg_class WHERE relname = '{table}_p{}'",
            next_year.format("%Y_%m")
        );
        assert_eq!(count(&pool, &q).await, 1, "{table}");
    }

    // An old month: written, then dropped whole with its URLs, quotes and raw pages.
    let old = at(10, 8);
    let store = store.with_extractor_version("test-1");
    store
        .write_batch(&[out(bank_story(
            "wire",
            "https://wire.example/business/2001",
            old,
        ))])
        .await
        .expect("old");
    assert_eq!(count(&pool, "SELECT count(*) FROM articles").await, 2);
    let dropped = store
        .drop_partitions_older_than(at(1, 0) + chrono::Duration::days(31))
        .await
        .expect("retention");
    assert_eq!(dropped, 1);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM pg_class WHERE relname = 'articles_p2026_03'"
        )
        .await,
        0
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM articles").await, 1);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM quotes WHERE text LIKE 'The banking system%'"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM article_urls WHERE url LIKE '%business%'"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM raw_pages WHERE url LIKE '%business%'"
        )
        .await,
        0
    );
    // The same URL can come back later as a new story.
    store
        .write_batch(&[out(bank_story(
            "wire",
            "https://wire.example/business/2001",
            next_year,
        ))])
        .await
        .expect("again");
    assert_eq!(count(&pool, "SELECT count(*) FROM articles").await, 2);

    // Raw pages have their own, shorter retention.
    let raw_dropped = store
        .drop_raw_pages_older_than(next_year + chrono::Duration::days(62))
        .await
        .expect("raw");
    assert!(raw_dropped >= 1);
    assert_eq!(count(&pool, "SELECT count(*) FROM raw_pages").await, 0);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM articles").await,
        2,
        "stories stay"
    );
    assert_no_orphans(&pool).await;
}

#[sqlx::test(migrations = "../../migrations")]
async fn every_table_view_and_column_of_the_store_is_documented(pool: PgPool) {
    let missing: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname || coalesce('.' || a.attname, '')
         FROM pg_class c
         LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE c.relnamespace = 'public'::regnamespace
           AND c.relkind IN ('r', 'p', 'v')
           AND NOT c.relispartition
           AND c.relname NOT LIKE 'crawl\\_%' AND c.relname NOT LIKE '\\_sqlx%'
           AND col_description(c.oid, a.attnum) IS NULL
         ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .expect("catalog");
    assert!(missing.is_empty(), "undocumented columns: {missing:?}");
    let undocumented_tables: Vec<String> = sqlx::query_scalar(
        "SELECT relname::text FROM pg_class
         WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p', 'v') AND NOT relispartition
           AND relname NOT LIKE 'crawl\\_%' AND relname NOT LIKE '\\_sqlx%'
           AND obj_description(oid, 'pg_class') IS NULL",
    )
    .fetch_all(&pool)
    .await
    .expect("catalog");
    assert!(
        undocumented_tables.is_empty(),
        "undocumented tables: {undocumented_tables:?}"
    );
    let tables = count(&pool, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace
                               AND relkind IN ('r', 'p', 'v') AND NOT relispartition AND relname NOT LIKE 'crawl\\_%'
                               AND relname NOT LIKE '\\_sqlx%'").await;
    assert!(tables >= 14, "{tables} tables and views checked");
}

#[sqlx::test(migrations = "../../migrations")]
async fn sources_are_upserted_and_their_changes_kept(pool: PgPool) {
    let store = store(pool.clone()).await;
    let mut tass = Source {
        name: "tass".into(),
        agency: Some("TASS".into()),
        kind: SourceKind::Rss,
        url: "https://tass.example/rss/v2.xml".into(),
        poll_interval: Duration::from_secs(120),
        link_selector: None,
        allowed_hosts: vec!["cdn.tass.example".into()],
    };
    store.upsert_sources(&[tass.clone()]).await.expect("first");
    store
        .upsert_sources(&[tass.clone()])
        .await
        .expect("same again");
    tass.poll_interval = Duration::from_secs(300);
    store.upsert_sources(&[tass]).await.expect("changed");
    let row = sqlx::query("SELECT agency, kind, poll_interval_secs, allowed_hosts FROM sources")
        .fetch_one(&pool)
        .await
        .expect("one source");
    assert_eq!(row.get::<String, _>("agency"), "TASS");
    assert_eq!(row.get::<String, _>("kind"), "rss");
    assert_eq!(row.get::<f64, _>("poll_interval_secs"), 300.0);
    assert_eq!(
        row.get::<Vec<String>, _>("allowed_hosts"),
        vec!["cdn.tass.example".to_owned()]
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn hostile_input_is_stored_without_failing_the_batch(pool: PgPool) {
    let store = store(pool.clone()).await;
    let body = "BERLIN. Grüße \u{0}aus Berlin, sagte Jürgen Maaß. \"Alles gut\", sagte er.";
    let quotes = vec![Quote {
        text: "Alles gut\u{0}".into(),
        speaker: Some("Jürgen Maaß".into()),
        speaker_type: Some(EntityType::Person),
        speaker_text: Some("er".into()),
        kind: QuoteKind::Direct,
        cue: Some("sagte".into()),
        start: usize::MAX,
        end: 3,
        confidence: f32::NAN,
    }];
    let entities = vec![model::Entity {
        name: "Jürgen Maaß".repeat(200),
        entity_type: EntityType::Person,
        mentions: vec![Mention {
            text: "Maaß".into(),
            start: 40,
            end: 20,
        }],
    }];
    let mut a = analyzed(
        "wire",
        &format!("https://wire.example/{}", "x".repeat(5000)),
        at(5, 5),
        "Grüße",
        body,
        quotes,
        entities,
    );
    a.article.authors = vec!["A\u{1f}B".into(), String::new()];
    a.article.tags = vec!["\u{0}".into()];
    let stats = store
        .write_batch(&[out(a), failure(&"y".repeat(5000), at(5, 5))])
        .await
        .expect("stored anyway");
    assert_eq!(
        (stats.articles, stats.quotes, stats.mentions, stats.failures),
        (1, 1, 1, 1)
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM articles WHERE body LIKE 'BERLIN. Grüße aus%'"
        )
        .await,
        1
    );
    assert_eq!(
        count(&pool, "SELECT cardinality(authors)::bigint FROM articles").await,
        1
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM quotes WHERE end_offset >= start_offset"
        )
        .await,
        1
    );
    assert_no_orphans(&pool).await;
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_huge_page_of_distinct_words_is_stored_and_searchable(pool: PgPool) {
    let store = store(pool.clone()).await;
    // About 3 MB of distinct words: its full vector would be far over PostgreSQL's 1 MB limit.
    let mut body = String::from("GENEVA. Delegates published the full negotiating index. ");
    for i in 0..300_000 {
        body.push_str(&format!("term{i} "));
    }
    let a = analyzed(
        "wire",
        "https://wire.example/data/1",
        at(5, 5),
        "Index",
        &body,
        vec![],
        vec![],
    );
    let stats = store.write_batch(&[out(a)]).await.expect("stored");
    assert_eq!(stats.articles, 1);
    assert_eq!(store.index_search_batch(10).await.expect("indexed"), 1);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM articles WHERE search @@ to_tsquery('english', 'negotiating & term10')").await,
        1
    );
    assert_eq!(
        count(&pool, "SELECT length(body)::bigint FROM articles").await,
        body.chars().count() as i64
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn reprocessing_rewrites_quotes_in_place_and_resumes(pool: PgPool) {
    let store = store(pool.clone()).await;
    let urls: Vec<String> = (0..5)
        .map(|i| format!("https://wire.example/world/{}", 1000 + i))
        .collect();
    let batch: Vec<_> = urls
        .iter()
        .enumerate()
        .map(|(i, u)| {
            if i % 2 == 0 {
                out(minister_story("wire", u, at(2, 8 + i as u32)))
            } else {
                out(bank_story("other", u, at(2, 8 + i as u32)))
            }
        })
        .collect();
    store.write_batch(&batch).await.expect("ingest");
    let versions_before = count(&pool, "SELECT sum(version)::bigint FROM articles").await;

    // A newer analyzer: it now also attributes an unattributed sentence, and finds no Vienna.
    let newer = store.clone().with_extractor_version("test-2");
    let filter = store::RawPageFilter {
        source: Some("wire".into()),
        extractor_version_not: Some("test-2".into()),
        ..Default::default()
    };
    assert_eq!(newer.count_raw_pages(&filter).await.expect("count"), 3);
    let name = filter.cursor_name();
    let mut after = newer.load_cursor(&name).await.expect("cursor");
    assert_eq!(after, 0);
    let mut seen = Vec::new();
    // One page per call, "crashing" after the first to prove the cursor resumes.
    for round in 0..2 {
        let pages = newer
            .raw_pages_after(&filter, after, 1)
            .await
            .expect("page");
        let Some(page) = pages.first() else { break };
        assert_eq!(page.source, "wire");
        assert_eq!(page.extractor_version, "test-1");
        let fetched = page.to_fetched_page();
        let mut redone = minister_story(&fetched.source, &fetched.url, fetched.fetched_at);
        redone.analysis.entities.retain(|e| e.name != "Vienna");
        redone.analysis.quotes.push(Quote {
            text: "Officials from Slovakia, Croatia and Serbia are expected to join the next round"
                .into(),
            speaker: Some("Foreign Ministry".into()),
            speaker_type: Some(EntityType::Organization),
            speaker_text: Some("the ministry".into()),
            kind: QuoteKind::Indirect,
            cue: Some("said in a statement".into()),
            start: 0,
            end: 10,
            confidence: 0.6,
        });
        let stats = newer
            .write_reprocessed(&[out(redone)])
            .await
            .expect("rewrite");
        assert_eq!((stats.articles, stats.quotes, stats.versions), (1, 3, 0));
        seen.push(page.article_id);
        after = page.article_id;
        newer.save_cursor(&name, after).await.expect("save");
        if round == 0 {
            after = newer.load_cursor(&name).await.expect("resume");
        }
    }
    // The rest of the run, in bigger pages.
    loop {
        let pages = newer
            .raw_pages_after(&filter, after, 10)
            .await
            .expect("page");
        if pages.is_empty() {
            break;
        }
        for page in &pages {
            let f = page.to_fetched_page();
            let mut redone = minister_story(&f.source, &f.url, f.fetched_at);
            redone.analysis.entities.retain(|e| e.name != "Vienna");
            newer
                .write_reprocessed(&[out(redone)])
                .await
                .expect("rewrite");
            seen.push(page.article_id);
            after = page.article_id;
        }
    }
    newer.clear_cursor(&name).await.expect("clear");
    assert_eq!(seen.len(), 3, "each wire story once: {seen:?}");
    assert_eq!(
        newer.count_raw_pages(&filter).await.expect("count"),
        0,
        "all at the new version"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM articles WHERE extractor_version = 'test-2'"
        )
        .await,
        3
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM articles WHERE extractor_version = 'test-1'"
        )
        .await,
        2
    );
    assert_eq!(
        count(&pool, "SELECT sum(version)::bigint FROM articles").await,
        versions_before,
        "no versions"
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM article_versions").await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM quotes WHERE speaker = 'Foreign Ministry'"
        )
        .await,
        2
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM mentions m JOIN entities e ON e.id = m.entity_id
                      JOIN articles a ON a.id = m.article_id WHERE e.name = 'Vienna' AND a.source = 'wire'").await,
        0
    );
    // A reprocessed page whose story is unknown is counted, not inserted.
    let stray = minister_story("wire", "https://wire.example/never-stored", at(2, 8));
    let stats = newer.write_reprocessed(&[out(stray)]).await.expect("stray");
    assert_eq!((stats.articles, stats.unknown), (0, 1));
    assert_eq!(count(&pool, "SELECT count(*) FROM articles").await, 5);
    assert_no_orphans(&pool).await;
}

#[tokio::test]
async fn connect_creates_a_missing_database() {
    // The same server `#[sqlx::test]` finds through the workspace's `.env`.
    let base = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("wirehose_connect_{}", std::process::id());
    let mut url = url::Url::parse(&base).expect("DATABASE_URL is a URL");
    url.set_path(&name);
    let store = store::Store::connect(url.as_str()).await.unwrap_or_else(|e| {
        panic!("{e}: is PostgreSQL running? start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`")
    });
    store
        .migrate()
        .await
        .expect("migrations on the new database");
    // A second daemon starting at the same time finds it there.
    let again = store::Store::connect(url.as_str())
        .await
        .expect("connect again");
    again.migrate().await.expect("migrations are idempotent");
    let db: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(store.pool())
        .await
        .expect("query");
    assert_eq!(db, name);
    store.pool().close().await;
    again.pool().close().await;
    let admin = sqlx::PgPool::connect(&base).await.expect("admin");
    sqlx::query(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .execute(&admin)
        .await
        .expect("drop");
}

#[sqlx::test(migrations = false)]
async fn migration_9_groups_existing_mentions_by_story_and_entity(pool: PgPool) {
    // The schema as it was before mentions were grouped, with mentions in the old shape.
    let before = sqlx::migrate::Migrator {
        migrations: std::borrow::Cow::Owned(
            store::MIGRATOR
                .iter()
                .filter(|m| m.version < 9)
                .cloned()
                .collect(),
        ),
        ..sqlx::migrate::Migrator::DEFAULT
    };
    before.run(&pool).await.expect("migrations 1-8");
    sqlx::raw_sql(
        "SELECT wirehose_ensure_partitions('2026-03-01', '2026-03-31');
         SELECT wirehose_ensure_partitions('2024-01-01', '2024-01-31');
         INSERT INTO sources (name) VALUES ('wire');
         INSERT INTO articles (id, first_seen_at, url, source, body, content_hash, extractor_version, fetched_at)
             VALUES (99, '2024-01-10 09:00+00', 'https://wire.example/old', 'wire', 'Old story.', '\\x00', 'old', '2024-01-10 09:00+00');
         INSERT INTO entities (id, name, type) VALUES (1, 'Vienna', 'location'), (2, 'Clara Weidinger', 'person');
         INSERT INTO mentions (article_id, first_seen_at, entity_id, start_offset, end_offset, surface) VALUES
             (7, '2026-03-02 09:00+00', 2, 90, 99, 'Weidinger'),
             (7, '2026-03-02 09:00+00', 1, 0, 6, 'VIENNA'),
             (7, '2026-03-02 09:00+00', 2, 20, 35, 'Clara Weidinger'),
             (8, '2026-03-03 09:00+00', 1, 4, 10, 'Vienna');",
    )
    .execute(&pool)
    .await
    .expect("old-shape mentions");

    store::MIGRATOR
        .run(&pool)
        .await
        .expect("migration 9 and on");
    // (article, entity, start offsets, end offsets, surfaces)
    type Grouped = (i64, i64, Vec<i32>, Vec<i32>, Vec<String>);
    let rows: Vec<Grouped> = sqlx::query_as(
        "SELECT article_id, entity_id, start_offsets, end_offsets, surfaces FROM mentions ORDER BY 1, 2",
    )
    .fetch_all(&pool)
    .await
    .expect("grouped mentions");
    assert_eq!(
        rows,
        vec![
            (7, 1, vec![0], vec![6], vec!["VIENNA".to_string()]),
            (
                7,
                2,
                vec![20, 90],
                vec![35, 99],
                vec!["Clara Weidinger".to_string(), "Weidinger".to_string()]
            ),
            (8, 1, vec![4], vec![10], vec!["Vienna".to_string()]),
        ]
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM mention_spans").await, 4);
    // A month with stories but no mentions still has a mentions partition to write into.
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM pg_class WHERE relname = 'mentions_p2024_01'"
        )
        .await,
        1
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn story_bodies_are_compressed_with_lz4_in_every_partition(pool: PgPool) {
    let store = store(pool.clone()).await;
    // A month far from the others gets its partitions on demand.
    store
        .write_batch(&[out(minister_story(
            "wire",
            "https://wire.example/world/2030",
            at(2, 9) + chrono::Duration::days(900),
        ))])
        .await
        .expect("a story in a new month");
    let not_lz4: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname || '.' || a.attname
         FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
         WHERE (c.relname LIKE 'articles%' OR c.relname LIKE 'article_versions%')
           AND c.relkind IN ('r', 'p') AND a.attname IN ('body', 'search')
           AND a.attcompression IS DISTINCT FROM 'l'
         ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .expect("column settings");
    assert!(
        not_lz4.is_empty(),
        "columns without lz4 (is this PostgreSQL built without lz4?): {not_lz4:?}"
    );
    let body: String = sqlx::query_scalar("SELECT body FROM articles")
        .fetch_one(&pool)
        .await
        .expect("body reads back");
    assert_eq!(body, MINISTER_STORY);
}
