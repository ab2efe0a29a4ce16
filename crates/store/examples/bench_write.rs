//! Write benchmark: a plain COPY of N synthetic analyzed articles (article, quote and mention
//! rows into unindexed tables) against the store's own write path on the same data and run, and
//! a COPY of the same kind of rows into the store's own indexed, partitioned tables.
//!
//! Usage: `cargo run --release -p store --example bench_write -- [ARTICLES] [BATCH]`
//! (defaults 2000 and 100); BENCH_ROUNDS (default 3) sets how many side-by-side rounds give the
//! median ratios. Uses DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres)
//! to create a throwaway database, which it drops at the end.

use std::fmt::Write as _;
use std::time::Instant;

use chrono::{Duration, Utc};
use model::{
    Analysis, AnalyzedArticle, Article, Dateline, Entity, EntityType, Mention, Outcome, Quote,
    QuoteKind, RawPage,
};

const WORDS: &[&str] = &[
    "minister",
    "said",
    "talks",
    "government",
    "agreement",
    "president",
    "economy",
    "border",
    "security",
    "market",
    "prices",
    "energy",
    "officials",
    "week",
    "meeting",
    "reporters",
    "statement",
    "country",
    "foreign",
    "trade",
    "growth",
    "inflation",
    "bank",
    "rates",
    "elections",
    "parliament",
    "opposition",
    "military",
    "forces",
    "region",
    "ceasefire",
    "negotiations",
    "sanctions",
    "exports",
    "imports",
    "oil",
    "gas",
    "pipeline",
    "summit",
    "leaders",
    "visit",
    "cooperation",
    "investment",
    "budget",
    "deficit",
    "debt",
    "tariffs",
    "ports",
    "shipping",
    "river",
    "drought",
    "harvest",
    "wheat",
    "grain",
    "farmers",
    "protest",
    "police",
    "court",
    "ruling",
    "appeal",
    "law",
    "reform",
    "taxes",
    "companies",
    "shares",
    "index",
    "currency",
    "dollar",
    "euro",
    "analysts",
    "forecast",
    "quarter",
    "percent",
    "million",
    "billion",
    "data",
    "survey",
    "ministry",
    "agency",
    "spokesman",
    "capital",
];
const PEOPLE: &[&str] = &[
    "Anna", "Boris", "Chen", "Dilek", "Emeka", "Farida", "Goran", "Hiroshi", "Ines", "Jonas",
    "Kavya", "Lars",
];
const SURNAMES: &[&str] = &[
    "Petrova", "Ivanov", "Wei", "Yilmaz", "Okafor", "Haddad", "Kovac", "Tanaka", "Moreno", "Berg",
    "Rao", "Lund", "Silva", "Novak", "Kim", "Dubois", "Costa", "Nowak", "Ortiz", "Sato",
];

/// A tiny deterministic generator, so every run writes the same data.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.next() % from.len()]
    }
}

fn synthetic(i: usize, rng: &mut Lcg, prefix: &str) -> AnalyzedArticle {
    let people: Vec<String> = (0..6)
        .map(|_| format!("{} {}", rng.pick(PEOPLE), rng.pick(SURNAMES)))
        .collect();
    let mut body = String::with_capacity(4200);
    body.push_str("GENEVA, March 4. /WIRE/. ");
    let mut quotes = Vec::new();
    let mut mentions: Vec<Vec<Mention>> = vec![Vec::new(); people.len()];
    let mut m_count = 0;
    let mut sentence = 0;
    while body.len() < 4000 || quotes.len() < 10 || m_count < 20 {
        let speaker = sentence % people.len();
        // Every third sentence names someone (a mention); every fourth is a quote.
        if sentence % 2 == 0 && m_count < 20 {
            let name = &people[speaker];
            let start = body.chars().count();
            body.push_str(name);
            mentions[speaker].push(Mention {
                text: name.clone(),
                start,
                end: start + name.chars().count(),
            });
            m_count += 1;
            body.push(' ');
        }
        let quoted = sentence % 3 == 1 && quotes.len() < 10;
        if quoted {
            body.push('"');
        }
        let start = body.chars().count();
        for w in 0..(8 + rng.next() % 10) {
            if w > 0 {
                body.push(' ');
            }
            body.push_str(rng.pick(WORDS));
        }
        let end = body.chars().count();
        if quoted {
            body.push_str(",\" ");
            body.push_str(&people[speaker]);
            body.push_str(" said. ");
            quotes.push(Quote {
                text: body.chars().skip(start).take(end - start).collect(),
                speaker: Some(people[speaker].clone()),
                speaker_type: Some(EntityType::Person),
                speaker_text: Some(people[speaker].clone()),
                kind: QuoteKind::Direct,
                cue: Some("said".into()),
                start,
                end,
                confidence: 0.9,
            });
        } else {
            body.push_str(". ");
        }
        sentence += 1;
    }
    let entities = people
        .iter()
        .zip(mentions)
        .filter(|(_, m)| !m.is_empty())
        .map(|(name, mentions)| Entity {
            name: name.clone(),
            entity_type: EntityType::Person,
            mentions,
        })
        .collect();
    let fetched_at = Utc::now() - Duration::seconds((i % 3600) as i64);
    let url = format!("https://wire.example/{prefix}/{i}");
    let html = format!("<html><body><article><p>{body}</p></article></body></html>");
    // The daemon's analyzer workers compute the SimHash before a story reaches the store.
    let body_for_hash = body.clone();
    AnalyzedArticle {
        source: format!("wire{}", i % 4),
        agency: Some("WIRE".into()),
        url: url.clone(),
        final_url: url,
        fetched_at,
        article: Article {
            title: Some(format!("Talks on {} resume in Geneva", rng.pick(WORDS))),
            lede: Some(body.chars().take(200).collect()),
            body,
            authors: vec![format!("{} {}", rng.pick(PEOPLE), rng.pick(SURNAMES))],
            published_at: Some(fetched_at.fixed_offset()),
            dateline: Some(Dateline {
                place: Some("GENEVA".into()),
                date: Some("March 4".into()),
                agency: Some("WIRE".into()),
            }),
            language: Some("en".into()),
            ..Article::default()
        },
        analysis: Analysis {
            quotes,
            entities,
            simhash: analyzer::simhash::simhash(&body_for_hash),
        },
        raw: Some(RawPage {
            status: 200,
            redirects: Vec::new(),
            headers: vec![("content-type".into(), "text/html".into())],
            body: html.into_bytes(),
        }),
    }
}

/// Appends a value in COPY's text format.
fn esc(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// Creates (or empties) unindexed, unpartitioned tables with the store's columns.
async fn plain_tables(pool: &sqlx::PgPool) -> Result<(), sqlx::Error> {
    plain_tables_with(pool, "pglz").await
}

/// The plain tables, bodies compressed with `compression` (`pglz`, the default, or `lz4`, the
/// store's own setting for bodies).
async fn plain_tables_with(pool: &sqlx::PgPool, compression: &str) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(
        "DROP TABLE IF EXISTS copy_articles, copy_quotes, copy_mentions;
         CREATE TABLE copy_articles (id bigint, first_seen_at timestamptz, url text, source text, title text,
             lede text, body text, authors text[], published_at timestamptz, dateline_place text,
             dateline_agency text, language text, content_hash bytea, simhash bigint, fetched_at timestamptz,
             extractor_version text);
         CREATE TABLE copy_quotes (article_id bigint, first_seen_at timestamptz, text text, speaker text,
             speaker_type text, speaker_entity_id bigint, kind text, cue text, start_offset int, end_offset int,
             confidence real, language text, extractor_version text);
         CREATE TABLE copy_mentions (article_id bigint, first_seen_at timestamptz, entity_id bigint,
             start_offset int, end_offset int, surface text);",
    )
    .execute(pool)
    .await?;
    sqlx::raw_sql(&format!(
        "ALTER TABLE copy_articles ALTER COLUMN body SET COMPRESSION {compression}"
    ))
    .execute(pool)
    .await?;
    Ok(())
}

/// A plain COPY of the stories' article, quote and mention rows, in one transaction, into the
/// tables named `{prefix}articles`, `{prefix}quotes` and `{prefix}mentions`: the unindexed
/// `copy_` tables (the COPY ceiling), or the store's own partitioned, indexed tables (the
/// ceiling for this schema, without the store's lookups, entity upserts and syndication links).
/// Returns the seconds taken, the rows (one per article, quote and mention) and the seconds spent
/// writing the COPY text before any of it reached the server.
async fn copy_stories(
    pool: &sqlx::PgPool,
    stories: &[AnalyzedArticle],
    id_base: i64,
    prefix: &str,
) -> Result<(f64, u64, f64), sqlx::Error> {
    // The entity ids the store gave these names, so index inserts spread as in the store's run.
    let ids: std::collections::HashMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT name, id FROM entities")
            .fetch_all(pool)
            .await?
            .into_iter()
            .collect();
    let id_of = |name: &str| ids.get(name).copied().unwrap_or(1);
    // The clock starts before the rows are written out: turning analyzed stories into COPY text is
    // part of loading them, for this baseline as for the store.
    let grouped = prefix.is_empty();
    let started = Instant::now();
    let (mut a, mut q, mut m) = (String::new(), String::new(), String::new());
    for (i, s) in stories.iter().enumerate() {
        let id = id_base + i as i64;
        let art = &s.article;
        let seen = s.fetched_at.to_rfc3339();
        write!(a, "{id}\t{seen}\t").ok();
        esc(&mut a, &s.url);
        a.push('\t');
        esc(&mut a, &s.source);
        a.push('\t');
        esc(&mut a, art.title.as_deref().unwrap_or(""));
        a.push('\t');
        esc(&mut a, art.lede.as_deref().unwrap_or(""));
        a.push('\t');
        esc(&mut a, &art.body);
        a.push_str("\t{");
        for (k, x) in art.authors.iter().enumerate() {
            if k > 0 {
                a.push(',');
            }
            a.push('"');
            esc(&mut a, x);
            a.push('"');
        }
        a.push_str("}\t");
        match art.published_at {
            Some(t) => a.push_str(&t.to_rfc3339()),
            None => a.push_str("\\N"),
        }
        a.push_str("\tGENEVA\tWIRE\ten\t\\\\x");
        write!(a, "{id:064x}\t").ok();
        match s.analysis.simhash {
            Some(h) => write!(a, "{}", h as i64).ok(),
            None => write!(a, "\\N").ok(),
        };
        writeln!(a, "\t{seen}\tbench").ok();
        for x in &s.analysis.quotes {
            write!(q, "{id}\t{seen}\t").ok();
            esc(&mut q, &x.text);
            q.push('\t');
            esc(&mut q, x.speaker.as_deref().unwrap_or(""));
            writeln!(
                q,
                "\tperson\t{}\tdirect\tsaid\t{}\t{}\t{}\ten\tbench",
                id_of(x.speaker.as_deref().unwrap_or("")),
                x.start,
                x.end,
                x.confidence
            )
            .ok();
        }
        if grouped {
            // The store's own shape: one row per story and entity, occurrences in arrays.
            let mut by_entity: std::collections::BTreeMap<i64, Vec<&Mention>> =
                std::collections::BTreeMap::new();
            for e in &s.analysis.entities {
                by_entity
                    .entry(id_of(&e.name))
                    .or_default()
                    .extend(&e.mentions);
            }
            for (entity, mut mentions) in by_entity {
                mentions.sort_by_key(|x| x.start);
                let list = |f: &dyn Fn(&Mention) -> usize| {
                    mentions
                        .iter()
                        .map(|x| f(x).to_string())
                        .collect::<Vec<_>>()
                        .join(",")
                };
                write!(
                    m,
                    "{id}\t{seen}\t{entity}\t{{{}}}\t{{{}}}\t{{",
                    list(&|x| x.start),
                    list(&|x| x.end)
                )
                .ok();
                for (k, x) in mentions.iter().enumerate() {
                    m.push_str(if k > 0 { ",\"" } else { "\"" });
                    esc(&mut m, &x.text.replace('\\', "\\\\").replace('"', "\\\""));
                    m.push('"');
                }
                m.push_str("}\n");
            }
            continue;
        }
        for e in &s.analysis.entities {
            let entity = id_of(&e.name);
            for x in &e.mentions {
                write!(m, "{id}\t{seen}\t{entity}\t{}\t{}\t", x.start, x.end).ok();
                esc(&mut m, &x.text);
                m.push('\n');
            }
        }
    }
    let format_secs = started.elapsed().as_secs_f64();
    let mut tx = pool.begin().await?;
    let mut rows = 0;
    for (statement, data) in [
        (
            format!(
                "COPY {prefix}articles (id, first_seen_at, url, source, title, lede, body, authors, published_at,
                     dateline_place, dateline_agency, language, content_hash, simhash, fetched_at, extractor_version)
                 FROM STDIN"
            ),
            a,
        ),
        (
            format!(
                "COPY {prefix}quotes (article_id, first_seen_at, text, speaker, speaker_type, speaker_entity_id,
                     kind, cue, start_offset, end_offset, confidence, language, extractor_version) FROM STDIN"
            ),
            q,
        ),
        (
            format!(
                "COPY {prefix}mentions (article_id, first_seen_at, entity_id, {}) FROM STDIN",
                if grouped {
                    "start_offsets, end_offsets, surfaces"
                } else {
                    "start_offset, end_offset, surface"
                }
            ),
            m,
        ),
    ] {
        let mut copy = tx.copy_in_raw(&statement).await?;
        copy.send(data.into_bytes()).await?;
        rows += copy.finish().await?;
    }
    tx.commit().await?;
    // Rows are counted as the data has them (one per article, quote and mention), whatever the
    // tables' shape, so every path is measured in the same unit.
    let logical: u64 = stories
        .iter()
        .map(|s| {
            1 + s.analysis.quotes.len() as u64
                + s.analysis
                    .entities
                    .iter()
                    .map(|e| e.mentions.len() as u64)
                    .sum::<u64>()
        })
        .sum();
    debug_assert!(grouped || rows == logical);
    Ok((started.elapsed().as_secs_f64(), logical, format_secs))
}

async fn store_path(
    store: &store::Store,
    stories: &[AnalyzedArticle],
    batch: usize,
) -> Result<(f64, u64), store::StoreError> {
    let outcomes: Vec<Outcome> = stories
        .iter()
        .cloned()
        .map(|a| Outcome::Article(Box::new(a)))
        .collect();
    let started = Instant::now();
    let mut rows = 0;
    for chunk in outcomes.chunks(batch) {
        let s = store.write_batch(chunk).await?;
        rows += s.articles + s.quotes + s.mentions;
    }
    Ok((started.elapsed().as_secs_f64(), rows))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(2000);
    let batch: usize = args
        .next()
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(100)
        .max(1);
    let base = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("wirehose_bench_{}", std::process::id());
    let mut url = url::Url::parse(&base)?;
    url.set_path(&name);

    let store = store::Store::connect(url.as_str()).await?;
    store.migrate().await?;
    // What-if knob for measurements: arbitrary SQL run on the fresh schema before the runs.
    if let Ok(sql) = std::env::var("BENCH_WHATIF_SQL") {
        sqlx::raw_sql(&sql).execute(store.pool()).await?;
        println!("(what-if run: {sql})");
    }
    let mut rng = Lcg(42);
    let plain: Vec<AnalyzedArticle> = (0..n).map(|i| synthetic(i, &mut rng, "a")).collect();
    let with_raw: Vec<AnalyzedArticle> = (0..n).map(|i| synthetic(i, &mut rng, "b")).collect();
    let without_raw: Vec<AnalyzedArticle> = plain
        .iter()
        .cloned()
        .map(|mut a| {
            a.raw = None;
            a
        })
        .collect();
    let avg_body = plain.iter().map(|a| a.article.body.len()).sum::<usize>() / n.max(1);
    let rows_per_story = 1 + plain
        .iter()
        .map(|a| {
            a.analysis.quotes.len()
                + a.analysis
                    .entities
                    .iter()
                    .map(|e| e.mentions.len())
                    .sum::<usize>()
        })
        .sum::<usize>()
        / n.max(1);
    let entities_per_story = plain
        .iter()
        .map(|a| a.analysis.entities.len())
        .sum::<usize>()
        / n.max(1);
    println!("{n} synthetic stories, body ~{avg_body} bytes, ~{rows_per_story} rows each (1 article, 10 quotes, 20 mentions), batches of {batch}");
    println!(
        "rows/s count one row per article, quote and mention everywhere; the store keeps a story's mentions of one entity in one row (~{} table rows per story)",
        11 + entities_per_story
    );

    plain_tables(store.pool()).await?;
    let (copy_secs, copy_rows, copy_format_secs) =
        copy_stories(store.pool(), &plain, 0, "copy_").await?;
    let (store_secs, store_rows) = store_path(&store, &without_raw, batch).await?;
    let (raw_secs, raw_rows) = store_path(&store, &with_raw, batch).await?;
    let replay_started = Instant::now();
    let outcomes: Vec<Outcome> = with_raw
        .iter()
        .cloned()
        .map(|a| Outcome::Article(Box::new(a)))
        .collect();
    for chunk in outcomes.chunks(batch) {
        store.write_batch(chunk).await?;
    }
    let replay_secs = replay_started.elapsed().as_secs_f64();

    // Two writers at once, as a daemon with two store tasks would run (both cores busy).
    let pair: Vec<Outcome> = (0..n)
        .map(|i| synthetic(i, &mut rng, "c"))
        .map(|mut a| {
            a.raw = None;
            Outcome::Article(Box::new(a))
        })
        .collect();
    let pair = std::sync::Arc::new(pair);
    let mid = pair.len() / 2;
    let pair_started = Instant::now();
    let write_half = |range: std::ops::Range<usize>| {
        let (store, pair) = (store.clone(), pair.clone());
        async move {
            let mut rows = 0;
            for chunk in pair[range].chunks(batch) {
                let s = store.write_batch(chunk).await?;
                rows += s.articles + s.quotes + s.mentions;
            }
            Ok::<u64, store::StoreError>(rows)
        }
    };
    let (l, r) = tokio::join!(write_half(0..mid), write_half(mid..pair.len()));
    let pair_rows = l? + r?;
    let pair_secs = pair_started.elapsed().as_secs_f64();

    // The search vectors the writes left out, filled as the daemon's maintenance task does.
    let index_started = Instant::now();
    let mut indexed = 0;
    loop {
        let done = store.index_search_batch(500).await?;
        indexed += done;
        if done == 0 {
            break;
        }
    }
    let index_secs = index_started.elapsed().as_secs_f64();

    // Where the time goes: the full-text vector of every body, computed alone on the same data.
    let fts_started = Instant::now();
    sqlx::query(
        "SELECT sum(length(to_tsvector(wirehose_ts_config(language), coalesce(title, '') || ' ' || body)))
         FROM articles WHERE url LIKE 'https://wire.example/a/%'",
    )
    .execute(store.pool())
    .await?;
    let fts_secs = fts_started.elapsed().as_secs_f64();

    let report = |label: &str, secs: f64, rows: u64| {
        println!(
            "{label:<34} {secs:>7.2} s  {:>8.0} articles/s  {:>9.0} rows/s",
            n as f64 / secs,
            rows as f64 / secs
        );
    };
    report("COPY into plain tables", copy_secs, copy_rows);
    println!(
        "  of which writing the COPY text: {copy_format_secs:.3} s (without it: {:.0} rows/s)",
        copy_rows as f64 / (copy_secs - copy_format_secs)
    );
    report("store write_batch", store_secs, store_rows);
    report("store write_batch + raw pages", raw_secs, raw_rows);
    report("store replay (nothing changes)", replay_secs, 0);
    report("store write_batch, two writers", pair_secs, pair_rows);
    println!(
        "search indexer, off the write path: {indexed} stories in {index_secs:.2} s ({:.0} stories/s)",
        indexed as f64 / index_secs
    );
    println!(
        "body full-text vectors alone: {fts_secs:.2} s ({:.0}% of the store write_batch run)",
        100.0 * fts_secs / store_secs
    );
    println!(
        "ratio store / COPY (rows/s): {:.2}",
        (store_rows as f64 / store_secs) / (copy_rows as f64 / copy_secs)
    );
    println!(
        "ratio store with raw pages / COPY (rows/s): {:.2}",
        (raw_rows as f64 / raw_secs) / (copy_rows as f64 / copy_secs)
    );
    println!(
        "ratio store two writers / COPY (rows/s): {:.2}",
        (pair_rows as f64 / pair_secs) / (copy_rows as f64 / copy_secs)
    );

    // Rounds of the three side by side, on fresh stories each time: on a shared 2-core machine
    // one run is noisy, so the median ratio is the figure to quote.
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let (mut vs_plain, mut vs_lz4, mut vs_schema) = (Vec::new(), Vec::new(), Vec::new());
    for r in 0..rounds {
        let fresh: Vec<AnalyzedArticle> = (0..n)
            .map(|i| synthetic(i, &mut rng, &format!("r{r}")))
            .map(|mut a| {
                a.raw = None;
                a
            })
            .collect();
        let schema_copy: Vec<AnalyzedArticle> = (0..n)
            .map(|i| synthetic(i, &mut rng, &format!("s{r}")))
            .collect();
        plain_tables(store.pool()).await?;
        let (c_secs, c_rows, _) = copy_stories(store.pool(), &fresh, 0, "copy_").await?;
        let (s_secs, s_rows) = store_path(&store, &fresh, batch).await?;
        let (k_secs, k_rows, _) = copy_stories(
            store.pool(),
            &schema_copy,
            1_000_000_000 + (r * n) as i64,
            "",
        )
        .await?;
        // The same plain COPY with bodies compressed as the store compresses them (lz4).
        plain_tables_with(store.pool(), "lz4").await?;
        let (l_secs, l_rows, _) = copy_stories(store.pool(), &fresh, 0, "copy_").await?;
        let (plain_rate, store_rate, schema_rate, lz4_rate) = (
            c_rows as f64 / c_secs,
            s_rows as f64 / s_secs,
            k_rows as f64 / k_secs,
            l_rows as f64 / l_secs,
        );
        println!(
            "round {}: COPY plain {plain_rate:.0} rows/s, store {store_rate:.0} rows/s, COPY plain with lz4 bodies {lz4_rate:.0} rows/s, COPY into the store's tables {schema_rate:.0} rows/s; store/plain {:.2}, store/plain lz4 {:.2}, store/schema COPY {:.2}",
            r + 1,
            store_rate / plain_rate,
            store_rate / lz4_rate,
            store_rate / schema_rate
        );
        vs_plain.push(store_rate / plain_rate);
        vs_lz4.push(store_rate / lz4_rate);
        vs_schema.push(store_rate / schema_rate);
    }
    if rounds > 0 {
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        println!(
            "median over {rounds} rounds: ratio store / COPY into plain tables {:.2}; store / the same with lz4 bodies {:.2}; store / COPY into the store's own tables {:.2}",
            median(&mut vs_plain),
            median(&mut vs_lz4),
            median(&mut vs_schema)
        );
    }

    store.pool().close().await;
    if std::env::var_os("BENCH_KEEP_DB").is_some() {
        println!("kept database {name}");
        return Ok(());
    }
    let admin = sqlx::PgPool::connect(&base).await?;
    sqlx::query(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .execute(&admin)
        .await?;
    Ok(())
}
