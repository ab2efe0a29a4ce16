//! What each page reads: one bounded, paged query per list, through the read-only pool.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::{PgPool, QueryBuilder};

use super::chart::DayCount;
use super::error::WebError;
use super::highlight::{headline_options, runs, Run};
use super::params::{offset, start_of, PAGE_SIZE};

/// Stories read for the "named alongside" and "quoted with" lists, newest first.
const RECENT_STORIES: i64 = 500;
/// Days of the per-day charts, ending at the latest one.
const CHART_DAYS: i32 = 90;
/// Most quotes, mentions or copies shown on one story.
const STORY_PARTS: i64 = 500;
/// Longest body prefix searched for snippets.
const SNIPPET_CHARS: i32 = 20_000;

/// One page of a list, and whether another follows.
#[derive(Debug, Serialize)]
pub struct Paged<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// This page's number, from 1.
    pub page: i64,
    /// Whether a next page exists.
    pub has_more: bool,
}

impl<T> Paged<T> {
    /// Trims the one extra row fetched to learn whether more follow.
    fn from_rows(mut items: Vec<T>, page: i64) -> Self {
        let has_more = items.len() as i64 > PAGE_SIZE;
        items.truncate(PAGE_SIZE as usize);
        Paged {
            items,
            page,
            has_more,
        }
    }
}

/// A story in a list.
#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct StoryRow {
    /// Story id.
    pub id: i64,
    /// Configured source name.
    pub source: String,
    /// The agency that published it.
    pub agency: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Published time, or first seen when the page gave none.
    pub at: DateTime<Utc>,
    /// Quotes found in it.
    pub quotes: i64,
    /// Distinct entities named in it.
    pub entities: i64,
}

/// A configured source, for the filter.
#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct SourceRow {
    /// Source name.
    pub name: String,
    /// Its agency.
    pub agency: Option<String>,
}

/// The latest stories, optionally of one source and one UTC day.
pub async fn latest_stories(
    pool: &PgPool,
    source: Option<&str>,
    day: Option<NaiveDate>,
    page: i64,
) -> Result<Paged<StoryRow>, WebError> {
    // The page's rows are picked first, then counted: counting in the same SELECT would count
    // every row OFFSET skips as well.
    let mut q = QueryBuilder::new(
        "SELECT s.id, s.source, s.agency, s.title, s.at,
                (SELECT count(*) FROM quotes q WHERE q.article_id = s.id AND q.first_seen_at = s.first_seen_at) AS quotes,
                (SELECT count(*) FROM mentions m WHERE m.article_id = s.id AND m.first_seen_at = s.first_seen_at) AS entities
         FROM (SELECT a.id, a.first_seen_at, a.source, a.agency, a.title,
                      coalesce(a.published_at, a.first_seen_at) AS at
               FROM articles a WHERE true",
    );
    if let Some(s) = source {
        q.push(" AND a.source = ").push_bind(s.to_string());
    }
    if let Some(d) = day {
        let start = start_of(d);
        q.push(" AND coalesce(a.published_at, a.first_seen_at) >= ")
            .push_bind(start)
            .push(" AND coalesce(a.published_at, a.first_seen_at) < ")
            .push_bind(start + chrono::Duration::days(1));
    }
    q.push(" ORDER BY coalesce(a.published_at, a.first_seen_at) DESC, a.id DESC LIMIT ")
        .push_bind(PAGE_SIZE + 1)
        .push(" OFFSET ")
        .push_bind(offset(page))
        .push(") s ORDER BY s.at DESC, s.id DESC");
    let rows = q.build_query_as::<StoryRow>().fetch_all(pool).await?;
    Ok(Paged::from_rows(rows, page))
}

/// The configured sources, for the home page's filter.
pub async fn sources(pool: &PgPool) -> Result<Vec<SourceRow>, WebError> {
    Ok(
        sqlx::query_as("SELECT name, agency FROM sources ORDER BY name LIMIT 500")
            .fetch_all(pool)
            .await?,
    )
}

/// One story with everything found in it.
#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct Story {
    /// Story id.
    pub id: i64,
    /// Its URL.
    pub url: String,
    /// Configured source name.
    pub source: String,
    /// The agency that published it.
    pub agency: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Standfirst.
    pub lede: Option<String>,
    /// Article text.
    pub body: String,
    /// Named authors.
    pub authors: Vec<String>,
    /// The printed byline.
    pub byline: Option<String>,
    /// Stated publication time.
    pub published_at: Option<DateTime<Utc>>,
    /// When wirehose first saw it.
    pub first_seen_at: DateTime<Utc>,
    /// Dateline place.
    pub dateline_place: Option<String>,
    /// Dateline date as printed.
    pub dateline_date: Option<String>,
    /// Agency named in the dateline.
    pub dateline_agency: Option<String>,
    /// The page's canonical URL.
    pub canonical_url: Option<String>,
    /// ISO 639-1 language.
    pub language: Option<String>,
    /// Section.
    pub section: Option<String>,
    /// The story this one copies, when syndicated.
    pub syndicated_from: Option<i64>,
    /// Quotes, in body order.
    #[sqlx(skip)]
    pub quotes: Vec<StoryQuote>,
    /// Entities named, most mentioned first.
    #[sqlx(skip)]
    pub entities: Vec<StoryEntity>,
    /// The same story as other agencies published it.
    #[sqlx(skip)]
    pub copies: Vec<Copy>,
}

/// A quote inside a story.
#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct StoryQuote {
    /// Quote id.
    pub id: i64,
    /// The quoted words.
    pub text: String,
    /// Speaker's canonical name.
    pub speaker: Option<String>,
    /// Speaker's entity id.
    pub speaker_id: Option<i64>,
    /// direct, partial or indirect.
    pub kind: String,
    /// First character in the body.
    pub start: i32,
    /// One past the last character.
    pub end: i32,
}

/// An entity named in a story, with where.
#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct StoryEntity {
    /// Entity id.
    pub id: i64,
    /// Canonical name.
    pub name: String,
    /// person, organization or location.
    pub kind: String,
    /// Character offsets where each mention starts.
    pub starts: Vec<i32>,
    /// And where each ends.
    pub ends: Vec<i32>,
}

/// Another agency's copy of a story, or the original.
#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct Copy {
    /// Story id.
    pub id: i64,
    /// Its agency.
    pub agency: Option<String>,
    /// Its source.
    pub source: String,
    /// Its headline.
    pub title: Option<String>,
    /// When it was published.
    pub at: DateTime<Utc>,
    /// Whether this is the original the others copy.
    pub original: bool,
}

/// The story with `id`, or `None`.
pub async fn story(pool: &PgPool, id: i64) -> Result<Option<Story>, WebError> {
    let found: Option<(Story, DateTime<Utc>)> = sqlx::query_as::<_, Story>(
        "SELECT id, url, source, agency, title, lede, body, authors, byline, published_at,
                first_seen_at, dateline_place, dateline_date, dateline_agency, canonical_url,
                language, section, syndicated_from
         FROM articles WHERE id = $1 LIMIT 1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    .map(|s| {
        let seen = s.first_seen_at;
        (s, seen)
    });
    let Some((mut story, seen)) = found else {
        return Ok(None);
    };
    story.quotes = sqlx::query_as(
        "SELECT id, text, speaker, speaker_entity_id AS speaker_id, kind,
                start_offset AS start, end_offset AS \"end\"
         FROM quotes WHERE article_id = $1 AND first_seen_at = $2
         ORDER BY start_offset, id LIMIT $3",
    )
    .bind(id)
    .bind(seen)
    .bind(STORY_PARTS)
    .fetch_all(pool)
    .await?;
    story.entities = sqlx::query_as(
        "SELECT e.id, e.name, e.type AS kind, m.start_offsets AS starts, m.end_offsets AS ends
         FROM mentions m JOIN entities e ON e.id = m.entity_id
         WHERE m.article_id = $1 AND m.first_seen_at = $2
         ORDER BY cardinality(m.start_offsets) DESC, e.name LIMIT $3",
    )
    .bind(id)
    .bind(seen)
    .bind(STORY_PARTS)
    .fetch_all(pool)
    .await?;
    story.copies = sqlx::query_as(
        "SELECT id, agency, source, title, coalesce(published_at, first_seen_at) AS at,
                syndicated_from IS NULL AS original
         FROM articles WHERE (id = $1 OR syndicated_from = $1) AND id <> $2
         ORDER BY 5 LIMIT 50",
    )
    .bind(story.syndicated_from.unwrap_or(id))
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(Some(story))
}

/// An entity's name and type.
#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct EntityName {
    /// Entity id.
    pub id: i64,
    /// Canonical name.
    pub name: String,
    /// person, organization or location.
    pub kind: String,
}

/// Another entity and how many of the stories read it shares.
#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct Related {
    /// Entity id.
    pub id: i64,
    /// Canonical name.
    pub name: String,
    /// person, organization or location.
    pub kind: String,
    /// Stories shared.
    pub stories: i64,
}

/// A quote with the story it is in.
#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct QuoteRow {
    /// Quote id.
    pub id: i64,
    /// The quoted words, with search matches marked.
    #[sqlx(skip)]
    pub text: Vec<Run>,
    /// The quoted words as `ts_headline` marked them (plain when not searching).
    #[serde(skip)]
    pub marked: String,
    /// Speaker's canonical name.
    pub speaker: Option<String>,
    /// Speaker's entity id.
    pub speaker_id: Option<i64>,
    /// direct, partial or indirect.
    pub kind: String,
    /// The story.
    pub story_id: i64,
    /// Its headline.
    pub story_title: Option<String>,
    /// Its agency.
    pub agency: Option<String>,
    /// When it was published.
    pub at: DateTime<Utc>,
}

impl QuoteRow {
    fn split(mut self) -> Self {
        self.text = runs(&self.marked);
        self
    }
}

/// Everything one speaker said, with a chart and who else spoke in the same stories.
#[derive(Debug, Serialize)]
pub struct Speaker {
    /// The speaker.
    pub speaker: EntityName,
    /// Quotes, newest story first.
    pub quotes: Paged<QuoteRow>,
    /// Quotes per day over the 90 days up to the latest.
    pub per_day: Vec<DayCount>,
    /// Other speakers quoted in the same recent stories.
    pub quoted_with: Vec<Related>,
}

/// The entity with `id`, or `None`.
pub async fn entity_name(pool: &PgPool, id: i64) -> Result<Option<EntityName>, WebError> {
    Ok(
        sqlx::query_as("SELECT id, name, type AS kind FROM entities WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?,
    )
}

/// The speaker page of entity `id`, or `None` when there is no such entity.
pub async fn speaker(pool: &PgPool, id: i64, page: i64) -> Result<Option<Speaker>, WebError> {
    let Some(speaker) = entity_name(pool, id).await? else {
        return Ok(None);
    };
    let quotes: Vec<QuoteRow> = sqlx::query_as(
        // The page is picked from quotes alone (a backward scan of quotes_speaker_seen), then joined.
        "SELECT q.id, q.text AS marked, q.speaker, q.speaker_entity_id AS speaker_id, q.kind,
                a.id AS story_id, a.title AS story_title, a.agency,
                coalesce(a.published_at, a.first_seen_at) AS at
         FROM (SELECT * FROM quotes WHERE speaker_entity_id = $1
               ORDER BY first_seen_at DESC, article_id DESC, id LIMIT $2 OFFSET $3) q
         JOIN articles a ON a.id = q.article_id AND a.first_seen_at = q.first_seen_at
         ORDER BY q.first_seen_at DESC, q.article_id DESC, q.id",
    )
    .bind(id)
    .bind(PAGE_SIZE + 1)
    .bind(offset(page))
    .fetch_all(pool)
    .await?;
    let per_day = sqlx::query_as(
        "SELECT (q.first_seen_at AT TIME ZONE 'UTC')::date AS day, count(*) AS count
         FROM quotes q
         WHERE q.speaker_entity_id = $1
           AND q.first_seen_at > (SELECT max(first_seen_at) FROM quotes WHERE speaker_entity_id = $1)
                                 - make_interval(days => $2)
         GROUP BY 1 ORDER BY 1",
    )
    .bind(id)
    .bind(CHART_DAYS)
    .fetch_all(pool)
    .await?;
    let quoted_with = sqlx::query_as(
        "WITH recent AS (
             SELECT DISTINCT article_id, first_seen_at FROM (
                 SELECT article_id, first_seen_at FROM quotes WHERE speaker_entity_id = $1
                 ORDER BY first_seen_at DESC LIMIT $2) r)
         SELECT e.id, e.name, e.type AS kind, count(DISTINCT q.article_id) AS stories
         FROM recent r
         JOIN quotes q ON q.article_id = r.article_id AND q.first_seen_at = r.first_seen_at
         JOIN entities e ON e.id = q.speaker_entity_id
         WHERE q.speaker_entity_id <> $1
         GROUP BY e.id, e.name, e.type
         ORDER BY stories DESC, e.name LIMIT 20",
    )
    .bind(id)
    .bind(RECENT_STORIES)
    .fetch_all(pool)
    .await?;
    Ok(Some(Speaker {
        speaker,
        quotes: Paged::from_rows(quotes.into_iter().map(QuoteRow::split).collect(), page),
        per_day,
        quoted_with,
    }))
}

/// A story naming an entity.
#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct MentioningStory {
    /// Story id.
    pub id: i64,
    /// Headline.
    pub title: Option<String>,
    /// Agency.
    pub agency: Option<String>,
    /// When it was published.
    pub at: DateTime<Utc>,
    /// How many times it names the entity.
    pub mentions: i32,
}

/// One entity: mentions per day, the stories, the entities named alongside.
#[derive(Debug, Serialize)]
pub struct EntityPage {
    /// The entity.
    pub entity: EntityName,
    /// Whether it is quoted as a speaker anywhere.
    pub quoted: bool,
    /// Stories naming it, newest first.
    pub stories: Paged<MentioningStory>,
    /// Mentions per day over the 90 days up to the latest.
    pub per_day: Vec<DayCount>,
    /// Entities named in the same recent stories.
    pub named_with: Vec<Related>,
}

/// The page of entity `id`, or `None`.
pub async fn entity(pool: &PgPool, id: i64, page: i64) -> Result<Option<EntityPage>, WebError> {
    let Some(entity) = entity_name(pool, id).await? else {
        return Ok(None);
    };
    let quoted: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM quotes WHERE speaker_entity_id = $1)")
            .bind(id)
            .fetch_one(pool)
            .await?;
    let stories: Vec<MentioningStory> = sqlx::query_as(
        "SELECT a.id, a.title, a.agency, coalesce(a.published_at, a.first_seen_at) AS at,
                cardinality(m.start_offsets) AS mentions
         FROM (SELECT * FROM mentions WHERE entity_id = $1
               ORDER BY first_seen_at DESC, article_id DESC LIMIT $2 OFFSET $3) m
         JOIN articles a ON a.id = m.article_id AND a.first_seen_at = m.first_seen_at
         ORDER BY m.first_seen_at DESC, m.article_id DESC",
    )
    .bind(id)
    .bind(PAGE_SIZE + 1)
    .bind(offset(page))
    .fetch_all(pool)
    .await?;
    let per_day = sqlx::query_as(
        "SELECT (m.first_seen_at AT TIME ZONE 'UTC')::date AS day,
                sum(cardinality(m.start_offsets))::bigint AS count
         FROM mentions m
         WHERE m.entity_id = $1
           AND m.first_seen_at > (SELECT max(first_seen_at) FROM mentions WHERE entity_id = $1)
                                 - make_interval(days => $2)
         GROUP BY 1 ORDER BY 1",
    )
    .bind(id)
    .bind(CHART_DAYS)
    .fetch_all(pool)
    .await?;
    let named_with = sqlx::query_as(
        "WITH recent AS (
             SELECT article_id, first_seen_at FROM mentions WHERE entity_id = $1
             ORDER BY first_seen_at DESC LIMIT $2)
         SELECT e.id, e.name, e.type AS kind, count(*) AS stories
         FROM recent r
         JOIN mentions m ON m.article_id = r.article_id AND m.first_seen_at = r.first_seen_at
         JOIN entities e ON e.id = m.entity_id
         WHERE m.entity_id <> $1
         GROUP BY e.id, e.name, e.type
         ORDER BY stories DESC, e.name LIMIT 20",
    )
    .bind(id)
    .bind(RECENT_STORIES)
    .fetch_all(pool)
    .await?;
    Ok(Some(EntityPage {
        entity,
        quoted,
        stories: Paged::from_rows(stories, page),
        per_day,
        named_with,
    }))
}

/// A story matching a search, with its matched words marked.
#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct StoryHit {
    /// Story id.
    pub id: i64,
    /// Headline with matches marked.
    #[sqlx(skip)]
    pub title: Vec<Run>,
    /// Passages of the body with matches marked.
    #[sqlx(skip)]
    pub snippet: Vec<Run>,
    #[serde(skip)]
    marked_title: String,
    #[serde(skip)]
    marked_body: String,
    /// Agency.
    pub agency: Option<String>,
    /// When it was published.
    pub at: DateTime<Utc>,
}

/// Full-text search results: stories and quotes, newest first.
#[derive(Debug, Serialize)]
pub struct SearchResults {
    /// The search text.
    pub q: String,
    /// Stories whose headline or body match.
    pub stories: Paged<StoryHit>,
    /// Quotes whose words match.
    pub quotes: Paged<QuoteRow>,
}

/// Whether the text searches for anything (not only stop words).
async fn searchable(pool: &PgPool, q: &str) -> Result<bool, WebError> {
    Ok(
        sqlx::query_scalar(
            "SELECT numnode(websearch_to_tsquery(wirehose_ts_config('en'), $1)) > 0",
        )
        .bind(q)
        .fetch_one(pool)
        .await?,
    )
}

/// Below this many matches a search reads them all through the GIN index and sorts them.
const FEW_MATCHES: i64 = 2000;

/// Whether `q` matches few rows of `table` (articles or quotes). Newest-first results come
/// fastest from walking the time (or key) order backwards while matches are common, but that
/// walk reads the whole table when they are rare; the planner cannot tell the two apart.
async fn few_matches(pool: &PgPool, table: &str, q: &str) -> Result<bool, WebError> {
    let sql = format!(
        "SELECT count(*) < {FEW_MATCHES} FROM (SELECT 1 FROM {table}
         WHERE search @@ websearch_to_tsquery(wirehose_ts_config('en'), $1) LIMIT {FEW_MATCHES}) x"
    );
    Ok(sqlx::query_scalar(&sql).bind(q).fetch_one(pool).await?)
}

/// Stories and quotes matching `q` (web search syntax: words, "phrases", -not, or).
pub async fn search(pool: &PgPool, q: &str, page: i64) -> Result<SearchResults, WebError> {
    if !searchable(pool, q).await? {
        return Ok(SearchResults {
            q: q.to_string(),
            stories: Paged::from_rows(Vec::new(), page),
            quotes: Paged::from_rows(Vec::new(), page),
        });
    }
    // Adding zero keeps the planner off the time index, so it reads the few matches instead.
    let order = if few_matches(pool, "articles", q).await? {
        "coalesce(a.published_at, a.first_seen_at) + interval '0 s'"
    } else {
        "coalesce(a.published_at, a.first_seen_at)"
    };
    // The inner query picks the page's rows; snippets are built for those rows only.
    let sql = format!(
        "SELECT s.id, s.agency, s.at,
                ts_headline(wirehose_ts_config(s.language), coalesce(s.title, ''),
                            websearch_to_tsquery(wirehose_ts_config('en'), $1), $4) AS marked_title,
                ts_headline(wirehose_ts_config(s.language), left(s.body, $6),
                            websearch_to_tsquery(wirehose_ts_config('en'), $1), $5) AS marked_body
         FROM (SELECT a.id, a.agency, a.title, a.body, a.language,
                      coalesce(a.published_at, a.first_seen_at) AS at
               FROM articles a
               WHERE a.search @@ websearch_to_tsquery(wirehose_ts_config('en'), $1)
               ORDER BY {order} DESC, a.id DESC
               LIMIT $2 OFFSET $3) s
         ORDER BY s.at DESC, s.id DESC"
    );
    let stories: Vec<StoryHit> = sqlx::query_as(&sql)
        .bind(q)
        .bind(PAGE_SIZE + 1)
        .bind(offset(page))
        .bind(headline_options(false))
        .bind(headline_options(true))
        .bind(SNIPPET_CHARS)
        .fetch_all(pool)
        .await?;
    let stories = stories
        .into_iter()
        .map(|mut s| {
            s.title = runs(&s.marked_title);
            s.snippet = runs(&s.marked_body);
            s
        })
        .collect();
    let quotes = quotes(
        pool,
        QuoteFilter {
            q: Some(q),
            ..QuoteFilter::default()
        },
        page,
    )
    .await?;
    Ok(SearchResults {
        q: q.to_string(),
        stories: Paged::from_rows(stories, page),
        quotes,
    })
}

/// What the quote search filters on.
#[derive(Debug, Default, Clone, Copy)]
pub struct QuoteFilter<'a> {
    /// Words in the quote.
    pub q: Option<&'a str>,
    /// The speaker: an entity id, or a name matched without regard to case.
    pub speaker: Option<&'a str>,
    /// First UTC day the story was first seen, inclusive.
    pub from: Option<NaiveDate>,
    /// Last UTC day, inclusive.
    pub to: Option<NaiveDate>,
}

/// Quotes matching the filter, newest story first.
pub async fn quotes(
    pool: &PgPool,
    f: QuoteFilter<'_>,
    page: i64,
) -> Result<Paged<QuoteRow>, WebError> {
    let mut key = "q.article_id";
    if let Some(q) = f.q {
        if !searchable(pool, q).await? {
            return Ok(Paged::from_rows(Vec::new(), page));
        }
        if few_matches(pool, "quotes", q).await? {
            key = "q.article_id + 0";
        }
    }
    let mut b = QueryBuilder::new("SELECT q.id, ");
    match f.q {
        Some(text) => {
            b.push("ts_headline(wirehose_ts_config(q.language), q.text, websearch_to_tsquery(wirehose_ts_config('en'), ")
                .push_bind(text.to_string())
                .push("), ")
                .push_bind(headline_options(false))
                .push(") AS marked, ");
        }
        None => {
            b.push("q.text AS marked, ");
        }
    }
    // The page is picked from quotes alone, where the planner can walk the key backwards and stop
    // early; joined to the stories inside, it would join every quote first.
    b.push(
        "q.speaker, q.speaker_entity_id AS speaker_id, q.kind, a.id AS story_id,
         a.title AS story_title, a.agency, coalesce(a.published_at, a.first_seen_at) AS at
         FROM (SELECT * FROM quotes q WHERE true",
    );
    if let Some(text) = f.q {
        b.push(" AND q.search @@ websearch_to_tsquery(wirehose_ts_config('en'), ")
            .push_bind(text.to_string())
            .push(")");
    }
    if let Some(s) = f.speaker {
        match s.parse::<i64>() {
            Ok(id) => {
                b.push(" AND q.speaker_entity_id = ").push_bind(id);
            }
            Err(_) => {
                b.push(
                    " AND q.speaker_entity_id IN (SELECT id FROM entities WHERE lower(name) = lower(",
                )
                .push_bind(s.to_string())
                .push(") UNION SELECT entity_id FROM entity_aliases WHERE lower(alias) = lower(")
                .push_bind(s.to_string())
                .push("))");
            }
        }
    }
    if let Some(d) = f.from {
        b.push(" AND q.first_seen_at >= ").push_bind(start_of(d));
    }
    if let Some(d) = f.to {
        b.push(" AND q.first_seen_at < ")
            .push_bind(start_of(d) + chrono::Duration::days(1));
    }
    b.push(format_args!(
        " ORDER BY {key} DESC, q.first_seen_at DESC, q.id DESC LIMIT "
    ))
    .push_bind(PAGE_SIZE + 1)
    .push(" OFFSET ")
    .push_bind(offset(page))
    .push(
        ") q JOIN articles a ON a.id = q.article_id AND a.first_seen_at = q.first_seen_at
             ORDER BY q.article_id DESC, q.first_seen_at DESC, q.id DESC",
    );
    let rows: Vec<QuoteRow> = b.build_query_as().fetch_all(pool).await?;
    Ok(Paged::from_rows(
        rows.into_iter().map(QuoteRow::split).collect(),
        page,
    ))
}
