"""Extraction speed and memory: kabar vs trafilatura vs resiliparse (and justext), one core.

Pages: the 181 ScrapingHub AEB pages and the 168 English trafilatura-eval pages, read from
``../shared`` by path. Every extractor gets the same raw bytes.

Speed: in one process, ``--rounds`` passes over the whole set, the extractors interleaved
round by round (so a burst of load from other users hits all of them alike), after one
warm-up pass each. Reported per extractor: pages/s from ``time.perf_counter`` (median and best
round) and from CPU time (``time.process_time``, less sensitive to a shared machine), and the
ratio to trafilatura.

Memory: each extractor runs the whole set again in a fresh child process that reads one page
at a time; the rise of the child's peak RSS over its peak after imports and a first page is
the extractor's own peak working set.

Bounded inputs: kabar on a synthetic 50 MB page and a 10,000-level nested page (seconds and
peak RSS in a child), to show the size and depth limits hold.

    python benchmarks/extraction_speed.py [--rounds 3] [--corpus aeb,te]

Writes ``benchmarks/out/extraction.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import machine, write_result

from kabar.eval.common import shared_path
from kabar.eval.extraction import EXTRACTORS, load_aeb, load_trafilatura_eval


def load_pages(corpus: str) -> list[bytes]:
    return [gzip.decompress(p.read_bytes()) for p in page_paths(corpus)]


def one_pass(name: str, pages: list[bytes]) -> tuple[float, float]:
    fn = EXTRACTORS[name][0]
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for page in pages:
        with contextlib.suppress(Exception):  # a crash is an empty output; keep timing
            fn(page)
    return time.perf_counter() - wall0, time.process_time() - cpu0


def speed(names: list[str], pages: list[bytes], rounds: int) -> dict[str, Any]:
    for name in names:  # warm-up: imports, caches, lazy models
        one_pass(name, pages[:10])
    walls: dict[str, list[float]] = {n: [] for n in names}
    cpus: dict[str, list[float]] = {n: [] for n in names}
    for _ in range(rounds):
        for name in names:
            wall, cpu = one_pass(name, pages)
            walls[name].append(wall)
            cpus[name].append(cpu)
    n = len(pages)
    out = {
        name: {
            "pages_per_second_median": n / statistics.median(walls[name]),
            "pages_per_second_best": n / min(walls[name]),
            "pages_per_cpu_second": n / statistics.median(cpus[name]),
            "rounds_seconds": [round(w, 3) for w in walls[name]],
        }
        for name in names
    }
    if "trafilatura" in out:
        base = out["trafilatura"]
        for row in out.values():
            row["vs_trafilatura_wall"] = (
                row["pages_per_second_median"] / base["pages_per_second_median"]
            )
            row["vs_trafilatura_cpu"] = row["pages_per_cpu_second"] / base["pages_per_cpu_second"]
    return out


def _status_mb(field: str) -> float:
    """``VmRSS`` or ``VmHWM`` (peak) of this process, MiB. ru_maxrss is not used: Linux
    carries it over from the parent through fork and exec."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _rss_mb() -> float:
    return _status_mb("VmRSS")


def page_paths(corpus: str) -> list[Path]:
    shared = shared_path()
    if corpus == "aeb":
        _, _, paths = load_aeb(shared)
    else:
        _, paths = load_trafilatura_eval(shared)
    return [paths[k] for k in sorted(paths)]


def child_memory(name: str, corpus: str) -> None:
    """Run in a child: one extractor over the pages, read one at a time; print how far the
    peak RSS rose above the RSS after imports and a first page."""
    paths = page_paths(corpus)
    one_pass(name, [gzip.decompress(paths[0].read_bytes())])
    base = _status_mb("VmHWM")
    for path in paths:
        one_pass(name, [gzip.decompress(path.read_bytes())])
    peak = _status_mb("VmHWM")
    print(
        json.dumps(
            {
                "peak_rss_mb": round(peak, 1),
                "peak_after_first_page_mb": round(base, 1),
                "extractor_peak_mb": round(peak - base, 1),
            }
        )
    )


def child_bounded(kind: str) -> None:
    from kabar.ingest.html import html_to_lines

    if kind == "huge":
        unit = b"<div class='x'><p>" + b"Kalimat contoh yang diulang untuk halaman besar. " * 4
        content = b"<html><body>" + (unit + b"</p></div>") * (50 * 2**20 // (len(unit) + 10))
    else:
        content = (
            b"<div>" * 10_000 + b"<p>Paragraf di kedalaman sepuluh ribu.</p>" + b"</div>" * 10_000
        )
    base = _rss_mb()
    start = time.perf_counter()
    page = html_to_lines(content)
    seconds = time.perf_counter() - start
    peak = _status_mb("VmHWM")
    print(
        json.dumps(
            {
                "input_mb": round(len(content) / 2**20, 1),
                "seconds": round(seconds, 3),
                "peak_rss_mb": round(peak, 1),
                "rss_before_mb": round(base, 1),
                "lines": len(page.lines),
                "warnings": page.warnings,
            }
        )
    )


def run_child(*args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    try:
        return json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"error": (result.stderr or result.stdout)[-500:]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--corpus", default="aeb,te")
    parser.add_argument("--systems", default="kabar,trafilatura,resiliparse,justext")
    parser.add_argument("--child-memory", nargs=2, metavar=("SYSTEM", "CORPUS"))
    parser.add_argument("--child-bounded", choices=["huge", "deep"])
    args = parser.parse_args()
    if args.child_memory:
        child_memory(*args.child_memory)
        return
    if args.child_bounded:
        child_bounded(args.child_bounded)
        return

    names = [s for s in args.systems.split(",") if s]
    results: dict[str, Any] = {"rounds": args.rounds, "corpora": {}}
    for corpus in args.corpus.split(","):
        pages = load_pages(corpus)
        print(f"{corpus}: {len(pages)} pages, {sum(map(len, pages)) / 2**20:.1f} MiB", flush=True)
        table = speed(names, pages, args.rounds)
        for name in names:
            table[name]["memory"] = run_child("--child-memory", name, corpus)
        results["corpora"][corpus] = {"pages": len(pages), "systems": table}
        for name, row in table.items():
            mem = row["memory"].get("peak_rss_mb", float("nan"))
            grow = row["memory"].get("extractor_peak_mb", float("nan"))
            print(
                f"  {name:12s} {row['pages_per_second_median']:7.1f} pages/s "
                f"(best {row['pages_per_second_best']:.1f}, CPU {row['pages_per_cpu_second']:.1f})"
                f"  x{row.get('vs_trafilatura_wall', 0):.2f} wall"
                f"  x{row.get('vs_trafilatura_cpu', 0):.2f} cpu  peak RSS {mem:.0f} MiB (+{grow:.0f})",
                flush=True,
            )
    results["bounded"] = {k: run_child("--child-bounded", k) for k in ("huge", "deep")}
    print("bounded inputs:", json.dumps(results["bounded"]))
    results["machine_at_end"] = machine()
    path = write_result("extraction", results)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
