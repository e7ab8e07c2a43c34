-- kabar schema v1: raw inputs, articles with FTS, entities, quotes, stories, corpus state.
CREATE TABLE raw_documents (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,  -- ingest order
    id          TEXT NOT NULL UNIQUE,               -- sha256 of content
    origin      TEXT NOT NULL,
    format      TEXT NOT NULL,
    url         TEXT,
    outlet      TEXT,
    fetched_at  TEXT,
    encoding    TEXT,
    meta        TEXT NOT NULL DEFAULT '{}',
    content     BLOB NOT NULL,
    ingested_at TEXT NOT NULL
);

CREATE TABLE articles (
    id          TEXT PRIMARY KEY,
    raw_id      TEXT NOT NULL,
    origin      TEXT NOT NULL,
    url         TEXT,
    outlet      TEXT,
    title       TEXT,
    published   TEXT,            -- UTC ISO-8601, sortable
    language    TEXT,
    story_id    TEXT,
    merged_into TEXT,            -- a follow-up page merged into another article
    body        TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL,   -- the whole Article as JSON
    updated_at  TEXT NOT NULL
);
CREATE INDEX articles_raw ON articles(raw_id);
CREATE INDEX articles_outlet ON articles(outlet, published);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_story ON articles(story_id);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    article_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE entities (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    label     TEXT NOT NULL,
    category  TEXT NOT NULL DEFAULT 'unknown',
    data      TEXT NOT NULL
);
CREATE INDEX entities_name ON entities(name COLLATE NOCASE);

CREATE TABLE mentions (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    entity_id  TEXT,
    text       TEXT NOT NULL,
    label      TEXT NOT NULL,
    line       INTEGER NOT NULL,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL
);
CREATE INDEX mentions_article ON mentions(article_id);
CREATE INDEX mentions_entity ON mentions(entity_id);

CREATE TABLE quotes (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id        TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    speaker           TEXT,
    speaker_entity_id TEXT,
    kind              TEXT NOT NULL,
    cue               TEXT NOT NULL DEFAULT '',
    resolution        TEXT NOT NULL DEFAULT 'none',
    confidence        REAL NOT NULL DEFAULT 0,
    text              TEXT NOT NULL,
    data              TEXT NOT NULL
);
CREATE INDEX quotes_article ON quotes(article_id);
CREATE INDEX quotes_speaker ON quotes(speaker COLLATE NOCASE);

CREATE TABLE stories (
    id           TEXT PRIMARY KEY,
    title        TEXT,
    first_seen   TEXT,
    last_seen    TEXT,
    storyline_id TEXT,
    n_articles   INTEGER NOT NULL DEFAULT 0,
    data         TEXT NOT NULL
);
CREATE INDEX stories_last_seen ON stories(last_seen);

CREATE TABLE storylines (
    id         TEXT PRIMARY KEY,
    title      TEXT,
    first_seen TEXT,
    last_seen  TEXT,
    data       TEXT NOT NULL
);

CREATE TABLE rejections (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    origin  TEXT NOT NULL,
    reason  TEXT NOT NULL,
    raw_id  TEXT,
    at      TEXT NOT NULL
);

CREATE TABLE state (
    namespace TEXT NOT NULL,
    key       TEXT NOT NULL,
    value     BLOB NOT NULL,
    PRIMARY KEY (namespace, key)
) WITHOUT ROWID;

CREATE TABLE postings (
    namespace  TEXT NOT NULL,
    key        TEXT NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (namespace, key, article_id)
) WITHOUT ROWID;
CREATE INDEX postings_article ON postings(namespace, article_id);
