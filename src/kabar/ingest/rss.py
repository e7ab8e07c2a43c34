"""RSS/Atom input: each feed item becomes one :class:`RawDocument`.

Parsed with feedparser (which never raises on a malformed feed: it sets ``bozo`` and keeps
what it could read). Each item's full content (``content:encoded`` / Atom ``content``) is
preferred to its summary; the document is HTML when the item says so or the text carries
markup, plain text otherwise. ``url`` is the item's link, ``fetched_at`` the item's updated
or published time when one parses. Dates that do not parse are tolerated: the original string
is kept in ``meta`` (``published_raw``) and the item is still read.

``meta`` carries the item's feed fields for the metadata stage: ``title``, ``published``
(ISO 8601 when parsed), ``published_raw``, ``updated``, ``author``, ``categories``
(comma-separated), ``guid``, ``feed_title`` and ``feed_link``.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser

from kabar.models import RawDocument, Rejection, SourceFormat

#: Feeds larger than this are not parsed (feedparser holds the whole document in memory).
MAX_FEED_BYTES = 64 * 1024 * 1024

#: An entity declaration in the feed's own DTD, as it appears in the encodings XML allows.
#: News feeds never declare entities; a feed that does is refused, because expat expands them
#: up to ~100x the feed's size (a "billion laughs" feed of a few kB costs seconds).
_ENTITY_DECLARATIONS = tuple(
    "<!ENTITY".encode(codec)
    for codec in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)

_MARKUP = re.compile(r"<(?:p|br|div|a|img|span|strong|em|b|i|ul|ol|li|h[1-6]|blockquote)\b", re.I)


def _when(parsed: Any) -> datetime | None:
    """feedparser's UTC ``time.struct_time`` as an aware datetime (None when unusable)."""
    if parsed is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    except (OverflowError, ValueError, TypeError, OSError):
        return None


def _body(entry: Any) -> tuple[str, bool]:
    """``(text, is_html)``: the fullest body the item carries."""
    best, best_type = "", ""
    for part in entry.get("content") or []:
        value = part.get("value") or ""
        if len(value.strip()) > len(best.strip()):
            best, best_type = value, part.get("type") or ""
    if not best.strip():
        detail = entry.get("summary_detail") or {}
        best = entry.get("summary") or entry.get("description") or ""
        best_type = detail.get("type") or ""
    # feedparser calls every RSS description text/html: markup decides
    is_html = bool(_MARKUP.search(best)) or ("html" in best_type and "<" in best)
    return best, is_html


def read_feed(
    source: str | Path | bytes, *, origin: str | None = None
) -> Iterator[RawDocument | Rejection]:
    """Yield one RawDocument per item of an RSS/Atom feed (a path or the feed's bytes)."""
    if isinstance(source, bytes):
        data = source
        name = origin or "rss:<bytes>"
    else:
        path = Path(source)
        name = origin or f"rss:{path}"
        try:
            if path.stat().st_size > MAX_FEED_BYTES:
                yield Rejection(origin=name, reason=f"feed larger than {MAX_FEED_BYTES} bytes")
                return
            data = path.read_bytes()
        except OSError as err:
            yield Rejection(origin=name, reason=f"cannot read feed: {err}")
            return
    if len(data) > MAX_FEED_BYTES:
        yield Rejection(origin=name, reason=f"feed larger than {MAX_FEED_BYTES} bytes")
        return
    if any(marker in data for marker in _ENTITY_DECLARATIONS):
        yield Rejection(
            origin=name, reason="feed declares its own XML entities (<!ENTITY>); not expanded"
        )
        return
    try:
        feed = feedparser.parse(data)
    except Exception as err:  # feedparser is meant not to raise; a guard for odd input
        yield Rejection(origin=name, reason=f"unparseable feed: {err}")
        return
    entries = feed.get("entries") or []
    if not entries:
        problem = feed.get("bozo_exception")
        reason = f"no items in feed ({problem})" if problem else "no items in feed"
        yield Rejection(origin=name, reason=reason[:300])
        return
    channel = feed.get("feed") or {}
    for index, entry in enumerate(entries):
        yield _item(entry, f"{name}#{index}", channel)


def _item(entry: Any, origin: str, channel: Any) -> RawDocument | Rejection:
    text, is_html = _body(entry)
    link = (entry.get("link") or "").strip() or None
    if not text.strip():
        return Rejection(origin=origin, reason=f"item has no content or summary ({link})")
    meta: dict[str, str] = {}
    for key, value in (
        ("title", entry.get("title")),
        ("author", entry.get("author")),
        ("guid", entry.get("id")),
        ("feed_title", channel.get("title")),
        ("feed_link", channel.get("link")),
    ):
        if isinstance(value, str) and value.strip():
            meta[key] = value.strip()
    tags = [t.get("term") for t in entry.get("tags") or [] if t.get("term")]
    if tags:
        meta["categories"] = ", ".join(tags)
    # plain dict lookups: feedparser's own get() maps a missing "updated" to "published"
    published = _when(dict.get(entry, "published_parsed"))
    updated = _when(dict.get(entry, "updated_parsed"))
    raw_published = dict.get(entry, "published") or dict.get(entry, "updated")
    if isinstance(raw_published, str) and raw_published.strip():
        meta["published_raw"] = raw_published.strip()[:200]
    if published:
        meta["published"] = published.isoformat()
    if updated:
        meta["updated"] = updated.isoformat()
    if raw_published and not (published or updated):
        meta["date_warning"] = "item date does not parse; kept as published_raw"
    content = text.encode("utf-8", errors="replace")
    return RawDocument(
        id=RawDocument.hash(content),
        content=content,
        origin=origin,
        format=SourceFormat.HTML if is_html else SourceFormat.TEXT,
        url=link,
        fetched_at=updated or published,
        encoding="utf-8",
        meta=meta,
    )
