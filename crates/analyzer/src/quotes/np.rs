//! Speaker phrases read off the tokens beside a cue: the phrase that ends before a speech verb
//! ("the Russian president said") and the one that starts after it ("said Sergei Lavrov").

use std::ops::ControlFlow;

use model::EntityType;

use super::{is_role_head, Ctx, Np, Sp, DOCUMENT_NOUNS, PRONOUNS};
use crate::entities::MentionRef;
use crate::lexicon::*;

/// Words that tie a role to the one it belongs to: "the sister of", "a spokesman for".
fn is_link(w: &str) -> bool {
    matches!(w, "of" | "for" | "in" | "at" | "from")
}

impl Ctx<'_, '_> {
    /// The speaker phrase that ends right before token `end` (not before `lo`).
    pub(super) fn np_left(&self, end: usize, lo: usize) -> Option<Np> {
        let mut i = end;
        while i > lo && AUXILIARIES.contains(self.t(i - 1)) {
            i -= 1;
        }
        let i = match self.past_appositive(i, lo) {
            ControlFlow::Break(np) => return np,
            ControlFlow::Continue(i) => i,
        };
        let i = self.before_bracketed_acronym(i, lo);
        if i <= lo || !self.outside(i - 1) {
            return None;
        }
        let k = i - 1;
        self.mention_left(k, lo)
            .or_else(|| self.pronoun_at(k))
            .or_else(|| self.document_owner(k, lo))
            .or_else(|| self.statement_left(k, lo))
            .or_else(|| self.head_of_state(k, lo))
            .or_else(|| self.role_left(k, lo))
    }

    /// Steps back over an appositive between commas ("Orban, who had threatened ..., said"),
    /// or breaks with the name the appositive gives ("Russia's foreign minister, Sergei Lavrov, said").
    fn past_appositive(&self, i: usize, lo: usize) -> ControlFlow<Option<Np>, usize> {
        if !(i > lo + 1 && self.t(i - 1) == ",") {
            return ControlFlow::Continue(i);
        }
        let opening = (lo.max(i.saturating_sub(30))..i - 1)
            .rev()
            .find(|&j| self.t(j) == "," || !self.outside(j));
        let Some(j) = opening.filter(|&j| self.t(j) == "," && j > lo) else {
            return ControlFlow::Break(None);
        };
        if let Some(m) = self.en.ending_at(i - 2) {
            if m.s == j + 1 && self.en.kind(m.ent) != EntityType::Location {
                return ControlFlow::Break(Some(Np::ent(m.ent, m.s, m.e)));
            }
        }
        ControlFlow::Continue(j)
    }

    /// "The Joint Chiefs of Staff (JCS) said": the name before its bracketed acronym.
    fn before_bracketed_acronym(&self, i: usize, lo: usize) -> usize {
        if i >= lo + 4 && self.t(i - 1) == ")" && self.t(i - 3) == "(" && self.en.ends_at(i - 4) {
            i - 3
        } else {
            i
        }
    }

    /// The name that ends at token `k`, or the role it is the object of.
    fn mention_left(&self, k: usize, lo: usize) -> Option<Np> {
        let m = self.en.ending_at(k)?;
        if m.s < lo {
            return None;
        }
        Some(
            self.role_holder_before(m, lo)
                .unwrap_or(Np::ent(m.ent, m.s, m.e)),
        )
    }

    /// "The sister of North Korean leader Kim Jong Un said": the one named is not the speaker,
    /// the holder of the role before "of" is.
    fn role_holder_before(&self, m: MentionRef, lo: usize) -> Option<Np> {
        let mut ns = m.s;
        while ns > lo && self.d.toks[ns - 1].word && !is_link(self.lc(ns - 1)) && m.s - ns < 5 {
            let t = self.t(ns - 1);
            if !(TITLES.contains(t)
                || PERSON_ROLES.contains(self.lc(ns - 1))
                || GAZETTEER.demonyms.contains_key(t)
                || self.d.is_cap(ns - 1)
                || self.lc(ns - 1) == "the")
            {
                break;
            }
            ns -= 1;
        }
        let lower_head = self.t(ns.saturating_sub(2)).starts_with(char::is_lowercase);
        if !(ns > lo + 1 && is_link(self.lc(ns - 1)) && lower_head && is_role_head(self.lc(ns - 2)))
        {
            return None;
        }
        let mut ds = ns - 2;
        if ds > lo && matches!(self.lc(ds - 1), "a" | "an" | "the") {
            ds -= 1;
        }
        let role = Np::desc(Vec::new(), self.lc(ns - 2), ds, m.e);
        Some(self.np_left(ns - 1, lo).unwrap_or(role))
    }

    /// A personal pronoun at token `k`.
    fn pronoun_at(&self, k: usize) -> Option<Np> {
        let w = self.lc(k);
        PRONOUNS.contains(&w).then(|| Np {
            sp: Sp::Pron(w.to_string()),
            s: k,
            e: k + 1,
        })
    }

    /// "TNO's report said": the one whose document it is.
    fn document_owner(&self, k: usize, lo: usize) -> Option<Np> {
        if !(DOCUMENT_NOUNS.contains(&self.lc(k))
            && k >= lo + 3
            && matches!(self.t(k - 1), "’s" | "'s"))
        {
            return None;
        }
        let m = self.en.ending_at(k - 2)?;
        (m.s >= lo && self.en.kind(m.ent) != EntityType::Location)
            .then(|| Np::ent(m.ent, m.s, k + 1))
    }

    /// "the statement said": a statement whose author is found later.
    fn statement_left(&self, k: usize, lo: usize) -> Option<Np> {
        (self.lc(k) == "statement"
            && k > lo
            && matches!(self.lc(k - 1), "the" | "a" | "its" | "this"))
        .then(|| Np {
            sp: Sp::Statement,
            s: k - 1,
            e: k + 1,
        })
    }

    /// "the head of state said": the president.
    fn head_of_state(&self, k: usize, lo: usize) -> Option<Np> {
        (self.lc(k) == "state"
            && k >= lo + 3
            && self.lc(k - 1) == "of"
            && self.lc(k - 2) == "head"
            && self.lc(k - 3) == "the")
            .then(|| Np::desc(Vec::new(), "president", k - 3, k + 1))
    }

    /// "the Russian foreign minister said": a role noun at `k` after its qualifiers and a determiner.
    fn role_left(&self, k: usize, lo: usize) -> Option<Np> {
        let w = self.lc(k);
        if !is_role_head(w) {
            return None;
        }
        let mut j = k;
        let mut quals = Vec::new();
        while j > lo && k - j < 5 {
            let p = self.lc(j - 1);
            if matches!(p, "the" | "a" | "an" | "its" | "his" | "her" | "their") {
                quals.reverse();
                return Some(Np::desc(quals, w, j - 1, k + 1));
            }
            if !self.d.toks[j - 1].word || !self.outside(j - 1) {
                break;
            }
            quals.push(p.to_string());
            j -= 1;
        }
        None
    }

    /// The speaker phrase that starts at token `s`.
    pub(super) fn np_right(&self, s: usize, hi: usize) -> Option<Np> {
        if s >= hi || !self.outside(s) {
            return None;
        }
        if let Some(m) = self.en.starting_at(s) {
            return Some(self.mention_right(m, hi));
        }
        self.titled_name_right(s, hi)
            .or_else(|| self.pronoun_at(s))
            .or_else(|| self.determined_right(s, hi))
    }

    /// The name that starts the phrase, or the one whose role it names.
    fn mention_right(&self, m: MentionRef, hi: usize) -> Np {
        self.role_of_owner(m.s, m.e, hi)
            .or_else(|| self.officer_of(m, hi))
            .unwrap_or(Np::ent(m.ent, m.s, m.e))
    }

    /// "Nordstahl chief executive Jane Roe": the company names whose officer speaks.
    fn officer_of(&self, m: MentionRef, hi: usize) -> Option<Np> {
        if self.en.is_person(m.ent) {
            return None;
        }
        let mut k = m.e;
        while k < hi
            && k < m.e + 4
            && self.outside(k)
            && (PERSON_ROLES.contains(self.lc(k)) || TITLES.contains(self.t(k)))
        {
            k += 1;
        }
        if k == m.e {
            return None;
        }
        let p = self.en.starting_at(k)?;
        self.en.is_person(p.ent).then(|| Np::ent(p.ent, m.s, p.e))
    }

    /// Titles and roles before the name: `said Socialist legislator César Luena`, or a long title
    /// joined by "of", "and" and commas (`said Minister of Transport, Ports and Shipping X`).
    fn titled_name_right(&self, s: usize, hi: usize) -> Option<Np> {
        for k in s + 1..(s + 30).min(hi) {
            if let Some(m) = self.en.starting_at(k) {
                if self.en.is_person(m.ent) {
                    return Some(Np::ent(m.ent, s, m.e));
                }
            }
            if !self.title_word(s, k - 1) {
                break;
            }
        }
        None
    }

    /// Whether token `j` can stand in a title that starts at `s` and runs on to a name.
    fn title_word(&self, s: usize, j: usize) -> bool {
        let t = self.t(j);
        let joiner = j > s
            && matches!(t, "of" | "for" | "to" | "and" | "the" | "," | "on")
            && (self.d.is_cap(j + 1) || self.t(j + 1) == "the")
            && j + 1 - s >= 2;
        self.outside(j)
            && (self.d.is_cap(j)
                || TITLES.contains(t)
                || PERSON_ROLES.contains(self.lc(j))
                || t == "&"
                || joiner
                || (j == s && matches!(self.lc(j), "the" | "a")))
    }

    /// A phrase opened by a determiner: "the ministry", "the statement", "the Russian president".
    fn determined_right(&self, s: usize, hi: usize) -> Option<Np> {
        if !matches!(self.lc(s), "the" | "a" | "an" | "its" | "his" | "her") {
            return None;
        }
        if let Some(m) = self.en.starting_at(s + 1) {
            return Some(
                self.role_of_place(s, m.e, m.ent, hi)
                    .unwrap_or(Np::ent(m.ent, m.s, m.e)),
            );
        }
        let end = (s + 6).min(hi);
        let mut quals = Vec::new();
        for j in s + 1..end {
            if !self.d.toks[j].word || !self.outside(j) {
                break;
            }
            let x = self.lc(j);
            if x == "statement" {
                return Some(Np {
                    sp: Sp::Statement,
                    s,
                    e: j + 1,
                });
            }
            // The head is the last role noun of the phrase: in "the deputy prime minister" a
            // later role noun in the same phrase is the head.
            let later_head = (j + 1..end)
                .take_while(|&m| self.d.toks[m].word && self.outside(m))
                .any(|m| is_role_head(self.lc(m)));
            if is_role_head(x) && !later_head {
                return Some(Np::desc(quals, x, s, j + 1));
            }
            quals.push(x.to_string());
        }
        None
    }
}
