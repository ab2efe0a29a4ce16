//! The guarded HTTP client: timeouts, a streaming body cap, and addresses checked after DNS
//! resolution. It follows no redirect itself: the fetcher does (see `follow.rs`), one hop at a
//! time, so that each hop keeps its host's manners.

use std::error::Error as StdError;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use model::FailureClass;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH};
use url::Url;

use crate::FetcherConfig;

/// Whether, and how often, a failed URL is tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// The failure is permanent.
    Never,
    /// The server answered, but badly: one more try may meet a repaired response, more will not.
    Once,
    /// A temporary fault: retried with a doubling delay up to `max_attempts`.
    Backoff,
}

/// A failed request with its class.
#[derive(Debug, Clone)]
pub struct Failed {
    /// The class of failure.
    pub class: FailureClass,
    /// A short human-readable reason.
    pub reason: String,
    /// The HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// The redirect hop that failed, when it is not the URL first requested.
    pub at: Option<String>,
}

impl Failed {
    pub(crate) fn new(class: FailureClass, reason: impl Into<String>) -> Self {
        Self {
            class,
            reason: reason.into(),
            status: None,
            at: None,
        }
    }

    /// How the URL is tried again after this failure.
    pub fn retry(&self) -> Retry {
        match self.class {
            FailureClass::Timeout
            | FailureClass::Dns
            | FailureClass::Connect
            | FailureClass::Body => Retry::Backoff,
            FailureClass::Decode | FailureClass::Protocol => Retry::Once,
            FailureClass::Status if self.status.is_some_and(status_transient) => Retry::Backoff,
            _ => Retry::Never,
        }
    }

    /// Whether trying again later may succeed.
    pub fn transient(&self) -> bool {
        self.retry() != Retry::Never
    }
}

/// Whether an HTTP status is worth retrying later.
pub fn status_transient(status: u16) -> bool {
    matches!(status, 408 | 425 | 429 | 500..=599)
}

/// A response whose body (for 2xx) has been read within the cap.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    /// The URL that answered: the last hop of `redirects`' chain.
    pub final_url: String,
    /// The redirects followed to reach `final_url`, in order.
    pub redirects: Vec<model::Redirect>,
    /// The `Location` header, which a redirect follows.
    pub location: Option<String>,
    pub content_type: Option<String>,
    pub headers: Vec<(String, String)>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub retry_after: Option<Duration>,
    pub body: Vec<u8>,
}

/// Response headers worth passing downstream.
const KEPT_HEADERS: &[&str] = &[
    "content-type",
    "content-language",
    "last-modified",
    "etag",
    "date",
    "link",
    "x-robots-tag",
];

// Typed causes inside reqwest errors, downcast by `classify` to a failure class.
#[derive(Debug, thiserror::Error)]
#[error("refused address: {0}")]
struct BlockedAddress(String);

#[derive(Debug, thiserror::Error)]
#[error("dns: {0}")]
struct DnsFailure(String);

/// Whether an address is one a public crawler must not reach (SSRF guard).
pub fn forbidden_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64) // carrier-grade NAT
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return forbidden_ip(IpAddr::V4(v4));
            }
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link-local
        }
    }
}

/// Checks a URL before it is requested (also on every redirect hop, before its host is asked).
pub fn check_url(url: &Url, allow_private: bool, max_len: usize) -> Result<(), Failed> {
    if url.as_str().len() > max_len {
        return Err(Failed::new(
            FailureClass::Url,
            format!("URL longer than {max_len} bytes"),
        ));
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Failed::new(
            FailureClass::Url,
            format!("scheme {} not fetched", url.scheme()),
        ));
    }
    let ip = match url.host() {
        Some(url::Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        Some(url::Host::Domain(_)) => None,
        None => return Err(Failed::new(FailureClass::Url, "URL without host")),
    };
    if let Some(ip) = ip {
        if !allow_private && forbidden_ip(ip) {
            return Err(Failed::new(
                FailureClass::Blocked,
                format!("refused address: {ip}"),
            ));
        }
    }
    Ok(())
}

/// Resolves names, then drops the addresses a public crawler must not reach.
struct GuardedResolver {
    allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| {
                    Box::new(DnsFailure(format!("{host}: {e}"))) as Box<dyn StdError + Send + Sync>
                })?
                .collect();
            if found.is_empty() {
                return Err(Box::new(DnsFailure(format!("{host}: no addresses"))) as _);
            }
            let allowed: Vec<SocketAddr> = found
                .iter()
                .copied()
                .filter(|a| allow || !forbidden_ip(a.ip()))
                .collect();
            if allowed.is_empty() {
                return Err(Box::new(BlockedAddress(format!("{host} -> {}", found[0].ip()))) as _);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// The shared HTTP client with the crawler's limits.
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    cfg: Arc<FetcherConfig>,
}

impl Http {
    /// Builds the client from the crawler settings.
    pub fn new(cfg: Arc<FetcherConfig>) -> Result<Self, reqwest::Error> {
        let allow = cfg.allow_private_networks;
        let client = reqwest::Client::builder()
            .user_agent(cfg.user_agent.clone())
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.request_timeout)
            .read_timeout(cfg.request_timeout)
            // Each hop must wait for its host: the fetcher follows redirects, not the client.
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(GuardedResolver {
                allow_private: allow,
            }))
            .pool_idle_timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(2)
            .build()?;
        Ok(Self { client, cfg })
    }

    /// GETs `url`, conditionally when validators are given; reads a 2xx body up to `cap` bytes.
    pub async fn get(
        &self,
        url: &Url,
        etag: Option<&str>,
        last_modified: Option<&str>,
        cap: u64,
    ) -> Result<Response, Failed> {
        check_url(url, self.cfg.allow_private_networks, self.cfg.max_url_len)?;
        // reqwest's own timeout covers connect + body; this outer one guards everything else.
        let outer = self.cfg.request_timeout + Duration::from_secs(2);
        match tokio::time::timeout(outer, self.get_inner(url, etag, last_modified, cap)).await {
            Ok(r) => r,
            Err(_) => Err(Failed::new(FailureClass::Timeout, "request timed out")),
        }
    }

    async fn get_inner(
        &self,
        url: &Url,
        etag: Option<&str>,
        last_modified: Option<&str>,
        cap: u64,
    ) -> Result<Response, Failed> {
        let mut req = self.client.get(url.clone());
        if let Some(e) = etag {
            req = req.header(IF_NONE_MATCH, e);
        }
        if let Some(lm) = last_modified {
            req = req.header(IF_MODIFIED_SINCE, lm);
        }
        let mut resp = req.send().await.map_err(|e| classify(e, Phase::Head))?;
        let status = resp.status().as_u16();
        let headers = resp.headers();
        let mut out = Response {
            status,
            final_url: resp.url().to_string(),
            redirects: Vec::new(),
            location: header(headers, "location"),
            content_type: header(headers, "content-type"),
            headers: KEPT_HEADERS
                .iter()
                .filter_map(|h| header(headers, h).map(|v| ((*h).to_owned(), v)))
                .collect(),
            etag: header(headers, "etag"),
            last_modified: header(headers, "last-modified"),
            retry_after: header(headers, "retry-after").and_then(|v| parse_retry_after(&v)),
            body: Vec::new(),
        };
        if !(200..300).contains(&status) {
            return Ok(out);
        }
        // Known length (uncompressed responses): refuse before downloading.
        if resp.content_length().is_some_and(|n| n > cap) {
            return Err(Failed::new(
                FailureClass::TooLarge,
                format!("Content-Length above {cap} bytes"),
            ));
        }
        // The cap applies to the decompressed stream, so a compression bomb stops here too.
        while let Some(chunk) = resp.chunk().await.map_err(|e| classify(e, Phase::Body))? {
            if out.body.len() as u64 + chunk.len() as u64 > cap {
                return Err(Failed::new(
                    FailureClass::TooLarge,
                    format!("body above {cap} bytes"),
                ));
            }
            out.body.extend_from_slice(&chunk);
        }
        Ok(out)
    }
}

fn header(h: &HeaderMap, name: &str) -> Option<String> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// Retry-After as seconds or an HTTP date.
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

/// Where in an exchange a request failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Connecting, sending, or waiting for the response head.
    Head,
    /// Reading the body.
    Body,
}

/// Maps a reqwest error to a failure class by walking its causes.
fn classify(err: reqwest::Error, phase: Phase) -> Failed {
    let mut source: Option<&(dyn StdError + 'static)> = Some(&err);
    let mut text = String::new();
    // Whether the cause below reqwest's own layers was the transport (hyper) or the decoder.
    let mut below: Option<FailureClass> = None;
    let mut transport = false;
    while let Some(e) = source {
        if let Some(b) = e.downcast_ref::<BlockedAddress>() {
            return Failed::new(FailureClass::Blocked, b.to_string());
        }
        if let Some(d) = e.downcast_ref::<DnsFailure>() {
            return Failed::new(FailureClass::Dns, d.to_string());
        }
        if let Some(h) = e.downcast_ref::<hyper::Error>() {
            transport = true;
            if below.is_none() {
                below = hyper_class(h, phase);
            }
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::TimedOut {
                return Failed::new(FailureClass::Timeout, io.to_string());
            }
            // The decompressing body reports its own faults as bare I/O errors; faults of the
            // connection arrive wrapped in hyper's.
            if !transport && phase == Phase::Body && err.is_decode() && below.is_none() {
                below = Some(FailureClass::Decode);
            }
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&e.to_string());
        source = e.source();
    }
    let lower = text.to_ascii_lowercase();
    let class = if err.is_timeout() {
        FailureClass::Timeout
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
    {
        FailureClass::Tls
    } else if let Some(class) = below {
        class
    } else if err.is_connect() {
        FailureClass::Connect
    } else if err.is_body() || err.is_decode() {
        FailureClass::Body
    } else if err.is_request() && (lower.contains("reset") || lower.contains("closed")) {
        FailureClass::Connect
    } else {
        FailureClass::Other
    };
    let mut reason = text;
    if reason.len() > 500 {
        let mut cut = 500;
        while !reason.is_char_boundary(cut) {
            cut -= 1;
        }
        reason.truncate(cut);
    }
    Failed::new(class, reason)
}

/// The class of a transport error, when it says more than "the connection failed".
fn hyper_class(e: &hyper::Error, phase: Phase) -> Option<FailureClass> {
    if e.is_parse() {
        // Bytes arrived, but not an HTTP response.
        return Some(FailureClass::Protocol);
    }
    if e.is_incomplete_message() {
        // Closed before the head: the peer took the request and gave no HTTP answer. Closed
        // mid-body: the transfer was cut, which is worth retrying.
        return Some(match phase {
            Phase::Head => FailureClass::Protocol,
            Phase::Body => FailureClass::Body,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_forbidden() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "224.0.0.1",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "ff02::1",
        ] {
            assert!(forbidden_ip(a.parse().unwrap()), "{a}");
        }
        for a in ["93.184.216.34", "8.8.8.8", "2001:4860:4860::8888"] {
            assert!(!forbidden_ip(a.parse().unwrap()), "{a}");
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
