//! Datelines: the place, date and agency that open a wire story ("WASHINGTON, March 3 (Reuters) -").

use std::sync::LazyLock;

use model::Dateline;
use regex::Regex;

/// Agencies recognised in a dateline even when the place is not in capitals.
const AGENCIES: &[&str] = &[
    "AP",
    "Reuters",
    "AFP",
    "TASS",
    "Xinhua",
    "Yonhap",
    "PTI",
    "AA",
    "UPI",
    "Kyodo",
    "Interfax",
    "IANS",
    "ANI",
    "dpa",
    "DPA",
    "EFE",
    "ANSA",
    "Bernama",
    "Antara",
    "KUNA",
    "WAM",
    "SPA",
    "IRNA",
    "MENA",
    "PAP",
    "CTK",
    "BTA",
    "Sputnik",
    "RIA Novosti",
    "Anadolu",
    "Anadolu Agency",
    "CNN",
    "BBC",
    "IRIB",
    "Ukrinform",
    "APA",
    "Trend",
    "Belga",
    "Lusa",
    "KCNA",
    "Kyodo News",
    "Jiji",
    "Bloomberg",
    "CNA",
    "Prensa Latina",
    "Notimex",
    "Agencia EFE",
    "VNA",
    "PNA",
];

const PLACE: &str =
    r"\p{Lu}[\p{L}\p{M}'’.\-]*(?:[ /]+(?:\p{Lu}|de |del |la |el |al-|of )[\p{L}\p{M}'’.\-]*){0,4}";
const REGION: &str = r"(?:,\s*\p{Lu}[\p{L}\p{M}'’.\-]*(?:\s\p{Lu}[\p{L}\p{M}'’.\-]*){0,3}){0,2}";
const DATE: &str = r"(?:\p{Lu}\p{L}{2,8}\.?\s+\d{1,2}|\d{1,2}\.?\s+\p{L}{3,9}\.?)";

/// Letters of the scripts datelines are printed in (Latin with diacritics, Greek, Cyrillic). Full Unicode
/// classes under bounded repeats made these patterns take a tenth of a second to compile.
const SCRIPTS: &str = r"A-Za-z\x{C0}-\x{24F}\x{370}-\x{3FF}\x{400}-\x{52F}\x{1E00}-\x{1EFF}";

/// Narrows the Unicode classes of a dateline pattern to [`SCRIPTS`].
fn narrow(pattern: &str) -> Regex {
    let p = pattern
        .replace(r"\p{Lu}", &format!(r"[\p{{Lu}}&&[{SCRIPTS}]]"))
        .replace(r"\p{L}", &format!(r"[\p{{L}}&&[{SCRIPTS}]]"))
        .replace(r"\p{M}", r"\x{300}-\x{36F}")
        .replace(r"\d", "[0-9]");
    Regex::new(&p).expect("static regex")
}

static WITH_AGENCY: LazyLock<Regex> = LazyLock::new(|| {
    narrow(&format!(
        r"^(?:(?P<place>{PLACE}{REGION})(?:[,.]\s*(?P<date>{DATE}))?|(?P<date2>{DATE}))?\.?\s*(?:\((?P<ag>\p{{Lu}}[\p{{L}}\-]{{1,20}}(?:\s\p{{Lu}}[\p{{L}}]+){{0,2}})\)|/(?P<ag2>\p{{Lu}}[\p{{L}}\-]{{1,20}}(?:\s\p{{Lu}}[\p{{L}}]+){{0,2}})/)\s*\.?\s*(?:[-–—]{{1,2}}|:)?\s*"
    ))
});

static NO_AGENCY: LazyLock<Regex> = LazyLock::new(|| {
    narrow(&format!(
        r"^(?P<place>\p{{Lu}}[\p{{Lu}}\p{{M}}'’.\-]+(?:[ /]\p{{Lu}}[\p{{Lu}}\p{{M}}'’.\-]+){{0,3}}{REGION})(?:,\s*(?P<date>{DATE}))?\s*(?:[-–—]{{1,2}}|\.\s*/)\s+"
    ))
});

/// Agencies some services print bare after the place and date, without brackets ("TOKYO, Feb. 4 Kyodo -").
static BARE_AGENCY: LazyLock<Regex> = LazyLock::new(|| {
    // Only known agency names: a bare capitalised word before a dash is too often a sentence.
    let mut names: Vec<&str> = AGENCIES.to_vec();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let alt = names
        .iter()
        .map(|n| regex::escape(n))
        .collect::<Vec<_>>()
        .join("|");
    narrow(&format!(
        r"^(?P<place>{PLACE}{REGION})(?:,\s*(?P<date>{DATE}))?\.?\s+(?P<ag>{alt})\s*(?:[-–—]{{1,2}}|:)\s+"
    ))
});

fn is_upper_place(p: &str) -> bool {
    let head = p.split(',').next().unwrap_or(p);
    head.chars().any(|c| c.is_alphabetic()) && !head.chars().any(|c| c.is_lowercase())
}

fn month_like(d: &str) -> bool {
    let w: String = d
        .chars()
        .filter(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    const MONTHS: &[&str] = &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "janv",
        "févr", "fév", "avr", "mai", "juin", "juil", "août", "déc", "ene", "abr", "ago", "dic",
        "okt", "dez", "mär", "märz", "mars",
    ];
    MONTHS.iter().any(|m| w.starts_with(m))
}

/// Parses a dateline at the start of `text`; returns it with its length in bytes as printed.
pub fn parse_dateline(text: &str) -> Option<(Dateline, usize)> {
    let head = match text.char_indices().nth(120) {
        Some((i, _)) => &text[..i],
        None => text,
    };
    with_agency(head)
        .or_else(|| bare_agency(head))
        .or_else(|| no_agency(head))
}

/// A captured field, trimmed of spaces and of the punctuation `end` that closes it.
fn field(c: &regex::Captures<'_>, names: &[&str], end: char) -> Option<String> {
    names
        .iter()
        .find_map(|n| c.name(n))
        .map(|m| m.as_str().trim().trim_end_matches(end).to_string())
}

/// The dateline a match gives, with the bytes of the whole match, trailing spaces left out.
fn matched(c: &regex::Captures<'_>, dateline: Dateline) -> Option<(Dateline, usize)> {
    Some((dateline, c.get(0)?.as_str().trim_end().len()))
}

/// "MOSCOW, June 6. /TASS/." and "ANKARA (AA) -": an agency in brackets or slashes.
fn with_agency(head: &str) -> Option<(Dateline, usize)> {
    let c = WITH_AGENCY.captures(head)?;
    let agency = c.name("ag").or(c.name("ag2"))?.as_str().to_string();
    let place = field(&c, &["place"], ',');
    let date = field(&c, &["date", "date2"], '.');
    let known = AGENCIES.iter().any(|a| a.eq_ignore_ascii_case(&agency));
    let place_ok = place.as_deref().is_none_or(|p| known || is_upper_place(p));
    let date_ok = date.as_deref().is_none_or(month_like);
    // Without a place or date the parenthesis alone is only a dateline when it names an agency.
    let ok = place_ok
        && date_ok
        && (known || place.is_some())
        && (place.is_some() || date.is_some() || known);
    if !ok {
        return None;
    }
    let agency = Some(agency);
    matched(
        &c,
        Dateline {
            place,
            date,
            agency,
        },
    )
}

/// "TOKYO, Feb. 4 Kyodo -": an agency printed bare after the place and date.
fn bare_agency(head: &str) -> Option<(Dateline, usize)> {
    let c = BARE_AGENCY.captures(head)?;
    let place = field(&c, &["place"], ',');
    let date = field(&c, &["date"], '.');
    // Without brackets the place must look like a dateline place: in capitals, or followed by a date.
    let place_ok = place
        .as_deref()
        .is_some_and(|p| is_upper_place(p) || date.is_some());
    if !(place_ok && date.as_deref().is_none_or(month_like)) {
        return None;
    }
    let agency = c.name("ag").map(|m| m.as_str().to_string());
    matched(
        &c,
        Dateline {
            place,
            date,
            agency,
        },
    )
}

/// "BRUSSELS, March 3 -": a place in capitals, perhaps a date, and a dash.
fn no_agency(head: &str) -> Option<(Dateline, usize)> {
    let c = NO_AGENCY.captures(head)?;
    let place = c.name("place")?.as_str().trim().to_string();
    let date = field(&c, &["date"], '.');
    if !(date.as_deref().is_none_or(month_like)
        && place.chars().filter(|c| c.is_alphabetic()).count() >= 3)
    {
        return None;
    }
    let dateline = Dateline {
        place: Some(place),
        date,
        agency: None,
    };
    matched(&c, dateline)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dl(s: &str) -> Option<(Option<String>, Option<String>, Option<String>)> {
        parse_dateline(s).map(|(d, _)| (d.place, d.date, d.agency))
    }

    fn t(
        p: Option<&str>,
        d: Option<&str>,
        a: Option<&str>,
    ) -> Option<(Option<String>, Option<String>, Option<String>)> {
        Some((p.map(Into::into), d.map(Into::into), a.map(Into::into)))
    }

    #[test]
    fn wire_openings() {
        assert_eq!(
            dl("MOSCOW, June 6. /TASS/. US President"),
            t(Some("MOSCOW"), Some("June 6"), Some("TASS"))
        );
        assert_eq!(
            dl("WASHINGTON, March 3 (Reuters) - The"),
            t(Some("WASHINGTON"), Some("March 3"), Some("Reuters"))
        );
        assert_eq!(
            dl("BEIJING (AP) — China on"),
            t(Some("BEIJING"), None, Some("AP"))
        );
        assert_eq!(
            dl("BEIJING, Jan. 5 (Xinhua) -- Chinese"),
            t(Some("BEIJING"), Some("Jan. 5"), Some("Xinhua"))
        );
        assert_eq!(
            dl("ANKARA (AA) - Turkish"),
            t(Some("ANKARA"), None, Some("AA"))
        );
        assert_eq!(
            dl("SEOUL, Aug. 20 (Yonhap) -- North"),
            t(Some("SEOUL"), Some("Aug. 20"), Some("Yonhap"))
        );
        assert_eq!(
            dl("New Delhi, Dec 5 (PTI) The"),
            t(Some("New Delhi"), Some("Dec 5"), Some("PTI"))
        );
        assert_eq!(
            dl("Berlin (AFP) - Germany"),
            t(Some("Berlin"), None, Some("AFP"))
        );
        assert_eq!(
            dl("SEOUL, South Korea (AP) — The"),
            t(Some("SEOUL, South Korea"), None, Some("AP"))
        );
        assert_eq!(
            dl("LA CROSSE, Wis. (AP) — After"),
            t(Some("LA CROSSE, Wis."), None, Some("AP"))
        );
        assert_eq!(
            dl("BEIRUT/THE HAGUE, March 7 (Reuters) - An"),
            t(Some("BEIRUT/THE HAGUE"), Some("March 7"), Some("Reuters"))
        );
        assert_eq!(
            dl("PARIS, 4 mars (Reuters) - Wall"),
            t(Some("PARIS"), Some("4 mars"), Some("Reuters"))
        );
        assert_eq!(
            dl("MOSCOW. Oct 11 (Interfax) - Grain"),
            t(Some("MOSCOW"), Some("Oct 11"), Some("Interfax"))
        );
        assert_eq!(
            dl("Lisbon (Lusa) - Portugal"),
            t(Some("Lisbon"), None, Some("Lusa"))
        );
        assert_eq!(
            dl("МОСКВА (ТАСС) - Новые"),
            t(Some("МОСКВА"), None, Some("ТАСС"))
        );
        assert_eq!(
            dl("SÃO PAULO, 3 março (Reuters) - A"),
            t(Some("SÃO PAULO"), Some("3 março"), Some("Reuters"))
        );
        assert_eq!(
            dl("Buenos Aires (EFE) - The"),
            t(Some("Buenos Aires"), None, Some("EFE"))
        );
    }

    #[test]
    fn agency_without_brackets() {
        assert_eq!(
            dl("OSAKA, Nov. 12 Kyodo - Shares"),
            t(Some("OSAKA"), Some("Nov. 12"), Some("Kyodo"))
        );
        assert_eq!(
            dl("NAGOYA Kyodo - A court"),
            t(Some("NAGOYA"), None, Some("Kyodo"))
        );
        assert_eq!(
            dl("Sapporo, March 3 Jiji - Snow"),
            t(Some("Sapporo"), Some("March 3"), Some("Jiji"))
        );
        let s = "OSAKA, Nov. 12 Kyodo - Shares";
        let (_, n) = parse_dateline(s).unwrap();
        assert_eq!(&s[..n], "OSAKA, Nov. 12 Kyodo -");
    }

    #[test]
    fn partial_datelines() {
        assert_eq!(
            dl("March 4 (Reuters) - Futures"),
            t(None, Some("March 4"), Some("Reuters"))
        );
        assert_eq!(dl("(Reuters) - Futures"), t(None, None, Some("Reuters")));
        assert_eq!(
            dl("KYIV, Ukraine — Russian drones"),
            t(Some("KYIV, Ukraine"), None, None)
        );
        assert_eq!(
            dl("KYIV, Dec. 3 — Russian drones"),
            t(Some("KYIV"), Some("Dec. 3"), None)
        );
    }

    #[test]
    fn not_datelines() {
        assert_eq!(dl("The ministry (MFA) said on Monday"), None);
        assert_eq!(dl("Turkish Foreign Minister Hakan Fidan said"), None);
        assert_eq!(dl("A - B"), None);
        assert_eq!(dl(""), None);
        assert_eq!(dl("“We are ready,” he said (Reuters)"), None);
        assert_eq!(
            dl("Prime Minister Ishiba told Kyodo - in an interview"),
            None
        );
        assert_eq!(dl("Officials at Reuters - the"), None);
    }

    #[test]
    fn keeps_length_as_printed() {
        let s = "WASHINGTON, March 3 (Reuters) - The";
        let (_, n) = parse_dateline(s).unwrap();
        assert_eq!(&s[..n], "WASHINGTON, March 3 (Reuters) -");
    }
}
