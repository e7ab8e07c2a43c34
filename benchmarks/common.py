"""Shared helpers for the benchmark scripts: corpora, memory, timing and JSON output.

Corpora (all read by path from ``../shared`` or the package; nothing is copied):

- ``demo``: the bundled demo corpus (``src/kabar/demo/corpus``), raw pages as ingest reads them.
- ``indosum``: the 750 IndoSum fold-1 dev articles, detokenised and rendered as text-dump pages
  with a menu, a date line, a related-link line and a footer that we wrote ourselves, so the
  cleaner has boilerplate to remove.
- ``ner``: news sentences of three NER datasets (idner-news-2k, NER UGM, NER UI; train files),
  grouped 12 at a time into pages with the same synthetic frame.
- ``scaled``: any number of articles built by recombining real IndoSum *sentences*: article ``k``
  draws 5-12 paragraphs of 1-3 sentences each from the pool of 13,604 dev sentences (seeded
  RNG), re-rolls every digit so numbers differ between copies of a sentence, takes its title
  from the first 12 words of its first sentence, an outlet from IndoSum's source list and a
  publication time that walks forward 45 s per article. 5% of articles are syndicated copies of
  one of the last 500 generated ones (another outlet, one paragraph dropped), so near-duplicate
  detection and clustering have real work, and 1% are junk (2 KiB of seeded random bytes, as
  crawls have) that must end as rejections. Sentence-level recombination keeps two random
  articles' word-shingle Jaccard near zero, so LSH buckets stay realistic at 1M articles.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import random
import re
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from kabar.models import RawDocument, SourceFormat

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = Path(__file__).resolve().parent / "out"
DEMO_DIR = ROOT / "src" / "kabar" / "demo" / "corpus"

# --- machine, memory, timing ---------------------------------------------------------------


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident set size of this process (or its reaped children), MiB (Linux: KiB)."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def rss_mb() -> float:
    """Current resident set size of this process, MiB."""
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:  # psutil is in the dev extra; fall back to /proc
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def tree_rss_mb() -> float:
    """Current RSS of this process plus its live children (worker pools), MiB."""
    try:
        import psutil
    except ImportError:
        return rss_mb()
    me = psutil.Process()
    total = me.memory_info().rss
    for child in me.children(recursive=True):
        with contextlib.suppress(psutil.Error):  # a worker may exit meanwhile
            total += child.memory_info().rss
    return total / 2**20


def tree_cpu_s() -> float:
    """CPU seconds (user + system) of this process and its live children so far."""
    try:
        import psutil
    except ImportError:
        return time.process_time()
    me = psutil.Process()
    t = me.cpu_times()
    total = t.user + t.system
    for child in me.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            c = child.cpu_times()
            total += c.user + c.system
    return total


def machine() -> dict[str, Any]:
    """What the numbers were measured on: cores, load, Python, commit, time."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "commit": commit,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


@dataclass
class Timer:
    seconds: float = 0.0
    cpu: float = 0.0

    def __enter__(self) -> Timer:
        self._t0 = time.perf_counter()
        self._c0 = time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds += time.perf_counter() - self._t0
        self.cpu += time.process_time() - self._c0


def write_result(name: str, data: dict[str, Any]) -> Path:
    """Write ``benchmarks/out/<name>.json`` with the machine conditions attached."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{name}.json"
    payload = {"benchmark": name, "machine": machine(), "argv": sys.argv[1:], **data}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
    return path


def shared_dir() -> Path:
    from kabar.eval.common import shared_path

    return shared_path()


# --- stages --------------------------------------------------------------------------------


def stage_names(scope: str | None = None) -> list[str]:
    """Every registered stage in plan order (new stages are picked up automatically)."""
    from kabar.pipeline.registry import plan

    return [s.name for s in plan(None) if scope is None or s.scope == scope]


# --- page rendering (frame text written for kabar) -----------------------------------------

_MENU = ["Beranda", "Nasional", "Ekonomi", "Olahraga", "Teknologi", "Hiburan", "Indeks"]
_FOOTER = [
    "Bagikan:",
    "Facebook",
    "Twitter",
    "WhatsApp",
    "",
    "Tag: berita, terkini",
    "",
    "Ikuti kanal kami untuk kabar terbaru setiap hari.",
    "© 2024 Contoh Media. Hak cipta dilindungi.",
]
_DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
_MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def indonesian_date(when: datetime) -> str:
    return (
        f"{_DAYS[when.weekday()]}, {when.day} {_MONTHS[when.month - 1]} {when.year}"
        f" {when:%H:%M} WIB"
    )


def render_page(
    title: str, paragraphs: list[str], when: datetime, related: str | None = None
) -> str:
    """A text dump shaped like a scraped page: menu, title, date, body, related, footer."""
    lines = [*_MENU, "", title, "", indonesian_date(when), ""]
    for i, para in enumerate(paragraphs):
        lines += [para, ""]
        if related and i == min(2, len(paragraphs) - 1):
            lines += [f"Baca Juga: {related}", ""]
    return "\n".join(lines + _FOOTER) + "\n"


_NO_SPACE_BEFORE = {",", ".", ";", ":", "?", "!", ")", "%", "'s", "”", "’"}
_NO_SPACE_AFTER = {"(", "“", "‘"}


def detokenise(tokens: list[str]) -> str:
    """Join IndoSum/NER tokens back into running text (punctuation attached, quotes paired)."""
    out: list[str] = []
    quote_open = False
    glue = False
    for tok in tokens:
        if tok == '"':
            if quote_open:
                if out:
                    out[-1] += '"'
                else:
                    out.append('"')
                quote_open = False
                glue = False
            else:
                out.append('"')
                quote_open = True
                glue = True
            continue
        if out and (glue or tok in _NO_SPACE_BEFORE):
            out[-1] += tok
        else:
            out.append(tok)
        glue = tok in _NO_SPACE_AFTER
    return " ".join(out)


def _raw(text: str, origin: str, url: str, outlet: str | None, when: datetime) -> RawDocument:
    content = text.encode("utf-8")
    return RawDocument(
        id=RawDocument.hash(content),
        content=content,
        origin=origin,
        format=SourceFormat.TEXT,
        url=url,
        outlet=outlet,
        fetched_at=when + timedelta(hours=1),
        encoding="utf-8",
    )


# --- corpora -------------------------------------------------------------------------------


def demo_raws() -> list[RawDocument]:
    from kabar.ingest import read_sources

    return [r for r in read_sources([DEMO_DIR]) if isinstance(r, RawDocument)]


def indosum_path() -> Path:
    return shared_dir() / "data" / "summarization" / "indosum" / "dev.01.jsonl"


@lru_cache(maxsize=1)
def indosum_records() -> list[dict[str, Any]]:
    """IndoSum dev articles: source, url, time (from the id), paragraphs (detokenised)."""
    out = []
    for raw in indosum_path().read_text(encoding="utf-8").splitlines():
        rec = json.loads(raw)
        stamp, _, _slug = rec["id"].partition("-")
        when = datetime.fromtimestamp(int(stamp), UTC) if stamp.isdigit() else datetime(2017, 1, 1)
        paras = [" ".join(detokenise(s) for s in para) for para in rec["paragraphs"]]
        out.append(
            {
                "source": rec.get("source") or "unknown",
                "url": rec.get("source_url") or f"https://indosum.example/{rec['id']}",
                "when": when,
                "paragraphs": [p for p in paras if p.strip()],
            }
        )
    return out


def _title_from(sentence: str, words: int = 12) -> str:
    return " ".join(sentence.rstrip(" .").split()[:words])


def indosum_raws(limit: int | None = None) -> list[RawDocument]:
    """IndoSum articles as text-dump pages (title: the first 12 words of the lead)."""
    recs = indosum_records()[:limit]
    out = []
    for i, rec in enumerate(recs):
        title = _title_from(rec["paragraphs"][0])
        related = _title_from(recs[(i + 1) % len(recs)]["paragraphs"][0], 9)
        text = render_page(title, rec["paragraphs"], rec["when"], related)
        out.append(_raw(text, f"indosum#{i + 1}", rec["url"], rec["source"], rec["when"]))
    return out


def _read_conll(path: Path, column: int) -> Iterator[list[str]]:
    sent: list[str] = []
    with path.open(encoding="utf-8", newline=None) as fh:
        for line in fh:
            line = line.rstrip("\r\n")
            if not line.strip():
                if sent:
                    yield sent
                sent = []
                continue
            parts = line.split("\t") if "\t" in line else line.split(" ")
            sent.append(parts[0] if column == 0 else parts[column])
    if sent:  # idner has no trailing blank line
        yield sent


def ner_sentences() -> list[str]:
    """News sentences of idner-news-2k, NER UGM (fold 1) and NER UI (fold 1), train splits."""
    base = shared_dir() / "data" / "ner"
    files = [
        base / "idner_news_2k" / "train.txt",
        base / "indolem_nerugm" / "train.01.tsv",
        base / "indolem_nerui" / "train.01.tsv",
    ]
    seen: set[str] = set()
    out = []
    for path in files:
        if not path.exists():
            continue
        for tokens in _read_conll(path, 0):
            text = detokenise(tokens)
            if len(tokens) >= 5 and text not in seen:  # UGM and idner share sentences
                seen.add(text)
                out.append(text)
    return out


def ner_raws(per_page: int = 12) -> list[RawDocument]:
    sents = ner_sentences()
    out = []
    start = datetime(2019, 3, 1, 8, tzinfo=UTC)
    for i in range(0, len(sents) - per_page + 1, per_page):
        chunk = sents[i : i + per_page]
        paras = [" ".join(chunk[j : j + 2]) for j in range(0, len(chunk), 2)]
        when = start + timedelta(minutes=37 * i)
        text = render_page(_title_from(chunk[0]), paras, when)
        out.append(_raw(text, f"ner#{i // per_page + 1}", f"https://ner.example/{i}", None, when))
    return out


@lru_cache(maxsize=1)
def _sentence_pool() -> tuple[list[str], list[str]]:
    sentences: list[str] = []
    outlets: list[str] = []
    for raw in indosum_path().read_text(encoding="utf-8").splitlines():
        rec = json.loads(raw)
        outlets.append(rec.get("source") or "unknown")
        for para in rec["paragraphs"]:
            sentences += [detokenise(s) for s in para if len(s) >= 4]
    return sentences, sorted(set(outlets))


_DIGIT = re.compile(r"\d")


def scaled_raws(
    n: int, seed: int = 2024, dup_rate: float = 0.05, junk_rate: float = 0.01
) -> Iterator[RawDocument]:
    """``n`` recombined articles, generated lazily (see the module docstring for how)."""
    sentences, outlets = _sentence_pool()
    rng = random.Random(seed)
    start = datetime(2023, 1, 1, 6, tzinfo=UTC)
    recent: list[tuple[str, list[str]]] = []

    def reroll(s: str) -> str:
        return _DIGIT.sub(lambda _m: str(rng.randrange(10)), s)

    for k in range(n):
        when = start + timedelta(seconds=45 * k)
        outlet = outlets[rng.randrange(len(outlets))]
        if rng.random() < junk_rate:
            content = bytes([0]) + rng.randbytes(2047)
            yield RawDocument(
                id=RawDocument.hash(content), content=content, origin=f"scaled#{k}", outlet=outlet
            )
            continue
        if recent and rng.random() < dup_rate:
            title, paras = recent[rng.randrange(len(recent))]
            paras = list(paras)
            if len(paras) > 3:
                del paras[rng.randrange(1, len(paras))]
        else:
            paras = []
            for _ in range(rng.randint(5, 12)):
                picked = [
                    reroll(sentences[rng.randrange(len(sentences))])
                    for _ in range(rng.randint(1, 3))
                ]
                paras.append(" ".join(picked))
            title = _title_from(paras[0])
            recent.append((title, paras))
            if len(recent) > 500:
                recent.pop(0)
        slug = outlet.replace(" ", "-").replace(".", "-")
        url = f"https://{slug}.example/scaled/{seed}/{k}"
        text = render_page(title, paras, when)
        yield _raw(text, f"scaled#{k}", url, outlet, when)


def corpus(name: str, size: int | None = None) -> list[RawDocument]:
    """A named corpus as a list (``scaled`` needs ``size``)."""
    if name == "demo":
        return demo_raws()
    if name == "indosum":
        return indosum_raws(size)
    if name == "ner":
        raws = ner_raws()
        return raws[:size] if size else raws
    if name == "scaled":
        return list(scaled_raws(size or 10_000))
    raise ValueError(f"unknown corpus {name!r}: demo, indosum, ner, scaled")
