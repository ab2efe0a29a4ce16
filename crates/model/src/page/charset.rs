//! Character-set decoding in the WHATWG order: BOM, HTTP charset, `<meta>` prescan, detection, default.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// The decoded page text and how its encoding was chosen.
pub struct Decoded<'a> {
    /// The text; borrowed when the bytes were already valid UTF-8.
    pub text: std::borrow::Cow<'a, str>,
    /// The encoding the bytes were read in.
    pub encoding: &'static Encoding,
    /// Which step chose it: `bom`, `http`, `meta`, `detected` or `default`.
    pub source: &'static str,
}

/// Decodes page bytes, recording which step decided the encoding.
pub fn decode<'a>(bytes: &'a [u8], content_type: Option<&str>, url: Option<&str>) -> Decoded<'a> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        let (text, _) = enc.decode_without_bom_handling(rest);
        return Decoded {
            text,
            encoding: enc,
            source: "bom",
        };
    }
    let (enc, source) = if let Some(enc) = content_type.and_then(http_charset) {
        (enc, "http")
    } else if let Some(enc) = meta_prescan(bytes) {
        // A legacy label on bytes that are valid UTF-8 (beyond ASCII) is a stale template: the bytes win.
        if enc != UTF_8 && !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() {
            (UTF_8, "detected")
        } else {
            (enc, "meta")
        }
    } else if bytes.is_ascii() {
        (UTF_8, "default")
    } else if std::str::from_utf8(bytes).is_ok() {
        // What the detector answers for valid UTF-8 anyway, without its cost.
        (UTF_8, "detected")
    } else {
        let mut det = chardetng::EncodingDetector::new();
        // A prefix is enough to decide and keeps huge pages cheap.
        let sample = &bytes[..bytes.len().min(64 * 1024)];
        det.feed(sample, sample.len() == bytes.len());
        let tld = url.and_then(tld_of);
        (
            det.guess(tld.as_deref().map(str::as_bytes), true),
            "detected",
        )
    };
    // A page declaring UTF-16 in its text is read as UTF-8 (WHATWG), since the declaration was readable as ASCII.
    let enc = if source == "meta" && (enc == UTF_16LE || enc == UTF_16BE) {
        UTF_8
    } else {
        enc
    };
    let (text, _) = enc.decode_without_bom_handling(bytes);
    // Valid UTF-8 is borrowed, not copied.
    Decoded {
        text,
        encoding: enc,
        source,
    }
}

/// The charset parameter of a `Content-Type` header.
pub fn http_charset(content_type: &str) -> Option<&'static Encoding> {
    let lower = content_type.to_ascii_lowercase();
    let at = lower.find("charset")?;
    let rest = lower[at + 7..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .unwrap_or(rest.len());
    Encoding::for_label(&rest.as_bytes()[..end])
}

/// A simplified WHATWG `<meta>` prescan over the first kilobytes.
fn meta_prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let mut i = 0;
    while let Some(pos) = find(&head[i..], b"<meta") {
        let start = i + pos + 5;
        let end = head[start..]
            .iter()
            .position(|&b| b == b'>')
            .map(|p| start + p)
            .unwrap_or(head.len());
        let tag = head[start..end].to_ascii_lowercase();
        if let Some(enc) = charset_in_tag(&tag) {
            return Some(enc);
        }
        i = end.max(start);
        if i >= head.len() {
            break;
        }
    }
    None
}

fn charset_in_tag(tag: &[u8]) -> Option<&'static Encoding> {
    let at = find(tag, b"charset")?;
    let mut rest = &tag[at + 7..];
    rest = trim_ascii_start(rest);
    rest = rest.strip_prefix(b"=")?;
    rest = trim_ascii_start(rest);
    while let Some((&c, r)) = rest.split_first() {
        if c == b'"' || c == b'\'' {
            rest = r;
        } else {
            break;
        }
    }
    let end = rest
        .iter()
        .position(|&b| b == b'"' || b == b'\'' || b == b';' || b == b'/' || b.is_ascii_whitespace())
        .unwrap_or(rest.len());
    Encoding::for_label(&rest[..end])
}

fn trim_ascii_start(mut s: &[u8]) -> &[u8] {
    while let Some((c, r)) = s.split_first() {
        if c.is_ascii_whitespace() {
            s = r;
        } else {
            break;
        }
    }
    s
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// The top-level domain of a URL, as a hint for detection.
fn tld_of(url: &str) -> Option<String> {
    let host = url::Url::parse(url).ok()?.host_str()?.to_ascii_lowercase();
    let tld = host.rsplit('.').next()?;
    (tld.chars().all(|c| c.is_ascii_alphabetic()) && !tld.is_empty()).then(|| tld.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_wins_over_everything() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("<meta charset=koi8-r>Привет".as_bytes());
        let d = decode(&b, Some("text/html; charset=iso-8859-1"), None);
        assert_eq!(d.source, "bom");
        assert_eq!(d.encoding, UTF_8);
        assert!(d.text.contains("Привет"));
    }

    #[test]
    fn http_then_meta() {
        let (bytes, _, _) = encoding_rs::KOI8_R.encode("<meta charset=\"koi8-r\"><p>Москва</p>");
        let d = decode(&bytes, Some("text/html"), None);
        assert_eq!((d.source, d.encoding.name()), ("meta", "KOI8-R"));
        assert!(d.text.contains("Москва"));
        let d = decode(&bytes, Some("text/html; charset=\"KOI8-R\""), None);
        assert_eq!(d.source, "http");
    }

    #[test]
    fn latin_http_charset_and_koi8_in_http_equiv() {
        let d = decode(b"Z\xfcrich", Some("text/html; charset=iso-8859-1"), None);
        assert_eq!(d.text, "Zürich");
        let mut page =
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=koi8-r\"><body>"
                .to_vec();
        page.extend_from_slice(&[0xed, 0xcf, 0xd3, 0xcb, 0xd7, 0xc1]);
        assert!(decode(&page, Some("text/html"), None)
            .text
            .ends_with("<body>Москва"));
    }

    #[test]
    fn http_equiv_meta() {
        let d = decode(
            b"<meta http-equiv='Content-Type' content='text/html; charset=windows-1251'>\xcc\xee\xf1\xea\xe2\xe0",
            None,
            None,
        );
        assert_eq!(d.source, "meta");
        assert!(d.text.ends_with("Москва"));
    }

    #[test]
    fn detection_and_default() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251
            .encode("<p>Президент России заявил журналистам, что переговоры продолжатся на следующей неделе.</p>");
        let d = decode(&bytes, None, Some("https://example.ru/a"));
        assert_eq!(d.source, "detected");
        assert!(d.text.contains("Президент"), "{}", d.text);
        let d = decode(b"<p>plain</p>", None, None);
        assert_eq!(d.source, "default");
    }
}
