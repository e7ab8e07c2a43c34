"""``POST /api/ingest``: raw pages in, per-page outcome out.

The body is JSON: ``{"pages": [{"text"|"html": ..., "url", "outlet", "fetched_at"}, ...]}``,
a list of such pages, or one page object. Each page is stored raw (sha256, origin
``api:<url or hash>``) and the pipeline runs over the ones that have no article yet. Ingests
go one at a time through a single writer thread: corpus stages (multi-page merge, story
clustering) read and write shared state and must not interleave.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from kabar.api.errors import ApiError
from kabar.models import RawDocument, SourceFormat
from kabar.store.base import Store

MAX_PAGES = 100
MAX_PAGE_CHARS = 4 * 1024 * 1024


class PageIn(BaseModel):
    """One raw page: its text (a text dump) or its HTML, and where it came from."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(default=None, max_length=MAX_PAGE_CHARS)
    html: str | None = Field(default=None, max_length=MAX_PAGE_CHARS)
    url: str | None = Field(default=None, max_length=2048)
    outlet: str | None = Field(default=None, max_length=200)
    fetched_at: datetime | None = None

    @model_validator(mode="after")
    def one_content(self) -> PageIn:
        if bool(self.text) == bool(self.html):
            raise ValueError("give exactly one of text or html, not empty")
        return self


class IngestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pages: list[PageIn] = Field(min_length=1, max_length=MAX_PAGES)


def _clean(value: str | None) -> str | None:
    """Lone surrogates (legal in JSON escapes, not in UTF-8) become U+FFFD."""
    if value is None:
        return None
    return value.encode("utf-8", "replace").decode("utf-8")


def parse_body(body: bytes) -> IngestRequest:
    """The request body as pages; 400 for bytes that are not UTF-8 JSON, 422 for bad pages."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, f"request body is not UTF-8 (byte {exc.start})") from exc
    try:
        value: Any = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ApiError(400, f"request body is not JSON: {str(exc)[:200]}") from exc
    if isinstance(value, list):
        value = {"pages": value}
    elif isinstance(value, dict) and "pages" not in value:
        value = {"pages": [value]}
    try:
        return IngestRequest.model_validate(value)
    except ValidationError as exc:
        details = [
            {
                "loc": [str(p) for p in err.get("loc", ())],
                "msg": str(err.get("msg", ""))[:300],
                "type": str(err.get("type", "")),
            }
            for err in exc.errors()[:20]
        ]
        first = details[0]
        where = ".".join(first["loc"])
        message = f"{where}: {first['msg']}" if where else first["msg"]
        raise ApiError(422, message, None, details) from None


def to_raw(page: PageIn) -> RawDocument:
    is_html = bool(page.html)
    content = (_clean(page.html if is_html else page.text) or "").encode("utf-8")
    raw_id = RawDocument.hash(content)
    url = _clean(page.url)
    fetched = page.fetched_at
    if fetched is not None and fetched.tzinfo is None:
        fetched = fetched.replace(tzinfo=UTC)
    return RawDocument(
        id=raw_id,
        content=content,
        origin=f"api:{url}" if url else f"api:{raw_id[:16]}",
        format=SourceFormat.HTML if is_html else SourceFormat.TEXT,
        url=url,
        outlet=_clean(page.outlet),
        fetched_at=fetched,
    )


class Ingester:
    """Runs ingests one at a time (the API's single writer)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.lock = threading.Lock()

    def ingest(self, request: IngestRequest) -> dict[str, Any]:
        from kabar.pipeline.runner import Pipeline, RunReport

        raws = [to_raw(p) for p in request.pages]
        with self.lock:
            fresh = self.store.put_raw(raws)
            pending: dict[str, RawDocument] = {}
            for raw in raws:
                if self.store.article_id_for_raw(raw.id) is None:
                    pending.setdefault(raw.id, raw)
            report = RunReport()
            if pending:
                with Pipeline(self.store) as pipe:
                    pipe.process_batch(list(pending.values()), report)
            reasons = {r.raw_id: r.reason for r in report.rejected}
            items = []
            for index, (raw, new) in enumerate(zip(raws, fresh, strict=True)):
                article_id = self.store.article_id_for_raw(raw.id)
                item: dict[str, Any] = {"index": index, "raw_id": raw.id, "origin": raw.origin}
                if article_id is not None:
                    article = self.store.get_article(article_id)
                    item |= {
                        "status": "created" if raw.id in pending else "exists",
                        "article_id": article_id,
                        "title": article.title if article else None,
                        "merged_into": article.merged_into if article else None,
                        "warnings": article.warnings if article else [],
                    }
                else:
                    item |= {
                        "status": "rejected",
                        "reason": reasons.get(raw.id, "not turned into an article"),
                    }
                item["new_input"] = new
                items.append(item)
        counts: dict[str, int] = {}
        for item in items:
            counts[item["status"]] = counts.get(item["status"], 0) + 1
        return {"items": items, "counts": counts, "at": datetime.now(UTC).isoformat()}
