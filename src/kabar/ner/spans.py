"""The training data's own entity names as a phrase lexicon (evaluation models only).

A word-level CRF sees "piala" and "dunia" separately; a phrase match tells it that
"piala dunia" was tagged EVT as a whole in training, and how reliably (NERP tags "pemilu" as
an event in one sentence and not in the next). Each lexicon entry is a lowercased token
sequence of at most :data:`MAX_TOKENS` tokens with its majority type, the share of its
occurrences in the training text that carry that tag, and how many times it was tagged.

To learn how far to trust a match, training sentences get their features from a lexicon
built on the *other* folds of the training set (out-of-fold, :class:`SpanLexicon.fit`):
a lexicon built on all of it would match every training entity perfectly and the CRF would
lean on it far more than it deserves on unseen text.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from kabar.ner.data import Sentence, sentence_key
from kabar.ner.metrics import chunks

MAX_TOKENS = 6
#: Phrases tagged in fewer than this share of their occurrences are left out.
MIN_SHARE = 0.2

Entry = tuple[str, str, int]  # (type, share bucket "1"-"3", times tagged, capped at 3)


def build_lexicon(sentences: Sequence[Sentence]) -> dict[tuple[str, ...], Entry]:
    lowered = [[w.lower() for w in tokens] for tokens, _ in sentences]
    tagged: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for low, (_, tags) in zip(lowered, sentences, strict=True):
        for kind, start, end in chunks(tags):
            if end - start <= MAX_TOKENS:
                tagged[tuple(low[start:end])][kind] += 1
    seen: Counter[tuple[str, ...]] = Counter()
    for low in lowered:
        for i in range(len(low)):
            for n in range(1, min(MAX_TOKENS, len(low) - i) + 1):
                phrase = tuple(low[i : i + n])
                if phrase in tagged:
                    seen[phrase] += 1
    out: dict[tuple[str, ...], Entry] = {}
    for phrase, kinds in tagged.items():
        kind, times = kinds.most_common(1)[0]
        share = times / max(seen[phrase], times)
        if share < MIN_SHARE:
            continue
        bucket = "3" if share > 0.8 else "2" if share > 0.5 else "1"
        out[phrase] = (kind, bucket, min(times, 3))
    return out


def lexicon_features(
    lexicon: dict[tuple[str, ...], Entry], tokens: Sequence[str]
) -> list[list[str]]:
    """Per token, the features of the longest lexicon phrase covering it (left to right)."""
    low = [w.lower() for w in tokens]
    n = len(low)
    out: list[list[str]] = [[] for _ in range(n)]
    i = 0
    while i < n:
        for m in range(min(MAX_TOKENS, n - i), 0, -1):
            hit = lexicon.get(tuple(low[i : i + m]))
            if hit is None:
                continue
            kind, bucket, times = hit
            out[i] += [f"tl=B-{kind}", f"tlr=B-{kind}{bucket}", f"tlc={kind}{times}"]
            for j in range(i + 1, i + m):
                out[j] += [f"tl=I-{kind}", f"tlr=I-{kind}{bucket}"]
            if i + m < n:
                out[i + m].append(f"tlafter={kind}")
            i += m
            break
        else:
            i += 1
    return out


class SpanLexicon:
    """The lexicon of a training set, and the out-of-fold ones its own sentences get."""

    def __init__(self, full: dict[tuple[str, ...], Entry]) -> None:
        self.full = full
        self._folds: dict[str, dict[tuple[str, ...], Entry]] = {}

    @classmethod
    def fit(cls, sentences: Sequence[Sentence], folds: int = 5, seed: int = 1) -> SpanLexicon:
        lex = cls(build_lexicon(sentences))
        order = list(range(len(sentences)))
        random.Random(seed).shuffle(order)
        for fold in range(folds):
            held = set(order[fold::folds])
            part = build_lexicon([s for i, s in enumerate(sentences) if i not in held])
            for i in held:
                lex._folds[sentence_key(sentences[i][0])] = part
        return lex

    def features(self, tokens: Sequence[str]) -> list[list[str]]:
        # A training sentence gets its out-of-fold lexicon; anything else the full one.
        return lexicon_features(self._folds.get(sentence_key(tokens), self.full), tokens)

    def to_json(self) -> list[list[Any]]:
        return [[list(p), k, b, t] for p, (k, b, t) in sorted(self.full.items())]

    @classmethod
    def from_json(cls, rows: list[list[Any]]) -> SpanLexicon:
        return cls({tuple(p): (str(k), str(b), int(t)) for p, k, b, t in rows})
