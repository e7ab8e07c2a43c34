"""Article representation for story clustering: weighted blocks of sparse TF-IDF features.

Pages about one event rarely share wording, so the vector has four blocks, each L2-normalised
on its own and then weighted, so that a long body cannot drown the rarer, sharper evidence:

- ``w:`` stemmed content words of title and body (PySastrawi for Indonesian, cached per token);
- ``e:`` canonical entities from ``article.entities`` when the entities stage ran, otherwise
  capitalised name sequences read from the text (both words and the whole name);
- ``d:`` event dates (``article.event_dates``) and, without them, years/numbers in the text;
- ``t:`` title words (headlines are the most edited summary of the event);
- ``y:`` when the text says it happened: years, month names and weekdays. Two similar events
  (two fights of one boxer, two arrests on one team) share names and words but rarely their
  year or month; the clusterer compares this block on its own (see ``time_agreement``).

IDF comes from document frequencies that grow with the corpus (:class:`DocFreq`), so the
vectors of a stream need no second pass; the frequencies are persisted in store state.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from kabar.cluster.text import STOPWORDS, content_terms, guess_language, stem, words
from kabar.lang import load_tsv
from kabar.models import Article

Vector = dict[str, float]

# Block weights, tuned on ECB+ dev (see docs/stories.md): entities matter as much as words.
BLOCK_WEIGHTS: dict[str, float] = {"w": 1.0, "e": 1.0, "d": 0.4, "t": 0.5, "y": 0.3}

NAME_RE = re.compile(r"[A-Z][\w'’.-]*(?:\s+(?:of|de|van|bin|binti|al|the|dan)?\s*[A-Z][\w'’-]*)*")
YEAR_RE = re.compile(r"(?<![\d.,])(?:19[5-9]\d|20\d\d)(?![\d.,]\d)")
# Case-sensitive on purpose: "may", "march" and "sun" are common lower-case words.
MONTH_RE = re.compile(
    r"\b(Jan(?:uary|uari)?|Feb(?:ruary|ruari)?|Mar(?:ch|et)?|Apr(?:il)?|May|Mei|Jun[ei]?|"
    r"Jul[yi]?|Aug(?:ust)?|Agu(?:stus)?|Sep(?:t|tember)?|O[ck]t(?:ober)?|Nov(?:ember)?|"
    r"De[cs](?:ember)?|JAN|FEB|MAR|APR|MAY|JUNE?|JULY?|AUG|SEPT?|OCT|NOV|DEC)\b"
)
WEEKDAY_RE = re.compile(
    r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu)\b"
)
MONTHS = {
    "jan": "01", "feb": "02", "mar": "03", "apr": "04", "may": "05", "mei": "05", "jun": "06",
    "jul": "07", "aug": "08", "agu": "08", "sep": "09", "oct": "10", "okt": "10", "nov": "11",
    "dec": "12", "des": "12",
}  # fmt: skip
WEEKDAYS = {
    "monday": 0, "senin": 0, "tuesday": 1, "selasa": 1, "wednesday": 2, "rabu": 2,
    "thursday": 3, "kamis": 3, "friday": 4, "jumat": 4, "saturday": 5, "sabtu": 5,
    "sunday": 6, "minggu": 6,
}  # fmt: skip
NUMBER_RE = re.compile(r"(?<![\d.,])\d{2,4}(?![\d.,]\d)")
LEADING_NOISE = frozenset({"the", "a", "an", "in", "on", "at", "but", "and", "di", "pada", "dan"})


@dataclass
class Features:
    """Raw term counts per block for one article (before IDF weighting)."""

    blocks: dict[str, Counter[str]] = field(default_factory=dict)

    def keys(self) -> set[str]:
        return {f"{b}:{t}" for b, counts in self.blocks.items() for t in counts}


def article_text(article: Article) -> str:
    body = article.body
    if not body:
        # An article whose lines were never labelled still has text worth clustering on.
        body = "\n".join(ln.text for ln in article.lines if not ln.removed or ln.kind == "unknown")
    return body


def name_sequences(text: str) -> list[str]:
    """Capitalised name sequences that are not just a sentence's first word."""
    out: list[str] = []
    for line in text.split("\n"):
        for m in NAME_RE.finditer(line):
            tokens = [w for w in words(m.group(0)) if w not in STOPWORDS]
            at_start = m.start() == 0 or line[: m.start()].rstrip().endswith(
                (".", "!", "?", '"', "“")
            )
            if not tokens or (at_start and len(tokens) == 1):
                continue
            if tokens[0] in LEADING_NOISE:
                tokens = tokens[1:]
            out.extend(tokens)
            if len(tokens) > 1:
                out.append("_".join(tokens))
    return out


def extract(article: Article) -> Features:
    text = article_text(article)
    title = article.title or ""
    lang = article.language if article.language in {"id", "en"} else guess_language(title + text)
    blocks: dict[str, Counter[str]] = {}
    blocks["w"] = Counter(content_terms(title + "\n" + text, lang))
    if article.entities:
        ents: Counter[str] = Counter()
        for ent in article.entities:
            name = ent.name.casefold()
            ents[name.replace(" ", "_")] += 1
            for tok in words(name):
                if tok not in STOPWORDS:
                    ents[tok] += 1
        blocks["e"] = ents
    else:
        blocks["e"] = Counter(name_sequences(title + "\n" + text))
    if article.event_dates:
        blocks["d"] = Counter(
            ev.date.isoformat()[: 7 if ev.granularity != "day" else 10]
            for ev in article.event_dates
        )
    else:
        blocks["d"] = Counter(NUMBER_RE.findall(text))
    blocks["t"] = Counter(content_terms(title, lang))
    blocks["y"] = time_terms(title + "\n" + text, article)
    return Features({b: c for b, c in blocks.items() if c})


HEAD_LINES = 3  # headline, dateline, lead: where the event's own date is written
HEAD_WEIGHT = 3  # a year in the lead is the event's; one deep in the body is often background


def time_terms(text: str, article: Article | None = None) -> Counter[str]:
    """Year (``2013``), month (``m09``) and weekday (``d1``) mentions: when it happened."""
    out: Counter[str] = Counter()
    for i, line in enumerate(text.split("\n")):
        weight = HEAD_WEIGHT if i < HEAD_LINES else 1
        for y in YEAR_RE.findall(line):
            out[y] += weight
        for m in MONTH_RE.findall(line):
            out["m" + MONTHS[m[:3].casefold()]] += weight
        for d in WEEKDAY_RE.findall(line):
            out[f"d{WEEKDAYS[d.casefold()]}"] += weight
    for ev in article.event_dates if article is not None else []:
        out[str(ev.date.year)] += 1
        if ev.granularity != "year":
            out[f"m{ev.date.month:02d}"] += 1
        if ev.granularity == "day":
            out[f"d{ev.date.weekday()}"] += 1
    return out


def time_kind(term: str) -> str:
    """``y`` year, ``m`` month or ``d`` weekday for a ``y:`` block term."""
    return term[0] if term[0] in "md" else "y"


def passing_kinds(feats: Features) -> str:
    """The time kinds (``y``, ``m``, ``d``) an article names only in passing: each of its
    years (months, weekdays) once, in the body. Such a date is often background (a career's
    earlier years, last season); one in the lead or named again is the event's."""
    counts = feats.blocks.get("y", Counter())
    strong = {time_kind(t) for t, c in counts.items() if c > 1}
    return "".join(sorted({time_kind(t) for t in counts} - strong))


class DocFreq:
    """Document frequencies per feature, grown one article at a time (persistable)."""

    def __init__(self, counts: Counter[str] | None = None, n_docs: int = 0) -> None:
        self.counts: Counter[str] = counts if counts is not None else Counter()
        self.n_docs = n_docs

    def add(self, feats: Features) -> None:
        self.count(feats.keys(), +1)

    def remove(self, feats: Features) -> None:
        self.count(feats.keys(), -1)

    def count(self, keys: set[str], sign: int) -> None:
        """One article's feature keys in (``sign`` +1) or out (-1)."""
        if sign > 0:
            self.counts.update(keys)
            self.n_docs += 1
        else:
            self.counts.subtract(keys)
            self.n_docs = max(0, self.n_docs - 1)

    def idf(self, key: str) -> float:
        return math.log((self.n_docs + 1) / (self.counts.get(key, 0) + 1)) + 1.0

    def to_bytes(self) -> bytes:
        payload = {"n": self.n_docs, "c": {k: v for k, v in self.counts.items() if v > 0}}
        return zlib.compress(json.dumps(payload, separators=(",", ":")).encode())

    @classmethod
    def from_bytes(cls, blob: bytes) -> DocFreq:
        payload = json.loads(zlib.decompress(blob))
        return cls(Counter(payload["c"]), int(payload["n"]))


def weigh(feats: Features, df: DocFreq, weights: dict[str, float] | None = None) -> Vector:
    """Sublinear TF-IDF per block, each block unit length times its weight; whole vector unit."""
    weights = weights or BLOCK_WEIGHTS
    vec: Vector = {}
    for block, counts in feats.blocks.items():
        w = weights.get(block, 0.0)
        if not w:
            continue
        part = {t: (1.0 + math.log(c)) * df.idf(f"{block}:{t}") for t, c in counts.items()}
        norm = math.sqrt(sum(x * x for x in part.values())) or 1.0
        for t, x in part.items():
            vec[f"{block}:{t}"] = w * x / norm
    return unit(vec)


def unit(vec: Vector) -> Vector:
    norm = math.sqrt(sum(x * x for x in vec.values()))
    return {k: x / norm for k, x in vec.items()} if norm else {}


def dot(a: Vector, b: Vector) -> float:
    # Only the shared keys (a C-level set intersection) instead of a Python loop over every
    # key of the smaller vector: story centroids have hundreds of keys and share few, and this
    # was the main cost of placing stories. fsum is exactly rounded, so the result does not
    # depend on the (hash-seeded) order of the intersection.
    if len(a) > len(b):
        a, b = b, a
    return math.fsum([a[k] * b[k] for k in a.keys() & b.keys()])


def top_terms(vec: Vector, k: int) -> list[str]:
    """The ``k`` heaviest features, ties broken by name so results are deterministic."""
    # The k-th largest weight first (a float sort, in C), then only the features at or above
    # it are sorted by (weight, name): the same list as sorting every feature, 3x faster on
    # a 400-feature centroid, and this runs for every article and every changed story.
    items = list(vec.items())
    if len(items) > k > 0:
        floor = sorted(vec.values(), reverse=True)[k - 1]
        items = [kv for kv in items if kv[1] >= floor]
    items.sort(key=lambda kv: (-kv[1], kv[0]))
    return [t for t, _ in items[:k]]


@cache
def news_terms() -> dict[str, tuple[str, ...]]:
    """English news word (stem) → its Indonesian stems, from ``lang/en/news_terms_id.tsv``."""
    out: dict[str, set[str]] = {}
    for row in load_tsv("en", "news_terms_id.tsv"):
        english, indonesian = stem(row[0].casefold(), "en"), row[1]
        for phrase in indonesian.split(","):
            for w in words(phrase):
                if w not in STOPWORDS and len(w) > 1:
                    out.setdefault(english, set()).add(stem(w, "id"))
    return {k: tuple(sorted(v)) for k, v in out.items()}


@cache
def _news_targets() -> frozenset[str]:
    return frozenset(t for ts in news_terms().values() for t in ts)


def bridge(vec: Vector, english: bool) -> Vector:
    """The part of a vector that can be compared across English and Indonesian: names,
    numbers and dates (``e``, ``d``, ``y``) and the common news words of ``news_terms``,
    in Indonesian (an English vector's words are translated, weight shared among the
    alternatives; an Indonesian one keeps the words the table can produce). Unit length."""
    table, targets = news_terms(), _news_targets()
    out: Vector = {}
    for k, x in vec.items():
        block, term = k[0], k[2:]
        if english and block in "wte":
            key = stem(term, "en") if block == "e" else term
            alts = table.get(key, ())
            if alts:
                for t in alts:
                    out[f"{block}:{t}"] = out.get(f"{block}:{t}", 0.0) + x / math.sqrt(len(alts))
                continue
        if block in "edy" or (block in "wt" and not english and term in targets):
            out[k] = out.get(k, 0.0) + x
    return unit(out)
