//! The web view against a real PostgreSQL seeded through the store: each page's content, its
//! JSON twin, status codes, escaping of hostile text, and 503s from a slow or dead database.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use chrono::{DateTime, TimeZone, Utc};
use model::{
    Analysis, AnalyzedArticle, Article, Dateline, Entity, EntityType, Mention, Outcome, Quote,
    QuoteKind,
};
use sqlx::PgPool;

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0)
        .single()
        .expect("valid fixture time")
}

const TREATY: &str = "VIENNA, March 2 (Test Wire) - Austria's foreign minister Clara Weidinger said on Monday that \
talks on the Danube shipping treaty would resume next week in Vienna.\n\n\"We are closer to an agreement than at any \
time in the last two years,\" Weidinger told reporters after meeting her Hungarian counterpart Tamas Kertesz.\n\n\
Kertesz said Budapest wanted guarantees for its river ports before signing. \"Our ports cannot carry the burden \
alone,\" he said.\n\nThe treaty would set common rules for cargo fees and pilotage along the river.";

const HOSTILE: &str = "OSLO, March 4 (Test Wire) - A spokesman for the harbour authority, Erik <script>alert(2)</script> Dahl, \
said the ferry schedule would change. \"<script>alert(3)</script> the ferries will run late,\" Dahl said on Wednesday \
in Oslo, adding that repairs at the quay would take a fortnight.";

fn span(body: &str, needle: &str) -> (usize, usize) {
    let byte = body.find(needle).expect("fixture text contains the needle");
    let start = model::char_offset(body, byte);
    (start, start + needle.chars().count())
}

fn quote(body: &str, text: &str, speaker: &str, kind: QuoteKind) -> Quote {
    let (start, end) = span(body, text);
    Quote {
        text: text.into(),
        speaker: Some(speaker.into()),
        speaker_type: Some(EntityType::Person),
        speaker_text: Some(speaker.into()),
        kind,
        cue: Some("said".into()),
        start,
        end,
        confidence: 0.9,
    }
}

fn entity(body: &str, name: &str, ty: EntityType, forms: &[&str]) -> Entity {
    let mut mentions: Vec<Mention> = forms
        .iter()
        .flat_map(|f| body.match_indices(f).map(move |(b, _)| (b, *f)))
        .map(|(b, f)| {
            let start = model::char_offset(body, b);
            Mention {
                text: f.into(),
                start,
                end: start + f.chars().count(),
            }
        })
        .collect();
    mentions.sort_by_key(|m| m.start);
    Entity {
        name: name.into(),
        entity_type: ty,
        mentions,
    }
}

struct Draft<'a> {
    source: &'a str,
    agency: &'a str,
    url: String,
    at: DateTime<Utc>,
    title: String,
    body: &'a str,
    quotes: Vec<Quote>,
    entities: Vec<Entity>,
}

fn article(d: Draft<'_>) -> Outcome {
    Outcome::Article(Box::new(AnalyzedArticle {
        source: d.source.into(),
        agency: Some(d.agency.into()),
        url: d.url.clone(),
        final_url: d.url,
        fetched_at: d.at,
        article: Article {
            title: Some(d.title),
            lede: None,
            body: d.body.into(),
            authors: vec!["Test Wire staff".into()],
            published_at: Some(d.at.fixed_offset()),
            dateline: Some(Dateline {
                place: d.body.split(',').next().map(str::to_owned),
                date: Some("March 2".into()),
                agency: Some("Test Wire".into()),
            }),
            language: Some("en".into()),
            canonical_url: Some(format!("https://canonical.example/{}", d.at.timestamp())),
            ..Article::default()
        },
        analysis: Analysis {
            quotes: d.quotes,
            entities: d.entities,
            simhash: analyzer::simhash::simhash(d.body),
        },
        raw: None,
    }))
}

fn treaty(source: &str, agency: &str, url: &str, when: DateTime<Utc>) -> Outcome {
    let body = TREATY;
    article(Draft {
        source,
        agency,
        url: url.into(),
        at: when,
        title: "Austria and Hungary to resume Danube treaty talks".into(),
        body,
        quotes: vec![
            quote(
                body,
                "We are closer to an agreement than at any time in the last two years,",
                "Clara Weidinger",
                QuoteKind::Direct,
            ),
            quote(
                body,
                "Our ports cannot carry the burden alone,",
                "Tamas Kertesz",
                QuoteKind::Direct,
            ),
        ],
        entities: vec![
            entity(
                body,
                "Clara Weidinger",
                EntityType::Person,
                &["Clara Weidinger", "Weidinger told"],
            ),
            entity(
                body,
                "Tamas Kertesz",
                EntityType::Person,
                &["Tamas Kertesz"],
            ),
            entity(body, "Vienna", EntityType::Location, &["Vienna"]),
            entity(body, "Budapest", EntityType::Location, &["Budapest"]),
        ],
    })
}

fn hostile() -> Outcome {
    let body = HOSTILE;
    let speaker = "Erik <script>alert(2)</script> Dahl";
    article(Draft {
        source: "nordic",
        agency: "Nordic <script>alert(4)</script> Wire",
        url: "https://nordic.example/ferries".into(),
        at: at(4, 9),
        title: "<script>alert(1)</script> Ferry schedule changes".into(),
        body,
        quotes: vec![quote(
            body,
            "<script>alert(3)</script> the ferries will run late,",
            speaker,
            QuoteKind::Partial,
        )],
        entities: vec![
            entity(body, speaker, EntityType::Person, &[speaker]),
            entity(body, "Oslo", EntityType::Location, &["Oslo"]),
        ],
    })
}

/// Thirty short market reports of one source, for paging and the source filter.
fn market_reports() -> Vec<Outcome> {
    (0..30)
        .map(|i| {
            let body: &'static str = Box::leak(
                format!(
                    "SEOUL, March {d} (Market Wire) - Shares in Seoul closed {dir} on day {i} as exporters \
                     weighed currency moves, dealers said. Turnover was about {t} million shares.",
                    d = 5 + i % 3,
                    dir = if i % 2 == 0 { "higher" } else { "lower" },
                    t = 300 + i * 7
                )
                .into_boxed_str(),
            );
            article(Draft {
                source: "markets",
                agency: "Market Wire",
                url: format!("https://markets.example/report/{i}"),
                at: at(5 + (i % 3) as u32, (i / 3) as u32),
                title: format!("Seoul shares close, report {i}"),
                body,
                quotes: Vec::new(),
                entities: vec![entity(body, "Seoul", EntityType::Location, &["Seoul"])],
            })
        })
        .collect()
}

/// A migrated database with the fixture stories, indexed for search.
async fn seeded() -> (String, String, PgPool) {
    let (name, url) = common::fresh_database("web");
    let store = store::Store::connect(&url)
        .await
        .expect("create the test database")
        .with_extractor_version("test-web");
    store.migrate().await.expect("migrate");
    sqlx::query("SELECT wirehose_ensure_partitions($1, $2)")
        .bind(at(1, 0))
        .bind(at(28, 0))
        .execute(store.pool())
        .await
        .expect("fixture partitions");
    store
        .write_batch(&[treaty(
            "danube",
            "Danube Wire",
            "https://danube.example/treaty",
            at(2, 10),
        )])
        .await
        .expect("write the treaty story");
    // The same story from a second agency an hour later: a syndicated copy.
    store
        .write_batch(&[
            treaty(
                "alpine",
                "Alpine Press",
                "https://alpine.example/danube-talks",
                at(2, 11),
            ),
            hostile(),
        ])
        .await
        .expect("write the copy and the hostile story");
    store
        .write_batch(&market_reports())
        .await
        .expect("write the market reports");
    while store.index_search_batch(100).await.expect("index search") > 0 {}
    let pool = store.pool().clone();
    (name, url, pool)
}

/// A running `wirehose serve` and the address it printed.
struct Server {
    child: Child,
    base: String,
    _dir: TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn serve(db_url: &str, extra: &str) -> Server {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "wirehose-web-{}-{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = dir.join("wirehose.toml");
    std::fs::write(
        &config,
        format!("[database]\nurl = \"{db_url}\"\n\n[web]\nstatement_timeout = \"1s\"\n{extra}"),
    )
    .expect("write config");
    let mut child = Command::new(env!("CARGO_BIN_EXE_wirehose"))
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(&config)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start wirehose serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read the address line");
    let base = line
        .trim()
        .strip_prefix("serving on ")
        .unwrap_or_else(|| panic!("wirehose serve did not print its address: {line:?}"))
        .trim_end_matches('/')
        .to_string();
    Server {
        child,
        base,
        _dir: TempDir(dir),
    }
}

async fn get(base: &str, path: &str) -> (u16, String) {
    let r = reqwest::get(format!("{base}{path}"))
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = r.status().as_u16();
    (status, r.text().await.expect("body"))
}

async fn json(base: &str, path: &str) -> serde_json::Value {
    let (status, body) = get(base, path).await;
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path} is not JSON ({e}): {body}"))
}

async fn id_of(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[tokio::test]
async fn pages_show_stories_quotes_speakers_and_entities() {
    let (name, url, pool) = seeded().await;
    let s = serve(&url, "");
    let original = id_of(&pool, "SELECT id FROM articles WHERE source = 'danube'").await;
    let copy = id_of(&pool, "SELECT id FROM articles WHERE source = 'alpine'").await;
    let clara = id_of(
        &pool,
        "SELECT id FROM entities WHERE name = 'Clara Weidinger'",
    )
    .await;
    let tamas = id_of(
        &pool,
        "SELECT id FROM entities WHERE name = 'Tamas Kertesz'",
    )
    .await;
    let vienna = id_of(&pool, "SELECT id FROM entities WHERE name = 'Vienna'").await;

    // Home: newest first, with counts, paged, filtered by source and day.
    let (status, home) = get(&s.base, "/").await;
    assert_eq!(status, 200);
    assert!(home.contains("Seoul shares close, report 29"));
    assert!(home.contains("rel=\"next\""), "33 stories make two pages");
    let (_, older) = get(&s.base, "/?page=2").await;
    assert!(older.contains("Austria and Hungary to resume Danube treaty talks"));
    assert!(older.contains(&format!("href=\"/stories/{original}\"")));
    assert!(older.contains("rel=\"prev\""));
    let (_, danube) = get(&s.base, "/?source=danube").await;
    assert!(danube.contains(&format!("/stories/{original}\"")));
    assert!(!danube.contains("Seoul shares"));
    let (_, day) = get(&s.base, "/?day=2026-03-04").await;
    assert!(day.contains("Ferry schedule changes") && !day.contains("Danube treaty"));
    let list = json(&s.base, "/api/stories?source=danube").await;
    let first = &list["stories"]["items"][0];
    assert_eq!(first["id"], original);
    assert_eq!(first["quotes"], 2);
    assert_eq!(first["entities"], 4);
    let page2 = json(&s.base, "/api/stories?page=2").await;
    assert_eq!(page2["stories"]["items"].as_array().unwrap().len(), 8);
    assert_eq!(page2["stories"]["has_more"], false);

    // Story: fields, quotes marked in the body with speaker and kind, mentions, the copy.
    let (status, story) = get(&s.base, &format!("/stories/{original}")).await;
    assert_eq!(status, 200);
    assert!(story.contains("Danube Wire"));
    assert!(story.contains("https://canonical.example/"));
    assert!(story.contains("<mark class=\"quote direct\""));
    assert!(story
        .contains(">We are closer to an agreement than at any time in the last two years,</mark>"));
    assert!(story.contains(&format!(
        "<a class=\"speaker\" href=\"/speakers/{clara}\">Clara Weidinger</a>"
    )));
    assert!(story.contains("<span class=\"kind\">direct</span>"));
    assert!(story.contains(&format!("href=\"/entities/{vienna}\"")));
    assert!(story.contains("Also published by"));
    assert!(story.contains(&format!("href=\"/stories/{copy}\">Alpine Press</a>")));
    let (_, copy_page) = get(&s.base, &format!("/stories/{copy}")).await;
    assert!(copy_page.contains(&format!(
        "href=\"/stories/{original}\">Danube Wire</a> (original)"
    )));
    let twin = json(&s.base, &format!("/api/stories/{original}")).await;
    assert_eq!(
        twin["title"],
        "Austria and Hungary to resume Danube treaty talks"
    );
    assert_eq!(twin["quotes"].as_array().unwrap().len(), 2);
    assert_eq!(twin["quotes"][0]["speaker_id"], clara);
    assert_eq!(twin["copies"][0]["id"], copy);

    // Speaker: quotes in blockquotes with story links, chart, who else spoke.
    let (status, speaker) = get(&s.base, &format!("/speakers/{clara}")).await;
    assert_eq!(status, 200);
    assert!(speaker.contains("<h1>Clara Weidinger</h1>"));
    assert_eq!(
        speaker
            .matches("<blockquote class=\"direct\">We are closer")
            .count(),
        2
    );
    assert!(speaker.contains(&format!("href=\"/stories/{original}#q")));
    assert!(speaker.contains("<svg") && speaker.contains("2026-03-02: 2"));
    assert!(speaker.contains(&format!("href=\"/speakers/{tamas}\">Tamas Kertesz</a>")));
    let twin = json(&s.base, &format!("/api/speakers/{clara}")).await;
    assert_eq!(twin["quotes"]["items"].as_array().unwrap().len(), 2);
    assert_eq!(twin["quoted_with"][0]["name"], "Tamas Kertesz");
    assert_eq!(twin["quoted_with"][0]["stories"], 2);

    // Entity: chart, stories, named alongside.
    let (status, ent) = get(&s.base, &format!("/entities/{vienna}")).await;
    assert_eq!(status, 200);
    assert!(ent.contains("<h1>Vienna</h1>") && ent.contains("<svg"));
    assert!(ent.contains(&format!("href=\"/stories/{copy}\"")));
    assert!(ent.contains("Budapest"));
    let twin = json(&s.base, &format!("/api/entities/{vienna}")).await;
    assert_eq!(twin["stories"]["items"].as_array().unwrap().len(), 2);
    assert_eq!(twin["per_day"][0]["count"], 2);
    assert_eq!(twin["quoted"], false);

    // Search: stories and quotes with the matched words marked.
    let (status, found) = get(&s.base, "/search?q=ports").await;
    assert_eq!(status, 200);
    assert!(found.contains("<mark>ports</mark>"), "{found}");
    assert!(found.contains("Our <mark>ports</mark> cannot carry the burden alone,"));
    let twin = json(&s.base, "/api/search?q=ferries").await;
    assert_eq!(twin["stories"]["items"].as_array().unwrap().len(), 1);
    assert!(twin["quotes"]["items"][0]["text"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["match"] == true && r["text"] == "ferries"));
    let none = json(&s.base, "/api/search?q=the").await;
    assert_eq!(none["stories"]["items"].as_array().unwrap().len(), 0);

    // Quote search by words, speaker and days.
    let by_name = json(&s.base, "/api/quotes?speaker=tamas%20kertesz").await;
    assert_eq!(by_name["items"].as_array().unwrap().len(), 2);
    let by_id = json(&s.base, &format!("/api/quotes?speaker={clara}&q=agreement")).await;
    assert_eq!(by_id["items"].as_array().unwrap().len(), 2);
    let later = json(&s.base, "/api/quotes?from=2026-03-03&to=2026-03-31").await;
    assert_eq!(later["items"].as_array().unwrap().len(), 1);
    let (_, quotes) = get(&s.base, "/quotes?q=burden").await;
    assert!(quotes.contains("<mark>burden</mark>"));

    drop(s);
    pool.close().await;
    common::drop_database(&name).await;
}

#[tokio::test]
async fn hostile_text_is_escaped_everywhere() {
    let (name, url, pool) = seeded().await;
    let s = serve(&url, "");
    let story = id_of(&pool, "SELECT id FROM articles WHERE source = 'nordic'").await;
    let dahl = id_of(&pool, "SELECT id FROM entities WHERE name LIKE 'Erik%'").await;
    for path in [
        "/".to_string(),
        "/?day=2026-03-04".into(),
        format!("/stories/{story}"),
        format!("/speakers/{dahl}"),
        format!("/entities/{dahl}"),
        "/search?q=ferries".into(),
        "/search?q=%3Cscript%3Ealert(9)%3C%2Fscript%3E".into(),
        "/quotes?q=%3Cscript%3Ealert(9)%3C%2Fscript%3E&speaker=%3Cscript%3E".into(),
        "/stories/%3Cscript%3E".into(),
        "/nowhere/%3Cscript%3Ealert(9)%3C%2Fscript%3E".into(),
    ] {
        let (_, body) = get(&s.base, &path).await;
        assert!(
            !body.contains("<script"),
            "{path} lets a script through:\n{body}"
        );
    }
    let (_, page) = get(&s.base, &format!("/stories/{story}")).await;
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; Ferry schedule changes"));
    assert!(
        page.contains("&lt;script&gt;alert(3)&lt;/script&gt; the ferries will run late,</mark>")
    );
    assert!(page.contains("Erik &lt;script&gt;alert(2)&lt;/script&gt; Dahl</a>"));
    let (_, q) = get(&s.base, "/quotes?q=%3Cscript%3Ealert(9)%3C%2Fscript%3E").await;
    assert!(q.contains("value=\"&lt;script&gt;alert(9)&lt;/script&gt;\""));
    // The JSON twin carries the text as it is, for scripts, and is served as JSON.
    let r = reqwest::get(format!("{}/api/stories/{story}", s.base))
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/json");
    let twin: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(
        twin["title"],
        "<script>alert(1)</script> Ferry schedule changes"
    );
    drop(s);
    pool.close().await;
    common::drop_database(&name).await;
}

#[tokio::test]
async fn bad_parameters_are_400_and_unknown_ids_404() {
    let (name, url, pool) = seeded().await;
    let s = serve(&url, "");
    for path in [
        "/?page=0",
        "/?page=201",
        "/?page=two",
        "/?day=2026-02-30",
        "/stories/abc",
        "/stories/-4",
        "/speakers/1.5",
        "/search",
        "/search?q=",
        "/quotes?from=March",
        "/quotes?from=2026-03-09&to=2026-03-01",
    ] {
        let (status, body) = get(&s.base, path).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(body.contains("<p class=\"error\">"), "{path}: {body}");
        let api = format!(
            "/api{}",
            if path.starts_with("/?") {
                path.replacen('/', "/stories", 1)
            } else {
                path.to_string()
            }
        );
        let (status, body) = get(&s.base, &api).await;
        assert_eq!(status, 400, "{api}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).expect("a JSON error");
        assert!(
            v["error"].as_str().is_some_and(|m| !m.is_empty()),
            "{api}: {body}"
        );
    }
    let long = "x".repeat(201);
    assert_eq!(get(&s.base, &format!("/search?q={long}")).await.0, 400);
    for path in [
        "/stories/999999",
        "/speakers/999999",
        "/entities/999999",
        "/no/such/page",
    ] {
        let (status, body) = get(&s.base, path).await;
        assert_eq!(status, 404, "{path}: {body}");
        let (status, _) = get(&s.base, &format!("/api{path}")).await;
        assert_eq!(status, 404, "/api{path}");
    }
    drop(s);
    pool.close().await;
    common::drop_database(&name).await;
}

#[tokio::test]
async fn a_dead_database_is_a_503_page() {
    // Nothing listens on port 1 of loopback: every connection is refused.
    let s = serve("postgres://postgres@127.0.0.1:1/wirehose_absent", "");
    for path in ["/", "/stories/1", "/search?q=ports"] {
        let (status, body) = get(&s.base, path).await;
        assert_eq!(status, 503, "{path}: {body}");
        assert!(body.contains("not answering"), "{body}");
    }
    let (status, body) = get(&s.base, "/api/quotes").await;
    assert_eq!(status, 503);
    assert!(body.contains("\"error\""));
}

#[tokio::test]
async fn a_server_that_never_answers_is_a_503_not_a_hang() {
    // Accepts connections and never speaks: the pool gives up and the page says so.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().unwrap();
    let held = std::thread::spawn(move || {
        let mut conns = Vec::new();
        for c in listener.incoming().take(16) {
            conns.push(c);
        }
        conns
    });
    let s = serve(&format!("postgres://postgres@{addr}/silent"), "");
    let (status, body) = get(&s.base, "/").await;
    assert_eq!(status, 503, "{body}");
    drop(s);
    drop(held);
}

#[tokio::test]
async fn a_query_held_past_the_statement_timeout_is_a_503() {
    let (name, url, pool) = seeded().await;
    let s = serve(&url, "");
    assert_eq!(get(&s.base, "/").await.0, 200);
    // A writer holding the stories table: reads wait on the lock until the timeout cancels them.
    let mut tx = pool.begin().await.expect("begin");
    sqlx::query("LOCK TABLE articles IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await
        .expect("lock");
    let (status, body) = get(&s.base, "/?page=2").await;
    assert_eq!(status, 503, "{body}");
    let (status, _) = get(&s.base, "/api/stories").await;
    assert_eq!(status, 503);
    tx.rollback().await.expect("release the lock");
    assert_eq!(get(&s.base, "/").await.0, 200);
    drop(s);
    pool.close().await;
    common::drop_database(&name).await;
}

#[tokio::test]
async fn requests_are_counted_in_the_metrics() {
    let (name, url, pool) = seeded().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let s = serve(&url, &format!("\n[http]\nlisten = \"127.0.0.1:{port}\"\n"));
    assert_eq!(get(&s.base, "/").await.0, 200);
    assert_eq!(get(&s.base, "/stories/999999").await.0, 404);
    assert_eq!(get(&s.base, "/style.css").await.0, 200);
    let metrics_url = format!("http://127.0.0.1:{port}");
    let mut text = String::new();
    for _ in 0..100 {
        if let Ok(r) = reqwest::get(format!("{metrics_url}/metrics")).await {
            text = r.text().await.unwrap_or_default();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        text.contains(
            r#"wirehose_web_requests_total{page="stories",format="html",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"wirehose_web_requests_total{page="story",format="html",status="404"} 1"#)
    );
    drop(s);
    pool.close().await;
    common::drop_database(&name).await;
}

/// `POST /session/{id}/se/log`: chromedriver's console log, emptied as it is read.
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (
            axum::http::Method::POST,
            Some(r#"{"type":"browser"}"#.into()),
        )
    }
}

/// chromedriver on a free loopback port; killed on drop.
struct Driver(Child, String);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn chromedriver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start chromedriver ({e}). The browser test needs Chromium and its driver:\n  \
                 apt-get install chromium chromium-driver"
            )
        });
    Driver(child, format!("http://127.0.0.1:{port}"))
}

async fn browser(driver: &Driver) -> fantoccini::Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                                     "--disable-dev-shm-usage", "--window-size=1200,900"] }),
    );
    caps.insert(
        "goog:loggingPrefs".into(),
        serde_json::json!({ "browser": "ALL" }),
    );
    let mut last = String::new();
    for _ in 0..100 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match fantoccini::ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&driver.1)
            .await
        {
            Ok(c) => return c,
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!(
        "chromedriver at {} gave no browser session: {last}",
        driver.1
    );
}

async fn screenshot(c: &fantoccini::Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
    std::fs::create_dir_all(&dir).expect("docs/screenshots");
    let png = c.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "{name} is a PNG");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write the screenshot");
}

#[tokio::test]
async fn a_reader_clicks_from_the_latest_stories_to_a_speaker_and_a_search() {
    use fantoccini::Locator;
    let (name, url, pool) = seeded().await;
    let s = serve(&url, "");
    let driver = chromedriver();
    let c = browser(&driver).await;

    c.goto(&format!("{}/?source=danube", s.base))
        .await
        .expect("home");
    screenshot(&c, "home").await;
    c.find(Locator::LinkText(
        "Austria and Hungary to resume Danube treaty talks",
    ))
    .await
    .expect("the story in the list")
    .click()
    .await
    .expect("open the story");
    let quote = c
        .find(Locator::Css("mark.quote.direct"))
        .await
        .expect("a highlighted quote");
    assert_eq!(
        quote.text().await.unwrap(),
        "We are closer to an agreement than at any time in the last two years,"
    );
    let speaker = c
        .find(Locator::Css("span.attribution a.speaker"))
        .await
        .expect("the speaker link");
    assert_eq!(speaker.text().await.unwrap(), "Clara Weidinger");
    screenshot(&c, "story").await;
    speaker.click().await.expect("open the speaker");
    assert!(c
        .current_url()
        .await
        .unwrap()
        .path()
        .starts_with("/speakers/"));
    let h1 = c
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h1, "Clara Weidinger");
    c.find(Locator::Css("figure.chart svg rect"))
        .await
        .expect("the quotes-per-day chart");
    assert!(c
        .find(Locator::Css("li.quote blockquote"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .starts_with("We are closer"));
    screenshot(&c, "speaker").await;

    let vienna = id_of(&pool, "SELECT id FROM entities WHERE name = 'Vienna'").await;
    c.goto(&format!("{}/entities/{vienna}", s.base))
        .await
        .unwrap();
    screenshot(&c, "entity").await;

    let input = c
        .find(Locator::Css("input[name=q]"))
        .await
        .expect("search box");
    input.send_keys("ports").await.unwrap();
    c.find(Locator::Css("form.search button"))
        .await
        .unwrap()
        .click()
        .await
        .expect("search");
    assert_eq!(c.current_url().await.unwrap().path(), "/search");
    let marks = c.find_all(Locator::Css("main mark")).await.unwrap();
    assert!(!marks.is_empty(), "matched words are marked");
    for m in &marks {
        assert_eq!(m.text().await.unwrap().to_lowercase(), "ports");
    }
    screenshot(&c, "search").await;

    let log = c.issue_cmd(BrowserLog).await.expect("the console log");
    let errors: Vec<&serde_json::Value> = log
        .as_array()
        .map(|a| a.iter().filter(|e| e["level"] == "SEVERE").collect())
        .unwrap_or_default();
    assert!(errors.is_empty(), "console errors: {errors:?}");
    c.close().await.expect("close the browser");
    drop(s);
    pool.close().await;
    common::drop_database(&name).await;
}
