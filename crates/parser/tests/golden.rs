//! Golden-file tests: invented stories in the layouts of each profiled wire service and generic pages
//! full of boilerplate. `UPDATE_GOLDEN=1 cargo test -p parser --test golden` rewrites the expectations.

use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use parser::{ParseOptions, Parser};

fn pages_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pages")
}

fn snapshot(name: &str) -> serde_json::Value {
    let dir = pages_dir();
    let bytes = std::fs::read(dir.join(format!("{name}.html"))).expect("page exists");
    let url = std::fs::read_to_string(dir.join(format!("{name}.url"))).expect("url file exists");
    let fetched = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .expect("valid date");
    let opts = ParseOptions {
        url: Some(url.trim()),
        content_type: None,
        fetched_at: Some(fetched),
    };
    let p = Parser::default()
        .parse_report(&bytes, &opts)
        .expect("page parses");
    let a = p.article;
    serde_json::json!({
        "profile": p.profile,
        "profile_failed": p.profile_failed,
        "title": a.title,
        "lede": a.lede,
        "authors": a.authors,
        "byline": a.byline,
        "published_at": a.published_at.map(|d| d.to_rfc3339()),
        "modified_at": a.modified_at.map(|d| d.to_rfc3339()),
        "date_source": a.date_source,
        "dateline": a.dateline,
        "language": a.language,
        "section": a.section,
        "tags": a.tags,
        "canonical_url": a.canonical_url,
        "image_url": a.image_url,
        "is_accessible_for_free": a.is_accessible_for_free,
        "charset": a.charset,
        "charset_source": a.charset_source,
        "paragraphs": a.body.split("\n\n").collect::<Vec<_>>(),
    })
}

fn check(name: &str) {
    let got = snapshot(name);
    let path = pages_dir().join(format!("{name}.golden.json"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let text = serde_json::to_string_pretty(&got).expect("serialisable") + "\n";
        std::fs::write(&path, text).expect("golden file writable");
        return;
    }
    let want: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("missing {}; run with UPDATE_GOLDEN=1", path.display())),
    )
    .expect("golden file is JSON");
    assert_eq!(got, want, "{name}: output differs from {}", path.display());
}

macro_rules! golden {
    ($($test:ident => $name:literal),* $(,)?) => {
        $(#[test] fn $test() { check($name); })*
    };
}

golden! {
    tass => "tass",
    reuters => "reuters",
    ap => "ap",
    afp => "afp",
    xinhua => "xinhua",
    interfax => "interfax",
    anadolu => "anadolu",
    yonhap => "yonhap",
    kyodo => "kyodo",
    kyodo_credit_line => "kyodo-credit",
    afp_joint_byline => "afp-joint-byline",
    upi => "upi",
    pti => "pti",
    generic_localpaper => "generic-localpaper",
    generic_hover_cards => "generic-hover-cards",
    generic_standings_table => "generic-standings-table",
    generic_wire_republish => "generic-wire-republish",
    generic_wire_standfirst => "generic-wire-standfirst",
    generic_rail_layout => "generic-rail-layout",
    generic_related_boxes => "generic-related-boxes",
}
