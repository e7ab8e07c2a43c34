"""Nothing lost, nothing crashes: fuzzing the readers and stages, SIGKILL during ingest.

Fuzzing runs ``KABAR_FUZZ_EXAMPLES`` cases per property (default 60, a quick run for CI);
the long mode is ``KABAR_FUZZ_EXAMPLES=600`` (10,800 cases across the 18 properties of this
file and ``test_fuzz_readers.py``).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kabar.ingest.jsonl import parse_record, read_jsonl
from kabar.models import Article, RawDocument, Rejection, SourceFormat
from kabar.pipeline.decode import DecodeError, decode
from kabar.pipeline.registry import StageContext, external_requirements, plan
from kabar.pipeline.runner import process_raw
from server_process import kabar_check

EXAMPLES = int(os.environ.get("KABAR_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Text that real scrapes contain: Indonesian words, boilerplate, quotes, RTL and combining marks.
WORDS = [
    "Baca Juga:",
    "ujarnya",
    "kata dia",
    "WIB",
    "Halaman:",
    "ADVERTISEMENT",
    "Foto: Antara",
    "Jakarta,",
    "“",
    "”",
    '"',
    "Selasa (14/3/2024)",
    "Presiden",
    "Korsel",
    "\u202e",
    "\u0301",
    "مرحبا",
    "שלום",
    "漢字",
    "\x00",
    "\ufeff",
    "\u200b",
    "e\u0301",
    "\t",
    "  ",
    "-",
    "|",
    "•",
]
messy_text = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=40)), max_size=300).map(
    lambda parts: " ".join(parts).replace(" | ", "\n")
)

_PLANNED = plan(None)
_ARTICLE_STAGES = [s for s in _PLANNED if s.scope == "article"]
_EXTERNAL = external_requirements(_PLANNED)


def outcome(raw: RawDocument) -> Article | Rejection:
    return process_raw(raw, _ARTICLE_STAGES, StageContext(), _EXTERNAL)


@FUZZ
@given(st.binary(max_size=4096))
def test_decode_random_bytes(content: bytes) -> None:
    raw = RawDocument(id=RawDocument.hash(content), content=content, origin="fuzz")
    try:
        article = decode(raw)
    except DecodeError as exc:
        assert str(exc)
        return
    assert article.lines and len(article.lines) <= 20_000


@FUZZ
@given(messy_text)
def test_every_stage_on_messy_unicode(text: str) -> None:
    content = text.encode("utf-8", errors="surrogatepass")
    result = outcome(RawDocument(id=RawDocument.hash(content), content=content, origin="fuzz"))
    if isinstance(result, Rejection):
        assert result.reason
    else:
        assert not any("failed" in w for w in result.warnings), result.warnings


@FUZZ
@given(st.binary(max_size=2048).map(lambda b: b"\xff\xfe" + b))
def test_mojibake_and_wrong_encodings(content: bytes) -> None:
    result = outcome(RawDocument(id=RawDocument.hash(content), content=content, origin="fuzz"))
    assert isinstance(result, Article | Rejection)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["text", "html", "url", "outlet", "fetched_at", "x"]),
            children,
            max_size=5,
        )
    ),
    max_leaves=12,
)


@FUZZ
@given(json_values)
def test_jsonl_records_of_wrong_types(value: object) -> None:
    result = parse_record(value, "fuzz#1")
    assert isinstance(result, RawDocument | Rejection)
    if isinstance(result, Rejection):
        assert result.reason and "\n" not in result.reason


@FUZZ
@given(st.lists(st.binary(max_size=200), max_size=20))
def test_jsonl_files_of_junk_lines(
    tmp_path_factory: pytest.TempPathFactory, lines: list[bytes]
) -> None:
    path = tmp_path_factory.mktemp("jsonl") / "junk.jsonl"
    path.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in lines))
    for item in read_jsonl(path):
        assert isinstance(item, RawDocument | Rejection)


html_fragments = st.lists(
    st.sampled_from(
        [
            "<div>",
            "</div>",
            "<p>",
            "</p>",
            "<script>",
            "</script>",
            "<a href='x'>",
            "</a>",
            "<!--",
            "-->",
            "<![CDATA[",
            "]]>",
            "<table><tr><td>",
            "&amp;",
            "&#0;",
            "<html lang='id'>",
            "<meta charset='latin-1'>",
            "<nav>",
            "<p",
        ]
    )
    | st.text(max_size=30),
    max_size=200,
).map("".join)


@FUZZ
@given(html_fragments)
def test_malformed_html(markup: str) -> None:
    pytest.importorskip("kabar.ingest.html")
    content = markup.encode("utf-8", errors="surrogatepass")
    raw = RawDocument(
        id=RawDocument.hash(content), content=content, origin="fuzz", format=SourceFormat.HTML
    )
    assert isinstance(outcome(raw), Article | Rejection)


def test_deeply_nested_html_is_bounded() -> None:
    pytest.importorskip("kabar.ingest.html")
    content = "<div>" * 20_000 + "<p>Isi berita yang tersembunyi dalam.</p>" + "</div>" * 20_000
    raw = RawDocument(id="deep", content=content.encode(), origin="t", format=SourceFormat.HTML)
    assert isinstance(outcome(raw), Article | Rejection)


def test_gigantic_line_is_bounded() -> None:
    content = ("kata " * 2_000_000).encode()
    result = outcome(RawDocument(id="big", content=content, origin="t"))
    assert isinstance(result, Article)
    assert max(len(ln.text) for ln in result.lines) <= 100_000


# --- crash safety ---------------------------------------------------------------------------

TOWNS = ["Medan", "Palu", "Ambon", "Kupang", "Jayapura", "Padang", "Kendari", "Ternate"]
TOPICS = ["banjir", "gempa", "harga beras", "jalan tol", "pelabuhan", "sekolah", "pasar"]


def write_pages(folder: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        town, topic = rng.choice(TOWNS), rng.choice(TOPICS)
        body = "\n\n".join(
            f"Warga {town} membicarakan {topic} pada rapat ke-{i}-{j} di balai desa, "
            f"ujar kepala desa yang hadir bersama {rng.randint(3, 90)} orang."
            for j in range(rng.randint(3, 8))
        )
        (folder / f"page-{i:04d}.txt").write_text(
            f"Beranda\nNasional\n\nKabar {topic} di {town} nomor {i}\n\n{body}\n\nBaca Juga: lain\n",
            encoding="utf-8",
        )


def kabar(*args: str, db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "kabar", *args, "--db", f"sqlite:///{db}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def timed(command: tuple[str, ...], db: Path) -> float:
    start = time.perf_counter()
    assert kabar(*command, db=db).wait() == 0
    return time.perf_counter() - start


@pytest.mark.timeout(600)
def test_sigkill_during_ingest_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    n_pages = 600
    write_pages(pages, n_pages)
    db = tmp_path / "kabar.db"
    # how long an uninterrupted run takes here, so the kills land inside the work
    # the write path is the same whatever the stages; cheap ones keep the trial short
    commands = (("ingest", str(pages)), ("analyze", "--stages", "clean,metadata"))
    durations = {c: timed(c, tmp_path / "probe.db") for c in commands}
    rng = random.Random(11)
    kills = 0
    for _ in range(6):
        for command in commands:
            proc = kabar(*command, db=db)
            time.sleep(rng.uniform(0.1, 0.9) * durations[command])
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait()
    for command in commands:
        assert kabar(*command, db=db).wait() == 0
    assert kills > 0, "no run was killed: the trial proved nothing"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        raw = conn.execute("SELECT count(*), count(DISTINCT origin) FROM raw_documents").fetchone()
        articles = conn.execute("SELECT count(*), count(DISTINCT raw_id) FROM articles").fetchone()
        rejected = conn.execute("SELECT count(*) FROM rejections").fetchone()[0]
    assert raw == (n_pages, n_pages)  # every input stored, exactly once
    assert articles == (n_pages, n_pages)  # every input became exactly one article
    assert rejected == 0
    assert kabar_check(db) == []  # counts, orphans, search index


SYLLABLES = ["ka", "ru", "mi", "to", "sa", "ling", "gu", "ba", "ren", "di", "po", "na", "tek", "wu"]


def write_story_pages(folder: Path, n_stories: int, per_story: int, seed: int = 3) -> None:
    """Pages in ``n_stories`` groups; each group shares invented names and terms of its own."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)

    def word(k: int) -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(k))

    for s in range(n_stories):
        names = [f"{word(2).title()} {word(3).title()}" for _ in range(3)]
        terms = [word(3) for _ in range(12)]
        for p in range(per_story):
            sentences = [
                f"{rng.choice(names)} membahas {' '.join(rng.sample(terms, 3))} "
                f"bersama {rng.choice(names)} di {rng.choice(TOWNS)}, ujarnya."
                for _ in range(rng.randint(4, 7))
            ]
            (folder / f"story-{s:02d}-{p:02d}.txt").write_text(
                f"Beranda\n\n{names[0]} dan {' '.join(terms[:2])} ({p})\n\n"
                + "\n\n".join(sentences)
                + "\n",
                encoding="utf-8",
            )


def story_partition(db: Path) -> set[frozenset[str]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, story_id FROM articles WHERE story_id IS NOT NULL")
        groups: dict[str, set[str]] = {}
        for article_id, story_id in rows:
            groups.setdefault(story_id, set()).add(article_id)
    return {frozenset(g) for g in groups.values()}


@pytest.mark.timeout(600)
def test_sigkill_during_recluster_then_rerun_gives_the_full_result(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    write_story_pages(pages, n_stories=30, per_story=10)
    db = tmp_path / "kabar.db"
    stages = ("analyze", "--stages", "clean,metadata,fingerprint,reuse,cluster,storylines")
    for command in (("ingest", str(pages)), stages):
        assert kabar(*command, db=db).wait() == 0
    reference = tmp_path / "reference.db"
    with sqlite3.connect(db) as src, sqlite3.connect(reference) as dst:
        src.backup(dst)
    duration = timed(("recluster",), reference)
    expected = story_partition(reference)
    assert len(expected) > 1
    rng = random.Random(5)
    kills = 0
    for _ in range(4):
        proc = kabar("recluster", db=db)
        time.sleep(rng.uniform(0.2, 0.9) * duration)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
    assert kills > 0, "no re-cluster was killed: the trial proved nothing"
    assert kabar("recluster", db=db).wait() == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 300
    assert story_partition(db) == expected  # same stories as an uninterrupted rebuild
    assert kabar_check(db) == []  # counts, orphans, search index
