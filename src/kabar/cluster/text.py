"""Text helpers shared by the story algorithms: normalisation, tokens, stemming, sentences.

Stemming Indonesian with PySastrawi costs about a millisecond per word, so stems are cached
per surface token (news vocabulary is Zipfian: the cache hit rate is above 95% after a few
hundred articles). English gets a light suffix stripper; no stemmer package is needed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from kabar.lang.stemming import stem_id, stemmer

WORD_RE = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
SENTENCE_RE = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")

# Short function-word lists: enough to keep them out of TF-IDF and shingles. Kept here rather
# than under lang/ because only the story algorithms use them.
STOPWORDS_ID: frozenset[str] = frozenset(
    [
        "ada",
        "adalah",
        "agar",
        "akan",
        "aku",
        "anda",
        "antara",
        "apa",
        "apabila",
        "atas",
        "atau",
        "bagai",
        "bagaimana",
        "bagi",
        "bahkan",
        "bahwa",
        "baik",
        "banyak",
        "beberapa",
        "begitu",
        "belum",
        "bersama",
        "besar",
        "bisa",
        "boleh",
        "bukan",
        "dalam",
        "dan",
        "dapat",
        "dari",
        "demikian",
        "dengan",
        "di",
        "dia",
        "ia",
        "ialah",
        "ini",
        "itu",
        "jadi",
        "jika",
        "juga",
        "juga",
        "kalau",
        "kami",
        "kamu",
        "karena",
        "kata",
        "katanya",
        "ke",
        "kemudian",
        "kepada",
        "ketika",
        "kita",
        "lagi",
        "lain",
        "lalu",
        "lebih",
        "maka",
        "masih",
        "mau",
        "melalui",
        "membuat",
        "memang",
        "menjadi",
        "menurut",
        "mereka",
        "meski",
        "namun",
        "nya",
        "oleh",
        "pada",
        "para",
        "pun",
        "saat",
        "saja",
        "salah",
        "satu",
        "sama",
        "sampai",
        "sangat",
        "saya",
        "se",
        "sebagai",
        "sebuah",
        "sedang",
        "sehingga",
        "sejak",
        "sekarang",
        "selain",
        "sementara",
        "semua",
        "sendiri",
        "seorang",
        "seperti",
        "serta",
        "setelah",
        "sudah",
        "supaya",
        "tak",
        "tapi",
        "telah",
        "tentang",
        "tersebut",
        "tetapi",
        "tidak",
        "yaitu",
        "yakni",
        "yang",
        "hal",
        "hari",
        "tahun",
        "ujar",
        "ujarnya",
        "tutur",
        "tuturnya",
        "jelasnya",
        "kata",
        "katanya",
        "ungkap",
        "ungkapnya",
        "sebut",
        "sebutnya",
        "usai",
        "hingga",
        "tiap",
        "setiap",
        "pula",
        "toh",
        "kan",
        "lho",
        "dikatakan",
        "mengatakan",
        "menyatakan",
        "ya",
        "bila",
        "dua",
        "tiga",
    ]
)
STOPWORDS_EN: frozenset[str] = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "said",
        "same",
        "says",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "also",
        "its",
        "it's",
        "he's",
        "she's",
        "told",
        "say",
        "one",
        "two",
        "new",
        "mr",
        "mrs",
        "ms",
        "per",
        "via",
    ]
)
STOPWORDS: frozenset[str] = STOPWORDS_ID | STOPWORDS_EN


def normalise(text: str) -> str:
    """NFKC, casefold, collapse whitespace and punctuation: the key for exact duplicates."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(WORD_RE.findall(text))


def text_hash(text: str) -> str:
    return hashlib.sha1(normalise(text).encode()).hexdigest()


def words(text: str) -> list[str]:
    """Casefolded word tokens (hyphenated words and reduplications kept whole)."""
    return [w.casefold() for w in WORD_RE.findall(unicodedata.normalize("NFKC", text))]


_EN_SUFFIXES = (
    "ations",
    "ation",
    "ings",
    "ing",
    "edly",
    "ies",
    "ied",
    "ers",
    "er",
    "ed",
    "es",
    "s",
)


def _stem_en(word: str) -> str:
    for suffix in _EN_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            if suffix in {"ies", "ied"}:
                return stem + "y"
            return stem
    return word


@lru_cache(maxsize=200_000)  # bounded: ~50 MB; news vocabulary never stops growing
def stem(word: str, language: str = "id") -> str:
    """A cached stem of one casefolded word; ``language`` is "id" or "en"."""
    if not word.isalpha() or len(word) <= 3:
        return word
    if language == "en":
        return _stem_en(word)
    try:
        if word.isascii():  # the cache search terms share (Sastrawi's own normalising is a no-op)
            return stem_id(word.lower())
        return stemmer().stem(word) or word  # type: ignore[attr-defined]
    except Exception:  # Sastrawi raises on odd input; the surface form is a fine fallback
        return word


def content_terms(text: str, language: str = "id") -> list[str]:
    """Stemmed content words: stop words, one-letter tokens and bare numbers dropped."""
    out = []
    for w in words(text):
        if w in STOPWORDS or len(w) < 2 or w.isdigit():
            continue
        out.append(stem(w, language))
    return out


def guess_language(text: str) -> str:
    """ "en" or "id" from stop-word hits; the ``language`` stage's answer wins when present."""
    tokens = words(text[:3000])
    en = sum(1 for t in tokens if t in STOPWORDS_EN)
    ind = sum(1 for t in tokens if t in STOPWORDS_ID)
    return "en" if en > ind else "id"


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph (a regex splitter; abbreviations like "dr." rarely matter)."""
    parts = [p.strip() for p in SENTENCE_RE.split(paragraph.strip())]
    return [p for p in parts if p]
