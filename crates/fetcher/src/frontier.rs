//! The crawl frontier in PostgreSQL: claims with leases, per-host gates, dedup, outcomes.
//!
//! Every daemon on one database shares these rows; nothing else coordinates them.

use std::time::Duration;

use chrono::{DateTime, Utc};
use model::{FailureClass, FeedItem};
use sqlx::{PgPool, Row};

use crate::canon;
use crate::http::Retry;
use crate::FetchError;

/// Failure classes from later stages that are worth retrying (the rest are permanent).
const TRANSIENT_CLASSES: &[FailureClass] = &[
    FailureClass::Timeout,
    FailureClass::Dns,
    FailureClass::Connect,
    FailureClass::Body,
];

/// Completion side of the frontier, used by the pipeline after the store has committed.
#[derive(Debug, Clone)]
pub struct Frontier {
    pool: PgPool,
    max_attempts: i32,
    retry_base: Duration,
    retry_max: Duration,
}

/// An article URL claimed by one worker, with its host's politeness state.
#[derive(Debug, Clone)]
pub(crate) struct Claim {
    pub id: i64,
    pub url: String,
    pub host: String,
    pub source: String,
    pub guid: Option<String>,
    pub title: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub token: String,
    pub robots_txt: Option<String>,
    pub robots_stale: bool,
    pub crawl_delay_ms: Option<i32>,
}

/// The politeness state of a host handed out with its gate.
#[derive(Debug, Clone)]
pub(crate) struct HostGate {
    pub crawl_delay_ms: Option<i32>,
    /// The stored robots.txt (`''` allows everything; `None` when never fetched).
    pub robots_txt: Option<String>,
    /// Whether robots.txt must be fetched (again) before a page of the host is.
    pub robots_stale: bool,
}

/// Why a claimed URL's attempt ended without a page.
#[derive(Debug, Clone)]
pub(crate) struct ClaimFailure<'a> {
    pub class: FailureClass,
    pub reason: &'a str,
    pub status: Option<u16>,
    pub retry: Retry,
    /// Not retried before then.
    pub not_before: Option<DateTime<Utc>>,
    /// Whether the attempt counts (and is recorded in `crawl_failures`).
    pub count_attempt: bool,
    /// The redirect hop where it failed, recorded as the URL reached.
    pub at: Option<&'a str>,
}

impl<'a> ClaimFailure<'a> {
    /// A counted failure of the claimed URL itself.
    pub fn new(class: FailureClass, reason: &'a str, retry: Retry) -> Self {
        Self {
            class,
            reason,
            status: None,
            retry,
            not_before: None,
            count_attempt: true,
            at: None,
        }
    }
}

/// A feed claimed for one poll.
#[derive(Debug, Clone)]
pub(crate) struct FeedClaim {
    pub source: String,
    pub token: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub body_hash: Option<String>,
    pub interval_secs: f64,
    pub base_interval_secs: f64,
    pub consecutive_failures: i32,
    pub disabled: bool,
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

impl Frontier {
    /// The frontier in the database of `pool`, with default retry settings (5 attempts, 1 min
    /// doubling to 6 h). Create it once and clone it.
    ///
    /// It opens its own connections (as many as `pool` may) with `synchronous_commit = off`:
    /// every frontier write is idempotent or redone when lost (a lost claim or completion only
    /// means a second fetch of a story the store writes idempotently), so a database crash costs
    /// work, never a story, while waiting for each WAL flush would make the frontier slower than
    /// the fetching.
    pub fn new(pool: PgPool) -> Self {
        let opts = (*pool.connect_options())
            .clone()
            .options([("synchronous_commit", "off"), ("statement_timeout", "60s")]);
        let own = sqlx::postgres::PgPoolOptions::new()
            .max_connections(pool.options().get_max_connections().max(2))
            .acquire_timeout(Duration::from_secs(30))
            .connect_lazy_with(opts);
        Self {
            pool: own,
            max_attempts: 5,
            retry_base: Duration::from_secs(60),
            retry_max: Duration::from_secs(6 * 3600),
        }
    }

    /// Sets how often and how late a transiently failing URL is tried again.
    pub fn with_retries(mut self, max_attempts: u32, base: Duration, max: Duration) -> Self {
        self.max_attempts = i32::try_from(max_attempts.max(1)).unwrap_or(i32::MAX);
        self.retry_base = base;
        self.retry_max = max.max(base);
        self
    }

    /// A transaction (on the frontier's own connections, see [`Frontier::new`]).
    async fn relaxed(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, FetchError> {
        Ok(self.pool.begin().await?)
    }

    /// The pool the frontier lives in.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Marks stored stories done (keyed by `FetchedPage.url`); returns how many rows changed.
    pub async fn complete(&self, urls: &[String]) -> Result<u64, FetchError> {
        let done = sqlx::query(
            "UPDATE crawl_urls SET state = 'done', finished_at = now(), lease_until = NULL, leased_by = NULL,
                    fail_class = NULL, fail_reason = NULL, updated_at = now()
             WHERE url = ANY($1) AND state <> 'done'",
        )
        .bind(urls)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Records that a later stage failed on `url`: tried again later for transient classes
    /// (up to the attempt limit), failed for good otherwise.
    pub async fn fail(
        &self,
        url: &str,
        class: FailureClass,
        reason: &str,
    ) -> Result<(), FetchError> {
        let transient = TRANSIENT_CLASSES.contains(&class);
        let row = sqlx::query(
            "UPDATE crawl_urls SET
                state = CASE WHEN $2 AND attempts < $4 THEN 'pending' ELSE 'failed' END,
                next_attempt_at = now() + make_interval(secs => LEAST($6, $5 * power(2, GREATEST(attempts - 1, 0))) * (0.75 + random() * 0.5)),
                lease_until = NULL, leased_by = NULL, sent_at = NULL,
                fail_class = $3, fail_reason = left($7, 1000), finished_at = CASE WHEN $2 AND attempts < $4 THEN NULL ELSE now() END,
                updated_at = now()
             WHERE url = $1 AND state <> 'done'
             RETURNING source, host",
        )
        .bind(url)
        .bind(transient)
        .bind(class.as_str())
        .bind(self.max_attempts)
        .bind(secs(self.retry_base))
        .bind(secs(self.retry_max))
        .bind(reason)
        .fetch_optional(&self.pool)
        .await?;
        let (source, host): (Option<String>, Option<String>) = match &row {
            Some(r) => (r.try_get("source").ok(), r.try_get("host").ok()),
            None => (None, None),
        };
        record_failure(
            &self.pool,
            source.as_deref(),
            url,
            host.as_deref(),
            class,
            reason,
            None,
            transient,
        )
        .await
    }

    /// Returns to pending every lease that has expired (a crashed or stalled daemon's work).
    pub async fn reap_expired(&self) -> Result<u64, FetchError> {
        let r = sqlx::query(
            "UPDATE crawl_urls SET state = 'pending', lease_until = NULL, leased_by = NULL, sent_at = NULL, updated_at = now()
             WHERE state = 'leased' AND lease_until < now()",
        )
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected())
    }

    /// One claim statement for up to `hosts` URLs, then each host freed and its URL handed over
    /// (what a fetch does around its request), for the frontier benchmark; the claimed URLs.
    #[doc(hidden)]
    pub async fn bench_claim_cycle(
        &self,
        token: &str,
        hosts: i64,
    ) -> Result<Vec<String>, FetchError> {
        let claims = self
            .claim_batch(token, Duration::from_secs(60), hosts)
            .await?;
        for c in &claims {
            self.release_and_send(c, Duration::ZERO, 1, &c.url, 200, Duration::from_secs(60))
                .await?;
        }
        Ok(claims.into_iter().map(|c| c.url).collect())
    }

    /// One claim statement alone, for the frontier benchmark; how many URLs it leased.
    #[doc(hidden)]
    pub async fn bench_claim(&self, token: &str, limit: i64) -> Result<usize, FetchError> {
        Ok(self
            .claim_batch(token, Duration::from_secs(60), limit)
            .await?
            .len())
    }

    /// Claims one fetchable article URL on a host that is free and due, leasing both.
    #[cfg(test)]
    pub(crate) async fn claim(
        &self,
        token: &str,
        lease: Duration,
    ) -> Result<Option<Claim>, FetchError> {
        Ok(self.claim_batch(token, lease, 1).await?.into_iter().next())
    }

    /// Claims up to `limit` fetchable article URLs, one on each host that is free and due, and
    /// leases each URL together with its host's gate; each claim's token is `token#id`.
    pub(crate) async fn claim_batch(
        &self,
        token: &str,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<Claim>, FetchError> {
        let rows = sqlx::query(
            "WITH h AS (
                SELECT host FROM crawl_hosts
                WHERE next_allowed_at <= now() AND (busy_until IS NULL OR busy_until < now())
                  AND EXISTS (SELECT 1 FROM crawl_urls w
                              WHERE w.host = crawl_hosts.host AND w.state = 'pending' AND w.next_attempt_at <= now())
                ORDER BY next_allowed_at
                LIMIT $3
                FOR UPDATE SKIP LOCKED
             ), pick AS (
                SELECT c.id, h.host, $1 || '#' || c.id AS token FROM h CROSS JOIN LATERAL (
                    SELECT id FROM crawl_urls w
                    WHERE w.host = h.host AND w.state = 'pending' AND w.next_attempt_at <= now()
                    ORDER BY w.next_attempt_at, w.id
                    LIMIT 1
                    FOR UPDATE SKIP LOCKED) c
             ), gate AS (
                UPDATE crawl_hosts g SET busy_until = now() + make_interval(secs => $2), busy_token = pick.token, updated_at = now()
                FROM pick WHERE g.host = pick.host
                RETURNING g.host, g.robots_txt, (g.robots_txt IS NULL OR g.robots_expires_at < now()) AS robots_stale, g.crawl_delay_ms
             )
             UPDATE crawl_urls u SET state = 'leased', attempts = u.attempts + 1, leased_by = pick.token,
                    lease_until = now() + make_interval(secs => $2), sent_at = NULL, updated_at = now()
             FROM pick JOIN gate ON gate.host = pick.host
             WHERE u.id = pick.id
             RETURNING u.id, u.url, u.host, u.source, u.guid, u.title, u.published_at, u.leased_by,
                       gate.robots_txt, gate.robots_stale, gate.crawl_delay_ms",
        )
        .bind(token)
        .bind(secs(lease))
        .bind(limit.max(1))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Claim {
                    id: r.try_get("id")?,
                    url: r.try_get("url")?,
                    host: r.try_get("host")?,
                    source: r.try_get("source")?,
                    guid: r.try_get("guid")?,
                    title: r.try_get("title")?,
                    published_at: r.try_get("published_at")?,
                    token: r.try_get("leased_by")?,
                    robots_txt: r.try_get("robots_txt")?,
                    robots_stale: r.try_get("robots_stale")?,
                    crawl_delay_ms: r.try_get("crawl_delay_ms")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(FetchError::from)
    }

    /// Takes a host's gate (for feed and sitemap requests) if it is free and due; otherwise
    /// returns how long to wait before asking again.
    pub(crate) async fn try_gate(
        &self,
        host: &str,
        token: &str,
        lease: Duration,
    ) -> Result<Result<HostGate, Duration>, FetchError> {
        sqlx::query("INSERT INTO crawl_hosts (host) VALUES ($1) ON CONFLICT DO NOTHING")
            .bind(host)
            .execute(&self.pool)
            .await?;
        let row = sqlx::query(
            "UPDATE crawl_hosts SET busy_until = now() + make_interval(secs => $3), busy_token = $2, updated_at = now()
             WHERE host = $1 AND next_allowed_at <= now() AND (busy_until IS NULL OR busy_until < now())
             RETURNING crawl_delay_ms, robots_txt, (robots_txt IS NULL OR robots_expires_at < now()) AS robots_stale",
        )
        .bind(host)
        .bind(token)
        .bind(secs(lease))
        .fetch_optional(&self.pool)
        .await?;
        if let Some(r) = row {
            return Ok(Ok(HostGate {
                crawl_delay_ms: r.try_get("crawl_delay_ms")?,
                robots_txt: r.try_get("robots_txt")?,
                robots_stale: r.try_get("robots_stale")?,
            }));
        }
        let wait: f64 = sqlx::query_scalar(
            "SELECT CASE WHEN next_allowed_at > now() THEN EXTRACT(EPOCH FROM next_allowed_at - now())::float8
                         ELSE 0.02 END -- busy with a request: it ends soon, ask again shortly
             FROM crawl_hosts WHERE host = $1",
        )
        .bind(host)
        .fetch_optional(&self.pool)
        .await?
        .unwrap_or(0.0);
        Ok(Err(
            Duration::try_from_secs_f64(wait).unwrap_or(Duration::from_secs(1))
        ))
    }

    /// Frees a host after a request: the next one waits at least `delay`; a `block` (429, 503,
    /// 5xx) doubles the host's backoff, honouring `retry_after`. Errors never shorten a delay.
    /// Returns when the host is next allowed.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn release_host(
        &self,
        host: &str,
        token: &str,
        delay: Duration,
        requests: i64,
        block: Option<(Option<Duration>, Duration, Duration)>,
        success: bool,
    ) -> Result<DateTime<Utc>, FetchError> {
        let (blocked, retry_after, base, cap) = match block {
            Some((ra, base, cap)) => (true, ra.map(secs).unwrap_or(0.0), secs(base), secs(cap)),
            None => (false, 0.0, 0.0, 0.0),
        };
        let next: Option<DateTime<Utc>> = sqlx::query_scalar(
            "UPDATE crawl_hosts SET
                busy_until = NULL, busy_token = NULL, requests = requests + $4, updated_at = now(),
                backoff_level = CASE WHEN $5 THEN LEAST(backoff_level + 1, 30) WHEN $9 THEN 0 ELSE backoff_level END,
                next_allowed_at = GREATEST(next_allowed_at, now() + make_interval(secs => $3),
                    CASE WHEN $5 THEN now() + make_interval(secs => GREATEST(LEAST($6, $8),
                        LEAST($8, $7 * power(2, backoff_level)) * (0.75 + random() * 0.5)))
                    ELSE now() END)
             WHERE host = $1 AND busy_token = $2
             RETURNING next_allowed_at",
        )
        .bind(host)
        .bind(token)
        .bind(secs(delay))
        .bind(requests)
        .bind(blocked)
        .bind(retry_after)
        .bind(base)
        .bind(cap)
        .bind(success)
        .fetch_optional(&self.pool)
        .await?;
        Ok(next.unwrap_or_else(Utc::now))
    }

    /// Stretches a held host gate, and the claimed URL's lease with it, to `lease` from now: a
    /// chain of redirects may outlast the lease taken for one request.
    pub(crate) async fn extend_hold(
        &self,
        host: &str,
        token: &str,
        url_id: Option<i64>,
        lease: Duration,
    ) -> Result<(), FetchError> {
        sqlx::query(
            "WITH g AS (
                UPDATE crawl_hosts SET busy_until = GREATEST(busy_until, now() + make_interval(secs => $3))
                WHERE host = $1 AND busy_token = $2
                RETURNING host)
             UPDATE crawl_urls SET lease_until = GREATEST(lease_until, now() + make_interval(secs => $3))
             WHERE id = $4 AND leased_by = $2 AND state = 'leased'",
        )
        .bind(host)
        .bind(token)
        .bind(secs(lease))
        .bind(url_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Holds a host off until `until` without counting a request (robots.txt unreachable).
    pub(crate) async fn hold_host(&self, host: &str, hold: Duration) -> Result<(), FetchError> {
        sqlx::query(
            "UPDATE crawl_hosts SET next_allowed_at = GREATEST(next_allowed_at, now() + make_interval(secs => $2)), updated_at = now()
             WHERE host = $1",
        )
        .bind(host)
        .bind(secs(hold))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Stores a host's robots.txt (`''` allows everything) and its Crawl-delay.
    pub(crate) async fn store_robots(
        &self,
        host: &str,
        txt: &str,
        status: i32,
        crawl_delay_ms: Option<i32>,
        ttl: Duration,
    ) -> Result<(), FetchError> {
        sqlx::query(
            "UPDATE crawl_hosts SET robots_txt = $2, robots_status = $3, crawl_delay_ms = $4,
                    robots_expires_at = now() + make_interval(secs => $5), updated_at = now()
             WHERE host = $1",
        )
        .bind(host)
        .bind(txt)
        .bind(status)
        .bind(crawl_delay_ms)
        .bind(secs(ttl))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Frees the host after a successful request and marks the URL handed to the pipeline, in
    /// one statement; false when the lease was lost (another worker has the URL now).
    pub(crate) async fn release_and_send(
        &self,
        claim: &Claim,
        delay: Duration,
        requests: i64,
        final_url: &str,
        status: u16,
        handoff: Duration,
    ) -> Result<bool, FetchError> {
        let r = sqlx::query(
            "WITH g AS (
                UPDATE crawl_hosts SET busy_until = NULL, busy_token = NULL, requests = requests + $4, backoff_level = 0,
                       next_allowed_at = GREATEST(next_allowed_at, now() + make_interval(secs => $3)), updated_at = now()
                WHERE host = $5 AND busy_token = $2
                RETURNING host)
             UPDATE crawl_urls SET sent_at = now(), fetched_at = now(), final_url = $6, http_status = $7,
                    lease_until = now() + make_interval(secs => $8), updated_at = now()
             WHERE id = $1 AND leased_by = $2 AND state = 'leased'",
        )
        .bind(claim.id)
        .bind(&claim.token)
        .bind(secs(delay))
        .bind(requests)
        .bind(&claim.host)
        .bind(final_url)
        .bind(i32::from(status))
        .bind(secs(handoff))
        .execute(&self.pool)
        .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Records the final URL of a redirect as an alias; returns true when it already belongs to
    /// another stored story (so this one is a duplicate).
    pub(crate) async fn alias_final(
        &self,
        claim: &Claim,
        final_url: &url::Url,
    ) -> Result<bool, FetchError> {
        let mut tx = self.relaxed().await?;
        let canonical = canon::canonical(final_url);
        let owner: Option<(i64, String)> = sqlx::query_as(
            "SELECT a.url_id, u.state FROM crawl_aliases a JOIN crawl_urls u ON u.id = a.url_id
             WHERE a.alias = ANY($1) AND a.url_id <> $2 LIMIT 1",
        )
        .bind(vec![final_url.to_string(), canonical.clone()])
        .bind(claim.id)
        .fetch_optional(&mut *tx)
        .await?;
        for alias in [final_url.to_string(), canonical] {
            sqlx::query("INSERT INTO crawl_aliases (alias, url_id, kind) VALUES ($1, $2, 'final') ON CONFLICT (alias) DO NOTHING")
                .bind(alias)
                .bind(claim.id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(owner.is_some_and(|(_, state)| state == "done"))
    }

    /// Ends a claimed URL's attempt with a failure: retried later as its `retry` says (not before
    /// `not_before`), failed for good otherwise. A stale claim changes nothing. A failure at a
    /// redirect hop records that hop as the URL reached, and in `crawl_failures`.
    pub(crate) async fn fail_claim(
        &self,
        claim: &Claim,
        f: &ClaimFailure<'_>,
    ) -> Result<(), FetchError> {
        let transient = f.retry != Retry::Never;
        let max_attempts = match f.retry {
            Retry::Once => self.max_attempts.min(2),
            Retry::Never | Retry::Backoff => self.max_attempts,
        };
        sqlx::query(
            "UPDATE crawl_urls SET
                attempts = CASE WHEN $9 THEN attempts ELSE GREATEST(attempts - 1, 0) END,
                state = CASE WHEN $5 AND (attempts < $6 OR NOT $9) THEN 'pending' ELSE 'failed' END,
                next_attempt_at = GREATEST(COALESCE($10, now()),
                    now() + CASE WHEN $9 THEN make_interval(secs => LEAST($8, $7 * power(2, GREATEST(attempts - 1, 0))) * (0.75 + random() * 0.5))
                                 ELSE interval '0' END),
                lease_until = NULL, leased_by = NULL, sent_at = NULL,
                fail_class = $3, fail_reason = left($4, 1000), http_status = $11,
                final_url = COALESCE($12, final_url),
                finished_at = CASE WHEN $5 AND (attempts < $6 OR NOT $9) THEN NULL ELSE now() END,
                updated_at = now()
             WHERE id = $1 AND leased_by = $2 AND state = 'leased'",
        )
        .bind(claim.id)
        .bind(&claim.token)
        .bind(f.class.as_str())
        .bind(f.reason)
        .bind(transient)
        .bind(max_attempts)
        .bind(secs(self.retry_base))
        .bind(secs(self.retry_max))
        .bind(f.count_attempt)
        .bind(f.not_before)
        .bind(f.status.map(i32::from))
        .bind(f.at)
        .execute(&self.pool)
        .await?;
        if f.count_attempt {
            let at = f.at.unwrap_or(&claim.url);
            let host = match f.at {
                Some(hop) => url::Url::parse(hop).ok().and_then(|u| canon::host_key(&u)),
                None => Some(claim.host.clone()),
            };
            record_failure(
                &self.pool,
                Some(&claim.source),
                at,
                host.as_deref(),
                f.class,
                f.reason,
                f.status,
                transient,
            )
            .await?;
        }
        Ok(())
    }

    /// Marks a claimed URL done without sending it (a duplicate of a stored story).
    pub(crate) async fn finish_duplicate(
        &self,
        claim: &Claim,
        final_url: &str,
    ) -> Result<(), FetchError> {
        sqlx::query(
            "UPDATE crawl_urls SET state = 'done', final_url = $3, finished_at = now(), fail_class = $4,
                    lease_until = NULL, leased_by = NULL, updated_at = now()
             WHERE id = $1 AND leased_by = $2 AND state = 'leased'",
        )
        .bind(claim.id)
        .bind(&claim.token)
        .bind(final_url)
        .bind(FailureClass::Duplicate.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Returns this process's unsent leases (URLs, feeds, host gates) on shutdown.
    pub(crate) async fn release_worker(&self, worker: &str) -> Result<u64, FetchError> {
        let prefix = format!("{worker}:%");
        let urls = sqlx::query(
            "UPDATE crawl_urls SET state = 'pending', attempts = GREATEST(attempts - 1, 0), lease_until = NULL, leased_by = NULL, updated_at = now()
             WHERE state = 'leased' AND sent_at IS NULL AND leased_by LIKE $1",
        )
        .bind(&prefix)
        .execute(&self.pool)
        .await?;
        sqlx::query("UPDATE crawl_feeds SET lease_until = NULL, lease_token = NULL WHERE lease_token LIKE $1")
            .bind(&prefix)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "UPDATE crawl_hosts SET busy_until = NULL, busy_token = NULL WHERE busy_token LIKE $1",
        )
        .bind(&prefix)
        .execute(&self.pool)
        .await?;
        Ok(urls.rows_affected())
    }

    /// Adds the links of one poll to the frontier, skipping every URL, canonical URL or GUID
    /// seen before; returns how many were new.
    pub(crate) async fn discover(
        &self,
        source: &str,
        items: &[(url::Url, FeedItem)],
    ) -> Result<usize, FetchError> {
        let mut new = 0;
        let mut hosts_done: Vec<String> = Vec::new();
        for (url, item) in items {
            let Some(host) = canon::host_key(url) else {
                continue;
            };
            if !hosts_done.contains(&host) {
                sqlx::query("INSERT INTO crawl_hosts (host) VALUES ($1) ON CONFLICT DO NOTHING")
                    .bind(&host)
                    .execute(&self.pool)
                    .await?;
                hosts_done.push(host.clone());
            }
            let link = LinkKeys::new(source, url, item);
            if self.add_link(source, &host, &link, item).await? {
                new += 1;
            }
        }
        Ok(new)
    }

    /// Adds one link under each of its aliases unless an alias is known; true when it was new.
    async fn add_link(
        &self,
        source: &str,
        host: &str,
        link: &LinkKeys,
        item: &FeedItem,
    ) -> Result<bool, FetchError> {
        let keys: Vec<String> = link.aliases.iter().map(|(a, _)| a.clone()).collect();
        let mut tx = self.relaxed().await?;
        let mut id: Option<i64> =
            sqlx::query_scalar("SELECT url_id FROM crawl_aliases WHERE alias = ANY($1) LIMIT 1")
                .bind(&keys)
                .fetch_optional(&mut *tx)
                .await?;
        let mut inserted = false;
        if id.is_none() {
            id = insert_url(&mut tx, source, host, link, item).await?;
            inserted = id.is_some();
            if !inserted {
                // Another daemon inserted it a moment ago.
                id = sqlx::query_scalar(
                    "SELECT id FROM crawl_urls WHERE url = $1 OR canonical_url = $2 LIMIT 1",
                )
                .bind(&link.exact)
                .bind(&link.canonical)
                .fetch_optional(&mut *tx)
                .await?;
            }
        }
        if let Some(id) = id {
            for (alias, kind) in &link.aliases {
                sqlx::query("INSERT INTO crawl_aliases (alias, url_id, kind) VALUES ($1, $2, $3) ON CONFLICT (alias) DO NOTHING")
                    .bind(alias)
                    .bind(id)
                    .bind(kind)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(inserted)
    }

    /// Registers a configured source, keeping its adaptive state when its URL is unchanged.
    pub(crate) async fn upsert_feed(
        &self,
        s: &model::Source,
        host: &str,
    ) -> Result<(), FetchError> {
        sqlx::query("INSERT INTO crawl_hosts (host) VALUES ($1) ON CONFLICT DO NOTHING")
            .bind(host)
            .execute(&self.pool)
            .await?;
        let base = s.poll_interval.as_secs_f64().max(0.001);
        sqlx::query(
            "INSERT INTO crawl_feeds (source, url, kind, host, agency, base_interval_secs, interval_secs)
             VALUES ($1, $2, $3, $4, $5, $6, $6)
             ON CONFLICT (source) DO UPDATE SET
                kind = EXCLUDED.kind, host = EXCLUDED.host, agency = EXCLUDED.agency,
                base_interval_secs = EXCLUDED.base_interval_secs,
                interval_secs = CASE WHEN crawl_feeds.url = EXCLUDED.url AND crawl_feeds.base_interval_secs = EXCLUDED.base_interval_secs
                                     THEN crawl_feeds.interval_secs ELSE EXCLUDED.interval_secs END,
                etag = CASE WHEN crawl_feeds.url = EXCLUDED.url THEN crawl_feeds.etag END,
                last_modified = CASE WHEN crawl_feeds.url = EXCLUDED.url THEN crawl_feeds.last_modified END,
                body_hash = CASE WHEN crawl_feeds.url = EXCLUDED.url THEN crawl_feeds.body_hash END,
                disabled = crawl_feeds.disabled AND crawl_feeds.url = EXCLUDED.url,
                consecutive_failures = CASE WHEN crawl_feeds.url = EXCLUDED.url THEN crawl_feeds.consecutive_failures ELSE 0 END,
                next_poll_at = CASE WHEN crawl_feeds.url = EXCLUDED.url THEN crawl_feeds.next_poll_at ELSE now() END,
                url = EXCLUDED.url, updated_at = now()",
        )
        .bind(&s.name)
        .bind(&s.url)
        .bind(s.kind.as_str())
        .bind(host)
        .bind(s.agency.as_deref())
        .bind(base)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Claims up to `limit` of the named feeds that are due.
    pub(crate) async fn claim_feeds(
        &self,
        names: &[String],
        token_prefix: &str,
        lease: Duration,
        limit: i64,
    ) -> Result<Vec<FeedClaim>, FetchError> {
        let rows = sqlx::query(
            "UPDATE crawl_feeds f SET lease_until = now() + make_interval(secs => $3),
                    lease_token = $2 || ':' || f.source
             FROM (SELECT source FROM crawl_feeds
                   WHERE source = ANY($1) AND next_poll_at <= now() AND (lease_until IS NULL OR lease_until < now())
                   ORDER BY next_poll_at LIMIT $4
                   FOR UPDATE SKIP LOCKED) d
             WHERE f.source = d.source
             RETURNING f.source, f.lease_token, f.etag, f.last_modified, f.body_hash, f.interval_secs,
                       f.base_interval_secs, f.consecutive_failures, f.disabled",
        )
        .bind(names)
        .bind(token_prefix)
        .bind(secs(lease))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(FeedClaim {
                    source: r.try_get("source")?,
                    token: r.try_get("lease_token")?,
                    etag: r.try_get("etag")?,
                    last_modified: r.try_get("last_modified")?,
                    body_hash: r.try_get("body_hash")?,
                    interval_secs: r.try_get("interval_secs")?,
                    base_interval_secs: r.try_get("base_interval_secs")?,
                    consecutive_failures: r.try_get("consecutive_failures")?,
                    disabled: r.try_get("disabled")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(FetchError::from)
    }

    /// How long until the next of the named feeds is due.
    pub(crate) async fn next_feed_due(
        &self,
        names: &[String],
    ) -> Result<Option<Duration>, FetchError> {
        let wait: Option<f64> = sqlx::query_scalar(
            "SELECT GREATEST(0, EXTRACT(EPOCH FROM (min(GREATEST(next_poll_at, COALESCE(lease_until, next_poll_at))) - now())))::float8
             FROM crawl_feeds WHERE source = ANY($1)",
        )
        .bind(names)
        .fetch_one(&self.pool)
        .await?;
        Ok(wait.and_then(|w| Duration::try_from_secs_f64(w).ok()))
    }

    /// Ends a feed poll: stores validators and the adaptive interval, schedules the next poll.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn finish_feed(
        &self,
        claim: &FeedClaim,
        next_in: Duration,
        interval: f64,
        status: Option<u16>,
        validators: Option<(Option<String>, Option<String>, Option<String>)>,
        failures: i32,
        disabled: bool,
        error: Option<&str>,
        items: Option<(i32, i32)>,
    ) -> Result<(), FetchError> {
        let (keep, etag, lm, hash) = match validators {
            Some((e, l, h)) => (false, e, l, h),
            None => (true, None, None, None),
        };
        sqlx::query(
            "UPDATE crawl_feeds SET
                next_poll_at = now() + make_interval(secs => $3), interval_secs = $4,
                lease_until = NULL, lease_token = NULL, last_polled_at = now(), polls = polls + 1,
                last_status = COALESCE($5, last_status),
                etag = CASE WHEN $6 THEN etag ELSE $7 END,
                last_modified = CASE WHEN $6 THEN last_modified ELSE $8 END,
                body_hash = CASE WHEN $6 THEN body_hash ELSE $9 END,
                consecutive_failures = $10, disabled = $11, last_error = $12,
                last_items = COALESCE($13, last_items), last_new_items = COALESCE($14, last_new_items),
                updated_at = now()
             WHERE source = $1 AND lease_token = $2",
        )
        .bind(&claim.source)
        .bind(&claim.token)
        .bind(secs(next_in))
        .bind(interval)
        .bind(status.map(i32::from))
        .bind(keep)
        .bind(etag)
        .bind(lm)
        .bind(hash)
        .bind(failures)
        .bind(disabled)
        .bind(error)
        .bind(items.map(|i| i.0))
        .bind(items.map(|i| i.1))
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// A discovered link's exact and canonical URL, and every alias it is known by.
struct LinkKeys {
    exact: String,
    canonical: String,
    aliases: Vec<(String, &'static str)>,
}

impl LinkKeys {
    /// The exact URL, the canonical one when it differs, and the source's GUID when usable.
    fn new(source: &str, url: &url::Url, item: &FeedItem) -> Self {
        let exact = url.to_string();
        let canonical = canon::canonical(url);
        let mut aliases: Vec<(String, &'static str)> = vec![(exact.clone(), "exact")];
        if canonical != exact {
            aliases.push((canonical.clone(), "canonical"));
        }
        if let Some(g) = item
            .guid
            .as_deref()
            .filter(|g| !g.is_empty() && g.len() <= 2048)
        {
            aliases.push((format!("guid:{source}:{g}"), "guid"));
        }
        LinkKeys {
            exact,
            canonical,
            aliases,
        }
    }
}

/// Inserts a new link; `None` when its URL or canonical URL is already there.
async fn insert_url(
    conn: &mut sqlx::PgConnection,
    source: &str,
    host: &str,
    link: &LinkKeys,
    item: &FeedItem,
) -> Result<Option<i64>, FetchError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO crawl_urls (url, canonical_url, host, source, guid, title, published_at)
                     VALUES ($1, $2, $3, $4, $5, left($6, 2000), $7)
                     ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(&link.exact)
    .bind(&link.canonical)
    .bind(host)
    .bind(source)
    .bind(item.guid.as_deref())
    .bind(item.title.as_deref())
    .bind(item.published_at.map(|d| d.with_timezone(&Utc)))
    .fetch_optional(&mut *conn)
    .await?)
}

/// Appends one failed request to `crawl_failures`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_failure(
    pool: &PgPool,
    source: Option<&str>,
    url: &str,
    host: Option<&str>,
    class: FailureClass,
    reason: &str,
    status: Option<u16>,
    transient: bool,
) -> Result<(), FetchError> {
    sqlx::query(
        "INSERT INTO crawl_failures (source, url, host, class, reason, http_status, transient)
         VALUES ($1, left($2, 4096), $3, $4, left($5, 1000), $6, $7)",
    )
    .bind(source)
    .bind(url)
    .bind(host)
    .bind(class.as_str())
    .bind(reason)
    .bind(status.map(i32::from))
    .bind(transient)
    .execute(pool)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(url: &str, guid: Option<&str>) -> (url::Url, FeedItem) {
        let u = canon::parse_http_url(url, 2048).unwrap();
        (
            u,
            FeedItem {
                url: url.into(),
                guid: guid.map(Into::into),
                title: Some("Talks".into()),
                published_at: None,
            },
        )
    }

    #[sqlx::test(migrations = "../../migrations")]
    async fn dedup_by_url_canonical_url_and_guid(pool: PgPool) {
        let f = Frontier::new(pool.clone());
        let first = [item(
            "https://wire.example/en/1?utm_source=rss",
            Some("g-1"),
        )];
        assert_eq!(f.discover("wire", &first).await.unwrap(), 1);
        // Same story: exact URL again, tracking-free canonical form, a new URL under the same GUID.
        let again = [
            item("https://wire.example/en/1?utm_source=rss", None),
            item("https://WIRE.example/en/1#comments", None),
            item("https://wire.example/en/1-updated", Some("g-1")),
        ];
        assert_eq!(f.discover("wire", &again).await.unwrap(), 0);
        // The same GUID from another source is another story.
        assert_eq!(
            f.discover("other", &[item("https://wire.example/en/2", Some("g-1"))])
                .await
                .unwrap(),
            1
        );
        let urls: i64 = sqlx::query_scalar("SELECT count(*) FROM crawl_urls")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(urls, 2);
        let aliases: Vec<String> = sqlx::query_scalar("SELECT alias FROM crawl_aliases a JOIN crawl_urls u ON u.id = a.url_id WHERE u.source = 'wire' ORDER BY alias")
            .fetch_all(&pool).await.unwrap();
        assert_eq!(
            aliases,
            vec![
                "guid:wire:g-1".to_owned(),
                "https://wire.example/en/1".into(),
                "https://wire.example/en/1-updated".into(),
                "https://wire.example/en/1?utm_source=rss".into(),
            ]
        );
    }

    #[sqlx::test(migrations = "../../migrations")]
    async fn expired_lease_returns_to_pending_and_a_stale_worker_changes_nothing(pool: PgPool) {
        let f = Frontier::new(pool.clone());
        f.discover(
            "wire",
            &[
                item("https://wire.example/en/1", None),
                item("https://wire.example/en/2", None),
            ],
        )
        .await
        .unwrap();
        let a = f
            .claim("w1:1", Duration::from_millis(1))
            .await
            .unwrap()
            .expect("a claim");
        // The host is busy: nothing else on it can be claimed while the gate is held.
        sqlx::query("UPDATE crawl_hosts SET busy_until = now() + interval '1 hour'")
            .execute(&pool)
            .await
            .unwrap();
        assert!(f
            .claim("w2:1", Duration::from_secs(60))
            .await
            .unwrap()
            .is_none());
        // The first worker "crashes": its lease and the host gate expire.
        sqlx::query("UPDATE crawl_hosts SET busy_until = now() - interval '1 second'")
            .execute(&pool)
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(f.reap_expired().await.unwrap(), 1);
        let b = f
            .claim("w2:2", Duration::from_secs(60))
            .await
            .unwrap()
            .expect("the expired URL is claimable again");
        assert_eq!(b.url, a.url, "the oldest ready URL comes back first");
        // The stale worker wakes up: its outcome must not overwrite the new attempt.
        f.fail_claim(
            &a,
            &ClaimFailure::new(FailureClass::Timeout, "late", Retry::Backoff),
        )
        .await
        .unwrap();
        assert!(!f
            .release_and_send(&a, Duration::ZERO, 1, &a.url, 200, Duration::from_secs(60))
            .await
            .unwrap());
        let (state, by, attempts): (String, String, i32) =
            sqlx::query_as("SELECT state, leased_by, attempts FROM crawl_urls WHERE url = $1")
                .bind(&a.url)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(
            (state.as_str(), by.as_str(), attempts),
            ("leased", b.token.as_str(), 2)
        );
        assert!(b.token.starts_with("w2:2#"));
        assert!(f
            .release_and_send(&b, Duration::ZERO, 1, &b.url, 200, Duration::from_secs(60))
            .await
            .unwrap());
        assert_eq!(f.complete(std::slice::from_ref(&b.url)).await.unwrap(), 1);
        assert_eq!(
            f.complete(std::slice::from_ref(&b.url)).await.unwrap(),
            0,
            "completing twice is harmless"
        );
        // A sent story is not released on shutdown; an unsent lease is.
        f.release_host(&b.host, &b.token, Duration::ZERO, 1, None, true)
            .await
            .unwrap();
        let c = f
            .claim("w2:3", Duration::from_secs(60))
            .await
            .unwrap()
            .expect("second URL");
        assert_eq!(f.release_worker("w2").await.unwrap(), 1);
        let state: String = sqlx::query_scalar("SELECT state FROM crawl_urls WHERE id = $1")
            .bind(c.id)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(state, "pending");
    }

    #[sqlx::test(migrations = "../../migrations")]
    async fn pipeline_failures_retry_when_transient_and_stop_when_permanent(pool: PgPool) {
        let f = Frontier::new(pool.clone()).with_retries(
            2,
            Duration::from_millis(1),
            Duration::from_millis(1),
        );
        f.discover(
            "wire",
            &[
                item("https://wire.example/en/1", None),
                item("https://wire.example/en/2", None),
            ],
        )
        .await
        .unwrap();
        f.fail(
            "https://wire.example/en/1",
            FailureClass::Body,
            "empty page",
        )
        .await
        .unwrap();
        f.fail(
            "https://wire.example/en/2",
            FailureClass::Parse,
            "no article body",
        )
        .await
        .unwrap();
        let states: Vec<(String, String)> =
            sqlx::query_as("SELECT url, state FROM crawl_urls ORDER BY url")
                .fetch_all(&pool)
                .await
                .unwrap();
        assert_eq!(states[0].1, "pending");
        assert_eq!(states[1].1, "failed");
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM crawl_failures")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n, 2);
    }

    #[sqlx::test(migrations = "../../migrations")]
    async fn host_block_doubles_honours_retry_after_and_never_shortens(pool: PgPool) {
        let f = Frontier::new(pool.clone());
        f.discover("wire", &[item("https://wire.example/en/1", None)])
            .await
            .unwrap();
        let host = "wire.example";
        let wait = |pool: PgPool| async move {
            sqlx::query_scalar::<_, f64>("SELECT EXTRACT(EPOCH FROM next_allowed_at - now())::float8 FROM crawl_hosts WHERE host = 'wire.example'")
                .fetch_one(&pool).await.unwrap()
        };
        let base = Duration::from_secs(10);
        let cap = Duration::from_secs(1000);
        let mut last = 0.0;
        for level in 0..3 {
            assert!(
                f.try_gate(host, "t", Duration::from_secs(60))
                    .await
                    .unwrap()
                    .is_ok()
                    || level > 0
            );
            sqlx::query("UPDATE crawl_hosts SET busy_token = 't'")
                .execute(&pool)
                .await
                .unwrap();
            f.release_host(host, "t", Duration::ZERO, 1, Some((None, base, cap)), false)
                .await
                .unwrap();
            let w = wait(pool.clone()).await;
            let expected = 10.0 * 2f64.powi(level);
            assert!(
                w >= expected * 0.74 && w <= expected * 1.26,
                "level {level}: {w}"
            );
            assert!(w > last);
            last = w;
            sqlx::query("UPDATE crawl_hosts SET next_allowed_at = now()")
                .execute(&pool)
                .await
                .unwrap();
        }
        // Retry-After longer than the backoff wins; a later success with a short delay does not shorten it.
        sqlx::query("UPDATE crawl_hosts SET busy_token = 't', backoff_level = 0")
            .execute(&pool)
            .await
            .unwrap();
        f.release_host(
            host,
            "t",
            Duration::ZERO,
            1,
            Some((Some(Duration::from_secs(120)), base, cap)),
            false,
        )
        .await
        .unwrap();
        sqlx::query("UPDATE crawl_hosts SET busy_token = 't'")
            .execute(&pool)
            .await
            .unwrap();
        f.release_host(host, "t", Duration::from_secs(1), 1, None, true)
            .await
            .unwrap();
        assert!(wait(pool.clone()).await > 119.0);
        let level: i32 =
            sqlx::query_scalar("SELECT backoff_level FROM crawl_hosts WHERE host = 'wire.example'")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(level, 0);
    }
}
