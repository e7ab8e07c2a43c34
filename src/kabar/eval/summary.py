"""``kabar eval summary``: extractive summarisation on IndoSum fold-1 dev (750 articles).

LEAD-3 and the greedy ORACLE (first 3 gold-labelled sentences) are scored in the same run,
under the same protocol as the published anchors (``indosum``: hypothesis digits → 0, both
sides cut at 100 words; see the dataset README) and under a ``clean`` protocol.

Systems: the unsupervised LexRank + position prior + MMR summariser that stories use, and a
lightweight sentence classifier (gradient-boosted trees on position, length, centrality and
headline-similarity features) evaluated by 5-fold cross-validation *over this dev file*
(trained on 4/5, scored on the held-out 1/5): there is no other IndoSum split here, so it is
reported as such. The headline is the title slug in the article id.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

import click
import numpy as np

from kabar.cluster.rouge import rouge
from kabar.cluster.summarise import SummaryConfig, _vectors, lexrank, summarise_sentences
from kabar.cluster.text import content_terms
from kabar.eval.common import markdown_table, print_table, shared_path, write_results

ANCHORS = [
    ("ORACLE (paper, test, 5 folds)", 79.27, 72.52, 78.82),
    ("LEAD-3 (paper)", 62.86, 54.50, 62.10),
    ("NeuralSum 300 (paper)", 67.96, 61.65, 67.24),
    ("IndoBERT extractive (IndoLEM)", 69.93, None, 69.21),
]
PROTOCOLS = ("indosum", "clean")


def load(path: Path) -> list[dict[str, Any]]:
    docs = []
    with path.open(encoding="utf-8") as fh:
        for raw in fh:
            row = json.loads(raw)
            paragraphs = [[" ".join(s) for s in p] for p in row["paragraphs"]]
            docs.append(
                {
                    "paragraphs": paragraphs,
                    "sentences": [s for p in paragraphs for s in p],
                    "labels": [bool(x) for p in row["gold_labels"] for x in p],
                    "summary": [" ".join(s) for s in row["summary"]],
                    "title": " ".join(row["id"].split("-")[1:]),
                }
            )
    return docs


def sentence_features(doc: dict[str, Any]) -> np.ndarray:
    sents = doc["sentences"]
    positions = [(pi, si) for pi, p in enumerate(doc["paragraphs"]) for si in range(len(p))]
    tokens = [content_terms(s, "id") for s in sents]
    mat = _vectors([*tokens, content_terms(doc["title"], "id")])
    sv, tv = mat[:-1], mat[-1]
    central = lexrank((sv @ sv.T).toarray())
    to_title = (sv @ tv.T).toarray().ravel()
    centre = np.asarray(sv.sum(axis=0)).ravel()
    centre /= np.linalg.norm(centre) or 1.0
    to_doc = sv @ centre
    n = len(sents)
    rows = []
    for i, s in enumerate(sents):
        pi, si = positions[i]
        length = len(s.split())
        rows.append(
            [
                i,
                i / n,
                i == 0,
                i == 1,
                i == 2,
                pi,
                si,
                si == 0,
                length,
                np.log1p(length),
                central[i],
                to_title[i],
                to_doc[i],
                '"' in s,
                n,
            ]
        )
    return np.array(rows, dtype=float)


def _score(hyps: list[list[str]], docs: list[dict[str, Any]], protocol: str) -> dict[str, float]:
    runs = [rouge(h, d["summary"], protocol) for h, d in zip(hyps, docs, strict=True)]
    return {k: 100 * statistics.fmean(r[k] for r in runs) for k in ("rouge1", "rouge2", "rougeL")}


def cross_validated(docs: list[dict[str, Any]], folds: int = 5) -> list[list[str]]:
    from sklearn.ensemble import HistGradientBoostingClassifier

    feats = [sentence_features(d) for d in docs]
    labels = [np.array(d["labels"], dtype=int) for d in docs]
    fold_of = np.arange(len(docs)) % folds
    hyps: list[list[str]] = [[] for _ in docs]
    for f in range(folds):
        train = [i for i in range(len(docs)) if fold_of[i] != f]
        model = HistGradientBoostingClassifier(
            max_iter=200, learning_rate=0.05, max_leaf_nodes=15, random_state=0
        )
        model.fit(np.vstack([feats[i] for i in train]), np.concatenate([labels[i] for i in train]))
        for i in (i for i in range(len(docs)) if fold_of[i] == f):
            prob = model.predict_proba(feats[i])[:, 1]
            picked = sorted(np.argsort(-prob, kind="stable")[:3])
            hyps[i] = [docs[i]["sentences"][j] for j in picked]
    return hyps


def evaluate(path: Path, cv: bool = True, limit: int | None = None) -> dict[str, Any]:
    docs = load(path)[:limit]
    systems: dict[str, list[list[str]]] = {
        "LEAD-3": [d["sentences"][:3] for d in docs],
        "ORACLE (first 3 labelled)": [
            [s for s, x in zip(d["sentences"], d["labels"], strict=True) if x][:3] for d in docs
        ],
        "kabar LexRank+prior+MMR (unsupervised)": [
            [
                d["sentences"][i]
                for i in summarise_sentences(d["paragraphs"], d["title"], "id", SummaryConfig())
            ]
            for d in docs
        ],
    }
    if cv:
        systems["kabar sentence GBT (5-fold CV on dev)"] = cross_validated(docs)
    return {
        "documents": len(docs),
        "results": {
            p: {name: _score(h, docs, p) for name, h in systems.items()} for p in PROTOCOLS
        },
    }


@click.command(name="summary")
@click.option("--shared", "shared", type=click.Path(), default=None, help="Path to ../shared.")
@click.option(
    "--cv/--no-cv", default=True, show_default=True, help="Include the cross-validated classifier."
)
@click.option("--limit", type=int, default=None, help="Score only the first N articles.")
@click.option("--out", type=click.Path(), default=None, help="Write JSON (+ .md) here.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def command(
    shared: str | None, cv: bool, limit: int | None, out: str | None, as_json: bool
) -> None:
    """IndoSum fold-1 dev ROUGE-1/2/L F1 beside LEAD-3, ORACLE and the published anchors."""
    path = shared_path(shared) / "data" / "summarization" / "indosum" / "dev.01.jsonl"
    result = evaluate(path, cv, limit)
    cols = ["system", "protocol", "R-1", "R-2", "R-L"]
    table: list[list[Any]] = []
    for protocol in PROTOCOLS:
        for name, sc in result["results"][protocol].items():
            table.append([name, protocol, sc["rouge1"], sc["rouge2"], sc["rougeL"]])
    for name, r1, r2, rl in ANCHORS:
        table.append([name, "indosum", r1, r2, rl])
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        print_table(f"IndoSum fold-1 dev, {result['documents']} articles", cols, table)
    write_results(out, {"task": "summary", **result}, markdown_table(cols, table))
