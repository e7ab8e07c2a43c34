"""ROUGE-1/2/L F1 in the style of ROUGE-1.5.5 (no stemming, no stop-word removal).

Tokenisation as ROUGE-1.5.5 does it: lowercase, every non-alphanumeric run becomes a space.
ROUGE-L is the summary-level union-LCS variant (each reference sentence is matched against
all hypothesis sentences, hits counted once per token occurrence).

``protocol="indosum"`` reproduces how the IndoSum paper scored its table (see the dataset's
README): hypothesis digits replaced by ``0`` and both sides cut to 100 words.
``protocol="clean"`` scores both sides the same way, digits kept, no cap.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

NON_ALNUM = re.compile(r"[^a-z0-9]+")


def tokenize(text: str) -> list[str]:
    return NON_ALNUM.sub(" ", text.lower()).split()


def _cap(sentences: list[list[str]], limit: int | None) -> list[list[str]]:
    if not limit:
        return sentences
    out, left = [], limit
    for sent in sentences:
        if left <= 0:
            break
        out.append(sent[:left])
        left -= len(out[-1])
    return out


def _f1(hits: int, n_hyp: int, n_ref: int) -> float:
    if hits == 0 or n_hyp == 0 or n_ref == 0:
        return 0.0
    p, r = hits / n_hyp, hits / n_ref
    return 2 * p * r / (p + r)


def _lcs_positions(ref: list[str], hyp: list[str]) -> set[int]:
    """Positions in ``ref`` on one longest common subsequence with ``hyp``."""
    n, m = len(ref), len(hyp)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n):
        row, nxt = table[i], table[i + 1]
        for j in range(m):
            nxt[j + 1] = row[j] + 1 if ref[i] == hyp[j] else max(row[j + 1], nxt[j])
    hits: set[int] = set()
    i, j = n, m
    while i > 0 and j > 0:
        if ref[i - 1] == hyp[j - 1]:
            hits.add(i - 1)
            i, j = i - 1, j - 1
        elif table[i - 1][j] >= table[i][j - 1]:
            i -= 1
        else:
            j -= 1
    return hits


def _prepare(
    hypothesis: Sequence[str], reference: Sequence[str], protocol: str
) -> tuple[list[list[str]], list[list[str]]]:
    hyp = [tokenize(s) for s in hypothesis]
    ref = [tokenize(s) for s in reference]
    limit = None
    if protocol == "indosum":
        hyp = [[re.sub(r"[0-9]", "0", t) for t in s] for s in hyp]
        limit = 100
    elif protocol != "clean":
        raise ValueError(f"unknown ROUGE protocol {protocol!r}: use 'indosum' or 'clean'")
    return _cap(hyp, limit), _cap(ref, limit)


def _rouge_n(h: list[str], r: list[str], n: int) -> float:
    hc = Counter(tuple(h[i : i + n]) for i in range(len(h) - n + 1))
    rc = Counter(tuple(r[i : i + n]) for i in range(len(r) - n + 1))
    return _f1(sum((hc & rc).values()), sum(hc.values()), sum(rc.values()))


def rouge_n(
    hypothesis: Sequence[str], reference: Sequence[str], n: int = 1, protocol: str = "clean"
) -> float:
    """F1 of ROUGE-N alone (no LCS): cheap enough for tuning loops."""
    hyp, ref = _prepare(hypothesis, reference, protocol)
    return _rouge_n([t for s in hyp for t in s], [t for s in ref for t in s], n)


def rouge(
    hypothesis: Sequence[str], reference: Sequence[str], protocol: str = "indosum"
) -> dict[str, float]:
    """F1 of ROUGE-1, ROUGE-2 and ROUGE-L for one document (sentences on both sides)."""
    hyp, ref = _prepare(hypothesis, reference, protocol)
    h = [t for s in hyp for t in s]
    r = [t for s in ref for t in s]
    out: dict[str, float] = {
        n_key: _rouge_n(h, r, n) for n, n_key in ((1, "rouge1"), (2, "rouge2"))
    }
    left_ref, left_hyp = Counter(r), Counter(h)
    hits = 0
    for sent in ref:
        union: set[int] = set()
        for hs in hyp:
            union |= _lcs_positions(sent, hs)
        for i in sorted(union):
            tok = sent[i]
            if left_ref[tok] > 0 and left_hyp[tok] > 0:
                hits += 1
                left_ref[tok] -= 1
                left_hyp[tok] -= 1
    out["rougeL"] = _f1(hits, len(h), len(r))
    return out
