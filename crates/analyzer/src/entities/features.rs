//! What the entity tagger sees of each token: hashed features.
//!
//! Features are the word and its lowercase form, shape, affixes, its word clusters (three
//! granularities, the coarsest also with its shape), the two words on either side and their
//! mid-level clusters, casing in context (sentence start, all-caps headline lines, results-table
//! lines), gazetteer, given-name, title and head-noun membership, and document-level evidence.
//! Casing is one feature among many, never a gate: a lowercase name still has its words, affixes,
//! clusters and neighbours.

use std::rc::Rc;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use model::EntityType;

use super::reference;
use super::words::{self, mix, WordInfo};

pub use super::words::is_title_word;

/// A token sequence to tag: the text and the byte range of each token.
pub struct Sequence<'a> {
    /// The whole text.
    pub text: &'a str,
    /// Byte range of each token, in order.
    pub toks: &'a [(usize, usize)],
}

/// Hashed features of every token, stored back to back.
pub struct TokenFeatures {
    /// All feature hashes.
    pub hashes: Vec<u64>,
    /// Where each token's features start in `hashes`; one extra entry at the end.
    pub at: Vec<u32>,
}

impl TokenFeatures {
    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.at.len() - 1
    }
}

/// How a line of text is set: running text, an all-caps headline, or a results table.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LineMode {
    Prose,
    Caps,
    Table,
}

fn line_modes(seq: &Sequence) -> Vec<LineMode> {
    let n = seq.toks.len();
    let mut modes = vec![LineMode::Prose; n];
    let mut s = 0;
    while s < n {
        let mut e = s + 1;
        while e < n && !seq.text[seq.toks[e - 1].1..seq.toks[e].0].contains('\n') {
            e += 1;
        }
        let words = || (s..e).map(|i| &seq.text[seq.toks[i].0..seq.toks[i].1]);
        let line = &seq.text[seq.toks[s].0..seq.toks[e - 1].1];
        let letters = words()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .count();
        let digits = words()
            .filter(|w| w.chars().any(|c| c.is_ascii_digit()))
            .count();
        let mode = if letters >= 2 && !line.chars().any(char::is_lowercase) {
            LineMode::Caps
        } else if line.contains('\t')
            || line.contains('|')
            || (e - s >= 3 && digits * 3 >= e - s && !line.ends_with('.'))
        {
            LineMode::Table
        } else {
            LineMode::Prose
        };
        modes[s..e].fill(mode);
        s = e;
    }
    modes
}

fn sentence_starts(seq: &Sequence) -> Vec<bool> {
    let mut out = vec![false; seq.toks.len()];
    let mut start = true;
    for (i, &(s, e)) in seq.toks.iter().enumerate() {
        if i > 0 && seq.text[seq.toks[i - 1].1..s].contains('\n') {
            start = true;
        }
        let w = &seq.text[s..e];
        let opener = w.chars().all(|c| "\"“‘'«„([-–—*•".contains(c));
        out[i] = start;
        if !opener {
            start = matches!(w, "." | "!" | "?" | ":" | "…");
        }
    }
    out
}

/// Sentence-sized stretches of tokens, the units the tagger decodes one at a time.
pub fn segments(seq: &Sequence) -> Vec<(usize, usize)> {
    segments_from(&sentence_starts(seq))
}

fn segments_from(starts: &[bool]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = 0;
    for i in 1..=starts.len() {
        // Long runs without a full stop (tables, lists) are cut so that decoding stays short.
        if i == starts.len() || starts[i] || i - s >= 200 {
            out.push((s, i));
            s = i;
        }
    }
    out
}

/// Per-token facts worked out once per sequence.
struct Context {
    words: Vec<Rc<WordInfo>>,
    sent_start: Vec<bool>,
    mode: Vec<LineMode>,
    /// 0 none, 1/2 begin/inside a place, 3/4 an organisation, 5 a demonym.
    gaz: Vec<u8>,
    /// Capitalised in mid-sentence somewhere else in the text.
    cap_elsewhere: Vec<bool>,
    /// Reference-list code per token, as [`reference::codes`] gives it.
    reference: Vec<u8>,
}

/// Gazetteer code per token, longest match first, whatever the casing.
fn gazetteer_codes(words: &[Rc<WordInfo>]) -> Vec<u8> {
    let n = words.len();
    let mut codes: Vec<u8> = words
        .iter()
        .map(|w| if w.demonym { 5 } else { 0 })
        .collect();
    let max = words::gazetteer_max_tokens();
    let mut i = 0;
    while i < n {
        if !words[i].gaz_first {
            i += 1;
            continue;
        }
        let mut hit = None;
        let mut key = String::new();
        for len in 1..=max.min(n - i) {
            if len > 1 {
                key.push(' ');
            }
            key.push_str(&words[i + len - 1].lower);
            let Some(k) = words::gazetteer_key(&key) else {
                break;
            };
            if let Some(kind) = k.kind {
                hit = Some((len, kind));
            }
            if !k.longer {
                break;
            }
        }
        let Some((len, kind)) = hit else {
            i += 1;
            continue;
        };
        let base = if kind == EntityType::Organization {
            3
        } else {
            1
        };
        codes[i] = base;
        codes[i + 1..i + len].fill(base + 1);
        i += len;
    }
    codes
}

fn cap_elsewhere(words: &[Rc<WordInfo>], sent_start: &[bool]) -> Vec<bool> {
    let capped: HashSet<u64> = words
        .iter()
        .zip(sent_start)
        .filter(|(w, &s)| !s && w.capital)
        .map(|(w, _)| w.lower_h)
        .collect();
    words.iter().map(|w| capped.contains(&w.lower_h)).collect()
}

fn context(seq: &Sequence) -> Context {
    let words = words::infos(seq.toks.iter().map(|&(s, e)| &seq.text[s..e]));
    let sent_start = sentence_starts(seq);
    let lowers: Vec<&str> = words.iter().map(|w| &*w.lower).collect();
    let opens: Vec<bool> = words.iter().map(|w| w.ref_first).collect();
    let reference = reference::codes(&lowers, &opens);
    Context {
        reference,
        gaz: gazetteer_codes(&words),
        cap_elsewhere: cap_elsewhere(&words, &sent_start),
        mode: line_modes(seq),
        words,
        sent_start,
    }
}

/// Features of token `i` that look at its casing, line and gazetteer context.
fn word_context(c: &Context, i: usize, out: &mut Vec<u64>) {
    let w = &c.words[i];
    let ss = u64::from(c.sent_start[i]);
    let gaz = u64::from(c.gaz[i]);
    out.push(mix(20, &[ss, c.mode[i] as u64, w.short_h]));
    out.push(mix(21, &[gaz]));
    out.push(mix(24, &[gaz, w.short_h]));
    if w.given {
        out.push(mix(25, &[w.short_h]));
    }
    if w.title {
        out.push(mix(26, &[]));
    }
    out.push(mix(28, &[u64::from(c.cap_elsewhere[i]), ss, w.short_h]));
    out.push(mix(31, &[u64::from(w.head), w.short_h]));
    if w.surname {
        out.push(mix(33, &[w.short_h]));
    }
    let r = u64::from(c.reference[i]);
    out.push(mix(34, &[r]));
    out.push(mix(35, &[r, w.short_h, ss]));
    // A listed town that is also a census name ("Norton") is weak evidence of a place.
    out.push(mix(38, &[r, u64::from(w.given), u64::from(w.surname)]));
}

/// Features of token `i` that look at its neighbours.
fn neighbour_features(c: &Context, i: usize, out: &mut Vec<u64>) {
    let n = c.words.len();
    let w = &c.words[i];
    let before = i.checked_sub(1).map(|j| &c.words[j]);
    let after = (i + 1 < n).then(|| &c.words[i + 1]);
    let edge = &*words::EDGES;
    out.push(mix(
        18,
        &[before.map_or(edge[0].0, |b| b.lower_h), w.lower_h],
    ));
    out.push(mix(
        19,
        &[w.lower_h, after.map_or(edge[1].0, |a| a.lower_h)],
    ));
    out.push(mix(16, &[before.map_or(0, |b| b.short_h), w.shape_h]));
    out.push(mix(17, &[w.shape_h, after.map_or(0, |a| a.short_h)]));
    let gz = |j: Option<usize>| j.filter(|&j| j < n).map_or(9, |j| u64::from(c.gaz[j]));
    out.push(mix(22, &[gz(i.checked_sub(1))]));
    out.push(mix(23, &[gz(Some(i + 1))]));
    let rf = |j: Option<usize>| {
        j.filter(|&j| j < n)
            .map_or(99, |j| u64::from(c.reference[j]))
    };
    out.push(mix(36, &[rf(i.checked_sub(1)), u64::from(c.reference[i])]));
    out.push(mix(37, &[u64::from(c.reference[i]), rf(Some(i + 1))]));
    if before.is_some_and(|b| b.given) {
        out.push(mix(27, &[w.short_h, u64::from(w.surname)]));
    }
    if before.is_some_and(|b| b.title) {
        out.push(mix(29, &[w.short_h]));
    }
    let head = |j: usize| c.words.get(j).map_or(9, |x| u64::from(x.head));
    out.push(mix(32, &[head(i + 1), head(i + 2)]));
}

/// The neighbour-word features of token `i`: what each neighbour gives it.
fn neighbour_words(c: &Context, i: usize, out: &mut Vec<u64>) {
    let n = c.words.len() as isize;
    let edge = &*words::EDGES;
    for (k, d) in [-1isize, 1, -2, 2].into_iter().enumerate() {
        let j = i as isize + d;
        let given = if j < 0 {
            &edge[0].1[k]
        } else if j >= n {
            &edge[1].1[k]
        } else {
            &c.words[j as usize].around[k]
        };
        out.extend_from_slice(given);
    }
}

/// Context features and word facts of a sequence.
pub struct Extracted {
    /// The features; see [`extract`] and [`extract_context`] for which.
    pub features: TokenFeatures,
    /// Each token's word facts.
    pub words: Vec<Rc<WordInfo>>,
    /// The sentence-sized stretches to decode, as [`segments`] gives them.
    pub segments: Vec<(usize, usize)>,
}

/// Every feature of every token: the word's own, its neighbours' words, and the context.
pub fn extract(seq: &Sequence) -> TokenFeatures {
    build(seq, true).features
}

/// The context features only: the tagger adds each word's own and neighbour features from the
/// word facts, summed once per word.
pub fn extract_context(seq: &Sequence) -> Extracted {
    build(seq, false)
}

fn build(seq: &Sequence, all: bool) -> Extracted {
    let c = context(seq);
    let n = seq.toks.len();
    let mut hashes = Vec::with_capacity(n * if all { 36 } else { 18 });
    let mut at = Vec::with_capacity(n + 1);
    for i in 0..n {
        at.push(hashes.len() as u32);
        if all {
            hashes.extend_from_slice(&c.words[i].intrinsic);
            neighbour_words(&c, i, &mut hashes);
        }
        word_context(&c, i, &mut hashes);
        neighbour_features(&c, i, &mut hashes);
    }
    at.push(hashes.len() as u32);
    Extracted {
        features: TokenFeatures { hashes, at },
        segments: segments_from(&c.sent_start),
        words: c.words,
    }
}

/// Second-pass features: how the first pass labelled the same word elsewhere in the text.
///
/// `kinds` holds the first pass's type per token (None outside names).
pub fn document_features(words: &[Rc<WordInfo>], kinds: &[Option<EntityType>]) -> Vec<Option<u64>> {
    let mut votes: HashMap<u64, [u16; 4]> = HashMap::default();
    for (w, k) in words.iter().zip(kinds) {
        votes.entry(w.lower_h).or_default()[kind_slot(*k)] += 1;
    }
    words
        .iter()
        .zip(kinds)
        .map(|(w, k)| {
            let mut v = votes[&w.lower_h];
            v[kind_slot(*k)] -= 1;
            let others: u16 = v.iter().sum();
            if others == 0 || !w.alphabetic {
                return None;
            }
            let best = (0..4).max_by_key(|&s| (v[s], s == 0)).unwrap_or(0);
            Some(mix(30, &[best as u64, u64::from(v[best] == others)]))
        })
        .collect()
}

/// Every feature [`document_features`] can give, so that training reserves their weights.
pub fn all_document_features() -> Vec<u64> {
    (0..4u64)
        .flat_map(|k| [0, 1].map(|all| mix(30, &[k, all])))
        .collect()
}

fn kind_slot(k: Option<EntityType>) -> usize {
    match k {
        None => 0,
        Some(EntityType::Person) => 1,
        Some(EntityType::Organization) => 2,
        Some(EntityType::Location) => 3,
    }
}
