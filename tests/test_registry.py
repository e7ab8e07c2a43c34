"""The stage registry: dependency order, subsets, clear errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kabar.models import Article, Line
from kabar.pipeline import registry
from kabar.pipeline.registry import StageContext, StageError, external_requirements, plan, stage
from kabar.pipeline.runner import run_article_stages


@pytest.fixture
def fake_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    fake: dict = {}
    monkeypatch.setattr(registry, "REGISTRY", fake)
    monkeypatch.setattr(registry, "load_stages", lambda: fake)
    monkeypatch.setattr(registry, "DEFAULT_ORDER", ["alpha", "beta", "gamma"])

    def mark(name: str):
        def fn(article: Article, ctx: StageContext) -> Article:
            article.warnings.append(f"ran {name}")
            return article

        return fn

    stage("gamma", requires=["b"], provides=["c"])(mark("gamma"))
    stage("beta", requires=["a"], provides=["b"])(mark("beta"))
    stage("alpha", requires=["lines"], provides=["a"])(mark("alpha"))
    yield fake


def test_plan_orders_by_dependency(fake_registry: dict) -> None:
    assert [s.name for s in plan(["gamma", "alpha", "beta"])] == ["alpha", "beta", "gamma"]
    assert [s.name for s in plan(None)] == ["alpha", "beta", "gamma"]


def test_unknown_stage_names_known_ones(fake_registry: dict) -> None:
    with pytest.raises(StageError, match=r"unknown stage.*delta.*known stages: alpha"):
        plan(["alpha", "delta"])


def test_cycle_is_reported(fake_registry: dict) -> None:
    stage("alpha", requires=["c"], provides=["a"])(lambda a, c: a)
    with pytest.raises(StageError, match="cycle"):
        plan(["alpha", "beta", "gamma"])


def test_subset_needs_earlier_results(fake_registry: dict) -> None:
    planned = plan(["gamma"])
    assert external_requirements(planned) == {"gamma": {"b"}}
    article = Article(id="x", raw_id="x", origin="t", lines=[Line(index=0, text="hi")])
    out = run_article_stages(article, planned, StageContext(), external_requirements(planned))
    assert "gamma" not in out.stages
    assert any("needs b" in w and "run stage 'beta' first" in w for w in out.warnings)
    # once beta has run on the article, gamma can run alone
    out.stages.append("beta")
    out = run_article_stages(out, planned, StageContext(), external_requirements(planned))
    assert "gamma" in out.stages and "ran gamma" in out.warnings


def test_failing_stage_leaves_a_warning(fake_registry: dict) -> None:
    def boom(article: Article, ctx: StageContext) -> Article:
        raise RuntimeError("bad page")

    stage("alpha", requires=["lines"], provides=["a"])(boom)
    planned = plan(["alpha", "beta"])
    article = Article(id="x", raw_id="x", origin="t", lines=[Line(index=0, text="hi")])
    out = run_article_stages(article, planned, StageContext(), external_requirements(planned))
    assert any("stage alpha failed: RuntimeError: bad page" in w for w in out.warnings)
    assert "alpha" not in out.stages
