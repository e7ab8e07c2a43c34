"""``kabar spark ingest`` (a Spark backfill to Parquet) and ``kabar load`` (Parquet into a store)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kabar.cli import (
    EXIT_OK,
    EXIT_PARTIAL,
    KabarError,
    err_console,
    print_json,
    progress_bar,
    with_store,
)
from kabar.store.base import Store


@click.group()
def spark() -> None:
    """Batch jobs on Apache Spark (needs the [spark] extra and Java 17+)."""


@spark.command("ingest")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", required=True, help="Output directory for the Parquet tables.")
@click.option("--master", default="local[2]", show_default=True, help="Spark master URL.")
@click.option("--stages", default=None, help="Per-article stages (default: all of them).")
@click.option("--partitions", type=int, default=None, help="Tasks (default: 4 per core).")
@click.option(
    "--threshold", type=float, default=0.5, show_default=True, help="Min. estimated Jaccard."
)
@click.option("--json", "as_json", is_flag=True, help="Print the job report as JSON.")
def spark_ingest(
    inputs: tuple[str, ...],
    out: str,
    master: str,
    stages: str | None,
    partitions: int | None,
    threshold: float,
    as_json: bool,
) -> None:
    """Read INPUT files (WARC, JSONL, text dumps, HTML), run the per-article stages on Spark,
    find near-duplicate candidate pairs, and write Parquet to --out for `kabar load`."""
    from kabar.pipeline.registry import StageError
    from kabar.spark.job import SparkUnavailable, run_job

    try:
        report = run_job(
            inputs,
            out,
            master=master,
            stages=stages.split(",") if stages else None,
            partitions=partitions,
            threshold=threshold,
        )
    except StageError as exc:
        raise click.UsageError(str(exc)) from exc
    except SparkUnavailable as exc:
        raise KabarError(str(exc)) from exc
    if as_json:
        print_json(vars(report))
    else:
        err_console.print(
            f"{report.inputs} input(s) → {report.raw} raw, {report.articles} article(s),"
            f" {report.rejected} rejected, {report.pairs} candidate pair(s)"
            f" in {report.seconds:.1f} s → {out}"
        )
        if report.skipped_stages:
            err_console.print(
                "corpus stages run after loading: kabar load "
                f"{out} && kabar analyze --redo --stages {','.join(report.skipped_stages)}"
            )
    sys.exit(EXIT_PARTIAL if report.rejected else EXIT_OK)


@click.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--batch", default=1000, show_default=True, help="Rows per transaction.")
@click.option("--json", "as_json", is_flag=True, help="Print the load report as JSON.")
@with_store
def load(directory: Path, batch: int, as_json: bool, store: Store) -> None:
    """Bulk-load a `kabar spark ingest` output (Parquet) into the store, raw inputs included.

    Then run the corpus stages over what was loaded, e.g.
    `kabar analyze --redo --stages pages,reuse,cluster,storylines,summarise`.
    """
    from kabar.spark.load import load as run_load

    try:
        import pyarrow  # noqa: F401
    except ImportError as exc:
        raise KabarError("pyarrow is not installed: pip install 'kabar[spark]'") from exc
    with progress_bar() as bar:
        tasks: dict[str, object] = {}

        def advance(table: str, n: int) -> None:
            if table not in tasks:
                tasks[table] = bar.add_task(table, total=None)
            bar.advance(tasks[table], n)  # type: ignore[arg-type]

        try:
            report = run_load(directory, store, batch=batch, progress=advance)
        except FileNotFoundError as exc:
            raise KabarError(str(exc)) from exc
    if as_json:
        print_json(vars(report))
    else:
        err_console.print(
            f"loaded {report.raw} raw input(s) ({report.raw_new} new), {report.articles}"
            f" article(s), {report.rejections} rejection(s), {report.pairs} candidate pair(s)"
        )
    sys.exit(EXIT_OK)


COMMANDS: list[click.Command] = [spark, load]
