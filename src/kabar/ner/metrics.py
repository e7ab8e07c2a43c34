"""Entity-level scores, computed the two ways the published anchors were computed.

* **IndoNLU** (NERGrit, NERP): conlleval chunks, F1 per entity type, then the *macro* average
  over the types present in gold or prediction (``indonlu/utils/metrics.py::ner_metrics_fn``).
* **IndoLEM** (NER UGM, NER UI): seqeval ``f1_score`` in its default mode: entity-level *micro*
  P/R/F1 over all chunks.

Both read chunks the conlleval way: a stray ``I-X`` after ``O`` or another type starts a new
chunk, and a chunk ends where the next tag is not ``I-`` of the same type. The two modes differ
only in averaging, so one chunker serves both. Written here (no seqeval at run time); the tests
check them against seqeval when it is installed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

Chunk = tuple[str, int, int]  # type, start, end (exclusive)


def chunks(tags: Sequence[str]) -> list[Chunk]:
    """Entity chunks of one BIO tag sequence (conlleval/seqeval default reading)."""
    found: list[Chunk] = []
    kind: str | None = None
    start = 0
    for i, tag in enumerate(tags):
        prefix, _, cur = tag.partition("-")
        if tag == "O" or not cur:
            prefix, cur = "O", ""
        inside = prefix in {"I", "E"} and kind == cur
        if kind is not None and not inside:
            found.append((kind, start, i))
            kind = None
        if prefix != "O" and not inside:
            kind, start = cur, i
        if prefix in {"E", "S"} and kind is not None:  # tolerate BIOES input
            found.append((kind, start, i + 1))
            kind = None
    if kind is not None:
        found.append((kind, start, len(tags)))
    return found


@dataclass
class Score:
    precision: float
    recall: float
    f1: float
    support: int  # gold chunks

    def as_dict(self) -> dict[str, float | int]:
        return {"p": self.precision, "r": self.recall, "f1": self.f1, "support": self.support}


@dataclass
class Report:
    micro: Score
    macro: Score  # macro over types (IndoNLU "F1")
    per_type: dict[str, Score] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "micro": self.micro.as_dict(),
            "macro": self.macro.as_dict(),
            "per_type": {k: v.as_dict() for k, v in self.per_type.items()},
        }


def _prf(tp: int, n_pred: int, n_gold: int) -> Score:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return Score(100 * p, 100 * r, 100 * f, n_gold)


def evaluate(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> Report:
    """Scores of predicted tag sequences against gold ones (same lengths, sentence by sentence)."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold sentences but {len(pred)} predicted")
    tp: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    for g_tags, p_tags in zip(gold, pred, strict=True):
        if len(g_tags) != len(p_tags):
            raise ValueError("a predicted sentence differs in length from its gold sentence")
        g = set(chunks(g_tags))
        p = set(chunks(p_tags))
        for kind, _, _ in g:
            n_gold[kind] += 1
        for kind, _, _ in p:
            n_pred[kind] += 1
        for kind, _, _ in g & p:
            tp[kind] += 1
    types = sorted(set(n_gold) | set(n_pred))
    per_type = {t: _prf(tp[t], n_pred[t], n_gold[t]) for t in types}
    micro = _prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    if per_type:
        macro = Score(
            sum(s.precision for s in per_type.values()) / len(per_type),
            sum(s.recall for s in per_type.values()) / len(per_type),
            sum(s.f1 for s in per_type.values()) / len(per_type),
            micro.support,
        )
    else:
        macro = Score(0.0, 0.0, 0.0, 0)
    return Report(micro=micro, macro=macro, per_type=per_type)
