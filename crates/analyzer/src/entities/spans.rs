//! Small tests and texts of single words and token spans, shared by every stage.

use super::Doc;
use rustc_hash::FxHashSet as HashSet;

/// "Democratic-leaning", "Kremlin-backed": adjectives built on a name.
pub(super) fn is_compound_adjective(t: &str) -> bool {
    t.rsplit_once('-').is_some_and(|(_, tail)| {
        matches!(
            tail,
            "leaning"
                | "based"
                | "led"
                | "backed"
                | "born"
                | "owned"
                | "run"
                | "style"
                | "era"
                | "speaking"
                | "made"
                | "controlled"
                | "held"
                | "allied"
                | "funded"
                | "linked"
                | "friendly"
                | "bound"
                | "wide"
                | "like"
                | "majority"
                | "occupied"
                | "appointed"
                | "elect"
                | "designate"
                | "level"
                | "related"
                | "focused"
        )
    })
}

/// Whether a capitalised word is a contraction ("Don't", "It's"), not a name.
pub(super) fn is_contraction(t: &str) -> bool {
    if let Some(pos) = t.find(['\'', '’']) {
        let tail: String = t[pos..].chars().skip(1).collect();
        return matches!(
            tail.as_str(),
            "t" | "s" | "re" | "ll" | "ve" | "m" | "d" | "T" | "S"
        );
    }
    false
}

/// Strips name particles ("al-Sisi" → "sisi") for matching short forms.
pub(super) fn match_form(w: &str) -> String {
    let lw = w.to_lowercase();
    for p in ["al-", "el-", "ad-", "as-", "an-", "ash-", "at-", "az-"] {
        if let Some(rest) = lw.strip_prefix(p) {
            return rest.to_string();
        }
    }
    lw
}

/// The text of tokens `s..e`, runs of whitespace made one space.
pub(super) fn span_text(d: &Doc, s: usize, e: usize) -> String {
    let raw = &d.text[d.toks[s].start..d.toks[e - 1].end];
    let mut out = String::with_capacity(raw.len());
    for (k, w) in raw.split_whitespace().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Whether any token of `s..e` is one of `heads`.
pub(super) fn has_head(d: &Doc, s: usize, e: usize, heads: &HashSet<&'static str>) -> bool {
    (s..e).any(|i| heads.contains(d.t(i)))
}

/// Whether a token looks like an acronym: 2 to 6 letters, all capitals ("IAEA", "G7", "OPEC+").
pub(super) fn is_acronym(t: &str) -> bool {
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    (2..=6).contains(&letters)
        && t.chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '.' || c == '-' || c == '+')
}

/// Words that join the pieces of a long title ("Envoy to the ...", "Minister of ..., ... and ...").
pub(super) fn chain_link(t: &str) -> bool {
    matches!(
        t,
        "of" | "for" | "on" | "and" | "the" | "to" | "in" | "," | "&"
    )
}

/// Capital initials of a span's words ("Joint Chiefs of Staff" → "JCS").
pub(super) fn initials(d: &Doc, s: usize, e: usize) -> String {
    (s..e)
        .filter(|&i| d.toks[i].word && d.is_cap(i))
        .filter_map(|i| d.t(i).chars().next())
        .collect()
}

/// Whether `acr` spells the initials of the span (letters only).
pub(super) fn acronym_fits(d: &Doc, s: usize, e: usize, acr: &str) -> bool {
    let letters: String = acr.chars().filter(|c| c.is_alphabetic()).collect();
    letters.chars().count() >= 2 && initials(d, s, e) == letters
}
