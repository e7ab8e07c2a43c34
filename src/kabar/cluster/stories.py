"""Story records around the clusterer: duplicates lookup, Story upkeep, memory or store."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from kabar.cluster.docfreq import rows_namespace
from kabar.cluster.minhash import ARTICLE_BANDS, LSHIndex
from kabar.cluster.online import ClusterConfig, OnlineClusterer
from kabar.cluster.state import StateBackend, backend_for
from kabar.models import Article, Story

FP_NS = "fp"
LSH_NS = "lsh"
TOUCHED = "kabar.stories.touched"
MEMORY = "kabar.stories"


def _when(ts: float | None) -> datetime | None:
    return datetime.fromtimestamp(ts, tz=UTC) if ts is not None else None


def find_duplicate(backend: StateBackend, article: Article) -> str | None:
    """An earlier article this one copies: same normalised text, or >= 2 shared LSH bands
    (with 16 bands of 8 rows that means an estimated Jaccard of about 0.8 or more)."""
    if article.fingerprint:
        same = [
            a
            for a in backend.get_postings(FP_NS, [article.fingerprint]).get(article.fingerprint, [])
            if a != article.id
        ]
        if same:
            return sorted(same)[0]
    index = LSHIndex(backend, LSH_NS, ARTICLE_BANDS)
    keys = index.keys(article.minhash)
    if not keys:
        return None
    counts: dict[str, int] = {}
    for ids in backend.get_postings(LSH_NS, keys).values():
        for aid in set(ids):
            if aid != article.id:
                counts[aid] = counts.get(aid, 0) + 1
    best = sorted((-c, a) for a, c in counts.items() if c >= 2)
    return best[0][1] if best else None


def index_duplicates(backend: StateBackend, articles: Iterable[Article]) -> None:
    items = list(articles)
    backend.add_postings(FP_NS, [(a.fingerprint, a.id) for a in items if a.fingerprint])
    LSHIndex(backend, LSH_NS, ARTICLE_BANDS).insert((a.id, a.minhash) for a in items if a.minhash)


def assign_stories(
    articles: list[Article],
    store: Any | None,
    cache: dict[str, Any],
    config: ClusterConfig | None = None,
) -> list[Article]:
    """Cluster a batch (in the given order) and write the touched stories."""
    backend = backend_for(store, cache)
    live = [a for a in articles if getattr(a, "merged_into", None) is None]
    ids = [a.id for a in live]
    for ns in (FP_NS, LSH_NS):  # an edited re-ingest must not find its own old version
        backend.delete_postings(ns, ids)
    clusterer = OnlineClusterer(
        backend, config or ClusterConfig(**cache.get("kabar.cluster.config", {}))
    )
    clusterer.prefetch(live)
    for article in live:
        dup = find_duplicate(backend, article) if (article.fingerprint or article.minhash) else None
        article.story_id = clusterer.add(article, dup)
        index_duplicates(backend, [article])
    for article in live:  # a merge or split later in the batch may have moved it
        doc = clusterer.docs.get(article.id)
        if doc is not None:
            article.story_id = doc.story_id
    touched = set(clusterer.dirty_stories) | set(clusterer.deleted_stories)
    gone = sorted(
        s
        for s in clusterer.deleted_stories
        if s not in clusterer.stories or not clusterer.stories[s].members
    )
    stories = []
    for sid in sorted(touched - set(gone)):
        state = clusterer.stories.get(sid)
        if state is None or not state.members:
            gone.append(sid)
            continue
        old = _get_story(store, cache, sid)
        story = old.model_copy() if old else Story(id=sid)
        story.article_ids = list(state.members)
        story.first_seen, story.last_seen = _when(state.first_seen), _when(state.last_seen)
        stories.append(story)
    clusterer.flush()
    _put_stories(store, cache, stories, sorted(set(gone)))
    cache.setdefault(TOUCHED, set()).update(s.id for s in stories)
    return articles


def _get_story(store: Any | None, cache: dict[str, Any], sid: str) -> Story | None:
    if store is not None:
        return store.get_story(sid)
    return cache.get(MEMORY, {}).get(sid)


def _put_stories(
    store: Any | None, cache: dict[str, Any], stories: list[Story], gone: list[str]
) -> None:
    if store is not None:
        if gone:
            store.delete_stories(gone)
        if stories:
            store.put_stories(stories)
        return
    mem = cache.setdefault(MEMORY, {})
    for sid in gone:
        mem.pop(sid, None)
    for story in stories:
        mem[story.id] = story


def get_stories(store: Any | None, cache: dict[str, Any], ids: Iterable[str]) -> list[Story]:
    return [s for s in (_get_story(store, cache, sid) for sid in sorted(set(ids))) if s is not None]


def rebuild_stories(store: Any, batch: int = 500) -> int:
    """Full re-cluster: forget stories, storylines and their state, replay every stored
    article in publication order through cluster → storylines → summarise."""
    from kabar.pipeline.cluster import cluster_stage
    from kabar.pipeline.registry import StageContext
    from kabar.pipeline.storylines import storylines_stage
    from kabar.pipeline.summarise import summarise_stage

    old = [s.id for s in store.list_stories(limit=10**9)]
    if old:
        store.delete_stories(old)
    for ns in ("cluster", "storyline"):
        store.delete_state(ns)
        store.delete_state(rows_namespace(ns))
    for ns in ("story_terms", "storyline_terms", FP_NS, LSH_NS):
        store.delete_postings(ns)
    keys = []
    for a in store.iter_articles():
        if getattr(a, "merged_into", None) is None:
            keys.append((a.published.value.timestamp() if a.published else float("inf"), a.id))
    keys.sort()
    ctx = StageContext(store=store)
    done = 0
    for start in range(0, len(keys), batch):
        articles = store.get_articles([aid for _, aid in keys[start : start + batch]])
        for a in articles:
            if not a.fingerprint:
                from kabar.cluster.minhash import article_signature, fingerprint

                a.fingerprint, a.minhash = fingerprint(a), article_signature(a)
        articles = cluster_stage(articles, ctx)
        articles = storylines_stage(articles, ctx)
        articles = summarise_stage(articles, ctx)
        store.put_articles(articles)
        done += len(articles)
    return done
