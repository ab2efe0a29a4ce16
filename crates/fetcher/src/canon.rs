//! Host keys and the follow rule, the basis of per-host politeness; the canonical form of a URL
//! lives in `model::canon`, shared with the store.

pub use model::canon::{canonical, parse_http_url};
use url::Url;

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

    #[test]
    fn host_key_keeps_explicit_ports() {
        let u = parse_http_url("http://127.0.0.2:8080/x", 2048).unwrap();
        assert_eq!(host_key(&u).unwrap(), "127.0.0.2:8080");
        let u = parse_http_url("https://Wire.Example:443/x", 2048).unwrap();
        assert_eq!(host_key(&u).unwrap(), "wire.example");
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
