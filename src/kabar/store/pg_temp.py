"""A throwaway PostgreSQL cluster for tests and benchmarks, from the server's own binaries.

``TempPostgres().start()`` runs ``initdb`` and ``pg_ctl`` (Debian keeps them in
``/usr/lib/postgresql/<version>/bin``) in a temporary folder, listening on a free loopback
port only, with trust authentication: nothing but this machine can reach it, and it is
removed on ``stop()``. ``initdb`` refuses to run as root, so as root the cluster belongs to
the ``postgres`` user (or ``nobody``) and the binaries run under that user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries here, or they failed to start a cluster."""


def find_bin_dir() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` with initdb, else initdb on PATH."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _owner() -> pwd.struct_passwd | None:
    """The user the server runs as when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PostgresUnavailable("running as root and neither user postgres nor nobody exists")


def _demote(user: pwd.struct_passwd | None) -> Callable[[], None] | None:
    if user is None:
        return None

    def run_as() -> None:
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)

    return run_as


class TempPostgres:
    def __init__(self, bin_dir: Path | None = None, database: str = "kabar") -> None:
        found = bin_dir or find_bin_dir()
        if found is None:
            raise PostgresUnavailable(
                "no PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql"
            )
        self.bin_dir = found
        self.database = database
        self.user = _owner()
        self.root: Path | None = None
        self.port = 0
        self.url = ""

    def _run(self, *args: str, timeout: float = 120) -> str:
        proc = subprocess.run(
            [str(self.bin_dir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=_demote(self.user),
            cwd=self.root,
            env={**os.environ, "LC_ALL": "C", "LANG": "C"},
        )
        if proc.returncode != 0:
            raise PostgresUnavailable(
                f"{args[0]} failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout}"
            )
        return proc.stdout

    def start(self) -> str:
        """Create and start the cluster; returns a ``postgresql://`` URL to a fresh database."""
        self.root = Path(tempfile.mkdtemp(prefix="kabar-pg-"))
        if self.user is not None:
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)
        os.chmod(self.root, 0o700)
        data = self.root / "data"
        self._run(
            "initdb",
            "-D",
            str(data),
            "-U",
            "kabar",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        self.port = free_port()
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            " -c max_connections=300 -c shared_buffers=256MB"
        )
        self._run(
            "pg_ctl", "-D", str(data), "-l", str(self.root / "log"), "-o", options, "-w", "start"
        )
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "kabar", self.database)
        self.url = f"postgresql://kabar@127.0.0.1:{self.port}/{self.database}"
        return self.url

    def create_database(self, name: str) -> str:
        """Another empty database in the same cluster (one per test, cheap)."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "kabar", name)
        return f"postgresql://kabar@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if self.root is None:
            return
        with contextlib.suppress(PostgresUnavailable, subprocess.TimeoutExpired):
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def __enter__(self) -> TempPostgres:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
