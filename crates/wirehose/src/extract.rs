//! `wirehose extract`: parser and analyzer on saved pages, no network, no database.
//!
//! The JSON printed here is a public contract (docs/extract-json.md); scorers read it.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

use model::{Analysis, Article};
use serde::Serialize;

use crate::limits::{self, Capped};

/// One line (or object) of `extract` output.
#[derive(Debug, Serialize)]
pub struct Extracted {
    /// The file as given on the command line.
    pub source: String,
    /// The page's address: `--url`, else the page's canonical link.
    pub url: Option<String>,
    /// The extracted article.
    pub article: Article,
    /// Quotes in body order; absent when the analyzer was not run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quotes: Option<Vec<model::Quote>>,
    /// Entities with their mentions; absent when the analyzer was not run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entities: Option<Vec<model::Entity>>,
    /// How many quotes and mentions the analyzer found, when more than an article may keep.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capped: Option<Capped>,
}

/// Output format of `extract`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One pretty-printed object (one file).
    Json,
    /// One compact object per line, in input order.
    Jsonl,
}

/// What `extract` runs and prints.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    /// The page's address, when there is one file.
    pub url: Option<&'a str>,
    /// Output format.
    pub format: Format,
    /// Worker threads.
    pub jobs: usize,
    /// Run the analyzer too (quotes and entities).
    pub analyze: bool,
    /// Larger files are refused, as the daemon refuses larger responses.
    pub max_body_bytes: u64,
}

/// The daemon's `[crawler] max_body_bytes` from the config at `path`, or the built-in default
/// when there is no readable config (`extract` needs none).
pub fn configured_max_body_bytes(path: &Path) -> u64 {
    crate::config::Config::load(path)
        .map(|c| c.crawler.max_body_bytes)
        .unwrap_or_else(|_| fetcher::FetcherConfig::default().max_body_bytes)
}

/// Runs the parser, and the analyzer when asked, on one page's bytes.
pub fn extract_bytes(
    parser: &parser::Parser,
    bytes: &[u8],
    url: Option<&str>,
    analyze: bool,
    source: String,
) -> Result<Extracted, String> {
    let opts = parser::ParseOptions {
        url,
        ..Default::default()
    };
    let article = parser.parse(bytes, &opts).map_err(|e| e.to_string())?;
    let (quotes, entities, capped) = if analyze {
        let mut analysis = analyzer::analyze(&article);
        let capped = limits::bound_analysis(&mut analysis);
        let Analysis {
            quotes, entities, ..
        } = analysis;
        (Some(quotes), Some(entities), capped)
    } else {
        (None, None, None)
    };
    let url = url
        .map(str::to_string)
        .or_else(|| article.canonical_url.clone());
    Ok(Extracted {
        source,
        url,
        article,
        quotes,
        entities,
        capped,
    })
}

/// The bytes of `path`, reading no more than `max` (and refusing the file if it has more).
fn read_capped(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    let shown = path.display();
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let mut bytes = Vec::new();
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {shown}: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "page is larger than max_body_bytes ({max} bytes), as the daemon would refuse it; \
             raise the limit with --max-body-bytes"
        ));
    }
    Ok(bytes)
}

fn extract_file(
    parser: &parser::Parser,
    path: &Path,
    opts: &Options<'_>,
) -> Result<Extracted, (String, String)> {
    let source = path.display().to_string();
    read_capped(path, opts.max_body_bytes)
        .and_then(|bytes| extract_bytes(parser, &bytes, opts.url, opts.analyze, source.clone()))
        .map_err(|e| (source, e))
}

/// `extract --explain`: the body extractor's candidates and pruned boxes for each file, as text.
pub fn explain(files: &[PathBuf], max_body_bytes: u64) -> anyhow::Result<ExitCode> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut failed = false;
    for path in files {
        writeln!(out, "== {}", path.display())?;
        match read_capped(path, max_body_bytes) {
            Ok(bytes) => write!(out, "{}", parser::explain(&bytes, None))?,
            Err(e) => {
                failed = true;
                writeln!(out, "error: {e}")?;
            }
        }
    }
    out.flush()?;
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Serialises one result as a line (or pretty object) of output.
fn render(result: Result<Extracted, (String, String)>, format: Format) -> (Vec<u8>, bool) {
    let failed = result.is_err();
    let mut line = Vec::new();
    let written = match (&result, format) {
        (Ok(x), Format::Json) => serde_json::to_writer_pretty(&mut line, x),
        (Ok(x), Format::Jsonl) => serde_json::to_writer(&mut line, x),
        (Err((source, error)), _) => serde_json::to_writer(
            &mut line,
            &serde_json::json!({"source": source, "error": error}),
        ),
    };
    if let Err(e) = written {
        // Serialising owned strings and numbers cannot fail; say so on the line if it ever does.
        let source = match &result {
            Ok(x) => &x.source,
            Err((source, _)) => source,
        };
        let value =
            serde_json::json!({"source": source, "error": format!("cannot serialise: {e}")});
        line = value.to_string().into_bytes();
    }
    line.push(b'\n');
    (line, failed)
}

/// Extracts every file, using up to `jobs` threads, and prints the results in input order as they
/// complete, so memory stays flat however many files there are. Returns how many files failed.
pub fn run(parser: &parser::Parser, files: &[PathBuf], opts: Options<'_>) -> anyhow::Result<usize> {
    let jobs = opts.jobs.clamp(1, files.len().max(1));
    // Workers take the next file from a shared counter and send each rendered line over a bounded
    // channel; the writer puts lines back in input order, holding only those that finished ahead
    // of a slower page.
    let next = AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Vec<u8>, bool)>(jobs * 4);
    std::thread::scope(|s| -> anyhow::Result<usize> {
        for _ in 0..jobs {
            let tx = tx.clone();
            let next = &next;
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = files.get(i) else { break };
                let (line, failed) = render(extract_file(parser, path, &opts), opts.format);
                if tx.send((i, line, failed)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let mut pending = BTreeMap::new();
        let mut want = 0;
        let mut failed = 0;
        for (i, line, bad) in rx {
            failed += usize::from(bad);
            pending.insert(i, line);
            while let Some(line) = pending.remove(&want) {
                out.write_all(&line)?;
                want += 1;
            }
        }
        out.flush()?;
        Ok(failed)
    })
}
