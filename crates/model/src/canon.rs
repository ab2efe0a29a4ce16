//! The one canonical form of a story URL, shared by the frontier's dedup and the store's story
//! identity: if the two disagreed, one story would be stored twice.

use url::Url;

/// Query parameters that only track the click, never select the story (besides every `utm_*`).
pub const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "ocid",
    "cmpid",
    "icid",
    "ito",
    "sr_share",
    "at_medium",
    "at_campaign",
    "at_custom1",
    "at_custom2",
    "at_custom3",
    "at_custom4",
    "ns_mchannel",
    "ns_source",
    "ns_campaign",
    "ns_linkname",
    "ns_fee",
    "rss",
    "ref_src",
    "smid",
    "smtyp",
];

/// Whether a query parameter only tracks the click: `utm_*` or one of [`TRACKING_PARAMS`],
/// in any case.
pub fn is_tracking(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("utm_") || TRACKING_PARAMS.contains(&lower.as_str())
}

/// Parses `raw` as an http(s) URL no longer than `max_len`, dropping its fragment.
pub fn parse_http_url(raw: &str, max_len: usize) -> Option<Url> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > max_len {
        return None;
    }
    let mut url = Url::parse(raw).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    url.set_fragment(None);
    Some(url)
}

/// The canonical form: lower-case scheme and host, no default port, no fragment, no tracking
/// parameters, the remaining query parameters sorted.
pub fn canonical(url: &Url) -> String {
    let mut url = url.clone();
    url.set_fragment(None);
    // `url` already lower-cases scheme and host of http(s) URLs and drops default ports.
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !is_tracking(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if pairs.is_empty() {
        url.set_query(None);
    } else {
        pairs.sort();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    url.to_string()
}

/// The canonical form of any text given as a URL: [`canonical`] when it parses, else the text
/// trimmed, so an odd URL still names its story rather than being lost.
pub fn canonical_str(raw: &str) -> String {
    let trimmed = raw.trim();
    match Url::parse(trimmed) {
        Ok(url) => canonical(&url),
        Err(_) => trimmed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        canonical(&parse_http_url(s, 2048).expect("valid url"))
    }

    #[test]
    fn tracking_fragment_and_order_do_not_matter() {
        assert_eq!(
            canon("https://WWW.Wire.Example/en/story?b=2&utm_source=rss&a=1&fbclid=x#top"),
            "https://www.wire.example/en/story?a=1&b=2"
        );
        assert_eq!(
            canon("https://wire.example/en/story?utm_medium=feed"),
            "https://wire.example/en/story"
        );
        assert_ne!(
            canon("https://wire.example/a?id=1"),
            canon("https://wire.example/a?id=2")
        );
    }

    #[test]
    fn every_listed_parameter_goes_in_any_case() {
        for p in TRACKING_PARAMS {
            let upper = p.to_ascii_uppercase();
            assert_eq!(
                canon(&format!("https://wire.example/s/1?id=7&{p}=x&{upper}=y")),
                "https://wire.example/s/1?id=7",
                "{p}"
            );
        }
    }

    #[test]
    fn text_form_lowercases_and_drops_ports_fragments_and_tracking() {
        assert_eq!(
            canonical_str(" HTTPS://Wire.Example.com:443/world/123?utm_source=rss&id=5#top "),
            "https://wire.example.com/world/123?id=5"
        );
        assert_eq!(
            canonical_str("https://a.example/x?ocid=feed&smid=tw&z=1&b=2"),
            "https://a.example/x?b=2&z=1"
        );
        assert_eq!(canonical_str("  not a url "), "not a url");
    }

    #[test]
    fn rejects_other_schemes_and_long_urls() {
        assert!(parse_http_url("ftp://wire.example/x", 2048).is_none());
        assert!(parse_http_url("javascript:alert(1)", 2048).is_none());
        let long = format!("https://wire.example/{}", "a".repeat(3000));
        assert!(parse_http_url(&long, 2048).is_none());
    }
}
