//! `wirehose extract` as the scorers run it: many files, several threads, one line each in input
//! order, an error line for a file that cannot be read, and `--no-analyze` for the parser alone.

use std::path::PathBuf;
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn extract(args: &[&str], files: &[PathBuf]) -> (bool, Vec<serde_json::Value>) {
    let out = Command::new(env!("CARGO_BIN_EXE_wirehose"))
        .arg("--config")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../config/wirehose.toml"))
        .arg("extract")
        .args(args)
        .args(files)
        .output()
        .expect("run wirehose extract");
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 output");
    let lines = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    (out.status.success(), lines)
}

#[test]
fn many_files_come_back_in_input_order_with_errors_in_place() {
    let pages = ["tass-style.html", "reuters-style.html", "ap-style.html"];
    // Repeated so that three threads finish out of order.
    let mut files: Vec<PathBuf> = (0..4).flat_map(|_| pages.map(fixture)).collect();
    files.insert(5, fixture("no-such-page.html"));
    let (ok, lines) = extract(&["--format", "jsonl", "--jobs", "3"], &files);
    assert!(!ok, "a missing file must make the exit status non-zero");
    assert_eq!(lines.len(), files.len());
    for (line, file) in lines.iter().zip(&files) {
        assert_eq!(line["source"], file.display().to_string());
    }
    assert!(lines[5]["error"]
        .as_str()
        .is_some_and(|e| e.contains("cannot read")));
    let tass = &lines[0];
    assert!(tass["article"]["body"]
        .as_str()
        .is_some_and(|b| b.starts_with("MOSCOW")));
    assert!(!tass["quotes"].as_array().expect("quotes").is_empty());
    assert!(!tass["entities"].as_array().expect("entities").is_empty());
    // The same page gives the same line wherever it stands in the input.
    assert_eq!(lines[0], lines[3]);
    assert_eq!(lines[1], lines[4]);
}

#[test]
fn no_analyze_prints_the_article_without_quotes_or_entities() {
    let files = [fixture("tass-style.html")];
    let (ok, full) = extract(&["--format", "jsonl"], &files);
    let (ok_parse, parsed) = extract(&["--format", "jsonl", "--no-analyze"], &files);
    assert!(ok && ok_parse);
    assert_eq!(parsed[0]["article"], full[0]["article"]);
    assert!(parsed[0].get("quotes").is_none());
    assert!(parsed[0].get("entities").is_none());
    assert!(full[0]["quotes"].is_array());
}

/// Runs `wirehose extract` with the config at `config` and returns (success, the one output line).
fn extract_with(
    config: &std::path::Path,
    args: &[&str],
    file: &std::path::Path,
) -> (bool, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_wirehose"))
        .arg("--config")
        .arg(config)
        .arg("extract")
        .args(["--format", "jsonl"])
        .args(args)
        .arg(file)
        .output()
        .expect("run wirehose extract");
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 output");
    let line = stdout.lines().next().expect("one line of output");
    (
        out.status.success(),
        serde_json::from_str(line).expect("JSON line"),
    )
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wirehose-extract-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn a_page_over_max_body_bytes_is_refused_unless_the_flag_raises_it() {
    let dir = temp_dir("cap");
    let config = dir.join("wirehose.toml");
    std::fs::write(&config, "[crawler]\nmax_body_bytes = 20_000\n").expect("config");
    let page = dir.join("long.html");
    let para = "<p>The ferry company said on Monday that crossings to the island would resume once the new pier was finished.</p>\n";
    let html = format!(
        "<html lang=\"en\"><head><title>Ferry crossings to resume</title></head><body><article><h1>Ferry crossings to resume</h1>{}</article></body></html>",
        para.repeat(300)
    );
    assert!(html.len() > 20_000);
    std::fs::write(&page, &html).expect("page");

    let (ok, line) = extract_with(&config, &[], &page);
    assert!(!ok, "a refused page makes the exit status non-zero");
    let error = line["error"].as_str().expect("an error line");
    assert!(error.contains("max_body_bytes (20000 bytes)"), "{error}");
    assert!(line.get("article").is_none());

    let (ok, line) = extract_with(&config, &["--max-body-bytes", "100000"], &page);
    assert!(ok, "{line}");
    assert!(line["article"]["body"]
        .as_str()
        .is_some_and(|b| b.contains("new pier")));
    let (ok, _) = extract_with(&config, &["--max-body-bytes", "1000"], &page);
    assert!(!ok, "the flag can lower the limit too");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn quotes_and_mentions_per_article_are_bounded() {
    let dir = temp_dir("quotes");
    let page = dir.join("flood.html");
    let paras: String = (0..1_300)
        .map(|i| {
            format!(
                "<p>\"We will rebuild pier number {i} before the winter storms arrive,\" Mayor Mara Quillon said in Tarnow on Friday.</p>\n"
            )
        })
        .collect();
    let html = format!(
        "<html lang=\"en\"><head><title>Mayor promises piers</title></head><body><article><h1>Mayor promises piers</h1>\
         <p>TARNOW, March 6 (Test Wire) - The mayor of Tarnow spoke to reporters at the harbour on Friday.</p>{paras}</article></body></html>"
    );
    std::fs::write(&page, &html).expect("page");
    let config = dir.join("none.toml");
    let (ok, line) = extract_with(&config, &[], &page);
    assert!(ok, "{line}");
    let quotes = line["quotes"].as_array().expect("quotes");
    assert_eq!(quotes.len(), 1_000, "MAX_QUOTES_PER_ARTICLE");
    let found = line["capped"]["quotes"].as_u64().expect("capped.quotes");
    assert!(found > 1_000, "found {found}");
    assert!(quotes[0]["text"]
        .as_str()
        .is_some_and(|t| t.contains("pier number 0 ")));
    let mentions: usize = line["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(|e| e["mentions"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(mentions <= 5_000, "{mentions} mentions");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn explain_names_the_chosen_container_and_the_pruned_boxes() {
    let out = Command::new(env!("CARGO_BIN_EXE_wirehose"))
        .arg("--config")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../config/wirehose.toml"))
        .args(["extract", "--explain"])
        .arg(fixture("reuters-style.html"))
        .arg(fixture("no-such-page.html"))
        .output()
        .expect("run wirehose extract --explain");
    let text = String::from_utf8(out.stdout).expect("UTF-8 output");
    assert!(
        !out.status.success(),
        "a missing file makes the status non-zero"
    );
    let first = text.split("== ").nth(1).expect("a section per file");
    assert!(first.contains("candidate containers"), "{text}");
    assert!(first.contains("* 1. score "), "{text}");
    assert!(first.contains("why: "), "{text}");
    let second = text
        .split("== ")
        .nth(2)
        .expect("a section for the missing file");
    assert!(second.contains("error: "), "{text}");
}
