"""JSONL input: one page per line with ``text`` (or ``html``) and optional ``url``,
``outlet``, ``fetched_at``. A bad line is rejected on its own; the rest are read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from kabar.models import RawDocument, Rejection, SourceFormat


def _fetched_at(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def _text(value: object) -> str:
    """A field as text a store can hold: lone surrogates (legal in JSON escapes such as
    ``"\\ud800"``, not in UTF-8) become "?" instead of failing the whole batch's write."""
    return str(value).encode("utf-8", errors="replace").decode("utf-8")


def parse_record(record: object, origin: str) -> RawDocument | Rejection:
    """One decoded JSON value as a page, or the reason it is not one."""
    if not isinstance(record, dict):
        return Rejection(
            origin=origin, reason=f"expected a JSON object, got {type(record).__name__}"
        )
    html = record.get("html")
    text = record.get("text")
    if isinstance(html, str) and html.strip():
        fmt, body = SourceFormat.HTML, html
    elif isinstance(text, str):
        fmt, body = SourceFormat.TEXT, text
    elif text is None and html is None:
        return Rejection(origin=origin, reason="missing required field 'text'")
    else:
        return Rejection(
            origin=origin, reason=f"field 'text' must be a string, got {type(text).__name__}"
        )
    if not body.strip():
        return Rejection(origin=origin, reason="empty 'text'")
    content = body.encode("utf-8", errors="surrogatepass")
    meta = {
        _text(k): _text(v)
        for k, v in record.items()
        if k not in {"text", "html", "url", "outlet", "fetched_at"}
        and isinstance(v, str | int | float)
    }
    fetched = _fetched_at(record.get("fetched_at"))
    if record.get("fetched_at") is not None and fetched is None:
        meta["fetched_at_unparsed"] = _text(record.get("fetched_at"))[:100]
    url = record.get("url")
    outlet = record.get("outlet")
    return RawDocument(
        id=RawDocument.hash(content),
        content=content,
        origin=origin,
        format=fmt,
        url=_text(url) if isinstance(url, str) and url.strip() else None,
        outlet=_text(outlet) if isinstance(outlet, str) and outlet.strip() else None,
        fetched_at=fetched,
        encoding="utf-8",
        meta=meta,
    )


def read_jsonl(
    path: Path, max_line_bytes: int = 16 * 1024 * 1024
) -> Iterator[RawDocument | Rejection]:
    """Stream ``path`` line by line; origins are ``path#<1-based line number>``."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield Rejection(origin=str(path), reason=f"cannot read file: {exc.strerror or exc}")
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            origin = f"{path}#{number}"
            if not raw.strip():
                continue
            if len(raw) > max_line_bytes:
                yield Rejection(origin=origin, reason=f"line too large: {len(raw)} bytes")
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                yield Rejection(origin=origin, reason="line is not valid UTF-8")
                continue
            except json.JSONDecodeError as exc:
                yield Rejection(
                    origin=origin, reason=f"invalid JSON: {exc.msg} at column {exc.colno}"
                )
                continue
            except RecursionError:  # "[[[[…" thousands deep: json recurses once per level
                yield Rejection(origin=origin, reason="invalid JSON: nested too deeply")
                continue
            yield parse_record(record, origin)
