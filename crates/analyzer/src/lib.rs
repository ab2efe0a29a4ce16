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
    let doc = entities::Doc::new(body, &toks, &inq, &sents);
    let ents = entities::recognize(&doc, dateline_agency);
    let (found, descs) = quotes::find(&doc, &qspans, &sents, &ents);
    let out = Output {
        body,
        toks: &toks,
        ents: &ents,
        offsets: CharOffsets::new(body),
    };
    Analysis {
        quotes: out.quotes(found),
        entities: out.entities(descs),
        simhash: simhash::simhash(body),
    }
}

/// What the passes found, turned into the article's quotes and entities with character offsets.
struct Output<'a> {
    body: &'a str,
    toks: &'a [text::Tok],
    ents: &'a entities::Entities,
    offsets: CharOffsets,
}

impl Output<'_> {
    /// The quotes, each with its speaker's canonical name.
    fn quotes(&self, found: Vec<quotes::Found>) -> Vec<Quote> {
        found
            .into_iter()
            .map(|f| {
                let speaker = f.speaker.map(|k| &self.ents.ents[k]);
                Quote {
                    text: f.text,
                    speaker: speaker.map(|e| e.name.clone()),
                    speaker_type: speaker.map(|e| e.entity_type()),
                    speaker_text: f.speaker_span.map(|(s, e)| self.body[s..e].to_string()),
                    kind: f.kind,
                    cue: f.cue,
                    start: self.offsets.at(f.start),
                    end: self.offsets.at(f.end),
                    confidence: f.confidence,
                }
            })
            .collect()
    }

    /// A mention over bytes `s..e` of the body.
    fn mention(&self, s: usize, e: usize) -> Mention {
        Mention {
            text: self.body[s..e].to_string(),
            start: self.offsets.at(s),
            end: self.offsets.at(e),
        }
    }

    /// The entities in order of first mention; `descs` are the descriptors resolved to one.
    fn entities(&self, descs: Vec<(usize, usize, usize)>) -> Vec<Entity> {
        let ents = self.ents;
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
            let (s, e) = (self.toks[m.s].start, self.toks[m.e - 1].end);
            entities[m.ent].mentions.push(self.mention(s, e));
        }
        self.add_descriptors(&mut entities, descs);
        // The dateline's agency is kept even when the body does not print it.
        let mut k = 0;
        entities.retain(|e| {
            k += 1;
            !e.mentions.is_empty() || Some(k - 1) == ents.agency
        });
        entities.sort_by_key(|e| e.mentions.first().map_or(0, |m| m.start));
        entities
    }

    /// Descriptors that named a speaker ("the Russian president") are mentions too, unless
    /// they hold a name.
    fn add_descriptors(&self, entities: &mut [Entity], descs: Vec<(usize, usize, usize)>) {
        for (s, e, k) in descs {
            if self.ents.mentions.iter().any(|m| m.s < e && m.e > s) {
                continue;
            }
            let m = self.mention(self.toks[s].start, self.toks[e - 1].end);
            let list = &mut entities[k].mentions;
            let pos = list.partition_point(|x| x.start < m.start);
            list.insert(pos, m);
        }
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
