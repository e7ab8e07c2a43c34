"""Stage ``pages``: merge the pages of a multi-page article into its first page.

Outlets split long articles over several pages ("Halaman 1 2 3", "Halaman Selanjutnya",
``?page=2``, ``/judul/2``, "Judul (Halaman 2)"). Each page arrives as its own input; this
corpus stage finds the pages that belong together, in the batch and (with a store) among the
stored articles of the same outlet, and merges them into the first page in order:

- the first page gets the follow-up pages' lines appended (their ``Line.index`` continues
  after the first page's last line, so spans stay unique), their raw ids in ``pages`` and
  ``page_number = 1``; a follow-up's repeated headline becomes ``duplicate`` and its lead a
  plain body line; credits, authors and related titles are united.
- each follow-up page gets ``merged_into = <first page id>``, its ``page_number`` and a
  warning "merged into <id> as page N"; it stays in the returned list so the runner can
  skip or delete it (``merged_into`` is the signal).

Pages belong together when they share the outlet and the headline (page markers removed) or
the URL (page part removed), and at least one of them shows pagination. Their order comes
from the URL, the title, the input's name (``..._p2.txt``), a "Halaman 2 dari 3" line, and
failing those from the page shape (the page whose lead carries the dateline is first, the
page with no "next page" link is last).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from kabar.models import Article, Line, LineKind
from kabar.pipeline.clean import article_outlet
from kabar.pipeline.metadata import fold_key, parse_dateline
from kabar.pipeline.registry import StageContext, stage

_URL_QUERY_PAGE_RE = re.compile(r"[?&](?:page|halaman|hal|p|pg|paging)=(\d{1,3})(?=&|#|$)", re.I)
_URL_PATH_PAGE_RE = re.compile(r"/(?:page|halaman|hal)[-/_]?(\d{1,3})/?(?=[?#]|$)", re.I)
# ".../judul-artikel/2": a short number after a segment with letters (not a date path)
_URL_SUFFIX_PAGE_RE = re.compile(r"(/[^/?#]*[A-Za-z][^/?#]*)/(\d{1,2})/?(?=[?#]|$)")
_TITLE_PAGE_RE = re.compile(
    r"^(?P<base>.+?)\s*(?:[-–—|:(]\s*)?(?:halaman|hal\.?|page|bagian|part)\s*(?P<n>\d{1,2})"
    r"(?:\s*(?:dari|of|/)\s*\d{1,2})?\s*\)?\s*$",
    re.I,
)
_ORIGIN_PAGE_RE = re.compile(
    r"(?:[_-]p|[_-]page[_-]?|[_-]hal(?:aman)?[_-]?)(\d{1,2})(?=\.\w+$|$|#)", re.I
)
_PAGE_OF_RE = re.compile(r"(?:halaman|hal\.?|page)\s+(\d{1,2})\s*(?:dari|of|/)\s*(\d{1,2})", re.I)
_NEXT_RE = re.compile(r"\b(selanjutnya|berikutnya|next|lanjut)\b", re.I)
_NUMBERS_RE = re.compile(r"\b\d{1,2}\b")

MAX_STORED = 500  # stored articles of one outlet scanned for the other pages


@dataclass
class PageInfo:
    """What one article says about its place in a series."""

    article: Article
    number: int | None  # from the URL, title, input name or "Halaman 2 dari 3"
    total: int | None
    paginated: bool  # shows pagination (a pagination line, a page in the URL or title)
    has_next: bool  # has a "next page" link
    opens_with_dateline: bool
    title_key: str
    url_key: str | None
    outlet_key: str
    stored: bool = False


def url_page(url: str | None) -> tuple[str, int] | None:
    """``(url without its page part, page number)`` for a paginated URL, else None."""
    if not url:
        return None
    m = _URL_QUERY_PAGE_RE.search(url)
    if m:
        base = url[: m.start()] + url[m.start() : m.start() + 1] + url[m.end() :].lstrip("&")
        return _url_key(base), int(m.group(1))
    m = _URL_PATH_PAGE_RE.search(url)
    if m:
        return _url_key(url[: m.start()] + url[m.end() :]), int(m.group(1))
    m = _URL_SUFFIX_PAGE_RE.search(url)
    if m:
        return _url_key(url[: m.start()] + m.group(1) + url[m.end() :]), int(m.group(2))
    return None


def _url_key(url: str) -> str:
    url = url.split("#", 1)[0].rstrip("?&").rstrip("/")
    return re.sub(r"^https?://(www\.)?", "", url.lower())


def title_page(title: str | None) -> tuple[str, int | None]:
    """``(headline without its page marker, page number or None)``."""
    if not title:
        return "", None
    m = _TITLE_PAGE_RE.match(title.strip())
    if m:
        return m.group("base").strip(" -–—|:("), int(m.group("n"))
    return title.strip(), None


def _outlet_key(article: Article) -> str:
    return (article_outlet(article) or "").casefold()


def page_info(article: Article, *, stored: bool = False) -> PageInfo:
    base_title, title_number = title_page(article.title)
    by_url = url_page(article.url)
    number = by_url[1] if by_url else title_number
    if number is None:
        m = _ORIGIN_PAGE_RE.search(article.origin or "")
        number = int(m.group(1)) if m else None
    total: int | None = None
    paginated = by_url is not None or title_number is not None
    has_next = False
    for ln in article.lines:
        if ln.kind != LineKind.PAGINATION:
            continue
        paginated = True
        m = _PAGE_OF_RE.search(ln.text)
        if m:
            number = number or int(m.group(1))
            total = int(m.group(2))
        elif total is None:
            numbers = [int(x) for x in _NUMBERS_RE.findall(ln.text)]
            total = max(numbers) if numbers else None
        if _NEXT_RE.search(ln.text):
            has_next = True
    lead = next((ln for ln in article.lines if ln.kind == LineKind.LEAD), None)
    opens = lead is not None and parse_dateline(lead.text.strip(), colon=True) is not None
    return PageInfo(
        article=article,
        number=number,
        total=total,
        paginated=paginated,
        has_next=has_next,
        opens_with_dateline=opens,
        title_key=fold_key(base_title),
        url_key=by_url[0] if by_url else (_url_key(article.url) if article.url else None),
        outlet_key=_outlet_key(article),
        stored=stored,
    )


def _order_key(info: PageInfo, position: int) -> tuple[int, int]:
    if info.number is not None:
        return (info.number * 10, position)
    bare_url = info.url_key is not None and url_page(info.article.url) is None
    if info.opens_with_dateline or bare_url:
        return (10, position)  # page 1: the dateline opens it, or its URL has no page part
    if info.paginated and not info.has_next:
        return (10_000, position)  # the last page has no "next" link
    return (5_000, position)


def _body_key(article: Article) -> str:
    kinds = (LineKind.LEAD, LineKind.BODY)
    return fold_key(" ".join(ln.text for ln in article.lines if ln.kind in kinds))[:2000]


def group_pages(infos: list[PageInfo]) -> list[list[PageInfo]]:
    """Sets of pages of one article (two or more), each in page order."""
    parent = list(range(len(infos)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    by_title: dict[tuple[str, str], int] = {}
    by_url: dict[str, int] = {}
    for i, info in enumerate(infos):
        if len(info.title_key) >= 10:
            key = (info.outlet_key, info.title_key)
            if key in by_title:
                union(i, by_title[key])
            else:
                by_title[key] = i
        if info.url_key and url_page(info.article.url) is not None:
            if info.url_key in by_url:
                union(i, by_url[info.url_key])
            else:
                by_url[info.url_key] = i
    for i, info in enumerate(infos):
        # page 1 of a ?page=N series has the bare URL
        if info.url_key and info.url_key in by_url and url_page(info.article.url) is None:
            union(i, by_url[info.url_key])

    groups: dict[int, list[int]] = {}
    for i in range(len(infos)):
        groups.setdefault(find(i), []).append(i)
    out: list[list[PageInfo]] = []
    for members in groups.values():
        if len(members) < 2 or not any(infos[i].paginated for i in members):
            continue
        ordered = sorted(members, key=lambda i: _order_key(infos[i], i))
        pages: list[PageInfo] = []
        seen_numbers: set[int] = set()
        seen_bodies: set[str] = set()
        for i in ordered:
            info = infos[i]
            body = _body_key(info.article)
            if (info.number is not None and info.number in seen_numbers) or body in seen_bodies:
                continue  # the same page twice: deduplication's business, not a merge
            if info.number is not None:
                seen_numbers.add(info.number)
            seen_bodies.add(body)
            pages.append(info)
        if len(pages) >= 2:
            out.append(pages)
    return out


def merge_pages(first: Article, rest: Iterable[Article]) -> Article:
    """Append ``rest`` (in order) to ``first``; mark each as merged into it."""
    offset = max((ln.index for ln in first.lines), default=-1) + 1
    first.page_number = 1
    first.forget_prepared()  # features and summaries of page 1 alone no longer hold
    for number, page in enumerate(rest, start=2):
        if page.raw_id in first.pages or page.id == first.id:
            continue
        for ln in page.lines:
            kind, reason = ln.kind, ln.reason
            if kind == LineKind.TITLE:
                kind, reason = LineKind.DUPLICATE, f"page-title:{page.id}"
            elif kind == LineKind.LEAD:
                kind, reason = LineKind.BODY, f"{reason}:page-{number}"
            first.lines.append(
                Line(
                    index=offset + ln.index, text=ln.text, kind=kind, reason=reason, score=ln.score
                )
            )
        offset += max((ln.index for ln in page.lines), default=-1) + 1
        first.pages.append(page.raw_id)
        for credit in page.credits:
            if not any(c.kind == credit.kind and c.name == credit.name for c in first.credits):
                first.credits.append(credit.model_copy(update={"line": None}))
        first.authors += [a for a in page.authors if a not in first.authors]
        first.editor += [e for e in page.editor if e not in first.editor]
        first.related_titles += [t for t in page.related_titles if t not in first.related_titles]
        page.merged_into = first.id
        page.page_number = number
        page.warnings.append(f"merged into {first.id} as page {number}")
    return first


@stage("pages", requires=("kinds", "title"), provides=("pages",), scope="corpus")
def pages_stage(articles: list[Article], ctx: StageContext) -> list[Article]:
    """Merge multi-page articles (in the batch and with stored pages) into their first page."""
    infos = [page_info(a) for a in articles if a.merged_into is None]
    if ctx.store is not None:
        infos += _stored_candidates(infos, ctx)
    changed_stored: list[Article] = []
    for group in group_pages(infos):
        first = group[0]
        if any(p.article.id == first.article.id for p in group[1:]):
            continue
        merge_pages(first.article, [p.article for p in group[1:]])
        changed_stored += [p.article for p in group if p.stored]
    if changed_stored and ctx.store is not None:
        # stored pages are not in the runner's batch: write what changed on them here
        ctx.store.put_articles(changed_stored)
    ids = {a.id for a in articles}
    out = list(articles) + [a for a in changed_stored if a.id not in ids]
    for a in out:
        if "pages" not in a.stages:
            a.stages.append("pages")
    return out


def _stored_candidates(infos: list[PageInfo], ctx: StageContext) -> list[PageInfo]:
    from kabar.store.base import ArticleFilter

    assert ctx.store is not None
    wanted = [i for i in infos if i.paginated and i.title_key]
    if not wanted:
        return []
    batch_ids = {i.article.id for i in infos}
    by_outlet: dict[str, list[Article]] = {}
    found: list[PageInfo] = []
    for info in wanted:
        outlet = info.article.outlet
        if not outlet:
            continue
        if outlet not in by_outlet:
            try:
                by_outlet[outlet] = ctx.store.list_articles(
                    ArticleFilter(outlet=outlet, limit=MAX_STORED)
                )
            except Exception:  # a store hiccup must not lose the batch's own merges
                by_outlet[outlet] = []
        for stored in by_outlet[outlet]:
            if stored.id in batch_ids or stored.merged_into is not None:
                continue
            cand = page_info(stored, stored=True)
            if cand.title_key == info.title_key or (cand.url_key and cand.url_key == info.url_key):
                found.append(cand)
                batch_ids.add(stored.id)
    return found
