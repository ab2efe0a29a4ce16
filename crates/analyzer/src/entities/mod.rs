//! Named persons, organisations and places, with every mention resolved to one canonical name.

mod candidates;
mod classify;
mod evidence;
pub mod features;
mod gazetteer;
mod merge;
mod resolve;
mod spans;
pub mod tagger;
mod titles;
mod training;
mod words;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use model::EntityType;

use crate::lexicon::*;
use crate::text::Tok;
use candidates::candidates;
use evidence::appositive_is_org;
use resolve::Resolver;
use spans::{is_compound_adjective, is_contraction, match_form, span_text};
use titles::titles_before;

/// A resolved entity of the article.
#[derive(Debug, Clone)]
pub struct Ent {
    /// Canonical full name.
    pub name: String,
    /// Person, organisation or location.
    pub kind: EntityType,
    /// Lower-cased words of the canonical name (particles such as "al-" stripped off too).
    pub words: Vec<String>,
    /// Lower-cased title and role words seen before its mentions ("russian", "president").
    pub titles: HashSet<String>,
    /// Some(true) female, Some(false) male, when the article shows it.
    pub female: Option<bool>,
}

/// One mention: a token range pointing at an entity.
#[derive(Debug, Clone, Copy)]
pub struct MentionRef {
    /// First token.
    pub s: usize,
    /// One past the last token.
    pub e: usize,
    /// Index into [`Entities::ents`].
    pub ent: usize,
}

/// All entities of an article and their mentions in body order.
#[derive(Debug, Default)]
pub struct Entities {
    /// The entities.
    pub ents: Vec<Ent>,
    /// Mentions sorted by position.
    pub mentions: Vec<MentionRef>,
    /// Mention index by its last token.
    pub by_last: HashMap<usize, usize>,
    /// Mention index by its first token.
    pub by_first: HashMap<usize, usize>,
    /// The dateline agency's entity.
    pub agency: Option<usize>,
}

/// Token view shared by the entity and quote passes.
pub struct Doc<'a> {
    /// The body.
    pub text: &'a str,
    /// Its tokens.
    pub toks: &'a [Tok],
    /// Enclosing quotation per token.
    pub inq: &'a [Option<usize>],
    /// Sentence number per token.
    pub sent_of: Vec<usize>,
    /// Lower-cased text of all tokens, back to back.
    pub lower: String,
    /// Byte range of each token in `lower`.
    pub lower_at: Vec<(u32, u32)>,
    /// [`Doc::cap_word`] of each token, worked out once: the passes ask it of most tokens many times.
    pub caps: Vec<bool>,
}

impl<'a> Doc<'a> {
    /// The text of token `i`.
    pub fn t(&self, i: usize) -> &'a str {
        match self.toks.get(i) {
            Some(t) => &self.text[t.start..t.end],
            None => "",
        }
    }
    /// The lower-cased text of token `i`.
    pub fn lc(&self, i: usize) -> &str {
        self.lower_at
            .get(i)
            .map_or("", |&(a, b)| &self.lower[a as usize..b as usize])
    }
    /// Whether token `i` starts with a capital (or is a name word such as "al-Sisi", "d'Ivoire").
    pub fn is_cap(&self, i: usize) -> bool {
        self.caps.get(i).copied().unwrap_or(false)
    }
    /// Whether a word token's text starts with a capital (or is a name word such as "al-Sisi", "d'Ivoire").
    pub fn cap_word(t: &str, word: bool) -> bool {
        if !word {
            return false;
        }
        let mut cs = t.chars();
        let first = cs.next().unwrap_or(' ');
        if first.is_uppercase() {
            return !is_contraction(t) && !is_compound_adjective(t);
        }
        for p in [
            "al-", "el-", "d'", "d’", "bin-", "ad-", "as-", "an-", "ash-", "at-", "az-",
        ] {
            if let Some(rest) = t.strip_prefix(p) {
                return rest.chars().next().is_some_and(|c| c.is_uppercase());
            }
        }
        false
    }
    /// Whether tokens `a` and `b` are in the same quotation context and paragraph.
    pub fn same_ctx(&self, a: usize, b: usize) -> bool {
        self.inq[a] == self.inq[b] && self.toks[a].para == self.toks[b].para
    }
}

/// A name the rules found in the body, before it is resolved to an entity.
#[derive(Debug, Clone)]
struct Cand {
    /// First token.
    s: usize,
    /// One past the last token.
    e: usize,
    /// Its type; None for a lone word that may be a short form of a longer name.
    kind: Option<EntityType>,
    /// Its name: the gazetteer's canonical form or the text as printed.
    name: String,
    /// Whether a person title stood before it.
    titled: bool,
    /// Acronym token given in brackets right after it.
    acronym: Option<usize>,
    /// The trained tagger's type for it: its evidence stands in for the rules' person tests.
    tagged: Option<EntityType>,
}

impl Cand {
    /// An untitled candidate of tokens `s..e`, with no acronym and no tagger type.
    fn new(s: usize, e: usize, kind: Option<EntityType>, name: String) -> Cand {
        Cand {
            s,
            e,
            kind,
            name,
            titled: false,
            acronym: None,
            tagged: None,
        }
    }

    /// The candidate with the acronym token given in brackets after it.
    fn with_acronym(self, acronym: Option<usize>) -> Cand {
        Cand { acronym, ..self }
    }

    /// The candidate marked as standing after a person title.
    fn titled(self) -> Cand {
        Cand {
            titled: true,
            ..self
        }
    }
}

/// Finds the entities of an article.
pub fn recognize(d: &Doc, dateline_agency: Option<&str>) -> Entities {
    let cands = merge::with_tagger(d, candidates(d));
    let mut res = Resolver::default();
    let agency = res.agency(d, dateline_agency);
    let pending = res.full_names(d, &cands);
    res.link_acronyms(d);
    let mut redirect = res.short_forms();

    // Pass 2: single words: short forms of known names, else persons by context.
    res.mentions.sort_by_key(|m| m.s);
    let mut ent_positions: Vec<Vec<usize>> = vec![Vec::new(); res.ents.len()];
    for m in &res.mentions {
        ent_positions[m.ent].push(m.s);
    }
    // Words of multi-word person and organisation names, to find the entity a single word stands for.
    let mut word_index: HashMap<String, Vec<usize>> = HashMap::default();
    for (k, e) in res.ents.iter().enumerate() {
        if e.words.len() < 2 || ent_positions[k].is_empty() {
            continue;
        }
        match e.kind {
            EntityType::Person => {
                for w in &e.words {
                    let v = word_index.entry(w.clone()).or_default();
                    if !v.contains(&k) {
                        v.push(k);
                    }
                }
            }
            EntityType::Organization => {
                if let Some(w) = e.words.last() {
                    word_index.entry(w.clone()).or_default().push(k);
                }
            }
            EntityType::Location => {}
        }
    }
    let mut single_words: HashMap<&str, usize> = HashMap::default();
    for c in pending {
        let w = match_form(&c.name);
        // Known acronym.
        if let Some(&k) = res.acronyms.get(&c.name) {
            res.mentions.push(MentionRef {
                s: c.s,
                e: c.e,
                ent: redirect[k],
            });
            continue;
        }
        let mut best: Option<(usize, (bool, i64, i64))> = None;
        for &k in word_index.get(w.as_str()).map_or(&[][..], Vec::as_slice) {
            let ent = &res.ents[k];
            let score = match ent.kind {
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
                    if surname == Some(&w) {
                        3
                    } else if given == Some(&w) {
                        2
                    } else {
                        1
                    }
                }
                EntityType::Organization => {
                    let after_the = c.s > 0 && d.lc(c.s - 1) == "the";
                    i64::from(after_the && ent.words.last() == Some(&w))
                }
                EntityType::Location => 0,
            };
            if score == 0 {
                continue;
            }
            // A short form refers back: a name already mentioned wins over one introduced later,
            // then the better fit, then the nearest (Kim Yo Jong over Kim Jong Un).
            let ps = &ent_positions[k];
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
        if let Some((k, _)) = best {
            let at = ent_positions[k].partition_point(|&p| p <= c.s);
            ent_positions[k].insert(at, c.s);
            res.mentions.push(MentionRef {
                s: c.s,
                e: c.e,
                ent: k,
            });
            continue;
        }
        let sentence_start = c.s == 0 || d.sent_of[c.s] != d.sent_of[c.s - 1];
        let next_is_cue = {
            let mut k = c.e;
            while k < d.toks.len() && AUXILIARIES.contains(d.t(k)) {
                k += 1;
            }
            k < d.toks.len() && CUE_VERBS.contains(d.t(k))
        };
        let prev_the = c.s > 0 && d.lc(c.s - 1) == "the";
        let next_lc = d.lc(c.e);
        // A word already made an organisation or place in this pass ("steelmaker Nordstahl", then "Nordstahl").
        if let Some(&k) = single_words.get(c.name.as_str()) {
            res.mentions.push(MentionRef {
                s: c.s,
                e: c.e,
                ent: k,
            });
            continue;
        }
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
        let company = c.s > 0
            && COMPANY_NOUNS.contains(d.lc(c.s - 1))
            && d.t(c.s - 1).starts_with(char::is_lowercase)
            || (matches!(next_lc, "shares" | "stock") && (!sentence_start || market_verb))
            || (officer_follows(d, c.e, &res.mentions, &res.ents) && !common_capital(&c.name))
            || appositive_is_org(d, c.e);
        let place_noun = matches!(
            next_lc,
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
        ) && prev_the;
        if company || place_noun {
            let kind = if company {
                EntityType::Organization
            } else {
                EntityType::Location
            };
            let k = res.add(&c.name, kind);
            if redirect.len() < res.ents.len() {
                redirect.push(k);
            }
            single_words.insert(c.name.as_str(), k);
            res.mentions.push(MentionRef {
                s: c.s,
                e: c.e,
                ent: k,
            });
            continue;
        }
        if c.titled || (next_is_cue && !prev_the) {
            // A lone unknown word that speaks is more often a company ("Flydubai said") than a person,
            // who wire copy introduces by full name or title.
            let kind = if c.titled {
                EntityType::Person
            } else {
                EntityType::Organization
            };
            let k = res.add(&c.name, kind);
            if redirect.len() < res.ents.len() {
                redirect.push(k);
            }
            for t in titles_before(d, c.s) {
                res.ents[k].titles.insert(t);
            }
            res.mentions.push(MentionRef {
                s: c.s,
                e: c.e,
                ent: k,
            });
        } else if !sentence_start
            && matches!(
                next_lc,
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
        {
            let k = res.add(&c.name, EntityType::Organization);
            if redirect.len() < res.ents.len() {
                redirect.push(k);
            }
            res.mentions.push(MentionRef {
                s: c.s,
                e: c.e,
                ent: k,
            });
        } else if c.s >= 2
            && d.t(c.s - 1) == "of"
            && matches!(
                d.lc(c.s - 2),
                "city" | "town" | "village" | "port" | "region" | "province"
            )
        {
            let k = res.add(&c.name, EntityType::Location);
            if redirect.len() < res.ents.len() {
                redirect.push(k);
            }
            res.mentions.push(MentionRef {
                s: c.s,
                e: c.e,
                ent: k,
            });
        } else if let Some(kind) = c.tagged {
            // No rule placed it, and it is no part of a longer name: the tagger's type stands.
            let k = res.add(&c.name, kind);
            if redirect.len() < res.ents.len() {
                redirect.push(k);
            }
            res.mentions.push(MentionRef {
                s: c.s,
                e: c.e,
                ent: k,
            });
        }
    }

    // "Hungarian government": a nationality with a lower-case government.
    let g = &*crate::lexicon::GAZETTEER;
    for i in 0..d.toks.len().saturating_sub(1) {
        if g.demonyms.contains_key(d.t(i)) && d.t(i + 1) == "government" {
            let name = format!("{} government", d.t(i));
            let k = res.add(&name, EntityType::Organization);
            res.mentions.push(MentionRef {
                s: i,
                e: i + 2,
                ent: k,
            });
        }
        // "Zaporozhye nuclear power plant", "Fukushima Daiichi nuclear power plant".
        if d.is_cap(i) && d.t(i + 1) == "nuclear" && d.t(i + 2) == "power" && d.t(i + 3) == "plant"
        {
            let mut r = i;
            while r > 0 && d.is_cap(r - 1) && d.same_ctx(r - 1, i) && !STOP.contains(d.t(r - 1)) {
                r -= 1;
            }
            {
                res.mentions.retain(|m| m.e <= r || m.s > i);
                let name = span_text(d, r, i + 4);
                let k = res.add(&name, EntityType::Location);
                res.mentions.push(MentionRef {
                    s: r,
                    e: i + 4,
                    ent: k,
                });
                // The plant's short form "Zaporozhye NPP".
                let npp = format!("{} NPP", span_text(d, r, i + 1));
                if let Some(&old) = index_get(&res.ents, &npp, EntityType::Location).as_ref() {
                    for m in res.mentions.iter_mut() {
                        if m.ent == old {
                            m.ent = k;
                        }
                    }
                }
            }
        }
    }

    // Gender from titles and given names.
    for ent in res.ents.iter_mut() {
        if ent.kind != EntityType::Person {
            continue;
        }
        let first = ent.words.first().cloned().unwrap_or_default();
        let last = ent.words.last().cloned().unwrap_or_default();
        // Given names ending in -a and Slavic family names in -ova/-eva/-skaya are women's, with known exceptions.
        let female_form = ent.words.len() >= 2
            && (first.ends_with('a')
                && first.chars().count() > 2
                && !MALE_IN_A.contains(&first.as_str())
                || ["ova", "eva", "yova", "skaya", "tskaya"]
                    .iter()
                    .any(|x| last.ends_with(x)));
        let f = ent.titles.iter().any(|t| FEMALE.contains(t.as_str()))
            || FEMALE.contains(first.as_str())
            || female_form && !MALE.contains(first.as_str());
        let m =
            ent.titles.iter().any(|t| MALE.contains(t.as_str())) || MALE.contains(first.as_str());
        ent.female = match (f, m) {
            (true, false) => Some(true),
            (false, true) => Some(false),
            _ => None,
        };
    }
    res.finish(agency)
}

/// Common Chinese, Korean and Vietnamese family names, which come first in a full name.
const FAMILY_NAME_FIRST: &[&str] = &[
    "wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun",
    "zhu", "hu", "guo", "lin", "gao", "luo", "zheng", "liang", "xie", "song", "tang", "feng",
    "deng", "cao", "peng", "zeng", "xiao", "tian", "dong", "pan", "yuan", "cai", "jiang", "du",
    "ye", "cheng", "wei", "su", "ding", "ren", "shen", "yao", "lan", "zou", "xi", "qin", "cui",
    "hou", "dai", "jin", "kim", "park", "choi", "jung", "kang", "cho", "yoon", "jang", "lim",
    "moon", "nguyen", "tran", "pham", "hoang", "phan", "vu", "dang", "bui", "ngo", "duong",
];

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

/// Men's given names that end in -a.
const MALE_IN_A: &[&str] = &[
    "nikita",
    "ilya",
    "luca",
    "andrea",
    "joshua",
    "elia",
    "sasha",
    "mustafa",
    "musa",
    "isa",
    "yahya",
    "krishna",
    "kostya",
    "misha",
    "vanya",
    "tolya",
    "pasha",
    "dima",
    "vova",
    "jonah",
    "akira",
    "ryota",
    "kota",
    "shota",
    "yuta",
    "sota",
    "takuya",
    "tetsuya",
    "kazuya",
    "naoya",
    "tatsuya",
    "seiya",
    "yuya",
    "hamza",
    "osama",
    "usama",
    "taha",
    "reza",
    "mirza",
    "raza",
    "nicola",
    "battista",
    "bora",
    "siyabonga",
    "thabo",
    "ezra",
    "juma",
    "saba",
];

fn index_get(ents: &[Ent], name: &str, kind: EntityType) -> Option<usize> {
    ents.iter()
        .position(|e| e.kind == kind && e.name.eq_ignore_ascii_case(name))
}
