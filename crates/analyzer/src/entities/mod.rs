//! Named persons, organisations and places, with every mention resolved to one canonical name.

mod candidates;
mod classify;
mod evidence;
pub mod features;
mod gazetteer;
mod lone;
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
use resolve::Resolver;
use spans::{is_compound_adjective, is_contraction, span_text};

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
    let redirect = res.short_forms();

    lone::resolve(d, pending, &redirect, &mut res);

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
