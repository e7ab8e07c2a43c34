"""Search latency (p50/p95) on SQLite and PostgreSQL at growing store sizes, and story-page
requests/s through the HTTP server.

Corpus: synthetic articles made by recombining real paragraphs of IndoSum fold-1 dev
(``../shared/data/summarization/indosum/dev.01.jsonl``, read by path, never copied).
Sentences are detokenised (the dataset is tokenised); article k takes 3-7 paragraphs drawn
with a seeded RNG from random source articles, its title is the first sentence of its first
paragraph (at most 14 words), its outlet is one of 40, its publication time is one minute after
article k-1's (ingest order = publication order, as in a monitor; 1M articles end at now). Articles go in through
``Store.put_articles`` in batches, exactly as the pipeline writes them (stemming included).

Queries (warm: every query runs once before the timed pass): single title words, 2- and
3-word title phrases, the 20 most frequent content words (the worst case: hundreds of
thousands of matches to rank), and 1-2 word queries with an outlet filter or a date filter
keeping the newest 10% of the store.
Latency is ``store.search(q, ArticleFilter(limit=20))`` in process, snippets included.

The story page: 1,000 synthetic stories of 5 articles each; ``kabar serve`` runs in a
subprocess and N client threads fetch random ``/story/<id>`` pages for a few seconds.

Usage::

    python benchmarks/search_latency.py --sizes 100000 1000000 --backends sqlite postgres

PostgreSQL: ``$KABAR_BENCH_PG_URL``, else a throwaway cluster from the Debian server binaries.
Writes ``benchmarks/out/search.json`` and ``benchmarks/out/search.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kabar.eval.common import shared_path
from kabar.models import Article, Line, LineKind, Story, Timestamp
from kabar.search.text import TOKEN_RE, fold, stop_words
from kabar.store.base import ArticleFilter, Store, open_store

OUT = Path(__file__).parent / "out"
OUTLETS = [f"Outlet {chr(65 + i // 10)}{i % 10}" for i in range(40)]
NOW = datetime.now(UTC).replace(microsecond=0)
MAX_ARTICLES = 1_000_000
_SPACE_BEFORE = re.compile(r"\s+([.,;:!?%)\]”’])")
_SPACE_AFTER = re.compile(r"([(\[“‘])\s+")


def detokenise(tokens: list[str]) -> str:
    text = " ".join(tokens)
    text = _SPACE_BEFORE.sub(r"\1", text)
    text = _SPACE_AFTER.sub(r"\1", text)
    return text.replace(" ' ", "'").replace('" ', '"', 1)


def paragraph_pool() -> list[list[str]]:
    """Paragraphs as lists of sentences."""
    path = shared_path() / "data" / "summarization" / "indosum" / "dev.01.jsonl"
    pool = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        for para in json.loads(raw)["paragraphs"]:
            sentences = [detokenise(s) for s in para if s]
            if sum(len(s.split()) for s in sentences) >= 8:
                pool.append(sentences)
    return pool


def synthetic(k: int, pool: list[list[str]], rng: random.Random) -> Article:
    paras = [pool[rng.randrange(len(pool))] for _ in range(rng.randint(3, 7))]
    title = " ".join(paras[0][0].split()[:14]).rstrip(".")
    lines = [Line(index=0, text=title, kind=LineKind.TITLE)]
    lines += [Line(index=i + 1, text=" ".join(p), kind=LineKind.BODY) for i, p in enumerate(paras)]
    # Ingest order is publication order, a minute apart (1M articles ≈ two years), ending
    # ~now for the largest size; a little jitter so the order is not exact.
    when = NOW - timedelta(minutes=MAX_ARTICLES - k + rng.randrange(30))
    return Article(
        id=f"b{k:08d}",
        raw_id=f"b{k:08d}",
        origin="bench",
        title=title,
        lines=lines,
        language="id",
        outlet=OUTLETS[k % len(OUTLETS)],
        published=Timestamp(value=when, original=""),
    )


def fill(store: Store, start: int, end: int, pool: list[list[str]], batch: int) -> float:
    """Add articles start..end-1; returns articles/s."""
    rng = random.Random(start)
    began = time.perf_counter()
    for lo in range(start, end, batch):
        store.put_articles([synthetic(k, pool, rng) for k in range(lo, min(end, lo + batch))])
        done = min(end, lo + batch)
        if (done - start) % (batch * 20) == 0 or done == end:
            rate = (done - start) / (time.perf_counter() - began)
            print(f"  {done:>9,} articles  ({rate:,.0f}/s)", file=sys.stderr, flush=True)
    return (end - start) / max(time.perf_counter() - began, 1e-9)


def make_queries(pool: list[list[str]], n: int, seed: int = 7) -> list[tuple[str, str, dict]]:
    rng = random.Random(seed)
    stops = stop_words()

    def content(sentence: str) -> list[str]:
        return [
            w
            for w in TOKEN_RE.findall(sentence)
            if len(w) >= 4 and fold(w) not in stops and not w.isdigit()
        ]

    titles = [content(p[0]) for p in pool]
    titles = [t for t in titles if len(t) >= 3]
    counts: Counter[str] = Counter(
        fold(w) for p in pool for s in p for w in content(s) if len(w) >= 5
    )
    common = [w for w, _ in counts.most_common(20)]
    queries: list[tuple[str, str, dict]] = []
    per = max(1, n // 5)
    for _ in range(per):
        t = rng.choice(titles)
        queries.append(("1 word", rng.choice(t), {}))
    for _ in range(per):
        t = rng.choice(titles)
        i = rng.randrange(len(t) - 1)
        queries.append(("2 words", " ".join(t[i : i + 2]), {}))
    for _ in range(per):
        t = rng.choice(titles)
        i = rng.randrange(len(t) - 2)
        queries.append(("3 words", " ".join(t[i : i + 3]), {}))
    for word in common:
        queries.append(("most common word", word, {}))
    for j in range(per):
        t = rng.choice(titles)
        words = " ".join(rng.sample(t, k=min(2, len(t))))
        flt = {"outlet": rng.choice(OUTLETS)} if j % 2 else {"newest_share": 0.1}
        queries.append(("filtered", words, flt))
    return queries


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def as_filter(spec: dict[str, Any], size: int) -> ArticleFilter:
    """``newest_share``: published within the newest share of the store's articles."""
    spec = dict(spec)
    share = spec.pop("newest_share", None)
    if share is not None:
        spec["since"] = NOW - timedelta(minutes=MAX_ARTICLES - int(size * (1 - share)))
    return ArticleFilter(limit=20, **spec)


def time_queries(store: Store, queries: list[tuple[str, str, dict]]) -> dict[str, Any]:
    size = store.count_articles()
    for _, q, flt in queries:  # warm caches (page cache, stem cache)
        store.search(q, as_filter(flt, size))
    by_class: dict[str, list[float]] = {}
    hits: dict[str, list[int]] = {}
    for cls, q, flt in queries:
        t0 = time.perf_counter()
        found = store.search(q, as_filter(flt, size))
        ms = (time.perf_counter() - t0) * 1000
        by_class.setdefault(cls, []).append(ms)
        hits.setdefault(cls, []).append(len(found))
    everything = [ms for v in by_class.values() for ms in v]

    def summary(values: list[float]) -> dict[str, float]:
        return {
            "n": len(values),
            "p50_ms": round(percentile(values, 0.50), 2),
            "p95_ms": round(percentile(values, 0.95), 2),
            "p99_ms": round(percentile(values, 0.99), 2),
            "max_ms": round(max(values), 2),
            "mean_ms": round(statistics.fmean(values), 2),
        }

    return {
        "all": summary(everything),
        "classes": {
            cls: summary(v) | {"mean_hits": round(statistics.fmean(hits[cls]), 1)}
            for cls, v in by_class.items()
        },
    }


def add_stories(store: Store, n_stories: int) -> list[str]:
    ids = [f"b{k:08d}" for k in range(n_stories * 5)]
    articles = {a.id: a for a in store.get_articles(ids)}
    stories = []
    for s in range(n_stories):
        members = [articles[i] for i in ids[s * 5 : s * 5 + 5] if i in articles]
        if not members:
            continue
        stamps = [a.published.value for a in members if a.published]
        try:
            from kabar.cluster.timeline import build_timeline

            timeline = build_timeline(members)
        except ImportError:
            timeline = []
        stories.append(
            Story(
                id=f"story{s:06d}",
                article_ids=[a.id for a in members],
                title=members[0].title,
                summary=[a.text_lines[0].text[:200] for a in members[:3] if a.text_lines],
                outlets=sorted({a.outlet for a in members if a.outlet}),
                first_seen=min(stamps) if stamps else None,
                last_seen=max(stamps) if stamps else None,
                timeline=timeline,
            )
        )
    store.put_stories(stories)
    return [s.id for s in stories]


def story_page_rate(url: str, story_ids: list[str], seconds: float, clients: int) -> dict:
    import httpx

    from kabar.store.pg_temp import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "KABAR_TOKEN"}
    server = subprocess.Popen(
        [sys.executable, "-m", "kabar", "serve", "--db", url, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/api/stats", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.2)
        return {
            label: hammer(base, template, story_ids, seconds, clients)
            for label, template in (("html", "/story/{}"), ("json", "/api/stories/{}"))
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def hammer(
    base: str, template: str, story_ids: list[str], seconds: float, clients: int
) -> dict[str, Any]:
    """``clients`` threads fetching random story pages for ``seconds``."""
    import httpx

    with httpx.Client(base_url=base, timeout=30) as http:  # warm: templates, connections
        for sid in story_ids[:20]:
            http.get(template.format(sid))
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=base, timeout=30) as http:
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                r = http.get(template.format(rng.choice(story_ids)))
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    latencies.append(ms)
                    errors[0] += r.status_code != 200

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.5), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "clients": clients,
    }


def open_backend(kind: str, workdir: Path) -> tuple[Store, str, Any]:
    if kind == "sqlite":
        url = f"sqlite:///{workdir / 'search-bench.db'}"
        return open_store(url), url, None
    url = os.environ.get("KABAR_BENCH_PG_URL", "")
    server = None
    if not url:
        from kabar.store.pg_temp import TempPostgres

        server = TempPostgres()
        url = server.start()
    return open_store(url), url, server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--queries", type=int, default=200, help="about this many queries")
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--stories", type=int, default=1000)
    parser.add_argument("--story-seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()

    pool = paragraph_pool()
    queries = make_queries(pool, args.queries)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kabar-search-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "corpus": f"{len(pool)} IndoSum dev.01 paragraphs recombined, 3-7 per article",
        "queries": len(queries),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "runs": [],
    }
    for kind in args.backends:
        store, url, server = open_backend(kind, workdir)
        try:
            store.migrate()
            have = store.count_articles()
            story_ids: list[str] = []
            for size in sorted(args.sizes):
                print(f"{kind}: filling to {size:,}", file=sys.stderr)
                rate = fill(store, have, size, pool, args.batch) if size > have else None
                store.optimize()  # planner statistics, as the server's autovacuum would keep
                have = max(have, size)
                run: dict[str, Any] = {
                    "backend": kind,
                    "articles": store.count_articles(),
                    "load_articles_per_s": round(rate, 1) if rate else None,
                    "search": time_queries(store, queries),
                }
                if not story_ids:
                    story_ids = add_stories(store, args.stories)
                run["story_page"] = story_page_rate(
                    url, story_ids, args.story_seconds, args.clients
                )
                report["runs"].append(run)
                print(json.dumps(run, indent=1), file=sys.stderr)
                write_report(report)  # after every run: a long run keeps what it measured
        finally:
            store.close()
            if server is not None:
                server.stop()
    write_report(report)
    print(markdown(report))


def write_report(report: dict[str, Any]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "search.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    (OUT / "search.md").write_text(markdown(report), encoding="utf-8")


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "# Search latency and story-page throughput",
        "",
        f"Corpus: {report['corpus']}; {report['queries']} queries, warm, limit 20, snippets "
        f"included. Machine: {report['machine']['cpus']} CPUs.",
        "",
        "| backend | articles | load/s | p50 ms | p95 ms | p99 ms | max ms | "
        "p95 1 word | p95 3 words | p95 common word | p95 filtered |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in report["runs"]:
        s = run["search"]
        c = s["classes"]

        def p95(cls: str, c: dict[str, Any] = c) -> str:
            return str(c[cls]["p95_ms"]) if cls in c else "—"

        lines.append(
            f"| {run['backend']} | {run['articles']:,} | {run['load_articles_per_s'] or '—'} "
            f"| {s['all']['p50_ms']} | {s['all']['p95_ms']} | {s['all']['p99_ms']} "
            f"| {s['all']['max_ms']} | {p95('1 word')} | {p95('3 words')} "
            f"| {p95('most common word')} | {p95('filtered')} |"
        )
    lines += [
        "",
        "| backend | articles | page | clients | requests/s | p50 ms | p95 ms | errors |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for run in report["runs"]:
        for page, r in run["story_page"].items():
            lines.append(
                f"| {run['backend']} | {run['articles']:,} | {page} | {r['clients']} "
                f"| {r['requests_per_s']} | {r['p50_ms']} | {r['p95_ms']} | {r['errors']} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
