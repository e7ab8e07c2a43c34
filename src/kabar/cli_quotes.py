"""``kabar quotes``: who said what, across outlets; and per speaker, which outlets quote them."""

from __future__ import annotations

from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from kabar.cli import console, err_console, json_option, print_json, with_store
from kabar.store.base import QuoteFilter, QuoteRow, Store


def quote_row(row: QuoteRow) -> dict[str, Any]:
    q = row.quote
    return {
        "speaker": q.speaker,
        "speaker_entity_id": q.speaker_entity_id,
        "speaker_text": q.speaker_text,
        "resolution": q.resolution,
        "kind": str(q.kind),
        "cue": q.cue,
        "confidence": q.confidence,
        "text": q.text,
        "line": q.span.line,
        "article_id": row.article_id,
        "outlet": row.outlet,
        "published": row.published.isoformat() if row.published else None,
        "story_id": row.story_id,
    }


@click.command("quotes")
@click.option("--speaker", default=None, help="Only quotes of this speaker (part of the name).")
@click.option("--outlet", default=None, help="Only quotes published by this outlet.")
@click.option("--story", "story_id", default=None, help="Only quotes of this story.")
@click.option("--article", "article_id", default=None, help="Only quotes of this article.")
@click.option("--query", default=None, help="Words the quote text must contain.")
@click.option(
    "--by-outlet",
    is_flag=True,
    help="Per speaker, which outlets quote them and how often (instead of the quotes).",
)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0))
@json_option
@with_store
def quotes(
    speaker: str | None,
    outlet: str | None,
    story_id: str | None,
    article_id: str | None,
    query: str | None,
    by_outlet: bool,
    limit: int,
    offset: int,
    as_json: bool,
    store: Store,
) -> None:
    """Quotes with their speakers, newest first; or who is quoted by which outlet."""
    if by_outlet:
        rows = store.speaker_outlets(speaker)[offset : offset + limit]
        if as_json:
            print_json([{"speaker": s, "outlet": o, "quotes": n} for s, o, n in rows])
            return
        table = Table("speaker", "outlet", "quotes")
        for s, o, n in rows:
            table.add_row(escape(s), escape(o), str(n))
        console.print(table)
        return
    flt = QuoteFilter(
        speaker=speaker,
        outlet=outlet,
        story_id=story_id,
        article_id=article_id,
        query=query,
        limit=limit,
        offset=offset,
    )
    found = store.list_quotes(flt)
    if as_json:
        print_json([quote_row(r) for r in found])
        return
    table = Table("published", "outlet", "speaker", "how", "kind", "quote")
    for r in found:
        q = r.quote
        table.add_row(
            r.published.strftime("%Y-%m-%d") if r.published else "—",
            escape(r.outlet or "—"),
            escape(q.speaker or "(unknown)"),
            q.resolution,
            str(q.kind),
            escape(q.text if len(q.text) <= 160 else q.text[:157] + "…"),
        )
    console.print(table)
    err_console.print(f"{len(found)} quote(s)")


COMMANDS = [quotes]
