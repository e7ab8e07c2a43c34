"""Train the NER model kabar ships (``ner_id.crfsuite``) from ``../shared/data/ner``.

    python src/kabar/models/train_ner.py [--shared PATH] [--words]

The model is a python-crfsuite CRF over the features in :mod:`kabar.ner.features`, trained
on every train and dev split of the five Indonesian corpora (NERGrit, NERP, NER UGM, NER UI,
idner-news-2k) with their tags mapped onto kabar's labels PER/ORG/LOC/EVT
(:mod:`kabar.ner.data`). **Every sentence that occurs in the NERGrit, NERP or idner-news-2k
test split is removed from training** (matched on the lowercased token sequence; the corpora
share many sentences). The IndoLEM corpora (UGM, UI) are 5-fold: their test folds cover the
whole corpus, so their scores in ``kabar eval ner`` come from per-fold models instead, never
from this one.

``--words`` first rebuilds the word-cluster table (``ner_words.json``, see
:mod:`kabar.ner.clusters`), which the features read. After training, the entity-start bias
``ENTITY_BIAS["unified"]`` of :mod:`kabar.ner.training` is added to the model's ``B-`` label
weights (:func:`kabar.ner.tagger.shift_entity_bias`). Training takes a few minutes on one
core.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

import click

HERE = Path(__file__).resolve().parent


@click.command()
@click.option("--shared", "shared_opt", default=None, help="The shared data folder.")
@click.option("--out", default=str(HERE / "ner_id.crfsuite"), show_default=True)
@click.option("--words", is_flag=True, help="Rebuild the word-cluster table first.")
def main(shared_opt: str | None, out: str, words: bool) -> None:
    """Train the shipped Indonesian NER model."""
    from kabar.eval.common import shared_path
    from kabar.ner.training import (
        ENTITY_BIAS,
        PARAMS,
        SHIPPED_TEST_SPLITS,
        train_shipped_model,
    )

    shared = shared_path(shared_opt)
    if words:
        from kabar.ner.clusters import build

        click.echo(f"word table: {build(shared)}")
    started = time.perf_counter()
    out_path = Path(out)
    data = train_shipped_model(shared / "data" / "ner", out_path)
    seconds = time.perf_counter() - started
    labels = Counter(t[2:] for _, tags in data.sentences for t in tags if t.startswith("B-"))
    meta = {
        "model": out_path.name,
        "labels": sorted(labels),
        "entities": dict(sorted(labels.items())),
        "sentences": len(data.sentences),
        "tokens": sum(len(t) for t, _ in data.sentences),
        "removed_test_sentences": data.removed,
        "test_splits_removed": list(SHIPPED_TEST_SPLITS),
        "params": PARAMS["unified"],
        "entity_bias": ENTITY_BIAS["unified"],
        "train_seconds": round(seconds, 1),
        "bytes": out_path.stat().st_size,
        "trained": time.strftime("%Y-%m-%d"),
    }
    out_path.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n", "utf-8")
    click.echo(json.dumps(meta, indent=2))


if __name__ == "__main__":
    sys.exit(main())
