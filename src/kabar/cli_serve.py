"""``kabar serve``: the JSON API, the web UI and the OpenAPI docs in one uvicorn server."""

from __future__ import annotations

import os

import click

from kabar.cli import DEFAULT_DB, KabarError, err_console


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--db",
    "db_url",
    envvar="KABAR_DB",
    default=DEFAULT_DB,
    show_default=True,
    help="Store URL: sqlite:///path.db or postgresql://…",
)
def serve(host: str, port: int, db_url: str) -> None:
    """Serve the web UI (/), the JSON API (/api) and its docs (/docs).

    Reads are open; POST /api/ingest needs `Authorization: Bearer $KABAR_TOKEN` and is
    refused when KABAR_TOKEN is not set. Listens on 127.0.0.1 unless told otherwise.
    """
    import uvicorn

    from kabar.api import create_app

    token = os.environ.get("KABAR_TOKEN") or None
    try:
        app = create_app(db_url, token=token)
    except Exception as exc:
        raise KabarError(f"cannot open store {db_url}: {exc}") from exc
    if host not in {"127.0.0.1", "localhost", "::1"}:
        err_console.print(
            f"[yellow]warning[/yellow]: listening on {host}: reads are open to that network"
        )
    writes = "enabled (token set)" if token else "disabled (no KABAR_TOKEN)"
    err_console.print(f"kabar on http://{host}:{port}/  ·  API docs /docs  ·  writes {writes}")
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


COMMANDS = [serve]
