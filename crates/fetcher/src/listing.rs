//! Turning a polled feed, sitemap or listing page into the article links it names.

use chrono::{DateTime, FixedOffset, Utc};
use model::{page, FeedItem, SourceKind};
use quick_xml::events::Event;
use url::Url;

mod salvage;

/// What one poll of a source yielded.
#[derive(Debug, Default)]
pub struct Listing {
    /// The format detected or configured.
    pub kind: Option<SourceKind>,
    /// Article links with what the source said about them, in source order.
    pub items: Vec<FeedItem>,
    /// Child sitemaps of a sitemap index, with their `<lastmod>`.
    pub child_sitemaps: Vec<(String, Option<DateTime<FixedOffset>>)>,
    /// What was wrong with a response that still yielded links (a feed read by the tolerant pass).
    pub warning: Option<String>,
}

/// Most items taken from one response, so that a hostile feed cannot flood the frontier.
pub const MAX_ITEMS: usize = 5_000;

/// Guesses the format of a response body.
pub fn detect(body: &[u8], content_type: Option<&str>) -> SourceKind {
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    let head: Vec<u8> = body
        .iter()
        .skip_while(|b| b.is_ascii_whitespace() || **b == 0xef || **b == 0xbb || **b == 0xbf)
        .take(2048)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    if head.first() == Some(&b'{') || ct.contains("json") {
        SourceKind::Json
    } else if has(b"<urlset") || has(b"<sitemapindex") {
        SourceKind::Sitemap
    } else if has(b"<feed") {
        SourceKind::Atom
    } else if has(b"<rss") || has(b"<rdf:rdf") {
        SourceKind::Rss
    } else if has(b"<html") || has(b"<!doctype html") || ct.contains("html") {
        SourceKind::Listing
    } else {
        // Unknown: let the feed parser decide.
        SourceKind::Rss
    }
}

/// Parses a response of `kind` (Auto detects) fetched from `base`.
pub fn parse(
    kind: SourceKind,
    body: &[u8],
    content_type: Option<&str>,
    base: &Url,
    link_selector: Option<&str>,
) -> Result<Listing, String> {
    // Sitemaps are often served as .xml.gz files without a Content-Encoding.
    let gunzipped;
    let body = if body.starts_with(&[0x1f, 0x8b]) {
        gunzipped = gunzip(body, MAX_GUNZIPPED)?;
        &gunzipped[..]
    } else {
        body
    };
    let kind = match kind {
        SourceKind::Auto => detect(body, content_type),
        k => k,
    };
    let mut listing = match kind {
        SourceKind::Rss | SourceKind::Atom | SourceKind::Json | SourceKind::Auto => {
            parse_feed(body, base)?
        }
        SourceKind::Sitemap => parse_sitemap(body, base)?,
        SourceKind::Listing => parse_html_listing(body, content_type, base, link_selector)?,
    };
    listing.kind = Some(kind);
    listing.items.truncate(MAX_ITEMS);
    listing.child_sitemaps.truncate(MAX_ITEMS);
    Ok(listing)
}

/// Cap on a gzipped listing once inflated (the sitemap protocol's own limit is 50 MB).
const MAX_GUNZIPPED: u64 = 50 * 1024 * 1024;

fn gunzip(body: &[u8], cap: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(body)
        .take(cap + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("gzip: {e}"))?;
    if out.len() as u64 > cap {
        return Err(format!("gzip: more than {cap} bytes inflated"));
    }
    Ok(out)
}

fn utc_to_fixed(d: DateTime<Utc>) -> DateTime<FixedOffset> {
    d.fixed_offset()
}

fn join(base: &Url, href: &str) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    base.join(href).ok().map(|mut u| {
        u.set_fragment(None);
        u.to_string()
    })
}

/// RSS 0.9x/1.0/2.0, Atom and JSON Feed through feed-rs.
fn parse_feed(body: &[u8], base: &Url) -> Result<Listing, String> {
    // An empty generated id marks an item without its own GUID.
    let parser = feed_rs::parser::Builder::new()
        .id_generator(|_, _, _| String::new())
        .sanitize_content(false)
        .build();
    let feed = match parser.parse(body) {
        Ok(feed) => feed,
        Err(e) => return salvage_feed(body, base, format!("feed: {e}")),
    };
    let mut items = Vec::new();
    for entry in feed.entries {
        let link = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or_else(|| entry.links.first())
            .map(|l| l.href.clone())
            .or_else(|| entry.id.starts_with("http").then(|| entry.id.clone()));
        let Some(url) = link.and_then(|l| join(base, &l)) else {
            continue;
        };
        let guid = Some(entry.id.trim().to_owned()).filter(|g| !g.is_empty());
        items.push(FeedItem {
            url,
            guid,
            title: entry
                .title
                .map(|t| t.content.trim().to_owned())
                .filter(|t| !t.is_empty()),
            published_at: entry.published.or(entry.updated).map(utc_to_fixed),
        });
    }
    Ok(Listing {
        items,
        ..Listing::default()
    })
}

/// The links of a feed the XML parser rejected, read by the tolerant pass; the parser's error
/// when even that finds none (or the feed is JSON, where no item boundary can be trusted).
fn salvage_feed(body: &[u8], base: &Url, error: String) -> Result<Listing, String> {
    if matches!(detect(body, None), SourceKind::Json) {
        return Err(error);
    }
    let items = salvage::salvage_items(body, base, MAX_ITEMS);
    if items.is_empty() {
        return Err(error);
    }
    let warning = format!(
        "{error}; {} item links salvaged by a tolerant pass",
        items.len()
    );
    Ok(Listing {
        items,
        warning: Some(warning),
        ..Listing::default()
    })
}

fn parse_date(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    DateTime::parse_from_rfc3339(s)
        .ok()
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0).map(|n| n.and_utc().fixed_offset()))
        })
        .or_else(|| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M%:z").ok())
}

/// Sitemaps, sitemap indexes and Google News sitemaps (`news:publication_date`, `news:title`).
fn parse_sitemap(body: &[u8], base: &Url) -> Result<Listing, String> {
    let mut reader = quick_xml::Reader::from_reader(body);
    reader.config_mut().trim_text(true);
    let mut buf = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut listing = Listing::default();
    let mut root: Option<String> = None;
    let mut entry = SitemapEntry::default();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("sitemap: {e}"))?;
        match event {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).to_ascii_lowercase();
                if root.is_none() {
                    root = Some(name.clone());
                }
                if path.len() > 64 {
                    return Err("sitemap: nested too deep".into());
                }
                path.push(name);
            }
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                entry.end(&name, base, &mut listing);
                if listing.items.len() >= MAX_ITEMS || listing.child_sitemaps.len() >= MAX_ITEMS {
                    break;
                }
            }
            Event::Text(t) => {
                let text = t.decode().map_err(|e| format!("sitemap: {e}"))?;
                entry.push(&path, &text);
            }
            Event::CData(t) => {
                let text = String::from_utf8_lossy(t.as_ref()).into_owned();
                entry.push(&path, &text);
            }
            Event::GeneralRef(r) => entry.push(&path, &resolve_reference(&r)?),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    match root.as_deref() {
        Some("urlset") | Some("sitemapindex") => Ok(listing),
        Some(other) => Err(format!("sitemap: unexpected root <{other}>")),
        None => Err("sitemap: no root element".into()),
    }
}

/// The text of a character or predefined entity reference; an unknown entity reads as nothing.
fn resolve_reference(r: &quick_xml::events::BytesRef<'_>) -> Result<String, String> {
    Ok(match r.resolve_char_ref() {
        Ok(Some(c)) => c.to_string(),
        _ => {
            let name = r.decode().map_err(|e| format!("sitemap: {e}"))?;
            quick_xml::escape::resolve_predefined_entity(&name)
                .unwrap_or("")
                .to_owned()
        }
    })
}

/// Fields of the `<url>` or `<sitemap>` being read.
#[derive(Default)]
struct SitemapEntry {
    loc: String,
    lastmod: String,
    news_date: String,
    news_title: String,
}

impl SitemapEntry {
    /// Adds the entry that the closing element `name` ends to the listing, and starts the next.
    fn end(&mut self, name: &str, base: &Url, listing: &mut Listing) {
        if name == "url" && !self.loc.is_empty() {
            if let Some(url) = join(base, &self.loc) {
                listing.items.push(FeedItem {
                    url,
                    guid: None,
                    title: Some(self.news_title.trim().to_owned()).filter(|t| !t.is_empty()),
                    published_at: parse_date(&self.news_date).or_else(|| parse_date(&self.lastmod)),
                });
            }
        } else if name == "sitemap" && !self.loc.is_empty() {
            if let Some(url) = join(base, &self.loc) {
                listing
                    .child_sitemaps
                    .push((url, parse_date(&self.lastmod)));
            }
        }
        if name == "url" || name == "sitemap" {
            self.loc.clear();
            self.lastmod.clear();
            self.news_date.clear();
            self.news_title.clear();
        }
    }

    /// Appends text to the field the element path names, up to 8 KiB a field.
    fn push(&mut self, path: &[String], text: &str) {
        let Some(last) = path.last() else { return };
        let in_news = path.iter().any(|p| p == "news");
        let field = match last.as_str() {
            "loc" if !in_news => &mut self.loc,
            "lastmod" => &mut self.lastmod,
            "publication_date" if in_news => &mut self.news_date,
            "title" if in_news => &mut self.news_title,
            _ => return,
        };
        if field.len() + text.len() <= 8192 {
            field.push_str(text);
        }
    }
}

/// HTML listing pages: the `href` of every element matched by `link_selector`.
fn parse_html_listing(
    body: &[u8],
    content_type: Option<&str>,
    base: &Url,
    link_selector: Option<&str>,
) -> Result<Listing, String> {
    let decoded = page::decode(body, content_type, Some(base.as_str()));
    // The same nesting cap as the article parser: the tree builder's work grows with the square
    // of the depth. Flattened links lose their headings, so a page that deep is refused. Menus
    // stay, since a listing's links may be in them.
    let (prepared, flattened) = page::cap_nesting(&decoded.text, page::Menus::Keep);
    if flattened {
        return Err(format!(
            "listing: elements nested deeper than {} (the limit)",
            page::MAX_DEPTH
        ));
    }
    let html = prepared.as_deref().unwrap_or(&decoded.text);
    // Without a selector, headline links are the usual shape of a wire listing.
    let selector_text =
        link_selector.unwrap_or("article a[href], h1 a[href], h2 a[href], h3 a[href], h4 a[href]");
    let selector = scraper::Selector::parse(selector_text)
        .map_err(|e| format!("link_selector {selector_text:?}: {e}"))?;
    let doc = scraper::Html::parse_document(html);
    let mut items = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for el in doc.select(&selector) {
        // The selector may name the link itself or a container of it.
        let href = el.value().attr("href").map(str::to_owned).or_else(|| {
            el.select(&scraper::Selector::parse("a[href]").ok()?)
                .next()
                .and_then(|a| a.value().attr("href").map(str::to_owned))
        });
        let Some(url) = href.and_then(|h| join(base, &h)) else {
            continue;
        };
        if !seen.insert(url.clone()) {
            continue;
        }
        let title: String = el
            .text()
            .collect::<Vec<_>>()
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        items.push(FeedItem {
            url,
            guid: None,
            title: Some(title).filter(|t| !t.is_empty()),
            published_at: None,
        });
        if items.len() >= MAX_ITEMS {
            break;
        }
    }
    Ok(Listing {
        items,
        ..Listing::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://wire.example/en/rss").unwrap()
    }

    #[test]
    fn rss_items_keep_guid_title_and_date() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><title>Minister visits port</title><link>https://wire.example/en/1</link><guid isPermaLink="false">w-1</guid><pubDate>Fri, 27 Nov 2026 10:00:00 +0300</pubDate></item>
<item><title>No guid</title><link>/en/2</link></item></channel></rss>"#;
        let l = parse(
            SourceKind::Auto,
            rss,
            Some("application/rss+xml"),
            &base(),
            None,
        )
        .unwrap();
        assert_eq!(l.kind, Some(SourceKind::Rss));
        assert_eq!(l.items.len(), 2);
        assert_eq!(l.items[0].guid.as_deref(), Some("w-1"));
        assert_eq!(l.items[0].title.as_deref(), Some("Minister visits port"));
        assert_eq!(
            l.items[0].published_at.unwrap().to_rfc3339(),
            "2026-11-27T07:00:00+00:00"
        );
        assert_eq!(l.items[1].url, "https://wire.example/en/2");
        assert_eq!(l.items[1].guid, None);
    }

    #[test]
    fn atom_and_json_feed() {
        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title>W</title><id>x</id><updated>2026-11-27T10:00:00Z</updated>
<entry><id>tag:wire.example,2026:1</id><title>Talks resume</title><link rel="alternate" href="https://wire.example/a/1"/><updated>2026-11-27T10:00:00Z</updated></entry></feed>"#;
        let l = parse(SourceKind::Auto, atom, None, &base(), None).unwrap();
        assert_eq!(l.kind, Some(SourceKind::Atom));
        assert_eq!(l.items[0].url, "https://wire.example/a/1");
        let json = br#"{"version":"https://jsonfeed.org/version/1.1","title":"W","items":[{"id":"j1","url":"https://wire.example/j/1","title":"Grain deal"}]}"#;
        let l = parse(
            SourceKind::Auto,
            json,
            Some("application/feed+json"),
            &base(),
            None,
        )
        .unwrap();
        assert_eq!(l.kind, Some(SourceKind::Json));
        assert_eq!(l.items[0].url, "https://wire.example/j/1");
        assert_eq!(l.items[0].guid.as_deref(), Some("j1"));
    }

    #[test]
    fn google_news_sitemap_and_index() {
        let sm = br#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://wire.example/n/1?a=1&amp;b=2</loc><news:news><news:publication><news:name>Wire</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2026-11-27T09:30:00+03:00</news:publication_date><news:title>Parliament passes budget</news:title></news:news></url>
<url><loc>https://wire.example/n/2</loc><lastmod>2026-11-26</lastmod></url></urlset>"#;
        let l = parse(SourceKind::Auto, sm, None, &base(), None).unwrap();
        assert_eq!(l.kind, Some(SourceKind::Sitemap));
        assert_eq!(l.items.len(), 2);
        assert_eq!(l.items[0].url, "https://wire.example/n/1?a=1&b=2");
        assert_eq!(
            l.items[0].title.as_deref(),
            Some("Parliament passes budget")
        );
        assert_eq!(
            l.items[0].published_at.unwrap().to_rfc3339(),
            "2026-11-27T09:30:00+03:00"
        );
        assert_eq!(
            l.items[1].published_at.unwrap().to_rfc3339(),
            "2026-11-26T00:00:00+00:00"
        );
        let idx = br#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://wire.example/sm-1.xml</loc><lastmod>2026-11-27T00:00:00Z</lastmod></sitemap></sitemapindex>"#;
        let l = parse(SourceKind::Sitemap, idx, None, &base(), None).unwrap();
        assert!(l.items.is_empty());
        assert_eq!(l.child_sitemaps[0].0, "https://wire.example/sm-1.xml");
    }

    #[test]
    fn gzipped_sitemap_files_are_inflated() {
        use std::io::Write;
        let xml = b"<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>https://wire.example/n/9</loc></url></urlset>";
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(xml).unwrap();
        let gz = enc.finish().unwrap();
        let l = parse(
            SourceKind::Auto,
            &gz,
            Some("application/x-gzip"),
            &base(),
            None,
        )
        .unwrap();
        assert_eq!(l.kind, Some(SourceKind::Sitemap));
        assert_eq!(l.items[0].url, "https://wire.example/n/9");
        assert!(parse(
            SourceKind::Sitemap,
            &gz[..gz.len() / 2],
            None,
            &base(),
            None
        )
        .is_err());
        assert!(gunzip(&gz, 10).is_err());
    }

    #[test]
    fn html_listing_with_selector_and_charset() {
        // "Новости" in windows-1251, declared only by <meta>.
        let mut page = b"<html><head><meta charset=\"windows-1251\"></head><body><div class=news><a class=hl href=\"/ru/1\">".to_vec();
        page.extend_from_slice(&[0xcd, 0xee, 0xe2, 0xee, 0xf1, 0xf2, 0xe8]);
        page.extend_from_slice(b"</a><a href=\"/about\">About</a></div></body></html>");
        let l = parse(
            SourceKind::Auto,
            &page,
            Some("text/html"),
            &base(),
            Some("a.hl"),
        )
        .unwrap();
        assert_eq!(l.kind, Some(SourceKind::Listing));
        assert_eq!(l.items.len(), 1);
        assert_eq!(l.items[0].url, "https://wire.example/ru/1");
        assert_eq!(l.items[0].title.as_deref(), Some("Новости"));
    }

    #[test]
    fn deeply_nested_listing_does_not_overflow() {
        let nested = |n: usize| {
            format!(
                "<html><body>{}<h2><a href=\"/en/deep\">Deep</a></h2>{}</body></html>",
                "<div>".repeat(n),
                "</div>".repeat(n)
            )
        };
        for deep in [600, 100_000] {
            assert!(parse(
                SourceKind::Listing,
                nested(deep).as_bytes(),
                Some("text/html"),
                &base(),
                None
            )
            .unwrap_err()
            .contains("nested deeper than 512"));
        }
        let l = parse(
            SourceKind::Listing,
            nested(300).as_bytes(),
            Some("text/html"),
            &base(),
            None,
        )
        .unwrap();
        assert_eq!((l.items.len(), l.warning), (1, None));
        // Thousands of unclosed list items are an ordinary page, not a deep one.
        let flat = format!(
            "<ul>{}</ul><h2><a href=\"/en/1\">One</a></h2>",
            "<li><a href=\"/x\">x</a><br><img src=x />".repeat(5_000)
        );
        let l = parse(
            SourceKind::Listing,
            flat.as_bytes(),
            Some("text/html"),
            &base(),
            None,
        )
        .unwrap();
        assert_eq!((l.items.len(), l.warning), (1, None));
        let deep_xml = format!("<urlset>{}</urlset>", "<url>".repeat(100_000));
        assert!(parse(
            SourceKind::Sitemap,
            deep_xml.as_bytes(),
            None,
            &base(),
            None
        )
        .is_err());
    }

    #[test]
    fn one_broken_item_does_not_lose_the_good_links() {
        // The second item has a bare ampersand and a tag left open: not XML any more.
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><title>Grain corridor reopens</title><link>https://wire.example/en/101</link><guid>g-101</guid><pubDate>Mon, 07 Dec 2026 09:00:00 +0000</pubDate></item>
<item><title>Strikes & <b>lockouts</title><link>https://wire.example/en/102</link></item>
<item><title>Central bank holds rate</title><link>/en/103</link><guid>g-103</guid></item>
</channel></rss>"#;
        let l = parse(
            SourceKind::Rss,
            rss,
            Some("application/rss+xml"),
            &base(),
            None,
        )
        .unwrap();
        let urls: Vec<&str> = l.items.iter().map(|i| i.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://wire.example/en/101",
                "https://wire.example/en/102",
                "https://wire.example/en/103"
            ]
        );
        assert_eq!(l.items[0].guid.as_deref(), Some("g-101"));
        assert_eq!(l.items[2].title.as_deref(), Some("Central bank holds rate"));
        assert!(
            l.items[0].published_at.is_some(),
            "the salvaged item keeps its date"
        );
        let warning = l.warning.expect("a salvaged feed carries a warning");
        assert!(
            warning.starts_with("feed: ") && warning.contains("3 item links salvaged"),
            "{warning}"
        );
        // A well-formed feed has no warning.
        let good = br#"<rss version="2.0"><channel><title>W</title><item><title>A</title><link>https://wire.example/en/1</link></item></channel></rss>"#;
        let l = parse(SourceKind::Rss, good, None, &base(), None).unwrap();
        assert_eq!((l.items.len(), l.warning), (1, None));
    }

    #[test]
    fn malformed_xml_is_an_error_not_a_panic() {
        for bad in [
            &b"<rss><channel><item><title>x"[..],
            b"<urlset><url><loc>http://a</loc></url",
            b"\xff\xfe\x00<",
            b"",
        ] {
            let _ = parse(SourceKind::Auto, bad, None, &base(), None);
        }
        assert!(parse(
            SourceKind::Rss,
            b"<html><body>not a feed</body></html>",
            None,
            &base(),
            None
        )
        .is_err());
        assert!(parse(SourceKind::Sitemap, b"<rss></rss>", None, &base(), None).is_err());
    }
}
