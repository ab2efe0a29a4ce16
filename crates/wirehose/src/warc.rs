//! `wirehose import-warc`: backfill from WARC archives (such as CC-NEWS) through the same
//! parser, analyzer and store as the daemon, one record in memory at a time.

use std::io::Read;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use model::FetchedPage;
use tokio::sync::mpsc;
use warc::{RecordType, WarcHeader, WarcReader};

/// What one import read.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    /// WARC records read.
    pub records: u64,
    /// HTML responses sent to the pipeline.
    pub pages: u64,
    /// Records passed over (not responses, not HTML, not 200, too large, unreadable).
    pub skipped: u64,
}

/// A response record's HTTP message split into status, headers and decoded body.
struct HttpMessage {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Parses the HTTP response stored in a WARC `response` record.
fn parse_http(block: &[u8], max_body: u64) -> Option<HttpMessage> {
    let mut raw = [httparse::EMPTY_HEADER; 96];
    let mut resp = httparse::Response::new(&mut raw);
    let head_len = match resp.parse(block).ok()? {
        httparse::Status::Complete(n) => n,
        httparse::Status::Partial => return None,
    };
    let status = resp.code?;
    let headers: Vec<(String, String)> = resp
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_ascii_lowercase(),
                String::from_utf8_lossy(h.value).trim().to_string(),
            )
        })
        .collect();
    let mut body = block.get(head_len..)?.to_vec();
    if header(&headers, "transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        body = dechunk(&body)?;
    }
    let limit = max_body + 1;
    body = match header(&headers, "content-encoding")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("gzip") | Some("x-gzip") => {
            read_capped(flate2::read::MultiGzDecoder::new(&body[..]), limit)?
        }
        Some("deflate") => read_capped(flate2::read::ZlibDecoder::new(&body[..]), limit)?,
        Some("identity") | None => body,
        Some(_) => return None,
    };
    (body.len() as u64 <= max_body).then_some(HttpMessage {
        status,
        headers,
        body,
    })
}

fn read_capped(r: impl Read, limit: u64) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    r.take(limit).read_to_end(&mut out).ok()?;
    Some(out)
}

/// Undoes HTTP chunked transfer coding.
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..).unwrap_or(&[]);
    }
}

fn is_gzip(path: &Path) -> std::io::Result<bool> {
    let mut magic = [0u8; 2];
    let mut f = std::fs::File::open(path)?;
    let n = f.read(&mut magic)?;
    Ok(n == 2 && magic == [0x1f, 0x8b])
}

/// Reads one archive and sends every HTML 200 response to `pages`; runs on a blocking thread.
fn read_archive(
    path: &Path,
    pages: &mpsc::Sender<FetchedPage>,
    max_body: u64,
    bar: &ProgressBar,
) -> anyhow::Result<Summary> {
    let archive = Archive {
        path,
        pages,
        max_body,
        bar,
    };
    let mut summary = Summary::default();
    if is_gzip(path)? {
        archive.drain(WarcReader::from_path_gzip(path)?, &mut summary);
    } else {
        archive.drain(WarcReader::from_path(path)?, &mut summary);
    }
    Ok(summary)
}

/// One archive being read, and where its pages go.
struct Archive<'a> {
    path: &'a Path,
    pages: &'a mpsc::Sender<FetchedPage>,
    max_body: u64,
    bar: &'a ProgressBar,
}

impl Archive<'_> {
    /// Reads records until the end, an unreadable record, or a stopped pipeline.
    fn drain<R: std::io::BufRead>(&self, mut reader: WarcReader<R>, summary: &mut Summary) {
        let path = self.path;
        let mut stream = reader.stream_records();
        while let Some(item) = stream.next_item() {
            let record = match item {
                Ok(r) => r,
                Err(e) => {
                    tracing::warn!(file = %path.display(), error = %e, "unreadable WARC record; stopping this file");
                    break;
                }
            };
            if record.content_length() > self.max_body.saturating_mul(2) {
                summary.skipped += 1;
                continue;
            }
            let record = match record.into_buffered() {
                Ok(r) => r,
                Err(e) => {
                    tracing::warn!(file = %path.display(), error = %e, "truncated WARC record; stopping this file");
                    break;
                }
            };
            if !self.take(summary, record) {
                break;
            }
        }
    }

    /// Counts one record and sends it on when it is an HTML 200 response; false once the
    /// pipeline has stopped.
    fn take(&self, summary: &mut Summary, record: warc::Record<warc::BufferedBody>) -> bool {
        summary.records += 1;
        self.bar.inc(1);
        if *record.warc_type() != RecordType::Response {
            summary.skipped += 1;
            return true;
        }
        let Some(url) = record
            .header(WarcHeader::TargetURI)
            .map(|u| u.trim_matches(['<', '>']).to_string())
        else {
            summary.skipped += 1;
            return true;
        };
        let Some(msg) = parse_http(record.body(), self.max_body) else {
            summary.skipped += 1;
            return true;
        };
        let content_type = header(&msg.headers, "content-type").map(str::to_string);
        let html = content_type.as_deref().is_none_or(|c| c.contains("html"));
        if msg.status != 200 || !html {
            summary.skipped += 1;
            return true;
        }
        summary.pages += 1;
        let page = FetchedPage {
            source: "warc".to_string(),
            agency: None,
            url: url.clone(),
            final_url: url,
            redirects: Vec::new(),
            status: msg.status,
            content_type,
            headers: msg.headers,
            body: msg.body,
            fetched_at: *record.date(),
            feed_item: None,
        };
        // A closed channel means the pipeline is stopping.
        self.pages.blocking_send(page).is_ok()
    }
}

/// Sends every archive's pages into the pipeline, with a progress bar; returns the totals.
pub async fn produce(
    files: Vec<PathBuf>,
    pages: mpsc::Sender<FetchedPage>,
    max_body: u64,
) -> anyhow::Result<Summary> {
    tokio::task::spawn_blocking(move || {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {pos} records ({per_sec})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        let mut total = Summary::default();
        for f in &files {
            bar.set_message(f.display().to_string());
            let s = read_archive(f, &pages, max_body, &bar)?;
            total.records += s.records;
            total.pages += s.pages;
            total.skipped += s.skipped;
        }
        bar.finish_and_clear();
        Ok(total)
    })
    .await?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunked_gzip_response_decodes() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"<html><p>hello</p></html>").unwrap();
        let z = gz.finish().unwrap();
        let mut block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        let (a, b) = z.split_at(z.len() / 2);
        for part in [a, b] {
            block.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
            block.extend_from_slice(part);
            block.extend_from_slice(b"\r\n");
        }
        block.extend_from_slice(b"0\r\n\r\n");
        let msg = parse_http(&block, 1000).expect("parsed");
        assert_eq!(msg.status, 200);
        assert_eq!(msg.body, b"<html><p>hello</p></html>");
        assert!(
            parse_http(&block, 10).is_none(),
            "a body over the cap is refused"
        );
    }

    #[test]
    fn junk_is_not_a_response() {
        assert!(parse_http(b"\x00\x01garbage", 1000).is_none());
        assert!(dechunk(b"zz\r\n").is_none());
    }
}
