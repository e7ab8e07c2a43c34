"""Stage ``storylines``: link the batch's stories to storylines that run over months."""

from __future__ import annotations

from kabar.cluster.state import backend_for
from kabar.cluster.stories import MEMORY, TOUCHED, get_stories
from kabar.cluster.storylines import link_stories, storyline_records
from kabar.models import Article
from kabar.pipeline.registry import StageContext, stage


@stage("storylines", requires=("story",), provides=("storyline",), scope="corpus")
def storylines_stage(articles: list[Article], ctx: StageContext) -> list[Article]:
    """Place each touched story in a storyline; write storylines and the stories' links."""
    backend = backend_for(ctx.store, ctx.cache)
    touched = sorted(ctx.cache.get(TOUCHED, set()) | {a.story_id for a in articles if a.story_id})
    stories = get_stories(ctx.store, ctx.cache, touched)
    stories.sort(key=lambda s: (s.first_seen.isoformat() if s.first_seen else "~", s.id))
    assignment = link_stories(backend, [s.id for s in stories])
    for story in stories:
        story.storyline_id = assignment.get(story.id, story.storyline_id)
    lines = storyline_records(backend, stories, assignment)
    if ctx.store is not None:
        ctx.store.put_stories(stories)
        ctx.store.put_storylines(lines)
    else:
        mem = ctx.cache.setdefault(MEMORY, {})
        for story in stories:
            mem[story.id] = story
        ctx.cache.setdefault("kabar.storylines", {}).update({ln.id: ln for ln in lines})
    return articles
