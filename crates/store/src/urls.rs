//! Which URLs can name a story; their canonical form is `model::canon`.

use url::Url;

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

#[cfg(test)]
mod tests {
    use super::*;

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
