//! Classifies one capitalised run: a titled person, an organisation, a place, a plain name, or
//! pieces of these.

use model::EntityType;

use super::gazetteer::{demonym_len, gaz_longest, gaz_lookup};
use super::spans::{acronym_fits, chain_link, has_head, is_acronym, span_text};
use super::titles::title_chain;
use super::{Cand, Doc};
use crate::lexicon::*;

/// A run whose tail is a person's name after title words ("Indian External Affairs Minister X").
#[derive(Clone, Copy)]
struct TitledRun {
    /// First token of the run.
    s: usize,
    /// First title word.
    title_s: usize,
    /// First word of the name.
    name_s: usize,
    /// One past the last token.
    e: usize,
}

/// Classifies the run `s..e` and pushes its candidates to `out`.
pub(super) fn classify_run(d: &Doc, mut s: usize, e: usize, out: &mut Vec<Cand>) {
    // Inverted attribution opening a sentence: "Said Kishida: ...".
    if matches!(d.t(s), "Said" | "Added" | "Says")
        && e > s + 1
        && (s == 0 || d.sent_of[s] != d.sent_of[s - 1])
    {
        s += 1;
    }
    let acronym = bracket_acronym(d, e);
    // A long title before a name: titles dropped, organisations and places inside kept.
    let joined = (s..e).any(|i| chain_link(d.t(i)));
    if joined && acronym.is_none() {
        if let Some(ns) = title_chain(d, s, e) {
            title_chain_run(d, s, ns, e, out);
            return;
        }
    }
    let (title_s, name_s) = title_and_name(d, s, e);
    // A run joined by "of"/"and" is one organisation or place name, never "title + person",
    // unless a titled full name follows the last connector ("Party of Commission President Ursula von der Leyen").
    if let Some(c) = (s..e).rev().find(|&i| CONNECTORS.contains(d.t(i))) {
        if e - name_s >= 2 && title_s < name_s && title_s > c {
            classify_plain(d, s, c, None, out);
            classify_run(d, c + 1, e, out);
            return;
        }
    }
    let has_connector = (s..e).any(|i| CONNECTORS.contains(d.t(i)));
    let titled_name = name_s < e
        && title_s < name_s
        && !has_connector
        && !(name_s..e).any(|i| EVENT_HEADS.contains(d.t(i)));
    if titled_name {
        let run = TitledRun {
            s,
            title_s,
            name_s,
            e,
        };
        titled_person(d, run, acronym, out);
        return;
    }
    classify_plain(d, s, e, acronym, out);
}

/// Acronym in brackets right after the run: "International Atomic Energy Agency (IAEA)".
fn bracket_acronym(d: &Doc, e: usize) -> Option<usize> {
    (e + 2 < d.toks.len() && d.t(e) == "(" && d.t(e + 2) == ")" && is_acronym(d.t(e + 1)))
        .then_some(e + 1)
}

/// Where the title words and the name after them start: the name is the run's tail after its
/// last title word (or organisation or place head).
fn title_and_name(d: &Doc, s: usize, e: usize) -> (usize, usize) {
    let mut name_s = e;
    while name_s > s {
        let t = d.t(name_s - 1);
        if TITLES.contains(t) || ORG_HEADS.contains(t) || LOC_HEADS.contains(t) {
            break;
        }
        name_s -= 1;
    }
    let mut title_s = name_s;
    while title_s > s && TITLES.contains(d.t(title_s - 1)) {
        title_s -= 1;
    }
    (title_s, name_s)
}

/// A long title chain `s..ns` before a person's name `ns..e`: the organisations and places among
/// its pieces, then the titled person.
fn title_chain_run(d: &Doc, s: usize, ns: usize, e: usize, out: &mut Vec<Cand>) {
    let from = out.len();
    let mut a = s;
    while a < ns {
        let mut b = a;
        while b < ns && !chain_link(d.t(b)) {
            b += 1;
        }
        // "FAA Administrator", "Union Minister": only what stands before the first title word.
        let end = (a..b).find(|&i| TITLES.contains(d.t(i))).unwrap_or(b);
        if end > a {
            classify_plain(d, a, end, None, out);
        }
        a = b + 1;
    }
    keep_orgs_and_places(out, from);
    out.push(Cand::new(ns, e, Some(EntityType::Person), span_text(d, ns, e)).titled());
}

/// Drops the persons and untyped words pushed since `from`: only organisations and places stand
/// before a title.
fn keep_orgs_and_places(out: &mut Vec<Cand>, from: usize) {
    let tail = out.split_off(from);
    out.extend(
        tail.into_iter()
            .filter(|c| c.kind.is_some_and(|k| k != EntityType::Person)),
    );
}

/// A person's name after title words, with what stands before the titles.
fn titled_person(d: &Doc, run: TitledRun, acronym: Option<usize>, out: &mut Vec<Cand>) {
    // Titles are preceded by an organisation, a place or a nationality.
    if run.title_s > run.s {
        let from = out.len();
        classify_plain(d, run.s, run.title_s, None, out);
        keep_orgs_and_places(out, from);
    }
    let (s, e) = (run.name_s, run.e);
    match gaz_lookup(d, s, e) {
        Some(x) if x.kind == EntityType::Location && e - s > 1 => {
            out.push(Cand::new(s, e, Some(x.kind), x.canonical.clone()).with_acronym(acronym))
        }
        _ => {
            let kind = (e - s > 1).then_some(EntityType::Person);
            out.push(Cand::new(s, e, kind, span_text(d, s, e)).titled());
        }
    }
}

/// Classifies a run with no person title inside.
pub(super) fn classify_plain(
    d: &Doc,
    s: usize,
    e: usize,
    acronym: Option<usize>,
    out: &mut Vec<Cand>,
) {
    if s >= e {
        return;
    }
    if let Some(c) = dateline_place(d, s, e) {
        out.push(c);
        return;
    }
    // A particle before a place is an article of another language ("la France").
    let mut s = s;
    while s + 1 < e && PARTICLES.contains(d.t(s)) && gaz_lookup(d, s + 1, e).is_some() {
        s += 1;
    }
    if let Some(c) = known_name(d, s, e, acronym) {
        out.push(c);
        return;
    }
    let dl = demonym_len(d, s, e);
    // Events and laws ("Labor Day", "Paris Agreement") are none of the three types.
    if e - s > 1 && EVENT_HEADS.contains(d.t(e - 1)) {
        return;
    }
    // Organisations keep a leading nationality ("Russian Foreign Ministry").
    if has_head(d, s, e, &ORG_HEADS) && e - s > 1 {
        out.push(organisation(d, s, e, acronym));
        return;
    }
    if has_head(d, s, e, &LOC_HEADS) && dl == 0 && e - s > 1 {
        let name = span_text(d, s, e);
        out.push(Cand::new(s, e, Some(EntityType::Location), name).with_acronym(acronym));
        return;
    }
    if dl > 0 {
        classify_plain(d, s + dl, e, acronym, out);
        return;
    }
    // "César Luena": a place name closing a two- or three-word run after an unknown word is a surname.
    if (2..=3).contains(&(e - s))
        && gaz_lookup(d, e - 1, e).is_some_and(|x| x.kind == EntityType::Location)
        && gaz_longest(d, s, e - 1).is_none()
        && !DIRECTIONS.contains(d.t(s))
    {
        plain_name(d, s, e, acronym, out);
        return;
    }
    gazetteer_pieces(d, s, e, acronym, out);
}

/// An all-caps place opening the body is the dateline ("LA CROSSE, Wis. (AP) —").
fn dateline_place(d: &Doc, s: usize, e: usize) -> Option<Cand> {
    let dateline = s == 0
        && e > 1
        && gaz_lookup(d, s, e).is_none()
        && (s..e).all(|i| !d.t(i).chars().any(char::is_lowercase))
        && matches!(d.t(e), "," | "(");
    if !dateline {
        return None;
    }
    let name = span_text(d, s, e)
        .split(' ')
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| {
                    c.to_uppercase()
                        .chain(cs.flat_map(char::to_lowercase))
                        .collect::<String>()
                })
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ");
    Some(Cand::new(s, e, Some(EntityType::Location), name))
}

/// The whole run as a gazetteer name, or as an organisation its bracketed acronym spells out.
fn known_name(d: &Doc, s: usize, e: usize, acronym: Option<usize>) -> Option<Cand> {
    if let Some(x) = gaz_lookup(d, s, e) {
        return Some(Cand::new(s, e, Some(x.kind), x.canonical.clone()).with_acronym(acronym));
    }
    // "Joint Chiefs of Staff (JCS)".
    let a = acronym?;
    let spelled = e - s > 1 && acronym_fits(d, s, e, d.t(a)) && !has_head(d, s, e, &LOC_HEADS);
    spelled.then(|| {
        let name = span_text(d, s, e);
        Cand::new(s, e, Some(EntityType::Organization), name).with_acronym(acronym)
    })
}

/// An organisation's name in `s..e`, without a leading "former" or trailing title words.
fn organisation(d: &Doc, s: usize, e: usize, acronym: Option<usize>) -> Cand {
    // Trailing title words after the head are not part of it ("Foreign Ministry Spokeswoman").
    let mut end = e;
    while end > s + 1
        && TITLES.contains(d.t(end - 1))
        && !ORG_HEADS.contains(d.t(end - 1))
        && !CONNECTORS.contains(d.t(end - 2))
    {
        end -= 1;
    }
    // "Former Trump Organization": a leading "former" or "acting" is not part of the name.
    let mut s = s;
    while s + 1 < end && matches!(d.t(s), "Former" | "Acting" | "Ex" | "Interim" | "Then") {
        s += 1;
    }
    let name = span_text(d, s, end);
    Cand::new(s, end, Some(EntityType::Organization), name).with_acronym(acronym)
}

/// Gazetteer names inside the run, and plain names between them ("Japan Should Not Dream" was
/// split already by stop words).
fn gazetteer_pieces(d: &Doc, s: usize, e: usize, acronym: Option<usize>, out: &mut Vec<Cand>) {
    let mut i = s;
    let mut rest_s = s;
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    while i < e {
        if let Some((ge, x)) = gaz_longest(d, i, e) {
            // A gazetteer word inside a longer person name ("Jackson") only counts at the run's edges.
            if rest_s < i {
                pieces.push((rest_s, i));
            }
            out.push(Cand::new(i, ge, Some(x.kind), x.canonical.clone()));
            i = ge;
            rest_s = ge;
        } else {
            i += 1;
        }
    }
    if rest_s < e {
        pieces.push((rest_s, e));
    }
    if pieces.len() == 1 && pieces[0] == (s, e) {
        plain_name(d, s, e, acronym, out);
    } else {
        for (a, b) in pieces {
            plain_name(d, a, b, None, out);
        }
    }
}

/// A run that no gazetteer, head noun or title explains: a person's name, an organisation after a
/// leading acronym, or a lone word for the resolver.
fn plain_name(d: &Doc, s: usize, e: usize, acronym: Option<usize>, out: &mut Vec<Cand>) {
    if e - s == 1 {
        out.push(single_word(d, s, acronym));
        return;
    }
    if DIRECTIONS.contains(d.t(s))
        || (s..e)
            .any(|i| d.t(i).chars().any(|c| c.is_ascii_digit()) || EVENT_HEADS.contains(d.t(i)))
    {
        return;
    }
    // "Socialist S" of "S&D": names do not end in a bare letter.
    if d.t(e - 1).chars().count() == 1 {
        return;
    }
    // Shouted phrases ("IDENTIFIED AS PRESS") are not names.
    if (s..e).all(|i| !d.t(i).chars().any(char::is_lowercase)) {
        return;
    }
    // "CFRA Research": a leading acronym makes an organisation, not a person ("YP Rajesh" has initials).
    let kind = if is_acronym(d.t(s)) && d.t(s).chars().count() > 2 {
        EntityType::Organization
    } else {
        EntityType::Person
    };
    out.push(Cand::new(s, e, Some(kind), span_text(d, s, e)).with_acronym(acronym));
}

/// A lone capitalised word: an organisation when it is a plausible acronym, else untyped.
fn single_word(d: &Doc, s: usize, acronym: Option<usize>) -> Cand {
    let t = d.t(s);
    let digit_near =
        |i: Option<usize>| i.is_some_and(|i| d.t(i).starts_with(|c: char| c.is_ascii_digit()));
    // Unknown capitals count as an acronym when defined in brackets or 3-4 letters long ("TSX", not "ET" or "CLAIM").
    let letters = t.chars().filter(|c| c.is_alphabetic()).count();
    // A shouted everyday word ("FREE", "NOW") is no acronym.
    let plausible = acronym.is_some()
        || ((3..=4).contains(&letters)
            && !TITLES.contains(t)
            && !super::clusters::is_everyday(&t.to_lowercase()));
    let org = is_acronym(t)
        && plausible
        && !digit_near(s.checked_sub(1))
        && !digit_near(Some(s + 1))
        && (d.inq[s].is_none() || acronym.is_some());
    let kind = org.then_some(EntityType::Organization);
    Cand::new(s, s + 1, kind, t.to_string()).with_acronym(acronym)
}
