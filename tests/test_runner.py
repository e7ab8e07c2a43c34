"""The batch runner: streaming with bounded look-ahead, one write per batch, resumable runs,
and a worker pool that gives the same records as one process."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kabar.cluster import represent
from kabar.ingest import read_sources
from kabar.models import Article, RawDocument, Rejection, SourceFormat
from kabar.pipeline.decode import decode
from kabar.pipeline.pages import merge_pages
from kabar.pipeline.registry import StageContext, plan, prepare_stages
from kabar.pipeline.runner import MAX_REPORTED, Pipeline, RunReport, analyze, run_article_stages
from kabar.store.base import Store, open_store

# Per-article stages only where the test is about the runner's plumbing: fast, and free of
# the corpus stages' store state.
CHEAP = ["clean", "metadata"]


def page(i: int) -> RawDocument:
    text = (
        f"Beranda\nNasional\n\nJudul berita nomor {i} tentang jembatan baru\n\n"
        f"Senin, {1 + i % 28} Januari 2024 10:{i % 60:02d} WIB\n\n"
        f"Warga desa ke-{i} menyambut jembatan yang dibangun selama dua tahun terakhir ini.\n\n"
        f"Kepala desa mengatakan jembatan nomor {i} memotong waktu tempuh ke pasar kecamatan.\n"
    ).encode()
    return RawDocument(
        id=RawDocument.hash(text),
        content=text,
        origin=f"test#{i}",
        format=SourceFormat.TEXT,
        url=f"https://contoh.example/berita/{i}",
    )


def junk(i: int) -> RawDocument:
    content = bytes(range(256)) * 4 + bytes([i])
    return RawDocument(id=RawDocument.hash(content), content=content, origin=f"junk#{i}")


def new_store(tmp_path: Path, name: str) -> Store:
    store = open_store(f"sqlite:///{tmp_path / name}")
    store.migrate()
    return store


def comparable(article: Article) -> dict[str, Any]:
    """The record minus what may legitimately differ between two runs."""
    return article.model_dump(exclude={"story_id"})


def stored(store: Store) -> dict[str, dict[str, Any]]:
    return {a.id: comparable(a) for a in store.iter_articles()}


def test_input_is_pulled_lazily_and_written_once_per_batch(
    tmp_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    consumed = 0
    writes: list[tuple[int, int]] = []  # (articles in the write, inputs consumed by then)

    def source() -> Iterator[RawDocument]:
        nonlocal consumed
        for i in range(95):
            consumed += 1
            yield page(i)

    original = tmp_store.put_articles

    def spy(articles: Any) -> None:
        items = list(articles)
        writes.append((len(items), consumed))
        original(items)

    monkeypatch.setattr(tmp_store, "put_articles", spy)
    with Pipeline(tmp_store, CHEAP, batch_size=20) as pipe:
        report = pipe.run_raw(source())
    assert report.articles == 95
    assert [n for n, _ in writes] == [20, 20, 20, 20, 15]
    # At most one batch beyond the one being written has been read: memory is bounded by the
    # batch size, not by the corpus.
    for k, (_, seen) in enumerate(writes):
        assert seen <= (k + 2) * 20
    assert tmp_store.count_articles() == 95


def test_rejections_are_stored_per_batch_and_counted(tmp_store: Store) -> None:
    items = [page(i) if i % 5 else junk(i) for i in range(30)]
    tmp_store.put_raw(items)
    report = analyze(tmp_store, CHEAP, batch_size=7)
    assert report.rejected_count == 6
    assert len(report.rejected) == 6 and report.partial
    assert all(r.raw_id for r in report.rejected)
    stored_rejections = tmp_store.list_rejections(100)
    assert sorted(r.raw_id or "" for r in stored_rejections) == sorted(
        r.raw_id or "" for r in report.rejected
    )
    assert report.articles == 24


def test_report_keeps_counts_past_its_display_limit() -> None:
    report = RunReport()
    report.reject(Rejection(origin=str(i), reason="x") for i in range(MAX_REPORTED + 5))
    assert report.rejected_count == MAX_REPORTED + 5
    assert len(report.rejected) == MAX_REPORTED
    total = RunReport()
    total.add(report)
    assert total.rejected_count == MAX_REPORTED + 5 and len(total.rejected) == MAX_REPORTED


def test_interrupted_run_resumes_without_redoing_finished_work(tmp_path: Path) -> None:
    raws = [page(i) for i in range(60)]
    store = new_store(tmp_path, "interrupted.db")
    store.put_raw(raws)

    def interrupted() -> Iterator[RawDocument]:
        for i, raw in enumerate(store.iter_raw(unprocessed=True)):
            if i == 45:
                raise KeyboardInterrupt  # Ctrl-C while reading the fourth batch
            yield raw

    with pytest.raises(KeyboardInterrupt), Pipeline(store, CHEAP, batch_size=10) as pipe:
        pipe.run_raw(interrupted())
    done_first = store.count_articles()
    # Finished batches are committed; the batch in flight and the one being read are not.
    assert 20 <= done_first < 45
    first_ids = {a.id: a.model_dump() for a in store.iter_articles()}

    report = analyze(store, CHEAP, batch_size=10)
    assert report.articles == 60 - done_first  # only what was missing
    assert store.count_articles() == 60
    for a in store.get_articles(first_ids):  # untouched by the second run
        assert a.model_dump() == first_ids[a.id]
    assert analyze(store, CHEAP).articles == 0  # nothing left to do

    straight = new_store(tmp_path, "straight.db")
    straight.put_raw(raws)
    analyze(straight, CHEAP, batch_size=10)
    assert stored(straight) == stored(store)
    store.close()
    straight.close()


def test_workers_give_the_same_records_as_one_process(tmp_path: Path, demo_dir: Path) -> None:
    raws = [r for r in read_sources([demo_dir]) if isinstance(r, RawDocument)]
    assert len(raws) > 20
    results = {}
    for workers in (1, 2):
        store = new_store(tmp_path, f"w{workers}.db")
        store.put_raw(raws)
        report = analyze(store, None, workers=workers, batch_size=16)
        results[workers] = (report.articles, report.rejected_count, stored(store))
        store.close()
    assert results[1][0] == results[2][0] > 0
    assert results[1][1] == results[2][1]
    assert results[1][2] == results[2][2]


def test_timings_cover_decode_every_stage_and_the_store(tmp_store: Store) -> None:
    timings: dict[str, float] = {}
    with Pipeline(tmp_store, CHEAP, batch_size=8, timings=timings, workers=2) as pipe:
        assert pipe.workers == 1  # timing needs one process
        pipe.run_raw(page(i) for i in range(20))
    assert set(timings) == {"decode", *CHEAP, "store"}
    assert all(t > 0 for t in timings.values())


def test_interrupted_ingest_resumes_and_skips_what_is_stored(
    tmp_path: Path, demo_dir: Path
) -> None:
    from click.testing import CliRunner

    from kabar.cli import cli

    url = f"sqlite:///{tmp_path / 'ingest.db'}"
    raws = [r for r in read_sources([demo_dir]) if isinstance(r, RawDocument)]
    store = open_store(url)
    store.migrate()
    store.put_raw(raws[:20])  # what an ingest stopped after its first batch had committed
    store.close()
    result = CliRunner().invoke(cli, ["ingest", str(demo_dir), "--db", url])
    assert result.exit_code in (0, 3), result.output
    store = open_store(url)
    assert store.stats().raw == len(raws)
    assert len(list(store.iter_raw(unprocessed=True))) == len(raws)
    report = analyze(store, CHEAP, batch_size=16)
    assert report.articles + report.rejected_count == len(raws)
    assert list(store.iter_raw(unprocessed=True)) == []  # a rerun has nothing left to scan
    store.close()


def test_learnt_outlet_templates_reach_clean_in_the_workers_too(tmp_path: Path) -> None:
    """``templates`` (a corpus stage) learns an outlet's recurring lines; ``clean`` applies
    them to later batches, in worker processes as in one process, with the same result."""
    line = "Simak berita pilihan redaksi setiap pagi lewat kanal kami di aplikasi pesan"

    def with_footer(i: int) -> RawDocument:
        content = page(i).content + f"\n{line}\n".encode()
        return RawDocument(
            id=RawDocument.hash(content),
            content=content,
            origin=f"footer#{i}",
            format=SourceFormat.TEXT,
            url=f"https://contoh.example/berita/{i}",
        )

    reasons: dict[int, list[str | None]] = {}
    for workers in (1, 2):
        store = new_store(tmp_path, f"w{workers}.db")
        with Pipeline(store, [*CHEAP, "templates"], workers=workers, batch_size=4) as pipe:
            pipe.run_raw(with_footer(i) for i in range(24))
        articles = sorted(store.iter_articles(), key=lambda a: int(a.origin.split("#")[1]))
        reasons[workers] = [
            next((ln.reason for ln in a.lines if ln.text == line), None) for a in articles
        ]
        store.close()
    assert reasons[1] == reasons[2]
    # Learnt from the first batches (five pages at least), applied to the later ones.
    assert reasons[1][0] != "template"
    assert reasons[1][-1] == "template"


def test_an_article_that_overruns_its_time_budget_keeps_what_finished(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kabar.pipeline.registry import Stage, StageContext
    from kabar.pipeline.runner import run_article_stages

    def tag(name: str) -> Stage:
        def fn(article: Article, ctx: StageContext) -> Article:
            article.hints[name] = "done"
            return article

        return Stage(name, fn, (), ())

    def endless(article: Article, ctx: StageContext) -> Article:
        while True:  # a slow path nobody foresaw
            pass

    def swallowing(article: Article, ctx: StageContext) -> Article:
        try:
            while True:
                pass
        except Exception:  # a careless stage must not let the article run on
            return article

    monkeypatch.setenv("KABAR_ITEM_SECONDS", "0.3")
    for slow in (endless, swallowing):
        article = Article(id="a", raw_id="r", origin="o")
        stages = [tag("first"), Stage("slow", slow, (), ()), tag("after")]
        article = run_article_stages(article, stages, StageContext(), {})
        assert article.hints.get("first") == "done" and "after" not in article.hints
        assert any(
            w.startswith("stage slow stopped: took longer than 0.3 s") and "skipped after" in w
            for w in article.warnings
        ), article.warnings
        assert article.stages == ["first"]


def test_time_budget_leaves_an_outer_timer_running(monkeypatch: pytest.MonkeyPatch) -> None:
    import signal

    from kabar.pipeline.deadline import deadline

    signal.setitimer(signal.ITIMER_REAL, 0)  # this test measures the timer itself
    previous = signal.signal(signal.SIGALRM, lambda *_: None)
    try:
        signal.setitimer(signal.ITIMER_REAL, 50.0)
        with deadline(5.0):
            assert 4.0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 5.0
        assert 45.0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 50.0  # restored
        with deadline(100.0):  # the outer one comes first: left alone
            assert 45.0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 50.0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_corpus_stage_work_prepared_in_workers_changes_no_story(
    tmp_path: Path, demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Features and one-article summaries computed ahead in the workers (``Stage.prepare``)
    give the stories a run without that preparation gives."""
    from kabar.pipeline import runner

    raws = [r for r in read_sources([demo_dir]) if isinstance(r, RawDocument)]

    def stories(name: str, workers: int) -> dict[str, Any]:
        store = new_store(tmp_path, name)
        store.put_raw(raws)
        analyze(store, None, workers=workers, batch_size=16)
        out = {
            s.id: (s.title, s.summary, sorted(s.article_ids), s.storyline_id, s.entities)
            for s in store.list_stories(limit=1000)
        }
        store.close()
        return out

    pooled = stories("pool.db", 2)
    here = stories("here.db", 1)
    monkeypatch.setattr(runner, "prepare_stages", lambda planned: [])
    unprepared = stories("plain.db", 1)
    assert len(pooled) > 5
    assert pooled == here == unprepared


def test_prepared_values_travel_with_the_article_and_a_merge_drops_them() -> None:
    planned = plan(["clean", "metadata", "fingerprint", "cluster"])
    ahead = prepare_stages(planned)
    assert [s.name for s in ahead] == ["cluster:prepare"]

    article = decode(page(1))
    article = run_article_stages(article, [*planned[:3], *ahead], StageContext(), {})
    assert "cluster:prepare" not in article.stages  # not a stage the article has been through

    def never(_: Article) -> Any:
        raise AssertionError("computed again")

    back = pickle.loads(pickle.dumps(article))  # how a worker hands it back
    assert back.prepared("cluster", never) == represent.extract(article)
    merge_pages(back, [decode(page(2))])
    assert back.prepared("cluster", lambda a: "recomputed") == "recomputed"
