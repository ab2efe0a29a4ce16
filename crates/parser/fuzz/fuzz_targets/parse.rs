//! Arbitrary bytes, with arbitrary content types and URLs, must never make the parser panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static PARSER: LazyLock<parser::Parser> = LazyLock::new(parser::Parser::default);

fuzz_target!(|data: &[u8]| {
    // The first byte picks a content type and a URL, so header charsets and profiles get exercised too.
    let (pick, body) = data.split_first().map(|(p, b)| (*p, b)).unwrap_or((0, data));
    let content_type = match pick % 4 {
        0 => None,
        1 => Some("text/html; charset=windows-1251"),
        2 => Some("text/html; charset=utf-16le"),
        _ => Some("text/html; charset=\"shift_jis"),
    };
    let url = match (pick / 4) % 4 {
        0 => None,
        1 => Some("https://tass.com/politics/1"),
        2 => Some("https://www.reuters.com/world/x-2024-03-05/"),
        _ => Some("not a url"),
    };
    let opts = parser::ParseOptions { url, content_type, fetched_at: None };
    let _ = PARSER.parse_report(body, &opts);
});
