//! URL normalisation for story identity.

use url::Url;

/// Normalises a story URL: lower-case scheme and host (done by the parser), no fragment, no
/// `utm_*`/tracking parameters, no default port. Unparseable input is returned trimmed.
pub fn normalize(raw: &str) -> String {
    let trimmed = raw.trim();
    let Ok(mut url) = Url::parse(trimmed) else {
        return trimmed.to_owned();
    };
    url.set_fragment(None);
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| !is_tracking(k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    url.to_string()
}

/// Whether a canonical URL is specific enough to identify a story: http(s) with a real path.
/// Some sites declare their home page or a section as every story's canonical URL.
pub fn is_story_like(raw: &str) -> bool {
    let Ok(url) = Url::parse(raw.trim()) else {
        return false;
    };
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return false;
    }
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    // One short segment ("/world", "/en") is a section, not a story.
    match segments.as_slice() {
        [] => url.query().is_some(),
        [only] => only.len() > 12 || only.chars().any(|c| c.is_ascii_digit()),
        _ => true,
    }
}

fn is_tracking(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.starts_with("utm_")
        || matches!(
            k.as_str(),
            "fbclid" | "gclid" | "ocid" | "cmpid" | "at_medium" | "at_campaign"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_fragment_and_tracking() {
        assert_eq!(
            normalize(" HTTPS://Wire.Example.com:443/world/123?utm_source=rss&id=5#top "),
            "https://wire.example.com/world/123?id=5"
        );
        assert_eq!(
            normalize("https://a.example/x?utm_medium=feed"),
            "https://a.example/x"
        );
    }

    #[test]
    fn keeps_unparseable_text() {
        assert_eq!(normalize("  not a url "), "not a url");
    }

    #[test]
    fn story_like_canonicals() {
        assert!(is_story_like("https://wire.example/politics/1234567"));
        assert!(is_story_like(
            "https://wire.example/2026/11/27/talks-resume"
        ));
        assert!(!is_story_like("https://wire.example/"));
        assert!(!is_story_like("https://wire.example/world"));
        assert!(!is_story_like("ftp://wire.example/a/b"));
        assert!(!is_story_like("/relative/path"));
    }
}
