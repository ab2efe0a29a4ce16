//! Resolves lone capitalised words: a known acronym, a short form of a longer name ("Putin" of
//! "Vladimir Putin"), else a person, organisation or place by its context.

use model::EntityType;
use rustc_hash::FxHashMap as HashMap;

use super::evidence::appositive_is_org;
use super::resolve::Resolver;
use super::spans::match_form;
use super::titles::titles_before;
use super::{Cand, Doc, Ent, MentionRef};
use crate::lexicon::*;

/// Common Chinese, Korean and Vietnamese family names, which come first in a full name.
const FAMILY_NAME_FIRST: &[&str] = &[
    "wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun",
    "zhu", "hu", "guo", "lin", "gao", "luo", "zheng", "liang", "xie", "song", "tang", "feng",
    "deng", "cao", "peng", "zeng", "xiao", "tian", "dong", "pan", "yuan", "cai", "jiang", "du",
    "ye", "cheng", "wei", "su", "ding", "ren", "shen", "yao", "lan", "zou", "xi", "qin", "cui",
    "hou", "dai", "jin", "kim", "park", "choi", "jung", "kang", "cho", "yoon", "jang", "lim",
    "moon", "nguyen", "tran", "pham", "hoang", "phan", "vu", "dang", "bui", "ngo", "duong",
];

/// Resolves the untyped single words, in body order; `redirect` maps an entity to the one it
/// was merged into.
pub(super) fn resolve(d: &Doc, pending: Vec<&Cand>, redirect: &[usize], r: &mut Resolver) {
    r.mentions.sort_by_key(|m| m.s);
    let mut long = LongNames::new(&r.ents, &r.mentions);
    // A word already made an organisation or place here ("steelmaker Nordstahl", then "Nordstahl").
    let mut single_words: HashMap<&str, usize> = HashMap::default();
    for c in pending {
        if let Some(&k) = r.acronyms.get(&c.name) {
            r.mention(c.s, c.e, redirect[k]);
            continue;
        }
        if let Some(k) = long.best(d, c, &r.ents) {
            long.add_position(k, c.s);
            r.mention(c.s, c.e, k);
            continue;
        }
        if let Some(&k) = single_words.get(c.name.as_str()) {
            r.mention(c.s, c.e, k);
            continue;
        }
        let Some(p) = placed(d, c, &r.mentions, &r.ents) else {
            continue;
        };
        let k = r.add(&c.name, p.kind);
        if p.remember {
            single_words.insert(c.name.as_str(), k);
        }
        if p.titles {
            for t in titles_before(d, c.s) {
                r.ents[k].titles.insert(t);
            }
        }
        r.mention(c.s, c.e, k);
    }
}

/// Multi-word person and organisation names, to find the entity a single word stands for.
struct LongNames {
    /// Mention starts of each entity, in body order.
    positions: Vec<Vec<usize>>,
    /// The entities each name word belongs to (every word of a person, the last of an organisation).
    by_word: HashMap<String, Vec<usize>>,
}

impl LongNames {
    /// The index of the entities mentioned so far.
    fn new(ents: &[Ent], mentions: &[MentionRef]) -> LongNames {
        let mut positions: Vec<Vec<usize>> = vec![Vec::new(); ents.len()];
        for m in mentions {
            positions[m.ent].push(m.s);
        }
        let mut by_word: HashMap<String, Vec<usize>> = HashMap::default();
        for (k, e) in ents.iter().enumerate() {
            if e.words.len() < 2 || positions[k].is_empty() {
                continue;
            }
            match e.kind {
                EntityType::Person => {
                    for w in &e.words {
                        let v = by_word.entry(w.clone()).or_default();
                        if !v.contains(&k) {
                            v.push(k);
                        }
                    }
                }
                EntityType::Organization => {
                    if let Some(w) = e.words.last() {
                        by_word.entry(w.clone()).or_default().push(k);
                    }
                }
                EntityType::Location => {}
            }
        }
        LongNames { positions, by_word }
    }

    /// Records a new mention of entity `k` at token `s`.
    fn add_position(&mut self, k: usize, s: usize) {
        let at = self.positions[k].partition_point(|&p| p <= s);
        self.positions[k].insert(at, s);
    }

    /// The longer name the single word `c` is most likely a short form of.
    fn best(&self, d: &Doc, c: &Cand, ents: &[Ent]) -> Option<usize> {
        let w = match_form(&c.name);
        let mut best: Option<(usize, (bool, i64, i64))> = None;
        for &k in self.by_word.get(w.as_str()).map_or(&[][..], Vec::as_slice) {
            let score = fit(d, c, &w, &ents[k]);
            if score == 0 {
                continue;
            }
            // A short form refers back: a name already mentioned wins over one introduced later,
            // then the better fit, then the nearest (Kim Yo Jong over Kim Jong Un).
            let ps = &self.positions[k];
            let at = ps.partition_point(|&p| p <= c.s);
            let rank = if at > 0 {
                (true, score, -((c.s - ps[at - 1]) as i64))
            } else if at < ps.len() {
                (false, score, -((ps[at] - c.s) as i64))
            } else {
                continue;
            };
            if best.is_none_or(|(_, r)| rank > r) {
                best = Some((k, rank));
            }
        }
        best.map(|(k, _)| k)
    }
}

/// How well the word `w` of candidate `c` fits as a short form of `ent`: 0 not at all, for a
/// person 3 the surname, 2 the given name, 1 another of its words.
fn fit(d: &Doc, c: &Cand, w: &str, ent: &Ent) -> i64 {
    match ent.kind {
        EntityType::Person => {
            // "Lan Fo'an" is Lan, "Zou Lan" is Zou: Chinese, Korean and Vietnamese
            // names put the family name first.
            let family_first = (2..=3).contains(&ent.words.len())
                && ent
                    .words
                    .first()
                    .is_some_and(|f| FAMILY_NAME_FIRST.contains(&f.as_str()));
            let (surname, given) = if family_first {
                (ent.words.first(), ent.words.last())
            } else {
                (ent.words.last(), ent.words.first())
            };
            if surname.map(String::as_str) == Some(w) {
                3
            } else if given.map(String::as_str) == Some(w) {
                2
            } else {
                1
            }
        }
        EntityType::Organization => {
            let after_the = c.s > 0 && d.lc(c.s - 1) == "the";
            i64::from(after_the && ent.words.last().map(String::as_str) == Some(w))
        }
        EntityType::Location => 0,
    }
}

/// What the context makes a lone word no known name explains.
struct Placed {
    /// Its type.
    kind: EntityType,
    /// Whether its later occurrences get the same entity without new evidence.
    remember: bool,
    /// Whether the title words before it are the entity's.
    titles: bool,
}

impl Placed {
    /// A type with no memory and no titles.
    fn plain(kind: EntityType) -> Placed {
        Placed {
            kind,
            remember: false,
            titles: false,
        }
    }
}

/// The type the context gives the lone word `c`, if any.
fn placed(d: &Doc, c: &Cand, mentions: &[MentionRef], ents: &[Ent]) -> Option<Placed> {
    let sentence_start = opens_sentence(d, c.s);
    let prev_the = c.s > 0 && d.lc(c.s - 1) == "the";
    let next_lc = d.lc(c.e);
    let company = is_company(d, c, mentions, ents);
    let place_noun = is_place_noun(next_lc) && prev_the;
    if company || place_noun {
        let kind = if company {
            EntityType::Organization
        } else {
            EntityType::Location
        };
        return Some(Placed {
            remember: true,
            ..Placed::plain(kind)
        });
    }
    let next_is_cue = {
        let mut k = c.e;
        while k < d.toks.len() && AUXILIARIES.contains(d.t(k)) {
            k += 1;
        }
        k < d.toks.len() && CUE_VERBS.contains(d.t(k))
    };
    if c.titled || (next_is_cue && !prev_the) {
        // A lone unknown word that speaks is more often a company ("Flydubai said") than a person,
        // who wire copy introduces by full name or title.
        let kind = if c.titled {
            EntityType::Person
        } else {
            EntityType::Organization
        };
        return Some(Placed {
            titles: true,
            ..Placed::plain(kind)
        });
    }
    if !sentence_start && is_media_noun(next_lc) {
        return Some(Placed::plain(EntityType::Organization));
    }
    let town_of = c.s >= 2
        && d.t(c.s - 1) == "of"
        && matches!(
            d.lc(c.s - 2),
            "city" | "town" | "village" | "port" | "region" | "province"
        );
    if town_of {
        return Some(Placed::plain(EntityType::Location));
    }
    // No rule placed it, and it is no part of a longer name: the tagger's type stands.
    c.tagged.map(Placed::plain)
}

/// Whether the words around `c` make it a company: "steelmaker X", "X shares rose", "X chief
/// executive Y", an appositive.
fn is_company(d: &Doc, c: &Cand, mentions: &[MentionRef], ents: &[Ent]) -> bool {
    let next_lc = d.lc(c.e);
    let market_verb = matches!(
        d.lc(c.e + 1),
        "rose"
            | "fell"
            | "jumped"
            | "slid"
            | "dropped"
            | "gained"
            | "climbed"
            | "slumped"
            | "tumbled"
            | "closed"
            | "ended"
            | "edged"
            | "were"
            | "surged"
            | "sank"
            | "plunged"
            | "soared"
            | "lost"
            | "rallied"
    );
    c.s > 0 && COMPANY_NOUNS.contains(d.lc(c.s - 1)) && d.t(c.s - 1).starts_with(char::is_lowercase)
        || (matches!(next_lc, "shares" | "stock") && (!opens_sentence(d, c.s) || market_verb))
        || (officer_follows(d, c.e, mentions, ents) && !common_capital(&c.name))
        || appositive_is_org(d, c.e)
}

/// Whether token `s` opens a sentence.
fn opens_sentence(d: &Doc, s: usize) -> bool {
    s == 0 || d.sent_of[s] != d.sent_of[s - 1]
}

/// A noun after "the X" that makes X a place ("the Donbas region").
fn is_place_noun(w: &str) -> bool {
    matches!(
        w,
        "area"
            | "region"
            | "district"
            | "province"
            | "station"
            | "county"
            | "valley"
            | "basin"
            | "coast"
            | "peninsula"
            | "prefecture"
            | "oblast"
    )
}

/// A noun after X that makes X an organisation ("the Vremya newspaper").
fn is_media_noun(w: &str) -> bool {
    matches!(
        w,
        "party"
            | "movement"
            | "newspaper"
            | "daily"
            | "broadcaster"
            | "agency"
            | "group"
            | "company"
            | "channel"
            | "magazine"
            | "weekly"
            | "network"
    )
}

/// "Siemens chief financial officer Ralf Thomas": lower-case role words, then a person's name.
fn officer_follows(d: &Doc, e: usize, mentions: &[MentionRef], ents: &[Ent]) -> bool {
    let mut k = e;
    let mut role = false;
    while k < d.toks.len() && k < e + 4 && d.toks[k].word && d.t(k).starts_with(char::is_lowercase)
    {
        role |= PERSON_ROLES.contains(d.lc(k));
        k += 1;
    }
    role && k > e
        && mentions
            .iter()
            .any(|m| m.s == k && ents[m.ent].kind == EntityType::Person)
}

/// A capitalised common noun ("Mission director ..."), not a company's name.
fn common_capital(w: &str) -> bool {
    ORG_HEADS.contains(w)
        || LOC_HEADS.contains(w)
        || TITLES.contains(w)
        || EVENT_HEADS.contains(w)
        || PORTFOLIO.contains(w)
        || matches!(
            w,
            "Project"
                | "Team"
                | "Campaign"
                | "Site"
                | "Factory"
                | "Sales"
                | "Operations"
                | "Technical"
                | "Senior"
                | "Junior"
                | "Assistant"
                | "Lead"
                | "Associate"
                | "Flight"
                | "Test"
                | "Crew"
                | "Ground"
                | "Launch"
                | "Studio"
                | "Film"
                | "Hospital"
                | "School"
                | "Club"
                | "Fire"
                | "Rescue"
                | "Border"
                | "Customs"
                | "Tax"
                | "Prison"
                | "Poll"
                | "Mine"
                | "Rail"
                | "Plant"
                | "Port"
                | "Airport"
                | "City"
                | "State"
                | "County"
                | "Town"
                | "Village"
                | "Regional"
                | "Local"
                | "National"
                | "Federal"
                | "Provincial"
                | "Municipal"
                | "Hotel"
                | "Bank"
                | "Festival"
                | "Museum"
                | "Theatre"
                | "Theater"
                | "Tour"
                | "Race"
                | "Match"
                | "Game"
                | "League"
                | "Youth"
                | "Student"
                | "Students"
                | "Union"
                | "Trade"
        )
}
