"""What keeps story and storyline placement cheap as the store grows: a candidate index cut
by time (old stories cannot crowd out live ones), and no re-placing of a story that hardly moved."""

from __future__ import annotations

from typing import Any

import pytest

from kabar.cluster.online import (
    INDEX_KEY,
    MAX_POSTED_BUCKETS,
    NS,
    TERMS_NS,
    ClusterConfig,
    OnlineClusterer,
    StoryState,
    posted_keys,
    query_keys,
    story_id_for,
)
from kabar.cluster.state import MemoryState
from kabar.cluster.storylines import link_stories

DAY = 86400.0
VEC = {"w:banjir": 0.6, "w:bandung": 0.5, "e:citarum": 0.4, "w:warga": 0.3}


def _ids_live_last(n: int) -> list[str]:
    """Item ids whose stories sort so that the newest one comes last among equal scores."""
    ids = [f"old{i}" for i in range(n - 1)]
    top = max(story_id_for(i) for i in ids)
    live = next(f"live{k}" for k in range(1000) if story_id_for(f"live{k}") > top)
    return [*ids, live]


def test_live_story_found_past_many_older_stories_with_the_same_words() -> None:
    cfg = ClusterConfig(max_candidates=3)
    backend = MemoryState()
    ids = _ids_live_last(10)
    for i, item in enumerate(ids):  # one story a month: each is outside the last one's window
        clusterer = OnlineClusterer(backend, cfg)
        clusterer.place(item, dict(VEC), i * 30 * DAY)
        clusterer.flush()
    stories = set(OnlineClusterer(backend, cfg).assignments(ids).values())
    assert len(stories) == 10
    clusterer = OnlineClusterer(backend, cfg)
    joined = clusterer.place("next-day", dict(VEC), (9 * 30 + 1) * DAY)
    clusterer.flush()
    # Ranking all stories by shared words first would keep three old ones and drop this one.
    assert joined == story_id_for(ids[-1])


def test_keys_cover_the_window_and_the_story_span() -> None:
    cfg = ClusterConfig(window_days=14.0)
    when = 100 * DAY
    keys = query_keys("w:banjir", when, cfg)
    assert keys[0] == "w:banjir@u" and len(keys) >= 5
    story_keys = posted_keys(["w:banjir"], when - 3 * DAY, when, cfg)
    assert "w:banjir" in story_keys  # undated articles still look stories up by word
    assert set(story_keys) & set(keys)
    assert query_keys("w:banjir", None, cfg) == ["w:banjir"]
    far = posted_keys(["w:banjir"], when - 60 * DAY, when - 60 * DAY, cfg)
    assert not set(far) & set(keys)
    long_story = posted_keys(["w:banjir"], 0.0, 400 * DAY, cfg)
    assert len(long_story) == 1 + MAX_POSTED_BUCKETS


def test_index_in_the_old_layout_is_rebuilt_once() -> None:
    backend = MemoryState()
    clusterer = OnlineClusterer(backend)
    sid = clusterer.place("a1", dict(VEC), 10 * DAY)
    clusterer.flush()
    # What a store written before the time buckets holds: plain feature keys, no version.
    backend.delete_state(NS, [INDEX_KEY])
    backend.delete_postings(TERMS_NS, None)
    backend.add_postings(TERMS_NS, [(t, sid) for t in VEC])
    clusterer = OnlineClusterer(backend)
    assert backend.get_state(NS, [INDEX_KEY])
    posted = backend.get_postings(TERMS_NS, query_keys("w:banjir", 11 * DAY, clusterer.config))
    assert any(sid in ids for ids in posted.values())
    assert clusterer.place("a2", dict(VEC), 11 * DAY) == sid


def _put_story(backend: MemoryState, sid: str, centroid: dict[str, float], n: int) -> None:
    story = StoryState(sid, dict(centroid), [f"{sid}-a{i}" for i in range(n)], n, DAY, DAY)
    backend.put_state(NS, [(f"story:{sid}", story.to_bytes())])


def test_a_story_that_hardly_moved_keeps_its_storyline_without_being_placed_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backend = MemoryState()
    _put_story(backend, "s1", VEC, 1)
    first = link_stories(backend, ["s1"])
    placed: list[str] = []
    real_place = OnlineClusterer.place

    def counting(self: OnlineClusterer, item_id: str, *args: Any, **kwargs: Any) -> str:
        placed.append(item_id)
        return real_place(self, item_id, *args, **kwargs)

    monkeypatch.setattr(OnlineClusterer, "place", counting)
    _put_story(backend, "s1", {k: 2 * x for k, x in VEC.items()} | {"w:hujan": 0.05}, 2)
    assert link_stories(backend, ["s1"]) == first
    assert placed == []
    _put_story(backend, "s1", {"w:pemilu": 1.0, "e:kpu": 0.8}, 3)  # now about something else
    link_stories(backend, ["s1"])
    assert placed == ["s1"]
