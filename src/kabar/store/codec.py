"""Conversions shared by the store backends: times as sortable UTC text, records as JSON."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from kabar.models import Article

_WORD = re.compile(r"\w+", re.UNICODE)


def utc_text(value: datetime | None) -> str | None:
    """An aware datetime as sortable UTC ISO text (naive values are taken as UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def article_time(article: Article) -> datetime | None:
    """When the article appeared: its published time, else when it was fetched."""
    if article.published is not None:
        return article.published.value
    return article.fetched_at


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def fts_query(text: str, max_terms: int = 32) -> str | None:
    """A user's words as a safe full-text query: each word quoted, all required.

    Operators and punctuation are dropped, so no input can be a syntax error or reach SQL.
    """
    words = _WORD.findall(text)[:max_terms]
    if not words:
        return None
    return " ".join('"' + w.replace('"', "") + '"' for w in words)


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
