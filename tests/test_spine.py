"""The spine end to end: ingest → analyze → list/show/extract/search, and bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kabar.cli import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, cli
from kabar.models import LineKind, RawDocument
from kabar.pipeline.decode import DecodeError, decode, decode_text
from kabar.store.base import open_store


def run(*args: str, db: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [*args], env={"KABAR_DB": f"sqlite:///{db}"})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def ingest_and_analyze(paths: list[Path], db: Path) -> tuple[int, int, str]:
    code_ingest, _, err_ingest = run("ingest", *map(str, paths), db=db)
    code_analyze, _, err_analyze = run("analyze", db=db)
    return code_ingest, code_analyze, err_ingest + err_analyze


def stored_origins(db: Path) -> tuple[set[str], dict[str, str]]:
    with open_store(f"sqlite:///{db}") as store:
        store.migrate()
        articles = {a.origin for a in store.iter_articles()}
        rejected = {r.origin: r.reason for r in store.list_rejections(10_000)}
    return articles, rejected


# --- the sample pages ------------------------------------------------------------------------


def test_seed_pages_all_become_articles(seeds_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    code_ingest, code_analyze, _ = ingest_and_analyze([seeds_dir], db)
    assert (code_ingest, code_analyze) == (EXIT_OK, EXIT_OK)
    articles, rejected = stored_origins(db)
    pages = sorted(str(p) for p in seeds_dir.glob("*.txt"))
    assert sorted(articles) == pages
    assert rejected == {}


def test_show_prints_every_original_line(seeds_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    ingest_and_analyze([seeds_dir], db)
    code, out, _ = run("articles", "--json", db=db)
    assert code == EXIT_OK
    listed = json.loads(out)
    assert len(listed) == 5 and all(item["origin"] for item in listed)
    for item in listed:
        code, shown, _ = run("show", item["id"], db=db)
        assert code == EXIT_OK
        page = Path(item["origin"]).read_text(encoding="utf-8")
        flat = " ".join(shown.split())
        for line in page.splitlines():
            words = " ".join(line.split())
            # rich may wrap long lines; every word run of the page must still be there
            for chunk in words.split(" ")[:3]:
                assert chunk in flat, f"line missing from `kabar show`: {line[:60]!r}"


def test_extract_finds_title_and_keeps_menus_out_of_body(seeds_dir: Path) -> None:
    pytest.importorskip("kabar.pipeline.clean", reason="the clean stage has not landed")
    for page in sorted(seeds_dir.glob("*.txt")):
        result = CliRunner().invoke(cli, ["extract", str(page)])
        assert result.exit_code == EXIT_OK, result.stderr
        data = json.loads(result.stdout)
        kinds = [ln["kind"] for ln in data["lines"]]
        assert LineKind.TITLE in kinds, f"{page.name}: no title line"
        assert data["title"], f"{page.name}: no title"
        body_lines = [ln for ln in data["lines"] if ln["kind"] in ("lead", "body", "subheading")]
        assert body_lines, f"{page.name}: empty body"
        menu_texts = {ln["text"] for ln in data["lines"] if ln["kind"] == "menu"}
        assert not menu_texts & {ln["text"] for ln in body_lines}
        # the short navigation lines at the very top of a page are never body
        for ln in data["lines"][:3]:
            if ln["text"].strip() and len(ln["text"].split()) <= 2:
                assert ln["kind"] not in ("lead", "body"), f"{page.name}: {ln['text']!r} in body"


# --- the demo corpus -------------------------------------------------------------------------


def demo_gold(demo_dir: Path) -> dict:
    path = demo_dir / "stories.json"
    if not path.is_file():
        pytest.skip("the demo corpus gold (stories.json) is absent")
    return json.loads(path.read_text(encoding="utf-8"))


def test_demo_corpus_every_input_stored_or_rejected(demo_dir: Path, tmp_path: Path) -> None:
    gold = demo_gold(demo_dir)
    db = tmp_path / "k.db"
    code_ingest, code_analyze, err = ingest_and_analyze([demo_dir], db)
    # the corpus carries junk on purpose: ingest rejects what it cannot read, analyze the rest
    assert EXIT_PARTIAL in (code_ingest, code_analyze)
    articles, rejected = stored_origins(db)

    def origin(ref: str) -> str:
        name, _, line = ref.partition("#")
        return str(demo_dir / name) + (f"#{line}" if line else "")

    expected_rejected = {origin(ref) for ref in gold["rejected"]}
    assert expected_rejected <= set(rejected), f"not rejected: {expected_rejected - set(rejected)}"
    for ref in expected_rejected:
        assert rejected[ref].strip(), "a rejection must carry a reason"
        assert Path(ref.partition("#")[0]).name in err or ref in err
    assert not (articles & expected_rejected)
    # every other page is an article, or merged into one as a follow-up page
    pages = {
        str(p)
        for p in demo_dir.iterdir()
        if p.is_file() and p.suffix not in {".json", ".md", ".jsonl"}
    }
    with open_store(f"sqlite:///{db}") as store:
        merged = {a.origin for a in store.iter_articles()}
    assert pages - expected_rejected <= merged
    assert set(rejected) <= expected_rejected, f"unexpected rejections: {rejected}"


def test_reingest_is_a_noop(demo_dir: Path, tmp_path: Path) -> None:
    demo_gold(demo_dir)
    db = tmp_path / "k.db"
    ingest_and_analyze([demo_dir], db)
    with open_store(f"sqlite:///{db}") as store:
        before = store.stats()
    code, _, err = run("ingest", str(demo_dir), db=db)
    assert code in (EXIT_OK, EXIT_PARTIAL)
    assert "stored 0 new input(s)" in err
    run("analyze", db=db)
    with open_store(f"sqlite:///{db}") as store:
        after = store.stats()
    assert (after.raw, after.articles) == (before.raw, before.articles)


# --- bad input -------------------------------------------------------------------------------


def make_bad_inputs(folder: Path) -> dict[str, str]:
    """Junk of every kind; returns name → a word its rejection reason must contain."""
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "junk.bin").write_bytes(bytes(range(256)) * 8)
    with (folder / "huge.txt").open("wb") as fh:  # 50 MB, written sparsely
        fh.truncate(50 * 1024 * 1024)
    (folder / "pages.jsonl").write_text(
        '{"text": "Judul\\n\\nIsi berita yang cukup panjang untuk sebuah halaman."}\n'
        "{not json}\n"
        '{"text": 42}\n',
        encoding="utf-8",
    )
    os.symlink(folder / "missing-target.txt", folder / "dangling.txt")
    return {
        "empty.txt": "empty",
        "junk.bin": "binary",
        "huge.txt": "too large",
        "pages.jsonl#2": "invalid JSON",
        "pages.jsonl#3": "must be a string",
        "dangling.txt": "cannot read",
    }


def test_bad_input_each_rejected_with_reason_run_goes_on(tmp_path: Path, seeds_dir: Path) -> None:
    db = tmp_path / "k.db"
    ingest_and_analyze([seeds_dir], db)
    with open_store(f"sqlite:///{db}") as store:
        before = {a.id: a.model_dump_json() for a in store.iter_articles()}
    bad = tmp_path / "bad"
    expected = make_bad_inputs(bad)
    code_ingest, code_analyze, err = ingest_and_analyze([bad], db)
    assert EXIT_PARTIAL in (code_ingest, code_analyze)
    _, rejected = stored_origins(db)
    for name, word in expected.items():
        origin = str(bad / name)
        assert origin in rejected, f"{name} was not rejected"
        assert f"{origin}: {rejected[origin]}" in " ".join(err.split()) or origin in err
        assert word.lower() in rejected[origin].lower(), (name, rejected[origin])
        assert "\n" not in rejected[origin]
    with open_store(f"sqlite:///{db}") as store:
        after = {a.id: a.model_dump_json() for a in store.iter_articles()}
        assert store.check() == []
    # the good JSONL line became an article; nothing stored before changed
    assert len(after) == len(before) + 1
    assert all(after[k] == v for k, v in before.items())


def test_decode_detects_legacy_encodings() -> None:
    text = "Menteri menyampaikan “résumé” kebijakan — Rp 5 triliun.\n"
    raw = text.encode("cp1252")
    decoded, encoding = decode_text(raw)
    assert decoded == text
    assert encoding == "cp1252"
    article = decode(RawDocument(id="x", content=raw, origin="t"))
    assert article.lines[0].text == text.strip()
    assert any("decoded as" in w for w in article.warnings)


def test_decode_rejects_binary_and_empty() -> None:
    with pytest.raises(DecodeError, match="binary"):
        decode(RawDocument(id="x", content=b"\x00\x01\x02abc" * 100, origin="t"))
    with pytest.raises(DecodeError, match="empty"):
        decode(RawDocument(id="x", content=b"  \n\n ", origin="t"))


def test_unknown_stage_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("analyze", "--stages", "clean,nonsense", db=tmp_path / "k.db")
    assert code == EXIT_USAGE
    assert "nonsense" in err


def test_search_finds_ingested_words(tmp_path: Path) -> None:
    pytest.importorskip("kabar.pipeline.clean", reason="the clean stage has not landed")
    page = tmp_path / "page.txt"
    page.write_text(
        "Banjir Rob Genangi Pesisir Utara\n\n"
        "Air laut pasang menggenangi permukiman nelayan di pesisir utara sejak Senin pagi.\n",
        encoding="utf-8",
    )
    db = tmp_path / "k.db"
    ingest_and_analyze([page], db)
    code, out, _ = run("search", "nelayan", "--json", db=db)
    assert code == EXIT_OK
    hits = json.loads(out)
    assert len(hits) == 1 and "nelayan" in hits[0]["snippet"]
    code, out, _ = run("search", 'nelayan" OR 1=1; DROP TABLE articles; --', "--json", db=db)
    assert code == EXIT_OK
    code, out, _ = run("articles", "--json", db=db)
    assert len(json.loads(out)) == 1
