"""Syndication and text reuse: which paragraphs of an article appear in another one.

Candidates come from paragraph-level LSH (postings ``lsh_para``), so a piece that copies two
paragraphs of a wire report is found even when the rest differs. Each candidate pair is then
aligned paragraph by paragraph: a pair of paragraphs counts as reuse when their content-word
sets overlap strongly (Dice >= ``REWRITE``; identical text scores 1.0). Dice over words, not
over word n-grams, so a translated-and-edited paragraph that reorders clauses still aligns.

Direction, when the evidence gives one: a wire credit ("Sumber Antara", "dikutip dari ...")
naming the other article's outlet says who copied whom; otherwise the earlier publication is
the source. Results live in store state (namespace ``reuse``, key article id, JSON list of
``{"line", "other", "other_line", "similarity", "direction"}``), written once, by the article
that found them; postings ``reuse_in`` (key: the other article) let the other side read them
back, flipped. Writing only the new side keeps the cost of a new article flat as the store
grows: rewriting every candidate's list (the first design) grew with how often its
paragraphs had been reused.

What alignment needs of an article (outlet, credited names, publication time, and per
paragraph the hashed set of its content words) is kept as a compact *sketch* in state
``reuse_sketch``, written when the article is aligned, so a candidate costs one small read
instead of parsing the stored article and tokenising its paragraphs again: with up to
``MAX_CANDIDATES`` candidates per article, that parsing was what grew with the store.
Articles stored before sketches existed are read in full once and sketched.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from kabar.cluster.minhash import PARA_BANDS, PARA_MIN_WORDS, paragraph_signatures
from kabar.cluster.state import StateBackend
from kabar.cluster.text import STOPWORDS, normalise, words
from kabar.models import Article

NS = "reuse"
IN_NS = "reuse_in"  # postings: key = an article, value = a later article with links to it
PARA_NS = "lsh_para"
SKETCH_NS = "reuse_sketch"
REWRITE = 0.6  # Dice over content words at or above which two paragraphs are one passage
MAX_CANDIDATES = 30  # per article: a spam burst must not make every copy compare with all
MAX_BUCKET = 32  # articles indexed per paragraph bucket (see find_reuse)
MAX_LINKS = 200  # stored per article
FETCH_GROUP = 500  # stored candidate articles held in memory at once


@dataclass(frozen=True)
class ReuseLink:
    line: int  # paragraph (line index) in this article
    other: str  # the other article's id
    other_line: int
    similarity: float
    direction: str  # "copied_from" (this one took it), "copied_by", "unknown"


def _content_words(text: str) -> frozenset[int]:
    """The paragraph's content words, each as a CRC-32 (stable across processes, unlike
    ``hash``; a collision between two words of two paragraphs is too rare to move Dice)."""
    return frozenset(
        zlib.crc32(w.encode()) for w in words(text) if w not in STOPWORDS and len(w) > 1
    )


def dice(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def _credited_names(article: Article) -> set[str]:
    names = set()
    for credit in article.credits:
        if credit.kind in {"wire", "quoted_from", "source"}:
            names.add(normalise(credit.name))
    return names


def _outlet_key(article: Article) -> str:
    return normalise((article.outlet or "").split(".")[0])


Paragraphs = list[tuple[int, frozenset[int]]]


@dataclass(frozen=True)
class Sketch:
    """What aligning needs of one article."""

    id: str
    outlet: str  # normalised outlet key
    credited: tuple[str, ...]  # normalised names of wires and sources it credits
    published: datetime | None
    paragraphs: Paragraphs


def sketch(article: Article) -> Sketch:
    paras = [(ln.index, _content_words(ln.text)) for ln in article.text_lines]
    return Sketch(
        id=article.id,
        outlet=_outlet_key(article),
        credited=tuple(sorted(_credited_names(article))),
        published=article.published.value if article.published else None,
        paragraphs=[(i, s) for i, s in paras if len(s) >= PARA_MIN_WORDS // 2],
    )


def encode_sketch(sk: Sketch) -> bytes:
    """A JSON head (outlet, credits, time) and the paragraphs as little-endian uint32s:
    line, word count, the words' hashes; about 1 KB for a 600-word article."""
    head = json.dumps(
        [sk.outlet, list(sk.credited), sk.published.isoformat() if sk.published else None],
        separators=(",", ":"),
    ).encode()
    numbers: list[int] = []
    for line, hashes in sk.paragraphs:
        numbers += [line, len(hashes), *sorted(hashes)]
    return struct.pack("<I", len(head)) + head + struct.pack(f"<{len(numbers)}I", *numbers)


def decode_sketch(article_id: str, blob: bytes) -> Sketch:
    (size,) = struct.unpack_from("<I", blob)
    outlet, credited, published = json.loads(blob[4 : 4 + size])
    numbers = struct.unpack_from(f"<{(len(blob) - 4 - size) // 4}I", blob, 4 + size)
    paras: Paragraphs = []
    i = 0
    while i + 1 < len(numbers):
        line, n = numbers[i], numbers[i + 1]
        paras.append((line, frozenset(numbers[i + 2 : i + 2 + n])))
        i += 2 + n
    return Sketch(
        article_id,
        outlet,
        tuple(credited),
        datetime.fromisoformat(published) if published else None,
        paras,
    )


def direction(a: Article | Sketch, b: Article | Sketch) -> str:
    """Direction of reuse seen from ``a``: "copied_from" b, "copied_by" b, or "unknown"."""
    sa, sb = _as_sketch(a), _as_sketch(b)
    if sb.outlet and any(sb.outlet in n or n in sb.outlet for n in sa.credited if n):
        return "copied_from"
    if sa.outlet and any(sa.outlet in n or n in sa.outlet for n in sb.credited if n):
        return "copied_by"
    ta, tb = sa.published, sb.published
    if ta is not None and tb is not None and ta != tb:
        try:
            return "copied_from" if ta > tb else "copied_by"
        except TypeError:  # naive and aware datetimes: no direction rather than a crash
            return "unknown"
    return "unknown"


def _as_sketch(x: Article | Sketch) -> Sketch:
    return x if isinstance(x, Sketch) else sketch(x)


def align(a: Article | Sketch, b: Article | Sketch, threshold: float = REWRITE) -> list[ReuseLink]:
    """Paragraph pairs of ``a`` and ``b`` that are the same passage; one best match each."""
    sa, sb = _as_sketch(a), _as_sketch(b)
    if not sa.paragraphs or not sb.paragraphs:
        return []
    way = direction(sa, sb)
    links = []
    used_b: set[int] = set()
    for ia, wa in sa.paragraphs:
        best, best_sim = None, threshold
        for ib, wb in sb.paragraphs:
            if ib in used_b:
                continue
            sim = dice(wa, wb)
            if sim >= best_sim and (best is None or sim > best_sim):
                best, best_sim = ib, sim
        if best is not None:
            used_b.add(best)
            links.append(ReuseLink(ia, sb.id, best, round(best_sim, 3), way))
    return links


def _flip(link: ReuseLink, article_id: str) -> ReuseLink:
    flipped = {"copied_from": "copied_by", "copied_by": "copied_from"}.get(
        link.direction, "unknown"
    )
    return ReuseLink(link.other_line, article_id, link.line, link.similarity, flipped)


ReuseInputs = tuple[Sketch, list[tuple[int, list[int]]]]


def reuse_inputs(article: Article) -> ReuseInputs:
    """The article's sketch and paragraph signatures: all the reuse stage computes from
    the article alone (a worker process does it, see ``Stage.prepare``)."""
    return sketch(article), paragraph_signatures(article)


def find_reuse(
    articles: list[Article],
    backend: StateBackend,
    fetch: Callable[[list[str]], list[Article]] | None = None,
    known: dict[str, Article] | None = None,
) -> dict[str, list[ReuseLink]]:
    """Index the batch's paragraphs, align each article with its candidates, store links.

    Candidates are read as sketches (state ``reuse_sketch``); one with no sketch yet (stored
    before sketches existed) is read in full through ``fetch(ids)`` (``store.get_articles``)
    or ``known`` (articles seen in memory, runs without a store) and sketched once.
    Returns the new links per article.
    """
    from kabar.cluster.minhash import LSHIndex

    index = LSHIndex(backend, PARA_NS, PARA_BANDS)
    inputs = {a.id: a.prepared("reuse", reuse_inputs) for a in articles}
    sketches = {aid: sk for aid, (sk, _) in inputs.items()}
    signatures = {aid: sigs for aid, (_, sigs) in inputs.items()}
    # Re-ingested articles: their old buckets go, so stale paragraphs stop matching.
    index.remove([a.id for a in articles])
    # One read for all of the batch's buckets and one write (not one per article and per
    # paragraph); the batch's own entries are added in memory, as if inserted before the read.
    keys = {aid: [index.keys(sig) for _, sig in sigs] for aid, sigs in signatures.items()}
    posted = backend.get_postings(
        PARA_NS, [k for per_sig in keys.values() for sig_keys in per_sig for k in sig_keys]
    )
    stored = {k: len(ids) for k, ids in posted.items()}
    new_pairs: dict[tuple[str, str], None] = {}
    for aid, per_sig in keys.items():
        for sig_keys in per_sig:
            for k in sig_keys:
                new_pairs[(k, aid)] = None
    for k, aid in new_pairs:
        posted.setdefault(k, []).append(aid)
    # A bucket already holding MAX_BUCKET articles (a wire paragraph copied everywhere, a spam
    # burst) takes no more: later copies still find those first ones, the source among them,
    # and reading a bucket stays bounded however often its paragraph recurs.
    backend.add_postings(PARA_NS, [p for p in new_pairs if stored.get(p[0], 0) < MAX_BUCKET])
    ranked_for: dict[str, list[str]] = {}
    for article in articles:
        counts: dict[str, int] = {}
        for sig_keys in keys[article.id]:
            cands = {c for k in sig_keys for c in posted.get(k, ()) if c != article.id}
            for cand in cands:
                counts[cand] = counts.get(cand, 0) + 1
        ranked_for[article.id] = sorted(counts, key=lambda c: (-counts[c], c))[:MAX_CANDIDATES]

    backend.put_state(SKETCH_NS, [(aid, encode_sketch(sk)) for aid, sk in sorted(sketches.items())])
    found: dict[str, list[ReuseLink]] = {}
    # Candidates' sketches are read for a group of articles at a time (at most FETCH_GROUP).
    group: list[Article] = []
    wanted: dict[str, None] = {}

    def align_group() -> None:
        others = _read_sketches(backend, list(wanted), fetch, known or {})
        for article in group:
            mine = sketches[article.id]
            links: list[ReuseLink] = []
            for cand in ranked_for[article.id]:
                other = sketches.get(cand) or others.get(cand)
                if other is not None:
                    links.extend(align(mine, other))
            found[article.id] = links
        group.clear()
        wanted.clear()

    for article in articles:
        missing = [c for c in ranked_for[article.id] if c not in sketches]
        if group and len(wanted) + len(missing) > FETCH_GROUP:
            align_group()
        group.append(article)
        wanted.update(dict.fromkeys(missing))
    if group:
        align_group()
    if known is not None:
        for article in articles:
            known[article.id] = article
    _store_links(backend, found)
    return found


def _read_sketches(
    backend: StateBackend,
    ids: list[str],
    fetch: Callable[[list[str]], list[Article]] | None,
    known: dict[str, Article],
) -> dict[str, Sketch]:
    if not ids:
        return {}
    out = {aid: decode_sketch(aid, blob) for aid, blob in backend.get_state(SKETCH_NS, ids).items()}
    older = [aid for aid in ids if aid not in out]
    if older:  # stored before sketches existed: sketch them once
        articles = [known[a] for a in older if a in known]
        if fetch is not None:
            articles += fetch([a for a in older if a not in known])
        made = {a.id: sketch(a) for a in articles}
        backend.put_state(SKETCH_NS, [(aid, encode_sketch(sk)) for aid, sk in sorted(made.items())])
        out.update(made)
    return out


def _store_links(backend: StateBackend, found: dict[str, list[ReuseLink]]) -> None:
    backend.put_state(NS, [(aid, _dump(links)) for aid, links in sorted(found.items())])
    backend.delete_postings(IN_NS, sorted(found))  # a re-ingested article's old claims
    backend.add_postings(
        IN_NS,
        sorted({(link.other, aid) for aid, links in found.items() for link in links}),
    )


def _sorted(links: Iterable[ReuseLink]) -> list[ReuseLink]:
    return sorted(links, key=lambda link: (link.line, link.other, link.other_line))[:MAX_LINKS]


def _dump(links: Iterable[ReuseLink]) -> bytes:
    rows = [
        {
            "line": x.line,
            "other": x.other,
            "other_line": x.other_line,
            "similarity": x.similarity,
            "direction": x.direction,
        }
        for x in _sorted(links)
    ]
    return json.dumps(rows, separators=(",", ":")).encode()


def _load(blob: bytes | None) -> list[ReuseLink]:
    return [ReuseLink(**d) for d in json.loads(blob)] if blob else []


def reuse_for(store: StateBackend, article_id: str) -> list[ReuseLink]:
    """The paragraphs of ``article_id`` that appear in other articles (for its page): its own
    links, and those later articles found to it, flipped (own links win for the same other)."""
    own = _load(store.get_state(NS, [article_id]).get(article_id))
    covered = {link.other for link in own}
    later = sorted(set(store.get_postings(IN_NS, [article_id]).get(article_id, [])) - covered)
    incoming: list[ReuseLink] = []
    for other, blob in sorted(store.get_state(NS, later[:MAX_LINKS]).items()):
        incoming.extend(_flip(x, other) for x in _load(blob) if x.other == article_id)
    return _sorted(own + incoming)
