"""Metadata on the bundled demo corpus against its own gold (``metadata_gold.json``).

The demo pages were written by another team member in the layouts of nine invented outlets,
so they check that cleaning and metadata generalise beyond the sample pages. The gold keeps
values as printed; the floors leave room for the corpus to grow.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kabar.ingest import read_sources
from kabar.models import Article, RawDocument
from kabar.pipeline.clean import clean_article
from kabar.pipeline.decode import decode
from kabar.pipeline.metadata import extract_metadata

FLOOR = 0.9


def _fold(value: Any) -> Any:
    if isinstance(value, str):
        return value.casefold()
    if isinstance(value, list):
        return sorted(v.casefold() for v in value)
    return value


def _got(article: Article, fld: str, gold: dict[str, Any]) -> tuple[Any, Any]:
    if fld == "published":
        want = gold["published"]
        got = article.published.value.isoformat() if article.published else None
        return (got[: len(want)] if got and want else got), want
    if fld == "editor":
        want = ([gold["editor"]] if gold.get("editor") else []) + (
            gold["editor_initials"].split("/") if gold.get("editor_initials") else []
        )
        return article.editor, list(dict.fromkeys(want))
    if fld == "photo_credits":
        return [c.name for c in article.credits if c.kind == "photo"], gold[fld]
    return getattr(article, fld), gold[fld]


@pytest.fixture(scope="module")
def analysed(demo_dir: Path) -> tuple[list[dict[str, Any]], dict[str, Article]]:
    gold_path = demo_dir / "metadata_gold.json"
    if not gold_path.is_file():
        pytest.skip("demo corpus has no metadata_gold.json")
    pages = json.loads(gold_path.read_text("utf-8"))["pages"]
    articles: dict[str, Article] = {}
    for raw in read_sources([demo_dir]):
        if not isinstance(raw, RawDocument):
            continue
        try:
            article = decode(raw)
        except ValueError:
            continue
        articles[raw.origin.replace("\\", "/").split("/")[-1]] = extract_metadata(
            clean_article(article)
        )
    return pages, articles


@pytest.mark.parametrize(
    "fld", ["title", "outlet", "published", "authors", "editor", "dateline", "photo_credits"]
)
def test_demo_metadata_field(
    analysed: tuple[list[dict[str, Any]], dict[str, Article]], fld: str
) -> None:
    pages, articles = analysed
    right, misses = 0, []
    for gold in pages:
        article = articles.get(gold["file"])
        if article is None:
            misses.append((gold["file"], "not ingested"))
            continue
        got, want = _got(article, fld, gold)
        if _fold(got) == _fold(want):
            right += 1
        else:
            misses.append((gold["file"], got, want))
    assert right >= FLOOR * len(pages), f"{fld}: {right}/{len(pages)}; misses {misses}"
