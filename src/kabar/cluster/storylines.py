"""Storylines: stories of one ongoing topic linked over months.

The same single-pass clusterer runs one level up: its items are stories (their centroid
directions from the story clusterer's state), its window is a year, and its threshold is
lower, since a May report and a July summit preview share the actors and the theme but not
the event. State lives in namespace ``storyline`` and postings ``storyline_terms``.
"""

from __future__ import annotations

import math
from typing import Any

from kabar.cluster.online import NS, ClusterConfig, OnlineClusterer, StoryState
from kabar.cluster.represent import dot
from kabar.cluster.state import StateBackend
from kabar.models import Storyline

LINE_NS = "storyline"
LINE_TERMS_NS = "storyline_terms"
STORYLINE_CONFIG = ClusterConfig(
    threshold=0.15,
    merge_threshold=0.45,
    window_days=400.0,
    split_every=10**9,
    undated_threshold=0.25,
    time_scale={},  # a storyline links events of different dates: no time bonus or penalty
    # No member moves between lines after a join (refine): lines are broad by design, the
    # demo and seed storylines are the same without it, and the moves cost about half of
    # placing a story.
    refine_margin=None,
)


# A story already in a line is placed again only when its direction has moved this far from
# the one it was placed with (cosine below): a story touched by every batch is not re-placed
# every batch.
KEEP_LINE = 0.95


def _cosine(placed: dict[str, float], direction: dict[str, float]) -> float:
    """Cosine of the (trimmed) vector a story was placed with and its direction now."""
    norm = math.sqrt(sum(x * x for x in placed.values()))
    return dot(placed, direction) / norm if norm > 0 else 0.0


def storyline_id_for(story_id: str) -> str:
    return "l" + story_id[1:]


def link_stories(
    backend: StateBackend, story_ids: list[str], config: ClusterConfig | None = None
) -> dict[str, str]:
    """Place each story (in the given order) in a storyline; story id → storyline id."""
    lines = OnlineClusterer(backend, config or STORYLINE_CONFIG, LINE_NS, LINE_TERMS_NS)
    states = backend.get_state(NS, [f"story:{s}" for s in story_ids])
    out: dict[str, str] = {}
    for sid in story_ids:
        blob = states.get(f"story:{sid}")
        if blob is None:
            continue
        story = StoryState.from_bytes(sid, blob)
        if not story.members:
            continue
        direction = story.direction()
        placed = lines.placed(sid)
        if placed is not None and _cosine(placed.vector, direction) >= KEEP_LINE:
            out[sid] = placed.story_id  # one more article hardly moves a story: keep its line
            continue
        out[sid] = lines.place(sid, direction, story.first_seen)
    final = lines.assignments(out)
    lines.flush()
    return {sid: storyline_id_for(line) for sid, line in final.items()}


def storyline_records(
    backend: StateBackend, stories: list[Any], assignment: dict[str, str]
) -> list[Storyline]:
    """Storyline records for the given stories' lines (members from the line clusterer)."""
    lines = OnlineClusterer(backend, STORYLINE_CONFIG, LINE_NS, LINE_TERMS_NS)
    by_line: dict[str, list[str]] = {}
    for raw_line in sorted({"s" + lid[1:] for lid in assignment.values()}):
        members = lines.story_members([raw_line]).get(raw_line, [])
        by_line[storyline_id_for(raw_line)] = members
    story_by_id = {s.id: s for s in stories}
    out = []
    for lid, members in sorted(by_line.items()):
        firsts = [
            story_by_id[m].first_seen
            for m in members
            if m in story_by_id and story_by_id[m].first_seen
        ]
        lasts = [
            story_by_id[m].last_seen
            for m in members
            if m in story_by_id and story_by_id[m].last_seen
        ]
        titles = [
            story_by_id[m].title for m in members if m in story_by_id and story_by_id[m].title
        ]
        out.append(
            Storyline(
                id=lid,
                story_ids=members,
                title=titles[0] if titles else None,
                first_seen=min(firsts) if firsts else None,
                last_seen=max(lasts) if lasts else None,
            )
        )
    return out
