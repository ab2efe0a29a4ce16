//! `wirehose extract`: parser and analyzer on saved pages, no network, no database.
//!
//! The JSON printed here is a public contract (docs/extract-json.md); scorers read it.

use std::io::Write;
use std::path::PathBuf;

use model::{Analysis, Article};
use serde::Serialize;

/// One line (or object) of `extract` output.
#[derive(Debug, Serialize)]
pub struct Extracted {
    /// The file as given on the command line.
    pub source: String,
    /// The page's address: `--url`, else the page's canonical link.
    pub url: Option<String>,
    /// The extracted article.
    pub article: Article,
    /// Quotes in body order.
    pub quotes: Vec<model::Quote>,
    /// Entities with their mentions.
    pub entities: Vec<model::Entity>,
}

/// Output format of `extract`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One pretty-printed object (one file).
    Json,
    /// One compact object per line, in input order.
    Jsonl,
}

/// Runs parser and analyzer on one page's bytes.
pub fn extract_bytes(
    parser: &parser::Parser,
    bytes: &[u8],
    url: Option<&str>,
    source: String,
) -> Result<Extracted, String> {
    let opts = parser::ParseOptions {
        url,
        ..Default::default()
    };
    let article = parser.parse(bytes, &opts).map_err(|e| e.to_string())?;
    let Analysis { quotes, entities } = analyzer::analyze(&article);
    let url = url
        .map(str::to_string)
        .or_else(|| article.canonical_url.clone());
    Ok(Extracted {
        source,
        url,
        article,
        quotes,
        entities,
    })
}

fn extract_file(
    parser: &parser::Parser,
    path: &PathBuf,
    url: Option<&str>,
) -> Result<Extracted, (String, String)> {
    let source = path.display().to_string();
    std::fs::read(path)
        .map_err(|e| format!("cannot read {source}: {e}"))
        .and_then(|bytes| extract_bytes(parser, &bytes, url, source.clone()))
        .map_err(|e| (source, e))
}

/// Extracts every file, using up to `jobs` threads, and prints the results in input order.
/// Returns how many files failed.
pub fn run(
    parser: &parser::Parser,
    files: &[PathBuf],
    url: Option<&str>,
    format: Format,
    jobs: usize,
) -> anyhow::Result<usize> {
    let jobs = jobs.clamp(1, files.len().max(1));
    let mut results: Vec<Option<Result<Extracted, (String, String)>>> =
        (0..files.len()).map(|_| None).collect();
    let chunk = files.len().div_ceil(jobs).max(1);
    std::thread::scope(|s| {
        for (slots, paths) in results.chunks_mut(chunk).zip(files.chunks(chunk)) {
            s.spawn(move || {
                for (slot, path) in slots.iter_mut().zip(paths) {
                    *slot = Some(extract_file(parser, path, url));
                }
            });
        }
    });
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = 0;
    for result in results.into_iter().flatten() {
        let value = match result {
            Ok(x) => serde_json::to_value(&x)?,
            Err((source, error)) => {
                failed += 1;
                serde_json::json!({"source": source, "error": error})
            }
        };
        match format {
            Format::Json => serde_json::to_writer_pretty(&mut out, &value)?,
            Format::Jsonl => serde_json::to_writer(&mut out, &value)?,
        }
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(failed)
}
