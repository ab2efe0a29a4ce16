//! Resolves candidates to entities: the dateline's agency, full names, acronyms and their
//! expansions, and short forms of longer names ("Foreign Ministry" of "Russian Foreign Ministry").

use model::EntityType;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::evidence::{appositive_is_org, PersonEvidence};
use super::spans::{initials, is_acronym, match_form};
use super::titles::titles_before;
use super::{Cand, Doc, Ent, Entities, MentionRef};
use crate::lexicon::PARTICLES;

/// The entities and mentions found so far.
#[derive(Default)]
pub(super) struct Resolver {
    /// The entities.
    pub(super) ents: Vec<Ent>,
    /// Entity by lower-cased name and type.
    index: HashMap<(String, EntityType), usize>,
    /// Mentions, in the order found.
    pub(super) mentions: Vec<MentionRef>,
    /// Entity by the acronym given in brackets after its name.
    pub(super) acronyms: HashMap<String, usize>,
}

impl Resolver {
    /// The entity of that name and type, added when it is new.
    pub(super) fn add(&mut self, name: &str, kind: EntityType) -> usize {
        let key = (name.to_lowercase(), kind);
        if let Some(&k) = self.index.get(&key) {
            // A name first seen in an all-caps headline takes its printed case from the body.
            if is_shouted(&self.ents[k].name) && !is_shouted(name) {
                self.ents[k].name = name.to_string();
            }
            return k;
        }
        self.ents.push(Ent {
            name: name.to_string(),
            kind,
            words: name.split_whitespace().map(match_form).collect(),
            titles: HashSet::default(),
            female: None,
        });
        self.index.insert(key, self.ents.len() - 1);
        self.ents.len() - 1
    }

    /// Records a mention of entity `ent` at tokens `s..e`.
    pub(super) fn mention(&mut self, s: usize, e: usize, ent: usize) {
        self.mentions.push(MentionRef { s, e, ent });
    }

    /// Adds the dateline's agency ("/TASS/", "(AP)"), with its mention in the opening lines.
    pub(super) fn agency(&mut self, d: &Doc, dateline_agency: Option<&str>) -> Option<usize> {
        let agency = dateline_agency.filter(|a| !a.trim().is_empty())?;
        let head_end = d
            .toks
            .iter()
            .position(|t| t.para > 0)
            .unwrap_or(d.toks.len())
            .min(40);
        let name = crate::lexicon::GAZETTEER
            .names
            .get(agency)
            .map(|g| g.canonical.clone())
            .unwrap_or_else(|| agency.to_string());
        let k = self.add(&name, EntityType::Organization);
        if let Some(i) = (0..head_end).find(|&i| d.t(i) == agency) {
            self.mention(i, i + 1, k);
        }
        Some(k)
    }

    /// Resolves the typed candidates; returns the untyped single words, left for later.
    pub(super) fn full_names<'c>(&mut self, d: &Doc, cands: &'c [Cand]) -> Vec<&'c Cand> {
        let evidence = PersonEvidence::new(d);
        let mut pending: Vec<&Cand> = Vec::new();
        for c in cands {
            let Some(kind) = c.kind else {
                pending.push(c);
                continue;
            };
            // "X, the country's largest union,": an appositive names what X is.
            let kind = if kind == EntityType::Person && !c.titled && appositive_is_org(d, c.e) {
                EntityType::Organization
            } else {
                kind
            };
            // A full name printed again needs no new evidence.
            if kind == EntityType::Person
                && !self.ents.iter().any(|e| e.kind == kind && e.name == c.name)
                && !evidence.holds(c)
            {
                continue;
            }
            if let Some(&k) = self.acronyms.get(&c.name) {
                self.mention(c.s, c.e, k);
                continue;
            }
            let k = self.add(&c.name, kind);
            self.mention(c.s, c.e, k);
            if let Some(a) = c.acronym {
                self.acronyms.insert(d.t(a).to_string(), k);
            }
            if kind == EntityType::Person {
                for t in titles_before(d, c.s) {
                    self.ents[k].titles.insert(t);
                }
            }
        }
        pending
    }

    /// Points acronym mentions at the organisation they stand for.
    pub(super) fn link_acronyms(&mut self, d: &Doc) {
        // Acronyms seen before their expansion, and acronyms standing for a gazetteer name.
        for m in self.mentions.iter_mut() {
            if let Some(&k) = self.acronyms.get(&self.ents[m.ent].name) {
                m.ent = k;
            }
        }
        // An acronym never spelled out in brackets stands for the organisation whose initials it is ("FAA").
        let ents = &self.ents;
        let org_initials: Vec<(usize, String)> = self
            .mentions
            .iter()
            .filter(|m| ents[m.ent].kind == EntityType::Organization && m.e - m.s >= 2)
            .map(|m| (m.ent, initials(d, m.s, m.e)))
            .collect();
        for m in self.mentions.iter_mut() {
            let name = &ents[m.ent].name;
            // "OPEC+" is a wider group than "OPEC": only plain letters qualify.
            let plain = name.chars().all(|c| c.is_ascii_uppercase());
            if m.e - m.s != 1
                || ents[m.ent].kind != EntityType::Organization
                || !plain
                || !is_acronym(name)
                || self.acronyms.contains_key(name)
            {
                continue;
            }
            let letters: String = name.chars().filter(|c| c.is_alphabetic()).collect();
            if let Some((k, _)) = org_initials
                .iter()
                .find(|(k, ini)| *k != m.ent && ini.chars().count() >= 3 && *ini == letters)
            {
                m.ent = *k;
            }
        }
    }

    /// Merges short forms into the longer names they stand for ("Foreign Ministry" into "Russian
    /// Foreign Ministry", "Aboul Gheit" into "Ahmed Aboul Gheit"); returns where each entity went.
    pub(super) fn short_forms(&mut self) -> Vec<usize> {
        let ents = &self.ents;
        let redirect: Vec<usize> = (0..ents.len())
            .map(|a| long_form(ents, a).unwrap_or(a))
            .collect();
        for m in self.mentions.iter_mut() {
            let mut k = m.ent;
            for _ in 0..4 {
                k = redirect[k];
            }
            m.ent = k;
        }
        for (a, &to) in redirect.iter().enumerate() {
            if to != a {
                let t: Vec<String> = self.ents[a].titles.iter().cloned().collect();
                self.ents[to].titles.extend(t);
            }
        }
        redirect
    }

    /// The entities and their mentions in body order, a mention nested in a longer one dropped.
    pub(super) fn finish(self, agency: Option<usize>) -> Entities {
        let mut mentions = self.mentions;
        mentions.sort_by_key(|m| (m.s, std::cmp::Reverse(m.e)));
        let mut kept: Vec<MentionRef> = Vec::with_capacity(mentions.len());
        for m in mentions {
            if kept.last().is_some_and(|l| m.s < l.e) {
                continue;
            }
            kept.push(m);
        }
        let mut by_last = HashMap::default();
        let mut by_first = HashMap::default();
        for (k, m) in kept.iter().enumerate() {
            by_last.insert(m.e - 1, k);
            by_first.insert(m.s, k);
        }
        Entities {
            ents: self.ents,
            mentions: kept,
            by_last,
            by_first,
            agency,
        }
    }
}

/// The longest other entity of the same type whose name entity `a`'s name is a short form of.
fn long_form(ents: &[Ent], a: usize) -> Option<usize> {
    let mut best: Option<usize> = None;
    for b in 0..ents.len() {
        if a == b || ents[a].kind != ents[b].kind || ents[b].words.len() <= ents[a].words.len() {
            continue;
        }
        // "Ahmad Faizal" of "Ahmad Faizal bin Rahman": the given names before a particle.
        let before_particle = ents[a].kind == EntityType::Person
            && ents[a].words.len() >= 2
            && ents[b].words.starts_with(&ents[a].words)
            && ents[b]
                .words
                .get(ents[a].words.len())
                .is_some_and(|w| PARTICLES.contains(w.as_str()));
        if (ents[b].words.ends_with(&ents[a].words) || before_particle)
            && ents[a].kind != EntityType::Location
            && best.is_none_or(|x| ents[b].words.len() > ents[x].words.len())
        {
            best = Some(b);
        }
    }
    // "the Central Bank" of a story about the "Bank of Russia" or the "Reserve Bank of India".
    if best.is_none()
        && ents[a].kind == EntityType::Organization
        && ents[a].words == ["central", "bank"]
    {
        best = (0..ents.len()).find(|&b| {
            b != a
                && ents[b].kind == EntityType::Organization
                && ents[b].words.len() >= 3
                && ents[b].words.iter().any(|w| w == "bank")
                && ents[b]
                    .words
                    .iter()
                    .any(|w| w == "of" || w == "central" || w == "reserve" || w == "national")
        });
    }
    best
}

/// Whether a name is printed in capitals only ("BUSH"), as headlines set it.
fn is_shouted(name: &str) -> bool {
    name.chars().filter(|c| c.is_alphabetic()).count() > 1 && !name.chars().any(char::is_lowercase)
}
