//! Context that shows what a name is: a person's title, speech verb or given name, the same
//! name's words printed alone elsewhere, an appositive that calls it an organisation.

use std::cell::OnceCell;

use rustc_hash::FxHashMap as HashMap;

use super::{Cand, Doc};
use crate::lexicon::*;

/// Where each word occurs: the first occurrence of each word, and for every token the next one
/// with the same text (one map entry per word, no list per word).
type Occurrences<'a> = (HashMap<&'a str, u32>, Vec<u32>);

/// Tests whether a candidate person has evidence in the body.
pub(super) struct PersonEvidence<'d, 'a> {
    /// The body.
    d: &'d Doc<'a>,
    /// Built only when a name needs it: a person's name words come back alone ("Kim", "Gheit").
    occurrences: OnceCell<Occurrences<'a>>,
}

impl<'d, 'a> PersonEvidence<'d, 'a> {
    /// Evidence from the body `d`.
    pub(super) fn new(d: &'d Doc<'a>) -> Self {
        PersonEvidence {
            d,
            occurrences: OnceCell::new(),
        }
    }

    /// Whether a title, a speech verb, a given name or the name's words alone mark `c` as a person.
    pub(super) fn holds(&self, c: &Cand) -> bool {
        let d = self.d;
        if c.titled
            || c.tagged.is_some()
            || (c.s > 0 && (TITLES.contains(d.t(c.s - 1)) || PERSON_ROLES.contains(d.lc(c.s - 1))))
        {
            return true;
        }
        let next = d.t(c.e);
        let mut k = c.e;
        while k < d.toks.len() && AUXILIARIES.contains(d.t(k)) {
            k += 1;
        }
        if matches!(next, "," | "(" | "’s" | "'s" | "who") || CUE_VERBS.contains(d.t(k)) {
            return true;
        }
        // Inverted attribution: `," said Noor Haddad of ...`.
        if c.s > 0
            && CUE_VERBS.contains(d.t(c.s - 1))
            && matches!(next, "," | "." | "of" | "who" | "")
        {
            return true;
        }
        let words: Vec<&str> = (c.s..c.e).map(|i| d.t(i)).collect();
        let given = words.first().map(|w| w.to_lowercase()).unwrap_or_default();
        words
            .iter()
            .any(|w| PARTICLES.contains(w) || w.contains('-') && w.starts_with(char::is_lowercase))
            || FEMALE.contains(given.as_str())
            || MALE.contains(given.as_str())
            || self.alone_elsewhere(c)
    }

    /// The tokens with text `w`, in body order.
    fn occurrences(&self, w: &str) -> impl Iterator<Item = usize> + '_ {
        let d = self.d;
        let (first, next) = self.occurrences.get_or_init(|| {
            let n = d.toks.len();
            let mut first: HashMap<&str, u32> =
                HashMap::with_capacity_and_hasher(n / 2, Default::default());
            let mut next = vec![u32::MAX; n];
            for i in (0..n).rev() {
                if let Some(later) = first.insert(d.t(i), i as u32) {
                    next[i] = later;
                }
            }
            (first, next)
        });
        std::iter::successors(first.get(w).copied(), |&i| {
            Some(next[i as usize]).filter(|&x| x != u32::MAX)
        })
        .map(|i| i as usize)
    }

    /// Part of the name printed without the rest of it ("Griffen", "Aboul Gheit", "Kim").
    fn alone_elsewhere(&self, c: &Cand) -> bool {
        let d = self.d;
        let len = c.e - c.s;
        (c.s..c.e).any(|p| {
            self.occurrences(d.t(p)).take(64).any(|i| {
                if i >= c.s && i < c.e {
                    return false;
                }
                // The capitalised run around this occurrence must be a shorter piece of the name.
                let (mut a, mut b) = (i, i + 1);
                while a > 0 && d.is_cap(a - 1) && d.same_ctx(a - 1, i) {
                    a -= 1;
                }
                while b < d.toks.len() && d.is_cap(b) && d.same_ctx(b, i) {
                    b += 1;
                }
                let piece = b - a;
                piece < len
                    && (0..=len - piece).any(|o| (0..piece).all(|j| d.t(c.s + o + j) == d.t(a + j)))
            })
        })
    }
}

/// Whether the appositive after a name (", Germany's largest industrial union,") calls it an organisation.
pub(super) fn appositive_is_org(d: &Doc, e: usize) -> bool {
    if d.t(e) != "," {
        return false;
    }
    for k in e + 1..(e + 8).min(d.toks.len()) {
        let w = d.lc(k);
        if !d.toks[k].word && !matches!(w, "’s" | "'s") {
            return false;
        }
        if PERSON_ROLES.contains(w) {
            return false;
        }
        if (ORG_ROLES.contains(w) || COMPANY_NOUNS.contains(w))
            && w != "statement"
            && d.t(k).starts_with(char::is_lowercase)
        {
            return matches!(
                d.t(k + 1),
                "," | "." | "of" | "for" | "in" | "that" | "which" | "with"
            );
        }
    }
    false
}
