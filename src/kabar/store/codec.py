"""Conversions shared by the store backends: times as sortable UTC text, records as JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from kabar.models import Article
from kabar.store.base import SearchHit


def utc_text(value: datetime | None) -> str | None:
    """An aware datetime as sortable UTC ISO text (naive values are taken as UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        value = value.astimezone(UTC)
    except OverflowError:  # within a day of year 1 or 9999: the nearest instant UTC can hold
        value = (datetime.min if value.year == 1 else datetime.max).replace(tzinfo=UTC)
    return value.isoformat(timespec="seconds")


def parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def like_pattern(text: str) -> str:
    """A substring pattern for LIKE/ILIKE ... ESCAPE '\\' with the wildcards of ``text`` escaped."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def article_time(article: Article) -> datetime | None:
    """When the article appeared: its published time, else when it was fetched."""
    if article.published is not None:
        return article.published.value
    return article.fetched_at


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def fts_query(text: str) -> str | None:
    """A user's words as a safe FTS5 query over the stemmed index: each term quoted, all
    required.

    Terms are letters and digits only (``kabar.search.query_terms``), so no input can be a
    syntax error or reach SQL.
    """
    from kabar.search import query_terms

    terms = query_terms(text)
    if not terms:
        return None
    return " ".join('"' + t + '"' for t in terms)


# Ranking: BM25 times a recency boost of 1 + RECENCY_WEIGHT / (1 + age / RECENCY_DAYS), so a
# story from today gets x1.5, one a month old x1.25, one a year old about x1.04.
RECENCY_WEIGHT = 0.5
RECENCY_DAYS = 30.0
SNIPPET_SCAN_CHARS = 20_000  # of an article's body read back to cut a snippet


def day_number(value: datetime | None) -> float | None:
    """Days since 1970-01-01 UTC as a float (the recency clock of the search index)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp() / 86400.0


def make_hit(
    article_id: str,
    title: str | None,
    outlet: str | None,
    published: datetime | None,
    story_id: str | None,
    body: str,
    score: float,
    terms: list[str],
) -> SearchHit:
    """A search result with its snippet cut from the article text around the matches."""
    from kabar.search import make_snippet

    snippet, spans = make_snippet(body[:SNIPPET_SCAN_CHARS], terms)
    return SearchHit(
        article_id=article_id,
        title=title,
        outlet=outlet,
        published=published,
        snippet=snippet,
        score=score,
        highlights=spans,
        story_id=story_id,
    )


#: (title, body) -> stemmed (title, body) terms, filled by the runner with what its worker
#: processes stemmed, so the writing process does not stem the same text again.
_PRESTEMMED: dict[tuple[str, str], tuple[str, str]] = {}
MAX_PRESTEMMED = 4_000  # two batches in flight are a few hundred; never grows past this


def compute_search_fields(title: str, body: str) -> tuple[str, str]:
    from kabar.search import index_terms

    return index_terms(title), index_terms(body)


def remember_search_fields(title: str, body: str, fields: tuple[str, str]) -> None:
    """Record fields computed elsewhere (a worker) for :func:`search_fields` to use once."""
    if len(_PRESTEMMED) >= MAX_PRESTEMMED:
        _PRESTEMMED.clear()
    _PRESTEMMED[(title, body)] = fields


def search_fields(article: Article) -> tuple[str, str]:
    """The stemmed (title, body) terms an article is indexed under."""
    title, body = article.title or "", article.body
    known = _PRESTEMMED.pop((title, body), None)
    return known if known is not None else compute_search_fields(title, body)


def migrations(dialect: str) -> list[tuple[int, str, str]]:
    """The (version, name, sql) migrations of a dialect, in order."""
    folder = resources.files("kabar.store") / "migrations" / dialect
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            found.append((version, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


MARK_START, MARK_END = "\x02", "\x03"


def split_marks(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """A snippet with MARK_START/MARK_END around matches → plain text and match spans."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    start = None
    for ch in marked:
        if ch == MARK_START:
            start = pos
        elif ch == MARK_END:
            if start is not None:
                spans.append((start, pos))
            start = None
        else:
            plain.append(ch)
            pos += 1
    return "".join(plain), spans
