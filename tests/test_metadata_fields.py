"""The metadata helpers on sentences written for these tests, and the stage on small pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kabar.models import Article, Line, LineKind
from kabar.pipeline.clean import clean_article
from kabar.pipeline.metadata import (
    detect_outlet,
    extract_metadata,
    find_source_credits,
    lookup_outlet,
    metadata_stage,
    outlet_from_url,
    parse_byline,
    parse_dateline,
    parse_editor,
    related_title,
    split_photo_credit,
    strip_outlet_suffix,
)
from kabar.pipeline.registry import StageContext


def page(*texts: str, **fields: object) -> Article:
    lines = [Line(index=i, text=t) for i, t in enumerate(texts)]
    return Article(id="t", raw_id="t", origin="test", lines=lines, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "place", "outlet", "agency"),
    [
        ("Medan (ANTARA) - Petani sawit menyambut", "Medan", None, "ANTARA"),
        ("BATAM, Kepri.com - Kapal feri", "BATAM", "Kepri.com", None),
        ("Padang, Suara Andalas – Harga beras", "Padang", "Suara Andalas", None),
        ("MAKASSAR - Hujan deras", "MAKASSAR", None, None),
        ("Bogor: Ribuan warga", "Bogor", None, None),
        ("KOMPAS.com - Pemerintah kota", None, "KOMPAS.com", None),
        ("WASHINGTON (AP) — The Senate", "WASHINGTON", None, "AP"),
        ("Kuala Lumpur - Kerajaan negeri", "Kuala Lumpur", None, None),
        ("Jakarta, kumparan - Harga emas", "Jakarta", "kumparan", None),
    ],
)
def test_datelines(text: str, place: str | None, outlet: str | None, agency: str | None) -> None:
    found = parse_dateline(text)
    assert found is not None
    assert (found.place, found.outlet, found.agency) == (place, outlet, agency)
    assert text[found.end :][0].isalpha()


@pytest.mark.parametrize(
    "text",
    [
        "Presiden Joko Widodo - yang hadir di sana - mengatakan",
        "Catatan: data ini sementara",
        "Menurut dia, harga naik.",
        "Sementara itu - kata warga - air mulai surut",
        "Dia: tidak ada yang tahu",
        "Jakarta, kata dia - harga naik",
    ],
)
def test_not_datelines(text: str) -> None:
    assert parse_dateline(text) is None


def test_colon_datelines_only_where_asked() -> None:
    assert parse_dateline("Bogor: Ribuan warga", colon=False) is None


@pytest.mark.parametrize(
    ("text", "authors", "editors"),
    [
        ("Oleh: Rudi Hartono", ["Rudi Hartono"], []),
        ("Oleh Rudi Hartono dan Sari Wulan", ["Rudi Hartono", "Sari Wulan"], []),
        ("Penulis: Rudi Hartono | Editor: Maya Sari", ["Rudi Hartono"], ["Maya Sari"]),
        ("Rep: Rudi Hartono Red: Maya Sari", ["Rudi Hartono"], ["Maya Sari"]),
        ("Rudi Hartono • 3 Juli 2024 10:00", ["Rudi Hartono"], []),
        ("Laporan Wartawan Kompas.com, Rudi Hartono", ["Rudi Hartono"], []),
        ("By Rudi Hartono and Sari Wulan", ["Rudi Hartono", "Sari Wulan"], []),
        ("Oleh: Tim Redaksi", [], []),
        ("Penulis: Admin", [], []),
        ("Rudi Hartono - detikNews", ["Rudi Hartono"], []),
    ],
)
def test_bylines(text: str, authors: list[str], editors: list[str]) -> None:
    assert parse_byline(text) == (authors, editors)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("(sef/sef)", ["sef"]),
        ("(ant/dwi)", ["ant", "dwi"]),
        ("(WIL)", ["WIL"]),
        ("[ab/cd]", ["ab", "cd"]),
        ("Editor: Maya Sari", ["Maya Sari"]),
        ("Redaktur: Maya Sari", ["Maya Sari"]),
    ],
)
def test_editors_and_initials(text: str, names: list[str]) -> None:
    assert parse_editor(text) == names


@pytest.mark.parametrize(
    ("text", "caption", "credit"),
    [
        ("Petani memanen padi. Foto: Antara", "Petani memanen padi.", "Antara"),
        ("Suasana pasar pagi. Kredit Foto: Dok. Pemkot", "Suasana pasar pagi.", "Dok. Pemkot"),
        ("Warga antre (ANTARA FOTO/Budi Santoso)", "Warga antre", "ANTARA FOTO/Budi Santoso"),
        ("Warga antre. (Budi SANTOSO / AFP)", "Warga antre.", "Budi SANTOSO / AFP"),
        ("Warga antre. (Budi Santoso/Harian Lokal)", "Warga antre.", "Budi Santoso/Harian Lokal"),
        ("A crowd gathers. (Photo: Daily Star/Ann Lee)", "A crowd gathers.", "Daily Star/Ann Lee"),
        ("FOTO: Redaksi/Andi", "", "Redaksi/Andi"),
    ],
)
def test_photo_credits(text: str, caption: str, credit: str) -> None:
    assert split_photo_credit(text) == (caption, credit)


@pytest.mark.parametrize(
    "text",
    [
        "Rapat digelar Rabu (3/7/2024).",
        "Jumlahnya naik (2/3 dari target).",
        "Ia menjabat sebagai ketua (periode 2019/2024)",
        "Harga naik tajam, kata dia (dan/atau pengurus)",
    ],
)
def test_not_photo_credits(text: str) -> None:
    assert split_photo_credit(text) is None


def test_bare_agency_credit_only_when_asked() -> None:
    assert split_photo_credit("Warga mengungsi. (AFP)") is None
    assert split_photo_credit("Warga mengungsi. (AFP)", bare=True) == ("Warga mengungsi.", "AFP")


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("kata dia seperti dikutip dari Reuters, Senin.", ["Reuters"]),
        ("ujarnya, dikutip dari laman Al Jazeera.", ["Al Jazeera"]),
        ("kata juru bicara itu, mengutip DW.", ["DW"]),
        ("seperti dilansir kantor berita Xinhua, Selasa.", ["Xinhua"]),
        ("Dikutip dari laman resmi BMKG, gempa terjadi pukul 04.12 WIB.", ["BMKG"]),
        ("according to a report by The Associated Press on Monday.", ["AP"]),
        ("mengutip Presiden di hadapan wartawan.", []),
        ("mengutip pernyataan resmi perusahaan.", []),
        ("Ia memberikan keterangan kepada Reuters.", []),
    ],
)
def test_source_credits(text: str, names: list[str]) -> None:
    assert [name for _, name in find_source_credits(text)] == names


def test_outlet_table() -> None:
    known = lookup_outlet("KOMPAS.COM")
    assert known is not None and known.name == "Kompas.com"
    by_domain = outlet_from_url("https://regional.kompas.com/read/2024/07/09/judul")
    assert by_domain is not None and by_domain.name == "Kompas.com"
    assert lookup_outlet("Harian Entah Apa") is None
    assert outlet_from_url("not a url at all") is None


@pytest.mark.parametrize(
    ("title", "base", "suffix"),
    [
        ("Harga Beras Naik - KOMPAS.com", "Harga Beras Naik", "KOMPAS.com"),
        ("Harga Beras Naik | Portal Kota News", "Harga Beras Naik", "Portal Kota News"),
        ("Harga Beras Naik – Menteri Perdagangan", "Harga Beras Naik – Menteri Perdagangan", None),
        ("Harga Beras Naik", "Harga Beras Naik", None),
    ],
)
def test_outlet_suffix(title: str, base: str, suffix: str | None) -> None:
    assert strip_outlet_suffix(title) == (base, suffix)


def test_related_titles() -> None:
    assert related_title("Baca Juga: Harga Beras Naik Lagi") == "Harga Beras Naik Lagi"
    assert related_title('Simak Video "Banjir Rob di Pesisir"') == "Banjir Rob di Pesisir"
    assert related_title("Baca juga:") is None


def test_unknown_outlet_read_from_its_own_boilerplate() -> None:
    article = clean_article(
        page(
            "SUARA PESISIR",
            "Beranda",
            "Daerah",
            "Ekonomi",
            "",
            "Nelayan Pesisir Timur Kembali Melaut Setelah Cuaca Membaik",
            "",
            "Tegal, Suara Pesisir - Ratusan nelayan di pesisir timur kembali melaut setelah "
            "gelombang tinggi mereda sejak awal pekan ini.",
            "Para nelayan mengaku sempat berhenti melaut selama hampir sepuluh hari karena "
            "ombak mencapai tiga meter.",
            "",
            "Ikuti kanal Suara Pesisir di Google News",
            "© 2024 Suara Pesisir. Hak cipta dilindungi.",
        )
    )
    assert detect_outlet(article)[0] == "Suara Pesisir"


def test_given_outlet_and_url_win() -> None:
    assert detect_outlet(page("x", outlet="jpnn"))[0] == "JPNN.com"
    assert detect_outlet(page("x", url="https://www.tempo.co/abc"))[0] == "Tempo"
    assert detect_outlet(page("x", url="https://kabar.example/abc"))[0] == "kabar.example"


def _small_page(stamp: str) -> Article:
    return clean_article(
        page(
            "Harga Cabai Turun di Pasar Induk Setelah Panen Raya",
            stamp,
            "",
            "MAMUJU - Harga cabai di pasar induk turun hampir separuh setelah panen raya di "
            "sejumlah kabupaten penghasil, kata pedagang pada Rabu.",
            "Pedagang berharap harga tetap stabil hingga akhir bulan agar pembeli kembali "
            "ramai seperti biasa.",
        )
    )


def test_unzoned_time_of_an_unknown_outlet_follows_its_dateline() -> None:
    article = extract_metadata(_small_page("3 Juli 2024 10:00"))
    assert article.published is not None
    assert article.published.value.utcoffset() == timedelta(hours=8)  # Mamuju: WITA
    assert article.dateline == "MAMUJU"


def test_relative_published_time_uses_fetched_at() -> None:
    article = _small_page("Diposting 3 jam lalu")
    article.fetched_at = datetime(2024, 7, 3, 5, 0, tzinfo=UTC)
    extract_metadata(article)
    assert article.published is not None
    assert article.published.value == datetime(2024, 7, 3, 2, 0, tzinfo=UTC)


def test_updated_time_is_kept_apart() -> None:
    article = clean_article(
        page(
            "Harga Cabai Turun di Pasar Induk Setelah Panen Raya",
            "Selasa, 2 Juli 2024 08:00 WIB",
            "Diperbarui Rabu, 3 Juli 2024 09:30 WIB",
            "",
            "Jakarta - Harga cabai di pasar induk turun hampir separuh setelah panen raya di "
            "sejumlah kabupaten penghasil, kata pedagang pada Rabu.",
        )
    )
    extract_metadata(article)
    assert article.published is not None and article.updated is not None
    assert article.published.value.day == 2 and article.updated.value.day == 3


def test_reader_hints_fill_what_the_text_lacks() -> None:
    article = clean_article(
        page(
            "Pedagang berharap harga tetap stabil hingga akhir bulan agar pembeli kembali "
            "ramai seperti biasa di pasar tradisional.",
            url="https://kabar.example/ekonomi/harga-cabai",
        )
    )
    article.hints = {
        "title": "Harga Cabai Turun - Kabar Example",
        "published": [{"value": "2024-07-03T09:30:00+07:00", "source": "jsonld:datePublished"}],
        "authors": ["Redaksi", "Sari Wulan"],
        "section": "Ekonomi",
    }
    extract_metadata(article)
    assert article.title == "Harga Cabai Turun"
    assert article.published is not None and article.published.source == "jsonld:datePublished"
    assert article.authors == ["Sari Wulan"]
    assert article.section == "Ekonomi"


def test_metadata_stage_records_itself_and_survives_empty_pages() -> None:
    article = metadata_stage(clean_article(page("", "   ")), StageContext())
    assert article.stages[-1] == "metadata"
    assert article.title is None and article.published is None and article.authors == []


def test_plain_words_in_boilerplate_are_not_outlets() -> None:
    article = clean_article(
        page(
            "Iklan",
            "Beranda",
            "",
            "Harga Cabai Turun di Pasar Induk Setelah Panen Raya",
            "",
            "Harga cabai di pasar induk turun hampir separuh setelah panen raya di sejumlah "
            "kabupaten penghasil, kata pedagang pada Rabu.",
            "",
            "Iklan",
            "",
            "Iklan",
        )
    )
    assert detect_outlet(article)[0] is None


def test_site_name_hint_and_a_masthead_taken_for_the_headline() -> None:
    article = clean_article(
        page(
            "Suara Lembah",
            "",
            "Pedagang berharap harga tetap stabil hingga akhir bulan agar pembeli kembali "
            "ramai seperti biasa di pasar tradisional.",
        )
    )
    article.lines[0].kind = LineKind.TITLE  # a reader that took the masthead for the headline
    article.hints = {"site_name": "Suara Lembah", "title": "Harga Cabai Turun di Pasar Induk"}
    extract_metadata(article)
    assert article.outlet == "Suara Lembah"
    assert article.title == "Harga Cabai Turun di Pasar Induk"


def test_bylines_far_from_the_text_are_ignored() -> None:
    texts = [
        "Harga Cabai Turun di Pasar Induk Setelah Panen Raya",
        "Oleh: Rudi Hartono",
        "",
        "Harga cabai di pasar induk turun hampir separuh setelah panen raya di sejumlah "
        "kabupaten penghasil, kata pedagang pada Rabu.",
    ]
    texts += ["Kategori Lain"] * 40 + ["Oleh: Widget Samping"]
    article = extract_metadata(clean_article(page(*texts)))
    assert article.authors == ["Rudi Hartono"]
