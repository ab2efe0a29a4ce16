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
