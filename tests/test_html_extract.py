"""html_to_lines on small pages written for these tests: body vs boilerplate, hints, bounds."""

from __future__ import annotations

import json

import pytest

from kabar.ingest.html import (
    MAX_HTML_BYTES,
    HtmlPage,
    decode_html,
    detect_encoding,
    extract_text,
    html_to_lines,
)
from kabar.models import TEXT_KINDS, LineKind

PARAGRAPHS = [
    "Pemerintah kota mengumumkan rencana membangun jalur sepeda baru sepanjang dua belas "
    "kilometer yang akan menghubungkan tiga kecamatan di pinggir kota pada tahun depan.",
    "Menurut kepala dinas perhubungan, proyek itu dibiayai dari anggaran daerah dan akan "
    "dikerjakan bertahap supaya lalu lintas di jalan utama tidak terganggu terlalu lama.",
    "Warga yang ditemui di lokasi menyambut baik rencana tersebut, meski sebagian meminta "
    "agar trotoar untuk pejalan kaki juga diperbaiki sebelum jalur sepeda mulai dibangun.",
    "Dinas juga berjanji membuka ruang konsultasi publik selama sebulan penuh, sehingga "
    "masukan dari pedagang dan sekolah di sepanjang rute bisa ditampung lebih dulu.",
]

COMMENT = (
    "Saya setuju sekali dengan rencana ini karena setiap pagi saya bersepeda ke kantor dan "
    "jalannya sangat berbahaya, semoga cepat selesai dan tidak mangkrak seperti proyek lain."
)


def article_page() -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2])
    body += '<div class="ad-slot"><span>ADVERTISEMENT</span></div>'
    body += '<div class="baca-juga related"><a href="/x">Baca juga: Jalan layang dibuka</a></div>'
    body += "".join(f"<p>{p}</p>" for p in PARAGRAPHS[2:])
    teasers = "".join(
        f'<li class="item"><h3><a href="/t{i}">Judul berita lain nomor {i}</a></h3>'
        f"<p>Ringkasan singkat berita lain nomor {i} yang tidak termasuk artikel ini.</p></li>"
        for i in range(5)
    )
    return f"""<!doctype html>
<html lang="id"><head>
<meta charset="utf-8">
<title>Jalur sepeda baru akan dibangun - Kabar Kota</title>
<meta property="og:title" content="Jalur sepeda baru akan dibangun">
<meta property="og:site_name" content="Kabar Kota">
<meta property="article:published_time" content="2023-05-04T21:29:00+07:00">
<meta name="author" content="Rina Wulandari">
<meta property="article:section" content="Metro">
<link rel="canonical" href="https://kabarkota.test/metro/jalur-sepeda">
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Jalur sepeda baru akan dibangun", "datePublished": "2023-05-04T21:29:00+07:00",
 "author": {{"@type": "Person", "name": "Rina Wulandari"}},
 "publisher": {{"@type": "Organization", "name": "Kabar Kota"}}}}</script>
<style>p {{ color: red }}</style>
</head><body>
<header class="site-header"><nav class="main-menu"><ul>
<li><a href="/">Beranda</a></li><li><a href="/metro">Metro</a></li><li><a href="/olahraga">Olahraga</a></li>
</ul></nav></header>
<main><article class="post">
<h1>Jalur sepeda baru akan dibangun</h1>
<div class="byline">Oleh Rina Wulandari · <time datetime="2023-05-04T21:29:00+07:00">Kamis, 4 Mei 2023</time></div>
<figure><img src="a.jpg"><figcaption>Pesepeda melintas di jalan protokol. Foto: Dok. Kabar Kota</figcaption></figure>
<div class="article-body">{body}
<h2>Tahap pertama</h2>
<p>Tahap pertama pembangunan direncanakan dimulai setelah musim hujan berakhir, dengan
pengerjaan di ruas yang paling padat lebih dahulu.</p>
</div>
<div class="share-buttons"><a href="#">Bagikan</a> <a href="#">Facebook</a> <a href="#">Twitter</a></div>
<div class="tags"><a href="/tag/sepeda">sepeda</a> <a href="/tag/kota">kota</a></div>
</article>
<section class="comments"><h3>Komentar</h3><div class="comment"><p>{COMMENT}</p></div></section>
<section class="more-news"><ul>{teasers}</ul></section>
</main>
<script>var x = "not text";</script>
<footer class="site-footer"><p>Hak cipta 2023 Kabar Kota. Semua hak dilindungi.</p>
<a href="/tentang">Tentang kami</a> <a href="/kontak">Kontak</a></footer>
</body></html>"""


def kinds_of(page: HtmlPage, needle: str) -> list[LineKind]:
    assert page.kinds is not None
    return [k for line, (k, _, _) in zip(page.lines, page.kinds, strict=True) if needle in line]


@pytest.fixture(scope="module")
def page() -> HtmlPage:
    return html_to_lines(article_page().encode("utf-8"), "https://kabarkota.test/metro/x")


def test_every_paragraph_is_body_and_in_order(page: HtmlPage) -> None:
    text = page.text
    positions = [text.find(p) for p in PARAGRAPHS]
    assert all(pos >= 0 for pos in positions), text
    assert positions == sorted(positions)
    assert "Tahap pertama pembangunan" in text
    assert kinds_of(page, "Tahap pertama")[0] is LineKind.SUBHEADING


def test_boilerplate_is_labelled_not_dropped(page: HtmlPage) -> None:
    text = page.text
    for junk in ("Beranda", "ADVERTISEMENT", "Baca juga", "Bagikan", COMMENT[:40], "Hak cipta"):
        assert junk not in text
        assert any(junk in line for line in page.lines), f"{junk!r} should stay as a line"
    assert "not text" not in " ".join(page.lines)  # scripts are never lines
    assert "color: red" not in " ".join(page.lines)
    assert kinds_of(page, "Beranda")[0] is LineKind.MENU
    assert kinds_of(page, "ADVERTISEMENT")[0] is LineKind.AD
    assert kinds_of(page, "Baca juga")[0] is LineKind.RELATED
    assert kinds_of(page, "Bagikan")[0] is LineKind.SHARE
    assert kinds_of(page, "Pesepeda melintas")[0] is LineKind.CAPTION
    assert kinds_of(page, "Jalur sepeda baru akan dibangun")[0] is LineKind.TITLE
    assert all(k not in TEXT_KINDS for k in kinds_of(page, "Ringkasan singkat berita lain"))


def test_every_line_has_a_reason(page: HtmlPage) -> None:
    assert page.kinds is not None
    assert len(page.kinds) == len(page.lines)
    for kind, reason, score in page.kinds:
        assert isinstance(kind, LineKind)
        assert reason
        assert 0.0 < score <= 1.0


def test_hints(page: HtmlPage) -> None:
    hints = page.hints
    assert hints["title"] == "Jalur sepeda baru akan dibangun"
    assert hints["title_candidates"]["title"].endswith("- Kabar Kota")
    assert hints["site_name"] == "Kabar Kota"
    assert hints["canonical_url"] == "https://kabarkota.test/metro/jalur-sepeda"
    assert hints["language"] == "id"
    assert hints["section"] == "Metro"
    assert hints["authors"] == ["Rina Wulandari"]
    sources = [c["source"] for c in hints["published"]]
    assert "meta:article:published_time" in sources
    assert all(c["value"] for c in hints["published"])
    assert len(hints["tags"]) == len(page.lines) == len(hints["link_density"])
    json.dumps(hints)  # hints travel to the store as JSON


def test_link_density_hint(page: HtmlPage) -> None:
    index = next(i for i, line in enumerate(page.lines) if "Beranda" in line)
    assert page.hints["link_density"][index] == pytest.approx(1.0)
    body = next(i for i, line in enumerate(page.lines) if PARAGRAPHS[0][:30] in line)
    assert page.hints["link_density"][body] == 0.0
    assert page.hints["tags"][body] == "p"


def test_malformed_html_does_not_crash() -> None:
    broken = (
        b"<html><body><div><p>Unclosed paragraph with enough words to be a real sentence here"
        b"<div><span>stray <b>bold <i>italic</p></div></td></tr></table><p>Second para"
        b"graph of the broken page, also long enough to count as article prose.<<<>>>"
        b"<!-- unterminated comment"
    )
    page = html_to_lines(broken)
    assert "Unclosed paragraph" in " ".join(page.lines)
    assert page.kinds is not None and len(page.kinds) == len(page.lines)


@pytest.mark.parametrize(
    "content",
    [b"", b"   ", b"\x00\x01\x02\xff\xfe", b"<html></html>", b"<<<<", b"only a str"],
)
def test_degenerate_inputs(content: bytes) -> None:
    page = html_to_lines(content)
    assert isinstance(page, HtmlPage)
    if not any(k in TEXT_KINDS for k, _, _ in page.kinds or []):
        assert "no main text found" in page.warnings


def test_deeply_nested_page() -> None:
    depth = 10_000
    html = "<div>" * depth + "<p>" + PARAGRAPHS[0] + "</p>" + "</div>" * depth
    page = html_to_lines(html.encode())
    assert PARAGRAPHS[0] in page.text


def test_deep_nesting_of_cue_names_stays_linear() -> None:
    # every level carries a cue: per-line ancestor chains are capped, not 10k long
    depth = 10_000
    html = '<div class="share">' * depth + "<p>" + PARAGRAPHS[0] + "</p>" + "</div>" * depth
    page = html_to_lines(html.encode())
    assert any(PARAGRAPHS[0] in line for line in page.lines)
    assert page.kinds is not None and len(page.kinds) == len(page.lines)


def test_huge_page_is_truncated_with_a_warning() -> None:
    unit = f"<div class='x'><p>{PARAGRAPHS[1]}</p></div>".encode()
    content = b"<html><body>" + unit * (50 * 1024 * 1024 // len(unit) + 1)
    assert len(content) > 50 * 1024 * 1024
    page = html_to_lines(content)
    assert any("truncated" in w for w in page.warnings)
    # bounded: only what fits in MAX_HTML_BYTES (and MAX_LINES) was read
    assert sum(len(line) for line in page.lines) < MAX_HTML_BYTES


def test_wrapper_with_boilerplate_name_is_not_boilerplate() -> None:
    # a whole page wrapped in an element whose name says "footer" or "comments"
    html = (
        '<body><div class="above-footer" id="comments-wrap"><nav><a href="/">Home</a></nav>'
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "</div></body>"
    )
    text = extract_text(html.encode())
    assert all(p in text for p in PARAGRAPHS)
    assert "Home" not in text


def test_hidden_and_escaped_markup_are_not_body() -> None:
    html = (
        "<body>&lt;img src=&quot;pixel.gif&quot; width=&quot;1&quot;&gt;"
        '<div style="display:none"><p>Hidden text that should never be shown to a reader at '
        "all because it is invisible on the page.</p></div>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "</body>"
    )
    page = html_to_lines(html.encode())
    assert "Hidden text" not in page.text
    assert "pixel.gif" not in page.text
    assert PARAGRAPHS[0] in page.text


def test_template_script_content_is_read() -> None:
    # Blogger-style pages ship the post inside <script type="text/template">
    inner = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = (
        f'<body><div class="post-body"><script type="text/template">{inner}</script></div></body>'
    )
    assert PARAGRAPHS[2] in extract_text(html.encode())


def test_encoding_from_meta_and_http_header() -> None:
    text = "Café déjà vu à Montréal, l'été dernier, où il a beaucoup plu sur les terrasses."
    html = f'<html><head><meta charset="windows-1252"></head><body><p>{text}</p></body></html>'
    raw = html.encode("cp1252")
    assert detect_encoding(raw) == "cp1252"
    assert text in " ".join(html_to_lines(raw).lines)
    # an HTTP charset wins over sniffing
    no_meta = f"<html><body><p>{text}</p></body></html>".encode("iso-8859-1")
    assert text in " ".join(html_to_lines(no_meta, http_charset="iso-8859-1").lines)
    # a page declaring Latin-1 but sending UTF-8 is read as UTF-8
    lying = html.replace("windows-1252", "iso-8859-1").encode("utf-8")
    decoded, encoding = decode_html(lying)
    assert encoding == "utf-8" and text in decoded


def test_undeclared_legacy_encoding_is_detected() -> None:
    text = "Ведущие эксперты обсуждают новые правила для городских велосипедных дорожек. " * 3
    raw = f"<html><body><p>{text}</p></body></html>".encode("cp1251")
    decoded, _ = decode_html(raw)
    assert "велосипедных" in decoded


def test_str_input_is_accepted() -> None:
    assert PARAGRAPHS[0] in extract_text("<p>" + PARAGRAPHS[0] + "</p>")


def test_script_rendered_page_falls_back_to_jsonld_body() -> None:
    body = "\n".join(PARAGRAPHS)
    data = json.dumps({"@type": "NewsArticle", "headline": "Judul", "articleBody": body})
    html = (
        f'<html><head><script type="application/ld+json">{data}</script></head>'
        '<body><div id="app">Memuat...</div><nav><a href="/">Beranda</a></nav></body></html>'
    )
    page = html_to_lines(html.encode())
    assert all(p in page.text for p in PARAGRAPHS)
    assert any("jsonld-articleBody" in w for w in page.warnings)
    assert "_jsonld_body" not in page.hints
    assert len(page.hints["tags"]) == len(page.lines)
