//! Development helper: prints the `extract` JSON for a gold case, building the article from the
//! sibling `.gold.json` so that the analyzer can be scored before the full binary exists.
//!
//! Usage: gold_extract CASE.html

use std::path::Path;

fn main() {
    let arg = std::env::args()
        .nth(1)
        .expect("usage: gold_extract CASE.html");
    let html = Path::new(&arg);
    let stem = html
        .file_name()
        .and_then(|s| s.to_str())
        .unwrap_or("")
        .trim_end_matches(".html");
    let gold_path = html.with_file_name(format!("{stem}.gold.json"));
    let gold: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&gold_path).expect("read gold"))
            .expect("parse gold");
    let a = &gold["article"];
    let dateline = a["dateline"].as_object().map(|d| model::Dateline {
        place: d.get("place").and_then(|x| x.as_str()).map(String::from),
        date: d.get("date").and_then(|x| x.as_str()).map(String::from),
        agency: d.get("agency").and_then(|x| x.as_str()).map(String::from),
    });
    let article = model::Article {
        title: a["title"].as_str().map(String::from),
        body: a["body"].as_str().unwrap_or("").to_string(),
        dateline,
        ..Default::default()
    };
    let analysis = analyzer::analyze(&article);
    let out = serde_json::json!({
        "source": arg,
        "url": gold["url"],
        "article": a,
        "quotes": analysis.quotes,
        "entities": analysis.entities,
    });
    println!("{}", serde_json::to_string_pretty(&out).expect("json"));
}
