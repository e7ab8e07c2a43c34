-- kabar schema v3 (PostgreSQL), the counterpart of sqlite/003_search_filters.sql: the
-- ranking phase of a search takes the newest matches first, so an index that yields
-- articles newest first (undated last) lets a common word stop early instead of sorting
-- every match.
CREATE INDEX articles_published_desc ON articles (published DESC NULLS LAST, id);
