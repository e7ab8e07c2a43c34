"""Decode a raw input into an Article of lines: the first step of every pipeline run.

Text dumps are decoded (UTF-8, else the charset that charset-normalizer finds) and split into
physical lines, blank lines included, so ``Line.index`` is the line number of the page. HTML
is rendered into candidate lines by :mod:`kabar.ingest.html`. Binary junk and undecodable
bytes raise :class:`DecodeError` with a reason a person can act on.
"""

from __future__ import annotations

import re
import unicodedata

from kabar.models import Article, Line, LineKind, RawDocument, SourceFormat

#: More lines than this is not an article page (lines past it are dropped with a warning).
MAX_LINES = 20_000
#: A single line longer than this is cut (a minified blob, not prose).
MAX_LINE_CHARS = 100_000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEWLINES = re.compile(r"\r\n|\r|\u2028|\u2029|\x85")


_LATIN_FAMILY = {
    "cp1250",
    "cp1252",
    "cp1254",
    "cp1257",
    "latin1",
    "iso88591",
    "iso885915",
    "iso88592",
    "iso88599",
    "iso885913",
    "windows1252",
    "windows1250",
}


class DecodeError(ValueError):
    """The raw input cannot become text: binary, undecodable or empty."""


def looks_binary(content: bytes) -> bool:
    """NUL bytes or many control bytes in the head: not a text page."""
    head = content[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > max(8, len(head) // 50)


def decode_text(content: bytes, declared: str | None = None) -> tuple[str, str]:
    """Bytes to text; returns (text, encoding used)."""
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    if declared:
        try:
            return content.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(content[:1_000_000]).best()
    if best is None:
        raise DecodeError("cannot detect the text encoding (not UTF-8, no plausible charset)")
    encoding = best.encoding
    # Single-byte Latin charsets are often indistinguishable on short pages; Indonesian and
    # English outlets that are not UTF-8 are overwhelmingly windows-1252, so prefer it.
    if encoding.replace("_", "").lower() in _LATIN_FAMILY and encoding != "cp1252":
        try:
            return content.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    try:
        return content.decode(encoding, errors="replace"), encoding
    except LookupError as exc:
        raise DecodeError(f"unknown encoding {encoding!r}") from exc


def split_lines(text: str) -> list[str]:
    text = _NEWLINES.sub("\n", text)
    return text.split("\n")


def clean_line(text: str) -> str:
    """Drop control characters and normalise to NFC; keep everything a reader could see."""
    text = _CONTROL.sub("", text)
    if len(text) > MAX_LINE_CHARS:
        text = text[:MAX_LINE_CHARS]
    return unicodedata.normalize("NFC", text)


def meta_hints(meta: dict[str, str]) -> dict[str, object]:
    """What a feed item or JSONL record said about the page, as metadata-stage hints."""
    hints: dict[str, object] = {}
    if meta.get("title"):
        hints["title"] = meta["title"]
    published = meta.get("published") or meta.get("published_raw")
    if published:
        hints["published"] = [{"value": published, "source": "feed"}]
    if meta.get("updated"):
        hints["modified"] = [{"value": meta["updated"], "source": "feed"}]
    if meta.get("author"):
        hints["authors"] = [meta["author"]]
    if meta.get("feed_title"):
        hints["site_name"] = meta["feed_title"]
    return hints


def decode(raw: RawDocument) -> Article:
    """``RawDocument -> Article`` with ``lines`` (and HTML's own line labels when present)."""
    if not raw.content.strip():
        raise DecodeError("empty input")
    warnings: list[str] = []
    preset: list[tuple[LineKind, str, float]] | None = None
    hints: dict[str, object] = {}
    if raw.format is SourceFormat.HTML:
        from kabar.ingest.html import html_to_lines

        page = html_to_lines(raw.content, raw.url, http_charset=raw.encoding)
        texts = page.lines
        preset = page.kinds
        hints = dict(page.hints)
        warnings.extend(page.warnings)
        if not texts:
            raise DecodeError("HTML page has no visible text")
    else:
        if looks_binary(raw.content):
            raise DecodeError("binary content (NUL or control bytes), not a text page")
        text, encoding = decode_text(raw.content, raw.encoding)
        if "\ufffd" in text[:4096] and text[:4096].count("\ufffd") > 20:
            raise DecodeError(f"text decodes to mostly replacement characters ({encoding})")
        if encoding.lower().replace("-", "") not in {"utf8", "ascii"}:
            warnings.append(f"decoded as {encoding}")
        texts = split_lines(text)
    for key, value in meta_hints(raw.meta).items():
        hints.setdefault(key, value)
    if len(texts) > MAX_LINES:
        warnings.append(f"page has {len(texts)} lines; kept the first {MAX_LINES}")
        texts = texts[:MAX_LINES]
    lines = [Line(index=i, text=clean_line(t)) for i, t in enumerate(texts)]
    if preset and len(preset) == len(lines):
        for line, (kind, reason, score) in zip(lines, preset, strict=True):
            line.kind, line.reason, line.score = kind, reason, score
    if not any(ln.text.strip() for ln in lines):
        raise DecodeError("no visible text")
    fetched_at = raw.fetched_at
    if fetched_at is not None and not 1970 <= fetched_at.year <= 2100:
        # junk from a reader or a client (year 1, 9999): dates and clusters nothing, and the
        # story clock cannot hold it (the cluster stage failed with "year 0 is out of range")
        warnings.append(f"fetch time {fetched_at.isoformat()} is out of range; ignored")
        fetched_at = None
    article = Article(
        id=Article.make_id(raw.url, raw.id),
        raw_id=raw.id,
        origin=raw.origin,
        url=raw.url,
        outlet=raw.outlet,
        fetched_at=fetched_at,
        lines=lines,
        warnings=warnings,
        hints=hints,
        stages=["decode"],
    )
    return article
