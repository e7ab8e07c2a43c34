"""Near-duplicate fingerprints: MinHash over word shingles, LSH banding, exact-text hashes.

- ``fingerprint(article)``: sha1 of the normalised text (casefolded words only), so copies
  that differ in whitespace, punctuation or case hash the same.
- ``signature(...)``: MinHash of word 3-shingles. rensa (Rust) is used when installed, else
  datasketch; both are seeded, so signatures are reproducible. rensa measured about 6x faster
  here (see docs/stories.md). Band keys carry the backend's letter, so a store written by one
  backend never matches signatures of the other by accident.
- LSH: ``bands`` cut a signature into ``b`` bands of ``r`` rows; articles sharing any band
  key are candidates. Buckets are persisted as postings (``lsh`` for whole articles,
  ``lsh_para`` for paragraphs, which finds partial reuse the whole-article hash cannot).
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable, Sequence
from functools import lru_cache

from kabar.cluster.state import StateBackend
from kabar.cluster.text import normalise, text_hash, words
from kabar.models import Article

NUM_PERM = 128
SEED = 7
# 16 bands x 8 rows: a pair with Jaccard 0.7 becomes a candidate with probability 0.75, 0.8
# with 0.97, 0.5 with 0.06 -- near-duplicates, not topical neighbours.
ARTICLE_BANDS = (16, 8)
# Paragraphs: 32 permutations over word 2-shingles, 8 bands x 4 rows (threshold about 0.6).
PARA_PERM = 32
PARA_BANDS = (8, 4)
PARA_MIN_WORDS = 8
NEAR_DUPLICATE = 0.8  # estimated Jaccard at or above which an article is a copy


@lru_cache(maxsize=1)
def backend_name() -> str:
    try:
        import rensa  # noqa: F401

        return "rensa"
    except ImportError:
        return "datasketch"


def shingles(text: str, k: int = 3) -> list[str]:
    tokens = words(text)
    if len(tokens) < k:
        return [" ".join(tokens)] if tokens else []
    return [" ".join(tokens[i : i + k]) for i in range(len(tokens) - k + 1)]


def signature(
    items: Sequence[str], num_perm: int = NUM_PERM, backend: str | None = None
) -> list[int]:
    """MinHash signature of a set of strings; empty input gives an empty signature."""
    if not items:
        return []
    backend = backend or backend_name()
    if backend == "rensa":
        from rensa import RMinHash

        mh = RMinHash(num_perm=num_perm, seed=SEED)
        mh.update(list(items))
        return [int(x) for x in mh.digest()]
    from datasketch import MinHash

    dm = MinHash(num_perm=num_perm, seed=SEED)
    dm.update_batch([s.encode("utf-8") for s in items])
    return [int(x) for x in dm.hashvalues]


def jaccard(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity from two signatures of the same length."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


def bands(sig: Sequence[int], n_bands: int, rows: int, prefix: str = "") -> list[str]:
    """LSH bucket keys of a signature: one per band, tagged with band number and backend."""
    if len(sig) < n_bands * rows:
        return []
    tag = backend_name()[0]
    keys = []
    for i in range(n_bands):
        chunk = struct.pack(
            f"<{rows}Q", *(x & 0xFFFFFFFFFFFFFFFF for x in sig[i * rows : (i + 1) * rows])
        )
        keys.append(f"{prefix}{tag}{i}:{hashlib.blake2b(chunk, digest_size=8).hexdigest()}")
    return keys


def fingerprint(article: Article) -> str | None:
    text = article.body or "\n".join(ln.text for ln in article.lines)
    return text_hash(text) if normalise(text) else None


def article_signature(article: Article) -> list[int]:
    text = article.body or "\n".join(ln.text for ln in article.lines if not ln.removed)
    return signature(shingles(text, 3))


def paragraph_signatures(article: Article) -> list[tuple[int, list[int]]]:
    """(line index, signature) for each text paragraph long enough to be worth tracing."""
    out = []
    for line in article.text_lines:
        if len(words(line.text)) >= PARA_MIN_WORDS:
            out.append((line.index, signature(shingles(line.text, 2), PARA_PERM)))
    return out


class LSHIndex:
    """LSH buckets persisted as postings: ``insert`` articles, ``query`` candidates."""

    def __init__(
        self, backend: StateBackend, namespace: str = "lsh", shape: tuple[int, int] = ARTICLE_BANDS
    ) -> None:
        self.backend = backend
        self.namespace = namespace
        self.shape = shape

    def keys(self, sig: Sequence[int]) -> list[str]:
        return bands(sig, *self.shape)

    def insert(self, items: Iterable[tuple[str, Sequence[int]]]) -> None:
        pairs = [(key, article_id) for article_id, sig in items for key in self.keys(sig)]
        if pairs:
            self.backend.add_postings(self.namespace, pairs)

    def query(self, sig: Sequence[int], exclude: str | None = None) -> list[str]:
        keys = self.keys(sig)
        if not keys:
            return []
        found = self.backend.get_postings(self.namespace, keys)
        ids = {aid for ids in found.values() for aid in ids if aid != exclude}
        return sorted(ids)

    def remove(self, article_ids: Iterable[str]) -> None:
        self.backend.delete_postings(self.namespace, list(article_ids))
