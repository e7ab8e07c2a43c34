"""Readers for the five Indonesian NER corpora in ``../shared/data/ner`` and one tag scheme.

Every corpus is BIO (IOB2), but each spells its types differently. ``map_tag`` puts them on
kabar's scheme (the one :class:`kabar.models.Mention` uses):

==============  ==========  ===========  ============  =========  =================
kabar label     NERGrit     NERP         IndoLEM UGM   NER UI     idner-news-2k
==============  ==========  ===========  ============  =========  =================
``PER``         PERSON      PPL          PERSON        PERSON     PER
``ORG``         ORGANISATION IND (1)     ORGANIZATION  ORGANIZATION ORG
``LOC``         PLACE       PLC          LOCATION      LOCATION   LOC
``EVT``         —           EVT          —             —          —
(dropped, O)    —           FNB (2)      TIME, QUANTITY (3) —     —
==============  ==========  ===========  ============  =========  =================

1. NERP's IND is "product or brand"; in news it is mostly companies, clubs and media
   (PT …, Bank …, Manchester United, Kompas.com), so it becomes ``ORG``.
2. Food and beverage names are of no use to the pipeline.
3. Dates and amounts are the ``dates`` stage's business; only UGM labels them.

``GPE`` is not in any corpus: the pipeline assigns it after tagging, to ``LOC`` mentions the
gazetteer knows as a country, province or city (and to metonyms such as "Beijing").

The evaluation keeps each corpus's own labels (``scheme="native"``), because each anchor was
measured on them.

Format quirks handled here (see the data READMEs):

* NERP tokens may contain spaces (``salah satu``): columns are split on TAB only.
* idner-news-2k has three space-separated columns (``token UPOS NER``), CRLF line endings and
  no blank line after its last sentence, so the reader strips ``\\r`` and flushes at EOF.
* IndoLEM ships five folds (``train.01.tsv`` …); NERGrit/NERP name splits ``*_preprocess.txt``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Scheme = Literal["native", "kabar"]

#: Native type name → kabar label (None: dropped to ``O``).
TYPE_MAP: dict[str, str | None] = {
    "PERSON": "PER",
    "PER": "PER",
    "PPL": "PER",
    "ORGANISATION": "ORG",
    "ORGANIZATION": "ORG",
    "ORG": "ORG",
    "IND": "ORG",
    "PLACE": "LOC",
    "LOCATION": "LOC",
    "LOC": "LOC",
    "PLC": "LOC",
    "EVT": "EVT",
    "FNB": None,
    "TIME": None,
    "QUANTITY": None,
}

#: kabar's label set for the unified (shipped) model.
KABAR_LABELS: tuple[str, ...] = ("PER", "ORG", "LOC", "EVT")


@dataclass(frozen=True)
class DatasetSpec:
    name: str  # short key: nergrit, nerp, ugm, ui, idner
    folder: str
    metric: Literal["indonlu", "indolem", "none"]
    folds: int = 1  # IndoLEM ships 5 folds
    cased: bool = True


DATASETS: dict[str, DatasetSpec] = {
    "nergrit": DatasetSpec("nergrit", "indonlu_nergrit", "indonlu"),
    "nerp": DatasetSpec("nerp", "indonlu_nerp", "indonlu", cased=False),
    "ugm": DatasetSpec("ugm", "indolem_nerugm", "indolem", folds=5),
    "ui": DatasetSpec("ui", "indolem_nerui", "indolem", folds=5),
    "idner": DatasetSpec("idner", "idner_news_2k", "none"),
}

Sentence = tuple[list[str], list[str]]  # tokens, tags


def map_tag(tag: str, scheme: Scheme = "kabar") -> str:
    """One BIO tag onto ``scheme`` ("native" keeps it; "kabar" maps the type or drops it)."""
    tag = tag.strip()
    if tag == "O" or not tag or scheme == "native":
        return tag or "O"
    prefix, _, kind = tag.partition("-")
    if not kind:
        return "O"
    mapped = TYPE_MAP.get(kind.upper())
    return f"{prefix}-{mapped}" if mapped else "O"


def repair_bio(tags: list[str]) -> list[str]:
    """Turn a stray ``I-X`` (after ``O`` or another type) into ``B-X``, as conlleval reads it."""
    out: list[str] = []
    prev = "O"
    for tag in tags:
        if tag.startswith("I-") and (prev == "O" or prev[2:] != tag[2:]):
            tag = "B-" + tag[2:]
        out.append(tag)
        prev = tag
    return out


def read_conll(path: Path, scheme: Scheme = "native") -> list[Sentence]:
    """Sentences from a CoNLL-style file: last column is the tag, blank line between sentences.

    Two-column files are split on TAB only (NERP tokens contain spaces); three-column idner
    files on single spaces. ``\\r`` is stripped and the last sentence flushed at EOF.
    """
    sentences: list[Sentence] = []
    tokens: list[str] = []
    tags: list[str] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for raw in fh:
            line = raw.rstrip("\n").rstrip("\r")
            if not line.strip():
                if tokens:
                    sentences.append((tokens, tags))
                    tokens, tags = [], []
                continue
            if "\t" in line:
                token, _, tag = line.rpartition("\t")
            else:  # idner: token UPOS NER
                parts = line.split(" ")
                token, tag = (parts[0], parts[-1]) if len(parts) >= 2 else (parts[0], "O")
            tokens.append(token)
            tags.append(map_tag(tag, scheme))
    if tokens:
        sentences.append((tokens, tags))
    return sentences


def split_path(root: Path, spec: DatasetSpec, split: str, fold: int = 1) -> Path:
    """The file of ``split`` ("train", "dev", "test") of a dataset under ``root`` (data/ner)."""
    folder = root / spec.folder
    if spec.name in {"nergrit", "nerp"}:
        name = {"train": "train", "dev": "valid", "test": "test"}[split]
        return folder / f"{name}_preprocess.txt"
    if spec.folds > 1:
        return folder / f"{split}.{fold:02d}.tsv"
    return folder / f"{split}.txt"


def load_split(
    root: Path, name: str, split: str, fold: int = 1, scheme: Scheme = "native"
) -> list[Sentence]:
    return read_conll(split_path(root, DATASETS[name], split, fold), scheme)


def sentence_key(tokens: Iterable[str]) -> str:
    """The key leakage is matched on: the lowercased token sequence."""
    return "\x1f".join(t.lower() for t in tokens)


def held_out_keys(root: Path, names: Iterable[str] | None = None) -> set[str]:
    """Keys of every sentence in every test split (all folds) of the named datasets."""
    keys: set[str] = set()
    for name in names or DATASETS:
        spec = DATASETS[name]
        for fold in range(1, spec.folds + 1):
            for tokens, _ in load_split(root, name, "test", fold):
                keys.add(sentence_key(tokens))
    return keys


def without(sentences: Iterable[Sentence], banned: set[str]) -> Iterator[Sentence]:
    """Sentences whose key is not in ``banned`` (leakage removal)."""
    for sent in sentences:
        if sentence_key(sent[0]) not in banned:
            yield sent


def chunk_types(sentences: Iterable[Sentence]) -> list[str]:
    """Sorted entity types present in the tags."""
    return sorted({t[2:] for _, tags in sentences for t in tags if t != "O"})
