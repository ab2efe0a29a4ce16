//! Finds the capitalised runs of the body (names joined by "of", particles, compass words,
//! title chains and names spelled out before a bracketed acronym) and hands each to
//! [`classify_run`].

use super::classify::classify_run;
use super::gazetteer::{gaz_longest, gaz_lookup};
use super::spans::{acronym_fits, chain_link, has_head, is_acronym};
use super::titles::title_chain_end;
use super::{Cand, Doc};
use crate::lexicon::*;

/// How a run grows by one more token.
enum Step {
    /// The run goes on to end before this token, and may grow further.
    Grow(usize),
    /// The run ends before this token.
    Stop(usize),
}

/// Finds the capitalised runs and classifies their parts.
pub(super) fn candidates(d: &Doc) -> Vec<Cand> {
    let n = d.toks.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        if let Some(c) = the_gazetteer_name(d, i) {
            i = c.e;
            out.push(c);
            continue;
        }
        // "Eastern Economic Forum", "Northern Sea Route": a compass adjective opening a name.
        let direction_start = i + 1 < n
            && d.is_cap(i + 1)
            && DIRECTIONS.contains(d.t(i))
            && !STOP.contains(d.t(i + 1))
            && d.same_ctx(i, i + 1);
        if !(d.is_cap(i) && !STOP.contains(d.t(i)) || direction_start || particle_start(d, i)) {
            i += 1;
            continue;
        }
        let mut s = i;
        let e = run_end(d, s);
        i = e;
        if plan_subject(d, s, e) {
            continue;
        }
        // The adjective stays only in an organisation's or place's name.
        let gaz_name = gaz_longest(d, s, e).is_some_and(|(ge, _)| ge > s + 1);
        if direction_start
            && STOP.contains(d.t(s))
            && !gaz_name
            && !(has_head(d, s + 1, e, &ORG_HEADS) || has_head(d, s + 1, e, &LOC_HEADS))
        {
            s += 1;
        }
        classify_run(d, s, e, &mut out);
    }
    out
}

/// A gazetteer name that begins with "The" ("The Hague") at token `i`.
fn the_gazetteer_name(d: &Doc, i: usize) -> Option<Cand> {
    let n = d.toks.len();
    if !(d.t(i) == "The" && i + 1 < n && d.is_cap(i + 1)) {
        return None;
    }
    let (ge, x) = gaz_longest(d, i, (i + 4).min(n))?;
    (ge > i + 1 && (ge >= n || !d.is_cap(ge)))
        .then(|| Cand::new(i, ge, Some(x.kind), x.canonical.clone()))
}

/// Whether particles at `i` open a name ("von der Leyen").
fn particle_start(d: &Doc, i: usize) -> bool {
    let n = d.toks.len();
    PARTICLES.contains(d.t(i)) && {
        let mut k = i;
        while k < n && PARTICLES.contains(d.t(k)) && d.same_ctx(i, k) {
            k += 1;
        }
        k < n && d.is_cap(k) && d.same_ctx(i, k)
    }
}

/// "Plan on Ocean Policy", "Strategy for Digital Growth": the subject of a plan or law is part of
/// its title, not a name of its own.
fn plan_subject(d: &Doc, s: usize, e: usize) -> bool {
    s >= 2
        && matches!(d.t(s - 1), "on" | "for")
        && EVENT_HEADS.contains(d.t(s - 2))
        && gaz_lookup(d, s, e).is_none()
}

/// One past the last token of the run starting at `s`.
fn run_end(d: &Doc, s: usize) -> usize {
    let mut e = s + 1;
    loop {
        match step(d, s, e) {
            Step::Grow(k) => e = k,
            Step::Stop(k) => return k,
        }
    }
}

/// Whether the run `s..e` takes in token `e` and maybe more.
fn step(d: &Doc, s: usize, e: usize) -> Step {
    let n = d.toks.len();
    if e >= n || !d.same_ctx(s, e) {
        return Step::Stop(e);
    }
    let t = d.t(e);
    if d.is_cap(e) && !STOP.contains(t) {
        return Step::Grow(e + 1);
    }
    // "Far Eastern Federal University": a compass adjective inside a name.
    if DIRECTIONS.contains(t)
        && e + 1 < n
        && d.is_cap(e + 1)
        && !STOP.contains(d.t(e + 1))
        && d.same_ctx(s, e + 1)
    {
        return Step::Grow(e + 1);
    }
    if chain_link(t) {
        if let Some(k) = acronym_run_end(d, s, e).or_else(|| title_chain_end(d, s, e)) {
            return Step::Stop(k);
        }
    }
    if PARTICLES.contains(t) {
        // "von der Leyen": particles followed by a capitalised word.
        let mut k = e;
        while k < n && PARTICLES.contains(d.t(k)) && d.same_ctx(s, k) {
            k += 1;
        }
        if k < n && d.is_cap(k) && d.same_ctx(s, k) {
            return Step::Grow(k + 1);
        }
    }
    match connector_end(d, s, e) {
        Some(k) => Step::Grow(k),
        None => Step::Stop(e),
    }
}

/// Where an organisation's or place's name goes on after the connector at `e` ("Bank of
/// Russia", "Ministry of the Interior").
fn connector_end(d: &Doc, s: usize, e: usize) -> Option<usize> {
    let n = d.toks.len();
    let t = d.t(e);
    // "and" never joins two complete names ("the Foreign Ministry and the Federal Security Service").
    let joins_two = (t == "and" || t == "the")
        && (ORG_HEADS.contains(d.t(e - 1)) || LOC_HEADS.contains(d.t(e - 1)))
        || (t == "and" && d.t(e + 1) == "the");
    if !(CONNECTORS.contains(t)
        && !joins_two
        && (has_head(d, s, e, &ORG_HEADS) || has_head(d, s, e, &LOC_HEADS)))
    {
        return None;
    }
    let mut k = e + 1;
    if k < n && d.t(k) == "the" {
        k += 1;
    }
    // Not before a lone letter ("the Air Force on X").
    (k < n
        && d.is_cap(k)
        && !STOP.contains(d.t(k))
        && d.same_ctx(s, k)
        && d.t(k).chars().count() > 1)
        .then_some(k)
}

/// End of a name that runs on through "of", "and" and commas up to a bracketed acronym spelling its
/// initials ("Defence Research and Development Organisation (DRDO)").
fn acronym_run_end(d: &Doc, s: usize, e: usize) -> Option<usize> {
    let n = d.toks.len();
    let mut k = e;
    while k < n && k < e + 12 && d.same_ctx(s, k) {
        let t = d.t(k);
        if t == "(" {
            let fits = k + 2 < n
                && d.t(k + 2) == ")"
                && is_acronym(d.t(k + 1))
                && acronym_fits(d, s, k, d.t(k + 1));
            return fits.then_some(k);
        }
        if !(d.is_cap(k) || CONNECTORS.contains(t) || t == "," || t == "&") {
            return None;
        }
        k += 1;
    }
    None
}
