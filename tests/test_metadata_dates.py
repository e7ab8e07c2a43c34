"""The date parser on strings written the way Indonesian and English news pages print them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from kabar.pipeline.metadata import (
    WIB,
    find_datetime,
    looks_like_date,
    parse_datetime,
    url_date,
)

WITA = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Selasa, 09 Juli 2024 – 13:05 WIB", "2024-07-09T13:05:00+07:00"),
        ("Jumat, 2 Agustus 2024 07:45 WITA", "2024-08-02T07:45:00+08:00"),
        ("Sabtu, 3 Agu 2024 | 18.20 WIT", "2024-08-03T18:20:00+09:00"),
        ("14 Nopember 2023 21:00", "2023-11-14T21:00:00+07:00"),
        ("5 September 2023, 9:07", "2023-09-05T09:07:00+07:00"),
        ("03/10/2024, 16:40 WITA", "2024-10-03T16:40:00+08:00"),
        ("Wednesday, October 2, 2024 8:15 PM", "2024-10-02T20:15:00+07:00"),
        ("Oct 2, 2024 08:15 am GMT+8", "2024-10-02T08:15:00+08:00"),
        ("2024-10-02T13:15:00Z", "2024-10-02T13:15:00+00:00"),
        ("2024-10-02 13:15:00+07:00", "2024-10-02T13:15:00+07:00"),
        ("Diperbarui 21 Desember 2023 pukul 10.30 WIB", "2023-12-21T10:30:00+07:00"),
        ("10:30 WIB, Kamis 21 Desember 2023", "2023-12-21T10:30:00+07:00"),
        ("Minggu, 7 Januari 2024", "2024-01-07T00:00:00+07:00"),
        ("Januari 7, 2024", "2024-01-07T00:00:00+07:00"),
        ("Published: 7 Jan 2024 · 06:00 WIB", "2024-01-07T06:00:00+07:00"),
    ],
)
def test_absolute_dates(text: str, iso: str) -> None:
    found = find_datetime(text)
    assert found is not None, text
    assert found.value.isoformat() == iso


def test_no_zone_takes_the_default() -> None:
    found = find_datetime("14 Nopember 2023 21:00", default_tz=WITA)
    assert found is not None and found.value.utcoffset() == timedelta(hours=8)
    assert not found.has_zone and found.has_time


def test_span_covers_the_printed_date() -> None:
    text = "Oleh Ani Lestari • Kamis, 4 Juli 2024 09:15 WIB"
    found = find_datetime(text)
    assert found is not None
    assert text[found.start : found.end] == "Kamis, 4 Juli 2024 09:15 WIB"


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("2 jam lalu", timedelta(hours=2)),
        ("15 menit yang lalu", timedelta(minutes=15)),
        ("sejam lalu", timedelta(hours=1)),
        ("3 hours ago", timedelta(hours=3)),
        ("an hour ago", timedelta(hours=1)),
        ("4 hari lalu", timedelta(days=4)),
    ],
)
def test_relative_dates_against_the_fetch_time(text: str, delta: timedelta) -> None:
    ref = datetime(2024, 7, 9, 10, 30, tzinfo=UTC)
    found = find_datetime(text, ref=ref)
    assert found is not None and found.relative
    assert found.value == ref - delta


def test_relative_words() -> None:
    ref = datetime(2024, 7, 9, 3, 0, tzinfo=UTC)  # 10:00 WIB
    yesterday = find_datetime("kemarin, 14:20", ref=ref)
    assert yesterday is not None
    assert yesterday.value.isoformat() == "2024-07-08T14:20:00+07:00"
    today = find_datetime("Hari ini", ref=ref)
    assert today is not None and today.value.date().isoformat() == "2024-07-09"


def test_relative_dates_need_a_reference() -> None:
    assert find_datetime("2 jam lalu") is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tanpa tanggal sama sekali",
        "32 Januari 2024",  # no such day
        "Skor akhir 2-1 untuk tuan rumah",
        "versi 1.2.3 dirilis",
        "31/02/2024",
        "99 Mei 1850",
    ],
)
def test_not_dates(text: str) -> None:
    assert find_datetime(text) is None


def test_numeric_dates_read_day_first_and_swap_impossible_months() -> None:
    day_first = find_datetime("04/05/2024")
    assert day_first is not None and (day_first.value.month, day_first.value.day) == (5, 4)
    us_order = find_datetime("05/24/2024")
    assert us_order is not None and (us_order.value.month, us_order.value.day) == (5, 24)


def test_looks_like_date_is_cheap_and_right() -> None:
    assert looks_like_date("Rabu, 3 Juli 2024")
    assert looks_like_date("2 jam lalu")
    assert not looks_like_date("Menu utama")
    assert not looks_like_date("Rabu pagi")  # no digits


def test_dateparser_is_only_a_fallback() -> None:
    assert parse_datetime("tanggal tidak jelas") is None
    # a form the fast parser does not read, but dateparser does
    assert find_datetime("9th of July 2024") is None
    value = parse_datetime("9th of July 2024", fallback=True)
    assert value is not None and value.date().isoformat() == "2024-07-09"


def test_url_dates() -> None:
    assert url_date("https://contoh.example/berita/2024/07/09/judul") == datetime(
        2024, 7, 9, tzinfo=WIB
    )
    assert url_date("https://contoh.example/read/20240709153000-4-1/judul") == datetime(
        2024, 7, 9, tzinfo=WIB
    )
    assert url_date("https://contoh.example/berita/judul") is None
    assert url_date(None) is None


def test_huge_input_is_bounded() -> None:
    assert find_datetime("kata " * 200_000) is None
