"""Single-pass incremental story clustering over a growing corpus.

Each new article is compared with the *live* stories only: stories found through an inverted
index of their centroids' heaviest features (postings ``story_terms``) whose last article is
within ``window_days`` of the new one. It joins the most similar story when the cosine
clears ``threshold``, otherwise it starts a new story. Evidence accumulates: once a story has
grown, it is compared with its neighbours and merged when their centroids have converged
(``merge_threshold``), and a story that has grown into two separate groups is split.

State (all through :mod:`kabar.cluster.state`, i.e. the store or memory):

- namespace ``cluster``: ``df`` (document frequencies), ``story:<id>`` (centroid, members,
  times), ``doc:<article id>`` (the article's vector and its story);
- postings ``story_terms``: feature → story ids (the candidate index).

The per-article cost depends on the number of candidate stories, not on the corpus size.
Same input order, same result: every tie is broken by id, nothing depends on hash order.
"""

from __future__ import annotations

import hashlib
import json
import math
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC

from kabar.cluster import represent
from kabar.cluster.docfreq import StoredDocFreq
from kabar.cluster.represent import Vector, dot, top_terms, unit
from kabar.cluster.state import MemoryState, StateBackend
from kabar.models import Article

NS = "cluster"
TERMS_NS = "story_terms"


@dataclass
class ClusterConfig:
    threshold: float = 0.24  # join the best story at or above this cosine
    # Merge two stories whose centroids are this close (text dates included when undated),
    # and keep a key split only when its halves are less alike than this. Two similar events
    # (two DUI arrests on one team, two emergency patches of one browser) have centroids at
    # 0.55-0.7: at 0.5 the merge step refused their splits and they stayed one story.
    merge_threshold: float = 0.70
    window_days: float = 14.0  # live stories: last article at most this long before
    # An undated article next to a dated story: the time window cannot vouch for it, so the
    # text must (a July preview must not join a January visit for want of a date).
    undated_threshold: float = 0.50
    # Another language than the story's: names, numbers, dates and common news words
    # (represent.bridge: English ones translated to Indonesian) count.
    cross_language_threshold: float = 0.30
    doc_terms: int = 250  # features kept per article vector
    centroid_terms: int = 400  # features kept per story centroid
    index_terms: int = 30  # centroid features posted to the candidate index
    query_terms: int = 30  # article features looked up in the candidate index
    max_candidates: int = 50
    split_every: int = 8  # try a split each time a story has grown by this many articles
    split_threshold: float = 0.12  # split when the two halves are less similar than this
    weights: dict[str, float] = field(default_factory=lambda: dict(represent.BLOCK_WEIGHTS))
    # Without timestamps (the window cannot tell two similar events apart) the dates the
    # text mentions stand in: added to the cosine per time kind both sides mention (year,
    # month, weekday), scale * (agreement - 0.5): the same year lifts a candidate, another
    # year sinks it.
    time_scale: dict[str, float] = field(default_factory=lambda: {"y": 0.3, "m": 0.2, "d": 0.1})
    # An article that names a year (month, weekday) only in passing, once in the body: a
    # third of the agreement (a body mention weighs a third of one in the lead). Stories
    # keep it in full: summed over their members, passing mentions add up to evidence.
    passing_time: float = 1.0 / represent.HEAD_WEIGHT
    # After a join, members of the story and of its close neighbours (centroid cosine at
    # least refine_floor) move to the other story when they fit it this much better;
    # None turns it off. Stories above refine_members are left alone (bounded cost).
    refine_margin: float | None = 0.0
    refine_floor: float = 0.15
    refine_single: float = 0.26  # a lone article moves only at this fit (it has no story)
    refine_neighbours: int = 5
    refine_members: int = 60
    # Split an undated story when at least this many members never mention the year most
    # members name as their main one (0: never).
    year_split: int = 3
    # The same with the main protagonist (the heaviest full name): two arrests of two
    # players of one team, two fights of one boxer against two opponents.
    name_split: int = 5
    # ... and only when its members side clearly with their own half: the mean left-out
    # margin (see OnlineClusterer._margin) at least this. Two events give every member a
    # side; a key that cuts one event in two (an undated half) leaves members halfway.
    split_margin: float = 0.06
    # Weak but clear evidence (see OnlineClusterer._clear_winner); None turns it off.
    weak_ratio: float | None = 2.0
    weak_threshold: float = 0.15
    weak_members: int = 3
    # Key splits try the story's commonest main keys, this many of them (3: +0.001 BCubed F1
    # on ECB+, 12% more time placing a dated article; not worth it).
    split_keys: int = 1


@dataclass
class StoryState:
    id: str
    centroid: Vector = field(default_factory=dict)  # sum of member unit vectors
    members: list[str] = field(default_factory=list)
    weight: int = 0  # members that moved the centroid (duplicates do not)
    first_seen: float | None = None
    last_seen: float | None = None
    grown_since_split: int = 0
    languages: dict[str, int] = field(default_factory=dict)
    cached_direction: Vector | None = field(default=None, repr=False, compare=False)
    cached_norm2: float | None = field(default=None, repr=False, compare=False)
    cached_when: Vector | None = field(default=None, repr=False, compare=False)

    def direction(self) -> Vector:
        if self.cached_direction is None:
            self.cached_direction = unit(self.centroid)
        return self.cached_direction

    def changed(self) -> None:
        self.cached_direction = None
        self.cached_norm2 = None
        self.cached_when = None

    def when(self) -> Vector:
        """The centroid's ``y:`` (time) block, all that ``time_agreement`` reads."""
        if self.cached_when is None:
            self.cached_when = when_part(self.centroid)
        return self.cached_when

    def to_bytes(self) -> bytes:
        payload = {
            "c": {k: round(v, 5) for k, v in self.centroid.items()},
            "m": self.members,
            "w": self.weight,
            "f": self.first_seen,
            "l": self.last_seen,
            "g": self.grown_since_split,
            "lang": self.languages,
        }
        return zlib.compress(json.dumps(payload, separators=(",", ":")).encode())

    @classmethod
    def from_bytes(cls, story_id: str, blob: bytes) -> StoryState:
        p = json.loads(zlib.decompress(blob))
        return cls(
            story_id,
            p["c"],
            p["m"],
            p["w"],
            p["f"],
            p["l"],
            p.get("g", 0),
            p.get("lang", {}),
        )


@dataclass
class DocState:
    story_id: str
    vector: Vector
    when: float | None
    duplicate: bool = False
    passing: str = ""  # time kinds the article names only in passing (represent.passing_kinds)

    def to_bytes(self) -> bytes:
        payload = {
            "s": self.story_id,
            "v": {k: round(v, 5) for k, v in self.vector.items()},
            "t": self.when,
            "d": self.duplicate,
        }
        if self.passing:
            payload["p"] = self.passing
        return zlib.compress(json.dumps(payload, separators=(",", ":")).encode())

    @classmethod
    def from_bytes(cls, blob: bytes) -> DocState:
        p = json.loads(zlib.decompress(blob))
        return cls(p["s"], p["v"], p["t"], p.get("d", False), p.get("p", ""))


def _centroid_cosine(vec: Vector, centroid: Vector, norm2: float, leave_out: bool) -> float | None:
    """Cosine of ``vec`` and a summed ``centroid`` of squared norm ``norm2``; with
    ``leave_out``, of the centroid without ``vec`` (a member), from
    |c - v|^2 = |c|^2 - 2 c.v + |v|^2: no copy of the centroid. None when (almost) nothing
    is left of the centroid."""
    cv = dot(vec, centroid)
    num = cv
    if leave_out:
        vv = sum(x * x for x in vec.values())
        num, norm2 = cv - vv, norm2 - 2.0 * cv + vv
    if norm2 <= 1e-12:
        return None
    return num / math.sqrt(norm2)


def story_id_for(article_id: str) -> str:
    return "s" + hashlib.sha1(article_id.encode()).hexdigest()[:15]


def article_time(article: Article) -> float | None:
    stamp = article.published.value if article.published else article.fetched_at
    if stamp is None:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.timestamp()


def when_part(vec: Vector) -> Vector:
    """The ``y:`` (time) features of a vector."""
    return {k: x for k, x in vec.items() if k.startswith("y:")}


def time_agreement(
    vec: Vector,
    other: Vector,
    scale: dict[str, float],
    passing: str = "",
    passing_weight: float = 1.0,
) -> float:
    """Bonus or penalty from the ``y:`` block: do both sides put the event in the same time?
    The kinds in ``passing`` (``vec`` names them only in passing, see
    ``represent.passing_kinds``) count ``passing_weight`` times as much."""
    if not scale:
        return 0.0
    mine: dict[str, Vector] = {}
    for k, x in vec.items():
        if k.startswith("y:"):
            mine.setdefault(represent.time_kind(k[2:]), {})[k] = x
    if not mine:
        return 0.0
    theirs: dict[str, Vector] = {}
    for k, x in other.items():
        if k.startswith("y:"):
            theirs.setdefault(represent.time_kind(k[2:]), {})[k] = x
    out = 0.0
    for kind, part in mine.items():
        if kind in theirs and scale.get(kind):
            agree = scale[kind] * (dot(unit(part), unit(theirs[kind])) - 0.5)
            out += passing_weight * agree if kind in passing else agree
    return out


def _apart(a: StoryState, b: StoryState, cfg: ClusterConfig) -> bool:
    """Are two dated stories further apart in time than the window? (An undated article
    reaches stories of any date, so its story's neighbours need not be each other's.)"""
    if None in (a.first_seen, a.last_seen, b.first_seen, b.last_seen):
        return False
    gap = max(a.first_seen, b.first_seen) - min(a.last_seen, b.last_seen)  # type: ignore[type-var, operator]
    return gap > cfg.window_days * 86400.0


def main_year(vec: Vector) -> str | None:
    """The year an article names most (head lines count more), if any."""
    years = {k: x for k, x in vec.items() if k.startswith("y:") and k[2:].isdigit()}
    return max(sorted(years), key=lambda k: years[k]) if years else None


def main_name(vec: Vector) -> str | None:
    """The heaviest full name (several words) an article mentions, if any."""
    names = {k: x for k, x in vec.items() if k.startswith("e:") and "_" in k}
    return max(sorted(names), key=lambda k: names[k]) if names else None


def _add(into: Vector, vec: Vector, sign: float = 1.0) -> None:
    for k, x in vec.items():
        v = into.get(k, 0.0) + sign * x
        if abs(v) < 1e-9:
            into.pop(k, None)
        else:
            into[k] = v


def _trim(vec: Vector, k: int) -> Vector:
    if len(vec) <= k:
        return vec
    return {t: vec[t] for t in top_terms(vec, k)}


# The candidate index is cut by time as well as by feature, so that a dated article reads only
# the postings of stories alive near its date: an unbucketed feature's list grows with every
# story ever made, and ranking the top ``max_candidates`` of all time before the window
# filter let old stories crowd out the live ones once the store held months of news.
INDEX_KEY = "index"  # state key: version of the candidate index's layout
INDEX_VERSION = b"time-buckets-1"
MAX_POSTED_BUCKETS = 8  # a long-running story is posted under its newest buckets only
UNDATED = "u"


def bucket_seconds(cfg: ClusterConfig) -> float:
    """Width of a time bucket: half the window, so a query reads about five buckets."""
    return max(86400.0, cfg.window_days * 86400.0 / 2)


def posted_keys(
    terms: list[str], first: float | None, last: float | None, cfg: ClusterConfig
) -> list[str]:
    """Index keys of a story: its plain features (what undated articles look up) and the
    same features per time bucket it spans (``term@bucket``; ``term@u`` when undated)."""
    keys = list(terms)
    if last is None:
        return keys + [f"{t}@{UNDATED}" for t in terms]
    size = bucket_seconds(cfg)
    hi = math.floor(last / size)
    lo = max(math.floor((first if first is not None else last) / size), hi - MAX_POSTED_BUCKETS + 1)
    return keys + [f"{t}@{b}" for b in range(lo, hi + 1) for t in terms]


def query_keys(term: str, when: float | None, cfg: ClusterConfig) -> list[str]:
    """Index keys an article dated ``when`` reads for one feature: the buckets its window
    overlaps and the undated stories; all stories when it has no date itself."""
    if when is None:
        return [term]
    window, size = cfg.window_days * 86400.0, bucket_seconds(cfg)
    buckets = range(math.floor((when - window) / size), math.floor((when + window) / size) + 1)
    return [f"{term}@{UNDATED}"] + [f"{term}@{b}" for b in buckets]


class OnlineClusterer:
    """The incremental clusterer; one instance per batch, state read from and written back."""

    def __init__(
        self,
        backend: StateBackend | None = None,
        config: ClusterConfig | None = None,
        namespace: str = NS,
        terms_namespace: str = TERMS_NS,
    ):
        self.backend: StateBackend = backend if backend is not None else MemoryState()
        self.config = config or ClusterConfig()
        self.ns, self.terms_ns = namespace, terms_namespace
        self.df = StoredDocFreq(self.backend, self.ns)
        if self.backend.get_state(self.ns, [INDEX_KEY]).get(INDEX_KEY) != INDEX_VERSION:
            self._rebuild_index(fresh=not self.df.existed)
        self.stories: dict[str, StoryState] = {}
        self.docs: dict[str, DocState] = {}
        self.dirty_stories: set[str] = set()
        self.deleted_stories: set[str] = set()
        self.dirty_docs: set[str] = set()
        self.reindex: set[str] = set()
        self.overlay: dict[str, set[str]] = {}  # index entries not yet written to the backend

    # --- state access ----------------------------------------------------------------------
    def _story(self, story_id: str) -> StoryState | None:
        if story_id in self.deleted_stories:
            return None
        if story_id not in self.stories:
            blob = self.backend.get_state(self.ns, [f"story:{story_id}"]).get(f"story:{story_id}")
            if blob is None:
                return None
            self.stories[story_id] = StoryState.from_bytes(story_id, blob)
        return self.stories[story_id]

    def _doc(self, article_id: str) -> DocState | None:
        if article_id not in self.docs:
            blob = self.backend.get_state(self.ns, [f"doc:{article_id}"]).get(f"doc:{article_id}")
            if blob is None:
                return None
            self.docs[article_id] = DocState.from_bytes(blob)
        return self.docs[article_id]

    def placed(self, item_id: str) -> DocState | None:
        """How an item was placed: its story id and the vector it was placed with (None when
        it never was). Storylines read it to skip stories that hardly moved."""
        return self._doc(item_id)

    def _candidates(
        self, vec: Vector, when: float | None, exclude: str | None = None
    ) -> list[StoryState]:
        cfg = self.config
        terms = top_terms(vec, cfg.query_terms)
        lookups = {term: query_keys(term, when, cfg) for term in terms}
        hits: dict[str, float] = {}
        posted = self.backend.get_postings(
            self.terms_ns, [k for keys in lookups.values() for k in keys]
        )
        for term, keys in lookups.items():
            # a story posted under two of the buckets still counts the feature once
            found = self.overlay.get(term, set()).union(*(posted.get(k, ()) for k in keys))
            for sid in found:
                hits[sid] = hits.get(sid, 0.0) + vec.get(term, 0.0)
        ranked = sorted(hits, key=lambda s: (-hits[s], s))[: cfg.max_candidates]
        missing = [s for s in ranked if s not in self.stories and s not in self.deleted_stories]
        if missing:  # one read for all candidates, not one per story
            blobs = self.backend.get_state(self.ns, [f"story:{s}" for s in missing])
            for sid in missing:
                blob = blobs.get(f"story:{sid}")
                if blob is not None:
                    self.stories[sid] = StoryState.from_bytes(sid, blob)
        out = []
        window = cfg.window_days * 86400.0
        for sid in sorted(ranked):
            if sid == exclude:
                continue
            story = self._story(sid)
            if story is None or not story.members:
                continue
            outside = (
                when is not None
                and story.last_seen is not None
                and abs(when - story.last_seen) > window
                and not (
                    story.first_seen is not None
                    and story.first_seen - window <= when <= story.last_seen
                )
            )
            if outside:
                continue
            out.append(story)
        return out

    # --- the algorithm ---------------------------------------------------------------------
    def prefetch(self, articles: Iterable[Article]) -> None:
        """Read the document frequencies of a whole batch's features in one query."""
        keys: set[str] = set()
        for article in articles:
            feats = article.prepared("cluster", represent.extract)
            article.set_prepared("cluster", feats)  # computed once, also for add
            keys |= feats.keys()
        self.df.need(keys)

    def _weigh(self, feats: represent.Features, learn: bool) -> Vector:
        if learn:
            self.df.add(feats)
        return _trim(represent.weigh(feats, self.df, self.config.weights), self.config.doc_terms)

    def add(self, article: Article, duplicate_of: str | None = None) -> str:
        """Assign one article (new or re-ingested) to a story; returns the story id."""
        previous = self._doc(article.id)
        feats = article.prepared("cluster", represent.extract)  # a worker may have done it
        vec = self._weigh(feats, learn=previous is None)
        passing = represent.passing_kinds(feats)
        return self.place(
            article.id, vec, article_time(article), duplicate_of, article.language, passing
        )

    def place(
        self,
        item_id: str,
        vec: Vector,
        when: float | None,
        duplicate_of: str | None = None,
        language: str | None = None,
        passing: str = "",
    ) -> str:
        """Assign one item (an article, or a story for storylines) given its vector;
        ``passing``: the time kinds it names only in passing (``represent.passing_kinds``)."""
        cfg = self.config
        self._language = language  # recorded on the story by _attach
        previous = self._doc(item_id)
        if previous is not None:
            self._detach(item_id, previous)

        if duplicate_of and duplicate_of != item_id:
            dup = self._doc(duplicate_of)
            story = self._story(dup.story_id) if dup else None
            if story is not None:
                self._attach(story, item_id, vec, when, duplicate=True, passing=passing)
                return story.id

        if not vec:
            # No usable text: a story of its own rather than noise in someone else's.
            sid = previous.story_id if previous else story_id_for(item_id)
            story = self._story(sid) or StoryState(sid)
            self.stories[sid] = story
            self.deleted_stories.discard(sid)
            self._attach(story, item_id, vec, when, passing=passing)
            return sid

        best: StoryState | None = None
        best_sim = second_sim = 0.0
        candidates = self._candidates(vec, when)
        for story in candidates:
            sim = dot(vec, story.direction())
            if when is None or story.last_seen is None:  # no timestamps: the text's dates
                sim += time_agreement(vec, story.when(), cfg.time_scale, passing, cfg.passing_time)
            if language and story.languages and language not in story.languages:
                # Names, numbers, dates and common news words (English ones translated).
                theirs = max(sorted(story.languages), key=lambda lang: story.languages[lang])
                sim = dot(
                    represent.bridge(vec, language == "en"),
                    represent.bridge(story.centroid, theirs == "en"),
                )
                sim = sim if sim >= cfg.cross_language_threshold else 0.0
                sim = max(sim, cfg.threshold) if sim else 0.0
            if previous is not None and story.id == previous.story_id:
                sim += 0.05  # an edited article keeps its story unless the evidence moved
            if when is None and story.last_seen is not None and sim < cfg.undated_threshold:
                continue
            if sim > best_sim or (sim == best_sim and best is not None and story.id < best.id):
                best, best_sim, second_sim = story, sim, best_sim
            else:
                second_sim = max(second_sim, sim)
        if (
            best is not None
            and best_sim < cfg.threshold
            and not self._clear_winner(best, best_sim, second_sim)
        ):
            best = None
        if best is None:
            sid = previous.story_id if previous else story_id_for(item_id)
            existing = self._story(sid)
            if existing is not None and existing.members and previous is not None:
                sid = story_id_for(item_id + "#" + str(len(existing.members)))
            best = existing if existing is not None and not existing.members else StoryState(sid)
            self.stories[best.id] = best
            self.deleted_stories.discard(best.id)
            self._attach(best, item_id, vec, when, passing=passing)
            return best.id
        self._attach(best, item_id, vec, when, passing=passing)
        merged = self._maybe_merge(best, candidates)
        self._maybe_split(merged)
        if cfg.refine_margin is not None:
            self._refine(self._story(self.docs[item_id].story_id), candidates)
        doc = self.docs[item_id]
        return doc.story_id

    def _attach(
        self,
        story: StoryState,
        article_id: str,
        vec: Vector,
        when: float | None,
        duplicate: bool = False,
        passing: str = "",
    ) -> None:
        cfg = self.config
        story.members.append(article_id)
        language = getattr(self, "_language", None)
        if language:
            story.languages[language] = story.languages.get(language, 0) + 1
        if not duplicate:
            _add(story.centroid, vec)
            story.changed()
            story.centroid = _trim(story.centroid, cfg.centroid_terms)
            story.weight += 1
            story.grown_since_split += 1
        if when is not None:
            story.first_seen = when if story.first_seen is None else min(story.first_seen, when)
            story.last_seen = when if story.last_seen is None else max(story.last_seen, when)
        self.docs[article_id] = DocState(story.id, vec, when, duplicate, passing)
        self.dirty_docs.add(article_id)
        self.dirty_stories.add(story.id)
        self.reindex.add(story.id)
        self._index(story)

    def _index(self, story: StoryState) -> None:
        for term in top_terms(story.centroid, self.config.index_terms):
            self.overlay.setdefault(term, set()).add(story.id)

    def _detach(self, article_id: str, doc: DocState) -> None:
        story = self._story(doc.story_id)
        if story is None or article_id not in story.members:
            return
        story.members.remove(article_id)
        if not doc.duplicate:
            _add(story.centroid, doc.vector, -1.0)
            story.changed()
            story.weight = max(0, story.weight - 1)
        self.dirty_stories.add(story.id)
        self.reindex.add(story.id)

    def _maybe_merge(self, story: StoryState, candidates: list[StoryState]) -> StoryState:
        cfg = self.config
        direction = story.direction()
        best, best_margin = None, 0.0
        for other in candidates:
            if other.id == story.id or not other.members or _apart(story, other, cfg):
                continue
            sim = dot(direction, other.direction())
            if story.last_seen is None or other.last_seen is None:
                sim += time_agreement(story.when(), other.when(), cfg.time_scale)
            margin = sim - cfg.merge_threshold
            if margin < 0:
                continue
            if (
                best is None
                or margin > best_margin
                or (margin == best_margin and other.id < best.id)
            ):
                best, best_margin = other, margin
        if best is None:
            return story
        # The larger (then older by id) story absorbs the smaller: ids stay stable.
        keep, gone = sorted([story, best], key=lambda s: (-len(s.members), s.id))
        for aid in gone.members:
            doc = self._doc(aid)
            if doc is not None:
                doc.story_id = keep.id
                self.dirty_docs.add(aid)
        keep.members.extend(gone.members)
        _add(keep.centroid, gone.centroid)
        keep.changed()
        keep.centroid = _trim(keep.centroid, self.config.centroid_terms)
        keep.weight += gone.weight
        for t in (gone.first_seen, gone.last_seen):
            if t is not None:
                keep.first_seen = t if keep.first_seen is None else min(keep.first_seen, t)
                keep.last_seen = t if keep.last_seen is None else max(keep.last_seen, t)
        gone.members = []
        gone.centroid = {}
        self.deleted_stories.add(gone.id)
        self.dirty_stories.add(keep.id)
        self.reindex.add(keep.id)
        self._index(keep)
        return keep

    def _clear_winner(self, story: StoryState, sim: float, second: float) -> bool:
        """Weak but unambiguous evidence: below the join threshold, an article still joins an
        established story (``weak_members`` or more) that it fits at least ``weak_threshold``
        and ``weak_ratio`` times better than any other candidate (a long piece mostly about
        background shares few words with its event's reports, and none with other stories)."""
        cfg = self.config
        return (
            cfg.weak_ratio is not None
            and sim >= cfg.weak_threshold
            and sim >= cfg.weak_ratio * second
            and story.weight >= cfg.weak_members
        )

    def _lone_fits(self, doc: DocState, src: StoryState, dst: StoryState, fit: float) -> bool:
        """May a lone article join ``dst`` on weak but clear evidence (``_clear_winner``)
        against every other live story it could go to?"""
        cfg = self.config
        if cfg.weak_ratio is None or fit < cfg.weak_threshold or dst.weight < cfg.weak_members:
            return False
        second = 0.0
        for other in self._candidates(doc.vector, doc.when, exclude=src.id):
            if other.id != dst.id:
                second = max(second, self._fit(doc.vector, other, False, doc.passing))
        return self._clear_winner(dst, fit, second)

    def _maybe_split(self, story: StoryState) -> None:
        """Two-means over the members' vectors; split off a group that has drifted apart."""
        cfg = self.config
        if story.grown_since_split < cfg.split_every or story.weight < 2 * cfg.split_every // 2:
            return
        story.grown_since_split = 0
        docs = [(aid, self._doc(aid)) for aid in story.members]
        vectors = [
            (aid, d.vector) for aid, d in docs if d is not None and not d.duplicate and d.vector
        ]
        if len(vectors) < 6:
            return
        undated = story.last_seen is None
        if undated and cfg.year_split:  # with timestamps the window keeps years apart
            by_year = self._key_groups(vectors, main_year, cfg.year_split, undated)
            if by_year is not None:
                self._split_off(story, by_year)
                return
        if cfg.name_split:
            by_name = self._key_groups(vectors, main_name, cfg.name_split, undated)
            if by_name is not None:
                self._split_off(story, by_name)
                return
        # Seeds: the member least similar to the centroid, and the one least similar to it.
        direction = story.direction()
        a = min(vectors, key=lambda av: (dot(av[1], direction), av[0]))
        b = min(vectors, key=lambda av: (dot(av[1], a[1]), av[0]))
        ca, cb = dict(a[1]), dict(b[1])
        groups: tuple[list[str], list[str]] = ([], [])
        for _ in range(5):
            groups = ([], [])
            ua, ub = unit(ca), unit(cb)
            for aid, vec in vectors:
                (groups[0] if dot(vec, ua) >= dot(vec, ub) else groups[1]).append(aid)
            if not groups[0] or not groups[1]:
                return
            ca, cb = {}, {}
            for aid, vec in vectors:
                _add(ca if aid in groups[0] else cb, vec)
        apart = dot(unit(ca), unit(cb))
        if story.last_seen is None:
            apart += time_agreement(ca, cb, cfg.time_scale)
        if min(len(groups[0]), len(groups[1])) < 3 or apart >= cfg.split_threshold:
            return
        self._split_off(story, groups)

    def _key_groups(
        self,
        vectors: list[tuple[str, Vector]],
        key_of: Callable[[Vector], str | None],
        least: int,
        undated: bool,
    ) -> tuple[list[str], list[str]] | None:
        """Two groups seeded by a key each member names as its main one (year, name): the
        story's most common key against the members that never mention it, when there are
        at least ``least`` of those. Then members go to the side they fit best (a few
        k-means steps). Only a split that the merge step would not undo at once."""
        cfg = self.config
        scale = cfg.time_scale if undated else {}
        keys = {aid: k for aid, k in ((aid, key_of(vec)) for aid, vec in vectors) if k}
        ranked = sorted(Counter(keys.values()).items(), key=lambda kv: (-kv[1], kv[0]))
        best: tuple[float, tuple[list[str], list[str]]] | None = None
        for main, _ in ranked[: max(1, cfg.split_keys)]:
            found = self._key_split(vectors, keys, main, least, scale)
            if found is not None and (best is None or found[0] < best[0]):
                best = found
        return best[1] if best is not None else None

    def _key_split(
        self,
        vectors: list[tuple[str, Vector]],
        keys: dict[str, str],
        main: str,
        least: int,
        scale: dict[str, float],
    ) -> tuple[float, tuple[list[str], list[str]]] | None:
        """The split seeded by one key, with how alike its halves stay (lower: cleaner), or
        None when it is too small or the merge step would undo it."""
        cfg = self.config
        # Seeds: members whose main key it is against members that never mention it (a
        # report of the other event often names no year at all); the rest wait for the
        # k-means steps.
        side = {
            aid: 0 if keys.get(aid) == main else (1 if main not in vec else -1)
            for aid, vec in vectors
        }
        if sum(1 for x in side.values() if x == 1) < least:
            return None
        centroids: list[Vector] = [{}, {}]
        for aid, vec in vectors:
            if side[aid] >= 0:
                _add(centroids[side[aid]], vec)
        # The time blocks apart: time_agreement reads nothing else (cheaper than centroids).
        times = {aid: when_part(vec) for aid, vec in vectors} if scale else {}
        groups: tuple[list[str], list[str]] = ([], [])
        for _ in range(3):
            groups = ([], [])
            directions = [unit(c) for c in centroids]
            when = [when_part(c) for c in centroids] if scale else [{}, {}]
            for aid, vec in vectors:
                fits = [
                    dot(vec, d) + time_agreement(times.get(aid, {}), w, scale)
                    for d, w in zip(directions, when, strict=True)
                ]
                groups[0 if fits[0] >= fits[1] else 1].append(aid)
            centroids = [{}, {}]
            side_of = {aid: side for side, members in enumerate(groups) for aid in members}
            for aid, vec in vectors:
                _add(centroids[side_of[aid]], vec)
        if min(len(groups[0]), len(groups[1])) < 3:
            return None
        a, b = centroids
        apart = dot(unit(a), unit(b)) + time_agreement(when_part(a), when_part(b), scale)
        if apart >= cfg.merge_threshold:
            return None
        if self._margin(vectors, groups, (a, b)) < cfg.split_margin:
            return None
        return apart, groups

    @staticmethod
    def _margin(
        vectors: list[tuple[str, Vector]],
        groups: tuple[list[str], list[str]],
        sums: tuple[Vector, Vector],
    ) -> float:
        """How much closer, on average, each member is to its own group (left out of it)
        than to the other group: two events give every member a clear side; two halves of
        one event leave most members halfway (the left-out cosine as in ``_fit``)."""
        vecs = dict(vectors)
        total = 0.0
        for own, other, members in ((sums[0], sums[1], groups[0]), (sums[1], sums[0], groups[1])):
            own2 = sum(x * x for x in own.values())
            towards = unit(other)
            for aid in members:
                vec = vecs[aid]
                stay = _centroid_cosine(vec, own, own2, leave_out=True)
                total += (0.0 if stay is None else stay) - dot(vec, towards)
        return total / max(1, len(groups[0]) + len(groups[1]))

    def _split_off(self, story: StoryState, groups: tuple[list[str], list[str]]) -> None:
        # The group holding the story's first member keeps the id.
        first = story.members[0]
        leave = groups[1] if first in groups[0] else groups[0]
        new = StoryState(story_id_for(leave[0] + "#split"))
        leave_set = set(leave)
        for aid in list(story.members):
            doc = self._doc(aid)
            if doc is None:
                continue
            if aid in leave_set:
                story.members.remove(aid)
                if not doc.duplicate:
                    _add(story.centroid, doc.vector, -1.0)
                    story.changed()
                    story.weight -= 1
                self._attach(new, aid, doc.vector, doc.when, doc.duplicate, doc.passing)
        self.stories[new.id] = new
        self.deleted_stories.discard(new.id)
        self.dirty_stories.update({story.id, new.id})
        self.reindex.update({story.id, new.id})
        self._index(story)

    def _fit(self, vec: Vector, story: StoryState, without: bool, passing: str = "") -> float:
        """Similarity of a vector to a story's centroid (leaving the vector out when it is a
        member, see ``_centroid_cosine``), with the text-date agreement when the story is
        undated."""
        centroid = story.centroid
        if story.cached_norm2 is None:
            story.cached_norm2 = sum(x * x for x in centroid.values())
        sim = _centroid_cosine(vec, centroid, story.cached_norm2, leave_out=without)
        if sim is None:
            return 0.0
        if story.last_seen is None:
            own = story.when()
            if without:
                own = dict(own)
                _add(own, when_part(vec), -1.0)
            cfg = self.config
            sim += time_agreement(vec, own, cfg.time_scale, passing, cfg.passing_time)
        return sim

    def _refine(self, story: StoryState | None, candidates: list[StoryState]) -> None:
        """Local k-means step between the story just joined and its close neighbours: a member
        that fits a neighbour clearly better moves there. Two similar events each get their
        own story only once both exist; articles that came before the second one was
        started sit in the first and are moved here. Cost: members of a few live stories."""
        cfg = self.config
        if story is None or not story.members:
            return
        direction = story.direction()
        near = sorted(
            (-dot(direction, c.direction()), c.id, c)
            for c in candidates
            if c.id != story.id
            and c.members
            and c.id not in self.deleted_stories
            and not _apart(story, c, cfg)
        )
        for neg_sim, _, other in near[: cfg.refine_neighbours]:
            if -neg_sim < cfg.refine_floor:
                break
            for src, dst in ((story, other), (other, story)):
                if len(src.members) > cfg.refine_members:
                    continue
                for aid in list(src.members):
                    doc = self._doc(aid)
                    if doc is None or doc.duplicate or not doc.vector or not src.weight:
                        continue
                    stay = self._fit(doc.vector, src, True, doc.passing)
                    move = self._fit(doc.vector, dst, False, doc.passing)
                    # A lone article has no story to stay in: it needs a clear fit to move.
                    bar = cfg.threshold if src.weight > 1 else cfg.refine_single
                    if move < bar and src.weight == 1 and self._lone_fits(doc, src, dst, move):
                        bar = move
                    if move >= bar and move > stay + cfg.refine_margin:
                        self._move(aid, doc, src, dst)

    def _move(self, aid: str, doc: DocState, src: StoryState, dst: StoryState) -> None:
        src.members.remove(aid)
        _add(src.centroid, doc.vector, -1.0)
        src.changed()
        src.weight -= 1
        self.dirty_stories.add(src.id)
        self.reindex.add(src.id)
        language, self._language = getattr(self, "_language", None), None
        self._attach(dst, aid, doc.vector, doc.when, passing=doc.passing)
        self._language = language
        if not src.members:  # its last member left: the story is gone, as after a merge
            self.deleted_stories.add(src.id)

    # --- persistence -----------------------------------------------------------------------
    def _posted_keys(self, story: StoryState) -> list[str]:
        terms = top_terms(story.centroid, self.config.index_terms)
        return posted_keys(terms, story.first_seen, story.last_seen, self.config)

    def _rebuild_index(self, fresh: bool) -> None:
        """Bring a candidate index written in an older layout to this one (once per store:
        every story's postings are rewritten from its state)."""
        b = self.backend
        if not fresh:
            b.delete_postings(self.terms_ns, None)
            pairs: list[tuple[str, str]] = []
            for key, blob in b.iter_state(self.ns):
                if not key.startswith("story:"):
                    continue
                story = StoryState.from_bytes(key[len("story:") :], blob)
                if story.members:
                    pairs.extend((k, story.id) for k in self._posted_keys(story))
                if len(pairs) >= 50_000:
                    b.add_postings(self.terms_ns, pairs)
                    pairs = []
            b.add_postings(self.terms_ns, pairs)
        b.put_state(self.ns, [(INDEX_KEY, INDEX_VERSION)])

    def flush(self) -> None:
        """Write changed stories, articles, the index and the frequencies back."""
        b = self.backend
        self.df.flush()
        b.put_state(
            self.ns, [(f"doc:{a}", self.docs[a].to_bytes()) for a in sorted(self.dirty_docs)]
        )
        live = sorted(s for s in self.dirty_stories if s not in self.deleted_stories)
        b.put_state(self.ns, [(f"story:{s}", self.stories[s].to_bytes()) for s in live])
        gone = sorted(self.deleted_stories)
        if gone:
            b.delete_state(self.ns, [f"story:{s}" for s in gone])
        touched = sorted(self.reindex | self.deleted_stories)
        if touched:
            b.delete_postings(self.terms_ns, touched)
        pairs = []
        for sid in sorted(self.reindex - self.deleted_stories):
            story = self.stories.get(sid)
            if story is None or not story.members:
                continue
            pairs.extend((k, sid) for k in self._posted_keys(story))
        b.add_postings(self.terms_ns, pairs)
        self.dirty_docs.clear()
        self.dirty_stories.clear()
        self.reindex.clear()
        self.overlay.clear()

    def assignments(self, article_ids: Iterable[str]) -> dict[str, str]:
        out = {}
        for aid in article_ids:
            doc = self._doc(aid)
            if doc is not None:
                out[aid] = doc.story_id
        return out

    def story_members(self, story_ids: Iterable[str]) -> dict[str, list[str]]:
        out = {}
        for sid in story_ids:
            story = self._story(sid)
            if story is not None and story.members:
                out[sid] = list(story.members)
        return out


def cluster_articles(
    articles: Iterable[Article],
    backend: StateBackend | None = None,
    config: ClusterConfig | None = None,
    duplicates: dict[str, str] | None = None,
) -> tuple[dict[str, str], OnlineClusterer]:
    """Run the single pass over ``articles`` in the given order; article id → story id."""
    clusterer = OnlineClusterer(backend, config)
    ids = []
    duplicates = duplicates or {}
    for article in articles:
        clusterer.add(article, duplicates.get(article.id))
        ids.append(article.id)
    clusterer.flush()
    return clusterer.assignments(ids), clusterer


def batch_cluster(
    articles: list[Article], config: ClusterConfig | None = None, refine: int = 2
) -> dict[str, str]:
    """Full re-cluster: IDF from the whole corpus first, one pass in time order, then
    ``refine`` rounds moving each article to its nearest story centroid (k-means steps)."""
    cfg = config or ClusterConfig()
    clusterer = OnlineClusterer(MemoryState(), cfg)
    feats = {a.id: represent.extract(a) for a in articles}
    for f in feats.values():
        clusterer.df.add(f)
    order = sorted(articles, key=lambda a: (article_time(a) or 0.0, a.id))
    vectors = {
        a.id: _trim(represent.weigh(feats[a.id], clusterer.df, cfg.weights), cfg.doc_terms)
        for a in order
    }
    for a in order:
        clusterer.place(a.id, vectors[a.id], article_time(a))
    assign = clusterer.assignments(vectors)
    for _ in range(refine):
        centroids: dict[str, Vector] = {}
        for aid, sid in assign.items():
            _add(centroids.setdefault(sid, {}), vectors[aid])
        directions = {sid: unit(c) for sid, c in centroids.items()}
        index: dict[str, set[str]] = {}
        for sid, c in directions.items():
            for t in top_terms(c, cfg.index_terms):
                index.setdefault(t, set()).add(sid)
        moved = {}
        for aid, vec in vectors.items():
            cands = {s for t in top_terms(vec, cfg.query_terms) for s in index.get(t, ())}
            cands.add(assign[aid])
            best = max(sorted(cands), key=lambda s: dot(vec, directions[s]))
            moved[aid] = best if dot(vec, directions[best]) >= cfg.threshold else assign[aid]
        if moved == assign:
            break
        assign = moved
    return assign
