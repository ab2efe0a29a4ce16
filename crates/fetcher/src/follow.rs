//! Redirects, followed by the fetcher rather than the HTTP client, so that every hop keeps the
//! crawler's manners: its host's gate in PostgreSQL (shared by every daemon) and the in-process
//! limiter, robots.txt, the address guard, and the `max_redirects` cap.
//!
//! The caller holds the gate of the first URL's host (the home host) for the whole chain; a hop
//! to another host takes that host's gate for its one request and frees it at once.

use std::time::Duration;

use model::{FailureClass, Redirect};
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::http::{self, Failed, Response};
use crate::{canon, FetchError, Gate, Inner, RobotsOutcome};

/// The host whose gate the caller holds for the whole chain.
pub(crate) struct Home<'a> {
    pub host: &'a str,
    /// The token the gate is held with.
    pub token: &'a str,
    /// Its delay between two requests.
    pub delay: Duration,
    /// The claimed article whose lease is stretched with each hop.
    pub url_id: Option<i64>,
}

/// What each request of a chain asks for.
pub(crate) struct Ask<'a> {
    pub etag: Option<&'a str>,
    pub last_modified: Option<&'a str>,
    /// Largest body read.
    pub cap: u64,
    /// The home host's robots.txt, checked on every hop (and other hosts' own): `None` for
    /// requests that obey none (feeds, robots.txt itself).
    pub robots: Option<&'a str>,
}

/// How a chain ended.
pub(crate) struct Followed {
    pub end: End,
    /// Requests sent to the home host.
    pub home_requests: i64,
    /// Whether the chain ended on the home host (whose gate and backoff the caller settles).
    pub at_home: bool,
}

/// The last step of a chain.
pub(crate) enum End {
    /// The last response (`final_url` and `redirects` say how it was reached), or why the chain
    /// stopped (`at` names the hop).
    Done(Result<Response, Failed>),
    /// A hop's host cannot be asked now: come back after the wait. The reason is set when its
    /// robots.txt could not be read (a failure worth recording); a busy host has none.
    Later {
        wait: Duration,
        at: String,
        reason: Option<String>,
    },
    /// Shutdown was asked while waiting for a hop's host.
    Stopped,
}

/// One request of a chain on a host other than the home host.
enum Away {
    Got(Result<Response, Failed>),
    Later(Duration, Option<String>),
    Stopped,
}

/// Statuses whose `Location` is followed.
fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Names the hop in a failure after at least one redirect.
fn at_hop(mut f: Failed, hop: &Url, redirects: &[Redirect]) -> Failed {
    if !redirects.is_empty() {
        f.reason = format!("at {hop} (redirect {}): {}", redirects.len(), f.reason);
        f.at = Some(hop.to_string());
    }
    f
}

impl Inner {
    /// Requests `start` and follows its redirects, each hop through its host's gate, delay,
    /// robots.txt and the address guard, up to `max_redirects`.
    pub(crate) async fn follow(
        &self,
        start: &Url,
        home: &Home<'_>,
        ask: &Ask<'_>,
        stop: &CancellationToken,
    ) -> Result<Followed, FetchError> {
        let mut url = start.clone();
        let mut redirects: Vec<Redirect> = Vec::new();
        let mut home_requests = 0;
        loop {
            let host = canon::host_key(&url).unwrap_or_default();
            let at_home = host == home.host;
            let done = |end: End, home_requests| {
                Ok(Followed {
                    end,
                    home_requests,
                    at_home,
                })
            };
            let got = if at_home {
                if let Some(f) = self.refused_by_robots(home.host, ask.robots, &url) {
                    return done(End::Done(Err(at_hop(f, &url, &redirects))), home_requests);
                }
                self.limiter.wait(home.host, home.delay).await;
                home_requests += 1;
                let got = self
                    .http
                    .get(&url, ask.etag, ask.last_modified, ask.cap)
                    .await;
                self.limiter.finished(home.host, home.delay);
                got
            } else {
                match self.away(&url, &host, ask, stop).await? {
                    Away::Got(got) => got,
                    Away::Later(wait, reason) => {
                        let at = url.to_string();
                        return done(End::Later { wait, at, reason }, home_requests);
                    }
                    Away::Stopped => return done(End::Stopped, home_requests),
                }
            };
            let mut resp = match got {
                Ok(r) => r,
                Err(f) => return done(End::Done(Err(at_hop(f, &url, &redirects))), home_requests),
            };
            let location = resp.location.take().filter(|_| is_redirect(resp.status));
            let Some(location) = location else {
                resp.final_url = url.to_string();
                resp.redirects = redirects;
                return done(End::Done(Ok(resp)), home_requests);
            };
            redirects.push(Redirect {
                url: url.to_string(),
                status: resp.status,
            });
            let next = match self.next_hop(&url, &location, &redirects) {
                Ok(next) => next,
                Err(f) => return done(End::Done(Err(f)), home_requests),
            };
            // A chain may outlast the lease taken for one request.
            self.frontier
                .extend_hold(home.host, home.token, home.url_id, self.cfg.request_lease())
                .await?;
            url = next;
        }
    }

    /// The URL a redirect leads to, if it may be requested at all. A refused target is named
    /// in the failure; otherwise the redirecting URL `from` is.
    fn next_hop(&self, from: &Url, location: &str, redirects: &[Redirect]) -> Result<Url, Failed> {
        if redirects.len() > self.cfg.max_redirects {
            let why = format!(
                "more than {} redirects (next: {location})",
                self.cfg.max_redirects
            );
            return Err(at_hop(
                Failed::new(FailureClass::Redirect, why),
                from,
                redirects,
            ));
        }
        let next = from.join(location).map_err(|e| {
            let why = format!("redirect to an unusable location {location:?}: {e}");
            at_hop(Failed::new(FailureClass::Redirect, why), from, redirects)
        })?;
        // Refused before the target's host is asked for anything.
        http::check_url(&next, self.cfg.allow_private_networks, self.cfg.max_url_len)
            .map_err(|f| at_hop(f, &next, redirects))?;
        Ok(next)
    }

    /// Whether `robots` (when the chain obeys one) forbids `url`.
    fn refused_by_robots(&self, host: &str, robots: Option<&str>, url: &Url) -> Option<Failed> {
        let txt = robots.filter(|t| !t.is_empty())?;
        self.robot(host, txt)
            .is_some_and(|r| !r.allowed(url.as_str()))
            .then(|| Failed::new(FailureClass::Robots, "disallowed by robots.txt"))
    }

    /// One hop on another host: its gate, its robots.txt (fetched when stale), its delay.
    async fn away(
        &self,
        url: &Url,
        host: &str,
        ask: &Ask<'_>,
        stop: &CancellationToken,
    ) -> Result<Away, FetchError> {
        let token = self.token();
        let gate = match self.take_gate(host, &token, stop).await? {
            Gate::Got(g) => g,
            Gate::Stopped => return Ok(Away::Stopped),
            Gate::Later(wait) => return Ok(Away::Later(wait, None)),
        };
        let mut delay = self.cfg.host_delay(gate.crawl_delay_ms);
        let mut requests = 0;
        if ask.robots.is_some() {
            let mut txt = gate.robots_txt;
            if gate.robots_stale {
                requests += 1;
                match self.fetch_robots(url, host, &token, stop).await? {
                    RobotsOutcome::Stored(t, crawl_delay_ms) => {
                        txt = Some(t);
                        delay = self.cfg.host_delay(crawl_delay_ms);
                    }
                    RobotsOutcome::Unreachable(reason) => {
                        let hold = self.cfg.robots_error_hold;
                        self.frontier.hold_host(host, hold).await?;
                        self.frontier
                            .release_host(host, &token, delay, requests, None, false)
                            .await?;
                        let reason = format!("robots.txt unreachable: {reason}");
                        return Ok(Away::Later(hold, Some(reason)));
                    }
                    RobotsOutcome::Failed(f) => {
                        self.frontier
                            .release_host(host, &token, delay, requests, None, false)
                            .await?;
                        return Ok(Away::Got(Err(f)));
                    }
                    RobotsOutcome::Stopped => {
                        self.frontier
                            .release_host(host, &token, delay, requests, None, false)
                            .await?;
                        return Ok(Away::Stopped);
                    }
                }
            }
            let robots = Some(txt.as_deref().unwrap_or(""));
            if let Some(f) = self.refused_by_robots(host, robots, url) {
                let delay = if requests > 0 { delay } else { Duration::ZERO };
                self.frontier
                    .release_host(host, &token, delay, requests, None, false)
                    .await?;
                return Ok(Away::Got(Err(f)));
            }
        }
        self.limiter.wait(host, delay).await;
        let got = self
            .http
            .get(url, ask.etag, ask.last_modified, ask.cap)
            .await;
        self.limiter.finished(host, delay);
        let block = match &got {
            Ok(r) => self.block_for(r),
            Err(_) => None,
        };
        let success = matches!(&got, Ok(r) if r.status < 400);
        self.frontier
            .release_host(host, &token, delay, requests + 1, block, success)
            .await?;
        Ok(Away::Got(got))
    }

    /// The host block a response calls for: 429, 503 and other 5xx double the host's backoff.
    pub(crate) fn block_for(&self, r: &Response) -> Option<(Option<Duration>, Duration, Duration)> {
        (http::status_transient(r.status) && r.status != 408).then(|| {
            (
                r.retry_after.map(|d| d.min(self.cfg.backoff_max)),
                self.cfg.backoff_base,
                self.cfg.backoff_max,
            )
        })
    }
}
