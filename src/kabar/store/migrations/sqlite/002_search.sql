-- kabar schema v2: search over stemmed terms (kabar.search.index_terms) instead of raw text.
-- FTS5 has no Python tokenizer hook, so the terms are made in Python and stored in
-- search_docs; search_fts indexes them as external content kept in step by triggers.
-- Snippets are cut from articles.body at query time, so v1's copy of the raw text goes.
DROP TABLE IF EXISTS articles_fts;

CREATE TABLE search_docs (
    doc        INTEGER PRIMARY KEY,          -- the FTS rowid (an alias of rowid: VACUUM-safe)
    article_id TEXT NOT NULL UNIQUE,
    published  REAL,                         -- days since 1970-01-01 UTC, for recency
    title      TEXT NOT NULL DEFAULT '',     -- stemmed title terms
    body       TEXT NOT NULL DEFAULT ''      -- stemmed body terms
);

CREATE VIRTUAL TABLE search_fts USING fts5(
    title, body, content = 'search_docs', content_rowid = 'doc',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
    INSERT INTO search_fts (rowid, title, body) VALUES (new.doc, new.title, new.body);
END;

CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body)
    VALUES ('delete', old.doc, old.title, old.body);
END;

CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body)
    VALUES ('delete', old.doc, old.title, old.body);
    INSERT INTO search_fts (rowid, title, body) VALUES (new.doc, new.title, new.body);
END;

CREATE INDEX articles_language ON articles(language);
CREATE INDEX mentions_entity_article ON mentions(entity_id, article_id);
