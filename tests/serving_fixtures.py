"""A store built from the demo corpus (plus one hostile page) and a live server over it.

Shared by the API and browser tests. The hostile page carries HTML/script in its title and
body so that tests can prove it is shown as text and never run.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kabar.models import RawDocument, Rejection

XSS_TITLE = "Warga Protes <script>window.__kabar_xss = 1</script> di Balai Kota"
XSS_PAGE = (
    f"{XSS_TITLE}\n\n"
    "Kota Uji – Ratusan warga berkumpul di depan balai kota pada Senin pagi untuk menolak "
    'rencana penggusuran pasar lama. <img src=x onerror="window.__kabar_xss = 2"> '
    "Mereka membawa spanduk dan menyanyikan lagu daerah.\n\n"
    "Wali kota berjanji menemui perwakilan warga pekan depan. "
    '<b>Tebal</b> &amp; <a href="javascript:window.__kabar_xss=3">tautan</a> tetap teks.\n'
)


def build_demo_store(url: str, demo_dir: Path, *, hostile: bool = True) -> None:
    """Ingest and analyze the demo corpus (and the hostile page) into the store at ``url``."""
    from kabar.ingest import read_sources
    from kabar.pipeline.runner import analyze
    from kabar.store.base import open_store

    with open_store(url) as store:
        store.migrate()
        raws: list[RawDocument] = []
        rejected: list[Rejection] = []
        for item in read_sources([demo_dir]):
            (rejected if isinstance(item, Rejection) else raws).append(item)
        if hostile:
            content = XSS_PAGE.encode("utf-8")
            raws.append(
                RawDocument(
                    id=RawDocument.hash(content),
                    content=content,
                    origin="test:hostile-page",
                    url="https://uji.example/protes-balai-kota",
                    outlet="Kabar Uji",
                )
            )
        store.put_raw(raws)
        store.put_rejections(rejected)
        analyze(store)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(url: str, token: str | None = None) -> Iterator[str]:
    """uvicorn in a thread on a free loopback port; yields the base URL."""
    import uvicorn

    from kabar.api import create_app

    app = create_app(url, token=token)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
