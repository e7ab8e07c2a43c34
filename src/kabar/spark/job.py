"""Backfill job on Apache Spark: the same per-article stages over millions of pages.

Inputs are files (WARC, JSONL, text dumps, HTML, feeds) listed on the driver; each task
reads whole files with kabar's own readers (``kabar.ingest.read_file``: warcio per task for
WARC, the cc-pyspark pattern) and runs :func:`kabar.pipeline.runner.process_raw` with the
planned per-article stages, so a Spark article is byte-for-byte the article the local
pipeline makes. Corpus stages (pages, reuse, cluster, ...) need the store: they run after
``kabar load`` with ``kabar analyze --redo --stages ...``.

Near-duplicate candidates are found with Spark: each article's MinHash (the ``fingerprint``
stage's ``article.minhash`` when it ran, else a MinHash over word 3-shingles computed here with
the same code) is cut into LSH bands (``kabar.cluster.minhash.bands``), articles are grouped by
band key, and the pairs whose estimated Jaccard reaches ``threshold`` are kept.

Output (Parquet, under ``out``):

- ``raw/``: one row per distinct raw input (``seq`` = ingest order), content included, so
  ``kabar load`` keeps provenance;
- ``articles/``: one row per article: the whole ``Article`` as JSON plus query columns;
- ``rejections/``: inputs that could not become articles, with the reason;
- ``pairs/``: candidate near-duplicate pairs ``(a, b, jaccard)`` with ``a < b``;
- ``_kabar.json``: stages, counts and parameters of the run.

Run it with ``kabar spark ingest INPUT... --out DIR`` or on a cluster::

    spark-submit --master yarn src/kabar/spark/job.py --out s3a://bucket/kabar INPUT...

(the executors need kabar installed: ``pip install kabar`` on the nodes, or ``--py-files``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kabar.models import Article, RawDocument, Rejection

NUM_PERM = 128
DEFAULT_BANDS = (16, 8)  # the local LSH's article shape (kabar.cluster.minhash.ARTICLE_BANDS)
DEFAULT_THRESHOLD = 0.5
MAX_BUCKET = 200  # larger buckets (floods of one text) are paired star-wise, not all-pairs


class SparkUnavailable(RuntimeError):
    """pyspark or a Java runtime is missing."""


@dataclass
class JobReport:
    out: str
    inputs: int = 0
    raw: int = 0
    articles: int = 0
    rejected: int = 0
    pairs: int = 0
    stages: list[str] = field(default_factory=list)
    skipped_stages: list[str] = field(default_factory=list)
    seconds: float = 0.0


# --- per-partition work (runs in the executors' Python workers) ---------------------------

_PLANS: dict[tuple[str, ...], Any] = {}


def article_stage_names(names: Iterable[str] | None = None) -> tuple[list[str], list[str]]:
    """The per-article stages of a selection (all registered ones by default), and the corpus
    stages that were asked for but cannot run without a store."""
    from kabar.pipeline.registry import plan

    planned = plan(list(names) if names is not None else None)
    return (
        [s.name for s in planned if s.scope == "article"],
        [s.name for s in planned if s.scope == "corpus"],
    )


def _plan(names: tuple[str, ...]) -> Any:
    """Stages, context and external needs, planned once per Python worker."""
    if names not in _PLANS:
        from kabar.pipeline.registry import StageContext, external_requirements, plan

        planned = plan(list(names))
        _PLANS[names] = (planned, StageContext(store=None), external_requirements(planned))
    return _PLANS[names]


def signature_for(article: Article) -> tuple[list[int], str]:
    """The MinHash used for LSH: the fingerprint stage's, else one computed the same way."""
    if article.minhash:
        return list(article.minhash), "fingerprint"
    try:
        from kabar.cluster.minhash import article_signature

        return article_signature(article), "spark"
    except ImportError:  # no story module: datasketch over word 3-shingles
        from datasketch import MinHash

        words = article.body.casefold().split()
        grams = {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}
        mh = MinHash(num_perm=NUM_PERM, seed=7)
        mh.update_batch([g.encode() for g in grams if g])
        return [int(x) for x in mh.hashvalues], "spark"


def band_keys(sig: list[int], shape: tuple[int, int]) -> list[str]:
    try:
        from kabar.cluster.minhash import bands

        return bands(sig, *shape)
    except ImportError:
        import hashlib

        n, r = shape
        return [
            f"{i}:{hashlib.blake2b(str(sig[i * r : (i + 1) * r]).encode(), digest_size=8).hexdigest()}"
            for i in range(n)
            if len(sig) >= n * r
        ]


def _utc(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


ROW_FIELDS = (
    "seq",
    "raw_id",
    "origin",
    "format",
    "url",
    "outlet",
    "fetched_at",
    "encoding",
    "meta",
    "content",
    "article_id",
    "article",
    "title",
    "published",
    "language",
    "fingerprint",
    "minhash",
    "minhash_source",
    "bands",
    "rejection",
)


def _row(
    seq: int,
    raw: RawDocument | None,
    result: Article | Rejection,
    shape: tuple[int, int],
) -> tuple[Any, ...]:
    raw_cols: tuple[Any, ...] = (None,) * 9
    if raw is not None:
        raw_cols = (
            raw.id,
            raw.origin,
            str(raw.format),
            raw.url,
            raw.outlet,
            _utc(raw.fetched_at),
            raw.encoding,
            json.dumps(raw.meta, ensure_ascii=False),
            raw.content,
        )
    if isinstance(result, Rejection):
        if raw is None:
            raw_cols = (result.raw_id, result.origin, *(None,) * 7)
        return (seq, *raw_cols, *(None,) * 9, result.reason)
    sig, source = signature_for(result)
    return (
        seq,
        *raw_cols,
        result.id,
        result.model_dump_json(),
        result.title,
        _utc(result.published.value) if result.published else None,
        result.language,
        result.fingerprint,
        sig,
        source,
        band_keys(sig, shape),
        None,
    )


def process_files(
    files: Iterable[tuple[int, str]], names: tuple[str, ...], shape: tuple[int, int]
) -> Iterator[tuple[Any, ...]]:
    """Read each file and run the per-article stages over each page: one row per input."""
    from kabar.ingest import read_file
    from kabar.pipeline.runner import process_raw

    stages, ctx, external = _plan(names)
    for file_index, path in files:
        for position, item in enumerate(read_file(Path(path))):
            seq = (file_index << 24) + position  # ingest order: file, then place in file
            if isinstance(item, Rejection):
                yield _row(seq, None, item, shape)
                continue
            try:
                result = process_raw(item, stages, ctx, external)
            except Exception as exc:  # a page must never fail the task
                result = Rejection(
                    origin=item.origin,
                    reason=f"internal error: {type(exc).__name__}: {exc}",
                    raw_id=item.id,
                )
            yield _row(seq, item, result, shape)


# --- driver ---------------------------------------------------------------------------------


def require_spark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise SparkUnavailable(
            "pyspark is not installed: pip install 'kabar[spark]' (pyspark, pyarrow)"
        ) from exc
    import shutil

    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise SparkUnavailable("Spark needs a Java runtime (17 or newer): java not found")


def spark_session(master: str | None = "local[2]", app: str = "kabar") -> Any:
    """A SparkSession whose Python workers use this interpreter (and so this kabar)."""
    require_spark()
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    if master and master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = SparkSession.builder.appName(app)
    if master:
        builder = builder.master(master)
    for key, value in {
        "spark.ui.enabled": "false",
        "spark.sql.shuffle.partitions": os.environ.get("KABAR_SPARK_SHUFFLE_PARTITIONS", "8"),
        "spark.driver.memory": os.environ.get("KABAR_SPARK_DRIVER_MEMORY", "2g"),
        "spark.python.worker.reuse": "true",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
    }.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(os.environ.get("KABAR_SPARK_LOG_LEVEL", "ERROR"))
    return spark


def _schema() -> Any:
    from pyspark.sql import types as T

    string = T.StringType()
    return T.StructType(
        [
            T.StructField("seq", T.LongType(), False),
            *(
                T.StructField(name, string, True)
                for name in ROW_FIELDS[1:9]  # raw_id .. meta
            ),
            T.StructField("content", T.BinaryType(), True),
            T.StructField("article_id", string, True),
            T.StructField("article", string, True),
            T.StructField("title", string, True),
            T.StructField("published", string, True),
            T.StructField("language", string, True),
            T.StructField("fingerprint", string, True),
            T.StructField("minhash", T.ArrayType(T.LongType()), True),
            T.StructField("minhash_source", string, True),
            T.StructField("bands", T.ArrayType(string), True),
            T.StructField("rejection", string, True),
        ]
    )


def _bucket_pairs(ids: list[str]) -> Iterator[tuple[str, str]]:
    ids = sorted(ids)
    if len(ids) > MAX_BUCKET:  # one text copied thousands of times: link each to the first
        yield from ((ids[0], other) for other in ids[1:])
        return
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            yield a, b


def run_job(
    inputs: Iterable[str | Path],
    out: str | Path,
    *,
    spark: Any = None,
    master: str | None = "local[2]",
    stages: Iterable[str] | None = None,
    partitions: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    shape: tuple[int, int] = DEFAULT_BANDS,
) -> JobReport:
    """Read ``inputs``, run the per-article stages, find candidate pairs, write Parquet."""
    import time

    from kabar.ingest import iter_files

    t0 = time.perf_counter()
    article_names, skipped = article_stage_names(stages)
    names = tuple(article_names)
    files: list[str] = []
    listing_rejections: list[Rejection] = []
    for item in iter_files(inputs):
        if isinstance(item, Rejection):
            listing_rejections.append(item)
        else:
            files.append(str(Path(item).resolve()))
    own_session = spark is None
    spark = spark or spark_session(master)
    try:
        report = _run(
            spark, files, listing_rejections, str(out), names, partitions, threshold, shape
        )
    finally:
        if own_session:
            spark.stop()
    report.stages = list(names)
    report.skipped_stages = skipped
    report.seconds = round(time.perf_counter() - t0, 2)
    manifest = {
        "kabar_spark": 1,
        "stages": report.stages,
        "skipped_corpus_stages": skipped,
        "inputs": report.inputs,
        "raw": report.raw,
        "articles": report.articles,
        "rejected": report.rejected,
        "pairs": report.pairs,
        "threshold": threshold,
        "bands": list(shape),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    out_path = str(out)
    if "://" not in out_path:
        Path(out_path, "_kabar.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return report


def _run(
    spark: Any,
    files: list[str],
    listing_rejections: list[Rejection],
    out: str,
    names: tuple[str, ...],
    partitions: int | None,
    threshold: float,
    shape: tuple[int, int],
) -> JobReport:
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    sc = spark.sparkContext
    slices = partitions or max(1, min(len(files), sc.defaultParallelism * 4))
    indexed = list(enumerate(files))
    rows = sc.parallelize(indexed, numSlices=max(1, slices)).mapPartitions(
        lambda part: process_files(part, names, shape)
    )
    extra = [_row((len(files) << 24) + i, None, r, shape) for i, r in enumerate(listing_rejections)]
    if extra:
        rows = rows.union(sc.parallelize(extra, 1))
    docs = spark.createDataFrame(rows, _schema()).persist(StorageLevel.MEMORY_AND_DISK)
    report = JobReport(out=out)
    report.inputs = docs.count()

    # One row per distinct raw input: the first in ingest order, as INSERT OR IGNORE keeps.
    first = Window.partitionBy("raw_id").orderBy("seq")
    with_raw = docs.filter(F.col("raw_id").isNotNull() & F.col("content").isNotNull())
    uniq = (
        with_raw.withColumn("_n", F.row_number().over(first)).filter("_n = 1").drop("_n")
    ).persist(StorageLevel.MEMORY_AND_DISK)
    raw_cols = ["seq", "raw_id", "origin", "format", "url", "outlet", "fetched_at"]
    raw_cols += ["encoding", "meta", "content"]
    uniq.select(*raw_cols).orderBy("seq").write.mode("overwrite").parquet(f"{out}/raw")
    report.raw = uniq.count()

    # Two inputs with one URL are one article: the later one wins, as in the local runner.
    latest = Window.partitionBy("article_id").orderBy(F.col("seq").desc())
    articles = (
        uniq.filter(F.col("article").isNotNull())
        .withColumn("_n", F.row_number().over(latest))
        .filter("_n = 1")
        .drop("_n")
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    article_cols = ["seq", "article_id", "raw_id", "origin", "url", "outlet", "title"]
    article_cols += ["published", "language", "fingerprint", "minhash", "minhash_source"]
    article_cols += ["article"]
    articles.select(*article_cols).orderBy("seq").write.mode("overwrite").parquet(f"{out}/articles")
    report.articles = articles.count()

    rejections = docs.filter(F.col("rejection").isNotNull()).select(
        "seq", "raw_id", "origin", F.col("rejection").alias("reason")
    )
    rejections = rejections.dropDuplicates(["raw_id", "origin", "reason"])
    rejections.orderBy("seq").write.mode("overwrite").parquet(f"{out}/rejections")
    report.rejected = rejections.count()

    # MinHash LSH: group by band key, pair the members, keep pairs above the threshold.
    members = articles.select("article_id", F.explode("bands").alias("band"))
    buckets = (
        members.groupBy("band")
        .agg(F.collect_set("article_id").alias("ids"))
        .filter(F.size("ids") > 1)
    )
    candidates = buckets.rdd.flatMap(lambda row: _bucket_pairs(list(row["ids"]))).distinct()
    pair_df = spark.createDataFrame(candidates, "a string, b string")
    sigs = articles.select("article_id", "minhash")
    scored = (
        pair_df.join(
            sigs.withColumnRenamed("article_id", "a").withColumnRenamed("minhash", "sa"), "a"
        )
        .join(sigs.withColumnRenamed("article_id", "b").withColumnRenamed("minhash", "sb"), "b")
        .withColumn(
            "jaccard",
            F.expr(
                "aggregate(zip_with(sa, sb, (x, y) -> CAST(x = y AS INT)), 0, (acc, v) -> acc + v)"
                " / size(sa)"
            ),
        )
        .filter(F.col("jaccard") >= threshold)
        .select("a", "b", "jaccard")
    )
    scored.orderBy("a", "b").write.mode("overwrite").parquet(f"{out}/pairs")
    report.pairs = spark.read.parquet(f"{out}/pairs").count()
    for frame in (articles, uniq, docs):
        frame.unpersist()
    return report


def main(argv: list[str] | None = None) -> int:
    """``spark-submit src/kabar/spark/job.py --out DIR INPUT...`` (master from spark-submit)."""
    parser = argparse.ArgumentParser(prog="kabar-spark-job", description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--out", required=True)
    parser.add_argument("--master", default=None, help="default: what spark-submit set")
    parser.add_argument("--stages", default=None, help="comma-separated per-article stages")
    parser.add_argument("--partitions", type=int, default=None)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args(argv)
    report = run_job(
        args.inputs,
        args.out,
        master=args.master,
        stages=args.stages.split(",") if args.stages else None,
        partitions=args.partitions,
        threshold=args.threshold,
    )
    print(json.dumps(vars(report), indent=2))
    return 3 if report.rejected else 0


if __name__ == "__main__":
    sys.exit(main())
