//! Measures speaker resolution against GUM's coreference chains.
//!
//! GUM marks no quotes, but it marks every mention of every entity ("Bolden", "he", "the
//! administrator") with the entity's id. For each quote the analyzer attributes through a
//! printed speaker ("he said", "the Russian president said", "Putin said"), the words it names
//! as speaker are looked up among the gold mentions; the attribution is right when the
//! analyzer's canonical speaker is one of the names in that mention's chain. Quotes whose
//! speaker words match no gold mention are counted apart, as are chains with no name.
//!
//! The speaker rules are written by hand, not trained, so GUM train and dev are both read.
//!
//! Usage: cargo run --release -p analyzer --example speaker_eval [-- --show]

#[allow(dead_code)] // only the GUM reader is used here
mod corpus;

use std::collections::{BTreeMap, HashMap, HashSet};

use corpus::Chains;

/// How far (bytes) from a quote its printed speaker is looked for.
const REACH: usize = 400;

/// What became of one attributed quote.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Outcome {
    Right,
    Wrong,
    /// The gold chain of the speaker words holds no name.
    NoGoldName,
    /// The speaker words are not a gold mention.
    Unaligned,
}

/// The kind of words that named the speaker.
fn cue_form(words: &str) -> &'static str {
    let lower = words.to_lowercase();
    if ["he", "she", "they", "it", "we", "i", "him", "her"].contains(&lower.as_str()) {
        "pronoun"
    } else if words.chars().next().is_some_and(char::is_lowercase) {
        "descriptor"
    } else {
        "name"
    }
}

/// Byte range of the whole-word occurrence of `words` nearest to `quote`, within [`REACH`].
fn nearest(text: &str, words: &str, quote: (usize, usize)) -> Option<(usize, usize)> {
    let boundary = |i: usize| {
        i == 0
            || i >= text.len()
            || !text[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
    };
    let after_ok =
        |i: usize| i >= text.len() || !text[i..].chars().next().is_some_and(char::is_alphanumeric);
    text.match_indices(words)
        .map(|(s, w)| (s, s + w.len()))
        .filter(|&(s, e)| boundary(s) && after_ok(e))
        .map(|(s, e)| {
            let d = quote.0.saturating_sub(e).max(s.saturating_sub(quote.1));
            (d, (s, e))
        })
        .filter(|&(d, _)| d <= REACH)
        .min_by_key(|&(d, _)| d)
        .map(|(_, r)| r)
}

/// A name without the title words before it ("President Biden" to "Biden").
fn untitled(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let skip = words
        .iter()
        .take(words.len().saturating_sub(1))
        .take_while(|w| analyzer::ner::is_title_word(w.trim_end_matches('.')))
        .count();
    words[skip..].join(" ").to_lowercase()
}

/// Whether `short` is the initials of `long` ("KCNA", "Korean Central News Agency").
fn is_acronym_of(short: &str, long: &str) -> bool {
    let initials: String = long
        .split([' ', '-'])
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_uppercase())
        .collect();
    short.len() > 1 && short.chars().all(char::is_uppercase) && initials == short
}

/// Whether two names are one: equal once titles are dropped, one the other's last words
/// ("Putin", "Vladimir Putin"), or one the other's initials.
fn same_name(a: &str, b: &str) -> bool {
    let (x, y) = (untitled(a), untitled(b));
    x == y
        || x.ends_with(&format!(" {y}"))
        || y.ends_with(&format!(" {x}"))
        || is_acronym_of(a, b)
        || is_acronym_of(b, a)
}

/// The names of every chain: entity id to the texts of its named mentions and of every mention
/// that holds a capital ("Facebook co-founder Mark Zuckerberg" names its person too, though its
/// head is a common noun).
fn chain_names(c: &Chains) -> HashMap<&str, HashSet<&str>> {
    let mut out: HashMap<&str, HashSet<&str>> = HashMap::new();
    for &(s, e, _) in &c.names {
        // The smallest gold mention around the name is the name's own.
        let owner = c
            .mentions
            .iter()
            .filter(|m| m.0 <= s && m.1 >= e)
            .min_by_key(|m| m.1 - m.0);
        if let Some(m) = owner {
            out.entry(m.2.as_str()).or_default().insert(&c.text[s..e]);
        }
    }
    for (s, e, id) in &c.mentions {
        let text = &c.text[*s..*e];
        if text.chars().skip(1).any(char::is_uppercase)
            || text.starts_with(char::is_uppercase) && text.len() > 3
        {
            out.entry(id.as_str()).or_default().insert(text);
        }
    }
    out
}

/// The outcome of one attributed quote.
fn judge(
    c: &Chains,
    names: &HashMap<&str, HashSet<&str>>,
    speaker: &str,
    at: (usize, usize),
) -> Outcome {
    // The smallest gold mention around the speaker words ("Putin" in "President Putin").
    let Some(gold) = c
        .mentions
        .iter()
        .filter(|m| m.0 <= at.0 && m.1 >= at.1)
        // Heads come last ("President Putin") or first before an apposition ("Mu Li, of ..."),
        // but a possessive names something else ("Microsoft's Internet Explorer").
        .filter(|m| m.1 == at.1 || (m.0 == at.0 && !c.text[at.1..].starts_with(['\'', '’'])))
        .min_by_key(|m| m.1 - m.0)
    else {
        return Outcome::Unaligned;
    };
    match names.get(gold.2.as_str()) {
        None => Outcome::NoGoldName,
        Some(set) if set.iter().any(|n| same_name(n, speaker)) => Outcome::Right,
        Some(_) => Outcome::Wrong,
    }
}

/// Character offset to byte offset.
fn byte_at(text: &str, ch: usize) -> usize {
    text.char_indices().nth(ch).map_or(text.len(), |(b, _)| b)
}

fn main() {
    let show = std::env::args().any(|a| a == "--show");
    let root = corpus::data_root();
    let mut docs = corpus::read_gum_dir(&root.join("gum/train"));
    docs.extend(corpus::read_gum_dir(&root.join("gum/dev")));
    let mut tally: BTreeMap<(&str, Outcome), usize> = BTreeMap::new();
    let mut unattributed = 0;
    for d in &docs {
        let c = d.chains();
        let names = chain_names(&c);
        for q in analyzer::analyze_text(&c.text, None).quotes {
            let (Some(speaker), Some(words)) = (q.speaker.as_deref(), q.speaker_text.as_deref())
            else {
                unattributed += 1;
                continue;
            };
            let span = (byte_at(&c.text, q.start), byte_at(&c.text, q.end));
            let outcome = nearest(&c.text, words, span)
                .map_or(Outcome::Unaligned, |at| judge(&c, &names, speaker, at));
            if show && matches!(outcome, Outcome::Wrong | Outcome::Unaligned) {
                let end = c.text.floor_char_boundary(span.1.min(span.0 + 80));
                let quote = &c.text[span.0..end];
                println!("  {outcome:?}: {words:?} -> {speaker:?}: {quote:?}");
            }
            *tally.entry((cue_form(words), outcome)).or_default() += 1;
        }
    }
    report(&tally, unattributed);
}

fn report(tally: &BTreeMap<(&str, Outcome), usize>, unattributed: usize) {
    println!("speaker resolution on GUM train + dev coreference (quotes the analyzer attributed)");
    for form in ["name", "descriptor", "pronoun", "all"] {
        let get = |o: Outcome| -> usize {
            tally
                .iter()
                .filter(|((f, k), _)| (form == "all" || *f == form) && *k == o)
                .map(|(_, n)| n)
                .sum()
        };
        let (right, wrong) = (get(Outcome::Right), get(Outcome::Wrong));
        let acc = if right + wrong == 0 {
            0.0
        } else {
            right as f64 / (right + wrong) as f64
        };
        println!(
            "{form:<11} accuracy {acc:.3}  right {right}  wrong {wrong}  chain without a name {}  unaligned {}",
            get(Outcome::NoGoldName),
            get(Outcome::Unaligned)
        );
    }
    println!("quotes with no speaker: {unattributed}");
}
