//! The generic extractor: prunes boilerplate, scores containers by text and link density, and
//! emits the article's paragraphs in order.

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

use crate::boilerplate;
use crate::dom::{Dom, Ix, Tag, NONE};

/// Per-node figures over the flat tree.
pub(crate) struct Analysis {
    /// Whether the node (or an ancestor) is dropped.
    pub removed: Vec<bool>,
    /// Non-space characters of text below the node, dropped parts excluded.
    pub text: Vec<u32>,
    /// Of which inside links.
    pub link: Vec<u32>,
    /// Whether a block-level element with text lies below the node.
    pub block_below: Vec<bool>,
}

/// Class and id words that mark page furniture.
const BAD_WORDS: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "footer",
    "sidebar",
    "share",
    "sharing",
    "social",
    "socials",
    "related",
    "recommended",
    "recommendation",
    "recommendations",
    "newsletter",
    "newsletters",
    "subscribe",
    "subscription",
    "signup",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "banner",
    "promo",
    "promotion",
    "promoted",
    "advert",
    "advertisement",
    "advertising",
    "ad",
    "ads",
    "adslot",
    "dfp",
    "gpt",
    "sponsored",
    "sponsor",
    "comment",
    "comments",
    "disqus",
    "breadcrumb",
    "breadcrumbs",
    "tags",
    "popup",
    "modal",
    "overlay",
    "paywall",
    "byline",
    "bylines",
    "caption",
    "credit",
    "credits",
    "toolbar",
    "widget",
    "widgets",
    "trending",
    "popular",
    "outbrain",
    "taboola",
    "readmore",
    "print",
    "skip",
    "masthead",
    "topbar",
    "pagination",
    "pager",
    "rating",
    "author",
    "authors",
    "dateline",
    "timestamp",
    "meta",
    "tools",
    "utility",
    "hidden",
    "hide",
    "sr",
    "visually",
    "offscreen",
    "jump",
    "teaser",
    "teasers",
    "newsfeed",
    "signin",
    "login",
    "donate",
    "copyright",
    "disclaimer",
    "alert",
    "toast",
    "lightbox",
    "gallery",
    "carousel",
    "slider",
    "slideshow",
    "video",
    "player",
    "embed",
    "onetrust",
    "fc",
    "sticky",
    "header",
    "headline",
    "headlines",
    "kicker",
    "eyebrow",
    "subscribe",
    "paid",
    "pw",
    "inline",
    "upsell",
    "follow",
    "feedback",
    "survey",
    "poll",
    "playlist",
    "tooltip",
    "tags",
    "tag",
    "keywords",
    "topics",
    "categories",
    "category",
    "bio",
    "biography",
    "profile",
    "avatar",
    "icon",
    "icons",
    "logo",
    "more",
    "also",
    "next",
    "prev",
    "previous",
    "latest",
    "mostread",
    "most",
    "editorspicks",
    "picks",
    "partner",
    "partners",
    "affiliate",
    "commercial",
    "sponsorship",
    "outstream",
    "interstitial",
    "notification",
    "notifications",
    "cta",
    "signup",
    "optin",
    "subnav",
    "dropdown",
    "drawer",
    "tabs",
    "tab",
    "links",
    "linklist",
    "toc",
    "legend",
];

/// Furniture words that name a whole box, never a part of the story ("__newsletter", not "__header").
const BOX_WORDS: &[&str] = &[
    "newsletter",
    "newsletters",
    "subscribe",
    "subscription",
    "signup",
    "optin",
    "share",
    "sharing",
    "social",
    "related",
    "recommended",
    "recommendations",
    "promo",
    "promotion",
    "advert",
    "advertisement",
    "advertising",
    "ad",
    "ads",
    "adslot",
    "sponsored",
    "comments",
    "outbrain",
    "taboola",
    "paywall",
    "upsell",
    "cookie",
    "consent",
    "trending",
    "popular",
    "mostread",
];

/// Furniture words that a good word in the same name never rescues.
const UNRESCUED_WORDS: &[&str] = &[
    "caption",
    "credit",
    "credits",
    "author",
    "authors",
    "bio",
    "biography",
    "avatar",
];

/// Furniture words that page layouts also use for the story's own column ("pg-rail-tall__body"):
/// they mark furniture unless the node holds a story's worth of running text.
const LAYOUT_WORDS: &[&str] = &["rail"];

/// Words that mark the article itself; a node carrying one is never dropped for a furniture word.
const GOOD_WORDS: &[&str] = &[
    "article",
    "articlebody",
    "body",
    "content",
    "entry",
    "main",
    "post",
    "story",
    "text",
    "prose",
    "richtext",
    "paragraph",
    "markup",
    "news",
    "column",
    "page",
    "container",
    "wrapper",
    "layout",
    "page",
];

fn words(cls: &str) -> impl Iterator<Item = &str> {
    cls.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// Whether any word of `s` marks furniture, and whether any marks the article.
fn word_flags(s: &str) -> (bool, bool) {
    let mut bad = false;
    let mut good = false;
    for w in words(s) {
        bad |= BAD_WORDS.contains(&w);
        good |= GOOD_WORDS.contains(&w);
    }
    (bad, good)
}

/// Whether a class/id string marks furniture, and whether it marks the article.
fn class_flags(cls: &str) -> (bool, bool) {
    let mut bad = false;
    let mut good = false;
    let mut boxed = false;
    let active = words(cls).any(|w| w == "active" || w == "show");
    for token in cls.split_ascii_whitespace() {
        if is_neutral_token(token, active) {
            continue;
        }
        // In a BEM name ("article-body__newsletter") the element part says what the node is; the
        // block it belongs to does not make a newsletter box part of the story.
        let (tb, tg) = match token.split_once("__") {
            Some((block, rest)) => {
                let (element, modifier) = rest.split_once("--").unwrap_or((rest, ""));
                let (eb, eg) = word_flags(element);
                let (bb, bg) = word_flags(block);
                let (mb, mg) = word_flags(modifier);
                let element_is_box = words(element).any(|w| BOX_WORDS.contains(&w));
                (eb || bb || mb, eg || ((bg || mg) && !element_is_box))
            }
            None => {
                // A name that starts with a box word ("comment-entry", "newsletter-body") is that box.
                boxed |= words(token)
                    .next()
                    .is_some_and(|w| w == "comment" || BOX_WORDS.contains(&w));
                word_flags(token)
            }
        };
        bad |= tb;
        good |= tg;
    }
    // A caption, credit or author box is that box whatever else its name says ("newsCaption",
    // "post-author", "ArticlePage-authorInfo").
    if boxed || words(cls).any(|w| UNRESCUED_WORDS.contains(&w)) {
        good = false;
    }
    // Compound markers spelled without separators.
    if !bad {
        bad = [
            "readalso",
            "seealso",
            "alsoread",
            "caption",
            "credit",
            "promo",
            "morenews",
            "morestories",
            "topstories",
            "mostpopular",
            "sharebar",
            "socialshare",
            "adcontainer",
            "advertisement",
            "newsletter",
            "cookiebanner",
            "cookieconsent",
            "breadcrumb",
            "footer",
            "sidebar",
            "related",
            "similar",
        ]
        .iter()
        .any(|m| cls.contains(m));
    }
    (bad, good)
}

/// Whether a class token says nothing about furniture: responsive visibility ("hidden-xs" is shown
/// on every screen but phones), a field's label display, and the shown pane of a tab set
/// ("tab-pane active").
fn is_neutral_token(token: &str, active: bool) -> bool {
    let responsive = ["hidden-", "visible-"].iter().any(|p| {
        token
            .strip_prefix(p)
            .is_some_and(|size| matches!(size, "xs" | "sm" | "md" | "lg" | "xl" | "xxl"))
    });
    // A field whose label is hidden ("field--label-hidden") still shows its value.
    let field_label = token.contains("--label-");
    responsive || field_label || (active && matches!(token, "tab-pane" | "tab-content"))
}

/// Whether a blockquote's class marks an embedded social post ("twitter-tweet", "instagram-media").
fn is_social_post(cls: &str) -> bool {
    [
        "tweet",
        "twitter",
        "instagram",
        "tiktok",
        "bluesky",
        "threads",
        "mastodon",
    ]
    .iter()
    .any(|w| cls.contains(w))
}

const ROLES_OUT: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "dialog",
    "alertdialog",
    "menu",
    "menubar",
    "search",
    "toolbar",
    "tablist",
    "alert",
];

pub(crate) fn non_space_chars(s: &str) -> u32 {
    if s.is_ascii() {
        return s.bytes().filter(|b| !b.is_ascii_whitespace()).count() as u32;
    }
    s.chars().filter(|c| !c.is_whitespace()).count() as u32
}

/// The pruning passes, in order; `explain` names the one that dropped a box.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PruneStep {
    /// Tags, hidden flags, roles and class or id words.
    Names,
    /// Link cards inside the story's paragraphs.
    LinkCards,
    /// Related-story headings and what follows them.
    RelatedHeadings,
}

/// Computes text figures and decides which nodes are page furniture.
pub(crate) fn analyse(dom: &Dom, extra_drop: &[Ix], keep: &[Ix]) -> Analysis {
    analyse_observed(dom, extra_drop, keep, &mut |_, _| {})
}

/// [`analyse`], showing `seen` which nodes are dropped after each pass.
pub(crate) fn analyse_observed(
    dom: &Dom,
    extra_drop: &[Ix],
    keep: &[Ix],
    seen: &mut dyn FnMut(PruneStep, &[bool]),
) -> Analysis {
    let kept = never_pruned_for_names(dom, keep);
    let raw = RawFigures::count(dom);
    let mut removed = vec![false; dom.nodes.len()];
    for &d in extra_drop {
        if let Some(r) = removed.get_mut(d as usize) {
            *r = true;
        }
    }
    let in_body = within_article_body(dom);
    for i in 0..dom.nodes.len() {
        let p = dom.nodes[i].parent;
        if p != NONE && removed[p as usize] {
            removed[i] = true;
        } else if !removed[i] {
            removed[i] = raw.is_furniture(dom, i, kept[i], in_body[i]);
        }
    }
    seen(PruneStep::Names, &removed);
    drop_link_cards_in_paragraphs(dom, &mut removed, &raw.text, &raw.link, &raw.links);
    seen(PruneStep::LinkCards, &removed);
    cut_after_related_headings(dom, &mut removed, &raw.text, &raw.link);
    seen(PruneStep::RelatedHeadings, &removed);
    let (text, link) = kept_figures(dom, &removed);
    let block_below = blocks_below(dom, &removed, &text);
    Analysis {
        removed,
        text,
        link,
        block_below,
    }
}

/// Nodes a site profile names as the body, and their ancestors, are not pruned for their names;
/// nor are embedded social posts (a tweet's blockquote), quoted content, and the few wrappers
/// around them ("social-media-embed").
fn never_pruned_for_names(dom: &Dom, keep: &[Ix]) -> Vec<bool> {
    let mut kept = vec![false; dom.nodes.len()];
    for &k in keep {
        let mut j = k;
        while j != NONE && !kept[j as usize] {
            kept[j as usize] = true;
            j = dom.nodes[j as usize].parent;
        }
    }
    for (i, node) in dom.nodes.iter().enumerate() {
        if node.tag == Some(Tag::Blockquote) && is_social_post(&node.cls) {
            let mut j = i as Ix;
            for _ in 0..4 {
                if j == NONE {
                    break;
                }
                kept[j as usize] = true;
                j = dom.nodes[j as usize].parent;
            }
        }
    }
    kept
}

/// Text figures per node with nothing dropped but junk and hidden elements, to protect big
/// text containers.
struct RawFigures {
    /// Characters of text.
    text: Vec<u32>,
    /// Of which inside links.
    link: Vec<u32>,
    /// Characters of paragraph text outside links.
    ptext: Vec<u32>,
    /// Number of links.
    links: Vec<u32>,
    /// The page's text, and its paragraph text, at least 1.
    total: u32,
    ptotal: u32,
}

impl RawFigures {
    fn count(dom: &Dom) -> RawFigures {
        let n = dom.nodes.len();
        let mut text = vec![0u32; n];
        let mut link = vec![0u32; n];
        let mut ptext = vec![0u32; n];
        let mut links = vec![0u32; n];
        for i in (0..n).rev() {
            let node = &dom.nodes[i];
            let own = match node.tag {
                None => node.chars,
                Some(Tag::Junk) => {
                    text[i] = 0;
                    link[i] = 0;
                    continue;
                }
                Some(_) if node.hidden => {
                    text[i] = 0;
                    link[i] = 0;
                    continue;
                }
                Some(_) => 0,
            };
            text[i] += own;
            if node.tag == Some(Tag::A) {
                link[i] = text[i];
                links[i] += 1;
            }
            if node.tag == Some(Tag::P) {
                ptext[i] = text[i].saturating_sub(link[i]);
            }
            let p = node.parent;
            if p != NONE {
                text[p as usize] += text[i];
                link[p as usize] += link[i];
                ptext[p as usize] += ptext[i];
                links[p as usize] += links[i];
            }
        }
        let total = text.first().copied().unwrap_or(0).max(1);
        let ptotal = ptext.first().copied().unwrap_or(0).max(1);
        RawFigures {
            text,
            link,
            ptext,
            links,
            total,
            ptotal,
        }
    }

    /// Whether element `i` is furniture by its tag, role or class, unless it holds most of the
    /// page's text; `kept` spares it, `in_body` says it sits inside the marked article body.
    fn is_furniture(&self, dom: &Dom, i: usize, kept: bool, in_body: bool) -> bool {
        let node = &dom.nodes[i];
        let Some(tag) = node.tag else { return false };
        if tag == Tag::Junk || node.hidden {
            return true;
        }
        let t = self.text[i];
        let ld = self.link[i] as f32 / t.max(1) as f32;
        // A node holding most of the page's plain text is the article, whatever it is called.
        let protected = (t as f32 > 0.4 * self.total as f32 && ld < 0.3 && t > 500)
            || (self.ptext[i] as f32 > 0.5 * self.ptotal as f32 && self.ptext[i] > 300);
        let hard = matches!(tag, Tag::Nav | Tag::Figcaption);
        let soft = matches!(
            tag,
            Tag::Aside | Tag::Footer | Tag::Header | Tag::Form | Tag::Figure
        ) || ROLES_OUT.contains(&&*node.role);
        // Links inside running text carry styling classes ("with-icon") that say nothing about furniture,
        // nor do a table's rows and cells ("oddrow player-2020-580" in a standings table).
        let (bad, good) =
            if node.cls.is_empty() || matches!(tag, Tag::A | Tag::Tr | Tag::Td | Tag::Th) {
                (false, false)
            } else {
                class_flags(&node.cls)
            };
        // Inside the marked article body only a whole box (related, newsletter, share, ad) goes for
        // its name; styling words ("widget", "print", "tools") do not prune the story's parts.
        let bad = bad && (!in_body || words(&node.cls).any(|w| BOX_WORDS.contains(&w)));
        let layout = !bad && tag != Tag::A && words(&node.cls).any(|w| LAYOUT_WORDS.contains(&w));
        let p = node.parent;
        let never = kept
            || p == NONE
            || p == 0
            || matches!(tag, Tag::Body | Tag::Main)
            || (tag == Tag::Article && !bad);
        !never
            && (hard
                || (soft && !protected)
                || (bad && !good && !protected)
                || (bad && good && ld > 0.5 && !protected)
                || (layout && (ld > 0.5 || t < 1000) && !protected))
    }
}

/// What the name pass sees in node `i`: its tag, hidden flag, role and class or id words.
pub(crate) fn name_evidence(dom: &Dom, i: usize) -> String {
    let node = &dom.nodes[i];
    let mut out: Vec<String> = Vec::new();
    match node.tag {
        Some(Tag::Junk) => out.push("an element not shown as text".into()),
        Some(
            t @ (Tag::Nav
            | Tag::Figcaption
            | Tag::Aside
            | Tag::Footer
            | Tag::Header
            | Tag::Form
            | Tag::Figure),
        ) => out.push(format!("a <{}> element", t.name())),
        _ => {}
    }
    if node.hidden {
        out.push("hidden".into());
    }
    if ROLES_OUT.contains(&&*node.role) {
        out.push(format!("role={}", node.role));
    }
    let listed = |list: &[&str]| -> Vec<&str> {
        let mut ws: Vec<&str> = words(&node.cls).filter(|w| list.contains(w)).collect();
        ws.dedup();
        ws
    };
    let mut bad = listed(BAD_WORDS);
    for w in listed(BOX_WORDS) {
        if !bad.contains(&w) {
            bad.push(w);
        }
    }
    let good = listed(GOOD_WORDS);
    if !bad.is_empty() {
        out.push(format!("furniture words {bad:?}"));
    }
    if !good.is_empty() {
        out.push(format!("story words {good:?}"));
    }
    if out.is_empty() {
        out.push("inside a dropped box".into());
    }
    out.join(", ")
}

/// Text and link characters per node again, with the furniture gone.
fn kept_figures(dom: &Dom, removed: &[bool]) -> (Vec<u32>, Vec<u32>) {
    let n = dom.nodes.len();
    let mut text = vec![0u32; n];
    let mut link = vec![0u32; n];
    for i in (0..n).rev() {
        if removed[i] {
            continue;
        }
        let node = &dom.nodes[i];
        if node.tag.is_none() {
            text[i] += node.chars;
        }
        if node.tag == Some(Tag::A) {
            link[i] = text[i];
        }
        let p = node.parent;
        if p != NONE {
            text[p as usize] += text[i];
            link[p as usize] += link[i];
        }
    }
    (text, link)
}

/// Which kept nodes hold a block element with text below them.
fn blocks_below(dom: &Dom, removed: &[bool], text: &[u32]) -> Vec<bool> {
    let n = dom.nodes.len();
    let mut block_below = vec![false; n];
    for i in (1..n).rev() {
        if removed[i] || text[i] == 0 {
            continue;
        }
        let p = dom.nodes[i].parent;
        if p != NONE && (block_below[i] || dom.nodes[i].tag.is_some_and(|t| t.is_block())) {
            block_below[p as usize] = true;
        }
    }
    block_below
}

/// Which nodes sit inside an element marked `itemprop="articleBody"` (the mark itself excluded).
fn within_article_body(dom: &Dom) -> Vec<bool> {
    let mut inside = vec![false; dom.nodes.len()];
    for (i, node) in dom.nodes.iter().enumerate() {
        let p = node.parent;
        if p != NONE {
            let parent = &dom.nodes[p as usize];
            inside[i] = inside[p as usize] || &*parent.itemprop == "articlebody";
        }
    }
    inside
}

/// Drops hover cards and inline link lists nested in a paragraph: an inline element made only of
/// several links ("Ilhan Omar" followed by a card of her latest stories), while the paragraph
/// around it still has prose of its own. Scored whole, such a paragraph reads as a link list and
/// the story loses its sentence.
fn drop_link_cards_in_paragraphs(
    dom: &Dom,
    removed: &mut [bool],
    text: &[u32],
    link: &[u32],
    links: &[u32],
) {
    for i in 0..dom.nodes.len() {
        let node = &dom.nodes[i];
        if removed[i]
            || !matches!(node.tag, Some(Tag::Span | Tag::Other))
            || links[i] < 3
            || link[i] < 80
        {
            continue;
        }
        if (link[i] as f32) < 0.9 * text[i] as f32 {
            continue;
        }
        // The nearest block ancestor must be a paragraph with prose outside this element.
        let mut j = node.parent;
        while j != NONE
            && matches!(
                dom.nodes[j as usize].tag,
                Some(Tag::Span | Tag::Other | Tag::A)
            )
        {
            j = dom.nodes[j as usize].parent;
        }
        if j == NONE || dom.nodes[j as usize].tag != Some(Tag::P) || removed[j as usize] {
            continue;
        }
        let p = j as usize;
        let prose_outside = text[p]
            .saturating_sub(text[i])
            .saturating_sub(link[p].saturating_sub(link[i]));
        if prose_outside >= 40 {
            let end = subtree_end(dom, i);
            removed[i..end].iter_mut().for_each(|r| *r = true);
        }
    }
}

/// One past the last index of `i`'s subtree (nodes are in document order).
fn subtree_end(dom: &Dom, i: usize) -> usize {
    let mut k = i;
    while let Some(&last) = dom.nodes[k].children.last() {
        k = last as usize;
    }
    k + 1
}

fn has_block_child(_dom: &Dom, a: &Analysis, i: usize) -> bool {
    a.block_below[i]
}

/// Text of a node, whitespace collapsed, dropped parts skipped.
pub(crate) fn inner_text(dom: &Dom, a: &Analysis, root: Ix) -> String {
    let mut out = String::new();
    let mut stack = vec![root];
    while let Some(i) = stack.pop() {
        let iu = i as usize;
        if a.removed[iu] {
            continue;
        }
        let node = &dom.nodes[iu];
        if node.tag.is_none() {
            push_collapsed(&mut out, node.text);
        } else {
            if node.tag.is_some_and(|t| t.is_block() || t == Tag::Br)
                && !out.ends_with(' ')
                && !out.is_empty()
            {
                out.push(' ');
            }
            stack.extend(node.children.iter().rev());
        }
    }
    out.trim().to_string()
}

fn push_collapsed(out: &mut String, s: &str) {
    let mut space = out.is_empty() || out.ends_with(' ') || out.ends_with('\n');
    for c in s.chars() {
        if c.is_whitespace() {
            if !space {
                out.push(' ');
                space = true;
            }
        } else {
            out.push(c);
            space = false;
        }
    }
}

/// Text that reads as article prose (`good`) and text that does not (`bad`), per node.
pub(crate) fn prose_figures(dom: &Dom, a: &Analysis) -> (Vec<f32>, Vec<f32>) {
    let n = dom.nodes.len();
    let mut good = vec![0f32; n];
    let mut bad = vec![0f32; n];
    // Which nodes are text blocks: the outermost block with no block children, or a <p>-like element.
    let mut in_block = vec![false; n];
    for i in 1..n {
        if a.removed[i] {
            continue;
        }
        let p = dom.nodes[i].parent;
        let parent_in = p != NONE && in_block[p as usize];
        if parent_in {
            in_block[i] = true;
            continue;
        }
        let Some(tag) = dom.nodes[i].tag else {
            // Loose text outside any block: prose when it is a real run of words outside a link
            // (stories set with <br> between lines), furniture otherwise.
            let t = dom.nodes[i].chars as f32;
            if p != NONE {
                if t >= 25.0 && dom.nodes[p as usize].tag != Some(Tag::A) {
                    good[p as usize] += t * 0.8;
                    bad[p as usize] += t * 0.2;
                } else {
                    bad[p as usize] += t;
                }
            }
            continue;
        };
        let block = match tag {
            Tag::P | Tag::Pre | Tag::Blockquote | Tag::H(_) => true,
            Tag::Div
            | Tag::Section
            | Tag::Td
            | Tag::Li
            | Tag::Article
            | Tag::Dd
            | Tag::OtherBlock
            | Tag::Span => a.text[i] > 0 && !has_block_child(dom, a, i),
            _ => false,
        };
        if !block {
            continue;
        }
        in_block[i] = true;
        let t = a.text[i] as f32;
        let l = a.link[i] as f32;
        let ld = l / t.max(1.0);
        let heading = matches!(tag, Tag::H(_));
        if !heading && ld < 0.5 && t >= 20.0 {
            let w = if matches!(tag, Tag::P | Tag::Pre | Tag::Blockquote) {
                1.0
            } else {
                0.8
            };
            good[i] = (t - l) * w;
            bad[i] = l + (t - l) * (1.0 - w);
        } else if heading && ld < 0.5 {
            // Subheads are neutral: neither evidence of prose nor of furniture.
        } else {
            bad[i] = t;
        }
    }
    for i in (1..n).rev() {
        let p = dom.nodes[i].parent;
        if p != NONE && !a.removed[i] {
            good[p as usize] += good[i];
            bad[p as usize] += bad[i];
        }
    }
    (good, bad)
}

/// How strongly furniture text inside a container counts against it: a container scores its prose
/// times its prose share raised to this power.
pub(crate) const PURITY_POWER: i32 = 4;

/// Class and id names that sites give the container of the story text itself.
fn is_body_marked(n: &crate::dom::DNode) -> bool {
    if &*n.itemprop == "articlebody" {
        return true;
    }
    if n.cls.is_empty() {
        return false;
    }
    const MARKS: &[&str] = &[
        "articlebody",
        "article-body",
        "article_body",
        "article__body",
        "storybody",
        "story-body",
        "story_body",
        "story__body",
        "entry-content",
        "post-content",
        "post-body",
        "post_body",
        "postbody",
        "article-content",
        "article__content",
        "story-content",
        "entry-body",
        "article-text",
        "articletext",
        "story-text",
        "body-text",
        "bodytext",
        "text-content",
        "content-body",
        "article-main",
        "main-text",
        "body-copy",
        "article-copy",
        "c-entry-content",
        "rich-text",
        "richtext",
        "article-entry",
        "field-name-body",
        "post-entry",
        "td-post-content",
        "paywall-article",
        "article__text",
        "news-text",
        "news-body",
        "single-content",
        "entry__content",
    ];
    n.cls.split_whitespace().any(|c| {
        MARKS.iter().any(|m| {
            c == *m
                || c.strip_suffix(m).is_some_and(|pre| pre.ends_with('_'))
                || c.strip_prefix(m)
                    .is_some_and(|post| post.starts_with('_') || post.starts_with("--"))
        })
    })
}

/// Whether marked container `o` continues the story of the first marked one: a sibling (one body
/// split by inserts), or a cousin of the same tag and class (each part of the story wrapped in a
/// section of its own).
fn one_body_split(dom: &Dom, first: usize, o: usize) -> bool {
    let (f, n) = (&dom.nodes[first], &dom.nodes[o]);
    if f.parent == n.parent {
        return true;
    }
    let grand = |x: &crate::dom::DNode| {
        (x.parent != NONE)
            .then(|| dom.nodes[x.parent as usize].parent)
            .filter(|&g| g != NONE)
    };
    f.tag == n.tag && f.cls == n.cls && grand(f).is_some() && grand(f) == grand(n)
}

/// Candidate body containers, best first: each entry is a set of roots in document order.
pub(crate) fn body_candidates(dom: &Dom, a: &Analysis, max: usize) -> Vec<Vec<Ix>> {
    let (good, bad) = prose_figures(dom, a);
    let mut scored: Vec<(f32, usize)> = (0..dom.nodes.len())
        .filter(|&i| !a.removed[i] && good[i] > 0.0 && dom.nodes[i].tag.is_some())
        .map(|i| {
            (
                good[i] * (good[i] / (good[i] + bad[i])).powi(PURITY_POWER),
                i,
            )
        })
        .collect();
    // Best first; among equals the deeper (later) node.
    scored.sort_by(|x, y| y.0.total_cmp(&x.0).then(y.1.cmp(&x.1)));
    let mut out: Vec<Vec<Ix>> = Vec::new();
    // A container the site marks as the story body comes first when it holds a fair share of the prose.
    if let Some(&(_, top)) = scored.first() {
        let marked: Vec<usize> = (0..dom.nodes.len())
            .filter(|&i| {
                !a.removed[i]
                    && dom.nodes[i].tag.is_some()
                    && good[i] > 0.0
                    && is_body_marked(&dom.nodes[i])
            })
            .collect();
        if !marked.is_empty() {
            let mut outer: Vec<usize> = Vec::new();
            for &m in &marked {
                if !outer.iter().any(|&o| dom.is_within(m as Ix, o as Ix)) {
                    outer.push(m);
                }
            }
            let first = outer[0];
            let group: Vec<usize> = outer
                .iter()
                .copied()
                .filter(|&o| one_body_split(dom, first, o))
                .collect();
            let g: f32 = group.iter().map(|&o| good[o]).sum();
            if g >= 0.5 * good[top] || dom.is_within(top as Ix, first as Ix) {
                out.push(group.into_iter().map(|o| o as Ix).collect());
            }
        }
    }
    let mut tried: Vec<usize> = Vec::new();
    for (_, i) in scored {
        if out.len() >= max {
            break;
        }
        if tried
            .iter()
            .any(|&t| dom.is_within(i as Ix, t as Ix) || dom.is_within(t as Ix, i as Ix))
        {
            continue;
        }
        tried.push(i);
        out.push(vec![i as Ix]);
    }
    out
}

/// Picks the nodes holding the article body, in document order.
pub(crate) fn find_body_roots(dom: &Dom, a: &Analysis) -> Vec<Ix> {
    body_candidates(dom, a, 1)
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// One output paragraph with the figures used to judge it.
#[derive(Debug, Default)]
pub(crate) struct Para {
    pub text: String,
    pub link_chars: u32,
    pub chars: u32,
    pub heading: bool,
    pub list_item: bool,
    /// Whether the paragraph is a table row of plain cells.
    pub table_row: bool,
}

/// Splits the content under `roots` into paragraphs, in document order.
pub(crate) fn paragraphs(dom: &Dom, a: &Analysis, roots: &[Ix]) -> Vec<Para> {
    let mut out = Vec::new();
    let mut cur = Para::default();
    // Stack of (node, entering): leaving events flush block boundaries.
    let mut stack: Vec<(Ix, bool, u32)> = Vec::new();
    for &r in roots.iter().rev() {
        stack.push((r, true, 0));
    }
    let flush = |cur: &mut Para, out: &mut Vec<Para>| {
        let t = cur.text.trim();
        if !t.is_empty() {
            out.push(Para {
                text: t.to_string(),
                ..*cur
            });
        }
        // A fresh paragraph that keeps the text buffer's allocation.
        cur.text.clear();
        *cur = Para {
            text: std::mem::take(&mut cur.text),
            ..Para::default()
        };
    };
    while let Some((i, entering, in_link)) = stack.pop() {
        let iu = i as usize;
        if a.removed[iu] {
            continue;
        }
        let node = &dom.nodes[iu];
        match node.tag {
            None => {
                let before = cur.text.len();
                push_collapsed(&mut cur.text, node.text);
                let added = non_space_chars(&cur.text[before..]);
                cur.chars += added;
                if in_link > 0 {
                    cur.link_chars += added;
                }
            }
            Some(Tag::Br) => {
                // Two breaks in a row separate paragraphs; one is a line break inside it.
                flush(&mut cur, &mut out);
            }
            Some(tag) => {
                // A table cell holding only inline text is part of its row's line ("1 Kyle Busch 5040").
                let cell_inline = matches!(tag, Tag::Td | Tag::Th) && !a.block_below[iu];
                if cell_inline {
                    cur.table_row = true;
                    if !cur.text.is_empty() && !cur.text.ends_with(' ') {
                        cur.text.push(' ');
                    }
                    if !entering {
                        continue;
                    }
                }
                if entering {
                    if tag.is_block() && !cell_inline {
                        flush(&mut cur, &mut out);
                    }
                    if matches!(tag, Tag::H(_)) {
                        cur.heading = true;
                    }
                    if tag == Tag::Li {
                        cur.list_item = true;
                    }
                    stack.push((i, false, in_link));
                    let link_depth = in_link + u32::from(tag == Tag::A);
                    for &c in node.children.iter().rev() {
                        stack.push((c, true, link_depth));
                    }
                } else if tag.is_block() {
                    flush(&mut cur, &mut out);
                }
            }
        }
    }
    flush(&mut cur, &mut out);
    out
}

/// A heading that introduces other stories takes its box with it, or, standing among the story's
/// paragraphs, what follows it up to where running text resumes. Only where running text comes
/// before it, so a page that opens with such a list keeps its story.
fn cut_after_related_headings(dom: &Dom, removed: &mut [bool], text: &[u32], link: &[u32]) {
    let n = dom.nodes.len();
    for i in 0..n {
        let node = &dom.nodes[i];
        // Headings, and blocks styled as one ("heading-h3", "section-title").
        let styled = matches!(node.tag, Some(Tag::Div | Tag::P))
            && words(&node.cls).any(|w| w.starts_with("heading") || w == "title");
        if !(matches!(node.tag, Some(Tag::H(_))) || styled)
            || node.parent == NONE
            || removed[node.parent as usize]
        {
            continue;
        }
        if text[i] == 0 || text[i] > 60 {
            continue;
        }
        let marked = node.cls.contains("related") || node.cls.contains("recommend");
        if !marked {
            let mut heading = String::new();
            let mut j = i + 1;
            while j < n && dom.is_within(j as Ix, i as Ix) {
                heading.push_str(dom.nodes[j].text);
                j += 1;
            }
            if !boilerplate::is_related_heading(heading.trim()) {
                continue;
            }
        }
        // A heading that opens its container makes the container the block to cut (a few levels up).
        let mut unit = i;
        for _ in 0..4 {
            let parent = dom.nodes[unit].parent;
            if parent == NONE || parent == 0 {
                break;
            }
            let siblings = &dom.nodes[parent as usize].children;
            let Some(at) = siblings.iter().position(|&c| c as usize == unit) else {
                break;
            };
            let before: u32 = siblings[..at]
                .iter()
                .filter(|&&c| !removed[c as usize])
                .map(|&c| text[c as usize].saturating_sub(link[c as usize]))
                .sum();
            if before >= 200 {
                if unit != i {
                    // The heading opens a box of its own: the box goes.
                    removed[unit] = true;
                } else {
                    // The heading sits among the story's paragraphs: it and what follows go, up to
                    // where running text resumes.
                    removed[unit] = true;
                    for &c in &siblings[at + 1..] {
                        let c = c as usize;
                        if dom.nodes[c].tag == Some(Tag::P)
                            && text[c].saturating_sub(link[c]) >= 100
                        {
                            break;
                        }
                        removed[c] = true;
                    }
                }
                break;
            }
            if before > 0 || matches!(dom.nodes[parent as usize].tag, Some(Tag::Body | Tag::Main)) {
                break;
            }
            unit = parent as usize;
        }
    }
    // Descendants follow their ancestors in document order.
    for i in 0..n {
        let p = dom.nodes[i].parent;
        if p != NONE && removed[p as usize] {
            removed[i] = true;
        }
    }
}

/// "... contributed to this report": the credit line that closes agency copy.
static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)contributed\s+(?:to\s+)?(?:(this)\s+(?:report|story|article)|the\s+report)(?-u:\b)").expect("static regex")
});
/// Who a credit line names when it says "the report" rather than "this report".
static CREDIT_WHO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:writers?|reporters?|correspondents?|reported\s+from)(?-u:\b)")
        .expect("static regex")
});

/// A photo credit closing a caption: "REUTERS/Jane Doe", "(AP Photo/John Roe)", "Photo: AFP",
/// "AFP via Getty Images".
static PHOTO_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)(?:
            (?-u:\b)(?:REUTERS|Reuters|AFP|EPA|EPA-EFE|ANADOLU|XINHUA|Xinhua|Getty\s+Images|Kyodo|Yonhap|PTI|TASS|SPUTNIK)\s*/\s*\p{Lu}[\p{L}'.-]*(?:\x20\p{Lu}[\p{L}'.-]*){0,3}
          | \(\s*(?:AP|AFP|EPA|Reuters)\s+Photo\s*/\s*[^()]{2,60}\)
          | (?-u:\b)(?:Photo|Foto|Image|Picture)(?:\s+credit)?\s*:\s*[^.:]{2,60}
          | (?-u:\b)via\s+Getty\s+Images
        )\s*\.?$",
    )
    .expect("static regex")
});

/// Whether a paragraph is a photo caption: short, and closed by a photo credit.
pub(crate) fn is_caption_line(text: &str) -> bool {
    text.len() <= 400 && text.contains(' ') && PHOTO_CREDIT.is_match(text)
}

/// Whether a line is a contribution credit ("AP writer Jane Doe contributed to this report").
fn is_credit_line(text: &str) -> bool {
    if text.len() > 300 {
        return false;
    }
    match CREDIT.captures(text) {
        Some(c) => {
            c.get(1).is_some() || CREDIT_WHO.is_match(&text[..c.get(0).map_or(0, |m| m.start())])
        }
        None => false,
    }
}

static TAIL_CODE: LazyLock<Regex> = LazyLock::new(|| {
    // Agency sign-off codes: "(END)", "tm/xx", "ENDS", "/nm/", "-0-".
    Regex::new(r"(?i)^(?:\(end\)|ends?|-0-|[a-z]{1,4}/[a-z]{1,4}(?:/[a-z]{1,4})?|\(?[a-z]{2,4}/[a-z]{2,4}\)?|#+|\*+)$").expect("static regex")
});

/// Subscription pitches inside the story column ("... delivered to your inbox", "Click here for more").
static PROMO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:in|to|through|into)\s+your\s+(?:inbox|letterbox|mailbox)\b|\bclick\s+here\s+(?:for|to)\s+(?:more|subscribe|sign)|\b(?:sign\s+up|subscribe|register)\s+(?:for|to)\s+(?:the|our|a)\s+(?:free\s+)?(?:\S+\s+){0,3}newsletters?\b",
    )
        .expect("static regex")
});

/// A meta description without the "Read more: …" link or bare URL a site appends to it; kept
/// whole when nothing of its own comes before the marker.
pub(crate) fn cut_read_more(lede: &str) -> &str {
    let Some(at) = boilerplate::read_more_at(lede) else {
        return lede;
    };
    let head = lede[..at].trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '-' | '–' | '—' | '|' | '[' | '(' | '»' | '>')
    });
    if head.chars().filter(|c| c.is_alphanumeric()).count() < 20 {
        return lede;
    }
    head
}

/// The labels of a blog post's meta line, matched together in one pass.
static POST_META: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new([
        r"(?i)(?-u:\b)(?:posted|published|publicado|publicada|publié|publiée|veröffentlicht|pubblicato|written)\s+(?:by|por|par|von|da)(?-u:\b)",
        r"(?i)(?-u:\b)categor(?:y|ies|ia|ias|ie|ien)\s*:",
        r"(?i)(?-u:\b)tags?\s*:",
        r"(?i)(?-u:\b)filed\s+under(?-u:\b)",
    ])
    .expect("static regex")
});

/// Whether a line is a blog post's meta line ("05/10/2018 - Posted by: Ana Ruiz - Category: Health -
/// Tags: ..."): short, with two or more of its labels.
pub(crate) fn is_post_meta_line(text: &str) -> bool {
    text.len() < 300 && text.contains(':') && POST_META.matches(text).iter().count() >= 2
}

/// Whether a line is only a byline ("By Jane Doe and John Roe", "BY REUTERS"): the byline is kept
/// apart, and no story paragraph consists of names alone.
pub(crate) fn is_byline_line(text: &str) -> bool {
    let Some(rest) = text
        .strip_prefix("By ")
        .or_else(|| text.strip_prefix("BY "))
    else {
        return false;
    };
    if rest.len() > 80 || rest.ends_with(['!', '?', ':']) {
        return false;
    }
    let mut names = 0;
    for w in rest
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '|' | '/'))
        .filter(|w| !w.is_empty())
    {
        if matches!(w, "and" | "&" | "AND") {
            continue;
        }
        if !w.chars().next().is_some_and(char::is_uppercase) {
            return false;
        }
        names += 1;
    }
    (1..=8).contains(&names)
}

/// A year and a clock time in either order.
static FULL_STAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?:19|20)[0-9]{2}(?-u:\b).*(?-u:\b)[0-9]{1,2}[:.h][0-9]{2}(?-u:\b)|(?-u:\b)[0-9]{1,2}[:.h][0-9]{2}(?-u:\b).*(?-u:\b)(?:19|20)[0-9]{2}(?-u:\b)")
            .expect("static regex")
});

/// Month and day names and the little words of date stamps in the other languages wire services
/// and their clients print (pt, es, fr, de, it, tr): "sexta-feira, 22 de outubro de 2010 às 20:13".
const FOREIGN_DATE_WORDS: &[&str] = &[
    "janeiro",
    "fevereiro",
    "março",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
    "segunda",
    "terça",
    "quarta",
    "quinta",
    "sexta",
    "sábado",
    "domingo",
    "feira",
    "de",
    "às",
    "as",
    "enero",
    "febrero",
    "marzo",
    "mayo",
    "junio",
    "julio",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "lunes",
    "martes",
    "miércoles",
    "jueves",
    "viernes",
    "a",
    "las",
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "décembre",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "le",
    "à",
    "januar",
    "februar",
    "märz",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "um",
    "uhr",
    "gennaio",
    "febbraio",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "settembre",
    "ottobre",
    "dicembre",
    "lunedì",
    "martedì",
    "mercoledì",
    "giovedì",
    "venerdì",
    "sabato",
    "domenica",
    "alle",
    "ore",
    "ocak",
    "şubat",
    "mart",
    "nisan",
    "mayıs",
    "haziran",
    "temmuz",
    "ağustos",
    "eylül",
    "ekim",
    "kasım",
    "aralık",
    "saat",
    "il",
    "em",
    "el",
    "op",
    "am",
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
    "godz",
    "r",
    "januari",
    "februari",
    "maart",
    "mei",
    "augustus",
    "om",
    "január",
    "február",
    "március",
    "április",
    "május",
    "június",
    "július",
    "augusztus",
    "szeptember",
    "október",
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
    "г",
    "в",
];

/// A label word after a year ("16.04.2025 - Update : ...").
static INNER_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:19|20)[0-9]{2}(?-u:\b).*(?-u:\b)(?:update|updated|published|posted|modified)(?-u:\b)").expect("static regex")
});

/// Whether a short line is only a date stamp: "Published on 12/03/2025 - 08:15", "Updated: March 3,
/// 2025 10:12 a.m. EST", "Nov. 19, 2019, 8:41 AM UTC". After any label every word must be part of a date or time.
pub(crate) fn is_timestamp_line(text: &str) -> bool {
    if text.len() > 90 || !text.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let text = text.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '|' | '•' | '·' | '-' | '–' | '—')
    });
    // Without a leading label, only a full stamp (a year with a clock time, or with a label further
    // on: "16.04.2025 - Update : 16.04.2025") is furniture: a bare date or hour can head a timeline entry.
    let rest = match boilerplate::stamp_label_end(text) {
        Some(end) => &text[end..],
        None if FULL_STAMP.is_match(text) || INNER_LABEL.is_match(text) => text,
        None => return false,
    };
    let mut words = 0;
    for w in rest.split(|c: char| {
        c.is_whitespace() || matches!(c, ',' | '|' | '-' | '–' | '—' | '/' | '(' | ')' | '·' | '•')
    }) {
        let w = w.trim_matches(|c: char| c == '.' || c == ':');
        if w.is_empty() {
            continue;
        }
        words += 1;
        if !is_stamp_word(w) {
            return false;
        }
    }
    words > 0
}

/// Words a date stamp is made of: months, days, clock and zone words, labels.
const DATE_WORDS: &[&str] = &[
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "am",
    "pm",
    "a.m",
    "p.m",
    "at",
    "on",
    "gmt",
    "utc",
    "et",
    "est",
    "edt",
    "ct",
    "cst",
    "cdt",
    "pt",
    "pst",
    "pdt",
    "cet",
    "cest",
    "bst",
    "ist",
    "jst",
    "kst",
    "msk",
    "hkt",
    "sgt",
    "aest",
    "aedt",
    "trt",
    "eet",
    "eest",
    "wib",
    "h",
    "hrs",
    "ago",
    "hour",
    "hours",
    "minute",
    "minutes",
    "min",
    "mins",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "and",
    "updated",
    "update",
    "published",
    "posted",
    "modified",
];

/// Whether one word of a line can belong to a date stamp: digits and clock signs, a date word in
/// any language, an ordinal ("3rd") or a zone offset ("GMT+3").
fn is_stamp_word(w: &str) -> bool {
    let lower = w.to_lowercase();
    w.chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ':' | '.' | '+' | 'h'))
        || DATE_WORDS.contains(&lower.as_str())
        || FOREIGN_DATE_WORDS.contains(&lower.as_str())
        || lower
            .strip_suffix("st")
            .or(lower.strip_suffix("nd"))
            .or(lower.strip_suffix("rd"))
            .or(lower.strip_suffix("th"))
            .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
        || lower
            .strip_prefix("gmt")
            .or(lower.strip_prefix("utc"))
            .is_some_and(|o| {
                o.chars()
                    .all(|c| c.is_ascii_digit() || matches!(c, '+' | ':'))
            })
}

static ABOUT_HEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:about|über|à propos de|acerca de|sobre)\s+\S.{0,60}$")
        .expect("static regex")
});
static SELF_DESCRIPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\p{Lu}\S*(?:\s+\S+){0,6}?\s+(?:is|are)\s+(?:a|an|the)\s+(?:\S+\s+){0,4}?(?:leading|global|world'?s|international|premier|largest|independent|pioneer)\b")
        .expect("static regex")
});

/// An invitation to write to or follow the author.
static CONTACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:e-?mail|contact|reach(?:ed)?|follow|tips?)(?-u:\b)")
        .expect("static regex")
});
/// An e-mail address or a social-media handle.
static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9_.+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.]+|(?:^|[\s(])@[A-Za-z0-9_]{2,}")
        .expect("static regex")
});

/// Drops the author's contact note at the end ("Email Jane Doe at jd@example.com or follow her
/// @janedoe."): an address or handle together with an invitation to write or follow.
fn cut_contact_tail(paras: &mut Vec<String>) {
    while paras.len() > 1 {
        let last = &paras[paras.len() - 1];
        if last.len() < 400 && ADDRESS.is_match(last) && CONTACT.is_match(last) {
            paras.pop();
        } else {
            break;
        }
    }
}

/// Press releases end with the company's standard description ("Acme is a leading provider of ..."): it
/// is not the story. Only the last few paragraphs are looked at, and never the first; an "About Acme"
/// heading right before it goes too. An "About" section in other words is left alone: it is often
/// the story's own last part.
fn cut_press_release_tail(paras: &mut Vec<String>) {
    let from = paras.len().saturating_sub(4).max(1);
    if let Some(mut i) = (from..paras.len()).find(|&i| SELF_DESCRIPTION.is_match(&paras[i])) {
        let heading = |p: &str| p.len() < 80 && ABOUT_HEAD.is_match(p) && !p.ends_with('.');
        if i > 1 && heading(&paras[i - 1]) {
            i -= 1;
        }
        paras.truncate(i);
    }
}

/// Drops link lists, sign-offs and other furniture lines that survived pruning.
pub(crate) fn clean_paragraphs(paras: Vec<Para>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(paras.len());
    for p in paras {
        let ld = p.link_chars as f32 / p.chars.max(1) as f32;
        // A sentence with a long link in it is still prose when it has words of its own.
        let sentence = p.chars.saturating_sub(p.link_chars) >= 24
            && p.text.trim_end().ends_with(['.', '!', '?', '"', '”', '»']);
        // A standings or results row links its names ("1 | Harbour Club | 104"); only a row of links alone is navigation.
        let link_heavy = if p.table_row {
            ld > 0.9
        } else {
            ld > 0.65 || (ld > 0.5 && p.chars < 120 && !sentence)
        };
        if link_heavy {
            continue;
        }
        if p.list_item && ld > 0.4 && p.chars < 200 && !sentence {
            continue;
        }
        // "Published on 12/03/2025 - 08:15" is the page's date stamp; bare times ("4:14 p.m.") in
        // live coverage are content.
        let promo = p.chars < 250 && PROMO.is_match(&p.text);
        if promo
            || is_timestamp_line(&p.text)
            || is_byline_line(&p.text)
            || is_post_meta_line(&p.text)
            || is_credit_line(&p.text)
            || is_caption_line(&p.text)
            || !p.text.chars().any(char::is_alphanumeric)
            || boilerplate::is_furniture_line(&p.text)
            || TAIL_CODE.is_match(&p.text)
        {
            continue;
        }
        out.push(p.text);
    }
    cut_press_release_tail(&mut out);
    cut_contact_tail(&mut out);
    // A trailing heading with nothing after it belongs to what was cut.
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_more_links_leave_the_meta_description() {
        let cases = [
            ("The council approved the new budget on Tuesday after a long debate. Read more: https://example.org/budget", "The council approved the new budget on Tuesday after a long debate."),
            ("Der Stadtrat hat den neuen Haushalt am Dienstag beschlossen. Weiterlesen »", "Der Stadtrat hat den neuen Haushalt am Dienstag beschlossen."),
            ("El ayuntamiento aprobó el nuevo presupuesto el martes. [Leer más]", "El ayuntamiento aprobó el nuevo presupuesto el martes."),
            ("Rada miasta przyjęła we wtorek nowy budżet. Czytaj więcej", "Rada miasta przyjęła we wtorek nowy budżet."),
            ("The council approved the new budget on Tuesday. www.example.org/budget", "The council approved the new budget on Tuesday."),
        ];
        for (lede, want) in cases {
            assert_eq!(cut_read_more(lede), want);
        }
        // A description that is only the marker, or that reads on past the words, stays whole.
        assert_eq!(cut_read_more("Read more"), "Read more");
        let prose =
            "Readers who read more than one paper a day trust the news more, a survey found.";
        assert_eq!(cut_read_more(prose), prose);
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    /// A paragraph of `text` whose `link` part is link text.
    fn linked(text: &str, link: &str) -> Para {
        Para {
            text: text.to_string(),
            link_chars: non_space_chars(link),
            chars: non_space_chars(text),
            ..Para::default()
        }
    }

    /// A paragraph without links.
    fn plain(text: &str) -> Para {
        linked(text, "")
    }

    #[test]
    fn ad_slot_labels_and_editor_credits_are_not_story_lines() {
        for l in [
            "Advertisement · Scroll to continue",
            "ADVERTISEMENT - story continues below",
            "Story continues below advertisement",
            "Scroll to continue reading",
            "Реклама",
            "(责编：王明、李华)",
            "[责任编辑：张伟]",
        ] {
            assert!(boilerplate::is_furniture_line(l), "{l}");
        }
        for l in [
            "Advertisement spending rose 4% in the quarter, the group said.",
            "The story continues below the surface, investigators said, with more arrests likely.",
            "编辑部表示，调查仍在继续。",
        ] {
            assert!(!boilerplate::is_furniture_line(l), "{l}");
        }
    }

    #[test]
    fn compound_and_styling_class_names_are_read_by_their_parts() {
        // camelCase parts count as words; a caption or author box is not rescued by "news" or "post".
        assert_eq!(class_flags(&dom_class("newsCaption")), (true, false));
        assert_eq!(class_flags(&dom_class("post-author-box")), (true, false));
        assert_eq!(class_flags(&dom_class("similarPosts")), (true, false));
        assert!(class_flags(&dom_class("darkfooter")).0);
        assert!(class_flags(&dom_class("relatedArticles")).0);
        // Responsive visibility, a field's hidden label and the shown tab pane are no furniture.
        assert_eq!(class_flags("story-text hidden-xs"), (false, true));
        assert_eq!(class_flags("field field--label-hidden"), (false, false));
        assert_eq!(class_flags("tab-pane fade active"), (false, false));
        assert!(class_flags("tab-pane fade").0);
    }

    #[test]
    fn ruby_readings_are_not_text() {
        let page = scraper::Html::parse_document("<p><ruby>東京<rt>とうきょう</rt></ruby></p>");
        let dom = crate::dom::Dom::build(&page, false);
        let a = analyse(&dom, &[], &[]);
        let p = dom.nodes.iter().position(|n| n.tag == Some(Tag::P));
        assert_eq!(
            p.map(|p| inner_text(&dom, &a, p as Ix)).as_deref(),
            Some("東京")
        );
    }

    /// A class attribute as the page builder stores it.
    fn dom_class(v: &str) -> String {
        let html = format!("<div class=\"{v}\">x</div>");
        let page = scraper::Html::parse_document(&html);
        let dom = crate::dom::Dom::build(&page, false);
        dom.nodes
            .iter()
            .find(|n| n.tag == Some(Tag::Div))
            .map(|n| n.cls.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn captions_closed_by_a_photo_credit_are_not_story_lines() {
        for l in [
            "Rescue workers search the rubble of a market in Hatay, March 2, 2026. REUTERS/Dilan Aksoy",
            "A voter casts her ballot in Lagos. (AP Photo/Tunde Bello)",
            "Fishing boats moored at the harbour at dawn. Photo: Port Authority",
            "Protesters gather outside parliament. AFP via Getty Images",
        ] {
            assert!(is_caption_line(l), "{l}");
        }
        for l in [
            "The ministry said the photo was taken in March.",
            "He told Reuters/Ipsos pollsters he would vote again.",
        ] {
            assert!(!is_caption_line(l), "{l}");
        }
        assert!(is_byline_line("By Dilan Aksoy / Reuters"));
    }

    #[test]
    fn related_headings_and_date_stamps_in_many_languages() {
        for heading in [
            "Ähnliche Beiträge",
            "Temas relacionados",
            "Zobacz także",
            "Kapcsolódó cikkek",
            "Lees ook:",
            "En çok okunan",
        ] {
            assert!(boilerplate::is_related_heading(heading), "{heading}");
        }
        assert!(!boilerplate::is_related_heading(
            "Ähnliche Fälle gab es 2019 in Bremen"
        ));
        for stamp in [
            "Aktualisiert: 04.03.2026, 14:20 Uhr",
            "Publiziert: 04.03.2026, 09:12",
            "Actualizado: 04/03/2026 10:15",
            "Opublikowano: 04.03.2026 12:00",
        ] {
            assert!(is_timestamp_line(stamp), "{stamp}");
        }
    }

    #[test]
    fn bem_elements_name_what_a_node_is() {
        // A newsletter box inside the story's block is still a newsletter box.
        assert_eq!(
            class_flags("article-body__tablet-newsletter"),
            (true, false)
        );
        assert_eq!(class_flags("story__share-bar"), (true, false));
        // A factbox's header or a "more information" note belongs to the story block.
        assert_eq!(class_flags("article-boxout__header"), (true, true));
        assert_eq!(class_flags("article-main__more p-4"), (true, true));
        assert_eq!(class_flags("article__text text"), (false, true));
        assert_eq!(class_flags("sidebar__inner"), (true, false));
        // A name that starts with a box word is that box, whatever else the node is called.
        assert_eq!(class_flags("comment-entry post-entry"), (true, false));
        assert_eq!(class_flags("entry-content post-body"), (false, true));
        // Box words run into others.
        assert!(class_flags("promosmall-wrapper").0);
    }

    #[test]
    fn related_headings_are_told_from_story_subheadings() {
        for h in [
            "You may also like",
            "Related stories:",
            "Most popular diets",
            "Você pode gostar...",
            "Leia também",
            "Lesen Sie auch",
            "À lire aussi",
            "Читайте также",
            "Самые популярные новости",
            "Lo más leído",
            "More Great Courier Stories",
        ] {
            assert!(boilerplate::is_related_heading(h), "{h}");
        }
        for h in [
            "What happens next",
            "Talks resume in Geneva",
            "Popular anger grows",
            "Most of the ships turned back",
        ] {
            assert!(!boilerplate::is_related_heading(h), "{h}");
        }
    }

    #[test]
    fn press_release_boilerplate_is_cut() {
        let mut p = strings(&[
            "GENEVA - Corvane today announced a water-metering service for small towns.",
            "\"Towns asked us for this,\" said chief executive Lena Ward.",
            "The service starts in spring.",
            "About Corvane",
            "Corvane is a leading provider of metering software for utilities, with offices in 12 countries.",
        ]);
        cut_press_release_tail(&mut p);
        assert_eq!(p.len(), 3);
        let mut q = strings(&[
            "GENEVA - Corvane today announced a water-metering service.",
            "The service starts in spring.",
            "Corvane is a global supplier of meters based in Geneva.",
        ]);
        cut_press_release_tail(&mut q);
        assert_eq!(q.len(), 2);
        // A story that opens by describing a company keeps it.
        let mut r = strings(&[
            "Corvane is a leading maker of meters.",
            "It was founded in 1990.",
        ]);
        cut_press_release_tail(&mut r);
        assert_eq!(r.len(), 2);
        // An "About" section that does not read as a company's standard description stays.
        let mut s = strings(&[
            "Lead.",
            "More detail.",
            "About Corvane",
            "Corvane sells meters to 40 towns.",
        ]);
        cut_press_release_tail(&mut s);
        assert_eq!(s.len(), 4);
    }

    #[test]
    fn furniture_lines_leave_the_body() {
        let got = clean_paragraphs(vec![
            plain("The council approved the budget on Monday."),
            plain("Advert"),
            plain("12 comments"),
            plain("Tell us what you think..."),
            plain("Get the Harbour Weekly delivered to your inbox every Friday. Click here for more information."),
            plain("Get our morning briefing right in your inbox."),
            plain("Follow the Harbour Weekly opinion desk on Facebook and Twitter (@HarbourOpinion)."),
            plain("More regional sport: https://example.com/sport and https://example.com/scores"),
            plain("social.example/harbourdesk"),
            plain("Published on 03/02/2024 - 10:15"),
            plain("Image 2 of 5"),
            plain("Tags"),
            plain("Keywords: harbour, ferries, budget"),
            plain("Start your day with the Harbour Brief, the city in five minutes. Sign up for the free daily newsletter."),
            plain("Courier staff writer Ana Ruiz and the Associated Press contributed to this report."),
            plain("[button link=\"/submit-review/\" type=\"big\"] Send us your review[/button]"),
            plain("Related Roundup: Harbour Ferries"),
            plain("Work starts in May."),
        ]);
        assert_eq!(
            got,
            [
                "The council approved the budget on Monday.",
                "Work starts in May."
            ]
        );
    }

    #[test]
    fn contact_notes_at_the_end_leave_the_body() {
        let got = clean_paragraphs(
            [
                "Write to the council at budget@harbour.example, the mayor said, before the vote in May.",
                "Work starts in May.",
                "Have a tip? Marta Kovac may be reached at mkovac@courier.example. Follow her on Twitter @MartaK.",
                "Email Ivo Brandt at ibrandt@courier.example or follow him @ivobrandt.",
            ]
            .map(plain)
            .into(),
        );
        assert_eq!(got, ["Write to the council at budget@harbour.example, the mayor said, before the vote in May.", "Work starts in May."]);
    }

    #[test]
    fn short_sentences_around_a_long_link_stay() {
        let kept = clean_paragraphs(vec![
            linked("Australian-born Assange faces a charge of conspiracy to commit computer intrusion in the US.", "a charge of conspiracy to commit computer intrusion in the US"),
            linked("Read more: Harbour dredging vote slips to June as budget talks stall.", "Harbour dredging vote slips to June as budget talks stall"),
            linked("More on this story: Harbour dredging vote slips to June", "Harbour dredging vote slips to June"),
            Para { list_item: true, ..linked("The ferry operator is cutting winter sailings. Passenger numbers fell by a third.", "The ferry operator is cutting winter sailings.") },
            Para { list_item: true, ..linked("Harbour dredging vote slips to June - Politics", "Harbour dredging vote slips to June") },
        ]);
        assert_eq!(
            kept,
            strings(&[
                "Australian-born Assange faces a charge of conspiracy to commit computer intrusion in the US.",
                "The ferry operator is cutting winter sailings. Passenger numbers fell by a third.",
            ])
        );
    }

    #[test]
    fn post_meta_lines() {
        assert!(is_post_meta_line(
            "05/10/2018 - Publicado por: Ana Ruiz - Categoria: Saúde - Tags: hospital obras"
        ));
        assert!(is_post_meta_line(
            "Posted by Ivo Brandt | Filed under: City, Transport"
        ));
        assert!(!is_post_meta_line(
            "The report was published by the ministry on Monday."
        ));
        assert!(!is_post_meta_line("Tags: harbour"));
    }

    #[test]
    fn credit_lines() {
        assert!(is_credit_line(
            "Courier staff writer Ana Ruiz and the Associated Press contributed to this report."
        ));
        assert!(is_credit_line(
            "Ruiz reported from Ankara. Ivo Brandt in Sofia contributed to the report."
        ));
        assert!(is_credit_line(
            "Fox News' Ana Ruiz contributed to this story"
        ));
        assert!(!is_credit_line(
            "Three universities contributed to the report, which the ministry published on Monday."
        ));
    }

    #[test]
    fn byline_lines() {
        assert!(is_byline_line("By Phil Helsel"));
        assert!(is_byline_line("By Reuters"));
        assert!(is_byline_line("BY MARTA KOVAC, IVO BRANDT and O'NEILL"));
        assert!(!is_byline_line("By Monday the river had risen two metres."));
        assert!(!is_byline_line(
            "By the end of the year, prices had doubled"
        ));
        assert!(!is_byline_line("By"));
        assert!(!is_byline_line("Bystanders Filmed The Arrest"));
    }

    #[test]
    fn timestamp_lines() {
        assert!(is_timestamp_line("Published on 12/03/2025 - 08:15"));
        assert!(is_timestamp_line("Updated: March 3, 2025 10:12 a.m. EST"));
        assert!(is_timestamp_line("Date: 14:05 GMT, 3 March 2025"));
        assert!(!is_timestamp_line("4:14 p.m."));
        assert!(!is_timestamp_line("(Published Monday, Nov. 18, 2019)"));
        assert!(is_timestamp_line("Last updated 2 hours ago"));
        assert!(is_timestamp_line(
            "Posted Tuesday, 4th November 2025 | 19h30"
        ));
        assert!(!is_timestamp_line(
            "Published on Monday, the report found 12 errors."
        ));
        assert!(!is_timestamp_line(
            "March 3 was the coldest day of 2025 in the capital"
        ));
        assert!(!is_timestamp_line("Updated rules take effect on 1 July"));
        assert!(!is_timestamp_line("Published"));
        assert!(is_timestamp_line("Nov. 19, 2019, 8:41 AM UTC"));
        assert!(is_timestamp_line("| 16.04.2025 - Update : 16.04.2025"));
        assert!(is_timestamp_line(
            "sexta-feira, 22 de outubro de 2010 às 20:13"
        ));
        assert!(is_timestamp_line("Le 22 mars 2019 à 20h13"));
        assert!(!is_timestamp_line(
            "Le gouvernement a annoncé le 22 mars 2019 à 20h13"
        ));
        assert!(!is_timestamp_line("In 2025 the rules were updated twice"));
        assert!(is_timestamp_line("19.11.2019 08:41"));
        assert!(!is_timestamp_line("Nov. 19, 2019"));
        assert!(!is_timestamp_line(
            "At 8:41 on Nov. 19, 2019 the alarm sounded"
        ));
    }
}
