//! Boilerplate phrases per language, read from `data/boilerplate.tsv`.
//!
//! The phrases live as data so that a language is added by editing one file: related-story
//! headings, furniture lines (share, subscribe, advertising labels), date-stamp labels and the
//! "read more" links appended to meta descriptions.

use std::sync::LazyLock;

use regex::Regex;

const TABLE: &str = include_str!("../data/boilerplate.tsv");

/// What a phrase marks; the first column of the table.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Related,
    Line,
    Stamp,
    ReadMore,
}

impl Kind {
    fn named(name: &str) -> Option<Kind> {
        Some(match name {
            "related" => Kind::Related,
            "line" => Kind::Line,
            "stamp" => Kind::Stamp,
            "read_more" => Kind::ReadMore,
            _ => return None,
        })
    }
}

/// One row of the table.
struct Phrase {
    kind: Kind,
    pattern: &'static str,
}

/// The table's rows, or the first malformed line.
fn phrases() -> Result<Vec<Phrase>, String> {
    let mut out = Vec::new();
    for (n, line) in TABLE.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(kind), Some(_lang), Some(pattern), None) =
            (cols.next(), cols.next(), cols.next(), cols.next())
        else {
            return Err(format!("line {}: want kind, language, pattern", n + 1));
        };
        let kind = Kind::named(kind).ok_or(format!("line {}: unknown kind {kind:?}", n + 1))?;
        out.push(Phrase { kind, pattern });
    }
    Ok(out)
}

/// The table, read once for all four patterns.
static PHRASES: LazyLock<Vec<Phrase>> =
    LazyLock::new(|| phrases().expect("data/boilerplate.tsv is checked by its test"));

/// The patterns of one kind as one alternation, in table order.
fn alternation(kind: Kind) -> String {
    let parts: Vec<String> = PHRASES
        .iter()
        .filter(|p| p.kind == kind)
        .map(|p| format!("(?:{})", p.pattern))
        .collect();
    parts.join("|")
}

fn compile(pattern: String) -> Regex {
    Regex::new(&pattern).expect("data/boilerplate.tsv is checked by its test")
}

static RELATED: LazyLock<Regex> = LazyLock::new(|| {
    compile(format!(
        r"(?i)^(?:{})[\s.:!…]*$",
        alternation(Kind::Related)
    ))
});

static LINE: LazyLock<Regex> =
    LazyLock::new(|| compile(format!(r"(?i)^(?:{})", alternation(Kind::Line))));

static STAMP: LazyLock<Regex> = LazyLock::new(|| {
    compile(format!(
        r"(?i)^(?:{})\s*(?:on|at)?\s*:?\s*",
        alternation(Kind::Stamp)
    ))
});

static READ_MORE: LazyLock<Regex> = LazyLock::new(|| {
    compile(format!(
        r"(?i)(?:[.!?…:|–—-]\s*[\[(»>]*\s*|\s[\[(»>]+\s*)(?P<m>{})\b.{{0,160}}$|\s(?P<u>(?:https?://|www\.)\S+)\s*$",
        alternation(Kind::ReadMore)
    ))
});

/// Whether a heading introduces other stories: "You may also like", "Leia também", "Lesen Sie auch".
pub(crate) fn is_related_heading(heading: &str) -> bool {
    RELATED.is_match(heading)
}

/// Whether a paragraph is page furniture: a share or subscribe line, an advertising label.
pub(crate) fn is_furniture_line(text: &str) -> bool {
    LINE.is_match(text)
}

/// Where the label of a date stamp that opens `text` ends ("Aktualisiert: " in
/// "Aktualisiert: 16.04.2025"), if one does.
pub(crate) fn stamp_label_end(text: &str) -> Option<usize> {
    STAMP.find(text).map(|m| m.end())
}

/// Where a "read more" link or a bare URL appended to a meta description starts, if it has one.
pub(crate) fn read_more_at(lede: &str) -> Option<usize> {
    let c = READ_MORE.captures(lede)?;
    c.name("m").or_else(|| c.name("u")).map(|m| m.start())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_parses_and_every_kind_compiles() {
        let rows = phrases().unwrap();
        for kind in [Kind::Related, Kind::Line, Kind::Stamp, Kind::ReadMore] {
            assert!(rows.iter().any(|p| p.kind == kind), "{kind:?}");
        }
        for p in &rows {
            Regex::new(p.pattern).unwrap_or_else(|e| panic!("{}: {e}", p.pattern));
        }
        LazyLock::force(&RELATED);
        LazyLock::force(&LINE);
        LazyLock::force(&STAMP);
        LazyLock::force(&READ_MORE);
    }

    #[test]
    fn every_row_names_a_language() {
        for line in TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let lang = line.split('\t').nth(1).unwrap_or("");
            assert!(
                lang == "*" || (lang.len() == 2 && lang.chars().all(|c| c.is_ascii_lowercase())),
                "{line}"
            );
        }
    }

    #[test]
    fn related_headings_in_each_language() {
        for h in [
            "Further reading",
            "Das könnte dich auch interessieren",
            "Mehr aus dem Ressort Politik",
            "También te puede interesar",
            "À lire également",
            "Ti potrebbe interessare anche",
            "Przeczytaj także:",
            "Artigos relacionados",
            "Meer nieuws",
            "Ezek is érdekelhetnek",
            "Ещё по теме",
            "Bunlar da ilginizi çekebilir",
        ] {
            assert!(is_related_heading(h), "{h}");
        }
        // A story's own subheadings that open with the same words stay.
        for h in [
            "Zum Thema Wohnungsbau äußerte sich der Senat nicht",
            "Más noticias llegaron de la frontera el martes",
            "Polecamy ostrożność na drogach w weekend",
            "Related charges were dropped in March",
        ] {
            assert!(!is_related_heading(h), "{h}");
        }
    }

    #[test]
    fn furniture_lines_in_each_language() {
        for l in [
            "Teilen",
            "Newsletter abonnieren",
            "3 Kommentare",
            "Foto: Marta Kühn / Stadtarchiv",
            "4 Min. Lesezeit",
            "Compartir",
            "Tiempo de lectura: 3 min",
            "S'abonner",
            "Condividi",
            "Udostępnij",
            "Compartilhe",
            "Leestijd: 4 minuten",
            "Megosztás",
            "Поделиться",
            "Paylaş",
            "Print recipe",
            "Jump to recipe",
        ] {
            assert!(is_furniture_line(l), "{l}");
        }
        for l in [
            "Teilen wollten die Nachbarn den Garten nicht.",
            "Compartir la carga fue la propuesta del sindicato.",
            "Print runs of the weekly fell by a third last year.",
            "Stampa e televisione hanno seguito il processo.",
        ] {
            assert!(!is_furniture_line(l), "{l}");
        }
    }

    #[test]
    fn date_stamps_in_each_language() {
        use crate::extract::is_timestamp_line;
        for l in [
            "Zuletzt aktualisiert am 04.03.2026 um 14:20 Uhr",
            "Stand: 04.03.2026, 09:12 Uhr",
            "Última actualización: 04/03/2026 10:15",
            "Publié le 4 mars 2026 à 10h15",
            "Pubblicato il 04/03/2026 alle 10:15",
            "Data publikacji: 4 marca 2026, godz. 12:00",
            "Atualizado em 04/03/2026 às 10:15",
            "Laatst bijgewerkt: 4 maart 2026 om 10:15",
            "Megjelent: 2026. március 4. 10:15",
            "Дата публикации: 4 марта 2026 г., 10:15",
            "Yayınlanma tarihi: 04.03.2026 10:15",
        ] {
            assert!(is_timestamp_line(l), "{l}");
        }
        assert!(!is_timestamp_line(
            "Stand der Ermittlungen am 04.03.2026: drei Verdächtige"
        ));
    }
}
