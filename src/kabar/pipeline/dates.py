"""Stage ``dates``: when things happened, apart from when the article was published.

News text dates events relative to its own publication: "Selasa (31/1/2023)", "Rabu (3/5)",
"pada hari Senin", "Senin malam", "kemarin", "pekan lalu", "bulan lalu", "Juni lalu",
"tahun lalu", "pada Januari", "31 Januari 2023", and in English "on Monday", "last month",
"in June". This stage finds those expressions in the text lines and resolves them against the
publication time (``article.published``) into :class:`~kabar.models.EventDate` records (date,
original words, where, and whether a day, a month or a year is meant).

Resolution rules:

* a weekday alone ("pada Senin", "Senin malam", "on Monday") is the most recent such day on or
  before the publication day; "Senin lalu" / "last Monday" strictly before it; "Senin depan" /
  "next Monday" strictly after it;
* a day and month without a year ("Rabu (3/5)", "17 Agustus") takes the year that makes the
  printed weekday right when there is one, else the most recent such date on or before
  publication (a date more than a month ahead belongs to the year before);
* a month alone ("pada Januari", "bulan Juli") is its occurrence nearest the publication month
  (so "pada bulan Juli" in May is this July, "pada Januari" in May is the January past);
  "Juni lalu" / "last June" is the most recent June strictly before the publication month;
* "kemarin" is the day before publication, "pekan lalu" seven days before (a day granularity
  standing for that week), "bulan lalu" the previous month, "tahun lalu" the previous year,
  "3 hari lalu" / "two weeks ago" that many units before;
* absolute dates ("31 Januari 2023", "(31/1/2023)", "Februari 2022", "tahun 2021") need no
  publication time. Without a publication time only these resolve; relative words are left
  alone rather than guessed.

"hari ini", "besok" and the like are not resolved: in news copy they are mostly figurative
("Asia Timur besok") and the publication time already dates the article itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from kabar.lang import load_tsv
from kabar.models import Article, EventDate, Span
from kabar.pipeline.registry import StageContext, stage

#: Characters of one line that are searched at most.
MAX_LINE_CHARS = 20_000
#: Dates kept per article at most.
MAX_DATES = 500

_WEEKDAYS: dict[str, int] = {
    "senin": 0,
    "selasa": 1,
    "rabu": 2,
    "kamis": 3,
    "jumat": 4,
    "jum'at": 4,
    "jum’at": 4,
    "sabtu": 5,
    "minggu": 6,
    "ahad": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_NUMBER_WORDS = {
    "se": 1,
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
    "sepuluh": 10,
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_UNITS = {
    "hari": "day",
    "day": "day",
    "days": "day",
    "pekan": "week",
    "minggu": "week",
    "week": "week",
    "weeks": "week",
    "bulan": "month",
    "month": "month",
    "months": "month",
    "tahun": "year",
    "year": "year",
    "years": "year",
}


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    original: str
    when: date
    granularity: str  # day, month, year


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class _Grammar:
    months: dict[str, int]
    patterns: list[tuple[str, re.Pattern[str]]]


@cache
def grammar() -> _Grammar:
    months: dict[str, int] = {}
    full: list[str] = []
    for lang in ("id", "en"):
        for row in load_tsv(lang, "months.tsv"):
            if len(row) >= 2 and row[1].isdigit():
                months[row[0].lower()] = int(row[1])
                if len(row[0]) > 3 and row[0].lower() not in {"sept", "agust"}:
                    full.append(row[0])
    any_month = "(?i:" + _alt(list(months)) + ")"
    # A month alone is only read when written in full and capitalised ("Juni", not "jun").
    full_month = _alt([m.capitalize() for m in full])
    day = _alt([d.capitalize() for d in _WEEKDAYS])
    n = r"(?P<n>\d{1,2}|" + _alt(list(_NUMBER_WORDS)) + r")"
    unit = r"(?P<unit>" + _alt(list(_UNITS)) + r")"
    patterns = [
        # Selasa (31/1/2023), Rabu (3/5), (31/1/2023)
        (
            "weekday_numeric",
            rf"(?:(?P<wd>{day})\s*,?\s*)?\(\s*(?P<d>\d{{1,2}})/(?P<m>\d{{1,2}})(?:/(?P<y>\d{{2,4}}))?\s*\)",
        ),
        # Selasa, 31 Januari 2023 · 31 Januari 2023 · 1 February 2023
        (
            "day_month_year",
            rf"(?:(?P<wd>{day})\s*,?\s*)?\b(?P<d>\d{{1,2}})\s+(?P<mon>{any_month})\.?\s+(?P<y>\d{{4}})\b",
        ),
        # January 31, 2023
        (
            "month_day_year",
            rf"(?:(?P<wd>{day})\s*,?\s*)?\b(?P<mon>{any_month})\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})\b",
        ),
        # 17 Agustus (no year)
        (
            "day_month",
            rf"(?:(?P<wd>{day})\s*,?\s*)?\b(?P<d>\d{{1,2}})\s+(?P<mon>{full_month})\b",
        ),
        # Februari 2022, June 2022
        ("month_year", rf"\b(?P<mon>{full_month})\s+(?P<y>\d{{4}})\b"),
        # tahun 2021, in 2021
        ("year", r"\b(?:tahun|pada|sejak|in|since)\s+(?P<y>(?:19|20)\d{2})\b"),
        # 3 hari lalu, dua pekan yang lalu, two weeks ago
        ("ago", rf"(?i:\b{n}\s+{unit}\s+(?:yang\s+)?(?:lalu|ago|silam)\b)"),
        # kemarin, yesterday
        ("yesterday", r"(?i:\b(?:kemarin|yesterday)\b)(?!\s+(?:lusa|dulu))"),
        # pekan lalu, bulan lalu, tahun lalu, last month; bulan depan, next year
        (
            "unit_rel",
            r"(?i:\b(?:(?P<u1>pekan|minggu|bulan|tahun)\s+(?P<r1>lalu|kemarin|depan|mendatang)"
            r"|(?P<r2>last|next)\s+(?P<u2>week|month|year))\b)",
        ),
        # Juni lalu, Desember kemarin, last June; Juli mendatang, next July
        (
            "month_rel",
            rf"\b(?:(?P<mon>{full_month})\s+(?P<r1>lalu|kemarin|depan|mendatang)\b"
            rf"|(?i:(?P<r2>last|next))\s+(?P<mon2>{full_month})\b)",
        ),
        # Senin lalu, last Monday, Senin depan, next Monday
        (
            "weekday_rel",
            rf"\b(?:(?P<wd>{day})\s+(?P<r1>lalu|kemarin|depan|mendatang)\b"
            rf"|(?i:(?P<r2>last|next))\s+(?P<wd2>{day})\b)",
        ),
        # pada (hari) Senin (malam), Senin malam, on Monday, Selasa
        (
            "weekday",
            rf"(?:(?P<pre>\b(?i:pada|hari|sejak|dan|on|since|by|until|hingga|sampai)\s+(?:hari\s+)?)|,\s*)?"
            rf"\b(?P<wd>{day})\b(?:\s+(?P<part>pagi|siang|sore|malam|dini\s+hari|morning|afternoon|evening|night))?",
        ),
        # pada Januari, bulan Juli, in June, sejak Maret
        (
            "month",
            rf"(?:\b(?P<pre>(?i:pada|bulan|sejak|hingga|sampai|awal|akhir|pertengahan|in|since|until|early|late|mid-?))\s+(?:bulan\s+)?)?"
            rf"\b(?P<mon>{full_month})\b",
        ),
    ]
    return _Grammar(months, [(name, re.compile(rx)) for name, rx in patterns])


# --- calendar helpers ------------------------------------------------------------------------


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _year(text: str) -> int:
    y = int(text)
    return y + 2000 if y < 100 else y


def _shift_months(ref: date, months: int) -> date:
    total = ref.year * 12 + ref.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def _weekday_on_or_before(ref: date, wd: int, *, strictly: bool = False) -> date:
    delta = (ref.weekday() - wd) % 7
    if strictly and delta == 0:
        delta = 7
    return ref - timedelta(days=delta)


def _weekday_after(ref: date, wd: int) -> date:
    delta = (wd - ref.weekday()) % 7 or 7
    return ref + timedelta(days=delta)


def _nearest_month(ref: date, month: int) -> date:
    """The month's occurrence nearest the reference month (ties go to the past)."""
    best: date | None = None
    best_gap = 99
    for year in (ref.year - 1, ref.year, ref.year + 1):
        gap = abs((year - ref.year) * 12 + month - ref.month)
        if gap < best_gap or (gap == best_gap and best is not None and year < best.year):
            best, best_gap = date(year, month, 1), gap
    assert best is not None
    return best


def _day_month(ref: date | None, d: int, m: int, wd: int | None) -> date | None:
    """A day and month without a year, placed by the printed weekday or else the past."""
    if ref is None:
        return None
    options = [x for y in (ref.year, ref.year - 1, ref.year + 1) if (x := _safe_date(y, m, d))]
    if wd is not None:
        matching = [x for x in options if x.weekday() == wd]
        if matching:
            return min(matching, key=lambda x: abs((x - ref).days))
    this_year = _safe_date(ref.year, m, d)
    if this_year is None:
        return options[0] if options else None
    if this_year > ref + timedelta(days=31):
        return _safe_date(ref.year - 1, m, d)
    return this_year


# --- the finder ------------------------------------------------------------------------------


def find_dates(text: str, published: date | None) -> list[Found]:
    """Dated expressions of one line, resolved against the publication day when known."""
    g = grammar()
    text = text[:MAX_LINE_CHARS]
    taken: list[tuple[int, int]] = []
    out: list[Found] = []
    for name, rx in g.patterns:
        for m in rx.finditer(text):
            start, end = m.span()
            if any(a < end and start < b for a, b in taken):
                continue
            found = _resolve(name, m, published, g)
            if name == "weekday" and found is None and published is None:
                taken.append((m.start("wd"), m.end("wd")))  # read, just not resolvable
                continue
            if found is None:
                continue
            taken.append((start, end))
            out.append(found)
    out.sort(key=lambda f: f.start)
    return out


def _resolve(name: str, m: re.Match[str], ref: date | None, g: _Grammar) -> Found | None:
    text = m.string

    def found(when: date | None, gran: str, start: int | None = None) -> Found | None:
        if when is None:
            return None
        s = m.start() if start is None else start
        original = text[s : m.end()].strip(" ,")
        lead = len(text[s : m.end()]) - len(text[s : m.end()].lstrip(" ,"))
        return Found(s + lead, m.end(), original, when, gran)

    wd_text = m.groupdict().get("wd") or m.groupdict().get("wd2")
    wd = _WEEKDAYS.get(wd_text.lower()) if wd_text else None
    if name == "weekday_numeric":
        d, mo = int(m.group("d")), int(m.group("m"))
        if m.group("y"):
            return found(_safe_date(_year(m.group("y")), mo, d), "day")
        if wd is None:
            return None  # "(3/5)" alone may be a score or a ratio
        return found(_day_month(ref, d, mo, wd), "day")
    if name in {"day_month_year", "month_day_year"}:
        mo = g.months[m.group("mon").lower().rstrip(".")]
        return found(_safe_date(int(m.group("y")), mo, int(m.group("d"))), "day")
    if name == "day_month":
        mo = g.months[m.group("mon").lower()]
        return found(_day_month(ref, int(m.group("d")), mo, wd), "day")
    if name == "month_year":
        return found(date(int(m.group("y")), g.months[m.group("mon").lower()], 1), "month")
    if name == "year":
        return found(date(int(m.group("y")), 1, 1), "year", m.start("y"))
    if ref is None:
        return None
    if name == "ago":
        raw = m.group("n").lower()
        count = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw, 0)
        unit = _UNITS[m.group("unit").lower()]
        if not 0 < count <= 100:
            return None
        if unit == "day":
            return found(ref - timedelta(days=count), "day")
        if unit == "week":
            return found(ref - timedelta(days=7 * count), "day")
        if unit == "month":
            return found(_shift_months(ref, -count), "month")
        return found(date(ref.year - count, 1, 1), "year")
    if name == "yesterday":
        return found(ref - timedelta(days=1), "day")
    if name == "unit_rel":
        unit = (m.group("u1") or m.group("u2")).lower()
        rel = (m.group("r1") or m.group("r2")).lower()
        step = 1 if rel in {"depan", "mendatang", "next"} else -1
        if unit in {"pekan", "minggu", "week"}:
            return found(ref + timedelta(days=7 * step), "day")
        if unit in {"bulan", "month"}:
            return found(_shift_months(ref, step), "month")
        return found(date(ref.year + step, 1, 1), "year")
    if name == "month_rel":
        mon = (m.group("mon") or m.group("mon2")).lower()
        month = g.months[mon]
        rel = (m.group("r1") or m.group("r2")).lower()
        if rel in {"depan", "mendatang", "next"}:
            year = ref.year if month > ref.month else ref.year + 1
        else:
            year = ref.year if month < ref.month else ref.year - 1
        return found(date(year, month, 1), "month")
    if name == "weekday_rel":
        assert wd is not None
        rel = (m.group("r1") or m.group("r2")).lower()
        if rel in {"depan", "mendatang", "next"}:
            return found(_weekday_after(ref, wd), "day")
        return found(_weekday_on_or_before(ref, wd, strictly=True), "day")
    if name == "weekday":
        assert wd is not None and wd_text is not None
        pre = m.group("pre")
        if wd_text.lower() == "minggu" and not (pre or m.group("part")):
            return None  # "Minggu" may be "minggu" (a week) opening a sentence
        start = m.start("pre") if pre else m.start("wd")
        return found(_weekday_on_or_before(ref, wd), "day", start)
    if name == "month":
        month = g.months[m.group("mon").lower()]
        pre = m.group("pre")
        if m.group("mon") == "May" and not pre:
            return None  # English "May" is mostly the verb
        start = m.start("pre") if pre else m.start("mon")
        return found(_nearest_month(ref, month), "month", start)
    return None


def extract_event_dates(article: Article) -> list[EventDate]:
    """The article's dated expressions as event dates (relative ones need ``published``)."""
    ref = article.published.value.date() if article.published else None
    out: list[EventDate] = []
    for line in article.text_lines:
        for f in find_dates(line.text, ref):
            out.append(
                EventDate(
                    date=f.when,
                    original=f.original,
                    span=Span(line=line.index, start=f.start, end=f.end),
                    granularity=f.granularity,  # type: ignore[arg-type]
                )
            )
            if len(out) >= MAX_DATES:
                return out
    return out


@stage("dates", requires=("kinds", "published"), provides=("event_dates",))
def dates(article: Article, ctx: StageContext) -> Article:
    """Event dates in the text ("Selasa (31/1/2023)", "Juni lalu"), apart from publication."""
    article.event_dates = extract_event_dates(article)
    return article
