"""Train the learned sentence scorer kabar ships (``summary_sentences.json``) from IndoSum.

    python src/kabar/models/train_summary.py [--shared PATH] [--data FILE ...]

The scorer (:func:`kabar.cluster.summarise.train_summariser`) is boosted trees over the
per-sentence features of :func:`kabar.cluster.summarise.sentence_features`, fitted to
IndoSum's greedy-oracle sentence labels, plus a small length model (boosted trees over
``LENGTH_FEATURES``) that picks how many of the best sentences to show, fitted to the
ROUGE-1 of each candidate length on out-of-fold scores inside the training data. By default it trains on every IndoSum ``train.*.jsonl``
found under ``../shared/data/summarization/indosum``; when there is none (the shared folder
holds only fold-1 dev today) it falls back to ``dev.01.jsonl``, so the shipped file has then
seen that dev file and ``kabar eval summary`` reports cross-validated models instead of it.
A run takes about 30 seconds on one core.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

HERE = Path(__file__).resolve().parent


@click.command()
@click.option("--shared", "shared_opt", default=None, help="The shared data folder.")
@click.option("--data", "data", multiple=True, help="IndoSum JSONL files (overrides --shared).")
@click.option("--out", default=str(HERE / "summary_sentences.json"), show_default=True)
def main(shared_opt: str | None, data: tuple[str, ...], out: str) -> None:
    """Train the shipped sentence scorer."""
    from kabar.cluster.summarise import TrainingDoc, train_summariser
    from kabar.eval.common import shared_path
    from kabar.eval.summary import load

    if data:
        files = [Path(p) for p in data]
    else:
        folder = shared_path(shared_opt) / "data" / "summarization" / "indosum"
        files = sorted(folder.glob("train.*.jsonl")) or [folder / "dev.01.jsonl"]
    docs = [
        TrainingDoc(d["paragraphs"], d["title"], d["labels"], d["summary"], "id")
        for f in files
        for d in load(f)
    ]
    start = time.time()
    model = train_summariser(docs)
    model.meta["trained_on"] = [f.name for f in files]
    Path(out).write_text(json.dumps(model.to_json(), separators=(",", ":")) + "\n")
    size = Path(out).stat().st_size
    click.echo(
        f"{len(docs)} articles from {', '.join(model.meta['trained_on'])}: "
        f"{len(model.trees)} + {len(model.length_trees)} length trees, fallback budget "
        f"{model.budget_words} words, {size:,} bytes, "
        f"{time.time() - start:.0f}s -> {out}"
    )


if __name__ == "__main__":
    main()
