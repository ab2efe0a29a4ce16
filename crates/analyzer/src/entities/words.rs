//! What the tagger knows of a word on its own, worked out once per word and kept per thread.
//!
//! A 3 KB story has about 500 tokens but far fewer distinct words, and most of them recur across
//! stories: their lowercase form, shape, affixes and list memberships are the same every time.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::LazyLock;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::clusters::{self, LEVELS};
use crate::lexicon::{FEMALE, GAZETTEER, LOC_HEADS, MALE, ORG_HEADS, PERSON_ROLES, TITLES};

/// FNV-1a over a template number and its parts; stable across builds, unlike the std hasher.
pub fn hash(template: u8, parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ u64::from(template);
    h = h.wrapping_mul(0x100_0000_01b3);
    for (k, p) in parts.iter().enumerate() {
        if k > 0 {
            h ^= 0x1f;
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        for &b in p.as_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
    }
    h
}

/// Combines a template number with already-hashed parts (cheaper than hashing strings again).
pub fn mix(template: u8, parts: &[u64]) -> u64 {
    let mut h = 0x9e37_79b9_7f4a_7c15u64 ^ (u64::from(template) << 56);
    for &p in parts {
        h = (h ^ p).wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 29;
    }
    h
}

/// A word's facts.
pub struct WordInfo {
    /// Lowercase form.
    pub lower: Box<str>,
    /// Hash of the lowercase form.
    pub lower_h: u64,
    /// Hash of the shape with runs cut at four ("Xxxx").
    pub shape_h: u64,
    /// Hash of the collapsed shape ("Xx").
    pub short_h: u64,
    /// A given name.
    pub given: bool,
    /// A common surname (census list).
    pub surname: bool,
    /// A title or role word.
    pub title: bool,
    /// 1 an organisation head noun ("Company"), 2 a place head noun ("Bay"), else 0.
    pub head: u8,
    /// A nationality adjective ("Russian").
    pub demonym: bool,
    /// Opens some gazetteer name (lowercase).
    pub gaz_first: bool,
    /// Opens some name of the reference lists (lowercase).
    pub ref_first: bool,
    /// Starts with a capital letter.
    pub capital: bool,
    /// Has a letter.
    pub alphabetic: bool,
    /// The features of the word on its own: bias, form, lowercase, shape, affixes, clusters.
    pub intrinsic: Box<[u64]>,
    /// What it gives its neighbours: the token after, before, two after, two before; to each
    /// its form and its mid-level cluster.
    pub around: Around,
    /// A tagger's summed weights for this word, with the id of the model they belong to.
    pub weights: RefCell<Option<(u64, Box<[f32]>)>>,
}

/// Word shape with runs cut at four ("Xxxx", "dd.d") and fully collapsed ("Xx", "d.d").
fn shapes(w: &str) -> (String, String) {
    let (mut long, mut short) = (String::new(), String::new());
    let (mut last, mut run) = ('\0', 0);
    for c in w.chars().take(40) {
        let k = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_numeric() {
            'd'
        } else if c.is_alphabetic() {
            'a'
        } else {
            c
        };
        run = if k == last { run + 1 } else { 1 };
        if run <= 4 {
            long.push(k);
        }
        if run == 1 {
            short.push(k);
        }
        last = k;
    }
    (long, short)
}

/// Lowercase list words, for matching whatever the casing.
struct Lists {
    titles: HashSet<String>,
    org_heads: HashSet<String>,
    loc_heads: HashSet<String>,
    /// Lowercase gazetteer names, and the word runs longer names start with.
    gaz_keys: HashMap<String, GazKey>,
    /// First words of the lowercase gazetteer names.
    gaz_firsts: HashSet<String>,
    /// Given names and surnames from `names.tsv` (`scripts/names/build.py`).
    given: HashSet<&'static str>,
    surnames: HashSet<&'static str>,
}

/// Census given names and surnames, lowercase.
const NAMES_TSV: &str = include_str!("../../data/names.tsv");

static LISTS: LazyLock<Lists> = LazyLock::new(|| {
    let low = |s: &HashSet<&str>| s.iter().map(|w| w.to_lowercase()).collect();
    let mut gaz_keys: HashMap<String, GazKey> = HashMap::default();
    for (name, entry) in GAZETTEER.names.iter() {
        let lower = name.to_lowercase();
        for (at, _) in lower.match_indices(' ') {
            gaz_keys.entry(lower[..at].to_string()).or_default().longer = true;
        }
        let key = gaz_keys.entry(lower).or_default();
        key.kind = key.kind.or(Some(entry.kind));
    }
    let gaz_firsts = gaz_keys
        .iter()
        .filter(|(_, k)| k.kind.is_some())
        .map(|(n, _)| n.split(' ').next().unwrap_or_default().to_string())
        .collect();
    let (mut given, mut surnames) = (HashSet::default(), HashSet::default());
    for line in NAMES_TSV.lines() {
        match line.split_once('\t') {
            Some(("G", n)) => given.insert(n),
            Some(("S", n)) => surnames.insert(n),
            _ => false,
        };
    }
    Lists {
        given,
        surnames,
        titles: TITLES
            .iter()
            .chain(PERSON_ROLES.iter())
            .map(|t| t.to_lowercase())
            .collect(),
        org_heads: low(&ORG_HEADS),
        loc_heads: low(&LOC_HEADS),
        gaz_keys,
        gaz_firsts,
    }
});

/// Whether a word is a title or role word ("president", "minister", "Sen.").
pub fn is_title_word(w: &str) -> bool {
    LISTS.titles.contains(&w.to_lowercase())
}

/// Whether a lowercase word is a given name (lexicon or census list).
pub fn is_given_name(lower: &str) -> bool {
    FEMALE.contains(lower) || MALE.contains(lower) || LISTS.given.contains(lower)
}

/// What a lowercase run of words is in the gazetteer.
#[derive(Clone, Copy, Default)]
pub struct GazKey {
    /// The type of the name it spells, if it is one.
    pub kind: Option<model::EntityType>,
    /// Whether longer names start with it and a space: a scan can stop where none do.
    pub longer: bool,
}

/// The gazetteer's entry for a lowercase run of words; None when it neither is a name nor starts one.
pub fn gazetteer_key(lower: &str) -> Option<GazKey> {
    LISTS.gaz_keys.get(lower).copied()
}

/// Longest gazetteer name in tokens.
pub fn gazetteer_max_tokens() -> usize {
    GAZETTEER.max_tokens
}

/// Per neighbour slot, the features a word gives it: its form and its cluster.
pub type Around = [[u64; 2]; 4];

/// Stands for "no cluster" in cluster features: words the table lacks are evidence too.
const NO_CLUSTER: u64 = u64::MAX;

/// The cluster features of a word on its own: its id at each level, and the coarse id with its
/// shape, so that a capitalised word of a name-like cluster reads differently from a lowercase one.
fn cluster_features(ids: Option<[u16; LEVELS]>, short_h: u64, out: &mut Vec<u64>) {
    let id = |l: usize| ids.map_or(NO_CLUSTER, |c| u64::from(c[l]));
    for l in 0..LEVELS {
        out.push(mix(40 + l as u8, &[id(l)]));
    }
    out.push(mix(44, &[id(0), short_h]));
}

fn intrinsic(raw: &str, lower: &str, shape: &str) -> Vec<u64> {
    let mut out = Vec::with_capacity(18);
    out.extend([
        hash(0, &[]),
        hash(1, &[raw]),
        hash(2, &[lower]),
        hash(3, &[shape]),
    ]);
    let chars: Vec<usize> = lower.char_indices().map(|(b, _)| b).collect();
    let n = chars.len();
    for k in 1..=4.min(n.saturating_sub(1)) {
        out.push(hash(3 + k as u8, &[&lower[..chars[k]]]));
        out.push(hash(7 + k as u8, &[&lower[chars[n - k]..]]));
    }
    out
}

/// What a word (lowercased) gives the tokens around it: its form, and its mid-level cluster to
/// the nearest two on either side.
pub fn around(lower: &str, ids: Option<[u16; LEVELS]>) -> Around {
    let mid = ids.map_or(NO_CLUSTER, |c| u64::from(c[1]));
    [0u8, 1, 2, 3].map(|k| [hash(12 + k, &[lower]), mix(46 + k, &[mid])])
}

fn work_out(raw: &str) -> WordInfo {
    let lists = &*LISTS;
    let lower = raw.to_lowercase();
    let (shape, short) = shapes(raw);
    let short_h = hash(3, &[&short]);
    let ids = clusters::of(&lower);
    let mut intrinsic = intrinsic(raw, &lower, &shape);
    cluster_features(ids, short_h, &mut intrinsic);
    let head = if lists.org_heads.contains(&lower) {
        1
    } else if lists.loc_heads.contains(&lower) {
        2
    } else {
        0
    };
    WordInfo {
        lower_h: hash(2, &[&lower]),
        shape_h: hash(3, &[&shape]),
        short_h,
        given: FEMALE.contains(lower.as_str())
            || MALE.contains(lower.as_str())
            || lists.given.contains(lower.as_str()),
        surname: lists.surnames.contains(lower.as_str()),
        title: lists.titles.contains(&lower),
        head,
        demonym: GAZETTEER.demonyms.contains_key(raw),
        gaz_first: lists.gaz_firsts.contains(&lower),
        ref_first: super::reference::opens_name(&lower),
        capital: raw.chars().next().is_some_and(char::is_uppercase),
        alphabetic: raw.chars().any(char::is_alphabetic),
        intrinsic: intrinsic.into_boxed_slice(),
        around: around(&lower, ids),
        weights: RefCell::new(None),
        lower: lower.into_boxed_str(),
    }
}

/// Past this many words the cache starts again: a bound on memory.
const CACHE_SIZE: usize = 100_000;

thread_local! {
    static CACHE: RefCell<HashMap<Box<str>, Rc<WordInfo>>> = RefCell::new(HashMap::default());
}

/// The facts of each word, from this thread's cache where it has them.
pub fn infos<'a>(words: impl Iterator<Item = &'a str>) -> Vec<Rc<WordInfo>> {
    CACHE.with(|cell| {
        let mut cache = cell.borrow_mut();
        if cache.len() > CACHE_SIZE {
            cache.clear();
        }
        words
            .map(|w| {
                if let Some(i) = cache.get(w) {
                    return Rc::clone(i);
                }
                let i = Rc::new(work_out(w));
                cache.insert(w.into(), Rc::clone(&i));
                i
            })
            .collect()
    })
}

/// The facts of the stand-ins before the first token and after the last.
pub static EDGES: LazyLock<[(u64, Around); 2]> =
    LazyLock::new(|| ["<s>", "</s>"].map(|w| (hash(2, &[w]), around(w, None))));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gazetteer_keys_mark_names_and_the_runs_that_start_longer_ones() {
        let ny = gazetteer_key("new york").expect("a gazetteer name");
        assert_eq!(ny.kind, Some(model::EntityType::Location));
        assert!(ny.longer, "New York City starts with it");
        assert!(gazetteer_key("new").is_some_and(|k| k.longer));
        assert!(gazetteer_key("qzx york").is_none());
    }
}
