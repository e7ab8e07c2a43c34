"""Search terms for Indonesian (and English) news: folded, stemmed, without stop words.

``index_terms`` turns an article's text into the space-separated terms both store backends
index; ``query_terms`` does the same to what a person typed, so "menyerukan" and "seruan"
both become ``seru``. Stemming is PySastrawi (dictionary-backed, so names such as
"Balikpapan" survive); it costs ~0.3 ms per new word, so stems are cached per surface token
(news vocabulary is Zipfian: after a few hundred articles almost every token is a hit).

``make_snippet`` finds the matched words in the original text by running each token through
the same function, so highlights cover "menyerukan" for a query "seruan".
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from kabar.lang import load_list
from kabar.lang.stemming import stem_id

# A word, with hyphen/apostrophe compounds kept whole so the stemmer sees "anak-anak".
TOKEN_RE = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
_PART_RE = re.compile(r"[^\W_]+", re.UNICODE)
_STEMMABLE_RE = re.compile(r"[a-z]+(?:-[a-z]+)*")

MAX_TERM_CHARS = 48  # longer tokens (URLs glued together, junk) are cut, never stemmed
MAX_QUERY_CHARS = 2000  # what is read of a query; the rest cannot change the result much
MAX_QUERY_TERMS = 16
SNIPPET_TOKENS = 32
MAX_SNIPPET_SCAN = 20_000  # characters of an article looked at for a snippet
# Matches ranked per search: the newest this many (exact for rarer words, bounded time for a
# word found in most articles, whose newest matches win the recency boost anyway).
RANK_CANDIDATES = 1000


@cache
def stop_words() -> frozenset[str]:
    """Indonesian and English function words, folded (shared with the cleaning tables)."""
    words = set(load_list("id", "stopwords.txt")) | set(load_list("en", "stopwords.txt"))
    return frozenset(fold(w) for w in words)


def fold(text: str) -> str:
    """Lower case without diacritics: "Café Škoda" → "cafe skoda"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@lru_cache(maxsize=200_000)  # bounded: ~50 MB
def term_of(token: str) -> tuple[str, ...]:
    """The index terms of one surface token (empty for a stop word)."""
    folded = fold(token)
    if folded in stop_words():
        return ()
    if len(folded) > MAX_TERM_CHARS:
        return (folded[:MAX_TERM_CHARS],) if _PART_RE.fullmatch(folded) else ()
    stemmed = folded  # digits and other scripts are kept as they are
    if _STEMMABLE_RE.fullmatch(folded):
        stemmed = stem_id(folded)
    return tuple(p for p in _PART_RE.findall(stemmed) if p not in stop_words() or p == folded)


def index_terms(text: str) -> str:
    """The text as space-separated search terms (what both backends index)."""
    return " ".join(t for tok in TOKEN_RE.findall(text) for t in term_of(tok))


def query_terms(query: str, max_terms: int = MAX_QUERY_TERMS) -> list[str]:
    """The distinct terms of a query, in order; operators and punctuation are dropped.

    Only letters and digits survive, so the result is safe to quote into FTS5 MATCH or to
    hand to ``plainto_tsquery``: no input is a syntax error.
    """
    found: dict[str, None] = {}
    for tok in TOKEN_RE.findall(query[:MAX_QUERY_CHARS]):
        for t in term_of(tok):
            found.setdefault(t, None)
            if len(found) >= max_terms:
                return list(found)
    return list(found)


def _probe(term: str) -> str | None:
    """A substring every surface form of ``term`` contains, for a cheap paragraph test.

    Indonesian prefixes can change a stem's first letter (sapu → menyapu, tulis → menulis),
    so from four letters on the first one is left out. None when no safe probe exists.
    """
    if not term.isascii():
        return None
    return term[1:] if len(term) >= 4 else term


def _ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()


def make_snippet(
    text: str, terms: list[str] | set[str], width: int = SNIPPET_TOKENS
) -> tuple[str, list[tuple[int, int]]]:
    """A window of ``width`` words around the densest matches, and the matched spans in it.

    Returns ``(snippet, [(start, end), ...])`` with offsets into the snippet; "…" marks cut
    ends. The window comes from the paragraph (line) with the most distinct query terms;
    only paragraphs that can contain a term (a substring test) are tokenised. Without
    matches it is the start of the text.
    """
    wanted = set(terms)
    head = text[:MAX_SNIPPET_SCAN]
    probes = [_probe(t) for t in wanted]
    exact = bool(probes) and None not in probes
    best: tuple[int, int] = (0, 0)
    best_span = (0, len(head))
    offset = 0
    for para in head.split("\n"):
        span = (offset, offset + len(para))
        offset += len(para) + 1
        if not para.strip():
            continue
        if best == (0, 0) and best_span == (0, len(head)):
            best_span = span  # the first non-empty paragraph, if nothing matches
        if exact:
            folded = para.lower() if para.isascii() else _ascii_fold(para)
            if not any(p in folded for p in probes if p):
                continue
        found = {t for tok in TOKEN_RE.findall(para) for t in term_of(tok) if t in wanted}
        score = (len(found), 0)
        if score > best:
            best, best_span = score, span
    lo, hi = best_span
    tokens = [(lo + m.start(), lo + m.end(), m.group()) for m in TOKEN_RE.finditer(head[lo:hi])]
    if not tokens:
        return "", []
    hits = [i for i, (_, _, tok) in enumerate(tokens) if wanted.intersection(term_of(tok))]
    first = 0
    if hits:
        top = (-1, -1)
        j = 0
        for i, start in enumerate(hits):  # the window starting at each hit
            while j < len(hits) and hits[j] < start + width:
                j += 1
            inside = hits[i:j]
            distinct = len({t for k in inside for t in term_of(tokens[k][2]) if t in wanted})
            if (distinct, len(inside)) > top:
                top, first = (distinct, len(inside)), start
        first = max(0, first - width // 4)  # a little context before the first match
    last = min(len(tokens), first + width) - 1
    begin, end = tokens[first][0], tokens[last][1]
    if first == 0:  # the paragraph's own start: keep an opening quote or bracket
        begin = lo + len(head[lo:hi]) - len(head[lo:hi].lstrip())
    if last == len(tokens) - 1:  # the paragraph's end: keep the closing punctuation
        end = lo + len(head[lo:hi].rstrip())
    prefix = "…" if text[:begin].strip() else ""
    body = " ".join(text[begin:end].split())  # one line: runs of spaces squeezed
    suffix = ("" if body[-1:].isalnum() else " ") + "…" if text[end:].strip() else ""
    snippet = prefix + body + suffix
    spans: list[tuple[int, int]] = []
    if hits:
        # Offsets moved when whitespace was squeezed: find each hit token again in order.
        pos = len(prefix)
        hit_set = set(hits)
        for k in range(first, last + 1):
            tok = tokens[k][2]
            at = snippet.find(tok, pos)
            if at < 0:
                continue
            pos = at + len(tok)
            if k in hit_set:
                spans.append((at, pos))
    return snippet, spans
