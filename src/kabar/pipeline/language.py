"""Stage ``language``: which language the article text is in, and whether it reads as a
machine translation.

Detection uses lingua restricted to Indonesian, Malay and English. The detector is built
once per process with lazy model loading (``with_preloaded_language_models`` off): building
it preloaded costs about half a second per worker process, lazy loading fetches only the
n-gram models the first texts need (~50 ms, once). A first guess reads 300 characters of the
article text; only when that guess is unsure (or says Malay, the usual confusion) does it read
1,500 (on the 750 IndoSum dev articles 300 characters plus that second look give the same
answers as 1,500 throughout, at 0.4 ms instead of 0.9 ms an article). Text in another script (Han, Hangul, kana, Thai, Arabic, Cyrillic, ...) is not sent to
lingua at all: it gets the script's language where that is unambiguous, else ``und``, and a
warning.

``machine_translated`` is a scored heuristic over artefacts that translation engines leave
in Indonesian news copy (see :func:`translation_score`); it is documented in
``docs/cleaning.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from kabar.lang import load_list
from kabar.models import Article, LineKind
from kabar.pipeline.registry import StageContext, stage

if TYPE_CHECKING:
    from lingua import LanguageDetector

FIRST_SAMPLE = 300
FULL_SAMPLE = 1500
SURE = 0.9  # a first guess at least this confident (and not Malay) is kept
#: news prose has 15-40% function words; below this share the text is not id/ms/en
MIN_FUNCTION_WORDS = 0.06

#: score at or above which an article is flagged as machine-translated
MT_THRESHOLD = 3.0
MT_SAMPLE = 4000  # characters of article text searched for artefacts


@cache
def detector() -> LanguageDetector:
    """The process-wide lingua detector for id/ms/en (lazy model loading)."""
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        Language.INDONESIAN, Language.MALAY, Language.ENGLISH
    ).build()


_CODES = {"INDONESIAN": "id", "MALAY": "ms", "ENGLISH": "en"}

_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),  # kana before Han: Japanese mixes both
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("und", re.compile(r"[\u0400-\u04ff\u0370-\u03ff\u0590-\u05ff\u0900-\u0dff]")),
)
_NON_LATIN_LETTER_RE = re.compile(r"[^\W\d_A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_NOT_LETTER_RE = re.compile(r"[\W\d_]+")


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    code: str | None  # "id", "ms", "en", a script's language, "und", or None (no text)
    confidence: float
    note: str = ""


def _letters(text: str) -> int:
    return len(_NOT_LETTER_RE.sub("", text))


def _script_language(sample: str) -> str | None:
    """The language of a non-Latin script when most letters are in it, else None."""
    if sample.isascii():
        return None
    letters = _letters(sample)
    if letters == 0:
        return None
    other = len(_NON_LATIN_LETTER_RE.findall(sample))
    if other * 2 <= letters:
        return None
    best, count = "und", 0
    for code, rx in _SCRIPTS:
        hits = len(rx.findall(sample))
        if hits > count:
            best, count = code, hits
    return best


_ASCII_WORD_RE = re.compile(r"[a-z]+")


@cache
def _stopwords(lang: str) -> frozenset[str]:
    return frozenset(load_list(lang, "stopwords.txt"))


def _function_word_share(sample: str, code: str | None) -> float | None:
    """Share of the guessed language's function words; None when the sample is too short."""
    words = _ASCII_WORD_RE.findall(sample[:600].lower())
    if len(words) < 15:
        return None
    known = _stopwords("en" if code == "en" else "id")
    return sum(1 for w in words if w in known) / len(words)


def detect_language(text: str) -> LanguageGuess:
    """id / ms / en with lingua's confidence; another script's language; ``und``; or None."""
    sample = " ".join(text[:FULL_SAMPLE].split())
    if _letters(sample[:FIRST_SAMPLE]) < 10:
        return LanguageGuess(None, 0.0, "too little text")
    script = _script_language(sample[:FIRST_SAMPLE])
    if script is not None:
        return LanguageGuess(script, 0.9 if script != "und" else 0.0, "non-Latin script")
    best = _lingua(sample[:FIRST_SAMPLE])
    if (best.confidence < SURE or best.code == "ms") and len(sample) > FIRST_SAMPLE:
        best = _lingua(sample)
    share = _function_word_share(sample, best.code)
    if share is not None and share < MIN_FUNCTION_WORDS:
        # lingua must choose among id/ms/en; a Latin-script text with almost none of the
        # guessed language's function words is in another language (French, Tagalog, ...)
        return LanguageGuess("und", 0.0, f"not id/ms/en (lingua said {best.code})")
    return best


def _lingua(sample: str) -> LanguageGuess:
    values = detector().compute_language_confidence_values(sample)
    if not values:
        return LanguageGuess(None, 0.0, "no guess")
    top = values[0]
    return LanguageGuess(_CODES.get(top.language.name, "und"), round(float(top.value), 3))


# --------------------------------------------------------------------------------------------
# Machine-translation artefacts
# --------------------------------------------------------------------------------------------

_ARTEFACTS: tuple[tuple[str, float, re.Pattern[str]], ...] = (
    # “... berniat untuk.” Mereka berkata.  — an English "they said." carried over verbatim
    (
        "said-after-quote",
        2.0,
        re.compile(
            r"[”\"]\s*(?:Mereka|Dia|Ia|Beliau|Kami|Saya)\s+(?:juga\s+)?"
            r"(?:berkata|mengatakan|menambahkan|menulis)\s*[.,]"
        ),
    ),
    # “Beberapa” Negara-negara — a quote closed without punctuation, then a capital mid-sentence
    ("capital-after-quote", 0.75, re.compile(r"(?<=[a-z])”\s+(?!Dia\b|Ia\b|Mereka\b)[A-Z][a-z]")),
    # siapa pun” tapi — a quote closed and a clause joined without a comma
    ("conjunction-after-quote", 0.5, re.compile(r"(?<=[a-z])”\s+(?:tapi|dan|namun|yang)\b")),
    # kepada Reuters “Ukraina ... — a quote opened with no colon or comma before it
    ("quote-without-lead-in", 0.3, re.compile(r"(?<=[A-Za-z] )“[A-Z]")),
)
_SOURCE_LINK_RE = re.compile(r"^\s*(source link|sumber link)\s*$", re.I)
_ENGLISH_SUFFIX_RE = re.compile(
    r"[-–—|]\s*(?:RT|BBC|CNN|Reuters|Al Jazeera|DW|Sputnik)?\s*(?:World\s+)?News\s*$"
)
_ENGLISH_CHROME_RE = re.compile(
    r"^\s*(related articles|back to top( button)?|read more|you may also like)\s*$", re.I
)


def translation_score(article: Article) -> tuple[float, list[str]]:
    """Evidence that the article is a machine translation: a score and the reasons.

    Each artefact adds its weight per occurrence (capped at 3 occurrences per kind), scaled
    to the article's length so a long original article with one odd quote stays low:
    ``said-after-quote`` 2.0, ``capital-after-quote`` 0.75, ``conjunction-after-quote`` 0.5,
    ``quote-without-lead-in`` 0.3; page-level signs add once: a "Source link" line 1.5, an
    English "... World News" title suffix on a non-English page 1.5, English page chrome
    ("Related Articles", "Back to top") 0.5.
    """
    text_lines = [ln.text for ln in article.lines if ln.kind in (LineKind.LEAD, LineKind.BODY)]
    text = "\n".join(text_lines)[:MT_SAMPLE]
    score = 0.0
    reasons: list[str] = []
    for name, weight, rx in _ARTEFACTS:
        hits = min(len(rx.findall(text)), 3)
        if hits:
            score += weight * hits
            reasons.append(f"{name}×{hits}")
    if text:
        # fewer than ~1,500 characters of text: the evidence counts fully; longer texts dilute
        score *= min(1.0, 1500.0 / max(len(text), 1)) ** 0.5
    for ln in article.lines:
        if _SOURCE_LINK_RE.match(ln.text):
            score += 1.5
            reasons.append("source-link")
            break
    title_line = next((ln.text for ln in article.lines if ln.kind == LineKind.TITLE), "")
    if article.language != "en" and _ENGLISH_SUFFIX_RE.search(title_line):
        score += 1.5
        reasons.append("english-title-suffix")
    if article.language != "en" and any(_ENGLISH_CHROME_RE.match(ln.text) for ln in article.lines):
        score += 0.5
        reasons.append("english-chrome")
    return round(score, 2), reasons


def _article_text(article: Article) -> str:
    parts: list[str] = []
    size = 0
    kinds = (LineKind.LEAD, LineKind.BODY, LineKind.SUBHEADING)
    lines = [ln for ln in article.lines if ln.kind in kinds] or [
        ln for ln in article.lines if ln.kind not in (LineKind.BLANK, LineKind.UNKNOWN)
    ]
    for ln in lines:
        parts.append(ln.text.strip())
        size += len(ln.text)
        if size >= FULL_SAMPLE:
            break
    return " ".join(parts)


@stage("language", requires=("kinds",), provides=("language",))
def language_stage(article: Article, ctx: StageContext) -> Article:
    """Language (id/ms/en, lingua) with confidence, and the machine-translation flag."""
    guess = detect_language(_article_text(article))
    article.language = guess.code
    article.language_confidence = guess.confidence
    if guess.code is None:
        article.warnings.append(f"language: not detected ({guess.note})")
    elif guess.code not in ("id", "ms", "en"):
        article.warnings.append(f"language: {guess.code}, not Indonesian/Malay/English")
    score, reasons = translation_score(article)
    article.machine_translated = score >= MT_THRESHOLD
    if article.machine_translated:
        article.warnings.append(
            f"language: reads as machine-translated (score {score}: {', '.join(reasons)})"
        )
    article.stages.append("language")
    return article
