"""read_warc on WARC files written in the test with warcio: good, damaged and odd records."""

from __future__ import annotations

import gzip
import io
from datetime import datetime
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from kabar.ingest.warc import read_warc
from kabar.models import RawDocument, Rejection, SourceFormat

BODY = (
    "<html><head><title>Uji</title></head><body><p>Paragraf pertama halaman uji {n} yang "
    "cukup panjang untuk dibaca sebagai isi artikel.</p></body></html>"
)


def response(
    writer: WARCWriter,
    url: str,
    body: bytes,
    *,
    status: str = "200 OK",
    content_type: str = "text/html; charset=utf-8",
    extra: list[tuple[str, str]] | None = None,
) -> None:
    headers = [("Content-Type", content_type), *(extra or [])]
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": "2023-05-04T14:29:00Z"},
    )
    writer.write_record(record)


def build(gz: bool) -> tuple[bytes, list[int]]:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    offsets = []
    offsets.append(buf.tell())
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "kabar test"}))
    offsets.append(buf.tell())
    response(writer, "https://a.test/1", BODY.format(n=1).encode())
    offsets.append(buf.tell())
    request = writer.create_warc_record(
        "https://a.test/2",
        "request",
        payload=io.BytesIO(b""),
        http_headers=StatusAndHeaders("GET /2 HTTP/1.1", [], is_http_request=True),
    )
    writer.write_record(request)
    offsets.append(buf.tell())
    latin = BODY.format(n="é2").encode("iso-8859-1")
    response(writer, "https://a.test/2", latin, content_type="text/html; charset=ISO-8859-1")
    offsets.append(buf.tell())
    response(writer, "https://a.test/missing", b"not here", status="404 Not Found")
    offsets.append(buf.tell())
    response(writer, "https://a.test/logo.png", b"\x89PNG....", content_type="image/png")
    offsets.append(buf.tell())
    response(
        writer,
        "https://a.test/old",
        b"",
        status="301 Moved Permanently",
        extra=[("Location", "https://a.test/new")],
    )
    offsets.append(buf.tell())
    zipped = gzip.compress(BODY.format(n=3).encode())
    response(writer, "https://a.test/3", zipped, extra=[("Content-Encoding", "gzip")])
    offsets.append(buf.tell())
    response(writer, "https://a.test/4", BODY.format(n=4).encode())
    return buf.getvalue(), offsets


def write(tmp_path: Path, data: bytes, gz: bool) -> Path:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("gz", [False, True])
def test_good_file(tmp_path: Path, gz: bool) -> None:
    data, offsets = build(gz)
    path = write(tmp_path, data, gz)
    items = list(read_warc(path))
    docs = [i for i in items if isinstance(i, RawDocument)]
    rejected = [i for i in items if isinstance(i, Rejection)]
    assert [d.url for d in docs] == [
        "https://a.test/1",
        "https://a.test/2",
        "https://a.test/3",
        "https://a.test/4",
    ]
    first = docs[0]
    assert first.content.startswith(b"<html>")  # HTTP headers stripped
    assert b"HTTP/1.1" not in first.content
    assert first.format is SourceFormat.HTML
    assert first.encoding == "utf-8"
    assert first.fetched_at == datetime.fromisoformat("2023-05-04T14:29:00+00:00")
    assert first.origin == f"warc:{path}#{offsets[1]}"
    assert first.id == RawDocument.hash(first.content)
    assert docs[1].encoding == "iso-8859-1"
    assert "é2".encode("iso-8859-1") in docs[1].content
    assert b"halaman uji 3" in docs[2].content  # gzip content-encoding undone
    reasons = " | ".join(r.reason for r in rejected)
    assert "HTTP 404" in reasons
    assert "image/png" in reasons
    assert "301" in reasons and "https://a.test/new" in reasons
    assert len(rejected) == 3  # warcinfo and request records are skipped silently


@pytest.mark.parametrize("gz", [False, True])
def test_truncated_last_record(tmp_path: Path, gz: bool) -> None:
    data, offsets = build(gz)
    path = write(tmp_path, data[:-40], gz)
    items = list(read_warc(path))
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert [d.url for d in docs][:3] == ["https://a.test/1", "https://a.test/2", "https://a.test/3"]
    last = items[-1]
    assert isinstance(last, Rejection)
    assert "truncated" in last.reason
    assert last.origin.endswith(f"#{offsets[-1]}")


@pytest.mark.parametrize("gz", [False, True])
def test_record_cut_inside_its_headers(tmp_path: Path, gz: bool) -> None:
    data, offsets = build(gz)
    path = write(tmp_path, data[: offsets[-1] + 30], gz)
    items = list(read_warc(path))
    assert sum(isinstance(i, RawDocument) for i in items) == 3
    assert isinstance(items[-1], Rejection)


def test_corrupt_gzip_member_is_skipped_and_reading_continues(tmp_path: Path) -> None:
    data, offsets = build(True)
    # damage the member of record /3 (second to last) in its middle
    start, end = offsets[-2], offsets[-1]
    middle = (start + end) // 2
    damaged = data[:middle] + b"\x00" * 16 + data[middle + 16 :]
    items = list(read_warc(write(tmp_path, damaged, True)))
    docs = [i.url for i in items if isinstance(i, RawDocument)]
    assert "https://a.test/1" in docs
    assert "https://a.test/4" in docs  # resumed after the damaged member
    assert "https://a.test/3" not in docs
    assert any(isinstance(i, Rejection) and "/3" not in i.origin for i in items)


def test_garbage_file_and_missing_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.warc"
    junk.write_bytes(b"this is not a warc file at all\n" * 10)
    items = list(read_warc(junk))
    assert items and all(isinstance(i, Rejection) for i in items)
    missing = list(read_warc(tmp_path / "nope.warc.gz"))
    assert len(missing) == 1 and isinstance(missing[0], Rejection)
    assert "cannot open" in missing[0].reason
