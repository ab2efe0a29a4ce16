//! A flat, index-based view of the parsed page, built once from the scraper tree.
//!
//! Extraction walks it bottom-up and top-down many times; plain indices keep that cheap and
//! free of recursion, so deeply nested markup cannot exhaust the stack.

use std::collections::HashMap;

use ego_tree::NodeId;
use scraper::{ElementRef, Html, Node};

/// Index of a node in [`Dom::nodes`].
pub(crate) type Ix = u32;
/// Marker for "no node".
pub(crate) const NONE: Ix = u32::MAX;

/// Tags the extractor treats specially.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    P,
    Div,
    Section,
    Article,
    Main,
    Span,
    A,
    H(u8),
    Li,
    Ul,
    Ol,
    Dl,
    Dd,
    Dt,
    Table,
    Tr,
    Td,
    Th,
    Br,
    Hr,
    Blockquote,
    Pre,
    Img,
    Figure,
    Figcaption,
    Header,
    Footer,
    Nav,
    Aside,
    Form,
    Body,
    Time,
    /// Never content: script, style, inputs, media and the like.
    Junk,
    /// Inline formatting and anything else.
    Other,
    /// Block-level but otherwise plain (address, center, details, ...).
    OtherBlock,
}

impl Tag {
    fn of(name: &str) -> Tag {
        match name {
            "p" => Tag::P,
            "div" => Tag::Div,
            "section" => Tag::Section,
            "article" => Tag::Article,
            "main" => Tag::Main,
            "span" => Tag::Span,
            "a" => Tag::A,
            "h1" => Tag::H(1),
            "h2" => Tag::H(2),
            "h3" => Tag::H(3),
            "h4" => Tag::H(4),
            "h5" => Tag::H(5),
            "h6" => Tag::H(6),
            "li" => Tag::Li,
            "ul" => Tag::Ul,
            "ol" => Tag::Ol,
            "dl" => Tag::Dl,
            "dd" => Tag::Dd,
            "dt" => Tag::Dt,
            "table" => Tag::Table,
            "tr" => Tag::Tr,
            "td" => Tag::Td,
            "th" => Tag::Th,
            "br" => Tag::Br,
            "hr" => Tag::Hr,
            "blockquote" => Tag::Blockquote,
            "pre" => Tag::Pre,
            "img" | "picture" => Tag::Img,
            "figure" => Tag::Figure,
            "figcaption" => Tag::Figcaption,
            "header" => Tag::Header,
            "footer" => Tag::Footer,
            "nav" => Tag::Nav,
            "aside" => Tag::Aside,
            "form" => Tag::Form,
            "body" => Tag::Body,
            "time" => Tag::Time,
            "script" | "style" | "noscript" | "template" | "button" | "select" | "input"
            | "textarea" | "option" | "iframe" | "svg" | "canvas" | "object" | "embed"
            | "video" | "audio" | "source" | "map" | "dialog" | "menu" | "head" | "title"
            | "meta" | "link" | "label" | "math" | "rt" | "rp" => Tag::Junk,
            "html" | "address" | "center" | "details" | "summary" | "fieldset" | "hgroup"
            | "tbody" | "thead" | "tfoot" | "caption" | "ins" => Tag::OtherBlock,
            _ => Tag::Other,
        }
    }

    /// The tag as a reader of `extract --explain` knows it: `h2`, `nav`, `block` for the other
    /// block elements, `inline` for the other inline ones, `non-text` for scripts and controls.
    pub(crate) fn name(self) -> String {
        match self {
            Tag::H(n) => format!("h{n}"),
            Tag::OtherBlock => "block".into(),
            Tag::Other => "inline".into(),
            Tag::Junk => "non-text".into(),
            t => format!("{t:?}").to_lowercase(),
        }
    }

    /// Whether the tag starts a new paragraph in the output.
    pub(crate) fn is_block(self) -> bool {
        !matches!(
            self,
            Tag::Span | Tag::A | Tag::Other | Tag::Br | Tag::Img | Tag::Time | Tag::Junk
        )
    }
}

/// One node of the flat tree.
#[derive(Debug)]
pub(crate) struct DNode<'a> {
    pub parent: Ix,
    pub children: Vec<Ix>,
    /// `None` for text nodes.
    pub tag: Option<Tag>,
    /// Lower-cased `class` and `id` joined by a space (elements only).
    pub cls: Box<str>,
    /// Text content (text nodes only), borrowed from the parsed page.
    pub text: &'a str,
    /// Non-space characters of `text`.
    pub chars: u32,
    /// Whether the element is hidden, dialog-like or otherwise never content.
    pub hidden: bool,
    /// The ARIA role, lower-cased, when set.
    pub role: Box<str>,
    /// The `itemprop` attribute, lower-cased, when set.
    pub itemprop: Box<str>,
}

impl<'a> DNode<'a> {
    /// An element, with its class and id words, visibility, role and itemprop.
    fn element(e: &scraper::node::Element, parent: Ix) -> DNode<'a> {
        let tag = Tag::of(e.name());
        let mut cls = String::new();
        let mut hidden = false;
        let mut role: Box<str> = "".into();
        let mut itemprop: Box<str> = "".into();
        for (k, v) in e.attrs() {
            match k {
                "id" if matches!(tag, Tag::H(_)) && is_slug(v) => {}
                "class" | "id" => push_class_words(&mut cls, v),
                // React streams server-rendered parts into hidden `S:` boundaries that
                // scripts reveal at once; their text is the page's own.
                "hidden" => hidden = !e.id().is_some_and(|id| id.starts_with("S:")),
                "aria-hidden" => hidden |= v.eq_ignore_ascii_case("true"),
                "style" => hidden |= hides(v),
                "role" => role = v.to_ascii_lowercase().into(),
                "itemprop" => itemprop = v.to_ascii_lowercase().into(),
                _ => {}
            }
        }
        DNode {
            parent,
            children: Vec::new(),
            tag: Some(tag),
            cls: cls.into(),
            text: "",
            chars: 0,
            hidden,
            role,
            itemprop,
        }
    }

    /// A text node, borrowing its text from the parsed page.
    fn text(text: &'a str, parent: Ix) -> DNode<'a> {
        DNode {
            tag: None,
            text,
            chars: crate::extract::non_space_chars(text),
            ..DNode::inert(parent, Tag::Junk, false)
        }
    }

    /// A node with no text, class or attributes of its own.
    fn inert(parent: Ix, tag: Tag, hidden: bool) -> DNode<'a> {
        DNode {
            parent,
            children: Vec::new(),
            tag: Some(tag),
            cls: "".into(),
            text: "",
            chars: 0,
            hidden,
            role: "".into(),
            itemprop: "".into(),
        }
    }
}

/// Whether an inline style hides the element: `display:none`, `visibility:hidden`, or the
/// screen-reader-only pattern, a 1-pixel absolutely placed box (", opens new tab" after links,
/// "Advertisement" labels).
fn hides(style: &str) -> bool {
    let s = style.to_ascii_lowercase().replace(' ', "");
    s.contains("display:none")
        || s.contains("visibility:hidden")
        || (s.contains("position:absolute")
            && (s.contains("width:1px") || s.contains("height:1px") || s.contains("clip:rect(0")))
}

/// The page as a flat tree in document order (a parent always precedes its children).
pub(crate) struct Dom<'a> {
    pub nodes: Vec<DNode<'a>>,
    /// Maps scraper node ids to indices (elements only, and only when asked for: site profiles select
    /// with scraper and need it, the generic extractor does not).
    pub by_id: HashMap<NodeId, Ix>,
}

impl<'a> Dom<'a> {
    /// Builds the flat tree from a parsed document; `index_ids` fills [`Dom::by_id`].
    pub(crate) fn build(html: &'a Html, index_ids: bool) -> Dom<'a> {
        let mut nodes: Vec<DNode<'a>> = Vec::with_capacity(4096);
        let mut by_id = if index_ids {
            HashMap::with_capacity(2048)
        } else {
            HashMap::new()
        };
        let mut stack: Vec<Ix> = Vec::with_capacity(64);
        for edge in html.tree.root().traverse() {
            match edge {
                ego_tree::iter::Edge::Open(n) => {
                    let parent = stack.last().copied().unwrap_or(NONE);
                    let ix = nodes.len() as Ix;
                    let node = match n.value() {
                        Node::Element(e) => {
                            if index_ids {
                                by_id.insert(n.id(), ix);
                            }
                            DNode::element(e, parent)
                        }
                        Node::Text(t) => {
                            // Script and style bodies are never read; skip copying them.
                            let junk =
                                parent != NONE && nodes[parent as usize].tag == Some(Tag::Junk);
                            DNode::text(if junk { "" } else { t }, parent)
                        }
                        Node::Document | Node::Fragment => {
                            DNode::inert(parent, Tag::OtherBlock, false)
                        }
                        // Comments, doctype, processing instructions: an inert placeholder keeps nesting right.
                        _ => DNode::inert(parent, Tag::Junk, true),
                    };
                    nodes.push(node);
                    if parent != NONE {
                        nodes[parent as usize].children.push(ix);
                    }
                    stack.push(ix);
                }
                ego_tree::iter::Edge::Close(_) => {
                    stack.pop();
                }
            }
        }
        Dom { nodes, by_id }
    }

    /// The index of a selected element.
    pub(crate) fn ix_of(&self, e: &ElementRef<'_>) -> Option<Ix> {
        self.by_id.get(&e.id()).copied()
    }

    /// Whether `a` is `b` or inside it.
    pub(crate) fn is_within(&self, mut a: Ix, b: Ix) -> bool {
        while a != NONE {
            if a == b {
                return true;
            }
            a = self.nodes[a as usize].parent;
        }
        false
    }
}

/// Whether a heading's id is three or more joined words ("what-comes-next-for-the-port"), the way
/// sites slug a heading's text: such an id says what the heading reads, not what box it is.
fn is_slug(id: &str) -> bool {
    id.split(['-', '_']).filter(|w| !w.is_empty()).count() >= 3
}

/// Appends a class or id value, lower-cased, to `cls`; a camelCase name ("similarPosts") is
/// followed by its split words ("similar-posts") so each part counts as a word of its own.
fn push_class_words(cls: &mut String, v: &str) {
    if !cls.is_empty() {
        cls.push(' ');
    }
    let from = cls.len();
    cls.push_str(v);
    cls[from..].make_ascii_lowercase();
    for token in v.split_ascii_whitespace() {
        let camel = token
            .as_bytes()
            .windows(2)
            .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
        if !camel {
            continue;
        }
        cls.push(' ');
        let mut prev_lower = false;
        for c in token.chars() {
            if prev_lower && c.is_ascii_uppercase() {
                cls.push('-');
            }
            prev_lower = c.is_ascii_lowercase();
            cls.push(c.to_ascii_lowercase());
        }
    }
}
