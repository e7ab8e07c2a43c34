"""Throughput of the cleaning stages (clean, metadata, language) on one core.

Pages are built the way scraped text dumps look: real Indonesian article paragraphs from
IndoSum (read from ../shared by path, never copied) wrapped in outlet boilerplate written
for this script (menus, app banners, bylines, timestamps, captions, related links, footers,
tag lists) in a few layouts. Every page has its own paragraphs, so memoisation of recurring
short lines (menus, footers) helps only where it would on a real crawl.

    python benchmarks/cleaning.py [--pages 2000] [--shared PATH]

Prints articles per second for each stage and for the three together, plus the demo corpus
and the seed pages as a second workload.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from pathlib import Path

from kabar.eval.common import shared_path
from kabar.models import Article, Line, RawDocument
from kabar.pipeline.clean import clean_stage
from kabar.pipeline.decode import decode
from kabar.pipeline.language import language_stage
from kabar.pipeline.metadata import metadata_stage
from kabar.pipeline.registry import StageContext

MENUS = [
    ["Menu", "Beranda", "Nasional", "Ekonomi", "Internasional", "Olahraga", "Tekno", "Indeks"],
    ["KABAR LEMBAH", "Terkini", "Daerah", "Bisnis", "Bola", "Gaya Hidup"],
    ["Portal Selat", "Home", "News", "Market", "Sport", "Video", "Cari"],
]
BANNER = [
    "Tutup Banner Aplikasi Portal Selat",
    "Aplikasi Portal Selat",
    "Berita Cepat dari Seluruh Negeri",
    "Tersedia Gratis di Play Store dan App Store",
]
FOOTERS = [
    ["Halaman:", "", "Ikuti kanal Kabar Lembah di Google News", "", "Bagikan Artikel:"],
    ["BERITA TERKAIT", "Harga Beras Mulai Turun di Pasar Induk", "Editor: Maya Sari"],
    ["(abc/def)", "", "Topik Terkait", "", "Ekonomi", "", "Daerah", "", "Tokoh"],
]


def build_pages(shared: Path, count: int, seed: int = 7) -> list[list[str]]:
    rows = (shared / "data" / "summarization" / "indosum" / "dev.01.jsonl").read_text("utf-8")
    articles = []
    for raw in rows.splitlines():
        record = json.loads(raw)
        paragraphs = [" ".join(" ".join(sent) for sent in para) for para in record["paragraphs"]]
        articles.append([p for p in paragraphs if p.strip()])
    rng = random.Random(seed)
    pages: list[list[str]] = []
    for n in range(count):
        paragraphs = articles[n % len(articles)]
        layout = n % 3
        lines = [*MENUS[layout], ""]
        if layout == 1:
            lines += [*BANNER, ""]
        title = " ".join(paragraphs[0].split()[:9]).rstrip(".,")
        lines += [title, "", f"Rabu, {1 + n % 28} Mei 2024 {n % 24:02d}:{n % 60:02d} WIB"]
        lines += [f"Penulis: Rina Sari | Editor: Agus {n % 7}", ""]
        lines += ["Warga di lokasi kejadian. Foto: Dok. Kabar Lembah", ""]
        for k, paragraph in enumerate(paragraphs):
            lines += [paragraph, ""]
            if k == 1:
                lines += ["Baca juga: Pemerintah Siapkan Anggaran Tambahan", ""]
            if k == 2 and rng.random() < 0.5:
                lines += ["ADVERTISEMENT", "", "SCROLL TO CONTINUE WITH CONTENT", ""]
        lines += FOOTERS[layout]
        pages.append(lines)
    return pages


def to_article(n: int, lines: list[str]) -> Article:
    return Article(
        id=f"b{n}",
        raw_id=f"b{n}",
        origin="benchmark",
        lines=[Line(index=i, text=t) for i, t in enumerate(lines)],
    )


def timed(articles: list[Article], stage: Callable[[Article, StageContext], Article]) -> float:
    """CPU seconds this process spent (steadier than wall time on a shared machine)."""
    ctx = StageContext()
    start = time.process_time()
    for article in articles:
        stage(article, ctx)
    return time.process_time() - start


def run(articles: list[Article], label: str) -> None:
    # warm-up: compile the pattern tables, load lingua's models (once per process)
    warm = [a.model_copy(deep=True) for a in articles[:20]]
    for stage in (clean_stage, metadata_stage, language_stage):
        timed(warm, stage)
    n = len(articles)
    spent = {}
    for name, stage in (
        ("clean", clean_stage),
        ("metadata", metadata_stage),
        ("language", language_stage),
    ):
        spent[name] = timed(articles, stage)
    total = sum(spent.values())
    lines = sum(len(a.lines) for a in articles) / n
    print(f"{label}: {n} pages, {lines:.0f} lines/page, one core (CPU time)")
    for name, seconds in spent.items():
        print(f"  {name:9s} {n / seconds:8.0f} articles/s  ({seconds / n * 1000:.2f} ms each)")
    print(f"  {'together':9s} {n / total:8.0f} articles/s  ({total / n * 1000:.2f} ms each)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--shared", default=None)
    args = parser.parse_args()
    shared = shared_path(args.shared)
    pages = build_pages(shared, args.pages)
    run(
        [to_article(n, lines) for n, lines in enumerate(pages)],
        "IndoSum paragraphs in outlet layouts",
    )

    demo = Path(__file__).resolve().parents[1] / "src" / "kabar" / "demo" / "corpus"
    docs: list[Article] = []
    for path in sorted([*demo.glob("*.txt"), *(shared / "samples" / "seeds").glob("*.txt")]):
        content = path.read_bytes()
        try:
            docs.append(
                decode(RawDocument(id=RawDocument.hash(content), content=content, origin=str(path)))
            )
        except Exception:
            continue  # the demo corpus has deliberate junk files
    repeated = [d.model_copy(deep=True) for d in docs for _ in range(10)]
    run(repeated, "demo corpus + seed pages (each 10 times)")


if __name__ == "__main__":
    main()
