"""The quote gold, its scorer, ``kabar eval quotes`` and ``kabar quotes``."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kabar.eval.quotes import (
    load_passages,
    load_seed_gold,
    norm_speaker,
    norm_text,
    score_passage,
    score_seed,
)
from kabar.models import Article, Line, LineKind, Quote, QuoteKind, Span, Timestamp

KINDS = {"direct", "partial", "indirect"}
RESOLUTIONS = {"named", "pronoun", "continuation", "role", "organisation"}


def test_gold_size_coverage_and_unambiguous_anchors() -> None:
    passages = load_passages()
    required = [q for p in passages for q in p["quotes"] if not q.get("optional")]
    assert len(required) >= 150
    by_res = Counter(q["resolution"] for q in required)
    assert by_res["pronoun"] + by_res["continuation"] >= 40
    assert set(by_res) == RESOLUTIONS
    assert {q["kind"] for q in required} == KINDS
    assert {p["split"] for p in passages} == {
        "dev",
        "test",
        "heldout",
        "heldout2",
        "heldout3",
        "heldout4",
        "heldout5",
    }
    assert {p["lang"] for p in passages} == {"id", "en"}
    assert len({p["id"] for p in passages}) == len(passages)
    for p in passages:
        datetime.fromisoformat(p["published"])
        for q in p["quotes"]:
            assert q["kind"] in KINDS and q["resolution"] in RESOLUTIONS
            para = p["paragraphs"][q["para"]]
            # An anchor names one place: it occurs once in its paragraph.
            assert norm_text(para).count(norm_text(q["anchor"])) == 1, (p["id"], q["anchor"])
            assert q.get("end_para", q["para"]) < len(p["paragraphs"])


def test_seed_labels_carry_positions_not_text(seeds_dir: Path) -> None:
    gold = load_seed_gold()
    for page in gold["pages"]:
        lines = (seeds_dir / page["file"]).read_text(encoding="utf-8").split("\n")
        for q in page["quotes"]:
            assert set(q) <= {"line", "col", "kind", "speaker", "resolution", "optional"}
            assert 0 <= q["col"] < len(lines[q["line"] - 1])
        for d in page["dates"]:
            assert d["expression"] in lines[d["line"] - 1]


def quote(line: int, start: int, text: str, speaker: str | None) -> Quote:
    return Quote(
        text=text,
        kind=QuoteKind.DIRECT,
        span=Span(line=line, start=start, end=start + len(text)),
        speaker=speaker,
    )


def passage() -> dict[str, Any]:
    return {
        "id": "x",
        "paragraphs": ["A", "B"],
        "quotes": [
            {"para": 0, "anchor": "Kami siap", "kind": "direct", "speaker": "China",
             "resolution": "organisation"},
            {"para": 1, "anchor": "Tidak ada", "kind": "direct", "speaker": "Budi Santoso",
             "resolution": "pronoun"},
            {"para": 1, "anchor": "Mungkin", "kind": "partial", "speaker": None,
             "resolution": "role", "optional": True},
        ],
    }  # fmt: skip


def test_scorer_matches_by_paragraph_and_anchor_and_folds_aliases() -> None:
    preds = [
        quote(0, 1, "Kami siap membantu,", "Tiongkok"),  # China = Tiongkok
        quote(1, 1, "Tidak ada masalah", "Budi"),  # found, wrong speaker
        quote(1, 30, "Mungkin besok", None),  # optional gold: neither hit nor false alarm
        quote(0, 40, "Sesuatu yang lain", None),  # false alarm
    ]
    tally = score_passage(passage(), preds)
    m = tally.metrics()
    assert (m["gold"], m["found"], m["false_alarms"]) == (2, 2, 1)
    assert m["speaker_accuracy"] == 0.5
    assert norm_speaker("The Wall Street Journal") == norm_speaker("Wall Street Journal")
    assert norm_speaker("Beijing") == norm_speaker("China")


def test_scorer_counts_a_quote_in_the_wrong_paragraph_as_missed() -> None:
    tally = score_passage(passage(), [quote(1, 0, "Kami siap", "China")])
    m = tally.metrics()
    assert (m["found"], m["false_alarms"], m["recall"]) == (0, 1, 0.0)


def test_seed_scorer_pairs_nearest_columns() -> None:
    labels = [
        {"line": 3, "col": 10, "kind": "partial", "speaker": "A", "resolution": "named"},
        {"line": 3, "col": 60, "kind": "partial", "speaker": "B", "resolution": "named"},
    ]
    preds = [quote(2, 62, "dua", "B"), quote(2, 11, "satu", "A")]
    tally = score_seed("p", labels, preds)
    assert tally.metrics()["speaker_accuracy"] == 1.0


def test_eval_command_writes_json_and_markdown(tmp_path: Path, shared_dir: Path) -> None:
    from kabar.cli import cli

    out = tmp_path / "quotes.json"
    result = CliRunner().invoke(
        cli, ["eval", "quotes", "--split", "dev", "--shared", str(shared_dir), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(out.read_text())
    assert any(k.startswith("seed pages") for k in payload["results"])
    assert payload["seed_dates"]["total"] >= 15
    assert "88.6%" in out.with_suffix(".md").read_text()


def test_quotes_command_lists_filters_and_counts_by_outlet(tmp_store: Any) -> None:
    from kabar.cli import cli
    from kabar.pipeline.quotes import extract_quotes

    def article(aid: str, outlet: str, text: str) -> Article:
        a = Article(
            id=aid,
            raw_id=aid,
            origin=aid,
            outlet=outlet,
            lines=[Line(index=0, text=text, kind=LineKind.BODY)],
        )
        a.published = Timestamp(value=datetime(2024, 3, 1, tzinfo=UTC), original="x")
        a.quotes = extract_quotes(a)
        return a

    tmp_store.put_articles(
        [
            article("a1", "Harian Satu", '"Harga beras turun," kata Menteri Rina Wulandari.'),
            article("a2", "Portal Dua", '"Stok aman," kata Menteri Rina Wulandari.'),
            article("a3", "Portal Dua", '"Jalan tol dibuka," ujar Direktur Anton Widjaja.'),
        ]
    )
    db = ["--db", tmp_store.url]
    runner = CliRunner()
    listed = runner.invoke(cli, ["quotes", "--speaker", "rina", "--json", *db])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert {r["outlet"] for r in rows} == {"Harian Satu", "Portal Dua"}
    assert all(r["speaker"] == "Rina Wulandari" for r in rows)
    words = json.loads(runner.invoke(cli, ["quotes", "--query", "tol", "--json", *db]).output)
    assert [r["speaker"] for r in words] == ["Anton Widjaja"]
    counts = json.loads(runner.invoke(cli, ["quotes", "--by-outlet", "--json", *db]).output)
    assert {"speaker": "Rina Wulandari", "outlet": "Portal Dua", "quotes": 1} in counts
    table = runner.invoke(cli, ["quotes", *db])
    assert table.exit_code == 0 and "Anton Widjaja" in table.output


@pytest.mark.parametrize(
    "split", ["dev", "test", "heldout", "heldout2", "heldout3", "heldout4", "heldout5"]
)
def test_gold_splits_are_non_trivial(split: str) -> None:
    quotes = [q for p in load_passages(split) for q in p["quotes"] if not q.get("optional")]
    assert len(quotes) >= 60
    assert sum(q["resolution"] in {"pronoun", "continuation"} for q in quotes) >= 20
