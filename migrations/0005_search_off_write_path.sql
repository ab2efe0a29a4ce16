-- Full-text vectors leave the write path. Computing them took about half of the store's write
-- time (to_tsvector costs 1.4-1.9 ms per 4.8 KB body), so they are now plain columns that the
-- writer leaves NULL and wirehose_index_search fills in small batches a few seconds later
-- (the daemon's maintenance task calls it). Search therefore lags ingestion by seconds.
-- DROP EXPRESSION keeps every vector already stored.
ALTER TABLE articles ALTER COLUMN search DROP EXPRESSION;
ALTER TABLE quotes ALTER COLUMN search DROP EXPRESSION;

-- Stories not indexed yet (their quotes are indexed with them): a small index that stays near empty.
CREATE INDEX articles_search_pending ON articles (first_seen_at, id) WHERE search IS NULL;

-- Rows waiting for their vector stay out of the GIN indexes.
DROP INDEX articles_search;
CREATE INDEX articles_search ON articles USING gin (search) WHERE search IS NOT NULL;
DROP INDEX quotes_search;
CREATE INDEX quotes_search ON quotes USING gin (search) WHERE search IS NOT NULL;

-- Indexes no view, function or writer query uses, each one more insert per story:
-- titles are searchable through the full-text vector (weight A); reprocess filters on
-- extractor_version with <>, which a btree cannot serve.
DROP INDEX articles_title_trgm;
DROP INDEX articles_extractor_version;
-- The analysis functions filter on a story's time, coalesce(published_at, first_seen_at), never
-- on published_at alone: index that instead.
DROP INDEX articles_published;
CREATE INDEX articles_at ON articles ((coalesce(published_at, first_seen_at)));

COMMENT ON COLUMN articles.search IS 'Full-text vector of title (weight A) and the first 200,000 characters of the body, in the article''s language; NULL until wirehose_index_search fills it, seconds after the story is written or changed.';
COMMENT ON COLUMN quotes.search IS 'Full-text vector of the quote (first 20,000 characters) in the story''s language; NULL until wirehose_index_search fills it with its story''s.';

-- Fills the search vectors of up to p_limit stories that have none (and of their quotes), oldest
-- first; returns how many stories it indexed. Rows a writer holds are skipped, so it never waits
-- on ingestion, and several callers may run at once.
CREATE FUNCTION wirehose_index_search(p_limit integer) RETURNS integer
LANGUAGE sql AS $$
    WITH picked AS (
        SELECT id, first_seen_at FROM articles
        WHERE search IS NULL
        ORDER BY first_seen_at, id
        LIMIT p_limit
        FOR UPDATE SKIP LOCKED
    ), quoted AS (
        UPDATE quotes q
        SET search = to_tsvector(wirehose_ts_config(q.language), left(q.text, 20000))
        FROM picked p
        WHERE q.article_id = p.id AND q.first_seen_at = p.first_seen_at AND q.search IS NULL
        RETURNING 1
    ), indexed AS (
        UPDATE articles a
        SET search = setweight(to_tsvector(wirehose_ts_config(a.language), left(coalesce(a.title, ''), 2000)), 'A')
                     || to_tsvector(wirehose_ts_config(a.language), left(a.body, 200000))
        FROM picked p
        WHERE a.id = p.id AND a.first_seen_at = p.first_seen_at
        RETURNING 1
    )
    SELECT count(*)::integer FROM indexed
$$;
COMMENT ON FUNCTION wirehose_index_search(integer) IS
    'Fills the full-text vectors of up to n stories written or changed since the last call (and of their quotes); returns how many stories.';
REVOKE EXECUTE ON FUNCTION wirehose_index_search(integer) FROM PUBLIC;
