//! A tolerant second pass over an RSS or Atom feed the XML parser rejected.
//!
//! One broken `<item>` (a bare `&`, a tag left open, a stray byte) makes the whole document
//! invalid XML. This pass does not build a tree: it cuts the text at each `<item>` or `<entry>`
//! start tag and reads the few fields the frontier needs from each piece, so the good items
//! survive their neighbour.

use chrono::{DateTime, FixedOffset};
use model::FeedItem;
use url::Url;

/// The item links of a feed that is not well-formed XML, in feed order (at most `max`).
pub(super) fn salvage_items(body: &[u8], base: &Url, max: usize) -> Vec<FeedItem> {
    let text = decode(body);
    // ASCII lowercasing keeps every byte offset, so positions found in `lower` index `text`.
    let lower = text.to_ascii_lowercase();
    let starts = item_starts(&lower);
    let mut items = Vec::new();
    for (i, &start) in starts.iter().enumerate() {
        if items.len() >= max {
            break;
        }
        let next = starts.get(i + 1).copied().unwrap_or(text.len());
        let close = ["</item", "</entry"]
            .iter()
            .filter_map(|c| lower[start..next].find(c))
            .min()
            .map_or(next, |c| start + c);
        if let Some(item) = read_item(&text[start..close], &lower[start..close], base) {
            items.push(item);
        }
    }
    items
}

/// The text of the feed in the encoding its XML declaration names (UTF-8 otherwise).
fn decode(body: &[u8]) -> String {
    let head = String::from_utf8_lossy(&body[..body.len().min(256)]).to_ascii_lowercase();
    let label = head
        .find("encoding=")
        .map(|at| &head[at + "encoding=".len()..])
        .and_then(|rest| {
            let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
            rest[1..].split(quote).next().map(str::to_owned)
        });
    let encoding = label
        .and_then(|l| encoding_rs::Encoding::for_label(l.trim().as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    encoding.decode_with_bom_removal(body).0.into_owned()
}

/// Byte offsets of every `<item>` and `<entry>` start tag, in order.
fn item_starts(lower: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    for tag in ["<item", "<entry"] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(tag) {
            let at = from + at;
            if ends_name(lower, at + tag.len()) {
                starts.push(at);
            }
            from = at + tag.len();
        }
    }
    starts.sort_unstable();
    starts
}

/// Whether the tag name that stops before `at` ends there (`<item>`, not `<items>`).
fn ends_name(lower: &str, at: usize) -> bool {
    lower[at..]
        .chars()
        .next()
        .is_some_and(|c| c == '>' || c == '/' || c.is_ascii_whitespace())
}

/// One item's link, GUID, title and date; `None` without a usable link.
fn read_item(text: &str, lower: &str, base: &Url) -> Option<FeedItem> {
    let rss_link = element(text, lower, "link").filter(|l| !l.is_empty());
    let link = rss_link.or_else(|| atom_link(text, lower))?;
    if link.contains(['<', '>', '"']) || link.chars().any(char::is_whitespace) {
        return None;
    }
    let url = super::join(base, &link)?;
    let guid = element(text, lower, "guid")
        .or_else(|| element(text, lower, "id"))
        .filter(|g| !g.is_empty());
    let title = element(text, lower, "title").filter(|t| !t.is_empty());
    let published_at = ["pubdate", "published", "dc:date", "updated"]
        .iter()
        .find_map(|name| element(text, lower, name).and_then(|d| parse_date(&d)));
    Some(FeedItem {
        url,
        guid,
        title,
        published_at,
    })
}

/// The trimmed text of the first `<name>` element in the piece, with CDATA and entities undone.
fn element(text: &str, lower: &str, name: &str) -> Option<String> {
    let open = format!("<{name}");
    let mut from = 0;
    let start = loop {
        let at = from + lower[from..].find(&open)?;
        if ends_name(lower, at + open.len()) {
            break at;
        }
        from = at + open.len();
    };
    let tag_end = start + lower[start..].find('>')?;
    if lower[..tag_end].ends_with('/') {
        return Some(String::new());
    }
    let content_start = tag_end + 1;
    let close = format!("</{name}");
    let content_end = lower[content_start..]
        .find(&close)
        .map_or(lower.len(), |c| content_start + c);
    Some(unwrap_text(&text[content_start..content_end]))
}

/// The `href` of an Atom `<link>` that is the item's own page (no `rel`, or `rel="alternate"`).
fn atom_link(text: &str, lower: &str) -> Option<String> {
    let mut from = 0;
    let mut first = None;
    while let Some(at) = lower[from..].find("<link") {
        let at = from + at;
        from = at + "<link".len();
        if !ends_name(lower, from) {
            continue;
        }
        let end = lower[at..].find('>').map_or(lower.len(), |e| at + e);
        let Some(href) = attribute(&text[at..end], &lower[at..end], "href") else {
            continue;
        };
        match attribute(&text[at..end], &lower[at..end], "rel").as_deref() {
            None | Some("alternate") => return Some(href),
            Some(_) => {
                first.get_or_insert(href);
            }
        }
    }
    first
}

/// The value of `name="…"` (or single quotes) in one start tag.
fn attribute(tag: &str, lower: &str, name: &str) -> Option<String> {
    let key = format!("{name}=");
    let mut from = 0;
    loop {
        let at = from + lower[from..].find(&key)?;
        from = at + key.len();
        let before = lower[..at].chars().next_back();
        if !before.is_some_and(|c| c.is_ascii_whitespace()) {
            continue;
        }
        let quote = tag[from..]
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'')?;
        let value = tag[from + 1..].split(quote).next()?;
        return Some(unwrap_text(value));
    }
}

/// Element text without CDATA markers, with XML entities resolved where they are well formed.
fn unwrap_text(raw: &str) -> String {
    let raw = raw.trim();
    if let Some(inner) = raw
        .strip_prefix("<![CDATA[")
        .map(|r| r.strip_suffix("]]>").unwrap_or(r))
    {
        return inner.trim().to_owned();
    }
    match quick_xml::escape::unescape(raw) {
        Ok(s) => s.trim().to_owned(),
        Err(_) => raw.to_owned(),
    }
}

/// RSS (RFC 2822) and Atom (RFC 3339) dates.
fn parse_date(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    DateTime::parse_from_rfc2822(s)
        .ok()
        .or_else(|| super::parse_date(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://wire.example/en/rss").unwrap()
    }

    #[test]
    fn fields_of_rss_and_atom_pieces() {
        let rss = br#"<rss><channel><item><title><![CDATA[Talks & more]]></title>
<link> /en/7 </link><guid isPermaLink="false">w-7</guid><pubDate>Tue, 01 Dec 2026 08:00:00 +0100</pubDate></item>
<items>not an item</items></channel></rss>"#;
        let items = salvage_items(rss, &base(), 10);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].url, "https://wire.example/en/7");
        assert_eq!(items[0].guid.as_deref(), Some("w-7"));
        assert_eq!(items[0].title.as_deref(), Some("Talks & more"));
        assert_eq!(
            items[0].published_at.unwrap().to_rfc3339(),
            "2026-12-01T08:00:00+01:00"
        );
        let atom = br#"<feed><entry><id>tag:w,1</id><link rel="edit" href="/edit/1"/><link href='/a/1'/><title>Dock&amp;rail</title></entry><entry><title>No link</title></entry></feed>"#;
        let items = salvage_items(atom, &base(), 10);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].url, "https://wire.example/a/1");
        assert_eq!(items[0].title.as_deref(), Some("Dock&rail"));
        assert_eq!(salvage_items(atom, &base(), 0).len(), 0);
    }

    #[test]
    fn declared_encoding_is_honoured() {
        let (body, _, _) = encoding_rs::WINDOWS_1251.encode(
            "<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss><channel><item><title>Порт закрыт</title><link>/ru/1</link></item></channel></rss>",
        );
        let items = salvage_items(&body, &base(), 10);
        assert_eq!(items[0].title.as_deref(), Some("Порт закрыт"));
    }
}
