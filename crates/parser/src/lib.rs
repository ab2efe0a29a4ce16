//! The parser stage: turns the bytes of a fetched page into an [`Article`].
//!
//! Pure: bytes in, struct out, no I/O, so it is tested with golden files alone.

use chrono::{DateTime, Utc};
use model::Article;

/// Why a page could not be turned into an article.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The page has no text at all.
    #[error("page is empty")]
    Empty,
}

/// What the parser knows about a page besides its bytes.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions<'a> {
    /// The page's address, when known.
    pub url: Option<&'a str>,
    /// The HTTP `Content-Type` header, when known.
    pub content_type: Option<&'a str>,
    /// When the page was fetched (dates after it are rejected).
    pub fetched_at: Option<DateTime<Utc>>,
}

/// The article parser, holding its site profiles.
#[derive(Debug, Default)]
pub struct Parser {}

impl Parser {
    /// Parses one page.
    pub fn parse(&self, bytes: &[u8], _opts: &ParseOptions<'_>) -> Result<Article, ParseError> {
        if bytes.is_empty() {
            return Err(ParseError::Empty);
        }
        Ok(Article::default())
    }
}
