//! Shared types of the wirehose pipeline.
//!
//! Every stage speaks in these types: the fetcher produces [`FetchedPage`]s, the parser turns a page
//! into an [`Article`], the analyzer finds its [`Quote`]s and [`Entity`]s, and the store writes an
//! [`AnalyzedArticle`]. Nothing here does I/O.

pub mod canon;
mod failure;
pub mod page;

use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

pub use failure::{FailureClass, FailureStage, UnknownName};

/// How a source lists its stories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// RSS 0.9x, 1.0 or 2.0.
    Rss,
    /// Atom 1.0.
    Atom,
    /// JSON Feed.
    Json,
    /// A sitemap, sitemap index or Google News sitemap.
    Sitemap,
    /// An HTML page whose article links are picked with a CSS selector.
    Listing,
    /// Detected from the response.
    #[default]
    Auto,
}

impl SourceKind {
    /// The name used in the config and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Rss => "rss",
            SourceKind::Atom => "atom",
            SourceKind::Json => "json",
            SourceKind::Sitemap => "sitemap",
            SourceKind::Listing => "listing",
            SourceKind::Auto => "auto",
        }
    }
}

/// A configured feed, sitemap or listing page that the daemon polls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// Unique short name, e.g. `tass`.
    pub name: String,
    /// The agency whose copy this is, e.g. `TASS`.
    pub agency: Option<String>,
    /// How the source lists its stories.
    pub kind: SourceKind,
    /// The feed, sitemap or listing page URL.
    pub url: String,
    /// How often the source is polled.
    #[serde(with = "duration_secs")]
    pub poll_interval: Duration,
    /// CSS selector of article links (listing pages only).
    pub link_selector: Option<String>,
    /// Extra hosts whose links are followed besides the source's own.
    pub allowed_hosts: Vec<String>,
}

mod duration_secs {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let secs = f64::deserialize(d)?;
        Duration::try_from_secs_f64(secs).map_err(serde::de::Error::custom)
    }
}

/// What a feed said about one of its items.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FeedItem {
    /// The item's link as the feed gave it.
    pub url: String,
    /// The item's GUID or Atom id.
    pub guid: Option<String>,
    /// The item's title.
    pub title: Option<String>,
    /// The item's publication date.
    pub published_at: Option<DateTime<FixedOffset>>,
}

/// An article page as the fetcher received it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FetchedPage {
    /// The source the page was found through.
    pub source: String,
    /// The agency of that source.
    pub agency: Option<String>,
    /// The URL that was requested.
    pub url: String,
    /// The URL after redirects.
    pub final_url: String,
    /// The redirects followed from `url` to `final_url`, in order (empty when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<Redirect>,
    /// HTTP status of the final response.
    pub status: u16,
    /// The `Content-Type` header, if any (its charset feeds decoding).
    pub content_type: Option<String>,
    /// Response headers worth keeping (lower-case names).
    pub headers: Vec<(String, String)>,
    /// The decompressed body bytes.
    pub body: Vec<u8>,
    /// When the response arrived.
    pub fetched_at: DateTime<Utc>,
    /// What the feed said about the item, when it came from a feed.
    pub feed_item: Option<FeedItem>,
}

/// One redirect on the way to a page: the URL that answered with it, and its status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redirect {
    /// The URL requested at this hop.
    pub url: String,
    /// Its redirect status (301, 302, 303, 307 or 308).
    pub status: u16,
}

/// The place, date and agency that open a wire story ("MOSCOW, June 6. /TASS/.").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dateline {
    /// The place as printed, e.g. `MOSCOW`.
    pub place: Option<String>,
    /// The date as printed, e.g. `June 6`.
    pub date: Option<String>,
    /// The agency as printed, e.g. `TASS`.
    pub agency: Option<String>,
}

/// Where a published or modified date was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateSource {
    /// JSON-LD structured data.
    JsonLd,
    /// A `<meta>` tag (OpenGraph, `article:*`, Dublin Core, ...).
    Meta,
    /// A `<time datetime>` element.
    TimeElement,
    /// The URL path.
    Url,
    /// The visible text.
    Text,
    /// The feed item.
    Feed,
}

/// An article as the parser extracted it from a page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Headline, cleaned of site suffixes.
    pub title: Option<String>,
    /// Standfirst or first-paragraph summary.
    pub lede: Option<String>,
    /// Paragraphs in order, joined by a blank line; the dateline stays at the start.
    pub body: String,
    /// Validated author names.
    pub authors: Vec<String>,
    /// The byline as printed.
    pub byline: Option<String>,
    /// Publication time with the offset the page states.
    pub published_at: Option<DateTime<FixedOffset>>,
    /// Last modification time with the offset the page states.
    pub modified_at: Option<DateTime<FixedOffset>>,
    /// Where `published_at` came from.
    pub date_source: Option<DateSource>,
    /// The dateline, when the story opens with one.
    pub dateline: Option<Dateline>,
    /// ISO 639-1 language code.
    pub language: Option<String>,
    /// Confidence of the language guess, 0 to 1.
    pub language_confidence: Option<f32>,
    /// Section or category.
    pub section: Option<String>,
    /// Keywords and tags.
    pub tags: Vec<String>,
    /// The page's canonical URL.
    pub canonical_url: Option<String>,
    /// The top image URL.
    pub image_url: Option<String>,
    /// Whether the page says it is free to read.
    pub is_accessible_for_free: Option<bool>,
    /// Which character-set step decided the decoding (bom, http, meta, detected, default).
    pub charset_source: Option<String>,
    /// The character set the page was decoded from.
    pub charset: Option<String>,
}

/// How a quote is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// Whole sentences in quotation marks.
    Direct,
    /// A quoted fragment inside the writer's sentence.
    Partial,
    /// Reported speech without quotation marks.
    Indirect,
}

impl QuoteKind {
    /// The name used in output and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteKind::Direct => "direct",
            QuoteKind::Partial => "partial",
            QuoteKind::Indirect => "indirect",
        }
    }
}

/// The kind of a named entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityType {
    /// A named person.
    Person,
    /// A company, ministry, agency, party, ...
    Organization,
    /// A country, city, region, ...
    Location,
}

impl EntityType {
    /// The name used in output and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "person",
            EntityType::Organization => "organization",
            EntityType::Location => "location",
        }
    }
}

/// A quotation or piece of reported speech.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// The quoted words without quotation marks.
    pub text: String,
    /// Canonical full name of the speaker, or `None` when the text does not say.
    pub speaker: Option<String>,
    /// Whether the speaker is a person or an organisation.
    pub speaker_type: Option<EntityType>,
    /// The speaker as printed next to the quote ("he", "the minister", "Putin").
    pub speaker_text: Option<String>,
    /// Direct, partial or indirect.
    pub kind: QuoteKind,
    /// The speech verb or phrase that attributes the quote ("said", "according to").
    pub cue: Option<String>,
    /// Character offset of the quote's start in the body.
    pub start: usize,
    /// Character offset of the quote's end in the body.
    pub end: usize,
    /// Confidence of the attribution, 0 to 1.
    pub confidence: f32,
}

/// One occurrence of an entity in the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// The surface form as printed.
    pub text: String,
    /// Character offset of the mention's start in the body.
    pub start: usize,
    /// Character offset of the mention's end in the body.
    pub end: usize,
}

/// A named person, organisation or place with every mention of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// Canonical full name.
    pub name: String,
    /// Person, organisation or location.
    #[serde(rename = "type")]
    pub entity_type: EntityType,
    /// Every mention, in body order.
    pub mentions: Vec<Mention>,
}

/// What the analyzer found in one article.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// Quotes in body order.
    pub quotes: Vec<Quote>,
    /// Entities, each with its mentions.
    pub entities: Vec<Entity>,
    /// 64-bit SimHash of the body's word shingles, for finding syndicated copies (None when short).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simhash: Option<u64>,
}

/// A fully processed story, ready for the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalyzedArticle {
    /// The source it was found through.
    pub source: String,
    /// The agency of that source.
    pub agency: Option<String>,
    /// The URL that was requested.
    pub url: String,
    /// The URL after redirects.
    pub final_url: String,
    /// When the page was fetched.
    pub fetched_at: DateTime<Utc>,
    /// The extracted article.
    pub article: Article,
    /// Its quotes and entities.
    pub analysis: Analysis,
    /// The raw page, kept for reprocessing.
    pub raw: Option<RawPage>,
}

/// The fetched bytes of a page, kept so that parsing can be re-run later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawPage {
    /// HTTP status.
    pub status: u16,
    /// The redirects that led to the page, in order (empty when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<Redirect>,
    /// Response headers worth keeping.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

/// Converts a byte offset in `s` to a character offset.
pub fn char_offset(s: &str, byte: usize) -> usize {
    let byte = byte.min(s.len());
    s.char_indices().take_while(|(i, _)| *i < byte).count()
}

/// A URL whose fetching or processing failed, recorded instead of an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// The source the URL was found through.
    pub source: String,
    /// The URL that failed.
    pub url: String,
    /// The stage that failed.
    pub stage: FailureStage,
    /// Why, in a few words.
    pub class: FailureClass,
    /// A human-readable reason.
    pub reason: String,
    /// When it failed.
    pub at: DateTime<Utc>,
}

/// What reaches the store for one article URL: the story, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Outcome {
    /// A processed story.
    Article(Box<AnalyzedArticle>),
    /// A failure of that URL.
    Failed(Failure),
}
