//! The parser stage: turns the bytes of a fetched page into an [`Article`].
//!
//! Pure: bytes in, struct out, no I/O, so it is tested with golden files alone. The page is decoded
//! (WHATWG charset order), parsed once with html5ever, and that one tree feeds the metadata reader,
//! the site profile chosen by host, and the generic extractor that takes over when a profile finds
//! nothing usable.

mod authors;
mod dateline;
mod dates;
mod dom;
mod extract;
mod meta;
mod profile;

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, Utc};
use model::{page, Article, DateSource};
use regex::Regex;
use scraper::{Html, Selector};

pub use authors::{clean_byline, clean_name};
pub use dateline::parse_dateline;
pub use dates::{date_from_url, parse_date, parse_text_date};
pub use profile::Profile;

use dom::{Dom, Ix, Tag};
use extract::Analysis;

/// Pages larger than this are cut before parsing; the article may come out partial.
pub const MAX_PAGE_BYTES: usize = 12 * 1024 * 1024;

/// Why a page could not be turned into an article.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The page has no text at all.
    #[error("page is empty")]
    Empty,
    /// The bytes are not a text document.
    #[error("page is not text: {0}")]
    NotText(String),
    /// A site profile could not be read.
    #[error("site profile {name}: {reason}")]
    Profile {
        /// The profile's name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// What the parser knows about a page besides its bytes.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions<'a> {
    /// The page's address, when known.
    pub url: Option<&'a str>,
    /// The HTTP `Content-Type` header, when known.
    pub content_type: Option<&'a str>,
    /// When the page was fetched (dates after it are rejected).
    pub fetched_at: Option<DateTime<Utc>>,
}

/// An article with how it was extracted.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The extracted article.
    pub article: Article,
    /// The site profile chosen by host, if any.
    pub profile: Option<String>,
    /// Whether that profile found no usable body, so the generic extractor took over.
    pub profile_failed: bool,
    /// Why fields are missing, when the page gave no article body.
    pub warnings: Vec<String>,
}

/// The article parser, holding its site profiles.
#[derive(Debug)]
pub struct Parser {
    profiles: Vec<Profile>,
}

impl Default for Parser {
    fn default() -> Self {
        let profiles = profile::BUILTIN
            .iter()
            .map(|(name, text)| {
                Profile::from_toml(name, text).expect("built-in profiles are valid")
            })
            .collect();
        Parser { profiles }
    }
}

impl Parser {
    /// The built-in profiles plus `extra` ones (name, TOML text); an extra profile replaces a built-in one of
    /// the same name and is tried before the built-ins.
    pub fn with_profiles(extra: &[(String, String)]) -> Result<Parser, ParseError> {
        let mut p = Parser::default();
        let mut added = Vec::with_capacity(extra.len());
        for (name, text) in extra {
            added.push(Profile::from_toml(name, text)?);
        }
        p.profiles
            .retain(|b| !added.iter().any(|a| a.name == b.name));
        added.append(&mut p.profiles);
        p.profiles = added;
        Ok(p)
    }

    /// The loaded profiles, in the order they are tried.
    pub fn profiles(&self) -> &[Profile] {
        &self.profiles
    }

    /// Parses one page.
    pub fn parse(&self, bytes: &[u8], opts: &ParseOptions<'_>) -> Result<Article, ParseError> {
        self.parse_report(bytes, opts).map(|p| p.article)
    }

    /// Parses one page and reports which profile was used and whether it failed.
    pub fn parse_report(
        &self,
        bytes: &[u8],
        opts: &ParseOptions<'_>,
    ) -> Result<Parsed, ParseError> {
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(ParseError::Empty);
        }
        let bytes = &bytes[..bytes.len().min(MAX_PAGE_BYTES)];
        let decoded = page::decode(bytes, opts.content_type, opts.url);
        let controls = decoded
            .text
            .chars()
            .take(4096)
            .filter(|&c| (c.is_control() && !c.is_whitespace()) || c == '\u{FFFD}')
            .count();
        let sample = decoded.text.chars().take(4096).count();
        if sample > 0 && controls * 10 > sample {
            return Err(ParseError::NotText(format!(
                "{controls} control characters in the first {sample}"
            )));
        }
        let (prepared, flattened) = page::cap_nesting(&decoded.text, page::Menus::Empty);
        let html = Html::parse_document(prepared.as_deref().unwrap_or(&decoded.text));
        let mut parsed = self.extract(&html, opts);
        if flattened {
            parsed.warnings.push(format!(
                "nesting deeper than {} elements was flattened",
                page::MAX_DEPTH
            ));
        }
        parsed.article.charset_source = Some(decoded.source.to_string());
        parsed.article.charset = Some(decoded.encoding.name().to_string());
        Ok(parsed)
    }

    fn extract(&self, html: &Html, opts: &ParseOptions<'_>) -> Parsed {
        let meta = meta::collect(html);
        let mut warnings = Vec::new();
        let page_url = opts
            .url
            .map(str::to_string)
            .or_else(|| meta.canonical.clone())
            .or_else(|| meta.get(&["og:url"]).map(str::to_string));
        let host = page_url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| u.host_str().map(|h| h.to_ascii_lowercase()));
        let profile = host
            .as_deref()
            .and_then(|h| self.profiles.iter().find(|p| p.matches(h)));
        let dom = Dom::build(html, profile.is_some());

        let mut art = Article::default();
        let mut profile_failed = false;
        let mut body_paras: Vec<String> = Vec::new();

        // Profile first: its drop list sharpens the pruning for that site.
        let drops: Vec<Ix> = profile
            .map(|p| select_all(html, &dom, &p.drop))
            .unwrap_or_default();
        let profile_roots = profile
            .map(|p| outermost(&dom, select_first_list(html, &dom, &p.body)))
            .unwrap_or_default();
        let analysis = extract::analyse(&dom, &drops, &profile_roots);
        if let Some(p) = profile {
            let roots = profile_roots;
            let roots: Vec<Ix> = roots
                .into_iter()
                .filter(|&r| !analysis.removed[r as usize])
                .collect();
            let paras = extract::clean_paragraphs(extract::paragraphs(&dom, &analysis, &roots));
            let chars: usize = paras.iter().map(|s| s.chars().count()).sum();
            if chars >= p.min_body_chars {
                body_paras = paras;
            } else {
                profile_failed = true;
            }
        }
        if body_paras.is_empty() {
            // The best container can come out empty once its link lists are cleaned; try the next ones.
            for roots in extract::body_candidates(&dom, &analysis, 4) {
                let paras = extract::clean_paragraphs(extract::paragraphs(&dom, &analysis, &roots));
                let chars: usize = paras.iter().map(|s| s.len()).sum();
                if chars > 0 {
                    body_paras = paras;
                    break;
                }
            }
        }

        // Title.
        let h1 = first_text(&dom, |n| n.tag == Some(Tag::H(1)));
        let site = meta
            .get(&["og:site_name", "application-name"])
            .map(str::to_string);
        let section_meta = meta
            .ld
            .section
            .clone()
            .or_else(|| meta.get(&["article:section"]).map(str::to_string));
        let profile_title = profile.and_then(|p| select_text(html, &p.title));
        let raw_title = profile_title
            .or_else(|| meta.ld.headline.clone())
            .or_else(|| meta.get(&["og:title", "twitter:title"]).map(str::to_string))
            .or_else(|| h1.clone())
            .or_else(|| meta.title_tag.clone());
        art.title = raw_title
            .map(|t| unescape_twice_escaped(&t))
            .map(|t| {
                clean_title(
                    &t,
                    site.as_deref(),
                    section_meta.as_deref(),
                    host.as_deref(),
                    h1.as_deref(),
                )
            })
            .filter(|t| !t.is_empty());

        // Body clean-up: the headline repeated at the top is not body text, nor is a kicker above
        // it ("BREAKING NEWS", "Exclusive").
        if let Some(t) = art.title.as_deref() {
            let at = body_paras.iter().take(3).position(|p| norm_eq(t, p));
            if let Some(at) = at.filter(|&at| body_paras[..at].iter().all(|k| is_kicker(k))) {
                body_paras.drain(..=at);
            }
        }
        // The page's own articleBody, when the visible extraction came out thin and it agrees with the page.
        let body_chars: usize = body_paras.iter().map(|s| s.len()).sum();
        if body_chars < 300 {
            if let Some(ld_body) = meta.ld.body.as_deref() {
                if ld_body.len() > body_chars * 2 && agrees_with_page(&dom, &analysis, ld_body) {
                    body_paras = ld_body
                        .split('\n')
                        .map(collapse)
                        .filter(|s| !s.is_empty())
                        .collect();
                }
            }
        }
        // Lede.
        art.lede = profile
            .and_then(|p| select_text(html, &p.lede))
            .or_else(|| {
                meta.get(&["og:description", "description", "twitter:description"])
                    .map(str::to_string)
            })
            .or_else(|| meta.ld.description.clone())
            .map(|s| collapse(&unescape_twice_escaped(&s)))
            .filter(|s| !s.is_empty());

        // A wire story starts at its dateline: the standfirst, date stamp or byline printed above
        // "ANKARA (AA) -" is not part of the story (summary bullets are, and stay).
        let story_dateline = body_paras.iter().take(4).enumerate().find_map(|(k, p)| {
            parse_dateline(p)
                .filter(|(d, _)| d.agency.is_some())
                .map(|(d, _)| (k, d))
        });
        let mut dateline = None;
        if let Some((k, d)) = story_dateline {
            let furniture = |p: &String| {
                art.lede.as_deref().is_some_and(|l| norm_eq(l, p))
                    || extract::is_timestamp_line(p)
                    || extract::is_byline_line(p)
            };
            if body_paras[..k].iter().all(furniture) {
                body_paras.drain(..k);
                dateline = Some(d);
            }
        }
        if body_paras.is_empty() {
            warnings.push("no article body found".to_string());
        }
        art.body = body_paras.join("\n\n");
        // The dateline opens the body; found above when the story starts with an agency's.
        art.dateline = dateline.or_else(|| {
            body_paras
                .first()
                .and_then(|first| parse_dateline(first))
                .map(|(d, _)| d)
        });

        // Authors and byline.
        let profile_byline = profile.and_then(|p| select_byline(html, &dom, &p.byline));
        let generic_byline = || {
            first_raw_text(&dom, |n| {
                &*n.itemprop == "author"
                    || n.cls
                        .split(|c: char| !c.is_ascii_alphanumeric())
                        .any(|w| matches!(w, "byline" | "author" | "authors" | "bylines"))
            })
        };
        let meta_author = meta
            .get(&[
                "author",
                "article:author",
                "dc.creator",
                "sailthru.author",
                "parsely-author",
            ])
            .map(str::to_string);
        let mut authors = Vec::new();
        if let Some(b) = &profile_byline {
            authors = clean_byline(b);
        }
        if authors.is_empty() && !meta.ld.authors.is_empty() {
            for a in &meta.ld.authors {
                for n in clean_byline(a) {
                    if !authors.iter().any(|x: &String| x.eq_ignore_ascii_case(&n)) {
                        authors.push(n);
                    }
                }
            }
        }
        let byline = profile_byline.clone().or_else(generic_byline);
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
        art.authors = authors;
        art.byline = byline
            .or(meta_author)
            .map(|b| collapse(&b))
            .filter(|b| !b.is_empty());

        // Dates.
        let fetched = opts.fetched_at;
        let ok = |d: DateTime<FixedOffset>| {
            fetched.is_none_or(|f| d.with_timezone(&Utc) <= f + chrono::Duration::minutes(15))
        };
        let mut published: Option<(DateTime<FixedOffset>, DateSource)> = None;
        let consider =
            |d: Option<DateTime<FixedOffset>>,
             src: DateSource,
             slot: &mut Option<(DateTime<FixedOffset>, DateSource)>| {
                if slot.is_none() {
                    if let Some(d) = d.filter(|d| ok(*d)) {
                        *slot = Some((d, src));
                    }
                }
            };
        consider(
            meta.ld.published.as_deref().and_then(parse_date),
            DateSource::JsonLd,
            &mut published,
        );
        consider(
            meta.get(&[
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
            ])
            .and_then(parse_date),
            DateSource::Meta,
            &mut published,
        );
        if let Some(p) = profile {
            let d = select_first(html, &p.date).and_then(|e| {
                e.attr("datetime")
                    .map(str::to_string)
                    .or_else(|| Some(e.text().collect()))
            });
            consider(
                d.as_deref().and_then(parse_date),
                DateSource::TimeElement,
                &mut published,
            );
        }
        consider(
            meta.times.iter().find_map(|t| parse_date(t)),
            DateSource::TimeElement,
            &mut published,
        );
        consider(
            page_url.as_deref().and_then(date_from_url),
            DateSource::Url,
            &mut published,
        );
        if published.is_none() {
            let head: String = art.body.chars().take(400).collect();
            consider(parse_text_date(&head), DateSource::Text, &mut published);
        }
        if let Some((d, s)) = published {
            art.published_at = Some(d);
            art.date_source = Some(s);
        }
        art.modified_at = meta
            .ld
            .modified
            .as_deref()
            .and_then(parse_date)
            .or_else(|| {
                meta.get(&[
                    "article:modified_time",
                    "og:updated_time",
                    "datemodified",
                    "dcterms.modified",
                    "last-modified",
                ])
                .and_then(parse_date)
            })
            .filter(|d| ok(*d));

        // Language.
        (art.language, art.language_confidence) = language(&art.body, meta.html_lang.as_deref());

        art.section = section_meta
            .map(|s| collapse(&unescape_twice_escaped(&s)))
            .filter(|s| !s.is_empty());
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
        art.tags = tags;
        let base = opts.url.and_then(|u| url::Url::parse(u).ok());
        let absolute = |u: &str| -> Option<String> {
            let u = u.trim();
            if u.is_empty() {
                return None;
            }
            match url::Url::parse(u) {
                Ok(x) => Some(x.to_string()),
                Err(_) => base
                    .as_ref()
                    .and_then(|b| b.join(u).ok())
                    .map(|x| x.to_string()),
            }
        };
        art.canonical_url = meta
            .canonical
            .as_deref()
            .and_then(absolute)
            .or_else(|| meta.get(&["og:url"]).and_then(absolute))
            .or_else(|| meta.ld.url.as_deref().and_then(absolute));
        art.image_url = meta
            .get(&["og:image", "og:image:url", "og:image:secure_url"])
            .and_then(absolute)
            .or_else(|| meta.ld.image.as_deref().and_then(absolute))
            .or_else(|| {
                meta.get(&["twitter:image", "twitter:image:src"])
                    .and_then(absolute)
            });
        art.is_accessible_for_free = meta.ld.free;

        Parsed {
            article: art,
            profile: profile.map(|p| p.name.clone()),
            profile_failed,
            warnings,
        }
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes character references left in metadata that a site escaped twice ("don&#39;t", "&mdash;").
fn unescape_twice_escaped(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail
            .char_indices()
            .take(12)
            .find(|&(_, c)| c == ';')
            .map(|(i, _)| i);
        let decoded = end.and_then(|e| {
            let name = &tail[1..e];
            let c = match name {
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "nbsp" => Some(' '),
                "mdash" => Some('—'),
                "ndash" => Some('–'),
                "hellip" => Some('…'),
                "lsquo" => Some('‘'),
                "rsquo" => Some('’'),
                "ldquo" => Some('“'),
                "rdquo" => Some('”'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn norm_eq(a: &str, b: &str) -> bool {
    let n = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    n(a) == n(b)
}

/// Whether the start of a JSON-LD articleBody is printed in the page's visible text.
fn agrees_with_page(dom: &Dom, a: &Analysis, ld_body: &str) -> bool {
    let n = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .take(400)
            .collect::<String>()
    };
    let probe: String = n(ld_body).chars().take(120).collect();
    if probe.chars().count() < 40 {
        return false;
    }
    let page = extract::inner_text(dom, a, 0);
    let page: String = page
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    page.contains(&probe)
}

static TITLE_SEP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s+(?:\||-|—|–|::|«|»|·|•)\s+").expect("static regex"));

/// Strips site names and sections that pages append to (or put before) their headline.
pub fn clean_title(
    raw: &str,
    site: Option<&str>,
    section: Option<&str>,
    host: Option<&str>,
    h1: Option<&str>,
) -> String {
    let t = collapse(raw);
    if let Some(h) = h1 {
        let h = collapse(h);
        if !h.is_empty()
            && (norm_eq(&h, &t) || (t.starts_with(&h) && h.split_whitespace().count() >= 3))
        {
            return h;
        }
    }
    let host_word = host.map(|h| {
        h.trim_start_matches("www.")
            .split('.')
            .next()
            .unwrap_or("")
            .to_string()
    });
    let is_site = |seg: &str| {
        let s = seg.trim().to_lowercase();
        let sn = |x: &str| {
            x.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        };
        site.is_some_and(|x| sn(x) == sn(&s) || sn(&s).starts_with(&sn(x)) && !sn(x).is_empty())
            || section.is_some_and(|x| sn(x) == sn(&s))
            || host_word
                .as_deref()
                .is_some_and(|h| !h.is_empty() && sn(&s).contains(h))
    };
    let mut parts: Vec<&str> = Vec::new();
    let mut seps: Vec<(usize, usize)> = Vec::new();
    let mut last = 0;
    for m in TITLE_SEP.find_iter(&t) {
        parts.push(&t[last..m.start()]);
        seps.push((m.start(), m.end()));
        last = m.end();
    }
    parts.push(&t[last..]);
    if parts.len() == 1 {
        return t;
    }
    let mut lo = 0;
    let mut hi = parts.len();
    while hi - lo > 1 && is_site(parts[hi - 1]) {
        hi -= 1;
    }
    while hi - lo > 1 && is_site(parts[lo]) {
        lo += 1;
    }
    if (lo, hi) == (0, parts.len()) {
        return t;
    }
    let start = if lo == 0 { 0 } else { seps[lo - 1].1 };
    let end = if hi == parts.len() {
        t.len()
    } else {
        seps[hi - 1].0
    };
    t[start..end].trim().to_string()
}

/// Whether a line is short label text that can sit above a headline: a few words, no sentence.
fn is_kicker(line: &str) -> bool {
    line.chars().count() <= 30
        && line.split_whitespace().count() <= 4
        && !line.ends_with(['.', '!', '?', '"', '”'])
}

/// Fewest letters in the sample before the text is run through language detection at all.
const MIN_DETECT_LETTERS: usize = 20;

/// Below this many letters a detection, even a confident one, does not overrule the page's
/// declared `lang`: a sentence or two is too little for a trigram model.
const SHORT_SAMPLE_LETTERS: usize = 200;

/// The body's language (ISO 639-1) and how sure we are of it.
///
/// A confident detection on enough text wins; otherwise the page's declared `<html lang>`; and
/// with neither, the language is left unset rather than guessed.
fn language(body: &str, html_lang: Option<&str>) -> (Option<String>, Option<f32>) {
    let mut end = body.len().min(500);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    let sample = &body[..end];
    let from_html = html_lang
        .and_then(|l| l.split(['-', '_']).next())
        .map(str::to_ascii_lowercase)
        .filter(|l| l.len() == 2 && l.chars().all(|c| c.is_ascii_alphabetic()));
    let letters = sample.chars().filter(|c| c.is_alphabetic()).count();
    let detected = (letters >= MIN_DETECT_LETTERS)
        .then(|| whatlang::detect(sample))
        .flatten()
        .and_then(|info| Some((iso639_1(info.lang())?, info)));
    if let Some((code, info)) = detected {
        let agrees = from_html.as_deref() == Some(code);
        let trusted =
            info.is_reliable() && (from_html.is_none() || letters >= SHORT_SAMPLE_LETTERS);
        if agrees || trusted {
            return (Some(code.to_string()), Some(info.confidence() as f32));
        }
    }
    match from_html {
        Some(l) => (Some(l), Some(0.5)),
        None => (None, None),
    }
}

fn iso639_1(l: whatlang::Lang) -> Option<&'static str> {
    use whatlang::Lang::*;
    Some(match l {
        Eng => "en",
        Rus => "ru",
        Cmn => "zh",
        Spa => "es",
        Por => "pt",
        Ita => "it",
        Fra => "fr",
        Deu => "de",
        Ukr => "uk",
        Kat => "ka",
        Ara => "ar",
        Hin => "hi",
        Jpn => "ja",
        Heb => "he",
        Yid => "yi",
        Pol => "pl",
        Amh => "am",
        Jav => "jv",
        Kor => "ko",
        Nob => "nb",
        Dan => "da",
        Swe => "sv",
        Fin => "fi",
        Tur => "tr",
        Nld => "nl",
        Hun => "hu",
        Ces => "cs",
        Ell => "el",
        Bul => "bg",
        Bel => "be",
        Mar => "mr",
        Kan => "kn",
        Ron => "ro",
        Slv => "sl",
        Hrv => "hr",
        Srp => "sr",
        Mkd => "mk",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Tam => "ta",
        Vie => "vi",
        Urd => "ur",
        Tha => "th",
        Guj => "gu",
        Uzb => "uz",
        Pan => "pa",
        Aze => "az",
        Ind => "id",
        Tel => "te",
        Pes => "fa",
        Mal => "ml",
        Ori => "or",
        Mya => "my",
        Nep => "ne",
        Sin => "si",
        Khm => "km",
        Tuk => "tk",
        Aka => "ak",
        Zul => "zu",
        Sna => "sn",
        Afr => "af",
        Lat => "la",
        Slk => "sk",
        Cat => "ca",
        Tgl => "tl",
        Hye => "hy",
        Epo => "eo",
        Ben => "bn",
        #[allow(unreachable_patterns)]
        _ => return None,
    })
}

fn select_first<'a>(html: &'a Html, sels: &[Selector]) -> Option<scraper::ElementRef<'a>> {
    sels.iter().find_map(|s| html.select(s).next())
}

fn select_text(html: &Html, sels: &[Selector]) -> Option<String> {
    sels.iter().find_map(|s| {
        html.select(s)
            .map(|e| collapse(&e.text().collect::<String>()))
            .find(|t| !t.is_empty())
    })
}

/// A byline from the first selector that matches: every separate match ("By <span>A</span> with
/// <span>B</span>" gives both names), nested matches counted once.
fn select_byline(html: &Html, dom: &Dom, sels: &[Selector]) -> Option<String> {
    sels.iter().find_map(|s| {
        let found: Vec<(Ix, String)> = html
            .select(s)
            .filter_map(|e| Some((dom.ix_of(&e)?, collapse(&e.text().collect::<String>()))))
            .filter(|(_, t)| !t.is_empty())
            .collect();
        let mut parts: Vec<&str> = Vec::new();
        for (i, (ix, t)) in found.iter().enumerate() {
            let nested = found[..i].iter().any(|(o, _)| dom.is_within(*ix, *o));
            if !nested && !parts.contains(&t.as_str()) {
                parts.push(t);
            }
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    })
}

fn select_all(html: &Html, dom: &Dom, sels: &[Selector]) -> Vec<Ix> {
    sels.iter()
        .flat_map(|s| html.select(s))
        .filter_map(|e| dom.ix_of(&e))
        .collect()
}

/// All matches of the first selector that matches anything.
fn select_first_list(html: &Html, dom: &Dom, sels: &[Selector]) -> Vec<Ix> {
    for s in sels {
        let v: Vec<Ix> = html.select(s).filter_map(|e| dom.ix_of(&e)).collect();
        if !v.is_empty() {
            return v;
        }
    }
    Vec::new()
}

/// Drops nodes nested in another node of the list.
fn outermost(dom: &Dom, mut v: Vec<Ix>) -> Vec<Ix> {
    v.sort_unstable();
    let mut out: Vec<Ix> = Vec::with_capacity(v.len());
    for x in v {
        if !out.iter().any(|&o| dom.is_within(x, o)) {
            out.push(x);
        }
    }
    out
}

fn first_text(dom: &Dom, pred: impl Fn(&dom::DNode) -> bool) -> Option<String> {
    first_raw_text(dom, pred)
}

/// Text of the first element matching `pred`, skipping only script-like junk.
fn first_raw_text(dom: &Dom, pred: impl Fn(&dom::DNode) -> bool) -> Option<String> {
    for (i, n) in dom.nodes.iter().enumerate() {
        if n.tag.is_some() && pred(n) {
            let mut out = String::new();
            let mut stack = vec![i as Ix];
            while let Some(j) = stack.pop() {
                let node = &dom.nodes[j as usize];
                match node.tag {
                    None => {
                        out.push_str(node.text);
                        out.push(' ');
                    }
                    Some(Tag::Junk) => {}
                    Some(_) => stack.extend(node.children.iter().rev()),
                }
            }
            let t = collapse(&out);
            if !t.is_empty() && t.chars().count() < 300 {
                return Some(t);
            }
        }
    }
    None
}

/// Explains the pruning of the text node containing `needle`: each ancestor with its class, whether it
/// was dropped, and its text figures. For tuning by hand.
#[doc(hidden)]
pub fn debug_trace(bytes: &[u8], needle: &str) -> String {
    let decoded = page::decode(bytes, None, None);
    let html = Html::parse_document(&decoded.text);
    let dom = Dom::build(&html, false);
    let a = extract::analyse(&dom, &[], &[]);
    let roots = extract::find_body_roots(&dom, &a);
    let (good, bad) = extract::prose_figures(&dom, &a);
    let scores: std::collections::HashMap<Ix, (f32, f32)> = (0..dom.nodes.len())
        .map(|i| (i as Ix, (good[i], bad[i])))
        .collect();
    let mut out = format!(
        "roots: {:?}\n",
        roots
            .iter()
            .map(|&r| (
                r,
                dom.nodes[r as usize].tag,
                dom.nodes[r as usize].cls.to_string()
            ))
            .collect::<Vec<_>>()
    );
    if let Some(i) = dom.nodes.iter().position(|n| {
        n.tag.is_none()
            && n.text.contains(needle)
            && dom.nodes[n.parent as usize].tag != Some(Tag::Junk)
    }) {
        let mut j = i as Ix;
        while j != dom::NONE {
            let n = &dom.nodes[j as usize];
            out.push_str(&format!(
                "{j} {:?} [{}] removed={} text={} link={} hidden={} score={:?}\n",
                n.tag,
                n.cls,
                a.removed[j as usize],
                a.text[j as usize],
                a.link[j as usize],
                n.hidden,
                scores.get(&j)
            ));
            j = n.parent;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_or_unsure_text_defers_to_the_declared_language() {
        // Sixteen English words that a trigram model takes, unsurely, for Afrikaans.
        let short =
            "Kind words and warm hands help, the vet said, as the dog ran over the wet grass.";
        assert_eq!(
            language(short, None),
            (None, None),
            "no guess without a lang"
        );
        assert_eq!(
            language(short, Some("en-GB")),
            (Some("en".into()), Some(0.5))
        );
        // Sure but short: the declared language stands.
        let sure = "Officials met at the port on Tuesday and agreed to open the bridge in spring.";
        assert_eq!(language(sure, Some("de")), (Some("de".into()), Some(0.5)));
        assert_eq!(language(sure, None).0.as_deref(), Some("en"));
        // Sure on enough text: detection overrules a template's wrong lang.
        let long = "Officials met at the port on Tuesday and agreed to open the bridge in spring. \
                    The harbour authority said the new ferry would start sailing in May, and that \
                    ticket prices would stay where they were for the rest of the year. Fishing \
                    crews welcomed the news and said the old jetty had been unsafe for years.";
        assert!(long.chars().filter(|c| c.is_alphabetic()).count() >= SHORT_SAMPLE_LETTERS);
        assert_eq!(language(long, Some("de")).0.as_deref(), Some("en"));
        assert_eq!(
            language("Too short.", Some("fr")),
            (Some("fr".into()), Some(0.5))
        );
    }

    #[test]
    fn titles_lose_site_names_and_escapes() {
        let t = |raw: &str, site: Option<&str>, section: Option<&str>, host: Option<&str>| {
            clean_title(&unescape_twice_escaped(raw), site, section, host, None)
        };
        assert_eq!(
            t(
                "Lavrov urges IAEA to act - Russian Politics &amp; Diplomacy - TASS",
                Some("TASS"),
                Some("Russian Politics & Diplomacy"),
                Some("tass.com")
            ),
            "Lavrov urges IAEA to act"
        );
        assert_eq!(
            t(
                "EU opens talks with Ukraine | Reuters",
                None,
                None,
                Some("www.reuters.com")
            ),
            "EU opens talks with Ukraine"
        );
        assert_eq!(
            t(
                "Investors don&#39;t know what to make of it",
                None,
                None,
                None
            ),
            "Investors don't know what to make of it"
        );
        assert_eq!(
            t(
                "Putin - Trump meeting set for July",
                Some("TASS"),
                None,
                Some("tass.com")
            ),
            "Putin - Trump meeting set for July"
        );
        assert_eq!(
            t(
                "Coastal Daily News | Storm cuts power",
                Some("Coastal Daily News"),
                None,
                None
            ),
            "Storm cuts power"
        );
        assert_eq!(
            unescape_twice_escaped("a &bogus; & b &#99999999; &#x41;"),
            "a &bogus; & b &#99999999; A"
        );
    }
}
