-- Failure stages and classes become closed sets, the same strings as model's FailureStage and
-- FailureClass (a test in model reads this file so that the lists cannot drift apart).

-- Older rows of an unknown stage become 'parse', the only stage the daemon has written. A row
-- that would then repeat another's (url, stage, at) is dropped: the same failure, recorded twice.
DELETE FROM failures f
 WHERE f.stage NOT IN ('fetch', 'parse', 'analyze', 'store')
   AND EXISTS (SELECT 1 FROM failures g
                WHERE g.url = f.url AND g.at = f.at
                  AND (g.stage = 'parse' OR (g.stage NOT IN ('fetch', 'parse', 'analyze', 'store') AND g.id < f.id)));
UPDATE failures SET stage = 'parse' WHERE stage NOT IN ('fetch', 'parse', 'analyze', 'store');

-- Older classes outside the set become 'other'; the reason keeps the old name.
UPDATE failures SET reason = class || ': ' || reason, class = 'other'
 WHERE class NOT IN ('timeout', 'dns', 'connect', 'tls', 'status', 'too_large', 'robots', 'robots_unreachable', 'blocked', 'redirect', 'body', 'decode', 'protocol', 'url', 'parse', 'panic', 'duplicate', 'other');
UPDATE crawl_failures SET reason = class || ': ' || reason, class = 'other'
 WHERE class NOT IN ('timeout', 'dns', 'connect', 'tls', 'status', 'too_large', 'robots', 'robots_unreachable', 'blocked', 'redirect', 'body', 'decode', 'protocol', 'url', 'parse', 'panic', 'duplicate', 'other');
UPDATE crawl_urls SET fail_reason = fail_class || ': ' || coalesce(fail_reason, ''), fail_class = 'other'
 WHERE fail_class NOT IN ('timeout', 'dns', 'connect', 'tls', 'status', 'too_large', 'robots', 'robots_unreachable', 'blocked', 'redirect', 'body', 'decode', 'protocol', 'url', 'parse', 'panic', 'duplicate', 'other');

ALTER TABLE failures ADD CONSTRAINT failures_stage_known
    CHECK (stage IN ('fetch', 'parse', 'analyze', 'store'));
ALTER TABLE failures ADD CONSTRAINT failures_class_known
    CHECK (class IN ('timeout', 'dns', 'connect', 'tls', 'status', 'too_large', 'robots', 'robots_unreachable', 'blocked', 'redirect', 'body', 'decode', 'protocol', 'url', 'parse', 'panic', 'duplicate', 'other'));
ALTER TABLE crawl_failures ADD CONSTRAINT crawl_failures_class_known
    CHECK (class IN ('timeout', 'dns', 'connect', 'tls', 'status', 'too_large', 'robots', 'robots_unreachable', 'blocked', 'redirect', 'body', 'decode', 'protocol', 'url', 'parse', 'panic', 'duplicate', 'other'));
ALTER TABLE crawl_urls ADD CONSTRAINT crawl_urls_fail_class_known
    CHECK (fail_class IS NULL OR fail_class IN ('timeout', 'dns', 'connect', 'tls', 'status', 'too_large', 'robots', 'robots_unreachable', 'blocked', 'redirect', 'body', 'decode', 'protocol', 'url', 'parse', 'panic', 'duplicate', 'other'));

COMMENT ON COLUMN failures.stage IS 'fetch, parse, analyze or store (model::FailureStage).';
COMMENT ON COLUMN failures.class IS 'Short class, one of model::FailureClass: timeout, dns, tls, status, too_large, robots, blocked, parse, ...';
