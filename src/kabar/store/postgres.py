"""PostgreSQL store: the team backend, behind the same interface as the SQLite store.

psycopg 3 with a small pool of autocommit connections (one per concurrent caller, up to
``pool_size``); each write runs in one transaction, and writes from this process go one at a
time (as in SQLite) so that entity merges never race or deadlock. Search uses the same
stemmed terms as SQLite (``kabar.search``) stored as a ``simple`` tsvector with a GIN index,
queried with ``plainto_tsquery`` (the terms are letters and digits only, so no input is a
syntax error) and ranked by ``ts_rank`` (title weight A, body B, length-normalised) times the
same recency boost.
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from typing import Any, TypeVar

import psycopg
from psycopg.rows import dict_row
from psycopg.types.string import StrDumperUnknown

from kabar.models import Article, Entity, Quote, RawDocument, Rejection, Story, Storyline
from kabar.search import index_terms, query_terms
from kabar.search.text import RANK_CANDIDATES
from kabar.store.base import (
    ArticleFilter,
    QuoteFilter,
    QuoteRow,
    SearchHit,
    Store,
    StoreStats,
)
from kabar.store.codec import (
    RECENCY_DAYS,
    RECENCY_WEIGHT,
    SNIPPET_SCAN_CHARS,
    article_time,
    dumps,
    like_pattern,
    make_hit,
    migrations,
    search_fields,
)

T = TypeVar("T")

_SEARCH_VECTOR = (
    "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B')"
)


class _NulSafeStr(StrDumperUnknown):
    """PostgreSQL text cannot hold NUL; SQLite can. Store U+FFFD instead of failing."""

    def dump(self, obj: str) -> bytes | bytearray | memoryview:
        return super().dump(obj.replace("\x00", "\ufffd") if "\x00" in obj else obj)


def _merge_entity(old: Entity, new: Entity) -> Entity:
    """What another article learnt about an entity, merged into what we knew (as SQLite)."""
    return old.model_copy(
        update={
            "aliases": sorted(set(old.aliases) | set(new.aliases)),
            "roles": sorted(set(old.roles) | set(new.roles)),
            "category": new.category if new.category != "unknown" else old.category,
            "metonym_of": new.metonym_of or old.metonym_of,
        }
    )


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class PostgresStore(Store):
    def __init__(self, url: str, *, pool_size: int = 8, connect_timeout: int = 10) -> None:
        self.url = url
        self._pool_size = max(1, pool_size)
        self._connect_timeout = connect_timeout
        self._idle: queue.LifoQueue[psycopg.Connection[Any]] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(self._pool_size)
        self._all: list[psycopg.Connection[Any]] = []
        self._all_lock = threading.Lock()
        self._writer = threading.RLock()
        self._closed = False
        with self._conn():  # fail now, with the server's message, if it cannot be reached
            pass

    # --- plumbing --------------------------------------------------------------------------
    def _connect(self) -> psycopg.Connection[Any]:
        conn = psycopg.connect(
            self.url, autocommit=True, connect_timeout=self._connect_timeout, row_factory=dict_row
        )
        conn.adapters.register_dumper(str, _NulSafeStr)
        conn.execute("SET TIME ZONE 'UTC'")
        with self._all_lock:
            self._all.append(conn)
        return conn

    @contextmanager
    def _conn(self) -> Iterator[psycopg.Connection[Any]]:
        if self._closed:
            raise RuntimeError("store is closed")
        self._slots.acquire()
        conn = None
        try:
            try:
                conn = self._idle.get_nowait()
            except queue.Empty:
                conn = self._connect()
            if conn.closed or conn.broken:
                conn = self._connect()
            yield conn
        finally:
            if conn is not None and not conn.closed and not conn.broken:
                self._idle.put(conn)
            self._slots.release()

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._conn() as conn:
            return conn.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def _write(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        """Run ``work(conn)`` in one transaction; this process's writes go one at a time."""
        with self._writer, self._conn() as conn, conn.transaction():
            return work(conn)

    def migrate(self) -> int:
        with self._writer, self._conn() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(7061626172)")  # one migrator at once
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY,"
                " name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
            )
            applied = {r["version"] for r in conn.execute("SELECT version FROM schema_migrations")}
            version = before = max(applied, default=0)
            for number, name, sql in migrations("postgres"):
                if number in applied:
                    continue
                conn.execute(sql)
                conn.execute("INSERT INTO schema_migrations VALUES (%s, %s, now())", (number, name))
                version = number
        if before < 2 <= version:  # the stemmed index is made in Python: fill it for old rows
            self._index_missing()
        return version

    def schema_version(self) -> int:
        row = self._one("SELECT max(version) AS v FROM schema_migrations")
        return int(row["v"] or 0) if row else 0

    def _index_missing(self, batch: int = 500) -> int:
        """Compute the search vector of articles that have none (after v2, or a repair)."""
        done, last = 0, ""
        while True:
            rows = self._rows(
                "SELECT id, title, body FROM articles WHERE id > %s AND merged_into IS NULL"
                " AND search IS NULL ORDER BY id LIMIT %s",
                (last, batch),
            )
            if not rows:
                return done
            docs = [(index_terms(r["title"] or ""), index_terms(r["body"]), r["id"]) for r in rows]
            self._write(
                lambda conn, docs=docs: conn.cursor().executemany(
                    f"UPDATE articles SET search = {_SEARCH_VECTOR} WHERE id = %s", docs
                )
            )
            done += len(docs)
            last = rows[-1]["id"]

    def optimize(self) -> None:
        self._write(lambda conn: conn.execute("ANALYZE"))

    def close(self) -> None:
        self._closed = True
        with self._all_lock:
            for conn in self._all:
                with suppress(psycopg.Error):
                    conn.close()
            self._all.clear()

    # --- raw inputs ------------------------------------------------------------------------
    def put_raw(self, docs: Iterable[RawDocument]) -> list[bool]:
        items = list(docs)

        def work(conn: psycopg.Connection[Any]) -> list[bool]:
            new = []
            for d in items:
                cur = conn.execute(
                    "INSERT INTO raw_documents (id, origin, format, url, outlet, fetched_at,"
                    " encoding, meta, content, ingested_at)"
                    " VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,now()) ON CONFLICT (id) DO NOTHING",
                    (
                        d.id,
                        d.origin,
                        str(d.format),
                        d.url,
                        d.outlet,
                        _aware(d.fetched_at),
                        d.encoding,
                        dumps(d.meta),
                        d.content,
                    ),
                )
                new.append(cur.rowcount == 1)
            return new

        return self._write(work)

    @staticmethod
    def _raw(row: dict[str, Any]) -> RawDocument:
        return RawDocument(
            id=row["id"],
            content=bytes(row["content"]),
            origin=row["origin"],
            format=row["format"],
            url=row["url"],
            outlet=row["outlet"],
            fetched_at=row["fetched_at"],
            encoding=row["encoding"],
            meta=json.loads(row["meta"]),
        )

    def get_raw(self, raw_id: str) -> RawDocument | None:
        row = self._one("SELECT * FROM raw_documents WHERE id = %s", (raw_id,))
        return self._raw(row) if row else None

    def iter_raw(self, *, unprocessed: bool = False, batch: int = 500) -> Iterator[RawDocument]:
        last = 0
        cond = (
            " AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.raw_id = r.id)"
            " AND NOT EXISTS (SELECT 1 FROM rejections j WHERE j.raw_id = r.id)"
            # an older version of a URL ingested again is superseded: only the newest is
            # analysed (else each analyze flipped the article between the two versions)
            " AND NOT EXISTS (SELECT 1 FROM raw_documents n WHERE n.url = r.url AND n.seq > r.seq)"
            if unprocessed
            else ""
        )
        while True:
            rows = self._rows(
                f"SELECT * FROM raw_documents r WHERE seq > %s{cond} ORDER BY seq LIMIT %s",
                (last, batch),
            )
            if not rows:
                return
            for row in rows:
                yield self._raw(row)
            last = rows[-1]["seq"]

    def put_rejections(self, rejections: Iterable[Rejection]) -> None:
        items = list(rejections)

        def work(conn: psycopg.Connection[Any]) -> None:
            for r in items:
                if r.raw_id:  # one standing rejection per raw input
                    conn.execute("DELETE FROM rejections WHERE raw_id = %s", (r.raw_id,))
                else:  # nothing stored (empty file, bad JSON line): one per origin
                    conn.execute(
                        "DELETE FROM rejections WHERE raw_id IS NULL AND origin = %s", (r.origin,)
                    )
                conn.execute(
                    "INSERT INTO rejections (origin, reason, raw_id, at) VALUES (%s,%s,%s,now())",
                    (r.origin, r.reason, r.raw_id),
                )

        self._write(work)

    def list_rejections(self, limit: int = 100) -> list[Rejection]:
        rows = self._rows(
            "SELECT origin, reason, raw_id FROM rejections ORDER BY id DESC LIMIT %s", (limit,)
        )
        return [Rejection(origin=r["origin"], reason=r["reason"], raw_id=r["raw_id"]) for r in rows]

    # --- articles --------------------------------------------------------------------------
    def put_articles(self, articles: Iterable[Article]) -> None:
        """Replace the articles and their rows in one transaction, a few statements per batch
        (``executemany`` pipelines the inserts), not a few per article."""
        by_id: dict[str, Article] = {}
        for a in articles:  # the same id twice in one batch: the later one wins
            by_id.pop(a.id, None)
            by_id[a.id] = a
        items = list(by_id.values())
        if not items:
            return
        terms = {a.id: search_fields(a) for a in items if a.merged_into is None}
        ids = list(by_id)
        rows = []
        for a in items:
            title_terms, body_terms = terms.get(a.id, ("", ""))
            indexed = a.merged_into is None
            rows.append(
                (
                    a.id,
                    a.raw_id,
                    a.origin,
                    a.url,
                    a.outlet,
                    a.title,
                    _aware(article_time(a)),
                    a.language,
                    a.story_id,
                    a.merged_into,
                    a.body,
                    a.model_dump_json(),
                    indexed,
                    title_terms,
                    body_terms,
                )
            )
        mentions = [
            (a.id, m.entity_id, m.text, m.label, m.span.line, m.span.start, m.span.end)
            for a in items
            for m in a.mentions
        ]
        quotes = [
            (
                a.id,
                q.speaker,
                q.speaker_entity_id,
                str(q.kind),
                q.cue,
                q.resolution,
                q.confidence,
                q.text,
                q.model_dump_json(),
            )
            for a in items
            for q in a.quotes
        ]
        entities = [e for a in items for e in a.entities]

        def work(conn: psycopg.Connection[Any]) -> None:
            cur = conn.cursor()
            conn.execute("DELETE FROM mentions WHERE article_id = ANY(%s)", (ids,))
            conn.execute("DELETE FROM quotes WHERE article_id = ANY(%s)", (ids,))
            conn.execute("DELETE FROM articles WHERE id = ANY(%s)", (ids,))
            conn.execute(
                "DELETE FROM rejections WHERE raw_id = ANY(%s)", ([a.raw_id for a in items],)
            )
            cur.executemany(
                "INSERT INTO articles (id, raw_id, origin, url, outlet, title, published,"
                " language, story_id, merged_into, body, data, updated_at, search)"
                " VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,now(),"
                f" CASE WHEN %s THEN {_SEARCH_VECTOR} END)",
                rows,
            )
            self._put_entities(conn, entities)
            if mentions:
                cur.executemany(
                    "INSERT INTO mentions (article_id, entity_id, text, label, line, start,"
                    ' "end") VALUES (%s,%s,%s,%s,%s,%s,%s)',
                    mentions,
                )
            if quotes:
                cur.executemany(
                    "INSERT INTO quotes (article_id, speaker, speaker_entity_id, kind, cue,"
                    " resolution, confidence, text, data) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                    quotes,
                )

        self._write(work)

    @staticmethod
    def _put_entities(conn: psycopg.Connection[Any], entities: list[Entity]) -> None:
        """Upsert entities, merging aliases/roles/category with what is stored (and with
        earlier copies in the same batch), rows locked in id order so writers never
        deadlock."""
        if not entities:
            return
        ids = sorted({e.id for e in entities})
        merged: dict[str, Entity] = {
            r["id"]: Entity.model_validate_json(r["data"])
            for r in conn.execute(
                "SELECT id, data FROM entities WHERE id = ANY(%s) ORDER BY id FOR UPDATE", (ids,)
            )
        }
        for e in entities:
            old = merged.get(e.id)
            merged[e.id] = e if old is None else _merge_entity(old, e)
        conn.cursor().executemany(
            "INSERT INTO entities (id, name, label, category, data) VALUES (%s,%s,%s,%s,%s)"
            " ON CONFLICT (id) DO UPDATE SET name = excluded.name, label = excluded.label,"
            " category = excluded.category, data = excluded.data",
            [(e.id, e.name, e.label, e.category, e.model_dump_json()) for e in merged.values()],
        )

    @staticmethod
    def _delete_article_rows(conn: psycopg.Connection[Any], article_id: str) -> None:
        conn.execute("DELETE FROM mentions WHERE article_id = %s", (article_id,))
        conn.execute("DELETE FROM quotes WHERE article_id = %s", (article_id,))
        conn.execute("DELETE FROM articles WHERE id = %s", (article_id,))

    @staticmethod
    def _article(row: dict[str, Any]) -> Article:
        article = Article.model_validate_json(row["data"])
        article.story_id = row["story_id"]  # stories are reassigned without rewriting data
        return article

    def get_article(self, article_id: str) -> Article | None:
        row = self._one("SELECT data, story_id FROM articles WHERE id = %s", (article_id,))
        return self._article(row) if row else None

    def get_articles(self, ids: Iterable[str]) -> list[Article]:
        ids = list(ids)
        if not ids:
            return []
        found = {
            r["id"]: self._article(r)
            for r in self._rows(
                "SELECT id, data, story_id FROM articles WHERE id = ANY(%s)", (list(set(ids)),)
            )
        }
        return [found[i] for i in ids if i in found]

    @staticmethod
    def _where(flt: ArticleFilter | None, alias: str = "a") -> tuple[str, list[Any]]:
        conds: list[str] = [f"{alias}.merged_into IS NULL"]
        params: list[Any] = []
        if flt is not None:
            if flt.outlet:
                conds.append(f"lower({alias}.outlet) = lower(%s)")
                params.append(flt.outlet)
            if flt.language:
                conds.append(f"{alias}.language = %s")
                params.append(flt.language)
            if flt.since:
                conds.append(f"{alias}.published >= %s")
                params.append(_aware(flt.since))
            if flt.until:
                conds.append(f"{alias}.published <= %s")
                params.append(_aware(flt.until))
            if flt.story_id:
                conds.append(f"{alias}.story_id = %s")
                params.append(flt.story_id)
            if flt.entity_id:
                conds.append(
                    f"{alias}.id IN (SELECT article_id FROM mentions WHERE entity_id = %s)"
                )
                params.append(flt.entity_id)
        return " WHERE " + " AND ".join(conds), params

    def list_articles(self, flt: ArticleFilter | None = None) -> list[Article]:
        flt = flt or ArticleFilter()
        where, params = self._where(flt)
        rows = self._rows(
            f"SELECT a.data, a.story_id FROM articles a{where}"
            " ORDER BY a.published DESC NULLS LAST, a.id LIMIT %s OFFSET %s",
            [*params, flt.limit, flt.offset],
        )
        return [self._article(r) for r in rows]

    def iter_articles(self, *, batch: int = 500) -> Iterator[Article]:
        last = ""
        while True:
            rows = self._rows(
                "SELECT id, data, story_id FROM articles WHERE id > %s ORDER BY id LIMIT %s",
                (last, batch),
            )
            if not rows:
                return
            for row in rows:
                yield self._article(row)
            last = rows[-1]["id"]

    def count_articles(self, flt: ArticleFilter | None = None) -> int:
        where, params = self._where(flt)
        row = self._one(f"SELECT count(*) AS n FROM articles a{where}", params)
        return int(row["n"]) if row else 0

    def article_id_for_raw(self, raw_id: str) -> str | None:
        row = self._one("SELECT id FROM articles WHERE raw_id = %s LIMIT 1", (raw_id,))
        return row["id"] if row else None

    def list_outlets(self) -> list[tuple[str, int]]:
        rows = self._rows(
            "SELECT outlet, count(*) AS n FROM articles WHERE outlet IS NOT NULL"
            " AND merged_into IS NULL GROUP BY outlet ORDER BY n DESC, outlet"
        )
        return [(r["outlet"], int(r["n"])) for r in rows]

    def delete_article(self, article_id: str) -> None:
        self._write(lambda conn: self._delete_article_rows(conn, article_id))

    # --- search ----------------------------------------------------------------------------
    def search(self, query: str, flt: ArticleFilter | None = None) -> list[SearchHit]:
        """ts_rank over stemmed terms (title A, body B) times a recency boost.

        Two phases, as in SQLite: the newest ``RANK_CANDIDATES`` matches (GIN index, or the
        newest-first index with a filter for a word in most articles), then ranked.
        """
        flt = flt or ArticleFilter()
        terms = query_terms(query)
        if not terms:
            return []
        where, params = self._where(flt)
        where = where.replace(" WHERE ", " AND ", 1)
        try:
            rows = self._rows(
                # The tsquery is written inline (not in a CTE) so that the planner folds it
                # to a constant and weighs it with the column's statistics: a word in most
                # articles then walks the newest-first index and stops after the first
                # matches, instead of fetching every match through GIN and sorting them
                # (2 s at 1M articles when the query hid behind a CTE).
                "WITH hits AS (SELECT a.id, a.published, a.search FROM articles a"
                f" WHERE a.search @@ plainto_tsquery('simple', %s){where}"
                " ORDER BY a.published DESC NULLS LAST, a.id LIMIT %s),"
                " ranked AS (SELECT h.id, h.published,"
                " ts_rank(h.search, plainto_tsquery('simple', %s), 1)"
                " * (1.0 + %s / (1.0 + greatest(0.0, extract(epoch FROM (now() -"
                " coalesce(h.published, 'epoch'))) / 86400.0) / %s)) AS score FROM hits h"
                " ORDER BY score DESC, h.published DESC NULLS LAST, h.id LIMIT %s OFFSET %s)"
                " SELECT a.id, a.title, a.outlet, a.published, a.story_id,"
                f" left(a.body, {SNIPPET_SCAN_CHARS}) AS body, r.score"
                " FROM ranked r JOIN articles a ON a.id = r.id"
                " ORDER BY r.score DESC, r.published DESC NULLS LAST, r.id",
                [
                    " ".join(terms),
                    *params,
                    RANK_CANDIDATES,
                    " ".join(terms),
                    RECENCY_WEIGHT,
                    RECENCY_DAYS,
                    flt.limit,
                    flt.offset,
                ],
            )
        except psycopg.errors.SyntaxError:  # belt and braces: plainto_tsquery never fails
            return []
        return [
            make_hit(
                r["id"],
                r["title"],
                r["outlet"],
                r["published"],
                r["story_id"],
                r["body"] or "",
                float(r["score"]),
                terms,
            )
            for r in rows
        ]

    # --- entities and quotes ---------------------------------------------------------------
    def get_entity(self, entity_id: str) -> Entity | None:
        row = self._one("SELECT data FROM entities WHERE id = %s", (entity_id,))
        return Entity.model_validate_json(row["data"]) if row else None

    def list_entities(
        self,
        *,
        label: str | None = None,
        query: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[tuple[Entity, int]]:
        conds, params = [], []
        if label:
            conds.append("e.label = %s")
            params.append(label)
        if query:
            conds.append("(e.name ILIKE %s ESCAPE '\\' OR e.data ILIKE %s ESCAPE '\\')")
            params += [like_pattern(query), like_pattern(query)]
        where = " WHERE " + " AND ".join(conds) if conds else ""
        rows = self._rows(
            "SELECT e.data, (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id) AS n"
            f" FROM entities e{where} ORDER BY n DESC, e.name LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        return [(Entity.model_validate_json(r["data"]), int(r["n"])) for r in rows]

    def entity_articles(self, entity_id: str, limit: int = 100) -> list[str]:
        rows = self._rows(
            "SELECT a.id FROM articles a WHERE a.id IN"
            " (SELECT article_id FROM mentions WHERE entity_id = %s)"
            " ORDER BY a.published DESC NULLS LAST, a.id LIMIT %s",
            (entity_id, limit),
        )
        return [r["id"] for r in rows]

    def list_quotes(self, flt: QuoteFilter | None = None) -> list[QuoteRow]:
        flt = flt or QuoteFilter()
        conds, params = [], []
        if flt.speaker:
            conds.append("q.speaker ILIKE %s ESCAPE '\\'")
            params.append(like_pattern(flt.speaker))
        if flt.outlet:
            conds.append("lower(a.outlet) = lower(%s)")
            params.append(flt.outlet)
        if flt.story_id:
            conds.append("a.story_id = %s")
            params.append(flt.story_id)
        if flt.article_id:
            conds.append("q.article_id = %s")
            params.append(flt.article_id)
        if flt.query:
            for word in flt.query.split()[:16]:
                conds.append("q.text ILIKE %s ESCAPE '\\'")
                params.append(like_pattern(word))
        where = " WHERE " + " AND ".join(conds) if conds else ""
        rows = self._rows(
            "SELECT q.data, q.article_id, a.outlet, a.published, a.story_id"
            f" FROM quotes q JOIN articles a ON a.id = q.article_id{where}"
            " ORDER BY a.published DESC NULLS LAST, q.id LIMIT %s OFFSET %s",
            [*params, flt.limit, flt.offset],
        )
        return [
            QuoteRow(
                quote=Quote.model_validate_json(r["data"]),
                article_id=r["article_id"],
                outlet=r["outlet"],
                published=r["published"],
                story_id=r["story_id"],
            )
            for r in rows
        ]

    def speaker_outlets(self, speaker: str | None = None) -> list[tuple[str, str, int]]:
        cond, params = "", []
        if speaker:
            cond = " AND q.speaker ILIKE %s ESCAPE '\\'"
            params.append(like_pattern(speaker))
        rows = self._rows(
            "SELECT q.speaker, coalesce(a.outlet, '?') AS outlet, count(*) AS n"
            " FROM quotes q JOIN articles a ON a.id = q.article_id"
            f" WHERE q.speaker IS NOT NULL{cond}"
            " GROUP BY q.speaker, a.outlet ORDER BY n DESC, q.speaker, outlet",
            params,
        )
        return [(r["speaker"], r["outlet"], int(r["n"])) for r in rows]

    # --- stories ---------------------------------------------------------------------------
    def put_stories(self, stories: Iterable[Story]) -> None:
        items = list(stories)

        def work(conn: psycopg.Connection[Any]) -> None:
            for s in items:
                conn.execute(
                    "INSERT INTO stories (id, title, first_seen, last_seen, storyline_id,"
                    " n_articles, data) VALUES (%s,%s,%s,%s,%s,%s,%s) ON CONFLICT (id) DO UPDATE"
                    " SET title = excluded.title, first_seen = excluded.first_seen, last_seen ="
                    " excluded.last_seen, storyline_id = excluded.storyline_id, n_articles ="
                    " excluded.n_articles, data = excluded.data",
                    (
                        s.id,
                        s.title,
                        _aware(s.first_seen),
                        _aware(s.last_seen),
                        s.storyline_id,
                        len(s.article_ids),
                        s.model_dump_json(),
                    ),
                )
                if s.article_ids:
                    conn.execute(
                        "UPDATE articles SET story_id = %s WHERE id = ANY(%s)",
                        (s.id, list(s.article_ids)),
                    )

        self._write(work)

    def get_story(self, story_id: str) -> Story | None:
        row = self._one("SELECT data FROM stories WHERE id = %s", (story_id,))
        return Story.model_validate_json(row["data"]) if row else None

    def list_stories(
        self, *, since: datetime | None = None, limit: int = 50, offset: int = 0
    ) -> list[Story]:
        cond, params = "", []
        if since:
            cond = " WHERE last_seen >= %s"
            params.append(_aware(since))
        rows = self._rows(
            f"SELECT data FROM stories{cond}"
            " ORDER BY last_seen DESC NULLS LAST, n_articles DESC, id LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        return [Story.model_validate_json(r["data"]) for r in rows]

    def delete_stories(self, story_ids: Iterable[str]) -> None:
        ids = list(story_ids)

        def work(conn: psycopg.Connection[Any]) -> None:
            conn.execute("DELETE FROM stories WHERE id = ANY(%s)", (ids,))
            conn.execute("UPDATE articles SET story_id = NULL WHERE story_id = ANY(%s)", (ids,))

        if ids:
            self._write(work)

    def put_storylines(self, storylines: Iterable[Storyline]) -> None:
        items = list(storylines)

        def work(conn: psycopg.Connection[Any]) -> None:
            for s in items:
                conn.execute(
                    "INSERT INTO storylines (id, title, first_seen, last_seen, data)"
                    " VALUES (%s,%s,%s,%s,%s) ON CONFLICT (id) DO UPDATE SET title ="
                    " excluded.title, first_seen = excluded.first_seen, last_seen ="
                    " excluded.last_seen, data = excluded.data",
                    (
                        s.id,
                        s.title,
                        _aware(s.first_seen),
                        _aware(s.last_seen),
                        s.model_dump_json(),
                    ),
                )

        self._write(work)

    def list_storylines(self, limit: int = 50, offset: int = 0) -> list[Storyline]:
        rows = self._rows(
            "SELECT data FROM storylines ORDER BY last_seen DESC NULLS LAST, id LIMIT %s OFFSET %s",
            (limit, offset),
        )
        return [Storyline.model_validate_json(r["data"]) for r in rows]

    def get_storyline(self, storyline_id: str) -> Storyline | None:
        row = self._one("SELECT data FROM storylines WHERE id = %s", (storyline_id,))
        return Storyline.model_validate_json(row["data"]) if row else None

    # --- state and postings ----------------------------------------------------------------
    def put_state(self, namespace: str, items: Iterable[tuple[str, bytes]]) -> None:
        rows = [(namespace, k, v) for k, v in dict(items).items()]  # last value of a key wins
        if not rows:
            return
        self._write(
            lambda conn: conn.cursor().executemany(
                "INSERT INTO state (namespace, key, value) VALUES (%s,%s,%s)"
                " ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value",
                rows,
            )
        )

    def get_state(self, namespace: str, keys: Iterable[str]) -> dict[str, bytes]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        rows = self._rows(
            "SELECT key, value FROM state WHERE namespace = %s AND key = ANY(%s)",
            (namespace, wanted),
        )
        return {r["key"]: bytes(r["value"]) for r in rows}

    def iter_state(self, namespace: str) -> Iterator[tuple[str, bytes]]:
        last = ""
        while True:
            rows = self._rows(
                "SELECT key, value FROM state WHERE namespace = %s AND key > %s"
                " ORDER BY key LIMIT 1000",
                (namespace, last),
            )
            if not rows:
                return
            for r in rows:
                yield r["key"], bytes(r["value"])
            last = rows[-1]["key"]

    def delete_state(self, namespace: str, keys: Iterable[str] | None = None) -> None:
        if keys is None:
            self._write(
                lambda conn: conn.execute("DELETE FROM state WHERE namespace = %s", (namespace,))
            )
            return
        ids = list(keys)
        if ids:
            self._write(
                lambda conn: conn.execute(
                    "DELETE FROM state WHERE namespace = %s AND key = ANY(%s)", (namespace, ids)
                )
            )

    def add_postings(self, namespace: str, pairs: Iterable[tuple[str, str]]) -> None:
        rows = list(dict.fromkeys((namespace, k, a) for k, a in pairs))
        if not rows:
            return
        self._write(
            lambda conn: conn.cursor().executemany(
                "INSERT INTO postings (namespace, key, article_id) VALUES (%s,%s,%s)"
                " ON CONFLICT DO NOTHING",
                rows,
            )
        )

    def get_postings(self, namespace: str, keys: Iterable[str]) -> dict[str, list[str]]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        out: dict[str, list[str]] = {}
        for r in self._rows(
            "SELECT key, article_id FROM postings WHERE namespace = %s AND key = ANY(%s)"
            " ORDER BY key, article_id",
            (namespace, wanted),
        ):
            out.setdefault(r["key"], []).append(r["article_id"])
        return out

    def delete_postings(self, namespace: str, article_ids: Iterable[str] | None = None) -> None:
        if article_ids is None:
            self._write(
                lambda conn: conn.execute("DELETE FROM postings WHERE namespace = %s", (namespace,))
            )
            return
        ids = list(article_ids)
        if ids:
            self._write(
                lambda conn: conn.execute(
                    "DELETE FROM postings WHERE namespace = %s AND article_id = ANY(%s)",
                    (namespace, ids),
                )
            )

    # --- housekeeping ----------------------------------------------------------------------
    def stats(self) -> StoreStats:
        row = self._one(
            "SELECT (SELECT count(*) FROM raw_documents) AS raw,"
            " (SELECT count(*) FROM articles) AS articles,"
            " (SELECT count(*) FROM rejections) AS rejections,"
            " (SELECT count(*) FROM entities) AS entities,"
            " (SELECT count(*) FROM quotes) AS quotes,"
            " (SELECT count(*) FROM stories) AS stories,"
            " (SELECT count(*) FROM storylines) AS storylines"
        )
        return StoreStats(**{k: int(v) for k, v in (row or {}).items()})

    def check(self, repair: bool = False) -> list[str]:
        problems: list[str] = []
        orphans = {
            "articles without raw input": "SELECT count(*) AS n FROM articles a WHERE NOT EXISTS"
            " (SELECT 1 FROM raw_documents r WHERE r.id = a.raw_id)",
            "mentions of missing articles": "SELECT count(*) AS n FROM mentions m WHERE NOT"
            " EXISTS (SELECT 1 FROM articles a WHERE a.id = m.article_id)",
            "quotes of missing articles": "SELECT count(*) AS n FROM quotes q WHERE NOT EXISTS"
            " (SELECT 1 FROM articles a WHERE a.id = q.article_id)",
            "articles missing from the search index": "SELECT count(*) AS n FROM articles"
            " WHERE merged_into IS NULL AND search IS NULL",
            "search rows of missing or merged articles": "SELECT count(*) AS n FROM articles"
            " WHERE merged_into IS NOT NULL AND search IS NOT NULL",
            "articles pointing at missing stories": "SELECT count(*) AS n FROM articles a WHERE"
            " a.story_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stories s WHERE s.id ="
            " a.story_id)",
        }
        for what, sql in orphans.items():
            row = self._one(sql)
            n = int(row["n"]) if row else 0
            if n:
                problems.append(f"{n} {what}")
        if problems and repair:
            self._repair()
        return problems

    def _repair(self) -> None:
        def work(conn: psycopg.Connection[Any]) -> None:
            conn.execute("DELETE FROM mentions WHERE article_id NOT IN (SELECT id FROM articles)")
            conn.execute("DELETE FROM quotes WHERE article_id NOT IN (SELECT id FROM articles)")
            conn.execute("UPDATE articles SET search = NULL WHERE merged_into IS NOT NULL")
            conn.execute(
                "UPDATE articles SET story_id = NULL WHERE story_id IS NOT NULL AND story_id NOT"
                " IN (SELECT id FROM stories)"
            )

        self._write(work)
        self._index_missing()
