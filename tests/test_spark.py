"""The Spark job in local mode gives the same articles as the local pipeline, finds the
near-duplicate pair, and its Parquet loads into a store that the corpus stages continue."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'kabar[spark]')")
pytest.importorskip("pyarrow", reason="pyarrow is not installed (pip install 'kabar[spark]')")
if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime (java not on PATH)", allow_module_level=True)

from kabar.ingest import read_sources
from kabar.models import Article, RawDocument, Rejection
from kabar.pipeline.registry import StageContext, external_requirements, plan
from kabar.pipeline.runner import analyze, process_raw
from kabar.spark.job import article_stage_names, run_job, spark_session
from kabar.spark.load import PAIRS_NAMESPACE, load
from kabar.store.base import Store

BODY = [
    "Pemerintah kabupaten meresmikan pasar ikan baru di tepi pelabuhan pada Senin pagi.",
    "Bupati mengatakan pasar itu dibangun dengan dana daerah selama delapan belas bulan.",
    '"Nelayan tidak perlu lagi menjual hasil tangkapan di pinggir jalan," kata Bupati.',
    "Pasar baru memiliki dua ratus lapak, ruang pendingin dan tempat parkir truk.",
    "Para pedagang berharap pembeli dari kota tetangga akan datang setiap akhir pekan.",
]


def page(title: str, outlet_line: str, body: list[str]) -> str:
    return "\n".join(
        ["Beranda", "Daerah", "Ekonomi", "", title, "", outlet_line, "", *body, "", "Bagikan:"]
    )


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> list[Path]:
    own = tmp_path_factory.mktemp("spark_inputs").resolve()
    (own / "pasar.txt").write_text(
        page("Pasar ikan baru diresmikan", "Senin, 8 Januari 2024 09:15 WIB", BODY)
    )
    # A syndicated copy: same text, another outlet's frame, one line edited.
    copy = [*BODY[:4], "Pedagang berharap pembeli dari kota tetangga datang tiap akhir pekan."]
    (own / "pasar_salinan.txt").write_text(
        page("Pasar ikan baru diresmikan bupati", "8 Januari 2024 10:02", copy)
    )
    rows = [
        {
            "url": "https://contoh.example/a",
            "outlet": "Contoh",
            "text": page(
                "Jalan desa diperbaiki",
                "Selasa, 9 Januari 2024 14:00 WIB",
                [
                    "Dinas pekerjaan umum memperbaiki jalan desa sepanjang tiga kilometer.",
                    "Perbaikan ditargetkan selesai sebelum musim hujan mencapai puncaknya.",
                ],
            ),
        },
        {"url": "https://contoh.example/b", "text": 404},
    ]
    jsonl = own / "pages.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in rows) + "\n{not json\n")
    (own / "junk.bin").write_bytes(bytes(range(256)) * 8)
    return [seeds_dir.resolve(), own]


@pytest.fixture(scope="module")
def job(inputs: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("spark_out")
    session = spark_session("local[2]")
    try:
        run_job(inputs, out, spark=session, partitions=3)
    finally:
        session.stop()
    yield out


def parquet_rows(out: Path, table: str) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    rows: list[dict[str, Any]] = []
    for part in sorted((out / table).glob("*.parquet")):
        rows += pq.read_table(part).to_pylist()
    return rows


def local_results(inputs: list[Path]) -> tuple[dict[str, Article], set[tuple[str, str]]]:
    names, _ = article_stage_names(None)
    planned = plan(names)
    ctx = StageContext(store=None)
    external = external_requirements(planned)
    articles: dict[str, Article] = {}
    rejected: set[tuple[str, str]] = set()
    seen: set[str] = set()
    for item in read_sources(inputs):
        if isinstance(item, Rejection):
            rejected.add((item.origin, item.reason))
            continue
        assert isinstance(item, RawDocument)
        if item.id in seen:
            continue
        seen.add(item.id)
        result = process_raw(item, planned, ctx, external)
        if isinstance(result, Rejection):
            rejected.add((result.origin, result.reason))
        else:
            articles[result.id] = result  # the later input with one URL wins
    return articles, rejected


def test_spark_articles_equal_the_local_pipeline(job: Path, inputs: list[Path]) -> None:
    local, local_rejected = local_results(inputs)
    rows = parquet_rows(job, "articles")
    spark = {r["article_id"]: Article.model_validate_json(r["article"]) for r in rows}
    assert len(local) >= 8
    assert set(spark) == set(local)
    for article_id, article in local.items():
        assert spark[article_id].model_dump() == article.model_dump(), article.origin
    for r in rows:  # the query columns agree with the JSON
        a = spark[r["article_id"]]
        assert (r["raw_id"], r["title"], r["language"]) == (a.raw_id, a.title, a.language)
    spark_rejected = {(r["origin"], r["reason"]) for r in parquet_rows(job, "rejections")}
    assert spark_rejected == local_rejected
    assert len(spark_rejected) == 3  # the binary file, the number 404, the broken JSON line
    manifest = json.loads((job / "_kabar.json").read_text())
    assert manifest["articles"] == len(local)
    assert manifest["stages"] == article_stage_names(None)[0]


def test_spark_finds_the_syndicated_copy(job: Path) -> None:
    by_id = {r["article_id"]: r["origin"] for r in parquet_rows(job, "articles")}
    pairs = {
        frozenset({Path(by_id[p["a"]]).name, Path(by_id[p["b"]]).name})
        for p in parquet_rows(job, "pairs")
    }
    assert frozenset({"pasar.txt", "pasar_salinan.txt"}) in pairs
    for p in parquet_rows(job, "pairs"):
        assert p["a"] < p["b"] and 0.5 <= p["jaccard"] <= 1.0


def test_load_keeps_provenance_and_clustering_continues(
    job: Path, inputs: list[Path], tmp_store: Store
) -> None:
    report = load(job, tmp_store, batch=3)
    local, local_rejected = local_results(inputs)
    assert report.articles == len(local) == tmp_store.count_articles()
    assert report.rejections == len(local_rejected)
    for article in tmp_store.iter_articles():
        assert article.model_dump(exclude={"story_id"}) == local[article.id].model_dump(
            exclude={"story_id"}
        )
        raw = tmp_store.get_raw(article.raw_id)  # provenance: the raw bytes came along
        assert raw is not None and RawDocument.hash(raw.content) == article.raw_id
    assert list(tmp_store.iter_raw(unprocessed=True)) == []  # nothing for analyze to redo
    assert load(job, tmp_store).raw_new == 0  # loading again is harmless
    assert tmp_store.get_postings(PAIRS_NAMESPACE, list(local))
    _, corpus_stages = article_stage_names(None)
    if "cluster" in corpus_stages:
        continued = analyze(tmp_store, corpus_stages, redo=True)
        assert continued.articles == len(local)
        assert tmp_store.stats().stories > 0
