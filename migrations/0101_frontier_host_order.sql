-- Claims walk hosts in next_allowed_at order and stop at the first free ones with work.
CREATE INDEX IF NOT EXISTS crawl_hosts_next_allowed ON crawl_hosts (next_allowed_at);
