//! Person titles: long title chains before a name ("Deputy Prime Minister and Presidential Envoy
//! to ... Yuri Trutnev") and the title words a mention stands after.

use super::gazetteer::gaz_lookup;
use super::spans::{chain_link, has_head, is_acronym};
use super::Doc;
use crate::lexicon::*;

/// Splits a run that is a long title before a person's name ("Minister of Investment, Trade and
/// Industry Ahmad Faizal", "Deputy Prime Minister and Presidential Envoy to the Far Eastern Federal
/// District Yuri Trutnev"): returns where the name starts, when every piece before it is a title
/// word, a portfolio or the name of an organisation or place.
pub(super) fn title_chain(d: &Doc, s: usize, e: usize) -> Option<usize> {
    let not_name = |t: &str| {
        TITLES.contains(t)
            || PORTFOLIO.contains(t)
            || ORG_HEADS.contains(t)
            || LOC_HEADS.contains(t)
    };
    let mut ns = e;
    while ns > s {
        let t = d.t(ns - 1);
        let name_word = d.is_cap(ns - 1) && !not_name(t) && !STOP.contains(t) && !chain_link(t);
        if name_word || (PARTICLES.contains(t) && ns < e) {
            ns -= 1;
        } else {
            break;
        }
    }
    while ns < e && !d.is_cap(ns) {
        ns += 1;
    }
    // "Secretary of the Security Council of Armenia Armen Grigoryan": after "of" the first word of a
    // longer tail is the object of the title (a place or company), the last two the name.
    let mut shrunk = false;
    if ns > s && chain_link(d.t(ns - 1)) && e - ns >= 3 && (e - 2..e).all(|i| d.is_cap(i)) {
        ns = e - 2;
        shrunk = true;
    }
    let name_words = (ns..e).filter(|&i| d.is_cap(i)).count();
    if name_words < 2 || ns <= s || !(shrunk || not_name(d.t(ns - 1))) {
        return None;
    }
    if !(s..ns).any(|i| TITLES.contains(d.t(i)) && d.is_cap(i)) {
        return None;
    }
    // Every piece between connectors is titles and portfolios, or an organisation or place.
    let mut a = s;
    while a < ns {
        let mut b = a;
        while b < ns && !chain_link(d.t(b)) {
            b += 1;
        }
        if b > a && !chain_piece(d, s, a, b) {
            return None;
        }
        a = b + 1;
    }
    Some(ns)
}

/// Whether the piece `a..b` of a title chain starting at `s` is title words, or an organisation
/// or place.
fn chain_piece(d: &Doc, s: usize, a: usize, b: usize) -> bool {
    let g = &*crate::lexicon::GAZETTEER;
    let titles = (a..b).all(|i| {
        TITLES.contains(d.t(i))
            || PORTFOLIO.contains(d.t(i))
            || g.demonyms.contains_key(d.t(i))
            || is_acronym(d.t(i))
    });
    // "Union Minister", "FAA Administrator": a name before the title words, none after them.
    let has_title = (a..b).find(|&i| TITLES.contains(d.t(i))).is_some_and(|f| {
        (f..b).all(|i| TITLES.contains(d.t(i)) || PORTFOLIO.contains(d.t(i)))
            && (a..f).all(|i| d.is_cap(i))
    });
    // After "of", a capitalised word is what the office belongs to ("of Gazprom").
    let object =
        a > s && matches!(d.t(a - 1), "of" | "at") && (a..b).all(|i| d.is_cap(i)) && b - a <= 2;
    let entity = has_head(d, a, b, &ORG_HEADS)
        || has_head(d, a, b, &LOC_HEADS)
        || gaz_lookup(d, a, b).is_some()
        || object;
    titles || has_title || entity
}

/// End of a long title chain that starts in `s..e` and runs on to a person's name, if there is one.
pub(super) fn title_chain_end(d: &Doc, s: usize, e: usize) -> Option<usize> {
    if !(s..e).any(|i| TITLES.contains(d.t(i))) {
        return None;
    }
    let n = d.toks.len();
    let mut k = e;
    let mut best = None;
    while k < n && k < e + 30 && d.same_ctx(s, k) {
        let t = d.t(k);
        if chain_link(t) {
            k += 1;
            continue;
        }
        if !d.is_cap(k) {
            break;
        }
        while k < n
            && d.same_ctx(s, k)
            && (d.is_cap(k) && !STOP.contains(d.t(k))
                || DIRECTIONS.contains(d.t(k))
                || PARTICLES.contains(d.t(k)) && k + 1 < n && d.is_cap(k + 1))
        {
            k += 1;
        }
        if title_chain(d, s, k).is_some() {
            best = Some(k);
        }
        if !(k < n && chain_link(d.t(k))) {
            break;
        }
    }
    best
}

/// Lower-cased title and role words before a mention starting at `s` ("russian", "foreign",
/// "minister").
pub(super) fn titles_before(d: &Doc, s: usize) -> Vec<String> {
    let g = &*crate::lexicon::GAZETTEER;
    let mut out = Vec::new();
    let mut i = s;
    let mut steps = 0;
    while i > 0 && out.len() < 14 && steps < 24 {
        steps += 1;
        let j = i - 1;
        if !d.toks[j].word || !d.same_ctx(j, s) {
            break;
        }
        let t = d.t(j);
        // Through the joints of a long title ("Deputy Prime Minister and Envoy to the ... District").
        if matches!(t, "of" | "for" | "to" | "and" | "the" | "on")
            && j > 0
            && (d.is_cap(j - 1) || matches!(d.t(j - 1), "to" | "of" | "for" | "on"))
            && (d.is_cap(i) || d.t(i) == "the")
        {
            i = j;
            continue;
        }
        let lt = t.to_lowercase();
        if TITLES.contains(t)
            || PERSON_ROLES.contains(lt.as_str())
            || g.demonyms.contains_key(t)
            || is_acronym(t)
            || (d.is_cap(j) && (!STOP.contains(t) || DIRECTIONS.contains(t)))
            || lt == "counterpart"
            || lt == "foreign"
        {
            out.push(lt);
            i = j;
        } else {
            break;
        }
    }
    out
}
