//! What can go wrong serving a page, and how each failure looks to a reader and to a script.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A request that cannot be answered with the page asked for.
#[derive(Debug)]
pub enum WebError {
    /// A parameter is malformed or out of range; the message says which and why.
    BadRequest(String),
    /// No story, speaker or entity has that id.
    NotFound(String),
    /// The database is down, overloaded or too slow to answer in time.
    Unavailable,
    /// Anything else: logged, shown without details.
    Internal,
}

impl WebError {
    /// The HTTP status and the sentence shown for it.
    pub fn status_and_message(&self) -> (StatusCode, String) {
        match self {
            WebError::BadRequest(m) => (StatusCode::BAD_REQUEST, m.clone()),
            WebError::NotFound(m) => (StatusCode::NOT_FOUND, m.clone()),
            WebError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "the database is not answering in time; try again in a moment".into(),
            ),
            WebError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "something went wrong reading the database".into(),
            ),
        }
    }
}

impl From<sqlx::Error> for WebError {
    fn from(e: sqlx::Error) -> Self {
        // 57014: statement_timeout fired; 53xxx: out of resources; 57P0x: server shutting down.
        let unavailable = match &e {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
            sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) => true,
            sqlx::Error::Database(d) => d
                .code()
                .is_some_and(|c| c == "57014" || c.starts_with("53") || c.starts_with("57P")),
            _ => false,
        };
        if unavailable {
            tracing::warn!(error = %e, "web: database unavailable");
            WebError::Unavailable
        } else {
            tracing::error!(error = %e, "web: query failed");
            WebError::Internal
        }
    }
}

/// A failure answered as a JSON object `{"error": "..."}`.
pub struct JsonError(pub WebError);

impl IntoResponse for JsonError {
    fn into_response(self) -> Response {
        let (status, message) = self.0.status_and_message();
        (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
    }
}

impl From<WebError> for JsonError {
    fn from(e: WebError) -> Self {
        JsonError(e)
    }
}

/// A failure answered as an HTML page.
pub struct HtmlError(pub WebError);

impl IntoResponse for HtmlError {
    fn into_response(self) -> Response {
        let (status, message) = self.0.status_and_message();
        let title = status.canonical_reason().unwrap_or("Error");
        let page = super::pages::layout(
            title,
            maud::html! {
                h1 { (status.as_u16()) " " (title) }
                p.error { (message) }
                p { a href="/" { "Latest stories" } }
            },
        );
        (status, page).into_response()
    }
}

impl From<WebError> for HtmlError {
    fn from(e: WebError) -> Self {
        HtmlError(e)
    }
}
