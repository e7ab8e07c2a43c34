"""Stage ``reuse``: paragraphs shared with other articles (syndication, rewrites)."""

from __future__ import annotations

from kabar.cluster.reuse import find_reuse, reuse_inputs
from kabar.cluster.state import backend_for
from kabar.models import Article
from kabar.pipeline.registry import StageContext, stage


@stage(
    "reuse",
    requires=("fingerprint",),
    provides=("reuse",),
    scope="corpus",
    prepare=reuse_inputs,  # paragraph word sets and MinHash signatures
)
def reuse_stage(articles: list[Article], ctx: StageContext) -> list[Article]:
    """Align each article's paragraphs with LSH candidates; links go to state ``reuse``."""
    live = [a for a in articles if getattr(a, "merged_into", None) is None]
    backend = backend_for(ctx.store, ctx.cache)
    known = ctx.cache.setdefault("kabar.reuse.known", {}) if ctx.store is None else None
    fetch = ctx.store.get_articles if ctx.store is not None else None
    find_reuse(live, backend, fetch=fetch, known=known)
    return articles
