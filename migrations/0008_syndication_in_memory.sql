-- Syndicated copies are now found by the store in memory (crates/store/src/syndication.rs): each
-- writer keeps the recent stories' SimHashes in an 8-band index and announces the stories it
-- commits on the `wirehose_stories` channel, so the eight band indexes on articles go. Searching
-- them cost a heap visit for every one of a new story's candidates, about 1/32 of the stories in
-- the three-day window, and kept every write on eight more btrees.
-- What the store loads from the table (on start, after a lost connection, or for a backfill of
-- older stories) is a range of first_seen_at, which analysts ask for too.

DROP INDEX articles_simhash_b0, articles_simhash_b1, articles_simhash_b2, articles_simhash_b3,
           articles_simhash_b4, articles_simhash_b5, articles_simhash_b6, articles_simhash_b7;

CREATE INDEX articles_first_seen ON articles (first_seen_at);
