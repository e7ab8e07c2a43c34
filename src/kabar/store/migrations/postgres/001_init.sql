-- kabar schema v1 (PostgreSQL): the same tables as sqlite/001_init.sql. Ids and keys use the
-- "C" collation so that keyset pagination (id > last ORDER BY id) matches byte order.
CREATE TABLE raw_documents (
    seq         BIGSERIAL PRIMARY KEY,              -- ingest order
    id          TEXT COLLATE "C" NOT NULL UNIQUE,   -- sha256 of content
    origin      TEXT NOT NULL,
    format      TEXT NOT NULL,
    url         TEXT,
    outlet      TEXT,
    fetched_at  TIMESTAMPTZ,
    encoding    TEXT,
    meta        TEXT NOT NULL DEFAULT '{}',
    content     BYTEA NOT NULL,
    ingested_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE articles (
    id          TEXT COLLATE "C" PRIMARY KEY,
    raw_id      TEXT COLLATE "C" NOT NULL,
    origin      TEXT NOT NULL,
    url         TEXT,
    outlet      TEXT,
    title       TEXT,
    published   TIMESTAMPTZ,
    language    TEXT,
    story_id    TEXT COLLATE "C",
    merged_into TEXT COLLATE "C",
    body        TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL,   -- the whole Article as JSON
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX articles_raw ON articles(raw_id);
CREATE INDEX articles_outlet ON articles(lower(outlet), published);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_story ON articles(story_id);

CREATE TABLE entities (
    id        TEXT COLLATE "C" PRIMARY KEY,
    name      TEXT NOT NULL,
    label     TEXT NOT NULL,
    category  TEXT NOT NULL DEFAULT 'unknown',
    data      TEXT NOT NULL
);
CREATE INDEX entities_name ON entities(lower(name));

CREATE TABLE mentions (
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    entity_id  TEXT COLLATE "C",
    text       TEXT NOT NULL,
    label      TEXT NOT NULL,
    line       INTEGER NOT NULL,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL
);
CREATE INDEX mentions_article ON mentions(article_id);
CREATE INDEX mentions_entity ON mentions(entity_id);

CREATE TABLE quotes (
    id                BIGSERIAL PRIMARY KEY,
    article_id        TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    speaker           TEXT,
    speaker_entity_id TEXT,
    kind              TEXT NOT NULL,
    cue               TEXT NOT NULL DEFAULT '',
    resolution        TEXT NOT NULL DEFAULT 'none',
    confidence        DOUBLE PRECISION NOT NULL DEFAULT 0,
    text              TEXT NOT NULL,
    data              TEXT NOT NULL
);
CREATE INDEX quotes_article ON quotes(article_id);
CREATE INDEX quotes_speaker ON quotes(lower(speaker));

CREATE TABLE stories (
    id           TEXT COLLATE "C" PRIMARY KEY,
    title        TEXT,
    first_seen   TIMESTAMPTZ,
    last_seen    TIMESTAMPTZ,
    storyline_id TEXT,
    n_articles   INTEGER NOT NULL DEFAULT 0,
    data         TEXT NOT NULL
);
CREATE INDEX stories_last_seen ON stories(last_seen);

CREATE TABLE storylines (
    id         TEXT COLLATE "C" PRIMARY KEY,
    title      TEXT,
    first_seen TIMESTAMPTZ,
    last_seen  TIMESTAMPTZ,
    data       TEXT NOT NULL
);

CREATE TABLE rejections (
    id      BIGSERIAL PRIMARY KEY,
    origin  TEXT NOT NULL,
    reason  TEXT NOT NULL,
    raw_id  TEXT COLLATE "C",
    at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX rejections_raw ON rejections(raw_id);

CREATE TABLE state (
    namespace TEXT COLLATE "C" NOT NULL,
    key       TEXT COLLATE "C" NOT NULL,
    value     BYTEA NOT NULL,
    PRIMARY KEY (namespace, key)
);

CREATE TABLE postings (
    namespace  TEXT COLLATE "C" NOT NULL,
    key        TEXT COLLATE "C" NOT NULL,
    article_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (namespace, key, article_id)
);
CREATE INDEX postings_article ON postings(namespace, article_id);
