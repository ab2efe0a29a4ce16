-- The crawl frontier shared by every wirehose daemon on one database: feeds to poll, article URLs
-- to fetch, per-host politeness state, every URL alias seen, and every fetch failure.
-- Leases (lease_until + a per-claim token) make a crashed daemon's work return to the pool and stop a
-- stale worker from overwriting a newer attempt.

CREATE TABLE IF NOT EXISTS crawl_hosts (
    host              text PRIMARY KEY,              -- host[:port], lower-case
    next_allowed_at   timestamptz NOT NULL DEFAULT now(),
    busy_until        timestamptz,                   -- a request is in flight until then (crash-safe)
    busy_token        text,                          -- who holds the host
    backoff_level     integer NOT NULL DEFAULT 0,    -- doubles the block after 429/503/5xx
    crawl_delay_ms    integer,                       -- from robots.txt, before the cap
    robots_txt        text,                          -- NULL: not fetched yet; '' : allow all
    robots_status     integer,
    robots_expires_at timestamptz,
    requests          bigint NOT NULL DEFAULT 0,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS crawl_feeds (
    source               text PRIMARY KEY,           -- the configured source name
    url                  text NOT NULL,
    kind                 text NOT NULL,
    host                 text NOT NULL,
    agency               text,
    base_interval_secs   double precision NOT NULL,  -- the configured poll_interval
    interval_secs        double precision NOT NULL,  -- the adaptive interval now in use
    next_poll_at         timestamptz NOT NULL DEFAULT now(),
    lease_until          timestamptz,
    lease_token          text,
    etag                 text,
    last_modified        text,
    body_hash            text,
    consecutive_failures integer NOT NULL DEFAULT 0,
    disabled             boolean NOT NULL DEFAULT false,
    last_polled_at       timestamptz,
    last_status          integer,
    last_error           text,
    last_items           integer,
    last_new_items       integer,
    polls                bigint NOT NULL DEFAULT 0,
    updated_at           timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS crawl_feeds_due ON crawl_feeds (next_poll_at);

CREATE TABLE IF NOT EXISTS crawl_urls (
    id              bigserial PRIMARY KEY,
    url             text NOT NULL UNIQUE,            -- as discovered, the key FetchedPage.url carries
    canonical_url   text NOT NULL UNIQUE,
    host            text NOT NULL,
    source          text NOT NULL,
    guid            text,
    title           text,
    published_at    timestamptz,
    state           text NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'leased', 'done', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    lease_until     timestamptz,
    leased_by       text,                            -- the claim's token: a stale worker matches no row
    sent_at         timestamptz,                     -- handed to the pipeline, awaiting completion
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    final_url       text,
    http_status     integer,
    fail_class      text,
    fail_reason     text,
    discovered_at   timestamptz NOT NULL DEFAULT now(),
    fetched_at      timestamptz,
    finished_at     timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS crawl_urls_ready ON crawl_urls (host, next_attempt_at, id)
    WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS crawl_urls_leased ON crawl_urls (host, lease_until)
    WHERE state = 'leased';

-- Every URL (exact, canonical, final after redirects) and feed GUID seen for an article.
CREATE TABLE IF NOT EXISTS crawl_aliases (
    alias    text PRIMARY KEY,                       -- a URL, or 'guid:<source>:<guid>'
    url_id   bigint NOT NULL REFERENCES crawl_urls (id) ON DELETE CASCADE,
    kind     text NOT NULL CHECK (kind IN ('exact', 'canonical', 'guid', 'final')),
    seen_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS crawl_aliases_url ON crawl_aliases (url_id);

-- One row per failed request (article, feed or robots.txt), for analysts and `status`.
CREATE TABLE IF NOT EXISTS crawl_failures (
    id          bigserial PRIMARY KEY,
    source      text,
    url         text NOT NULL,
    host        text,
    class       text NOT NULL,                       -- timeout, dns, connect, tls, status, too_large, robots, blocked, ...
    reason      text NOT NULL,
    http_status integer,
    transient   boolean NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS crawl_failures_at ON crawl_failures (at);
CREATE INDEX IF NOT EXISTS crawl_failures_url ON crawl_failures (url);
