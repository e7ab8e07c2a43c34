"""Train and run the CRF taggers (python-crfsuite), and turn tags into character spans."""

from __future__ import annotations

import struct
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycrfsuite

from kabar.ner.data import Sentence
from kabar.ner.features import Featurizer
from kabar.ner.lexicon import MODELS_DIR
from kabar.ner.metrics import chunks
from kabar.ner.tokenize import split_sentences, tokenize

#: The unified model the pipeline ships (labels PER, ORG, LOC, EVT).
DEFAULT_MODEL = MODELS_DIR / "ner_id.crfsuite"

DEFAULT_PARAMS: dict[str, float | int | bool] = {
    "c1": 0.05,
    "c2": 0.05,
    "max_iterations": 150,
    "feature.possible_transitions": True,
}


def train_crf(
    sentences: Iterable[Sentence],
    model_path: Path,
    params: dict[str, float | int | bool] | None = None,
    featurizer: Featurizer | None = None,
    verbose: bool = False,
) -> Path:
    """Train an L-BFGS CRF (L1 + L2) on ``(tokens, tags)`` sentences and save it."""
    feats = featurizer or Featurizer()
    trainer = pycrfsuite.Trainer(verbose=verbose)
    for tokens, tags in sentences:
        if tokens:
            trainer.append(feats.sentence(tokens), tags)
    trainer.set_params({**DEFAULT_PARAMS, **(params or {})})
    model_path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(model_path))
    return model_path


def shift_entity_bias(
    model_path: Path, amount: float, per_type: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Add ``amount`` to the weight of the always-on ``bias`` attribute for every ``B-`` label
    of a trained model, in place: a prior for starting an entity, applied at decoding.
    ``per_type`` adds a further amount for some types (``{"EVT": 0.75}``).

    A CRF trained by maximum likelihood is cautious on rare types (precision well above
    recall); the IndoNLU/IndoLEM F1 rewards recall as much as precision, so a small positive
    shift, chosen on the dev splits, trades a little precision for more recall. Equivalent to
    adding ``amount`` to each ``B-`` label's score at every token in Viterbi, at no cost per
    token. The crfsuite model file (``crf1d_model.c``: a 48-byte header, then a ``FEAT`` chunk
    of 20-byte records ``type, src, dst: uint32; weight: float64``, little-endian) is patched
    where the (bias, ``B-X``) state features sit, and the result is read back and checked.
    Returns the new weights by label.
    """
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_path))
    labels = list(tagger.labels())
    before = dict(tagger.info().state_features)
    tagger.close()
    found_w = {lab: before.get(("bias", lab)) for lab in labels if lab.startswith("B-")}
    per_type = per_type or {}
    shift = {lab: amount + per_type.get(lab[2:], 0.0) for lab in found_w}
    if not any(shift.values()):
        return {lab: w for lab, w in found_w.items() if w is not None}
    missing = [lab for lab, w in found_w.items() if w is None]
    if missing:  # L1 pruned it: there is no record to patch
        raise ValueError(f"{model_path}: no bias weight for {missing}")
    wanted = {lab: float(w) for lab, w in found_w.items() if w is not None}
    buf = bytearray(model_path.read_bytes())
    if buf[:4] != b"lCRF" or buf[8:12] != b"FOMC":
        raise ValueError(f"{model_path}: not a crfsuite CRF1d model")
    off_features = struct.unpack_from("<I", buf, 28)[0]
    chunk, _, num_features = struct.unpack_from("<4sII", buf, off_features)
    if chunk != b"FEAT":
        raise ValueError(f"{model_path}: no feature chunk where the header says")
    base = off_features + 12
    # Find each B- label's (bias, label) record: crfsuite's dump (``info``) prints weights to
    # six decimals, so match within rounding; the bias attribute is the one source attribute
    # under which every B- label's weight is found.
    ids = {lab: i for i, lab in enumerate(labels)}
    targets = {ids[lab]: w for lab, w in wanted.items()}
    by_src: dict[int, dict[int, int]] = {}
    for k in range(num_features):
        off = base + 20 * k
        kind, src, dst, weight = struct.unpack_from("<IIId", buf, off)
        w = targets.get(dst)
        if kind == 0 and w is not None and abs(weight - w) < 1e-6:
            by_src.setdefault(src, {})[dst] = off
    found = [offs for offs in by_src.values() if len(offs) == len(wanted)]
    if len(found) != 1:
        raise ValueError(f"{model_path}: cannot tell the bias attribute's features apart")
    for dst, off in found[0].items():
        weight = struct.unpack_from("<d", buf, off + 12)[0]
        struct.pack_into("<d", buf, off + 12, weight + shift[labels[dst]])
    tmp = model_path.with_suffix(".shift.tmp")
    tmp.write_bytes(bytes(buf))
    check = pycrfsuite.Tagger()
    check.open(str(tmp))
    after = dict(check.info().state_features)
    check.close()
    changed = {k for k in before if before[k] != after.get(k)}
    expected = {("bias", lab) for lab in wanted if shift[lab]}
    ok = changed == expected and all(
        abs(after[("bias", lab)] - wanted[lab] - shift[lab]) < 1e-5 for lab in wanted
    )
    if not ok or len(after) != len(before):
        tmp.unlink()
        raise ValueError(f"{model_path}: patched model does not read back as expected")
    tmp.replace(model_path)
    return {lab: after[("bias", lab)] for lab in wanted}


class CrfTagger:
    """A loaded CRF model with its featurizer; ``tag`` is safe to call from one thread."""

    def __init__(self, model_path: Path, featurizer: Featurizer | None = None) -> None:
        self.path = model_path
        self.featurizer = featurizer or Featurizer()
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))
        self.labels: tuple[str, ...] = tuple(self._tagger.labels())

    def tag(self, tokens: Sequence[str]) -> list[str]:
        if not tokens:
            return []
        return list(self._tagger.tag(self.featurizer.sentence(list(tokens))))

    def tag_many(self, sentences: Iterable[Sequence[str]]) -> list[list[str]]:
        return [self.tag(tokens) for tokens in sentences]

    def tag_with_confidence(self, tokens: Sequence[str]) -> tuple[list[str], list[float]]:
        """Tags and, per token, the marginal probability of its tag."""
        if not tokens:
            return [], []
        tags = list(self._tagger.tag(self.featurizer.sentence(list(tokens))))
        probs = [self._tagger.marginal(t, i) for i, t in enumerate(tags)]
        return tags, probs


_LOCK = threading.Lock()


@cache
def default_tagger() -> CrfTagger | None:
    """The shipped model, loaded once per process; None when it is not there."""
    with _LOCK:
        if not DEFAULT_MODEL.is_file():
            return None
        return CrfTagger(DEFAULT_MODEL)


@dataclass(frozen=True)
class TextEntity:
    text: str
    label: str
    start: int  # character offsets into the tagged text
    end: int
    score: float


def _casefold_view(tokens: list[str]) -> list[str]:
    """All-caps headlines tag better in the lowercase view the model also learnt (NERP)."""
    return [t.lower() if t.isupper() and len(t) > 3 else t for t in tokens]


def tag_text(
    text: str,
    tagger: CrfTagger | None = None,
    toks: list[tuple[str, int, int]] | None = None,
) -> list[TextEntity]:
    """Entities in one line of text, with character offsets into ``text``.

    Sentences are tagged one at a time (at most 120 tokens each), so time and memory stay
    linear in the length of the text. ``toks`` saves re-tokenizing when the caller has them.
    """
    tagger = tagger or default_tagger()
    if tagger is None or not text.strip():
        return []
    toks = tokenize(text) if toks is None else toks
    if not toks:
        return []
    words = [t for t, _, _ in toks]
    letters = [w for w in words if w[:1].isalpha()]
    shouting = len(letters) >= 3 and sum(w.isupper() for w in letters) > 0.7 * len(letters)
    out: list[TextEntity] = []
    for s, e in split_sentences(toks):
        sent = words[s:e]
        view = _casefold_view(sent) if shouting else sent
        tags, probs = tagger.tag_with_confidence(view)
        for label, a, b in chunks(tags):
            start, end = toks[s + a][1], toks[s + b - 1][2]
            score = min(probs[a:b]) if probs else 1.0
            out.append(TextEntity(text[start:end], label, start, end, score))
    return out
