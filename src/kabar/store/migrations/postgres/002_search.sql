-- kabar schema v2 (PostgreSQL): search over the same stemmed terms as sqlite/002_search.sql
-- (kabar.search.index_terms, made in Python), as a tsvector in the 'simple' configuration:
-- title terms weighted A, body terms B. Merged follow-up pages have none.
ALTER TABLE articles ADD COLUMN search tsvector;
CREATE INDEX articles_search ON articles USING gin (search);
CREATE INDEX articles_language ON articles(language);
CREATE INDEX mentions_entity_article ON mentions(entity_id, article_id);
