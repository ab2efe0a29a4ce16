//! Gazetteer look-ups over token spans: names of places and organisations, and nationalities.

use super::Doc;
use crate::lexicon::GazEntry;

/// Tokens of the nationality word at `i` ("Russian", "South Korean"), 0 when there is none.
pub(super) fn demonym_len(d: &Doc, i: usize, end: usize) -> usize {
    let g = &*crate::lexicon::GAZETTEER;
    if i + 1 < end {
        let two = format!("{} {}", d.t(i), d.t(i + 1));
        if g.demonyms.contains_key(&two) {
            return 2;
        }
    }
    usize::from(g.demonyms.contains_key(d.t(i)))
}

/// The gazetteer entry spelled exactly by tokens `s..e` (all-caps spans matched case-blind).
pub(super) fn gaz_lookup(d: &Doc, s: usize, e: usize) -> Option<&'static GazEntry> {
    let g = &*crate::lexicon::GAZETTEER;
    // Most runs start with a word that begins no name: ruled out without building the key.
    if s < e {
        let first = d.t(s);
        let all_caps = || {
            (s..e).any(|i| d.t(i).chars().any(char::is_alphabetic))
                && !(s..e).any(|i| d.t(i).chars().any(char::is_lowercase))
        };
        let lower_first = || {
            if first.is_ascii() {
                g.lower_firsts.contains(d.lc(s))
            } else {
                g.lower_firsts.contains(&first.to_lowercase())
            }
        };
        if !(g.firsts.contains(first) || all_caps() && lower_first()) {
            return None;
        }
    }
    let mut key = String::new();
    for i in s..e {
        if i > s {
            key.push(' ');
        }
        key.push_str(d.t(i));
    }
    if let Some(x) = g.names.get(&key) {
        return Some(x);
    }
    let all_caps = key.chars().any(|c| c.is_alphabetic()) && !key.chars().any(|c| c.is_lowercase());
    if all_caps {
        return g.lower.get(&key.to_lowercase());
    }
    None
}

/// Longest gazetteer match starting at `s`, within `s..end`.
pub(super) fn gaz_longest(d: &Doc, s: usize, end: usize) -> Option<(usize, &'static GazEntry)> {
    let g = &*crate::lexicon::GAZETTEER;
    let max = (end - s).min(g.max_tokens);
    for len in (1..=max).rev() {
        if let Some(x) = gaz_lookup(d, s, s + len) {
            return Some((s + len, x));
        }
    }
    None
}
