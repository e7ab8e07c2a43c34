"""kabar.api: the FastAPI app (JSON API, token-guarded ingest, the web UI)."""

from kabar.api.app import create_app

__all__ = ["create_app"]
