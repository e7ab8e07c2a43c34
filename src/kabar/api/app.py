"""The HTTP app: a read-only JSON API over the store, token-guarded ingest, and the web UI.

``create_app(store_url, token)`` opens (and migrates) the store once; reads run in the
server's thread pool (the stores are thread-safe), ingests go through one writer thread.
Writes need ``Authorization: Bearer <token>``; with no token configured they are refused.
"""

from __future__ import annotations

import asyncio
import hmac
import os
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi import Path as PathParam

import kabar
from kabar.api.errors import ApiError, BodyLimit, install_error_handlers
from kabar.api.ingest import Ingester, IngestRequest, parse_body
from kabar.api.views import (
    article_detail,
    article_summary,
    entity_detail,
    hit_dict,
    quote_row,
    story_card,
    story_detail,
)
from kabar.store.base import ArticleFilter, QuoteFilter, Store, open_store

MAX_LIMIT = 200
MAX_OFFSET = 100_000
DEFAULT_BODY_LIMIT = 8 * 1024 * 1024

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT}.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
Text = Annotated[str | None, Query(max_length=200)]
Id = Annotated[str, PathParam(min_length=1, max_length=128)]


def parse_when(value: str | None, name: str) -> datetime | None:
    """An ISO date or datetime from a query parameter (naive means UTC); 422 otherwise."""
    if value is None or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ApiError(422, f"{name}: expected an ISO date such as 2024-05-01") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def article_filter(
    outlet: str | None,
    language: str | None,
    since: str | None,
    until: str | None,
    story: str | None,
    entity: str | None,
    limit: int,
    offset: int,
) -> ArticleFilter:
    return ArticleFilter(
        outlet=outlet or None,
        language=language or None,
        since=parse_when(since, "since"),
        until=parse_when(until, "until"),
        story_id=story or None,
        entity_id=entity or None,
        limit=limit,
        offset=offset,
    )


def check_token(request: Request) -> None:
    expected: str | None = request.app.state.token
    if not expected:
        raise ApiError(403, "writes are disabled: the server has no KABAR_TOKEN configured")
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise ApiError(401, "missing bearer token (Authorization: Bearer <KABAR_TOKEN>)")
    # Constant-time comparison of bytes: timing says nothing about how much matched.
    if not hmac.compare_digest(given.strip().encode("utf-8"), expected.encode("utf-8")):
        raise ApiError(401, "invalid token")


def api_router() -> APIRouter:
    router = APIRouter(prefix="/api")

    def store_of(request: Request) -> Store:
        return request.app.state.store  # type: ignore[no-any-return]

    @router.get("/articles", tags=["articles"])
    def list_articles(
        request: Request,
        outlet: Text = None,
        language: Text = None,
        since: Text = None,
        until: Text = None,
        story: Text = None,
        entity: Text = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """Articles, newest first, filtered by outlet, language, date range, story, entity."""
        flt = article_filter(outlet, language, since, until, story, entity, limit, offset)
        store = store_of(request)
        return {
            "items": [article_summary(a) for a in store.list_articles(flt)],
            "total": store.count_articles(flt),
            "limit": limit,
            "offset": offset,
        }

    @router.get("/articles/{article_id}", tags=["articles"])
    def get_article(request: Request, article_id: Id) -> dict[str, Any]:
        """One article: metadata, every original line with its kind and reason, the removed
        lines, entities, mentions, quotes, and paragraph reuse with other articles."""
        store = store_of(request)
        article = store.get_article(article_id)
        if article is None:
            raise ApiError(404, f"no article {article_id!r}")
        return article_detail(store, article)

    @router.get("/stories", tags=["stories"])
    def list_stories(
        request: Request, since: Text = None, limit: Limit = 50, offset: Offset = 0
    ) -> dict[str, Any]:
        """Stories, most recently active first."""
        store = store_of(request)
        stories = store.list_stories(since=parse_when(since, "since"), limit=limit, offset=offset)
        return {
            "items": [story_card(store, s) for s in stories],
            "limit": limit,
            "offset": offset,
        }

    @router.get("/stories/{story_id}", tags=["stories"])
    def get_story(request: Request, story_id: Id) -> dict[str, Any]:
        """One story: summary, timeline, entities, articles by outlet with syndication
        marks, quotes by speaker."""
        store = store_of(request)
        story = store.get_story(story_id)
        if story is None:
            raise ApiError(404, f"no story {story_id!r}")
        payload, _ = story_detail(store, story)
        return payload

    @router.get("/storylines", tags=["stories"])
    def list_storylines(request: Request, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
        """Storylines: stories of one ongoing topic linked over time."""
        store = store_of(request)
        return {
            "items": [s.model_dump(mode="json") for s in store.list_storylines(limit, offset)],
            "limit": limit,
            "offset": offset,
        }

    @router.get("/storylines/{storyline_id}", tags=["stories"])
    def get_storyline(request: Request, storyline_id: Id) -> dict[str, Any]:
        """One storyline with its stories."""
        store = store_of(request)
        line = store.get_storyline(storyline_id)
        if line is None:
            raise ApiError(404, f"no storyline {storyline_id!r}")
        stories = [store.get_story(sid) for sid in line.story_ids[:MAX_LIMIT]]
        data = line.model_dump(mode="json")
        data["stories"] = [story_card(store, s) for s in stories if s is not None]
        return data

    @router.get("/search", tags=["search"])
    def search(
        request: Request,
        q: Annotated[str, Query(max_length=10_000, description="Words to find.")] = "",
        outlet: Text = None,
        language: Text = None,
        since: Text = None,
        until: Text = None,
        story: Text = None,
        entity: Text = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """Full-text search (stemmed Indonesian, folded diacritics, all words required),
        ranked by BM25 with a recency boost; snippets with highlight spans."""
        from kabar.search import query_terms

        flt = article_filter(outlet, language, since, until, story, entity, limit, offset)
        hits = store_of(request).search(q, flt)
        return {
            "query": q,
            "terms": query_terms(q),
            "items": [hit_dict(h) for h in hits],
            "limit": limit,
            "offset": offset,
        }

    @router.get("/entities", tags=["entities"])
    def list_entities(
        request: Request,
        label: Text = None,
        q: Text = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """Entities with mention counts, most mentioned first; ``q`` matches names and aliases."""
        rows = store_of(request).list_entities(
            label=label or None, query=q or None, limit=limit, offset=offset
        )
        return {
            "items": [e.model_dump(mode="json") | {"mentions": n} for e, n in rows],
            "limit": limit,
            "offset": offset,
        }

    @router.get("/entities/{entity_id}", tags=["entities"])
    def get_entity(request: Request, entity_id: Id) -> dict[str, Any]:
        """One entity: aliases, roles, its mentions by article and day, who quotes them."""
        store = store_of(request)
        entity = store.get_entity(entity_id)
        if entity is None:
            raise ApiError(404, f"no entity {entity_id!r}")
        return entity_detail(store, entity)

    @router.get("/quotes", tags=["quotes"])
    def list_quotes(
        request: Request,
        speaker: Text = None,
        outlet: Text = None,
        story: Text = None,
        article: Text = None,
        q: Text = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """Quotes by speaker (substring, case-insensitive), outlet, story, article, words."""
        rows = store_of(request).list_quotes(
            QuoteFilter(
                speaker=speaker or None,
                outlet=outlet or None,
                story_id=story or None,
                article_id=article or None,
                query=q or None,
                limit=limit,
                offset=offset,
            )
        )
        return {"items": [quote_row(r) for r in rows], "limit": limit, "offset": offset}

    @router.get("/speakers", tags=["quotes"])
    def speakers(request: Request, speaker: Text = None) -> dict[str, Any]:
        """Who is quoted by which outlet, how often."""
        rows = store_of(request).speaker_outlets(speaker or None)
        return {"items": [{"speaker": s, "outlet": o, "count": n} for s, o, n in rows]}

    @router.get("/stats", tags=["store"])
    def stats(request: Request) -> dict[str, Any]:
        """Counts of what the store holds."""
        s = store_of(request).stats()
        return {k: v for k, v in vars(s).items() if k != "extra"} | s.extra

    @router.post(
        "/ingest",
        tags=["ingest"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": IngestRequest.model_json_schema()}},
            },
            "security": [{"bearer": []}],
        },
    )
    async def ingest(request: Request) -> dict[str, Any]:
        """Store raw pages (up to 100 per request) and run the pipeline over them.

        Needs ``Authorization: Bearer <KABAR_TOKEN>``. Body: ``{"pages": [{"text"|"html",
        "url", "outlet", "fetched_at"}]}``, a list of pages, or one page. Returns each
        page's outcome: ``created`` (with the article id), ``exists`` or ``rejected`` (with
        the reason).
        """
        check_token(request)
        parsed = parse_body(await request.body())
        ingester: Ingester = request.app.state.ingester
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(request.app.state.writer, ingester.ingest, parsed)

    return router


def create_app(
    store_url: str,
    token: str | None = None,
    *,
    body_limit: int = DEFAULT_BODY_LIMIT,
    web: bool = True,
) -> FastAPI:
    """The kabar app over the store at ``store_url``.

    ``token`` guards writes; when None, ``$KABAR_TOKEN`` is used; when neither is set, writes
    are refused with 403. Requests over ``body_limit`` bytes get 413.
    """
    store = open_store(store_url)
    store.migrate()
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kabar-writer")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        writer.shutdown(wait=True)
        store.close()

    app = FastAPI(
        title="kabar",
        version=kabar.__version__,
        description="News intelligence over Indonesian and English media: articles, stories, "
        "entities, quotes and search. Reads are open; `POST /api/ingest` needs a bearer token.",
        docs_url="/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.token = token if token is not None else (os.environ.get("KABAR_TOKEN") or None)
    app.state.ingester = Ingester(store)
    app.state.writer = writer
    install_error_handlers(app)
    app.include_router(api_router())
    if web:
        from kabar.web import install_web

        install_web(app)
    app.add_middleware(BodyLimit, limit=body_limit)
    return app
