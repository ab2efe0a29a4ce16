//! A story body with its quotes and entity mentions marked, and search snippets with their matches.

use maud::{html, Markup, PreEscaped};
use serde::Serialize;

/// Opens a matched word in `ts_headline` output; a private-use character no story contains.
pub const MARK_START: char = '\u{E000}';
/// Closes a matched word.
pub const MARK_END: char = '\u{E001}';

/// The `ts_headline` options that frame matches with the two marks.
pub fn headline_options(fragments: bool) -> String {
    if fragments {
        format!("StartSel={MARK_START}, StopSel={MARK_END}, MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter=\" … \"")
    } else {
        format!("StartSel={MARK_START}, StopSel={MARK_END}, HighlightAll=true")
    }
}

/// One run of a snippet: its text and whether it matched the search.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Run {
    /// The text.
    pub text: String,
    /// Whether these are matched words.
    #[serde(rename = "match")]
    pub matched: bool,
}

/// Splits `ts_headline` output at the marks.
pub fn runs(marked: &str) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut matched = false;
    let mut text = String::new();
    let flush = |text: &mut String, matched: bool, out: &mut Vec<Run>| {
        if !text.is_empty() {
            out.push(Run {
                text: std::mem::take(text),
                matched,
            });
        }
    };
    for c in marked.chars() {
        match c {
            MARK_START => {
                flush(&mut text, matched, &mut out);
                matched = true;
            }
            MARK_END => {
                flush(&mut text, matched, &mut out);
                matched = false;
            }
            c => text.push(c),
        }
    }
    flush(&mut text, matched, &mut out);
    out
}

/// Runs as HTML, the matched ones in `<mark>`.
pub fn render_runs(runs: &[Run]) -> Markup {
    html! {
        @for r in runs {
            @if r.matched { mark { (r.text) } } @else { (r.text) }
        }
    }
}

/// A quote's place in the body, in characters, with what is shown beside it.
#[derive(Debug, Clone)]
pub struct QuoteSpan<'a> {
    /// Quote id, for the anchor.
    pub id: i64,
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// direct, partial or indirect.
    pub kind: &'a str,
    /// The speaker's name, when known.
    pub speaker: Option<&'a str>,
    /// The speaker's entity, when resolved.
    pub speaker_id: Option<i64>,
}

/// An entity mention's place in the body, in characters.
#[derive(Debug, Clone)]
pub struct MentionSpan<'a> {
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// The entity.
    pub entity_id: i64,
    /// The entity's name, for the link's title.
    pub name: &'a str,
}

/// Keeps spans that fit the body and do not overlap an earlier one.
fn disjoint<T>(mut spans: Vec<T>, len: usize, range: impl Fn(&T) -> (usize, usize)) -> Vec<T> {
    spans.sort_by_key(|s| range(s));
    let mut end = 0;
    spans.retain(|s| {
        let (a, b) = range(s);
        let keep = a < b && b <= len && a >= end;
        if keep {
            end = b;
        }
        keep
    });
    spans
}

/// The body as HTML: quotes in `<mark>` followed by speaker and kind, mentions as entity links.
pub fn body(text: &str, quotes: Vec<QuoteSpan<'_>>, mentions: Vec<MentionSpan<'_>>) -> Markup {
    let bytes: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect();
    let len = bytes.len() - 1;
    let quotes = disjoint(quotes, len, |q| (q.start, q.end));
    // A mention crossing a quote's edge cannot nest inside the quote's mark: it stays plain text.
    let mentions: Vec<MentionSpan<'_>> = disjoint(mentions, len, |m| (m.start, m.end))
        .into_iter()
        .filter(|m| {
            !quotes.iter().any(|q| {
                (m.start < q.start && m.end > q.start) || (m.start < q.end && m.end > q.end)
            })
        })
        .collect();
    let slice = |a: usize, b: usize| &text[bytes[a]..bytes[b]];
    let plain = |a: usize, b: usize| -> String {
        let mut out = String::new();
        let mut at = a;
        for m in mentions.iter().filter(|m| m.start >= a && m.end <= b) {
            out.push_str(&html! { (slice(at, m.start)) }.into_string());
            out.push_str(
                &html! { a.mention href={ "/entities/" (m.entity_id) } title=(m.name) { (slice(m.start, m.end)) } }
                    .into_string(),
            );
            at = m.end;
        }
        out.push_str(&html! { (slice(at, b)) }.into_string());
        out
    };
    let mut out = String::new();
    let mut at = 0;
    for q in &quotes {
        out.push_str(&plain(at, q.start));
        let inner = PreEscaped(plain(q.start, q.end));
        out.push_str(
            &html! {
                mark class={ "quote " (q.kind) } id={ "q" (q.id) } { (inner) }
                span.attribution {
                    @match (q.speaker, q.speaker_id) {
                        (Some(name), Some(id)) => { a.speaker href={ "/speakers/" (id) } { (name) } }
                        (Some(name), None) => { span.speaker { (name) } }
                        _ => { span.speaker { "unattributed" } }
                    }
                    " · " span.kind { (q.kind) }
                }
            }
            .into_string(),
        );
        at = q.end;
    }
    out.push_str(&plain(at, len));
    PreEscaped(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_split_at_the_marks() {
        let r = runs("the \u{E000}budget\u{E001} vote");
        assert_eq!(r.len(), 3);
        assert!(r[1].matched && r[1].text == "budget");
        assert_eq!(
            render_runs(&runs("<b>\u{E000}x\u{E001}")).into_string(),
            "&lt;b&gt;<mark>x</mark>"
        );
    }

    #[test]
    fn quotes_and_mentions_are_marked_and_escaped() {
        let text = "Ana Ruiz said \"<script>no</script> deal\" in Lima.";
        let q = QuoteSpan {
            id: 7,
            start: 15,
            end: 39,
            kind: "direct",
            speaker: Some("Ana Ruiz"),
            speaker_id: Some(3),
        };
        let m = |start, end, entity_id| MentionSpan {
            start,
            end,
            entity_id,
            name: "x",
        };
        let html = body(text, vec![q], vec![m(0, 8, 3), m(44, 48, 9), m(10, 20, 5)]).into_string();
        assert!(
            html.starts_with(r#"<a class="mention" href="/entities/3""#),
            "{html}"
        );
        assert!(
            html.contains(r#"<mark class="quote direct" id="q7">&lt;script&gt;"#),
            "{html}"
        );
        assert!(html.contains(r#"<a class="speaker" href="/speakers/3">Ana Ruiz</a>"#));
        assert!(html.contains(r#"href="/entities/9""#));
        // The mention across the quote's opening edge stays plain.
        assert!(!html.contains("/entities/5"));
        assert!(!html.contains("<script>"));
    }
}
