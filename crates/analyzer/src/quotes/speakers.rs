//! Speaker phrases that name someone other than the first name in them: the holder of a role
//! owned by a place or organisation, the listener of a passive verb of telling, a name before a
//! long appositive.

use model::EntityType;

use super::{Ctx, Np};
use crate::lexicon::{CUE_VERBS, PERSON_ROLES, PREPOSITIONS};
use crate::text::Sentence;

impl Ctx<'_, '_> {
    /// "the Saudi minister", "the Cypriot foreign minister": a place or nationality before a
    /// person's role describes that person, not the place. `s` is the determiner, `e` the end of
    /// the place's mention.
    pub(super) fn role_of_place(&self, s: usize, e: usize, place: usize, hi: usize) -> Option<Np> {
        if self.en.kind(place) != EntityType::Location {
            return None;
        }
        let run_end = (e..(e + 4).min(hi))
            .take_while(|&j| self.d.toks[j].word && self.outside(j))
            .last()?;
        let head = (e..=run_end)
            .rev()
            .find(|&j| PERSON_ROLES.contains(self.lc(j)))?;
        // Only words of the descriptor itself: "the Saudi minister", not "the Saudi minister Ahmed".
        if (e..head).any(|j| self.en.starts_at(j)) {
            return None;
        }
        let quals = (s + 1..head).map(|j| self.lc(j).to_string()).collect();
        Some(Np::desc(quals, self.lc(head), s, head + 1))
    }
    /// "China's ambassador to Britain", "Apple's chief executive": the one holding the role, not
    /// the owner named in the mention `s..e`.
    pub(super) fn role_of_owner(&self, s: usize, e: usize, hi: usize) -> Option<Np> {
        if e + 1 >= hi || !matches!(self.t(e), "’s" | "'s") {
            return None;
        }
        let run_end = (e + 1..(e + 5).min(hi))
            .take_while(|&j| self.d.toks[j].word && self.outside(j))
            .last()?;
        let head = (e + 1..=run_end)
            .rev()
            .find(|&j| PERSON_ROLES.contains(self.lc(j)))?;
        // The role ends the phrase ("North Korea's official newspaper" is a paper).
        if head < run_end && !PREPOSITIONS.contains(self.lc(head + 1)) {
            return None;
        }
        // "Trump's lawyer Rudy Giuliani": the name that follows is the speaker.
        if (e + 1..=head + 1).any(|j| self.en.starts_at(j)) {
            return None;
        }
        let quals = (s..head)
            .filter(|&j| self.d.toks[j].word)
            .map(|j| self.lc(j).to_string())
            .collect();
        Some(Np::desc(quals, self.lc(head), s, head + 1))
    }
    /// "Jovic was asked whether ...", "she was told that ...": the subject of a passive verb of
    /// telling is the listener, not a speaker.
    pub(super) fn passive_listener(&self, v: usize) -> bool {
        let mut k = v;
        while k > 0 && matches!(self.lc(k - 1), "also" | "repeatedly" | "later" | "then") {
            k -= 1;
        }
        matches!(self.lc(v), "asked" | "told" | "questioned" | "pressed")
            && k > 0
            && matches!(
                self.lc(k - 1),
                "was" | "were" | "is" | "are" | "been" | "being" | "be" | "get" | "got"
            )
    }
    /// The subject of a sentence as the one it is about: not the owner in "Abenov's office did
    /// not respond", which is about the office.
    pub(super) fn topic(&self, s: usize, e: usize) -> Option<Np> {
        self.subject(s, e)
            .filter(|np| np.e >= e || !matches!(self.t(np.e), "’s" | "'s"))
    }
    /// `," Dylan Nelson, a fellow at the institute in Munich, Germany, and co-author of the study,
    /// said`: a person named right after the quotation, then an appositive with commas of its
    /// own closed by a comma before the speech verb.
    pub(super) fn name_then_long_appositive(
        &self,
        a: usize,
        sent: Sentence,
    ) -> Option<(Np, String)> {
        let m = self.en.starting_at(a)?;
        if !self.en.is_person(m.ent) || self.t(m.e) != "," {
            return None;
        }
        let v = (m.e + 1..(m.e + 40).min(sent.e))
            .take_while(|&k| self.outside(k))
            .find(|&k| CUE_VERBS.contains(self.t(k)))?;
        (self.t(v - 1) == ",").then(|| (Np::ent(m.ent, m.s, m.e), self.t(v).to_string()))
    }
}
