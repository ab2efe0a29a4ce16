//! Trains the entity tagger and writes `crates/analyzer/data/ner.model.gz`.
//!
//! Reads `../shared/data/ner`: GUM train, the Broad Twitter Corpus sections A, B, E, G and H
//! (F is its test section) and the even-numbered documents of Universal NER English-EWT dev (the
//! odd ones are held out); GUM and UNER texts are shown three times. Some texts are also shown lowercased, and some sentences as all-caps
//! headlines, so that casing stays one piece of evidence among many. Deterministic for a seed.
//!
//! Usage: cargo run --release -p analyzer --example train_ner [-- --seed N --epochs N --out FILE]

mod corpus;

use std::time::Instant;

use analyzer::ner::{self, TrainConfig, TrainDoc};
use corpus::{Casing, Document};

/// Share of training texts also shown lowercased, as much web text is written.
const LOWER_SHARE: f64 = 0.45;

/// A small deterministic generator for the casing choices (splitmix64).
struct Rng(u64);

impl Rng {
    fn chance(&mut self, p: f64) -> bool {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

fn args() -> (TrainConfig, std::path::PathBuf) {
    let mut cfg = TrainConfig::default();
    let mut out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/ner.model.gz");
    let a: Vec<String> = std::env::args().skip(1).collect();
    for w in a.chunks(2) {
        let v = w.get(1).map(String::as_str).unwrap_or_default();
        match w[0].as_str() {
            "--seed" => cfg.seed = v.parse().expect("--seed takes a number"),
            "--epochs" => cfg.epochs = v.parse().expect("--epochs takes a number"),
            "--min-count" => cfg.min_count = v.parse().expect("--min-count takes a number"),
            "--out" => out = v.into(),
            other => panic!("unknown argument {other}"),
        }
    }
    (cfg, out)
}

/// The corpora, each text as printed plus its recased copies.
fn training_texts(seed: u64) -> Vec<TrainDoc> {
    let root = corpus::data_root();
    let mut docs: Vec<Document> = corpus::read_gum_dir(&root.join("gum/train"));
    docs.extend(corpus::uner_half(false));
    let long_texts = docs.len();
    for s in ["a", "b", "e", "g", "h"] {
        docs.extend(corpus::read_iob(&root.join(format!("btc/{s}.conll"))));
    }
    corpus::trim_person_titles(&mut docs);
    let mut rng = Rng(seed);
    let mut out = Vec::new();
    for (k, d) in docs.iter().enumerate() {
        // Edited prose is shown three times, so that nine thousand tweets do not outweigh it.
        for _ in 1..if k < long_texts { 3 } else { 1 } {
            out.push(d.text(&mut |_| Casing::AsIs));
        }
        out.push(d.text(&mut |_| Casing::AsIs));
        if rng.chance(LOWER_SHARE) {
            out.push(d.text(&mut |_| Casing::Lower));
        }
        if d.sents.len() > 3 && rng.chance(0.3) {
            let mut r = Rng(rng.0 ^ 0x5eed);
            out.push(d.text(&mut |_| {
                if r.chance(0.15) {
                    Casing::Upper
                } else {
                    Casing::AsIs
                }
            }));
        }
    }
    out
}

fn main() {
    let (cfg, out) = args();
    let t0 = Instant::now();
    let docs = training_texts(cfg.seed);
    let names: usize = docs.iter().map(|d| d.names.len()).sum();
    println!("{} training texts, {names} names, {cfg:?}", docs.len());
    let model = ner::train(&docs, &cfg, &mut |m| {
        println!("[{:>6.1}s] {m}", t0.elapsed().as_secs_f64())
    });
    let bytes = model.to_bytes();
    std::fs::write(&out, &bytes).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    println!(
        "wrote {} ({} features, {:.1} MB) in {:.1}s",
        out.display(),
        model.features(),
        bytes.len() as f64 / 1e6,
        t0.elapsed().as_secs_f64()
    );
}
