"""Stage ``clean``: label every line of a page with a :class:`~kabar.models.LineKind`.

Text dumps of news pages mix the article with navigation, app banners, related links, ads,
share buttons, captions, bylines, editor initials and tag lists. ``clean`` keeps every line
and says what it is, with the reason (the rule or feature that decided) and a score.

How a page is labelled (:func:`classify_lines`), in order:

1. **Pattern tables** (``lang/id/boilerplate.tsv``, ``lang/en/boilerplate.tsv``): anchored
   regexes → kind, each limited to lines of at most ``max_words`` words so that a real
   paragraph that happens to contain "Baca juga" or "Google News" is never removed. Header
   rules ("Baca selengkapnya:", "Artikel Selanjutnya", "BERITA LAINNYA") also claim the next
   title-like line or the following list.
2. **Shape rules**: a line ending in a photo credit is a caption ("... Foto: Reuters",
   "(Name / AFP)"), a line that is only a date is a timestamp, a name next to a date is a
   byline, "(sef/sef)" are editor initials.
3. **Outlet templates** (:class:`OutletTemplates`): lines that recur on many pages of the
   same outlet are boilerplate, learned from the corpus itself.
4. **The article block**: "strong" lines (long, sentence-like, with function words) mark
   where the article is; everything between the first and last strong line that no rule
   claimed is body (recall first: a real paragraph is never dropped), a short line there is
   a subheading. Lines above the block hold the title (scored: near the body, repeated as a
   caption prefix or with a " - OUTLET" suffix, headline length), the kicker/section, the
   byline; runs of short lines around the block are menus (top) and tag lists (bottom).
5. **Neighbourhood and repetition**: a short line between two lines of the same boilerplate
   kind takes that kind; a repeated paragraph or caption is a ``duplicate`` of its first
   occurrence; the title repeated with an outlet suffix is a duplicate too.
6. The first body paragraph after the title is the ``lead``.

:func:`classify_lines` is pure (texts in, labels out) so the HTML reader can label lines it
renders from a DOM, passing DOM features as ``hints``.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from kabar.lang import load_tsv
from kabar.models import Article, LineKind
from kabar.pipeline.metadata import (
    domain_of,
    find_datetime,
    fold_key,
    function_words,
    has_function_word,
    looks_like_date,
    lookup_outlet,
    parse_byline,
    split_photo_credit,
    strip_outlet_suffix,
)
from kabar.pipeline.registry import StageContext, stage

if TYPE_CHECKING:
    from kabar.store.base import Store

Label = tuple[LineKind, str, float]

K = LineKind

#: Kinds a boilerplate rule can give that may sit inside the article block without ending it.
_INBODY_KINDS = frozenset({K.RELATED, K.AD, K.CAPTION, K.PHOTO_CREDIT, K.DUPLICATE, K.BLANK})
#: Kinds whose repeats become ``duplicate``.
_DUP_KINDS = frozenset({K.BODY, K.LEAD, K.SUBHEADING, K.CAPTION, K.UNKNOWN, K.TITLE})
#: Kinds that make up the article text.
_TEXT = frozenset({K.BODY, K.LEAD, K.SUBHEADING})
#: Labels an outlet template may overrule (the classifier's guesses, not specific rules).
_TEMPLATE_TAKES = frozenset({K.BODY, K.SUBHEADING, K.UNKNOWN})
#: Boilerplate kinds a short unlabelled line takes from two agreeing neighbours.
_SMOOTH_KINDS = frozenset({K.FOLLOW, K.SHARE, K.AD, K.TAGS, K.MENU})

_MAX_FEATURE_CHARS = 240  # ratios of long lines are read from their start only
_LONG_LINE = 20_000  # beyond this a line is not matched against patterns at all


# --------------------------------------------------------------------------------------------
# Pattern tables
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BoilerplateRule:
    """One row of a ``boilerplate.tsv`` table."""

    name: str
    kind: LineKind
    max_words: int
    span: str  # "line", "next" or "run"
    pattern: str
    case_sensitive: bool

    @property
    def anywhere(self) -> bool:
        """The pattern looks inside the line (``.*``), not at its start."""
        return ".*" in self.pattern[:4] or "|.*" in self.pattern


@cache
def boilerplate_rules() -> tuple[BoilerplateRule, ...]:
    """The Indonesian rules, then the English ones (first match wins)."""
    rules: list[BoilerplateRule] = []
    for lang in ("id", "en"):
        for row in load_tsv(lang, "boilerplate.tsv"):
            if len(row) < 6:
                continue
            name, kind, max_words, span, case, pattern = row[:6]
            rules.append(
                BoilerplateRule(name, LineKind(kind), int(max_words), span, pattern, case == "s")
            )
    return tuple(rules)


_BUCKETS = (2, 4, 6, 8, 12, 16, 25, 45)


def _bucket(max_words: int) -> int:
    return next((b for b in _BUCKETS if b >= max_words), max_words)


class _RuleMatcher:
    """All rules in one alternation per word-count bucket: one ``match`` call per line."""

    def __init__(self, rules: Sequence[BoilerplateRule]) -> None:
        self.rules = list(rules)
        # a few word-count buckets (each a compiled alternation), a rule's limit rounded up
        self.thresholds = sorted({_bucket(r.max_words) for r in rules})
        self.regexes: dict[tuple[int, bool], re.Pattern[str]] = {}
        for t in self.thresholds:
            for anchored_only in (False, True):
                parts = [
                    f"(?P<r{i}>{'(?:' if r.case_sensitive else '(?i:'}{r.pattern}))"
                    for i, r in enumerate(self.rules)
                    if _bucket(r.max_words) >= t and not (anchored_only and r.anywhere)
                ]
                self.regexes[t, anchored_only] = re.compile("|".join(parts) or "(?!)")
        self.max_words = self.thresholds[-1] if self.thresholds else 0
        # Rules that look inside a line all need one of their literal words (4+ letters) to be
        # there: one quick search for any of them spares most lines the slow alternatives.
        words: set[str] = set()
        for r in self.rules:
            if r.anywhere:
                words.update(
                    re.findall(r"[a-z]{4,}", re.sub(r"\\[a-zA-Z]", " ", r.pattern.lower()))
                )
        self.inline_words = frozenset(words)

    def match(
        self,
        text: str,
        n_words: int,
        *,
        anchored_only: bool = False,
        words: Iterable[str] | None = None,
    ) -> BoilerplateRule | None:
        """The first rule matching ``text``; ``anchored_only`` skips rules that look inside
        the line (a paragraph of running text that mentions "Google News" stays text).
        ``words`` (the line's lower-cased words) lets lines without any of the inline rules'
        words skip those rules."""
        k = bisect.bisect_left(self.thresholds, n_words)
        if k >= len(self.thresholds):
            return None
        if words is None:
            words = _WORD_RE.findall(text.lower())
        anchored_only = anchored_only or self.inline_words.isdisjoint(words)
        m = self.regexes[self.thresholds[k], anchored_only].match(text)
        if m is None or m.lastgroup is None:
            return None
        return self.rules[int(m.lastgroup[1:])]


@cache
def _matcher() -> _RuleMatcher:
    return _RuleMatcher(boilerplate_rules())


@lru_cache(maxsize=50_000)
def _short_line_rule(text: str, n_words: int, prose: bool) -> BoilerplateRule | None:
    """Rule lookups for short lines, memoised: menus and footers repeat on every page."""
    return _matcher().match(text, n_words, anchored_only=prose)


# --------------------------------------------------------------------------------------------
# Line features
# --------------------------------------------------------------------------------------------

_WORD_RE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_SPACE_RE = re.compile(r"\s+")
_INVISIBLE_RE = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")
_NONLATIN_RE = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2000-\u20cf\u2100-\u214f\s\d]")
_LINKLIKE_RE = re.compile(
    r"(https?://|www\.|\b[\w-]+\.(?:com|co\.id|id|net|org)\b/|@\w{3,}|#\w{3,})", re.I
)
_TRAILING_CLOSERS = "\"”’'»)]*"
_FIRST_CHAR = itemgetter(0)
_DIGIT_RE = re.compile(r"\d")


@dataclass(slots=True)
class LineFeatures:
    """What the classifier reads from one line."""

    text: str  # stripped, spaces collapsed
    n_words: int = 0
    n_chars: int = 0
    stop_ratio: float = 0.0
    title_ratio: float = 0.0
    ends_sentence: bool = False  # ends with . ! ? … (before closing quotes/brackets)
    ends_period: bool = False  # ends with a plain full stop (not "...")
    commas: int = 0
    has_digit: bool = False
    link_like: bool = False
    foreign: bool = False  # mostly letters of a non-Latin script
    binary: bool = False  # control characters, replacement characters
    blank: bool = False
    _key: str | None = None

    @property
    def key(self) -> str:
        """The line folded for comparison: lower case, letters and digits only."""
        if self._key is None:
            self._key = fold_key(self.text)
        return self._key

    @property
    def strong(self) -> bool:
        """Looks like an article paragraph on its own."""
        if self.foreign:  # scripts without spaces: count characters, not words
            return self.n_chars >= 80 or (self.n_chars >= 30 and self.ends_sentence)
        return (
            self.n_words >= 15
            and self.stop_ratio >= 0.08
            and not self.link_like
            and (self.ends_sentence or self.n_words >= 25 or self.commas >= 2)
        )

    @property
    def prose(self) -> bool:
        """A long line of running text: many function words, few capitalised words."""
        return (
            self.n_words > 20
            and self.stop_ratio >= 0.22
            and self.title_ratio < 0.3
            and self.ends_sentence
        )

    @property
    def sentence_like(self) -> bool:
        return (self.ends_sentence and self.n_words >= 3) or self.n_words >= 12 or self.strong


_SHORT_LINE = 160  # lines up to this long recur across pages (menus, footers): memoised


def line_features(raw: str) -> LineFeatures:
    """Features of one line (cheap: a few C-level string scans and regexes)."""
    if len(raw) <= _SHORT_LINE:
        return _short_line_features(raw)
    return _line_features(raw)


def _line_features(raw: str) -> LineFeatures:
    text = raw.strip()
    if text and not text.isascii():
        text = _INVISIBLE_RE.sub("", text).strip()
    if not text:
        return LineFeatures(text="", blank=True)
    if "  " in text or "\t" in text:
        text = _SPACE_RE.sub(" ", text)
    f = LineFeatures(text=text, n_chars=len(text))
    head = text if len(text) <= _MAX_FEATURE_CHARS else text[:_MAX_FEATURE_CHARS]
    if not head.isprintable() or "\ufffd" in head:
        bad = len(_CONTROL_RE.findall(head))
        if bad * 20 > len(head):
            f.binary = True
            return f
    f.n_words = text.count(" ") + 1
    # whitespace tokens, counted with C-level maps (a regex pass per line costs 3x more)
    tokens = head.split()
    if tokens:
        f.stop_ratio = sum(map(function_words().__contains__, head.lower().split())) / len(tokens)
        f.title_ratio = sum(map(str.isupper, map(_FIRST_CHAR, tokens))) / len(tokens)
    tail = text.rstrip(_TRAILING_CLOSERS)
    last = tail[-1:] if tail else ""
    f.ends_sentence = last in ".!?…。！？"
    f.ends_period = last == "." and not tail.endswith("..")
    f.commas = head.count(",")
    f.has_digit = _DIGIT_RE.search(head) is not None
    f.link_like = ("/" in head or "@" in head or "#" in head or "www." in head) and bool(
        _LINKLIKE_RE.search(head)
    )
    if not head.isascii():
        foreign = len(_NONLATIN_RE.findall(head))
        f.foreign = foreign * 2 > len(head)
    return f


_short_line_features = lru_cache(maxsize=20_000)(_line_features)


def _body_score(f: LineFeatures) -> float:
    """A body-paragraph probability from hand-set weights (the score of classifier labels)."""
    z = (
        -3.0
        + 0.12 * min(f.n_words, 40)
        + 1.5 * f.ends_sentence
        + 6.0 * min(f.stop_ratio, 0.4)
        - 1.2 * max(0.0, f.title_ratio - 0.5)
        - 2.0 * f.link_like
        + 0.3 * min(f.commas, 3)
    )
    return round(1.0 / (1.0 + math.exp(-z)), 3)


# --------------------------------------------------------------------------------------------
# Shape rules
# --------------------------------------------------------------------------------------------

_TS_REST_RE = re.compile(
    r"^(?:(?:diperbarui|diupdate|dipublikasikan|diterbitkan|terbit|tayang|published|updated|"
    r"posted|last updated|update|pukul|pkl|jam|on|at|wib|wita|wit|gmt|utc|waktu|tanggal|tgl|"
    r"hari|date|dibuat|created|modified)\b\.?|[\s,|•·–—\-:/()]|"
    # read counters and reading times printed beside the date
    r"(?:dibaca|views?|reads?|waktu baca|reading time)\s*:?\s*[\d.,]+\s*(?:kali|x|menit|min)?\b|"
    r"[\d.,]+\s*(?:kali dibaca|views|komentar|comments|menit baca|min read)\b)*$",
    re.IGNORECASE,
)
_DATELINE_ONLY_RE = re.compile(
    r"^[A-Z][A-Za-z'’.]*(?: [A-Z][A-Za-z'’.]*){0,2}\s*(?:\([A-Za-z .]{2,20}\))?\s*[-–—:]{1,3}$"
)
_ILLUSTRATION_RE = re.compile(r"^(?:foto\s+)?ilustrasi\b", re.IGNORECASE)
_HEADLINE_ATTRIBUTION_RE = re.compile(
    r"^.{8,120}\S\s[-–—]\s(?:[A-Z][\w.'’-]*)(?:\s[A-Z][\w.'’-]*){0,2}$"
)
_DATE_REF = datetime(2000, 1, 1, tzinfo=UTC)  # lets relative dates ("2 jam lalu") count


def _may_end_in_credit(text: str) -> bool:
    """Cheap test before the credit regexes: a credit label, or "(... / ...)" at the end."""
    tail = text[-150:].lower()
    if text[-1] in ")]" and "/" in tail:
        return True
    return (
        "foto" in tail
        or "photo" in tail
        or "gambar" in tail
        or "image" in tail
        or "credit" in tail
        or "dok" in tail
    )


def _date_line_kind(text: str) -> Label | None:
    """A timestamp line, or a byline that carries the date, or None."""
    found = find_datetime(text, ref=_DATE_REF)
    if found is None:
        return None
    rest = (text[: found.start] + " " + text[found.end :]).strip()
    if _TS_REST_RE.match(rest):
        return (K.TIMESTAMP, "date-line", 1.0)
    if len(rest.split()) <= 10:
        authors, _ = parse_byline(rest)
        if authors and len(" ".join(authors).split()) >= 2:
            return (K.BYLINE, "name-and-date", 0.9)
        if lookup_outlet(rest.strip(" -–—|•,:")) is not None:
            return (K.TIMESTAMP, "outlet-and-date", 0.9)
    return None


_QUOTE_OPENERS = "\"“‘'«"


def _question_heading(f: LineFeatures) -> bool:
    """A short question standing alone ("Kenapa Korsel dan Jepang?"): a subheading."""
    return (
        f.n_words <= 10
        and f.text.endswith("?")
        and f.text[0] not in _QUOTE_OPENERS
        and ". " not in f.text
        and f.text.count("?") == 1
    )


_NAME_OUTLET_RE = re.compile(
    r"^(?P<name>[A-Z][\w.'’-]*(?:,?\s+[A-Z][\w.'’-]*){1,5})\s+[-–—|]\s+(?P<outlet>\S+(?:\s+\S+){0,2})$"
)


def _name_and_outlet(text: str) -> bool:
    """A byline naming the writer and the outlet: "Dewi Anggraini - detikNews" (or a desk:
    "Tim Redaksi - detikNews")."""
    head, suffix = strip_outlet_suffix(text)
    if suffix is None or (lookup_outlet(suffix) is None and not _NAME_OUTLET_RE.match(text)):
        return False
    words = head.split()
    if not 1 <= len(words) <= 5 or has_function_word(words):
        return False
    authors, _ = parse_byline(head)
    if authors:
        return " ".join(authors).count(" ") + 1 == len(words)
    return words[0].casefold() in ("tim", "redaksi", "team", "admin")


def _title_like(f: LineFeatures) -> bool:
    return 1 <= f.n_words <= 25 and not f.ends_period and not f.strong and not f.binary


def _name_shape(f: LineFeatures) -> bool:
    if not 2 <= f.n_words <= 5 or f.has_digit or f.ends_sentence or f.stop_ratio > 0:
        return False
    authors, _ = parse_byline(f.text)
    return bool(authors) and len(" ".join(authors).split()) == f.n_words


# --------------------------------------------------------------------------------------------
# The classifier
# --------------------------------------------------------------------------------------------


def _hint(hints: Mapping[str, Any], key: str, i: int) -> Any:
    values = hints.get(key)
    if values is None:
        return None
    try:
        return values[i]
    except (IndexError, TypeError):
        return None


def classify_lines(
    texts: Sequence[str],
    *,
    outlet: str | None = None,
    templates: OutletTemplates | None = None,
    hints: Mapping[str, Any] | None = None,
) -> list[Label]:
    """Label each line: ``(kind, reason, score)`` per text, in order, one per input line.

    ``outlet`` selects the outlet's learned ``templates`` (recurring boilerplate lines).
    ``hints`` carries optional DOM features for lines rendered from HTML, each a list
    parallel to ``texts``: ``tags`` (element name: "h1", "h2", "p", "li", "a", "figcaption",
    "nav", ...), ``link_density`` (0..1, share of the line's text inside links); and
    ``title`` (the page's ``<title>``/``og:title``) as a string.
    """
    n = len(texts)
    hints = hints or {}
    feats = [line_features(t) for t in texts]
    out: list[Label | None] = [None] * n
    matcher = _matcher()
    headers: list[tuple[int, BoilerplateRule]] = []
    outlet_key = templates.outlet_key(outlet) if templates is not None and outlet else None

    # 1-3: blank, binary, pattern tables, shape rules, templates
    for i, f in enumerate(feats):
        if f.blank:
            out[i] = (K.BLANK, "blank", 1.0)
            continue
        if f.binary:
            out[i] = (K.UNKNOWN, "binary", 1.0)
            continue
        if f.n_chars > _LONG_LINE:
            continue
        if f.n_words > matcher.max_words:
            rule = None
        elif f.n_chars <= _SHORT_LINE:
            rule = _short_line_rule(f.text, f.n_words, f.prose)
        else:
            rule = matcher.match(f.text, f.n_words, anchored_only=f.prose)
        if rule is not None:
            if rule.span != "line":
                headers.append((i, rule))
                out[i] = (rule.kind, f"rule:{rule.name}:header", 1.0)
            else:
                out[i] = (rule.kind, f"rule:{rule.name}", 1.0)
            continue
        if f.n_words <= 70 and _may_end_in_credit(f.text):
            split = split_photo_credit(f.text)
            if split is not None:
                caption_words = len(split[0].split())
                kind = K.PHOTO_CREDIT if caption_words <= 1 else K.CAPTION
                out[i] = (kind, "photo-credit", 1.0)
                continue
        if f.n_words <= 16 and f.has_digit and looks_like_date(f.text):
            label = _date_line_kind(f.text)
            if label is not None:
                out[i] = label
                continue
        if f.n_words <= 8 and _name_and_outlet(f.text):
            out[i] = (K.BYLINE, "name-and-outlet", 0.9)
            continue
        if f.n_words <= 4 and _DATELINE_ONLY_RE.match(f.text):
            out[i] = (K.DATELINE, "dateline-only", 0.9)
            continue
        tag = _hint(hints, "tags", i)
        if tag == "figcaption":
            out[i] = (K.CAPTION, "tag:figcaption", 0.9)
            continue

    # a sentence right above a lone photo credit is that photo's caption
    for i in range(n):
        label = out[i]
        if label is None or label[0] != K.PHOTO_CREDIT:
            continue
        j = i - 1
        while j >= 0 and feats[j].blank and i - j <= 2:
            j -= 1
        if j >= 0 and out[j] is None and not feats[j].blank and feats[j].n_words <= 60:
            out[j] = (K.CAPTION, "above-credit", 0.8)

    # header rules claim the next title-like line or the following list
    list_lines: list[int] = []  # headers of lists and their items
    for i, rule in headers:
        if rule.span == "run":
            list_lines.append(i)
        taken, blanks, j = 0, 0, i + 1
        spaced: bool | None = None  # are the list's items separated by blank lines?
        while j < n and taken < 15:
            if feats[j].blank:
                blanks += 1
                if blanks >= 3 or (spaced is False and rule.span == "run"):
                    break
                j += 1
                continue
            if spaced is None:
                spaced = blanks > 0
            blanks = 0
            if out[j] is not None or not _title_like(feats[j]):
                break
            out[j] = (rule.kind, f"rule:{rule.name}:item", 0.9)
            if rule.span == "run":
                list_lines.append(j)
            taken += 1
            if rule.span == "next":
                break
            j += 1

    # 4: the article block
    def is_strong(i: int) -> bool:
        f = feats[i]
        density = _hint(hints, "link_density", i)
        if density is not None and density >= 0.5:
            return False
        if _hint(hints, "tags", i) == "p" and (density or 0.0) < 0.3 and f.n_words >= 8:
            return True
        return f.strong

    strong = [i for i in range(n) if out[i] is None and is_strong(i)]
    if not strong:
        strong = [
            i
            for i in range(n)
            if out[i] is None
            and feats[i].n_words >= 8
            and feats[i].ends_sentence
            and feats[i].stop_ratio > 0.05
        ]

    title_idx = _find_title(feats, out, strong, hints)
    if title_idx is not None:
        out[title_idx] = (K.TITLE, "title", 0.9)
        # sentences above the headline are captions of the lead picture
        for i in [s for s in strong if s < title_idx]:
            out[i] = (K.CAPTION, "above-title", 0.6)
        strong = [s for s in strong if s > title_idx]

    # a "Terkini / Populer" list above the headline is navigation, not related articles
    top = title_idx if title_idx is not None else (strong[0] if strong else 0)
    for i in list_lines:
        label = out[i]
        if i < top and label is not None:
            out[i] = (K.MENU, "nav-run", 0.8)

    if strong:
        start, end = strong[0], strong[-1]
        start = _extend_up(feats, out, start, title_idx)
        end = _extend_down(feats, out, end)
    else:
        start, end = n, -1

    # 5a: neighbourhood smoothing for short unlabelled lines between agreeing boilerplate
    _smooth(feats, out)

    # labels inside the block
    for i in range(max(start, 0), min(end + 1, n)):
        if out[i] is not None:
            continue
        f = feats[i]
        tag = _hint(hints, "tags", i)
        density = _hint(hints, "link_density", i) or 0.0
        if density >= 0.7 and f.n_words <= 25:
            out[i] = (K.RELATED, "links-in-body", 0.7)
        elif tag in ("h2", "h3", "h4", "h5", "h6") and f.n_words <= 25:
            out[i] = (K.SUBHEADING, f"tag:{tag}", 0.9)
        elif _question_heading(f):
            out[i] = (K.SUBHEADING, "question-heading", 0.6)
        elif f.sentence_like:
            out[i] = (K.BODY, "in-block", max(_body_score(f), 0.5))
        elif _HEADLINE_ATTRIBUTION_RE.match(f.text) and f.n_words <= 15:
            out[i] = (K.RELATED, "headline-in-body", 0.6)
        elif f.n_words >= 2 or f.text.endswith(("?", ":")):
            out[i] = (K.SUBHEADING, "short-in-block", 0.6)
        else:
            out[i] = (K.UNKNOWN, "lone-word-in-block", 0.5)

    # labels above the block: byline names, kicker, menu runs, stray sentences
    runs = _short_runs(feats, out)
    for i in range(0, min(start, n)):
        if out[i] is not None:
            continue
        f = feats[i]
        if title_idx is not None and title_idx < i and _name_shape(f):
            out[i] = (K.BYLINE, "name-shape", 0.7)
        elif i in runs:
            out[i] = (K.MENU, "nav-run", 0.8)
        elif (
            title_idx is not None
            and i < title_idx
            and f.n_words <= 4
            and _nonblank_between(feats, i, title_idx) <= 1
        ):
            out[i] = (K.MENU, "kicker", 0.7)
        elif f.n_words <= 40 and (
            _ILLUSTRATION_RE.match(f.text) or split_photo_credit(f.text, bare=True)
        ):
            # above the article, "Ilustrasi ..." or "... (Dok. Istimewa)" is a photo caption
            out[i] = (K.CAPTION, "caption-above-text", 0.7)
        elif f.sentence_like and f.n_words >= 8:
            out[i] = (K.BODY, "above-block", _body_score(f))
        elif f.n_words <= 6:
            out[i] = (K.MENU, "top-short", 0.6)
        else:
            out[i] = (K.UNKNOWN, "above-block", 0.5)

    # labels below the block: lists (tags), footer menus
    for i in range(max(end + 1, 0), n):
        if out[i] is not None:
            continue
        f = feats[i]
        if i in runs:
            out[i] = (K.TAGS, "list-run", 0.7)
        elif f.n_words <= 6:
            out[i] = (K.MENU, "footer-short", 0.6)
        else:
            out[i] = (K.UNKNOWN, "below-block", 0.5)

    # 3 (late): outlet templates take lines the structure left as text or unknown; never the
    # headline, never a paragraph (one an outlet repeats across stories is still a paragraph)
    if outlet_key is not None and templates is not None:
        for i, f in enumerate(feats):
            label = out[i]
            if label is None or label[0] not in _TEMPLATE_TAKES or f.strong or i == title_idx:
                continue
            share = templates.share(outlet_key, f.text)
            if share is not None:
                out[i] = (K.MENU if f.n_words <= 6 else K.UNKNOWN, "template", round(share, 3))

    # 5b: repeats
    _mark_duplicates(feats, out, title_idx)

    # 6: lead = the first body paragraph after the title
    first = title_idx + 1 if title_idx is not None else 0
    lead = None
    for i in range(first, n):
        label = out[i]
        if label is not None and label[0] == K.BODY and feats[i].n_words >= 5:
            lead = i
            break
    if lead is not None:
        label = out[lead]
        out[lead] = (K.LEAD, "first-body", label[2] if label else 0.8)

    return [label if label is not None else (K.UNKNOWN, "unlabelled", 0.0) for label in out]


def _nonblank_between(feats: Sequence[LineFeatures], a: int, b: int) -> int:
    return sum(1 for k in range(a + 1, b) if not feats[k].blank)


def _find_title(
    feats: Sequence[LineFeatures],
    out: Sequence[Label | None],
    strong: Sequence[int],
    hints: Mapping[str, Any],
) -> int | None:
    """The headline: a title-shaped line above the article block, scored."""
    n = len(feats)
    first_strong = strong[0] if strong else min(n, 40)
    limit = min(n, first_strong + 8)
    hint_title = fold_key(str(hints.get("title") or ""))
    hint_title = fold_key(strip_outlet_suffix(str(hints.get("title") or ""))[0]) or hint_title
    # a headline is repeated near the top (as a caption prefix, or with an outlet suffix)
    keys = [f.key if not f.blank and f.n_chars <= 400 else "" for f in feats[: min(n, limit + 30)]]
    by_prefix: dict[str, list[int]] = {}
    for j, kj in enumerate(keys):
        if len(kj) >= 8:
            by_prefix.setdefault(kj[:8], []).append(j)
    # non-blank lines before each index, to count the lines between a candidate and the text
    nonblank_before = [0] * (n + 1)
    for j, fj in enumerate(feats):
        nonblank_before[j + 1] = nonblank_before[j] + (not fj.blank)
    best: tuple[float, int] | None = None
    for i in range(limit):
        f = feats[i]
        label = out[i]
        if f.blank or f.binary or (label is not None and label[0] != K.CAPTION):
            continue
        if label is not None:
            continue  # captions are never titles, but keep them for the repeat check below
        if not 2 <= f.n_words <= 35 or f.n_chars > 300 or f.ends_period or f.strong:
            continue
        key = keys[i] if i < len(keys) else f.key
        if len(key) < 8:
            continue
        score = 1.0
        repeated = any(
            j != i and keys[j].startswith(key) and len(keys[j]) - len(key) < 200
            for j in by_prefix.get(key[:8], ())
        )
        if repeated:
            score += 3.0
        tag = _hint(hints, "tags", i)
        if tag == "h1":
            score += 4.0
        if hint_title and (key == hint_title or (len(key) > 15 and key in hint_title)):
            score += 5.0
        if i > first_strong:
            if score < 3.0:
                continue  # below the first paragraph only with real evidence
            score -= 1.0
        if 4 <= f.n_words <= 25:
            score += 1.0
        elif f.n_words < 4:
            score -= 0.5
        if f.title_ratio >= 0.5:
            score += 0.5
        base, suffix = strip_outlet_suffix(f.text)
        if suffix is not None:
            score += 1.0 if len(base.split()) >= 3 else -2.0
        if f.text.endswith(")") or ". " in f.text:
            score -= 1.5  # a caption or a sentence, not a headline
        prev = i - 1
        while prev >= 0 and feats[prev].blank:
            prev -= 1
        if prev >= 0 and out[prev] is not None and out[prev][0] in (K.MENU, K.FOLLOW):
            score += 0.5  # right below the masthead, menu or app banner
        between = nonblank_before[first_strong] - nonblank_before[i + 1] if i < first_strong else 0
        score += 1.0 / (1.0 + between)
        neighbours = [
            feats[k].n_words
            for k in (i - 2, i - 1, i + 1, i + 2)
            if 0 <= k < n and not feats[k].blank
        ]
        if neighbours and max(neighbours) <= 3 and f.n_words <= 4:
            score -= 1.5  # one item of a menu
        if best is None or score > best[0]:
            best = (score, i)
    if best is None or best[0] < 1.5:
        return None
    return best[1]


def _extend_up(
    feats: Sequence[LineFeatures], out: Sequence[Label | None], start: int, title: int | None
) -> int:
    i = start - 1
    floor = title if title is not None else -1
    while i > floor:
        f = feats[i]
        if f.blank:
            i -= 1
            continue
        if out[i] is None and f.ends_period and f.n_words >= 6 and f.stop_ratio > 0.05:
            start = i
            i -= 1
            continue
        break
    return start


def _extend_down(feats: Sequence[LineFeatures], out: Sequence[Label | None], end: int) -> int:
    i = end + 1
    n = len(feats)
    while i < n:
        f = feats[i]
        label = out[i]
        if f.blank or (label is not None and label[0] in _INBODY_KINDS):
            i += 1
            continue
        if label is None and f.sentence_like:
            end = i
            i += 1
            continue
        if label is None and _title_like(f):
            # a subheading followed by more sentences stays inside the block
            k = i + 1
            while k < n and feats[k].blank:
                k += 1
            if k < n and out[k] is None and feats[k].sentence_like:
                end = k
                i = k + 1
                continue
        break
    return end


def _smooth(feats: Sequence[LineFeatures], out: list[Label | None]) -> None:
    nonblank = [i for i, f in enumerate(feats) if not f.blank]
    for pos, i in enumerate(nonblank):
        if out[i] is not None or feats[i].n_words > 8 or feats[i].strong:
            continue
        if pos == 0 or pos == len(nonblank) - 1:
            continue
        prev, nxt = out[nonblank[pos - 1]], out[nonblank[pos + 1]]
        if prev is not None and nxt is not None and prev[0] == nxt[0] and prev[0] in _SMOOTH_KINDS:
            out[i] = (prev[0], "neighbours", 0.7)


def _short_runs(feats: Sequence[LineFeatures], out: Sequence[Label | None]) -> set[int]:
    """Unlabelled lines inside runs of >= 3 consecutive short lines (single blanks allowed)."""
    members: set[int] = set()
    run: list[int] = []
    blanks = 0

    def close() -> None:
        if len(run) >= 3:
            members.update(k for k in run if out[k] is None)

    for i, f in enumerate(feats):
        if f.blank:
            blanks += 1
            if blanks >= 2:
                close()
                run = []
            continue
        blanks = 0
        label = out[i]
        short = f.n_words <= 5 and not f.ends_period
        if short and (label is None or label[0] in (K.MENU, K.TAGS, K.FOLLOW, K.SHARE)):
            run.append(i)
        else:
            close()
            run = []
    close()
    return members


def _mark_duplicates(
    feats: Sequence[LineFeatures], out: list[Label | None], title_idx: int | None
) -> None:
    seen: dict[str, int] = {}
    title_key = feats[title_idx].key if title_idx is not None else ""
    title_base = (
        fold_key(strip_outlet_suffix(feats[title_idx].text)[0]) if title_idx is not None else ""
    )
    title_head = feats[title_idx].text[:6].casefold() if title_idx is not None else ""
    kinds = _DUP_KINDS | {K.MENU}
    for i, f in enumerate(feats):
        label = out[i]
        if label is None or f.blank or label[0] not in kinds:
            continue
        if (
            title_base
            and i != title_idx
            and label[0] != K.CAPTION
            and f.n_words <= 40
            and f.text[:6].casefold() == title_head  # cheap test before folding the line
            and f.key.startswith(title_base)
        ):
            base = fold_key(strip_outlet_suffix(f.text)[0])
            if base and base in (title_key, title_base):
                out[i] = (K.DUPLICATE, f"title-repeat:{title_idx}", 1.0)
                continue
        if label[0] == K.MENU or (f.n_chars < 25 and f.n_words < 4):
            continue
        # f.text is stripped with spaces collapsed: verbatim repeats are what scrapers make
        if f.text in seen:
            out[i] = (K.DUPLICATE, f"repeat-of:{seen[f.text]}", 1.0)
        else:
            seen[f.text] = i


# --------------------------------------------------------------------------------------------
# Outlet templates: boilerplate learned from the corpus
# --------------------------------------------------------------------------------------------

_KEY_STRIP_RE = re.compile(r"[^\w]+")
_DIGITS_RE = re.compile(r"\d+")


def template_key(text: str) -> str | None:
    """The normalised form of a short line (casefolded, digits and punctuation folded)."""
    t = text.strip()
    if not t or len(t) > 400 or t.count(" ") >= 40:
        return None
    key = _DIGITS_RE.sub("0", _KEY_STRIP_RE.sub(" ", t.casefold())).strip()
    return key or None


def _page_signature(texts: Iterable[str]) -> str:
    """Two copies of one article share their longest line: count them once."""
    longest = max((t.strip() for t in texts), key=len, default="")
    return hashlib.blake2b(fold_key(longest).encode(), digest_size=8).hexdigest()


@dataclass
class OutletTemplates:
    """Per outlet, how many distinct pages contain each normalised short line.

    A line is template boilerplate for an outlet when the outlet has at least ``min_pages``
    distinct pages and the line occurs on at least ``min_share`` of them (and on at least
    ``min_count`` pages). Pages are counted once per content signature, so the same article
    ingested twice does not turn its paragraphs into "template".
    """

    min_pages: int = 5
    min_share: float = 0.3
    min_count: int = 3
    max_keys: int = 20_000
    pages: Counter[str] = field(default_factory=Counter)
    lines: dict[str, Counter[str]] = field(default_factory=dict)
    signatures: dict[str, set[str]] = field(default_factory=dict)

    @staticmethod
    def outlet_key(outlet: str) -> str:
        known = lookup_outlet(outlet)
        return known.name if known else outlet.strip().casefold()

    def add_page(self, outlet: str, texts: Sequence[str]) -> bool:
        """Count one page's lines; False when the page was already counted."""
        key = self.outlet_key(outlet)
        sigs = self.signatures.setdefault(key, set())
        sig = _page_signature(texts)
        if sig in sigs:
            return False
        sigs.add(sig)
        counter = self.lines.setdefault(key, Counter())
        counter.update({k for t in texts if (k := template_key(t))})
        self.pages[key] += 1
        if len(counter) > self.max_keys:
            for k in [k for k, c in counter.items() if c <= 1]:
                del counter[k]
        return True

    def share(self, outlet_key: str, text: str) -> float | None:
        """The share of the outlet's pages that contain ``text``; None below the thresholds."""
        pages = self.pages.get(outlet_key, 0)
        if pages < self.min_pages:
            return None
        key = template_key(text)
        if key is None:
            return None
        count = self.lines.get(outlet_key, Counter()).get(key, 0)
        if count >= self.min_count and count >= self.min_share * pages:
            return count / pages
        return None

    def is_boilerplate(self, outlet: str, text: str) -> bool:
        return self.share(self.outlet_key(outlet), text) is not None

    def merge(self, other: OutletTemplates) -> None:
        for key, pages in other.pages.items():
            mine = self.signatures.setdefault(key, set())
            new = other.signatures.get(key, set()) - mine
            if not new and key in self.pages:
                continue
            mine |= new
            self.pages[key] += pages if key not in self.lines else len(new)
            self.lines.setdefault(key, Counter()).update(other.lines.get(key, Counter()))

    def outlet_state(self, key: str) -> bytes:
        data = {
            "pages": self.pages.get(key, 0),
            "signatures": sorted(self.signatures.get(key, set())),
            "lines": dict(self.lines.get(key, Counter())),
        }
        return json.dumps(data, ensure_ascii=False).encode("utf-8")

    def load_outlet_state(self, key: str, blob: bytes) -> None:
        data = json.loads(blob.decode("utf-8"))
        self.pages[key] = int(data.get("pages", 0))
        self.signatures[key] = set(data.get("signatures", []))
        self.lines[key] = Counter({k: int(v) for k, v in data.get("lines", {}).items()})

    def to_bytes(self) -> bytes:
        return json.dumps(
            {k: json.loads(self.outlet_state(k)) for k in self.pages}, ensure_ascii=False
        ).encode("utf-8")

    @classmethod
    def from_bytes(cls, blob: bytes, **settings: Any) -> OutletTemplates:
        templates = cls(**settings)
        for key, data in json.loads(blob.decode("utf-8")).items():
            templates.load_outlet_state(key, json.dumps(data).encode("utf-8"))
        return templates


TEMPLATES_NAMESPACE = "outlet_templates"


def load_templates(store: Store, outlets: Iterable[str] | None = None) -> OutletTemplates:
    """The templates saved in ``store`` (all outlets, or only ``outlets``)."""
    templates = OutletTemplates()
    if outlets is None:
        items = store.iter_state(TEMPLATES_NAMESPACE)
    else:
        keys = {OutletTemplates.outlet_key(o) for o in outlets}
        items = iter(store.get_state(TEMPLATES_NAMESPACE, keys).items())
    for key, blob in items:
        try:
            templates.load_outlet_state(key, blob)
        except (ValueError, TypeError):
            continue  # a damaged entry is relearned, never fatal
    return templates


def save_templates(store: Store, templates: OutletTemplates, outlets: Iterable[str]) -> None:
    keys = {OutletTemplates.outlet_key(o) for o in outlets}
    store.put_state(
        TEMPLATES_NAMESPACE, [(k, templates.outlet_state(k)) for k in sorted(keys) if k]
    )


def article_outlet(article: Article) -> str | None:
    """The outlet a page belongs to before metadata ran: the given outlet, else the domain."""
    if article.outlet:
        return article.outlet
    host = domain_of(article.url)
    if host:
        known = lookup_outlet(host)
        return known.name if known else host
    return None


def learn_templates(
    articles: Iterable[Article], templates: OutletTemplates | None = None
) -> tuple[OutletTemplates, set[str]]:
    """Count the lines of ``articles`` into ``templates``; returns it and the outlets seen."""
    templates = templates or OutletTemplates()
    outlets: set[str] = set()
    for article in articles:
        outlet = article_outlet(article)
        if outlet and article.lines:
            templates.add_page(outlet, [ln.text for ln in article.lines])
            outlets.add(outlet)
    return templates, outlets


@stage("templates", requires=("lines",), provides=("templates",), scope="corpus")
def templates_stage(articles: list[Article], ctx: StageContext) -> list[Article]:
    """Learn each outlet's recurring lines from the batch (and the store); cache them."""
    templates: OutletTemplates | None = ctx.cache.get("templates")
    outlets = {o for a in articles if (o := article_outlet(a))}
    if templates is None:
        templates = load_templates(ctx.store, outlets) if ctx.store is not None else None
    templates, seen = learn_templates(articles, templates)
    if ctx.store is not None and seen:
        save_templates(ctx.store, templates, seen)
    ctx.cache["templates"] = templates
    for article in articles:
        article.stages.append("templates")
    return articles


# --------------------------------------------------------------------------------------------
# The stage
# --------------------------------------------------------------------------------------------


#: reasons of shape rules specific enough to override a DOM-based label
_SHAPE_REASONS = frozenset(
    {
        "photo-credit",
        "above-credit",
        "date-line",
        "name-and-date",
        "outlet-and-date",
        "dateline-only",
    }
)


def combine_labels(preset: Sequence[Label], mine: Sequence[Label]) -> list[Label]:
    """Merge labels a reader already gave (HTML: from the DOM) with the text classifier's.

    The preset label stands, except where the text classifier is specific: a pattern rule
    ("Baca juga:", "ADVERTISEMENT", "Editor:"), a caption, timestamp or byline shape, a
    duplicate, or a blank line; and where the preset is ``unknown``. Then a missing title is
    taken from the classifier, and the first body line after the title becomes the lead.
    """
    out: list[Label] = []
    for p, m in zip(preset, mine, strict=True):
        specific = m[1].startswith("rule:") or m[1] in _SHAPE_REASONS or m[0] == K.DUPLICATE
        if m[0] == K.BLANK or p[0] == K.UNKNOWN or (specific and p[0] != K.TITLE):
            out.append(m)
        else:
            out.append(p)
    kinds = [label[0] for label in out]
    if K.TITLE not in kinds:
        for i, m in enumerate(mine):
            if m[0] == K.TITLE and kinds[i] in (*_TEXT, K.UNKNOWN, K.MENU):
                out[i] = m
                break
    if K.LEAD not in (label[0] for label in out):
        title = next((i for i, label in enumerate(out) if label[0] == K.TITLE), -1)
        for i in range(title + 1, len(out)):
            if out[i][0] == K.BODY:
                out[i] = (K.LEAD, out[i][1], out[i][2])
                break
    return out


def _preset_labels(article: Article) -> list[Label] | None:
    """Labels the reader set before ``clean`` first ran (kept in hints for reruns)."""
    kept = article.hints.get("preset_kinds")
    if isinstance(kept, list) and len(kept) == len(article.lines):
        try:
            return [(LineKind(k), str(r), float(sc)) for k, r, sc in kept]
        except (ValueError, TypeError):
            return None
    if "clean" in article.stages or not any(ln.reason for ln in article.lines):
        return None
    labels = [(ln.kind, ln.reason, ln.score) for ln in article.lines]
    article.hints["preset_kinds"] = [[k.value, r, sc] for k, r, sc in labels]
    return labels


def clean_article(
    article: Article,
    *,
    templates: OutletTemplates | None = None,
    hints: Mapping[str, Any] | None = None,
) -> Article:
    """Label ``article.lines`` in place (and return the article).

    Lines a reader already labelled (the HTML reader labels from the DOM) keep their labels
    where the text classifier has nothing more specific to say (:func:`combine_labels`).
    """
    line_hints = dict(hints or {})
    if "title" not in line_hints and article.hints.get("title"):
        line_hints["title"] = article.hints["title"]
    labels = classify_lines(
        [ln.text for ln in article.lines],
        outlet=article_outlet(article),
        templates=templates,
        hints=line_hints,
    )
    preset = _preset_labels(article)
    if preset is not None:
        labels = combine_labels(preset, labels)
    for line, (kind, reason, score) in zip(article.lines, labels, strict=True):
        line.kind, line.reason, line.score = kind, reason, score
    if article.lines and not any(ln.kind in _TEXT for ln in article.lines):
        article.warnings.append("clean: no article text recognised on this page")
    return article


@stage("clean", requires=("lines",), provides=("kinds",))
def clean_stage(article: Article, ctx: StageContext) -> Article:
    """Label every line (title, body, menu, caption, byline, ...) with its reason and score."""
    clean_article(article, templates=ctx.cache.get("templates"))
    article.stages.append("clean")
    return article
