"""Language data as plain tables under ``lang/<code>/`` and the helpers that read them."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

LANG_DIR = Path(__file__).parent


def data_path(lang: str, name: str) -> Path:
    return LANG_DIR / lang / name


@cache
def load_list(lang: str, name: str) -> tuple[str, ...]:
    """A ``.txt`` table: one item per line, ``#`` starts a comment, blank lines ignored."""
    items = []
    for raw in data_path(lang, name).read_text(encoding="utf-8").splitlines():
        item = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("\\#") else raw.strip()
        if item:
            items.append(item)
    return tuple(items)


@cache
def load_tsv(lang: str, name: str) -> tuple[tuple[str, ...], ...]:
    """A ``.tsv`` table (``#`` comment lines skipped), rows as tuples of stripped cells."""
    rows = []
    for raw in data_path(lang, name).read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        rows.append(tuple(cell.strip() for cell in raw.split("\t")))
    return tuple(rows)


@cache
def load_json(lang: str, name: str) -> Any:
    return json.loads(data_path(lang, name).read_text(encoding="utf-8"))
