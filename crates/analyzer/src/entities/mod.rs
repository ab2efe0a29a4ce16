//! Named persons, organisations and places, with every mention resolved to one canonical name.
//!
//! [`recognize`] runs these stages in order:
//! 1. [`mod@candidates`]: capitalised runs, title chains and acronyms, each run typed by [`classify`]
//!    with the [`gazetteer`] and the [`titles`] rules;
//! 2. [`merge`]: the trained [`tagger`]'s names joined with the rules' candidates, then
//!    [`sports`] teams read as organisations;
//! 3. [`resolve`]: the dateline's agency, full names (persons need [`evidence`]), acronyms and
//!    short forms of longer names;
//! 4. [`lone`]: single words, as short forms ("Putin" of "Vladimir Putin") or by their context;
//! 5. [`phrases`]: names that are no capitalised run ("Hungarian government");
//! 6. [`gender`], then the mentions in body order.

mod candidates;
mod classify;
mod clusters;
mod evidence;
pub mod features;
mod gazetteer;
mod gender;
mod lone;
mod merge;
mod phrases;
mod reference;
mod resolve;
mod spans;
mod sports;
pub mod tagger;
mod titles;
mod training;
mod words;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use model::EntityType;

use crate::text::{Sentence, Tok};
use candidates::candidates;
use resolve::Resolver;
use spans::{is_compound_adjective, is_contraction};

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
    /// Mention index by its last token; read through [`Entities::ending_at`].
    by_last: HashMap<usize, usize>,
    /// Mention index by its first token; read through [`Entities::starting_at`].
    by_first: HashMap<usize, usize>,
    /// The dateline agency's entity.
    pub agency: Option<usize>,
}

/// How the quote stage asks about names: by token position and by entity, never by editing.
impl Entities {
    /// The mention whose last token is `tok`.
    pub fn ending_at(&self, tok: usize) -> Option<MentionRef> {
        self.by_last.get(&tok).map(|&m| self.mentions[m])
    }
    /// The mention whose first token is `tok`.
    pub fn starting_at(&self, tok: usize) -> Option<MentionRef> {
        self.by_first.get(&tok).map(|&m| self.mentions[m])
    }
    /// Whether a mention starts at token `tok`.
    pub fn starts_at(&self, tok: usize) -> bool {
        self.by_first.contains_key(&tok)
    }
    /// Whether a mention ends at token `tok`.
    pub fn ends_at(&self, tok: usize) -> bool {
        self.by_last.contains_key(&tok)
    }
    /// What entity `ent` is.
    pub fn kind(&self, ent: usize) -> EntityType {
        self.ents[ent].kind
    }
    /// Whether entity `ent` is a person.
    pub fn is_person(&self, ent: usize) -> bool {
        self.kind(ent) == EntityType::Person
    }
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
    /// The token view of a body: sentence numbers, lower-cased words and capitals worked out once.
    pub fn new(
        text: &'a str,
        toks: &'a [Tok],
        inq: &'a [Option<usize>],
        sents: &[Sentence],
    ) -> Doc<'a> {
        let mut sent_of = vec![0; toks.len()];
        for (k, s) in sents.iter().enumerate() {
            for x in sent_of.iter_mut().take(s.e).skip(s.s) {
                *x = k;
            }
        }
        let (lower, lower_at) = lower_case(text, toks);
        let caps = toks
            .iter()
            .map(|t| Doc::cap_word(&text[t.start..t.end], t.word))
            .collect();
        Doc {
            text,
            toks,
            inq,
            sent_of,
            lower,
            lower_at,
            caps,
        }
    }
}

/// The tokens lower-cased back to back, with the byte range of each.
fn lower_case(text: &str, toks: &[Tok]) -> (String, Vec<(u32, u32)>) {
    let mut lower = String::with_capacity(text.len() + 16);
    let mut lower_at = Vec::with_capacity(toks.len());
    for t in toks {
        let a = lower.len();
        let w = &text[t.start..t.end];
        if w.is_ascii() {
            // Most tokens: the same as the per-character mapping below, without its iterator.
            lower.push_str(w);
            lower[a..].make_ascii_lowercase();
        } else {
            for c in w.chars() {
                lower.extend(c.to_lowercase());
            }
        }
        lower_at.push((a as u32, lower.len() as u32));
    }
    (lower, lower_at)
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
    let mut r = Resolver::default();
    let agency = r.agency(d, dateline_agency);
    let pending = r.full_names(d, &cands);
    r.link_acronyms(d);
    let redirect = r.short_forms();
    lone::resolve(d, pending, &redirect, &mut r);
    phrases::add(d, &mut r);
    gender::assign(&mut r.ents);
    r.finish(agency)
}
