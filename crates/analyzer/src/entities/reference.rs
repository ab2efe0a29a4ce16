//! Reference lists of people, organisations and places (`data/reference.tsv.gz`, built by
//! `scripts/reference/build.py` from GeoNames and WordNet).
//!
//! The tagger reads a hit as one feature among many: the lists hold "Bush" the person and
//! "Bush" the town alike, and a hit alone never decides a mention.

use std::io::Read;
use std::sync::LazyLock;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

const REFERENCE_GZ: &[u8] = include_bytes!("../../data/reference.tsv.gz");

/// Bit of each type in a hit's mask.
const PERSON: u8 = 1;
const ORGANIZATION: u8 = 2;
const LOCATION: u8 = 4;

/// Marks a key that is only the start of longer names, so that matching stops early.
const PREFIX: u8 = 128;

/// The lists, keyed by lowercase tokens joined with single spaces. Every proper prefix of a
/// name is a key too, with [`PREFIX`] set, so that matching stops at the first miss.
struct Reference {
    names: HashMap<Box<str>, u8>,
    firsts: HashSet<Box<str>>,
}

fn key_of(name: &str) -> (String, usize) {
    let chars = crate::text::char_table(name);
    let toks = crate::text::tokenize(name, &chars);
    let words: Vec<String> = toks
        .iter()
        .map(|t| name[t.start..t.end].to_lowercase())
        .collect();
    (words.join(" "), words.len())
}

static LISTS: LazyLock<Reference> = LazyLock::new(|| {
    let mut text = String::new();
    // The bytes are compiled in; a failure here is a broken build, caught by the tests.
    flate2::read::GzDecoder::new(REFERENCE_GZ)
        .read_to_string(&mut text)
        .expect("data/reference.tsv.gz is valid gzip-compressed UTF-8");
    let mut out = Reference {
        names: HashMap::default(),
        firsts: HashSet::default(),
    };
    for line in text.lines() {
        let Some((kind, name)) = line.split_once('\t') else {
            continue;
        };
        let bit = match kind {
            "P" => PERSON,
            "O" => ORGANIZATION,
            "L" => LOCATION,
            _ => continue,
        };
        let (key, len) = key_of(name);
        if len == 0 {
            continue;
        }
        let first = key.split(' ').next().unwrap_or_default();
        out.firsts.insert(first.into());
        for (at, _) in key.match_indices(' ') {
            *out.names.entry(key[..at].into()).or_default() |= PREFIX;
        }
        *out.names.entry(key.into_boxed_str()).or_default() |= bit;
    }
    out
});

/// Whether a lowercase word opens some listed name.
pub fn opens_name(lower: &str) -> bool {
    LISTS.firsts.contains(lower)
}

/// Per token: 0 outside any listed name, else the type mask of the longest listed name it
/// belongs to, plus 8 inside (not at the start of) that name.
pub fn codes(lowers: &[&str], opens: &[bool]) -> Vec<u8> {
    let n = lowers.len();
    let mut out = vec![0u8; n];
    let mut i = 0;
    let mut key = String::new();
    while i < n {
        let mut hit = None;
        if opens[i] {
            key.clear();
            for len in 1..=n - i {
                if len > 1 {
                    key.push(' ');
                }
                key.push_str(lowers[i + len - 1]);
                let Some(&mask) = LISTS.names.get(key.as_str()) else {
                    break;
                };
                if mask & !PREFIX != 0 {
                    hit = Some((len, mask & !PREFIX));
                }
            }
        }
        let Some((len, mask)) = hit else {
            i += 1;
            continue;
        };
        out[i] = mask;
        out[i + 1..i + len].fill(mask | 8);
        i += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_load_and_match_the_longest_name() {
        let words = ["in", "new", "york", "and", "bombay"];
        let opens: Vec<bool> = words.iter().map(|w| opens_name(w)).collect();
        let c = codes(&words, &opens);
        assert_eq!(c[0], 0);
        assert_eq!(c[1] & LOCATION, LOCATION);
        assert_eq!(c[2] & 8, 8);
        assert_eq!(c[4] & LOCATION, LOCATION);
    }
}
