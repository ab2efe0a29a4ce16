//! The closed sets of failure stages and classes, stored as the same strings the database's
//! CHECK constraints list (`migrations/0103_failure_enums.sql`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Defines a fieldless enum stored as a string, with `ALL`, `as_str`, `Display` and `FromStr`.
macro_rules! stored_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The name stored in the database.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownName {
                        kind: stringify!($name),
                        name: s.to_string(),
                    }),
                }
            }
        }
    };
}

/// A string that names no value of a stored enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// The enum it was parsed as.
    pub kind: &'static str,
    /// The string that matched no value.
    pub name: String,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {}: {:?}", self.kind, self.name)
    }
}

impl std::error::Error for UnknownName {}

stored_enum! {
    /// The stage of the pipeline at which a URL failed.
    FailureStage {
        /// Fetching the page (network, HTTP, robots.txt).
        Fetch => "fetch",
        /// Turning the fetched bytes into an article.
        Parse => "parse",
        /// Finding the article's quotes and entities.
        Analyze => "analyze",
        /// Writing the outcome to the database.
        Store => "store",
    }
}

stored_enum! {
    /// Why a URL failed, in a few words; also the frontier's `fail_class`.
    FailureClass {
        /// Connect or total timeout.
        Timeout => "timeout",
        /// The name did not resolve.
        Dns => "dns",
        /// Connection refused or reset.
        Connect => "connect",
        /// TLS handshake or certificate problem.
        Tls => "tls",
        /// An unwanted HTTP status.
        Status => "status",
        /// The body exceeded the configured cap.
        TooLarge => "too_large",
        /// robots.txt disallows the URL.
        Robots => "robots",
        /// The host's robots.txt could not be read, so the URL waits.
        RobotsUnreachable => "robots_unreachable",
        /// The address is loopback, private, link-local or multicast.
        Blocked => "blocked",
        /// Too many redirects, a redirect to an unusable location, or a hop that must wait.
        Redirect => "redirect",
        /// The body was cut off in transit, or a page arrived empty.
        Body => "body",
        /// A complete body could not be decompressed (corrupt or truncated gzip, deflate, brotli).
        Decode => "decode",
        /// The server closed without an HTTP response, or answered with something not HTTP.
        Protocol => "protocol",
        /// The URL is malformed, too long or not http(s).
        Url => "url",
        /// A page, feed, sitemap or listing could not be parsed.
        Parse => "parse",
        /// The parser or analyzer panicked on the page.
        Panic => "panic",
        /// The page duplicates a stored story; marks a crawl URL done rather than failed.
        Duplicate => "duplicate",
        /// Anything else, and any older class a migration could not keep.
        Other => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIGRATION: &str = include_str!("../../../migrations/0103_failure_enums.sql");

    /// The quoted names of every `IN (...)` list in the migration that starts at or after each `marker`.
    fn lists_after(marker: &str) -> Vec<Vec<String>> {
        let mut lists = Vec::new();
        let mut rest = MIGRATION;
        while let Some(i) = rest.find(marker) {
            rest = &rest[i..];
            let open = rest.find("IN (").expect("an IN list follows") + 4;
            let close = open + rest[open..].find(')').expect("the IN list closes");
            let names = rest[open..close]
                .split(',')
                .map(|n| n.trim().trim_matches('\'').to_string())
                .collect();
            lists.push(names);
            rest = &rest[close..];
        }
        lists
    }

    fn names<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> Vec<String> {
        all.iter().map(|v| as_str(*v).to_string()).collect()
    }

    #[test]
    fn migration_checks_list_exactly_the_variants() {
        let stages = names(FailureStage::ALL, FailureStage::as_str);
        let classes = names(FailureClass::ALL, FailureClass::as_str);
        let stage_checks = lists_after("CHECK (stage");
        let class_checks = lists_after("CHECK (class");
        let fail_class_checks = lists_after("CHECK (fail_class");
        assert_eq!(stage_checks, vec![stages.clone()]);
        assert_eq!(class_checks, vec![classes.clone(), classes.clone()]);
        assert_eq!(fail_class_checks.len(), 1);
        // The crawl URL check lists the classes after its `IS NULL OR`.
        assert_eq!(fail_class_checks[0], classes);
        for list in lists_after("NOT IN") {
            assert!(list == stages || list == classes, "{list:?}");
        }
    }

    #[test]
    fn strings_round_trip_through_from_str_and_serde() {
        for c in FailureClass::ALL {
            assert_eq!(c.as_str().parse::<FailureClass>(), Ok(*c));
            assert_eq!(c.to_string(), c.as_str());
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_eq!(serde_json::from_str::<FailureClass>(&json).unwrap(), *c);
        }
        for s in FailureStage::ALL {
            assert_eq!(s.as_str().parse::<FailureStage>(), Ok(*s));
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        assert!("transient".parse::<FailureClass>().is_err());
        assert!("Fetch".parse::<FailureStage>().is_err());
    }
}
