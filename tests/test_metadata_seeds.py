"""Every metadata field of the five sample pages, against tests/data/seeds_gold.json."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from kabar.models import Article, RawDocument
from kabar.pipeline.clean import clean_article
from kabar.pipeline.decode import decode
from kabar.pipeline.language import language_stage
from kabar.pipeline.metadata import extract_metadata
from kabar.pipeline.registry import StageContext

GOLD = json.loads((Path(__file__).parent / "data" / "seeds_gold.json").read_text("utf-8"))
NAMES = sorted(GOLD["pages"])
FIELDS = [
    "title",
    "lead_line",
    "published",
    "outlet",
    "authors",
    "editor",
    "dateline",
    "photo_credits",
    "credits",
    "related_titles",
    "section",
    "language",
    "machine_translated",
]


def same_text(value: str | None, gold: Any) -> bool:
    """Gold text is either the value itself or {sha1, words} of the normalised value."""
    if gold is None or value is None:
        return gold is None and value is None
    norm = " ".join(value.split())
    if isinstance(gold, dict):
        return hashlib.sha1(norm.encode()).hexdigest() == gold["sha1"]
    return bool(norm == gold)


def analysed(seeds_dir: Path, name: str) -> Article:
    content = (seeds_dir / name).read_bytes()
    raw = RawDocument(id=RawDocument.hash(content), content=content, origin=str(seeds_dir / name))
    article = extract_metadata(clean_article(decode(raw)))
    return language_stage(article, StageContext())


def field_ok(article: Article, fld: str, gold: Any, seeds_dir: Path, name: str) -> bool:
    if fld == "title":
        return same_text(article.title, gold)
    if fld == "lead_line":
        lead_line = " ".join(decode_line(seeds_dir, name, gold).split())
        lead = " ".join((article.lead or "").split())
        return bool(lead) and lead_line.endswith(lead) and len(lead) * 2 > len(lead_line)
    if fld == "published":
        value = article.published.value.isoformat() if article.published else None
        return value == gold
    if fld == "photo_credits":
        return [c.name for c in article.credits if c.kind == "photo"] == gold
    if fld == "credits":
        got = [{"kind": c.kind, "name": c.name} for c in article.credits if c.kind != "photo"]
        return got == gold
    if fld == "related_titles":
        return len(article.related_titles) == len(gold) and all(
            same_text(v, g) for v, g in zip(article.related_titles, gold, strict=True)
        )
    if fld == "section":
        return same_text(article.section, gold)
    return bool(getattr(article, fld) == gold)


def decode_line(seeds_dir: Path, name: str, index: int) -> str:
    return (seeds_dir / name).read_text("utf-8").splitlines()[index]


@pytest.mark.parametrize("fld", FIELDS)
@pytest.mark.parametrize("name", NAMES)
def test_field_matches_gold(seeds_dir: Path, name: str, fld: str) -> None:
    article = analysed(seeds_dir, name)
    gold = GOLD["pages"][name]["metadata"][fld]
    assert field_ok(article, fld, gold, seeds_dir, name), (
        f"{name} {fld}: got {getattr(article, fld, None)!r}, gold {gold!r}"
    )


def test_published_keeps_the_printed_string(seeds_dir: Path) -> None:
    for name in NAMES:
        article = analysed(seeds_dir, name)
        if article.published is not None:
            assert article.published.original in (seeds_dir / name).read_text("utf-8")
            assert article.published.value.tzinfo is not None
            assert article.published.source.startswith("line ")


def test_field_accuracy_is_complete(seeds_dir: Path) -> None:
    right = total = 0
    for name in NAMES:
        article = analysed(seeds_dir, name)
        for fld in FIELDS:
            total += 1
            right += field_ok(article, fld, GOLD["pages"][name]["metadata"][fld], seeds_dir, name)
    assert right == total, f"{right}/{total} metadata fields as in the gold"
