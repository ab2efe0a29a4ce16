//! GUM in CoNLL-U: named mentions as the data README defines them.
//!
//! A named mention is a `person`, `organization` or `place` span whose head (the word whose HEAD
//! lies outside the span) is a proper noun. Left out: plural person groups (head `NNPS`) and
//! coordinations; a leading determiner or possessive and a trailing 's are trimmed off. Nested
//! names give way to the name around them, as flat tags cannot hold both. Every entity span, named
//! or not, is kept with its entity id too: the coreference chains.

use std::collections::HashMap;
use std::path::Path;

use model::EntityType;

use super::{kind_of, Document, Sentence, Word};

/// One syntactic word of a sentence.
struct Row {
    upos: String,
    xpos: String,
    head: usize,
    deprel: String,
    /// Index of the printed token it belongs to (multiword tokens share one).
    surface: usize,
}

/// A span being read: where it opened and its type.
struct Open {
    id: String,
    start: usize,
    kind: Option<EntityType>,
    /// Words of the minimal span, counted from 1 within the span.
    min: Vec<usize>,
}

/// A span read: first word, one past the last, type, minimal span, entity id.
type Raw = (usize, usize, Option<EntityType>, Vec<usize>, String);

/// The minimal span's words, from the `minspan` field ("1,2,4").
fn min_words(field: Option<&str>) -> Vec<usize> {
    let mut nums: Vec<usize> = field
        .unwrap_or_default()
        .split(',')
        .filter_map(|n| n.parse().ok())
        .filter(|&n| n > 0)
        .collect();
    nums.sort_unstable();
    nums
}

/// The run of minimal-span words around the head, not crossing punctuation: "John FitzGibbon"
/// of "John FitzGibbon, 2nd Earl of Clare", but all of "Cape of Good Hope".
fn name_proper(rows: &[Row], s: usize, e: usize, head: usize, min: &[usize]) -> (usize, usize) {
    let words: Vec<usize> = min.iter().map(|m| s + m - 1).filter(|&w| w < e).collect();
    if words.is_empty() {
        return (s, e);
    }
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &w in &words {
        match runs.last_mut() {
            Some(r) if !(r.1..w).any(|k| rows[k].upos == "PUNCT" && rows[k].xpos != "HYPH") => {
                r.1 = w + 1
            }
            _ => runs.push((w, w + 1)),
        }
    }
    runs.iter()
        .copied()
        .find(|r| head >= r.0 && head < r.1)
        .unwrap_or(runs[0])
}

/// Reads one GUM file.
pub fn read(path: &Path) -> Vec<Document> {
    let raw = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut doc = Document { sents: Vec::new() };
    let mut block: Vec<&str> = Vec::new();
    let mut par = false;
    for line in raw.lines().chain(std::iter::once("")) {
        if line.starts_with("# newpar") {
            par = true;
        } else if line.trim().is_empty() {
            if !block.is_empty() {
                doc.sents.push(sentence(&block, par));
                block.clear();
                par = false;
            }
        } else if !line.starts_with('#') {
            block.push(line);
        }
    }
    vec![doc]
}

fn sentence(lines: &[&str], par_start: bool) -> Sentence {
    let mut words: Vec<Word> = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut spans: Vec<Raw> = Vec::new();
    let mut open: HashMap<String, Vec<Open>> = HashMap::new();
    let (mut mwt_end, mut mwt_space, mut mwt_whole) = (0usize, true, false);
    for line in lines {
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 10 || c[0].contains('.') {
            continue;
        }
        let no_space = c[9].split('|').any(|m| m == "SpaceAfter=No");
        if let Some((_, b)) = c[0].split_once('-') {
            mwt_end = b.parse().unwrap_or(0);
            mwt_space = !no_space;
            if !spells(lines, c[0], c[1]) {
                words.push(Word {
                    form: c[1].to_string(),
                    space_after: !no_space,
                });
                mwt_whole = true;
            } else {
                mwt_whole = false;
            }
            continue;
        }
        let id: usize = c[0].parse().unwrap_or(0);
        if id > mwt_end {
            words.push(Word {
                form: c[1].to_string(),
                space_after: !no_space,
            });
        } else if !mwt_whole {
            // A multiword token that its words spell out ("Byron" + "'s") is printed as them.
            words.push(Word {
                form: c[1].to_string(),
                space_after: id == mwt_end && mwt_space,
            });
        }
        rows.push(Row {
            upos: c[3].to_string(),
            xpos: c[4].to_string(),
            head: c[6].parse().unwrap_or(0),
            deprel: c[7].to_string(),
            surface: words.len() - 1,
        });
        let at = rows.len() - 1;
        if let Some(e) = c[9].split('|').find_map(|m| m.strip_prefix("Entity=")) {
            read_entity_field(e, at, &mut open, &mut spans);
        }
    }
    let chains = spans
        .iter()
        .map(|(s, e, _, _, id)| (rows[*s].surface, rows[e - 1].surface + 1, id.clone()))
        .collect();
    let names = named_mentions(&rows, spans);
    Sentence {
        words,
        names,
        chains,
        par_start,
    }
}

/// Whether the words of multiword token `range` ("4-5") spell its surface form exactly.
fn spells(lines: &[&str], range: &str, surface: &str) -> bool {
    let (a, b) = range.split_once('-').unwrap_or_default();
    let (a, b): (usize, usize) = (a.parse().unwrap_or(0), b.parse().unwrap_or(0));
    let mut joined = String::new();
    for l in lines {
        let c: Vec<&str> = l.split('\t').collect();
        if let Ok(id) = c[0].parse::<usize>() {
            if id >= a && id <= b && c.len() > 1 {
                joined.push_str(c[1]);
            }
        }
    }
    joined == surface
}

/// Opens and closes spans from one word's `Entity=` value.
fn read_entity_field(
    v: &str,
    at: usize,
    open: &mut HashMap<String, Vec<Open>>,
    spans: &mut Vec<Raw>,
) {
    let b = v.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'(' {
            let end = v[i + 1..].find(['(', ')']).map_or(v.len(), |k| i + 1 + k);
            let body = &v[i + 1..end];
            let mut f = body.split('-');
            let id = f.next().unwrap_or_default().to_string();
            let kind = f.next().and_then(kind_of);
            let min = min_words(f.nth(3));
            if end < v.len() && b[end] == b')' {
                spans.push((at, at + 1, kind, vec![1], id));
                i = end + 1;
            } else {
                open.entry(id.clone()).or_default().push(Open {
                    id,
                    start: at,
                    kind,
                    min,
                });
                i = end;
            }
        } else {
            let end = v[i..].find(')').map_or(v.len(), |k| i + k);
            if let Some(o) = open.get_mut(&v[i..end]).and_then(|s| s.pop()) {
                spans.push((o.start, at + 1, o.kind, o.min, o.id));
            }
            i = end + 1;
        }
    }
}

/// The named mentions among a sentence's spans, as printed-token ranges.
fn named_mentions(rows: &[Row], spans: Vec<Raw>) -> Vec<(usize, usize, EntityType)> {
    let mut named: Vec<(usize, usize, EntityType)> = Vec::new();
    for (s, e, kind, min, _) in spans {
        let Some(kind) = kind else { continue };
        let inside = |h: usize| h > s && h <= e;
        let Some(head) = (s..e).find(|&i| !inside(rows[i].head)) else {
            continue;
        };
        let h = &rows[head];
        if h.upos != "PROPN" || (kind == EntityType::Person && h.xpos == "NNPS") {
            continue;
        }
        if (s..e).any(|i| rows[i].deprel == "conj" && inside(rows[i].head)) {
            continue;
        }
        // The name proper: the minimal span, without the clauses and appositions around it.
        let (mut a, mut b) = name_proper(rows, s, e, head, &min);
        while a < b && (rows[a].upos == "DET" || rows[a].xpos == "PRP$" || rows[a].xpos == "POS") {
            a += 1;
        }
        while b > a && (rows[b - 1].xpos == "POS" || rows[b - 1].upos == "PUNCT") {
            b -= 1;
        }
        if a < b {
            named.push((a, b, kind));
        }
    }
    // Outermost names only.
    named.sort_by_key(|&(a, b, _)| (a, std::cmp::Reverse(b)));
    let mut out: Vec<(usize, usize, EntityType)> = Vec::new();
    for n in named {
        if out.last().is_none_or(|l| n.0 >= l.1) {
            out.push(n);
        }
    }
    out.into_iter()
        .map(|(a, b, k)| (rows[a].surface, rows[b - 1].surface + 1, k))
        .collect()
}
