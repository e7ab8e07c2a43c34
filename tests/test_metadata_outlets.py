"""Metadata read from the invented outlet-layout pages in ``tests/outlet_pages.py``."""

from __future__ import annotations

import pytest

from kabar.models import Article, Line
from kabar.pipeline.clean import clean_article
from kabar.pipeline.language import language_stage
from kabar.pipeline.metadata import extract_metadata
from kabar.pipeline.registry import StageContext
from outlet_pages import METADATA, PAGES


def analysed(name: str) -> Article:
    lines = [Line(index=i, text=text) for i, (_, text) in enumerate(PAGES[name])]
    article = Article(id=name, raw_id=name, origin="test", lines=lines)
    article = extract_metadata(clean_article(article))
    return language_stage(article, StageContext())


CASES = [(name, fld) for name in sorted(METADATA) for fld in METADATA[name]]


@pytest.mark.parametrize(("name", "fld"), CASES)
def test_outlet_page_metadata(name: str, fld: str) -> None:
    article = analysed(name)
    want = METADATA[name][fld]
    if fld == "published":
        got: object = article.published.value.isoformat() if article.published else None
    elif fld == "photo_credits":
        got = [c.name for c in article.credits if c.kind == "photo"]
    elif fld == "credits":
        got = [(c.kind, c.name) for c in article.credits if c.kind != "photo"]
    else:
        got = getattr(article, fld)
    assert got == want, f"{name} {fld}: got {got!r}, want {want!r}"
