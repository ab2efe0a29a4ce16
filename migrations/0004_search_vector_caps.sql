-- A tsvector holds at most 1 MB, so a huge page of distinct words (a data table, a word list)
-- would make to_tsvector fail and with it the whole batch. The search vectors now cover the
-- first 200,000 characters of a body and 20,000 of a quote, which is every real story and quote.
DROP INDEX articles_search;
ALTER TABLE articles DROP COLUMN search;
ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector(wirehose_ts_config(language), left(coalesce(title, ''), 2000)), 'A')
    || to_tsvector(wirehose_ts_config(language), left(body, 200000))
) STORED;
CREATE INDEX articles_search ON articles USING gin (search);
COMMENT ON COLUMN articles.search IS 'Full-text vector of title (weight A) and the first 200,000 characters of the body, in the article''s language.';

DROP INDEX quotes_search;
ALTER TABLE quotes DROP COLUMN search;
ALTER TABLE quotes ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector(wirehose_ts_config(language), left(text, 20000))
) STORED;
CREATE INDEX quotes_search ON quotes USING gin (search);
COMMENT ON COLUMN quotes.search IS 'Full-text vector of the quote (first 20,000 characters) in the story''s language.';
