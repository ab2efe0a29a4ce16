-- Foreign keys from the per-row child tables are checked one row at a time, and against a
-- partitioned parent each check costs about as much as inserting the row itself (measured with
-- crates/store/examples/bench_write.rs). Quotes, mentions, versions and story URLs are only ever
-- written by the store in the same transaction as their story, and removed with it (partition
-- drops in the same retention call), so the writer keeps these references instead; the store's
-- tests check that no row points nowhere.
ALTER TABLE quotes DROP CONSTRAINT quotes_article_id_first_seen_at_fkey;
ALTER TABLE quotes DROP CONSTRAINT quotes_speaker_entity_id_fkey;
ALTER TABLE mentions DROP CONSTRAINT mentions_article_id_first_seen_at_fkey;
ALTER TABLE mentions DROP CONSTRAINT mentions_entity_id_fkey;
ALTER TABLE article_versions DROP CONSTRAINT article_versions_article_id_first_seen_at_fkey;
ALTER TABLE article_urls DROP CONSTRAINT article_urls_article_id_first_seen_at_fkey;

COMMENT ON COLUMN quotes.article_id IS 'The story (articles.id; kept by the writer, no foreign key for write speed).';
COMMENT ON COLUMN quotes.speaker_entity_id IS 'The speaker''s entity (entities.id) when the speaker is an entity of the same story.';
COMMENT ON COLUMN mentions.article_id IS 'The story (articles.id; kept by the writer, no foreign key for write speed).';
COMMENT ON COLUMN mentions.entity_id IS 'The entity mentioned (entities.id).';

-- The retention function no longer needs the detach step's foreign-key check, but detaching
-- first still keeps concurrent readers from seeing a half-dropped month, so it stays as is.
