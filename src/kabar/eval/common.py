"""Helpers shared by the evaluations: where ``../shared`` is, and how tables are printed."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table


class SharedDataMissing(FileNotFoundError):
    pass


def shared_path(explicit: str | Path | None = None) -> Path:
    """The ``shared`` folder: ``explicit``, ``$KABAR_SHARED``, or ``../shared`` beside the repo."""
    candidates: list[Path] = []
    if explicit:
        candidates.append(Path(explicit))
    if os.environ.get("KABAR_SHARED"):
        candidates.append(Path(os.environ["KABAR_SHARED"]))
    here = Path.cwd().resolve()
    for parent in [here, *here.parents]:
        candidates.append(parent / "shared")
        candidates.append(parent.parent / "shared")
    pkg = Path(__file__).resolve()
    for parent in pkg.parents:
        candidates.append(parent / "shared")
    for cand in candidates:
        if (cand / "README.md").is_file() and (cand / "data").is_dir():
            return cand
    raise SharedDataMissing(
        "cannot find the shared data folder (../shared); pass --shared PATH or set KABAR_SHARED"
    )


def print_table(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    console: Console | None = None,
) -> None:
    table = Table(title=title)
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*(fmt(v) for v in row))
    (console or Console()).print(table)


def fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) <= 1.5 else f"{value:.2f}"
    return str(value)


def markdown_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    out += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(out)


def write_results(path: str | Path | None, payload: dict[str, Any], markdown: str = "") -> None:
    """Write ``payload`` as JSON to ``path`` and the markdown table beside it (``.md``)."""
    if not path:
        return
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(payload, indent=2, default=str, ensure_ascii=False) + "\n")
    if markdown:
        out.with_suffix(".md").write_text(markdown + "\n")
