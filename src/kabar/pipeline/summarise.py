"""Stage ``summarise``: story title, outlets, times, entities, timeline and summary."""

from __future__ import annotations

from kabar.cluster.stories import MEMORY, TOUCHED, get_stories
from kabar.cluster.story_view import MAX_ARTICLES, refresh_story
from kabar.cluster.summarise import digest_article
from kabar.models import Article, Story
from kabar.pipeline.registry import StageContext, stage

FETCH_GROUP = 500  # stored articles held in memory at once


@stage(
    "summarise",
    requires=("story",),
    provides=("summary",),
    scope="corpus",
    prepare=digest_article,  # one-article summary (most stories) and in-article scores
)
def summarise_stage(articles: list[Article], ctx: StageContext) -> list[Article]:
    """Refresh every story the batch touched from (at most 40 of) its articles."""
    batch = {a.id: a for a in articles}
    touched = sorted(ctx.cache.pop(TOUCHED, set()) | {a.story_id for a in articles if a.story_id})
    stories = get_stories(ctx.store, ctx.cache, touched)
    known = ctx.cache.setdefault("kabar.reuse.known", {}) if ctx.store is None else {}
    # Stored articles are read for a group of stories at a time (one query per group, not
    # one per story), at most FETCH_GROUP of them in memory.
    group: list[Story] = []
    wanted: dict[str, None] = {}

    def refresh_group() -> None:
        fetched = (
            {a.id: a for a in ctx.store.get_articles(list(wanted))}
            if (ctx.store is not None and wanted)
            else {}
        )
        for story in group:
            ids = story.article_ids[:MAX_ARTICLES]
            arts = [batch.get(i) or known.get(i) or fetched.get(i) for i in ids]
            refresh_story(story, [a for a in arts if a is not None])
        group.clear()
        wanted.clear()

    for story in stories:
        ids = story.article_ids[:MAX_ARTICLES]
        missing = [i for i in ids if i not in batch and i not in known]
        if group and len(wanted) + len(missing) > FETCH_GROUP:
            refresh_group()
        group.append(story)
        wanted.update(dict.fromkeys(missing))
    if group:
        refresh_group()
    if ctx.store is not None:
        ctx.store.put_stories(stories)
    else:
        ctx.cache.setdefault(MEMORY, {}).update({s.id: s for s in stories})
        for a in articles:
            known.setdefault(a.id, a)
    return articles
