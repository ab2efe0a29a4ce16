//! Quotations in marks, one sentence at a time: which ones report speech, whether they are whole
//! sentences or partial, and who spoke them.

use model::QuoteKind;

use super::{is_calling_verb, terms, turns, word_count, Ctx, Found, Np};
use crate::lexicon::*;
use crate::text::{QuoteSpan, Sentence};

/// The quotations of the body with their token ranges.
pub(super) struct Quoted<'q> {
    /// The quotations as the text pass found them.
    pub(super) quotes: &'q [QuoteSpan],
    /// Token range of each quotation.
    pub(super) qtok: &'q [(usize, usize)],
    /// The sentences of the body.
    pub(super) sents: &'q [Sentence],
}

/// The sentence being read, by number and span.
#[derive(Clone, Copy)]
pub(super) struct At {
    /// Its number.
    pub(super) si: usize,
    /// Its tokens.
    pub(super) sent: Sentence,
}

/// One quotation group (a quotation and the parts its attribution split off), before attribution.
struct Draft {
    /// First and last quotation of the group.
    first: usize,
    last: usize,
    /// Token range from the first opening mark to the last closing one.
    qs: usize,
    qe: usize,
    /// Byte ranges of the quoted words.
    pieces: Vec<(usize, usize)>,
    text: String,
    words: usize,
    /// Tokens outside quotation marks between the previous quotation and this one.
    prefix: Vec<usize>,
    /// Introduced by a colon, or by a speech verb and a comma or a capital.
    colon: bool,
    verb_comma: bool,
    /// Nothing of the sentence comes before it.
    initial: bool,
    kind: QuoteKind,
}

/// Who spoke a quotation, as far as it is known.
#[derive(Default)]
struct Attribution {
    speaker: Option<usize>,
    span: Option<(usize, usize)>,
    cue: Option<String>,
    confidence: f32,
}

impl Draft {
    /// Reads group `g` of the sentence; `region_start` is where the previous quotation ended.
    fn new(ctx: &Ctx, q: &Quoted, g: &[usize], region_start: usize) -> Draft {
        let d = ctx.d;
        let (first, last) = (g[0], g[g.len() - 1]);
        let (qs, qe) = (q.qtok[first].0, q.qtok[last].1);
        let pieces: Vec<(usize, usize)> = g
            .iter()
            .flat_map(|&i| q.quotes[i].pieces.iter().copied())
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
        Draft {
            first,
            last,
            qs,
            qe,
            pieces,
            text,
            words,
            prefix,
            colon,
            verb_comma,
            initial,
            kind,
        }
    }

    /// Whether the marks report speech rather than name a thing (scare quotes, titles, terms).
    fn reports_speech(
        &self,
        ctx: &Ctx,
        attributed_after: bool,
        cue_in_sentence: bool,
        sent: Sentence,
    ) -> bool {
        let span = (self.qs, self.qe);
        if self.kind == QuoteKind::Partial {
            return self.words >= 2
                && cue_in_sentence
                && !terms::names_a_thing(ctx, &self.prefix, span, &self.text, self.words);
        }
        attributed_after
            || self.colon
            || self.verb_comma
            || !(self.words < 3
                || (terms::title_like(&self.text) && self.words <= 10)
                || terms::used_as_noun(ctx, &self.text, self.qe, sent)
                || terms::heading(ctx, &self.text, span, self.words))
    }
}

/// Whether the sentence holds a cue of speech outside quotation marks.
fn sentence_has_cue(ctx: &Ctx, sent: Sentence) -> bool {
    (sent.s..sent.e).any(|k| {
        ctx.outside(k) && {
            let w = ctx.lc(k);
            CUE_VERBS.contains(w)
                || CUE_PARTICIPLES.contains(w)
                || is_calling_verb(ctx, k)
                || w == "according"
                || w == "view"
                || (w == "put" && ctx.lc(k + 1) == "it")
                || (matches!(w, "words" | "opinion") && k >= sent.s + 2 && ctx.lc(k - 2) == "in")
        }
    })
}

/// Finds the quotations of one sentence, attributes them and appends them to `out`.
/// Returns the token ranges of those kept, which reported speech must not overlap.
pub(super) fn quotations(
    ctx: &mut Ctx,
    q: &Quoted,
    at: At,
    groups: &[Vec<usize>],
    colon_subject: Option<&Np>,
    out: &mut Vec<Found>,
) -> Vec<(usize, usize)> {
    let sent = at.sent;
    let mut region_start = sent.s;
    let mut has_cue: Option<bool> = None;
    let mut accepted = Vec::new();
    for g in groups {
        let draft = Draft::new(ctx, q, g, region_start);
        // A split quote carries its attribution between its parts.
        let after = ctx.attribution_after(q.qtok[draft.first].1, sent);
        region_start = draft.qe;
        let cue_in_sentence = *has_cue.get_or_insert_with(|| sentence_has_cue(ctx, sent));
        if !draft.reports_speech(ctx, after.is_some(), cue_in_sentence, sent) {
            continue;
        }
        let attr = attribution(ctx, &draft, after, sent, colon_subject);
        let who = attribute(ctx, q, at, &draft, attr);
        accepted.push((draft.qs, draft.qe));
        let (start, end) = (draft.pieces[0].0, draft.pieces[draft.pieces.len() - 1].1);
        out.push(Found {
            start,
            end,
            text: draft.text,
            kind: draft.kind,
            speaker: who.speaker,
            speaker_span: who.span,
            cue: who.cue,
            confidence: who.confidence,
        });
    }
    accepted
}

/// The speaker phrase and cue a quotation is attributed to, if the text gives one.
fn attribution(
    ctx: &Ctx,
    draft: &Draft,
    after: Option<(Np, String)>,
    sent: Sentence,
    colon_subject: Option<&Np>,
) -> Option<(Np, String)> {
    let introduced = draft.colon || draft.verb_comma;
    let attr = match draft.kind {
        QuoteKind::Partial => ctx.attribution_before(sent.s, draft.qs, sent).or(after),
        _ => after.or_else(|| {
            introduced
                .then(|| ctx.attribution_before(sent.s, draft.qs, sent))
                .flatten()
        }),
    };
    if attr.is_some() {
        return attr;
    }
    if draft.colon {
        if let Some(np) = ctx.subject(sent.s, draft.qs) {
            return Some((np, String::new()));
        }
    }
    if draft.initial {
        return colon_subject.map(|np| (np.clone(), String::new()));
    }
    None
}

/// Resolves the speaker of a quotation, falling back on the turns of an exchange, and records
/// who spoke for the quotations that follow.
fn attribute(
    ctx: &mut Ctx,
    q: &Quoted,
    at: At,
    draft: &Draft,
    attr: Option<(Np, String)>,
) -> Attribution {
    let d = ctx.d;
    let mut who = Attribution::default();
    if let Some((np, c)) = &attr {
        who.speaker = ctx.resolve(&np.sp, np.s);
        ctx.note_desc(np, who.speaker);
        who.span = Some((d.toks[np.s].start, d.toks[np.e - 1].end));
        who.cue = (!c.is_empty()).then(|| c.clone());
        who.confidence = if who.speaker.is_some() {
            Ctx::confidence(&np.sp)
        } else {
            0.2
        };
    }
    // A speech verb right after the quote names someone, even one we cannot resolve ("a source told TASS").
    let end = q.qtok[draft.first].1;
    let cue_after = (end..(end + 8).min(at.sent.e))
        .take_while(|&k| ctx.outside(k))
        .any(|k| CUE_VERBS.contains(d.t(k)));
    if who.speaker.is_none() && draft.kind == QuoteKind::Direct && attr.is_none() && !cue_after {
        let u = turns::Unattributed {
            si: at.si,
            qs: draft.qs,
            qe: draft.qe,
            initial: draft.initial,
            text: &draft.text,
        };
        if let Some((k, c)) = turns::unattributed_speaker(ctx, q.sents, &u) {
            who.speaker = Some(k);
            who.confidence = c;
        }
    }
    if let Some(k) = who.speaker {
        remember_speaker(ctx, q, at, draft, k);
    }
    who
}

/// Keeps speaker `k` in view for pronouns and for the turns of an exchange.
fn remember_speaker(ctx: &mut Ctx, q: &Quoted, at: At, draft: &Draft, k: usize) {
    let d = ctx.d;
    ctx.push_salient(draft.qs, k);
    // A quotation joined across sentences speaks up to the sentence where it ends.
    let si_end = d
        .sent_of
        .get(q.qtok[draft.last].0)
        .copied()
        .unwrap_or(at.si)
        .max(at.si);
    ctx.last_speaker = Some((si_end, k));
    if draft.kind == QuoteKind::Direct {
        ctx.turns.push(turns::Turn {
            si: si_end,
            para: d.toks[draft.qs].para,
            speaker: k,
            question: turns::asks(&draft.text),
        });
    }
}
