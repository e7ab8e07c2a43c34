"""How per-article cost and memory grow with the number of articles already stored.

The store is grown through the real path, chunk by chunk: ``put_raw`` of a chunk of the
*scaled* corpus (real IndoSum sentences recombined into new articles; see
``benchmarks/common.py`` for exactly how), then the pipeline over the chunk's unprocessed raw
inputs, with one worker pool for the whole run. After each chunk it records milliseconds per
article (ingest + analyze, wall clock), the RSS of the main process and its workers, and the
store's size on disk. At each checkpoint (``--sizes``) it also times a no-op ``analyze`` (no
new inputs), which must not re-scan the store expensively.

Writes ``benchmarks/out/scale[-LABEL].json`` and ``benchmarks/out/scale[-LABEL].png`` (cost per
article against stored articles, log x axis).

    python benchmarks/scale.py                               # 10k, full pipeline, 2 workers
    python benchmarks/scale.py --sizes 10000 100000 --stages clean,metadata,language,fingerprint
    python benchmarks/scale.py --sizes 10000 100000 1000000 --label 1m   # hours: run it late
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common


def db_size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20


def grow(
    args: argparse.Namespace, db: Path, save: Callable[[dict[str, Any]], None]
) -> dict[str, Any]:
    from kabar.pipeline.runner import Pipeline, analyze
    from kabar.store.base import open_store

    stages = args.stages.split(",") if args.stages else None
    store = open_store(f"sqlite:///{db}")
    store.migrate()
    sizes = sorted(args.sizes)
    curve: list[dict[str, Any]] = []
    checkpoints: list[dict[str, Any]] = []
    stored = 0
    max_tree_rss = 0.0
    source = common.scaled_raws(sizes[-1], seed=args.seed)
    t_start = time.perf_counter()
    with Pipeline(store, stages, workers=args.workers, batch_size=args.batch) as pipe:
        names = pipe.names
        while stored < sizes[-1]:
            next_stop = min(s for s in sizes if s > stored)
            take = min(args.chunk, next_stop - stored)
            chunk = [next(source) for _ in range(take)]
            c0 = common.tree_cpu_s()
            t0 = time.perf_counter()
            store.put_raw(chunk)
            t1 = time.perf_counter()
            report = pipe.run_raw(store.iter_raw(unprocessed=True))
            t2 = time.perf_counter()
            cpu = common.tree_cpu_s() - c0
            stored += take
            tree = common.tree_rss_mb()
            max_tree_rss = max(max_tree_rss, tree)
            point = {
                "stored": stored,
                "chunk": take,
                "articles": report.articles,
                "ingest_ms_per_article": round(1000 * (t1 - t0) / take, 3),
                "analyze_ms_per_article": round(1000 * (t2 - t1) / take, 3),
                "ms_per_article": round(1000 * (t2 - t0) / take, 3),
                "cpu_ms_per_article": round(1000 * cpu / take, 3),
                "load_avg_1m": round(os.getloadavg()[0], 2),
                "rss_main_mb": round(common.rss_mb(), 1),
                "rss_tree_mb": round(tree, 1),
                "elapsed_s": round(time.perf_counter() - t_start, 1),
            }
            curve.append(point)
            print(
                f"{stored:>9} stored  {point['ms_per_article']:8.2f} ms/article"
                f"  rss {point['rss_main_mb']:7.1f} MiB (with workers {tree:7.1f})",
                flush=True,
            )
            if stored in sizes:
                window = [p for p in curve if p["stored"] > stored - args.window]
                n = sum(p["chunk"] for p in window)
                ms = sum(p["ms_per_article"] * p["chunk"] for p in window) / n
                cpu_ms = sum(p.get("cpu_ms_per_article", 0) * p["chunk"] for p in window) / n
                t3 = time.perf_counter()
                noop = analyze(store, stages, workers=1, batch_size=args.batch)
                rescan = time.perf_counter() - t3
                checkpoints.append(
                    {
                        "stored": stored,
                        "ms_per_article": round(ms, 3),
                        "articles_per_s": round(1000 / ms, 1),
                        "cpu_ms_per_article": round(cpu_ms, 3),
                        "load_avg_1m": round(os.getloadavg()[0], 2),
                        "rss_main_mb": point["rss_main_mb"],
                        "rss_tree_max_mb": round(max_tree_rss, 1),
                        "peak_rss_main_mb": round(common.peak_rss_mb(), 1),
                        "db_mb": round(db_size_mb(db), 1),
                        "noop_analyze_s": round(rescan, 3),
                        "noop_analyze_articles": noop.articles,
                    }
                )
                print(f"checkpoint {checkpoints[-1]}", flush=True)
                save(result(names, args, curve, checkpoints))  # a long run keeps each stop
    store.close()
    return result(names, args, curve, checkpoints)


def result(
    names: list[str], args: argparse.Namespace, curve: list[Any], checkpoints: list[Any]
) -> dict[str, Any]:
    return {
        "stages": names,
        "workers": args.workers,
        "batch": args.batch,
        "chunk": args.chunk,
        "corpus": "scaled (benchmarks/common.py::scaled_raws)",
        "curve": curve,
        "checkpoints": checkpoints,
    }


def plot(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curve = result["curve"]
    xs = [p["stored"] for p in curve]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.plot(xs, [p["ms_per_article"] for p in curve], label="ingest + analyze", lw=1.8)
    ax.plot(xs, [p["analyze_ms_per_article"] for p in curve], label="analyze", lw=1, ls="--")
    ax.plot(xs, [p["ingest_ms_per_article"] for p in curve], label="ingest (put_raw)", lw=1)
    for cp in result["checkpoints"]:
        ax.annotate(
            f"{cp['ms_per_article']:.1f} ms",
            (cp["stored"], cp["ms_per_article"]),
            textcoords="offset points",
            xytext=(0, 6),
            ha="center",
            fontsize=8,
        )
    ax.set_xscale("log")
    ax.set_xlabel("articles already stored")
    ax.set_ylabel("wall ms per new article")
    stages = ",".join(result["stages"])
    ax.set_title(
        f"kabar: cost per article vs store size ({result['workers']} workers)\n{stages}",
        fontsize=8,
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    ax2 = ax.twinx()
    ax2.plot(xs, [p["rss_tree_mb"] for p in curve], color="grey", lw=0.8, alpha=0.6)
    ax2.set_ylabel("RSS with workers (MiB)", color="grey")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--stages", default=None, help="comma-separated subset (default: all)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--chunk", type=int, default=1000, help="raw inputs stored per step")
    parser.add_argument("--window", type=int, default=2000, help="articles averaged at a stop")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--label", default="", help="suffix for the output files")
    parser.add_argument("--db", type=Path, default=None, help="keep the store here")
    args = parser.parse_args()
    name = "scale" + (f"-{args.label}" if args.label else "")
    png = common.OUT_DIR / f"{name}.png"
    common.OUT_DIR.mkdir(parents=True, exist_ok=True)

    def save(data: dict[str, Any]) -> None:
        plot(data, png)
        data["plot"] = png.name
        path = common.write_result(name, data)
        print(f"wrote {path} and {png}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "scale.db"
        save(grow(args, db, save))


if __name__ == "__main__":
    main()
