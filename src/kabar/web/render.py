"""Turning text plus spans into segments a template can print escaped (no markup built here).

Templates get ``[(text, mark)]`` lists and wrap marked pieces in ``<mark>`` or a link
themselves, so every character of article text goes through Jinja's autoescaping.
"""

from __future__ import annotations

from dataclasses import dataclass

from kabar.models import Article, Line, Mention


@dataclass(frozen=True)
class Segment:
    text: str
    entity_id: str | None = None
    label: str | None = None
    marked: bool = False


def highlight_segments(text: str, spans: list[tuple[int, int]]) -> list[Segment]:
    """Snippet text cut at the highlight spans (spans that overlap or run out are dropped)."""
    out: list[Segment] = []
    pos = 0
    for start, end in sorted(spans):
        if start < pos or end > len(text) or start >= end:
            continue
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], marked=True))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def mention_segments(line: Line, mentions: list[Mention]) -> list[Segment]:
    """A line cut at its entity mentions (overlapping or out-of-range mentions skipped)."""
    out: list[Segment] = []
    pos = 0
    text = line.text
    for m in sorted(mentions, key=lambda m: (m.span.start, -m.span.end)):
        start, end = m.span.start, m.span.end
        if start < pos or end > len(text) or start >= end:
            continue
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], entity_id=m.entity_id, label=m.label, marked=True))
        pos = end
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def body_paragraphs(article: Article) -> list[tuple[Line, list[Segment]]]:
    """The kept lines (lead, body, subheadings) with their mentions marked."""
    by_line: dict[int, list[Mention]] = {}
    for m in article.mentions:
        by_line.setdefault(m.span.line, []).append(m)
    return [
        (ln, mention_segments(ln, by_line.get(ln.index, [])))
        for ln in article.text_lines
        if ln.text.strip()
    ]


def bar_class(value: int, top: int) -> str:
    """A CSS class for a bar of ``value`` out of ``top`` in 5% steps (no inline styles: CSP)."""
    if top <= 0:
        return "meter-0"
    return f"meter-{max(1, round(20 * value / top))}"
