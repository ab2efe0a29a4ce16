//! Measures single-thread parsing speed over a folder of pages (`.html` or `.html.gz`).
//!
//! `cargo run --release -p parser --example bench -- ../shared/bench/aeb/pages [ROUNDS]`

use std::io::Read;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .unwrap_or_else(|| "../shared/bench/aeb/pages".into());
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let mut pages = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("readable folder")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        let raw = std::fs::read(&p).expect("readable page");
        if p.extension().is_some_and(|e| e == "gz") {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(&raw[..])
                .read_to_end(&mut out)
                .expect("gzip page");
            pages.push(out);
        } else {
            pages.push(raw);
        }
    }
    let bytes: usize = pages.iter().map(Vec::len).sum();
    let parser = parser::Parser::default();
    let opts = parser::ParseOptions::default();
    let mut best = f64::MAX;
    let mut best_cpu = f64::MAX;
    for _ in 0..rounds {
        let t = Instant::now();
        let c0 = cpu_seconds();
        let mut chars = 0usize;
        for p in &pages {
            if let Ok(a) = parser.parse(p, &opts) {
                chars += a.body.len();
            }
        }
        best = best.min(t.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (c0, cpu_seconds()) {
            best_cpu = best_cpu.min(b - a);
        }
        std::hint::black_box(chars);
    }
    println!(
        "{} pages, {:.1} MB: {:.0} pages/s, {:.1} MB/s (best of {rounds}, one thread)",
        pages.len(),
        bytes as f64 / 1e6,
        pages.len() as f64 / best,
        bytes as f64 / 1e6 / best
    );
    if best_cpu < f64::MAX {
        println!(
            "on-CPU time only (what a core free of other work would give): {:.0} pages/s, {:.1} MB/s",
            pages.len() as f64 / best_cpu,
            bytes as f64 / 1e6 / best_cpu
        );
    }
}

/// Time this thread spent on a CPU, from Linux's schedstat; `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}
