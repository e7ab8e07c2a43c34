"""Stage registry: each stage declares the article fields it requires and provides.

A stage is either per-article (``scope="article"``: a pure ``(Article, StageContext) ->
Article``, safe to run in a worker process or a Spark partition) or corpus-wide
(``scope="corpus"``: ``(list[Article], StageContext) -> list[Article]``, may read the store,
e.g. for multi-page merging or story clustering).

``plan(["quotes", "entities"])`` orders a subset by its declared dependencies. A requirement
that no selected stage provides is *external*: it must already be on the stored article (an
earlier run), which the runner checks per article.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from kabar.store.base import Store

#: ``prepare`` is the per-article part of a corpus stage (see ``Stage.prepare``), run as an
#: article stage by the runner; it is made by :func:`prepare_stages`, never registered.
Scope = Literal["article", "corpus", "prepare"]


class StageError(ValueError):
    """A stage selection that cannot run: unknown name or a cycle."""


@dataclass(frozen=True)
class Stage:
    name: str
    func: Callable[..., Any]
    requires: tuple[str, ...]
    provides: tuple[str, ...]
    scope: Scope = "article"
    doc: str = ""
    # A corpus stage's per-article part that needs nothing but the article (features,
    # a one-article summary): run where the article stages run, so worker processes do it
    # instead of the main process, which runs the corpus stages and limits a pool.
    prepare: Callable[[Any], Any] | None = None


@dataclass
class StageContext:
    """What a stage may consult besides the article itself."""

    store: Store | None = None
    now: datetime | None = None  # reference time for relative dates; None means fetched_at
    options: dict[str, Any] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)  # per-run memo (templates, models)


REGISTRY: dict[str, Stage] = {}

#: Canonical order of the full pipeline; ``plan`` keeps it wherever dependencies allow.
DEFAULT_ORDER: list[str] = [
    "clean",
    "metadata",
    "language",
    "pages",
    "entities",
    "quotes",
    "dates",
    "fingerprint",
    "reuse",
    "cluster",
    "storylines",
    "summarise",
]


def stage(
    name: str,
    *,
    requires: Iterable[str] = (),
    provides: Iterable[str] = (),
    scope: Scope = "article",
    prepare: Callable[[Any], Any] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``func`` as pipeline stage ``name``."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        REGISTRY[name] = Stage(
            name=name,
            func=func,
            requires=tuple(requires),
            provides=tuple(provides),
            scope=scope,
            prepare=prepare,
            doc=(func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else "",
        )
        return func

    return register


def load_stages() -> dict[str, Stage]:
    """Import the stage modules so their decorators run; returns the registry."""
    import importlib
    import pkgutil

    import kabar.pipeline as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name not in {"registry", "runner"}:
            importlib.import_module(f"kabar.pipeline.{info.name}")
    return REGISTRY


def providers(stages: dict[str, Stage]) -> dict[str, str]:
    return {fld: s.name for s in stages.values() for fld in s.provides}


def plan(names: Iterable[str] | None = None) -> list[Stage]:
    """Order the selected stages (all registered ones when ``names`` is None)."""
    stages = load_stages()
    order = [n for n in DEFAULT_ORDER if n in stages] + sorted(
        n for n in stages if n not in DEFAULT_ORDER
    )
    selected = list(order) if names is None else [n.strip() for n in names if n.strip()]
    unknown = [n for n in selected if n not in stages]
    if unknown:
        raise StageError(
            f"unknown stage(s): {', '.join(unknown)}; known stages: {', '.join(order)}"
        )
    chosen = set(selected)
    by_field = providers({n: stages[n] for n in chosen})
    # Kahn's algorithm, ties broken by the canonical order so plans are deterministic.
    deps = {
        n: {by_field[f] for f in stages[n].requires if f in by_field and by_field[f] != n}
        for n in chosen
    }
    result: list[Stage] = []
    done: set[str] = set()
    while len(result) < len(chosen):
        ready = [n for n in order if n in chosen and n not in done and deps[n] <= done]
        if not ready:
            cycle = sorted(n for n in chosen if n not in done)
            raise StageError(f"stages depend on each other in a cycle: {', '.join(cycle)}")
        result.append(stages[ready[0]])
        done.add(ready[0])
    return result


def prepare_stages(planned: list[Stage]) -> list[Stage]:
    """Per-article stages that run the planned corpus stages' ``prepare`` functions and keep
    the results on the article (``Article.prepared(stage name, ...)`` reads them back). A
    failure leaves nothing prepared: the corpus stage then computes the value itself."""

    def wrap(owner: Stage) -> Stage:
        prepare = owner.prepare
        assert prepare is not None

        def run(article: Any, ctx: StageContext) -> Any:
            # A failure is not reported here: the corpus stage reports it if it fails again.
            with contextlib.suppress(Exception):
                article.set_prepared(owner.name, prepare(article))
            return article

        return Stage(f"{owner.name}:prepare", run, (), (), "prepare", f"ahead of {owner.name}")

    return [wrap(s) for s in planned if s.scope == "corpus" and s.prepare is not None]


def external_requirements(planned: list[Stage]) -> dict[str, set[str]]:
    """For each planned stage, the fields it needs that no earlier planned stage provides."""
    seen: set[str] = set()
    missing: dict[str, set[str]] = {}
    for s in planned:
        need = {f for f in s.requires if f not in seen}
        if need:
            missing[s.name] = need
        seen.update(s.provides)
    return missing


def provider_hint(fld: str) -> str:
    owner = providers(load_stages()).get(fld)
    return f"run stage '{owner}' first" if owner else "no stage provides it"
