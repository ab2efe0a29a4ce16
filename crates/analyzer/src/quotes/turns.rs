//! Turns of a two-person exchange: in an interview, unattributed questions and answers alternate
//! between the one who asks and the one who is asked.

use super::Ctx;
use crate::text::Sentence;

/// Verbs of putting a question to someone.
const QUESTION_VERBS: &[&str] = &["asked", "pressed", "questioned", "quizzed", "challenged"];

/// The person put a question right after the subject ending at token `e`: `Orlov asked Abenov`.
pub(super) fn asked_party(ctx: &Ctx, e: usize, hi: usize) -> Option<usize> {
    if e + 1 >= hi || !QUESTION_VERBS.contains(&ctx.lc(e)) {
        return None;
    }
    let m = ctx.en.starting_at(e + 1)?;
    ctx.en.is_person(m.ent).then_some(m.ent)
}

/// The person a paragraph ends on, for a quotation opening the next one with no attribution and
/// no speaker in view: `Salonen arrived in Kyiv on Tuesday.` then `"We are here to help."`.
/// The quotation must be its whole sentence (`qe` is where it ends): words after it may be an
/// attribution not understood.
pub(super) fn introduced_before(
    ctx: &Ctx,
    sents: &[Sentence],
    si: usize,
    qe: usize,
) -> Option<usize> {
    let (prev, cur) = (*sents.get(si.checked_sub(1)?)?, sents[si]);
    let d = ctx.d;
    // A full sentence ending in a stop, not a credit line ("– Ali").
    let statement =
        d.t(prev.e - 1) == "." && (prev.s..prev.e).filter(|&k| d.toks[k].word).count() >= 4;
    if d.toks[prev.s].para + 1 != d.toks[cur.s].para
        || !statement
        || (prev.s..prev.e).any(|k| !ctx.outside(k))
        || (qe..cur.e).any(|k| d.toks[k].word)
    {
        return None;
    }
    let np = ctx.topic(prev.s, prev.e)?;
    let k = ctx.resolve(&np.sp, np.s)?;
    ctx.en.is_person(k).then_some(k)
}

/// A direct quotation given to a speaker.
#[derive(Debug, Clone, Copy)]
pub(super) struct Turn {
    /// Sentence of the quotation.
    pub si: usize,
    /// Paragraph where it opens.
    pub para: usize,
    /// The speaker.
    pub speaker: usize,
    /// Whether it asks a question.
    pub question: bool,
}

/// Whether quoted words ask a question.
pub(super) fn asks(text: &str) -> bool {
    text.trim_end().ends_with('?')
}

/// The speaker of an unattributed quotation opening paragraph `para` in sentence `si`, when it
/// follows an exchange of two people in paragraphs of their own: an answer to a question goes to
/// the one who was asked, a further question to the one who asked before.
pub(super) fn alternate(turns: &[Turn], text: &str, si: usize, para: usize) -> Option<usize> {
    let [.., a, b] = turns else {
        return None;
    };
    let exchange = a.speaker != b.speaker
        && a.para < b.para
        && b.para < para
        && si.saturating_sub(b.si) <= 2
        && b.si.saturating_sub(a.si) <= 3;
    if !exchange {
        return None;
    }
    let question = asks(text);
    if (b.question && !question) || (question && !b.question && a.question) {
        return Some(a.speaker);
    }
    None
}

/// A direct quotation with no attribution of its own.
pub(super) struct Unattributed<'t> {
    /// Its sentence.
    pub si: usize,
    /// Its first token (the opening mark).
    pub qs: usize,
    /// Past its last token.
    pub qe: usize,
    /// Whether it opens its sentence.
    pub initial: bool,
    /// The quoted words.
    pub text: &'t str,
}

/// The speaker a reader gives a quotation with no attribution, with the confidence of that
/// choice: the person the sentence before was about (or the one asked there), the other party
/// of an interview, the last speaker nearby, or the person the paragraph before ended on.
pub(super) fn unattributed_speaker(
    ctx: &Ctx,
    sents: &[Sentence],
    q: &Unattributed,
) -> Option<(usize, f32)> {
    let d = ctx.d;
    let (si, sent) = (q.si, sents[q.si]);
    if q.initial && si > 0 && d.toks[sents[si - 1].s].para == d.toks[sent.s].para {
        // `Lavrov was blunt. "We will not ..."`: the person the previous sentence was about.
        let prev = sents[si - 1];
        if let Some(np) = ctx.topic(prev.s, prev.e) {
            // `Orlov asked Abenov about the pipeline. "We will build it."`: the one asked answers.
            let asked = asked_party(ctx, np.e, prev.e).filter(|_| !asks(q.text));
            if let Some(k) = asked.or_else(|| ctx.resolve(&np.sp, np.s)) {
                if ctx.en.is_person(k) {
                    return Some((k, 0.5));
                }
            }
        }
    }
    // Questions and answers of an interview alternate between its two speakers.
    if let Some(k) = alternate(&ctx.turns, q.text, si, d.toks[q.qs].para) {
        return Some((k, 0.45));
    }
    // An unattributed quotation goes on from the last speaker nearby.
    if let Some((ls, k)) = ctx.last_speaker {
        if si.saturating_sub(ls) <= 2 {
            return Some((k, 0.4));
        }
    }
    if q.initial {
        return introduced_before(ctx, sents, si, q.qe).map(|k| (k, 0.35));
    }
    None
}
