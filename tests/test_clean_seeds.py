"""Line kinds on the five sample pages, against the hand labels in tests/data/seeds_gold.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kabar.models import TEXT_KINDS, Article, LineKind, RawDocument
from kabar.pipeline.clean import clean_article
from kabar.pipeline.decode import decode

GOLD = json.loads((Path(__file__).parent / "data" / "seeds_gold.json").read_text("utf-8"))
NAMES = sorted(GOLD["pages"])


def gold_kinds(name: str) -> list[LineKind]:
    page = GOLD["pages"][name]
    kinds = [LineKind.BLANK] * page["lines"]
    for span, kind in page["kinds"].items():
        first, _, last = span.partition("-")
        for i in range(int(first), int(last or first) + 1):
            kinds[i] = LineKind(kind)
    return kinds


def load(seeds_dir: Path, name: str) -> Article:
    content = (seeds_dir / name).read_bytes()
    raw = RawDocument(id=RawDocument.hash(content), content=content, origin=str(seeds_dir / name))
    return decode(raw)


@pytest.mark.parametrize("name", NAMES)
def test_every_line_has_the_gold_kind(seeds_dir: Path, name: str) -> None:
    article = clean_article(load(seeds_dir, name))
    expected = gold_kinds(name)
    assert len(article.lines) == len(expected)
    wrong = [
        (ln.index, ln.kind.value, expected[ln.index].value, ln.reason)
        for ln in article.lines
        if ln.kind != expected[ln.index]
    ]
    assert not wrong, f"{name}: (line, got, expected, reason) {wrong}"


@pytest.mark.parametrize("name", NAMES)
def test_every_line_carries_a_reason_and_score(seeds_dir: Path, name: str) -> None:
    article = clean_article(load(seeds_dir, name))
    for ln in article.lines:
        assert ln.reason, f"line {ln.index} has no reason"
        assert 0.0 <= ln.score <= 1.0


@pytest.mark.parametrize("name", NAMES)
def test_no_gold_paragraph_is_lost(seeds_dir: Path, name: str) -> None:
    """Recall first: every line the gold calls body or lead stays article text."""
    article = clean_article(load(seeds_dir, name))
    expected = gold_kinds(name)
    lost = [
        ln.index
        for ln in article.lines
        if expected[ln.index] in (LineKind.BODY, LineKind.LEAD) and ln.kind not in TEXT_KINDS
    ]
    assert not lost, f"{name}: body lines removed: {lost}"


@pytest.mark.parametrize("name", NAMES)
def test_long_sentences_in_the_middle_stay_body(seeds_dir: Path, name: str) -> None:
    """A long sentence-like paragraph between the first and last paragraph is never removed,
    unless it repeats an earlier line word for word (then it is a duplicate)."""
    article = clean_article(load(seeds_dir, name))
    expected = gold_kinds(name)
    text_rows = [i for i, k in enumerate(expected) if k in (LineKind.BODY, LineKind.LEAD)]
    first, last = text_rows[0], text_rows[-1]
    seen: set[str] = set()
    for ln in article.lines:
        text = " ".join(ln.text.split())
        words = text.split()
        repeat = text in seen
        seen.add(text)
        if not first <= ln.index <= last or len(words) < 20 or repeat:
            continue
        if text[-1:] in '.!?"”' and not text.lower().startswith(("baca", "mau berita")):
            assert ln.kind in TEXT_KINDS, f"{name} line {ln.index} labelled {ln.kind}"


def test_accuracy_over_all_seed_lines(seeds_dir: Path) -> None:
    total = right = 0
    for name in NAMES:
        article = clean_article(load(seeds_dir, name))
        expected = gold_kinds(name)
        for ln in article.lines:
            total += 1
            right += ln.kind == expected[ln.index]
    assert right == total, f"{right}/{total} lines labelled as in the gold"
