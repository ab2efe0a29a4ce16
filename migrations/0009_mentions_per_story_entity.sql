-- One mentions row per story and entity, with every occurrence's offsets and surface form in
-- arrays, instead of one row per occurrence. Analysts ask which stories name an entity, which
-- entities share a story and how often a name appears a day: all at the grain of story and
-- entity. A story names each entity about three times, so the table and its two indexes take a
-- third of the rows, and loading a batch's mentions takes about a third of the server time.
-- `mention_spans` gives the old one-row-per-occurrence shape.

CREATE TEMP TABLE mentions_grouped ON COMMIT DROP AS
SELECT article_id, first_seen_at, entity_id,
       array_agg(start_offset ORDER BY start_offset, id) AS start_offsets,
       array_agg(end_offset ORDER BY start_offset, id) AS end_offsets,
       array_agg(surface ORDER BY start_offset, id) AS surfaces
FROM mentions
GROUP BY article_id, first_seen_at, entity_id;

DROP TABLE mentions;

CREATE TABLE mentions (
    article_id    bigint NOT NULL,
    first_seen_at timestamptz NOT NULL,
    entity_id     bigint NOT NULL,
    start_offsets integer[] NOT NULL,
    end_offsets   integer[] NOT NULL,
    surfaces      text[] NOT NULL,
    PRIMARY KEY (article_id, first_seen_at, entity_id),
    CHECK (cardinality(start_offsets) >= 1
           AND cardinality(end_offsets) = cardinality(start_offsets)
           AND cardinality(surfaces) = cardinality(start_offsets))
) PARTITION BY RANGE (first_seen_at);
CREATE INDEX mentions_entity ON mentions (entity_id, first_seen_at);
COMMENT ON TABLE mentions IS
    'Each entity named in a story, with every occurrence (offsets and surface form, in body order); partitioned like articles. mention_spans has one row per occurrence.';
COMMENT ON COLUMN mentions.article_id IS 'The story (articles.id; kept by the writer, no foreign key for write speed).';
COMMENT ON COLUMN mentions.first_seen_at IS 'The story''s first_seen_at (partition key).';
COMMENT ON COLUMN mentions.entity_id IS 'The entity mentioned (entities.id).';
COMMENT ON COLUMN mentions.start_offsets IS 'Character offset of each occurrence''s start in articles.body, ascending.';
COMMENT ON COLUMN mentions.end_offsets IS 'Character offset of each occurrence''s end, in the same order.';
COMMENT ON COLUMN mentions.surfaces IS 'Each occurrence as printed, in the same order.';

DO $$
DECLARE
    lo timestamptz;
    hi timestamptz;
BEGIN
    -- Every month that holds stories gets its mentions partition back, with mentions or not.
    SELECT min(t), max(t) INTO lo, hi FROM (
        SELECT first_seen_at AS t FROM mentions_grouped
        UNION ALL SELECT min(first_seen_at) FROM articles
        UNION ALL SELECT max(first_seen_at) FROM articles
    ) s;
    IF lo IS NOT NULL THEN
        PERFORM wirehose_ensure_partitions(lo, hi);
    END IF;
    -- The months the daemon keeps ready, as wirehose_ensure_partitions is called at start.
    PERFORM wirehose_ensure_partitions(now() - interval '31 days', now() + interval '92 days');
END
$$;

INSERT INTO mentions SELECT * FROM mentions_grouped;

CREATE VIEW mention_spans AS
SELECT m.article_id, m.first_seen_at, m.entity_id, s.start_offset, s.end_offset, s.surface
FROM mentions m,
     unnest(m.start_offsets, m.end_offsets, m.surfaces) AS s(start_offset, end_offset, surface);
COMMENT ON VIEW mention_spans IS 'One row per occurrence of an entity in a story (mentions unnested).';
COMMENT ON COLUMN mention_spans.article_id IS 'The story.';
COMMENT ON COLUMN mention_spans.first_seen_at IS 'The story''s first_seen_at.';
COMMENT ON COLUMN mention_spans.entity_id IS 'The entity mentioned.';
COMMENT ON COLUMN mention_spans.start_offset IS 'Character offset of the occurrence''s start in articles.body.';
COMMENT ON COLUMN mention_spans.end_offset IS 'Character offset of the occurrence''s end.';
COMMENT ON COLUMN mention_spans.surface IS 'The occurrence as printed.';

-- Pairs of entities in the same story: a mentions row is already one story and one entity.
CREATE OR REPLACE FUNCTION entity_co_mentions(p_from timestamptz, p_to timestamptz, p_min_stories integer DEFAULT 1)
RETURNS TABLE (entity_a text, type_a text, entity_b text, type_b text, stories bigint)
LANGUAGE sql STABLE AS $$
    WITH pairs AS (
        SELECT m.article_id, m.first_seen_at, m.entity_id
        FROM articles a
        JOIN mentions m ON m.article_id = a.id AND m.first_seen_at = a.first_seen_at
        WHERE coalesce(a.published_at, a.first_seen_at) >= p_from
          AND coalesce(a.published_at, a.first_seen_at) < p_to
    )
    SELECT ea.name, ea.type, eb.name, eb.type, count(*)
    FROM pairs x
    JOIN pairs y ON y.article_id = x.article_id AND y.first_seen_at = x.first_seen_at
                AND y.entity_id > x.entity_id
    JOIN entities ea ON ea.id = x.entity_id
    JOIN entities eb ON eb.id = y.entity_id
    GROUP BY ea.name, ea.type, eb.name, eb.type
    HAVING count(*) >= p_min_stories
    ORDER BY count(*) DESC, ea.name, eb.name
$$;

-- Occurrences per day are the lengths of the rows' arrays.
CREATE OR REPLACE FUNCTION entity_timeline(p_name text,
                                           p_from timestamptz DEFAULT '-infinity',
                                           p_to timestamptz DEFAULT 'infinity')
RETURNS TABLE (day date, mentions bigint, stories bigint, sources bigint)
LANGUAGE sql STABLE AS $$
    SELECT (coalesce(a.published_at, a.first_seen_at) AT TIME ZONE 'UTC')::date,
           sum(cardinality(m.start_offsets))::bigint,
           count(DISTINCT coalesce(a.syndicated_from, a.id)), count(DISTINCT a.source)
    FROM entities e
    JOIN mentions m ON m.entity_id = e.id
    JOIN articles a ON a.id = m.article_id AND a.first_seen_at = m.first_seen_at
    WHERE lower(e.name) = lower(p_name)
      AND coalesce(a.published_at, a.first_seen_at) >= p_from
      AND coalesce(a.published_at, a.first_seen_at) < p_to
    GROUP BY 1
    ORDER BY 1
$$;

GRANT SELECT ON mentions, mention_spans TO wirehose_reader;
