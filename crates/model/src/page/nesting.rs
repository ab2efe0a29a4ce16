//! Prepares page text for an HTML tree builder. Caps element nesting: html5ever's scope checks
//! walk the whole stack of open elements, so a page nested a hundred thousand deep would take
//! minutes; tags past the cap are dropped and their text kept. Also leaves out script and style
//! bodies (other than JSON-LD), the insides of inline SVG drawings, and comments, which are never
//! read and are often half of a page; and, when asked, the insides of menus.

/// Nesting deeper than this is flattened, for every reader of pages.
pub const MAX_DEPTH: usize = 512;

/// How a tag counts for nesting, decided once per tag from its lower-cased name.
#[derive(PartialEq)]
enum Kind {
    /// Never holds children, or closes itself implicitly (p, li, td...): not counted.
    Void,
    /// Raw text up to its end tag (script, style...).
    Raw,
    /// Everything else.
    Nesting,
}

fn kind(name: &str) -> Kind {
    let b = name.as_bytes();
    if b.len() > 9 {
        return Kind::Nesting;
    }
    let mut buf = [0u8; 9];
    for (d, s) in buf.iter_mut().zip(b) {
        *d = s.to_ascii_lowercase();
    }
    match &buf[..b.len()] {
        b"area" | b"base" | b"br" | b"col" | b"embed" | b"hr" | b"img" | b"input" | b"link"
        | b"meta" | b"param" | b"source" | b"track" | b"wbr" | b"p" | b"li" | b"dt" | b"dd"
        | b"tr" | b"td" | b"th" | b"option" | b"!doctype" => Kind::Void,
        b"script" | b"style" | b"textarea" | b"title" | b"xmp" | b"iframe" | b"noembed"
        | b"noframes" | b"plaintext" => Kind::Raw,
        _ => Kind::Nesting,
    }
}

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
    let close = memchr::memchr(b'>', &b[j..])? + j;
    Some(Tag {
        end: close + 1,
        name,
        closing,
        self_closing: close > 0 && b[close - 1] == b'/',
    })
}

/// Byte offset of the `</name` that ends a raw-text element, searching from `from`.
fn find_end_tag(s: &str, from: usize, name: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = from;
    while let Some(off) = memchr::memmem::find(b.get(i..)?, b"</") {
        let at = i + off;
        let end = at + 2 + name.len();
        if b.get(at + 2..end)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
        {
            return Some(at);
        }
        i = at + 2;
    }
    None
}

/// Byte offset of the `</name` that closes an element opened just before `from`, counting nested
/// elements of the same name; `None` when the page never closes it.
fn find_matching_end(s: &str, from: usize, name: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut open = 1usize;
    let mut i = from;
    while let Some(off) = memchr::memchr(b'<', b.get(i..)?) {
        let at = i + off;
        let closing = b.get(at + 1) == Some(&b'/');
        let n = at + 1 + usize::from(closing);
        let named = b
            .get(n..n + name.len())
            .is_some_and(|x| x.eq_ignore_ascii_case(name.as_bytes()))
            && !b
                .get(n + name.len())
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'-');
        if named {
            if closing {
                open -= 1;
                if open == 0 {
                    return Some(at);
                }
            } else {
                open += 1;
            }
        }
        i = at + 1;
    }
    None
}

/// What becomes of a page's `<nav>` menus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Menus {
    /// Kept whole, for readers that follow their links.
    Keep,
    /// Emptied: the article extractor drops them anyway, and they are a fifth of the markup.
    Empty,
}

/// Returns the prepared text (`None` when nothing changed) and whether nesting was flattened.
pub fn cap_nesting(s: &str, menus: Menus) -> (Option<String>, bool) {
    let mut c = Capper {
        s,
        menus,
        out: None,
        flattened: false,
        copied: 0,
        depth: 0,
        skipped: 0,
    };
    let mut i = 0;
    // Byte searches (memchr's vectorised ones): this pass reads every byte of the page.
    while let Some(off) = memchr::memchr(b'<', &s.as_bytes()[i..]) {
        let at = i + off;
        i = match tag_at(s, at) {
            Some(t) => c.tag(at, &t),
            None => at + 1,
        };
    }
    let out = c.out.map(|mut o| {
        o.push_str(&s[c.copied..]);
        o
    });
    (out, c.flattened)
}

/// The state of one [`cap_nesting`] pass.
struct Capper<'a> {
    s: &'a str,
    menus: Menus,
    /// The text so far, once anything has been left out.
    out: Option<String>,
    flattened: bool,
    /// Where the input not yet copied to `out` begins.
    copied: usize,
    depth: usize,
    /// Open tags dropped past the cap, whose end tags are dropped too.
    skipped: usize,
}

impl Capper<'_> {
    /// Leaves out the input from `from` to `to`.
    fn cut(&mut self, from: usize, to: usize) {
        let s = self.s;
        let o = self
            .out
            .get_or_insert_with(|| String::with_capacity(s.len()));
        o.push_str(&s[self.copied..from]);
        self.copied = to;
    }

    /// Takes in the tag `t` found at `at`; returns where to look for the next one.
    fn tag(&mut self, at: usize, t: &Tag<'_>) -> usize {
        let k = kind(t.name);
        if !t.closing && k == Kind::Raw {
            return self.raw_text(at, t);
        }
        // Keep the element, leave out its insides.
        if let Some(end) = self.hollow_end(t) {
            if end - t.end > 256 {
                self.cut(t.end, end);
            }
            self.depth += 1;
            return end;
        }
        if self.s[at..].starts_with("<!--") {
            // Comments can hold whole disabled page sections; drop them.
            let end = memchr::memmem::find(&self.s.as_bytes()[at + 4..], b"-->")
                .map(|p| at + 4 + p + 3)
                .unwrap_or(self.s.len());
            self.cut(at, end);
            return end;
        }
        if t.self_closing || k == Kind::Void || t.name.starts_with('!') {
            return t.end;
        }
        if self.drops(t) {
            self.cut(at, t.end);
        }
        t.end
    }

    /// Skips raw text up to its end tag (its '<' are not tags); returns where that tag begins.
    fn raw_text(&mut self, at: usize, t: &Tag<'_>) -> usize {
        let s = self.s;
        let next = find_end_tag(s, t.end, t.name).unwrap_or(s.len());
        // Script and style bodies are never read (JSON-LD aside): leaving them out spares the tokenizer.
        let droppable = (t.name.eq_ignore_ascii_case("script")
            && !s[at..t.end].to_ascii_lowercase().contains("ld+json"))
            || t.name.eq_ignore_ascii_case("style");
        if droppable && next - t.end > 256 {
            self.cut(t.end, next);
        }
        next
    }

    /// Where the insides end of an element kept empty: inline drawings, and menus when asked.
    fn hollow_end(&self, t: &Tag<'_>) -> Option<usize> {
        let opens = !t.closing && !t.self_closing && self.depth < MAX_DEPTH;
        if !opens {
            None
        } else if t.name.eq_ignore_ascii_case("svg") {
            // Drawings hold no prose, only long path data.
            find_end_tag(self.s, t.end, "svg")
        } else if self.menus == Menus::Empty && t.name.eq_ignore_ascii_case("nav") {
            find_matching_end(self.s, t.end, "nav")
        } else {
            None
        }
    }

    /// Counts a nesting tag; true when it is dropped, past the cap or closing one that was.
    fn drops(&mut self, t: &Tag<'_>) -> bool {
        if t.closing {
            if self.skipped > 0 {
                self.skipped -= 1;
                true
            } else {
                self.depth = self.depth.saturating_sub(1);
                false
            }
        } else if self.depth >= MAX_DEPTH {
            self.skipped += 1;
            self.flattened = true;
            true
        } else {
            self.depth += 1;
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_comments_are_left_out_but_json_ld_stays() {
        let js = "var x = '<p>not text</p>';".repeat(20);
        let page = format!("<head><script type=\"application/ld+json\">{js}</script><script>{js}</script><style>{js}</style></head><!-- <p>old</p> --><p>kept</p>");
        let (out, flat) = cap_nesting(&page, Menus::Empty);
        let out = out.expect("changed");
        assert!(!flat);
        assert_eq!(
            out.matches("not text").count(),
            20,
            "only the JSON-LD body stays"
        );
        assert!(!out.contains("old"));
        assert!(out.contains("<p>kept</p>"));
    }

    #[test]
    fn end_tags_and_comment_ends_are_found_past_lookalikes() {
        assert_eq!(
            find_end_tag("a < b </scrip </SCRIPT> x", 0, "script"),
            Some(14)
        );
        assert_eq!(find_end_tag("if (a<b) {}", 0, "script"), None);
        let page = "<p>a</p><!--€> -> --€--><p>b</p><!---->c";
        assert_eq!(
            cap_nesting(page, Menus::Empty).0.as_deref(),
            Some("<p>a</p><p>b</p>c")
        );
    }

    #[test]
    fn drawings_keep_their_element_but_not_their_paths() {
        let path = "<path d=\"M0 0L10 10\"/>".repeat(30);
        let page = format!("<p>Share <svg viewBox=\"0 0 9 9\">{path}</svg> this</p><p>Next</p>");
        let out = cap_nesting(&page, Menus::Empty).0.expect("changed");
        assert_eq!(
            out,
            "<p>Share <svg viewBox=\"0 0 9 9\"></svg> this</p><p>Next</p>"
        );
        // A small icon is left alone: copying would cost more than tokenizing it.
        assert_eq!(
            cap_nesting("<svg><path d=\"M0\"/></svg><p>x</p>", Menus::Empty),
            (None, false)
        );
        // An unclosed drawing is not swallowed with the rest of the page.
        assert_eq!(cap_nesting("<svg><p>x</p>", Menus::Empty), (None, false));
    }

    #[test]
    fn menus_are_emptied_up_to_their_own_end() {
        let links = "<li><a href=\"/world\">World</a></li>".repeat(12);
        let page =
            format!("<nav class=\"top\"><ul>{links}<nav>{links}</nav></ul></nav><p>Story</p>");
        let out = cap_nesting(&page, Menus::Empty).0.expect("changed");
        assert_eq!(out, "<nav class=\"top\"></nav><p>Story</p>");
        // A menu never closed keeps everything after it.
        let open = format!("<nav><ul>{links}</ul><p>Story</p><navigator>");
        assert_eq!(cap_nesting(&open, Menus::Empty), (None, false));
        // A reader that follows links keeps them.
        assert_eq!(cap_nesting(&page, Menus::Keep), (None, false));
    }

    #[test]
    fn shallow_pages_are_untouched() {
        assert_eq!(
            cap_nesting(
                "<html><body><div><p>a<p>b</div><script>if (a<b) {}</script></body></html>",
                Menus::Empty
            ),
            (None, false)
        );
    }

    #[test]
    fn deep_pages_are_flattened_keeping_text() {
        let s = "<div>".repeat(2000) + "deep text" + &"</div>".repeat(2000);
        let (capped, flat) = cap_nesting(&s, Menus::Empty);
        assert!(flat);
        let capped = capped.expect("capped");
        assert!(capped.contains("deep text"));
        assert_eq!(capped.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(capped.matches("</div>").count(), MAX_DEPTH);
    }
}
