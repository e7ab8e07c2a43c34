"""Full-text search helpers shared by the store backends: index terms, query terms, snippets.

Both backends index the same folded, stemmed, stop-word-free terms produced here, so a
query means the same thing on SQLite FTS5 and on PostgreSQL tsvector.
"""

from kabar.search.text import index_terms, make_snippet, query_terms, term_of

__all__ = ["index_terms", "make_snippet", "query_terms", "term_of"]
