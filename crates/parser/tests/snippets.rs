//! Snippet scoring on invented pages in several languages: each page lists text that must appear
//! in lede + body and boilerplate that must not, scored as whitespace-normalised substring
//! matches with F1 = 2tp / (2tp + fp + fn). The pages carry date stamps, share and subscribe
//! lines, photo credits, reading times and related-story lists in their own language.

use std::path::{Path, PathBuf};

use parser::{ParseOptions, Parser};

/// The mean F1 over the set stays at least this; it measures 1.000 today.
const FLOOR: f64 = 0.97;

#[derive(serde::Deserialize)]
struct Snippets {
    url: String,
    must: Vec<String>,
    must_not: Vec<String>,
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snippets")
}

fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn article(name: &str, url: &str) -> model::Article {
    let bytes = std::fs::read(dir().join(format!("{name}.html"))).expect("page exists");
    let opts = ParseOptions {
        url: Some(url),
        content_type: None,
        fetched_at: None,
    };
    Parser::default()
        .parse_report(&bytes, &opts)
        .expect("page parses")
        .article
}

/// The extracted lede and body of one page, whitespace-normalised.
fn extracted(name: &str, url: &str) -> String {
    let a = article(name, url);
    normalise(&format!("{}\n{}", a.lede.unwrap_or_default(), a.body))
}

/// F1 of one page, with what it missed and what it kept that it should not have.
fn score(name: &str) -> (f64, Vec<String>) {
    let raw = std::fs::read_to_string(dir().join(format!("{name}.json"))).expect("snippets exist");
    let s: Snippets = serde_json::from_str(&raw).expect("snippets parse");
    let text = extracted(name, &s.url);
    let mut faults = Vec::new();
    let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
    for m in &s.must {
        if text.contains(&normalise(m)) {
            tp += 1.0;
        } else {
            fn_ += 1.0;
            faults.push(format!("missing: {m}"));
        }
    }
    for m in &s.must_not {
        if text.contains(&normalise(m)) {
            fp += 1.0;
            faults.push(format!("kept: {m}"));
        }
    }
    (2.0 * tp / (2.0 * tp + fp + fn_), faults)
}

#[test]
fn boilerplate_in_many_languages_stays_out_of_the_body() {
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .expect("snippet folder")
        .filter_map(|e| {
            let p = e.ok()?.path();
            let stem = p.file_stem()?.to_string_lossy().into_owned();
            (p.extension()? == "json").then_some(stem)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 6, "snippet pages: {names:?}");
    let mut total = 0.0;
    for name in &names {
        let (f1, faults) = score(name);
        println!("{name:<16} F1 {f1:.3} {}", faults.join(" | "));
        total += f1;
    }
    let mean = total / names.len() as f64;
    println!("mean F1 {mean:.3} over {} pages", names.len());
    assert!(mean >= FLOOR, "mean F1 {mean:.3} is under {FLOOR}");
}

#[test]
fn a_republished_story_starts_at_its_dateline_below_byline_and_caption() {
    let a = article(
        "en-republished",
        "https://www.coastline-daily.example/world/flood",
    );
    let d = a
        .dateline
        .expect("dateline found below the byline and caption");
    assert_eq!(d.place.as_deref(), Some("PORT ILSEN"));
    assert_eq!(d.agency.as_deref(), Some("Reuters"));
    assert!(
        a.body.starts_with("PORT ILSEN, March 3 (Reuters) - "),
        "{}",
        a.body
    );
}
