#!/usr/bin/env bash
# EXPLAIN ANALYZE of every web view page query on 100,000 generated stories.
#   scripts/web_explain.sh [stories]        (needs psql and a built target/debug/wirehose)
# Creates (and at the end drops) the database wirehose_web_explain on $ADMIN_URL's server;
# KEEP=1 keeps it, REUSE=1 measures a kept one again without seeding, VERBOSE=1 prints the plans.
set -euo pipefail
cd "$(dirname "$0")/.."
stories=${1:-100000}
admin=${ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
db=${admin%/*}/wirehose_web_explain
bin=${WIREHOSE:-target/debug/wirehose}

if [ -z "${REUSE:-}" ]; then
psql -q "$admin" -c "DROP DATABASE IF EXISTS wirehose_web_explain WITH (FORCE)"
DATABASE_URL=$db "$bin" migrate --config /dev/null 2>/dev/null || DATABASE_URL=$db "$bin" migrate
echo "seeding $stories stories"
psql -q -v ON_ERROR_STOP=1 -v n="$stories" "$db" <<'SQL'
SELECT FROM wirehose_ensure_partitions('2026-08-01', '2026-12-31');
INSERT INTO sources (name, agency) SELECT 'wire' || i, 'Wire ' || i FROM generate_series(0, 9) i;
-- 2,000 people who speak, 3,000 places and organisations.
INSERT INTO entities (id, name, type)
SELECT i, CASE WHEN i <= 2000 THEN 'Person ' || i WHEN i <= 3500 THEN 'Place ' || i ELSE 'Org ' || i END,
       CASE WHEN i <= 2000 THEN 'person' WHEN i <= 3500 THEN 'location' ELSE 'organization' END
FROM generate_series(1, 5000) i;
INSERT INTO entity_aliases (entity_id, alias) SELECT id, name FROM entities;
-- Stories over 90 days, one a minute or so; a few words drawn from a small vocabulary.
CREATE TEMP TABLE words AS SELECT string_to_array(
  'minister said talks would resume next week after meeting counterpart budget parliament vote '
  'ports river treaty shipping cargo fees inspections bank governor warned mortgage arrears lenders '
  'households strain conference economists growth inflation exports currency shares closed higher '
  'lower dealers turnover election campaign opposition deputies draft law court ruling appeal police '
  'protest capital government ministry statement officials agreement sanctions energy gas pipeline '
  'prices oil output harvest wheat drought flood rescue hospital vaccine outbreak', ' ') AS w;
INSERT INTO articles (id, first_seen_at, url, source, agency, title, body, published_at, language,
                      content_hash, extractor_version, fetched_at, syndicated_from)
SELECT i, t, 'https://wire.example/' || i, 'wire' || (i % 10), 'Wire ' || (i % 10),
       'Story ' || i || ': ' || w[1 + i % 90] || ' ' || w[1 + (i * 7) % 90],
       (SELECT string_agg(w[1 + ((i * 31 + k * 17 + k * k) % 90)], ' ') FROM generate_series(1, 80) k),
       t, 'en', sha256(i::text::bytea), 'explain', t,
       CASE WHEN i % 10 = 9 THEN i - 1 END
FROM words, generate_series(1, :n) i,
     LATERAL (SELECT timestamptz '2026-09-01' + (i * interval '90 days' / :n) AS t) x;
INSERT INTO article_urls (url, article_id, first_seen_at, kind)
SELECT url, id, first_seen_at, 'story' FROM articles;
-- Three quotes a story; speakers skewed so a few are quoted thousands of times.
INSERT INTO quotes (article_id, first_seen_at, text, speaker, speaker_entity_id, kind,
                    start_offset, end_offset, confidence, language, extractor_version)
SELECT a.id, a.first_seen_at, left(a.body, 60 + k * 20), e.name, e.id,
       (ARRAY['direct', 'partial', 'indirect'])[k], k * 10, k * 10 + 40, 0.9, 'en', 'explain'
FROM articles a, generate_series(1, 3) k,
     LATERAL (SELECT 1 + floor(2000 * power(((a.id * 7919 + k * 104729) % 10007) / 10007.0, 3))::int AS sid) s
JOIN entities e ON e.id = s.sid;
-- Six entities a story, places skewed the same way.
INSERT INTO mentions (article_id, first_seen_at, entity_id, start_offsets, end_offsets, surfaces)
SELECT DISTINCT ON (a.id, eid) a.id, a.first_seen_at, eid, ARRAY[k * 5], ARRAY[k * 5 + 4], ARRAY['x']
FROM articles a, generate_series(1, 6) k,
     LATERAL (SELECT 2001 + floor(3000 * power(((a.id * 6007 + k * 7877) % 10009) / 10009.0, 3))::int AS eid) s;
SELECT FROM setval(pg_get_serial_sequence('articles', 'id'), :n);
SELECT FROM setval(pg_get_serial_sequence('entities', 'id'), 5000);
SQL
echo "indexing for search"
psql -q "$db" -c "SELECT wirehose_index_search(1000000)" >/dev/null
psql -q "$db" -c "VACUUM ANALYZE"
fi
psql -qAt "$db" -c "SELECT count(*) || ' stories, ' || (SELECT count(*) FROM quotes) || ' quotes, ' || (SELECT count(*) FROM mentions) || ' mention rows' FROM articles"

top_speaker=$(psql -qAt "$db" -c "SELECT speaker_entity_id FROM quotes GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
top_entity=$(psql -qAt "$db" -c "SELECT entity_id FROM mentions GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
story=$(( stories / 2 ))
echo "top speaker $top_speaker ($(psql -qAt "$db" -c "SELECT count(*) FROM quotes WHERE speaker_entity_id = $top_speaker") quotes); top entity $top_entity ($(psql -qAt "$db" -c "SELECT count(*) FROM mentions WHERE entity_id = $top_entity") stories)"

explain() {
  local name=$1 sql=$2
  local ms
  ms=$(psql -qAt "$db" -c "EXPLAIN (ANALYZE, FORMAT JSON) $sql" | python3 -c 'import json,sys; p=json.load(sys.stdin)[0]; print("%.1f ms planning, %.1f ms execution" % (p["Planning Time"], p["Execution Time"]))')
  printf '%-34s %s\n' "$name" "$ms"
  if [ -n "${VERBOSE:-}" ]; then psql -qAt "$db" -c "EXPLAIN (ANALYZE, BUFFERS) $sql"; fi
}

counts="(SELECT count(*) FROM quotes q WHERE q.article_id = s.id AND q.first_seen_at = s.first_seen_at) AS quotes,
        (SELECT count(*) FROM mentions m WHERE m.article_id = s.id AND m.first_seen_at = s.first_seen_at) AS entities"
at="coalesce(a.published_at, a.first_seen_at)"
home() { echo "SELECT s.id, s.title, $counts FROM (SELECT a.id, a.first_seen_at, a.title, $at AS at FROM articles a $1 ORDER BY $at DESC, a.id DESC LIMIT 26 OFFSET ${2:-0}) s ORDER BY s.at DESC, s.id DESC"; }
explain "home" "$(home "")"
explain "home page 200" "$(home "" 4975)"
explain "home ?source=" "$(home "WHERE a.source = 'wire3'")"
explain "home ?source=&day=" "$(home "WHERE a.source = 'wire3' AND $at >= '2026-10-10' AND $at < '2026-10-11'")"
explain "story" "SELECT * FROM articles WHERE id = $story LIMIT 1"
explain "story quotes" "SELECT * FROM quotes q JOIN articles a ON a.id = q.article_id AND a.first_seen_at = q.first_seen_at WHERE a.id = $story ORDER BY q.start_offset LIMIT 500"
explain "story copies" "SELECT id FROM articles WHERE (id = $story OR syndicated_from = $story) AND id <> $story ORDER BY coalesce(published_at, first_seen_at) LIMIT 50"
explain "speaker quotes" "SELECT q.id, q.text, a.id, a.title, $at FROM (SELECT * FROM quotes WHERE speaker_entity_id = $top_speaker ORDER BY first_seen_at DESC, article_id DESC, id LIMIT 26 OFFSET 0) q JOIN articles a ON a.id = q.article_id AND a.first_seen_at = q.first_seen_at ORDER BY q.first_seen_at DESC, q.article_id DESC, q.id"
explain "speaker per day" "SELECT (q.first_seen_at AT TIME ZONE 'UTC')::date, count(*) FROM quotes q WHERE q.speaker_entity_id = $top_speaker AND q.first_seen_at > (SELECT max(first_seen_at) FROM quotes WHERE speaker_entity_id = $top_speaker) - make_interval(days => 90) GROUP BY 1 ORDER BY 1"
explain "speaker quoted with" "WITH recent AS (SELECT DISTINCT article_id, first_seen_at FROM (SELECT article_id, first_seen_at FROM quotes WHERE speaker_entity_id = $top_speaker ORDER BY first_seen_at DESC LIMIT 500) r) SELECT e.id, e.name, count(DISTINCT q.article_id) AS stories FROM recent r JOIN quotes q ON q.article_id = r.article_id AND q.first_seen_at = r.first_seen_at JOIN entities e ON e.id = q.speaker_entity_id WHERE q.speaker_entity_id <> $top_speaker GROUP BY e.id, e.name ORDER BY stories DESC, e.name LIMIT 20"
explain "entity stories" "SELECT a.id, a.title, $at, cardinality(m.start_offsets) FROM (SELECT * FROM mentions WHERE entity_id = $top_entity ORDER BY first_seen_at DESC, article_id DESC LIMIT 26 OFFSET 0) m JOIN articles a ON a.id = m.article_id AND a.first_seen_at = m.first_seen_at ORDER BY m.first_seen_at DESC, m.article_id DESC"
explain "entity per day" "SELECT (m.first_seen_at AT TIME ZONE 'UTC')::date, sum(cardinality(m.start_offsets)) FROM mentions m WHERE m.entity_id = $top_entity AND m.first_seen_at > (SELECT max(first_seen_at) FROM mentions WHERE entity_id = $top_entity) - make_interval(days => 90) GROUP BY 1 ORDER BY 1"
explain "entity named alongside" "WITH recent AS (SELECT article_id, first_seen_at FROM mentions WHERE entity_id = $top_entity ORDER BY first_seen_at DESC LIMIT 500) SELECT e.id, e.name, count(*) AS stories FROM recent r JOIN mentions m ON m.article_id = r.article_id AND m.first_seen_at = r.first_seen_at JOIN entities e ON e.id = m.entity_id WHERE m.entity_id <> $top_entity GROUP BY e.id, e.name ORDER BY stories DESC, e.name LIMIT 20"
quotes() { echo "SELECT q.id, $2, a.title, $at FROM (SELECT * FROM quotes q $1 ORDER BY ${4:-q.article_id} DESC, q.first_seen_at DESC, q.id DESC LIMIT 26 OFFSET ${3:-0}) q JOIN articles a ON a.id = q.article_id AND a.first_seen_at = q.first_seen_at ORDER BY q.article_id DESC, q.first_seen_at DESC, q.id DESC"; }
hl="'StartSel=<, StopSel=>, MaxFragments=2, MaxWords=30, MinWords=12'"
for word in "drought" "treaty pipeline" "minister"; do
  tq="websearch_to_tsquery(wirehose_ts_config('en'), '$word')"
  # As queries.rs does: probe for few matches, and then keep the planner off the ordered walk.
  probe() { echo "SELECT count(*) < 2000 FROM (SELECT 1 FROM $1 WHERE search @@ $tq LIMIT 2000) x"; }
  explain "  probe articles '$word'" "$(probe articles)"
  explain "  probe quotes '$word'" "$(probe quotes)"
  order=$at; [ "$(psql -qAt "$db" -c "$(probe articles)")" = t ] && order="$at + interval '0 s'"
  explain "search stories '$word'" "SELECT s.id, ts_headline(wirehose_ts_config(s.language), coalesce(s.title, ''), $tq, 'HighlightAll=true'), ts_headline(wirehose_ts_config(s.language), left(s.body, 20000), $tq, $hl) FROM (SELECT a.id, a.title, a.body, a.language, $at AS at FROM articles a WHERE a.search @@ $tq ORDER BY $order DESC, a.id DESC LIMIT 26) s ORDER BY s.at DESC, s.id DESC"
  key=q.article_id; [ "$(psql -qAt "$db" -c "$(probe quotes)")" = t ] && key="q.article_id + 0"
  explain "search quotes '$word'" "$(quotes "WHERE q.search @@ $tq" "ts_headline(wirehose_ts_config(q.language), q.text, $tq, 'HighlightAll=true')" 0 "$key")"
done
explain "quotes (no filter)" "$(quotes "" "q.text")"
explain "quotes page 200" "$(quotes "" "q.text" 4975)"
explain "quotes ?speaker=name&from&to" "$(quotes "WHERE q.speaker_entity_id IN (SELECT id FROM entities WHERE lower(name) = lower('Person $top_speaker') UNION SELECT entity_id FROM entity_aliases WHERE lower(alias) = lower('Person $top_speaker')) AND q.first_seen_at >= '2026-10-01' AND q.first_seen_at < '2026-11-01'" "q.text")"

[ -n "${KEEP:-}" ] || psql -q "$admin" -c "DROP DATABASE wirehose_web_explain WITH (FORCE)"
