//! Bounds on what one article may carry into the output and the store, whatever the page.

use model::Analysis;
use serde::Serialize;

/// Most quotes kept per article. A long interview runs to a few hundred; beyond this a page is
/// a dump or an attack, and the first quotes in body order are kept.
pub const MAX_QUOTES_PER_ARTICLE: usize = 1_000;

/// Most entity mentions kept per article, over all its entities. The earliest in the body are
/// kept, and an entity left without a mention is dropped.
pub const MAX_MENTIONS_PER_ARTICLE: usize = 5_000;

/// How many quotes and mentions the analyzer found when an article went over a bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Capped {
    /// Quotes found before the cap.
    pub quotes: usize,
    /// Mentions found before the cap.
    pub mentions: usize,
}

/// Cuts `analysis` to [`MAX_QUOTES_PER_ARTICLE`] quotes and [`MAX_MENTIONS_PER_ARTICLE`]
/// mentions; what was found, when anything was cut.
pub fn bound_analysis(analysis: &mut Analysis) -> Option<Capped> {
    let found = Capped {
        quotes: analysis.quotes.len(),
        mentions: analysis.entities.iter().map(|e| e.mentions.len()).sum(),
    };
    if found.quotes <= MAX_QUOTES_PER_ARTICLE && found.mentions <= MAX_MENTIONS_PER_ARTICLE {
        return None;
    }
    if found.quotes > MAX_QUOTES_PER_ARTICLE {
        analysis.quotes.sort_by_key(|q| (q.start, q.end));
        analysis.quotes.truncate(MAX_QUOTES_PER_ARTICLE);
    }
    if found.mentions > MAX_MENTIONS_PER_ARTICLE {
        // The start offset of the last mention kept, counting ties in entity order.
        let mut starts: Vec<usize> = analysis
            .entities
            .iter()
            .flat_map(|e| e.mentions.iter().map(|m| m.start))
            .collect();
        starts.sort_unstable();
        let last = starts[MAX_MENTIONS_PER_ARTICLE - 1];
        let mut at_last = starts[..MAX_MENTIONS_PER_ARTICLE]
            .iter()
            .filter(|&&s| s == last)
            .count();
        for entity in &mut analysis.entities {
            entity.mentions.retain(|m| {
                if m.start < last {
                    true
                } else if m.start == last && at_last > 0 {
                    at_last -= 1;
                    true
                } else {
                    false
                }
            });
        }
        analysis.entities.retain(|e| !e.mentions.is_empty());
    }
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::{Entity, EntityType, Mention, Quote, QuoteKind};

    fn quote(start: usize) -> Quote {
        Quote {
            text: "We will rebuild the pier".into(),
            speaker: Some("Mara Quillon".into()),
            speaker_type: Some(EntityType::Person),
            speaker_text: Some("Quillon".into()),
            kind: QuoteKind::Direct,
            cue: Some("said".into()),
            start,
            end: start + 26,
            confidence: 0.9,
        }
    }

    fn entity(name: &str, starts: impl Iterator<Item = usize>) -> Entity {
        Entity {
            name: name.into(),
            entity_type: EntityType::Location,
            mentions: starts
                .map(|s| Mention {
                    text: name.into(),
                    start: s,
                    end: s + name.len(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_small_analysis_is_left_alone() {
        let mut a = Analysis {
            quotes: vec![quote(10), quote(90)],
            entities: vec![entity("Tarnow", [5, 50].into_iter())],
            simhash: None,
        };
        let before = a.clone();
        assert_eq!(bound_analysis(&mut a), None);
        assert_eq!(a, before);
    }

    #[test]
    fn a_flood_is_cut_to_the_earliest_quotes_and_mentions() {
        let n = MAX_QUOTES_PER_ARTICLE + 500;
        let mut a = Analysis {
            quotes: (0..n).rev().map(|i| quote(i * 40)).collect(),
            entities: vec![
                // Even offsets for one place, odd for the other, and a late third one.
                entity("Tarnow", (0..MAX_MENTIONS_PER_ARTICLE).map(|i| i * 2)),
                entity("Velmor", (0..MAX_MENTIONS_PER_ARTICLE).map(|i| i * 2 + 1)),
                entity("Ostrava Pier", std::iter::once(10_000_000)),
            ],
            simhash: Some(7),
        };
        let capped = bound_analysis(&mut a).expect("over the bounds");
        assert_eq!(
            capped,
            Capped {
                quotes: n,
                mentions: 2 * MAX_MENTIONS_PER_ARTICLE + 1
            }
        );
        assert_eq!(a.quotes.len(), MAX_QUOTES_PER_ARTICLE);
        assert_eq!(a.quotes[0].start, 0, "the earliest quotes are kept");
        assert!(a.quotes.windows(2).all(|w| w[0].start < w[1].start));
        let kept: usize = a.entities.iter().map(|e| e.mentions.len()).sum();
        assert_eq!(kept, MAX_MENTIONS_PER_ARTICLE);
        assert_eq!(a.entities.len(), 2, "an entity left without mentions goes");
        assert!(a
            .entities
            .iter()
            .flat_map(|e| &e.mentions)
            .all(|m| m.start < MAX_MENTIONS_PER_ARTICLE));
        assert_eq!(a.simhash, Some(7));
    }
}
