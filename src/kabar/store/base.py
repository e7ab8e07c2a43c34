"""The one storage interface; SQLite and PostgreSQL implement it.

Everything a shell (CLI, API, web) or a corpus-wide stage needs from storage goes through
these methods, so backends are interchangeable and tested with the same suite.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from kabar.models import Article, Entity, Quote, RawDocument, Rejection, Story, Storyline


@dataclass
class ArticleFilter:
    outlet: str | None = None
    language: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    story_id: str | None = None
    entity_id: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass
class SearchHit:
    article_id: str
    title: str | None
    outlet: str | None
    published: datetime | None
    snippet: str  # plain text around the matches
    score: float
    highlights: list[tuple[int, int]] = field(default_factory=list)  # matched spans in snippet
    story_id: str | None = None


@dataclass
class QuoteFilter:
    speaker: str | None = None  # matched against canonical speaker name, case-insensitive
    outlet: str | None = None
    story_id: str | None = None
    article_id: str | None = None
    query: str | None = None  # words the quote text must contain
    limit: int = 50
    offset: int = 0


@dataclass
class QuoteRow:
    quote: Quote
    article_id: str
    outlet: str | None
    published: datetime | None
    story_id: str | None


@dataclass
class StoreStats:
    raw: int = 0
    articles: int = 0
    rejections: int = 0
    entities: int = 0
    quotes: int = 0
    stories: int = 0
    storylines: int = 0
    extra: dict[str, int] = field(default_factory=dict)


class Store(abc.ABC):
    """Persistent home of raw inputs, articles and everything derived from them."""

    url: str

    # --- lifecycle -------------------------------------------------------------------------
    @abc.abstractmethod
    def migrate(self) -> int:
        """Bring the schema to the newest version; returns the version."""

    @abc.abstractmethod
    def close(self) -> None: ...

    @abc.abstractmethod
    def optimize(self) -> None:
        """Refresh the query planner's statistics after a bulk load (the server's autovacuum
        does it in time; a benchmark or `kabar load` should not have to wait for it)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- raw inputs ------------------------------------------------------------------------
    @abc.abstractmethod
    def put_raw(self, docs: Iterable[RawDocument]) -> list[bool]:
        """Store raw documents (one transaction); True for each that was new."""

    @abc.abstractmethod
    def get_raw(self, raw_id: str) -> RawDocument | None: ...

    @abc.abstractmethod
    def iter_raw(self, *, unprocessed: bool = False, batch: int = 500) -> Iterator[RawDocument]:
        """Raw documents in ingest order; ``unprocessed`` keeps those with no article yet."""

    @abc.abstractmethod
    def put_rejections(self, rejections: Iterable[Rejection]) -> None: ...

    @abc.abstractmethod
    def list_rejections(self, limit: int = 100) -> list[Rejection]: ...

    # --- articles --------------------------------------------------------------------------
    @abc.abstractmethod
    def put_articles(self, articles: Iterable[Article]) -> None:
        """Insert or replace articles with their entities, mentions and quotes (one txn)."""

    @abc.abstractmethod
    def get_article(self, article_id: str) -> Article | None: ...

    @abc.abstractmethod
    def get_articles(self, ids: Iterable[str]) -> list[Article]: ...

    @abc.abstractmethod
    def list_articles(self, flt: ArticleFilter | None = None) -> list[Article]: ...

    @abc.abstractmethod
    def iter_articles(self, *, batch: int = 500) -> Iterator[Article]: ...

    @abc.abstractmethod
    def count_articles(self, flt: ArticleFilter | None = None) -> int: ...

    @abc.abstractmethod
    def article_id_for_raw(self, raw_id: str) -> str | None: ...

    @abc.abstractmethod
    def list_outlets(self) -> list[tuple[str, int]]:
        """(outlet, article count) for every outlet with listed articles, most first."""

    @abc.abstractmethod
    def delete_article(self, article_id: str) -> None: ...

    # --- search ----------------------------------------------------------------------------
    @abc.abstractmethod
    def search(self, query: str, flt: ArticleFilter | None = None) -> list[SearchHit]: ...

    # --- entities and quotes ---------------------------------------------------------------
    @abc.abstractmethod
    def get_entity(self, entity_id: str) -> Entity | None: ...

    @abc.abstractmethod
    def list_entities(
        self,
        *,
        label: str | None = None,
        query: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[tuple[Entity, int]]:
        """Entities with their mention counts, most mentioned first."""

    @abc.abstractmethod
    def entity_articles(self, entity_id: str, limit: int = 100) -> list[str]: ...

    @abc.abstractmethod
    def list_quotes(self, flt: QuoteFilter | None = None) -> list[QuoteRow]: ...

    @abc.abstractmethod
    def speaker_outlets(self, speaker: str | None = None) -> list[tuple[str, str, int]]:
        """(speaker, outlet, count) rows: who is quoted by which outlet, how often."""

    # --- stories ---------------------------------------------------------------------------
    @abc.abstractmethod
    def put_stories(self, stories: Iterable[Story]) -> None:
        """Insert or replace stories and point their articles at them."""

    @abc.abstractmethod
    def get_story(self, story_id: str) -> Story | None: ...

    @abc.abstractmethod
    def list_stories(
        self, *, since: datetime | None = None, limit: int = 50, offset: int = 0
    ) -> list[Story]:
        """Stories, most recently active first."""

    @abc.abstractmethod
    def delete_stories(self, story_ids: Iterable[str]) -> None: ...

    @abc.abstractmethod
    def put_storylines(self, storylines: Iterable[Storyline]) -> None: ...

    @abc.abstractmethod
    def list_storylines(self, limit: int = 50, offset: int = 0) -> list[Storyline]: ...

    @abc.abstractmethod
    def get_storyline(self, storyline_id: str) -> Storyline | None: ...

    # --- key/value state for corpus stages (LSH bands, clusterer state, templates) --------
    @abc.abstractmethod
    def put_state(self, namespace: str, items: Iterable[tuple[str, bytes]]) -> None: ...

    @abc.abstractmethod
    def get_state(self, namespace: str, keys: Iterable[str]) -> dict[str, bytes]: ...

    @abc.abstractmethod
    def iter_state(self, namespace: str) -> Iterator[tuple[str, bytes]]: ...

    @abc.abstractmethod
    def delete_state(self, namespace: str, keys: Iterable[str] | None = None) -> None:
        """Delete ``keys`` of a namespace, or the whole namespace when ``keys`` is None."""

    # --- postings: key -> article ids (LSH buckets, inverted indexes for candidates) -------
    @abc.abstractmethod
    def add_postings(self, namespace: str, pairs: Iterable[tuple[str, str]]) -> None:
        """Add (key, article_id) pairs."""

    @abc.abstractmethod
    def get_postings(self, namespace: str, keys: Iterable[str]) -> dict[str, list[str]]: ...

    @abc.abstractmethod
    def delete_postings(self, namespace: str, article_ids: Iterable[str] | None = None) -> None: ...

    # --- housekeeping ----------------------------------------------------------------------
    @abc.abstractmethod
    def stats(self) -> StoreStats: ...

    @abc.abstractmethod
    def check(self, repair: bool = False) -> list[str]:
        """Integrity problems found (and fixed when ``repair``); empty when healthy."""


def open_store(url: str | None = None) -> Store:
    """Open a store from a URL: ``sqlite:///path.db`` (default ``./kabar.db``), ``postgresql://``."""
    url = url or "sqlite:///kabar.db"
    if url.startswith(("postgresql://", "postgres://")):
        from kabar.store.postgres import PostgresStore

        return PostgresStore(url)
    if url.startswith("sqlite://") or "://" not in url:
        from kabar.store.sqlite import SQLiteStore

        path = (
            url.removeprefix("sqlite://").removeprefix("/") if url.startswith("sqlite://") else url
        )
        if url.startswith("sqlite:////"):
            path = "/" + url.removeprefix("sqlite:////")
        return SQLiteStore(path or ":memory:")
    raise ValueError(f"unsupported store URL {url!r}: use sqlite:///path.db or postgresql://...")
