//! Readers for the annotated entity corpora under `../shared/data/ner` (see its README), shared by
//! the `train_ner` and `ner_eval` examples. Each reader gives documents of words with gold names;
//! [`Document::text`] lays a document out as running text with the names as byte ranges.

mod gum;

use std::path::Path;

use analyzer::ner::TrainDoc;
use model::EntityType;

/// One word as printed.
pub struct Word {
    /// The surface form.
    pub form: String,
    /// Whether a space follows it.
    pub space_after: bool,
}

/// A sentence: its words and gold names as word ranges.
pub struct Sentence {
    /// The words.
    pub words: Vec<Word>,
    /// Gold names: first word, one past the last, type.
    pub names: Vec<(usize, usize, EntityType)>,
    /// Every entity mention with its entity id (GUM only): first word, one past the last, id.
    pub chains: Vec<(usize, usize, String)>,
    /// Whether it opens a paragraph.
    pub par_start: bool,
}

/// A document of sentences.
pub struct Document {
    /// Its sentences.
    pub sents: Vec<Sentence>,
}

/// How one sentence is cased when laid out (training shows the tagger other casings).
#[allow(dead_code)] // each example uses some of them
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Casing {
    /// As printed.
    AsIs,
    /// All lowercase, as in much web text.
    Lower,
    /// All caps on a line of its own, as in a headline.
    Upper,
}

/// A document laid out as printed, with its coreference chains as byte ranges.
#[allow(dead_code)] // used by the speaker evaluation only
pub struct Chains {
    /// The text.
    pub text: String,
    /// Every entity mention: byte start, byte end, entity id.
    pub mentions: Vec<(usize, usize, String)>,
    /// The named mentions: byte start, byte end, type.
    pub names: Vec<(usize, usize, EntityType)>,
}

impl Document {
    /// The document as text, a sentence cased by `casing(sentence index)`.
    pub fn text(&self, casing: &mut dyn FnMut(usize) -> Casing) -> TrainDoc {
        self.layout(casing).0
    }

    /// The document as printed, with its coreference chains.
    #[allow(dead_code)] // used by the speaker evaluation only
    pub fn chains(&self) -> Chains {
        let (doc, at) = self.layout(&mut |_| Casing::AsIs);
        let mentions = self
            .sents
            .iter()
            .zip(&at)
            .flat_map(|(s, at)| {
                s.chains
                    .iter()
                    .map(|(a, b, id)| (at[*a].0, at[b - 1].1, id.clone()))
            })
            .collect();
        Chains {
            text: doc.text,
            mentions,
            names: doc.names,
        }
    }

    /// The text and each sentence's word byte ranges.
    fn layout(
        &self,
        casing: &mut dyn FnMut(usize) -> Casing,
    ) -> (TrainDoc, Vec<Vec<(usize, usize)>>) {
        let mut text = String::new();
        let mut names = Vec::new();
        let mut offsets = Vec::with_capacity(self.sents.len());
        for (k, s) in self.sents.iter().enumerate() {
            let case = casing(k);
            if k > 0 {
                let own_line = s.par_start || case == Casing::Upper;
                text.push_str(if own_line { "\n\n" } else { " " });
            }
            let mut at = Vec::with_capacity(s.words.len());
            for (i, w) in s.words.iter().enumerate() {
                let start = text.len();
                match case {
                    Casing::AsIs => text.push_str(&w.form),
                    Casing::Lower => text.push_str(&w.form.to_lowercase()),
                    Casing::Upper => text.push_str(&w.form.to_uppercase()),
                }
                at.push((start, text.len()));
                if w.space_after && i + 1 < s.words.len() {
                    text.push(' ');
                }
            }
            if case == Casing::Upper && k + 1 < self.sents.len() {
                text.push('\n');
            }
            for &(a, b, kind) in &s.names {
                names.push((at[a].0, at[b - 1].1, kind));
            }
            offsets.push(at);
        }
        (TrainDoc { text, names }, offsets)
    }
}

fn kind_of(tag: &str) -> Option<EntityType> {
    match tag {
        "PER" | "person" => Some(EntityType::Person),
        "ORG" | "organization" => Some(EntityType::Organization),
        "LOC" | "place" => Some(EntityType::Location),
        _ => None,
    }
}

/// Names from IOB2 tags.
fn iob_names(tags: &[String]) -> Vec<(usize, usize, EntityType)> {
    let mut out: Vec<(usize, usize, EntityType)> = Vec::new();
    for (i, t) in tags.iter().enumerate() {
        let (bio, kind) = t.split_once('-').unwrap_or((t, ""));
        let Some(kind) = kind_of(kind) else { continue };
        match out.last_mut() {
            Some(l) if bio == "I" && l.1 == i && l.2 == kind => l.1 = i + 1,
            _ => out.push((i, i + 1, kind)),
        }
    }
    out
}

fn iob_sentence(rows: &[(String, String)], par_start: bool) -> Sentence {
    let tags: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
    Sentence {
        words: rows
            .iter()
            .map(|r| Word {
                form: r.0.clone(),
                space_after: true,
            })
            .collect(),
        names: iob_names(&tags),
        chains: Vec::new(),
        par_start,
    }
}

/// Scores a Broad Twitter Corpus handle as the reader sees it: the corpus tags a bare "@" as a
/// name of its own before the handle it belongs to (`@ B-ORG`, `GWS_Giants B-ORG`). Here the
/// sign is written joined to the handle and the handle alone is the name. Training reads the
/// corpus as it is; the product never reports a name without a letter or digit.
#[allow(dead_code)] // used by the entity evaluation only
pub fn join_handle_signs(docs: &mut [Document]) {
    for s in docs.iter_mut().flat_map(|d| d.sents.iter_mut()) {
        let signs: Vec<usize> = (0..s.words.len())
            .filter(|&i| s.words[i].form == "@" && s.names.iter().any(|n| n.0 == i + 1))
            .collect();
        for i in signs {
            s.words[i].space_after = false;
            s.names.retain(|n| !(n.0 == i && n.1 == i + 1));
        }
    }
}

/// Reads an IOB2 file: `token TAB tag` (the Broad Twitter Corpus, each tweet a document) or
/// `index TAB token TAB tag ...` with `# newdoc` comments (Universal NER).
pub fn read_iob(path: &Path) -> Vec<Document> {
    let raw = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut docs: Vec<Document> = Vec::new();
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut has_newdoc = false;
    let flush = |rows: &mut Vec<(String, String)>, docs: &mut Vec<Document>, newdoc: bool| {
        if rows.is_empty() {
            return;
        }
        if !newdoc || docs.is_empty() {
            docs.push(Document { sents: Vec::new() });
        }
        let d = docs.last_mut().expect("a document");
        let first = d.sents.is_empty();
        d.sents.push(iob_sentence(rows, first));
        rows.clear();
    };
    for line in raw.lines() {
        if line.starts_with("# newdoc") {
            flush(&mut rows, &mut docs, has_newdoc);
            has_newdoc = true;
            docs.push(Document { sents: Vec::new() });
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        if line.trim().is_empty() {
            flush(&mut rows, &mut docs, has_newdoc);
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let (form, tag) = if cols.len() >= 3 && cols[0].parse::<u32>().is_ok() {
            (cols[1], cols[2])
        } else if cols.len() >= 2 {
            (cols[0], cols[1])
        } else {
            continue;
        };
        rows.push((form.to_string(), tag.to_string()));
    }
    flush(&mut rows, &mut docs, has_newdoc);
    docs.retain(|d| !d.sents.is_empty());
    docs
}

/// Reads every `.conllu` file of a GUM folder, one document per file.
pub fn read_gum_dir(dir: &Path) -> Vec<Document> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "conllu"))
        .collect();
    files.sort();
    files.iter().flat_map(|f| gum::read(f)).collect()
}

#[allow(dead_code)] // used by training only
/// Drops the title words before a person's name ("President", "Dr."), which the product keeps
/// out of a person's mention.
pub fn trim_person_titles(docs: &mut [Document]) {
    for d in docs {
        for s in &mut d.sents {
            for n in &mut s.names {
                while n.2 == EntityType::Person
                    && n.1 - n.0 > 1
                    && analyzer::ner::is_title_word(s.words[n.0].form.trim_end_matches('.'))
                {
                    n.0 += 1;
                }
            }
        }
    }
}

/// Where the shared corpora live: `$WIREHOSE_SHARED/data/ner` when that is set, else
/// `../shared/data/ner` from the workspace root.
pub fn data_root() -> std::path::PathBuf {
    let shared = std::env::var_os("WIREHOSE_SHARED")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    shared.join("data/ner")
}

/// The Universal NER English-EWT dev documents, split in two by position: even ones train, odd
/// ones are held out for measuring.
pub fn uner_half(held_out: bool) -> Vec<Document> {
    read_iob(&data_root().join("uner-ewt/en_ewt-ud-dev.iob2"))
        .into_iter()
        .enumerate()
        .filter(|(i, _)| (i % 2 == 1) == held_out)
        .map(|(_, d)| d)
        .collect()
}
