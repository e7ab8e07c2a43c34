"""The record types every stage, store and shell agrees on.

Records are pydantic models: typed, validated when read back from storage, serialisable to
JSON for the CLI and the API without a second schema. Stages enrich an :class:`Article` step
by step; every field a later stage fills has an empty default so partial articles are valid.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

T = TypeVar("T")


class Record(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=False)


class SourceFormat(StrEnum):
    TEXT = "text"
    HTML = "html"
    WARC = "warc"
    JSONL = "jsonl"
    RSS = "rss"


class RawDocument(Record):
    """One input exactly as received: bytes kept, hashed, traceable to where it came from."""

    id: str  # sha256 of the raw bytes (hex)
    content: bytes
    origin: str  # "/path/file.txt", "/path/pages.jsonl#12", "warc:/path#offset", a URL
    format: SourceFormat = SourceFormat.TEXT
    url: str | None = None
    outlet: str | None = None
    fetched_at: datetime | None = None
    encoding: str | None = None  # detected or declared charset
    meta: dict[str, str] = Field(default_factory=dict)

    @staticmethod
    def hash(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()


class LineKind(StrEnum):
    TITLE = "title"
    LEAD = "lead"
    BODY = "body"
    SUBHEADING = "subheading"
    CAPTION = "caption"
    PHOTO_CREDIT = "photo_credit"
    BYLINE = "byline"
    DATELINE = "dateline"
    TIMESTAMP = "timestamp"
    MENU = "menu"
    RELATED = "related"
    FOLLOW = "follow"
    AD = "ad"
    SHARE = "share"
    TAGS = "tags"
    SOURCE = "source"
    EDITOR = "editor"
    PAGINATION = "pagination"
    DUPLICATE = "duplicate"
    BLANK = "blank"
    UNKNOWN = "unknown"


#: Kinds that make up the article text; every other kind is "removed" (kept, but folded away).
TEXT_KINDS: frozenset[LineKind] = frozenset({LineKind.LEAD, LineKind.BODY, LineKind.SUBHEADING})


class Line(Record):
    index: int  # position in the original page (0-based)
    text: str
    kind: LineKind = LineKind.UNKNOWN
    reason: str = ""  # the rule or model feature that decided the kind
    score: float = 0.0  # classifier confidence for the kind, 1.0 for hard rules

    @property
    def removed(self) -> bool:
        return self.kind not in TEXT_KINDS and self.kind != LineKind.TITLE


class Timestamp(Record):
    value: datetime  # timezone-aware
    original: str  # the string as printed on the page
    source: str = ""  # where it was read: "line 8", "meta", "url", "fetched_at"


class Credit(Record):
    kind: Literal["wire", "photo", "source", "quoted_from"]
    name: str  # "Antara", "Reuters", "Al Jazeera"
    text: str = ""  # the line or phrase it was read from
    line: int | None = None


class Span(Record):
    """A character range inside one line of the article (``Line.index``)."""

    line: int
    start: int
    end: int


class Mention(Record):
    text: str
    label: str  # PER, ORG, GPE, LOC, EVT, ...
    span: Span
    entity_id: str | None = None
    metonym: bool = False  # "Beijing" standing for the state
    score: float = 1.0


class Entity(Record):
    id: str  # stable: hash of label + canonical name
    name: str  # canonical: "Jens Stoltenberg", "Korea Selatan"
    label: str
    aliases: list[str] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list)  # "Sekjen NATO"
    category: str = "unknown"  # tag taxonomy: Tokoh, Partai, K/L, Negara, ...
    metonym_of: str | None = None

    @staticmethod
    def make_id(label: str, name: str) -> str:
        return hashlib.sha1(f"{label}:{name.casefold()}".encode()).hexdigest()[:16]


class QuoteKind(StrEnum):
    DIRECT = "direct"
    PARTIAL = "partial"
    INDIRECT = "indirect"


class Quote(Record):
    text: str
    kind: QuoteKind
    span: Span  # where the quote starts
    end_span: Span | None = None  # where it ends, when it runs over several lines
    cue: str = ""  # "ujarnya", "kata", "said"
    speaker: str | None = None  # canonical speaker name as resolved
    speaker_entity_id: str | None = None
    speaker_text: str | None = None  # the surface form that named the speaker, if any
    resolution: Literal["named", "pronoun", "continuation", "role", "organisation", "none"] = "none"
    confidence: float = 0.0


class EventDate(Record):
    date: date
    original: str  # "Selasa (31/1/2023)", "Juni lalu"
    span: Span | None = None
    granularity: Literal["day", "month", "year"] = "day"


class Article(Record):
    """A page turned into a news article, enriched stage by stage."""

    id: str  # stable: sha256-derived from canonical URL, else from raw content
    raw_id: str
    origin: str
    url: str | None = None
    outlet: str | None = None
    fetched_at: datetime | None = None
    lines: list[Line] = Field(default_factory=list)
    title: str | None = None
    lead: str | None = None
    published: Timestamp | None = None
    updated: Timestamp | None = None
    authors: list[str] = Field(default_factory=list)
    editor: list[str] = Field(default_factory=list)
    dateline: str | None = None
    credits: list[Credit] = Field(default_factory=list)
    related_titles: list[str] = Field(default_factory=list)
    section: str | None = None
    language: str | None = None
    language_confidence: float = 0.0
    machine_translated: bool = False
    pages: list[str] = Field(default_factory=list)  # raw ids of merged follow-up pages
    page_number: int | None = None  # this page's number when it is part of a series
    merged_into: str | None = None  # set on a follow-up page merged into another article
    mentions: list[Mention] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    event_dates: list[EventDate] = Field(default_factory=list)
    fingerprint: str | None = None  # normalised-text hash for exact duplicates
    minhash: list[int] = Field(default_factory=list)
    story_id: str | None = None
    warnings: list[str] = Field(default_factory=list)
    # Page-level hints from the source format (HTML meta tags, JSON-LD, feed fields) that
    # the metadata stage weighs against what the lines say.
    hints: dict[str, Any] = Field(default_factory=dict)
    stages: list[str] = Field(default_factory=list)  # stages that have run, in order
    # Values a corpus stage computed from this article alone ahead of time, where the
    # article stages ran (a worker process): see ``Stage.prepare``. Never stored; pickled
    # with the article, so they come back from the worker with it.
    _prepared: dict[str, Any] = PrivateAttr(default_factory=dict)

    def prepared(self, key: str, compute: Callable[[Article], T]) -> T:
        """The value prepared under ``key``, or ``compute(self)`` when none was."""
        if key in self._prepared:
            return self._prepared[key]  # type: ignore[no-any-return]
        return compute(self)

    def set_prepared(self, key: str, value: Any) -> None:
        self._prepared = {**self._prepared, key: value}  # copies made before keep theirs

    def forget_prepared(self) -> None:
        """Call after changing the article's text (a merge): prepared values are stale."""
        self._prepared = {}

    @property
    def text_lines(self) -> list[Line]:
        return [ln for ln in self.lines if ln.kind in TEXT_KINDS]

    @property
    def body(self) -> str:
        """The article text: lead, body and subheading lines, one paragraph per line."""
        return "\n".join(ln.text.strip() for ln in self.text_lines)

    @staticmethod
    def make_id(url: str | None, raw_id: str) -> str:
        key = f"url:{url}" if url else f"raw:{raw_id}"
        return hashlib.sha256(key.encode()).hexdigest()[:20]


class TimelineEntry(Record):
    when: datetime | date
    kind: Literal["event", "published"]
    article_id: str
    text: str


class Story(Record):
    id: str
    article_ids: list[str] = Field(default_factory=list)
    title: str | None = None
    summary: list[str] = Field(default_factory=list)
    outlets: list[str] = Field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    entities: list[str] = Field(default_factory=list)  # canonical names, most central first
    timeline: list[TimelineEntry] = Field(default_factory=list)
    storyline_id: str | None = None


class Storyline(Record):
    id: str
    story_ids: list[str] = Field(default_factory=list)
    title: str | None = None
    first_seen: datetime | None = None
    last_seen: datetime | None = None


class Rejection(Record):
    """An input that could not become an article, with the reason a person can act on."""

    origin: str
    reason: str
    raw_id: str | None = None
