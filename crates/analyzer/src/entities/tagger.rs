//! The trained entity tagger: an averaged structured perceptron over BIO tags, decoded by Viterbi.
//!
//! Two passes share one weight table. The first tags from the token features alone; the second
//! adds how the first labelled the same word elsewhere in the text, so that "Enron" in a
//! headline and "Enron" in the body agree. The shipped weights (`data/ner.model.gz`, trained by
//! `cargo run --release -p analyzer --example train_ner`) are decoded once per process and shared.

use std::io::{Read, Write};
use std::sync::LazyLock;

use rustc_hash::FxHashMap as HashMap;

use model::EntityType;

use super::features::{self, TokenFeatures};

/// Number of tags: O, then B and I for person, organisation and location.
pub(super) const NT: usize = 7;
/// Weights per feature row: one set of tag weights for each pass.
pub(super) const ROW: usize = 2 * NT;
const MAGIC: &[u8; 6] = b"WHNER1";

const KINDS: [EntityType; 3] = [
    EntityType::Person,
    EntityType::Organization,
    EntityType::Location,
];

/// A tagged name: a token range and its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First token.
    pub s: usize,
    /// One past the last token.
    pub e: usize,
    /// What the name is.
    pub kind: EntityType,
}

/// Errors reading a model file.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// Not a model written by this version.
    #[error("not a wirehose entity model (bad header)")]
    BadHeader,
    /// Cut short or corrupt.
    #[error("entity model is truncated or corrupt: {0}")]
    Corrupt(String),
}

/// Tag weights, one row of both passes' weights per known feature.
pub struct Model {
    /// Tells models apart in the per-thread word cache.
    id: u64,
    pub(super) index: HashMap<u64, u32>,
    pub(super) rows: Vec<f32>,
    /// Transition weights per pass: `[prev][next]`, with row `NT` for the sequence start.
    pub(super) trans: [[f32; (NT + 1) * NT]; 2],
}

pub(super) fn tag_kind(t: usize) -> Option<EntityType> {
    (t > 0).then(|| KINDS[(t - 1) / 2])
}

fn kind_base(k: EntityType) -> usize {
    1 + 2 * KINDS.iter().position(|&x| x == k).unwrap_or(0)
}

/// An inside tag may only follow its own begin or inside tag; `prev` is `NT` at the start.
const fn allowed(prev: usize, next: usize) -> bool {
    next == 0 || next % 2 == 1 || (prev != 0 && prev < NT && prev.div_ceil(2) == next.div_ceil(2))
}

/// [`allowed`] for every pair, worked out at compile time.
const ALLOWED: [[bool; NT]; NT + 1] = {
    let mut a = [[false; NT]; NT + 1];
    let mut p = 0;
    while p <= NT {
        let mut t = 0;
        while t < NT {
            a[p][t] = allowed(p, t);
            t += 1;
        }
        p += 1;
    }
    a
};

/// Turns BIO tags into spans.
pub fn spans_of(tags: &[usize]) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    for (i, &t) in tags.iter().enumerate() {
        let Some(kind) = tag_kind(t) else { continue };
        match out.last_mut() {
            Some(last) if t % 2 == 0 && last.e == i && last.kind == kind => last.e = i + 1,
            _ => out.push(Span {
                s: i,
                e: i + 1,
                kind,
            }),
        }
    }
    out
}

/// BIO tags of spans over `n` tokens.
pub fn tags_of(spans: &[Span], n: usize) -> Vec<usize> {
    let mut tags = vec![0; n];
    for sp in spans {
        let b = kind_base(sp.kind);
        for (k, t) in tags.iter_mut().enumerate().take(sp.e.min(n)).skip(sp.s) {
            *t = if k == sp.s { b } else { b + 1 };
        }
    }
    tags
}

/// Best tag sequence for per-token emission scores.
fn viterbi(emit: &[[f32; NT]], trans: &[f32; (NT + 1) * NT]) -> Vec<usize> {
    let n = emit.len();
    if n == 0 {
        return Vec::new();
    }
    let mut back = vec![[0u8; NT]; n];
    let mut score = [f32::NEG_INFINITY; NT];
    for t in 0..NT {
        if ALLOWED[NT][t] {
            score[t] = emit[0][t] + trans[NT * NT + t];
        }
    }
    for i in 1..n {
        let mut next = [f32::NEG_INFINITY; NT];
        for t in 0..NT {
            for p in 0..NT {
                if !ALLOWED[p][t] {
                    continue;
                }
                let s = score[p] + trans[p * NT + t];
                if s > next[t] {
                    next[t] = s;
                    back[i][t] = p as u8;
                }
            }
            next[t] += emit[i][t];
        }
        score = next;
    }
    let mut t = (0..NT)
        .max_by(|&a, &b| score[a].total_cmp(&score[b]))
        .unwrap_or(0);
    let mut tags = vec![0; n];
    for i in (0..n).rev() {
        tags[i] = t;
        t = back[i][t] as usize;
    }
    tags
}

/// Viterbi over each segment in turn.
pub(super) fn decode(
    emit: &[[f32; NT]],
    trans: &[f32; (NT + 1) * NT],
    segments: &[(usize, usize)],
) -> Vec<usize> {
    let mut tags = Vec::with_capacity(emit.len());
    for &(s, e) in segments {
        tags.extend(viterbi(&emit[s..e], trans));
    }
    tags
}

/// A word's summed weights: its own features, and what it gives each neighbour.
#[derive(Clone, Copy)]
struct WordRows {
    own: [f32; ROW],
    around: [[f32; ROW]; 4],
}

fn next_model_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The shipped weights, decoded on first use.
static SHIPPED: LazyLock<Model> = LazyLock::new(|| {
    Model::from_bytes(include_bytes!("../../data/ner.model.gz")).unwrap_or_else(|_| Model::empty())
});

impl Model {
    /// The model shipped with the crate, shared by every caller in the process.
    pub fn shipped() -> &'static Model {
        &SHIPPED
    }

    /// A model that knows no features and tags nothing.
    pub fn empty() -> Model {
        Model {
            id: next_model_id(),
            index: HashMap::default(),
            rows: Vec::new(),
            trans: [[0.0; (NT + 1) * NT]; 2],
        }
    }

    /// Number of features with weights.
    pub fn features(&self) -> usize {
        self.index.len()
    }

    /// Tags a token sequence with both passes.
    pub fn tag(&self, seq: &Sequence) -> Vec<Span> {
        spans_of(&self.tag_ids(seq))
    }

    fn tag_ids(&self, seq: &Sequence) -> Vec<usize> {
        let x = features::extract_context(seq);
        let rows = self.rows_of(&x.features);
        let (mut first, mut base2) = self.emissions(&x.features, &rows);
        self.add_word_rows(&x.words, &mut first, &mut base2);
        let segments = &x.segments;
        let tags = decode(&first, &self.trans[0], segments);
        let kinds: Vec<_> = tags.iter().map(|&t| tag_kind(t)).collect();
        let docf = features::document_features(&x.words, &kinds);
        let second: Vec<[f32; NT]> = base2
            .into_iter()
            .zip(&docf)
            .map(|(mut e, f)| {
                if let Some(r) = f.and_then(|f| self.index.get(&f)) {
                    let row = &self.rows[*r as usize * ROW + NT..][..NT];
                    e.iter_mut().zip(row).for_each(|(a, b)| *a += b);
                }
                e
            })
            .collect();
        decode(&second, &self.trans[1], segments)
    }

    /// Weights of a word's own features, and of it as each neighbour, summed once per word.
    fn word_rows(&self, own: &[u64], around: &super::words::Around) -> WordRows {
        let mut w = WordRows {
            own: self.sum_rows(own),
            around: [[0.0; ROW]; 4],
        };
        for (k, h) in around.iter().enumerate() {
            w.around[k] = self.sum_rows(h);
        }
        w
    }

    fn sum_rows(&self, hashes: &[u64]) -> [f32; ROW] {
        let mut out = [0.0; ROW];
        for r in hashes.iter().filter_map(|h| self.index.get(h)) {
            let row = &self.rows[*r as usize * ROW..][..ROW];
            out.iter_mut().zip(row).for_each(|(a, b)| *a += b);
        }
        out
    }

    /// A word's summed weights, worked out on its first sight and kept with its facts.
    fn weights_of<'w>(&self, w: &'w WordInfo) -> std::cell::Ref<'w, [f32]> {
        let fresh = w
            .weights
            .borrow()
            .as_ref()
            .is_some_and(|(id, _)| *id == self.id);
        if !fresh {
            let rows = self.word_rows(&w.intrinsic, &w.around);
            let mut flat = Vec::with_capacity(5 * ROW);
            flat.extend_from_slice(&rows.own);
            rows.around.iter().for_each(|a| flat.extend_from_slice(a));
            *w.weights.borrow_mut() = Some((self.id, flat.into_boxed_slice()));
        }
        std::cell::Ref::map(w.weights.borrow(), |x| &*x.as_ref().expect("just filled").1)
    }

    /// Adds each word's own weights and what its neighbours give it to both passes' emissions.
    fn add_word_rows(
        &self,
        infos: &[std::rc::Rc<WordInfo>],
        first: &mut [[f32; NT]],
        second: &mut [[f32; NT]],
    ) {
        let n = infos.len();
        let edges = super::words::EDGES.map(|(_, around)| self.word_rows(&[], &around));
        let weights: Vec<std::cell::Ref<[f32]>> =
            infos.iter().map(|w| self.weights_of(w)).collect();
        // Slot k + 1 of a word's weights is what it gives: the token after it (k = 0), before
        // it (1), two after (2), two before (3).
        let given = |j: isize, k: usize| -> &[f32] {
            if j < 0 {
                &edges[0].around[k]
            } else if j as usize >= n {
                &edges[1].around[k]
            } else {
                &weights[j as usize][(k + 1) * ROW..][..ROW]
            }
        };
        for i in 0..n {
            let x = i as isize;
            let parts = [
                &weights[i][..ROW],
                given(x - 1, 0),
                given(x + 1, 1),
                given(x - 2, 2),
                given(x + 2, 3),
            ];
            for p in parts {
                for t in 0..NT {
                    first[i][t] += p[t];
                    second[i][t] += p[NT + t];
                }
            }
        }
    }

    fn rows_of(&self, feats: &TokenFeatures) -> Vec<u32> {
        feats
            .hashes
            .iter()
            .map(|h| self.index.get(h).copied().unwrap_or(u32::MAX))
            .collect()
    }

    /// Emission scores of both passes from the token features.
    fn emissions(&self, feats: &TokenFeatures, rows: &[u32]) -> (Vec<[f32; NT]>, Vec<[f32; NT]>) {
        let n = feats.len();
        let (mut a, mut b) = (vec![[0.0; NT]; n], vec![[0.0; NT]; n]);
        for i in 0..n {
            for &r in &rows[feats.at[i] as usize..feats.at[i + 1] as usize] {
                if r == u32::MAX {
                    continue;
                }
                let row = &self.rows[r as usize * ROW..][..ROW];
                for t in 0..NT {
                    a[i][t] += row[t];
                    b[i][t] += row[NT + t];
                }
            }
        }
        (a, b)
    }

    /// The model as compressed bytes, weights quantised to 16 bits.
    pub fn to_bytes(&self) -> Vec<u8> {
        let scale = self.rows.iter().fold(0f32, |m, w| m.max(w.abs())).max(1e-6) / 32767.0;
        let mut keys: Vec<(u64, u32)> = self.index.iter().map(|(&k, &r)| (k, r)).collect();
        keys.sort_unstable();
        let mut raw = Vec::with_capacity(keys.len() * (8 + ROW * 2) + 1024);
        raw.extend_from_slice(MAGIC);
        raw.extend_from_slice(&scale.to_le_bytes());
        raw.extend_from_slice(&(keys.len() as u32).to_le_bytes());
        for pass in &self.trans {
            pass.iter()
                .for_each(|w| raw.extend_from_slice(&w.to_le_bytes()));
        }
        let mut prev = 0u64;
        for &(k, _) in &keys {
            // Sorted keys as deltas compress far better than raw hashes.
            raw.extend_from_slice(&(k - prev).to_le_bytes());
            prev = k;
        }
        for &(_, r) in &keys {
            for w in &self.rows[r as usize * ROW..][..ROW] {
                raw.extend_from_slice(&((w / scale).round() as i16).to_le_bytes());
            }
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&raw).expect("writing to memory");
        gz.finish().expect("writing to memory")
    }

    /// Reads a model written by [`Model::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut raw)
            .map_err(|e| ModelError::Corrupt(e.to_string()))?;
        if raw.len() < 14 || &raw[..6] != MAGIC {
            return Err(ModelError::BadHeader);
        }
        let mut r = Reader { raw: &raw, at: 6 };
        let scale = f32::from_le_bytes(r.take()?);
        let n = u32::from_le_bytes(r.take()?) as usize;
        let mut trans = [[0.0; (NT + 1) * NT]; 2];
        for pass in trans.iter_mut() {
            for w in pass.iter_mut() {
                *w = f32::from_le_bytes(r.take()?);
            }
        }
        let mut index = HashMap::with_capacity_and_hasher(n, Default::default());
        let mut key = 0u64;
        for i in 0..n {
            key = key.wrapping_add(u64::from_le_bytes(r.take()?));
            index.insert(key, i as u32);
        }
        let mut rows = Vec::with_capacity(n * ROW);
        for _ in 0..n * ROW {
            rows.push(f32::from(i16::from_le_bytes(r.take()?)) * scale);
        }
        Ok(Model {
            id: next_model_id(),
            index,
            rows,
            trans,
        })
    }
}

struct Reader<'a> {
    raw: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], ModelError> {
        let b = self
            .raw
            .get(self.at..self.at + N)
            .ok_or_else(|| ModelError::Corrupt(format!("ends at byte {}", self.at)))?;
        self.at += N;
        Ok(b.try_into().expect("slice of N bytes"))
    }
}

/// A training text with its gold names as byte ranges.
pub struct TrainDoc {
    /// The text.
    pub text: String,
    /// Gold names: byte start, byte end, type.
    pub names: Vec<(usize, usize, EntityType)>,
}

/// Training settings.
#[derive(Debug, Clone)]
pub struct TrainConfig {
    /// Passes over the data.
    pub epochs: usize,
    /// Seed of the shuffling.
    pub seed: u64,
    /// A feature must occur this often in the training data to get weights.
    pub min_count: u32,
    /// Folds for the second pass's first-pass labels on training data.
    pub folds: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            epochs: 10,
            seed: 17,
            min_count: 2,
            folds: 4,
        }
    }
}

/// The analyzer's tokens of a text, as byte ranges: what the tagger labels.
pub fn token_ranges(text: &str) -> Vec<(usize, usize)> {
    let chars = crate::text::char_table(text);
    crate::text::tokenize(text, &chars)
        .iter()
        .map(|t| (t.start, t.end))
        .collect()
}

/// Token spans of byte-range names: every token a name overlaps belongs to it.
pub fn token_spans(toks: &[(usize, usize)], names: &[(usize, usize, EntityType)]) -> Vec<Span> {
    let mut out = Vec::new();
    for &(s, e, kind) in names {
        let a = toks.partition_point(|t| t.1 <= s);
        let b = toks.partition_point(|t| t.0 < e);
        if a < b && out.last().is_none_or(|l: &Span| l.e <= a) {
            out.push(Span { s: a, e: b, kind });
        }
    }
    out
}

pub use super::features::{is_title_word, Sequence};
pub use super::training::train;
use super::words::WordInfo;

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str, names: &[(&str, EntityType)]) -> TrainDoc {
        let names = names
            .iter()
            .map(|(n, k)| {
                let s = text.find(n).expect("name in text");
                (s, s + n.len(), *k)
            })
            .collect();
        TrainDoc {
            text: text.to_string(),
            names,
        }
    }

    #[test]
    fn training_fits_what_it_was_shown() {
        use EntityType::*;
        let docs = vec![
            doc(
                "Talia Brandt met Oskar Lind in Velmora on Monday.",
                &[
                    ("Talia Brandt", Person),
                    ("Oskar Lind", Person),
                    ("Velmora", Location),
                ],
            ),
            doc(
                "The Quorvex Institute said prices rose in Dunmere.",
                &[("Quorvex Institute", Organization), ("Dunmere", Location)],
            ),
        ];
        let cfg = TrainConfig {
            min_count: 1,
            ..TrainConfig::default()
        };
        let m = train(&docs, &cfg, &mut |_| {});
        for d in &docs {
            let toks = token_ranges(&d.text);
            let got = m.tag(&Sequence {
                text: &d.text,
                toks: &toks,
            });
            assert_eq!(got, token_spans(&toks, &d.names), "{}", d.text);
        }
    }
}
