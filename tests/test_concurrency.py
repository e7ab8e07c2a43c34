"""Many writers and readers at once: nothing lost, nothing stored twice, no locked database.

* 200 concurrent HTTP clients (loopback, one connection each) against a real ``kabar serve``
  process over SQLite, mixing reads (articles, search, stories, entities, pages) with
  authenticated ``POST /api/ingest`` writes, some of them racing to post the same page;
* several ``kabar ingest --analyze`` processes over overlapping inputs into one SQLite file
  while the server ingests into the same file.

Every request must succeed, every page must be stored exactly once, no "database is locked"
may reach a client or a log, and the store must pass ``PRAGMA integrity_check`` and
``kabar check`` afterwards. ``KABAR_CONCURRENCY_ROUNDS`` (default 1) repeats each client's
requests (the benchmark runs more).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from server_process import Server, kabar_check, kabar_server

TOKEN = "conc-token-5b9d0e77"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CLIENTS = 200
ROUNDS = int(os.environ.get("KABAR_CONCURRENCY_ROUNDS", "1"))
LOCKED = ("database is locked", "database table is locked", "SQLITE_BUSY")

PLACES = ["Tanjung Uji", "Bukit Contoh", "Kali Coba", "Pulau Sampel", "Lembah Percobaan"]
THINGS = ["jembatan", "pasar", "sekolah", "puskesmas", "dermaga", "irigasi", "terminal"]


def page_text(tag: str) -> str:
    """A small article written for this test, unique by ``tag``."""
    n = int(hashlib.sha1(tag.encode()).hexdigest()[:6], 16)
    place, thing = PLACES[n % len(PLACES)], THINGS[n % len(THINGS)]
    return (
        f"Warga {place} Menyambut {thing.title()} Baru {tag}\n\n"
        f"{place} - Pemerintah daerah meresmikan {thing} baru di {place} pada acara "
        f"nomor {tag}, disaksikan {n % 90 + 10} warga yang datang sejak pagi.\n\n"
        f"Kepala desa mengatakan {thing} itu dibangun selama {n % 11 + 2} bulan dengan "
        f"anggaran daerah dan swadaya warga setempat.\n"
    )


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def clean_response(response: httpx.Response) -> str | None:
    """None when the response is a success with a body free of lock errors; else why not."""
    if response.status_code != 200:
        return f"{response.request.url.path}: HTTP {response.status_code} {response.text[:200]}"
    if any(marker in response.text for marker in LOCKED):
        return f"{response.request.url.path}: lock error in body"
    return None


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kabar.cli import cli

    db = tmp_path_factory.mktemp("concurrency") / "demo.db"
    result = CliRunner().invoke(cli, ["demo", "--db", f"sqlite:///{db}"])
    assert result.exit_code == 0, result.output
    return db


def sample_ids(base: str) -> dict[str, str]:
    stories = httpx.get(f"{base}/api/stories", params={"limit": 1}).json()["items"]
    articles = httpx.get(f"{base}/api/articles", params={"limit": 1}).json()["items"]
    entities = httpx.get(f"{base}/api/entities", params={"limit": 1}).json()["items"]
    return {"story": stories[0]["id"], "article": articles[0]["id"], "entity": entities[0]["id"]}


def read_paths(ids: dict[str, str]) -> list[str]:
    return [
        "/api/articles?limit=10",
        "/api/articles?outlet=Kabar%20Satu&language=id",
        "/api/search?q=banjir",
        "/api/search?q=tol%20mandar&since=2020-01-01",
        "/api/stories?limit=10",
        f"/api/stories/{ids['story']}",
        f"/api/articles/{ids['article']}",
        f"/api/entities/{ids['entity']}",
        "/api/entities?q=a",
        "/api/quotes?limit=5",
        "/api/stats",
        "/",
        f"/story/{ids['story']}",
        "/search?q=pasar",
    ]


async def run_clients(server: Server, reads: list[str]) -> tuple[list[str], Counter[str]]:
    """200 clients at once; each reads 3 paths a round, every 4th also ingests its own page,
    and every 20th races to ingest one shared page. Returns errors and ingest outcomes."""
    errors: list[str] = []
    outcomes: Counter[str] = Counter()
    start = asyncio.Event()

    async def client(i: int) -> None:
        limits = httpx.Limits(max_connections=1)
        async with httpx.AsyncClient(base_url=server.base, timeout=180, limits=limits) as http:
            await start.wait()
            for r in range(ROUNDS):
                for k in range(3):
                    try:
                        response = await http.get(reads[(i * 3 + k + r) % len(reads)])
                    except httpx.HTTPError as exc:
                        errors.append(f"client {i}: {type(exc).__name__}: {exc}")
                        continue
                    if problem := clean_response(response):
                        errors.append(problem)
                pages = []
                if i % 4 == 0:
                    pages.append({"text": page_text(f"c{i}-r{r}"), "outlet": "Kabar Uji"})
                if i % 20 == 1:
                    pages.append({"text": page_text("shared"), "url": "https://uji.example/s"})
                if not pages:
                    continue
                try:
                    response = await http.post("/api/ingest", json={"pages": pages}, headers=AUTH)
                except httpx.HTTPError as exc:
                    errors.append(f"client {i} ingest: {type(exc).__name__}: {exc}")
                    continue
                if problem := clean_response(response):
                    errors.append(problem)
                    continue
                for item in response.json()["items"]:
                    outcomes[f"{item['raw_id']}:{item['status']}"] += 1

    tasks = [asyncio.create_task(client(i)) for i in range(CLIENTS)]
    await asyncio.sleep(0.5)  # every client connected and waiting: then all go at once
    start.set()
    await asyncio.gather(*tasks)
    return errors, outcomes


def store_rows(db: Path) -> dict[str, Any]:
    with sqlite3.connect(db) as conn:
        return {
            "integrity": conn.execute("PRAGMA integrity_check").fetchone()[0],
            "raw": dict(conn.execute("SELECT id, count(*) FROM raw_documents GROUP BY id")),
            "articles_per_raw": dict(
                conn.execute("SELECT raw_id, count(*) FROM articles GROUP BY raw_id")
            ),
        }


@pytest.mark.timeout(600)
def test_200_clients_mixing_reads_and_ingests(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "api.db"
    db.write_bytes(demo_db.read_bytes())
    before = store_rows(db)
    with kabar_server(f"sqlite:///{db}", tmp_path / "server.log", token=TOKEN) as server:
        reads = read_paths(sample_ids(server.base))
        errors, outcomes = asyncio.run(run_clients(server, reads))
        log = server.output()
    assert errors == [], errors[:10]
    assert not any(marker in log for marker in LOCKED), log[-2000:]
    assert "Traceback" not in log, log[-2000:]

    unique = [page_text(f"c{i}-r{r}") for i in range(0, CLIENTS, 4) for r in range(ROUNDS)]
    shared = sha(page_text("shared"))
    for text in unique:  # each writer's page: created once, by its one request
        assert outcomes[f"{sha(text)}:created"] == 1, text[:60]
    racers = len(range(1, CLIENTS, 20)) * ROUNDS
    assert outcomes[f"{shared}:created"] == 1  # the racing page: one created, the rest exist
    assert outcomes[f"{shared}:exists"] == racers - 1

    after = store_rows(db)
    assert after["integrity"] == "ok"
    new_ids = {sha(t) for t in unique} | {shared}
    assert set(after["raw"]) == set(before["raw"]) | new_ids  # no lost write
    assert all(n == 1 for n in after["raw"].values())  # nothing stored twice
    assert all(after["articles_per_raw"].get(i) == 1 for i in new_ids)  # one article each
    assert all(n == 1 for n in after["articles_per_raw"].values())
    assert kabar_check(db) == []


def write_corpus(folder: Path, numbers: range) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in numbers:
        (folder / f"halaman-{n:03d}.txt").write_text(page_text(f"cli{n}"), encoding="utf-8")


@pytest.mark.timeout(600)
def test_concurrent_cli_ingests_and_api_writes_share_one_sqlite_file(tmp_path: Path) -> None:
    # overlapping inputs: 70 distinct pages, several of them in two or three folders
    folders = [tmp_path / "a", tmp_path / "b", tmp_path / "c", tmp_path / "a-copy"]
    for folder, numbers in zip(
        folders, [range(0, 30), range(20, 50), range(40, 70), range(0, 30)], strict=True
    ):
        write_corpus(folder, numbers)
    db = tmp_path / "shared.db"
    url = f"sqlite:///{db}"
    api_pages = [page_text(f"api{n}") for n in range(30)]
    with kabar_server(url, tmp_path / "server.log", token=TOKEN) as server:
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "kabar", "ingest", str(f), "--analyze", "--db", url],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for f in folders
        ]

        async def api_writes() -> list[str]:
            async def one(text: str) -> str | None:
                async with httpx.AsyncClient(base_url=server.base, timeout=180) as http:
                    response = await http.post("/api/ingest", json={"text": text}, headers=AUTH)
                    reads = await http.get("/api/articles", params={"limit": 50})
                    return clean_response(response) or clean_response(reads)

            found = await asyncio.gather(*(one(t) for t in api_pages))
            return [f for f in found if f]

        api_errors = asyncio.run(api_writes())
        results = [(p.wait(timeout=500), *p.communicate()) for p in processes]
        log = server.output()
    assert api_errors == [], api_errors[:5]
    for code, out, err in results:
        assert code == 0, out + err
        assert not any(marker in err for marker in LOCKED), err
        assert "Traceback" not in err, err
    assert not any(marker in log for marker in LOCKED) and "Traceback" not in log, log[-2000:]

    rows = store_rows(db)
    assert rows["integrity"] == "ok"
    expected = {sha(page_text(f"cli{n}")) for n in range(70)} | {sha(t) for t in api_pages}
    assert set(rows["raw"]) == expected  # every page, from every writer
    assert all(n == 1 for n in rows["raw"].values())  # exactly once
    assert set(rows["articles_per_raw"]) == expected
    assert all(n == 1 for n in rows["articles_per_raw"].values())
    assert kabar_check(db) == []
