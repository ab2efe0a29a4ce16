//! Quotes and reported speech, each attributed to the entity that spoke.
//!
//! The stage asks the entity index, never edits it: names are looked up by token through
//! [`Entities::starting_at`] and [`Entities::ending_at`], and what the stage learns on the way
//! (a gender shown by pronouns, who is in view) stays in its own state.

use rustc_hash::FxHashMap as HashMap;

use model::{EntityType, QuoteKind};

use crate::entities::{Doc, Entities};
use crate::lexicon::*;
use crate::text::{QuoteSpan, Sentence};

mod direct;
mod indirect;
mod np;
mod spans;
mod speakers;
mod terms;
mod turns;

/// A quote found in the body (byte offsets).
#[derive(Debug, Clone)]
pub struct Found {
    /// Byte offset of the first quoted character.
    pub start: usize,
    /// Byte offset past the last quoted character.
    pub end: usize,
    /// The quoted words, pieces joined by a space.
    pub text: String,
    /// Direct, partial or indirect.
    pub kind: QuoteKind,
    /// The speaking entity.
    pub speaker: Option<usize>,
    /// Byte range of the speaker as printed.
    pub speaker_span: Option<(usize, usize)>,
    /// The cue as printed.
    pub cue: Option<String>,
    /// Confidence of the attribution.
    pub confidence: f32,
}

/// How the text names a speaker.
#[derive(Debug, Clone)]
enum Sp {
    Ent(usize),
    Pron(String),
    Desc { quals: Vec<String>, head: String },
    Statement,
}

/// A speaker phrase with its token range.
#[derive(Debug, Clone)]
struct Np {
    sp: Sp,
    s: usize,
    e: usize,
}

impl Np {
    /// The phrase naming entity `ent` over tokens `s..e`.
    pub(super) fn ent(ent: usize, s: usize, e: usize) -> Np {
        Np {
            sp: Sp::Ent(ent),
            s,
            e,
        }
    }

    /// A role noun with its qualifiers over tokens `s..e`.
    pub(super) fn desc(quals: Vec<String>, head: &str, s: usize, e: usize) -> Np {
        Np {
            sp: Sp::Desc {
                quals,
                head: head.to_string(),
            },
            s,
            e,
        }
    }
}

/// Documents that speak for their author ("the ministry's statement said").
const DOCUMENT_NOUNS: &[&str] = &[
    "statement",
    "report",
    "letter",
    "communique",
    "communiqué",
    "release",
    "post",
    "filing",
];

const PRONOUNS: &[&str] = &[
    "he", "she", "it", "they", "him", "her", "his", "i", "we", "its", "their", "them",
];

struct Ctx<'a, 'b> {
    d: &'b Doc<'a>,
    en: &'b Entities,
    /// Gender learned in this pass from pronouns after a lone person subject; asked before
    /// the gender the entity stage found.
    learned_female: HashMap<usize, bool>,
    /// (token, entity) of salient persons and organisations, in order.
    salience: Vec<(usize, usize)>,
    last_speaker: Option<(usize, usize)>,
    /// Descriptors resolved to an entity ("the Russian president"): token range and entity.
    desc_mentions: Vec<(usize, usize, usize)>,
    /// Direct quotations given to a speaker so far, in order.
    turns: Vec<turns::Turn>,
}

fn is_role_head(w: &str) -> bool {
    PERSON_ROLES.contains(w) || ORG_ROLES.contains(w) || is_age(w)
}

/// Tokens from the start of the body within which a dateline ends.
const DATELINE_TOKENS: usize = 16;

/// An age used as a noun for a person already named: "the 47-year-old".
fn is_age(w: &str) -> bool {
    w.strip_suffix("-year-old")
        .is_some_and(|n| !n.is_empty() && n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit()))
}

impl<'a, 'b> Ctx<'a, 'b> {
    fn t(&self, i: usize) -> &'a str {
        self.d.t(i)
    }
    fn lc(&self, i: usize) -> &'b str {
        self.d.lc(i)
    }
    fn outside(&self, i: usize) -> bool {
        i < self.d.toks.len() && self.d.inq[i].is_none()
    }
    /// Some(true) female, Some(false) male, as learned in this pass or by the entity stage.
    fn female(&self, k: usize) -> Option<bool> {
        self.learned_female
            .get(&k)
            .copied()
            .or(self.en.ents[k].female)
    }

    fn note_desc(&mut self, np: &Np, speaker: Option<usize>) {
        if let (Sp::Desc { .. }, Some(k)) = (&np.sp, speaker) {
            self.desc_mentions.push((np.s, np.e, k));
        }
    }

    fn push_salient(&mut self, tok: usize, ent: usize) {
        self.salience.push((tok, ent));
    }

    /// Resolves a speaker phrase to an entity, as of token `at`.
    fn resolve(&self, sp: &Sp, at: usize) -> Option<usize> {
        let ents = &self.en.ents;
        match sp {
            Sp::Ent(k) => Some(*k),
            Sp::Pron(p) => {
                let want = match p.as_str() {
                    "he" | "him" | "his" => Some(Some(false)),
                    "she" | "her" => Some(Some(true)),
                    "it" | "its" => Some(None),
                    _ => None,
                }?;
                let ok = |k: usize| match want {
                    Some(female) => {
                        ents[k].kind == EntityType::Person && self.female(k) != Some(!female)
                    }
                    None => ents[k].kind == EntityType::Organization,
                };
                self.recent(at, ok)
            }
            Sp::Statement => {
                let recent: Vec<usize> = self
                    .salience
                    .iter()
                    .rev()
                    .filter(|(t, _)| *t < at)
                    .map(|x| x.1)
                    .take(4)
                    .collect();
                recent
                    .iter()
                    .copied()
                    .find(|&k| ents[k].kind == EntityType::Organization)
                    .or_else(|| self.last_speaker.map(|x| x.1))
            }
            // "the 62-year-old" is the person most recently in view.
            Sp::Desc { head, .. } if is_age(head) => {
                self.recent(at, |k| ents[k].kind == EntityType::Person)
            }
            // "A senior official, who asked not to be named, said": a person not named before.
            Sp::Desc { head, .. }
                if PERSON_ROLES.contains(head.as_str()) && matches!(self.lc(at), "a" | "an") =>
            {
                None
            }
            Sp::Desc { quals, head } => {
                if PERSON_ROLES.contains(head.as_str()) {
                    self.resolve_person_desc(quals, head, at)
                } else {
                    self.resolve_org_desc(quals, head, at)
                }
            }
        }
    }

    /// The entity most recently in view before token `at` that passes `ok`: a recent speaker or
    /// subject within eight sentences, else the last one mentioned.
    fn recent(&self, at: usize, ok: impl Fn(usize) -> bool) -> Option<usize> {
        // The agency credited in the dateline ("WASHINGTON (AP) -") is not someone in the story:
        // "it said" never means it unless the story names it again.
        let in_view =
            |tok: usize, k: usize| ok(k) && !(Some(k) == self.en.agency && tok < DATELINE_TOKENS);
        let sent_at = self.d.sent_of.get(at).copied().unwrap_or(usize::MAX);
        for &(tok, k) in self.salience.iter().rev() {
            if tok < at && in_view(tok, k) && sent_at.saturating_sub(self.d.sent_of[tok]) <= 8 {
                return Some(k);
            }
        }
        self.en
            .mentions
            .iter()
            .rev()
            .find(|m| m.e <= at && in_view(m.s, m.ent))
            .map(|m| m.ent)
    }

    fn last_mention_before(&self, k: usize, at: usize) -> Option<usize> {
        self.en
            .mentions
            .iter()
            .filter(|m| m.ent == k && m.s < at)
            .map(|m| m.s)
            .max()
    }

    fn resolve_person_desc(&self, quals: &[String], head: &str, at: usize) -> Option<usize> {
        let g = &*GAZETTEER;
        let is_dem = |w: &str| {
            let cap: String = w
                .chars()
                .take(1)
                .flat_map(char::to_uppercase)
                .chain(w.chars().skip(1))
                .collect();
            g.demonyms.contains_key(&cap)
        };
        let syn: &[&str] = match head {
            "chief" | "head" => &[
                "chief",
                "head",
                "director",
                "director-general",
                "chairman",
                "chairwoman",
                "chair",
                "secretary-general",
                "president",
                "leader",
                "ceo",
            ],
            "diplomat" => &[
                "minister",
                "spokeswoman",
                "spokesman",
                "spokesperson",
                "ambassador",
                "envoy",
                "diplomat",
                "counterpart",
                "secretary-general",
            ],
            "spokeswoman" | "spokesman" | "spokesperson" => {
                &["spokeswoman", "spokesman", "spokesperson"]
            }
            "leader" => &["leader", "president", "premier", "chancellor", "prime"],
            "premier" => &["premier", "prime"],
            "official" => &[],
            _ => &[],
        };
        let mut best: Option<(usize, i64)> = None;
        for (k, e) in self.en.ents.iter().enumerate() {
            if e.kind != EntityType::Person {
                continue;
            }
            let Some(pos) = self.last_mention_before(k, at) else {
                continue;
            };
            let head_ok = e.titles.contains(head)
                || syn.iter().any(|s| e.titles.contains(*s))
                || (e.titles.contains("counterpart"))
                || (head == "official" && !e.titles.is_empty());
            let q_dem: Vec<&String> = quals.iter().filter(|q| is_dem(q)).collect();
            let c_dem: Vec<&String> = e.titles.iter().filter(|q| is_dem(q)).collect();
            if !q_dem.is_empty() && !c_dem.is_empty() && !q_dem.iter().any(|q| c_dem.contains(q)) {
                continue;
            }
            let qual_hits = quals.iter().filter(|q| e.titles.contains(*q)).count() as i64;
            if !head_ok && qual_hits == 0 {
                continue;
            }
            let score = 2 * i64::from(head_ok) + qual_hits;
            let rank = score * 1_000_000 + pos as i64;
            if best.is_none_or(|(_, r)| rank > r) {
                best = Some((k, rank));
            }
        }
        best.map(|b| b.0)
    }

    fn resolve_org_desc(&self, quals: &[String], head: &str, at: usize) -> Option<usize> {
        let mut best: Option<(usize, i64)> = None;
        for (k, e) in self.en.ents.iter().enumerate() {
            if e.kind != EntityType::Organization {
                continue;
            }
            let Some(pos) = self.last_mention_before(k, at) else {
                continue;
            };
            // "the alliance" is NATO, "the bloc" the European Union or ASEAN.
            let syn: &[&str] = match head {
                "alliance" => &["alliance", "treaty"],
                "bloc" => &["union", "association", "community"],
                "organisation" | "organization" => &["organisation", "organization"],
                "regulator" | "watchdog" => &[
                    "authority",
                    "commission",
                    "regulator",
                    "agency",
                    "administration",
                ],
                "government" | "cabinet" => &["government", "cabinet"],
                _ => &[],
            };
            let hit = e
                .words
                .iter()
                .any(|w| w == head || syn.contains(&w.as_str()));
            // A generic noun ("the group", "the regulator") may stand for any organisation named before.
            let generic = matches!(
                head,
                "group"
                    | "regulator"
                    | "watchdog"
                    | "organisation"
                    | "organization"
                    | "bloc"
                    | "alliance"
                    | "agency"
                    | "cartel"
                    | "union"
            ) || COMPANY_NOUNS.contains(head);
            // Without a word in common, only an organisation of this or the previous sentence.
            let near = self
                .d
                .sent_of
                .get(at)
                .copied()
                .unwrap_or(0)
                .saturating_sub(self.d.sent_of.get(pos).copied().unwrap_or(0))
                <= 1;
            if !(hit || generic && near && quals.is_empty() && Some(k) != self.en.agency) {
                continue;
            }
            let qual_hits = quals.iter().filter(|q| e.words.contains(*q)).count() as i64;
            let rank = (qual_hits + 2 * i64::from(hit)) * 1_000_000 + pos as i64;
            if best.is_none_or(|(_, r)| rank > r) {
                best = Some((k, rank));
            }
        }
        best.map(|b| b.0)
    }

    fn confidence(sp: &Sp) -> f32 {
        match sp {
            Sp::Ent(_) => 0.9,
            Sp::Desc { .. } => 0.75,
            Sp::Pron(_) => 0.7,
            Sp::Statement => 0.6,
        }
    }

    /// The subject of a sentence: its first speaker-like phrase after an opening adverbial.
    fn subject(&self, s: usize, e: usize) -> Option<Np> {
        let mut i = s;
        // Titles before the name: "Estonian Prime Minister Kaja Kallas welcomed ...".
        let mut k = i;
        while k < e.min(i + 6)
            && self.d.toks[k].word
            && !self.en.starts_at(k)
            && (TITLES.contains(self.t(k)) || GAZETTEER.demonyms.contains_key(self.t(k)))
        {
            k += 1;
        }
        if k > i && self.en.starts_at(k) {
            return self.np_right(k, e);
        }
        let first = self.t(i);
        let lead_adverbial = STOP.contains(first)
            || CUE_PARTICIPLES.contains(first.to_lowercase().as_str())
            || first == "Speaking";
        if lead_adverbial {
            if let Some(c) = (s..e.min(s + 20)).find(|&j| self.t(j) == "," && self.outside(j)) {
                i = c + 1;
            }
        }
        self.np_right(i, e)
    }

    /// The rightmost attribution in tokens `lo..hi` (a speech verb with its speaker, "according to", "in his view").
    fn attribution_before(&self, lo: usize, hi: usize, sent: Sentence) -> Option<(Np, String)> {
        let near = self.nearest_attribution(lo, hi, sent)?;
        // "Pompeo said that Washington had concluded ... "not inconsistent"": a place reported
        // inside someone's words does not speak them.
        let place = matches!(near.0.sp, Sp::Ent(k) if self.en.kind(k) == EntityType::Location);
        if place && near.0.s > lo {
            if let Some(outer) = self.nearest_attribution(lo, near.0.s, sent) {
                let person = self
                    .resolve(&outer.0.sp, outer.0.s)
                    .is_some_and(|k| self.en.is_person(k));
                if person {
                    return Some(outer);
                }
            }
        }
        Some(near)
    }

    /// The attribution nearest before token `hi`.
    fn nearest_attribution(&self, lo: usize, hi: usize, sent: Sentence) -> Option<(Np, String)> {
        // Attributions sit close to their quote; the bound keeps huge run-on text linear.
        let lo = lo.max(hi.saturating_sub(60));
        let mut j = hi;
        while j > lo {
            j -= 1;
            if !self.outside(j) {
                continue;
            }
            let w = self.lc(j);
            if w == "according" && self.lc(j + 1) == "to" {
                if let Some(np) = self.np_right(j + 2, hi) {
                    return Some((np, "according to".into()));
                }
            }
            if matches!(w, "view" | "words" | "opinion") && j >= lo + 2 && self.lc(j - 2) == "in"
                || (w == "view" && j >= lo + 2)
            {
                let p = self.lc(j - 1);
                if p == "his" || p == "her" || p == "its" {
                    return Some((
                        Np {
                            sp: Sp::Pron(p.to_string()),
                            s: j - 1,
                            e: j,
                        },
                        format!("in {} {}", self.t(j - 1), self.t(j)),
                    ));
                }
                if (p == "’s" || p == "'s") && j >= lo + 2 {
                    if let Some(np) = self.np_left(j - 1, lo) {
                        return Some((np, "view".into()));
                    }
                }
            }
            if CUE_VERBS.contains(w) && !self.passive_listener(j) {
                if let Some(np) = self
                    .np_left(j, sent.s.max(lo.saturating_sub(0)))
                    .or_else(|| self.coordinated_subject(j, sent))
                {
                    return Some((np, self.t(j).to_string()));
                }
                if let Some(np) = self.np_right(j + 1, hi) {
                    return Some((np, self.t(j).to_string()));
                }
            }
            if let Some(np) = self.quoted_as_saying(j, sent) {
                return Some((np, "quoted as saying".into()));
            }
            if is_calling_verb(self, j) {
                if let Some(np) = self.np_left(j, sent.s.max(lo)) {
                    return Some((np, self.t(j).to_string()));
                }
            }
            if w == "put" && self.lc(j + 1) == "it" {
                // "As Lavrov put it, ..."
                if let Some(np) = self.np_left(j, lo) {
                    return Some((np, "put it".into()));
                }
            }
            if CUE_PARTICIPLES.contains(w) {
                // "Putin said, adding that": the speaker of the main verb.
                if let Some(x) = self.finite_speaker_left(j, sent) {
                    return Some((x.0, self.t(j).to_string()));
                }
            }
        }
        None
    }

    /// The subject of a speech verb in a coordinated clause: "X welcomed the plan but said ...",
    /// "X, in a post, congratulated them and said ...".
    fn coordinated_subject(&self, v: usize, sent: Sentence) -> Option<Np> {
        let mut k = v;
        while k > sent.s && AUXILIARIES.contains(self.t(k - 1)) {
            k -= 1;
        }
        if k <= sent.s + 2 || !matches!(self.lc(k - 1), "and" | "but") {
            return None;
        }
        // "X said that ... and added that ...": the speaker of the first speech verb.
        if let Some(j) = (sent.s..k - 1)
            .rev()
            .find(|&j| self.outside(j) && CUE_VERBS.contains(self.t(j)))
        {
            return self.np_left(j, sent.s);
        }
        let np = self.subject(sent.s, k - 1)?;
        (np.e < k - 1).then_some(np)
    }

    /// "the ministry quoted Xi as saying", "Xi was quoted as saying": the one quoted is the speaker.
    fn quoted_as_saying(&self, v: usize, sent: Sentence) -> Option<Np> {
        if v < sent.s + 2 || self.lc(v) != "saying" || self.lc(v - 1) != "as" {
            return None;
        }
        if self.lc(v - 2) == "quoted" {
            return self.np_left(v - 2, sent.s);
        }
        let q = (sent.s..v - 1)
            .rev()
            .take(8)
            .find(|&k| self.lc(k) == "quoted")?;
        self.np_left(v - 1, q + 1)
    }

    /// The speaker of the nearest finite speech verb left of `j` in the sentence.
    fn finite_speaker_left(&self, j: usize, sent: Sentence) -> Option<(Np, String)> {
        let mut k = j;
        let floor = sent.s.max(j.saturating_sub(60));
        while k > floor {
            k -= 1;
            if self.outside(k) && CUE_VERBS.contains(self.t(k)) {
                if let Some(np) = self.np_left(k, sent.s) {
                    return Some((np, self.t(k).to_string()));
                }
                if let Some(np) = self.np_right(k + 1, j) {
                    return Some((np, self.t(k).to_string()));
                }
            }
        }
        None
    }

    /// Attribution right after a quotation: `," Putin said` or `," said the minister`.
    fn attribution_after(&self, from: usize, sent: Sentence) -> Option<(Np, String)> {
        let mut a = from;
        while a < sent.e && self.t(a) == "," {
            a += 1;
        }
        if a >= sent.e || !self.outside(a) {
            return None;
        }
        if self.lc(a) == "according" && self.lc(a + 1) == "to" {
            return self
                .np_right(a + 2, sent.e)
                .map(|np| (np, "according to".to_string()));
        }
        if let Some(x) = self.name_then_long_appositive(a, sent) {
            return Some(x);
        }
        for v in a..(a + 20).min(sent.e) {
            // Words, possessives and the commas of an appositive (`," Jane Doe, a spokesperson, said`).
            if !self.outside(v) || (!self.d.toks[v].word && !matches!(self.t(v), "’s" | "'s" | ","))
            {
                return None;
            }
            // `," Peskov was quoted as saying by Interfax.`
            if let Some(np) = self.quoted_as_saying(v, sent) {
                return Some((np, "quoted as saying".into()));
            }
            if CUE_VERBS.contains(self.t(v)) {
                if v == a {
                    return self
                        .np_right(v + 1, sent.e)
                        .map(|np| (np, self.t(v).to_string()));
                }
                return self.np_left(v, a).map(|np| (np, self.t(v).to_string()));
            }
        }
        None
    }
}

/// "called the decision "...": a verb of describing with an object before the quoted words
/// gives the speaker's words ("called" right before the quote names a thing instead).
fn is_calling_verb(ctx: &Ctx, k: usize) -> bool {
    matches!(
        ctx.lc(k),
        "called" | "described" | "termed" | "branded" | "hailed" | "labelled" | "labeled"
    ) && ctx.outside(k + 1)
        && ctx.d.toks.get(k + 1).is_some_and(|t| t.word)
        && (k + 2..(k + 6).min(ctx.d.toks.len())).any(|m| !ctx.outside(m))
}

fn word_count(s: &str) -> usize {
    s.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// Finds every quote and piece of reported speech with its speaker.
/// Quotes found, and the descriptors that were resolved to an entity on the way.
pub fn find(
    d: &Doc,
    quotes: &[QuoteSpan],
    sents: &[Sentence],
    en: &Entities,
) -> (Vec<Found>, Vec<(usize, usize, usize)>) {
    let qtok = spans::quote_tokens(d, quotes);
    let mut ctx = Ctx {
        d,
        en,
        learned_female: HashMap::default(),
        salience: Vec::new(),
        last_speaker: None,
        desc_mentions: Vec::new(),
        turns: Vec::new(),
    };
    let mut out: Vec<Found> = Vec::new();
    let mut all_groups = spans::sentence_groups(d, quotes, &qtok, sents);
    spans::join_across_sentences(&ctx, quotes, &qtok, sents, &mut all_groups);
    let quoted = direct::Quoted {
        quotes,
        qtok: &qtok,
        sents,
    };
    let mut colon_subject: Option<Np> = None;
    for (si, &sent) in sents.iter().enumerate() {
        ctx.learn_from_subject(si, sent);
        // Quotations opening in this sentence, split quotes joined.
        let groups = std::mem::take(&mut all_groups[si]);
        let at = direct::At { si, sent };
        let accepted = direct::quotations(
            &mut ctx,
            &quoted,
            at,
            &groups,
            colon_subject.as_ref(),
            &mut out,
        );
        indirect::indirect(&mut ctx, sent, si, &accepted, &mut out);
        colon_subject = ctx.colon_subject(sent);
    }
    out.sort_by_key(|f| f.start);
    let mut descs = std::mem::take(&mut ctx.desc_mentions);
    descs.sort_unstable();
    descs.dedup_by_key(|x| x.0);
    (out, descs)
}

impl Ctx<'_, '_> {
    /// Keeps the sentence's subject in view, and learns a lone person's gender from the
    /// pronouns that follow. The owner in "Abenov's office did not respond" stays out of view
    /// while someone speaks.
    fn learn_from_subject(&mut self, si: usize, sent: Sentence) {
        let speaking = self
            .last_speaker
            .is_some_and(|(ls, _)| si.saturating_sub(ls) <= 2);
        let subject = if speaking {
            self.topic(sent.s, sent.e)
        } else {
            self.subject(sent.s, sent.e)
        };
        let Some(np) = subject else { return };
        let Some(k) = self.resolve(&np.sp, np.s) else {
            return;
        };
        if !self.en.is_person(k) {
            return;
        }
        let persons = self
            .en
            .mentions
            .iter()
            .filter(|m| m.s >= sent.s && m.e <= sent.e && self.en.is_person(m.ent))
            .count();
        if persons == 1 && self.female(k).is_none() {
            self.learn_gender(k, np.e, sent.e);
        }
        self.push_salient(np.s, k);
    }

    /// The gender of person `k` from the first personal pronoun in tokens `from..to`.
    fn learn_gender(&mut self, k: usize, from: usize, to: usize) {
        let female = (from..to)
            .filter(|&j| self.outside(j))
            .find_map(|j| match self.lc(j) {
                "she" | "her" | "herself" => Some(true),
                "he" | "his" | "him" | "himself" => Some(false),
                _ => None,
            });
        if let Some(f) = female {
            self.learned_female.insert(k, f);
        }
    }

    /// A sentence ending in a colon introduces the next paragraph's quotation: its speaker.
    fn colon_subject(&self, sent: Sentence) -> Option<Np> {
        if sent.e <= sent.s || self.d.t(sent.e - 1) != ":" {
            return None;
        }
        self.attribution_before(sent.s, sent.e - 1, sent)
            .map(|x| x.0)
            .or_else(|| self.subject(sent.s, sent.e))
    }
}
