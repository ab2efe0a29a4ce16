//! Caps element nesting before parsing: html5ever's scope checks walk the whole stack of open
//! elements, so a page nested a hundred thousand deep would take minutes. Tags past the cap are
//! dropped and their text kept.

/// Nesting deeper than this is flattened.
pub(crate) const MAX_DEPTH: usize = 512;

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "!doctype",
];
const RAW: &[&str] = &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"];

struct Tag<'a> {
    end: usize,
    name: &'a str,
    closing: bool,
    self_closing: bool,
}

fn tag_at(s: &str, i: usize) -> Option<Tag<'_>> {
    let b = s.as_bytes();
    let mut j = i + 1;
    let closing = b.get(j) == Some(&b'/');
    if closing {
        j += 1;
    }
    let start = j;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'!' || b[j] == b'-') {
        j += 1;
    }
    if j == start || !b[start].is_ascii_alphabetic() && b[start] != b'!' {
        return None;
    }
    let name = &s[start..j];
    let close = s[j..].find('>')? + j;
    Some(Tag { end: close + 1, name, closing, self_closing: close > 0 && b[close - 1] == b'/' })
}

/// Byte offset of the `</name` that ends a raw-text element, searching from `from`.
fn find_end_tag(s: &str, from: usize, name: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = from;
    while let Some(off) = s.get(i..)?.find("</") {
        let at = i + off;
        let end = at + 2 + name.len();
        if b.get(at + 2..end).is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes())) {
            return Some(at);
        }
        i = at + 2;
    }
    None
}

/// Returns the text with nesting capped at [`MAX_DEPTH`], or `None` when it is within the cap.
pub(crate) fn cap_nesting(s: &str) -> Option<String> {
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut depth = 0usize;
    let mut skipped = 0usize;
    let mut i = 0;
    while let Some(off) = s[i..].find('<') {
        let at = i + off;
        let Some(t) = tag_at(s, at) else {
            i = at + 1;
            continue;
        };
        let is = |list: &[&str]| list.iter().any(|n| n.eq_ignore_ascii_case(t.name));
        let mut next = t.end;
        if !t.closing && is(RAW) {
            // Skip raw text up to its end tag; its '<' are not tags.
            next = find_end_tag(s, t.end, t.name).unwrap_or(s.len());
            i = next;
            continue;
        }
        if t.self_closing || is(VOID) || t.name.starts_with('!') {
            i = next;
            continue;
        }
        let drop = if t.closing {
            if skipped > 0 {
                skipped -= 1;
                true
            } else {
                depth = depth.saturating_sub(1);
                false
            }
        } else if depth >= MAX_DEPTH {
            skipped += 1;
            true
        } else {
            depth += 1;
            false
        };
        if drop {
            let o = out.get_or_insert_with(|| String::with_capacity(s.len()));
            o.push_str(&s[copied..at]);
            copied = next;
        }
        i = next;
    }
    out.map(|mut o| {
        o.push_str(&s[copied..]);
        o
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_pages_are_untouched() {
        assert!(cap_nesting("<html><body><div><p>a<p>b</div><script>if (a<b) {}</script></body></html>").is_none());
    }

    #[test]
    fn deep_pages_are_flattened_keeping_text() {
        let s = "<div>".repeat(2000) + "deep text" + &"</div>".repeat(2000);
        let capped = cap_nesting(&s).expect("capped");
        assert!(capped.contains("deep text"));
        assert_eq!(capped.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(capped.matches("</div>").count(), MAX_DEPTH);
    }
}
