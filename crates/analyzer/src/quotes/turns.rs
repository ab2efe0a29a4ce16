//! Turns of a two-person exchange: in an interview, unattributed questions and answers alternate
//! between the one who asks and the one who is asked.

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
