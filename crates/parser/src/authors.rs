//! Byline cleaning: from "By EMMA LINDQVIST and RAYMOND CHO, Associated Press" to validated names.

use std::sync::LazyLock;

use regex::Regex;

static SPLIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s+(?:and|&|und|et|y|with)\s+|[,;|/•·\n]+|\s+-\s+").expect("static regex")
});
static LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:(?:written|writing|reported|reporting|story|text|words|photos?|compiled|edited|editing|additional reporting)\s+by|by|von|par|por|from)\b[:\s]*",
    )
    .expect("static regex")
});
static NOISE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\S+@\S+|https?://\S+|\bemail the author\b|\bfollow\b.*$|\bview\s+(?:all|more|full)\b.*$|\b(?:more|all)\s+(?:articles|stories|posts)\b.*$|\bupdated\b.*$|\bpublished\b.*$|\(.*?\)")
        .expect("static regex")
});

/// Organisation words: a byline part containing one is not a person.
const ORG_WORDS: &[&str] = &[
    "press",
    "reuters",
    "agency",
    "news",
    "staff",
    "desk",
    "team",
    "editor",
    "editors",
    "editorial",
    "correspondent",
    "correspondents",
    "writer",
    "reporter",
    "contributor",
    "bureau",
    "service",
    "media",
    "newsroom",
    "times",
    "post",
    "journal",
    "tass",
    "xinhua",
    "afp",
    "ap",
    "upi",
    "pti",
    "yonhap",
    "kyodo",
    "interfax",
    "anadolu",
    "ajansı",
    "aa",
    "online",
    "digital",
    "group",
    "wire",
    "wires",
    "daily",
    "herald",
    "tribune",
    "gazette",
    "magazine",
    "network",
    "admin",
    "administrator",
    "author",
    "guest",
    "share",
    "comments",
    "comment",
    "min",
    "read",
    "sponsored",
    "partner",
    "content",
    "photo",
    "video",
    "graphics",
    "chief",
    "senior",
    "associate",
    "opinion",
    "columnist",
    "policy",
    "analysis",
    "world",
    "business",
    "politics",
    "sports",
];

/// Trailing affiliations stripped from one name ("MIN-JI PARK Associated Press").
static TAIL_ORG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s+(?:the\s+)?(?:associated press|ap|reuters|afp|agence france-presse|tass|xinhua|yonhap|kyodo news|kyodo|pti|upi|interfax|anadolu agency|anadolu|aa|bloomberg|cnn|bbc)\b.*$")
        .expect("static regex")
});

/// Where the reporter filed from ("Karim Haddad in Dubai"): not part of the name.
static FILED_FROM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s+(?:in|from|at)\s+\p{Lu}[\p{L}\p{M}'’.\- ]*$").expect("static regex")
});

/// A date, time or clock reading: what follows it in a credit line is a section label, not a name.
static DATE_PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\d{1,2}:\d{2}|\b\d{4}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b")
        .expect("static regex")
});

/// Everyday words that never stand in a person's name; a byline part holding one is a label ("All Japan",
/// "Top Stories").
const NOT_NAME_WORDS: &[&str] = &[
    "all",
    "the",
    "a",
    "an",
    "our",
    "your",
    "my",
    "this",
    "that",
    "these",
    "new",
    "latest",
    "top",
    "breaking",
    "home",
    "more",
    "most",
    "live",
    "updates",
    "update",
    "local",
    "region",
    "regions",
    "nation",
    "national",
    "international",
    "domestic",
    "economy",
    "science",
    "culture",
    "sport",
    "entertainment",
    "lifestyle",
    "travel",
    "tech",
    "technology",
    "health",
    "weather",
    "features",
    "feature",
    "special",
    "exclusive",
    "report",
    "reports",
    "stories",
    "story",
    "today",
    "yesterday",
    "hours",
    "ago",
    "minutes",
    "edition",
    "section",
    "category",
    "latest",
    "view",
    "views",
];

/// Job-title words that may follow a name in a byline.
const ROLE_WORDS: &[&str] = &[
    "staff",
    "writer",
    "reporter",
    "correspondent",
    "editor",
    "contributor",
    "columnist",
    "senior",
    "chief",
    "political",
    "business",
    "sports",
    "national",
    "foreign",
    "diplomatic",
    "economics",
    "science",
    "health",
    "auto",
    "investigative",
];

const PARTICLES: &[&str] = &[
    "von", "van", "der", "den", "de", "da", "del", "della", "di", "du", "la", "le", "bin", "ibn",
    "al", "el", "dos", "das", "ter", "zu",
];

fn title_case(word: &str) -> String {
    // Each hyphen part capitalised: "MIN-JI" -> "Min-ji" keeps the second part lower like most romanisations.
    let mut out = String::with_capacity(word.len());
    let mut first = true;
    for c in word.chars() {
        if first {
            out.extend(c.to_uppercase());
            first = false;
        } else {
            out.extend(c.to_lowercase());
        }
        if c == '\'' || c == '’' {
            first = true;
        }
    }
    out
}

/// Whether a word is printed in capitals as a name would not be: letters only, a vowel, not an initialism
/// ("JR") or a generation numeral ("III").
fn is_shouted(w: &str) -> bool {
    let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 2
        && !letters.iter().any(|c| c.is_lowercase())
        && letters
            .iter()
            .any(|c| "AEIOUYÀÁÂÄÃÅÈÉÊËÌÍÎÏÒÓÔÖÕÙÚÛÜ".contains(*c))
        && !matches!(
            w,
            "II" | "III" | "IV" | "VI" | "VII" | "VIII" | "IX" | "XI" | "XII"
        )
}

/// Cleans one candidate name; `None` when it is not a person's name.
pub fn clean_name(part: &str) -> Option<String> {
    let s = NOISE.replace_all(part, " ");
    let s = LEAD.replace(&s, "");
    let s = TAIL_ORG.replace(&s, "");
    let s = FILED_FROM.replace(&s, "");
    let mut words: Vec<&str> = s
        .split(|c: char| c.is_whitespace())
        .map(|w| {
            w.trim_matches(|c: char| {
                !c.is_alphanumeric() && c != '.' && c != '\'' && c != '’' && c != '-'
            })
        })
        .filter(|w| !w.is_empty())
        .collect();
    // Job titles after the name ("Jane Doe Staff Writer") go; the name stays.
    while words.len() > 2
        && words
            .last()
            .is_some_and(|w| ROLE_WORDS.contains(&w.to_lowercase().as_str()))
    {
        words.pop();
    }
    if words.len() < 2 || words.len() > 5 {
        return None;
    }
    let all_caps = words.iter().all(|w| !w.chars().any(|c| c.is_lowercase()));
    let mut out = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        let lower = w.to_lowercase();
        let bare = lower.trim_end_matches('.');
        if w.chars().any(|c| c.is_ascii_digit())
            || ORG_WORDS.contains(&bare)
            || NOT_NAME_WORDS.contains(&bare)
        {
            return None;
        }
        let first = w.chars().next()?;
        if !first.is_alphabetic() {
            return None;
        }
        if first.is_lowercase() && !(i > 0 && PARTICLES.contains(&lower.as_str())) {
            return None;
        }
        let particle = i > 0 && PARTICLES.contains(&lower.as_str());
        // Family names printed in capitals ("Sofia MARCHETTI") are written as names, like the rest.
        let shouted = all_caps || is_shouted(w);
        out.push(if shouted && !particle {
            title_case(w)
        } else if shouted {
            lower
        } else {
            w.to_string()
        });
    }
    let name = out.join(" ");
    (name.chars().count() <= 60).then_some(name)
}

/// Splits a byline into validated, de-duplicated author names.
pub fn clean_byline(raw: &str) -> Vec<String> {
    let s = NOISE.replace_all(raw, " ");
    let s = LEAD.replace(&s, "");
    let mut names: Vec<String> = Vec::new();
    for part in SPLIT.split(&s) {
        // A date after the names ends them ("Jane Doe | March 3, 2024 | Politics"): the rest are labels.
        if DATE_PART.is_match(part) {
            if names.is_empty() {
                continue;
            }
            break;
        }
        if let Some(n) = clean_name(part) {
            if !names.iter().any(|x| x.eq_ignore_ascii_case(&n)) {
                names.push(n);
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bylines() {
        assert_eq!(
            clean_byline("By EMMA LINDQVIST and RAYMOND CHO"),
            ["Emma Lindqvist", "Raymond Cho"]
        );
        assert_eq!(
            clean_byline("By MIN-JI PARK Associated Press"),
            ["Min-ji Park"]
        );
        assert_eq!(
            clean_byline("Marta Kowalczyk, Daniel Ferreira"),
            ["Marta Kowalczyk", "Daniel Ferreira"]
        );
        assert_eq!(
            clean_byline("Reporting by Jan de Vries; Editing by Ana Lopez"),
            ["Jan de Vries", "Ana Lopez"]
        );
        assert_eq!(
            clean_byline("Ursula von der Leyen"),
            ["Ursula von der Leyen"]
        );
        assert_eq!(clean_byline("By Jane Doe | Staff Writer"), ["Jane Doe"]);
        assert_eq!(
            clean_byline("By Hannah Moreno Staff Writer | Email the author"),
            ["Hannah Moreno"]
        );
        assert_eq!(
            clean_byline("By TOM KRISHER AP Auto Writer"),
            ["Tom Krisher"]
        );
        assert_eq!(
            clean_byline("By Lucie DURAND with Omar FARES in Beirut"),
            ["Lucie Durand", "Omar Fares"]
        );
        assert_eq!(
            clean_byline("Jean-Luc MOREAU, Ana DA SILVA"),
            ["Jean-Luc Moreau", "Ana da Silva"]
        );
        assert_eq!(clean_byline("By Priya Nair in New Delhi"), ["Priya Nair"]);
        assert_eq!(
            clean_byline("Tomas Reyes View More Articles"),
            ["Tomas Reyes"]
        );
        assert_eq!(
            clean_byline("Ines Varga | More stories by this author"),
            ["Ines Varga"]
        );
        assert_eq!(clean_byline("JR Smith"), ["JR Smith"]);
        assert_eq!(clean_byline("Henry Ford III"), ["Henry Ford III"]);
    }

    #[test]
    fn rejects_non_names() {
        assert!(clean_byline("Email the author").is_empty());
        assert!(clean_byline("TASS").is_empty());
        assert!(clean_byline("Associated Press").is_empty());
        assert!(clean_byline("Reuters Staff").is_empty());
        assert!(clean_byline("March 12, 2024").is_empty());
        assert!(clean_byline("jane@example.com").is_empty());
        assert!(clean_byline("Updated 5:47 AM EDT").is_empty());
        assert!(clean_byline("RiverRat62").is_empty());
        assert!(clean_byline("").is_empty());
        assert!(clean_byline("JIJI PRESS - Mar 10, 2025 - 08:15 | All Kansai").is_empty());
        assert!(clean_byline("Top Stories").is_empty());
        assert!(clean_byline("Wire desk | 3 hours ago | World Economy").is_empty());
        assert_eq!(
            clean_byline("Jane Doe | March 3, 2024 | Rural Affairs"),
            ["Jane Doe"]
        );
        assert!(clean_byline("https://www.example.com/authors/jane-doe").is_empty());
    }
}
