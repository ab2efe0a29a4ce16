//! Reported speech without quotation marks: the cue, its speaker and the reported clause.

use rustc_hash::FxHashSet as HashSet;

use model::QuoteKind;

use super::{Ctx, Found, Np, Sp};
use crate::lexicon::*;
use crate::text::Sentence;

/// A reported clause found at one cue: token range, speaker phrase and cue word.
type Clause = (usize, usize, Np, String);

/// Reported speech without quotation marks in one sentence.
pub(super) fn indirect(
    ctx: &mut Ctx,
    sent: Sentence,
    si: usize,
    accepted: &[(usize, usize)],
    out: &mut Vec<Found>,
) {
    let found: Vec<Clause> = (sent.s..sent.e)
        .filter_map(|v| clause_at_cue(ctx, v, sent))
        .collect();
    let mut claimed: HashSet<usize> = HashSet::default();
    for (s, e, np, cue) in found {
        let (s, e) = trim_clause(ctx, s, e);
        if e <= s || (s..e).filter(|&k| ctx.d.toks[k].word).count() < 3 || claimed.contains(&s) {
            continue;
        }
        let Some(e) = stop_before_quotation(ctx, s, e, accepted) else {
            continue;
        };
        if let Some(f) = attribute(ctx, s, e, np, cue, si) {
            claimed.insert(s);
            out.push(f);
        }
    }
}

/// The reported clause whose cue is token `v`, if any.
fn clause_at_cue(ctx: &Ctx, v: usize, sent: Sentence) -> Option<Clause> {
    if !ctx.outside(v) {
        return None;
    }
    let w = ctx.lc(v);
    // "According to X, CLAUSE".
    if w == "according" && ctx.lc(v + 1) == "to" && v + 2 < sent.e {
        return according_to(ctx, v, sent);
    }
    if let Some(np) = ctx.quoted_as_saying(v, sent) {
        return quoted_as_saying(ctx, v, np, sent);
    }
    let d = ctx.d;
    if w == "saying"
        && v > sent.s
        && d.t(v - 1) == ","
        && ctx.lc(v + 1) != "that"
        && v + 1 < sent.e
        && ctx.outside(v + 1)
        && d.toks[v + 1].word
    {
        // "..., declined to comment, saying defence was a national matter."
        let np = ctx
            .finite_speaker_left(v, sent)
            .map(|x| x.0)
            .or_else(|| ctx.subject(sent.s, v))?;
        return Some((v + 1, sent.e, np, w.to_string()));
    }
    if CUE_PARTICIPLES.contains(w) && ctx.lc(v + 1) == "that" {
        return participle_that(ctx, v, w, sent);
    }
    if !CUE_VERBS.contains(w) || w == "according" || ctx.passive_listener(v) {
        return None;
    }
    cue_verb_clause(ctx, v, w, sent)
}

/// "According to X, CLAUSE".
fn according_to(ctx: &Ctx, v: usize, sent: Sentence) -> Option<Clause> {
    let np = ctx.np_right(v + 2, sent.e)?;
    if np.e < sent.e && ctx.d.t(np.e) == "," {
        return Some((np.e + 1, sent.e, np, "according to".into()));
    }
    None
}

/// Whether the speaker phrase follows a quotation, so it attributes that quotation instead.
fn after_quotation(ctx: &Ctx, np: &Np, sent: Sentence) -> bool {
    np.s > sent.s
        && (!ctx.outside(np.s - 1)
            || (ctx.d.t(np.s - 1) == "," && np.s > sent.s + 1 && !ctx.outside(np.s - 2)))
}

/// "X was quoted as saying (that) CLAUSE".
fn quoted_as_saying(ctx: &Ctx, v: usize, np: Np, sent: Sentence) -> Option<Clause> {
    let d = ctx.d;
    let s = if ctx.lc(v + 1) == "that" {
        v + 2
    } else {
        v + 1
    };
    // Not when it attributes a quotation (`," Berg was quoted as saying by a daily.`).
    let after_quote = after_quotation(ctx, &np, sent);
    if s < sent.e
        && ctx.outside(s)
        && d.toks[s].word
        && !after_quote
        && !PREPOSITIONS.contains(ctx.lc(s))
    {
        return Some((s, sent.e, np, "quoted as saying".into()));
    }
    None
}

/// "..., adding that CLAUSE" and the preposed "Noting that CLAUSE, Wang said ...".
fn participle_that(ctx: &Ctx, v: usize, w: &str, sent: Sentence) -> Option<Clause> {
    let d = ctx.d;
    if v == sent.s {
        // "Noting that CLAUSE, Wang said ...".
        let m = (v + 2..sent.e).find(|&k| ctx.outside(k) && CUE_VERBS.contains(d.t(k)))?;
        let np = ctx.np_left(m, v + 2)?;
        if np.s > v + 2 && d.t(np.s - 1) == "," {
            return Some((v + 2, np.s - 1, np, w.to_string()));
        }
        return None;
    }
    let np = ctx
        .finite_speaker_left(v, sent)
        .or_else(|| {
            // `"...," the Commission said in a statement, adding that ...`.
            ctx.attribution_before(sent.s, v, sent)
        })
        .map(|x| x.0)
        .or_else(|| ctx.subject(sent.s, v))?;
    Some((v + 2, sent.e, np, w.to_string()))
}

/// A speech verb with its subject: "X said (that) CLAUSE" or the preposed "CLAUSE, X said".
fn cue_verb_clause(ctx: &Ctx, v: usize, w: &str, sent: Sentence) -> Option<Clause> {
    let d = ctx.d;
    let np = ctx
        .np_left(v, sent.s)
        .or_else(|| ctx.coordinated_subject(v, sent))?;
    // Attribution of a quotation, not reported speech.
    if after_quotation(ctx, &np, sent) {
        return None;
    }
    let start = if matches!(w, "told" | "tells" | "tell") {
        told_clause_start(ctx, v, sent)
    } else {
        said_clause_start(ctx, v, w, sent)
    };
    let valid_start = start.filter(|&s| s < sent.e && ctx.outside(s) && d.toks[s].word);
    if let Some(s) = valid_start {
        return Some((s, sent.e, np, w.to_string()));
    }
    // Preposed clause: "CLAUSE, Russian President Vladimir Putin said in an interview."
    let only_adverbials =
        (v + 1..sent.e).all(|k| ctx.outside(k) && ctx.lc(k) != "that" && d.t(k) != ":");
    if only_adverbials && valid_start.is_none() {
        return preposed_clause(ctx, np, w, sent);
    }
    None
}

/// Where the reported words start after "told (the) LISTENER (that)".
fn told_clause_start(ctx: &Ctx, v: usize, sent: Sentence) -> Option<usize> {
    let d = ctx.d;
    let that = (v + 1..(v + 12).min(sent.e))
        .take_while(|&k| ctx.outside(k) && d.toks[k].word)
        .find(|&k| ctx.lc(k) == "that");
    if let Some(t) = that {
        return Some(t + 1);
    }
    let mut j = v + 1;
    if matches!(ctx.lc(j), "his" | "her" | "the" | "their") {
        j += 1;
    }
    if LISTENERS.contains(ctx.lc(j))
        && !PREPOSITIONS.contains(ctx.lc(j + 1))
        && !ADVERBIALS.contains(d.t(j + 1))
    {
        return Some(j + 1);
    }
    None
}

/// Where the reported words start after "said (ADVERBIAL) (PREP ...) (that)".
fn said_clause_start(ctx: &Ctx, v: usize, w: &str, sent: Sentence) -> Option<usize> {
    let d = ctx.d;
    let mut j = v + 1;
    while j < sent.e {
        let x = ctx.lc(j);
        if x == "that" {
            return Some(j + 1);
        }
        if ADVERBIALS.contains(d.t(j)) || ADVERBIALS.contains(x) {
            j += 1;
            continue;
        }
        if PREPOSITIONS.contains(x) {
            let k = (j..sent.e).find(|&k| {
                let y = ctx.lc(k);
                y == "that" || y == "," || y == "." || !ctx.outside(k)
            });
            return match k {
                Some(k) if ctx.lc(k) == "that" => Some(k + 1),
                _ => None,
            };
        }
        if SAY_VERBS.contains(w) {
            return Some(j);
        }
        return None;
    }
    None
}

/// "CLAUSE, the ministry's spokesman said": the clause before the full speaker phrase.
fn preposed_clause(ctx: &Ctx, np: Np, w: &str, sent: Sentence) -> Option<Clause> {
    let d = ctx.d;
    let ns = speaker_phrase_start(ctx, np.s, sent);
    if ns > sent.s + 4
        && ns < sent.s + 150
        && d.t(ns - 1) == ","
        && (sent.s..ns).all(|k| ctx.outside(k))
    {
        // The dateline opening the story is not part of the reported words ("PLACE, May 3 (AGENCY) ...").
        let mut from = sent.s;
        if d.toks[sent.s].para == 0 {
            if let Some(x) = (sent.s..(sent.s + 14).min(ns)).find(|&x| {
                matches!(d.t(x), ")" | "--" | "—" | "–" | "/") && x + 1 < ns && d.is_cap(x + 1)
            }) {
                from = x + 1;
            }
        }
        return Some((from, ns - 1, np, w.to_string()));
    }
    None
}

/// The start of the whole speaker phrase: titles, names, "of the ...", possessives, a determiner.
fn speaker_phrase_start(ctx: &Ctx, mut ns: usize, sent: Sentence) -> usize {
    let d = ctx.d;
    while ns > sent.s
        && d.toks[ns - 1].word
        && (TITLES.contains(d.t(ns - 1))
            || d.is_cap(ns - 1)
            || PERSON_ROLES.contains(ctx.lc(ns - 1))
            || (matches!(d.t(ns - 1), "of" | "for" | "to" | "and" | "the" | "on")
                && (d.is_cap(ns) || matches!(d.t(ns), "the"))
                && ns - 1 > sent.s
                && (d.is_cap(ns - 2) || matches!(d.t(ns - 2), "to" | "of" | "for" | "on"))))
    {
        ns -= 1;
    }
    // "Mexico's National Statistics Institute said Friday."
    while ns > sent.s + 1 && matches!(d.t(ns - 1), "’s" | "'s") && d.is_cap(ns - 2) {
        ns -= 2;
        while ns > sent.s && d.is_cap(ns - 1) {
            ns -= 1;
        }
    }
    if ns > sent.s && matches!(ctx.lc(ns - 1), "the" | "his" | "her" | "its" | "a" | "an") {
        ns -= 1;
    }
    ns
}

/// Trim the reported clause: an opening adverb, the full stop, a nested attribution.
fn trim_clause(ctx: &Ctx, mut s: usize, mut e: usize) -> (usize, usize) {
    let d = ctx.d;
    // An opening adverb is not part of the reported words ("Separately, ...").
    while s + 1 < e && d.t(s + 1) == "," && (STOP.contains(d.t(s)) || ctx.lc(s).ends_with("ly")) {
        s += 2;
    }
    // Reported clauses are sentence-sized; the cap keeps run-on text linear.
    e = e.min(s + 150);
    // The clause stops before a trailing full stop and before a nested attribution.
    while e > s && matches!(d.t(e - 1), "." | "!" | "?" | "…") {
        e -= 1;
    }
    if let Some(k) = nested_attribution(ctx, s, e) {
        e = k;
    }
    while e > s && matches!(d.t(e - 1), "," | ";" | ":" | "—" | "-") {
        e -= 1;
    }
    (s, e)
}

/// Where a second attribution inside the clause starts, so the clause ends there.
fn nested_attribution(ctx: &Ctx, s: usize, e: usize) -> Option<usize> {
    let d = ctx.d;
    for k in s..e {
        if !ctx.outside(k) {
            continue;
        }
        let x = ctx.lc(k);
        if x == ","
            && (ctx.lc(k + 1) == "according"
                || ctx.lc(k + 1) == "citing"
                || CUE_PARTICIPLES.contains(ctx.lc(k + 1)))
        {
            return Some(k);
        }
        // "..., but warned that": a second speech verb of the same speaker starts its own clause.
        if matches!(x, "but" | "and") && k > s + 2 && CUE_VERBS.contains(d.t(k + 1)) {
            return Some(k);
        }
        if CUE_VERBS.contains(x) && k > s + 2 {
            if let Some(inner) = ctx.np_left(k, s) {
                if ctx.resolve(&inner.sp, inner.s).is_some() {
                    if let Some(c) = (inner.s.saturating_sub(5).max(s)..inner.s)
                        .rev()
                        .find(|&c| d.t(c) == ",")
                    {
                        return Some(c);
                    }
                }
            }
        }
    }
    None
}

/// The clause end before any overlapping quotation, or `None` when it still overlaps one.
fn stop_before_quotation(
    ctx: &Ctx,
    s: usize,
    mut e: usize,
    accepted: &[(usize, usize)],
) -> Option<usize> {
    // Reported words that run into a quotation stop at the last comma before it
    // ("X said that CLAUSE, calling it "...".").
    if let Some(&(a, _)) = accepted
        .iter()
        .filter(|&&(a, b)| a < e && b > s)
        .min_by_key(|x| x.0)
    {
        if let Some(c) = (s + 3..a).rev().find(|&c| ctx.d.t(c) == ",") {
            e = c;
        }
    }
    if accepted.iter().any(|&(a, b)| a < e && b > s) {
        return None;
    }
    Some(e)
}

/// Resolve the speaker and build the indirect quote, or `None` when nobody can be named.
fn attribute(ctx: &mut Ctx, s: usize, e: usize, np: Np, cue: String, si: usize) -> Option<Found> {
    let d = ctx.d;
    let speaker = ctx.resolve(&np.sp, np.s);
    ctx.note_desc(&np, speaker);
    // Someone described but not named ("a spokesperson for the ministry") still speaks.
    if speaker.is_none() && !matches!(np.sp, Sp::Desc { .. }) {
        return None;
    }
    if let Some(k) = speaker {
        ctx.push_salient(np.s, k);
        ctx.last_speaker = Some((si, k));
    }
    let (bs, be) = (d.toks[s].start, d.toks[e - 1].end);
    Some(Found {
        start: bs,
        end: be,
        text: d.text[bs..be].to_string(),
        kind: QuoteKind::Indirect,
        speaker,
        speaker_span: Some((d.toks[np.s].start, d.toks[np.e - 1].end)),
        cue: Some(cue),
        confidence: if speaker.is_some() {
            Ctx::confidence(&np.sp) * 0.9
        } else {
            0.3
        },
    })
}
