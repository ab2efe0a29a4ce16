-- Quotes and mentions are read and replaced by story, never looked up by their own id alone, so
-- their primary keys now lead with the story: the separate (article_id) indexes go, and every
-- row costs one btree insert fewer. The trigram index on quotes.speaker goes too: a quote's
-- speaker is an entity of its story (quotes.speaker_entity_id), and fuzzy name searches run on
-- the far smaller entities and entity_aliases tables, whose trigram indexes stay. Together these
-- cut the server time of loading a batch's quotes and mentions by about 40%
-- (crates/store/examples/bench_write.rs).

ALTER TABLE quotes DROP CONSTRAINT quotes_pkey;
ALTER TABLE quotes ADD PRIMARY KEY (article_id, first_seen_at, id);
DROP INDEX quotes_article;
DROP INDEX quotes_speaker_trgm;

ALTER TABLE mentions DROP CONSTRAINT mentions_pkey;
ALTER TABLE mentions ADD PRIMARY KEY (article_id, first_seen_at, id);
DROP INDEX mentions_article;

-- Found quotes are joined back to their details through the new key.
CREATE OR REPLACE FUNCTION search_quotes(p_query text, p_language text DEFAULT 'en', p_limit integer DEFAULT 50)
RETURNS SETOF quote_details
LANGUAGE sql STABLE AS $$
    SELECT d.* FROM quote_details d
    JOIN quotes q ON q.article_id = d.article_id AND q.first_seen_at = d.first_seen_at AND q.id = d.quote_id
    WHERE q.search @@ websearch_to_tsquery(wirehose_ts_config(p_language), p_query)
    ORDER BY ts_rank(q.search, websearch_to_tsquery(wirehose_ts_config(p_language), p_query)) DESC, d.at DESC
    LIMIT p_limit
$$;
