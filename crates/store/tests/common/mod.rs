//! Invented wire stories for the store tests.
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use model::{
    Analysis, AnalyzedArticle, Article, Dateline, Entity, EntityType, Failure, FailureClass,
    FailureStage, Mention, Outcome, Quote, QuoteKind, RawPage,
};

/// A fixed time well inside the partitions the tests create.
pub fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0)
        .single()
        .expect("valid fixture time")
}

pub const MINISTER_STORY: &str = "VIENNA, March 2. /WIRE/. Austria's foreign minister Clara Weidinger said on Monday that \
talks on the Danube shipping treaty would resume next week in Vienna. \"We are closer to an agreement than at any time \
in the last two years,\" Weidinger told reporters after meeting her Hungarian counterpart Tamas Kertesz. Kertesz said \
Budapest wanted guarantees for its river ports before signing. \"Our ports cannot carry the burden alone,\" he said. \
The treaty, first proposed in 2019, would set common rules for cargo fees, pilotage and environmental inspections along \
the river from Germany to the Black Sea. Officials from Slovakia, Croatia and Serbia are expected to join the next \
round, the ministry said in a statement. Shipping companies have long complained that different fees at each border \
slow traffic and push cargo onto roads.";

pub const CENTRAL_BANK_STORY: &str = "LISBON, March 3. /WIRE/. Portugal's central bank governor Rui Tavares warned on \
Tuesday that rising mortgage arrears could weigh on smaller lenders this year. \"The banking system is solid, but some \
households are under real strain,\" Tavares said at a conference in Lisbon. He added that the bank would publish a \
detailed stress test in May. Economists at two large lenders said arrears remained low by historical standards, \
although they had risen for three consecutive quarters. The government is preparing a scheme to let borrowers extend \
loan terms without penalties, the finance ministry said. Property prices in Lisbon and Porto rose by more than eight \
percent last year, according to official data released in February.";

fn find(body: &str, needle: &str) -> (usize, usize) {
    let byte = body.find(needle).unwrap_or(0);
    let start = model::char_offset(body, byte);
    (start, start + needle.chars().count())
}

/// A mention of `text` at its first place in `body`.
pub fn mention(body: &str, text: &str) -> Mention {
    let (start, end) = find(body, text);
    Mention {
        text: text.to_owned(),
        start,
        end,
    }
}

/// A direct quote of `text` at its first place in `body`.
pub fn quote(body: &str, text: &str, speaker: Option<&str>, printed: &str) -> Quote {
    let (start, end) = find(body, text);
    Quote {
        text: text.to_owned(),
        speaker: speaker.map(str::to_owned),
        speaker_type: speaker.map(|_| EntityType::Person),
        speaker_text: Some(printed.to_owned()),
        kind: QuoteKind::Direct,
        cue: Some("said".into()),
        start,
        end,
        confidence: 0.9,
    }
}

/// The Vienna treaty story with two quotes and five entities.
pub fn minister_story(source: &str, url: &str, fetched_at: DateTime<Utc>) -> AnalyzedArticle {
    story(
        source,
        url,
        fetched_at,
        "Austria and Hungary to resume Danube treaty talks",
        MINISTER_STORY,
    )
}

/// Builds a story from a body that reuses the Vienna cast (quotes and entities found by text).
pub fn story(
    source: &str,
    url: &str,
    fetched_at: DateTime<Utc>,
    title: &str,
    body: &str,
) -> AnalyzedArticle {
    let mut quotes = Vec::new();
    for (text, speaker, printed) in [
        (
            "We are closer to an agreement than at any time in the last two years,",
            "Clara Weidinger",
            "Weidinger",
        ),
        (
            "Our ports cannot carry the burden alone,",
            "Tamas Kertesz",
            "he",
        ),
    ] {
        if body.contains(text) {
            quotes.push(quote(body, text, Some(speaker), printed));
        }
    }
    let mut entities = Vec::new();
    for (name, ty, forms) in [
        (
            "Clara Weidinger",
            EntityType::Person,
            &["Clara Weidinger", "Weidinger"][..],
        ),
        (
            "Tamas Kertesz",
            EntityType::Person,
            &["Tamas Kertesz", "Kertesz"][..],
        ),
        ("Vienna", EntityType::Location, &["Vienna"][..]),
        ("Austria", EntityType::Location, &["Austria"][..]),
        ("Budapest", EntityType::Location, &["Budapest"][..]),
    ] {
        let mentions: Vec<Mention> = forms
            .iter()
            .flat_map(|f| body.match_indices(f).map(move |(b, _)| (b, *f)))
            .map(|(b, f)| {
                let start = model::char_offset(body, b);
                Mention {
                    text: f.to_owned(),
                    start,
                    end: start + f.chars().count(),
                }
            })
            .collect();
        if !mentions.is_empty() {
            entities.push(Entity {
                name: name.to_owned(),
                entity_type: ty,
                mentions,
            });
        }
    }
    analyzed(source, url, fetched_at, title, body, quotes, entities)
}

/// The Lisbon central bank story: one quote by Rui Tavares.
pub fn bank_story(source: &str, url: &str, fetched_at: DateTime<Utc>) -> AnalyzedArticle {
    let body = CENTRAL_BANK_STORY;
    let quotes = vec![quote(
        body,
        "The banking system is solid, but some households are under real strain,",
        Some("Rui Tavares"),
        "Tavares",
    )];
    let entities = vec![
        Entity {
            name: "Rui Tavares".into(),
            entity_type: EntityType::Person,
            mentions: vec![mention(body, "Rui Tavares"), mention(body, "Tavares said")]
                .into_iter()
                .map(|mut m| {
                    m.text = m.text.trim_end_matches(" said").to_owned();
                    m.end = m.start + m.text.chars().count();
                    m
                })
                .collect(),
        },
        Entity {
            name: "Lisbon".into(),
            entity_type: EntityType::Location,
            mentions: vec![mention(body, "Lisbon")],
        },
    ];
    analyzed(
        source,
        url,
        fetched_at,
        "Portugal's central bank warns on mortgage arrears",
        body,
        quotes,
        entities,
    )
}

pub fn analyzed(
    source: &str,
    url: &str,
    fetched_at: DateTime<Utc>,
    title: &str,
    body: &str,
    quotes: Vec<Quote>,
    entities: Vec<Entity>,
) -> AnalyzedArticle {
    let html =
        format!("<html><head><title>{title}</title></head><body><p>{body}</p></body></html>");
    AnalyzedArticle {
        source: source.to_owned(),
        agency: Some(source.to_uppercase()),
        url: url.to_owned(),
        final_url: url.to_owned(),
        fetched_at,
        article: Article {
            title: Some(title.to_owned()),
            lede: body.split(". ").nth(1).map(str::to_owned),
            body: body.to_owned(),
            authors: vec!["Anna Berger".into()],
            published_at: Some(fetched_at.fixed_offset()),
            dateline: Some(Dateline {
                place: body.split(',').next().map(str::to_owned),
                date: Some("March 2".into()),
                agency: Some("WIRE".into()),
            }),
            language: Some("en".into()),
            section: Some("World".into()),
            ..Article::default()
        },
        analysis: Analysis {
            quotes,
            entities,
            simhash: analyzer::simhash::simhash(body),
        },
        raw: Some(RawPage {
            status: 200,
            redirects: Vec::new(),
            headers: vec![("content-type".into(), "text/html; charset=utf-8".into())],
            body: html.into_bytes(),
        }),
    }
}

pub fn out(a: AnalyzedArticle) -> Outcome {
    Outcome::Article(Box::new(a))
}

pub fn failure(url: &str, at: DateTime<Utc>) -> Outcome {
    Outcome::Failed(Failure {
        source: "wire".into(),
        url: url.to_owned(),
        stage: FailureStage::Fetch,
        class: FailureClass::Timeout,
        reason: "no response within 30s".into(),
        at,
    })
}

/// A store over the test database with the fixture month's partitions in place.
pub async fn store(pool: sqlx::PgPool) -> store::Store {
    let s = store::Store::new(pool).with_extractor_version("test-1");
    sqlx::query("SELECT wirehose_ensure_partitions($1, $2)")
        .bind(at(1, 0))
        .bind(at(28, 0))
        .execute(s.pool())
        .await
        .expect("creating the fixture partitions");
    s
}

pub async fn count(pool: &sqlx::PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The newsroom week the SQL examples run on: an original story, a partner's copy, its update,
/// and an unrelated business story.
pub async fn load_examples_fixture(store: &store::Store) {
    let original = minister_story("wire", "https://wire.example/world/1001", at(2, 9));
    let copy_body = MINISTER_STORY.replace("VIENNA, March 2. /WIRE/.", "VIENNA (Partner) -");
    let mut copy = story(
        "partner",
        "https://partner.example/n/77",
        at(2, 14),
        "Danube treaty talks to resume",
        &copy_body,
    );
    copy.agency = Some("PARTNER".into());
    let bank = bank_story("wire", "https://wire.example/business/2001", at(3, 9));
    store
        .write_batch(&[out(original), out(bank)])
        .await
        .expect("fixture day one");
    store.write_batch(&[out(copy)]).await.expect("fixture copy");
    let updated_body = MINISTER_STORY.replace("next week", "on Thursday");
    let updated = story(
        "wire",
        "https://wire.example/world/1001",
        at(2, 18),
        "UPDATE: Danube treaty talks to resume on Thursday",
        &updated_body,
    );
    store
        .write_batch(&[out(updated)])
        .await
        .expect("fixture update");
    // Search vectors are filled after the writes, as the daemon's maintenance task does.
    assert_eq!(store.index_search_batch(100).await.expect("indexed"), 3);
}

/// The references the writer keeps instead of foreign keys: nothing points nowhere.
pub async fn assert_no_orphans(pool: &sqlx::PgPool) {
    for (what, sql) in [
        ("quotes without a story", "SELECT count(*) FROM quotes q WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = q.article_id AND a.first_seen_at = q.first_seen_at)"),
        ("quotes with a lost speaker", "SELECT count(*) FROM quotes q WHERE q.speaker_entity_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = q.speaker_entity_id)"),
        ("mentions without a story", "SELECT count(*) FROM mentions m WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = m.article_id AND a.first_seen_at = m.first_seen_at)"),
        ("mentions without an entity", "SELECT count(*) FROM mentions m WHERE NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = m.entity_id)"),
        ("versions without a story", "SELECT count(*) FROM article_versions v WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = v.article_id AND a.first_seen_at = v.first_seen_at)"),
        ("URLs without a story", "SELECT count(*) FROM article_urls u WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = u.article_id AND a.first_seen_at = u.first_seen_at)"),
        ("stories without their own URL", "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM article_urls u WHERE u.url = a.url AND u.article_id = a.id)"),
        ("raw pages without a story", "SELECT count(*) FROM raw_pages r WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = r.article_id AND a.first_seen_at = r.article_first_seen_at)"),
    ] {
        assert_eq!(count(pool, sql).await, 0, "{what}");
    }
}
