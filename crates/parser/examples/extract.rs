//! Prints the `extract` JSON contract's article part for saved pages, one JSON line per file.
//!
//! `cargo run --release -p parser --example extract -- [--url URL] FILE...`

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut url: Option<String> = None;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--url" {
            url = args.next();
        } else {
            files.push(a);
        }
    }
    let parser = parser::Parser::default();
    let mut failed = false;
    for f in &files {
        let line = match std::fs::read(f) {
            Ok(bytes) => {
                let opts = parser::ParseOptions {
                    url: url.as_deref(),
                    content_type: None,
                    fetched_at: Some(chrono::Utc::now()),
                };
                match parser.parse_report(&bytes, &opts) {
                    Ok(p) => serde_json::json!({
                        "source": f,
                        "url": url.clone().or(p.article.canonical_url.clone()),
                        "profile": p.profile,
                        "profile_failed": p.profile_failed,
                        "article": p.article,
                        "quotes": [],
                        "entities": [],
                    }),
                    Err(e) => {
                        failed = true;
                        serde_json::json!({"source": f, "error": e.to_string()})
                    }
                }
            }
            Err(e) => {
                failed = true;
                serde_json::json!({"source": f, "error": e.to_string()})
            }
        };
        println!("{line}");
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
