"""The dates stage: event dates resolved against the publication time, apart from it."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from kabar.models import Article, Line, LineKind, Timestamp
from kabar.pipeline.dates import extract_event_dates, find_dates
from kabar.pipeline.registry import StageContext, load_stages

WIB = timezone(timedelta(hours=7))


def resolved(text: str, published: date | None) -> dict[str, tuple[str, str]]:
    return {f.original: (f.when.isoformat(), f.granularity) for f in find_dates(text, published)}


@pytest.mark.parametrize(
    ("text", "published", "original", "expected", "granularity"),
    [
        # Weekdays: the most recent such day on or before publication.
        (
            "Rapat digelar pada hari Senin.",
            date(2024, 3, 6),
            "pada hari Senin",
            "2024-03-04",
            "day",
        ),
        ("Ia tiba Senin malam di Bandung.", date(2024, 3, 6), "Senin malam", "2024-03-04", "day"),
        ("Sidang dibuka pada Rabu.", date(2024, 3, 6), "pada Rabu", "2024-03-06", "day"),
        ("Senin lalu ia diperiksa.", date(2024, 3, 4), "Senin lalu", "2024-02-26", "day"),
        ("Pemilihan ulang Sabtu depan.", date(2024, 3, 6), "Sabtu depan", "2024-03-09", "day"),
        ("The vote was held on Monday.", date(2024, 3, 6), "on Monday", "2024-03-04", "day"),
        # Day and month in brackets, with and without the year.
        ("Hal itu terjadi Selasa (31/1/2023).", None, "Selasa (31/1/2023)", "2023-01-31", "day"),
        ("Ia datang Rabu (3/5) lalu.", date(2023, 5, 4), "Rabu (3/5)", "2023-05-03", "day"),
        (
            "Laga digelar Sabtu (6/5) mendatang.",
            date(2023, 5, 4),
            "Sabtu (6/5)",
            "2023-05-06",
            "day",
        ),
        ("Ditutup Jumat (29/12).", date(2024, 1, 2), "Jumat (29/12)", "2023-12-29", "day"),
        # Written dates.
        ("Pada 17 Agustus 1945 merdeka.", None, "17 Agustus 1945", "1945-08-17", "day"),
        ("Signed on January 31, 2023 in Oslo.", None, "January 31, 2023", "2023-01-31", "day"),
        ("Dibahas Kamis, 4 Mei 2023 malam.", None, "Kamis, 4 Mei 2023", "2023-05-04", "day"),
        ("KTT digelar Juni 2022 di Madrid.", None, "Juni 2022", "2022-06-01", "month"),
        ("Pabrik itu berdiri sejak tahun 1998.", None, "1998", "1998-01-01", "year"),
        # Months relative to publication.
        ("Kebijakan itu terbit Juni lalu.", date(2023, 5, 4), "Juni lalu", "2022-06-01", "month"),
        (
            "Strategi diluncurkan Desember lalu.",
            date(2023, 1, 31),
            "Desember lalu",
            "2022-12-01",
            "month",
        ),
        ("Ia berkunjung pada Januari.", date(2023, 5, 4), "pada Januari", "2023-01-01", "month"),
        (
            "KTT berlangsung pada bulan Juli.",
            date(2023, 5, 4),
            "pada bulan Juli",
            "2023-07-01",
            "month",
        ),
        ("Harga naik bulan lalu.", date(2024, 1, 15), "bulan lalu", "2023-12-01", "month"),
        ("Sales fell last month.", date(2024, 3, 15), "last month", "2024-02-01", "month"),
        ("Panen raya bulan depan.", date(2024, 12, 10), "bulan depan", "2025-01-01", "month"),
        # Days, weeks and years before publication.
        ("Ia ditangkap kemarin sore.", date(2024, 3, 1), "kemarin", "2024-02-29", "day"),
        ("He resigned yesterday.", date(2024, 3, 1), "yesterday", "2024-02-29", "day"),
        ("Rapat digelar pekan lalu.", date(2024, 3, 8), "pekan lalu", "2024-03-01", "day"),
        ("Kasus itu muncul tahun lalu.", date(2024, 3, 8), "tahun lalu", "2023-01-01", "year"),
        ("Gempa terjadi tiga hari lalu.", date(2024, 3, 8), "tiga hari lalu", "2024-03-05", "day"),
        ("It closed two weeks ago.", date(2024, 3, 8), "two weeks ago", "2024-02-23", "day"),
    ],
)
def test_expressions(
    text: str, published: date | None, original: str, expected: str, granularity: str
) -> None:
    assert resolved(text, published)[original] == (expected, granularity)


@pytest.mark.parametrize(
    "text",
    [
        "Rapat digelar pada hari Senin, kemarin dan bulan lalu.",
        "Ia datang Rabu (3/5) dan Juni lalu.",
        "He left on Monday, last month.",
    ],
)
def test_relative_words_stay_unresolved_without_a_publication_time(text: str) -> None:
    assert find_dates(text, None) == []


def test_ambiguous_words_are_not_dates() -> None:
    published = date(2024, 3, 8)
    # "minggu lalu" is last week, not Sunday; "May" opening a sentence is the verb;
    # a bare "(3/5)" is a score; "hari ini" and "besok" are left to the publication time.
    found = resolved(
        "Minggu lalu skor (3/5). May I ask? Hari ini dan besok cerah. Pagi itu sepi.", published
    )
    assert found == {"Minggu lalu": ("2024-03-01", "day")}


def test_stage_fills_event_dates_apart_from_publication() -> None:
    lines = [
        Line(index=0, text="Judul berita", kind=LineKind.TITLE),
        Line(index=1, text="Kamis, 4 Mei 2023 21:29 WIB", kind=LineKind.TIMESTAMP),
        Line(index=2, text="Menteri tiba Rabu (3/5) dan kembali Juni lalu.", kind=LineKind.BODY),
    ]
    article = Article(id="a", raw_id="a", origin="t", lines=lines)
    article.published = Timestamp(value=datetime(2023, 5, 4, 21, 29, tzinfo=WIB), original="x")
    stage = load_stages()["dates"]
    assert stage.requires == ("kinds", "published")
    out = stage.func(article, StageContext()).event_dates
    assert [(d.original, d.date, d.span.line if d.span else None) for d in out] == [
        ("Rabu (3/5)", date(2023, 5, 3), 2),
        ("Juni lalu", date(2022, 6, 1), 2),
    ]
    assert all(d.date != article.published.value.date() for d in out)


def test_publication_day_is_read_in_its_own_time_zone() -> None:
    lines = [Line(index=0, text="Ia ditangkap kemarin.", kind=LineKind.BODY)]
    article = Article(id="a", raw_id="a", origin="t", lines=lines)
    # 00:30 in Jakarta is still the previous day in UTC: "kemarin" follows the page's day.
    article.published = Timestamp(value=datetime(2024, 3, 2, 0, 30, tzinfo=WIB), original="x")
    assert [d.date for d in extract_event_dates(article)] == [date(2024, 3, 1)]


@pytest.mark.parametrize(
    "text", ["", "(((((", "Senin " * 5000, "(31/13/2023) (0/0) 99 Februari 2023", "\x00" * 100]
)
def test_bad_input(text: str) -> None:
    for found in find_dates(text, date(2024, 3, 8)):
        assert found.when.year >= 1


# --- the sample pages ------------------------------------------------------------------------


def test_seed_pages_every_dated_expression(seeds_dir: Path) -> None:
    from kabar.eval.quotes import evaluate_seed_dates

    result = evaluate_seed_dates(seeds_dir)
    wrong = [r for r in result["rows"] if not r["ok"]]
    assert not wrong and result["total"] >= 15


def test_seed_pages_with_the_metadata_stage(seeds_dir: Path) -> None:
    if "metadata" not in load_stages():
        pytest.skip("the metadata stage is not in this tree")
    from kabar.eval.quotes import evaluate_seed_dates

    result = evaluate_seed_dates(seeds_dir, use_metadata=True)
    assert result["correct"] == result["total"]


@pytest.mark.parametrize(
    ("prefix", "line", "published", "original", "expected"),
    [
        ("000", 17, None, "Selasa (31/1/2023)", date(2023, 1, 31)),
        ("003", 13, datetime(2023, 5, 4, 21, 29, tzinfo=WIB), "Rabu (3/5)", date(2023, 5, 3)),
        ("003", 27, datetime(2023, 5, 4, 21, 29, tzinfo=WIB), "Juni lalu", date(2022, 6, 1)),
        ("001", 23, datetime(2023, 1, 31, 15, 50, tzinfo=WIB), "Desember lalu", date(2022, 12, 1)),
    ],
)
def test_seed_expressions(
    seeds_dir: Path,
    prefix: str,
    line: int,
    published: datetime | None,
    original: str,
    expected: date,
) -> None:
    from kabar.eval.quotes import seed_article

    article = seed_article(next(seeds_dir.glob(f"{prefix}_*.txt")), None)
    article.published = Timestamp(value=published, original="test") if published else None
    found = {(d.span.line + 1, d.original): d.date for d in extract_event_dates(article) if d.span}
    assert found[(line, original)] == expected
