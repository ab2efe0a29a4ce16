//! Sports copy: a place that plays is a team.
//!
//! Wire services print results as lines of names and scores ("Leeds 1 Everton 1",
//! "Chelsea 2-1 Arsenal") and standings as a name and a row of numbers. The names there are
//! clubs, whatever the gazetteer says of them, and some ("Everton") are in no list at all. In
//! running text, a place that beats another by a score ("New York beat Boston 5-3") or has a
//! coach or a striker is a team too.

use model::EntityType;

use super::spans::span_text;
use super::{Cand, Doc};

/// Verbs of a sports result, between two teams.
const RESULT_VERBS: &[&str] = &[
    "beat",
    "beats",
    "defeated",
    "defeats",
    "edged",
    "edges",
    "thrashed",
    "routed",
    "crushed",
    "downed",
    "overcame",
    "outscored",
    "blanked",
    "swept",
    "upset",
    "lost",
    "loses",
    "drew",
    "draws",
    "tied",
    "ties",
    "held",
    "trounced",
    "hammered",
    "stunned",
    "eliminated",
];

/// Roles that belong to a team, not a place ("Toronto manager Rick Alvarez").
const TEAM_ROLES: &[&str] = &[
    "coach",
    "manager",
    "captain",
    "striker",
    "goalkeeper",
    "midfielder",
    "defender",
    "forward",
    "winger",
    "pitcher",
    "quarterback",
    "outfielder",
    "shortstop",
    "fullback",
    "playmaker",
    "skipper",
    "batsman",
    "bowler",
];

/// Longest results or standings line read, in tokens.
const LINE_MAX: usize = 24;

/// How many tokens after a team its score may come.
const SCORE_REACH: usize = 12;

/// What a token is, for reading results lines.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Piece {
    /// A capitalised word, part of a name.
    Name,
    /// A whole number of up to three digits.
    Number,
    /// A score in one token ("2-1", "3:0").
    Score,
    /// Anything else.
    Other,
}

fn piece(d: &Doc, i: usize) -> Piece {
    let t = d.t(i);
    let digits = |s: &str| !s.is_empty() && s.len() <= 3 && s.bytes().all(|b| b.is_ascii_digit());
    if digits(t) {
        Piece::Number
    } else if t.split(['-', '–', ':']).count() == 2 && t.split(['-', '–', ':']).all(digits) {
        Piece::Score
    } else if d.is_cap(i) || (t == "." && i > 0 && d.is_cap(i - 1)) || t == "&" {
        Piece::Name
    } else {
        Piece::Other
    }
}

/// The names of a results or standings line `[a, b)`, as token ranges; empty for any other line.
fn line_teams(d: &Doc, a: usize, b: usize) -> Vec<(usize, usize)> {
    // A bracket closes the line's scores: "(halftime 1-0)", "(after extra time)".
    let b = (a..b).find(|&i| d.t(i) == "(").unwrap_or(b);
    if b - a > LINE_MAX {
        return Vec::new();
    }
    let mut pieces = Vec::with_capacity(b - a);
    for i in a..b {
        match piece(d, i) {
            Piece::Other => return Vec::new(),
            p => pieces.push(p),
        }
    }
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut shape: Vec<Piece> = Vec::new();
    for (k, &p) in pieces.iter().enumerate() {
        if p == Piece::Name && shape.last() == Some(&Piece::Name) {
            if let Some(r) = runs.last_mut() {
                r.1 = a + k + 1;
            }
            continue;
        }
        if p == Piece::Name {
            runs.push((a + k, a + k + 1));
        }
        shape.push(p);
    }
    use Piece::{Name as W, Number as N, Score as S};
    let is_result = matches!(shape.as_slice(), [W, N, W, N] | [W, S, W] | [W, N, N, W]);
    let is_standing = shape.len() >= 4 && shape[0] == W && shape[1..].iter().all(|&p| p == N);
    if is_result || is_standing {
        runs
    } else {
        Vec::new()
    }
}

/// The token ranges of every results or standings line.
fn table_teams(d: &Doc) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut a = 0;
    while a < d.toks.len() {
        let para = d.toks[a].para;
        let b = (a..d.toks.len())
            .find(|&i| d.toks[i].para != para)
            .unwrap_or(d.toks.len());
        out.extend(line_teams(d, a, b));
        a = b;
    }
    out
}

/// Whether the place candidate `c` plays in running text: a result verb and a score follow it
/// in its sentence, or a team role follows it directly.
fn plays(d: &Doc, c: &Cand) -> bool {
    let n = d.toks.len();
    if c.e < n && TEAM_ROLES.contains(&d.lc(c.e)) {
        return true;
    }
    let sent = d.sent_of[c.s];
    let in_sentence = |i: usize| i < n && d.sent_of[i] == sent;
    let verb_after = in_sentence(c.e) && RESULT_VERBS.contains(&d.lc(c.e));
    let verb_before = c.s > 0 && {
        let v = if matches!(d.lc(c.s - 1), "to" | "with") {
            c.s.saturating_sub(2)
        } else {
            c.s - 1
        };
        in_sentence(v) && RESULT_VERBS.contains(&d.lc(v))
    };
    // The score comes within a few words: "beat Boston 5-3", "lost 2-1 to Leeds".
    let scored = || {
        (c.e..n.min(c.e + SCORE_REACH))
            .take_while(|&i| in_sentence(i))
            .any(|i| piece(d, i) == Piece::Score)
    };
    (verb_after || verb_before) && scored()
}

/// The candidates with every team read as an organisation: the names of results lines (added
/// where no candidate covers them) and the places that play in running text.
pub(super) fn teams(d: &Doc, mut cands: Vec<Cand>) -> Vec<Cand> {
    for (s, e) in table_teams(d) {
        cands.retain(|c| c.e <= s || c.s >= e);
        let org = Some(EntityType::Organization);
        cands.push(Cand {
            tagged: org,
            ..Cand::new(s, e, org, span_text(d, s, e))
        });
    }
    let playing: Vec<bool> = cands
        .iter()
        .map(|c| c.kind == Some(EntityType::Location) && plays(d, c))
        .collect();
    for (c, p) in cands.iter_mut().zip(playing) {
        if p {
            c.kind = Some(EntityType::Organization);
            c.tagged = Some(EntityType::Organization);
        }
    }
    cands.sort_by_key(|c| (c.s, c.e));
    cands
}
