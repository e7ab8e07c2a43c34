"""Stage ``cluster``: incremental story clustering (single pass over the batch)."""

from __future__ import annotations

from kabar.cluster import represent
from kabar.cluster.stories import assign_stories
from kabar.models import Article
from kabar.pipeline.registry import StageContext, stage


@stage(
    "cluster",
    requires=("fingerprint", "title"),
    provides=("story",),
    scope="corpus",
    prepare=represent.extract,  # the article's features (stemming is most of the cost)
)
def cluster_stage(articles: list[Article], ctx: StageContext) -> list[Article]:
    """Give each article a story: join the nearest live story or start one; write stories."""
    ordered = sorted(
        articles,
        key=lambda a: (a.published.value.timestamp() if a.published else float("inf"), a.id),
    )
    assign_stories(ordered, ctx.store, ctx.cache)
    return articles
