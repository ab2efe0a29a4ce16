//! Query-string parameters: read as text, then checked, so every bad value gets a 400 naming it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use super::error::WebError;

/// Rows on one page of any list.
pub const PAGE_SIZE: i64 = 25;
/// The last page any list goes to, so OFFSET stays bounded.
pub const MAX_PAGE: i64 = 200;
/// Longest search text accepted.
const MAX_QUERY_CHARS: usize = 200;
/// Longest source or speaker name accepted.
const MAX_NAME_CHARS: usize = 200;

/// The raw parameters any page may take; each page reads the ones it knows.
#[derive(Debug, Default, Deserialize)]
pub struct Raw {
    /// Page number, from 1.
    pub page: Option<String>,
    /// Source name (home page).
    pub source: Option<String>,
    /// A UTC day, YYYY-MM-DD (home page).
    pub day: Option<String>,
    /// Search text.
    pub q: Option<String>,
    /// Speaker name or id (quote search).
    pub speaker: Option<String>,
    /// First UTC day, inclusive (quote search).
    pub from: Option<String>,
    /// Last UTC day, inclusive (quote search).
    pub to: Option<String>,
}

/// An empty value counts as absent, so a submitted form with blank fields is fine.
fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The page number: 1 when absent.
pub fn page(raw: &Raw) -> Result<i64, WebError> {
    let Some(v) = present(&raw.page) else {
        return Ok(1);
    };
    match v.parse::<i64>() {
        Ok(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
        _ => Err(WebError::BadRequest(format!(
            "page must be a whole number from 1 to {MAX_PAGE}, not {v:?}"
        ))),
    }
}

/// The OFFSET of a page.
pub fn offset(page: i64) -> i64 {
    (page - 1) * PAGE_SIZE
}

/// A UTC day written YYYY-MM-DD.
pub fn day(name: &str, v: &Option<String>) -> Result<Option<NaiveDate>, WebError> {
    let Some(v) = present(v) else {
        return Ok(None);
    };
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            WebError::BadRequest(format!("{name} must be a day like 2026-03-02, not {v:?}"))
        })
}

/// Midnight UTC at the start of `day`.
pub fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A short free-text value (source or speaker name), trimmed.
pub fn name(field: &str, v: &Option<String>) -> Result<Option<String>, WebError> {
    let Some(v) = present(v) else {
        return Ok(None);
    };
    if v.chars().count() > MAX_NAME_CHARS || v.chars().any(char::is_control) {
        return Err(WebError::BadRequest(format!(
            "{field} must be at most {MAX_NAME_CHARS} characters of plain text"
        )));
    }
    Ok(Some(v.to_string()))
}

/// Search text, trimmed and bounded; `None` when absent.
pub fn query(v: &Option<String>) -> Result<Option<String>, WebError> {
    let Some(v) = present(v) else {
        return Ok(None);
    };
    if v.chars().count() > MAX_QUERY_CHARS {
        return Err(WebError::BadRequest(format!(
            "q must be at most {MAX_QUERY_CHARS} characters"
        )));
    }
    // Control characters, and the two private-use marks that frame matches, mean nothing to search.
    let clean: String = v
        .chars()
        .map(|c| {
            if c.is_control()
                || c == super::highlight::MARK_START
                || c == super::highlight::MARK_END
            {
                ' '
            } else {
                c
            }
        })
        .collect();
    Ok(Some(clean))
}

/// A story, speaker or entity id from the path.
pub fn id(what: &str, v: &str) -> Result<i64, WebError> {
    match v.parse::<i64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(WebError::BadRequest(format!(
            "a {what} id is a positive whole number, not {v:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_outside_the_bound_are_refused() {
        let raw = |p: &str| Raw {
            page: Some(p.into()),
            ..Raw::default()
        };
        assert_eq!(page(&Raw::default()).unwrap(), 1);
        assert_eq!(page(&raw("3")).unwrap(), 3);
        assert!(page(&raw("0")).is_err());
        assert!(page(&raw("201")).is_err());
        assert!(page(&raw("two")).is_err());
    }

    #[test]
    fn days_are_iso_dates_and_blank_is_absent() {
        assert_eq!(
            day("day", &Some("2026-03-02".into())).unwrap(),
            NaiveDate::from_ymd_opt(2026, 3, 2)
        );
        assert_eq!(day("day", &Some("  ".into())).unwrap(), None);
        assert!(day("day", &Some("2026-02-30".into())).is_err());
        assert!(day("day", &Some("yesterday".into())).is_err());
    }

    #[test]
    fn ids_are_positive_numbers() {
        assert_eq!(id("story", "42").unwrap(), 42);
        assert!(id("story", "-1").is_err());
        assert!(id("story", "1; DROP").is_err());
    }
}
