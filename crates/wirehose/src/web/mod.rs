//! `wirehose serve`: a read-only web view of stories, quotes, speakers and entities, each page
//! with a JSON twin under `/api/`.

mod chart;
mod error;
mod highlight;
mod pages;
mod params;
mod queries;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Executor, PgPool};
use tokio_util::sync::CancellationToken;

use crate::metrics::Metrics;
use error::{HtmlError, JsonError, WebError};
use params::Raw;

/// The address `serve` listens on when neither `--listen` nor `[web] listen` says otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// How long a request may wait for a connection from the pool before it is a 503.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);
/// Connections the web view holds at most.
const MAX_CONNECTIONS: u32 = 8;

/// The `[web]` settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Where `run` also serves the web view; `None` leaves it off.
    pub listen: Option<SocketAddr>,
    /// Longest one page query may run before the page is a 503.
    pub statement_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: None,
            statement_timeout: Duration::from_secs(2),
        }
    }
}

/// A pool that can only read: the `wirehose_reader` role when this login may take it, and
/// read-only transactions in any case; each statement bounded by `statement_timeout`.
pub fn reader_pool(url: &str, settings: &Settings) -> anyhow::Result<PgPool> {
    let opts: PgConnectOptions = url
        .parse()
        .map_err(|e| anyhow::anyhow!("the database URL does not parse: {e}"))?;
    let timeout_ms = settings.statement_timeout.as_millis().max(1).to_string();
    let opts = opts.application_name("wirehose-web").options([
        ("default_transaction_read_only", "on"),
        ("statement_timeout", timeout_ms.as_str()),
    ]);
    static MODE_LOGGED: AtomicBool = AtomicBool::new(false);
    let pool = PgPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .after_connect(|conn, _| {
            Box::pin(async move {
                // A failed SET outside a transaction leaves the session as it was.
                let role = conn.execute("SET ROLE wirehose_reader").await.is_ok();
                if !MODE_LOGGED.swap(true, Ordering::Relaxed) {
                    if role {
                        tracing::info!("web: reading as the wirehose_reader role");
                    } else {
                        tracing::info!("web: the wirehose_reader role is not available to this login; reading in read-only transactions");
                    }
                }
                Ok(())
            })
        })
        .connect_lazy_with(opts);
    Ok(pool)
}

#[derive(Clone)]
struct Web {
    pool: PgPool,
    /// Bounds a whole request, in case a connection hangs past the statement timeout.
    deadline: Duration,
}

/// Runs `work` within the request deadline; past it the page is a 503.
async fn bounded<T>(
    web: &Web,
    work: impl std::future::Future<Output = Result<T, WebError>>,
) -> Result<T, WebError> {
    match tokio::time::timeout(web.deadline, work).await {
        Ok(r) => r,
        Err(_) => {
            tracing::warn!("web: request passed its deadline");
            Err(WebError::Unavailable)
        }
    }
}

/// The web view's routes, with request logs and counts.
fn router(pool: PgPool, settings: &Settings, metrics: Arc<Metrics>) -> Router {
    let web = Web {
        pool,
        deadline: settings.statement_timeout * 3 + ACQUIRE_TIMEOUT,
    };
    Router::new()
        .route("/", get(home_html))
        .route("/api/stories", get(home_json))
        .route("/stories/{id}", get(story_html))
        .route("/api/stories/{id}", get(story_json))
        .route("/speakers/{id}", get(speaker_html))
        .route("/api/speakers/{id}", get(speaker_json))
        .route("/entities/{id}", get(entity_html))
        .route("/api/entities/{id}", get(entity_json))
        .route("/search", get(search_html))
        .route("/api/search", get(search_json))
        .route("/quotes", get(quotes_html))
        .route("/api/quotes", get(quotes_json))
        .route("/style.css", get(style))
        .fallback(not_found)
        .with_state(web)
        .layer(axum::middleware::from_fn_with_state(metrics, log_request))
}

/// Serves the web view on `listener` until `shutdown`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    pool: PgPool,
    settings: &Settings,
    metrics: Arc<Metrics>,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let app = router(pool, settings, metrics);
    axum::serve(listener, app)
        .with_graceful_shutdown(async move { shutdown.cancelled().await })
        .await
}

/// The page name a path is counted under: ids left out, so the label set stays small.
fn page_label(path: &str) -> &'static str {
    let mut parts = path.trim_start_matches('/').split('/');
    let first = parts.next().unwrap_or("");
    let (api, name, rest) = if first == "api" {
        (true, parts.next().unwrap_or(""), parts.next())
    } else {
        (false, first, parts.next())
    };
    match (api, name, rest.is_some()) {
        (false, "", _) | (true, "stories", false) => "stories",
        (_, "stories", true) => "story",
        (_, "speakers", true) => "speaker",
        (_, "entities", true) => "entity",
        (_, "search", false) => "search",
        (_, "quotes", false) => "quotes",
        (false, "style.css", _) => "style",
        _ => "other",
    }
}

async fn log_request(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let started = Instant::now();
    let resp = next.run(req).await;
    let status = resp.status().as_u16();
    let api = path.starts_with("/api/");
    metrics.count_web_request(page_label(&path), api, status);
    tracing::info!(
        %method,
        path,
        status,
        ms = started.elapsed().as_millis() as u64,
        "web request"
    );
    resp
}

async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("style.css"),
    )
}

async fn not_found(uri: axum::http::Uri) -> Response {
    let e = WebError::NotFound(format!("nothing lives at {}", uri.path()));
    if uri.path().starts_with("/api/") {
        JsonError(e).into_response()
    } else {
        HtmlError(e).into_response()
    }
}

fn query(q: Result<Query<Raw>, QueryRejection>) -> Result<Raw, WebError> {
    q.map(|Query(r)| r).map_err(|e| {
        WebError::BadRequest(format!(
            "the query string does not parse: {}",
            e.body_text()
        ))
    })
}

fn path_id(what: &str, p: Result<Path<String>, PathRejection>) -> Result<i64, WebError> {
    let Path(v) = p.map_err(|e| WebError::BadRequest(e.body_text()))?;
    params::id(what, &v)
}

struct Home {
    list: queries::Paged<queries::StoryRow>,
    sources: Vec<queries::SourceRow>,
    source: Option<String>,
    day: Option<chrono::NaiveDate>,
}

async fn home_data(web: &Web, raw: Raw) -> Result<Home, WebError> {
    let page = params::page(&raw)?;
    let source = params::name("source", &raw.source)?;
    let day = params::day("day", &raw.day)?;
    bounded(web, async {
        let list = queries::latest_stories(&web.pool, source.as_deref(), day, page).await?;
        let sources = queries::sources(&web.pool).await?;
        Ok(Home {
            list,
            sources,
            source,
            day,
        })
    })
    .await
}

async fn home_html(
    State(web): State<Web>,
    q: Result<Query<Raw>, QueryRejection>,
) -> Result<Html<String>, HtmlError> {
    let h = home_data(&web, query(q)?).await?;
    Ok(pages::home(
        &h.list,
        &h.sources,
        h.source.as_deref(),
        h.day.map(|d| d.to_string()),
    ))
}

async fn home_json(
    State(web): State<Web>,
    q: Result<Query<Raw>, QueryRejection>,
) -> Result<Json<serde_json::Value>, JsonError> {
    let h = home_data(&web, query(q)?).await?;
    Ok(Json(json!({
        "source": h.source,
        "day": h.day,
        "stories": h.list,
        "sources": h.sources,
    })))
}

async fn story_data(web: &Web, id: i64) -> Result<queries::Story, WebError> {
    bounded(web, queries::story(&web.pool, id))
        .await?
        .ok_or_else(|| WebError::NotFound(format!("there is no story {id}")))
}

async fn story_html(
    State(web): State<Web>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, HtmlError> {
    let id = path_id("story", p)?;
    Ok(pages::story(&story_data(&web, id).await?))
}

async fn story_json(
    State(web): State<Web>,
    p: Result<Path<String>, PathRejection>,
) -> Result<Json<queries::Story>, JsonError> {
    let id = path_id("story", p)?;
    Ok(Json(story_data(&web, id).await?))
}

async fn speaker_data(
    web: &Web,
    p: Result<Path<String>, PathRejection>,
    q: Result<Query<Raw>, QueryRejection>,
) -> Result<(i64, queries::Speaker), WebError> {
    let id = path_id("speaker", p)?;
    let page = params::page(&query(q)?)?;
    let s = bounded(web, queries::speaker(&web.pool, id, page))
        .await?
        .ok_or_else(|| WebError::NotFound(format!("there is no speaker {id}")))?;
    Ok((id, s))
}

async fn speaker_html(
    State(web): State<Web>,
    p: Result<Path<String>, PathRejection>,
    q: Result<Query<Raw>, QueryRejection>,
) -> Result<Html<String>, HtmlError> {
    let (id, s) = speaker_data(&web, p, q).await?;
    Ok(pages::speaker(&s, id))
}

async fn speaker_json(
    State(web): State<Web>,
    p: Result<Path<String>, PathRejection>,
    q: Result<Query<Raw>, QueryRejection>,
) -> Result<Json<queries::Speaker>, JsonError> {
    Ok(Json(speaker_data(&web, p, q).await?.1))
}

async fn entity_data(
    web: &Web,
    p: Result<Path<String>, PathRejection>,
    q: Result<Query<Raw>, QueryRejection>,
) -> Result<(i64, queries::EntityPage), WebError> {
    let id = path_id("entity", p)?;
    let page = params::page(&query(q)?)?;
    let e = bounded(web, queries::entity(&web.pool, id, page))
        .await?
        .ok_or_else(|| WebError::NotFound(format!("there is no entity {id}")))?;
    Ok((id, e))
}

async fn entity_html(
    State(web): State<Web>,
    p: Result<Path<String>, PathRejection>,
    q: Result<Query<Raw>, QueryRejection>,
) -> Result<Html<String>, HtmlError> {
    let (id, e) = entity_data(&web, p, q).await?;
    Ok(pages::entity(&e, id))
}

async fn entity_json(
    State(web): State<Web>,
    p: Result<Path<String>, PathRejection>,
    q: Result<Query<Raw>, QueryRejection>,
) -> Result<Json<queries::EntityPage>, JsonError> {
    Ok(Json(entity_data(&web, p, q).await?.1))
}

async fn search_data(
    web: &Web,
    q: Result<Query<Raw>, QueryRejection>,
) -> Result<queries::SearchResults, WebError> {
    let raw = query(q)?;
    let page = params::page(&raw)?;
    let text = params::query(&raw.q)?
        .ok_or_else(|| WebError::BadRequest("q, the words to search for, is missing".into()))?;
    bounded(web, queries::search(&web.pool, &text, page)).await
}

async fn search_html(
    State(web): State<Web>,
    q: Result<Query<Raw>, QueryRejection>,
) -> Result<Html<String>, HtmlError> {
    Ok(pages::search(&search_data(&web, q).await?))
}

async fn search_json(
    State(web): State<Web>,
    q: Result<Query<Raw>, QueryRejection>,
) -> Result<Json<queries::SearchResults>, JsonError> {
    Ok(Json(search_data(&web, q).await?))
}

async fn quotes_data(web: &Web, raw: &Raw) -> Result<queries::Paged<queries::QuoteRow>, WebError> {
    let page = params::page(raw)?;
    let text = params::query(&raw.q)?;
    let speaker = params::name("speaker", &raw.speaker)?;
    let from = params::day("from", &raw.from)?;
    let to = params::day("to", &raw.to)?;
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(WebError::BadRequest(format!(
                "from ({f}) is after to ({t})"
            )));
        }
    }
    let filter = queries::QuoteFilter {
        q: text.as_deref(),
        speaker: speaker.as_deref(),
        from,
        to,
    };
    bounded(web, queries::quotes(&web.pool, filter, page)).await
}

async fn quotes_html(
    State(web): State<Web>,
    q: Result<Query<Raw>, QueryRejection>,
) -> Result<Html<String>, HtmlError> {
    let raw = query(q)?;
    let list = quotes_data(&web, &raw).await?;
    let form = pages::QuoteForm {
        q: raw.q,
        speaker: raw.speaker,
        from: raw.from,
        to: raw.to,
    };
    Ok(pages::quotes(&list, &form))
}

async fn quotes_json(
    State(web): State<Web>,
    q: Result<Query<Raw>, QueryRejection>,
) -> Result<Json<queries::Paged<queries::QuoteRow>>, JsonError> {
    let raw = query(q)?;
    Ok(Json(quotes_data(&web, &raw).await?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn status_of(e: WebError) -> StatusCode {
        e.status_and_message().0
    }

    #[test]
    fn pages_are_counted_without_their_ids() {
        assert_eq!(page_label("/"), "stories");
        assert_eq!(page_label("/api/stories"), "stories");
        assert_eq!(page_label("/stories/12"), "story");
        assert_eq!(page_label("/api/speakers/3"), "speaker");
        assert_eq!(page_label("/search"), "search");
        assert_eq!(page_label("/wp-admin/x"), "other");
    }

    #[test]
    fn a_timed_out_statement_is_unavailable() {
        assert_eq!(
            status_of(WebError::from(sqlx::Error::PoolTimedOut)),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }
}
