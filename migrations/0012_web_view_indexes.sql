-- Indexes for the web view's pages (crates/wirehose/src/web/queries.rs), measured with
-- scripts/web_explain.sh on 100,000 seeded stories.
--
-- The home page filtered by source reads one source's latest stories: without this, the latest
-- stories of all sources are walked until enough of that source turn up.
CREATE INDEX articles_source_at ON articles (source, (coalesce(published_at, first_seen_at)));

-- A speaker's page lists the speaker's quotes newest first and charts them per day: with the
-- story's month in the key that is a backward index scan, not a sort of every quote the speaker
-- ever gave. It serves every lookup the old (speaker_entity_id) index did, which goes.
CREATE INDEX quotes_speaker_seen ON quotes (speaker_entity_id, first_seen_at);
DROP INDEX quotes_speaker_entity;
