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

/// A body's characters with their byte offsets, as the tokenizer and the quotation finder read them.
struct Chars<'t> {
    text: &'t str,
    chars: &'t [(usize, char)],
}

impl Chars<'_> {
    fn len(&self) -> usize {
        self.chars.len()
    }
    /// Byte offset of character `i`, or the end of the text past the last one.
    fn byte_at(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.text.len(), |x| x.0)
    }
    fn c(&self, i: usize) -> char {
        self.chars[i].1
    }
    fn get(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|x| x.1)
    }
}

/// What a character that is not a letter or digit does to the word before it.
enum Join {
    /// It belongs to the word ("3.8", "Putin's").
    Inside,
    /// It belongs to the word and starts a new segment of it ("Korea-U.S.", "U.S").
    Segment,
    /// It is the word's last character ("OPEC+").
    Closes,
    /// The word ends before it.
    Ends,
}

/// Splits a body into tokens; `chars` is its [`char_table`].
pub fn tokenize(text: &str, chars: &[(usize, char)]) -> Vec<Tok> {
    let cs = Chars { text, chars };
    let n = chars.len();
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
            let end = cs.word_end(i);
            push_word(&mut toks, text, (cs.byte_at(i), cs.byte_at(end)), para);
            i = end;
            continue;
        }
        toks.push(Tok {
            start: cs.byte_at(i),
            end: cs.byte_at(i + 1),
            word: false,
            para,
        });
        i += 1;
    }
    toks
}

impl Chars<'_> {
    /// One past the last character of the word that starts at `start`, with the full stop of an
    /// abbreviation or an initial.
    fn word_end(&self, start: usize) -> usize {
        let (i, seg_start) = self.scan_word(start);
        if i < self.len() && self.c(i) == '.' && self.keeps_stop(start, seg_start, i) {
            i + 1
        } else {
            i
        }
    }

    /// The end of the word that starts at `start`, and the start of its last segment.
    fn scan_word(&self, start: usize) -> (usize, usize) {
        let mut seg_start = start;
        let mut i = start + 1;
        while i < self.len() {
            if is_alnum(self.c(i)) {
                i += 1;
                continue;
            }
            match self.joiner(start, seg_start, i) {
                Join::Inside => i += 1,
                Join::Segment => {
                    i += 1;
                    seg_start = i;
                }
                Join::Closes => return (i + 1, seg_start),
                Join::Ends => break,
            }
        }
        (i, seg_start)
    }

    /// What the punctuation at `i` does to the word that starts at `start`.
    fn joiner(&self, start: usize, seg_start: usize, i: usize) -> Join {
        let c = self.c(i);
        let next = self.get(i + 1);
        let next_alnum = next.is_some_and(is_alnum);
        // "OPEC+": a plus sign closing an all-caps name.
        if c == '+'
            && !next_alnum
            && i - start >= 2
            && self.chars[start..i].iter().all(|&(_, x)| x.is_uppercase())
        {
            return Join::Closes;
        }
        if (c == '-' || c == '‐' || is_apostrophe(c)) && next_alnum {
            // "Korea-U.S.": the abbreviation after a hyphen is its own segment.
            return if is_apostrophe(c) {
                Join::Inside
            } else {
                Join::Segment
            };
        }
        // Numbers keep their decimal point and thousands separator ("3.8", "1,200").
        if (c == '.' || c == ',')
            && self.c(i - 1).is_ascii_digit()
            && next.is_some_and(|x| x.is_ascii_digit())
        {
            return Join::Inside;
        }
        // "U.S" inside an abbreviation made of single capitals.
        if c == '.'
            && i - seg_start == 1
            && self.c(seg_start).is_uppercase()
            && next.is_some_and(|x| x.is_uppercase())
            && (i + 2 >= self.len() || !self.c(i + 2).is_alphabetic())
        {
            return Join::Segment;
        }
        Join::Ends
    }

    /// Whether the full stop at `i` belongs to the word before it: "U.S.", a middle initial
    /// ("George W. Bush") or a known abbreviation.
    fn keeps_stop(&self, start: usize, seg_start: usize, i: usize) -> bool {
        let word = &self.text[self.byte_at(start)..self.byte_at(i)];
        let initial = i - start == 1
            && self.c(start).is_uppercase()
            && i + 2 < self.len()
            && self.c(i + 1) == ' '
            && self.c(i + 2).is_uppercase()
            && start >= 2
            && self.c(start - 1) == ' '
            && self.c(start - 2).is_alphabetic();
        (word.contains('.') && i - seg_start == 1) || initial || ABBREVS.contains(&word)
    }
}

/// Pushes the word at bytes `s..e`, splitting off a possessive "’s" ("Putin’s") and the suffix of
/// "Oslo-based", whose place is a word of its own.
fn push_word(toks: &mut Vec<Tok>, text: &str, (s, e): (usize, usize), para: usize) {
    let w = &text[s..e];
    let poss = ["’s", "'s", "’S", "'S"]
        .iter()
        .find(|p| w.len() > p.len() + 1 && w.ends_with(*p));
    let based = ["-based", "‐based"]
        .iter()
        .find(|p| w.len() > p.len() + 1 && w.ends_with(*p) && w.starts_with(char::is_uppercase));
    let cut = based.or(poss).map_or(e, |p| e - p.len());
    toks.push(Tok {
        start: s,
        end: cut,
        word: true,
        para,
    });
    if cut < e {
        toks.push(Tok {
            start: cut,
            end: e,
            word: false,
            para,
        });
    }
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
    let cs = Chars { text, chars };
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some((pieces, close)) = cs.opens_here(i).and_then(|c| cs.quotation_from(i, c)) else {
            i += 1;
            continue;
        };
        let pieces: Vec<(usize, usize)> = pieces
            .into_iter()
            .map(|(s, e)| trim_range(text, s, e))
            .filter(|(s, e)| e > s)
            .collect();
        if !pieces.is_empty() {
            out.push(QuoteSpan {
                pieces,
                open: cs.byte_at(i),
                close,
            });
        }
        // Continue after the closing mark.
        i = chars.partition_point(|(b, _)| *b < close);
    }
    out
}

impl Chars<'_> {
    /// The closing marks of a quotation opened at `i`: a word follows the mark and none precedes it.
    fn opens_here(&self, i: usize) -> Option<&'static [char]> {
        let c = self.c(i);
        let closers = closers_for(c)?;
        if self.get(i + 1)?.is_whitespace() {
            return None;
        }
        if c == '"' || c == '”' || c == '‘' {
            let prev = if i == 0 { ' ' } else { self.c(i - 1) };
            if !(prev.is_whitespace() || "([{—–-/:".contains(prev)) {
                return None;
            }
        }
        Some(closers)
    }

    /// The pieces (byte ranges) of the quotation opened at `i` and the byte past its close; an
    /// unclosed quotation ends with its paragraph, and an unclosed single mark is no quotation.
    fn quotation_from(&self, i: usize, closers: &[char]) -> Option<(Vec<(usize, usize)>, usize)> {
        let single = self.c(i) == '‘';
        let mut pieces = Vec::new();
        let mut piece_start = i + 1;
        let mut j = i + 1;
        while j < self.len() {
            let c = self.c(j);
            // A right single mark followed by a letter is an apostrophe ("Putin’s").
            let apostrophe = c == '’' && self.get(j + 1).is_some_and(is_alnum);
            if closers.contains(&c) && !apostrophe {
                pieces.push((self.byte_at(piece_start), self.byte_at(j)));
                return Some((pieces, self.byte_at(j + 1)));
            }
            if c == '\n' {
                let end = self.byte_at(j);
                pieces.push((self.byte_at(piece_start), end));
                if let Some(k) = self.reopened_after(j, single) {
                    // The quote goes on in the next paragraph, which reopens it.
                    piece_start = k + 1;
                    j = k + 1;
                    continue;
                }
                // An unclosed single mark is an apostrophe or an abbreviation ("‘90s").
                return (!single).then_some((pieces, end));
            }
            j += 1;
        }
        if single {
            return None;
        }
        pieces.push((self.byte_at(piece_start), self.text.len()));
        Some((pieces, self.text.len()))
    }

    /// The mark that reopens a quotation after the line break at `j`, in the same family of marks.
    fn reopened_after(&self, j: usize, single: bool) -> Option<usize> {
        let mut k = j;
        while k < self.len() && self.c(k).is_whitespace() {
            k += 1;
        }
        let reopens = k + 1 < self.len()
            && (self.c(k) == '‘') == single
            && closers_for(self.c(k)).is_some()
            && !self.c(k + 1).is_whitespace();
        reopens.then_some(k)
    }
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

/// The tokens of a body with their quotations, as the sentence splitter reads them.
struct Reader<'t> {
    text: &'t str,
    toks: &'t [Tok],
    inq: &'t [Option<usize>],
    quotes: &'t [QuoteSpan],
}

/// Splits tokens into sentences, never inside a quotation.
pub fn sentences(
    text: &str,
    toks: &[Tok],
    inq: &[Option<usize>],
    quotes: &[QuoteSpan],
) -> Vec<Sentence> {
    let r = Reader {
        text,
        toks,
        inq,
        quotes,
    };
    let mut out = Vec::new();
    let mut s = 0;
    let n = toks.len();
    let mut i = 0;
    while i < n {
        if let Some(e) = r.end_at(i, s) {
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

impl Reader<'_> {
    fn w(&self, i: usize) -> &str {
        &self.text[self.toks[i].start..self.toks[i].end]
    }

    /// The last token of the sentence that started at `s`, if token `i` ends one: a dateline's
    /// dash, a paragraph end, or a terminal mark before a new sentence.
    fn end_at(&self, i: usize, s: usize) -> Option<usize> {
        let (toks, inq) = (self.toks, self.inq);
        if self.dateline_dash(i) {
            return Some(i);
        }
        if i + 1 < toks.len()
            && toks[i + 1].para != toks[i].para
            && (inq[i].is_none() || inq[i] != inq[i + 1])
        {
            return Some(i);
        }
        let t = self.w(i);
        if !matches!(t, "." | "!" | "?" | "…") {
            return None;
        }
        let e = match inq[i] {
            None => i,
            Some(q) => self.closing_mark_after(i, q)?,
        };
        // `"Why now?" Petrovic asked.`: the attribution belongs to the quotation before it.
        let asked = matches!(t, "?" | "!") && inq[i].is_some_and(|q| self.opens_sentence(q, s, i));
        let ends =
            self.next_starts_sentence(e) && !(asked && attribution_follows(self.text, toks, e + 1));
        ends.then_some(e)
    }

    /// The dateline ends at its dash: "TOKYO, Oct. 2 (Kyodo) --", "BEIJING (AP) —".
    fn dateline_dash(&self, i: usize) -> bool {
        let (toks, n) = (self.toks, self.toks.len());
        let t = self.w(i);
        let dash = t == "—" || t == "–" || (t == "-" && i + 1 < n && self.w(i + 1) != "-");
        if !(toks[i].para == 0 && i < 24 && dash && i > 0 && self.inq[i].is_none()) {
            return false;
        }
        let prev = self.w(i - 1);
        prev == ")" || prev == "-" || prev.chars().all(|c| c.is_uppercase() || !c.is_alphabetic())
    }

    /// The closing mark of quotation `q` right after the terminal mark at `i`, if only marks
    /// stand between them.
    fn closing_mark_after(&self, i: usize, q: usize) -> Option<usize> {
        let (toks, close) = (self.toks, self.quotes[q].close);
        let mut k = i + 1;
        while k < toks.len() && self.inq[k] == Some(q) && toks[k].end <= close && !toks[k].word {
            if toks[k].end == close {
                return Some(k);
            }
            k += 1;
        }
        None
    }

    /// Whether the token after `e` can begin a sentence.
    fn next_starts_sentence(&self, e: usize) -> bool {
        let toks = self.toks;
        if e + 1 >= toks.len() {
            return true;
        }
        let c = self.w(e + 1).chars().next().unwrap_or(' ');
        toks[e + 1].para != toks[e].para
            || c.is_uppercase()
            || c.is_ascii_digit()
            || "\"“«„‘'(".contains(c)
    }

    /// Whether quotation `q` opens the sentence that started at `s`, before token `i`.
    fn opens_sentence(&self, q: usize, s: usize, i: usize) -> bool {
        (s..i)
            .take_while(|&k| self.toks[k].start < self.quotes[q].open)
            .all(|k| !self.toks[k].word)
    }
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
