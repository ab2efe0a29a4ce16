//! What the entity tagger sees of each token: hashed feature strings.
//!
//! Features are the word and its lowercase form, shape, affixes, the two words on either side,
//! casing in context (sentence start, all-caps headline lines, results-table lines), gazetteer and
//! given-name membership, and document-level evidence. Casing is one feature among many, never a
//! gate: a lowercase name still has its words, affixes and neighbours.

use std::sync::LazyLock;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::lexicon::{FEMALE, GAZETTEER, LOC_HEADS, MALE, ORG_HEADS, PERSON_ROLES, TITLES};
use model::EntityType;

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

/// Per-token facts worked out once per sequence.
struct Context {
    lower: Vec<String>,
    shape: Vec<String>,
    short: Vec<String>,
    sent_start: Vec<bool>,
    mode: Vec<LineMode>,
    gaz: Vec<u8>,
    given: Vec<bool>,
    title: Vec<bool>,
    /// Head noun of an organisation's ("Company") or a place's ("Bay") name: "o", "l" or "-".
    head: Vec<&'static str>,
    /// Capitalised in mid-sentence somewhere else in the text.
    cap_elsewhere: Vec<bool>,
}

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
    let starts = sentence_starts(seq);
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

/// Lowercase gazetteer names and their first words, for matching whatever the casing.
struct GazIndex {
    names: HashMap<String, EntityType>,
    firsts: HashSet<String>,
    max_tokens: usize,
}

static GAZ_INDEX: LazyLock<GazIndex> = LazyLock::new(|| {
    let g = &*GAZETTEER;
    let mut names = HashMap::default();
    for (name, entry) in g.names.iter() {
        names.entry(name.to_lowercase()).or_insert(entry.kind);
    }
    let firsts = names
        .keys()
        .map(|n| n.split(' ').next().unwrap_or_default().to_string())
        .collect();
    GazIndex {
        names,
        firsts,
        max_tokens: g.max_tokens,
    }
});

static TITLE_WORDS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    TITLES
        .iter()
        .chain(PERSON_ROLES.iter())
        .map(|t| t.to_lowercase())
        .collect()
});

/// Lowercase organisation and place head nouns.
static HEAD_WORDS: LazyLock<(HashSet<String>, HashSet<String>)> = LazyLock::new(|| {
    let low = |s: &HashSet<&str>| s.iter().map(|w| w.to_lowercase()).collect();
    (low(&ORG_HEADS), low(&LOC_HEADS))
});

/// Whether a word is a title or role word ("president", "minister", "Sen.").
pub fn is_title_word(w: &str) -> bool {
    TITLE_WORDS.contains(&w.to_lowercase())
}

/// Gazetteer code per token: 0 none, 1/2 begin/inside a place, 3/4 an organisation, 5 a demonym.
fn gazetteer_codes(lower: &[String], raw: &[&str]) -> Vec<u8> {
    let gi = &*GAZ_INDEX;
    let n = lower.len();
    let mut codes = vec![0u8; n];
    let mut i = 0;
    while i < n {
        if GAZETTEER.demonyms.contains_key(raw[i]) {
            codes[i] = 5;
        }
        if !gi.firsts.contains(&lower[i]) {
            i += 1;
            continue;
        }
        let mut hit = None;
        let mut key = String::new();
        for len in 1..=gi.max_tokens.min(n - i) {
            if len > 1 {
                key.push(' ');
            }
            key.push_str(&lower[i + len - 1]);
            if let Some(&k) = gi.names.get(&key) {
                hit = Some((len, k));
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

fn cap_elsewhere(raw: &[&str], lower: &[String], sent_start: &[bool]) -> Vec<bool> {
    let mut capped: HashSet<&str> = HashSet::default();
    for (i, w) in raw.iter().enumerate() {
        if !sent_start[i] && w.chars().next().is_some_and(char::is_uppercase) {
            capped.insert(lower[i].as_str());
        }
    }
    lower.iter().map(|l| capped.contains(l.as_str())).collect()
}

fn context(seq: &Sequence) -> Context {
    let raw: Vec<&str> = seq.toks.iter().map(|&(s, e)| &seq.text[s..e]).collect();
    let lower: Vec<String> = raw.iter().map(|w| w.to_lowercase()).collect();
    let (shape, short) = raw.iter().map(|w| shapes(w)).unzip();
    let sent_start = sentence_starts(seq);
    let given = lower
        .iter()
        .map(|l| FEMALE.contains(l.as_str()) || MALE.contains(l.as_str()))
        .collect();
    let title = lower.iter().map(|l| TITLE_WORDS.contains(l)).collect();
    let head = lower
        .iter()
        .map(|l| {
            if HEAD_WORDS.0.contains(l) {
                "o"
            } else if HEAD_WORDS.1.contains(l) {
                "l"
            } else {
                "-"
            }
        })
        .collect();
    Context {
        head,
        gaz: gazetteer_codes(&lower, &raw),
        cap_elsewhere: cap_elsewhere(&raw, &lower, &sent_start),
        mode: line_modes(seq),
        lower,
        shape,
        short,
        sent_start,
        given,
        title,
    }
}

const MODE: [&str; 3] = ["p", "c", "t"];
const GAZ: [&str; 6] = ["-", "BL", "IL", "BO", "IO", "D"];

fn mode_name(m: LineMode) -> &'static str {
    MODE[m as usize]
}

/// Features of a word on its own (form, lowercase, shape, affixes): the same wherever it stands.
pub fn intrinsic(raw: &str, out: &mut Vec<u64>) {
    let l = raw.to_lowercase();
    let (shape, _) = shapes(raw);
    out.push(hash(0, &[]));
    out.push(hash(1, &[raw]));
    out.push(hash(2, &[&l]));
    out.push(hash(3, &[&shape]));
    let chars: Vec<usize> = l.char_indices().map(|(b, _)| b).collect();
    let n = chars.len();
    for k in 1..=4.min(n.saturating_sub(1)) {
        out.push(hash(3 + k as u8, &[&l[..chars[k]]]));
        out.push(hash(7 + k as u8, &[&l[chars[n - k]..]]));
    }
}

/// What a word (lowercased) gives the tokens around it: the one after, the one before, two
/// after, two before.
pub fn as_neighbour(lower: &str) -> [u64; 4] {
    [
        hash(12, &[lower]),
        hash(13, &[lower]),
        hash(14, &[lower]),
        hash(15, &[lower]),
    ]
}

/// Stand-ins for the words before the first token and after the last.
pub const BEFORE_START: &str = "<s>";
/// See [`BEFORE_START`].
pub const AFTER_END: &str = "</s>";

/// Features of token `i` that look at its casing, line and gazetteer context.
fn word_context(c: &Context, i: usize, out: &mut Vec<u64>) {
    let ss = if c.sent_start[i] { "s" } else { "m" };
    out.push(hash(20, &[ss, mode_name(c.mode[i]), &c.short[i]]));
    out.push(hash(21, &[GAZ[c.gaz[i] as usize]]));
    out.push(hash(24, &[GAZ[c.gaz[i] as usize], &c.short[i]]));
    if c.given[i] {
        out.push(hash(25, &[&c.short[i]]));
    }
    if c.title[i] {
        out.push(hash(26, &[]));
    }
    let elsewhere = if c.cap_elsewhere[i] { "y" } else { "n" };
    out.push(hash(28, &[elsewhere, ss, &c.short[i]]));
}

/// The neighbour-word features of token `i`.
fn neighbour_words(c: &Context, i: usize, out: &mut Vec<u64>) {
    let n = c.lower.len() as isize;
    for (k, d) in [-1isize, 1, -2, 2].into_iter().enumerate() {
        let j = i as isize + d;
        let w = if j < 0 {
            BEFORE_START
        } else if j >= n {
            AFTER_END
        } else {
            &c.lower[j as usize]
        };
        out.push(as_neighbour(w)[k]);
    }
}

/// Features of token `i` that look at its neighbours.
fn neighbour_features(c: &Context, i: usize, out: &mut Vec<u64>) {
    let n = c.lower.len();
    let at = |d: isize| -> &str {
        let j = i as isize + d;
        if j < 0 {
            "<s>"
        } else if j as usize >= n {
            "</s>"
        } else {
            &c.lower[j as usize]
        }
    };
    out.push(hash(18, &[at(-1), &c.lower[i]]));
    out.push(hash(19, &[&c.lower[i], at(1)]));
    let sh = |d: isize| -> &str {
        let j = i as isize + d;
        if j < 0 || j as usize >= n {
            "_"
        } else {
            &c.short[j as usize]
        }
    };
    out.push(hash(16, &[sh(-1), &c.shape[i]]));
    out.push(hash(17, &[&c.shape[i], sh(1)]));
    let gz = |d: isize| -> &str {
        let j = i as isize + d;
        if j < 0 || j as usize >= n {
            "_"
        } else {
            GAZ[c.gaz[j as usize] as usize]
        }
    };
    out.push(hash(22, &[gz(-1)]));
    out.push(hash(23, &[gz(1)]));
    if i > 0 && c.given[i - 1] {
        out.push(hash(27, &[&c.short[i]]));
    }
    if i > 0 && c.title[i - 1] {
        out.push(hash(29, &[&c.short[i]]));
    }
    // The head noun that ends the name this token may open ("Nordhaven Shipping Company").
    let head_at = |d: usize| c.head.get(i + d).copied().unwrap_or("_");
    out.push(hash(31, &[head_at(0), &c.short[i]]));
    out.push(hash(32, &[head_at(1), head_at(2)]));
}

/// The first-pass features of every token: [`intrinsic`], the neighbours' [`as_neighbour`], and
/// the context features.
pub fn extract(seq: &Sequence) -> TokenFeatures {
    build(seq, true).0
}

/// The context features only, with each token's lowercase form: the tagger adds the per-word
/// features from its cache.
pub fn extract_context(seq: &Sequence) -> (TokenFeatures, Vec<String>) {
    build(seq, false)
}

fn build(seq: &Sequence, all: bool) -> (TokenFeatures, Vec<String>) {
    let c = context(seq);
    let n = seq.toks.len();
    let mut hashes = Vec::with_capacity(n * if all { 36 } else { 20 });
    let mut at = Vec::with_capacity(n + 1);
    for i in 0..n {
        at.push(hashes.len() as u32);
        if all {
            intrinsic(&seq.text[seq.toks[i].0..seq.toks[i].1], &mut hashes);
            neighbour_words(&c, i, &mut hashes);
        }
        word_context(&c, i, &mut hashes);
        neighbour_features(&c, i, &mut hashes);
    }
    at.push(hashes.len() as u32);
    (TokenFeatures { hashes, at }, c.lower)
}

/// Second-pass features: how the first pass labelled the same word elsewhere in the text.
///
/// `lower` holds each token's lowercase form, `kinds` the first pass's type (None outside names).
pub fn document_features(lower: &[String], kinds: &[Option<EntityType>]) -> Vec<Option<u64>> {
    let mut votes: HashMap<&str, [u16; 4]> = HashMap::default();
    for (l, k) in lower.iter().zip(kinds) {
        votes.entry(l.as_str()).or_default()[kind_slot(*k)] += 1;
    }
    lower
        .iter()
        .zip(kinds)
        .map(|(l, k)| {
            let mut v = votes[l.as_str()];
            v[kind_slot(*k)] -= 1;
            let others: u16 = v.iter().sum();
            if others == 0 || !l.chars().any(char::is_alphabetic) {
                return None;
            }
            let best = (0..4).max_by_key(|&s| (v[s], s == 0)).unwrap_or(0);
            let all = if v[best] == others { "all" } else { "most" };
            Some(hash(30, &[["O", "P", "G", "L"][best], all]))
        })
        .collect()
}

/// Every feature [`document_features`] can give, so that training reserves their weights.
pub fn all_document_features() -> Vec<u64> {
    ["O", "P", "G", "L"]
        .iter()
        .flat_map(|k| ["all", "most"].map(|a| hash(30, &[k, a])))
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
