"""read_feed on RSS and Atom feeds written for these tests, broken dates included."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from kabar.ingest.rss import read_feed
from kabar.models import RawDocument, Rejection, SourceFormat

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Kabar Kota</title><link>https://kabarkota.test/</link>
  <item>
    <title>Jalur sepeda baru</title>
    <link>https://kabarkota.test/metro/1</link>
    <guid>kk-1</guid>
    <dc:creator>Rina Wulandari</dc:creator>
    <category>Metro</category><category>Transportasi</category>
    <pubDate>Thu, 04 May 2023 21:29:00 +0700</pubDate>
    <description>Ringkasan pendek.</description>
    <content:encoded><![CDATA[<p>Isi lengkap berita tentang jalur sepeda.</p><p>Paragraf kedua.</p>]]></content:encoded>
  </item>
  <item>
    <title>Tanggal rusak</title>
    <link>https://kabarkota.test/metro/2</link>
    <pubDate>Kamis, 4 Mei 2023 pukul 21.29 WIB</pubDate>
    <description>Hanya ringkasan teks biasa tanpa markup.</description>
  </item>
  <item>
    <title>Tanggal mustahil</title>
    <link>https://kabarkota.test/metro/3</link>
    <pubDate>Mon, 45 Foo 2023 99:99:99 +9999</pubDate>
    <description>&lt;p&gt;Ringkasan dengan &lt;b&gt;markup&lt;/b&gt;.&lt;/p&gt;</description>
  </item>
  <item>
    <title>Tanpa isi</title>
    <link>https://kabarkota.test/metro/4</link>
    <pubDate>Thu, 04 May 2023 10:00:00 GMT</pubDate>
  </item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Catatan</title><link href="https://catatan.test/"/>
  <updated>2023-05-05T08:00:00Z</updated><id>urn:catatan</id>
  <entry>
    <title>Entri pertama</title><link href="https://catatan.test/1"/><id>urn:1</id>
    <updated>2023-05-05T08:00:00Z</updated><published>2023-05-04T01:00:00Z</published>
    <author><name>Budi</name></author>
    <content type="html">&lt;p&gt;Isi entri pertama.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Entri kedua</title><link href="https://catatan.test/2"/><id>urn:2</id>
    <updated>bukan tanggal</updated>
    <summary type="text">Ringkasan entri kedua.</summary>
  </entry>
</feed>"""


def test_rss_items() -> None:
    items = list(read_feed(RSS))
    assert len(items) == 4
    first = items[0]
    assert isinstance(first, RawDocument)
    assert first.format is SourceFormat.HTML
    assert b"Isi lengkap berita" in first.content  # full content preferred to the summary
    assert first.url == "https://kabarkota.test/metro/1"
    assert first.fetched_at == datetime(2023, 5, 4, 14, 29, tzinfo=UTC)
    assert first.meta["published"] == "2023-05-04T14:29:00+00:00"
    assert first.meta["title"] == "Jalur sepeda baru"
    assert first.meta["author"] == "Rina Wulandari"
    assert first.meta["categories"] == "Metro, Transportasi"
    assert first.meta["feed_title"] == "Kabar Kota"
    assert first.id == RawDocument.hash(first.content)
    assert first.origin == "rss:<bytes>#0"


def test_broken_dates_are_kept_as_meta() -> None:
    _, broken, impossible, _ = list(read_feed(RSS))
    for item in (broken, impossible):
        assert isinstance(item, RawDocument)
        assert item.fetched_at is None
        assert "published" not in item.meta
        assert item.meta["published_raw"]
        assert "does not parse" in item.meta["date_warning"]
    assert broken.meta["published_raw"].startswith("Kamis, 4 Mei 2023")
    assert broken.format is SourceFormat.TEXT  # plain text summary
    assert impossible.format is SourceFormat.HTML  # escaped markup in the description


def test_item_without_body_is_rejected() -> None:
    empty = list(read_feed(RSS))[3]
    assert isinstance(empty, Rejection)
    assert "no content" in empty.reason
    assert empty.origin == "rss:<bytes>#3"


def test_atom_feed_from_path(tmp_path: Path) -> None:
    path = tmp_path / "feed.atom"
    path.write_bytes(ATOM)
    first, second = list(read_feed(path))
    assert isinstance(first, RawDocument) and isinstance(second, RawDocument)
    assert first.origin == f"rss:{path}#0"
    assert first.meta["author"] == "Budi"
    assert first.meta["published"].startswith("2023-05-04T01:00")
    assert first.fetched_at == datetime(2023, 5, 5, 8, 0, tzinfo=UTC)  # updated wins
    assert b"<p>Isi entri pertama.</p>" in first.content
    assert second.format is SourceFormat.TEXT
    assert second.fetched_at is None and second.meta["published_raw"] == "bukan tanggal"


def test_not_a_feed_and_missing_file(tmp_path: Path) -> None:
    bad = list(read_feed(b"<html><body>just a page</body></html>"))
    assert len(bad) == 1 and isinstance(bad[0], Rejection)
    missing = list(read_feed(tmp_path / "absent.xml"))
    assert len(missing) == 1 and isinstance(missing[0], Rejection)
    named = next(iter(read_feed(RSS, origin="/feeds/kota.xml")))
    assert named.origin == "/feeds/kota.xml#0"
