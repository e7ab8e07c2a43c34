"""Gather every ``benchmarks/out/*.json`` into ``benchmarks/RESULTS.md`` (the README includes it).

The pipeline and scale results get their own tables; any other benchmark's JSON is laid out
generically (each group of numbers under one key path becomes a row), so a new benchmark
appears here without touching this script. Scaling plots (``out/scale*.png``) are copied to
``benchmarks/plots/`` so the markdown can show them.

    python benchmarks/report.py
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
PLOTS = HERE / "plots"
GOAL_RATE = 500  # articles/s, full pipeline without embeddings on 2 cores
GOAL_RSS_MB = 2048  # at 1M articles stored


def table(header: list[str], rows: list[list[Any]]) -> list[str]:
    def cell(v: Any) -> str:
        if v is None:
            return "—"
        if isinstance(v, float):
            return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.1f}"
        if isinstance(v, int):
            return f"{v:,}"
        return str(v).replace("|", "\\|").replace("\n", " ")

    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return [*out, ""]


def conditions(data: dict[str, Any]) -> str:
    m = data.get("machine", {})
    return (
        f"_Measured {m.get('at', '?')} at commit `{m.get('commit', '?')}` on {m.get('cpus', '?')}"
        f" cores ({m.get('cpu', '?')}), load average {m.get('load_avg_1m', '?')} at start"
        f" (the machine is shared), Python {m.get('python', '?')}._"
    )


def pipeline_section(data: dict[str, Any]) -> list[str]:
    lines = ["## Pipeline: per stage, peers, full runs (`benchmarks/pipeline.py`)", ""]
    lines += [conditions(data), ""]
    lines += [f"Registered stages: {', '.join(data.get('stage_names', []))}.", ""]
    full_rows = []
    for corpus, entry in data.get("corpora", {}).items():
        for run in entry.get("full", []):
            if "error" in run:
                full_rows.append([corpus, run["workers"], *([None] * 6), run["error"]])
                continue
            rate = run["articles_per_s"]
            full_rows.append(
                [
                    corpus,
                    run["workers"],
                    run["inputs"],
                    rate,
                    run.get("articles_per_cpu_s"),
                    run.get("load_avg_1m"),
                    run["peak_rss_main_mb"],
                    run["peak_rss_worker_mb"] or None,
                    f"{rate / GOAL_RATE:.2f}× of the {GOAL_RATE}/s goal",
                ]
            )
    lines += ["### Full pipeline (`analyze`, fresh process per row, wall clock)", ""]
    lines += table(
        [
            "corpus",
            "workers",
            "inputs",
            "inputs/s (wall)",
            "inputs per CPU-s",
            "load avg at end",
            "peak RSS main (MiB)",
            "peak RSS worker (MiB)",
            "vs goal",
        ],
        full_rows,
    )
    for corpus, entry in data.get("corpora", {}).items():
        ps = entry["per_stage"]
        lines += [
            f"### {corpus}: {ps['inputs']} inputs → {ps['articles']} articles,"
            f" {ps['rejected']} rejected; one process, {ps['articles_per_s']} inputs/s wall,"
            f" {ps.get('cpu_articles_per_s', '?')} per CPU-second",
            "",
        ]
        rows = [
            [
                r["stage"],
                r["seconds"],
                r["ms_per_article"],
                r["articles_per_s"],
                r.get("cpu_ms_per_article"),
                r.get("cpu_articles_per_s"),
                f"{100 * r['share']:.1f}%",
            ]
            for r in ps["stages"]
        ]
        lines += table(
            [
                "stage",
                "seconds",
                "ms/article (wall)",
                "articles/s (wall)",
                "CPU ms/article",
                "articles per CPU-s",
                "share (wall)",
            ],
            rows,
        )
        peers = entry.get("peers") or []
        if peers:
            by_stage = {r["stage"]: r for r in ps["stages"]}
            prow = []
            for p in peers:
                mine = by_stage.get(p["beside"])
                ratio = (
                    f"{p['ms_per_article'] / mine['ms_per_article']:.2f}×"
                    if mine and mine["ms_per_article"]
                    else None
                )
                prow.append(
                    [
                        p["peer"],
                        p["beside"],
                        p["articles_per_s"],
                        mine["articles_per_s"] if mine else None,
                        ratio,
                    ]
                )
            lines += table(
                ["peer (same pages, same run)", "beside", "peer/s", "kabar/s", "kabar speed-up"],
                prow,
            )
    return lines


def scale_section(name: str, data: dict[str, Any]) -> list[str]:
    lines = [f"## Scaling: cost per article against stored articles (`{name}`)", ""]
    lines += [conditions(data), ""]
    lines += [
        f"Stages: {', '.join(data.get('stages', []))}; {data.get('workers')} workers,"
        f" batches of {data.get('batch')}, {data.get('chunk')} raw inputs stored per step.",
        "",
    ]
    cps = data.get("checkpoints", [])
    rows = [
        [
            cp["stored"],
            cp["ms_per_article"],
            cp["articles_per_s"],
            round(cp["ms_per_article"] / cps[0]["ms_per_article"], 2),
            cp.get("cpu_ms_per_article"),
            cp.get("load_avg_1m"),
            cp["rss_main_mb"],
            cp["rss_tree_max_mb"],
            cp["db_mb"],
            cp["noop_analyze_s"],
        ]
        for cp in cps
    ]
    lines += table(
        [
            "stored",
            "ms/article",
            "articles/s",
            "cost vs first",
            "CPU ms/article (all processes)",
            "load avg",
            "RSS main (MiB)",
            "max RSS with workers (MiB)",
            "store (MiB)",
            "no-op analyze (s)",
        ],
        rows,
    )
    if data.get("plot"):
        lines += [f"![{name}](plots/{data['plot']})", ""]
    return lines


def _flatten(value: Any, prefix: str, out: dict[str, dict[str, Any]]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(v, f"{prefix}.{k}" if prefix else str(k), out)
    elif isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            head, _, leaf = prefix.rpartition(".")
            out.setdefault(head, {})[leaf] = ", ".join(str(v) for v in value[:8])
        else:
            for i, v in enumerate(value):
                label = v.get("stored", v.get("name", i)) if isinstance(v, dict) else i
                _flatten(v, f"{prefix}[{label}]", out)
    else:
        head, _, leaf = prefix.rpartition(".")
        out.setdefault(head, {})[leaf] = value


def generic_section(name: str, data: dict[str, Any]) -> list[str]:
    lines = [f"## {name} (`benchmarks/out/{name}.json`)", "", conditions(data), ""]
    body = {k: v for k, v in data.items() if k not in {"benchmark", "machine", "argv"}}
    groups: dict[str, dict[str, Any]] = {}
    _flatten(body, "", groups)
    for head in list(groups):
        if head.startswith("machine_at_end"):
            del groups[head]
    # One table per shape: groups with the same keys become rows of one table.
    shapes: dict[tuple[str, ...], list[str]] = {}
    singles: list[list[Any]] = []
    for head, values in groups.items():
        if len(values) == 1:
            key, value = next(iter(values.items()))
            singles.append([f"{head}.{key}".strip("."), value])
        else:
            shapes.setdefault(tuple(values), []).append(head)
    if singles:
        lines += table(["key", "value"], singles[:40])
    for columns, heads in shapes.items():
        rows = [[h or "(top)", *(groups[h].get(c) for c in columns)] for h in heads]
        lines += table(["", *columns], rows[:40])
    return lines


def main() -> None:
    files = sorted(common.OUT_DIR.glob("*.json"))
    lines = [
        "# Benchmark results",
        "",
        "Generated by `python benchmarks/report.py` from `benchmarks/out/*.json`; how to run"
        " each script is in `docs/scale.md`. Goals: full pipeline without embeddings"
        f" ≥ {GOAL_RATE} articles/s on 2 cores; ≤ {GOAL_RSS_MB // 1024} GB RSS with 1M"
        " articles stored. Numbers are from a 2-core machine shared with other work: read"
        " ratios and shares rather than single absolute figures.",
        "",
    ]
    PLOTS.mkdir(exist_ok=True)
    for png in sorted(common.OUT_DIR.glob("scale*.png")):
        shutil.copyfile(png, PLOTS / png.name)
    for path in files:
        data = json.loads(path.read_text())
        name = path.stem
        if name == "pipeline":
            lines += pipeline_section(data)
        elif name.startswith("scale"):
            lines += scale_section(name, data)
        else:
            lines += generic_section(name, data)
    RESULTS.write_text("\n".join(lines).rstrip() + "\n")
    print(f"wrote {RESULTS} from {len(files)} result file(s)")


if __name__ == "__main__":
    main()
