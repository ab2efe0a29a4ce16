//! Date parsing: ISO 8601 and its common variants, RFC 2822, printed dates, and dates in URLs.

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use regex::Regex;

static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(\d{4})-?(\d{2})-?(\d{2})(?:[T ]+(\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,]\d+)?)?)?\s*(z|utc|gmt|[+-]\d{2}(?::?\d{2})?)?\s*$",
    )
    .expect("static regex")
});

static TEXT_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?:
          (?P<m1>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{4})
        | (?P<d2>\d{1,2})(?:st|nd|rd|th)?\.?\s+(?P<m2>jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+(?P<y2>\d{4})
        )
        (?:[\s,]+(?:at\s+)?(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?::(?P<s>\d{2}))?\s*(?P<ap>[ap]\.?m\.?)?\s*(?P<tz>[A-Z]{2,4}\b|[+-]\d{2}:?\d{2})?)?",
    )
    .expect("static regex")
});

static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[/_-])((?:19|20)\d{2})[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?:[/_.-]|$)",
    )
    .expect("static regex")
});

fn month_num(m: &str) -> Option<u32> {
    let m = m.get(..3)?.to_ascii_lowercase();
    Some(match m.as_str() {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    })
}

fn offset_of(tz: &str) -> Option<FixedOffset> {
    let t = tz.trim();
    let secs = match t.to_ascii_uppercase().as_str() {
        "" | "Z" | "UTC" | "GMT" => 0,
        "EST" => -5 * 3600,
        "EDT" => -4 * 3600,
        "CST" => -6 * 3600,
        "CDT" => -5 * 3600,
        "MST" => -7 * 3600,
        "MDT" => -6 * 3600,
        "PST" => -8 * 3600,
        "PDT" => -7 * 3600,
        "BST" => 3600,
        "CET" => 3600,
        "CEST" => 2 * 3600,
        "MSK" => 3 * 3600,
        "IST" => 5 * 3600 + 1800,
        "KST" | "JST" => 9 * 3600,
        _ => {
            let sign = if t.starts_with('-') {
                -1
            } else if t.starts_with('+') {
                1
            } else {
                return None;
            };
            let digits: String = t[1..].chars().filter(|c| c.is_ascii_digit()).collect();
            let (h, m) = match digits.len() {
                2 => (digits.parse::<i32>().ok()?, 0),
                4 => (
                    digits[..2].parse::<i32>().ok()?,
                    digits[2..].parse::<i32>().ok()?,
                ),
                _ => return None,
            };
            if h > 14 || m > 59 {
                return None;
            }
            sign * (h * 3600 + m * 60)
        }
    };
    FixedOffset::east_opt(secs)
}

fn at(date: NaiveDate, h: u32, mi: u32, s: u32, off: FixedOffset) -> Option<DateTime<FixedOffset>> {
    let t = NaiveTime::from_hms_opt(h, mi, s)?;
    off.from_local_datetime(&NaiveDateTime::new(date, t))
        .single()
}

/// Parses a machine-readable or printed date; a date without an offset is taken as UTC.
pub fn parse_date(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if s.is_empty() || s.len() > 200 {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d);
    }
    if let Some(c) = ISO.captures(s) {
        let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
        let date = NaiveDate::from_ymd_opt(num(1)? as i32, num(2)?, num(3)?)?;
        let off = match c.get(7) {
            Some(m) => offset_of(m.as_str())?,
            None => FixedOffset::east_opt(0)?,
        };
        return at(
            date,
            num(4).unwrap_or(0),
            num(5).unwrap_or(0),
            num(6).unwrap_or(0),
            off,
        );
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d);
    }
    parse_text_date(s)
}

/// Finds a printed date ("March 12, 2024 2:27 PM EST", "12 Mar 2024 14:27") in running text.
pub fn parse_text_date(s: &str) -> Option<DateTime<FixedOffset>> {
    let c = TEXT_DATE.captures(s)?;
    let (m, d, y) = match (c.name("m1"), c.name("d1"), c.name("y1")) {
        (Some(m), Some(d), Some(y)) => (m, d, y),
        _ => (c.name("m2")?, c.name("d2")?, c.name("y2")?),
    };
    let date = NaiveDate::from_ymd_opt(
        y.as_str().parse().ok()?,
        month_num(m.as_str())?,
        d.as_str().parse().ok()?,
    )?;
    let off = c
        .name("tz")
        .and_then(|t| offset_of(t.as_str()))
        .unwrap_or(FixedOffset::east_opt(0)?);
    let (mut h, mi, sec) = match (c.name("h"), c.name("mi")) {
        (Some(h), Some(mi)) => (
            h.as_str().parse::<u32>().ok()?,
            mi.as_str().parse::<u32>().ok()?,
            c.name("s")
                .and_then(|x| x.as_str().parse().ok())
                .unwrap_or(0),
        ),
        _ => (0, 0, 0),
    };
    if let Some(ap) = c.name("ap") {
        let pm = ap.as_str().to_ascii_lowercase().starts_with('p');
        if h == 12 {
            h = 0;
        }
        if pm {
            h += 12;
        }
    }
    at(date, h, mi, sec, off)
}

/// A date printed in a URL path (`/2023/12/14/`, `-2023-12-14/`, `/20240114/`), at midnight UTC.
pub fn date_from_url(url: &str) -> Option<DateTime<FixedOffset>> {
    let path = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let path = path.find('/').map(|i| &path[i..]).unwrap_or("");
    let c = URL_DATE.captures(path)?;
    let date = NaiveDate::from_ymd_opt(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)?;
    at(date, 0, 0, 0, FixedOffset::east_opt(0)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        parse_date(s).map(|d| d.to_rfc3339()).unwrap_or_default()
    }

    #[test]
    fn iso_variants_keep_their_offset() {
        assert_eq!(p("2024-03-12T14:27:00+03:00"), "2024-03-12T14:27:00+03:00");
        assert_eq!(p("2024-03-12T14:27:00+0300"), "2024-03-12T14:27:00+03:00");
        assert_eq!(
            p("2023-12-14T18:42:11.123Z"),
            "2023-12-14T18:42:11.123+00:00"
        );
        assert_eq!(p("2024-01-14 22:18:45"), "2024-01-14T22:18:45+00:00");
        assert_eq!(p("2024-01-14"), "2024-01-14T00:00:00+00:00");
        assert_eq!(p("20240114T2218"), "2024-01-14T22:18:00+00:00");
        assert_eq!(p("2024-01-14T22:18:45 GMT"), "2024-01-14T22:18:45+00:00");
    }

    #[test]
    fn rfc2822_and_printed() {
        assert_eq!(
            p("Tue, 12 Mar 2024 14:27:00 +0300"),
            "2024-03-12T14:27:00+03:00"
        );
        assert_eq!(
            p("Updated 5:47 AM EDT, July 4, 2023"),
            "2023-07-04T00:00:00+00:00"
        );
        assert_eq!(p("July 4, 2023 5:47 AM EDT"), "2023-07-04T05:47:00-04:00");
        assert_eq!(p("12 March 2024, 14:27"), "2024-03-12T14:27:00+00:00");
        assert_eq!(p("Dec. 5th, 2023 at 12:30 pm"), "2023-12-05T12:30:00+00:00");
    }

    #[test]
    fn junk_is_none() {
        for s in [
            "",
            "yesterday",
            "2024-13-45",
            "9999999999999",
            "2024-02-30T10:00:00Z",
            "March 99, 2024",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn url_dates() {
        let u = |s: &str| date_from_url(s).map(|d| d.date_naive().to_string());
        assert_eq!(
            u("https://www.reuters.com/world/europe/eu-talks-2023-12-14/").as_deref(),
            Some("2023-12-14")
        );
        assert_eq!(
            u("https://english.news.cn/20240114/8d4f/c.html").as_deref(),
            Some("2024-01-14")
        );
        assert_eq!(
            u("https://example.com/2019/11/20/story.html").as_deref(),
            Some("2019-11-20")
        );
        assert_eq!(u("https://tass.com/politics/1759214"), None);
        assert_eq!(u("https://x.com/20241399/a"), None);
    }
}
