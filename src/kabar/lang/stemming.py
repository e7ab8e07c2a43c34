"""One Indonesian stemmer and one stem cache per process, shared by search and clustering.

PySastrawi is dictionary-backed (names such as "Balikpapan" survive) and costs ~0.3 ms per
new word, so stems are cached per word; search terms and story features used to keep a
stemmer each, which loaded the dictionary twice and stemmed every new word twice in every
worker process.
"""

from __future__ import annotations

from functools import cache, lru_cache


@cache
def stemmer() -> object:
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    # The bare stemmer: the bounded cache below replaces Sastrawi's unbounded one.
    return Stemmer(ArrayDictionary(StemmerFactory().get_words()))


@lru_cache(maxsize=200_000)  # bounded: ~50 MB; news vocabulary never stops growing
def stem_id(word: str) -> str:
    """The stem of one lower-case word of a-z letters (hyphenated compounds whole:
    "anak-anak" → "anak"); the word itself when the stemmer finds nothing."""
    return stemmer().stem_word(word) or word  # type: ignore[attr-defined]
