-- The analysis interface: views and functions for the common questions, and the read-only role.
-- Times: a story's "at" is its stated publication time, or when it was first seen when the page
-- states none. "Stories" count a syndicated copy and its original once.

CREATE VIEW quote_details AS
SELECT q.id AS quote_id,
       q.article_id,
       q.text AS quote,
       q.speaker,
       q.speaker_text,
       q.speaker_type,
       q.speaker_entity_id,
       q.kind,
       q.cue,
       q.confidence,
       a.title,
       a.url,
       a.source,
       a.agency,
       a.language,
       a.published_at,
       a.first_seen_at,
       coalesce(a.published_at, a.first_seen_at) AS at,
       a.syndicated_from,
       coalesce(a.syndicated_from, a.id) AS story_id
FROM quotes q
JOIN articles a ON a.id = q.article_id AND a.first_seen_at = q.first_seen_at;
COMMENT ON VIEW quote_details IS 'Every quote with its speaker, story title, URL, source, agency and time.';
COMMENT ON COLUMN quote_details.quote_id IS 'The quote (quotes.id).';
COMMENT ON COLUMN quote_details.article_id IS 'The story carrying the quote.';
COMMENT ON COLUMN quote_details.quote IS 'The quoted words.';
COMMENT ON COLUMN quote_details.speaker IS 'Canonical name of the speaker, NULL when unattributed.';
COMMENT ON COLUMN quote_details.speaker_text IS 'The speaker as printed next to the quote.';
COMMENT ON COLUMN quote_details.speaker_type IS 'person or organization.';
COMMENT ON COLUMN quote_details.speaker_entity_id IS 'The speaker''s entity, when linked.';
COMMENT ON COLUMN quote_details.kind IS 'direct, partial or indirect.';
COMMENT ON COLUMN quote_details.cue IS 'The speech verb or phrase.';
COMMENT ON COLUMN quote_details.confidence IS 'Confidence of the attribution, 0 to 1.';
COMMENT ON COLUMN quote_details.title IS 'Headline of the story.';
COMMENT ON COLUMN quote_details.url IS 'URL of the story.';
COMMENT ON COLUMN quote_details.source IS 'Source the story came through.';
COMMENT ON COLUMN quote_details.agency IS 'Agency of that source.';
COMMENT ON COLUMN quote_details.language IS 'Language of the story.';
COMMENT ON COLUMN quote_details.published_at IS 'Publication time stated by the page.';
COMMENT ON COLUMN quote_details.first_seen_at IS 'When the story was first fetched.';
COMMENT ON COLUMN quote_details.at IS 'published_at, or first_seen_at when the page states no date.';
COMMENT ON COLUMN quote_details.syndicated_from IS 'The original story when this one is a syndicated copy.';
COMMENT ON COLUMN quote_details.story_id IS 'The original story id (itself when not a copy): count distinct story_id to count a quote once.';

-- Quotes by one speaker, matched by canonical name or by any surface form of the speaker's
-- entity, case-insensitively, newest first.
CREATE FUNCTION quotes_by(p_speaker text,
                          p_from timestamptz DEFAULT '-infinity',
                          p_to timestamptz DEFAULT 'infinity')
RETURNS SETOF quote_details
LANGUAGE sql STABLE AS $$
    SELECT d.* FROM quote_details d
    WHERE (lower(d.speaker) = lower(p_speaker)
           OR d.speaker_entity_id IN (SELECT entity_id FROM entity_aliases WHERE lower(alias) = lower(p_speaker)))
      AND d.at >= p_from AND d.at < p_to
    ORDER BY d.at DESC, d.quote_id
$$;
COMMENT ON FUNCTION quotes_by(text, timestamptz, timestamptz) IS
    'Quotes by one speaker (canonical name or any alias, case-insensitive) in [from, to), newest first.';

-- The most quoted speakers in a period.
CREATE FUNCTION most_quoted(p_from timestamptz, p_to timestamptz, p_limit integer DEFAULT 20)
RETURNS TABLE (speaker text, speaker_type text, quotes bigint, stories bigint, sources bigint)
LANGUAGE sql STABLE AS $$
    SELECT d.speaker, max(d.speaker_type), count(*), count(DISTINCT d.story_id), count(DISTINCT d.source)
    FROM quote_details d
    WHERE d.speaker IS NOT NULL AND d.at >= p_from AND d.at < p_to
    GROUP BY d.speaker
    ORDER BY count(DISTINCT d.story_id) DESC, count(*) DESC, d.speaker
    LIMIT p_limit
$$;
COMMENT ON FUNCTION most_quoted(timestamptz, timestamptz, integer) IS
    'Speakers with the most quoted stories in [from, to): quotes, distinct stories (copies counted once) and sources.';

-- Pairs of entities mentioned in the same story, with how many stories.
CREATE FUNCTION entity_co_mentions(p_from timestamptz, p_to timestamptz, p_min_stories integer DEFAULT 1)
RETURNS TABLE (entity_a text, type_a text, entity_b text, type_b text, stories bigint)
LANGUAGE sql STABLE AS $$
    WITH pairs AS (
        SELECT DISTINCT a.id AS article_id, m.entity_id
        FROM articles a
        JOIN mentions m ON m.article_id = a.id AND m.first_seen_at = a.first_seen_at
        WHERE coalesce(a.published_at, a.first_seen_at) >= p_from
          AND coalesce(a.published_at, a.first_seen_at) < p_to
    )
    SELECT ea.name, ea.type, eb.name, eb.type, count(*)
    FROM pairs x
    JOIN pairs y ON y.article_id = x.article_id AND y.entity_id > x.entity_id
    JOIN entities ea ON ea.id = x.entity_id
    JOIN entities eb ON eb.id = y.entity_id
    GROUP BY ea.name, ea.type, eb.name, eb.type
    HAVING count(*) >= p_min_stories
    ORDER BY count(*) DESC, ea.name, eb.name
$$;
COMMENT ON FUNCTION entity_co_mentions(timestamptz, timestamptz, integer) IS
    'Pairs of entities mentioned in the same story in [from, to), with the number of stories, most frequent first.';

-- One entity's mentions per day.
CREATE FUNCTION entity_timeline(p_name text,
                                p_from timestamptz DEFAULT '-infinity',
                                p_to timestamptz DEFAULT 'infinity')
RETURNS TABLE (day date, mentions bigint, stories bigint, sources bigint)
LANGUAGE sql STABLE AS $$
    SELECT (coalesce(a.published_at, a.first_seen_at) AT TIME ZONE 'UTC')::date,
           count(*), count(DISTINCT coalesce(a.syndicated_from, a.id)), count(DISTINCT a.source)
    FROM entities e
    JOIN mentions m ON m.entity_id = e.id
    JOIN articles a ON a.id = m.article_id AND a.first_seen_at = m.first_seen_at
    WHERE lower(e.name) = lower(p_name)
      AND coalesce(a.published_at, a.first_seen_at) >= p_from
      AND coalesce(a.published_at, a.first_seen_at) < p_to
    GROUP BY 1
    ORDER BY 1
$$;
COMMENT ON FUNCTION entity_timeline(text, timestamptz, timestamptz) IS
    'Mentions, stories and sources per UTC day for the entity of that canonical name (case-insensitive).';

-- Who quoted whom across agencies: for every speaker, the agency that first carried the story
-- and each other agency that repeated it.
CREATE VIEW quote_spread AS
SELECT q.speaker,
       o.agency AS original_agency,
       c.agency AS repeating_agency,
       count(*) AS quotes,
       count(DISTINCT c.id) AS copies,
       min(c.first_seen_at - o.first_seen_at) AS fastest,
       max(c.first_seen_at - o.first_seen_at) AS slowest
FROM articles c
JOIN articles o ON o.id = c.syndicated_from
JOIN quotes q ON q.article_id = o.id AND q.first_seen_at = o.first_seen_at
WHERE c.syndicated_from IS NOT NULL AND q.speaker IS NOT NULL
GROUP BY q.speaker, o.agency, c.agency;
COMMENT ON VIEW quote_spread IS 'Who quoted whom across agencies: quotes of each speaker carried by one agency''s original and repeated in another''s syndicated copies.';
COMMENT ON COLUMN quote_spread.speaker IS 'Canonical name of the speaker.';
COMMENT ON COLUMN quote_spread.original_agency IS 'Agency of the first-seen original story.';
COMMENT ON COLUMN quote_spread.repeating_agency IS 'Agency of the copy that repeated it.';
COMMENT ON COLUMN quote_spread.quotes IS 'Quotes of the speaker in originals that this agency repeated (one per copy).';
COMMENT ON COLUMN quote_spread.copies IS 'Copies by the repeating agency.';
COMMENT ON COLUMN quote_spread.fastest IS 'Shortest delay between the original and a copy.';
COMMENT ON COLUMN quote_spread.slowest IS 'Longest delay between the original and a copy.';

CREATE VIEW syndication AS
SELECT o.id AS original_id,
       o.source AS original_source,
       o.agency AS original_agency,
       o.title AS original_title,
       c.id AS copy_id,
       c.source AS copy_source,
       c.agency AS copy_agency,
       c.title AS copy_title,
       c.url AS copy_url,
       c.first_seen_at - o.first_seen_at AS delay
FROM articles c
JOIN articles o ON o.id = c.syndicated_from;
COMMENT ON VIEW syndication IS 'Each syndicated copy with its first-seen original and the delay between them.';
COMMENT ON COLUMN syndication.original_id IS 'The original story.';
COMMENT ON COLUMN syndication.original_source IS 'Source of the original.';
COMMENT ON COLUMN syndication.original_agency IS 'Agency of the original.';
COMMENT ON COLUMN syndication.original_title IS 'Headline of the original.';
COMMENT ON COLUMN syndication.copy_id IS 'The copy.';
COMMENT ON COLUMN syndication.copy_source IS 'Source of the copy.';
COMMENT ON COLUMN syndication.copy_agency IS 'Agency of the copy.';
COMMENT ON COLUMN syndication.copy_title IS 'Headline of the copy.';
COMMENT ON COLUMN syndication.copy_url IS 'URL of the copy.';
COMMENT ON COLUMN syndication.delay IS 'How long after the original the copy was first seen.';

-- Full-text search over stories, best match first; the language picks the stemmer.
CREATE FUNCTION search_articles(p_query text, p_language text DEFAULT 'en', p_limit integer DEFAULT 50)
RETURNS TABLE (article_id bigint, title text, source text, at timestamptz, rank real)
LANGUAGE sql STABLE AS $$
    SELECT a.id, a.title, a.source, coalesce(a.published_at, a.first_seen_at),
           ts_rank(a.search, websearch_to_tsquery(wirehose_ts_config(p_language), p_query))
    FROM articles a
    WHERE a.search @@ websearch_to_tsquery(wirehose_ts_config(p_language), p_query)
    ORDER BY 5 DESC, 4 DESC
    LIMIT p_limit
$$;
COMMENT ON FUNCTION search_articles(text, text, integer) IS
    'Stories matching a web-search style query (quotes, OR, -word) in the given language, best first.';

-- Full-text search over quotes.
CREATE FUNCTION search_quotes(p_query text, p_language text DEFAULT 'en', p_limit integer DEFAULT 50)
RETURNS SETOF quote_details
LANGUAGE sql STABLE AS $$
    SELECT d.* FROM quote_details d
    JOIN quotes q ON q.id = d.quote_id AND q.first_seen_at = d.first_seen_at
    WHERE q.search @@ websearch_to_tsquery(wirehose_ts_config(p_language), p_query)
    ORDER BY ts_rank(q.search, websearch_to_tsquery(wirehose_ts_config(p_language), p_query)) DESC, d.at DESC
    LIMIT p_limit
$$;
COMMENT ON FUNCTION search_quotes(text, text, integer) IS
    'Quotes matching a web-search style query in the given language, best first.';

-- The read-only role for analysts and dashboards. Roles are cluster-wide, so several databases
-- migrating at once may race to create it: whoever loses just uses it. It cannot log in; give
-- people their own login roles that are members of it.
DO $$
BEGIN
    CREATE ROLE wirehose_reader NOLOGIN;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

GRANT USAGE ON SCHEMA public TO wirehose_reader;
GRANT SELECT ON sources, articles, article_urls, article_versions, entities, entity_aliases, quotes,
                mentions, failures, quote_details, quote_spread, syndication
    TO wirehose_reader;
-- Maintenance functions are for the daemon only.
REVOKE EXECUTE ON FUNCTION wirehose_ensure_partitions(timestamptz, timestamptz),
                           wirehose_drop_partitions_older_than(timestamptz),
                           wirehose_drop_raw_pages_older_than(timestamptz)
    FROM PUBLIC;
