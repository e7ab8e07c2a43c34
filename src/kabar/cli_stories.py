"""``kabar stories``, ``kabar story ID``, ``kabar storylines``, ``kabar recluster``."""

from __future__ import annotations

from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from kabar.cli import KabarError, console, json_option, print_json, with_store
from kabar.store.base import Store


def _day(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


@click.command()
@click.option("--since", default=None, help="Only stories active since this date (YYYY-MM-DD).")
@click.option("--limit", default=50, show_default=True, help="How many stories.")
@json_option
@with_store
def stories(since: str | None, limit: int, as_json: bool, store: Store) -> None:
    """Stories, most recently active first: title, outlets, articles, first/last seen."""
    from kabar.cli import _parse_time

    rows = store.list_stories(since=_parse_time(since, "--since"), limit=limit)
    if as_json:
        print_json([s.model_dump(mode="json", exclude={"timeline"}) for s in rows])
        return
    table = Table(title=f"{len(rows)} stories")
    for col in ("id", "title", "articles", "outlets", "first seen", "last seen"):
        table.add_column(col)
    for s in rows:
        table.add_row(
            s.id,
            escape(s.title or "—"),
            str(len(s.article_ids)),
            escape(", ".join(s.outlets)),
            _day(s.first_seen),
            _day(s.last_seen),
        )
    console.print(table)


@click.command()
@click.argument("story_id")
@json_option
@with_store
def story(story_id: str, as_json: bool, store: Store) -> None:
    """One story: summary, timeline, entities, articles by outlet (with reuse), quotes."""
    from kabar.cluster.reuse import reuse_for
    from kabar.cluster.story_view import story_payload

    found = store.get_story(story_id)
    if found is None:
        raise KabarError(f"no story {story_id!r}; list them with `kabar stories`")
    articles = store.get_articles(found.article_ids)
    payload = story_payload(found, articles, {a.id: reuse_for(store, a.id) for a in articles})
    if as_json:
        print_json(payload)
        return
    console.print(f"[bold]{escape(found.title or '(untitled)')}[/bold]  [dim]{found.id}[/dim]")
    console.print(
        f"{len(found.article_ids)} articles · {_day(found.first_seen)} → {_day(found.last_seen)}"
        + (f" · storyline {found.storyline_id}" if found.storyline_id else "")
    )
    if found.summary:
        console.print("\n[bold]Summary[/bold]")
        for sent in found.summary:
            console.print(f"• {escape(sent)}")
    if found.entities:
        console.print(f"\n[bold]Entities[/bold]: {escape(', '.join(found.entities))}")
    if found.timeline:
        console.print("\n[bold]Timeline[/bold]")
        for entry in found.timeline:
            console.print(f"{str(entry.when)[:16]}  {entry.kind:9}  {escape(entry.text[:120])}")
    console.print("\n[bold]Articles by outlet[/bold]")
    for outlet, items in payload["articles_by_outlet"].items():
        console.print(f"[bold]{escape(outlet)}[/bold]")
        for item in items:
            marks = []
            if item["syndicated_from"]:
                marks.append("copies " + ", ".join(item["syndicated_from"]))
            if item["copied_by"]:
                marks.append("copied by " + ", ".join(item["copied_by"]))
            if item["shared_paragraphs"] and not marks:
                marks.append(f"{item['shared_paragraphs']} shared paragraphs")
            note = f"  [yellow]({escape('; '.join(marks))})[/yellow]" if marks else ""
            console.print(f"  {item['id']}  {escape(item['title'] or '—')}{note}")
    if payload["quotes_by_speaker"]:
        console.print("\n[bold]Quotes by speaker[/bold]")
        for speaker, by_outlet in payload["quotes_by_speaker"].items():
            console.print(f"[bold]{escape(speaker)}[/bold]")
            for outlet, texts in by_outlet.items():
                for text in texts[:3]:
                    console.print(f"  {escape(outlet)}: “{escape(text[:160])}”")


@click.command()
@click.option("--limit", default=50, show_default=True)
@json_option
@with_store
def storylines(limit: int, as_json: bool, store: Store) -> None:
    """Storylines: stories of one ongoing topic linked over months."""
    rows = store.list_storylines(limit=limit)
    if as_json:
        print_json([ln.model_dump(mode="json") for ln in rows])
        return
    table = Table(title=f"{len(rows)} storylines")
    for col in ("id", "title", "stories", "first seen", "last seen"):
        table.add_column(col)
    for ln in rows:
        table.add_row(
            ln.id,
            escape(ln.title or "—"),
            str(len(ln.story_ids)),
            _day(ln.first_seen),
            _day(ln.last_seen),
        )
    console.print(table)


@click.command()
@json_option
@with_store
def recluster(as_json: bool, store: Store) -> None:
    """Rebuild all stories and storylines from the stored articles (full re-cluster)."""
    from kabar.cluster.stories import rebuild_stories

    n = rebuild_stories(store)
    n_stories = len(store.list_stories(limit=10**9))
    if as_json:
        print_json({"articles": n, "stories": n_stories})
    else:
        console.print(f"re-clustered {n} articles into {n_stories} stories")


COMMANDS = [stories, story, storylines, recluster]
