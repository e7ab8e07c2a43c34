"""Stage ``metadata``: title, lead, published time, outlet, authors, editor, dateline, credits,
related titles and section, read from the labelled lines of an article.

The line kinds set by :mod:`kabar.pipeline.clean` say *where* to look (the title line, the
timestamp line, the byline, the caption, the editor initials); the helpers here say *how* to
read each one. All helpers are plain functions usable outside the pipeline:

- :func:`find_datetime` / :func:`parse_datetime`: a fast regex parser for the dates Indonesian
  and English news pages print ("Kamis, 04 Mei 2023 – 21:29 WIB", "31 Januari 2023 15:50",
  "1 February 2023, 8:03", "12/03/2024, 08:15 WITA", ISO 8601, "2 jam lalu", "kemarin").
  ``dateparser`` is only a fallback for strings this parser does not read (it is slow).
- :func:`lookup_outlet` / :func:`outlet_from_url`: the known-outlet table ``lang/id/outlets.tsv``.
- :func:`strip_outlet_suffix`, :func:`parse_dateline`, :func:`parse_byline`,
  :func:`parse_editor`, :func:`split_photo_credit`, :func:`find_source_credits`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from kabar.lang import load_list, load_tsv
from kabar.models import Article, Credit, Line, LineKind, Timestamp
from kabar.pipeline.registry import StageContext, stage

WIB = timezone(timedelta(hours=7), "WIB")


# --------------------------------------------------------------------------------------------
# Known outlets
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutletInfo:
    """One row of ``lang/id/outlets.tsv``."""

    domain: str
    name: str
    tz: tzinfo
    type: str  # "id" (Indonesian outlet), "intl" (foreign medium), "wire" (news agency)
    aliases: tuple[str, ...]


def _parse_offset(text: str) -> timezone | None:
    """``+07:00``, ``+0700``, ``+7``, ``-05`` → a fixed-offset timezone."""
    m = re.fullmatch(r"\s*([+-])\s?(\d{1,2})(?::?(\d{2}))?\s*", text)
    if not m:
        return None
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    if hours > 14 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if m.group(1) == "-" else delta)


@dataclass(frozen=True, slots=True)
class _OutletTable:
    by_domain: dict[str, OutletInfo]
    by_alias: dict[str, OutletInfo]
    alias_re: re.Pattern[str]


@cache
def _outlet_table() -> _OutletTable:
    by_domain: dict[str, OutletInfo] = {}
    by_alias: dict[str, OutletInfo] = {}
    for row in load_tsv("id", "outlets.tsv"):
        if len(row) < 4:
            continue
        domain, name, offset, kind = row[:4]
        aliases = tuple(a.strip() for a in (row[4] if len(row) > 4 else "").split("|") if a)
        info = OutletInfo(domain, name, _parse_offset(offset) or WIB, kind, (name, *aliases))
        by_domain.setdefault(domain.lower(), info)
        for alias in info.aliases:
            by_alias.setdefault(alias.casefold(), info)
        by_alias.setdefault(domain.lower(), info)
    names = sorted(by_alias, key=len, reverse=True)
    alias_re = re.compile(
        r"(?<![\w.])(" + "|".join(re.escape(n) for n in names) + r")(?![\w]|\.\w)", re.IGNORECASE
    )
    return _OutletTable(by_domain, by_alias, alias_re)


def domain_of(url: str | None) -> str | None:
    """The host of ``url`` without ``www.``, lower-cased; None for no or a broken URL."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    except ValueError:
        return None
    host = host.lower().removeprefix("www.")
    return host or None


def lookup_outlet(text: str | None) -> OutletInfo | None:
    """A known outlet from a name as printed ("JPNN.COM", "CNBC Indonesia") or a domain."""
    if not text:
        return None
    table = _outlet_table()
    key = text.strip().casefold()
    if key in table.by_alias:
        return table.by_alias[key]
    host = domain_of(key) if ("/" in key or "." in key) else None
    while host and "." in host:
        if host in table.by_domain:
            return table.by_domain[host]
        host = host.split(".", 1)[1]
    return None


def outlet_from_url(url: str | None) -> OutletInfo | None:
    host = domain_of(url)
    return lookup_outlet(host) if host else None


def find_outlet_names(text: str) -> list[str]:
    """Known outlet names mentioned in ``text`` (canonical names, in order of appearance)."""
    table = _outlet_table()
    found: list[str] = []
    for m in table.alias_re.finditer(text):
        info = table.by_alias.get(m.group(1).casefold())
        if info and info.name not in found:
            found.append(info.name)
    return found


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedTime:
    """A date found in a string: the value and where it was printed."""

    value: datetime  # always timezone-aware
    start: int
    end: int
    has_time: bool
    has_zone: bool
    relative: bool = False


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class _DateGrammar:
    months: dict[str, int]
    zones: dict[str, timezone]
    units: dict[str, int]
    dmy: re.Pattern[str]
    mdy: re.Pattern[str]
    num: re.Pattern[str]
    iso: re.Pattern[str]
    day_before: re.Pattern[str]  # a day name right before a date ("Kamis, " 04 Mei 2023)
    time_after: re.Pattern[str]
    time_before: re.Pattern[str]
    relative: re.Pattern[str]
    relative_word: re.Pattern[str]


@cache
def _grammar() -> _DateGrammar:
    months: dict[str, int] = {}
    for lang in ("id", "en"):
        for name, number in load_tsv(lang, "months.tsv"):
            months.setdefault(name.casefold(), int(number))
    days = [d.casefold() for lang in ("id", "en") for d in load_list(lang, "days.txt")]
    zones = {
        name.upper(): tz
        for name, offset in load_tsv("id", "timezones.tsv")
        if (tz := _parse_offset(offset)) is not None
    }
    units = {w.casefold(): int(s) for w, s in load_tsv("id", "relative_time.tsv")}
    tz, unit = (_alternation(x) for x in (zones, units))
    flags = re.IGNORECASE
    # Month names are read as any word and looked up in the table: a pattern that starts
    # with a 50-name alternation is tried at every position and costs ten times more.
    word = r"(?P<mon>[A-Za-z]{3,9})(?![A-Za-z])"
    dmy = re.compile(
        rf"(?<![\w/])(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?:\s+|\s*[-/.]\s*){word}\.?"
        r"(?:\s+|\s*[-/,.]\s*)(?P<y>(?:19|20)\d\d)(?!\d)"
    )
    mdy = re.compile(
        rf"(?<![\w]){word}\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s*,?\s+(?P<y>(?:19|20)\d\d)(?!\d)"
    )
    num = re.compile(
        r"(?<![\w/.])(?P<d>[0-3]?\d)(?P<sep>[/.-])(?P<m>[0-3]?\d)(?P=sep)"
        r"(?P<y>(?:19|20)\d\d|\d\d)(?![\d/.]|-\d)\)?"
    )
    iso = re.compile(
        r"(?<![\d/.])(?P<y>(?:19|20)\d\d)(?P<sep>[-/.])(?P<m>[01]?\d)(?P=sep)(?P<d>[0-3]?\d)"
        r"(?:(?:T|\s+)(?P<H>[0-2]?\d):(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?(?:\.\d+)?"
        r"\s*(?P<off>Z|[+-][01]\d:?[0-5]\d)?)?(?![\d])"
    )
    day_before = re.compile(rf"(?:^|(?<=[\s(]))(?:{_alternation(days)})\.?\s*,?\s*\(?$", flags)
    time_after = re.compile(
        r"(?:\s|[,|•·–—\-/@]|\b(?:pukul|pkl|jam|at)\b\.?)*"
        r"(?P<H>[01]?\d|2[0-3])[:.](?P<M>[0-5]\d)(?:[:.](?P<S>[0-5]\d))?(?![\d])"
        r"(?:\s*(?P<ampm>[ap]\.?\s?m\b\.?))?"
        rf"(?:\s*\(?\s*(?P<tz>{tz})(?![A-Za-z]))?"
        r"(?:\s*(?P<off>[+-]\s?[01]?\d(?::?[0-5]\d)?)(?!\d))?\)?",
        flags,
    )
    time_before = re.compile(
        r"(?<![\d:.])(?P<H>[01]?\d|2[0-3])[:.](?P<M>[0-5]\d)(?:[:.](?P<S>[0-5]\d))?"
        rf"(?:\s*(?P<tz>{tz})(?![A-Za-z]))?\s*[,|•·–—\-]*\s*$",
        flags,
    )
    relative = re.compile(
        rf"(?<![\w])(?P<n>\d{{1,3}}|se|satu|an?|one)\s*(?P<unit>{unit})\s+"
        r"(?:yang\s+|yg\s+)?(?:lalu|ago|silam)\b",
        flags,
    )
    relative_word = re.compile(
        r"(?<![\w])(?P<w>kemarin|yesterday|hari ini|today|baru saja|just now)(?![\w])"
        r"(?:\s*,?\s*(?:pukul\s*|at\s*)?(?P<H>[01]?\d|2[0-3])[:.](?P<M>[0-5]\d))?",
        flags,
    )
    return _DateGrammar(
        months,
        zones,
        units,
        dmy,
        mdy,
        num,
        iso,
        day_before,
        time_after,
        time_before,
        relative,
        relative_word,
    )


def _tz_from(g: _DateGrammar, zone: str | None, offset: str | None) -> tzinfo | None:
    tz: tzinfo | None = g.zones.get(zone.upper()) if zone else None
    if offset:
        off = _parse_offset(offset.replace(" ", ""))
        if off is not None:
            base = tz.utcoffset(None) if tz is not None else timedelta(0)
            # "GMT+7" adds to GMT; a bare "+07:00" is the offset itself.
            tz = timezone((base or timedelta(0)) + (off.utcoffset(None) or timedelta(0)))
    return tz


def _hour(h: str, ampm: str | None) -> int:
    hour = int(h)
    if ampm:
        pm = ampm.lower().startswith("p")
        if pm and hour < 12:
            hour += 12
        elif not pm and hour == 12:
            hour = 0
    return hour


def find_datetime(
    text: str, *, default_tz: tzinfo = WIB, ref: datetime | None = None
) -> ParsedTime | None:
    """The first absolute date (with its time, when printed) in ``text``.

    Day-month-year with month names (Indonesian or English), month-day-year, numeric
    ``dd/mm/yyyy`` (Indonesian order; swapped when the month would be > 12) and ISO 8601.
    A time printed right after (or right before) the date is attached, with its zone
    (WIB=+07, WITA=+08, WIT=+09, GMT/UTC, "+07:00"). Without a zone the value is in
    ``default_tz``. Relative forms ("2 jam lalu", "3 hours ago", "kemarin 14:00") are read
    only when ``ref`` (the fetch time) is given.
    """
    if not text or len(text) > 2000:
        text = text[:2000] if text else ""
    if not text:
        return None
    if ref is not None and not 1970 <= ref.year <= 2100:
        ref = None  # a junk fetch time (year 1, 9999) dates nothing, and would overflow
    g = _grammar()
    # Every absolute date has a year: find the years (one fast scan), then read the date
    # patterns only in a window around each (the name alternations are slow on long lines).
    for k, year in enumerate(_YEARISH_RE.finditer(text)):
        if k >= 6:
            break
        start, end = max(0, year.start() - 48), min(len(text), year.end() + 40)
        found = [
            (m.start(), k, m, kind)
            for k, (kind, rx) in enumerate(
                (("dmy", g.dmy), ("mdy", g.mdy), ("iso", g.iso), ("num", g.num))
            )
            for m in rx.finditer(text, start, end)
        ]
        for _, _, m, kind in sorted(found, key=lambda c: (c[0], c[1])):
            parsed = _build(g, text, m, kind, default_tz)
            if parsed is not None:
                return parsed
    if ref is not None and _may_be_relative(text):
        return _relative(g, text, ref, default_tz)
    return None


_YEARISH_RE = re.compile(r"(?<!\d)(?:(?:19|20)\d\d|\d{1,2}/\d{1,2}/\d\d)(?!\d)")
_RELATIVE_WORDS = (
    "lalu",
    "ago",
    "silam",
    "kemarin",
    "yesterday",
    "hari ini",
    "today",
    "baru saja",
    "just now",
)


def _may_be_relative(text: str) -> bool:
    low = text.lower()
    return any(word in low for word in _RELATIVE_WORDS)


def _build(
    g: _DateGrammar, text: str, m: re.Match[str], kind: str, default_tz: tzinfo
) -> ParsedTime | None:
    day = int(m.group("d"))
    if kind in ("dmy", "mdy"):
        month = g.months.get(m.group("mon").casefold(), 0)
        if not month:
            return None
    else:
        month = int(m.group("m"))
    year_s = m.group("y")
    if len(year_s) == 2:
        if m.group("sep") != "/":
            return None
        year = 2000 + int(year_s)
    else:
        year = int(year_s)
    if kind == "num" and month > 12 and day <= 12:
        day, month = month, day
    hour = minute = second = 0
    has_time = False
    tz: tzinfo | None = None
    start, end = m.start(), m.end()
    if kind != "iso":
        before = text[max(0, start - 12) : start]
        day_name = g.day_before.search(before)
        if day_name:
            start -= len(before) - day_name.start()
    if kind == "iso" and m.group("H"):
        hour, minute, second = int(m.group("H")), int(m.group("M")), int(m.group("S") or 0)
        has_time = True
        off = m.group("off")
        if off:
            tz = UTC if off.upper() == "Z" else _parse_offset(off)
    if not has_time:
        t = g.time_after.match(text, end)
        if t and t.group("H"):
            hour, minute = _hour(t.group("H"), t.group("ampm")), int(t.group("M"))
            second = int(t.group("S") or 0)
            has_time = True
            tz = _tz_from(g, t.group("tz"), t.group("off"))
            end = t.end()
        else:
            before = text[max(0, start - 40) : start]
            b = g.time_before.search(before)
            if b:
                start = start - len(before) + b.start()
                hour, minute, second = int(b.group("H")), int(b.group("M")), int(b.group("S") or 0)
                has_time = True
                tz = _tz_from(g, b.group("tz"), None)
    if tz is None and not has_time:
        # a zone printed right after a bare date ("04 Mei 2023 WIB") still counts
        z = re.match(r"\s*\(?\s*([A-Za-z]{1,5})\b", text[end : end + 10])
        if z and z.group(1).upper() in g.zones:
            tz = g.zones[z.group(1).upper()]
    has_zone = tz is not None
    try:
        value = datetime(year, month, day, hour, minute, second, tzinfo=tz or default_tz)
    except ValueError:
        return None
    if not 1970 <= year <= 2100:
        return None
    return ParsedTime(value, start, end, has_time, has_zone)


def _relative(g: _DateGrammar, text: str, ref: datetime, default_tz: tzinfo) -> ParsedTime | None:
    if ref.tzinfo is None:
        ref = ref.replace(tzinfo=UTC)
    m = g.relative.search(text)
    if m:
        n_s = m.group("n").casefold()
        n = int(n_s) if n_s.isdigit() else 1
        seconds = g.units.get(m.group("unit").casefold(), 0) * n
        value = ref - timedelta(seconds=seconds)
        if seconds >= 60:  # "2 jam lalu" is not precise to the second
            value = value.replace(second=0, microsecond=0)
        return ParsedTime(value, m.start(), m.end(), seconds < 86400, True, relative=True)
    w = g.relative_word.search(text)
    if w:
        word = w.group("w").casefold()
        local = ref.astimezone(default_tz)
        if word in ("kemarin", "yesterday"):
            local -= timedelta(days=1)
        if w.group("H"):
            local = local.replace(hour=int(w.group("H")), minute=int(w.group("M")), second=0)
            has_time = True
        else:
            has_time = word in ("baru saja", "just now")
            if not has_time:
                local = local.replace(hour=0, minute=0, second=0)
        return ParsedTime(local.replace(microsecond=0), w.start(), w.end(), has_time, True, True)
    return None


def parse_datetime(
    text: str,
    *,
    default_tz: tzinfo = WIB,
    ref: datetime | None = None,
    fallback: bool = False,
) -> datetime | None:
    """:func:`find_datetime`'s value; with ``fallback`` dateparser tries what it cannot read."""
    found = find_datetime(text, default_tz=default_tz, ref=ref)
    if found is not None:
        return found.value
    if fallback and text and len(text) < 200 and any(ch.isdigit() for ch in text):
        return _dateparser_fallback(text, default_tz, ref)
    return None


def _dateparser_fallback(text: str, default_tz: tzinfo, ref: datetime | None) -> datetime | None:
    try:
        import dateparser
    except ImportError:  # pragma: no cover - dateparser is a dependency
        return None
    offset = default_tz.utcoffset(None) or timedelta(0)
    sign = "+" if offset >= timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    settings: dict[str, Any] = {
        "TIMEZONE": f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DAY_OF_MONTH": "first",
        "DATE_ORDER": "DMY",
    }
    if ref is not None:
        settings["RELATIVE_BASE"] = ref.replace(tzinfo=None)
    try:
        value = dateparser.parse(text, languages=["id", "en", "ms"], settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    if value is None or not 1970 <= value.year <= 2100:
        return None
    return value if value.tzinfo else value.replace(tzinfo=default_tz)


_ANY_DIGIT_RE = re.compile(r"\d")


def looks_like_date(text: str) -> bool:
    """Cheap test: a year or a numeric date, or digits with a relative phrase ("2 jam lalu")."""
    if _ANY_DIGIT_RE.search(text) is None:
        return False
    return _YEARISH_RE.search(text) is not None or _may_be_relative(text)


def url_date(url: str | None, tz: tzinfo = WIB) -> datetime | None:
    """The date many outlets put in their URLs: ``/2023/05/04/`` or ``/20230504…``."""
    if not url:
        return None
    m = re.search(r"/((?:19|20)\d\d)[/-]([01]?\d)[/-]([0-3]?\d)(?:/|-|$)", url) or re.search(
        r"/((?:19|20)\d\d)([01]\d)([0-3]\d)(?:\d{2,})?(?:/|-|$)", url
    )
    if not m:
        return None
    try:
        return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), tzinfo=tz)
    except ValueError:
        return None


# --------------------------------------------------------------------------------------------
# Titles, datelines, bylines, credits
# --------------------------------------------------------------------------------------------

_SUFFIX_RE = re.compile(r"^(?P<title>.+?)\s+[-–—|•:]{1,2}\s+(?P<suffix>[^-–—|•]{2,40})$")
_OUTLETISH_RE = re.compile(
    r"(\.(com|co\.id|id|net|org|co|tv|news)\b|\b(news|online|tv|times|post|daily|media|"
    r"berita|portal|today|network)\b)",
    re.IGNORECASE,
)


_SUFFIX_SEPARATORS = (" - ", " – ", " — ", " | ", " • ", ": ", " -- ", " ‒ ")


_NOT_ALNUM_RE = re.compile(r"[\W_]+")


def fold_key(text: str) -> str:
    """Text folded for comparison: "Kabar Example", "KABAR-EXAMPLE" → "kabarexample"."""
    return _NOT_ALNUM_RE.sub("", text.casefold())


def strip_outlet_suffix(title: str, outlet: str | None = None) -> tuple[str, str | None]:
    """``"Judul - JPNN.COM"`` → ``("Judul", "JPNN.COM")``; titles without one come back as is.

    A trailing part after `` - ``, `` – ``, `` | `` is removed when it is a known outlet, the
    page's ``outlet``, or looks like an outlet name (a domain, "... News", "... TV").
    """
    text = " ".join(title.split())
    if not any(sep in text for sep in _SUFFIX_SEPARATORS):
        return text, None
    m = _SUFFIX_RE.match(text)
    if not m:
        return text, None
    suffix = m.group("suffix").strip()
    if len(suffix.split()) > 5:
        return text, None
    known = lookup_outlet(suffix)
    same = outlet is not None and (
        fold_key(suffix) == fold_key(outlet)
        or (len(fold_key(suffix)) >= 4 and fold_key(outlet).startswith(fold_key(suffix)))
        or (known is not None and known.name == (lookup_outlet(outlet) or known).name)
    )
    if known or same or _OUTLETISH_RE.search(suffix):
        return m.group("title").strip(), suffix
    return text, None


@dataclass(frozen=True, slots=True)
class Dateline:
    """The place (and outlet or agency) a story is filed from, printed before the lead."""

    place: str | None
    outlet: str | None
    agency: str | None
    end: int  # where the article text starts after the dateline


_PLACE = r"[A-Z][A-Za-z'’.]*(?:[ -](?:[A-Z][A-Za-z'’.]*|DC|D\.C\.)){0,3}"
_DOMAINISH = r"[\w-]*[A-Za-z][\w-]*\.(?:com|co\.id|id|net|co|tv|news|org)(?:\.[a-z]{2})?"
_DASH = r"(?:[-–—]{1,3}|:)"
_DATELINE_RES = (
    # "jpnn.com, TOKYO - ", "TEMPO.CO, Jakarta - ", "REPUBLIKA.CO.ID, JAKARTA -- "
    re.compile(
        rf"^(?P<outlet>{_DOMAINISH})\s*[,/]\s*(?P<place>{_PLACE})\s*"
        rf"(?:\((?P<agency>[^)]{{2,25}})\))?\s*{_DASH}\s*",
        re.IGNORECASE,
    ),
    # "Jakarta, CNBC Indonesia – ", "JAKARTA, KOMPAS.com - ", "Jakarta, kumparan - "
    re.compile(
        rf"^(?P<place>{_PLACE})\s*,\s*(?P<outlet>{_DOMAINISH}|[\w.]+(?:\s+[A-Z][\w.]*){{0,2}})"
        rf"\s*(?:\((?P<agency>[^)]{{2,25}})\))?\s*{_DASH}\s*"
    ),
    # "Jakarta (ANTARA) - ", "WASHINGTON (AP) — "
    re.compile(rf"^(?P<place>{_PLACE})\s*\((?P<agency>[A-Za-z][A-Za-z .]{{1,24}})\)\s*{_DASH}?\s*"),
    # "JAKARTA - ", "Jakarta — " (the text after it starts with a capital or a quote)
    re.compile(rf"^(?P<place>{_PLACE})\s*[-–—]{{1,3}}\s+(?=[A-Z0-9\"“‘'])"),
    # "KOMPAS.com - ", "Suara.com – "
    re.compile(rf"^(?P<outlet>{_DOMAINISH})\s*[-–—]{{1,3}}\s+", re.IGNORECASE),
)
_COLON_DATELINE_RE = re.compile(rf"^(?P<place>{_PLACE})\s*:\s+(?=[A-Z\"“])")
_NOT_PLACES = frozenset(
    [
        "baca",
        "catatan",
        "contoh",
        "update",
        "foto",
        "video",
        "sumber",
        "editor",
        "penulis",
        "reporter",
        "kronologi",
        "berikut",
        "info",
        "simak",
        "lihat",
        "tonton",
        "pengumuman",
        "perhatian",
        "peringatan",
        "breaking",
        "news",
        "live",
        "sebelumnya",
        "selanjutnya",
        "keterangan",
        "ilustrasi",
        "note",
        "warning",
        "disclaimer",
    ]
)


def parse_dateline(text: str, *, colon: bool = True) -> Dateline | None:
    """The dateline at the start of a lead paragraph, if any.

    ``colon`` allows the short "Sayama: ..." form (use it on the lead line only).
    """
    head = text[:160]
    for rx in _DATELINE_RES:
        m = rx.match(head)
        if not m:
            continue
        groups = m.groupdict()
        place = groups.get("place")
        outlet = groups.get("outlet")
        agency = groups.get("agency")
        if place and (place.split()[0].casefold() in _NOT_PLACES or len(place) > 40):
            continue
        if outlet and not outlet[0].isupper() and "." not in outlet and not lookup_outlet(outlet):
            continue  # "Jakarta, kata dia - ..." is a sentence, not "Place, Outlet -"
        if place and lookup_outlet(place) and not outlet:
            # "KOMPAS.com - " caught as a place: it is the outlet
            outlet, place = place, None
        if rx is _DATELINE_RES[3]:
            # "Place - text": only short capitalised places, not a sentence with a dash
            words = place.split() if place else []
            if not words or has_function_word(words) or len(words) > (3 if place.isupper() else 2):
                continue
        return Dateline(_place(place), outlet, agency.strip() if agency else None, m.end())
    if colon:
        m = _COLON_DATELINE_RE.match(head)
        if m:
            place = m.group("place")
            words = place.split()
            if (
                len(words) <= 3
                and words[0].casefold() not in _NOT_PLACES
                and not has_function_word(words)
                and not lookup_outlet(place)
            ):
                return Dateline(_place(place), None, None, m.end())
    return None


@cache
def function_words() -> frozenset[str]:
    """Indonesian and English function words (``lang/{id,en}/stopwords.txt``)."""
    return frozenset(
        w.casefold() for lang in ("id", "en") for w in load_list(lang, "stopwords.txt")
    )


def has_function_word(words: Iterable[str]) -> bool:
    sw = function_words()
    return any(w.casefold() in sw for w in words)


def _place(place: str | None) -> str | None:
    """The place as printed ("TOKYO" stays "TOKYO"), without stray punctuation."""
    if not place:
        return None
    return place.strip(" ,.-") or None


_BYLINE_LABEL_RE = re.compile(
    r"\b(?P<label>penulis|reporter|pewarta|wartawan|kontributor|koresponden|jurnalis|"
    r"ditulis oleh|written by|authors?|fotografer|videografer|rep|red|redaktur|editor|"
    r"penyunting|penyelaras|edited by|laporan wartawan|laporan reporter|laporan koresponden|"
    r"oleh|by)\b\s*[:：]?\s*",
    re.IGNORECASE,
)
_EDITOR_LABELS = frozenset({"red", "redaktur", "editor", "penyunting", "penyelaras", "edited by"})
_NAME_SPLIT_RE = re.compile(r"\s*(?:,|&|;|\band\b|\bdan\b|/|\|)\s*")
_NAME_TOKEN_RE = re.compile(
    r"^(?:[A-Z][\w'’.-]*|[A-Z]\.|(?:bin|binti|van|von|der|de|da|dos|al|el|la|le|di)|[a-z]\.)$"
)
_SEPARATORS = " \t-–—•·|,:;/()[]"


@cache
def _author_junk() -> frozenset[str]:
    return frozenset(w.casefold() for w in load_list("id", "author_stopwords.txt"))


def _clean_name(candidate: str) -> str | None:
    name = candidate.strip(_SEPARATORS + ".")
    name = re.sub(r"\s+", " ", name)
    if not name or len(name) > 60 or any(ch.isdigit() for ch in name):
        return None
    tokens = name.split()
    if not 1 <= len(tokens) <= 6:
        return None
    if not all(_NAME_TOKEN_RE.match(t) for t in tokens):
        return None
    if all(t.casefold().strip(".") in _author_junk() for t in tokens):
        return None
    if lookup_outlet(name) or _OUTLETISH_RE.search(name):
        return None
    return name


_ANY_REF = datetime(2000, 1, 1, tzinfo=UTC)  # lets relative dates be found (and cut out)


def parse_byline(text: str) -> tuple[list[str], list[str]]:
    """``(authors, editors)`` named on a byline ("Oleh: A dan B", "Penulis: A | Editor: B",
    "Nama • 31 Januari 2023 15:50", "Laporan Wartawan Tribunnews.com, Nama")."""
    found = find_datetime(text, ref=_ANY_REF)
    if found is not None:
        text = (text[: found.start] + " | " + text[found.end :]).strip()
    authors: list[str] = []
    editors: list[str] = []
    # split into labelled segments: "Rep: A Red: B" → [("rep", "A"), ("red", "B")]
    segments: list[tuple[str | None, str]] = []
    last_label: str | None = None
    pos = 0
    for m in _BYLINE_LABEL_RE.finditer(text):
        label = m.group("label").casefold()
        if label in ("oleh", "by") and m.start() > 0 and text[m.start() - 1] not in " |•·-–—":
            continue
        segments.append((last_label, text[pos : m.start()]))
        last_label, pos = label, m.end()
    segments.append((last_label, text[pos:]))
    for label, chunk in segments:
        target = editors if label in _EDITOR_LABELS else authors
        for part in _NAME_SPLIT_RE.split(chunk):
            part = re.sub(r"\s[-–—]\s.*$", "", part)  # "Nama - detikNews"
            name = _clean_name(part)
            if name and name not in target:
                target.append(name)
    return authors, editors


_INITIALS_RE = re.compile(
    r"^[\(\[]\s*([a-z]{1,6}(?:\s*[/\\,|-]\s*[a-z]{1,6}){0,4})\s*[\)\]]$", re.I
)


def parse_editor(text: str) -> list[str]:
    """Editors named on an editor line: "Editor: Nama" → names; "(sef/sef)" → ["sef"]."""
    stripped = text.strip()
    m = _INITIALS_RE.match(stripped)
    if m:
        initials: list[str] = []
        for part in re.split(r"\s*[/\\,|-]\s*", m.group(1)):
            if part and part not in initials:
                initials.append(part)
        return initials
    authors, editors = parse_byline(stripped)
    return editors or authors


_CREDIT_LABEL_RE = re.compile(
    r"(?:^|[\s.,;(\[])\(?\s*(?P<label>kredit foto|foto|photo|sumber foto|sumber gambar|"
    r"image|gambar|credit|photo credit|image credit|dok\.?|dokumentasi|fotografer|foto/video)"
    r"\s*[:：]\s*(?P<credit>[^()\[\]:]{2,80}?)\s*[)\]]?\s*\.?$",
    re.IGNORECASE,
)
_CREDIT_SLASH_RE = re.compile(r"\((?P<credit>[^()]{2,60}?\s*/\s*[^()]{1,60}?)\)\s*\.?$")
_DATEISH_RE = re.compile(r"\d\s*/|/\s*\d|^\s*\d")  # "(20/1)", "(2/3 warga)": not credits
_CREDIT_BARE_RE = re.compile(r"\((?P<credit>[^()/]{2,40})\)\s*\.?$")
_PHOTO_ORGS_RE = re.compile(
    r"\b(afp|reuters|ap|ap photo|epa|epa-efe|getty images?|antara foto|antara|xinhua|anadolu|"
    r"istimewa|dok|dokumentasi|shutterstock|istock|istockphoto|bloomberg|kyodo|yonhap|sputnik|tass|"
    r"instagram|twitter|facebook|youtube|tiktok|x\.com|unsplash|pexels|freepik|"
    r"pool|handout|ist|humas|ilustrasi|foto)\b",
    re.IGNORECASE,
)


def split_photo_credit(text: str, *, bare: bool = False) -> tuple[str, str] | None:
    """``(caption, credit)`` when ``text`` ends with a photo credit.

    "Bendera NATO. Foto: Reuters" → ("Bendera NATO.", "Reuters"); "... (Kazuhiro NOGI / AFP)"
    → (..., "Kazuhiro NOGI/AFP"). ``bare`` also accepts a lone agency in brackets
    ("... (AFP)"), which is only safe outside the article body.
    """
    stripped = text.strip()
    m = _CREDIT_LABEL_RE.search(stripped[-140:])
    if m:
        start = len(stripped) - len(stripped[-140:]) + m.start("label")
        caption = stripped[:start].rstrip(" (\t[")
        return caption, _normalise_credit(m.group("credit"))
    m = _CREDIT_SLASH_RE.search(stripped[-130:])
    if m:
        credit = m.group("credit")
        parts = [p.strip() for p in credit.split("/")]
        caption = stripped[: len(stripped) - len(m.group(0))].rstrip()
        if (
            all(p and not p.isdigit() for p in parts)
            and not _DATEISH_RE.search(credit)
            and (
                _PHOTO_ORGS_RE.search(credit)
                or any(p.isupper() and len(p) > 1 for p in parts)
                or (caption.endswith(".") and all(p[:1].isupper() for p in parts))
            )
        ):
            return caption, _normalise_credit(credit)
    if bare:
        m = _CREDIT_BARE_RE.search(stripped[-60:])
        if m and _PHOTO_ORGS_RE.fullmatch(m.group("credit").strip()):
            caption = stripped[: len(stripped) - len(m.group(0))].rstrip()
            return caption, _normalise_credit(m.group("credit"))
    return None


def _normalise_credit(credit: str) -> str:
    """The credit as printed, trimmed: "Andi SAPUTRA / ANTARA", "Reuters/Gleb Garanich"."""
    return re.sub(r"\s+", " ", credit.strip(" .,;"))


@dataclass(frozen=True, slots=True)
class _SourceGrammar:
    cue_re: re.Pattern[str]
    gate: tuple[str, ...]  # every cue contains one of these words: a cheap first test


@cache
def _source_grammar() -> _SourceGrammar:
    cues = load_list("id", "source_cues.txt")
    nouns = load_list("id", "media_nouns.txt")
    cue_re = re.compile(
        rf"(?<![\w])(?P<cue>{_alternation(cues)})\s+(?:dari\s+)?"
        rf"(?:(?P<noun>{_alternation(nouns)})\s+)?"
        r"(?P<name>(?-i:[A-Z][\w.&'’-]*(?:\s+(?:[A-Z][\w.&'’-]*|of|de|al)){0,4}))",
        re.IGNORECASE,
    )
    filler = {"dari", "oleh", "by", "to", "seperti", "sebagaimana", "as"}
    gate = {[w for w in cue.split() if w not in filler][-1] for cue in cues}
    return _SourceGrammar(cue_re, tuple(sorted(gate)))


_TRAILING_NAME_WORDS = re.compile(
    r"\s+(?:Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu|Monday|Tuesday|Wednesday|Thursday|"
    r"Friday|Saturday|Sunday|Pada|Yang|Dan|On|In)\b.*$"
)


def find_source_credits(text: str) -> list[tuple[str, str]]:
    """``(cue, name)`` for each "dikutip dari laman Al Jazeera", "mengutip DW", "seperti
    dilansir Reuters" in ``text``. A name must be a known medium, follow a medium word
    ("laman", "situs", "kantor berita"), or look like a medium's name."""
    out: list[tuple[str, str]] = []
    grammar = _source_grammar()
    low = text.lower()
    if not text or not any(word in low for word in grammar.gate):
        return out
    for m in grammar.cue_re.finditer(text):
        name = m.group("name")
        if not name[0].isupper():
            continue
        name = re.split(r"[.,;:!?](?:\s|$)", name)[0]
        name = _TRAILING_NAME_WORDS.sub("", name).strip(" .,;:’'")
        if not name:
            continue
        known = lookup_outlet(name)
        if known is None:
            # "dikutip dari Reuters Jepang": try the longest known prefix
            words = name.split()
            for k in range(len(words) - 1, 0, -1):
                known = lookup_outlet(" ".join(words[:k]))
                if known:
                    name = " ".join(words[:k])
                    break
        if known is not None:
            out.append((m.group("cue"), known.name))
        elif m.group("noun") or _OUTLETISH_RE.search(name):
            out.append((m.group("cue"), name))
    return out


_RELATED_PREFIX_RE = re.compile(
    r"^(?:(?:simak|tonton|saksikan)\s+(?:juga\s+)?video(?:nya)?|"
    r"(?:baca|simak|lihat|cek|tonton|klik)(?:\s+(?:juga|pula))?|pilihan\s+(?:editor|redaksi)|"
    r"(?:berita|artikel)\s+terkait|read\s+(?:more|also)|also\s+read|see\s+also|related|"
    r"recommended|watch)\s*[:：\-–—»>]*\s*",
    re.IGNORECASE,
)


def related_title(text: str) -> str | None:
    """The title on a related-article line, without its "Baca Juga:" prefix."""
    title = _RELATED_PREFIX_RE.sub("", text.strip(), count=1).strip(" \"“”'‘’»>:-–—")
    if len(title.split()) < 2:
        return None
    return " ".join(title.split())


# --------------------------------------------------------------------------------------------
# The stage
# --------------------------------------------------------------------------------------------

_UPDATED_RE = re.compile(
    r"^\s*(?:diperbarui|diupdate|pembaruan|terakhir diperbarui|update|updated|last updated|"
    r"modified)\b",
    re.IGNORECASE,
)
_NAME_TOKEN = (
    r"(?:[A-Z][A-Za-z0-9&'’-]*(?:\.[A-Za-z]{2,4}){0,2}|[a-z][a-z0-9-]*\.(?:com|co\.id|id|net|tv))"
)
_NAME_RUN_RE = re.compile(rf"{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,5}}")
_NOT_OUTLETS = frozenset(
    {
        "google",
        "google news",
        "google play",
        "instagram",
        "facebook",
        "twitter",
        "youtube",
        "tiktok",
        "whatsapp",
        "telegram",
        "play store",
        "app store",
        "apps store",
        "line",
        "x",
        "linkedin",
        "email",
        "threads",
    }
)
#: where an outlet names itself, and how much that counts
_OUTLET_SOURCES: dict[LineKind, float] = {
    LineKind.FOLLOW: 1.0,
    LineKind.SHARE: 1.0,
    LineKind.RELATED: 0.5,
}


def _name_runs(text: str) -> list[str]:
    """Capitalised name runs in ``text`` and their contiguous sub-runs (1-4 tokens)."""
    out: list[str] = []
    for m in _NAME_RUN_RE.finditer(text):
        tokens = m.group(0).split()
        for i in range(len(tokens)):
            for j in range(i + 1, min(len(tokens), i + 4) + 1):
                out.append(" ".join(tokens[i:j]))
    return out


def _brand_like(name: str) -> bool:
    """Several words, a domain, an acronym or a CamelCase word: "Detak Kota", "NusaPost"."""
    if " " in name or "." in name or (name.isupper() and len(name) >= 3):
        return True
    return any(ch.isupper() for ch in name[1:])


def _casing_rank(name: str) -> int:
    """Prefer the form printed in mixed case ("KabarSatu.id" over "KABARSATU.ID")."""
    if name.isupper():
        return 0
    if name.islower():
        return 1
    return 2


def _text_index(lines: list[Line]) -> int:
    for ln in lines:
        if ln.kind in (LineKind.LEAD, LineKind.BODY):
            return ln.index
    return len(lines)


def detect_outlet(article: Article, *, dateline: Dateline | None = None) -> tuple[str | None, str]:
    """The outlet's name and where it was read: the article field, the URL, or page text.

    From the page, each place where outlets name themselves votes: the dateline ("Jakarta,
    CNBC Indonesia –", "jpnn.com, TOKYO -"), the title's suffix, the masthead line at the top,
    calls to follow ("... dari Warta Ekonomi di Google News"), copyright and share lines,
    "More from ...". Known outlets (``lang/id/outlets.tsv``) count more, wire agencies less
    (they are sources, not publishers); an unknown name must be seen at least twice.
    """
    if article.outlet:
        known = lookup_outlet(article.outlet)
        return (known.name if known else article.outlet), "given"
    by_url = outlet_from_url(article.url)
    if by_url is not None:
        return by_url.name, "url"
    site = article.hints.get("site_name")
    if isinstance(site, str) and site.strip():
        known_site = lookup_outlet(site)
        return (known_site.name if known_site else site.strip()), "site_name"
    votes: dict[str, float] = {}
    forms: dict[str, str] = {}

    def vote(name: str | None, weight: float, *, whole: bool = False) -> None:
        if not name:
            return
        names = [name.strip(" .,:;!?-–—|")] if whole else _name_runs(name)
        for cand in dict.fromkeys(names):
            key = cand.casefold()
            if not key or key in _NOT_OUTLETS or len(key) < 2:
                continue
            votes[key] = votes.get(key, 0.0) + weight
            if key not in forms or _casing_rank(cand) > _casing_rank(forms[key]):
                forms[key] = cand

    if dateline is not None and dateline.outlet:
        vote(dateline.outlet, 2.0, whole=True)
    first = next((ln for ln in article.lines if ln.kind != LineKind.BLANK), None)
    if first is not None and first.kind == LineKind.MENU and len(first.text.split()) <= 4:
        vote(first.text, 1.0, whole=True)
    for ln in article.lines:
        if ln.kind == LineKind.TITLE or (
            ln.kind == LineKind.DUPLICATE and ln.reason.startswith("title-repeat")
        ):
            _, suffix = strip_outlet_suffix(ln.text)
            vote(suffix, 2.0, whole=True)
        weight = _OUTLET_SOURCES.get(ln.kind)
        if ln.kind == LineKind.RELATED and not ln.reason.endswith(":header"):
            weight = None  # a related title names its subject, not the outlet
        if weight:
            vote(ln.text, weight)
    if not votes:
        host = domain_of(article.url)
        return (host, "url") if host else (None, "")
    scored: list[tuple[float, int, str]] = []
    for key, score in votes.items():
        known = lookup_outlet(forms[key])
        if known is not None:
            score += 0.3 if known.type == "wire" else 1.5
        elif score < (2.0 if _brand_like(forms[key]) else 3.0):
            continue  # a plain word ("Iklan", "Beranda") needs the dateline or title suffix
        scored.append((score, len(key.split()), key))
    if not scored:
        host = domain_of(article.url)
        return (host, "url") if host else (None, "")
    _, _, key = max(scored)
    known = lookup_outlet(forms[key])
    return (known.name if known else forms[key]), "text"


@cache
def _place_zones() -> dict[str, tzinfo]:
    zones: dict[str, tzinfo] = {}
    for row in load_tsv("id", "place_zones.tsv"):
        tz = _parse_offset(row[1]) if len(row) > 1 else None
        if tz is not None:
            zones[row[0].casefold()] = tz
    return zones


_ZONE_IN_TEXT_RE = re.compile(r"\d[.:]\d\d\s*(WITA|WIT|WIB)\b")


def guess_timezone(article: Article, outlet: str | None, dateline: Dateline | None) -> tzinfo:
    """The zone of unzoned times on the page: the known outlet's, else a guess.

    For an unknown outlet: the zone its other timestamps print, else the zone of the
    dateline's place (``lang/id/place_zones.tsv``), else the zone most times in the text are
    given in, else WIB.
    """
    known = lookup_outlet(outlet) if outlet else None
    if known is not None:
        return known.tz
    zones = _grammar().zones
    for ln in article.lines:
        if ln.kind in (LineKind.TIMESTAMP, LineKind.BYLINE):
            m = _ZONE_IN_TEXT_RE.search(ln.text)
            if m:
                return zones[m.group(1)]
    if dateline is not None and dateline.place:
        tz = _place_zones().get(dateline.place.casefold())
        if tz is not None:
            return tz
    counts: dict[str, int] = {}
    for ln in article.lines:
        if ln.kind in (LineKind.LEAD, LineKind.BODY):
            for m in _ZONE_IN_TEXT_RE.finditer(ln.text):
                counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    if counts:
        return zones[max(counts.items(), key=lambda kv: kv[1])[0]]
    return WIB


def extract_metadata(
    article: Article,
    *,
    now: datetime | None = None,
    default_tz: tzinfo | None = None,
    hints: Mapping[str, Any] | None = None,
) -> Article:
    """Fill the metadata fields of ``article`` from its labelled lines (in place; returned).

    ``hints`` (by default ``article.hints``, set by the HTML and feed readers) may carry what
    a reader found outside the text: ``title``, ``published`` / ``modified`` (a string or a
    list of ``{"value", "source"}``), ``authors``, ``section``, ``site_name``, and
    ``outlet_tz`` (outlet name → UTC offset for unknown outlets).
    """
    hints = {**article.hints, **(hints or {})}
    lines = article.lines
    by_kind: dict[LineKind, list[Line]] = {}
    for ln in lines:
        by_kind.setdefault(ln.kind, []).append(ln)

    # lead and dateline: the dateline opens the lead, or the paragraph after a standfirst
    lead_line = next(iter(by_kind.get(LineKind.LEAD, [])), None)
    dateline: Dateline | None = None
    dateline_line: Line | None = None
    text_lines = [ln for ln in lines if ln.kind in (LineKind.LEAD, LineKind.BODY)][:3]
    for k, ln in enumerate(text_lines):
        dateline = parse_dateline(ln.text.strip(), colon=k == 0)
        if dateline is not None:
            dateline_line = ln
            break
    if dateline is None:
        for ln in by_kind.get(LineKind.DATELINE, []):
            dateline = parse_dateline(ln.text.strip() + " X", colon=True)
            if dateline:
                dateline_line = ln
                break

    outlet, _ = detect_outlet(article, dateline=dateline)
    article.outlet = outlet
    outlet_zones = hints.get("outlet_tz") or {}
    tz: tzinfo = (
        default_tz
        or (_parse_offset(str(outlet_zones[outlet])) if outlet in outlet_zones else None)
        or guess_timezone(article, outlet, dateline)
    )

    # title: the title line, unless it only names the outlet (a masthead taken for the
    # headline); then the reader's title hint
    title_line = next(iter(by_kind.get(LineKind.TITLE, [])), None)
    article.title = None
    if title_line is not None:
        title = strip_outlet_suffix(title_line.text, outlet)[0]
        if title and not (outlet and fold_key(title) == fold_key(outlet)):
            article.title = title
    if article.title is None and hints.get("title"):
        article.title = strip_outlet_suffix(str(hints["title"]), outlet)[0] or None

    if lead_line is not None:
        lead = lead_line.text.strip()
        if dateline is not None and dateline_line is lead_line:
            lead = lead[dateline.end :].strip() or lead
        article.lead = lead
    article.dateline = dateline.place if dateline else None

    # published / updated
    ref = now or article.fetched_at
    published: Timestamp | None = None
    updated: Timestamp | None = None
    text_start = _text_index(lines)
    candidates = [
        *by_kind.get(LineKind.TIMESTAMP, []),
        *by_kind.get(LineKind.BYLINE, []),
        *(
            ln
            for ln in lines[:text_start]
            if ln.kind not in (LineKind.TIMESTAMP, LineKind.BYLINE, LineKind.BLANK)
            and len(ln.text) < 160
            and looks_like_date(ln.text)
        ),
    ]
    for ln in candidates:
        found = find_datetime(ln.text, default_tz=tz, ref=ref)
        value = found.value if found else None
        original = ln.text[found.start : found.end].strip() if found else ln.text.strip()
        if value is None and ln.kind == LineKind.TIMESTAMP:
            value = _dateparser_fallback(ln.text.strip(), tz, ref)
        if value is None:
            continue
        stamp = Timestamp(value=value, original=original, source=f"line {ln.index}")
        if _UPDATED_RE.match(ln.text):
            updated = updated or stamp
        elif published is None:
            published = stamp
    meta_published = _hint_time(hints.get("published"), tz, ref)
    # a machine-readable time with its zone beats a printed one; otherwise it fills a gap
    if meta_published is not None and (published is None or _has_zone(meta_published.original)):
        published = meta_published
    if updated is None:
        updated = _hint_time(hints.get("modified"), tz, ref)
    if published is None:
        value = url_date(article.url, tz)
        if value is not None:
            published = Timestamp(value=value, original=article.url or "", source="url")
    if published is None and updated is not None:
        published = updated
    article.published = published
    article.updated = updated

    # authors and editors: the byline lines, else the reader's author hints
    authors: list[str] = []
    editors: list[str] = []
    for ln in _near_text(lines, by_kind.get(LineKind.BYLINE, [])):
        a, e = parse_byline(ln.text)
        authors += [x for x in a if x not in authors]
        editors += [x for x in e if x not in editors]
    if not authors:
        for value in hints.get("authors") or []:
            name = _clean_name(str(value))
            if name and name not in authors:
                authors.append(name)
    for ln in _near_text(lines, by_kind.get(LineKind.EDITOR, [])):
        editors += [x for x in parse_editor(ln.text) if x not in editors]
    article.authors = authors
    article.editor = editors

    # credits
    credits: list[Credit] = []

    def credit(kind: str, name: str, text: str, line: int | None) -> None:
        if name and not any(c.kind == kind and c.name == name for c in credits):
            credits.append(Credit(kind=kind, name=name, text=text, line=line))  # type: ignore[arg-type]

    for ln in lines:
        if ln.kind in (LineKind.CAPTION, LineKind.PHOTO_CREDIT):
            split = split_photo_credit(ln.text, bare=True)
            if split is not None:
                credit("photo", split[1], ln.text.strip(), ln.index)
        elif ln.kind == LineKind.SOURCE:
            name = _source_line_name(ln.text)
            if name:
                credit("source", name, ln.text.strip(), ln.index)
        elif ln.kind in (LineKind.LEAD, LineKind.BODY):
            for _cue, name in find_source_credits(ln.text):
                credit("quoted_from", name, ln.text.strip()[:200], ln.index)
    if dateline is not None and dateline.agency:
        agency = lookup_outlet(dateline.agency)
        credit(
            "wire",
            agency.name if agency else dateline.agency,
            dateline_line.text[: dateline.end].strip() if dateline_line else "",
            dateline_line.index if dateline_line else None,
        )
    article.credits = credits

    # related titles and section
    related: list[str] = []
    for ln in by_kind.get(LineKind.RELATED, []):
        if ln.reason.endswith(":header"):
            continue
        title = related_title(ln.text)
        if title and title not in related:
            related.append(title)
    article.related_titles = related
    article.section = _section(lines) or (str(hints["section"]) if hints.get("section") else None)
    return article


NEAR_TEXT = 15  # bylines and editor lines count within this many lines of the article text


def _near_text(lines: list[Line], chosen: list[Line]) -> list[Line]:
    """``chosen`` lines close to the article (a sidebar widget far away names nobody)."""
    kinds = (LineKind.TITLE, LineKind.LEAD, LineKind.BODY, LineKind.SUBHEADING)
    text = [ln.index for ln in lines if ln.kind in kinds]
    if not text:
        return chosen
    first, last = text[0] - NEAR_TEXT, text[-1] + NEAR_TEXT
    return [ln for ln in chosen if first <= ln.index <= last]


def _hint_time(value: Any, tz: tzinfo, ref: datetime | None) -> Timestamp | None:
    """The first readable time among a reader's hints (a string or ``{"value", "source"}``)."""
    items = value if isinstance(value, list) else [value] if value else []
    for item in items:
        text = item.get("value") if isinstance(item, dict) else item
        source = item.get("source", "meta") if isinstance(item, dict) else "meta"
        if not isinstance(text, str) or not text.strip():
            continue
        parsed = parse_datetime(text, default_tz=tz, ref=ref, fallback=True)
        if parsed is not None:
            return Timestamp(value=parsed, original=text.strip(), source=str(source))
    return None


def _has_zone(text: str) -> bool:
    return bool(re.search(r"(Z|[+-]\d{2}:?\d{2})\s*$", text.strip()))


_SOURCE_LINE_RE = re.compile(
    r"^(?:sumber(?:\s+berita)?|source|disadur dari|diterjemahkan dari|dilansir dari|"
    r"dikutip dari|diolah dari|disarikan dari)\s*[:：]?\s*(?P<name>.+)$",
    re.IGNORECASE,
)


def _source_line_name(text: str) -> str | None:
    m = _SOURCE_LINE_RE.match(text.strip())
    if not m:
        names = find_outlet_names(text)
        return names[0] if names else None
    name = m.group("name").strip(" .:")
    if name.casefold() in {"link", "artikel", "article"}:
        return None
    known = lookup_outlet(name)
    return known.name if known else (name if len(name.split()) <= 5 else None)


def _section(lines: list[Line]) -> str | None:
    for ln in lines:
        if ln.kind == LineKind.MENU and ln.reason == "kicker":
            return " ".join(ln.text.split())
    for ln in lines:
        if ln.kind == LineKind.MENU and ln.reason == "rule:breadcrumb":
            crumbs = [c.strip() for c in re.split(r"[»›>/|]", ln.text) if c.strip()]
            crumbs = [c for c in crumbs if c.casefold() not in {"home", "beranda"}]
            if crumbs:
                return crumbs[-1]
    return None


@stage("metadata", requires=("kinds",), provides=("title", "published", "outlet", "metadata"))
def metadata_stage(article: Article, ctx: StageContext) -> Article:
    """Title, lead, published time, outlet, authors, editor, dateline, credits, related, section."""
    tz = ctx.options.get("default_tz")
    default_tz = _parse_offset(tz) if isinstance(tz, str) else tz
    hints = {"outlet_tz": ctx.options["outlet_tz"]} if ctx.options.get("outlet_tz") else None
    extract_metadata(article, now=ctx.now, default_tz=default_tz, hints=hints)
    article.stages.append("metadata")
    return article
