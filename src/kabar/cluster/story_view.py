"""What a story shows: representative headline, outlets, entities, timeline, summary, quotes."""

from __future__ import annotations

from collections import Counter
from typing import Any

from kabar.cluster.represent import dot, unit
from kabar.cluster.summarise import (
    no_digest,
    summarise_article,
    summarise_story,
)
from kabar.cluster.text import content_terms
from kabar.cluster.timeline import build_timeline
from kabar.models import Article, Story

MAX_ARTICLES = 40  # articles read per story when it is refreshed: bounded work per batch


def representative_title(articles: list[Article]) -> str | None:
    """The headline closest to all the others (ties: the earliest article's)."""
    titled = [a for a in articles if a.title]
    if not titled:
        return None
    vecs = [unit(dict(Counter(content_terms(a.title or "", a.language or "id")))) for a in titled]
    centre: dict[str, float] = {}
    for v in vecs:
        for k, x in v.items():
            centre[k] = centre.get(k, 0.0) + x
    centre = unit(centre)
    order = sorted(
        range(len(titled)),
        key=lambda i: (
            -round(dot(vecs[i], centre), 6),
            titled[i].published.value.isoformat() if titled[i].published else "~",
            titled[i].id,
        ),
    )
    return titled[order[0]].title


def top_entities(articles: list[Article], k: int = 10) -> list[str]:
    counts: Counter[str] = Counter()
    for a in articles:
        counts.update({e.name for e in a.entities})  # one vote per article
    return [name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]


def refresh_story(story: Story, articles: list[Article]) -> Story:
    """Fill a story's title, outlets, times, entities, timeline and summary from articles."""
    arts = [a for a in articles if a.id in set(story.article_ids)][:MAX_ARTICLES]
    story.title = representative_title(arts) or story.title
    story.outlets = sorted({a.outlet for a in arts if a.outlet})
    stamps = [a.published.value for a in arts if a.published]
    if stamps:
        story.first_seen, story.last_seen = min(stamps), max(stamps)
    story.entities = top_entities(arts)
    story.timeline = build_timeline(arts)
    if len(arts) == 1:
        ahead = arts[0].prepared("summarise", no_digest)
        story.summary = ahead.summary if ahead is not None else summarise_article(arts[0])
    elif arts:
        story.summary = summarise_story(arts)
    return story


def quotes_by_speaker(articles: list[Article]) -> dict[str, dict[str, list[str]]]:
    """speaker → outlet → quote texts, computed at read time."""
    out: dict[str, dict[str, list[str]]] = {}
    for a in articles:
        for q in a.quotes:
            speaker = q.speaker or "(unattributed)"
            out.setdefault(speaker, {}).setdefault(a.outlet or "(unknown outlet)", []).append(
                q.text
            )
    return out


def story_payload(
    story: Story, articles: list[Article], reuse: dict[str, list[Any]]
) -> dict[str, Any]:
    """A JSON-ready view of a story for the CLI and the API."""
    by_outlet: dict[str, list[dict[str, Any]]] = {}
    for a in sorted(
        articles, key=lambda x: (x.published.value.isoformat() if x.published else "~", x.id)
    ):
        links = reuse.get(a.id, [])
        by_outlet.setdefault(a.outlet or "(unknown outlet)", []).append(
            {
                "id": a.id,
                "title": a.title,
                "published": a.published.value.isoformat() if a.published else None,
                "syndicated_from": sorted(
                    {ln.other for ln in links if ln.direction == "copied_from"}
                ),
                "copied_by": sorted({ln.other for ln in links if ln.direction == "copied_by"}),
                "shared_paragraphs": len({ln.line for ln in links}),
            }
        )
    payload = story.model_dump(mode="json")
    payload["articles_by_outlet"] = by_outlet
    payload["quotes_by_speaker"] = quotes_by_speaker(articles)
    return payload
