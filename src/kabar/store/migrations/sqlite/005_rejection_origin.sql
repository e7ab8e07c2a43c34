-- kabar schema v5: a rejection with no stored input (empty file, bad JSON line) replaces the
-- earlier one of the same origin, so re-ingesting a corpus does not pile them up.
CREATE INDEX rejections_origin ON rejections(origin);
