"""Stage ``summarise``: story title, outlets, times, entities, timeline and summary."""

from __future__ import annotations

from kabar.cluster.stories import MEMORY, TOUCHED, get_stories
from kabar.cluster.story_view import MAX_ARTICLES, refresh_story
from kabar.models import Article
from kabar.pipeline.registry import StageContext, stage


@stage("summarise", requires=("story",), provides=("summary",), scope="corpus")
def summarise_stage(articles: list[Article], ctx: StageContext) -> list[Article]:
    """Refresh every story the batch touched from (at most 40 of) its articles."""
    batch = {a.id: a for a in articles}
    touched = sorted(ctx.cache.pop(TOUCHED, set()) | {a.story_id for a in articles if a.story_id})
    stories = get_stories(ctx.store, ctx.cache, touched)
    known = ctx.cache.setdefault("kabar.reuse.known", {}) if ctx.store is None else {}
    for story in stories:
        ids = story.article_ids[:MAX_ARTICLES]
        missing = [i for i in ids if i not in batch and i not in known]
        fetched = (
            {a.id: a for a in ctx.store.get_articles(missing)}
            if (ctx.store is not None and missing)
            else {}
        )
        arts = [batch.get(i) or known.get(i) or fetched.get(i) for i in ids]
        refresh_story(story, [a for a in arts if a is not None])
    if ctx.store is not None:
        ctx.store.put_stories(stories)
    else:
        ctx.cache.setdefault(MEMORY, {}).update({s.id: s for s in stories})
        for a in articles:
            known.setdefault(a.id, a)
    return articles
