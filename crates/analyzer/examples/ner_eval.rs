//! Measures entity recognition on the shared corpora: precision, recall and F1, overall and per
//! type, on exact mention spans with a title before a name forgiven.
//!
//! Sets: GUM dev (named mentions as `../shared/data/ner/README.md` defines them), the held-out odd
//! documents of Universal NER English-EWT dev, and the Broad Twitter Corpus test section F. None
//! of them is trained on. `--tagger` scores the tagger's raw spans instead of the analyzer's
//! resolved mentions, `--model FILE` those of a model file; further arguments name sets to run (`gum`, `uner`, `btc`).
//!
//! `--lower` scores every text lowercased, as much web text is written. `NER_EVAL_SHOW=1` prints
//! each miss and extra; `NER_EVAL_VS_TAGGER=1` prints where the analyzer differs from the tagger.
//!
//! Usage: cargo run --release -p analyzer --example ner_eval [-- --tagger] [--lower] [SET...]

mod corpus;

use std::collections::HashSet;

use analyzer::ner::{self, Model, Sequence};
use corpus::{Casing, Document};
use model::EntityType;

/// A mention: byte start, byte end, type.
type Span = (usize, usize, EntityType);

const TYPES: [EntityType; 3] = [
    EntityType::Person,
    EntityType::Organization,
    EntityType::Location,
];

/// Counts of one set.
#[derive(Default)]
struct Score {
    /// Per type (person, organisation, location): true positives, predicted, gold.
    by_type: [(usize, usize, usize); 3],
}

impl Score {
    fn add(&mut self, gold: &HashSet<Span>, pred: &HashSet<Span>) {
        for (k, t) in TYPES.iter().enumerate() {
            let g: HashSet<_> = gold.iter().filter(|s| s.2 == *t).collect();
            let p: HashSet<_> = pred.iter().filter(|s| s.2 == *t).collect();
            let c = &mut self.by_type[k];
            c.0 += g.intersection(&p).count();
            c.1 += p.len();
            c.2 += g.len();
        }
    }
}

fn prf(tp: usize, pred: usize, gold: usize) -> (f64, f64, f64) {
    let p = if pred == 0 {
        0.0
    } else {
        tp as f64 / pred as f64
    };
    let r = if gold == 0 {
        0.0
    } else {
        tp as f64 / gold as f64
    };
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

/// A span with its leading title words dropped, so "President X" and "X" compare equal.
fn untitled(text: &str, (mut s, e, k): Span) -> Span {
    loop {
        let rest = &text[s..e];
        let Some(cut) = rest.find(char::is_whitespace) else {
            break;
        };
        if !ner::is_title_word(rest[..cut].trim_end_matches('.')) {
            break;
        }
        s += cut + rest[cut..].len() - rest[cut..].trim_start().len();
    }
    (s, e, k)
}

/// The analyzer's mentions, as byte ranges.
fn product_mentions(text: &str) -> Vec<Span> {
    let bytes: &Vec<usize> = &text
        .char_indices()
        .map(|(b, _)| b)
        .chain([text.len()])
        .collect();
    analyzer::analyze_text(text, None)
        .entities
        .iter()
        .flat_map(|e| {
            e.mentions
                .iter()
                .map(move |m| (bytes[m.start], bytes[m.end], e.entity_type))
        })
        .collect()
}

fn tagger_mentions(model: &Model, text: &str) -> Vec<Span> {
    let toks = ner::token_ranges(text);
    model
        .tag(&Sequence { text, toks: &toks })
        .iter()
        .map(|s| (toks[s.s].0, toks[s.e - 1].1, s.kind))
        .collect()
}

/// Prints where the analyzer's mentions differ from the tagger's, and which side gold agrees with.
fn show_against_tagger(t: &str, gold: &HashSet<Span>, pred: &HashSet<Span>) {
    let raw: HashSet<Span> = tagger_mentions(Model::shipped(), t)
        .into_iter()
        .map(|s| untitled(t, s))
        .collect();
    for s in raw.difference(pred) {
        let verdict = if gold.contains(s) {
            "lost"
        } else {
            "dropped-wrong"
        };
        println!("  {verdict:<13} {:?} {:?}", s.2, &t[s.0..s.1]);
    }
    for s in pred.difference(&raw) {
        let verdict = if gold.contains(s) {
            "gained"
        } else {
            "added-wrong"
        };
        println!("  {verdict:<13} {:?} {:?}", s.2, &t[s.0..s.1]);
    }
}

/// BTC section F with each bare "@" joined to its handle (`--btc-as-is` keeps the corpus's own
/// reading, where the sign is a name of its own).
fn btc_scored(path: &std::path::Path) -> Vec<Document> {
    let mut docs = corpus::read_iob(path);
    if !std::env::args().any(|a| a == "--btc-as-is") {
        corpus::join_handle_signs(&mut docs);
    }
    docs
}

fn score_set(name: &str, docs: &[Document], tagger: Option<&Model>) {
    let mut score = Score::default();
    let casing = if LOWER.get().copied().unwrap_or(false) {
        Casing::Lower
    } else {
        Casing::AsIs
    };
    for d in docs {
        let doc = d.text(&mut |_| casing);
        let t = doc.text.as_str();
        let gold: HashSet<Span> = doc.names.iter().map(|&s| untitled(t, s)).collect();
        let pred = match tagger {
            Some(m) => tagger_mentions(m, t),
            None => product_mentions(t),
        };
        let pred: HashSet<Span> = pred.into_iter().map(|s| untitled(t, s)).collect();
        if std::env::var_os("NER_EVAL_VS_TAGGER").is_some() {
            show_against_tagger(t, &gold, &pred);
        } else if std::env::var_os("NER_EVAL_SHOW").is_some() {
            for g in gold.difference(&pred) {
                println!("  missed {:?} {:?}", g.2, &t[g.0..g.1]);
            }
            for p in pred.difference(&gold) {
                println!("  extra  {:?} {:?}", p.2, &t[p.0..p.1]);
            }
        }
        score.add(&gold, &pred);
    }
    let total = score
        .by_type
        .iter()
        .fold((0, 0, 0), |a, c| (a.0 + c.0, a.1 + c.1, a.2 + c.2));
    let (p, r, f) = prf(total.0, total.1, total.2);
    print!(
        "{name:<12} P {p:.3}  R {r:.3}  F1 {f:.3}  (gold {})",
        total.2
    );
    for (k, t) in ["PER", "ORG", "LOC"].iter().enumerate() {
        let c = score.by_type[k];
        let (p, r, f) = prf(c.0, c.1, c.2);
        print!(" | {t} P {p:.2} R {r:.2} F1 {f:.3} ({})", c.2);
    }
    println!();
}

/// Whether the sets are scored lowercased (`--lower`), as much web text is written.
static LOWER: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    LOWER.get_or_init(|| args.iter().any(|a| a == "--lower"));
    let file = args.iter().position(|a| a == "--model").map(|i| {
        let path = &args[i + 1];
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        Model::from_bytes(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
    });
    let tagger = (file.is_some() || args.iter().any(|a| a == "--tagger"))
        .then(|| file.as_ref().unwrap_or_else(|| Model::shipped()));
    let chosen: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with("--") && !a.ends_with(".gz"))
        .map(String::as_str)
        .collect();
    let want = |s: &str| chosen.is_empty() || chosen.contains(&s);
    let root = corpus::data_root();
    println!(
        "scoring {}",
        if tagger.is_some() {
            "the tagger's spans"
        } else {
            "the analyzer's mentions"
        }
    );
    if want("gum") {
        score_set(
            "GUM dev",
            &corpus::read_gum_dir(&root.join("gum/dev")),
            tagger,
        );
    }
    if chosen.contains(&"gum-train") {
        score_set(
            "GUM train",
            &corpus::read_gum_dir(&root.join("gum/train")),
            tagger,
        );
    }
    if want("uner") {
        score_set("UNER held", &corpus::uner_half(true), tagger);
    }
    if want("btc") {
        score_set("BTC F", &btc_scored(&root.join("btc/f.conll")), tagger);
    }
}
