//! The parser stage: turns the bytes of a fetched page into an [`Article`].
//!
//! Pure: bytes in, struct out, no I/O, so it is tested with golden files alone. The page is decoded
//! (WHATWG charset order), parsed once with html5ever, and that one tree feeds the metadata reader,
//! the site profile chosen by host, and the generic extractor that takes over when a profile finds
//! nothing usable.

mod authors;
mod boilerplate;
mod dateline;
mod dates;
mod dom;
mod explain;
mod extract;
mod fields;
mod meta;
mod profile;

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use model::{page, Article};
use regex::Regex;
use scraper::{Html, Selector};

pub use authors::{clean_byline, clean_name};
pub use dateline::parse_dateline;
pub use dates::{date_from_url, parse_date, parse_text_date};
pub use explain::{explain, Candidate, Explanation, PrunedBox};
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

    /// Reads every field of the article from a parsed page, one step per field.
    fn extract(&self, html: &Html, opts: &ParseOptions<'_>) -> Parsed {
        let page = fields::Page::new(html, opts.url, &self.profiles);
        let mut warnings = Vec::new();
        let (analysis, profile_roots) = page.analyse();
        let (body, profile_failed) = page.body_paragraphs(&analysis, profile_roots);
        let body = fields::noscript_body(html, &body, opts.url, &self.profiles).unwrap_or(body);
        let mut body: Vec<String> = body.into_iter().map(nfc).collect();
        let mut art = Article {
            title: page.title().map(nfc),
            ..Article::default()
        };
        fields::drop_repeated_headline(art.title.as_deref(), &mut body);
        page.ld_body_if_thin(&analysis, &mut body);
        art.lede = page.lede().map(nfc);
        let story_dateline = fields::start_at_story_dateline(&mut body, art.lede.as_deref());
        if body.is_empty() {
            warnings.push("no article body found".to_string());
        }
        art.body = body.join("\n\n");
        // The dateline opens the body; found above when the story starts with an agency's.
        art.dateline = story_dateline.or_else(|| {
            body.first()
                .and_then(|first| parse_dateline(first))
                .map(|(d, _)| d)
        });
        let (authors, byline) = page.authors_and_byline();
        art.authors = authors.into_iter().map(nfc).collect();
        art.byline = byline.map(nfc);
        if let Some((d, s)) = page.published(opts.fetched_at, &art.body) {
            art.published_at = Some(d);
            art.date_source = Some(s);
        }
        art.modified_at = page.modified(opts.fetched_at);
        (art.language, art.language_confidence) =
            language(&art.body, page.meta.html_lang.as_deref());
        art.section = page.section();
        art.tags = page.tags();
        (art.canonical_url, art.image_url) = page.links(opts.url);
        art.is_accessible_for_free = page.meta.ld.free;
        Parsed {
            article: art,
            profile: page.profile.map(|p| p.name.clone()),
            profile_failed,
            warnings,
        }
    }
}

/// Text in canonical composition (NFC), so that "é" typed as "e" and a combining accent matches
/// the precomposed "é" in search and comparison; text already composed is returned as it is.
fn nfc(s: String) -> String {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        return s;
    }
    s.nfc().collect()
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
    fn a_story_split_into_sections_of_one_marked_kind_is_read_whole() {
        let part = |text: &str| {
            format!("<section><div class=\"article-text\"><p>{text}</p></div></section>")
        };
        let page = format!(
            "<html><body><main>{}<aside class=\"promo\"><p>Get the morning briefing.</p></aside>{}</main>\
             </body></html>",
            part("The city council voted on Tuesday to rebuild the old tram depot as a library, \
                  ending a dispute that had run for six years. Builders will start in the spring, \
                  and the first floor should open to readers before the end of next year."),
            part("Residents who had campaigned for a park on the site said they would keep \
                  watching the plans for the courtyard, which is to stay open to all."),
        );
        let art = Parser::default()
            .parse(page.as_bytes(), &ParseOptions::default())
            .expect("a page");
        assert!(
            art.body.contains("rebuild the old tram depot"),
            "{}",
            art.body
        );
        assert!(art.body.contains("keep watching the plans"), "{}", art.body);
        assert!(!art.body.contains("morning briefing"), "{}", art.body);
    }

    #[test]
    fn a_story_written_only_for_readers_without_scripts_is_read_from_noscript() {
        let story = "<article><h1>Harbour ferry returns</h1><p>The harbour ferry made its first crossing \
            of the year on Saturday, carrying two hundred passengers and a brass band to the island.</p>\
            <p>The operator said timetables would stay as they were last summer, with a late boat on \
            Fridays and Saturdays until the end of September.</p></article>";
        let page = format!(
            "<html><head><title>Harbour ferry returns</title></head><body><div id=\"app\"></div>\
             <noscript>{story}</noscript><script>render()</script></body></html>"
        );
        let art = Parser::default()
            .parse(page.as_bytes(), &ParseOptions::default())
            .expect("a page");
        assert!(
            art.body
                .starts_with("The harbour ferry made its first crossing"),
            "{}",
            art.body
        );
        assert!(art.body.contains("a late boat on Fridays"));
        // A page with a story of its own ignores what its noscript says.
        let visible = format!(
            "<html><body>{story}<noscript><p>Please enable JavaScript to read the comments on this \
             story and to see the latest offers from our partners across the region.</p></noscript></body></html>"
        );
        let art = Parser::default()
            .parse(visible.as_bytes(), &ParseOptions::default())
            .expect("a page");
        assert!(!art.body.contains("enable JavaScript"), "{}", art.body);
        assert!(art.body.contains("brass band"));
    }

    #[test]
    fn extracted_text_is_in_canonical_composition() {
        // "Café Müller" typed with combining accents, as some editors and PDF exports write it.
        let decomposed = "Cafe\u{301} Mu\u{308}ller";
        let page = format!(
            "<html><head><title>{decomposed} reopens</title></head><body><article>\
             <h1>{decomposed} reopens</h1><p>The {decomposed} in the old town opened its doors \
             again on Monday after a year of work on the roof and the kitchen, the owners said.</p>\
             <p>Regulars queued from seven in the morning for the first coffee, and the mayor \
             cut a ribbon at the door before the first guests took their seats.</p></article></body></html>"
        );
        let art = Parser::default()
            .parse(page.as_bytes(), &ParseOptions::default())
            .expect("a page with a body");
        assert_eq!(art.title.as_deref(), Some("Café Müller reopens"));
        assert!(
            art.body.contains("The Café Müller in the old town"),
            "{}",
            art.body
        );
        assert!(!art.body.contains('\u{301}') && !art.body.contains('\u{308}'));
        assert_eq!(nfc("already composed".into()), "already composed");
    }

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
