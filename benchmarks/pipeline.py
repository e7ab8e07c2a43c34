"""Per-stage and full-pipeline throughput, peak memory, and peers measured in the same run.

For each corpus (see ``benchmarks/common.py`` for how each is built):

1. **Per stage**: one process runs every registered stage (``kabar stages``; new stages are
   picked up automatically) over the corpus into a fresh SQLite store, with the runner's
   timing hook: seconds and articles/s for decode, each stage and the store writes, and each
   one's share of the total.
2. **Peers** on the same pages: jusText and trafilatura (boilerplate removal / extraction, fed
   the page's lines as ``<p>`` HTML, since kabar's corpora here are text dumps) beside
   ``clean``; datasketch MinHash (128 permutations over word 3-shingles of the body) beside
   ``fingerprint``.
3. **Full pipeline**: ``analyze`` with ``--workers`` 1 and 2 in a fresh child process each
   (so peak RSS is that run's alone): articles/s wall-clock, peak RSS of the main process and
   of the largest worker.

Writes ``benchmarks/out/pipeline.json``; ``benchmarks/report.py`` turns it into RESULTS.md.

    python benchmarks/pipeline.py                       # demo, indosum, ner, scaled 2000
    python benchmarks/pipeline.py --corpora scaled --size 10000 --workers 1 2
"""

from __future__ import annotations

import argparse
import html
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common

from kabar.models import RawDocument


def fresh_store(tmp: str, name: str) -> Any:
    from kabar.store.base import open_store

    store = open_store(f"sqlite:///{tmp}/{name}.db")
    store.migrate()
    return store


def per_stage(raws: list[RawDocument], batch: int) -> tuple[dict[str, Any], list[Any]]:
    """Seconds per stage (one process), and the articles for the peers to compare against."""
    from kabar.pipeline.runner import Pipeline

    timings: dict[str, float] = {}
    cpu_timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = fresh_store(tmp, "stages")
        store.put_raw(raws)
        t0 = time.perf_counter()
        c0 = time.process_time()
        with Pipeline(
            store, None, batch_size=batch, timings=timings, cpu_timings=cpu_timings
        ) as pipe:
            report = pipe.run_raw(store.iter_raw())
        wall = time.perf_counter() - t0
        cpu = time.process_time() - c0
        articles = list(store.iter_articles())
        store.close()
    n = len(raws)
    total = sum(timings.values())
    rows = [
        {
            "stage": name,
            "seconds": round(sec, 3),
            "articles_per_s": round(n / sec, 1) if sec else None,
            "ms_per_article": round(1000 * sec / n, 3),
            "share": round(sec / total, 4) if total else 0.0,
            "cpu_ms_per_article": round(1000 * cpu_timings.get(name, 0.0) / n, 3),
            "cpu_articles_per_s": (
                round(n / cpu_timings[name], 1) if cpu_timings.get(name) else None
            ),
        }
        for name, sec in timings.items()
    ]
    rows.sort(key=lambda r: -r["seconds"])
    return {
        "inputs": n,
        "articles": report.articles,
        "rejected": report.rejected_count,
        "wall_s": round(wall, 2),
        "articles_per_s": round(n / wall, 1),
        "cpu_s": round(cpu, 2),
        "cpu_articles_per_s": round(n / cpu, 1) if cpu else None,
        "stages": rows,
        "peak_rss_mb": round(common.peak_rss_mb(), 1),
    }, articles


def _as_html(raw: RawDocument) -> str:
    text = raw.content.decode("utf-8", errors="replace")
    paras = "".join(f"<p>{html.escape(ln)}</p>" for ln in text.splitlines() if ln.strip())
    return f"<html><body>{paras}</body></html>"


def peers(raws: list[RawDocument], articles: list[Any]) -> list[dict[str, Any]]:
    """Peer tools on the same pages; each row says which kabar stage it stands beside."""
    rows: list[dict[str, Any]] = []
    pages = [_as_html(r) for r in raws]
    n = len(raws)

    def row(peer: str, beside: str, sec: float) -> dict[str, Any]:
        return {
            "peer": peer,
            "beside": beside,
            "seconds": round(sec, 3),
            "articles_per_s": round(n / sec, 1) if sec else None,
            "ms_per_article": round(1000 * sec / n, 3),
        }

    try:
        import justext

        stop = justext.get_stoplist("Indonesian")
        t0 = time.perf_counter()
        for page in pages:
            justext.justext(page.encode(), stop)
        rows.append(row("jusText 3 (Indonesian stoplist)", "clean", time.perf_counter() - t0))
    except ImportError:
        pass
    try:
        import trafilatura

        t0 = time.perf_counter()
        for page in pages:
            trafilatura.extract(page, include_comments=False, favor_precision=True)
        rows.append(row("trafilatura.extract", "clean", time.perf_counter() - t0))
    except ImportError:
        pass
    try:
        from datasketch import MinHash

        from kabar.cluster.minhash import shingles

        bodies = [a.body for a in articles]
        t0 = time.perf_counter()
        for body in bodies:
            mh = MinHash(num_perm=128, seed=7)
            mh.update_batch([s.encode() for s in shingles(body, 3)])
        sec = time.perf_counter() - t0
        rows.append(
            {
                **row("datasketch MinHash (128 perm, word 3-shingles)", "fingerprint", sec),
                "articles_per_s": round(len(bodies) / sec, 1) if sec else None,
                "ms_per_article": round(1000 * sec / max(1, len(bodies)), 3),
            }
        )
    except ImportError:
        pass
    return rows


def full_run_child(corpus: str, size: int | None, workers: int, batch: int) -> dict[str, Any]:
    """One ``analyze`` run over the corpus, in this (fresh) process: wall time and memory."""
    from kabar.pipeline.registry import load_stages
    from kabar.pipeline.runner import analyze

    raws = common.corpus(corpus, size)
    load_stages()
    with tempfile.TemporaryDirectory() as tmp:
        store = fresh_store(tmp, "full")
        store.put_raw(raws)
        base_rss = common.rss_mb()
        c0 = common.tree_cpu_s()
        t0 = time.perf_counter()
        report = analyze(store, None, workers=workers, batch_size=batch)
        wall = time.perf_counter() - t0
        # Workers have exited by now: their CPU time is in RUSAGE_CHILDREN.
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = common.tree_cpu_s() - c0 + kids.ru_utime + kids.ru_stime
        store.close()
    return {
        "corpus": corpus,
        "workers": workers,
        "inputs": len(raws),
        "articles": report.articles,
        "wall_s": round(wall, 2),
        "articles_per_s": round(len(raws) / wall, 1),
        "cpu_s": round(cpu, 2),
        "articles_per_cpu_s": round(len(raws) / cpu, 1) if cpu else None,
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "rss_before_mb": round(base_rss, 1),
        "peak_rss_main_mb": round(common.peak_rss_mb(), 1),
        "peak_rss_worker_mb": round(common.peak_rss_mb(children=True), 1),
    }


def full_run(corpus: str, size: int | None, workers: int, batch: int) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", corpus, str(size or 0), str(workers), str(batch)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"corpus": corpus, "workers": workers, "error": done.stderr.strip()[-500:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", default="demo,indosum,ner,scaled")
    parser.add_argument("--size", type=int, default=2000, help="articles in the scaled corpus")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        corpus, size, workers, batch = args.child
        result = full_run_child(corpus, int(size) or None, int(workers), int(batch))
        print(json.dumps(result))
        return

    results: dict[str, Any] = {"stage_names": common.stage_names(), "corpora": {}}
    for corpus in [c.strip() for c in args.corpora.split(",") if c.strip()]:
        size = args.size if corpus == "scaled" else None
        raws = common.corpus(corpus, size)
        print(f"== {corpus}: {len(raws)} pages", flush=True)
        stages, articles = per_stage(raws, args.batch)
        entry: dict[str, Any] = {"per_stage": stages}
        for r in stages["stages"]:
            print(
                f"  {r['stage']:<12} {r['seconds']:8.2f} s  {r['articles_per_s'] or 0:9.1f}/s"
                f"  {100 * r['share']:5.1f}%"
            )
        if not args.no_peers:
            entry["peers"] = peers(raws, articles)
            for p in entry["peers"]:
                print(f"  peer {p['peer']:<40} {p['articles_per_s'] or 0:9.1f}/s")
        entry["full"] = []
        for workers in args.workers:
            run = full_run(corpus, size, workers, args.batch)
            entry["full"].append(run)
            print(f"  full pipeline, {workers} worker(s): {run}", flush=True)
        results["corpora"][corpus] = entry
    path = common.write_result("pipeline", results)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
