-- kabar schema v3: search filters without touching articles. The ranking phase of a search
-- reads only the FTS index and search_docs, so the columns it filters on live here too
-- (story and entity filters use small IN (...) sets instead). An update of these columns
-- must not re-index the terms, so the update trigger now fires on the term columns only.
ALTER TABLE search_docs ADD COLUMN outlet TEXT;
ALTER TABLE search_docs ADD COLUMN language TEXT;

DROP TRIGGER search_docs_au;
CREATE TRIGGER search_docs_au AFTER UPDATE OF title, body ON search_docs BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body)
    VALUES ('delete', old.doc, old.title, old.body);
    INSERT INTO search_fts (rowid, title, body) VALUES (new.doc, new.title, new.body);
END;

UPDATE search_docs SET
    outlet = (SELECT a.outlet FROM articles a WHERE a.id = search_docs.article_id),
    language = (SELECT a.language FROM articles a WHERE a.id = search_docs.article_id);
