//! The write path against a real PostgreSQL: every table's invariants and the upsert paths.

mod common;

use common::*;
use sqlx::{PgPool, Row};

#[sqlx::test(migrations = "../../migrations")]
async fn a_new_story_fills_every_table(pool: PgPool) {
    let store = store(pool.clone()).await;
    let story = minister_story(
        "wire",
        "https://wire.example/world/1001-danube-talks?utm_source=rss",
        at(2, 9),
    );
    let stats = store
        .write_batch(&[
            out(story.clone()),
            failure("https://wire.example/world/1002", at(2, 9)),
        ])
        .await
        .expect("write");
    assert_eq!(
        (
            stats.articles,
            stats.quotes,
            stats.failures,
            stats.raw_pages
        ),
        (1, 2, 1, 1)
    );
    assert_eq!(
        stats.mentions,
        count(&pool, "SELECT count(*) FROM mention_spans").await as u64
    );
    // One row per story and entity, its occurrences in body order.
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM (SELECT article_id, entity_id FROM mentions GROUP BY 1, 2 HAVING count(*) > 1) d"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM mentions WHERE start_offsets <> (SELECT array_agg(x ORDER BY x) FROM unnest(start_offsets) x)"
        )
        .await,
        0
    );

    let row = sqlx::query(
        "SELECT url, source, title, body, authors, dateline_place, dateline_agency, language, version,
                extractor_version, simhash IS NOT NULL AS has_simhash, word_count
         FROM articles",
    )
    .fetch_one(&pool)
    .await
    .expect("one article");
    assert_eq!(
        row.get::<String, _>("url"),
        "https://wire.example/world/1001-danube-talks"
    );
    assert_eq!(row.get::<String, _>("source"), "wire");
    assert_eq!(row.get::<String, _>("body"), MINISTER_STORY);
    assert_eq!(
        row.get::<Vec<String>, _>("authors"),
        vec!["Anna Berger".to_owned()]
    );
    assert_eq!(
        row.get::<Option<String>, _>("dateline_place").as_deref(),
        Some("VIENNA")
    );
    assert_eq!(
        row.get::<Option<String>, _>("dateline_agency").as_deref(),
        Some("WIRE")
    );
    assert_eq!(
        row.get::<Option<String>, _>("language").as_deref(),
        Some("en")
    );
    assert_eq!(row.get::<i32, _>("version"), 1);
    assert_eq!(row.get::<String, _>("extractor_version"), "test-1");
    assert!(row.get::<bool, _>("has_simhash"));
    assert!(row.get::<i32, _>("word_count") > 100);

    // The speaker of each quote is linked to the person entity of that name.
    let linked = sqlx::query(
        "SELECT q.speaker, q.speaker_text, e.name, e.type, substr(a.body, q.start_offset + 1,
                q.end_offset - q.start_offset) = q.text AS offsets_ok
         FROM quotes q JOIN entities e ON e.id = q.speaker_entity_id JOIN articles a ON a.id = q.article_id
         ORDER BY q.start_offset",
    )
    .fetch_all(&pool)
    .await
    .expect("quotes");
    let got: Vec<(String, String, String, bool)> = linked
        .iter()
        .map(|r| {
            (
                r.get("speaker"),
                r.get("speaker_text"),
                r.get("type"),
                r.get("offsets_ok"),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "Clara Weidinger".into(),
                "Weidinger".into(),
                "person".into(),
                true
            ),
            ("Tamas Kertesz".into(), "he".into(), "person".into(), true),
        ]
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM entities").await, 5);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM entity_aliases ea JOIN entities e ON e.id = ea.entity_id WHERE e.name = 'Clara Weidinger'").await,
        2,
        "canonical name and the surname as printed"
    );
    // Every URL of the story resolves to it; the tracking parameter is gone.
    assert_eq!(
        count(&pool, "SELECT count(DISTINCT article_id) FROM article_urls").await,
        1
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM article_urls WHERE url LIKE '%utm_%'"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM failures WHERE class = 'timeout'"
        )
        .await,
        1
    );

    // The raw page comes back byte for byte, though stored compressed.
    let pages = store
        .raw_pages_after(&store::RawPageFilter::default(), 0, 10)
        .await
        .expect("pages");
    assert_eq!(pages.len(), 1);
    assert_eq!(Some(&pages[0].body), story.raw.as_ref().map(|r| &r.body));
    assert_eq!(
        pages[0].content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    let stored_len = count(&pool, "SELECT octet_length(body)::bigint FROM raw_pages").await;
    assert!(
        stored_len < pages[0].body.len() as i64,
        "compressed {stored_len} bytes"
    );
    assert_no_orphans(&pool).await;
}

#[sqlx::test(migrations = "../../migrations")]
async fn the_redirect_chain_is_stored_with_the_page_and_read_back(pool: PgPool) {
    let store = store(pool.clone()).await;
    let mut story = minister_story("wire", "https://wire.example/r/1001", at(2, 9));
    story.final_url = "https://www.wire.example/world/1001-danube-talks".into();
    let chain = vec![
        model::Redirect {
            url: "https://wire.example/r/1001".into(),
            status: 301,
        },
        model::Redirect {
            url: "https://www.wire.example/r/1001".into(),
            status: 302,
        },
    ];
    if let Some(raw) = story.raw.as_mut() {
        raw.redirects = chain.clone();
    }
    let plain = minister_story("wire", "https://wire.example/world/1002-talks", at(2, 10));
    store
        .write_batch(&[out(story.clone()), out(plain)])
        .await
        .expect("write");
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT redirects::text FROM raw_pages ORDER BY url")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        stored,
        vec![
            r#"[{"url": "https://wire.example/r/1001", "status": 301}, {"url": "https://www.wire.example/r/1001", "status": 302}]"#
                .to_owned(),
            "[]".to_owned(),
        ]
    );
    let pages = store
        .raw_pages_after(&store::RawPageFilter::default(), 0, 10)
        .await
        .expect("pages");
    let page = pages
        .iter()
        .find(|p| p.url == story.url)
        .expect("the redirected page");
    assert_eq!(page.final_url, story.final_url);
    assert_eq!(page.redirects, chain);
    assert_eq!(page.to_fetched_page().redirects, chain);
}

#[sqlx::test(migrations = "../../migrations")]
async fn replaying_a_batch_changes_nothing(pool: PgPool) {
    let store = store(pool.clone()).await;
    // A fetch time finer than PostgreSQL's microseconds must still compare equal on replay.
    let precise = at(2, 9) + chrono::Duration::nanoseconds(123_456_789);
    let batch = vec![
        out(minister_story(
            "wire",
            "https://wire.example/world/1001",
            precise,
        )),
        out(bank_story(
            "wire",
            "https://wire.example/business/2001",
            at(3, 9),
        )),
        failure("https://wire.example/world/1002", at(2, 9)),
    ];
    store.write_batch(&batch).await.expect("first write");
    let snapshot = "SELECT (SELECT count(*) FROM articles) || '/' || (SELECT count(*) FROM quotes) || '/' ||
        (SELECT count(*) FROM mentions) || '/' || (SELECT count(*) FROM entities) || '/' ||
        (SELECT count(*) FROM entity_aliases) || '/' || (SELECT count(*) FROM failures) || '/' ||
        (SELECT count(*) FROM raw_pages) || '/' || (SELECT count(*) FROM article_urls) || '/' ||
        (SELECT count(*) FROM article_versions) || '/' || (SELECT max(updated_at)::text FROM articles) || '/' ||
        (SELECT max(id) FROM quotes)";
    let before: String = sqlx::query_scalar(snapshot)
        .fetch_one(&pool)
        .await
        .expect("snapshot");
    let stats = store.write_batch(&batch).await.expect("replay");
    let after: String = sqlx::query_scalar(snapshot)
        .fetch_one(&pool)
        .await
        .expect("snapshot");
    assert_eq!(before, after);
    assert_eq!(
        (
            stats.articles,
            stats.quotes,
            stats.mentions,
            stats.failures,
            stats.unchanged
        ),
        (0, 0, 0, 0, 2)
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_changed_story_makes_a_version(pool: PgPool) {
    let store = store(pool.clone()).await;
    let url = "https://wire.example/world/1001";
    store
        .write_batch(&[out(minister_story("wire", url, at(2, 9)))])
        .await
        .expect("first");
    let updated_body = MINISTER_STORY.replace("next week", "on Thursday");
    let updated = story(
        "wire",
        url,
        at(2, 15),
        "UPDATE: Danube treaty talks to resume on Thursday",
        &updated_body,
    );
    let stats = store.write_batch(&[out(updated)]).await.expect("second");
    assert_eq!((stats.articles, stats.versions), (1, 1));

    let row = sqlx::query("SELECT title, body, version, fetched_at FROM articles")
        .fetch_one(&pool)
        .await
        .expect("row");
    assert_eq!(
        row.get::<String, _>("title"),
        "UPDATE: Danube treaty talks to resume on Thursday"
    );
    assert_eq!(row.get::<String, _>("body"), updated_body);
    assert_eq!(row.get::<i32, _>("version"), 2);
    assert_eq!(
        row.get::<chrono::DateTime<chrono::Utc>, _>("fetched_at"),
        at(2, 15)
    );
    let old = sqlx::query("SELECT version, title, body, fetched_at FROM article_versions")
        .fetch_all(&pool)
        .await
        .expect("versions");
    assert_eq!(old.len(), 1);
    assert_eq!(old[0].get::<i32, _>("version"), 1);
    assert_eq!(old[0].get::<String, _>("body"), MINISTER_STORY);
    assert_eq!(
        old[0].get::<chrono::DateTime<chrono::Utc>, _>("fetched_at"),
        at(2, 9)
    );
    // Quotes were replaced, not added to: offsets point into the new body.
    assert_eq!(count(&pool, "SELECT count(*) FROM quotes").await, 2);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM quotes q JOIN articles a ON a.id = q.article_id
                      WHERE substr(a.body, q.start_offset + 1, q.end_offset - q.start_offset) = q.text").await,
        2
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM raw_pages").await, 2);

    // The older fetch arriving late (a replay) neither reverts the story nor adds a version.
    let stats = store
        .write_batch(&[out(minister_story("wire", url, at(2, 9)))])
        .await
        .expect("late replay");
    assert_eq!((stats.articles, stats.versions, stats.unchanged), (0, 0, 1));
    assert_eq!(
        count(&pool, "SELECT version::bigint FROM articles").await,
        2
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM article_versions").await,
        1
    );
    assert_no_orphans(&pool).await;
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_refetch_of_the_same_story_only_moves_the_fetch_time(pool: PgPool) {
    let store = store(pool.clone()).await;
    let url = "https://wire.example/world/1001";
    store
        .write_batch(&[out(minister_story("wire", url, at(2, 9)))])
        .await
        .expect("first");
    let quote_ids = count(&pool, "SELECT sum(id)::bigint FROM quotes").await;
    // Same story found again through a redirecting URL and a later fetch.
    let mut again = minister_story("wire", "https://wire.example/r/1001", at(4, 9));
    again.final_url = url.to_owned();
    let stats = store.write_batch(&[out(again)]).await.expect("second");
    assert_eq!((stats.articles, stats.versions, stats.quotes), (1, 0, 0));
    assert_eq!(count(&pool, "SELECT count(*) FROM articles").await, 1);
    assert_eq!(
        count(&pool, "SELECT sum(id)::bigint FROM quotes").await,
        quote_ids,
        "quotes untouched"
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM articles WHERE fetched_at = '2026-03-04 09:00+00' AND first_seen_at = '2026-03-02 09:00+00'").await,
        1
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM article_urls").await,
        2,
        "the redirecting URL is recorded"
    );
}

#[sqlx::test(migrations = "../../migrations")]
async fn urls_are_unique_and_canonical_urls_join_stories(pool: PgPool) {
    let store = store(pool.clone()).await;
    let mut a = minister_story("wire", "https://wire.example/world/1001?ref=feed", at(2, 9));
    a.article.canonical_url = Some("https://wire.example/world/danube-treaty-talks-1001".into());
    let mut b = minister_story("wire-europe", "https://wire.example/europe/1001", at(2, 10));
    b.article.canonical_url = Some("https://wire.example/world/danube-treaty-talks-1001".into());
    // A home page declared as canonical must not merge unrelated stories.
    let mut c = bank_story("wire", "https://wire.example/business/2001", at(3, 9));
    c.article.canonical_url = Some("https://wire.example/".into());
    let mut d = minister_story("wire", "https://wire.example/world/3001", at(3, 10));
    d.article.title = Some("Another story".into());
    d.article.body = MINISTER_STORY.replace("Monday", "Friday");
    d.article.canonical_url = Some("https://wire.example/".into());
    // Both copies in one batch, plus the same URL twice.
    let stats = store
        .write_batch(&[out(a.clone()), out(b), out(c), out(d), out(a)])
        .await
        .expect("write");
    assert_eq!(stats.articles, 3);
    assert_eq!(count(&pool, "SELECT count(*) FROM articles").await, 3);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM articles WHERE url = 'https://wire.example/world/danube-treaty-talks-1001'").await,
        1
    );
    assert_eq!(
        count(&pool, "SELECT count(*) - count(DISTINCT url) FROM articles").await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM article_urls WHERE url = 'https://wire.example/'"
        )
        .await,
        0
    );
    // article_urls owns uniqueness: a second story cannot take a URL.
    let dup = sqlx::query(
        "INSERT INTO article_urls (url, article_id, first_seen_at, kind)
                           SELECT url, id, first_seen_at, 'story' FROM articles LIMIT 1",
    )
    .execute(&pool)
    .await;
    assert!(dup.is_err(), "a URL belongs to one story");
    assert_no_orphans(&pool).await;
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_syndicated_copy_links_to_the_first_seen_original(pool: PgPool) {
    let store = store(pool.clone()).await;
    store
        .write_batch(&[out(minister_story(
            "wire",
            "https://wire.example/world/1001",
            at(2, 9),
        ))])
        .await
        .expect("original");
    // A partner agency reruns the story with a new dateline credit, a day later.
    let copy_body = MINISTER_STORY.replace("VIENNA, March 2. /WIRE/.", "VIENNA (Partner) -");
    let copy = story(
        "partner",
        "https://partner.example/n/77",
        at(3, 8),
        "Danube treaty talks to resume",
        &copy_body,
    );
    // A third outlet copies the partner's version, together with an unrelated story.
    let third = story(
        "daily",
        "https://daily.example/a/5",
        at(3, 12),
        "Treaty talks resume",
        &copy_body,
    );
    let stats = store
        .write_batch(&[
            out(copy),
            out(third),
            out(bank_story("daily", "https://daily.example/a/6", at(3, 12))),
        ])
        .await
        .expect("copies");
    assert_eq!(stats.syndicated, 2);
    let rows = sqlx::query(
        "SELECT c.source, o.source AS original FROM articles c JOIN articles o ON o.id = c.syndicated_from ORDER BY c.source",
    )
    .fetch_all(&pool)
    .await
    .expect("links");
    let links: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r.get("source"), r.get("original")))
        .collect();
    assert_eq!(
        links,
        vec![
            ("daily".into(), "wire".into()),
            ("partner".into(), "wire".into())
        ]
    );

    // A copy outside the window is a new story, and so is the same source republishing its own text.
    let late = story(
        "late",
        "https://late.example/x/1",
        at(20, 8),
        "Danube talks",
        &copy_body,
    );
    let rerun = bank_story("daily", "https://daily.example/a/6-corrected", at(3, 13));
    let stats = store
        .write_batch(&[out(late), out(rerun)])
        .await
        .expect("more");
    assert_eq!(stats.syndicated, 0);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM articles WHERE syndicated_from IS NULL"
        )
        .await,
        4
    );
    assert_no_orphans(&pool).await;
}

#[sqlx::test(migrations = "../../migrations")]
async fn two_daemons_writing_the_same_stories_at_once_make_one_row_each(pool: PgPool) {
    let store_a = store(pool.clone()).await;
    let store_b = store_a.clone();
    let urls: Vec<String> = (0..30)
        .map(|i| format!("https://wire.example/world/{}", 5000 + i))
        .collect();
    let make = |order: &mut dyn Iterator<Item = &String>| -> Vec<model::Outcome> {
        order
            .enumerate()
            .map(|(i, u)| {
                let body = MINISTER_STORY.replace("Monday", &format!("Monday ({u})"));
                out(story(
                    "wire",
                    u,
                    at(6, 1 + (i as u32 % 20)),
                    "Danube talks",
                    &body,
                ))
            })
            .collect()
    };
    for _ in 0..3 {
        let forward = make(&mut urls.iter());
        let backward = make(&mut urls.iter().rev());
        let (a, b) = tokio::join!(
            store_a.write_batch(&forward),
            store_b.write_batch(&backward)
        );
        a.expect("first writer");
        b.expect("second writer");
    }
    assert_eq!(count(&pool, "SELECT count(*) FROM articles").await, 30);
    assert_eq!(count(&pool, "SELECT count(*) FROM entities").await, 5);
    assert_eq!(count(&pool, "SELECT count(*) FROM (SELECT article_id FROM quotes GROUP BY article_id HAVING count(*) <> 2) x").await, 0);
    assert_no_orphans(&pool).await;
}

/// Stories matching a query through the analysts' search function.
async fn found(pool: &PgPool, query: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT title FROM search_articles($1, 'en') ORDER BY title")
        .bind(query)
        .fetch_all(pool)
        .await
        .expect("search_articles")
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_written_story_becomes_searchable_once_indexed_and_again_after_a_change(pool: PgPool) {
    let store = store(pool.clone()).await;
    let url = "https://wire.example/world/1001";
    store
        .write_batch(&[
            out(minister_story("wire", url, at(2, 9))),
            out(bank_story(
                "wire",
                "https://wire.example/business/2001",
                at(2, 10),
            )),
        ])
        .await
        .expect("write");
    // The writer leaves the vectors to the indexer: nothing is searchable yet.
    assert!(found(&pool, "pilotage").await.is_empty());
    assert_eq!(
        count(&pool, "SELECT count(*) FROM quotes WHERE search IS NULL").await,
        3
    );

    // A limit smaller than the backlog indexes the oldest first; the next call the rest.
    assert_eq!(store.index_search_batch(1).await.expect("index"), 1);
    assert_eq!(
        found(&pool, "pilotage").await,
        ["Austria and Hungary to resume Danube treaty talks"]
    );
    assert!(found(&pool, "mortgage arrears").await.is_empty());
    assert_eq!(store.index_search_batch(10).await.expect("index"), 1);
    assert_eq!(store.index_search_batch(10).await.expect("index"), 0);
    assert_eq!(found(&pool, "mortgage arrears").await.len(), 1);
    let quote_hits: Vec<String> =
        sqlx::query_scalar("SELECT speaker FROM search_quotes('ports burden', 'en')")
            .fetch_all(&pool)
            .await
            .expect("search_quotes");
    assert_eq!(quote_hits, ["Tamas Kertesz"]);

    // A re-fetch of the same content keeps its vectors.
    let stats = store
        .write_batch(&[out(minister_story("wire", url, at(3, 9)))])
        .await
        .expect("refetch");
    assert_eq!(stats.articles, 1);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM articles WHERE search IS NULL").await,
        0
    );

    // A changed story is searched by its new words once indexed again, never by stale ones.
    let updated_body = MINISTER_STORY.replace("pilotage", "dredging");
    let updated = story(
        "wire",
        url,
        at(4, 9),
        "Danube treaty talks widen",
        &updated_body,
    );
    store.write_batch(&[out(updated)]).await.expect("update");
    assert!(found(&pool, "pilotage").await.is_empty());
    assert!(found(&pool, "dredging").await.is_empty());
    assert_eq!(store.index_search_batch(10).await.expect("index"), 1);
    assert_eq!(
        found(&pool, "dredging").await,
        ["Danube treaty talks widen"]
    );
    assert!(found(&pool, "pilotage").await.is_empty());
    assert_eq!(
        count(&pool, "SELECT count(*) FROM quotes WHERE search IS NULL").await,
        0
    );
}

/// New stories are loaded with COPY and changed ones with an upsert: text that COPY's format
/// treats specially must come back unchanged either way (NUL, which text cannot hold, dropped).
#[sqlx::test(migrations = "../../migrations")]
async fn text_with_copy_format_characters_round_trips(pool: PgPool) {
    let store = store(pool.clone()).await;
    let body = "VIENNA, March 2 (WIRE) - A path C:\\ports\\n and a literal \\N stay.\tTabbed,\r\n\
                next line\nand a NUL\0 byte. Clara Weidinger said: \"Tabs\there, backslash \\ there.\"";
    let mut a = analyzed(
        "wire",
        "https://wire.example/world/2001-escapes",
        at(2, 9),
        "Title with \\N and\ttab",
        body,
        vec![quote(
            body,
            "Tabs\there, backslash \\ there.",
            Some("Clara Weidinger"),
            "Clara Weidinger",
        )],
        vec![model::Entity {
            name: "Clara Weidinger".into(),
            entity_type: model::EntityType::Person,
            mentions: vec![mention(body, "Clara Weidinger")],
        }],
    );
    a.article.authors = vec![
        "Anna \"Ann\" Li".into(),
        "Pat O\\Brien".into(),
        "{Braced}, Name".into(),
    ];
    a.article.tags = vec!["Danube, shipping".into(), "NULL".into()];
    let expected_body = body.replace('\0', "");

    let check = |label: &'static str| {
        let pool = pool.clone();
        let expected_body = expected_body.clone();
        async move {
            let row = sqlx::query(
                "SELECT a.title, a.body, a.authors, a.tags, q.text, m.surface
                 FROM articles a JOIN quotes q ON q.article_id = a.id JOIN mention_spans m ON m.article_id = a.id",
            )
            .fetch_one(&pool)
            .await
            .expect("one row");
            assert_eq!(
                row.get::<String, _>("title"),
                "Title with \\N and\ttab",
                "{label}"
            );
            assert_eq!(row.get::<String, _>("body"), expected_body, "{label}");
            assert_eq!(
                row.get::<Vec<String>, _>("authors"),
                ["Anna \"Ann\" Li", "Pat O\\Brien", "{Braced}, Name"],
                "{label}"
            );
            assert_eq!(
                row.get::<Vec<String>, _>("tags"),
                ["Danube, shipping", "NULL"],
                "{label}"
            );
            assert_eq!(
                row.get::<String, _>("text"),
                "Tabs\there, backslash \\ there.",
                "{label}"
            );
            assert_eq!(
                row.get::<String, _>("surface"),
                "Clara Weidinger",
                "{label}"
            );
        }
    };
    store
        .write_batch(&[out(a.clone())])
        .await
        .expect("new story");
    check("new story (COPY)").await;

    // A later fetch with a changed lede goes through the upsert path.
    a.fetched_at = at(2, 11);
    a.article.lede = Some("Changed lede.".into());
    let stats = store.write_batch(&[out(a)]).await.expect("changed story");
    assert_eq!(stats.versions, 1);
    check("changed story (upsert)").await;
}

#[sqlx::test(migrations = "../../migrations")]
async fn copies_are_linked_across_writers_sharing_the_database(pool: PgPool) {
    let second_pool = || async {
        sqlx::postgres::PgPoolOptions::new()
            .max_connections(2)
            .connect_with((*pool.connect_options()).clone())
            .await
            .expect("a second writer's pool")
    };
    // Two daemons: each store has its own connections and its own index of recent stories.
    let wire = store(pool.clone()).await;
    let partner = store(second_pool().await).await;
    partner
        .write_batch(&[out(bank_story(
            "partner",
            "https://partner.example/n/1",
            at(2, 8),
        ))])
        .await
        .expect("partner's first story");
    wire.write_batch(&[out(minister_story(
        "wire",
        "https://wire.example/world/1001",
        at(2, 9),
    ))])
    .await
    .expect("original");
    // The partner read the table before the original existed: it hears of it by announcement.
    until_heard(&partner, 2).await;
    let copy_body = MINISTER_STORY.replace("VIENNA, March 2. /WIRE/.", "VIENNA (Partner) -");
    let stats = partner
        .write_batch(&[out(story(
            "partner",
            "https://partner.example/n/2",
            at(3, 8),
            "Danube treaty talks to resume",
            &copy_body,
        ))])
        .await
        .expect("copy");
    assert_eq!(stats.syndicated, 1);

    // A writer started later loads recent stories from the table, and follows the copy's link.
    let late = store(second_pool().await).await;
    let stats = late
        .write_batch(&[out(story(
            "daily",
            "https://daily.example/a/9",
            at(4, 8),
            "Treaty talks resume",
            &copy_body,
        ))])
        .await
        .expect("third copy");
    assert_eq!(stats.syndicated, 1);
    let originals: Vec<String> = sqlx::query_scalar(
        "SELECT o.source FROM articles c JOIN articles o ON o.id = c.syndicated_from ORDER BY c.source",
    )
    .fetch_all(&pool)
    .await
    .expect("links");
    assert_eq!(originals, vec!["wire".to_string(), "wire".to_string()]);
    assert_no_orphans(&pool).await;
}

#[sqlx::test(migrations = "../../migrations")]
async fn a_writer_links_a_copy_to_an_original_it_only_heard_announced(pool: PgPool) {
    // Recent stories: the second writer's index covers everything after its first load, so the
    // original can reach it only by announcement. Its pool has one connection, which the listener
    // must not take.
    let now = chrono::Utc::now();
    let wire = store(pool.clone()).await;
    let partner = store(
        sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect_with((*pool.connect_options()).clone())
            .await
            .expect("a one-connection pool"),
    )
    .await;
    partner
        .write_batch(&[out(bank_story(
            "partner",
            "https://partner.example/n/1",
            now - chrono::Duration::hours(2),
        ))])
        .await
        .expect("partner's first story");
    wire.write_batch(&[out(minister_story(
        "wire",
        "https://wire.example/world/1001",
        now - chrono::Duration::hours(1),
    ))])
    .await
    .expect("original");
    until_heard(&partner, 2).await;
    let copy_body = MINISTER_STORY.replace("VIENNA, March 2. /WIRE/.", "VIENNA (Partner) -");
    let stats = partner
        .write_batch(&[out(story(
            "partner",
            "https://partner.example/n/2",
            now,
            "Danube treaty talks to resume",
            &copy_body,
        ))])
        .await
        .expect("copy");
    assert_eq!(stats.syndicated, 1);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM articles c JOIN articles o ON o.id = c.syndicated_from WHERE o.source = 'wire'"
        )
        .await,
        1
    );
}

/// Waits (up to ten seconds) until `store`'s syndication index holds `stories` stories.
async fn until_heard(store: &store::Store, stories: usize) {
    let mut waited = 0;
    while store.syndication_index_len() < stories {
        assert!(waited < 200, "the announcement never arrived");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        waited += 1;
    }
}
