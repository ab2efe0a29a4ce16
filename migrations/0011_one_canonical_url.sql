-- One canonical form of a story URL. The store used to drop six tracking parameters and keep
-- the query's order, while the frontier dropped about thirty and sorted the query, so one story
-- reached under two such URLs could be stored twice. Both now use model::canon. This migration
-- brings the stored URLs to that form and merges the stories it makes share a URL: the oldest
-- stays, a duplicate's content becomes one of its versions, its raw pages move to it, its copies
-- point at it, and its quotes and mentions go, since their offsets index the duplicate's body.
--
-- The rules are those of model::canon as applied to what the store wrote before: its URLs were
-- already parsed and written back by the url crate (scheme and host in lower case, no default
-- port, no fragment) with the query in the form encoding, so only the longer parameter list and
-- the sorting are new. Scheme, host, port and fragment are still handled for any older row.

-- The bytes a form-encoded query component decodes to, the order model::canon sorts by.
CREATE FUNCTION pg_temp.wirehose_form_bytes(s text) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    out bytea := '';
    i integer := 1;
    c text;
BEGIN
    WHILE i <= length(s) LOOP
        c := substr(s, i, 1);
        IF c = '%' AND substr(s, i + 1, 2) ~ '^[0-9A-Fa-f]{2}$' THEN
            out := out || decode(substr(s, i + 1, 2), 'hex');
            i := i + 3;
        ELSE
            out := out || convert_to(CASE WHEN c = '+' THEN ' ' ELSE c END, 'UTF8');
            i := i + 1;
        END IF;
    END LOOP;
    RETURN out;
END
$$;

-- model::canon::canonical_str for URLs in the stored form; other text comes back trimmed.
CREATE FUNCTION pg_temp.wirehose_canonical_url(raw text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    m      text[];
    scheme text;
    auth   text[];
    host   text;
    path   text;
    query  text;
BEGIN
    m := regexp_match(btrim(raw), '^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)([^?#]*)(\?[^#]*)?');
    IF m IS NULL THEN
        RETURN btrim(raw);
    END IF;
    scheme := lower(m[1]);
    auth := regexp_match(m[2], '^(.*@)?(.*)$');
    host := lower(auth[2]);
    IF scheme = 'http' THEN
        host := regexp_replace(host, ':80$', '');
    ELSIF scheme = 'https' THEN
        host := regexp_replace(host, ':443$', '');
    END IF;
    path := m[3];
    IF path = '' AND scheme IN ('http', 'https') THEN
        path := '/';
    END IF;
    SELECT string_agg(p.k || '=' || p.v, '&'
                      ORDER BY pg_temp.wirehose_form_bytes(p.k), pg_temp.wirehose_form_bytes(p.v))
    INTO query
    FROM (
        SELECT split_part(piece, '=', 1) AS k,
               CASE WHEN strpos(piece, '=') > 0 THEN substr(piece, strpos(piece, '=') + 1) ELSE '' END AS v
        FROM unnest(string_to_array(substr(m[4], 2), '&')) AS piece
        WHERE piece <> ''
    ) p
    WHERE lower(p.k) NOT LIKE 'utm\_%'
      AND lower(p.k) <> ALL (ARRAY[
          'fbclid', 'gclid', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid', 'igshid',
          'mc_cid', 'mc_eid', '_ga', '_gl', 'ocid', 'cmpid', 'icid', 'ito', 'sr_share',
          'at_medium', 'at_campaign', 'at_custom1', 'at_custom2', 'at_custom3', 'at_custom4',
          'ns_mchannel', 'ns_source', 'ns_campaign', 'ns_linkname', 'ns_fee', 'rss', 'ref_src',
          'smid', 'smtyp']);
    RETURN scheme || '://' || coalesce(auth[1], '') || host || path || coalesce('?' || query, '');
END
$$;

-- Every URL of every story, with its new form.
CREATE TEMP TABLE url_forms ON COMMIT DROP AS
SELECT u.url, pg_temp.wirehose_canonical_url(u.url) AS canon, u.article_id, u.first_seen_at,
       u.kind, u.seen_at
FROM article_urls u;
CREATE INDEX ON url_forms (canon);

-- Stories that come to share a URL, each with the oldest story it is joined to (through any
-- chain of shared URLs) as its survivor.
CREATE TEMP TABLE survivors ON COMMIT DROP AS
SELECT DISTINCT f.article_id, f.first_seen_at, f.article_id AS root_id, f.first_seen_at AS root_seen
FROM url_forms f
WHERE f.canon IN (SELECT canon FROM url_forms GROUP BY canon HAVING count(DISTINCT article_id) > 1);

DO $$
BEGIN
    LOOP
        UPDATE survivors s
        SET root_id = b.root_id, root_seen = b.root_seen
        FROM (
            SELECT DISTINCT ON (f1.article_id) f1.article_id, r.root_id, r.root_seen
            FROM url_forms f1
            JOIN url_forms f2 ON f2.canon = f1.canon
            JOIN survivors r ON r.article_id = f2.article_id
            WHERE f1.article_id IN (SELECT article_id FROM survivors)
            ORDER BY f1.article_id, r.root_seen, r.root_id
        ) b
        WHERE b.article_id = s.article_id AND (b.root_seen, b.root_id) < (s.root_seen, s.root_id);
        EXIT WHEN NOT FOUND;
    END LOOP;
END
$$;

CREATE TEMP TABLE duplicates ON COMMIT DROP AS
SELECT * FROM survivors WHERE article_id <> root_id;

-- A duplicate's earlier versions, then its shown content, become versions of the survivor,
-- unless the survivor already has that content.
INSERT INTO article_versions (article_id, first_seen_at, version, title, lede, body, modified_at,
                              content_hash, fetched_at, replaced_at)
SELECT d.root_id, d.root_seen, v.version, v.title, v.lede, v.body, v.modified_at, v.content_hash,
       v.fetched_at, v.replaced_at
FROM duplicates d
JOIN article_versions v ON v.article_id = d.article_id AND v.first_seen_at = d.first_seen_at
JOIN articles r ON r.id = d.root_id AND r.first_seen_at = d.root_seen
WHERE v.content_hash <> r.content_hash
ON CONFLICT DO NOTHING;

INSERT INTO article_versions (article_id, first_seen_at, version, title, lede, body, modified_at,
                              content_hash, fetched_at)
SELECT d.root_id, d.root_seen, a.version, a.title, a.lede, a.body, a.modified_at, a.content_hash,
       a.fetched_at
FROM duplicates d
JOIN articles a ON a.id = d.article_id AND a.first_seen_at = d.first_seen_at
JOIN articles r ON r.id = d.root_id AND r.first_seen_at = d.root_seen
WHERE a.content_hash <> r.content_hash
ON CONFLICT DO NOTHING;

DELETE FROM article_versions v
USING duplicates d
WHERE v.article_id = d.article_id AND v.first_seen_at = d.first_seen_at;

-- The survivor's versions are numbered again in fetch order, its shown content last.
UPDATE article_versions v
SET version = n.version
FROM (
    SELECT v.article_id, v.first_seen_at, v.content_hash,
           row_number() OVER (PARTITION BY v.article_id, v.first_seen_at
                              ORDER BY v.fetched_at, v.content_hash)::integer AS version
    FROM article_versions v
    JOIN survivors s ON s.article_id = s.root_id
                    AND v.article_id = s.root_id AND v.first_seen_at = s.root_seen
) n
WHERE v.article_id = n.article_id AND v.first_seen_at = n.first_seen_at
  AND v.content_hash = n.content_hash;

UPDATE articles a
SET version = 1 + (SELECT count(*) FROM article_versions v
                   WHERE v.article_id = a.id AND v.first_seen_at = a.first_seen_at),
    updated_at = now()
FROM survivors s
WHERE s.article_id = s.root_id AND a.id = s.root_id AND a.first_seen_at = s.root_seen;

-- Raw pages move to the survivor, so reprocessing still finds them.
DELETE FROM raw_pages r
USING duplicates d
WHERE r.article_id = d.article_id AND r.article_first_seen_at = d.first_seen_at
  AND EXISTS (SELECT 1 FROM raw_pages o
              WHERE o.article_id = d.root_id AND o.fetched_at = r.fetched_at
                AND o.body_sha256 = r.body_sha256);
UPDATE raw_pages r
SET article_id = d.root_id, article_first_seen_at = d.root_seen
FROM duplicates d
WHERE r.article_id = d.article_id AND r.article_first_seen_at = d.first_seen_at;

-- Copies of a duplicate are copies of the survivor; a survivor is never its own original.
UPDATE articles a
SET syndicated_from = d.root_id
FROM duplicates d
WHERE a.syndicated_from = d.article_id;
UPDATE articles SET syndicated_from = NULL WHERE syndicated_from = id;

DELETE FROM quotes q
USING duplicates d
WHERE q.article_id = d.article_id AND q.first_seen_at = d.first_seen_at;
DELETE FROM mentions m
USING duplicates d
WHERE m.article_id = d.article_id AND m.first_seen_at = d.first_seen_at;

-- Every URL takes its new form and belongs to its survivor; the survivor's own URL stays its
-- story URL, a duplicate's becomes a canonical alias.
CREATE TEMP TABLE url_moves ON COMMIT DROP AS
SELECT DISTINCT ON (f.canon)
       f.canon AS url,
       coalesce(d.root_id, f.article_id) AS article_id,
       coalesce(d.root_seen, f.first_seen_at) AS first_seen_at,
       CASE WHEN f.kind = 'story' AND d.article_id IS NOT NULL THEN 'canonical' ELSE f.kind END AS kind,
       f.seen_at
FROM url_forms f
LEFT JOIN duplicates d ON d.article_id = f.article_id
WHERE f.url <> f.canon OR d.article_id IS NOT NULL
ORDER BY f.canon, (f.kind = 'story' AND d.article_id IS NULL) DESC, f.seen_at;

DELETE FROM article_urls u
USING url_forms f
LEFT JOIN duplicates d ON d.article_id = f.article_id
WHERE u.url = f.url AND (f.url <> f.canon OR d.article_id IS NOT NULL);

INSERT INTO article_urls (url, article_id, first_seen_at, kind, seen_at)
SELECT url, article_id, first_seen_at, kind, seen_at FROM url_moves
ON CONFLICT (url) DO UPDATE
SET kind = CASE WHEN EXCLUDED.kind = 'story' THEN 'story' ELSE article_urls.kind END,
    seen_at = least(article_urls.seen_at, EXCLUDED.seen_at);

DELETE FROM articles a
USING duplicates d
WHERE a.id = d.article_id AND a.first_seen_at = d.first_seen_at;

UPDATE articles a
SET url = f.canon
FROM url_forms f
WHERE f.article_id = a.id AND f.first_seen_at = a.first_seen_at AND f.url = a.url
  AND f.url <> f.canon;

DROP FUNCTION pg_temp.wirehose_canonical_url(text);
DROP FUNCTION pg_temp.wirehose_form_bytes(text);

COMMENT ON COLUMN article_urls.url IS 'A canonical URL: lower-case scheme and host, no default port, no fragment, no tracking parameters (utm_*, fbclid, gclid, smid, ...), the query sorted.';
