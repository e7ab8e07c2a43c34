"""Run planned stages over raw inputs or stored articles, in batches, writing as it goes.

Per-article stages run in the calling process or a worker pool (``workers > 1``); corpus
stages run once per batch in the calling process with the store. Each batch is written in
one transaction, so an interrupted run loses at most the batch in flight and a rerun picks up
the raw inputs that have no article yet.

Memory stays bounded whatever the corpus size: inputs are pulled from an iterator one batch at
a time, at most two batches are in flight (the pool works on the next batch while this
process runs the corpus stages and writes the current one), and the report keeps counts plus
the first :data:`MAX_REPORTED` rejections (all of them go to the store).
"""

from __future__ import annotations

import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import islice, repeat
from typing import Any

from kabar.models import Article, RawDocument, Rejection
from kabar.pipeline.deadline import Budget, ItemTimeout, deadline, item_seconds
from kabar.pipeline.decode import DecodeError, decode
from kabar.pipeline.registry import (
    REGISTRY,
    Stage,
    StageContext,
    external_requirements,
    plan,
    prepare_stages,
    provider_hint,
    providers,
)
from kabar.store.base import Store
from kabar.store.codec import compute_search_fields, remember_search_fields

Progress = Callable[[int], None]
#: Rejections kept in a :class:`RunReport` for display; the store gets every one of them.
MAX_REPORTED = 10_000


@dataclass
class RunReport:
    articles: int = 0
    rejected: list[Rejection] = field(default_factory=list)  # the first MAX_REPORTED
    warnings: int = 0
    stage_errors: int = 0
    rejected_count: int = 0  # every rejection, also those past MAX_REPORTED

    @property
    def partial(self) -> bool:
        return bool(self.rejected_count or self.rejected)

    def reject(self, rejections: Iterable[Rejection]) -> None:
        for r in rejections:
            self.rejected_count += 1
            if len(self.rejected) < MAX_REPORTED:
                self.rejected.append(r)

    def add(self, other: RunReport) -> None:
        self.articles += other.articles
        self.warnings += other.warnings
        self.stage_errors += other.stage_errors
        self.rejected_count += other.rejected_count
        self.rejected += other.rejected[: max(0, MAX_REPORTED - len(self.rejected))]


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def run_article_stages(
    article: Article, stages: list[Stage], ctx: StageContext, external: dict[str, set[str]]
) -> Article:
    """Run per-article stages in order; a failing stage leaves a warning, not a crash, and
    an article that uses up its time budget (:mod:`kabar.pipeline.deadline`) keeps what the
    finished stages gave it, with a warning naming the stage that ran out of time."""
    done: list[str] = []
    try:
        with deadline(item_seconds()) as budget:
            for st in stages:
                article = _run_one(article, st, ctx, external, budget)
                done.append(st.name)
    except ItemTimeout as exc:
        late = stages[len(done)].name if len(done) < len(stages) else "the last stage"
        rest = [st.name for st in stages[len(done) + 1 :]]
        article.warnings.append(
            f"stage {late} stopped: {exc}" + (f"; skipped {', '.join(rest)}" if rest else "")
        )
    return article


def _run_one(
    article: Article, st: Stage, ctx: StageContext, external: dict[str, set[str]], budget: Budget
) -> Article:
    missing = {f for f in external.get(st.name, set()) if not _has(article, f)}
    if missing:
        article.warnings.append(
            f"stage {st.name} skipped: needs {', '.join(sorted(missing))} "
            f"({'; '.join(provider_hint(f) for f in sorted(missing))})"
        )
        return article
    try:
        article = st.func(article, ctx)
        budget.check()  # in case the stage swallowed the alarm's exception
    except ItemTimeout:
        raise
    except Exception as exc:  # one bad page must not stop the run
        article.warnings.append(f"stage {st.name} failed: {type(exc).__name__}: {exc}")
        return article
    if st.scope == "article" and st.name not in article.stages:
        article.stages.append(st.name)
    return article


def article_work(planned: list[Stage]) -> list[Stage]:
    """What runs per article (in a worker when there is a pool): the article stages, then
    the corpus stages' per-article preparation."""
    return [s for s in planned if s.scope == "article"] + prepare_stages(planned)


def _has(article: Article, fld: str) -> bool:
    if fld == "lines":
        return bool(article.lines)
    owner = _providers().get(fld)
    return owner is not None and owner in article.stages


_PROVIDERS: tuple[int, dict[str, str]] = (-1, {})


def _providers() -> dict[str, str]:
    """Field -> stage name, rebuilt only when a stage registers (``load_stages`` walks the
    package on every call, which cost a directory listing per article and field)."""
    global _PROVIDERS
    if _PROVIDERS[0] != len(REGISTRY) or not REGISTRY:
        from kabar.pipeline.registry import load_stages

        stages = load_stages()
        _PROVIDERS = (len(stages), providers(stages))
    return _PROVIDERS[1]


def _clock(
    timings: dict[str, float] | None,
    cpu_timings: dict[str, float] | None,
    name: str,
    t0: float,
    c0: float,
) -> None:
    if timings is not None:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - t0
    if cpu_timings is not None:
        cpu_timings[name] = cpu_timings.get(name, 0.0) + time.process_time() - c0


def timed_stages(
    stages: list[Stage],
    timings: dict[str, float],
    cpu_timings: dict[str, float] | None = None,
) -> list[Stage]:
    """The same stages, each adding its wall time to ``timings[name]`` (for benchmarks) and,
    with ``cpu_timings``, its CPU time (this process) to ``cpu_timings[name]``."""

    def wrap(st: Stage) -> Stage:
        func = st.func

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                _clock(timings, cpu_timings, st.name, t0, c0)

        return replace(st, func=timed)

    return [wrap(st) for st in stages]


def process_raw(
    raw: RawDocument,
    stages: list[Stage],
    ctx: StageContext,
    external: dict[str, set[str]],
    timings: dict[str, float] | None = None,
    cpu_timings: dict[str, float] | None = None,
) -> Article | Rejection:
    """Decode one raw input and run the per-article stages over it."""
    t0, c0 = time.perf_counter(), time.process_time()
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
    finally:
        _clock(timings, cpu_timings, "decode", t0, c0)
    article = run_article_stages(article, stages, ctx, external)
    if not article.text_lines and "clean" in article.stages:
        article.warnings.append("no body text found on the page")
    return article


# --- worker-pool plumbing: stages are re-planned in each worker from their names ----------
_WORKER: dict[str, Any] = {}


def _worker_init(names: list[str], options: dict[str, Any], prestem: bool = False) -> None:
    planned = plan(names)
    _WORKER["stages"] = article_work(planned)
    _WORKER["external"] = external_requirements(planned)
    _WORKER["ctx"] = StageContext(store=None, options=options)
    _WORKER["prestem"] = prestem


#: Run-wide memo entries the main process learnt (``templates``) sent along with the work, with
#: a version so a worker unpacks each snapshot once.
SharedCache = tuple[int, dict[str, Any]] | None
#: ``StageContext.cache`` keys that article stages read and corpus stages write.
SHARED_CACHE_KEYS = ("templates",)


def template_snapshot(templates: Any) -> Any:
    """The part of the learnt outlet templates that ``clean`` consults: page counts and the
    lines at or above the thresholds (``OutletTemplates.share`` gives the same answers), not
    the up to 20,000 counted lines per outlet, so it is cheap to send to the workers."""
    from kabar.pipeline.clean import OutletTemplates

    if not isinstance(templates, OutletTemplates):
        return templates
    lines = {}
    for key, counter in templates.lines.items():
        floor = max(templates.min_count, templates.min_share * templates.pages.get(key, 0))
        lines[key] = Counter({k: c for k, c in counter.items() if c >= floor})
    return replace(templates, pages=Counter(templates.pages), lines=lines, signatures={})


#: What a worker sends back: the result, and the article's stemmed search fields when the
#: run writes to a store (stemming is the costly part of a write; doing it here takes it off
#: the main process, which runs the corpus stages and is the bottleneck with a pool).
WorkerResult = tuple[Article | Rejection, tuple[str, str, tuple[str, str]] | None]


def _worker_process(item: RawDocument | Article, shared: SharedCache = None) -> WorkerResult:
    if shared is not None and shared[0] != _WORKER.get("shared_version"):
        _WORKER["shared_version"] = shared[0]
        _WORKER["ctx"].cache.update(shared[1])
    try:
        if isinstance(item, RawDocument):
            result = process_raw(item, _WORKER["stages"], _WORKER["ctx"], _WORKER["external"])
        else:
            result = run_article_stages(
                item, _WORKER["stages"], _WORKER["ctx"], _WORKER["external"]
            )
    except Exception as exc:  # keep the pool alive whatever a page does
        origin = item.origin
        raw_id = item.id if isinstance(item, RawDocument) else item.raw_id
        return Rejection(
            origin=origin,
            reason=f"internal error: {type(exc).__name__}: {exc}; "
            + traceback.format_exc(limit=2).splitlines()[-1],
            raw_id=raw_id,
        ), None
    prestemmed = None
    if _WORKER.get("prestem") and isinstance(result, Article) and result.merged_into is None:
        try:
            title, body = result.title or "", result.body
            prestemmed = (title, body, compute_search_fields(title, body))
        except Exception:  # the writer stems it again; never lose the article over this
            prestemmed = None
    return result, prestemmed


def _unpack(results: Iterable[WorkerResult]) -> Iterator[Article | Rejection]:
    for result, prestemmed in results:
        if prestemmed is not None:
            remember_search_fields(*prestemmed)
        yield result


class Pipeline:
    """The planned stages bound to a store, ready to run over batches.

    ``timings`` (a dict) makes every stage, the decoder and the store writes add their wall
    time to it (and their CPU time to ``cpu_timings``, when given); it needs ``workers=1``
    (worker processes keep their own clocks).
    """

    def __init__(
        self,
        store: Store | None,
        stage_names: list[str] | None = None,
        *,
        workers: int = 1,
        batch_size: int = 200,
        options: dict[str, Any] | None = None,
        timings: dict[str, float] | None = None,
        cpu_timings: dict[str, float] | None = None,
    ) -> None:
        self.store = store
        self.planned = plan(stage_names)
        self.names = [s.name for s in self.planned]
        self.timings = timings
        self.cpu_timings = cpu_timings if timings is not None else None
        self.article_stages = article_work(self.planned)
        self.corpus_stages = [s for s in self.planned if s.scope == "corpus"]
        if timings is not None:
            self.article_stages = timed_stages(self.article_stages, timings, self.cpu_timings)
            self.corpus_stages = timed_stages(self.corpus_stages, timings, self.cpu_timings)
        self.external = external_requirements(self.planned)
        self.ctx = StageContext(store=store, options=options or {})
        self.workers = max(1, workers) if timings is None else 1
        self.batch_size = max(1, batch_size)
        self._pool: ProcessPoolExecutor | None = None
        self._shared_version = 0

    def __enter__(self) -> Pipeline:
        # Only worth a pool when some per-article stage runs (decode alone is cheap).
        if self.workers > 1:
            self._pool = ProcessPoolExecutor(
                self.workers,
                initializer=_worker_init,
                initargs=(self.names, self.ctx.options, self.store is not None),
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    # --- per-article work ------------------------------------------------------------------
    def _submit(self, items: list[RawDocument] | list[Article]) -> Iterator[Article | Rejection]:
        """Start the per-article work on ``items``; results come back in input order.

        With a pool the work starts now and runs while the caller handles the previous batch;
        chunks of about ``batch / (4 * workers)`` items keep pickling overhead low and both
        workers busy to the end of the batch.
        """
        if self._pool is not None and len(items) > 1:
            chunk = max(1, len(items) // (self.workers * 4))
            shared = self._shared_cache()
            return _unpack(self._pool.map(_worker_process, items, repeat(shared), chunksize=chunk))
        return iter(self._run_here(items))

    def _shared_cache(self) -> SharedCache:
        """What the corpus stages learnt so far that article stages use (the outlet templates
        ``clean`` applies), as of now: the same state a single process would clean this batch
        with, so results do not depend on the number of workers."""
        entries = {k: self.ctx.cache[k] for k in SHARED_CACHE_KEYS if k in self.ctx.cache}
        if not entries:
            return None
        if "templates" in entries:
            entries["templates"] = template_snapshot(entries["templates"])
        self._shared_version += 1
        return self._shared_version, entries

    def _run_here(self, items: list[RawDocument] | list[Article]) -> list[Article | Rejection]:
        out: list[Article | Rejection] = []
        for item in items:
            if isinstance(item, RawDocument):
                out.append(
                    process_raw(
                        item,
                        self.article_stages,
                        self.ctx,
                        self.external,
                        self.timings,
                        self.cpu_timings,
                    )
                )
            else:
                out.append(run_article_stages(item, self.article_stages, self.ctx, self.external))
        return out

    def _map(self, items: list[RawDocument] | list[Article]) -> list[Article | Rejection]:
        return list(self._submit(items))

    # --- corpus stages and writes ----------------------------------------------------------
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

    def finish_batch(self, results: Iterable[Article | Rejection], report: RunReport) -> None:
        """Corpus stages over one batch's per-article results, then one write per table."""
        articles: list[Article] = []
        rejections: list[Rejection] = []
        for result in results:
            if isinstance(result, Rejection):
                rejections.append(result)
            else:
                articles.append(result)
        report.reject(rejections)
        articles = self.run_corpus_stages(_dedupe(articles))
        report.articles += sum(1 for a in articles if a.merged_into is None)
        report.warnings += sum(len(a.warnings) for a in articles)
        if self.store is not None:
            t0, c0 = time.perf_counter(), time.process_time()
            if rejections:
                self.store.put_rejections(rejections)
            if articles:
                self.store.put_articles(articles)
            _clock(self.timings, self.cpu_timings, "store", t0, c0)

    def process_batch(self, items: list[RawDocument] | list[Article], report: RunReport) -> None:
        self.finish_batch(self._submit(items), report)

    def run(
        self, items: Iterable[RawDocument] | Iterable[Article], progress: Progress | None = None
    ) -> RunReport:
        """Stream ``items`` through the pipeline a batch at a time, one batch ahead in the pool."""
        report = RunReport()
        pending: tuple[int, Iterator[Article | Rejection]] | None = None
        for batch in _batched(items, self.batch_size):
            started = (len(batch), self._submit(batch))
            if pending is not None:
                self.finish_batch(pending[1], report)
                if progress:
                    progress(pending[0])
            pending = started
        if pending is not None:
            self.finish_batch(pending[1], report)
            if progress:
                progress(pending[0])
        return report

    def run_raw(self, raws: Iterable[RawDocument], progress: Progress | None = None) -> RunReport:
        return self.run(raws, progress)

    def run_articles(
        self, articles: Iterable[Article], progress: Progress | None = None
    ) -> RunReport:
        return self.run(articles, progress)


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
        report.add(pipe.run_raw(store.iter_raw(unprocessed=True), progress))
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
