//! Why the generic extractor picks the container it picks, for the user writing a site profile:
//! the best candidate containers with their scores, and each pruned box with its evidence.

use std::fmt;

use scraper::Html;

use crate::dom::{Dom, Tag, NONE};
use crate::extract::{self, PruneStep};

/// Candidates shown, best first.
const CANDIDATES: usize = 5;
/// Pruned boxes shown, in page order.
const PRUNED: usize = 60;

/// The extractor's reasoning on one page.
#[derive(Debug)]
pub struct Explanation {
    /// Candidate containers, best first; the first is the one the generic extractor takes.
    pub candidates: Vec<Candidate>,
    /// Boxes with text that were pruned, in page order (at most 60).
    pub pruned: Vec<PrunedBox>,
    /// Pruned boxes with text beyond those listed.
    pub more_pruned: usize,
}

/// One candidate body: a container, or several that together hold the story.
#[derive(Debug)]
pub struct Candidate {
    /// Each container, as a path of tags and class names.
    pub nodes: Vec<String>,
    /// Prose characters inside.
    pub good: f32,
    /// Characters of short lines, link lists and other non-prose inside.
    pub bad: f32,
    /// The ranking score: good × (good / (good + bad))⁴.
    pub score: f32,
}

/// A box dropped before the body was chosen.
#[derive(Debug)]
pub struct PrunedBox {
    /// The box, as a path of tags and class names.
    pub node: String,
    /// Its characters of text.
    pub chars: u32,
    /// The start of its text.
    pub preview: String,
    /// Why it went.
    pub evidence: String,
}

/// Explains how the generic extractor (the one a site profile overrides) reads `bytes`.
pub fn explain(bytes: &[u8], content_type: Option<&str>) -> Explanation {
    let decoded = model::page::decode(bytes, content_type, None);
    let html = Html::parse_document(&decoded.text);
    let dom = Dom::build(&html, false);
    let mut snapshots: Vec<(PruneStep, Vec<bool>)> = Vec::new();
    let a = extract::analyse_observed(&dom, &[], &[], &mut |step, removed| {
        snapshots.push((step, removed.to_vec()))
    });
    let (pruned, more_pruned) = pruned_boxes(&dom, &a.removed, &snapshots);
    Explanation {
        candidates: candidates(&dom, &a),
        pruned,
        more_pruned,
    }
}

fn candidates(dom: &Dom, a: &extract::Analysis) -> Vec<Candidate> {
    let (good, bad) = extract::prose_figures(dom, a);
    let mut seen: Vec<Vec<u32>> = Vec::new();
    extract::body_candidates(dom, a, CANDIDATES)
        .into_iter()
        // The site's marked body can also be the best-scored node: show it once.
        .filter(|roots| {
            let fresh = !seen.contains(roots);
            seen.push(roots.clone());
            fresh
        })
        .map(|roots| {
            let g: f32 = roots.iter().map(|&r| good[r as usize]).sum();
            let b: f32 = roots.iter().map(|&r| bad[r as usize]).sum();
            let purity = if g + b > 0.0 { g / (g + b) } else { 0.0 };
            Candidate {
                nodes: roots.iter().map(|&r| path(dom, r as usize)).collect(),
                good: g,
                bad: b,
                score: g * purity.powi(extract::PURITY_POWER),
            }
        })
        .collect()
}

/// The topmost dropped nodes that hold text, with the pass that dropped each.
fn pruned_boxes(
    dom: &Dom,
    removed: &[bool],
    snapshots: &[(PruneStep, Vec<bool>)],
) -> (Vec<PrunedBox>, usize) {
    let chars = text_chars(dom);
    let top = (0..dom.nodes.len()).filter(|&i| {
        let p = dom.nodes[i].parent;
        // Scripts, styles and form controls are never text: listing them would bury the boxes.
        let junk = dom.nodes[i].tag == Some(Tag::Junk);
        removed[i] && !junk && chars[i] > 0 && (p == NONE || !removed[p as usize])
    });
    let mut out = Vec::new();
    let mut more = 0;
    for i in top {
        if out.len() == PRUNED {
            more += 1;
            continue;
        }
        let step = snapshots.iter().find(|(_, r)| r[i]).map(|(s, _)| *s);
        out.push(PrunedBox {
            node: path(dom, i),
            chars: chars[i],
            preview: preview(dom, i),
            evidence: evidence(dom, i, step),
        });
    }
    (out, more)
}

fn evidence(dom: &Dom, i: usize, step: Option<PruneStep>) -> String {
    match step {
        Some(PruneStep::Names) | None => extract::name_evidence(dom, i),
        Some(PruneStep::LinkCards) => "a link card inside the story's paragraphs".into(),
        Some(PruneStep::RelatedHeadings) => {
            "a related-stories heading, or what follows it up to running text".into()
        }
    }
}

/// Characters of text below each node, nothing dropped.
fn text_chars(dom: &Dom) -> Vec<u32> {
    let mut chars = vec![0u32; dom.nodes.len()];
    for i in (0..dom.nodes.len()).rev() {
        let n = &dom.nodes[i];
        if n.tag.is_none() {
            chars[i] += n.chars;
        }
        if n.parent != NONE && n.tag != Some(Tag::Junk) {
            chars[n.parent as usize] += chars[i];
        }
    }
    chars
}

fn preview(dom: &Dom, i: usize) -> String {
    let mut text = String::new();
    let mut j = i + 1;
    while j < dom.nodes.len() && dom.is_within(j as u32, i as u32) && text.len() < 200 {
        let n = &dom.nodes[j];
        if n.tag.is_none() {
            text.push_str(n.text);
            text.push(' ');
        }
        j += 1;
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(70) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// A node as its last three ancestors and itself: `main > article[story] > div[share-bar]`.
fn path(dom: &Dom, i: usize) -> String {
    let mut parts = Vec::new();
    let mut j = i as u32;
    while j != NONE && parts.len() < 4 {
        let n = &dom.nodes[j as usize];
        let tag = n.tag.map_or("text".to_string(), Tag::name);
        parts.push(if n.cls.is_empty() {
            tag
        } else {
            format!("{tag}[{}]", n.cls.trim())
        });
        j = n.parent;
    }
    parts.reverse();
    parts.join(" > ")
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "candidate containers (best first; the first is taken):")?;
        for (k, c) in self.candidates.iter().enumerate() {
            let mark = if k == 0 { "*" } else { " " };
            writeln!(
                f,
                "{mark} {}. score {:.0}  prose {:.0}  other {:.0}",
                k + 1,
                c.score,
                c.good,
                c.bad
            )?;
            for n in &c.nodes {
                writeln!(f, "      {n}")?;
            }
        }
        writeln!(f, "pruned boxes (page order):")?;
        for p in &self.pruned {
            writeln!(f, "  - {}  ({} chars)", p.node, p.chars)?;
            writeln!(f, "      why: {}", p.evidence)?;
            writeln!(f, "      text: {}", p.preview)?;
        }
        if self.more_pruned > 0 {
            writeln!(f, "  … and {} more", self.more_pruned)?;
        }
        // Said so that a line missing from the body but not listed here is not a mystery.
        writeln!(
            f,
            "then, inside the chosen container, single lines go: date stamps, bylines, share and \
             subscribe lines, credits and captions (see data/boilerplate.tsv)"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<html><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<div class="story-body">
<div class="share-bar"><a href="/s">Share on social media</a></div>
<p>The harbour authority said on Monday that the new ferry terminal would open in June, two months later than planned, because the contractor had run short of steel.</p>
<p>Passengers will be able to board from two piers instead of one, and the waiting hall will hold four hundred people, the authority said in a statement.</p>
<p>Local traders welcomed the delay, saying the old terminal had brought them steady business for forty years and that they needed time to move.</p>
</div>
<aside class="promo"><p>Subscribe to our morning newsletter for the day's top stories.</p></aside>
</body></html>"#;

    #[test]
    fn the_chosen_container_and_each_pruned_box_are_named_with_their_evidence() {
        let x = explain(PAGE.as_bytes(), None);
        assert!(x.candidates[0].nodes[0].ends_with("div[story-body]"), "{x}");
        assert!(x.candidates[0].score > 0.0);
        let share = x.pruned.iter().find(|p| p.node.ends_with("div[share-bar]"));
        let share = share.unwrap_or_else(|| panic!("share bar listed: {x}"));
        assert!(share.evidence.contains("\"share\""), "{}", share.evidence);
        assert!(share.preview.starts_with("Share on social media"));
        let nav = x.pruned.iter().find(|p| p.node.ends_with("nav"));
        assert!(nav.is_some_and(|p| p.evidence.contains("<nav>")), "{x}");
        assert!(
            x.pruned.iter().any(|p| p.node.ends_with("aside[promo]")),
            "{x}"
        );
        // Every box listed lies outside the story's paragraphs.
        assert!(x
            .pruned
            .iter()
            .all(|p| !p.preview.contains("harbour authority")));
    }

    #[test]
    fn empty_and_broken_pages_explain_without_panicking() {
        for page in ["", "<", "<div><p>", "\u{0}\u{1}"] {
            let x = explain(page.as_bytes(), None);
            let _ = x.to_string();
        }
    }
}
