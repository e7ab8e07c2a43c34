"""Shared fixtures: where ../shared and the demo corpus are, and a throwaway store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kabar.eval.common import SharedDataMissing, shared_path

REPO = Path(__file__).resolve().parents[1]
DEMO_DIR = REPO / "src" / "kabar" / "demo" / "corpus"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    try:
        return shared_path()
    except SharedDataMissing:
        pytest.skip("../shared is absent (a clone outside the workplace): shared-data test skipped")


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    path = shared_dir / "samples" / "seeds"
    if not path.is_dir():
        pytest.skip(f"{path} is absent: sample-page test skipped")
    return path


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    return DEMO_DIR


@pytest.fixture
def tmp_store(tmp_path: Path) -> Iterator[object]:
    from kabar.store.base import open_store

    store = open_store(f"sqlite:///{tmp_path / 'kabar.db'}")
    store.migrate()
    yield store
    store.close()
