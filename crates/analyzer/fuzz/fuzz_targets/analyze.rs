//! Arbitrary bodies must never make the analyzer panic, and offsets must stay inside the body.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let body = String::from_utf8_lossy(data);
    let a = analyzer::analyze_text(&body, Some("TASS"));
    let n = body.chars().count();
    for q in &a.quotes {
        assert!(q.start <= q.end && q.end <= n);
    }
    for e in &a.entities {
        for m in &e.mentions {
            let s: String = body.chars().skip(m.start).take(m.end - m.start).collect();
            assert_eq!(s, m.text);
        }
    }
});
