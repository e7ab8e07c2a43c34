"""Store backends for tests: SQLite in a tmp folder, PostgreSQL from ``$KABAR_TEST_PG_URL`` or
a throwaway cluster started from the Debian server binaries (skipped only when neither).

Each PostgreSQL store lives in its own schema of one shared server, so tests stay isolated
without creating databases (which a shared server may not allow).
"""

from __future__ import annotations

import atexit
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from kabar.store.base import Store, open_store

_SERVER: dict[str, Any] = {}


def postgres_url() -> str:
    """The server URL for this test run, starting a throwaway cluster once if needed."""
    if "url" in _SERVER:
        return str(_SERVER["url"])
    if "skip" in _SERVER:
        pytest.skip(_SERVER["skip"])
    env = os.environ.get("KABAR_TEST_PG_URL")
    if env:
        _SERVER["url"] = env
        return env
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _SERVER["skip"] = "psycopg is not installed (pip install -e '.[postgres]')"
        pytest.skip(_SERVER["skip"])
    from kabar.store.pg_temp import PostgresUnavailable, TempPostgres

    try:
        server = TempPostgres()
        _SERVER["url"] = server.start()
    except PostgresUnavailable as exc:
        _SERVER["skip"] = (
            f"no PostgreSQL: set KABAR_TEST_PG_URL or install the server binaries ({exc})"
        )
        pytest.skip(_SERVER["skip"])
    atexit.register(server.stop)
    return str(_SERVER["url"])


@contextmanager
def postgres_store() -> Iterator[Store]:
    import psycopg

    url = postgres_url()
    schema = f"kabar_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in url else "?"
    store = open_store(f"{url}{sep}options={quote(f'-csearch_path={schema}')}")
    try:
        store.migrate()
        yield store
    finally:
        store.close()
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@contextmanager
def sqlite_store(folder: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{folder / 'kabar.db'}")
    store.migrate()
    try:
        yield store
    finally:
        store.close()


@contextmanager
def make_store(kind: str, folder: Path) -> Iterator[Store]:
    if kind == "postgres":
        with postgres_store() as store:
            yield store
    else:
        with sqlite_store(folder) as store:
            yield store


def execute(store: Store, sql: str) -> None:
    """Raw SQL against a store, for tests that break it on purpose."""
    if store.url.startswith("sqlite"):
        with store._lock:  # type: ignore[attr-defined]
            store._db.execute(sql)  # type: ignore[attr-defined]
    else:
        with store._conn() as conn:  # type: ignore[attr-defined]
            conn.execute(sql)
