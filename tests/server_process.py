"""``kabar serve`` in a subprocess on a free loopback port, with its output captured to a file;
``kabar check`` on a store file, as a user runs it.

Used by the concurrency and security tests: a real server process (not an in-process test
client) is what users run, and its log is what must never show a token or a locked database.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    base: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextmanager
def kabar_server(
    db_url: str,
    log: Path,
    *,
    token: str | None = None,
    args: tuple[str, ...] = (),
    startup_s: float = 90.0,
) -> Iterator[Server]:
    """Start ``kabar serve --port P --db URL`` (no ``--host``: the default bind) and wait for it."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"KABAR_TOKEN", "KABAR_DB"}}
    if token is not None:
        env["KABAR_TOKEN"] = token
    env["PYTHONUNBUFFERED"] = "1"
    command = [sys.executable, "-m", "kabar", "serve", "--port", str(port), "--db", db_url, *args]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    server = Server(f"http://127.0.0.1:{port}", port, process, log)
    try:
        deadline = time.monotonic() + startup_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"kabar serve exited early:\n{server.output()[-3000:]}")
            try:
                if httpx.get(f"{server.base}/api/stats", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"kabar serve did not start:\n{server.output()[-3000:]}")
            time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # uvicorn's graceful shutdown
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def kabar_check(db: Path) -> list[str]:
    """The problems ``kabar check --json`` finds in the SQLite store ``db`` (it must run)."""
    done = subprocess.run(
        [sys.executable, "-m", "kabar", "check", "--json", "--db", f"sqlite:///{db}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return list(json.loads(done.stdout)["problems"])
