//! Hostile and degenerate inputs give an error or a partial article, never a panic.

use parser::{ParseError, ParseOptions, Parser};

fn parse(bytes: &[u8]) -> Result<model::Article, ParseError> {
    Parser::default().parse(bytes, &ParseOptions::default())
}

#[test]
fn empty_and_blank_pages_are_errors() {
    assert!(matches!(parse(b""), Err(ParseError::Empty)));
    assert!(matches!(parse(b"  \n\t "), Err(ParseError::Empty)));
}

#[test]
fn binary_junk_is_rejected() {
    // A deterministic pseudo-random byte stream, like a mislabelled image.
    let mut x: u32 = 0x1234_5678;
    let junk: Vec<u8> = (0..200_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect();
    assert!(matches!(parse(&junk), Err(ParseError::NotText(_))));
}

#[test]
fn deeply_nested_markup_gives_an_article() {
    let depth = 100_000;
    let mut page = String::with_capacity(depth * 12);
    page.push_str("<html><body>");
    for _ in 0..depth {
        page.push_str("<div>");
    }
    page.push_str("<p>WARSAW (AP) — The story at the bottom of a very deep tree still reaches the reader, word for word.</p>");
    for _ in 0..depth {
        page.push_str("</div>");
    }
    page.push_str("</body></html>");
    let a = parse(page.as_bytes()).expect("nested page parses");
    assert!(
        a.body.contains("bottom of a very deep tree"),
        "body: {:?}",
        a.body
    );
    assert_eq!(a.dateline.and_then(|d| d.agency).as_deref(), Some("AP"));
}

/// One short sentence at the bottom of 100,000 nested `<div>`s, with `lang` on `<html>` or not.
fn deep_sentence_page(lang: Option<&str>) -> String {
    let depth = 100_000;
    let mut page = String::with_capacity(depth * 12);
    match lang {
        Some(l) => page.push_str(&format!("<html lang=\"{l}\"><body>")),
        None => page.push_str("<html><body>"),
    }
    page.push_str(&"<div>".repeat(depth));
    page.push_str(
        "<p>Kind words and warm hands help, the vet said, as the dog ran over the wet grass.</p>",
    );
    page.push_str(&"</div>".repeat(depth));
    page.push_str("</body></html>");
    page
}

#[test]
fn a_short_sentence_in_deep_markup_takes_the_declared_language_or_none() {
    let declared = parse(deep_sentence_page(Some("en")).as_bytes()).expect("page parses");
    assert!(
        declared.body.contains("the dog ran over"),
        "{:?}",
        declared.body
    );
    assert_eq!(declared.language.as_deref(), Some("en"));
    let undeclared = parse(deep_sentence_page(None).as_bytes()).expect("page parses");
    assert!(undeclared.body.contains("the dog ran over"));
    assert_eq!(undeclared.language, None, "too little text to guess from");
    assert_eq!(undeclared.language_confidence, None);
}

#[test]
fn unclosed_inline_nesting_does_not_hang() {
    let page = "<p>".to_string() + &"<b><i><a href=x>".repeat(20_000) + "text";
    assert!(parse(page.as_bytes()).is_ok());
}

#[test]
fn page_without_an_article_gives_an_empty_body() {
    let page = b"<html><head><title>Home | Example</title></head><body><nav><a href='/a'>A</a> <a href='/b'>B</a></nav></body></html>";
    let p = Parser::default()
        .parse_report(page, &ParseOptions::default())
        .expect("parses");
    assert!(p.article.body.is_empty());
    assert_eq!(p.article.title.as_deref(), Some("Home | Example"));
    assert!(!p.warnings.is_empty(), "a reason is given");
}

#[test]
fn ten_megabyte_page_is_handled() {
    let para = "<p>The committee met again on Thursday, and members said the review of the budget would continue next week, officials said.</p>\n";
    let mut page = String::from("<html><body><article>");
    while page.len() < 10 * 1024 * 1024 {
        page.push_str(para);
    }
    page.push_str("</article></body></html>");
    let a = parse(page.as_bytes()).expect("large page parses");
    assert!(a.body.len() > 1_000_000);
}

#[test]
fn truncated_multibyte_text_and_odd_bytes_do_not_panic() {
    let mut bytes = "<p>Привет, мир — «кавычки» and 東京</p>"
        .as_bytes()
        .to_vec();
    bytes.truncate(bytes.len() - 7);
    assert!(parse(&bytes).is_ok());
    assert!(
        parse(b"\xff\xfe<\x00p\x00>\x00").is_ok() || parse(b"\xff\xfe<\x00p\x00>\x00").is_err()
    );
    assert!(parse(b"<script>").is_ok());
    assert!(parse(b"<meta charset=\"x-user-defined\"><p>caf\xe9</p>").is_ok());
}

#[test]
fn future_dates_are_rejected() {
    let page = br#"<html><head><meta property="article:published_time" content="2031-01-01T00:00:00Z"></head>
        <body><article><p>LONDON (Reuters) - A story whose page claims a date years after it was fetched.</p></article></body></html>"#;
    let fetched = chrono::DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let opts = ParseOptions {
        url: None,
        content_type: None,
        fetched_at: Some(fetched),
    };
    let a = Parser::default().parse(page, &opts).unwrap();
    assert_eq!(a.published_at, None);
}

#[test]
fn user_profiles_override_and_report_failures() {
    let profile = r#"
hosts = ["example-wire.test"]
agency = "EW"
title = ["h1.hed"]
body = [".story"]
drop = [".promo"]
"#;
    let parser =
        Parser::with_profiles(&[("tass".to_string(), profile.to_string())]).expect("valid profile");
    assert!(parser
        .profiles()
        .iter()
        .any(|p| p.name == "tass" && p.hosts == ["example-wire.test"]));
    let good = br#"<html><body><h1 class="hed">Ministers meet</h1><div class="story"><p>LAGOS (EW) - Ministers met on Monday to discuss the budget and agreed to meet again in a week's time to settle the remaining questions.</p><p class="promo">Subscribe now!</p><p>They said talks went well and that a deal on fuel subsidies was close, according to people who attended.</p></div></body></html>"#;
    let opts = ParseOptions {
        url: Some("https://www.example-wire.test/a/1"),
        ..Default::default()
    };
    let p = parser.parse_report(good, &opts).unwrap();
    assert_eq!(p.profile.as_deref(), Some("tass"));
    assert!(!p.profile_failed);
    assert!(!p.article.body.contains("Subscribe"));
    assert_eq!(p.article.title.as_deref(), Some("Ministers meet"));
    // The layout changed: the profile finds nothing, the generic extractor takes over, and it is reported.
    let changed = br#"<html><body><h1>Ministers meet</h1><main><p>LAGOS (EW) - Ministers met on Monday to discuss the budget and agreed to meet again in a week's time to settle the remaining questions.</p><p>They said talks went well and that a deal on fuel subsidies was close, according to people who attended.</p></main></body></html>"#;
    let p = parser.parse_report(changed, &opts).unwrap();
    assert!(p.profile_failed);
    assert!(p.article.body.contains("deal on fuel subsidies"));
}

#[test]
fn bad_user_profiles_are_errors() {
    assert!(matches!(
        Parser::with_profiles(&[("x".into(), "hosts = [".into())]),
        Err(ParseError::Profile { .. })
    ));
    assert!(matches!(
        Parser::with_profiles(&[("x".into(), "hosts = [\"a.test\"]\nbody = [\"p[\"]".into())]),
        Err(ParseError::Profile { .. })
    ));
    assert!(matches!(
        Parser::with_profiles(&[("x".into(), "hosts = [\"a.test\"]\nunknown = 1".into())]),
        Err(ParseError::Profile { .. })
    ));
}
