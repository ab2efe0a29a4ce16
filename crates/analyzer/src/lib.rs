//! The analyzer stage: finds every quote with its speaker and every named entity in an article.
//!
//! Pure: text in, structs out, no I/O. Quotes are found from quotation marks (straight, curly,
//! guillemets, „ “) and from reported-speech cues ("X said that ...", "according to X, ...");
//! speakers given as pronouns or descriptors ("he", "the Russian president") are resolved to the
//! canonical name of the entity they refer to. Entities come from capitalised runs, title words
//! and an embedded gazetteer of places and organisations (GeoNames data, see `data/ATTRIBUTION.md`).

mod entities;
pub use entities::tagger as ner;
mod lexicon;
mod quotes;
pub mod simhash;
mod text;

use model::{Analysis, Article, Entity, Mention, Quote};

/// Analyzes one article.
///
/// The speech cues and name rules are English; for an article known to be in another language
/// only places and organisations from the gazetteer (and the dateline's agency) are kept.
pub fn analyze(article: &Article) -> Analysis {
    let agency = article.dateline.as_ref().and_then(|d| d.agency.as_deref());
    let mut analysis = analyze_text(&article.body, agency);
    let english = article
        .language
        .as_deref()
        .is_none_or(|l| l.eq_ignore_ascii_case("en") || l.to_ascii_lowercase().starts_with("en-"));
    if !english {
        analysis.quotes.clear();
        let gaz = &*lexicon::GAZETTEER;
        let agency_name = agency.map(|a| gaz.names.get(a).map_or(a, |g| g.canonical.as_str()));
        analysis
            .entities
            .retain(|e| gaz.names.contains_key(&e.name) || Some(e.name.as_str()) == agency_name);
    }
    analysis
}

/// Analyzes a body, with the dateline's agency when there is one.
pub fn analyze_text(body: &str, dateline_agency: Option<&str>) -> Analysis {
    let chars = text::char_table(body);
    let toks = text::tokenize(body, &chars);
    let qspans = text::find_quotes(body, &chars);
    drop(chars);
    let inq = text::quote_membership(&toks, &qspans);
    let sents = text::sentences(body, &toks, &inq, &qspans);
    let mut sent_of = vec![0; toks.len()];
    for (k, s) in sents.iter().enumerate() {
        for x in sent_of.iter_mut().take(s.e).skip(s.s) {
            *x = k;
        }
    }
    let mut lower = String::with_capacity(body.len() + 16);
    let mut lower_at = Vec::with_capacity(toks.len());
    for t in &toks {
        let a = lower.len();
        let w = &body[t.start..t.end];
        if w.is_ascii() {
            // Most tokens: the same as the per-character mapping below, without its iterator.
            lower.push_str(w);
            lower[a..].make_ascii_lowercase();
        } else {
            for c in w.chars() {
                lower.extend(c.to_lowercase());
            }
        }
        lower_at.push((a as u32, lower.len() as u32));
    }
    let caps = toks
        .iter()
        .map(|t| entities::Doc::cap_word(&body[t.start..t.end], t.word))
        .collect();
    let doc = entities::Doc {
        text: body,
        toks: &toks,
        inq: &inq,
        sent_of,
        lower,
        lower_at,
        caps,
    };
    let ents = entities::recognize(&doc, dateline_agency);
    let (found, descs) = quotes::find(&doc, &qspans, &sents, &ents);

    let offsets = CharOffsets::new(body);
    let quotes = found
        .into_iter()
        .map(|f| {
            let speaker = f.speaker.map(|k| &ents.ents[k]);
            Quote {
                text: f.text,
                speaker: speaker.map(|e| e.name.clone()),
                speaker_type: speaker.map(|e| e.entity_type()),
                speaker_text: f.speaker_span.map(|(s, e)| body[s..e].to_string()),
                kind: f.kind,
                cue: f.cue,
                start: offsets.at(f.start),
                end: offsets.at(f.end),
                confidence: f.confidence,
            }
        })
        .collect();

    let mut entities: Vec<Entity> = ents
        .ents
        .iter()
        .map(|e| Entity {
            name: e.name.clone(),
            entity_type: e.kind,
            mentions: Vec::new(),
        })
        .collect();
    for m in &ents.mentions {
        let (s, e) = (toks[m.s].start, toks[m.e - 1].end);
        entities[m.ent].mentions.push(Mention {
            text: body[s..e].to_string(),
            start: offsets.at(s),
            end: offsets.at(e),
        });
    }
    // Descriptors that named a speaker ("the Russian president") are mentions too, unless they hold a name.
    for (s, e, k) in descs {
        if ents.mentions.iter().any(|m| m.s < e && m.e > s) {
            continue;
        }
        let (bs, be) = (toks[s].start, toks[e - 1].end);
        let list = &mut entities[k].mentions;
        let at = offsets.at(bs);
        let pos = list.partition_point(|m| m.start < at);
        list.insert(
            pos,
            Mention {
                text: body[bs..be].to_string(),
                start: at,
                end: offsets.at(be),
            },
        );
    }
    // The dateline's agency is kept even when the body does not print it.
    let agency_name = ents.agency;
    let mut k = 0;
    entities.retain(|e| {
        k += 1;
        !e.mentions.is_empty() || Some(k - 1) == agency_name
    });
    entities.sort_by_key(|e| e.mentions.first().map_or(0, |m| m.start));
    Analysis {
        quotes,
        entities,
        simhash: simhash::simhash(body),
    }
}

impl entities::Ent {
    fn entity_type(&self) -> model::EntityType {
        self.kind
    }
}

/// Byte-to-character offset table.
struct CharOffsets {
    table: Vec<u32>,
}

impl CharOffsets {
    fn new(s: &str) -> Self {
        let mut table = vec![0u32; s.len() + 1];
        let mut count = 0u32;
        for (b, c) in s.char_indices() {
            for x in table.iter_mut().skip(b).take(c.len_utf8()) {
                *x = count;
            }
            count += 1;
        }
        table[s.len()] = count;
        Self { table }
    }
    fn at(&self, byte: usize) -> usize {
        self.table.get(byte).copied().unwrap_or(0) as usize
    }
}
