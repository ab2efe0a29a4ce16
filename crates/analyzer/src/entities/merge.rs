//! Joins the trained tagger's names with the rules' candidates.
//!
//! The rules know wire copy (datelines, title chains, acronyms in brackets, gazetteer forms);
//! the tagger knows text the rules were never shown (lowercase web text, headlines, sports
//! tables). A candidate both agree on keeps the rules' reading, with the tagger's type where the
//! rules had none; a name only the tagger sees is added; a capitalised run only the rules see is
//! kept (dropping those cost more on wire copy than it gained on other text).

use super::gazetteer::{demonym_len, gaz_lookup};
use super::spans::{has_head, span_text};
use super::tagger::{is_title_word, Model, Sequence, Span};
use super::{Cand, Doc};
use crate::lexicon::{CUE_VERBS, LOC_HEADS, ORG_HEADS};
use model::EntityType;

/// The tagger's names over the whole body; a run of signs alone ("@") names no one.
fn tagged(d: &Doc) -> Vec<Span> {
    let toks: Vec<(usize, usize)> = d.toks.iter().map(|t| (t.start, t.end)).collect();
    let mut spans = Model::shipped().tag(&Sequence {
        text: d.text,
        toks: &toks,
    });
    spans.retain(|sp| (sp.s..sp.e).any(|i| d.t(i).chars().any(char::is_alphanumeric)));
    spans
}

/// Whether two token ranges share a token.
fn overlaps(a: (usize, usize), b: (usize, usize)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// A "person" that ends in a title word ("Federal Minister") is a title the rules chose not to
/// keep, not a name.
fn is_title(d: &Doc, sp: &Span) -> bool {
    sp.kind == model::EntityType::Person && is_title_word(d.t(sp.e - 1).trim_end_matches('.'))
}

/// A candidate for a name only the tagger found.
fn from_tagger(d: &Doc, sp: &Span) -> Cand {
    let gaz = gaz_lookup(d, sp.s, sp.e).filter(|g| g.kind == sp.kind);
    Cand {
        s: sp.s,
        e: sp.e,
        kind: Some(sp.kind),
        name: gaz.map_or_else(|| span_text(d, sp.s, sp.e), |g| g.canonical.clone()),
        titled: false,
        acronym: None,
        tagged: Some(sp.kind),
    }
}

/// A person candidate with a title or a role in apposition ("Zou Lan, a deputy governor"), a
/// speech verb beside it, or a given name first.
fn speaks_or_titled(d: &Doc, c: &Cand) -> bool {
    let n = d.toks.len();
    let cue = |i: usize| i < n && CUE_VERBS.contains(d.t(i));
    let role_after =
        c.e < n && d.t(c.e) == "," && (c.e + 1..(c.e + 6).min(n)).any(|i| is_title_word(d.t(i)));
    c.titled
        || role_after
        || cue(c.e)
        || (c.s > 0 && cue(c.s - 1))
        || (c.s > 0 && is_title_word(d.t(c.s - 1).trim_end_matches('.')))
        || super::words::is_given_name(d.lc(c.s))
}

/// Per line (token paragraph): whether it has no lowercase letter and at least two words.
fn caps_lines(d: &Doc) -> Vec<bool> {
    let lines = d.toks.last().map_or(0, |t| t.para + 1);
    let mut lower = vec![false; lines];
    let mut words = vec![0u8; lines];
    for t in d.toks {
        let w = &d.text[t.start..t.end];
        lower[t.para] |= w.chars().any(char::is_lowercase);
        if w.chars().any(char::is_alphabetic) {
            words[t.para] = words[t.para].saturating_add(1);
        }
    }
    lower
        .iter()
        .zip(&words)
        .map(|(&l, &w)| !l && w >= 2)
        .collect()
}

/// Words of greeting, address and interjection that open a line of mail, chat or talk before a
/// name ("Dear Nina", "Oh Barb").
fn is_greeting(lower: &str) -> bool {
    matches!(
        lower,
        "dear"
            | "hello"
            | "hi"
            | "hey"
            | "welcome"
            | "thanks"
            | "thank"
            | "congrats"
            | "congratulations"
            | "cheers"
            | "regards"
            | "attn"
            | "greetings"
            | "goodbye"
            | "bye"
            | "morning"
            | "evening"
            | "good"
            | "happy"
            | "love"
            | "sincerely"
            | "oh"
            | "uh"
            | "um"
            | "ah"
            | "yeah"
            | "yes"
            | "okay"
            | "ok"
            | "well"
            | "wow"
    )
}

/// Whether the rules had evidence of their own for a candidate's type.
fn rules_sure(d: &Doc, c: &Cand) -> bool {
    c.titled
        || c.acronym.is_some()
        || gaz_lookup(d, c.s, c.e).is_some()
        || has_head(d, c.s, c.e, &ORG_HEADS)
        || has_head(d, c.s, c.e, &LOC_HEADS)
}

/// Small words that join the parts of one name ("of", "al", "-", "&", the "_" of a handle).
fn is_name_joiner(lower: &str) -> bool {
    matches!(
        lower,
        "of" | "the"
            | "for"
            | "on"
            | "de"
            | "del"
            | "della"
            | "di"
            | "da"
            | "du"
            | "des"
            | "la"
            | "le"
            | "al"
            | "el"
            | "bin"
            | "ibn"
            | "van"
            | "von"
            | "der"
            | "den"
            | "-"
            | "&"
            | "_"
            | "'"
            | "."
    )
}

/// Tagger names that take in two or more of the rules' candidates whole, joined by small words
/// the rules do not cross ("House of Representatives", "Earl of Clare", "al-Qaeda"). The rules
/// keep their pieces where they had evidence for one, or where the name opens with a title or is
/// one ("US Secretary of State").
fn joined_spans(d: &Doc, cands: &[Cand], spans: &[Span]) -> Vec<Span> {
    spans
        .iter()
        .filter(|sp| {
            let inside: Vec<&Cand> = cands
                .iter()
                .filter(|c| overlaps((sp.s, sp.e), (c.s, c.e)))
                .collect();
            inside.len() >= 2
                && inside.iter().all(|c| c.s >= sp.s && c.e <= sp.e)
                && (sp.s..sp.e)
                    .filter(|&i| !inside.iter().any(|c| c.s <= i && i < c.e))
                    .all(|i| is_name_joiner(d.lc(i)))
                && !inside.iter().any(|c| c.titled || c.acronym.is_some())
                && !is_title_word(d.t(sp.s).trim_end_matches('.'))
                && !is_title(d, sp)
        })
        .copied()
        .collect()
}

/// The rules' candidates and the tagger's names, as one list in body order, with sports teams
/// read as organisations.
pub(super) fn with_tagger(d: &Doc, cands: Vec<Cand>) -> Vec<Cand> {
    let spans = tagged(d);
    let caps = caps_lines(d);
    let joined = joined_spans(d, &cands, &spans);
    let mut out: Vec<Cand> = Vec::with_capacity(cands.len() + spans.len());
    for mut c in cands {
        if let Some(sp) = joined.iter().find(|sp| c.s >= sp.s && c.e <= sp.e) {
            if !out.iter().any(|o| o.s == sp.s && o.e == sp.e) {
                out.push(from_tagger(d, sp));
            }
            continue;
        }
        let hit = spans.iter().find(|sp| overlaps((sp.s, sp.e), (c.s, c.e)));
        match hit {
            Some(sp) => {
                // Where the two read the same words as different types and the rules had no
                // evidence of their own (gazetteer, title, acronym, head noun), neither is trusted.
                let same_span = sp.s == c.s && sp.e == c.e;
                // A capitalised run that takes in a greeting before a name ("Welcome Darin",
                // "Hello Sarah Cole") gives way to the tagger's name at its end. Other words
                // stay: the tagger cuts given names it does not know ("Olusegun Adeyemi").
                let greeted =
                    sp.s > c.s && sp.e == c.e && (c.s..sp.s).all(|i| is_greeting(d.lc(i)));
                if greeted && !rules_sure(d, &c) {
                    out.push(from_tagger(d, sp));
                    continue;
                }
                if same_span && c.kind.is_some_and(|k| k != sp.kind) && !rules_sure(d, &c) {
                    continue;
                }
                // A lone word stays the rules' to resolve ("Wang" to "Wang Yi"); the tagger's
                // type is its fallback.
                if c.kind.is_none() || c.kind == Some(sp.kind) {
                    c.tagged = Some(sp.kind);
                }
                out.push(c);
            }
            // Wire copy is what the rules were written for: their names stand on their own,
            // but a person the tagger does not see needs more than capitals ("Senators").
            None if c.kind == Some(EntityType::Person) && !speaks_or_titled(d, &c) => {}
            // In an all-caps headline every word looks like an acronym ("BASEBALL", "BEAT").
            None if caps[d.toks[c.s].para] && !rules_sure(d, &c) => {}
            None => out.push(c),
        }
    }
    for sp in &spans {
        // A nationality on its own ("Turkish officials") is no name, as the rules read it too.
        let demonym = demonym_len(d, sp.s, sp.e) == sp.e - sp.s;
        if !out.iter().any(|c| overlaps((sp.s, sp.e), (c.s, c.e))) && !is_title(d, sp) && !demonym {
            out.push(from_tagger(d, sp));
        }
    }
    super::sports::teams(d, out)
}
