-- wirehose_index_search found the quotes of the stories it indexes by scanning the month's quotes
-- for NULL vectors; with the story ids as an array the planner probes quotes_article instead,
-- so a call costs the same in a month of millions of quotes as in an empty one.
CREATE OR REPLACE FUNCTION wirehose_index_search(p_limit integer) RETURNS integer
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
        WHERE q.article_id = ANY ((SELECT array_agg(id) FROM picked)::bigint[])
          AND q.article_id = p.id AND q.first_seen_at = p.first_seen_at AND q.search IS NULL
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
