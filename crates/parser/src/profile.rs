//! Site profiles: per-host CSS selectors for the fields and the boilerplate of a wire service.
//!
//! Profiles are TOML data, built in with `include_str!` and overridable by users at run time.

use scraper::Selector;
use serde::Deserialize;

use crate::ParseError;

/// A profile as written in TOML.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ProfileToml {
    /// Hosts the profile applies to; subdomains match too.
    hosts: Vec<String>,
    /// The agency name printed in datelines and bylines.
    #[serde(default)]
    agency: Option<String>,
    #[serde(default)]
    title: Vec<String>,
    #[serde(default)]
    lede: Vec<String>,
    #[serde(default)]
    body: Vec<String>,
    #[serde(default)]
    byline: Vec<String>,
    #[serde(default)]
    date: Vec<String>,
    #[serde(default)]
    drop: Vec<String>,
    /// Minimum body characters for the profile's body to count as usable.
    #[serde(default)]
    min_body_chars: Option<usize>,
}

/// A compiled site profile.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The profile's name (its file stem).
    pub name: String,
    /// Hosts it applies to.
    pub hosts: Vec<String>,
    /// The agency name, when the profile is for a wire service.
    pub agency: Option<String>,
    pub(crate) title: Vec<Selector>,
    pub(crate) lede: Vec<Selector>,
    pub(crate) body: Vec<Selector>,
    pub(crate) byline: Vec<Selector>,
    pub(crate) date: Vec<Selector>,
    pub(crate) drop: Vec<Selector>,
    pub(crate) min_body_chars: usize,
}

fn compile(name: &str, field: &str, list: &[String]) -> Result<Vec<Selector>, ParseError> {
    list.iter()
        .map(|s| {
            Selector::parse(s).map_err(|e| ParseError::Profile {
                name: name.to_string(),
                reason: format!("{field}: bad selector {s:?}: {e}"),
            })
        })
        .collect()
}

impl Profile {
    /// Parses and compiles a profile from TOML text.
    pub fn from_toml(name: &str, text: &str) -> Result<Profile, ParseError> {
        let p: ProfileToml = toml::from_str(text).map_err(|e| ParseError::Profile {
            name: name.to_string(),
            reason: e.to_string(),
        })?;
        if p.hosts.is_empty() {
            return Err(ParseError::Profile {
                name: name.to_string(),
                reason: "no hosts".into(),
            });
        }
        Ok(Profile {
            name: name.to_string(),
            hosts: p
                .hosts
                .iter()
                .map(|h| h.trim().trim_start_matches("www.").to_ascii_lowercase())
                .collect(),
            agency: p.agency,
            title: compile(name, "title", &p.title)?,
            lede: compile(name, "lede", &p.lede)?,
            body: compile(name, "body", &p.body)?,
            byline: compile(name, "byline", &p.byline)?,
            date: compile(name, "date", &p.date)?,
            drop: compile(name, "drop", &p.drop)?,
            min_body_chars: p.min_body_chars.unwrap_or(150),
        })
    }

    /// Whether the profile applies to `host`.
    pub fn matches(&self, host: &str) -> bool {
        let host = host.trim_start_matches("www.");
        self.hosts.iter().any(|h| {
            host == h
                || host
                    .strip_suffix(h.as_str())
                    .is_some_and(|pre| pre.ends_with('.'))
        })
    }
}

/// The built-in profiles, by name.
pub(crate) const BUILTIN: &[(&str, &str)] = &[
    ("tass", include_str!("../profiles/tass.toml")),
    ("reuters", include_str!("../profiles/reuters.toml")),
    ("ap", include_str!("../profiles/ap.toml")),
    ("afp", include_str!("../profiles/afp.toml")),
    ("xinhua", include_str!("../profiles/xinhua.toml")),
    ("interfax", include_str!("../profiles/interfax.toml")),
    ("anadolu", include_str!("../profiles/anadolu.toml")),
    ("yonhap", include_str!("../profiles/yonhap.toml")),
    ("kyodo", include_str!("../profiles/kyodo.toml")),
    ("upi", include_str!("../profiles/upi.toml")),
    ("pti", include_str!("../profiles/pti.toml")),
];
