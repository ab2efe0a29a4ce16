//! Words in quotation marks that name something (titles, nicknames, terms) rather than report
//! what someone said.

use super::Ctx;
use crate::lexicon::{CUE_VERBS, DETERMINERS, NAMING_WORDS};
use crate::text::Sentence;

/// Small words a title leaves in lower case ("The Office for Security and Special Tasks").
const MINOR_WORDS: &[&str] = &[
    "a", "an", "the", "of", "for", "and", "or", "in", "on", "at", "to", "from", "with", "by", "de",
    "la", "del", "von", "van", "vs",
];

/// Quoted words set in title case, small words aside: a name, a title or a slogan.
pub(super) fn title_like(s: &str) -> bool {
    let words: Vec<&str> = s
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    let cap = |w: &str| {
        w.chars()
            .find(|c| c.is_alphabetic())
            .is_some_and(char::is_uppercase)
    };
    let minor = |w: &str| {
        let bare: String = w
            .chars()
            .filter(|c| c.is_alphabetic())
            .flat_map(char::to_lowercase)
            .collect();
        MINOR_WORDS.contains(&bare.as_str())
    };
    words.first().is_some_and(|w| cap(w)) && words.iter().skip(1).all(|w| cap(w) || minor(w))
}

/// Whether the words before a quotation name what follows: `so-called "X"`, `the "X"`,
/// `known in Croatian as "X"`, `called in Hebrew "X"`.
fn named_by_prefix(ctx: &Ctx, prefix: &[usize], words: usize) -> bool {
    let mut tail: Vec<&str> = prefix.iter().rev().take(5).map(|&k| ctx.lc(k)).collect();
    let Some(&last) = tail.first() else {
        return false;
    };
    if NAMING_WORDS.contains(last) || (DETERMINERS.contains(last) && words <= 4) {
        return true;
    }
    // "known as", "known in Croatian as", "called in Hebrew": the name of the thing just mentioned.
    let as_ = tail.first() == Some(&"as");
    if as_ {
        tail.remove(0);
    }
    let lang = tail.len() >= 3 && tail[1] == "in" && prefix.len() >= 2 && {
        let k = prefix[prefix.len() - 1 - usize::from(as_)];
        ctx.d.is_cap(k)
    };
    if lang {
        tail.drain(..2);
    }
    let head = tail.first().copied().unwrap_or("");
    (as_ && matches!(head, "known" | "referred" | "described"))
        || (lang && (NAMING_WORDS.contains(head) || head == "known"))
}

/// Whether a quoted piece in running text names something rather than reports words: a term
/// after a naming word or a determiner, a nickname between the parts of a name
/// (`Viktor "the Butcher" Pavlic`), or a title-cased name or title.
pub(super) fn names_a_thing(
    ctx: &Ctx,
    prefix: &[usize],
    (qs, qe): (usize, usize),
    text: &str,
    words: usize,
) -> bool {
    let d = ctx.d;
    // A nickname has no punctuation of its own (`Dreamforce "is our dream," Benioff said` is speech).
    let nickname = words <= 4
        && text.chars().last().is_some_and(char::is_alphanumeric)
        && qs > 0
        && prefix.last() == Some(&(qs - 1))
        && d.toks[qs - 1].word
        && d.is_cap(qs - 1)
        && qe < d.toks.len()
        && ctx.outside(qe)
        && d.toks[qe].word
        && d.is_cap(qe);
    nickname || named_by_prefix(ctx, prefix, words) || (title_like(text) && words <= 10)
}

/// Whether quoted words opening a sentence are used as a noun in it: with no closing
/// punctuation inside the marks and the sentence going straight on (`"No more wars in our name"
/// became the rallying cry`), they name a slogan or title. Spoken words end in a comma or a stop.
pub(super) fn used_as_noun(ctx: &Ctx, text: &str, qe: usize, sent: Sentence) -> bool {
    let d = ctx.d;
    let ends_open = text
        .chars()
        .last()
        .is_some_and(|c| c.is_alphanumeric() || c == ')');
    ends_open
        && qe < sent.e
        && ctx.outside(qe)
        && d.toks[qe].word
        && !CUE_VERBS.contains(d.t(qe))
        && !(qe..(qe + 6).min(sent.e)).any(|k| ctx.outside(k) && CUE_VERBS.contains(d.t(k)))
}

/// Whether a quotation is a heading: a few words with no punctuation inside or after the marks,
/// alone in their paragraph but for a section number (`3. "Not some irregular channel"`).
pub(super) fn heading(ctx: &Ctx, text: &str, (qs, qe): (usize, usize), words: usize) -> bool {
    let d = ctx.d;
    let ends_open = text.chars().last().is_some_and(char::is_alphanumeric);
    if !ends_open || words > 12 || qs >= d.toks.len() {
        return false;
    }
    let para = d.toks[qs].para;
    let bare = |k: usize| !d.toks[k].word || d.t(k).bytes().all(|b| b.is_ascii_digit());
    let before = (0..qs)
        .rev()
        .take_while(|&k| d.toks[k].para == para)
        .all(bare);
    // Nothing after it: `"We will win".` alone is speech set in the British way.
    let after = qe >= d.toks.len() || d.toks[qe].para != para;
    before && after
}
