"""Story timelines: when each article appeared and which event dates it reports."""

from __future__ import annotations

from datetime import date, datetime

from kabar.models import Article, TimelineEntry


def _sort_key(entry: TimelineEntry) -> tuple[str, str, str]:
    when = entry.when
    day = when.date().isoformat() if isinstance(when, datetime) else when.isoformat()
    exact = when.isoformat() if isinstance(when, datetime) else day + "T99"
    return (day, exact, entry.kind + entry.article_id)


def build_timeline(articles: list[Article], max_events: int = 30) -> list[TimelineEntry]:
    """Publication entries (one per article) and event entries (one per distinct date, the
    first article to report it), in time order."""
    entries: list[TimelineEntry] = []
    seen_dates: set[date] = set()
    ordered = sorted(
        articles, key=lambda a: (a.published.value.isoformat() if a.published else "~", a.id)
    )
    for article in ordered:
        if article.published is not None:
            entries.append(
                TimelineEntry(
                    when=article.published.value,
                    kind="published",
                    article_id=article.id,
                    text=f"{article.outlet or 'unknown outlet'}: {article.title or '(untitled)'}",
                )
            )
        for ev in article.event_dates:
            if ev.date in seen_dates or len(seen_dates) >= max_events:
                continue
            seen_dates.add(ev.date)
            context = ev.original
            if ev.span is not None:
                line = next((ln.text for ln in article.lines if ln.index == ev.span.line), "")
                context = line.strip()[:200] or ev.original
            entries.append(
                TimelineEntry(when=ev.date, kind="event", article_id=article.id, text=context)
            )
    return sorted(entries, key=_sort_key)
