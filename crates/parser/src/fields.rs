//! The article's fields, one step each: the body's paragraphs and where the story starts, then
//! title, lede, byline and authors, dates, section, tags and links, read from the page's
//! metadata, its site profile and its text.

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, Utc};
use model::DateSource;
use scraper::{Html, Selector};

use crate::dom::{Dom, Ix, Tag};
use crate::extract::{self, Analysis};
use crate::meta::PageMeta;
use crate::{
    agrees_with_page, clean_byline, clean_title, collapse, date_from_url, first_raw_text,
    first_text, is_kicker, nfc, norm_eq, outermost, parse_date, parse_dateline, parse_text_date,
    select_all, select_byline, select_first, select_first_list, select_text,
    unescape_twice_escaped, Profile,
};

/// A date and where it was read.
type Dated = (DateTime<FixedOffset>, DateSource);

/// One page as every field step reads it: its metadata, its element tree and the site's profile.
pub(crate) struct Page<'h, 'p> {
    pub(crate) html: &'h Html,
    pub(crate) meta: PageMeta,
    pub(crate) dom: Dom<'h>,
    pub(crate) profile: Option<&'p Profile>,
    /// The page's URL: given, else its canonical or `og:url`.
    page_url: Option<String>,
    /// That URL's host, lower-cased.
    host: Option<String>,
}

impl<'h, 'p> Page<'h, 'p> {
    /// Reads the metadata, finds the site's profile by host and builds the element tree.
    pub(crate) fn new(html: &'h Html, url: Option<&str>, profiles: &'p [Profile]) -> Self {
        let meta = crate::meta::collect(html);
        let page_url = url
            .map(str::to_string)
            .or_else(|| meta.canonical.clone())
            .or_else(|| meta.get(&["og:url"]).map(str::to_string));
        let host = page_url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| u.host_str().map(|h| h.to_ascii_lowercase()));
        let profile = host
            .as_deref()
            .and_then(|h| profiles.iter().find(|p| p.matches(h)));
        let dom = Dom::build(html, profile.is_some());
        Page {
            html,
            meta,
            dom,
            profile,
            page_url,
            host,
        }
    }

    /// Prunes the page; a profile's drop list sharpens the pruning for its site.
    pub(crate) fn analyse(&self) -> (Analysis, Vec<Ix>) {
        let drops: Vec<Ix> = self
            .profile
            .map(|p| select_all(self.html, &self.dom, &p.drop))
            .unwrap_or_default();
        let roots = self
            .profile
            .map(|p| outermost(&self.dom, select_first_list(self.html, &self.dom, &p.body)))
            .unwrap_or_default();
        (extract::analyse(&self.dom, &drops, &roots), roots)
    }

    /// The body's paragraphs: the profile's body when it holds enough text, else the best generic
    /// container that does not come out empty. Also whether the profile failed.
    pub(crate) fn body_paragraphs(
        &self,
        analysis: &Analysis,
        roots: Vec<Ix>,
    ) -> (Vec<String>, bool) {
        let mut profile_failed = false;
        if let Some(p) = self.profile {
            let roots: Vec<Ix> = roots
                .into_iter()
                .filter(|&r| !analysis.removed[r as usize])
                .collect();
            let paras = extract::clean_paragraphs(extract::paragraphs(&self.dom, analysis, &roots));
            let chars: usize = paras.iter().map(|s| s.chars().count()).sum();
            if chars < p.min_body_chars {
                profile_failed = true;
            } else if !paras.is_empty() {
                return (paras, false);
            }
        }
        // The best container can come out empty once its link lists are cleaned; try the next ones.
        for roots in extract::body_candidates(&self.dom, analysis, 4) {
            let paras = extract::clean_paragraphs(extract::paragraphs(&self.dom, analysis, &roots));
            if paras.iter().map(|s| s.len()).sum::<usize>() > 0 {
                return (paras, profile_failed);
            }
        }
        (Vec::new(), profile_failed)
    }

    /// The section the page files the story under.
    fn section_meta(&self) -> Option<String> {
        self.meta
            .ld
            .section
            .clone()
            .or_else(|| self.meta.get(&["article:section"]).map(str::to_string))
    }

    /// The headline, without the site's name, section or kicker around it.
    pub(crate) fn title(&self) -> Option<String> {
        let meta = &self.meta;
        let h1 = first_text(&self.dom, |n| n.tag == Some(Tag::H(1)));
        let site = meta.get(&["og:site_name", "application-name"]);
        let section = self.section_meta();
        let raw = self
            .profile
            .and_then(|p| select_text(self.html, &p.title))
            .or_else(|| meta.ld.headline.clone())
            .or_else(|| meta.get(&["og:title", "twitter:title"]).map(str::to_string))
            .or_else(|| h1.clone())
            .or_else(|| meta.title_tag.clone());
        raw.map(|t| unescape_twice_escaped(&t))
            .map(|t| {
                clean_title(
                    &t,
                    site,
                    section.as_deref(),
                    self.host.as_deref(),
                    h1.as_deref(),
                )
            })
            .filter(|t| !t.is_empty())
    }

    /// The page's own articleBody, when the visible extraction came out thin and it agrees with
    /// the page.
    pub(crate) fn ld_body_if_thin(&self, analysis: &Analysis, body: &mut Vec<String>) {
        let body_chars: usize = body.iter().map(|s| s.len()).sum();
        let Some(ld_body) = self.meta.ld.body.as_deref() else {
            return;
        };
        if body_chars < 300
            && ld_body.len() > body_chars * 2
            && agrees_with_page(&self.dom, analysis, ld_body)
        {
            *body = ld_body
                .split('\n')
                .map(|p| nfc(collapse(p)))
                .filter(|s| !s.is_empty())
                .collect();
        }
    }

    /// The standfirst: the profile's, else the page's description.
    pub(crate) fn lede(&self) -> Option<String> {
        let meta = &self.meta;
        self.profile
            .and_then(|p| select_text(self.html, &p.lede))
            .or_else(|| {
                meta.get(&["og:description", "description", "twitter:description"])
                    .map(str::to_string)
            })
            .or_else(|| meta.ld.description.clone())
            .map(|s| collapse(extract::cut_read_more(&unescape_twice_escaped(&s))))
            .filter(|s| !s.is_empty())
    }

    /// The named authors and the byline as printed.
    pub(crate) fn authors_and_byline(&self) -> (Vec<String>, Option<String>) {
        let meta = &self.meta;
        let profile_byline = self
            .profile
            .and_then(|p| select_byline(self.html, &self.dom, &p.byline));
        let meta_author = meta
            .get(&[
                "author",
                "article:author",
                "dc.creator",
                "sailthru.author",
                "parsely-author",
            ])
            .map(str::to_string);
        let mut authors = profile_byline
            .as_deref()
            .map(clean_byline)
            .unwrap_or_default();
        if authors.is_empty() {
            authors = self.ld_authors();
        }
        let byline = profile_byline.or_else(|| self.generic_byline());
        if authors.is_empty() && !meta.ld.has_author {
            if let Some(m) = meta_author.as_deref().filter(|m| !m.starts_with("http")) {
                authors = clean_byline(m);
            }
            if authors.is_empty() {
                if let Some(b) = byline.as_deref() {
                    authors = clean_byline(b);
                }
            }
        }
        let byline = byline
            .or(meta_author)
            .map(|b| collapse(&b))
            .filter(|b| !b.is_empty());
        (authors, byline)
    }

    /// The authors the page's JSON-LD names, each once.
    fn ld_authors(&self) -> Vec<String> {
        let mut authors: Vec<String> = Vec::new();
        for a in &self.meta.ld.authors {
            for n in clean_byline(a) {
                if !authors.iter().any(|x| x.eq_ignore_ascii_case(&n)) {
                    authors.push(n);
                }
            }
        }
        authors
    }

    /// The first element marked as the author or byline.
    fn generic_byline(&self) -> Option<String> {
        first_raw_text(&self.dom, |n| {
            &*n.itemprop == "author"
                || n.cls
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|w| matches!(w, "byline" | "author" | "authors" | "bylines"))
        })
    }

    /// When the story was published, from the first source that gives a plausible date:
    /// JSON-LD, meta tags, the profile's date, a `<time>`, the URL, the body's opening words.
    pub(crate) fn published(&self, fetched: Option<DateTime<Utc>>, body: &str) -> Option<Dated> {
        let meta = &self.meta;
        let ok = |d: &DateTime<FixedOffset>| plausible(*d, fetched);
        let dated =
            |d: Option<DateTime<FixedOffset>>, src: DateSource| d.filter(ok).map(|d| (d, src));
        dated(
            meta.ld.published.as_deref().and_then(parse_date),
            DateSource::JsonLd,
        )
        .or_else(|| {
            dated(
                meta.get(PUBLISHED_KEYS).and_then(parse_date),
                DateSource::Meta,
            )
        })
        .or_else(|| dated(self.profile_date(), DateSource::TimeElement))
        .or_else(|| {
            dated(
                meta.times.iter().find_map(|t| parse_date(t)),
                DateSource::TimeElement,
            )
        })
        .or_else(|| {
            dated(
                self.page_url.as_deref().and_then(date_from_url),
                DateSource::Url,
            )
        })
        .or_else(|| {
            let head: String = body.chars().take(400).collect();
            dated(parse_text_date(&head), DateSource::Text)
        })
    }

    /// The date the site's profile points at, from its `datetime` or its text.
    fn profile_date(&self) -> Option<DateTime<FixedOffset>> {
        let p = self.profile?;
        let e = select_first(self.html, &p.date)?;
        let d = e
            .attr("datetime")
            .map(str::to_string)
            .unwrap_or_else(|| e.text().collect());
        parse_date(&d)
    }

    /// When the story was last changed.
    pub(crate) fn modified(&self, fetched: Option<DateTime<Utc>>) -> Option<DateTime<FixedOffset>> {
        let meta = &self.meta;
        meta.ld
            .modified
            .as_deref()
            .and_then(parse_date)
            .or_else(|| meta.get(MODIFIED_KEYS).and_then(parse_date))
            .filter(|d| plausible(*d, fetched))
    }

    /// The section, cleaned.
    pub(crate) fn section(&self) -> Option<String> {
        self.section_meta()
            .map(|s| collapse(&unescape_twice_escaped(&s)))
            .filter(|s| !s.is_empty())
    }

    /// The story's tags: JSON-LD keywords, else `article:tag`, else the keywords meta tags.
    pub(crate) fn tags(&self) -> Vec<String> {
        let meta = &self.meta;
        let mut tags: Vec<String> = meta.ld.keywords.clone();
        if tags.is_empty() {
            tags = meta.all("article:tag").map(str::to_string).collect();
        }
        if tags.is_empty() {
            if let Some(k) = meta.get(&["news_keywords", "keywords"]) {
                tags = k
                    .split([',', ';'])
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
            }
        }
        tags.dedup();
        tags
    }

    /// The canonical URL and the lead image's URL, made absolute against the given URL.
    pub(crate) fn links(&self, url: Option<&str>) -> (Option<String>, Option<String>) {
        let meta = &self.meta;
        let base = url.and_then(|u| url::Url::parse(u).ok());
        let absolute = |u: &str| absolute(base.as_ref(), u);
        let canonical = meta
            .canonical
            .as_deref()
            .and_then(absolute)
            .or_else(|| meta.get(&["og:url"]).and_then(absolute))
            .or_else(|| meta.ld.url.as_deref().and_then(absolute));
        let image = meta
            .get(&["og:image", "og:image:url", "og:image:secure_url"])
            .and_then(absolute)
            .or_else(|| meta.ld.image.as_deref().and_then(absolute))
            .or_else(|| {
                meta.get(&["twitter:image", "twitter:image:src"])
                    .and_then(absolute)
            });
        (canonical, image)
    }
}

/// Meta tags that give the publication time, in the order they are trusted.
const PUBLISHED_KEYS: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.date",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "published-date",
    "original-publish-date",
];

/// Meta tags that give the time of the last change.
const MODIFIED_KEYS: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "last-modified",
];

/// A date no later than a quarter of an hour after the page was fetched.
fn plausible(d: DateTime<FixedOffset>, fetched: Option<DateTime<Utc>>) -> bool {
    fetched.is_none_or(|f| d.with_timezone(&Utc) <= f + chrono::Duration::minutes(15))
}

/// `u` as an absolute URL, joined to `base` when it is relative.
fn absolute(base: Option<&url::Url>, u: &str) -> Option<String> {
    let u = u.trim();
    if u.is_empty() {
        return None;
    }
    match url::Url::parse(u) {
        Ok(x) => Some(x.to_string()),
        Err(_) => base.and_then(|b| b.join(u).ok()).map(|x| x.to_string()),
    }
}

/// Characters below which a body is thin enough to look for the story in `<noscript>`.
const THIN_BODY: usize = 200;

/// The paragraphs of a story written only inside `<noscript>`, for readers without scripts,
/// when the visible page holds almost nothing: the largest such block, read as a page of its own.
pub(crate) fn noscript_body(
    html: &Html,
    body: &[String],
    url: Option<&str>,
    profiles: &[Profile],
) -> Option<Vec<String>> {
    let chars: usize = body.iter().map(|p| p.chars().count()).sum();
    if chars >= THIN_BODY {
        return None;
    }
    static NOSCRIPT: LazyLock<Selector> =
        LazyLock::new(|| Selector::parse("noscript").expect("static selector"));
    // Parsed with scripting on, a noscript's content is one text node: its markup as written.
    let markup = html
        .select(&NOSCRIPT)
        .map(|e| e.text().collect::<String>())
        .max_by_key(String::len)?;
    if !markup.contains('<') {
        return None;
    }
    let inner = Html::parse_document(&markup);
    let page = Page::new(&inner, url, profiles);
    let (analysis, roots) = page.analyse();
    let (paras, _) = page.body_paragraphs(&analysis, roots);
    let found: usize = paras.iter().map(|p| p.chars().count()).sum();
    (found >= THIN_BODY && found > 2 * chars).then_some(paras)
}

/// Drops the headline repeated at the top of the body, and a kicker above it ("BREAKING NEWS",
/// "Exclusive").
pub(crate) fn drop_repeated_headline(title: Option<&str>, body: &mut Vec<String>) {
    let Some(t) = title else { return };
    let at = body.iter().take(3).position(|p| norm_eq(t, p));
    if let Some(at) = at.filter(|&at| body[..at].iter().all(|k| is_kicker(k))) {
        body.drain(..=at);
    }
}

/// A wire story starts at its dateline: the standfirst, date stamp or byline printed above
/// "ANKARA (AA) -" is not part of the story (summary bullets are, and stay). Returns that
/// dateline when the paragraphs above it were dropped.
pub(crate) fn start_at_story_dateline(
    body: &mut Vec<String>,
    lede: Option<&str>,
) -> Option<model::Dateline> {
    let (k, d) = body.iter().take(4).enumerate().find_map(|(k, p)| {
        parse_dateline(p)
            .filter(|(d, _)| d.agency.is_some())
            .map(|(d, _)| (k, d))
    })?;
    let furniture = |p: &String| {
        lede.is_some_and(|l| norm_eq(l, p))
            || extract::is_timestamp_line(p)
            || extract::is_byline_line(p)
            || extract::is_caption_line(p)
    };
    if !body[..k].iter().all(furniture) {
        return None;
    }
    body.drain(..k);
    Some(d)
}
