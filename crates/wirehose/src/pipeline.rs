//! The daemon's topology: fetcher → parse/analyze workers → store, joined by bounded channels.
//!
//! Shutdown runs front to back: cancelling the token stops the fetcher from claiming work; it then
//! drops its sender, the workers drain and drop theirs, and the store writes what is left.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use model::{AnalyzedArticle, Failure, FailureClass, FailureStage, FetchedPage, Outcome, RawPage};
use store::Store;
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{debug, error, info, warn};

use crate::config::Config;
use crate::metrics::Metrics;
use crate::watchdog::Watchdog;

/// Runs the daemon's stages until `shutdown` is cancelled and everything in flight is stored.
pub async fn run(
    config: Config,
    store: Store,
    parser: Arc<parser::Parser>,
    metrics: Arc<Metrics>,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    store
        .upsert_sources(&config.sources)
        .await
        .context("recording the configured sources")?;
    let fetcher = fetcher::Fetcher::new(config.crawler.clone(), store.pool().clone())?;
    // The fetcher's frontier is built from `[crawler]`: the later stages record their failures
    // through it, so that one attempt limit and one retry schedule hold for every stage.
    let frontier = fetcher.frontier();
    info!(
        sources = config.sources.len(),
        workers = config.pipeline.workers,
        "wirehose running"
    );
    let sources = config.sources.clone();
    let token = shutdown.clone();
    run_stages(
        &config,
        store,
        frontier,
        parser,
        metrics,
        shutdown,
        move |page_tx| async move {
            fetcher
                .run(sources, page_tx, token)
                .await
                .map_err(anyhow::Error::from)
        },
    )
    .await
}

/// Runs `produce` as the head of the pipeline (it sends pages and returns when done), with the
/// parse/analyze workers and the store behind it; returns when everything it sent is stored.
pub async fn run_with<F, Fut>(
    config: &Config,
    store: Store,
    parser: Arc<parser::Parser>,
    metrics: Arc<Metrics>,
    shutdown: CancellationToken,
    produce: F,
) -> anyhow::Result<()>
where
    F: FnOnce(mpsc::Sender<FetchedPage>) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let frontier = frontier(config, store.pool().clone());
    run_stages(config, store, frontier, parser, metrics, shutdown, produce).await
}

/// The crawl frontier with the attempt limit and retry delays of `[crawler]`.
pub fn frontier(config: &Config, pool: sqlx::PgPool) -> fetcher::Frontier {
    let c = &config.crawler;
    fetcher::Frontier::new(pool).with_retries(c.max_attempts, c.retry_base, c.retry_max)
}

/// The stages behind `produce`, recording outcomes in `frontier`.
async fn run_stages<F, Fut>(
    config: &Config,
    store: Store,
    frontier: fetcher::Frontier,
    parser: Arc<parser::Parser>,
    metrics: Arc<Metrics>,
    shutdown: CancellationToken,
    produce: F,
) -> anyhow::Result<()>
where
    F: FnOnce(mpsc::Sender<FetchedPage>) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let cap = config.pipeline.channel_capacity;
    let (page_tx, page_rx) = mpsc::channel::<FetchedPage>(cap);
    let (out_tx, out_rx) = mpsc::channel::<Outcome>(cap);
    let watchdog = Watchdog::default();
    tokio::spawn(
        watchdog
            .clone()
            .watch(Duration::from_secs(60), shutdown.clone()),
    );

    tokio::spawn(sample_queues(
        page_tx.downgrade(),
        out_tx.downgrade(),
        metrics.clone(),
    ));
    let mut stages = JoinSet::new();
    let head = produce(page_tx);
    stages.spawn(async move { ("source", head.await) });
    let p = config.pipeline.clone();
    let (m, w) = (metrics.clone(), watchdog.clone());
    stages.spawn(async move {
        (
            "process",
            process(page_rx, out_tx, parser, p.workers, p.keep_raw_pages, m, w).await,
        )
    });
    let sink = Sink {
        store,
        frontier,
        batch_size: p.batch_size,
        batch_timeout: p.batch_timeout,
        metrics: metrics.clone(),
        watchdog,
        shutdown: shutdown.clone(),
    };
    stages.spawn(async move { ("store", sink.run(out_rx).await) });
    metrics
        .running
        .store(true, std::sync::atomic::Ordering::Relaxed);

    let mut first_error = None;
    while let Some(joined) = stages.join_next().await {
        let (stage, result) = match joined {
            Ok(r) => r,
            Err(e) => ("a stage", Err(anyhow::anyhow!("task failed: {e}"))),
        };
        match result {
            Ok(()) => debug!(stage, "stage finished"),
            Err(e) => {
                error!(stage, error = %format!("{e:#}"), "stage failed; stopping the others");
                shutdown.cancel();
                first_error.get_or_insert(e.context(format!("{stage} stage")));
            }
        }
    }
    metrics
        .running
        .store(false, std::sync::atomic::Ordering::Relaxed);
    match first_error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Parses and analyzes pages on blocking threads, at most `workers` at once.
async fn process(
    mut pages: mpsc::Receiver<FetchedPage>,
    out: mpsc::Sender<Outcome>,
    parser: Arc<parser::Parser>,
    workers: usize,
    keep_raw: bool,
    metrics: Arc<Metrics>,
    watchdog: Watchdog,
) -> anyhow::Result<()> {
    let permits = Arc::new(Semaphore::new(workers.max(1)));
    let tracker = TaskTracker::new();
    while let Some(page) = pages.recv().await {
        let permit = permits.clone().acquire_owned().await?;
        let out = out.clone();
        let parser = parser.clone();
        let metrics = metrics.clone();
        let in_flight = watchdog.enter("parse+analyze", page.url.clone());
        tracker.spawn_blocking(move || {
            let _in_flight = in_flight;
            let (source, url) = (page.source.clone(), page.url.clone());
            // A bug in the parser or analyzer must cost one page, not the worker or the page's lease.
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                process_page(&parser, page, keep_raw, Some(&metrics))
            }))
            .unwrap_or_else(|_| {
                tracing::error!(%url, "the parser or analyzer panicked on this page; recorded as a failure");
                Outcome::Failed(Failure {
                    source,
                    url,
                    stage: FailureStage::Parse,
                    class: FailureClass::Panic,
                    reason: "the parser or analyzer panicked".into(),
                    at: chrono::Utc::now(),
                })
            });
            // The store stage only closes after this sender is dropped, so a send fails only on a crash.
            let _ = out.blocking_send(outcome);
            drop(permit);
        });
    }
    tracker.close();
    tracker.wait().await;
    Ok(())
}

/// Turns one fetched page into what the store writes.
pub fn process_page(
    parser: &parser::Parser,
    page: FetchedPage,
    keep_raw: bool,
    metrics: Option<&Metrics>,
) -> Outcome {
    let started = std::time::Instant::now();
    let opts = parser::ParseOptions {
        url: Some(&page.final_url),
        content_type: page.content_type.as_deref(),
        fetched_at: Some(page.fetched_at),
    };
    match parser.parse_report(&page.body, &opts) {
        Ok(parsed) => {
            let article = parsed.article;
            if parsed.profile_failed {
                tracing::warn!(source = %page.source, url = %page.url, profile = ?parsed.profile, "site profile found no body; the generic extractor took over");
                if let Some(m) = metrics {
                    m.profile_failures
                        .get_or_create(&vec![("source".into(), page.source.clone())])
                        .inc();
                }
            }
            let parse_done = std::time::Instant::now();
            let mut analysis = analyzer::analyze(&article);
            if let Some(found) = crate::limits::bound_analysis(&mut analysis) {
                warn!(url = %page.url, quotes = found.quotes, mentions = found.mentions, "more quotes or mentions than an article keeps; the earliest are stored");
            }
            if let Some(m) = metrics {
                m.pages_processed.inc();
                m.observe("parse", parse_done - started);
                m.observe("analyze", parse_done.elapsed());
            }
            let raw = keep_raw.then(|| RawPage {
                status: page.status,
                redirects: page.redirects,
                headers: page.headers.clone(),
                body: page.body,
            });
            Outcome::Article(Box::new(AnalyzedArticle {
                source: page.source,
                agency: page.agency,
                url: page.url,
                final_url: page.final_url,
                fetched_at: page.fetched_at,
                article,
                analysis,
                raw,
            }))
        }
        Err(e) => {
            if let Some(m) = metrics {
                m.pages_processed.inc();
                m.parse_failures
                    .get_or_create(&vec![("source".into(), page.source.clone())])
                    .inc();
            }
            Outcome::Failed(Failure {
                source: page.source,
                url: page.url,
                stage: FailureStage::Parse,
                class: parse_failure_class(&e),
                reason: e.to_string(),
                at: chrono::Utc::now(),
            })
        }
    }
}

/// How the frontier treats a page the parser rejects.
///
/// An empty 200 is most often a fault of the moment (an origin or cache that cut the body), so it
/// is retried like a body that failed to arrive, within `[crawler] max_attempts`; a page that is
/// not text, or a broken site profile, will not change on a second try.
fn parse_failure_class(e: &parser::ParseError) -> FailureClass {
    match e {
        parser::ParseError::Empty => FailureClass::Body,
        _ => FailureClass::Parse,
    }
}

/// The store stage: where outcomes are written, how they are batched, and whom it tells.
struct Sink {
    store: Store,
    frontier: fetcher::Frontier,
    batch_size: usize,
    batch_timeout: Duration,
    metrics: Arc<Metrics>,
    watchdog: Watchdog,
    shutdown: CancellationToken,
}

impl Sink {
    /// Gathers outcomes into batches and writes each in one transaction, retrying while the
    /// database is away; only after a commit are the frontier rows marked done.
    async fn run(self, mut rx: mpsc::Receiver<Outcome>) -> anyhow::Result<()> {
        let mut batch = Vec::with_capacity(self.batch_size);
        loop {
            let first = match rx.recv().await {
                Some(o) => o,
                None => break,
            };
            batch.push(first);
            let deadline = tokio::time::sleep(self.batch_timeout);
            tokio::pin!(deadline);
            while batch.len() < self.batch_size {
                tokio::select! {
                    o = rx.recv() => match o { Some(o) => batch.push(o), None => break },
                    _ = &mut deadline => break,
                }
            }
            let in_flight = self.watchdog.enter(
                "store",
                format!(
                    "batch of {} starting with {}",
                    batch.len(),
                    outcome_url(&batch[0])
                ),
            );
            self.write_with_retry(&batch).await?;
            drop(in_flight);
            batch.clear();
        }
        Ok(())
    }

    /// Writes one batch, waiting out a database outage, then records the outcomes in the frontier.
    async fn write_with_retry(&self, batch: &[Outcome]) -> anyhow::Result<()> {
        let (store, frontier, metrics, shutdown) =
            (&self.store, &self.frontier, &self.metrics, &self.shutdown);
        let started = std::time::Instant::now();
        let mut delay = Duration::from_millis(200);
        let mut failing_since = None;
        loop {
            match store.write_batch(batch).await {
                Ok(stats) => {
                    metrics.observe("store", started.elapsed());
                    metrics.articles_stored.inc_by(stats.articles);
                    metrics.quotes_stored.inc_by(stats.quotes);
                    metrics.mentions_stored.inc_by(stats.mentions);
                    if failing_since.take().is_some() {
                        info!("database reachable again; writes resumed");
                    }
                    debug!(
                        articles = stats.articles,
                        quotes = stats.quotes,
                        mentions = stats.mentions,
                        "batch stored"
                    );
                    break;
                }
                Err(e) => {
                    metrics.store_errors.inc();
                    if failing_since.is_none() {
                        warn!(error = %e, held = batch.len(), "cannot write to the database; holding the batch and retrying");
                        failing_since = Some(tokio::time::Instant::now());
                    }
                    if shutdown.is_cancelled() && delay >= Duration::from_secs(5) {
                        // Leases of these URLs expire and another poll fetches them again: nothing is lost.
                        anyhow::bail!("database unreachable during shutdown: {e}");
                    }
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
            }
        }
        let mut done = Vec::new();
        for o in batch {
            match o {
                Outcome::Article(a) => done.push(a.url.clone()),
                Outcome::Failed(f) => {
                    if let Err(e) = frontier.fail(&f.url, f.class, &f.reason).await {
                        warn!(url = %f.url, error = %e, "cannot record the failure in the frontier");
                    }
                }
            }
        }
        if let Err(e) = frontier.complete(&done).await {
            // The articles are committed; an unfinished lease only means one idempotent refetch.
            warn!(error = %e, "cannot mark stored URLs done in the frontier");
        }
        Ok(())
    }
}

/// Samples channel depths for `/metrics` without keeping the channels open.
async fn sample_queues(
    pages: mpsc::WeakSender<FetchedPage>,
    outcomes: mpsc::WeakSender<Outcome>,
    metrics: Arc<Metrics>,
) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        let (Some(p), Some(o)) = (pages.upgrade(), outcomes.upgrade()) else {
            return;
        };
        metrics.set_queue("pages", p.max_capacity() - p.capacity());
        metrics.set_queue("outcomes", o.max_capacity() - o.capacity());
    }
}

fn outcome_url(o: &Outcome) -> &str {
    match o {
        Outcome::Article(a) => &a.url,
        Outcome::Failed(f) => &f.url,
    }
}
