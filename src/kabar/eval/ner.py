"""``kabar eval ner``: Indonesian NER on each corpus's test split, beside the published scores.

For every corpus the table gives both metrics (see :mod:`kabar.ner.metrics`): the IndoNLU
**macro** F1 over entity types (conlleval chunks) and the seqeval-style entity-level **micro**
F1, with precision and recall. Each anchor was published with one of them: NERGrit and NERP
with macro F1 (IndoNLU), NER UGM and NER UI with micro F1 under IndoLEM's 5-fold protocol.

Scores come from **evaluation models**: one CRF per corpus (per fold for the IndoLEM corpora,
reported as the mean over the folds) with the corpus's own labels, trained on its train+dev
split with every sentence of the test split being scored removed (:mod:`kabar.ner.training`).
They are trained on first use and cached (``--cache``), a few minutes on one core. The shipped
model (kabar labels) is also scored on the NERGrit, NERP and idner tests after mapping their
labels, and its speed (sentences/second on one core, features included) and size are reported.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from kabar.eval.common import (
    SharedDataMissing,
    markdown_table,
    print_table,
    shared_path,
    write_results,
)
from kabar.ner.data import DATASETS, load_split, map_tag
from kabar.ner.metrics import Report, evaluate

#: Published test scores (see ../shared/data/ner/README.md): (system, metric, F1).
ANCHORS: dict[str, list[tuple[str, str, float]]] = {
    "nergrit": [("XLM-R base", "macro", 79.09), ("IndoBERT-large", "macro", 77.60)],
    "nerp": [("IndoBERT-large", "macro", 79.25), ("XLM-R large", "macro", 78.52)],
    "ugm": [("IndoBERT (IndoLEM)", "micro", 74.9), ("BiLSTM-CRF", "micro", 70.9)],
    "ui": [("IndoBERT (IndoLEM)", "micro", 90.1), ("BiLSTM-CRF", "micro", 82.2)],
    "idner": [],
}
GOALS = {"nergrit": 80.0, "nerp": 80.0}
SPEED_GOAL = 2000.0


def default_cache() -> Path:
    base = os.environ.get("KABAR_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "kabar"
    )
    return Path(base) / "ner-eval"


def _fingerprint(*parts: Any) -> str:
    import kabar.ner.features as features
    from kabar.lang import data_path
    from kabar.ner.lexicon import WORDS_FILE

    h = hashlib.sha1()
    h.update(Path(features.__file__).read_bytes())
    for path in (
        WORDS_FILE,
        data_path("id", "gazetteer.tsv"),
        data_path("id", "titles.tsv"),
        data_path("id", "ner_keywords.tsv"),
    ):
        if path.is_file():
            h.update(path.read_bytes())
    h.update(json.dumps(parts, sort_keys=True, default=str).encode())
    return h.hexdigest()[:12]


def evaluation_model(root: Path, name: str, fold: int, cache: Path, retrain: bool) -> Path:
    from kabar.ner.training import (
        AUGMENT,
        ENTITY_BIAS,
        PARAMS,
        SPANS,
        STACK,
        TYPE_BIAS,
        others_path,
        prior_path,
        spans_path,
        train_evaluation_model,
    )

    params = PARAMS.get(name, PARAMS["default"])
    augment = AUGMENT.get(name, False)
    parts: list[Any] = [name, fold, params, augment, "dev", "prior"]
    if STACK.get(name, False):
        parts.append("stack")
    if SPANS.get(name, False):
        parts.append("spans")
    if ENTITY_BIAS.get(name):
        parts.append({"entity_bias": ENTITY_BIAS[name]})
    if TYPE_BIAS.get(name):
        parts.append({"type_bias": TYPE_BIAS[name]})
    key = _fingerprint(*parts)
    path = cache / f"{name}.{fold}.{key}.crfsuite"
    if retrain or not path.is_file():
        tmp = path.with_suffix(".tmp")
        data = train_evaluation_model(root, name, fold, tmp, params=params, augment=augment)
        for side in (prior_path, others_path, spans_path):
            if side(tmp).is_file():
                side(tmp).replace(side(path))
        tmp.replace(path)
        path.with_suffix(".json").write_text(
            json.dumps(
                {
                    "sentences": len(data.sentences),
                    "removed": data.removed,
                    "borrowed": data.borrowed,
                }
            )
            + "\n"
        )
    return path


def score(
    model: Path, sentences: list[tuple[list[str], list[str]]], to_kabar: bool = False
) -> tuple[Report, float]:
    from kabar.ner.tagger import CrfTagger
    from kabar.ner.training import evaluation_featurizer

    tagger = CrfTagger(model, evaluation_featurizer(model))
    started = time.process_time()
    pred = [tagger.tag(tokens) for tokens, _ in sentences]
    seconds = time.process_time() - started
    gold = [[map_tag(t, "kabar") for t in tags] if to_kabar else tags for _, tags in sentences]
    if to_kabar:  # a corpus without EVT cannot score EVT predictions: drop them
        kinds = {t[2:] for tags in gold for t in tags if t != "O"}
        pred = [[t if t == "O" or t[2:] in kinds else "O" for t in tags] for tags in pred]
    return evaluate(gold, pred), len(sentences) / max(seconds, 1e-9)


def measure_speed(model: Path, sentences: list[list[str]], rounds: int = 3) -> dict[str, float]:
    """Sentences per CPU second of this process (one core; CPU time, so other jobs on a
    shared machine do not count): ``cold`` with a fresh featurizer (every word's features
    computed), ``warm`` on a second pass (a long-running worker's steady state, word
    features cached). Best of ``rounds``."""
    from kabar.ner.features import Featurizer
    from kabar.ner.tagger import CrfTagger

    cold = warm = 0.0
    for _ in range(rounds):
        tagger = CrfTagger(model, Featurizer())
        for attempt in ("cold", "warm"):
            started = time.process_time()
            for tokens in sentences:
                tagger.tag(tokens)
            rate = len(sentences) / max(time.process_time() - started, 1e-9)
            if attempt == "cold":
                cold = max(cold, rate)
            else:
                warm = max(warm, rate)
    return {"cold": cold, "warm": warm}


def run(
    shared: Path, cache: Path, names: list[str], folds: int, retrain: bool, console: Console
) -> dict[str, Any]:
    from kabar.ner.tagger import DEFAULT_MODEL

    root = shared / "data" / "ner"
    cache.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"datasets": {}, "shipped": {}}
    for name in names:
        spec = DATASETS[name]
        fold_reports = []
        for fold in range(1, min(folds, spec.folds) + 1):
            console.print(f"[dim]{name} fold {fold}: model …[/dim]")
            model = evaluation_model(root, name, fold, cache, retrain)
            test = load_split(root, name, "test", fold)
            report, _ = score(model, test)
            fold_reports.append(report)
        n = len(fold_reports)

        def mean(get: Any, reports: list[Report] = fold_reports, n: int = n) -> float:
            return sum(get(r) for r in reports) / n

        results["datasets"][name] = {
            "folds": n,
            "macro": {
                "p": mean(lambda r: r.macro.precision),
                "r": mean(lambda r: r.macro.recall),
                "f1": mean(lambda r: r.macro.f1),
            },
            "micro": {
                "p": mean(lambda r: r.micro.precision),
                "r": mean(lambda r: r.micro.recall),
                "f1": mean(lambda r: r.micro.f1),
            },
            "per_fold": [r.as_dict() for r in fold_reports],
            "anchors": [{"system": s, "metric": m, "f1": f} for s, m, f in ANCHORS[name]],
            "model_bytes": model.stat().st_size,
        }
    if DEFAULT_MODEL.is_file():
        speed_sents: list[list[str]] = []
        for name in ("nergrit", "nerp", "idner"):
            test = load_split(root, name, "test")
            report, _ = score(DEFAULT_MODEL, test, to_kabar=True)
            results["shipped"][name] = report.as_dict()
            speed_sents += [t for t, _ in test]
        speed = measure_speed(DEFAULT_MODEL, speed_sents)
        results["shipped"]["sentences_per_second"] = speed["cold"]
        results["shipped"]["sentences_per_second_warm"] = speed["warm"]
        results["shipped"]["speed_sentences"] = len(speed_sents)
        results["shipped"]["model_bytes"] = DEFAULT_MODEL.stat().st_size
        from kabar.ner.lexicon import WORDS_FILE

        results["shipped"]["word_table_bytes"] = WORDS_FILE.stat().st_size
    return results


def table_rows(results: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for name, r in results["datasets"].items():
        anchors = "; ".join(f"{a['system']} {a['f1']:.2f} ({a['metric']})" for a in r["anchors"])
        rows.append(
            [
                name,
                r["folds"],
                round(r["macro"]["p"], 2),
                round(r["macro"]["r"], 2),
                round(r["macro"]["f1"], 2),
                round(r["micro"]["p"], 2),
                round(r["micro"]["r"], 2),
                round(r["micro"]["f1"], 2),
                anchors or "—",
            ]
        )
    return rows


COLUMNS = [
    "dataset",
    "folds",
    "macro P",
    "macro R",
    "macro F1",
    "micro P",
    "micro R",
    "micro F1",
    "published anchors (test F1)",
]


def shipped_rows(results: dict[str, Any]) -> list[list[Any]]:
    shipped = results.get("shipped") or {}
    rows = []
    for name in ("nergrit", "nerp", "idner"):
        if name in shipped:
            r = shipped[name]
            rows.append(
                [
                    f"shipped on {name} (kabar labels)",
                    round(r["macro"]["f1"], 2),
                    round(r["micro"]["f1"], 2),
                ]
            )
    return rows


def to_markdown(results: dict[str, Any]) -> str:
    out = ["## Indonesian NER (test splits)", "", markdown_table(COLUMNS, table_rows(results)), ""]
    shipped = results.get("shipped") or {}
    if shipped:
        out += [
            markdown_table(["shipped model", "macro F1", "micro F1"], shipped_rows(results)),
            "",
            f"Shipped model: {shipped['sentences_per_second']:.0f} sentences per CPU second"
            f" on one core with a cold word cache,"
            f" {shipped.get('sentences_per_second_warm', 0):.0f} warm"
            f" (features included, {shipped['speed_sentences']} test sentences),"
            f" {shipped['model_bytes'] / 1e6:.2f} MB model +"
            f" {shipped['word_table_bytes'] / 1e6:.2f} MB word table.",
        ]
    return "\n".join(out)


@click.command(name="ner")
@click.option("--shared", "shared_opt", default=None, help="The shared data folder.")
@click.option("--out", default=None, help="Write JSON here (and markdown beside it, .md).")
@click.option("--cache", default=None, help="Where evaluation models are kept.")
@click.option(
    "--datasets", default=",".join(DATASETS), show_default=True, help="Comma-separated subset."
)
@click.option(
    "--folds",
    default=5,
    show_default=True,
    type=click.IntRange(1, 5),
    help="IndoLEM folds to run (the protocol is 5).",
)
@click.option("--retrain", is_flag=True, help="Retrain the evaluation models.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def command(
    shared_opt: str | None,
    out: str | None,
    cache: str | None,
    datasets: str,
    folds: int,
    retrain: bool,
    as_json: bool,
) -> None:
    """Indonesian NER: P/R/F1 per corpus (macro and micro) beside the published anchors."""
    console = Console(stderr=True)
    try:
        shared = shared_path(shared_opt)
    except SharedDataMissing as exc:
        raise click.ClickException(str(exc)) from exc
    names = [n.strip() for n in datasets.split(",") if n.strip()]
    unknown = [n for n in names if n not in DATASETS]
    if unknown:
        raise click.UsageError(f"unknown dataset(s) {unknown}; known: {', '.join(DATASETS)}")
    results = run(shared, Path(cache) if cache else default_cache(), names, folds, retrain, console)
    write_results(out, results, to_markdown(results))
    if as_json:
        click.echo(json.dumps(results, indent=2))
        return
    print_table("Indonesian NER, test splits (F1 ×100)", COLUMNS, table_rows(results))
    if results.get("shipped"):
        print_table(
            "Shipped model (labels mapped to PER/ORG/LOC/EVT)",
            ["model", "macro F1", "micro F1"],
            shipped_rows(results),
        )
        s = results["shipped"]
        click.echo(
            f"speed: {s['sentences_per_second']:.0f} sentences/s on one core (cold word cache;"
            f" {s['sentences_per_second_warm']:.0f} warm) "
            f"(goal {SPEED_GOAL:.0f}); model {s['model_bytes'] / 1e6:.2f} MB, "
            f"word table {s['word_table_bytes'] / 1e6:.2f} MB"
        )
