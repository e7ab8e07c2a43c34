"""Read inputs into :class:`RawDocument` records, one reader per format, streaming.

``read_sources(paths)`` walks files and directories and yields a ``RawDocument`` for every
page it could read, or a ``Rejection`` with a one-line reason for every input it could not
(unreadable file, empty file, too large, invalid JSONL line). Nothing is decoded or judged
here beyond that: the raw bytes are what gets stored first.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from kabar.models import RawDocument, Rejection, SourceFormat

#: Largest page kabar accepts (bytes). Real article pages are far below this; anything larger
#: is a dump, a binary or an attack, and is rejected with a reason instead of being parsed.
MAX_PAGE_BYTES = 16 * 1024 * 1024
#: Largest container file (WARC, feed, JSONL) read in one go; WARC and JSONL stream anyway.
MAX_FEED_BYTES = 64 * 1024 * 1024

_TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_JSONL_SUFFIXES = {".jsonl", ".ndjson"}
_FEED_SUFFIXES = {".rss", ".atom", ".xml"}


def source_format(path: Path) -> SourceFormat | None:
    """The format a file name announces; None for files we do not read (README, images)."""
    name = path.name.lower()
    if name.endswith((".warc", ".warc.gz", ".arc.gz")):
        return SourceFormat.WARC
    suffix = path.suffix.lower()
    if suffix in _JSONL_SUFFIXES:
        return SourceFormat.JSONL
    if suffix in _HTML_SUFFIXES:
        return SourceFormat.HTML
    if suffix in _FEED_SUFFIXES:
        return SourceFormat.RSS
    if suffix in _TEXT_SUFFIXES or suffix in {".bin", ".dat"}:
        return SourceFormat.TEXT
    return None


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path | Rejection]:
    """Files under ``paths`` in a stable order; unreadable entries become rejections."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path, onerror=None):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    child = Path(root) / name
                    if name.startswith(".") or name.lower() in {"readme.md", "stories.json"}:
                        continue
                    if name.endswith(".json") or source_format(child) is None:
                        continue
                    yield child
            if not os.access(path, os.R_OK | os.X_OK):
                yield Rejection(origin=str(path), reason="directory is not readable")
        elif path.exists():
            yield path
        else:
            yield Rejection(origin=str(path), reason="no such file or directory")


def read_sources(paths: Iterable[str | Path]) -> Iterator[RawDocument | Rejection]:
    """Every page under ``paths`` as a RawDocument, or a Rejection saying why not."""
    for item in iter_files(paths):
        if isinstance(item, Rejection):
            yield item
            continue
        yield from read_file(item)


def read_file(path: Path) -> Iterator[RawDocument | Rejection]:
    fmt = source_format(path) or SourceFormat.TEXT
    origin = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield Rejection(origin=origin, reason=f"cannot read file: {exc.strerror or exc}")
        return
    if fmt is SourceFormat.JSONL:
        from kabar.ingest.jsonl import read_jsonl

        yield from read_jsonl(path)
        return
    if fmt is SourceFormat.WARC:
        try:
            from kabar.ingest.warc import read_warc
        except ImportError as exc:  # warcio (or the reader) missing: say so, keep going
            yield Rejection(origin=origin, reason=f"cannot read WARC files here: {exc}")
            return
        yield from read_warc(path)
        return
    limit = MAX_FEED_BYTES if fmt is SourceFormat.RSS else MAX_PAGE_BYTES
    if size == 0:
        yield Rejection(origin=origin, reason="empty file")
        return
    if size > limit:
        yield Rejection(
            origin=origin,
            reason=f"file too large: {size / 1e6:.1f} MB > limit {limit / 1e6:.0f} MB",
        )
        return
    try:
        content = path.read_bytes()
    except OSError as exc:
        yield Rejection(origin=origin, reason=f"cannot read file: {exc.strerror or exc}")
        return
    if fmt is SourceFormat.RSS:
        from kabar.ingest.rss import read_feed

        yield from read_feed(content, origin=origin)
        return
    yield RawDocument(id=RawDocument.hash(content), content=content, origin=origin, format=fmt)
