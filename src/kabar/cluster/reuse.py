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
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from kabar.cluster.minhash import PARA_BANDS, PARA_MIN_WORDS, paragraph_signatures
from kabar.cluster.state import StateBackend
from kabar.cluster.text import STOPWORDS, normalise, words
from kabar.models import Article

NS = "reuse"
IN_NS = "reuse_in"  # postings: key = an article, value = a later article with links to it
PARA_NS = "lsh_para"
REWRITE = 0.6  # Dice over content words at or above which two paragraphs are one passage
MAX_CANDIDATES = 30  # per article: a spam burst must not make every copy compare with all
MAX_LINKS = 200  # stored per article
FETCH_GROUP = 500  # stored candidate articles held in memory at once


@dataclass(frozen=True)
class ReuseLink:
    line: int  # paragraph (line index) in this article
    other: str  # the other article's id
    other_line: int
    similarity: float
    direction: str  # "copied_from" (this one took it), "copied_by", "unknown"


def _content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in words(text) if w not in STOPWORDS and len(w) > 1)


def dice(a: frozenset[str], b: frozenset[str]) -> float:
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


def direction(a: Article, b: Article) -> str:
    """Direction of reuse seen from ``a``: "copied_from" b, "copied_by" b, or "unknown"."""
    a_out, b_out = _outlet_key(a), _outlet_key(b)
    if b_out and any(b_out in n or n in b_out for n in _credited_names(a) if n):
        return "copied_from"
    if a_out and any(a_out in n or n in a_out for n in _credited_names(b) if n):
        return "copied_by"
    ta = a.published.value if a.published else None
    tb = b.published.value if b.published else None
    if ta is not None and tb is not None and ta != tb:
        try:
            return "copied_from" if ta > tb else "copied_by"
        except TypeError:  # naive and aware datetimes: no direction rather than a crash
            return "unknown"
    return "unknown"


Paragraphs = list[tuple[int, frozenset[str]]]


def _paragraphs(article: Article) -> Paragraphs:
    """(line index, content words) of the paragraphs long enough to align."""
    paras = [(ln.index, _content_words(ln.text)) for ln in article.text_lines]
    return [(i, s) for i, s in paras if len(s) >= PARA_MIN_WORDS // 2]


def align(
    a: Article,
    b: Article,
    threshold: float = REWRITE,
    paras: dict[str, Paragraphs] | None = None,
) -> list[ReuseLink]:
    """Paragraph pairs of ``a`` and ``b`` that are the same passage; one best match each.

    ``paras`` memoises each article's paragraph word sets by id (one article is aligned with
    up to ``MAX_CANDIDATES`` others in a batch).
    """
    if paras is None:
        paras_a, paras_b = _paragraphs(a), _paragraphs(b)
    else:
        if a.id not in paras:
            paras[a.id] = _paragraphs(a)
        if b.id not in paras:
            paras[b.id] = _paragraphs(b)
        paras_a, paras_b = paras[a.id], paras[b.id]
    if not paras_a or not paras_b:
        return []
    way = direction(a, b)
    links = []
    used_b: set[int] = set()
    for ia, sa in paras_a:
        best, best_sim = None, threshold
        for ib, sb in paras_b:
            if ib in used_b:
                continue
            sim = dice(sa, sb)
            if sim >= best_sim and (best is None or sim > best_sim):
                best, best_sim = ib, sim
        if best is not None:
            used_b.add(best)
            links.append(ReuseLink(ia, b.id, best, round(best_sim, 3), way))
    return links


def _flip(link: ReuseLink, article_id: str) -> ReuseLink:
    flipped = {"copied_from": "copied_by", "copied_by": "copied_from"}.get(
        link.direction, "unknown"
    )
    return ReuseLink(link.other_line, article_id, link.line, link.similarity, flipped)


def find_reuse(
    articles: list[Article],
    backend: StateBackend,
    fetch: callable | None = None,  # type: ignore[valid-type]
    known: dict[str, Article] | None = None,
) -> dict[str, list[ReuseLink]]:
    """Index the batch's paragraphs, align each article with its candidates, store links.

    ``fetch(ids)`` returns stored articles (``store.get_articles``); ``known`` holds articles
    already seen in memory (runs without a store). Returns the new links per article.
    """
    from kabar.cluster.minhash import LSHIndex

    index = LSHIndex(backend, PARA_NS, PARA_BANDS)
    known = known if known is not None else {}
    batch = {a.id: a for a in articles}
    signatures = {a.id: paragraph_signatures(a) for a in articles}
    # Re-ingested articles: their old buckets go, so stale paragraphs stop matching.
    index.remove(batch)
    # One write for the batch's buckets and one read for all of them (not one per article and
    # per paragraph): the same postings as inserting everything first and querying after.
    index.insert((aid, sig) for aid, sigs in signatures.items() for _, sig in sigs)
    keys = {aid: [index.keys(sig) for _, sig in sigs] for aid, sigs in signatures.items()}
    posted = backend.get_postings(
        PARA_NS, [k for per_sig in keys.values() for sig_keys in per_sig for k in sig_keys]
    )
    ranked_for: dict[str, list[str]] = {}
    for article in articles:
        counts: dict[str, int] = {}
        for sig_keys in keys[article.id]:
            cands = {c for k in sig_keys for c in posted.get(k, ()) if c != article.id}
            for cand in cands:
                counts[cand] = counts.get(cand, 0) + 1
        ranked_for[article.id] = sorted(counts, key=lambda c: (-counts[c], c))[:MAX_CANDIDATES]

    found: dict[str, list[ReuseLink]] = {}
    paras: dict[str, Paragraphs] = {}
    # Stored candidates are read for a group of articles at a time (at most FETCH_GROUP).
    group: list[Article] = []
    wanted: dict[str, None] = {}

    def align_group() -> None:
        fetched = {x.id: x for x in fetch(list(wanted))} if (fetch and wanted) else {}
        for article in group:
            links: list[ReuseLink] = []
            for cand in ranked_for[article.id]:
                other = batch.get(cand) or known.get(cand) or fetched.get(cand)
                if other is None:
                    continue
                links.extend(align(article, other, paras=paras))
            found[article.id] = links
        for aid in fetched:
            paras.pop(aid, None)
        group.clear()
        wanted.clear()

    for article in articles:
        missing = [c for c in ranked_for[article.id] if c not in batch and c not in known]
        if group and len(wanted) + len(missing) > FETCH_GROUP:
            align_group()
        group.append(article)
        wanted.update(dict.fromkeys(missing))
    if group:
        align_group()
    for article in articles:
        known[article.id] = article
    _store_links(backend, found)
    return found


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
