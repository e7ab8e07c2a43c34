"""What the API and the web pages show, built from the store once for both.

Every builder reads only what is there: articles from a partial pipeline (no entities, no
quotes, no story) still give a complete, smaller view.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

from kabar.models import Article, Entity, Story
from kabar.store.base import ArticleFilter, QuoteFilter, QuoteRow, SearchHit, Store

MAX_STORY_ARTICLES = 200  # read for one story page; a giant spam story stays bounded


def iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def article_summary(a: Article) -> dict[str, Any]:
    return {
        "id": a.id,
        "title": a.title,
        "outlet": a.outlet,
        "published": iso(a.published.value) if a.published else None,
        "language": a.language,
        "story_id": a.story_id,
        "url": a.url,
        "lead": a.lead or next((ln.text for ln in a.text_lines), None),
        "authors": a.authors,
    }


def reuse_links(store: Store, article_id: str) -> list[Any]:
    """Paragraph reuse links from the stories stage, when it is installed and has run."""
    try:
        from kabar.cluster.reuse import reuse_for
    except ImportError:
        return []
    try:
        return list(reuse_for(store, article_id))
    except Exception:  # stored state from an older layout must not break a page
        return []


def article_detail(store: Store, a: Article) -> dict[str, Any]:
    data = a.model_dump(mode="json", exclude={"minhash", "hints"})
    data["body"] = a.body
    data["removed_lines"] = [
        {"index": ln.index, "text": ln.text, "kind": str(ln.kind), "reason": ln.reason}
        for ln in a.lines
        if ln.removed and ln.text.strip()
    ]
    links = reuse_links(store, a.id)
    data["reuse"] = [
        {
            "line": ln.line,
            "other": ln.other,
            "other_line": ln.other_line,
            "similarity": ln.similarity,
            "direction": ln.direction,
        }
        for ln in links
    ]
    return data


def story_detail(store: Store, story: Story) -> tuple[dict[str, Any], list[Article]]:
    """The story's JSON view (as ``kabar story --json``) and its articles."""
    articles = store.get_articles(story.article_ids[:MAX_STORY_ARTICLES])
    reuse = {a.id: reuse_links(store, a.id) for a in articles}
    try:
        from kabar.cluster.story_view import story_payload

        payload = story_payload(story, articles, reuse)
    except ImportError:
        payload = story.model_dump(mode="json")
        by_outlet: dict[str, list[dict[str, Any]]] = {}
        for a in articles:
            by_outlet.setdefault(a.outlet or "(unknown outlet)", []).append(
                {"id": a.id, "title": a.title, "published": article_summary(a)["published"]}
            )
        payload["articles_by_outlet"] = by_outlet
        payload["quotes_by_speaker"] = {}
    return payload, articles


def story_card(store: Store, story: Story) -> dict[str, Any]:
    data = story.model_dump(mode="json", exclude={"timeline"})
    data["n_articles"] = len(story.article_ids)
    data["n_outlets"] = len(story.outlets)
    return data


def entity_detail(store: Store, entity: Entity, limit: int = 100) -> dict[str, Any]:
    ids = store.entity_articles(entity.id, limit=limit)
    articles = store.get_articles(ids)
    mentions = []
    per_day: Counter[str] = Counter()
    for a in articles:
        found = [m for m in a.mentions if m.entity_id == entity.id]
        day = a.published.value.date().isoformat() if a.published else None
        if day:
            per_day[day] += len(found) or 1
        mentions.append(
            {
                "article": article_summary(a),
                "mentions": [
                    {"text": m.text, "line": m.span.line, "start": m.span.start, "end": m.span.end}
                    for m in found
                ],
            }
        )
    quoted = [
        quote_row(r)
        for r in store.list_quotes(QuoteFilter(speaker=entity.name, limit=50))
        if r.quote.speaker_entity_id in {None, entity.id}
    ]
    return {
        "entity": entity.model_dump(mode="json"),
        "aliases": entity.aliases,
        "mention_count": sum(len(m["mentions"]) for m in mentions),
        "articles": mentions,
        "mentions_per_day": sorted(per_day.items()),
        "quotes": quoted,
        "quoted_by": [
            {"speaker": s, "outlet": o, "count": n}
            for s, o, n in store.speaker_outlets(entity.name)
            if s.casefold() == entity.name.casefold()
        ],
    }


def quote_row(r: QuoteRow) -> dict[str, Any]:
    return {
        "quote": r.quote.model_dump(mode="json"),
        "article_id": r.article_id,
        "outlet": r.outlet,
        "published": iso(r.published),
        "story_id": r.story_id,
    }


def hit_dict(h: SearchHit) -> dict[str, Any]:
    return {
        "article_id": h.article_id,
        "title": h.title,
        "outlet": h.outlet,
        "published": iso(h.published),
        "story_id": h.story_id,
        "snippet": h.snippet,
        "highlights": [list(span) for span in h.highlights],
        "score": round(h.score, 6),
    }


def latest_articles(store: Store, limit: int = 30, offset: int = 0) -> list[Article]:
    return store.list_articles(ArticleFilter(limit=limit, offset=offset))
