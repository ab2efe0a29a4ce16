//! Quotations assembled as a reader sees them: the pieces of one quotation that its attribution
//! interrupts, in one sentence or across a sentence end, form one group.

use super::Ctx;
use crate::entities::Doc;
use crate::lexicon::CUE_VERBS;
use crate::text::{QuoteSpan, Sentence};

/// Token range of each quotation, marks included.
pub(super) fn quote_tokens(d: &Doc, quotes: &[QuoteSpan]) -> Vec<(usize, usize)> {
    quotes
        .iter()
        .map(|q| {
            let s = d.toks.partition_point(|t| t.start < q.open);
            let e = d.toks.partition_point(|t| t.start < q.close);
            (s, e)
        })
        .collect()
}

/// The text of the last piece of quotation `q`.
fn last_piece<'a>(d: &Doc<'a>, q: &QuoteSpan) -> &'a str {
    q.pieces.last().map_or("", |&(a, b)| &d.text[a..b])
}

/// Whether quotation `next` goes on from `prev` after a short attribution ending in a comma:
/// `"We will respond," Pappas said, "but not now."`.
fn joins_in_sentence(
    d: &Doc,
    quotes: &[QuoteSpan],
    qtok: &[(usize, usize)],
    prev: usize,
    next: usize,
) -> bool {
    let (a, b) = (qtok[prev].1, qtok[next].0);
    let prev_text = last_piece(d, &quotes[prev]);
    let next_first = quotes[next]
        .pieces
        .first()
        .and_then(|p| d.text[p.0..p.1].chars().next());
    // A comma closing the first part says the sentence goes on ("Frankly," he said, "I ...").
    let goes_on = next_first.is_some_and(char::is_lowercase) || prev_text.ends_with(',');
    a < b
        && b - a <= 14
        && (a..b).any(|k| CUE_VERBS.contains(d.t(k)))
        && d.t(b - 1) == ","
        && !prev_text.ends_with(['.', '!', '?'])
        && goes_on
}

/// For each sentence, the quotations opening in it, a quotation split around its attribution
/// being one group.
pub(super) fn sentence_groups(
    d: &Doc,
    quotes: &[QuoteSpan],
    qtok: &[(usize, usize)],
    sents: &[Sentence],
) -> Vec<Vec<Vec<usize>>> {
    let mut qi = 0;
    let mut out = Vec::with_capacity(sents.len());
    for sent in sents {
        let mut groups: Vec<Vec<usize>> = Vec::new();
        while qi < quotes.len() && qtok[qi].0 < sent.e {
            if qtok[qi].0 >= sent.s {
                match groups.last_mut() {
                    Some(g) if joins_in_sentence(d, quotes, qtok, g[g.len() - 1], qi) => g.push(qi),
                    _ => groups.push(vec![qi]),
                }
            }
            qi += 1;
        }
        out.push(groups);
    }
    out
}

/// Whether tokens `s..e` hold no word outside punctuation.
fn no_words(d: &Doc, s: usize, e: usize) -> bool {
    (s..e).all(|k| !d.toks[k].word)
}

/// Whether the rest of a sentence after a quotation attributes it, even to a speaker that cannot
/// be named (`," the institute's report said.`).
fn attribution_tail(ctx: &Ctx, a: usize, sent: Sentence) -> bool {
    ctx.attribution_after(a, sent).is_some()
        || (a..(a + 8).min(sent.e))
            .take_while(|&k| ctx.outside(k))
            .any(|k| CUE_VERBS.contains(ctx.d.t(k)))
}

/// Joins a quotation that its attribution interrupts at a sentence end:
/// `"We will win," she said at the rally. "And we will win big."` is one quotation. The first
/// part opens its sentence and ends in a comma, its attribution ends the sentence, and the next
/// sentence of the paragraph is the rest of the quotation and nothing else.
pub(super) fn join_across_sentences(
    ctx: &Ctx,
    quotes: &[QuoteSpan],
    qtok: &[(usize, usize)],
    sents: &[Sentence],
    groups: &mut [Vec<Vec<usize>>],
) {
    let d = ctx.d;
    for si in 0..sents.len().saturating_sub(1) {
        let (s1, s2) = (sents[si], sents[si + 1]);
        if groups[si].len() != 1 || groups[si + 1].is_empty() || groups[si + 1][0].len() != 1 {
            continue;
        }
        let (g1, g2) = (&groups[si][0], groups[si + 1][0][0]);
        let (first, last) = (g1[0], g1[g1.len() - 1]);
        let (a, b) = (qtok[last].1, qtok[g2].0);
        let tail_ok = a < s1.e && !no_words(d, a, s1.e) && attribution_tail(ctx, a, s1);
        let joined = tail_ok
            && no_words(d, s1.s, qtok[first].0)
            && last_piece(d, &quotes[last]).ends_with(',')
            && b >= s2.s
            && no_words(d, s2.s, b)
            && qtok[g2].1 <= s2.e
            && no_words(d, qtok[g2].1, s2.e)
            && d.toks[s1.e - 1].para == d.toks[s2.s].para;
        if joined {
            let g2 = groups[si + 1].remove(0);
            groups[si][0].extend(g2);
        }
    }
}
