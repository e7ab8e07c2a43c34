"""The web UI: front page of stories, story, article, entity, search and quotes pages.

Pages are rendered on the server from the same views as the JSON API. Jinja autoescaping is
on for every template and no page builds markup from data, so article text, titles and
entity names print as text whatever they contain. A strict Content-Security-Policy (scripts
and styles from this server only) is a second fence.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from kabar.api.app import MAX_OFFSET, Id, Text, article_filter
from kabar.api.errors import ApiError
from kabar.api.views import entity_detail, reuse_links, story_detail
from kabar.models import Article
from kabar.search import query_terms
from kabar.store.base import ArticleFilter, QuoteFilter, Store
from kabar.web.i18n import COOKIE, LANGS, Translator, pick_lang
from kabar.web.render import bar_class, body_paragraphs, highlight_segments

HERE = Path(__file__).parent
PAGE = 20
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    asked = request.query_params.get("lang")
    lang = pick_lang(asked, request.cookies.get(COOKIE))
    t = Translator(lang)
    other = "en" if lang == "id" else "id"
    html = env.get_template(template).render(
        t=t,
        lang=lang,
        switch_url=str(request.url.include_query_params(lang=other)),
        path=request.url.path,
        bar_class=bar_class,
        highlight_segments=highlight_segments,
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    if asked in LANGS:
        response.set_cookie(COOKIE, asked, max_age=365 * 86400, samesite="lax", httponly=True)
    return response


def render_error(request: Request, status: int, message: str) -> Response:
    return _render(request, "error.html", status=status, status_code=status, message=message)


def _store(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


_OUTLETS: dict[int, tuple[float, list[str]]] = {}
OUTLETS_TTL = 60.0  # seconds the outlet list of the search form is cached per store


def outlet_names(store: Store) -> list[str]:
    """Outlet names for the search filter; counting them scans an index, so cache a minute."""
    now = time.monotonic()
    cached = _OUTLETS.get(id(store))
    if cached is None or now - cached[0] > OUTLETS_TTL:
        cached = (now, sorted(name for name, _ in store.list_outlets()))
        _OUTLETS[id(store)] = cached
    return cached[1]


def _entity_ids(articles: list[Article]) -> dict[str, str]:
    """Canonical entity name → id, from what the articles carry."""
    out: dict[str, str] = {}
    for a in articles:
        for e in a.entities:
            out.setdefault(e.name, e.id)
    return out


def install_web(app: FastAPI) -> None:
    app.state.render_error = render_error
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def front(request: Request, offset: int = Query(0, ge=0, le=MAX_OFFSET)) -> Response:
        store = _store(request)
        stories = store.list_stories(limit=PAGE, offset=offset)
        articles: list[Article] = []
        if not stories and offset == 0:
            articles = store.list_articles(ArticleFilter(limit=PAGE))
        lines = [ln for ln in store.list_storylines(limit=20) if len(ln.story_ids) > 1][:6]
        line_stories = {
            ln.id: [s for s in (store.get_story(sid) for sid in ln.story_ids[:5]) if s]
            for ln in lines
        }
        return _render(
            request,
            "front.html",
            stories=stories,
            articles=articles,
            storylines=lines,
            line_stories=line_stories,
            offset=offset,
            page=PAGE,
        )

    @app.get("/story/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: Id) -> Response:
        store = _store(request)
        story = store.get_story(story_id)
        if story is None:
            raise ApiError(404, f"no story {story_id!r}")
        payload, articles = story_detail(store, story)
        by_id = {a.id: a for a in articles}
        storyline = store.get_storyline(story.storyline_id) if story.storyline_id else None
        return _render(
            request,
            "story.html",
            story=story,
            payload=payload,
            by_id=by_id,
            entity_ids=_entity_ids(articles),
            storyline=storyline,
        )

    @app.get("/article/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: Id) -> Response:
        store = _store(request)
        article = store.get_article(article_id)
        if article is None:
            raise ApiError(404, f"no article {article_id!r}")
        links = reuse_links(store, article.id)
        others = {a.id: a for a in store.get_articles(sorted({ln.other for ln in links}))}
        story = store.get_story(article.story_id) if article.story_id else None
        removed = [ln for ln in article.lines if ln.removed and ln.text.strip()]
        entities = {e.id: e for e in article.entities}
        return _render(
            request,
            "article.html",
            a=article,
            paragraphs=body_paragraphs(article),
            removed=removed,
            reuse=links,
            others=others,
            story=story,
            entities=entities,
        )

    @app.get("/entity/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(request: Request, entity_id: Id) -> Response:
        store = _store(request)
        entity = store.get_entity(entity_id)
        if entity is None:
            raise ApiError(404, f"no entity {entity_id!r}")
        detail = entity_detail(store, entity)
        per_month: Counter[str] = Counter()
        for day, n in detail["mentions_per_day"]:
            per_month[day[:7]] += n
        months = sorted(per_month.items())
        return _render(
            request,
            "entity.html",
            e=entity,
            detail=detail,
            months=months,
            top=max(per_month.values(), default=0),
        )

    @app.get("/entities", response_class=HTMLResponse, include_in_schema=False)
    def entities_page(
        request: Request,
        q: Text = None,
        label: Text = None,
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
    ) -> Response:
        rows = _store(request).list_entities(
            label=label or None, query=q or None, limit=50, offset=offset
        )
        return _render(
            request, "entities.html", rows=rows, q=q or "", label=label or "", offset=offset
        )

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(
        request: Request,
        q: str = Query("", max_length=10_000),
        outlet: Text = None,
        language: Text = None,
        since: Text = None,
        until: Text = None,
        story: Text = None,
        entity: Text = None,
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
    ) -> Response:
        store = _store(request)
        flt = article_filter(outlet, language, since, until, story, entity, PAGE, offset)
        hits = store.search(q, flt) if q.strip() else []
        outlets = outlet_names(store)
        return _render(
            request,
            "search.html",
            q=q,
            hits=hits,
            terms=query_terms(q),
            outlet=outlet or "",
            language=language or "",
            since=since or "",
            until=until or "",
            story=story or "",
            entity=entity or "",
            offset=offset,
            page=PAGE,
            outlets=outlets,
        )

    @app.get("/quotes", response_class=HTMLResponse, include_in_schema=False)
    def quotes_page(
        request: Request,
        speaker: Text = None,
        outlet: Text = None,
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
    ) -> Response:
        store = _store(request)
        rows = store.list_quotes(
            QuoteFilter(speaker=speaker or None, outlet=outlet or None, limit=50, offset=offset)
        )
        table = store.speaker_outlets(speaker or None)[:60]
        return _render(
            request,
            "quotes.html",
            rows=rows,
            table=table,
            speaker=speaker or "",
            outlet=outlet or "",
            offset=offset,
        )
