"""Bulk-load the Parquet a Spark job wrote into a store (SQLite or PostgreSQL).

Reads with pyarrow, streaming record batches (no Spark needed), in ingest order: raw inputs
first (so every article keeps its provenance), then articles, rejections and the candidate
pairs. Each batch is one transaction, and every write is an upsert, so an interrupted load
is simply run again. Afterwards ``kabar analyze --redo --stages pages,reuse,cluster,...``
runs the corpus stages over the loaded articles, incrementally, as after a local ingest.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kabar.models import Article, RawDocument, Rejection, SourceFormat
from kabar.store.base import Store

#: Postings namespace for Spark's candidate pairs: key = article id, value = its candidate.
PAIRS_NAMESPACE = "spark_pairs"


@dataclass
class LoadReport:
    raw: int = 0
    raw_new: int = 0
    articles: int = 0
    rejections: int = 0
    pairs: int = 0


def _files(directory: Path, table: str) -> list[Path]:
    """Spark's part files of one table, in write order (the job sorted by ``seq``)."""
    folder = directory / table
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.parquet") if not p.name.startswith((".", "_")))


def _batches(directory: Path, table: str, size: int) -> Iterator[list[dict[str, Any]]]:
    import pyarrow.parquet as pq

    for path in _files(directory, table):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=size):
            yield batch.to_pylist()


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _raw(row: dict[str, Any]) -> RawDocument:
    return RawDocument(
        id=row["raw_id"],
        content=row["content"],
        origin=row["origin"],
        format=SourceFormat(row["format"]),
        url=row["url"],
        outlet=row["outlet"],
        fetched_at=_time(row["fetched_at"]),
        encoding=row["encoding"],
        meta=json.loads(row["meta"] or "{}"),
    )


def is_job_output(directory: Path) -> bool:
    return (directory / "_kabar.json").is_file() or (directory / "articles").is_dir()


def load(
    directory: str | Path,
    store: Store,
    *,
    batch: int = 1000,
    progress: Callable[[str, int], None] | None = None,
) -> LoadReport:
    """Load ``directory`` (a ``kabar spark ingest`` output) into ``store``."""
    directory = Path(directory)
    if not is_job_output(directory):
        raise FileNotFoundError(f"{directory} is not a kabar Spark output (no articles/)")
    report = LoadReport()
    for rows in _batches(directory, "raw", batch):
        fresh = store.put_raw([_raw(r) for r in rows])
        report.raw += len(fresh)
        report.raw_new += sum(fresh)
        if progress:
            progress("raw", len(rows))
    for rows in _batches(directory, "articles", batch):
        store.put_articles([Article.model_validate_json(r["article"]) for r in rows])
        report.articles += len(rows)
        if progress:
            progress("articles", len(rows))
    for rows in _batches(directory, "rejections", batch):
        store.put_rejections(
            Rejection(origin=r["origin"] or "?", reason=r["reason"], raw_id=r["raw_id"])
            for r in rows
        )
        report.rejections += len(rows)
        if progress:
            progress("rejections", len(rows))
    for rows in _batches(directory, "pairs", batch * 10):
        pairs = [(r["a"], r["b"]) for r in rows] + [(r["b"], r["a"]) for r in rows]
        store.add_postings(PAIRS_NAMESPACE, pairs)
        report.pairs += len(rows)
        if progress:
            progress("pairs", len(rows))
    store.optimize()  # planner statistics for what was just loaded
    return report
