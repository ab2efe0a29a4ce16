-- How a stored page was reached: the redirects followed from `url` to `final_url`, in order, each
-- as {"url": ..., "status": 301}. Pages stored before this column have no chain recorded ('[]').
ALTER TABLE raw_pages ADD COLUMN IF NOT EXISTS redirects jsonb NOT NULL DEFAULT '[]';
COMMENT ON COLUMN raw_pages.redirects IS 'The redirects followed from url to final_url, in order: [{"url", "status"}]; [] when none.';
