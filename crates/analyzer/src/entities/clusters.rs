//! Word clusters (`data/clusters.tsv.gz`, built by `scripts/clusters/build.py` by k-means over
//! GloVe-derived word vectors): words used alike share an id, so a name the training data never
//! showed still shares evidence with the ones it did.
//!
//! Ids come at three granularities, coarse to fine. Keys are lowercase, as the vectors are.

use std::io::Read;
use std::sync::LazyLock;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

const CLUSTERS_GZ: &[u8] = include_bytes!("../../data/clusters.tsv.gz");

/// Granularities per word: coarse, mid, fine.
pub const LEVELS: usize = 3;

static TABLE: LazyLock<HashMap<Box<str>, [u16; LEVELS]>> = LazyLock::new(|| {
    let mut text = String::new();
    // The bytes are compiled in; a failure here is a broken build, caught by the tests.
    flate2::read::GzDecoder::new(CLUSTERS_GZ)
        .read_to_string(&mut text)
        .expect("data/clusters.tsv.gz is valid gzip-compressed UTF-8");
    let mut out = HashMap::with_capacity_and_hasher(text.len() / 16, Default::default());
    for line in text.lines() {
        let mut parts = line.split('\t');
        let Some(word) = parts.next() else { continue };
        let mut ids = [0u16; LEVELS];
        let mut ok = true;
        for id in ids.iter_mut() {
            match parts.next().and_then(|p| p.parse().ok()) {
                Some(v) => *id = v,
                None => ok = false,
            }
        }
        if ok {
            out.insert(word.into(), ids);
        }
    }
    out
});

/// The cluster ids of a lowercase word, coarse to fine; None for a word the table lacks.
pub fn of(lower: &str) -> Option<[u16; LEVELS]> {
    TABLE.get(lower).copied()
}

/// Mid-level clusters holding at least this many stop words are everyday vocabulary.
const EVERYDAY_STOPS: usize = 5;

/// The mid-level clusters of the everyday vocabulary of running text: those the stop words fall in.
static EVERYDAY: LazyLock<HashSet<u16>> = LazyLock::new(|| {
    let mut counts: HashMap<u16, usize> = HashMap::default();
    for w in crate::lexicon::STOP.iter() {
        if let Some(ids) = of(&w.to_lowercase()) {
            *counts.entry(ids[1]).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter(|&(_, n)| n >= EVERYDAY_STOPS)
        .map(|(id, _)| id)
        .collect()
});

/// Whether a lowercase word belongs to the everyday vocabulary ("free", "love", "now"): written
/// in capitals it is shouted, not an acronym.
pub fn is_everyday(lower: &str) -> bool {
    of(lower).is_some_and(|ids| EVERYDAY.contains(&ids[1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_words_have_clusters_and_alike_words_share_them() {
        let paris = of("paris").expect("a common word");
        let london = of("london").expect("a common word");
        assert_eq!(paris[0], london[0], "two capitals share a coarse cluster");
        assert!(of("qzxvqzxv").is_none());
    }

    #[test]
    fn everyday_words_are_told_from_acronyms() {
        assert!(is_everyday("free") && is_everyday("now"));
        assert!(!is_everyday("nasa") && !is_everyday("bbc") && !is_everyday("fbi"));
    }
}
