"""Run planned stages over raw inputs or stored articles, in batches, writing as it goes.

Per-article stages run in the calling process or a worker pool (``workers > 1``); corpus
stages run once per batch in the calling process with the store. Each batch is written in
one transaction, so an interrupted run loses at most the batch in flight and a rerun picks up
the raw inputs that have no article yet.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from kabar.models import Article, RawDocument, Rejection
from kabar.pipeline.decode import DecodeError, decode
from kabar.pipeline.registry import (
    Stage,
    StageContext,
    external_requirements,
    plan,
    provider_hint,
)
from kabar.store.base import Store

Progress = Callable[[int], None]


@dataclass
class RunReport:
    articles: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warnings: int = 0
    stage_errors: int = 0

    @property
    def partial(self) -> bool:
        return bool(self.rejected)


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def run_article_stages(
    article: Article, stages: list[Stage], ctx: StageContext, external: dict[str, set[str]]
) -> Article:
    """Run per-article stages in order; a failing stage leaves a warning, not a crash."""
    for st in stages:
        missing = {f for f in external.get(st.name, set()) if not _has(article, f)}
        if missing:
            article.warnings.append(
                f"stage {st.name} skipped: needs {', '.join(sorted(missing))} "
                f"({'; '.join(provider_hint(f) for f in sorted(missing))})"
            )
            continue
        try:
            article = st.func(article, ctx)
        except Exception as exc:  # one bad page must not stop the run
            article.warnings.append(f"stage {st.name} failed: {type(exc).__name__}: {exc}")
            continue
        if st.name not in article.stages:
            article.stages.append(st.name)
    return article


def _has(article: Article, fld: str) -> bool:
    if fld == "lines":
        return bool(article.lines)
    from kabar.pipeline.registry import providers

    owner = providers(_stages_cache()).get(fld)
    return owner is not None and owner in article.stages


def _stages_cache() -> dict[str, Stage]:
    from kabar.pipeline.registry import load_stages

    return load_stages()


def process_raw(
    raw: RawDocument, stages: list[Stage], ctx: StageContext, external: dict[str, set[str]]
) -> Article | Rejection:
    """Decode one raw input and run the per-article stages over it."""
    try:
        article = decode(raw)
    except DecodeError as exc:
        return Rejection(origin=raw.origin, reason=str(exc), raw_id=raw.id)
    except Exception as exc:  # a decoder bug must still end as a per-item outcome
        return Rejection(
            origin=raw.origin,
            reason=f"decode failed: {type(exc).__name__}: {exc}",
            raw_id=raw.id,
        )
    article = run_article_stages(article, stages, ctx, external)
    if not article.text_lines and "clean" in article.stages:
        article.warnings.append("no body text found on the page")
    return article


# --- worker-pool plumbing: stages are re-planned in each worker from their names ----------
_WORKER: dict[str, Any] = {}


def _worker_init(names: list[str], options: dict[str, Any]) -> None:
    planned = [s for s in plan(names) if s.scope == "article"]
    _WORKER["stages"] = planned
    _WORKER["external"] = external_requirements(plan(names))
    _WORKER["ctx"] = StageContext(store=None, options=options)


def _worker_process(item: RawDocument | Article) -> Article | Rejection:
    try:
        if isinstance(item, RawDocument):
            return process_raw(item, _WORKER["stages"], _WORKER["ctx"], _WORKER["external"])
        return run_article_stages(item, _WORKER["stages"], _WORKER["ctx"], _WORKER["external"])
    except Exception as exc:  # keep the pool alive whatever a page does
        origin = item.origin
        raw_id = item.id if isinstance(item, RawDocument) else item.raw_id
        return Rejection(
            origin=origin,
            reason=f"internal error: {type(exc).__name__}: {exc}; "
            + traceback.format_exc(limit=2).splitlines()[-1],
            raw_id=raw_id,
        )


class Pipeline:
    """The planned stages bound to a store, ready to run over batches."""

    def __init__(
        self,
        store: Store | None,
        stage_names: list[str] | None = None,
        *,
        workers: int = 1,
        batch_size: int = 200,
        options: dict[str, Any] | None = None,
    ) -> None:
        self.store = store
        self.planned = plan(stage_names)
        self.names = [s.name for s in self.planned]
        self.article_stages = [s for s in self.planned if s.scope == "article"]
        self.corpus_stages = [s for s in self.planned if s.scope == "corpus"]
        self.external = external_requirements(self.planned)
        self.ctx = StageContext(store=store, options=options or {})
        self.workers = max(1, workers)
        self.batch_size = batch_size
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Pipeline:
        if self.workers > 1:
            self._pool = ProcessPoolExecutor(
                self.workers,
                initializer=_worker_init,
                initargs=(self.names, self.ctx.options),
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def _map(self, items: list[RawDocument] | list[Article]) -> list[Article | Rejection]:
        if self._pool is not None and len(items) > 1:
            chunk = max(1, len(items) // (self.workers * 4))
            return list(self._pool.map(_worker_process, items, chunksize=chunk))
        out: list[Article | Rejection] = []
        for item in items:
            if isinstance(item, RawDocument):
                out.append(process_raw(item, self.article_stages, self.ctx, self.external))
            else:
                out.append(run_article_stages(item, self.article_stages, self.ctx, self.external))
        return out

    def run_corpus_stages(self, articles: list[Article]) -> list[Article]:
        for st in self.corpus_stages:
            ready = [
                a for a in articles if all(_has(a, f) for f in self.external.get(st.name, set()))
            ]
            try:
                done = st.func(ready, self.ctx) if ready else []
            except Exception as exc:
                for a in ready:
                    a.warnings.append(f"stage {st.name} failed: {type(exc).__name__}: {exc}")
                continue
            by_id = {a.id: a for a in done}
            articles = [by_id.get(a.id, a) for a in articles]
            for a in done:
                if st.name not in a.stages:
                    a.stages.append(st.name)
        return articles

    def process_batch(self, items: list[RawDocument] | list[Article], report: RunReport) -> None:
        articles: list[Article] = []
        for result in self._map(items):
            if isinstance(result, Rejection):
                report.rejected.append(result)
            else:
                articles.append(result)
        articles = self.run_corpus_stages(_dedupe(articles))
        report.articles += sum(1 for a in articles if a.merged_into is None)
        report.warnings += sum(len(a.warnings) for a in articles)
        if self.store is not None:
            batch_rejections = [r for r in report.rejected if r.raw_id in {i.id for i in items}]
            if batch_rejections:
                self.store.put_rejections(batch_rejections)
            self.store.put_articles(articles)

    def run_raw(self, raws: Iterable[RawDocument], progress: Progress | None = None) -> RunReport:
        report = RunReport()
        for batch in _batched(raws, self.batch_size):
            self.process_batch(batch, report)
            if progress:
                progress(len(batch))
        return report

    def run_articles(
        self, articles: Iterable[Article], progress: Progress | None = None
    ) -> RunReport:
        report = RunReport()
        for batch in _batched(articles, self.batch_size):
            self.process_batch(batch, report)
            if progress:
                progress(len(batch))
        return report


def _dedupe(articles: list[Article]) -> list[Article]:
    """Two inputs with one URL (an edited re-ingest) are one article: the later one wins."""
    by_id: dict[str, Article] = {}
    for a in articles:
        by_id[a.id] = a
    return list(by_id.values())


def analyze(
    store: Store,
    stage_names: list[str] | None = None,
    *,
    redo: bool = False,
    workers: int = 1,
    batch_size: int = 200,
    progress: Progress | None = None,
) -> RunReport:
    """Run the pipeline over the store: new raw inputs, or everything with ``redo``.

    With ``redo`` stored articles are re-run through the selected stages (so a subset of
    stages adds to what earlier runs found); raw inputs with no article yet are decoded first.
    """
    with Pipeline(store, stage_names, workers=workers, batch_size=batch_size) as pipe:
        report = RunReport()
        if redo:  # stored articles first, so the new ones below are not run twice
            report = pipe.run_articles(_stored_articles(store), progress)
        fresh = pipe.run_raw(store.iter_raw(unprocessed=True), progress)
        report.articles += fresh.articles
        report.rejected += fresh.rejected
        report.warnings += fresh.warnings
    return report


def _stored_articles(store: Store) -> Iterator[Article]:
    for article in store.iter_articles():
        if article.merged_into is None:
            article.warnings = [w for w in article.warnings if not w.startswith("stage ")]
            yield article


def extract(raw: RawDocument, stage_names: list[str] | None = None) -> Article:
    """One page through the per-article stages and the corpus stages, without a store."""
    pipe = Pipeline(None, stage_names)
    result = process_raw(raw, pipe.article_stages, pipe.ctx, pipe.external)
    if isinstance(result, Rejection):
        raise DecodeError(result.reason)
    return pipe.run_corpus_stages([result])[0]
