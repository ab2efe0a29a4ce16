//! Training the entity tagger: an averaged structured perceptron, in two passes.
//!
//! The second pass learns from first-pass labels that the first pass did not train on (the
//! training texts are split into folds), so it does not learn to trust them blindly.

use rustc_hash::FxHashMap as HashMap;

use super::features::{self, Sequence, TokenFeatures};
use super::tagger::{
    decode, tag_kind, tags_of, token_ranges, token_spans, Model, TrainConfig, TrainDoc, NT, ROW,
};

/// One training text, with its features already looked up.
struct Prepared {
    toks: Vec<(usize, usize)>,
    segments: Vec<(usize, usize)>,
    /// Row of each feature hash (`u32::MAX`: unknown), laid out as in `feats.at`.
    rows: Vec<u32>,
    at: Vec<u32>,
    gold: Vec<usize>,
}

/// Perceptron weights with their running sums for averaging.
struct Perceptron {
    w: Vec<f32>,
    sum: Vec<f32>,
    trans: [f32; (NT + 1) * NT],
    trans_sum: [f32; (NT + 1) * NT],
    /// Examples seen, the averaging clock.
    clock: f32,
}

impl Perceptron {
    fn new(rows: usize) -> Self {
        Perceptron {
            w: vec![0.0; rows * NT],
            sum: vec![0.0; rows * NT],
            trans: [0.0; (NT + 1) * NT],
            trans_sum: [0.0; (NT + 1) * NT],
            clock: 1.0,
        }
    }

    fn emissions(&self, p: &Prepared, extra: &[u32]) -> Vec<[f32; NT]> {
        self.emissions_of(p, extra, 0, p.gold.len())
    }

    /// Emission scores of tokens `s..e`.
    fn emissions_of(&self, p: &Prepared, extra: &[u32], s: usize, e: usize) -> Vec<[f32; NT]> {
        let mut out = vec![[0.0; NT]; e - s];
        for (k, e) in out.iter_mut().enumerate() {
            let i = s + k;
            let own = &p.rows[p.at[i] as usize..p.at[i + 1] as usize];
            for &r in own.iter().chain(extra.get(i)) {
                if r != u32::MAX {
                    let row = &self.w[r as usize * NT..][..NT];
                    e.iter_mut().zip(row).for_each(|(a, b)| *a += b);
                }
            }
        }
        out
    }

    fn bump(&mut self, r: u32, t: usize, by: f32) {
        let k = r as usize * NT + t;
        self.w[k] += by;
        self.sum[k] += by * self.clock;
    }

    fn bump_trans(&mut self, prev: Option<usize>, t: usize, by: f32) {
        let k = prev.unwrap_or(NT) * NT + t;
        self.trans[k] += by;
        self.trans_sum[k] += by * self.clock;
    }

    /// One text, a segment at a time: decode, then move weights from the guess to the gold tags.
    fn learn(&mut self, p: &Prepared, extra: &[u32]) {
        for &(s, e) in &p.segments {
            let emit = self.emissions_of(p, extra, s, e);
            let guess = decode(&emit, &self.trans, &[(0, e - s)]);
            if guess[..] != p.gold[s..e] {
                self.update(p, extra, s, &guess);
            }
            self.clock += 1.0;
        }
    }

    /// Moves the weights of segment `s..` towards its gold tags and away from `guess`.
    fn update(&mut self, p: &Prepared, extra: &[u32], s: usize, guess: &[usize]) {
        for (k, &y) in guess.iter().enumerate() {
            let i = s + k;
            let g = p.gold[i];
            if g != y {
                let own = p.rows[p.at[i] as usize..p.at[i + 1] as usize].to_vec();
                for r in own.into_iter().chain(extra.get(i).copied()) {
                    if r != u32::MAX {
                        self.bump(r, g, 1.0);
                        self.bump(r, y, -1.0);
                    }
                }
            }
            let gp = k.checked_sub(1).map(|j| p.gold[s + j]);
            let yp = k.checked_sub(1).map(|j| guess[j]);
            if g != y || gp != yp {
                self.bump_trans(gp, g, 1.0);
                self.bump_trans(yp, y, -1.0);
            }
        }
    }

    /// The averaged weights.
    fn averaged(&self) -> (Vec<f32>, [f32; (NT + 1) * NT]) {
        let w = self
            .w
            .iter()
            .zip(&self.sum)
            .map(|(w, s)| w - s / self.clock)
            .collect();
        let mut t = [0.0; (NT + 1) * NT];
        for (k, x) in t.iter_mut().enumerate() {
            *x = self.trans[k] - self.trans_sum[k] / self.clock;
        }
        (w, t)
    }

    fn predict(&self, p: &Prepared, extra: &[u32]) -> Vec<usize> {
        decode(&self.emissions(p, extra), &self.trans, &p.segments)
    }
}

/// Deterministic shuffling (splitmix64).
fn shuffle(order: &mut [usize], seed: &mut u64) {
    for i in (1..order.len()).rev() {
        *seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        order.swap(i, (z % (i as u64 + 1)) as usize);
    }
}

/// Feature rows: every feature seen at least `min_count` times, plus the document features.
fn build_index(feats: &[TokenFeatures], min_count: u32) -> HashMap<u64, u32> {
    let mut counts: HashMap<u64, u32> = HashMap::default();
    for f in feats {
        for &h in &f.hashes {
            *counts.entry(h).or_default() += 1;
        }
    }
    let mut keys: Vec<u64> = counts
        .into_iter()
        .filter(|&(_, c)| c >= min_count)
        .map(|(k, _)| k)
        .collect();
    keys.extend(features::all_document_features());
    keys.sort_unstable();
    keys.dedup();
    keys.into_iter()
        .enumerate()
        .map(|(i, k)| (k, i as u32))
        .collect()
}

fn prepare(docs: &[TrainDoc], min_count: u32) -> (Vec<Prepared>, HashMap<u64, u32>) {
    let toks: Vec<_> = docs.iter().map(|d| token_ranges(&d.text)).collect();
    let feats: Vec<TokenFeatures> = docs
        .iter()
        .zip(&toks)
        .map(|(d, t)| {
            features::extract(&Sequence {
                text: &d.text,
                toks: t,
            })
        })
        .collect();
    let index = build_index(&feats, min_count);
    let prepared = docs
        .iter()
        .zip(toks)
        .zip(feats)
        .map(|((d, toks), f)| Prepared {
            rows: f
                .hashes
                .iter()
                .map(|h| index.get(h).copied().unwrap_or(u32::MAX))
                .collect(),
            at: f.at,
            gold: tags_of(&token_spans(&toks, &d.names), toks.len()),
            segments: features::segments(&Sequence {
                text: &d.text,
                toks: &toks,
            }),
            toks,
        })
        .collect();
    (prepared, index)
}

/// Trains one pass on the texts `docs` picks, with per-token extra rows (the second pass's).
fn train_pass(
    all: &[Prepared],
    docs: &[usize],
    extra: &[Vec<u32>],
    rows: usize,
    cfg: &TrainConfig,
) -> Perceptron {
    let mut p = Perceptron::new(rows);
    let mut order = docs.to_vec();
    let mut seed = cfg.seed;
    for _ in 0..cfg.epochs {
        shuffle(&mut order, &mut seed);
        for &d in &order {
            p.learn(&all[d], &extra[d]);
        }
    }
    let (w, t) = p.averaged();
    p.w = w;
    p.trans = t;
    p
}

/// First-pass labels of every training text from models that did not see it.
fn held_out_kinds(
    all: &[Prepared],
    rows: usize,
    cfg: &TrainConfig,
    log: &mut dyn FnMut(String),
) -> Vec<Vec<usize>> {
    let none: Vec<Vec<u32>> = vec![Vec::new(); all.len()];
    let folds = cfg.folds.max(2);
    let mut out = vec![Vec::new(); all.len()];
    for f in 0..folds {
        let train: Vec<usize> = (0..all.len()).filter(|i| i % folds != f).collect();
        let p = train_pass(all, &train, &none, rows, cfg);
        for i in (0..all.len()).filter(|i| i % folds == f) {
            out[i] = p.predict(&all[i], &[]);
        }
        log(format!("fold {} of {folds} done", f + 1));
    }
    out
}

/// Trains a model on gold-labelled texts; `log` hears about progress.
pub fn train(docs: &[TrainDoc], cfg: &TrainConfig, log: &mut dyn FnMut(String)) -> Model {
    let (all, index) = prepare(docs, cfg.min_count);
    let rows = index.len();
    log(format!("{} texts, {rows} features", all.len()));
    let everything: Vec<usize> = (0..all.len()).collect();
    let none: Vec<Vec<u32>> = vec![Vec::new(); all.len()];
    let first = train_pass(&all, &everything, &none, rows, cfg);
    log("first pass trained".into());
    let held = held_out_kinds(&all, rows, cfg, log);
    let extra: Vec<Vec<u32>> = all
        .iter()
        .zip(docs)
        .zip(&held)
        .map(|((p, d), tags)| {
            let kinds: Vec<_> = tags.iter().map(|&t| tag_kind(t)).collect();
            let seq = Sequence {
                text: &d.text,
                toks: &p.toks,
            };
            let words = features::extract_context(&seq).words;
            features::document_features(&words, &kinds)
                .into_iter()
                .map(|f| f.and_then(|f| index.get(&f).copied()).unwrap_or(u32::MAX))
                .collect()
        })
        .collect();
    let second = train_pass(&all, &everything, &extra, rows, cfg);
    log("second pass trained".into());
    combine(index, &first, &second)
}

/// One table of both passes' weights, without the rows that stayed zero.
fn combine(index: HashMap<u64, u32>, first: &Perceptron, second: &Perceptron) -> Model {
    let mut model = Model::empty();
    for (k, r) in index {
        let a = &first.w[r as usize * NT..][..NT];
        let b = &second.w[r as usize * NT..][..NT];
        if a.iter().chain(b).all(|w| w.abs() < 1e-4) {
            continue;
        }
        model.index.insert(k, (model.rows.len() / ROW) as u32);
        model.rows.extend_from_slice(a);
        model.rows.extend_from_slice(b);
    }
    model.trans = [first.trans, second.trans];
    model
}
