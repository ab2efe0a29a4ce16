//! The fetcher stage: polls the configured sources and fetches each new article page,
//! politely and safely, from a frontier kept in PostgreSQL.
//!
//! Several daemons on one database share the work through the `crawl_*` tables alone: feeds and
//! article URLs are claimed with leases (`FOR UPDATE SKIP LOCKED`), and each host's politeness
//! state (next allowed request, backoff, robots.txt, Crawl-delay, the one request in flight) is a
//! row that every daemon respects. Feeds configured by the operator are polled without a robots.txt
//! check; every article URL is checked against its host's robots.txt before it is requested.
//!
//! Adaptive polling: a poll that brings no new item (or a 304, or an unchanged body) stretches the
//! feed's interval by 1.25x, one where at least half the items are new shrinks it by 0.7x, within
//! `[poll_interval / 4, poll_interval * 4]`; failures back off exponentially and after
//! `feed_failures_to_disable` in a row the feed is probed only every `disabled_probe_interval`.

mod canon;
mod follow;
mod frontier;
mod http;
mod limiter;
mod listing;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use model::{FailureClass, FeedItem, FetchedPage, Source};
use sqlx::PgPool;
use tokio::sync::{mpsc, Notify};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};
use url::Url;

pub use canon::{canonical, host_key};
pub use frontier::Frontier;
pub use http::{Failed, Retry};
pub use limiter::HostLimiter;
pub use listing::detect as detect_kind;

use follow::End;
use frontier::{Claim, ClaimFailure, FeedClaim};
use http::Http;

/// Errors that stop the fetcher as a whole (a failing URL is recorded, never returned).
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The HTTP client could not be built.
    #[error("http client: {0}")]
    Client(#[from] reqwest::Error),
    /// A database error.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// A source cannot be polled as configured.
    #[error("source {0}: {1}")]
    Source(String, String),
}

/// The `[crawler]` settings.
#[derive(Debug, Clone)]
pub struct FetcherConfig {
    /// The User-Agent sent with every request.
    pub user_agent: String,
    /// Total timeout of one request.
    pub request_timeout: Duration,
    /// Politeness floor between two requests to one host.
    pub min_host_delay: Duration,
    /// Largest body accepted, in bytes (after decompression).
    pub max_body_bytes: u64,
    /// Whether loopback and private addresses may be fetched.
    pub allow_private_networks: bool,
    /// Timeout of the TCP + TLS connect.
    pub connect_timeout: Duration,
    /// Most redirects followed.
    pub max_redirects: usize,
    /// Longest URL requested or stored.
    pub max_url_len: usize,
    /// Article requests in flight at once (over different hosts).
    pub concurrency: usize,
    /// Feed polls in flight at once.
    pub feed_concurrency: usize,
    /// How long a claim is leased before another daemon may take it over.
    pub lease_duration: Duration,
    /// How long a page handed to the pipeline stays leased before it is fetched again.
    pub handoff_lease: Duration,
    /// How long a robots.txt is trusted.
    pub robots_ttl: Duration,
    /// How long a host is left alone when its robots.txt answers 5xx or times out.
    pub robots_error_hold: Duration,
    /// Cap on a robots.txt Crawl-delay.
    pub max_crawl_delay: Duration,
    /// First block after a 429/503/5xx; doubles per failure in a row.
    pub backoff_base: Duration,
    /// Cap on the host block, and on honoured Retry-After.
    pub backoff_max: Duration,
    /// Attempts before a transiently failing URL is given up.
    pub max_attempts: u32,
    /// First retry delay of a transiently failing URL; doubles per attempt.
    pub retry_base: Duration,
    /// Cap on a URL's retry delay.
    pub retry_max: Duration,
    /// Floor of the adaptive poll interval.
    pub min_poll_interval: Duration,
    /// Failures in a row after which a feed is disabled and only probed.
    pub feed_failures_to_disable: u32,
    /// How often a disabled feed is probed.
    pub disabled_probe_interval: Duration,
    /// Cap on a failing feed's backoff.
    pub feed_backoff_max: Duration,
    /// Child sitemaps of a sitemap index read per poll (the most recent first).
    pub max_child_sitemaps: usize,
    /// How often an idle worker looks for work that other daemons or delays made ready.
    pub idle_poll: Duration,
    /// How often expired leases are returned to the pool.
    pub reap_interval: Duration,
}

impl Default for FetcherConfig {
    fn default() -> Self {
        Self {
            user_agent: "wirehose/0.1 (+https://github.com/wirehose/wirehose)".into(),
            request_timeout: Duration::from_secs(30),
            min_host_delay: Duration::from_secs(1),
            max_body_bytes: 5_000_000,
            allow_private_networks: false,
            connect_timeout: Duration::from_secs(10),
            max_redirects: 5,
            max_url_len: 2048,
            concurrency: 8,
            feed_concurrency: 4,
            lease_duration: Duration::from_secs(120),
            handoff_lease: Duration::from_secs(600),
            robots_ttl: Duration::from_secs(24 * 3600),
            robots_error_hold: Duration::from_secs(600),
            max_crawl_delay: Duration::from_secs(30),
            backoff_base: Duration::from_secs(30),
            backoff_max: Duration::from_secs(3600),
            max_attempts: 5,
            retry_base: Duration::from_secs(60),
            retry_max: Duration::from_secs(6 * 3600),
            min_poll_interval: Duration::from_secs(30),
            feed_failures_to_disable: 10,
            disabled_probe_interval: Duration::from_secs(6 * 3600),
            feed_backoff_max: Duration::from_secs(6 * 3600),
            max_child_sitemaps: 5,
            idle_poll: Duration::from_millis(500),
            reap_interval: Duration::from_secs(10),
        }
    }
}

impl FetcherConfig {
    /// The product token matched against robots.txt groups ("wirehose" of "wirehose/0.1 (...)").
    fn robots_agent(&self) -> &str {
        self.user_agent
            .split(['/', ' '])
            .next()
            .filter(|s| !s.is_empty())
            .unwrap_or("wirehose")
    }

    /// The delay between two requests to a host with this Crawl-delay.
    fn host_delay(&self, crawl_delay_ms: Option<i32>) -> Duration {
        let crawl = crawl_delay_ms
            .and_then(|ms| u64::try_from(ms).ok())
            .map(Duration::from_millis)
            .unwrap_or(Duration::ZERO)
            .min(self.max_crawl_delay);
        self.min_host_delay.max(crawl)
    }

    /// Lease of one request: long enough for the request and the politeness wait before it.
    fn request_lease(&self) -> Duration {
        self.lease_duration
            .max(self.request_timeout * 2 + self.host_delay(None) + Duration::from_secs(5))
    }
}

/// The fetcher: polls sources and sends new article pages downstream.
#[derive(Debug)]
pub struct Fetcher {
    inner: Arc<Inner>,
}

struct Inner {
    cfg: Arc<FetcherConfig>,
    http: Http,
    frontier: Frontier,
    limiter: HostLimiter,
    worker: String,
    counter: AtomicU64,
    health: DbHealth,
    work: Notify,
    /// Claims of one batch waiting for a free worker (their leases and host gates are held).
    ready: Mutex<std::collections::VecDeque<Claim>>,
    sources: HashMap<String, Source>,
    robots: Mutex<HashMap<String, (u128, Arc<texting_robots::Robot>)>>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("worker", &self.worker)
            .finish_non_exhaustive()
    }
}

impl Fetcher {
    /// Builds a fetcher over the frontier in `pool`.
    pub fn new(config: FetcherConfig, pool: PgPool) -> Result<Self, FetchError> {
        let cfg = Arc::new(config);
        let http = Http::new(cfg.clone())?;
        let frontier =
            Frontier::new(pool).with_retries(cfg.max_attempts, cfg.retry_base, cfg.retry_max);
        let worker = format!("{}-{:08x}", std::process::id(), fastrand::u32(..));
        Ok(Self {
            inner: Arc::new(Inner {
                cfg,
                http,
                frontier,
                limiter: HostLimiter::default(),
                worker,
                counter: AtomicU64::new(0),
                health: DbHealth::default(),
                work: Notify::new(),
                ready: Mutex::new(std::collections::VecDeque::new()),
                sources: HashMap::new(),
                robots: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The frontier this fetcher claims from.
    pub fn frontier(&self) -> Frontier {
        self.inner.frontier.clone()
    }

    /// Polls `sources` until `shutdown` is cancelled, sending every fetched article page to `pages`.
    ///
    /// On shutdown it stops claiming, lets in-flight requests finish (their pages are sent: each
    /// worker holds a channel slot before it claims), returns unsent leases and returns.
    pub async fn run(
        self,
        sources: Vec<Source>,
        pages: mpsc::Sender<FetchedPage>,
        shutdown: CancellationToken,
    ) -> Result<(), FetchError> {
        let mut inner = Arc::try_unwrap(self.inner)
            .map_err(|_| FetchError::Source("*".into(), "fetcher shared".into()))?;
        for s in &sources {
            let url = canon::parse_http_url(&s.url, inner.cfg.max_url_len).ok_or_else(|| {
                FetchError::Source(s.name.clone(), format!("not an http(s) URL: {}", s.url))
            })?;
            let host = canon::host_key(&url)
                .ok_or_else(|| FetchError::Source(s.name.clone(), "URL without host".into()))?;
            inner.frontier.upsert_feed(s, &host).await?;
            inner.sources.insert(s.name.clone(), s.clone());
        }
        let inner = Arc::new(inner);
        info!(worker = %inner.worker, sources = sources.len(), "fetcher started");
        // Stops everything when asked, or when the pipeline is gone.
        let stop = shutdown.child_token();
        let mut tasks = JoinSet::new();
        tasks.spawn(inner.clone().feed_loop(stop.clone()));
        for _ in 0..inner.cfg.concurrency.max(1) {
            tasks.spawn(inner.clone().worker_loop(pages.clone(), stop.clone()));
        }
        drop(pages);
        while tasks.join_next().await.is_some() {}
        match inner.frontier.release_worker(&inner.worker).await {
            Ok(n) => info!(released = n, "fetcher stopped"),
            Err(e) => warn!(error = %e, "fetcher stopped; leases will expire instead"),
        }
        Ok(())
    }
}

/// Logs a database outage once for the whole fetcher, and its end once, instead of once per
/// item or per worker.
#[derive(Default)]
struct DbHealth {
    down: std::sync::atomic::AtomicBool,
}

impl DbHealth {
    fn failed(&self, what: &str, e: &FetchError) {
        if !self.down.swap(true, Ordering::Relaxed) {
            warn!(error = %e, "{what}: database unavailable; fetching pauses and retries");
        }
    }
    fn ok(&self) {
        if self.down.swap(false, Ordering::Relaxed) {
            info!("database reachable again; fetching resumes");
        }
    }
}

impl Inner {
    fn token(&self) -> String {
        format!(
            "{}:{}",
            self.worker,
            self.counter.fetch_add(1, Ordering::Relaxed)
        )
    }

    fn robot(&self, host: &str, txt: &str) -> Option<Arc<texting_robots::Robot>> {
        let hash = xxhash_rust::xxh3::xxh3_128(txt.as_bytes());
        let mut cache = self.robots.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((h, r)) = cache.get(host) {
            if *h == hash {
                return Some(r.clone());
            }
        }
        let robot =
            Arc::new(texting_robots::Robot::new(self.cfg.robots_agent(), txt.as_bytes()).ok()?);
        if cache.len() > 10_000 {
            cache.clear();
        }
        cache.insert(host.to_owned(), (hash, robot.clone()));
        Some(robot)
    }

    /// Claims, fetches and hands over article pages until stopped.
    async fn worker_loop(
        self: Arc<Self>,
        pages: mpsc::Sender<FetchedPage>,
        stop: CancellationToken,
    ) {
        let lease = self.cfg.request_lease();
        let health = &self.health;
        loop {
            // Hold a channel slot before claiming: when the pipeline is full, fetching waits.
            let permit = tokio::select! {
                biased;
                _ = stop.cancelled() => break,
                p = pages.reserve() => match p {
                    Ok(p) => p,
                    Err(_) => { stop.cancel(); break; }
                },
            };
            // Claims taken by another worker's batch come first.
            let buffered = self
                .ready
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .pop_front();
            let claimed = match buffered {
                Some(c) => Ok(Some(c)),
                None => {
                    let token = self.token();
                    let batch = self.cfg.concurrency.max(1) as i64;
                    self.frontier
                        .claim_batch(&token, lease, batch)
                        .await
                        .map(|claims| {
                            let mut claims = claims.into_iter();
                            let first = claims.next();
                            let mut ready = self.ready.lock().unwrap_or_else(|p| p.into_inner());
                            ready.extend(claims);
                            let more = !ready.is_empty();
                            drop(ready);
                            if more {
                                self.work.notify_waiters();
                            }
                            first
                        })
                }
            };
            match claimed {
                Ok(Some(claim)) => {
                    health.ok();
                    if let Err(e) = self.process(claim, permit, &stop).await {
                        health.failed("recording a fetch", &e);
                        sleep_or_stop(&stop, Duration::from_secs(1)).await;
                    }
                }
                Ok(None) => {
                    health.ok();
                    drop(permit);
                    let idle = self.cfg.idle_poll.mul_f64(0.75 + fastrand::f64() * 0.5);
                    tokio::select! {
                        _ = stop.cancelled() => break,
                        _ = self.work.notified() => {},
                        _ = tokio::time::sleep(idle) => {},
                    }
                }
                Err(e) => {
                    drop(permit);
                    health.failed("claiming work", &e);
                    sleep_or_stop(&stop, Duration::from_secs(1)).await;
                }
            }
        }
    }

    /// Fetches one claimed URL, following its redirects, and either hands the page over or
    /// records why not.
    async fn process(
        &self,
        claim: Claim,
        permit: mpsc::Permit<'_, FetchedPage>,
        stop: &CancellationToken,
    ) -> Result<(), FetchError> {
        let cfg = &self.cfg;
        let Some(url) = canon::parse_http_url(&claim.url, cfg.max_url_len) else {
            self.frontier
                .release_host(&claim.host, &claim.token, Duration::ZERO, 0, None, false)
                .await?;
            let f = ClaimFailure::new(FailureClass::Url, "malformed or too long URL", Retry::Never);
            return self.frontier.fail_claim(&claim, &f).await;
        };
        let Some(Manners {
            robots_txt,
            delay,
            mut requests,
        }) = self.home_manners(&claim, &url, stop).await?
        else {
            return Ok(());
        };
        let home = follow::Home {
            host: &claim.host,
            token: &claim.token,
            delay,
            url_id: Some(claim.id),
        };
        let ask = follow::Ask {
            etag: None,
            last_modified: None,
            cap: cfg.max_body_bytes,
            robots: Some(robots_txt.as_deref().unwrap_or("")),
        };
        let followed = self.follow(&url, &home, &ask, stop).await?;
        requests += followed.home_requests;
        // A host that was not requested keeps its schedule.
        let delay = if requests > 0 { delay } else { Duration::ZERO };
        match followed.end {
            End::Done(Ok(resp)) if (200..300).contains(&resp.status) => {
                self.hand_over(&claim, &url, resp, delay, requests, permit)
                    .await
            }
            End::Done(Ok(resp)) => {
                self.refused(&claim, resp, delay, requests, followed.at_home)
                    .await
            }
            End::Done(Err(f)) => {
                self.frontier
                    .release_host(&claim.host, &claim.token, delay, requests, None, false)
                    .await?;
                debug!(url = %claim.url, class = f.class.as_str(), reason = %f.reason, "fetch failed");
                let failure = ClaimFailure {
                    status: f.status,
                    at: f.at.as_deref(),
                    ..ClaimFailure::new(f.class, &f.reason, f.retry())
                };
                self.frontier.fail_claim(&claim, &failure).await
            }
            End::Later { wait, at, reason } => {
                // A busy host is no failure; a robots.txt that cannot be read is one of its host.
                let (class, record) = match &reason {
                    Some(_) => (FailureClass::RobotsUnreachable, true),
                    None => (FailureClass::Redirect, false),
                };
                let why = reason.unwrap_or_else(|| "its host is backing off".into());
                let why = format!("redirect to {at} waits: {why}");
                let failure = ClaimFailure {
                    at: Some(&at),
                    ..ClaimFailure::new(class, &why, Retry::Backoff)
                };
                self.postpone(&claim, delay, requests, failure, wait, record)
                    .await
            }
            End::Stopped => self.abandon(&claim, delay, requests).await,
        }
    }

    /// The claimed host's robots.txt and delay, its robots.txt fetched first when stale; `None`
    /// when that settled the claim (robots.txt unreachable or failing, or shutdown).
    async fn home_manners(
        &self,
        claim: &Claim,
        url: &Url,
        stop: &CancellationToken,
    ) -> Result<Option<Manners>, FetchError> {
        let cfg = &self.cfg;
        let delay = cfg.host_delay(claim.crawl_delay_ms);
        if !claim.robots_stale {
            return Ok(Some(Manners {
                robots_txt: claim.robots_txt.clone(),
                delay,
                requests: 0,
            }));
        }
        let requests = 1;
        match self
            .fetch_robots(url, &claim.host, &claim.token, stop)
            .await?
        {
            RobotsOutcome::Stored(txt, crawl_delay_ms) => Ok(Some(Manners {
                robots_txt: Some(txt),
                delay: cfg.host_delay(crawl_delay_ms),
                requests,
            })),
            RobotsOutcome::Unreachable(reason) => {
                // Hold the host off; the URL waits without losing an attempt.
                let hold = cfg.robots_error_hold;
                self.frontier.hold_host(&claim.host, hold).await?;
                let reason = format!("robots.txt unreachable: {reason}");
                let failure =
                    ClaimFailure::new(FailureClass::RobotsUnreachable, &reason, Retry::Backoff);
                self.postpone(claim, delay, requests, failure, hold, true)
                    .await?;
                Ok(None)
            }
            RobotsOutcome::Failed(f) => {
                self.frontier
                    .release_host(&claim.host, &claim.token, delay, requests, None, false)
                    .await?;
                let failure = ClaimFailure {
                    status: f.status,
                    ..ClaimFailure::new(f.class, &f.reason, f.retry())
                };
                self.frontier.fail_claim(claim, &failure).await?;
                Ok(None)
            }
            RobotsOutcome::Stopped => {
                self.abandon(claim, delay, requests).await?;
                Ok(None)
            }
        }
    }

    /// Frees the host and puts the URL back for `wait` without losing an attempt (a host whose
    /// robots.txt cannot be read, or a redirect target's host backing off); a robots.txt that
    /// cannot be read is also recorded as a failure, at the hop when a redirect led there.
    async fn postpone(
        &self,
        claim: &Claim,
        delay: Duration,
        requests: i64,
        failure: ClaimFailure<'_>,
        wait: Duration,
        record: bool,
    ) -> Result<(), FetchError> {
        let next = self
            .frontier
            .release_host(&claim.host, &claim.token, delay, requests, None, false)
            .await?;
        if record {
            let hop = failure.at.and_then(|a| Url::parse(a).ok());
            let host = match &hop {
                Some(h) => canon::host_key(h),
                None => Some(claim.host.clone()),
            };
            frontier::record_failure(
                self.frontier.pool(),
                Some(&claim.source),
                failure.at.unwrap_or(&claim.url),
                host.as_deref(),
                failure.class,
                failure.reason,
                None,
                true,
            )
            .await?;
        }
        let later = chrono::Duration::from_std(wait)
            .ok()
            .map(|w| Utc::now() + w);
        let failure = ClaimFailure {
            not_before: later.max(Some(next)),
            count_attempt: false,
            ..failure
        };
        self.frontier.fail_claim(claim, &failure).await
    }

    /// Frees the host on shutdown; the unsent lease is returned by `release_worker`.
    async fn abandon(
        &self,
        claim: &Claim,
        delay: Duration,
        requests: i64,
    ) -> Result<(), FetchError> {
        self.frontier
            .release_host(&claim.host, &claim.token, delay, requests, None, false)
            .await?;
        Ok(())
    }

    /// Hands a fetched page to the pipeline, unless its final URL is a stored story already.
    async fn hand_over(
        &self,
        claim: &Claim,
        url: &Url,
        resp: http::Response,
        delay: Duration,
        requests: i64,
        permit: mpsc::Permit<'_, FetchedPage>,
    ) -> Result<(), FetchError> {
        if let Some(final_url) = Url::parse(&resp.final_url)
            .ok()
            .filter(|f| f.as_str() != url.as_str())
        {
            if self.frontier.alias_final(claim, &final_url).await? {
                debug!(url = %claim.url, final_url = %final_url, "redirects to a stored story");
                self.frontier
                    .release_host(&claim.host, &claim.token, delay, requests, None, true)
                    .await?;
                return self
                    .frontier
                    .finish_duplicate(claim, final_url.as_str())
                    .await;
            }
        }
        if !self
            .frontier
            .release_and_send(
                claim,
                delay,
                requests,
                &resp.final_url,
                resp.status,
                self.cfg.handoff_lease,
            )
            .await?
        {
            debug!(url = %claim.url, "lease lost before hand-over; another worker has it");
            return Ok(());
        }
        let source = self.sources.get(&claim.source);
        permit.send(FetchedPage {
            source: claim.source.clone(),
            agency: source.and_then(|s| s.agency.clone()),
            url: claim.url.clone(),
            final_url: resp.final_url,
            redirects: resp.redirects,
            status: resp.status,
            content_type: resp.content_type,
            headers: resp.headers,
            body: resp.body,
            fetched_at: Utc::now(),
            feed_item: Some(FeedItem {
                url: claim.url.clone(),
                guid: claim.guid.clone(),
                title: claim.title.clone(),
                published_at: claim.published_at.map(|d| d.fixed_offset()),
            }),
        });
        Ok(())
    }

    /// Records a response that is not a page (4xx, 5xx, an unfollowed 3xx); 429, 503 and other
    /// 5xx from the claimed host also block that host with a doubling backoff.
    async fn refused(
        &self,
        claim: &Claim,
        resp: http::Response,
        delay: Duration,
        requests: i64,
        at_home: bool,
    ) -> Result<(), FetchError> {
        let status = resp.status;
        let retry = if http::status_transient(status) {
            Retry::Backoff
        } else {
            Retry::Never
        };
        // Another host's block was set when it answered (see `follow`).
        let block = self.block_for(&resp).filter(|_| at_home);
        let retry_after = resp.retry_after.map(|d| d.min(self.cfg.backoff_max));
        let next = self
            .frontier
            .release_host(&claim.host, &claim.token, delay, requests, block, false)
            .await?;
        let at = (!resp.redirects.is_empty()).then_some(resp.final_url.as_str());
        let reason = match at {
            Some(hop) => format!("HTTP {status} at {hop} (redirect {})", resp.redirects.len()),
            None => format!("HTTP {status}"),
        };
        debug!(url = %claim.url, status, "fetch refused");
        let not_before = retry_after
            .and_then(|d| chrono::Duration::from_std(d).ok())
            .map(|d| Utc::now() + d)
            .max(Some(next));
        let failure = ClaimFailure {
            status: Some(status),
            not_before,
            at,
            ..ClaimFailure::new(FailureClass::Status, &reason, retry)
        };
        self.frontier.fail_claim(claim, &failure).await
    }

    /// Fetches and stores a host's robots.txt while holding its gate (`token`), following its
    /// redirects. Boxed: a redirect hop to another host may need that host's robots.txt.
    fn fetch_robots<'a>(
        &'a self,
        url: &'a Url,
        host: &'a str,
        token: &'a str,
        stop: &'a CancellationToken,
    ) -> Pin<Box<dyn Future<Output = Result<RobotsOutcome, FetchError>> + Send + 'a>> {
        Box::pin(async move {
            let Ok(robots_url) = url.join("/robots.txt") else {
                return Ok(RobotsOutcome::Failed(Failed::new(
                    FailureClass::Url,
                    "no robots.txt URL",
                )));
            };
            let home = follow::Home {
                host,
                token,
                delay: self.cfg.min_host_delay,
                url_id: None,
            };
            let ask = follow::Ask {
                etag: None,
                last_modified: None,
                cap: 512 * 1024,
                robots: None,
            };
            match self.follow(&robots_url, &home, &ask, stop).await?.end {
                End::Done(result) => self.take_robots(host, result).await,
                End::Later { at, .. } => Ok(RobotsOutcome::Unreachable(format!(
                    "redirected to {at}, whose host is backing off"
                ))),
                End::Stopped => Ok(RobotsOutcome::Stopped),
            }
        })
    }

    /// Stores what a robots.txt request gave.
    async fn take_robots(
        &self,
        host: &str,
        result: Result<http::Response, Failed>,
    ) -> Result<RobotsOutcome, FetchError> {
        let ttl = self.cfg.robots_ttl;
        match result {
            Ok(r) if (200..300).contains(&r.status) => {
                let txt = String::from_utf8_lossy(&r.body).replace('\0', "");
                let crawl_delay_ms =
                    texting_robots::Robot::new(self.cfg.robots_agent(), txt.as_bytes())
                        .ok()
                        .and_then(|rb| rb.delay)
                        .filter(|d| d.is_finite() && *d >= 0.0)
                        .map(|d| (f64::from(d) * 1000.0).min(f64::from(i32::MAX)) as i32);
                self.frontier
                    .store_robots(host, &txt, i32::from(r.status), crawl_delay_ms, ttl)
                    .await?;
                Ok(RobotsOutcome::Stored(txt, crawl_delay_ms))
            }
            // No robots.txt (or one we may not read): everything is allowed.
            Ok(r) if (400..500).contains(&r.status) => {
                self.frontier
                    .store_robots(host, "", i32::from(r.status), None, ttl)
                    .await?;
                Ok(RobotsOutcome::Stored(String::new(), None))
            }
            Ok(r) => Ok(RobotsOutcome::Unreachable(format!("HTTP {}", r.status))),
            Err(f) => match f.class {
                // Too many redirects, as RFC 9309 allows, count as no robots.txt.
                FailureClass::TooLarge | FailureClass::Redirect => {
                    self.frontier.store_robots(host, "", 0, None, ttl).await?;
                    Ok(RobotsOutcome::Stored(String::new(), None))
                }
                // The host cannot serve its pages either (a port that does not speak HTTP).
                FailureClass::Blocked
                | FailureClass::Dns
                | FailureClass::Url
                | FailureClass::Tls
                | FailureClass::Protocol => Ok(RobotsOutcome::Failed(f)),
                _ => Ok(RobotsOutcome::Unreachable(format!(
                    "{}: {}",
                    f.class.as_str(),
                    f.reason
                ))),
            },
        }
    }

    /// Claims due feeds and polls them until stopped; also returns expired leases to the pool.
    async fn feed_loop(self: Arc<Self>, stop: CancellationToken) {
        let names: Vec<String> = self.sources.keys().cloned().collect();
        let mut polls = JoinSet::new();
        let health = &self.health;
        let mut last_reap = tokio::time::Instant::now();
        loop {
            if stop.is_cancelled() {
                break;
            }
            if last_reap.elapsed() >= self.cfg.reap_interval {
                last_reap = tokio::time::Instant::now();
                match self.frontier.reap_expired().await {
                    Ok(n) if n > 0 => {
                        info!(returned = n, "expired leases returned to the frontier");
                        self.work.notify_waiters();
                    }
                    Ok(_) => {}
                    Err(e) => health.failed("returning expired leases", &e),
                }
            }
            let free = self.cfg.feed_concurrency.max(1).saturating_sub(polls.len());
            let mut wait = self.cfg.idle_poll.min(self.cfg.reap_interval);
            if free > 0 && !names.is_empty() {
                let prefix = self.token();
                match self
                    .frontier
                    .claim_feeds(&names, &prefix, self.cfg.request_lease() * 4, free as i64)
                    .await
                {
                    Ok(claims) => {
                        health.ok();
                        for c in claims {
                            polls.spawn(self.clone().poll_feed(c, stop.clone()));
                        }
                        if let Ok(Some(due)) = self.frontier.next_feed_due(&names).await {
                            wait = wait.max(due).min(Duration::from_secs(5));
                        }
                    }
                    Err(e) => {
                        health.failed("claiming feeds", &e);
                        wait = Duration::from_secs(1);
                    }
                }
            }
            let wait = wait.max(Duration::from_millis(5));
            tokio::select! {
                _ = stop.cancelled() => break,
                _ = tokio::time::sleep(wait) => {},
                Some(_) = polls.join_next(), if !polls.is_empty() => {},
            }
        }
        // In-flight polls finish (each is bounded by the request timeout).
        while polls.join_next().await.is_some() {}
    }

    /// Waits for a host's gate. A host blocked for longer than a request may take (a backoff,
    /// a Retry-After) is not waited for: `Later` says when to come back.
    async fn take_gate(
        &self,
        host: &str,
        token: &str,
        stop: &CancellationToken,
    ) -> Result<Gate, FetchError> {
        let patience = self.cfg.request_timeout.max(Duration::from_secs(1));
        let started = tokio::time::Instant::now();
        loop {
            match self
                .frontier
                .try_gate(host, token, self.cfg.request_lease())
                .await?
            {
                Ok(gate) => return Ok(Gate::Got(gate)),
                Err(wait) => {
                    if started.elapsed() + wait > patience {
                        return Ok(Gate::Later(wait));
                    }
                    let wait = wait.clamp(Duration::from_millis(5), Duration::from_secs(2));
                    tokio::select! {
                        _ = stop.cancelled() => return Ok(Gate::Stopped),
                        _ = tokio::time::sleep(wait) => {},
                    }
                }
            }
        }
    }

    /// One GET of a feed, sitemap or listing through its host's gate, following redirects
    /// (each hop through its own host's gate; feeds obey no robots.txt).
    async fn gated_get(
        &self,
        url: &Url,
        host: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
        stop: &CancellationToken,
    ) -> Result<Gated, FetchError> {
        let token = self.token();
        let gate = match self.take_gate(host, &token, stop).await? {
            Gate::Got(g) => g,
            Gate::Stopped => return Ok(Gated::Stopped),
            Gate::Later(wait) => return Ok(Gated::Later(wait)),
        };
        let delay = self.cfg.host_delay(gate.crawl_delay_ms);
        let home = follow::Home {
            host,
            token: &token,
            delay,
            url_id: None,
        };
        let ask = follow::Ask {
            etag,
            last_modified,
            cap: self.cfg.max_body_bytes,
            robots: None,
        };
        let followed = self.follow(url, &home, &ask, stop).await?;
        let (gated, block, success) = match followed.end {
            End::Done(result) => {
                let block = match &result {
                    Ok(r) if followed.at_home => self.block_for(r),
                    _ => None,
                };
                let success = matches!(&result, Ok(r) if r.status < 400);
                (Gated::Done(result), block, success)
            }
            End::Later { wait, .. } => (Gated::Later(wait), None, false),
            End::Stopped => (Gated::Stopped, None, false),
        };
        self.frontier
            .release_host(host, &token, delay, followed.home_requests, block, success)
            .await?;
        Ok(gated)
    }

    async fn poll_feed(self: Arc<Self>, claim: FeedClaim, stop: CancellationToken) {
        let source = claim.source.clone();
        if let Err(e) = self.poll_feed_inner(claim, &stop).await {
            warn!(source = %source, error = %e, "feed poll not recorded");
        }
    }

    async fn poll_feed_inner(
        &self,
        claim: FeedClaim,
        stop: &CancellationToken,
    ) -> Result<(), FetchError> {
        let Some(src) = self.sources.get(&claim.source) else {
            return Ok(());
        };
        let Some(url) = canon::parse_http_url(&src.url, self.cfg.max_url_len) else {
            return Ok(());
        };
        let Some(host) = canon::host_key(&url) else {
            return Ok(());
        };
        let got = self
            .gated_get(
                &url,
                &host,
                claim.etag.as_deref(),
                claim.last_modified.as_deref(),
                stop,
            )
            .await?;
        let result = match got {
            Gated::Done(r) => r,
            // The lease is returned on shutdown.
            Gated::Stopped => return Ok(()),
            Gated::Later(wait) => return self.postpone_poll(&claim, wait).await,
        };
        let feed = PolledFeed {
            src,
            url: &url,
            host: &host,
        };
        match self.poll_outcome(&claim, &feed, result, stop).await {
            Ok(o) => self.finish_poll(&claim, o).await,
            Err((f, status)) => self.finish_failed_poll(&claim, &feed, f, status).await,
        }
    }

    /// The host is blocked: the feed comes back when it is free, without counting a failure.
    async fn postpone_poll(&self, claim: &FeedClaim, wait: Duration) -> Result<(), FetchError> {
        debug!(source = %claim.source, wait = ?wait, "host blocked; poll postponed");
        self.frontier
            .finish_feed(
                claim,
                wait,
                claim.interval_secs,
                None,
                None,
                claim.consecutive_failures,
                claim.disabled,
                None,
                None,
            )
            .await
    }

    /// Reads a polled response: not modified, a body to take, or a failure with the status
    /// that came with it.
    async fn poll_outcome(
        &self,
        claim: &FeedClaim,
        feed: &PolledFeed<'_>,
        result: Result<http::Response, Failed>,
        stop: &CancellationToken,
    ) -> Result<PollOutcome, (Failed, Option<u16>)> {
        match result {
            Ok(r) if r.status == 304 => Ok(PollOutcome {
                status: 304,
                validators: None,
                items: None,
                warning: None,
            }),
            Ok(r) if (200..300).contains(&r.status) => self.take_body(claim, feed, &r, stop).await,
            Ok(r) => Err((status_failure(&r), Some(r.status))),
            Err(f) => Err((f, None)),
        }
    }

    /// A 2xx body: skipped when its hash matches the last poll's, else parsed into the frontier.
    async fn take_body(
        &self,
        claim: &FeedClaim,
        feed: &PolledFeed<'_>,
        r: &http::Response,
        stop: &CancellationToken,
    ) -> Result<PollOutcome, (Failed, Option<u16>)> {
        let hash = format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&r.body));
        let validators = Some((r.etag.clone(), r.last_modified.clone(), Some(hash.clone())));
        if claim.body_hash.as_deref() == Some(hash.as_str()) {
            // Same bytes under a new ETag: nothing new.
            return Ok(PollOutcome {
                status: r.status,
                validators,
                items: Some((0, 0)),
                warning: None,
            });
        }
        match self.take_listing(feed, r, stop).await {
            Ok((counts, warning)) => Ok(PollOutcome {
                status: r.status,
                validators,
                items: Some(counts),
                warning,
            }),
            Err(f) => Err((f, Some(r.status))),
        }
    }

    /// Records a successful poll, re-enabling the feed, and wakes the workers when items are new.
    async fn finish_poll(&self, claim: &FeedClaim, o: PollOutcome) -> Result<(), FetchError> {
        let (total, new) = o.items.unwrap_or((0, 0));
        let interval = self.next_interval(claim, total, new);
        if claim.disabled {
            info!(source = %claim.source, "feed answers again; re-enabled");
        }
        debug!(source = %claim.source, status = o.status, items = total, new, interval, "feed polled");
        let next_in = Duration::try_from_secs_f64(interval).unwrap_or(Duration::from_secs(60));
        self.frontier
            .finish_feed(
                claim,
                next_in,
                interval,
                Some(o.status),
                o.validators,
                0,
                false,
                o.warning.as_deref(),
                o.items,
            )
            .await?;
        if new > 0 {
            self.work.notify_waiters();
        }
        Ok(())
    }

    /// The adaptive interval: longer when nothing was new, shorter when half or more was,
    /// kept between a quarter and four times the configured one.
    fn next_interval(&self, claim: &FeedClaim, total: i32, new: i32) -> f64 {
        let base = claim.base_interval_secs;
        let lo = (base / 4.0).max(self.cfg.min_poll_interval.as_secs_f64().min(base));
        let hi = base * 4.0;
        let next = if new == 0 {
            claim.interval_secs * 1.25
        } else if new * 2 >= total {
            claim.interval_secs * 0.7
        } else {
            claim.interval_secs
        };
        next.clamp(lo, hi.max(lo))
    }

    /// Records a failed poll: backs off, or disables the feed after enough failures in a row.
    async fn finish_failed_poll(
        &self,
        claim: &FeedClaim,
        feed: &PolledFeed<'_>,
        f: Failed,
        status: Option<u16>,
    ) -> Result<(), FetchError> {
        let cfg = &self.cfg;
        let failures = claim.consecutive_failures.saturating_add(1);
        let disabled = u32::try_from(failures).unwrap_or(u32::MAX) >= cfg.feed_failures_to_disable;
        let next_in = if disabled {
            cfg.disabled_probe_interval
        } else {
            self.failure_backoff(claim, failures)
        };
        if disabled && !claim.disabled {
            warn!(source = %claim.source, failures, "feed disabled after failures in a row; probing rarely");
        } else {
            warn!(source = %claim.source, class = f.class.as_str(), reason = %f.reason, "feed poll failed");
        }
        self.record_poll_failure(claim, feed, &f, status).await?;
        let error = format!("{}: {}", f.class.as_str(), f.reason);
        self.frontier
            .finish_feed(
                claim,
                next_in,
                claim.interval_secs,
                status,
                None,
                failures,
                disabled,
                Some(&error),
                None,
            )
            .await
    }

    /// Exponential backoff with jitter after `failures` failed polls in a row, capped.
    fn failure_backoff(&self, claim: &FeedClaim, failures: i32) -> Duration {
        let cfg = &self.cfg;
        let backoff =
            claim.interval_secs * 2f64.powi(failures.min(20)) * (0.75 + fastrand::f64() * 0.5);
        Duration::try_from_secs_f64(backoff.min(cfg.feed_backoff_max.as_secs_f64()))
            .unwrap_or(cfg.feed_backoff_max)
    }

    /// Appends a failed poll to `crawl_failures`.
    async fn record_poll_failure(
        &self,
        claim: &FeedClaim,
        feed: &PolledFeed<'_>,
        f: &Failed,
        status: Option<u16>,
    ) -> Result<(), FetchError> {
        // A redirect hop that failed is named, with its own host.
        let hop = f.at.as_deref().and_then(|a| Url::parse(a).ok());
        let hop_host = hop.as_ref().and_then(canon::host_key);
        frontier::record_failure(
            self.frontier.pool(),
            Some(&claim.source),
            hop.as_ref().map_or(feed.url.as_str(), |h| h.as_str()),
            hop_host.as_deref().or(Some(feed.host)),
            f.class,
            &f.reason,
            status,
            f.transient(),
        )
        .await
    }

    /// Parses a polled response (and the newest child sitemaps of an index) into the frontier;
    /// returns (items, new items) and the parse warning to record on the feed, if any.
    async fn take_listing(
        &self,
        feed: &PolledFeed<'_>,
        resp: &http::Response,
        stop: &CancellationToken,
    ) -> Result<((i32, i32), Option<String>), Failed> {
        let (src, url) = (feed.src, feed.url);
        let parsed = parse_listing_off_thread(src, url, resp).await?;
        let warning = parsed.warning.map(|w| format!("parse warning: {w}"));
        if let Some(w) = &warning {
            warn!(source = %src.name, warning = %w, "feed is not well-formed; its item links were salvaged");
        }
        let (mut total, mut new) = self
            .discover(src, url, parsed.items)
            .await
            .map_err(|e| Failed::new(FailureClass::Other, e.to_string()))?;
        let mut children = parsed.child_sitemaps;
        children.sort_by_key(|c| std::cmp::Reverse(c.1));
        for (child, _) in children.into_iter().take(self.cfg.max_child_sitemaps) {
            let Some(child_url) = canon::parse_http_url(&child, self.cfg.max_url_len) else {
                continue;
            };
            if !canon::host_allowed(&child_url, url, &src.allowed_hosts) {
                continue;
            }
            let Some(child_host) = canon::host_key(&child_url) else {
                continue;
            };
            let Some((t, n)) = self
                .take_child_sitemap(feed, &child_url, &child_host, stop)
                .await?
            else {
                break;
            };
            total += t;
            new += n;
        }
        Ok(((total, new), warning))
    }

    /// Fetches one child sitemap and adds its links, returning (items, new items); an unreadable
    /// child counts nothing. `None` when the host's gate was not given, which ends the walk.
    async fn take_child_sitemap(
        &self,
        feed: &PolledFeed<'_>,
        child_url: &Url,
        child_host: &str,
        stop: &CancellationToken,
    ) -> Result<Option<(i32, i32)>, Failed> {
        let src = feed.src;
        let got = self
            .gated_get(child_url, child_host, None, None, stop)
            .await
            .map_err(|e| Failed::new(FailureClass::Other, e.to_string()))?;
        let Gated::Done(result) = got else {
            return Ok(None);
        };
        match result {
            Ok(r) if (200..300).contains(&r.status) => {
                match listing::parse(
                    model::SourceKind::Sitemap,
                    &r.body,
                    r.content_type.as_deref(),
                    child_url,
                    None,
                ) {
                    Ok(l) => {
                        let counts = self
                            .discover(src, feed.url, l.items)
                            .await
                            .map_err(|e| Failed::new(FailureClass::Other, e.to_string()))?;
                        return Ok(Some(counts));
                    }
                    Err(e) => {
                        warn!(source = %src.name, sitemap = %child_url, error = %e, "child sitemap unreadable")
                    }
                }
            }
            Ok(r) => {
                warn!(source = %src.name, sitemap = %child_url, status = r.status, "child sitemap refused")
            }
            Err(f) => {
                warn!(source = %src.name, sitemap = %child_url, class = f.class.as_str(), "child sitemap failed")
            }
        }
        Ok(Some((0, 0)))
    }

    /// Keeps the followable links of a poll and adds them to the frontier.
    async fn discover(
        &self,
        src: &Source,
        base: &Url,
        items: Vec<FeedItem>,
    ) -> Result<(i32, i32), FetchError> {
        let mut keep = Vec::with_capacity(items.len());
        for mut item in items {
            let Some(link) = canon::parse_http_url(&item.url, self.cfg.max_url_len) else {
                continue;
            };
            if !canon::host_allowed(&link, base, &src.allowed_hosts) {
                continue;
            }
            // PostgreSQL text cannot hold NUL.
            item.title = item.title.map(|t| t.replace('\0', ""));
            item.guid = item.guid.map(|g| g.replace('\0', ""));
            keep.push((link, item));
        }
        let total = i32::try_from(keep.len()).unwrap_or(i32::MAX);
        let new = self.frontier.discover(&src.name, &keep).await?;
        Ok((total, i32::try_from(new).unwrap_or(i32::MAX)))
    }
}

struct PollOutcome {
    status: u16,
    validators: Option<(Option<String>, Option<String>, Option<String>)>,
    items: Option<(i32, i32)>,
    /// A parse warning recorded as the feed's `last_error` (the poll itself succeeded).
    warning: Option<String>,
}

/// A claimed host's robots.txt and delay, and the requests spent learning them.
struct Manners {
    robots_txt: Option<String>,
    delay: Duration,
    requests: i64,
}

/// The outcome of waiting for a host's gate.
enum Gate {
    Got(frontier::HostGate),
    Stopped,
    Later(Duration),
}

/// The outcome of a GET through a host's gate.
enum Gated {
    Done(Result<http::Response, Failed>),
    Stopped,
    Later(Duration),
}

enum RobotsOutcome {
    /// Fetched (or 4xx: allow all) and stored, with the Crawl-delay in ms.
    Stored(String, Option<i32>),
    /// 5xx or a timeout: hold the host off.
    Unreachable(String),
    /// The host cannot be reached at all for a reason that applies to its pages too.
    Failed(Failed),
    /// Shutdown was asked while a redirect of robots.txt waited for another host.
    Stopped,
}

/// The feed being polled, with its parsed URL and host key.
struct PolledFeed<'a> {
    src: &'a Source,
    url: &'a Url,
    host: &'a str,
}

/// The failure recorded for an answer outside 2xx and 304, naming the hop a redirect led to.
fn status_failure(r: &http::Response) -> Failed {
    let mut f = Failed::new(FailureClass::Status, format!("HTTP {}", r.status));
    f.status = Some(r.status);
    if !r.redirects.is_empty() {
        f.reason = format!(
            "HTTP {} at {} (redirect {})",
            r.status,
            r.final_url,
            r.redirects.len()
        );
        f.at = Some(r.final_url.clone());
    }
    f
}

/// Parses a polled body on a blocking thread: parsing is CPU work, kept off the async workers.
async fn parse_listing_off_thread(
    src: &Source,
    url: &Url,
    resp: &http::Response,
) -> Result<listing::Listing, Failed> {
    let (kind, body, ct, base, selector) = (
        src.kind,
        resp.body.clone(),
        resp.content_type.clone(),
        url.clone(),
        src.link_selector.clone(),
    );
    tokio::task::spawn_blocking(move || {
        listing::parse(kind, &body, ct.as_deref(), &base, selector.as_deref())
    })
    .await
    .map_err(|e| Failed::new(FailureClass::Parse, format!("listing parser: {e}")))?
    .map_err(|e| Failed::new(FailureClass::Parse, e))
}

async fn sleep_or_stop(stop: &CancellationToken, d: Duration) {
    tokio::select! {
        _ = stop.cancelled() => {},
        _ = tokio::time::sleep(d) => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crawl_delay_raises_the_host_delay_up_to_the_cap() {
        let cfg = FetcherConfig {
            min_host_delay: Duration::from_secs(1),
            max_crawl_delay: Duration::from_secs(30),
            ..FetcherConfig::default()
        };
        assert_eq!(cfg.host_delay(None), Duration::from_secs(1));
        assert_eq!(
            cfg.host_delay(Some(200)),
            Duration::from_secs(1),
            "a short Crawl-delay never lowers the floor"
        );
        assert_eq!(cfg.host_delay(Some(5_000)), Duration::from_secs(5));
        assert_eq!(cfg.host_delay(Some(3_600_000)), Duration::from_secs(30));
        assert_eq!(cfg.host_delay(Some(-5)), Duration::from_secs(1));
    }

    #[test]
    fn robots_agent_is_the_product_token() {
        let cfg = FetcherConfig {
            user_agent: "wirehose/0.1 (+https://example.org/bot)".into(),
            ..FetcherConfig::default()
        };
        assert_eq!(cfg.robots_agent(), "wirehose");
    }
}
