//! Tokens, quotation spans and sentences of an article body (byte offsets).

/// One word or punctuation mark.
#[derive(Debug, Clone, Copy)]
pub struct Tok {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset past the last byte.
    pub end: usize,
    /// Whether the token is a word (letters or digits) rather than punctuation.
    pub word: bool,
    /// Paragraph number.
    pub para: usize,
}

/// A quotation: one or more pieces of quoted text (several when it runs over paragraphs).
#[derive(Debug, Clone)]
pub struct QuoteSpan {
    /// Byte ranges of the quoted words, without the marks.
    pub pieces: Vec<(usize, usize)>,
    /// Byte offset of the opening mark.
    pub open: usize,
    /// Byte offset past the closing mark (or the piece end when unterminated).
    pub close: usize,
}

/// A sentence as a token range; quotations never split a sentence.
#[derive(Debug, Clone, Copy)]
pub struct Sentence {
    /// First token.
    pub s: usize,
    /// One past the last token.
    pub e: usize,
}

/// Abbreviations that keep their full stop ("Mr.", "Aug.").
const ABBREVS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Gen", "Lt", "Col", "Sen", "Rep", "Gov", "Prof", "St", "Jr", "Sr",
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "No",
    "vs", "Inc", "Corp", "Ltd", "Co", "Adm", "Maj", "Sgt", "Capt", "Mt", "Ft", "approx", "Gov",
    "Messrs", "Rev", "Supt", "Cmdr", "Brig",
];

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// `char::is_alphanumeric`, answering ASCII and the General Punctuation block (curly quotes,
/// dashes, ellipsis: none a letter or digit) without the Unicode table search.
fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{2000}'..='\u{206F}').contains(&c) {
        false
    } else {
        c.is_alphanumeric()
    }
}

/// The body's characters with their byte offsets, shared by [`tokenize`] and [`find_quotes`].
pub fn char_table(text: &str) -> Vec<(usize, char)> {
    text.char_indices().collect()
}

/// Splits a body into tokens; `chars` is its [`char_table`].
pub fn tokenize(text: &str, chars: &[(usize, char)]) -> Vec<Tok> {
    let n = chars.len();
    let byte_at = |i: usize| if i < n { chars[i].0 } else { text.len() };
    let mut toks = Vec::with_capacity(n / 4);
    let mut para = 0;
    let mut i = 0;
    let mut seen_newline = false;
    while i < n {
        let c = chars[i].1;
        if c.is_whitespace() {
            if c == '\n' && !toks.is_empty() {
                seen_newline = true;
            }
            i += 1;
            continue;
        }
        if seen_newline {
            para += 1;
            seen_newline = false;
        }
        if is_alnum(c) {
            let start = i;
            let mut seg_start = i;
            i += 1;
            loop {
                if i >= n {
                    break;
                }
                let c = chars[i].1;
                if is_alnum(c) {
                    i += 1;
                    continue;
                }
                let next = if i + 1 < n {
                    Some(chars[i + 1].1)
                } else {
                    None
                };
                let next_alnum = next.is_some_and(is_alnum);
                // "OPEC+": a plus sign closing an all-caps name.
                if c == '+'
                    && !next_alnum
                    && i - start >= 2
                    && chars[start..i].iter().all(|&(_, x)| x.is_uppercase())
                {
                    i += 1;
                    break;
                }
                if (c == '-' || c == '‐' || is_apostrophe(c)) && next_alnum {
                    i += 1;
                    if c != '\'' && c != '’' {
                        // "Korea-U.S.": the abbreviation after a hyphen is its own segment.
                        seg_start = i;
                    }
                    continue;
                }
                // Numbers keep their decimal point and thousands separator ("3.8", "1,200").
                if (c == '.' || c == ',')
                    && chars[i - 1].1.is_ascii_digit()
                    && next.is_some_and(|x| x.is_ascii_digit())
                {
                    i += 1;
                    continue;
                }
                // "U.S" inside an abbreviation made of single capitals.
                if c == '.'
                    && i - seg_start == 1
                    && chars[seg_start].1.is_uppercase()
                    && next.is_some_and(|x| x.is_uppercase())
                    && (i + 2 >= n || !chars[i + 2].1.is_alphabetic())
                {
                    i += 1;
                    seg_start = i;
                    continue;
                }
                break;
            }
            let word = &text[byte_at(start)..byte_at(i)];
            // Trailing full stop of "U.S." and of known abbreviations.
            if i < n && chars[i].1 == '.' {
                // "U.S." and a middle initial ("George W. Bush").
                let initials = (word.contains('.') && i - seg_start == 1)
                    || (i - start == 1
                        && chars[start].1.is_uppercase()
                        && i + 2 < n
                        && chars[i + 1].1 == ' '
                        && chars[i + 2].1.is_uppercase()
                        && start > 0
                        && chars[start - 1].1 == ' '
                        && start >= 2
                        && chars[start - 2].1.is_alphabetic());
                if initials || ABBREVS.contains(&word) {
                    i += 1;
                }
            }
            let (s, e) = (byte_at(start), byte_at(i));
            let w = &text[s..e];
            // Split the possessive "’s" off ("Putin’s").
            let poss = ["’s", "'s", "’S", "'S"]
                .iter()
                .find(|p| w.len() > p.len() + 1 && w.ends_with(*p));
            // "Oslo-based": the place is a word of its own, the suffix a separate token.
            let based = ["-based", "‐based"].iter().find(|p| {
                w.len() > p.len() + 1 && w.ends_with(*p) && w.starts_with(char::is_uppercase)
            });
            if let Some(p) = based.or(poss) {
                let cut = e - p.len();
                toks.push(Tok {
                    start: s,
                    end: cut,
                    word: true,
                    para,
                });
                toks.push(Tok {
                    start: cut,
                    end: e,
                    word: false,
                    para,
                });
            } else {
                toks.push(Tok {
                    start: s,
                    end: e,
                    word: true,
                    para,
                });
            }
            continue;
        }
        toks.push(Tok {
            start: byte_at(i),
            end: byte_at(i + 1),
            word: false,
            para,
        });
        i += 1;
    }
    toks
}

fn closers_for(c: char) -> Option<&'static [char]> {
    match c {
        '“' => Some(&['”', '“']),
        '«' => Some(&['»']),
        '„' => Some(&['“', '”']),
        '"' => Some(&['"', '”']),
        '”' => Some(&['”']),
        // Single marks only at the top level (British style); never the straight apostrophe.
        '‘' => Some(&['’']),
        _ => None,
    }
}

/// Finds double-quoted spans, joining quotes that run over paragraphs; `chars` is the body's [`char_table`].
pub fn find_quotes(text: &str, chars: &[(usize, char)]) -> Vec<QuoteSpan> {
    let n = chars.len();
    let byte_at = |i: usize| if i < n { chars[i].0 } else { text.len() };
    let mut out = Vec::new();
    let mut i = 0;
    // The opening mark may start a quote when a word follows it and no word precedes it.
    let opens_here = |i: usize| -> Option<&'static [char]> {
        let c = chars[i].1;
        let closers = closers_for(c)?;
        let next = chars.get(i + 1).map(|x| x.1)?;
        if next.is_whitespace() {
            return None;
        }
        if c == '"' || c == '”' || c == '‘' {
            let prev = if i == 0 { ' ' } else { chars[i - 1].1 };
            if !(prev.is_whitespace() || "([{—–-/:".contains(prev)) {
                return None;
            }
        }
        Some(closers)
    };
    while i < n {
        let Some(closers) = opens_here(i) else {
            i += 1;
            continue;
        };
        let open = byte_at(i);
        let mut pieces = Vec::new();
        let mut piece_start = i + 1;
        let mut j = i + 1;
        let mut close = None;
        while j < n {
            let c = chars[j].1;
            // A right single mark followed by a letter is an apostrophe ("Putin’s").
            let apostrophe = c == '’' && chars.get(j + 1).is_some_and(|x| is_alnum(x.1));
            if closers.contains(&c) && !apostrophe {
                pieces.push((byte_at(piece_start), byte_at(j)));
                close = Some(byte_at(j + 1));
                break;
            }
            if c == '\n' {
                let mut k = j;
                while k < n && chars[k].1.is_whitespace() {
                    k += 1;
                }
                let end = byte_at(j);
                let same_family = k < n && ((chars[k].1 == '‘') == (chars[i].1 == '‘'));
                if k < n
                    && same_family
                    && closers_for(chars[k].1).is_some()
                    && k + 1 < n
                    && !chars[k + 1].1.is_whitespace()
                {
                    // The quote goes on in the next paragraph, which reopens it.
                    pieces.push((byte_at(piece_start), end));
                    piece_start = k + 1;
                    j = k + 1;
                    continue;
                }
                if chars[i].1 == '‘' {
                    // An unclosed single mark is an apostrophe or an abbreviation ("‘90s").
                    break;
                }
                pieces.push((byte_at(piece_start), end));
                close = Some(end);
                break;
            }
            j += 1;
        }
        let close = match close {
            Some(c) => c,
            None if chars[i].1 == '‘' => {
                i += 1;
                continue;
            }
            None => {
                pieces.push((byte_at(piece_start), text.len()));
                text.len()
            }
        };
        let pieces: Vec<(usize, usize)> = pieces
            .into_iter()
            .map(|(s, e)| trim_range(text, s, e))
            .filter(|(s, e)| e > s)
            .collect();
        if !pieces.is_empty() {
            out.push(QuoteSpan {
                pieces,
                open,
                close,
            });
        }
        // Continue after the closing mark.
        i = chars.partition_point(|(b, _)| *b < close);
    }
    out
}

/// Narrows a byte range to its non-whitespace content.
pub fn trim_range(text: &str, s: usize, e: usize) -> (usize, usize) {
    let slice = &text[s..e];
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    if lead + trail >= slice.len() {
        return (s, s);
    }
    (s + lead, e - trail)
}

/// For each token, the quotation (index) whose marks enclose it.
pub fn quote_membership(toks: &[Tok], quotes: &[QuoteSpan]) -> Vec<Option<usize>> {
    let mut out = vec![None; toks.len()];
    let mut q = 0;
    for (i, t) in toks.iter().enumerate() {
        while q < quotes.len() && quotes[q].close <= t.start {
            q += 1;
        }
        if q < quotes.len() && t.start >= quotes[q].open && t.start < quotes[q].close {
            out[i] = Some(q);
        }
    }
    out
}

/// Splits tokens into sentences, never inside a quotation.
pub fn sentences(
    text: &str,
    toks: &[Tok],
    inq: &[Option<usize>],
    quotes: &[QuoteSpan],
) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut s = 0;
    let n = toks.len();
    let mut i = 0;
    while i < n {
        let t = &text[toks[i].start..toks[i].end];
        let mut end_after = None;
        // The dateline ends at its dash: "TOKYO, Oct. 2 (Kyodo) --", "BEIJING (AP) —".
        let dash = t == "—"
            || t == "–"
            || (t == "-" && i + 1 < n && &text[toks[i + 1].start..toks[i + 1].end] != "-");
        if toks[i].para == 0 && i < 24 && dash && i > 0 && inq[i].is_none() {
            let prev = &text[toks[i - 1].start..toks[i - 1].end];
            if prev == ")"
                || prev == "-"
                || prev.chars().all(|c| c.is_uppercase() || !c.is_alphabetic())
            {
                end_after = Some(i);
            }
        }
        if end_after.is_some() {
        } else if i + 1 < n
            && toks[i + 1].para != toks[i].para
            && (inq[i].is_none() || inq[i] != inq[i + 1])
        {
            end_after = Some(i);
        } else if t == "." || t == "!" || t == "?" || t == "…" {
            match inq[i] {
                None => end_after = Some(i),
                Some(q) => {
                    // Terminal mark right before the closing quotation mark.
                    let mut k = i + 1;
                    while k < n
                        && inq[k] == Some(q)
                        && toks[k].end <= quotes[q].close
                        && !toks[k].word
                    {
                        if toks[k].end == quotes[q].close {
                            end_after = Some(k);
                            break;
                        }
                        k += 1;
                    }
                }
            }
            if let Some(e) = end_after {
                // Only when the next token begins a new sentence.
                let ok = e + 1 >= n || {
                    let nt = &text[toks[e + 1].start..toks[e + 1].end];
                    let c = nt.chars().next().unwrap_or(' ');
                    toks[e + 1].para != toks[e].para
                        || c.is_uppercase()
                        || c.is_ascii_digit()
                        || "\"“«„‘'(".contains(c)
                };
                // `"Why now?" Petrovic asked.`: the attribution belongs to the quotation before it.
                let asked = matches!(t, "?" | "!")
                    && inq[i].is_some_and(|q| {
                        (s..i)
                            .take_while(|&k| toks[k].start < quotes[q].open)
                            .all(|k| !toks[k].word)
                    });
                let ok = ok && !(asked && attribution_follows(text, toks, e + 1));
                if !ok {
                    end_after = None;
                }
            }
        }
        if let Some(e) = end_after {
            out.push(Sentence { s, e: e + 1 });
            s = e + 1;
            i = e + 1;
            continue;
        }
        i += 1;
    }
    if s < n {
        out.push(Sentence { s, e: n });
    }
    out
}

/// Whether a capitalised speaker and a speech verb start at token `i`: `Petrovic asked`,
/// `The minister said`.
fn attribution_follows(text: &str, toks: &[Tok], i: usize) -> bool {
    let w = |k: usize| &text[toks[k].start..toks[k].end];
    let mut k = i;
    while k < toks.len() && k < i + 5 && toks[k].word && toks[k].para == toks[i].para {
        let t = w(k);
        if k > i && crate::lexicon::CUE_VERBS.contains(t) {
            // "Adeyemi replied that ..." reports speech of its own.
            return k + 1 >= toks.len() || w(k + 1) != "that";
        }
        let cap = t.chars().next().is_some_and(char::is_uppercase);
        if !(cap
            || (k > i && (matches!(t, "the" | "of") || crate::lexicon::PERSON_ROLES.contains(t))))
        {
            return false;
        }
        k += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_alnum_agrees_with_the_standard_library() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_alnum(c), c.is_alphanumeric(), "{c:?}");
        }
    }
}
