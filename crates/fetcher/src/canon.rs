//! URL canonicalization and host keys, the basis of dedup and per-host politeness.

use url::Url;

/// Query parameters that only track the click, never select the story.
const TRACKING_PARAMS: &[&str] = &[
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

fn is_tracking(name: &str) -> bool {
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

/// The canonical form used for dedup: lower-cased host, no fragment, no tracking parameters,
/// remaining query parameters sorted.
pub fn canonical(url: &Url) -> String {
    let mut url = url.clone();
    url.set_fragment(None);
    // `url` already lower-cases the host of http(s) URLs and drops default ports.
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

/// The politeness key of a URL: `host` or `host:port` when the port is not the scheme's default.
pub fn host_key(url: &Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

/// Whether a link found on `source` may be followed: same host, or a host in `allowed_hosts`
/// (given as `host` or `host:port`).
pub fn host_allowed(link: &Url, source: &Url, allowed_hosts: &[String]) -> bool {
    let (Some(link_host), Some(key)) = (link.host_str(), host_key(link)) else {
        return false;
    };
    if source
        .host_str()
        .is_some_and(|h| h.eq_ignore_ascii_case(link_host))
    {
        return true;
    }
    allowed_hosts
        .iter()
        .any(|a| a.eq_ignore_ascii_case(link_host) || a.eq_ignore_ascii_case(&key))
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
    fn host_key_keeps_explicit_ports() {
        let u = parse_http_url("http://127.0.0.2:8080/x", 2048).unwrap();
        assert_eq!(host_key(&u).unwrap(), "127.0.0.2:8080");
        let u = parse_http_url("https://Wire.Example:443/x", 2048).unwrap();
        assert_eq!(host_key(&u).unwrap(), "wire.example");
    }

    #[test]
    fn rejects_other_schemes_and_long_urls() {
        assert!(parse_http_url("ftp://wire.example/x", 2048).is_none());
        assert!(parse_http_url("javascript:alert(1)", 2048).is_none());
        let long = format!("https://wire.example/{}", "a".repeat(3000));
        assert!(parse_http_url(&long, 2048).is_none());
    }

    #[test]
    fn other_hosts_need_allowed_hosts() {
        let src = parse_http_url("https://wire.example/rss", 2048).unwrap();
        let same = parse_http_url("https://WIRE.example/story/1", 2048).unwrap();
        let cdn = parse_http_url("https://cdn.wire.example/story/1", 2048).unwrap();
        assert!(host_allowed(&same, &src, &[]));
        assert!(!host_allowed(&cdn, &src, &[]));
        assert!(host_allowed(&cdn, &src, &["cdn.wire.example".into()]));
    }
}
