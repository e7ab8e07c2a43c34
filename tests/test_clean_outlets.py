"""Line kinds on pages written for these tests in the layouts of common Indonesian outlets.

The pages live in ``tests/outlet_pages.py``; every sentence is invented. They check that
the cleaner generalises beyond the five sample pages: other menus, byline and timestamp
formats, captions, datelines, footers and tag lists.
"""

from __future__ import annotations

import pytest

from kabar.models import TEXT_KINDS
from kabar.pipeline.clean import classify_lines
from outlet_pages import PAGES


@pytest.mark.parametrize("name", sorted(PAGES))
def test_outlet_layouts(name: str) -> None:
    page = PAGES[name]
    labels = classify_lines([text for _, text in page])
    wrong = [
        (i, got.value, want, reason, text[:50])
        for i, ((want, text), (got, reason, _)) in enumerate(zip(page, labels, strict=True))
        if got.value != want
    ]
    assert not wrong, f"{name}: (line, got, expected, reason, text) {wrong}"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_outlet_layouts_keep_every_paragraph(name: str) -> None:
    page = PAGES[name]
    labels = classify_lines([text for _, text in page])
    for (want, text), (got, _, _) in zip(page, labels, strict=True):
        if want in ("body", "lead"):
            assert got in TEXT_KINDS, text
