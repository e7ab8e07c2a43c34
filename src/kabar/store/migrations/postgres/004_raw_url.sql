-- kabar schema v4: the newest input of a URL supersedes older ones (iter_raw(unprocessed)
-- skips a raw input when a later one has the same URL); this index keeps that lookup cheap.
CREATE INDEX raw_documents_url ON raw_documents(url, seq);
