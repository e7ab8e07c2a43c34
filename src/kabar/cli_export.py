"""``kabar export``: articles (with origins) as JSONL, CSV or Parquet, streaming."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from kabar.cli import KabarError, with_store
from kabar.models import Article
from kabar.store.base import Store

#: Flat columns for CSV/Parquet; JSONL carries the whole record.
COLUMNS = [
    "id",
    "origin",
    "url",
    "outlet",
    "title",
    "published",
    "published_original",
    "language",
    "authors",
    "editor",
    "dateline",
    "credits",
    "section",
    "story_id",
    "entities",
    "quotes",
    "body",
]


def flat(a: Article) -> dict[str, Any]:
    return {
        "id": a.id,
        "origin": a.origin,
        "url": a.url,
        "outlet": a.outlet,
        "title": a.title,
        "published": a.published.value.isoformat() if a.published else None,
        "published_original": a.published.original if a.published else None,
        "language": a.language,
        "authors": "; ".join(a.authors),
        "editor": "; ".join(a.editor),
        "dateline": a.dateline,
        "credits": "; ".join(f"{c.kind}:{c.name}" for c in a.credits),
        "section": a.section,
        "story_id": a.story_id,
        "entities": "; ".join(e.name for e in a.entities),
        "quotes": len(a.quotes),
        "body": a.body,
    }


def live_articles(store: Store) -> Iterator[Article]:
    return (a for a in store.iter_articles() if a.merged_into is None)


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "parquet"]),
    default="jsonl",
    show_default=True,
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (default: stdout; required for parquet).",
)
@with_store
def export(fmt: str, output: Path | None, store: Store) -> None:
    """Export every article: JSONL (whole records), CSV or Parquet (flat columns)."""
    if fmt == "parquet":
        if output is None:
            raise click.UsageError("--output is required for parquet")
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as exc:
            raise KabarError("parquet needs pyarrow: pip install 'kabar[spark]'") from exc
        schema = pa.schema([(c, pa.int64() if c == "quotes" else pa.string()) for c in COLUMNS])
        with pq.ParquetWriter(str(output), schema) as writer:
            rows: list[dict[str, Any]] = []
            for article in live_articles(store):
                rows.append(flat(article))
                if len(rows) >= 1000:
                    writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                    rows.clear()
            if rows:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
        return
    handle = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if fmt == "jsonl":
            for article in live_articles(store):
                handle.write(article.model_dump_json() + "\n")
        else:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            for article in live_articles(store):
                writer.writerow(flat(article))
    finally:
        if output:
            handle.close()


def read_jsonl_export(path: Path) -> Iterator[Article]:
    """Read back what ``kabar export --format jsonl`` wrote."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield Article.model_validate(json.loads(line))


COMMANDS = [export]
