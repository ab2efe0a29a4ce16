//! Page metadata: JSON-LD, OpenGraph and `article:*` meta, `<time>` elements, canonical links.

use scraper::{Html, Node};
use serde_json::Value;

/// What the page says about itself outside the visible text.
#[derive(Debug, Default)]
pub(crate) struct PageMeta {
    /// `(key, content)` of every `<meta>` with a `property`, `name` or `itemprop`; keys lower-cased.
    pub metas: Vec<(String, String)>,
    /// `<link rel=canonical>`.
    pub canonical: Option<String>,
    /// `<title>` text.
    pub title_tag: Option<String>,
    /// `<html lang>`.
    pub html_lang: Option<String>,
    /// `datetime` attributes of `<time>` elements, in document order.
    pub times: Vec<String>,
    /// The article object from JSON-LD, when there is one.
    pub ld: LdArticle,
}

/// The fields of a JSON-LD `NewsArticle` (or similar) the parser uses.
#[derive(Debug, Default)]
pub(crate) struct LdArticle {
    pub found: bool,
    pub headline: Option<String>,
    pub description: Option<String>,
    pub published: Option<String>,
    pub modified: Option<String>,
    /// Person authors by name.
    pub authors: Vec<String>,
    /// Whether an author field was present at all (even an organisation).
    pub has_author: bool,
    pub section: Option<String>,
    pub keywords: Vec<String>,
    pub image: Option<String>,
    pub free: Option<bool>,
    pub body: Option<String>,
    pub url: Option<String>,
}

impl PageMeta {
    /// The first non-empty content of any of `keys`.
    pub(crate) fn get(&self, keys: &[&str]) -> Option<&str> {
        keys.iter().find_map(|k| {
            self.metas
                .iter()
                .find(|(key, v)| key == k && !v.trim().is_empty())
                .map(|(_, v)| v.trim())
        })
    }

    /// Every non-empty content of `key`.
    pub(crate) fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.metas
            .iter()
            .filter(move |(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
    }
}

/// Collects metadata in one pass over the document.
pub(crate) fn collect(html: &Html) -> PageMeta {
    let mut m = PageMeta::default();
    let mut ld_texts: Vec<String> = Vec::new();
    for node in html.tree.nodes() {
        let Node::Element(e) = node.value() else {
            continue;
        };
        match e.name() {
            "meta" => {
                let key = e.attr("property").or(e.attr("name")).or(e.attr("itemprop"));
                if let (Some(k), Some(c)) = (key, e.attr("content")) {
                    m.metas.push((k.trim().to_ascii_lowercase(), c.to_string()));
                }
            }
            "link"
                if m.canonical.is_none()
                    && e.attr("rel").is_some_and(|r| {
                        r.split_whitespace()
                            .any(|t| t.eq_ignore_ascii_case("canonical"))
                    }) =>
            {
                m.canonical = e
                    .attr("href")
                    .map(|h| h.trim().to_string())
                    .filter(|h| !h.is_empty());
            }
            "title" if m.title_tag.is_none() => {
                let t: String = node
                    .children()
                    .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                    .collect();
                m.title_tag = Some(t).filter(|t| !t.trim().is_empty());
            }
            "html" => {
                m.html_lang = e
                    .attr("lang")
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty())
            }
            "time" => {
                if let Some(d) = e.attr("datetime") {
                    m.times.push(d.to_string());
                }
            }
            "script"
                if e.attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json")) =>
            {
                let t: String = node
                    .children()
                    .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                    .collect();
                ld_texts.push(t);
            }
            _ => {}
        }
    }
    for t in &ld_texts {
        if m.ld.found {
            break;
        }
        if let Ok(v) = serde_json::from_str::<Value>(t.trim().trim_end_matches(';')) {
            if let Some(obj) = find_article(&v, 0) {
                m.ld = ld_article(obj);
            }
        }
    }
    m
}

const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "BackgroundNewsArticle",
    "OpinionNewsArticle",
    "ReviewNewsArticle",
    "Article",
    "BlogPosting",
    "LiveBlogPosting",
    "Report",
    "ScholarlyArticle",
    "TechArticle",
    "SocialMediaPosting",
    "WebPage",
];

fn type_rank(v: &Value) -> Option<usize> {
    let t = v.get("@type")?;
    let names: Vec<&str> = match t {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => return None,
    };
    names
        .iter()
        .filter_map(|n| ARTICLE_TYPES.iter().position(|t| t == n))
        .min()
}

/// The best article-like object anywhere in a JSON-LD value (`@graph`, arrays, `mainEntity`).
fn find_article(v: &Value, depth: usize) -> Option<&Value> {
    if depth > 8 {
        return None;
    }
    let mut best: Option<(usize, &Value)> = None;
    match v {
        Value::Array(a) => {
            for x in a {
                if let Some(found) = find_article(x, depth + 1) {
                    let r = type_rank(found).unwrap_or(usize::MAX);
                    if best.is_none_or(|(b, _)| r < b) {
                        best = Some((r, found));
                    }
                }
            }
        }
        Value::Object(o) => {
            if let Some(r) = type_rank(v) {
                best = Some((r, v));
            }
            for key in [
                "@graph",
                "mainEntity",
                "mainEntityOfPage",
                "itemListElement",
            ] {
                if let Some(x) = o.get(key) {
                    if let Some(found) = find_article(x, depth + 1) {
                        let r = type_rank(found).unwrap_or(usize::MAX);
                        if best.is_none_or(|(b, _)| r < b) {
                            best = Some((r, found));
                        }
                    }
                }
            }
        }
        _ => {}
    }
    best.map(|(_, v)| v)
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Array(a) => a.iter().find_map(text_of),
        Value::Object(o) => o.get("name").or(o.get("@value")).and_then(text_of),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn url_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Array(a) => a.iter().find_map(url_of),
        Value::Object(o) => o
            .get("url")
            .or(o.get("contentUrl"))
            .or(o.get("@id"))
            .and_then(url_of),
        _ => None,
    }
}

fn ld_article(v: &Value) -> LdArticle {
    let mut a = LdArticle {
        found: true,
        ..Default::default()
    };
    let g = |k: &str| v.get(k);
    a.headline = g("headline").or(g("name")).and_then(text_of);
    a.description = g("description").and_then(text_of);
    a.published = g("datePublished").or(g("dateCreated")).and_then(text_of);
    a.modified = g("dateModified").and_then(text_of);
    a.section = g("articleSection").and_then(text_of);
    a.image = g("image").or(g("thumbnailUrl")).and_then(url_of);
    a.body = g("articleBody").and_then(text_of);
    a.url = g("url").and_then(url_of);
    if let Some(k) = g("keywords") {
        match k {
            Value::String(s) => {
                a.keywords = s
                    .split(',')
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect()
            }
            Value::Array(arr) => a.keywords = arr.iter().filter_map(text_of).collect(),
            _ => {}
        }
    }
    a.free = match g("isAccessibleForFree") {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" => Some(true),
            "false" | "no" => Some(false),
            _ => None,
        },
        _ => None,
    };
    if let Some(au) = g("author").or(g("creator")) {
        a.has_author = true;
        let list: Vec<&Value> = match au {
            Value::Array(x) => x.iter().collect(),
            other => vec![other],
        };
        for p in list {
            let is_org = p
                .get("@type")
                .and_then(Value::as_str)
                .is_some_and(|t| !t.eq_ignore_ascii_case("Person"));
            if is_org {
                continue;
            }
            if let Some(n) = text_of(p) {
                a.authors.push(n);
            }
        }
    }
    a
}
