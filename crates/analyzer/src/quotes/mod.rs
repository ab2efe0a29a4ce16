//! Quotes and reported speech, each attributed to the entity that spoke.

use rustc_hash::FxHashMap as HashMap;

use model::{EntityType, QuoteKind};

use crate::entities::{Doc, Entities};
use crate::lexicon::*;
use crate::text::{QuoteSpan, Sentence};

mod indirect;
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

    /// The speaker phrase that ends right before token `end` (not before `lo`).
    fn np_left(&self, end: usize, lo: usize) -> Option<Np> {
        let mut i = end;
        while i > lo && AUXILIARIES.contains(self.t(i - 1)) {
            i -= 1;
        }
        if i > lo + 1 && self.t(i - 1) == "," {
            // Appositive between commas: "Orban, who had threatened ..., said".
            let j = (lo.max(i.saturating_sub(30))..i - 1)
                .rev()
                .find(|&j| self.t(j) == "," || !self.outside(j))?;
            if self.t(j) != "," || j <= lo {
                return None;
            }
            // "Russia's foreign minister, Sergei Lavrov, said": the name is the appositive.
            if let Some(&m) = self.en.by_last.get(&(i - 2)) {
                let m = self.en.mentions[m];
                if m.s == j + 1 && self.en.ents[m.ent].kind != EntityType::Location {
                    return Some(Np {
                        sp: Sp::Ent(m.ent),
                        s: m.s,
                        e: m.e,
                    });
                }
            }
            i = j;
        }
        // "The Joint Chiefs of Staff (JCS) said": the name before its bracketed acronym.
        if i >= lo + 4
            && self.t(i - 1) == ")"
            && self.t(i - 3) == "("
            && self.en.by_last.contains_key(&(i - 4))
        {
            i -= 3;
        }
        if i <= lo {
            return None;
        }
        let k = i - 1;
        if !self.outside(k) {
            return None;
        }
        if let Some(&m) = self.en.by_last.get(&k) {
            let m = self.en.mentions[m];
            if m.s >= lo {
                // "The sister of North Korean leader Kim Jong Un said": the one named is not the speaker.
                let mut ns = m.s;
                let link = |w: &str| matches!(w, "of" | "for" | "in" | "at" | "from");
                while ns > lo && self.d.toks[ns - 1].word && !link(self.lc(ns - 1)) && m.s - ns < 5
                {
                    let t = self.t(ns - 1);
                    if !(TITLES.contains(t)
                        || PERSON_ROLES.contains(self.lc(ns - 1))
                        || GAZETTEER.demonyms.contains_key(t)
                        || self.d.is_cap(ns - 1)
                        || self.lc(ns - 1) == "the")
                    {
                        break;
                    }
                    ns -= 1;
                }
                let lower_head = self.t(ns.saturating_sub(2)).starts_with(char::is_lowercase);
                if ns > lo + 1
                    && link(self.lc(ns - 1))
                    && lower_head
                    && is_role_head(self.lc(ns - 2))
                {
                    let mut ds = ns - 2;
                    if ds > lo && matches!(self.lc(ds - 1), "a" | "an" | "the") {
                        ds -= 1;
                    }
                    return self.np_left(ns - 1, lo).or(Some(Np {
                        sp: Sp::Desc {
                            quals: Vec::new(),
                            head: self.lc(ns - 2).to_string(),
                        },
                        s: ds,
                        e: m.e,
                    }));
                }
                return Some(Np {
                    sp: Sp::Ent(m.ent),
                    s: m.s,
                    e: m.e,
                });
            }
        }
        let w = self.lc(k);
        if PRONOUNS.contains(&w) {
            return Some(Np {
                sp: Sp::Pron(w.to_string()),
                s: k,
                e: k + 1,
            });
        }
        // "TNO's report said": the one whose document it is.
        if DOCUMENT_NOUNS.contains(&w) && k >= lo + 3 && matches!(self.t(k - 1), "’s" | "'s") {
            if let Some(&m) = self.en.by_last.get(&(k - 2)) {
                let m = self.en.mentions[m];
                if m.s >= lo && self.en.ents[m.ent].kind != EntityType::Location {
                    return Some(Np {
                        sp: Sp::Ent(m.ent),
                        s: m.s,
                        e: k + 1,
                    });
                }
            }
        }
        if w == "statement" && k > lo && matches!(self.lc(k - 1), "the" | "a" | "its" | "this") {
            return Some(Np {
                sp: Sp::Statement,
                s: k - 1,
                e: k + 1,
            });
        }
        // "the head of state said".
        if w == "state"
            && k >= lo + 3
            && self.lc(k - 1) == "of"
            && self.lc(k - 2) == "head"
            && self.lc(k - 3) == "the"
        {
            return Some(Np {
                sp: Sp::Desc {
                    quals: Vec::new(),
                    head: "president".into(),
                },
                s: k - 3,
                e: k + 1,
            });
        }
        if is_role_head(w) {
            let mut j = k;
            let mut quals = Vec::new();
            while j > lo && k - j < 5 {
                let p = self.lc(j - 1);
                if matches!(p, "the" | "a" | "an" | "its" | "his" | "her" | "their") {
                    quals.reverse();
                    return Some(Np {
                        sp: Sp::Desc {
                            quals,
                            head: w.to_string(),
                        },
                        s: j - 1,
                        e: k + 1,
                    });
                }
                if !self.d.toks[j - 1].word || !self.outside(j - 1) {
                    break;
                }
                quals.push(p.to_string());
                j -= 1;
            }
        }
        None
    }

    /// The speaker phrase that starts at token `s`.
    fn np_right(&self, s: usize, hi: usize) -> Option<Np> {
        if s >= hi || !self.outside(s) {
            return None;
        }
        if let Some(&m) = self.en.by_first.get(&s) {
            let m = self.en.mentions[m];
            if let Some(np) = self.role_of_owner(m.s, m.e, hi) {
                return Some(np);
            }
            // "Nordstahl chief executive Jane Roe": the company names whose officer speaks.
            if self.en.ents[m.ent].kind != EntityType::Person {
                let mut k = m.e;
                while k < hi
                    && k < m.e + 4
                    && self.outside(k)
                    && (PERSON_ROLES.contains(self.lc(k)) || TITLES.contains(self.t(k)))
                {
                    k += 1;
                }
                if k > m.e {
                    if let Some(&p) = self.en.by_first.get(&k) {
                        let p = self.en.mentions[p];
                        if self.en.ents[p.ent].kind == EntityType::Person {
                            return Some(Np {
                                sp: Sp::Ent(p.ent),
                                s: m.s,
                                e: p.e,
                            });
                        }
                    }
                }
            }
            return Some(Np {
                sp: Sp::Ent(m.ent),
                s: m.s,
                e: m.e,
            });
        }
        // Titles and roles before the name: `said Socialist legislator César Luena`, or a long title
        // joined by "of", "and" and commas (`said Minister of Transport, Ports and Shipping X`).
        for k in s + 1..(s + 30).min(hi) {
            if let Some(&m) = self.en.by_first.get(&k) {
                let m = self.en.mentions[m];
                if self.en.ents[m.ent].kind == EntityType::Person {
                    return Some(Np {
                        sp: Sp::Ent(m.ent),
                        s,
                        e: m.e,
                    });
                }
            }
            let t = self.t(k - 1);
            let joiner = k - 1 > s
                && matches!(t, "of" | "for" | "to" | "and" | "the" | "," | "on")
                && (self.d.is_cap(k) || self.t(k) == "the")
                && k - s >= 2;
            let ok = self.outside(k - 1)
                && (self.d.is_cap(k - 1)
                    || TITLES.contains(t)
                    || PERSON_ROLES.contains(self.lc(k - 1))
                    || t == "&"
                    || joiner
                    || (k - 1 == s && matches!(self.lc(k - 1), "the" | "a")));
            if !ok {
                break;
            }
        }
        let w = self.lc(s);
        if PRONOUNS.contains(&w) {
            return Some(Np {
                sp: Sp::Pron(w.to_string()),
                s,
                e: s + 1,
            });
        }
        if matches!(w, "the" | "a" | "an" | "its" | "his" | "her") {
            if let Some(&m) = self.en.by_first.get(&(s + 1)) {
                let m = self.en.mentions[m];
                if let Some(np) = self.role_of_place(s, m.e, m.ent, hi) {
                    return Some(np);
                }
                return Some(Np {
                    sp: Sp::Ent(m.ent),
                    s: m.s,
                    e: m.e,
                });
            }
            let mut quals = Vec::new();
            for j in s + 1..(s + 6).min(hi) {
                if !self.d.toks[j].word || !self.outside(j) {
                    break;
                }
                let x = self.lc(j);
                if x == "statement" {
                    return Some(Np {
                        sp: Sp::Statement,
                        s,
                        e: j + 1,
                    });
                }
                // The head is the last role noun of the phrase ("the Russian foreign minister").
                // "the deputy prime minister": a later role noun in the same phrase is the head.
                let later_head = (j + 1..(s + 6).min(hi))
                    .take_while(|&m| self.d.toks[m].word && self.outside(m))
                    .any(|m| is_role_head(self.lc(m)));
                if is_role_head(x) && !later_head {
                    return Some(Np {
                        sp: Sp::Desc {
                            quals,
                            head: x.to_string(),
                        },
                        s,
                        e: j + 1,
                    });
                }
                quals.push(x.to_string());
            }
        }
        None
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
            && !self.en.by_first.contains_key(&k)
            && (TITLES.contains(self.t(k)) || GAZETTEER.demonyms.contains_key(self.t(k)))
        {
            k += 1;
        }
        if k > i && self.en.by_first.contains_key(&k) {
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
        let place = matches!(near.0.sp, Sp::Ent(k) if self.en.ents[k].kind == EntityType::Location);
        if place && near.0.s > lo {
            if let Some(outer) = self.nearest_attribution(lo, near.0.s, sent) {
                let person = self
                    .resolve(&outer.0.sp, outer.0.s)
                    .is_some_and(|k| self.en.ents[k].kind == EntityType::Person);
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
    let n = d.toks.len();
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
    let mut prev_colon_subject: Option<Np> = None;
    for (si, &sent) in sents.iter().enumerate() {
        // Gender shown by the pronouns that follow a lone person subject.
        // The owner in "Abenov's office did not respond" stays out of view while someone speaks.
        let speaking = ctx
            .last_speaker
            .is_some_and(|(ls, _)| si.saturating_sub(ls) <= 2);
        let subject = if speaking {
            ctx.topic(sent.s, sent.e)
        } else {
            ctx.subject(sent.s, sent.e)
        };
        if let Some(np) = subject {
            if let Some(k) = ctx.resolve(&np.sp, np.s) {
                if ctx.en.ents[k].kind == EntityType::Person {
                    let persons = ctx
                        .en
                        .mentions
                        .iter()
                        .filter(|m| {
                            m.s >= sent.s
                                && m.e <= sent.e
                                && ctx.en.ents[m.ent].kind == EntityType::Person
                        })
                        .count();
                    if persons == 1 && ctx.female(k).is_none() {
                        for j in np.e..sent.e {
                            if !ctx.outside(j) {
                                continue;
                            }
                            match ctx.lc(j) {
                                "she" | "her" | "herself" => {
                                    ctx.learned_female.insert(k, true);
                                    break;
                                }
                                "he" | "his" | "him" | "himself" => {
                                    ctx.learned_female.insert(k, false);
                                    break;
                                }
                                _ => {}
                            }
                        }
                    }
                    ctx.push_salient(np.s, k);
                }
            }
        }

        // Quotations opening in this sentence, split quotes joined.
        let groups = std::mem::take(&mut all_groups[si]);

        let mut region_start = sent.s;
        let mut has_cue: Option<bool> = None;
        let mut accepted: Vec<(usize, usize)> = Vec::new();
        for g in &groups {
            let (first, last) = (g[0], g[g.len() - 1]);
            let (qs, qe) = (qtok[first].0, qtok[last].1);
            let pieces: Vec<(usize, usize)> = g
                .iter()
                .flat_map(|&q| quotes[q].pieces.iter().copied())
                .collect();
            let text = pieces
                .iter()
                .map(|&(a, b)| &d.text[a..b])
                .collect::<Vec<_>>()
                .join(" ");
            let words = word_count(&text);
            let prefix: Vec<usize> = (region_start..qs).filter(|&k| ctx.outside(k)).collect();
            let last_pre = prefix.last().copied();
            let colon = last_pre.is_some_and(|k| d.t(k) == ":");
            let starts_upper = text.chars().next().is_some_and(char::is_uppercase);
            // `Lavrov said, "We ..."` and `Lavrov said "We ..."` introduce whole sentences.
            let verb_comma = last_pre.is_some_and(|k| {
                (d.t(k) == "," && k > 0 && CUE_VERBS.contains(d.t(k - 1)))
                    || (CUE_VERBS.contains(d.t(k)) && starts_upper)
            });
            let initial = prefix.is_empty();
            let kind = if initial || colon || verb_comma {
                QuoteKind::Direct
            } else {
                QuoteKind::Partial
            };
            // A split quote carries its attribution between its parts.
            let after = ctx.attribution_after(qtok[first].1, sent);
            region_start = qe;

            let sentence_has_cue = *has_cue.get_or_insert_with(|| {
                (sent.s..sent.e).any(|k| {
                    ctx.outside(k) && {
                        let w = ctx.lc(k);
                        CUE_VERBS.contains(w)
                            || CUE_PARTICIPLES.contains(w)
                            || is_calling_verb(&ctx, k)
                            || w == "according"
                            || w == "view"
                            || (w == "put" && ctx.lc(k + 1) == "it")
                            || (matches!(w, "words" | "opinion")
                                && k >= sent.s + 2
                                && ctx.lc(k - 2) == "in")
                    }
                })
            });
            if kind == QuoteKind::Partial {
                if words < 2
                    || !sentence_has_cue
                    || terms::names_a_thing(&ctx, &prefix, (qs, qe), &text, words)
                {
                    continue;
                }
            } else if after.is_none()
                && !colon
                && !verb_comma
                && (words < 3
                    || (terms::title_like(&text) && words <= 10)
                    || terms::used_as_noun(&ctx, &text, qe, sent)
                    || terms::heading(&ctx, &text, (qs, qe), words))
            {
                continue;
            }

            let mut attr = match kind {
                QuoteKind::Partial => ctx.attribution_before(sent.s, qs, sent).or(after),
                _ => after.or_else(|| {
                    if colon || verb_comma {
                        ctx.attribution_before(sent.s, qs, sent)
                    } else {
                        None
                    }
                }),
            };
            if attr.is_none() && colon {
                attr = ctx.subject(sent.s, qs).map(|np| (np, String::new()));
            }
            if attr.is_none() && initial {
                if let Some(np) = prev_colon_subject.clone() {
                    attr = Some((np, String::new()));
                }
            }
            let (mut speaker, mut span, mut cue, mut conf) = (None, None, None, 0.0);
            if let Some((np, c)) = &attr {
                speaker = ctx.resolve(&np.sp, np.s);
                ctx.note_desc(np, speaker);
                span = Some((d.toks[np.s].start, d.toks[np.e - 1].end));
                cue = (!c.is_empty()).then(|| c.clone());
                conf = if speaker.is_some() {
                    Ctx::confidence(&np.sp)
                } else {
                    0.2
                };
            }
            // A speech verb right after the quote names someone, even one we cannot resolve ("a source told TASS").
            let cue_after = (qtok[first].1..(qtok[first].1 + 8).min(sent.e))
                .take_while(|&k| ctx.outside(k))
                .any(|k| CUE_VERBS.contains(d.t(k)));
            let para = d.toks[qs].para;
            if speaker.is_none() && kind == QuoteKind::Direct && attr.is_none() && !cue_after {
                let q = turns::Unattributed {
                    si,
                    qs,
                    qe,
                    initial,
                    text: &text,
                };
                if let Some((k, c)) = turns::unattributed_speaker(&ctx, sents, &q) {
                    speaker = Some(k);
                    conf = c;
                }
            }
            if let Some(k) = speaker {
                ctx.push_salient(qs, k);
                // A quotation joined across sentences speaks up to the sentence where it ends.
                let si_end = d.sent_of.get(qtok[last].0).copied().unwrap_or(si).max(si);
                ctx.last_speaker = Some((si_end, k));
                if kind == QuoteKind::Direct {
                    ctx.turns.push(turns::Turn {
                        si: si_end,
                        para,
                        speaker: k,
                        question: turns::asks(&text),
                    });
                }
            }
            accepted.push((qs, qe));
            let (start, end) = (pieces[0].0, pieces[pieces.len() - 1].1);
            out.push(Found {
                start,
                end,
                text,
                kind,
                speaker,
                speaker_span: span,
                cue,
                confidence: conf,
            });
        }

        indirect::indirect(&mut ctx, sent, si, &accepted, &mut out);

        // A sentence ending in a colon introduces the next paragraph's quotation.
        prev_colon_subject = None;
        if sent.e > sent.s && d.t(sent.e - 1) == ":" {
            prev_colon_subject = ctx
                .attribution_before(sent.s, sent.e - 1, sent)
                .map(|x| x.0)
                .or_else(|| ctx.subject(sent.s, sent.e));
        }
        let _ = n;
    }
    out.sort_by_key(|f| f.start);
    let mut descs = std::mem::take(&mut ctx.desc_mentions);
    descs.sort_unstable();
    descs.dedup_by_key(|x| x.0);
    (out, descs)
}
