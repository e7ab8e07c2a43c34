"""Articles/s through fingerprint + reuse + cluster with 10k and 100k articles already stored.

Corpus: synthetic articles made by recombining real paragraphs of IndoSum fold-1 dev
(../shared, read by path, never copied): article k takes 4-8 paragraphs drawn with a seeded
RNG from random source articles, its title is the first sentence of its first paragraph, its
publication time walks forward through a year. Recombination keeps real Indonesian wording
and paragraph lengths, and makes partial reuse (shared paragraphs) common, which is the hard
case for the reuse stage. The store is filled in batches through the same stages, then a
fresh batch of ``--probe`` articles is timed. Usage:

    python benchmarks/stories_speed.py --sizes 10000 100000 --probe 1000

A fill to 100k takes over an hour; to compare code changes, fill once keeping the stores,
then probe them all in one process (each on a copy, after a warm-up batch):

    python benchmarks/stories_speed.py --sizes 10000 50000 100000 --keep /tmp/stores
    python benchmarks/stories_speed.py --stores /tmp/stores/stored-*.db
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kabar.eval.common import shared_path
from kabar.models import Article, Line, LineKind, Timestamp
from kabar.pipeline.cluster import cluster_stage
from kabar.pipeline.fingerprint import fingerprint_stage
from kabar.pipeline.registry import StageContext
from kabar.pipeline.reuse import reuse_stage
from kabar.store.base import open_store

OUT = Path(__file__).parent / "out" / "stories.json"


def paragraphs() -> list[str]:
    path = shared_path() / "data" / "summarization" / "indosum" / "dev.01.jsonl"
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        for para in json.loads(raw)["paragraphs"]:
            text = " ".join(" ".join(s) for s in para)
            if len(text.split()) >= 8:
                out.append(text)
    return out


def synthetic(k: int, pool: list[str], rng: random.Random, start: datetime) -> Article:
    paras = [pool[rng.randrange(len(pool))] for _ in range(rng.randint(4, 8))]
    title = paras[0].split(" . ")[0][:120]
    lines = [Line(index=0, text=title, kind=LineKind.TITLE)]
    lines += [Line(index=i + 1, text=p, kind=LineKind.BODY) for i, p in enumerate(paras)]
    when = start + timedelta(minutes=5 * k)
    return Article(
        id=f"b{k:07d}",
        raw_id=f"b{k:07d}",
        origin="bench",
        title=title,
        lines=lines,
        language="id",
        outlet=f"outlet{k % 40}",
        published=Timestamp(value=when, original=""),
    )


STAGES = ("fingerprint", "reuse", "cluster", "store")


def run_batch(
    articles: list[Article], ctx: StageContext, cpu: dict[str, float] | None = None
) -> None:
    """The three story stages and the write, adding each one's CPU seconds to ``cpu``."""
    clock = time.process_time()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.process_time()
        if cpu is not None:
            cpu[name] = cpu.get(name, 0.0) + now - clock
        clock = now

    arts = [fingerprint_stage(a, ctx) for a in articles]
    lap("fingerprint")
    arts = reuse_stage(arts, ctx)
    lap("reuse")
    arts = cluster_stage(arts, ctx)
    lap("cluster")
    ctx.store.put_articles(arts)  # type: ignore[union-attr]
    lap("store")


def fill(
    ctx: StageContext, first: int, count: int, batch: int, make: Callable[[int], Article]
) -> None:
    """Store articles ``first`` .. ``first + count - 1`` (``make(k)``), a batch at a time."""
    end = first + count
    for i in range(first, end, batch):
        run_batch([make(k) for k in range(i, min(i + batch, end))], ctx)


PLOT = Path(__file__).parent / "plots" / "stories-scale.png"


def plot(results: dict[str, Any]) -> Path | None:
    """Per-article cost (wall and CPU ms) of fingerprint + reuse + cluster against stored."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    runs = results["runs"]
    stored = [r["stored"] for r in runs]
    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=110)
    at = f" at {results['commit']}" if results.get("commit") else ""
    ax.plot(stored, [1000 / r["articles_per_s"] for r in runs], "o-", label=f"wall ms/article{at}")
    if all("articles_per_cpu_s" in r for r in runs):
        cpu = [1000 / r["articles_per_cpu_s"] for r in runs]
        ax.plot(stored, cpu, "s--", label=f"CPU ms/article{at}")
    for commit in sorted({r["commit"] for r in results.get("separate_runs", [])}):
        pts = [r for r in results["separate_runs"] if r["commit"] == commit]
        ax.plot(
            [r["stored"] for r in pts],
            [1000 / r["articles_per_cpu_s"] for r in pts],
            "^:",
            label=f"CPU ms/article, {commit}",
        )
    ax.set_xscale("log")
    ax.set_ylim(bottom=0)
    ax.set_xlabel("articles already stored")
    ax.set_ylabel("ms per new article")
    ax.set_title("fingerprint + reuse + cluster, SQLite, 2-core machine")
    ax.legend(fontsize="small")
    fig.tight_layout()
    PLOT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(PLOT)
    plt.close(fig)
    return PLOT


def copy_store(src: Path, dst: Path) -> None:
    """A consistent copy of a SQLite store (the backup API: safe with WAL)."""
    with sqlite3.connect(src) as source, sqlite3.connect(dst) as target:
        source.backup(target)


def probe(
    ctx: StageContext, size: int, articles: list[Article], batch: int, fill_rate: float | None
) -> dict[str, Any]:
    """Time the story stages over ``articles`` with ``size`` articles stored; one result row."""
    per_stage: dict[str, float] = {}
    t, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(articles), batch):
        run_batch(articles[i : i + batch], ctx, per_stage)
    rate = len(articles) / (time.perf_counter() - t)
    cpu_rate = len(articles) / max(time.process_time() - cpu, 1e-9)
    row: dict[str, Any] = {
        "stored": size,
        "articles_per_s": round(rate, 1),
        "articles_per_cpu_s": round(cpu_rate, 1),
        "cpu_ms_per_article": {
            k: round(1000 * per_stage.get(k, 0.0) / len(articles), 2) for k in STAGES
        },
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if fill_rate is not None:
        row["fill_articles_per_s"] = round(fill_rate, 1)
    print(
        f"{size:>7} stored: {rate:.1f} articles/s, {cpu_rate:.1f} per CPU-s; CPU ms/article "
        + ", ".join(f"{k} {v:.1f}" for k, v in row["cpu_ms_per_article"].items()),
        flush=True,
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--probe", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--plot-only", action="store_true", help="redraw from the JSON")
    parser.add_argument(
        "--keep",
        type=Path,
        help="copy the filled store (before each probe) to DIR/stored-<n>.db, for later probes",
    )
    parser.add_argument(
        "--stores",
        type=Path,
        nargs="+",
        help="instead of filling: probe each of these stores kept by --keep (on a copy), in"
        " one process, after --warmup articles (a store written by older code converts then)",
    )
    parser.add_argument("--warmup", type=int, default=500)
    args = parser.parse_args()
    if args.plot_only:
        print(plot(json.loads(OUT.read_text())))
        return
    pool = paragraphs()
    rng = random.Random(13)
    start = datetime(2024, 1, 1, tzinfo=UTC)

    def make(k: int) -> Article:
        return synthetic(k, pool, rng, start)

    results: dict[str, Any] = {
        "corpus": f"recombined IndoSum dev paragraphs ({len(pool)} paragraphs)",
        "probe": args.probe,
        "runs": [],
    }

    def save() -> None:  # a long run keeps what it measured: write after every checkpoint
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(results, indent=2) + "\n")

    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.db"
        if args.stores:
            results["warmup"] = args.warmup
            # Not the fill's seed: its sequence would remake the stored articles' paragraph
            # mixes, and the probe would time near-duplicates (the cheap path).
            rng = random.Random(7919)
            for kept in args.stores:
                db_path.unlink(missing_ok=True)
                copy_store(kept, db_path)
                store = open_store(f"sqlite:///{db_path}")
                store.migrate()
                ctx = StageContext(store=store)
                stored = store.count_articles()
                fill(ctx, stored, args.warmup, args.batch, make)
                stored += args.warmup
                articles = [make(stored + i) for i in range(args.probe)]
                results["runs"].append(probe(ctx, stored, articles, args.batch, None))
                store.close()
                save()
        else:
            store = open_store(f"sqlite:///{db_path}")
            store.migrate()
            ctx = StageContext(store=store)
            stored = 0
            fill_start = time.perf_counter()
            for size in sorted(args.sizes):
                if stored < size:
                    fill(ctx, stored, size - stored, args.batch, make)
                    stored = size
                fill_rate = stored / (time.perf_counter() - fill_start)
                if args.keep:
                    args.keep.mkdir(parents=True, exist_ok=True)
                    copy_store(db_path, args.keep / f"stored-{size}.db")
                articles = [make(stored + i) for i in range(args.probe)]
                results["runs"].append(probe(ctx, size, articles, args.batch, fill_rate))
                stored += len(articles)
                save()
            store.close()
    runs = results["runs"]
    if len(runs) >= 2:
        results["slowdown_ratio"] = round(runs[0]["articles_per_s"] / runs[-1]["articles_per_s"], 3)
        results["slowdown_ratio_cpu"] = round(
            runs[0]["articles_per_cpu_s"] / runs[-1]["articles_per_cpu_s"], 3
        )
        print(f"slowdown {runs[-1]['stored']}/{runs[0]['stored']}: {results['slowdown_ratio']}")
    save()
    print(plot(results))


if __name__ == "__main__":
    main()
