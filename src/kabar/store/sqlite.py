"""SQLite store: the embedded default. WAL mode, versioned migrations, FTS5 search."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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
    day_number,
    dumps,
    fts_query,
    like_pattern,
    make_hit,
    migrations,
    now_text,
    parse_time,
    search_fields,
    utc_text,
)

_CHUNK = 500  # max host parameters per IN (...) list, well under SQLite's limit


def _chunks(items: Sequence[str], size: int = _CHUNK) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class SQLiteStore(Store):
    def __init__(self, path: str | Path, *, timeout: float = 60.0) -> None:
        self.path = str(path)
        self.url = f"sqlite:///{self.path}"
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # One connection shared by threads (the API server), serialised by a lock; SQLite's
        # busy timeout covers other processes writing the same file.
        self._db = sqlite3.connect(
            self.path, timeout=timeout, check_same_thread=False, isolation_level=None
        )
        self._lock = threading.RLock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")

    # --- plumbing --------------------------------------------------------------------------
    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            cur = self._db.execute(sql, params)
            cur.row_factory = sqlite3.Row
            return cur.fetchall()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def _write(self, work: Any) -> Any:
        """Run ``work(conn)`` in one IMMEDIATE transaction (a writer lock up front)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                result = work(self._db)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            return result

    def migrate(self) -> int:
        with self._lock:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            applied = {r[0] for r in self._db.execute("SELECT version FROM schema_migrations")}
            version = max(applied, default=0)
            before = version
            for number, name, sql in migrations("sqlite"):
                if number in applied:
                    continue
                # executescript commits first; wrap the script so a failure leaves no half schema.
                self._db.executescript(
                    f"BEGIN IMMEDIATE;\n{sql}\n"
                    f"INSERT INTO schema_migrations VALUES ({number}, '{name}', '{now_text()}');\n"
                    "COMMIT;"
                )
                version = number
        if before < 2 <= version:  # the stemmed index is made in Python: fill it for old rows
            self._index_missing()
        return version

    def _index_missing(self, batch: int = 500) -> int:
        """Index articles that have no search row (after migrating to v2, or a repair)."""
        done, last = 0, ""
        while True:
            rows = self._rows(
                "SELECT a.id, a.title, a.body, a.published, a.outlet, a.language FROM articles a"
                " WHERE a.id > ? AND a.merged_into IS NULL AND NOT EXISTS"
                " (SELECT 1 FROM search_docs d WHERE d.article_id = a.id) ORDER BY a.id LIMIT ?",
                (last, batch),
            )
            if not rows:
                return done
            docs = [
                (
                    r["id"],
                    day_number(parse_time(r["published"])),
                    index_terms(r["title"] or ""),
                    index_terms(r["body"] or ""),
                    r["outlet"],
                    r["language"],
                )
                for r in rows
            ]
            self._write(
                lambda db, docs=docs: db.executemany(
                    "INSERT OR IGNORE INTO search_docs (article_id, published, title, body,"
                    " outlet, language) VALUES (?,?,?,?,?,?)",
                    docs,
                )
            )
            done += len(docs)
            last = rows[-1]["id"]

    def schema_version(self) -> int:
        row = self._one("SELECT max(version) FROM schema_migrations")
        return int(row[0] or 0) if row else 0

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def optimize(self) -> None:
        with self._lock:
            self._db.execute("PRAGMA optimize")

    # --- raw inputs ------------------------------------------------------------------------
    def put_raw(self, docs: Iterable[RawDocument]) -> list[bool]:
        docs = list(docs)

        def work(db: sqlite3.Connection) -> list[bool]:
            new = []
            for d in docs:
                cur = db.execute(
                    "INSERT OR IGNORE INTO raw_documents (id, origin, format, url, outlet,"
                    " fetched_at, encoding, meta, content, ingested_at)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?)",
                    (
                        d.id,
                        d.origin,
                        str(d.format),
                        d.url,
                        d.outlet,
                        utc_text(d.fetched_at),
                        d.encoding,
                        dumps(d.meta),
                        d.content,
                        now_text(),
                    ),
                )
                new.append(cur.rowcount == 1)
            return new

        return self._write(work)

    @staticmethod
    def _raw(row: sqlite3.Row) -> RawDocument:
        return RawDocument(
            id=row["id"],
            content=row["content"],
            origin=row["origin"],
            format=row["format"],
            url=row["url"],
            outlet=row["outlet"],
            fetched_at=parse_time(row["fetched_at"]),
            encoding=row["encoding"],
            meta=json.loads(row["meta"]),
        )

    def get_raw(self, raw_id: str) -> RawDocument | None:
        row = self._one("SELECT * FROM raw_documents WHERE id = ?", (raw_id,))
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
                f"SELECT * FROM raw_documents r WHERE seq > ?{cond} ORDER BY seq LIMIT ?",
                (last, batch),
            )
            if not rows:
                return
            for row in rows:
                yield self._raw(row)
            last = rows[-1]["seq"]

    def put_rejections(self, rejections: Iterable[Rejection]) -> None:
        items = list(rejections)

        def work(db: sqlite3.Connection) -> None:
            for r in items:
                if r.raw_id:  # one standing rejection per raw input
                    db.execute("DELETE FROM rejections WHERE raw_id = ?", (r.raw_id,))
                else:  # nothing stored (empty file, bad JSON line): one per origin
                    db.execute(
                        "DELETE FROM rejections WHERE raw_id IS NULL AND origin = ?", (r.origin,)
                    )
                db.execute(
                    "INSERT INTO rejections (origin, reason, raw_id, at) VALUES (?,?,?,?)",
                    (r.origin, r.reason, r.raw_id, now_text()),
                )

        self._write(work)

    def list_rejections(self, limit: int = 100) -> list[Rejection]:
        rows = self._rows(
            "SELECT origin, reason, raw_id FROM rejections ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [Rejection(origin=r[0], reason=r[1], raw_id=r[2]) for r in rows]

    # --- articles --------------------------------------------------------------------------
    def put_articles(self, articles: Iterable[Article]) -> None:
        items = list(articles)
        if not items:
            return
        # Stemming is the slow part: done before the writer lock is taken.
        terms = {a.id: search_fields(a) for a in items if a.merged_into is None}

        # One statement per table for the whole batch (executemany), not one per row: the
        # same rows as writing article by article, in the same order. Of two items with one
        # id the later wins, as it did when each replaced the one before.
        latest = list({a.id: a for a in items}.values())
        now = now_text()
        article_rows = [
            (
                a.id,
                a.raw_id,
                a.origin,
                a.url,
                a.outlet,
                a.title,
                utc_text(article_time(a)),
                a.language,
                a.story_id,
                a.merged_into,
                a.body,
                a.model_dump_json(),
                now,
            )
            for a in latest
        ]
        search_rows = [
            (
                a.id,
                day_number(article_time(a)),
                *terms[a.id],
                a.outlet,
                a.language,
            )
            for a in latest
            if a.merged_into is None  # a merged follow-up page is found via its article
        ]
        mention_rows = [
            (a.id, m.entity_id, m.text, m.label, m.span.line, m.span.start, m.span.end)
            for a in latest
            for m in a.mentions
        ]
        quote_rows = [
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
            for a in latest
            for q in a.quotes
        ]

        def work(db: sqlite3.Connection) -> None:
            self._delete_articles_rows(db, [a.id for a in latest])
            # it is an article now
            db.executemany("DELETE FROM rejections WHERE raw_id = ?", [(a.raw_id,) for a in items])
            db.executemany(
                "INSERT INTO articles (id, raw_id, origin, url, outlet, title, published,"
                " language, story_id, merged_into, body, data, updated_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                article_rows,
            )
            db.executemany(
                "INSERT INTO search_docs (article_id, published, title, body, outlet,"
                " language) VALUES (?,?,?,?,?,?)",
                search_rows,
            )
            self._put_entities(db, [e for a in items for e in a.entities])
            db.executemany(
                'INSERT INTO mentions (article_id, entity_id, text, label, line, start, "end")'
                " VALUES (?,?,?,?,?,?,?)",
                mention_rows,
            )
            db.executemany(
                "INSERT INTO quotes (article_id, speaker, speaker_entity_id, kind, cue,"
                " resolution, confidence, text, data) VALUES (?,?,?,?,?,?,?,?,?)",
                quote_rows,
            )

        self._write(work)

    @staticmethod
    def _put_entities(db: sqlite3.Connection, entities: Iterable[Entity]) -> None:
        """Upsert entities, merging what each article learnt into what was known, in order."""
        items = list(entities)
        if not items:
            return
        ids = list(dict.fromkeys(e.id for e in items))
        known: dict[str, Entity] = {}
        for part in _chunks(ids):
            marks = ",".join("?" * len(part))
            for eid, data in db.execute(
                f"SELECT id, data FROM entities WHERE id IN ({marks})", list(part)
            ):
                known[eid] = Entity.model_validate_json(data)
        merged: dict[str, Entity] = {}
        for e in items:
            old = merged.get(e.id) or known.get(e.id)
            if old is not None:
                e = old.model_copy(
                    update={
                        "aliases": sorted(set(old.aliases) | set(e.aliases)),
                        "roles": sorted(set(old.roles) | set(e.roles)),
                        "category": e.category if e.category != "unknown" else old.category,
                        "metonym_of": e.metonym_of or old.metonym_of,
                    }
                )
            merged[e.id] = e
        db.executemany(
            "INSERT OR REPLACE INTO entities (id, name, label, category, data) VALUES (?,?,?,?,?)",
            [(e.id, e.name, e.label, e.category, e.model_dump_json()) for e in merged.values()],
        )

    @staticmethod
    def _delete_articles_rows(db: sqlite3.Connection, article_ids: list[str]) -> None:
        for part in _chunks(article_ids):
            marks = ",".join("?" * len(part))
            for table, column in (
                ("mentions", "article_id"),
                ("quotes", "article_id"),
                ("search_docs", "article_id"),
                ("articles", "id"),
            ):
                db.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", list(part))

    @staticmethod
    def _delete_article_rows(db: sqlite3.Connection, article_id: str) -> None:
        db.execute("DELETE FROM mentions WHERE article_id = ?", (article_id,))
        db.execute("DELETE FROM quotes WHERE article_id = ?", (article_id,))
        db.execute("DELETE FROM search_docs WHERE article_id = ?", (article_id,))
        db.execute("DELETE FROM articles WHERE id = ?", (article_id,))

    @staticmethod
    def _article(row: sqlite3.Row) -> Article:
        article = Article.model_validate_json(row["data"])
        article.story_id = row["story_id"]  # stories are reassigned without rewriting data
        return article

    def get_article(self, article_id: str) -> Article | None:
        row = self._one("SELECT data, story_id FROM articles WHERE id = ?", (article_id,))
        return self._article(row) if row else None

    def get_articles(self, ids: Iterable[str]) -> list[Article]:
        ids = list(ids)
        found: dict[str, Article] = {}
        for part in _chunks(ids):
            marks = ",".join("?" * len(part))
            for row in self._rows(
                f"SELECT id, data, story_id FROM articles WHERE id IN ({marks})", part
            ):
                found[row["id"]] = self._article(row)
        return [found[i] for i in ids if i in found]

    @staticmethod
    def _where(flt: ArticleFilter | None, alias: str = "a") -> tuple[str, list[Any]]:
        conds: list[str] = [f"{alias}.merged_into IS NULL"]
        if flt is None:
            return " WHERE " + conds[0], []
        params: list[Any] = []
        if flt.outlet:
            conds.append(f"{alias}.outlet = ? COLLATE NOCASE")
            params.append(flt.outlet)
        if flt.language:
            conds.append(f"{alias}.language = ?")
            params.append(flt.language)
        if flt.since:
            conds.append(f"{alias}.published >= ?")
            params.append(utc_text(flt.since))
        if flt.until:
            conds.append(f"{alias}.published <= ?")
            params.append(utc_text(flt.until))
        if flt.story_id:
            conds.append(f"{alias}.story_id = ?")
            params.append(flt.story_id)
        if flt.entity_id:
            conds.append(f"{alias}.id IN (SELECT article_id FROM mentions WHERE entity_id = ?)")
            params.append(flt.entity_id)
        return " WHERE " + " AND ".join(conds), params

    def list_articles(self, flt: ArticleFilter | None = None) -> list[Article]:
        flt = flt or ArticleFilter()
        where, params = self._where(flt)
        rows = self._rows(
            f"SELECT a.data, a.story_id FROM articles a{where}"
            " ORDER BY a.published DESC, a.id LIMIT ? OFFSET ?",
            [*params, flt.limit, flt.offset],
        )
        return [self._article(r) for r in rows]

    def iter_articles(self, *, batch: int = 500) -> Iterator[Article]:
        last = ""
        while True:
            rows = self._rows(
                "SELECT id, data, story_id FROM articles WHERE id > ? ORDER BY id LIMIT ?",
                (last, batch),
            )
            if not rows:
                return
            for row in rows:
                yield self._article(row)
            last = rows[-1]["id"]

    def count_articles(self, flt: ArticleFilter | None = None) -> int:
        where, params = self._where(flt)
        row = self._one(f"SELECT count(*) FROM articles a{where}", params)
        return int(row[0]) if row else 0

    def article_id_for_raw(self, raw_id: str) -> str | None:
        row = self._one("SELECT id FROM articles WHERE raw_id = ?", (raw_id,))
        return row[0] if row else None

    def list_outlets(self) -> list[tuple[str, int]]:
        rows = self._rows(
            "SELECT outlet, count(*) AS n FROM articles WHERE outlet IS NOT NULL"
            " AND merged_into IS NULL GROUP BY outlet ORDER BY n DESC, outlet"
        )
        return [(r[0], int(r[1])) for r in rows]

    def delete_article(self, article_id: str) -> None:
        self._write(lambda db: self._delete_article_rows(db, article_id))

    # --- search ----------------------------------------------------------------------------
    def search(self, query: str, flt: ArticleFilter | None = None) -> list[SearchHit]:
        """BM25 over stemmed terms (title x4) times a recency boost; snippets from the body.

        Two phases: the FTS index yields the newest ``RANK_CANDIDATES`` matches (rowid order
        is ingest order) with their BM25, filtered on search_docs alone; those are ranked
        with the recency boost. A rare word is ranked exactly; a word in hundreds of
        thousands of articles is ranked among its newest matches, in bounded time.
        """
        flt = flt or ArticleFilter()
        match = fts_query(query)
        if match is None:
            return []
        conds, params = [], []
        if flt.outlet:
            conds.append("d.outlet = ? COLLATE NOCASE")
            params.append(flt.outlet)
        if flt.language:
            conds.append("d.language = ?")
            params.append(flt.language)
        if flt.since:
            conds.append("d.published >= ?")
            params.append(day_number(flt.since))
        if flt.until:
            conds.append("d.published <= ?")
            params.append(day_number(flt.until))
        if flt.story_id:
            conds.append("d.article_id IN (SELECT id FROM articles WHERE story_id = ?)")
            params.append(flt.story_id)
        if flt.entity_id:
            conds.append("d.article_id IN (SELECT article_id FROM mentions WHERE entity_id = ?)")
            params.append(flt.entity_id)
        where = "".join(" AND " + c for c in conds)
        now = day_number(datetime.now(UTC))
        try:
            ranked = self._rows(
                "WITH hits AS (SELECT d.article_id, d.published, bm25(search_fts, 4.0, 1.0) AS bm"
                " FROM search_fts JOIN search_docs d ON d.doc = search_fts.rowid"
                f" WHERE search_fts MATCH ?{where} ORDER BY search_fts.rowid DESC LIMIT ?)"
                " SELECT article_id, bm * (1.0 + ? / (1.0 + max(0.0, ? - coalesce(published,"
                " 0.0)) / ?)) AS rank FROM hits"
                " ORDER BY rank, published DESC, article_id LIMIT ? OFFSET ?",
                [
                    match,
                    *params,
                    RANK_CANDIDATES,
                    RECENCY_WEIGHT,
                    now,
                    RECENCY_DAYS,
                    flt.limit,
                    flt.offset,
                ],
            )
        except sqlite3.OperationalError:  # belt and braces: the query is built to be valid
            return []
        if not ranked:
            return []
        ids = [r["article_id"] for r in ranked]
        marks = ",".join("?" * len(ids))
        found = {
            r["id"]: r
            for r in self._rows(
                "SELECT id, title, outlet, published, story_id,"
                f" substr(body, 1, {SNIPPET_SCAN_CHARS}) AS body FROM articles"
                f" WHERE id IN ({marks})",
                ids,
            )
        }
        terms = query_terms(query)
        return [
            make_hit(
                r["id"],
                r["title"],
                r["outlet"],
                parse_time(r["published"]),
                r["story_id"],
                r["body"] or "",
                -float(hit["rank"]),
                terms,
            )
            for hit in ranked
            if (r := found.get(hit["article_id"])) is not None
        ]

    # --- entities and quotes ---------------------------------------------------------------
    def get_entity(self, entity_id: str) -> Entity | None:
        row = self._one("SELECT data FROM entities WHERE id = ?", (entity_id,))
        return Entity.model_validate_json(row[0]) if row else None

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
            conds.append("e.label = ?")
            params.append(label)
        if query:
            conds.append("(e.name LIKE ? ESCAPE '\\' OR e.data LIKE ? ESCAPE '\\')")
            params += [like_pattern(query), like_pattern(query)]
        where = " WHERE " + " AND ".join(conds) if conds else ""
        rows = self._rows(
            "SELECT e.data, (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id) AS n"
            f" FROM entities e{where} ORDER BY n DESC, e.name LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [(Entity.model_validate_json(r[0]), int(r[1])) for r in rows]

    def entity_articles(self, entity_id: str, limit: int = 100) -> list[str]:
        rows = self._rows(
            "SELECT DISTINCT m.article_id FROM mentions m JOIN articles a ON a.id = m.article_id"
            " WHERE m.entity_id = ? ORDER BY a.published DESC LIMIT ?",
            (entity_id, limit),
        )
        return [r[0] for r in rows]

    def list_quotes(self, flt: QuoteFilter | None = None) -> list[QuoteRow]:
        flt = flt or QuoteFilter()
        conds, params = [], []
        if flt.speaker:
            conds.append("(q.speaker LIKE ? ESCAPE '\\')")
            params.append(like_pattern(flt.speaker))
        if flt.outlet:
            conds.append("a.outlet = ? COLLATE NOCASE")
            params.append(flt.outlet)
        if flt.story_id:
            conds.append("a.story_id = ?")
            params.append(flt.story_id)
        if flt.article_id:
            conds.append("q.article_id = ?")
            params.append(flt.article_id)
        if flt.query:
            for word in flt.query.split()[:16]:
                conds.append("q.text LIKE ? ESCAPE '\\'")
                params.append(like_pattern(word))
        where = " WHERE " + " AND ".join(conds) if conds else ""
        rows = self._rows(
            "SELECT q.data, q.article_id, a.outlet, a.published, a.story_id"
            f" FROM quotes q JOIN articles a ON a.id = q.article_id{where}"
            " ORDER BY a.published DESC, q.id LIMIT ? OFFSET ?",
            [*params, flt.limit, flt.offset],
        )
        return [
            QuoteRow(
                quote=Quote.model_validate_json(r[0]),
                article_id=r[1],
                outlet=r[2],
                published=parse_time(r[3]),
                story_id=r[4],
            )
            for r in rows
        ]

    def speaker_outlets(self, speaker: str | None = None) -> list[tuple[str, str, int]]:
        cond, params = "", []
        if speaker:
            cond = " AND q.speaker LIKE ? ESCAPE '\\'"
            params.append(like_pattern(speaker))
        rows = self._rows(
            "SELECT q.speaker, coalesce(a.outlet, '?'), count(*) AS n"
            " FROM quotes q JOIN articles a ON a.id = q.article_id"
            f" WHERE q.speaker IS NOT NULL{cond}"
            " GROUP BY q.speaker, a.outlet ORDER BY n DESC, q.speaker",
            params,
        )
        return [(r[0], r[1], int(r[2])) for r in rows]

    # --- stories ---------------------------------------------------------------------------
    def put_stories(self, stories: Iterable[Story]) -> None:
        items = list(stories)

        def work(db: sqlite3.Connection) -> None:
            for s in items:
                db.execute(
                    "INSERT OR REPLACE INTO stories (id, title, first_seen, last_seen,"
                    " storyline_id, n_articles, data) VALUES (?,?,?,?,?,?,?)",
                    (
                        s.id,
                        s.title,
                        utc_text(s.first_seen),
                        utc_text(s.last_seen),
                        s.storyline_id,
                        len(s.article_ids),
                        s.model_dump_json(),
                    ),
                )
                for part in _chunks(s.article_ids):
                    marks = ",".join("?" * len(part))
                    db.execute(
                        f"UPDATE articles SET story_id = ? WHERE id IN ({marks})", [s.id, *part]
                    )

        self._write(work)

    def get_story(self, story_id: str) -> Story | None:
        row = self._one("SELECT data FROM stories WHERE id = ?", (story_id,))
        return Story.model_validate_json(row[0]) if row else None

    def list_stories(
        self, *, since: datetime | None = None, limit: int = 50, offset: int = 0
    ) -> list[Story]:
        cond, params = "", []
        if since:
            cond = " WHERE last_seen >= ?"
            params.append(utc_text(since))
        rows = self._rows(
            f"SELECT data FROM stories{cond}"
            " ORDER BY last_seen DESC, n_articles DESC, id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [Story.model_validate_json(r[0]) for r in rows]

    def delete_stories(self, story_ids: Iterable[str]) -> None:
        ids = list(story_ids)

        def work(db: sqlite3.Connection) -> None:
            for part in _chunks(ids):
                marks = ",".join("?" * len(part))
                db.execute(f"DELETE FROM stories WHERE id IN ({marks})", part)
                db.execute(f"UPDATE articles SET story_id = NULL WHERE story_id IN ({marks})", part)

        self._write(work)

    def put_storylines(self, storylines: Iterable[Storyline]) -> None:
        items = list(storylines)

        def work(db: sqlite3.Connection) -> None:
            for s in items:
                db.execute(
                    "INSERT OR REPLACE INTO storylines (id, title, first_seen, last_seen, data)"
                    " VALUES (?,?,?,?,?)",
                    (
                        s.id,
                        s.title,
                        utc_text(s.first_seen),
                        utc_text(s.last_seen),
                        s.model_dump_json(),
                    ),
                )

        self._write(work)

    def list_storylines(self, limit: int = 50, offset: int = 0) -> list[Storyline]:
        rows = self._rows(
            "SELECT data FROM storylines ORDER BY last_seen DESC, id LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [Storyline.model_validate_json(r[0]) for r in rows]

    def get_storyline(self, storyline_id: str) -> Storyline | None:
        row = self._one("SELECT data FROM storylines WHERE id = ?", (storyline_id,))
        return Storyline.model_validate_json(row[0]) if row else None

    # --- state and postings ----------------------------------------------------------------
    def put_state(self, namespace: str, items: Iterable[tuple[str, bytes]]) -> None:
        rows = [(namespace, k, v) for k, v in items]
        self._write(
            lambda db: db.executemany(
                "INSERT OR REPLACE INTO state (namespace, key, value) VALUES (?,?,?)", rows
            )
        )

    def get_state(self, namespace: str, keys: Iterable[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for part in _chunks(list(keys)):
            marks = ",".join("?" * len(part))
            for r in self._rows(
                f"SELECT key, value FROM state WHERE namespace = ? AND key IN ({marks})",
                [namespace, *part],
            ):
                out[r[0]] = bytes(r[1])
        return out

    def iter_state(self, namespace: str) -> Iterator[tuple[str, bytes]]:
        last = ""
        while True:
            rows = self._rows(
                "SELECT key, value FROM state WHERE namespace = ? AND key > ?"
                " ORDER BY key LIMIT 1000",
                (namespace, last),
            )
            if not rows:
                return
            for r in rows:
                yield r[0], bytes(r[1])
            last = rows[-1][0]

    def delete_state(self, namespace: str, keys: Iterable[str] | None = None) -> None:
        if keys is None:
            self._write(
                lambda db: db.execute("DELETE FROM state WHERE namespace = ?", (namespace,))
            )
            return
        ids = list(keys)

        def work(db: sqlite3.Connection) -> None:
            for part in _chunks(ids):
                marks = ",".join("?" * len(part))
                db.execute(
                    f"DELETE FROM state WHERE namespace = ? AND key IN ({marks})",
                    [namespace, *part],
                )

        self._write(work)

    def add_postings(self, namespace: str, pairs: Iterable[tuple[str, str]]) -> None:
        rows = [(namespace, k, a) for k, a in pairs]
        self._write(
            lambda db: db.executemany(
                "INSERT OR IGNORE INTO postings (namespace, key, article_id) VALUES (?,?,?)", rows
            )
        )

    def get_postings(self, namespace: str, keys: Iterable[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for part in _chunks(list(dict.fromkeys(keys))):
            marks = ",".join("?" * len(part))
            for r in self._rows(
                f"SELECT key, article_id FROM postings WHERE namespace = ? AND key IN ({marks})",
                [namespace, *part],
            ):
                out.setdefault(r[0], []).append(r[1])
        return out

    def delete_postings(self, namespace: str, article_ids: Iterable[str] | None = None) -> None:
        if article_ids is None:
            self._write(
                lambda db: db.execute("DELETE FROM postings WHERE namespace = ?", (namespace,))
            )
            return
        ids = list(article_ids)

        def work(db: sqlite3.Connection) -> None:
            for part in _chunks(ids):
                marks = ",".join("?" * len(part))
                db.execute(
                    f"DELETE FROM postings WHERE namespace = ? AND article_id IN ({marks})",
                    [namespace, *part],
                )

        self._write(work)

    # --- housekeeping ----------------------------------------------------------------------
    def stats(self) -> StoreStats:
        def count(table: str) -> int:
            row = self._one(f"SELECT count(*) FROM {table}")
            return int(row[0]) if row else 0

        return StoreStats(
            raw=count("raw_documents"),
            articles=count("articles"),
            rejections=count("rejections"),
            entities=count("entities"),
            quotes=count("quotes"),
            stories=count("stories"),
            storylines=count("storylines"),
        )

    def check(self, repair: bool = False) -> list[str]:
        problems: list[str] = []
        integrity = self._one("PRAGMA integrity_check")
        if integrity is None or integrity[0] != "ok":
            problems.append(f"integrity_check: {integrity[0] if integrity else 'no answer'}")
        orphans = {
            "articles without raw input": "SELECT count(*) FROM articles a WHERE NOT EXISTS"
            " (SELECT 1 FROM raw_documents r WHERE r.id = a.raw_id)",
            "mentions of missing articles": "SELECT count(*) FROM mentions m WHERE NOT EXISTS"
            " (SELECT 1 FROM articles a WHERE a.id = m.article_id)",
            "quotes of missing articles": "SELECT count(*) FROM quotes q WHERE NOT EXISTS"
            " (SELECT 1 FROM articles a WHERE a.id = q.article_id)",
            "articles missing from the search index": "SELECT count(*) FROM articles a WHERE"
            " a.merged_into IS NULL AND NOT EXISTS (SELECT 1 FROM search_docs d WHERE"
            " d.article_id = a.id)",
            "search rows of missing or merged articles": "SELECT count(*) FROM search_docs d"
            " WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = d.article_id AND"
            " a.merged_into IS NULL)",
            "articles pointing at missing stories": "SELECT count(*) FROM articles a WHERE"
            " a.story_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stories s WHERE s.id ="
            " a.story_id)",
        }
        for what, sql in orphans.items():
            row = self._one(sql)
            n = int(row[0]) if row else 0
            if n:
                problems.append(f"{n} {what}")
        try:  # the FTS index against its content table
            with self._lock:
                self._db.execute(
                    "INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)"
                )
        except sqlite3.DatabaseError as exc:
            problems.append(f"search index out of step with its terms: {exc}")
        if problems and repair:
            self._repair()
        return problems

    def _repair(self) -> None:
        def work(db: sqlite3.Connection) -> None:
            db.execute("DELETE FROM mentions WHERE article_id NOT IN (SELECT id FROM articles)")
            db.execute("DELETE FROM quotes WHERE article_id NOT IN (SELECT id FROM articles)")
            db.execute(
                "DELETE FROM search_docs WHERE article_id NOT IN"
                " (SELECT id FROM articles WHERE merged_into IS NULL)"
            )
            db.execute("INSERT INTO search_fts (search_fts) VALUES ('rebuild')")
            db.execute(
                "UPDATE articles SET story_id = NULL WHERE story_id IS NOT NULL AND story_id NOT"
                " IN (SELECT id FROM stories)"
            )

        self._write(work)
        self._index_missing()
