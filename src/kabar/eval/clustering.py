"""``kabar eval clustering``: story clustering on ECB+ dev, single pass and batch rebuild.

Documents go through the incremental clusterer in fixed random orders (seeds 0..n-1 by
default; ``--first-seed 5 --seeds 10`` gives the orders no choice was made on); the
clusterer sees only title and text (``doc_id`` is used to join the output to the gold).
BCubed P/R/F1, ARI and V-measure against the subtopic (one event = one story) and the topic.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from kabar.eval.common import markdown_table, print_table, shared_path, write_results
from kabar.models import Article, Line, LineKind

ANCHORS = [
    ("Barhom 2019 K-means, k given, test topics", 0.968),
    ("TF-IDF single-pass (README)", 0.866),
    ("TF-IDF average-link (README)", 0.875),
]


def bcubed(pred: Sequence[Any], gold: Sequence[Any]) -> tuple[float, float, float]:
    """Document-level BCubed precision, recall and F1."""
    if not pred:
        return 0.0, 0.0, 0.0
    by_pred: dict[Any, set[int]] = defaultdict(set)
    by_gold: dict[Any, set[int]] = defaultdict(set)
    for i, (p, g) in enumerate(zip(pred, gold, strict=True)):
        by_pred[p].add(i)
        by_gold[g].add(i)
    prec = rec = 0.0
    for p, g in zip(pred, gold, strict=True):
        both = len(by_pred[p] & by_gold[g])
        prec += both / len(by_pred[p])
        rec += both / len(by_gold[g])
    prec, rec = prec / len(pred), rec / len(pred)
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def scores(pred: Sequence[Any], gold: Sequence[Any]) -> dict[str, float]:
    from sklearn.metrics import adjusted_rand_score, v_measure_score

    p, r, f = bcubed(pred, gold)
    return {
        "bcubed_p": p,
        "bcubed_r": r,
        "bcubed_f1": f,
        "ari": float(adjusted_rand_score(gold, pred)),
        "v_measure": float(v_measure_score(gold, pred)),
        "clusters": len(set(pred)),
    }


def load_ecb(path: Path) -> tuple[list[Article], list[str], list[str]]:
    articles, subtopics, topics = [], [], []
    with path.open(encoding="utf-8") as fh:
        for raw in fh:
            row = json.loads(raw)
            text_lines = row["text"].split("\n")
            lines = [
                Line(index=i, text=t, kind=LineKind.TITLE if i == 0 else LineKind.BODY)
                for i, t in enumerate(text_lines)
            ]
            # The id is an opaque number: doc_id would give the gold away.
            articles.append(
                Article(
                    id=f"d{len(articles):04d}",
                    raw_id=str(len(articles)),
                    origin="ecb+",
                    title=row["title"],
                    lines=lines,
                    language="en",
                )
            )
            subtopics.append(row["subtopic"])
            topics.append(str(row["topic"]))
    return articles, subtopics, topics


def evaluate(path: Path, seeds: int = 5, first_seed: int = 0) -> dict[str, Any]:
    from kabar.cluster.online import batch_cluster, cluster_articles

    articles, subtopics, topics = load_ecb(path)
    rows: dict[str, Any] = {"single_pass": [], "orders": seeds, "first_seed": first_seed}
    start = time.perf_counter()
    for seed in range(first_seed, first_seed + seeds):
        order = list(range(len(articles)))
        random.Random(seed).shuffle(order)
        assign, _ = cluster_articles([articles[i] for i in order])
        pred = [assign[a.id] for a in articles]
        rows["single_pass"].append(
            {"seed": seed, "subtopic": scores(pred, subtopics), "topic": scores(pred, topics)}
        )
    rows["single_pass_seconds"] = (time.perf_counter() - start) / seeds
    assign = batch_cluster(articles)
    pred = [assign[a.id] for a in articles]
    rows["batch"] = {"subtopic": scores(pred, subtopics), "topic": scores(pred, topics)}
    rows["documents"] = len(articles)
    return rows


def _mean(runs: list[dict[str, Any]], level: str, key: str) -> float:
    return statistics.fmean(r[level][key] for r in runs)


@click.command(name="clustering")
@click.option("--shared", "shared", type=click.Path(), default=None, help="Path to ../shared.")
@click.option("--seeds", default=5, show_default=True, help="Random document orders.")
@click.option(
    "--first-seed",
    default=0,
    show_default=True,
    help="Seed of the first order (5: orders 5.. that no choice was made on).",
)
@click.option("--out", type=click.Path(), default=None, help="Write JSON (+ .md) here.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def command(
    shared: str | None, seeds: int, first_seed: int, out: str | None, as_json: bool
) -> None:
    """Story clustering on ECB+ dev: BCubed, ARI, V-measure beside the anchors."""
    path = shared_path(shared) / "data" / "clustering" / "ecbplus-dev.jsonl"
    result = evaluate(path, seeds, first_seed)
    cols = ["system", "level", "BCubed P", "BCubed R", "BCubed F1", "ARI", "V-measure", "clusters"]
    table = []
    for level in ("subtopic", "topic"):
        runs = result["single_pass"]
        f1s = [r[level]["bcubed_f1"] for r in runs]
        table.append(
            [
                f"single-pass, orders {first_seed}–{first_seed + seeds - 1}"
                f" (F1 {min(f1s):.3f}–{max(f1s):.3f})",
                level,
            ]
            + [
                _mean(runs, level, k)
                for k in ("bcubed_p", "bcubed_r", "bcubed_f1", "ari", "v_measure")
            ]
            + [round(_mean(runs, level, "clusters"), 1)]
        )
        b = result["batch"][level]
        table.append(
            ["batch rebuild", level]
            + [b[k] for k in ("bcubed_p", "bcubed_r", "bcubed_f1", "ari", "v_measure", "clusters")]
        )
    for name, f1 in ANCHORS:
        table.append([name, "subtopic", None, None, f1, None, None, None])
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        print_table("ECB+ dev story clustering (input: title + text only)", cols, table)
    write_results(out, {"task": "clustering", **result}, markdown_table(cols, table))
