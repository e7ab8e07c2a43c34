"""kabar export: every stored article comes out, with its origin, in each format."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from kabar.cli import cli
from kabar.cli_export import read_jsonl_export


@pytest.fixture
def demo_db(demo_dir: Path, tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'k.db'}"
    runner = CliRunner()
    runner.invoke(cli, ["ingest", str(demo_dir), "--db", url])
    runner.invoke(cli, ["analyze", "--db", url])
    return url


def test_jsonl_round_trip(demo_db: str, tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    result = CliRunner().invoke(cli, ["export", "--db", demo_db, "-o", str(out)])
    assert result.exit_code == 0, result.output
    articles = list(read_jsonl_export(out))
    assert articles and all(a.origin and a.raw_id for a in articles)
    assert len({a.id for a in articles}) == len(articles)


def test_csv_has_a_row_per_article(demo_db: str) -> None:
    result = CliRunner().invoke(cli, ["export", "--db", demo_db, "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    jsonl = CliRunner().invoke(cli, ["export", "--db", demo_db]).stdout.strip().splitlines()
    assert len(rows) == len(jsonl) > 0
    assert all(r["origin"] for r in rows)


def test_parquet(demo_db: str, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow (the spark extra) is absent")
    out = tmp_path / "a.parquet"
    result = CliRunner().invoke(
        cli, ["export", "--db", demo_db, "--format", "parquet", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.num_rows > 0 and "origin" in table.column_names
