//! Property-style checks over generated text: offsets always slice the body to the reported text,
//! and no input makes the analyzer panic.

use analyzer::analyze_text;

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "said",
    "told",
    "he",
    "she",
    "the",
    "minister",
    "Russian",
    "President",
    "Vladimir",
    "Putin",
    "von",
    "der",
    "Leyen",
    "al-Sisi",
    "Kim",
    "Jong",
    "Un",
    "Moscow",
    "MOSCOW",
    "Ministry",
    "Foreign",
    "according",
    "to",
    "that",
    "IAEA",
    "(",
    ")",
    "U.S.",
    "Mr.",
    "Ülker",
    "Şahin",
    "Zoë",
    "東京",
    "Türkiye",
    "adding",
    "as",
    "saying",
    "quoted",
    "so-called",
    "in",
    "his",
    "view",
    "Agency",
    "of",
    "the",
    "Board",
    "Governors",
    "’s",
    "'s",
    "Aug.",
    "ministry",
    "statement",
];
const MARKS: &[&str] = &[
    "\"", "“", "”", "«", "»", "„", "‘", "’", "'", ",", ".", ":", "!", "?", "—", "\n\n", "\n", " ",
    "  ", "…",
];

fn random_text(rng: &mut Rng, len: usize) -> String {
    let mut s = String::new();
    for _ in 0..len {
        if rng.next().is_multiple_of(3) {
            s.push_str(rng.pick(MARKS));
        } else {
            s.push_str(rng.pick(WORDS));
            s.push(' ');
        }
    }
    s
}

fn slice_chars(body: &str, start: usize, end: usize) -> String {
    body.chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect()
}

fn check(body: &str) {
    let a = analyze_text(body, Some("TASS"));
    let n = body.chars().count();
    for q in &a.quotes {
        assert!(
            q.start <= q.end && q.end <= n,
            "quote offsets out of range in {body:?}"
        );
        let s = slice_chars(body, q.start, q.end);
        // A quote in several pieces spans its attribution or paragraph breaks: its ends still match.
        let first = q.text.split(' ').next().unwrap_or("");
        let last = q.text.rsplit(' ').next().unwrap_or("");
        assert!(
            s.starts_with(first) && s.ends_with(last),
            "quote {:?} vs body slice {s:?} in {body:?}",
            q.text
        );
        if !q.text.contains(' ') || q.kind == model::QuoteKind::Indirect {
            assert_eq!(s, q.text, "in {body:?}");
        }
        assert!((0.0..=1.0).contains(&q.confidence));
    }
    for e in &a.entities {
        // Only the dateline agency may be listed without a mention in the body.
        assert!(!e.mentions.is_empty() || e.name == "TASS");
        for m in &e.mentions {
            assert_eq!(
                slice_chars(body, m.start, m.end),
                m.text,
                "mention of {} in {body:?}",
                e.name
            );
        }
    }
}

#[test]
fn offsets_slice_the_body_on_generated_text() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for round in 0..3000 {
        let len = 1 + (round % 120);
        let body = random_text(&mut rng, len);
        check(&body);
    }
}

#[test]
fn offsets_slice_the_body_on_wire_copy() {
    let body = "ANKARA, Jan. 5 (Anadolu) — Turkish Foreign Minister Hakan Yıldız said on Friday that talks with the European Union (EU) «must resume without preconditions».\n\n„We are ready,“ Yıldız told reporters, „but the EU must be honest with us.“\n\nThe EU’s foreign policy chief Josep Moreno said the bloc would reply next week.";
    check(body);
    let a = analyze_text(body, Some("Anadolu"));
    assert!(a.quotes.len() >= 3, "{:?}", a.quotes);
}

#[test]
fn no_panic_on_arbitrary_characters() {
    let mut rng = Rng(12345);
    let alphabet: Vec<char> = "aZ\"“”«»„‘’' ,.:;!?()-—\n\tÉé漢字🙂\u{200b}\u{301}"
        .chars()
        .collect();
    for _ in 0..3000 {
        let len = (rng.next() % 200) as usize;
        let body: String = (0..len)
            .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize])
            .collect();
        check(&body);
    }
    check("");
    check("\"");
    check("“");
    check("said");
    check("\n\n\n");
}
