"""WARC input: each HTTP ``response`` record becomes one :class:`RawDocument`.

Read with warcio. HTTP headers are stripped (chunked transfer and gzip/deflate/brotli
content encodings are undone by warcio), the charset comes from the HTTP ``Content-Type``
header, the URL from ``WARC-Target-URI`` and ``fetched_at`` from ``WARC-Date``. The origin is
``warc:<path>#<offset>`` so a record can be found again with ``warcio extract``.

Bad input never stops the run: a record cut short (payload shorter than its
``Content-Length``), a corrupt gzip member or bytes that do not parse give a
:class:`Rejection` with the reason, and reading resumes at the next record start that can be
found (the next ``WARC/1.`` line, or the next gzip member in a ``.warc.gz``).
Non-page responses (images, scripts, errors, redirects) are rejected with their reason too.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from kabar.models import RawDocument, Rejection, SourceFormat

#: A response payload larger than this is cut here (and the document says so in ``meta``).
MAX_RECORD_BYTES = 16 * 1024 * 1024
#: Give up resynchronising after this many damaged spots in one file.
MAX_RESYNC = 1_000

_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml")
_TEXT_TYPES = ("text/plain",)
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/1."
# warcio raises its own error, or an AttributeError/TypeError deep inside, on corrupt bytes
_READ_ERRORS = (
    ArchiveLoadFailed,
    EOFError,
    zlib.error,
    OSError,
    ValueError,
    KeyError,
    AttributeError,
    TypeError,
    IndexError,
)


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def _content_type(value: str | None) -> tuple[str, str | None]:
    """``("text/html", "utf-8")`` from a Content-Type header value."""
    if not value:
        return "", None
    parts = [p.strip() for p in value.split(";")]
    charset = None
    for param in parts[1:]:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'").lower()
    return parts[0].lower(), charset


def _next_start(fh: BinaryIO, after: int, gzipped: bool) -> int | None:
    """Offset of the next plausible record start after ``after``, or None."""
    magic = _GZIP_MAGIC if gzipped else _WARC_MAGIC
    fh.seek(after)
    carry = b""
    base = after
    while True:
        chunk = fh.read(1 << 20)
        if not chunk:
            return None
        data = carry + chunk
        found = data.find(magic)
        if found >= 0:
            return base - len(carry) + found
        carry = data[-(len(magic) - 1) :]
        base += len(chunk)


def _is_gzipped(fh: BinaryIO) -> bool:
    fh.seek(0)
    head = fh.read(3)
    fh.seek(0)
    return head == _GZIP_MAGIC


def read_warc(path: str | Path) -> Iterator[RawDocument | Rejection]:
    """Yield one RawDocument per HTML/text response record, or a Rejection with the reason."""
    path = Path(path)
    name = str(path)
    try:
        size = os.path.getsize(path)
        fh = path.open("rb")
    except OSError as err:
        yield Rejection(origin=f"warc:{name}", reason=f"cannot open WARC file: {err}")
        return
    with fh:
        gzipped = _is_gzipped(fh)
        start: int | None = 0
        resyncs = 0
        while start is not None and start < size:
            fh.seek(start)
            iterator = ArchiveIterator(fh)
            end = start  # where the last complete record ended: the next one starts here
            try:
                for record in iterator:
                    yield from _convert(record, iterator, name)
                    # warcio reads the rest of a record to learn its offset and length, so
                    # these are asked only once the payload has been read
                    end = iterator.get_record_offset() + iterator.get_record_length()
            except _READ_ERRORS as err:
                broken = _next_start(fh, end, gzipped)
                broken = end if broken is None else broken
                yield Rejection(
                    origin=f"warc:{name}#{broken}",
                    reason=f"unreadable record ({type(err).__name__}: {str(err)[:120]}); "
                    "skipped to the next record",
                )
                resyncs += 1
                start = _next_start(fh, broken + 1, gzipped)
                if resyncs >= MAX_RESYNC:
                    return
                continue
            # warcio stops quietly at a record cut inside its headers: look for leftovers
            fh.seek(end)
            rest = fh.read(256)
            if rest.strip(b"\r\n\x00 "):
                yield Rejection(
                    origin=f"warc:{name}#{end}",
                    reason=f"{size - end} trailing bytes do not form a complete record "
                    "(truncated or corrupt)",
                )
                resyncs += 1
                start = _next_start(fh, end + 1, gzipped)
                if resyncs >= MAX_RESYNC:
                    return
                continue
            break


def _convert(
    record: object, iterator: ArchiveIterator, name: str
) -> Iterator[RawDocument | Rejection]:
    """One warcio record as a RawDocument, a Rejection, or nothing (non-response records)."""
    rec_type = getattr(record, "rec_type", None)
    if rec_type is None:  # warcio's reading of a record cut inside its WARC headers
        yield Rejection(
            origin=f"warc:{name}#{iterator.get_record_offset()}",
            reason="truncated or corrupt record: incomplete WARC headers",
        )
        return
    if rec_type != "response":
        return
    headers = record.rec_headers  # type: ignore[attr-defined]
    url = headers.get_header("WARC-Target-URI")
    http = record.http_headers  # type: ignore[attr-defined]

    def where() -> str:
        return f"warc:{name}#{iterator.get_record_offset()}"

    if http is None:
        yield Rejection(origin=where(), reason="response record without HTTP headers")
        return
    status = http.get_statuscode() or ""
    mime, charset = _content_type(http.get_header("Content-Type"))
    if not status.startswith("2"):
        location = http.get_header("Location")
        target = f" to {location}" if location else ""
        yield Rejection(origin=where(), reason=f"HTTP {status or '?'}{target} for {url}")
        return
    if mime and not mime.startswith(_HTML_TYPES + _TEXT_TYPES):
        raw = record.raw_stream  # type: ignore[attr-defined]
        try:
            while raw.read(1 << 16):  # drained to tell a cut record from a non-page
                pass
        except _READ_ERRORS:
            pass
        if getattr(raw, "limit", 0) > 0:
            yield Rejection(origin=where(), reason=f"truncated record ({url})")
        else:
            yield Rejection(origin=where(), reason=f"not a page: Content-Type {mime} for {url}")
        return
    try:
        content = record.content_stream().read(MAX_RECORD_BYTES + 1)  # type: ignore[attr-defined]
    except _READ_ERRORS as err:
        yield Rejection(origin=where(), reason=f"cannot decode payload: {err}"[:200])
        return
    missing = getattr(record.raw_stream, "limit", 0)  # type: ignore[attr-defined]
    origin = where()
    meta = {"warc_record_id": headers.get_header("WARC-Record-ID") or "", "http_status": status}
    if mime:
        meta["content_type"] = mime
    if len(content) > MAX_RECORD_BYTES:
        content = content[:MAX_RECORD_BYTES]
        meta["truncated"] = f"payload cut at {MAX_RECORD_BYTES} bytes"
    elif missing and missing > 0:
        yield Rejection(
            origin=origin,
            reason=f"truncated record: {missing} bytes of the declared block are missing ({url})",
        )
        return
    if not content.strip():
        yield Rejection(origin=origin, reason=f"empty response body for {url}")
        return
    fmt = SourceFormat.TEXT if mime.startswith(_TEXT_TYPES) else SourceFormat.HTML
    yield RawDocument(
        id=RawDocument.hash(content),
        content=content,
        origin=origin,
        format=fmt,
        url=url or None,
        fetched_at=_warc_date(headers.get_header("WARC-Date")),
        encoding=charset,
        meta=meta,
    )
