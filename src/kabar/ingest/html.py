"""HTML pages to candidate lines: one fast DOM pass, then a body-vs-boilerplate decision.

``html_to_lines(content, url)`` turns raw page bytes into the same shape as a text dump (one
line per paragraph-like block, in reading order) plus kabar's own DOM-aware label for every
line and the metadata hints the page carries (title, dates, author, site name, canonical URL,
language, section). ``pipeline/decode.py`` copies the labels onto ``Line.kind/reason/score``;
the text cleaner may refine them.

How the decision is made (see ``docs/extraction.md``):
1. bytes → str: BOM, HTTP charset, ``<meta charset>``, strict UTF-8, charset-normalizer.
2. selectolax (Lexbor) parse; one iterative walk (no recursion: 10k-deep pages are fine) that
   drops scripts/styles/forms controls/hidden nodes and cuts the visible text into lines at
   block boundaries, recording per line: link characters, the innermost block tag, the
   enclosing landmark tags (nav/header/footer/aside/figure/...) and boilerplate or content
   cues found in ancestors' ``class``/``id``/``role``/``itemprop`` names, each with its depth.
3. Every DOM element covers a contiguous range of lines, so the main-content container is the
   element whose lines give the best score (long, link-poor prose counts for it; link lists,
   short fragments and landmark boilerplate count against it), found in one pass.
4. Each line is then labelled by a small set of generic rules (cues *below* the container,
   wrapper names ignored, teaser lists, link density, headings, the standfirst between the
   headline and the container). No model is trained; thresholds were set on the trafilatura
   evaluation pages (the development set), and failures on both evaluation sets were read by
   type only: no site names, no page-specific patterns.
5. When the container holds almost nothing (< :data:`MIN_BODY_CHARS`), the page's JSON-LD
   ``articleBody`` and then trafilatura are asked, and the lines they cover become body.

Bounded: pages larger than :data:`MAX_HTML_BYTES` are truncated (with a warning), at most
:data:`MAX_LINES` lines are kept, and a page that cannot be parsed returns an empty page with a
warning instead of raising.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from kabar.models import TEXT_KINDS, LineKind

#: Pages above this size are cut here before parsing (a warning says so). Real article pages
#: are well under 2 MB; this keeps a 50 MB page to under a second and ~100 MB of memory.
MAX_HTML_BYTES = 8 * 1024 * 1024
#: Lines kept per page (a listing page with more is truncated, with a warning).
MAX_LINES = 20_000
#: Characters kept per line.
MAX_LINE_CHARS = 50_000
#: Cue-bearing ancestors remembered per line; deeper ones fold into the innermost entry, so
#: 10,000 nested ``<div class="share">`` cost linear time and memory.
MAX_CHAIN = 48
#: Below this much article text the page's JSON-LD ``articleBody``, then trafilatura, are
#: asked for the body (see ``_fallback``).
MIN_BODY_CHARS = 250
#: trafilatura is asked only for pages up to this many characters.
FALLBACK_MAX_CHARS = 2_000_000

Kind = tuple[LineKind, str, float]


@dataclass
class HtmlPage:
    """A page cut into lines, with kabar's label for each and the metadata hints it carries."""

    lines: list[str]
    kinds: list[Kind] | None
    hints: dict[str, Any] = field(default_factory=dict)
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The article text: lines labelled lead, body or subheading, one per line."""
        if self.kinds is None:
            return "\n".join(self.lines)
        return "\n".join(
            ln
            for ln, (kind, _, _) in zip(self.lines, self.kinds, strict=True)
            if kind in TEXT_KINDS
        )


# ---------------------------------------------------------------------------------------------
# Encoding

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I
)
_LEGACY_SINGLE_BYTE = {"ascii", "latin-1", "iso8859-1", "cp1252", "iso8859-15"}


def _norm_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'").lower()).name
    except LookupError:
        return None
    # WHATWG: labels for ASCII/Latin-1 mean windows-1252.
    return "cp1252" if codec in {"ascii", "latin-1", "iso8859-1"} else codec


def detect_encoding(content: bytes, http_charset: str | None = None) -> str:
    """The charset of ``content``: BOM, then HTTP header, then ``<meta>``, then sniffing.

    A declared single-byte charset on bytes that are valid, non-ASCII UTF-8 is a common lie;
    UTF-8 wins then.
    """
    if content.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    declared = _norm_codec(http_charset)
    if declared is None:
        match = _META_CHARSET.search(content[:8192])
        declared = _norm_codec(match.group(1).decode("ascii", "ignore")) if match else None
    if declared in {"utf-16", "utf-16-le", "utf-16-be"}:  # a <meta> read as ASCII can't be UTF-16
        declared = "utf-8"
    if declared and declared not in _LEGACY_SINGLE_BYTE and declared != "utf-8":
        return declared
    sample = content[:200_000]
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as err:
        # A cut multi-byte sequence at the end of the sample is still UTF-8.
        if err.start >= len(sample) - 4 and len(sample) == 200_000:
            return "utf-8"
    if declared:
        return declared
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(sample).best()
        if best is not None and best.encoding:
            return _norm_codec(best.encoding) or "cp1252"
    except Exception:  # pragma: no cover - the detector is best effort
        pass
    return "cp1252"


def decode_html(content: bytes | str, http_charset: str | None = None) -> tuple[str, str]:
    """``(text, encoding)`` for raw page bytes; undecodable bytes become U+FFFD."""
    if isinstance(content, str):
        return content, "str"
    encoding = detect_encoding(content, http_charset)
    try:
        return content.decode(encoding, errors="replace"), encoding
    except LookupError:
        return content.decode("utf-8", errors="replace"), "utf-8"


# ---------------------------------------------------------------------------------------------
# DOM walk → lines

#: Subtrees whose text is never page text.
_SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "canvas",
        "select",
        "option",
        "textarea",
        "input",
        "button",
        "head",
        "title",
        "link",
        "meta",
        "img",
        "video",
        "audio",
        "map",
        "area",
        "source",
        "track",
        "picture",
        "dialog",
        "frame",
        "frameset",
        "applet",
        "param",
        "datalist",
    ]
)
#: Elements that start a new line.
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "details",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "legend",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "caption",
        "noframes",
    ]
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}

# Cue bits: from landmark tags and from class/id/role/itemprop names.
NAV = 1 << 0
HEADER = 1 << 1
FOOTER = 1 << 2
ASIDE = 1 << 3
FIGURE = 1 << 4  # figure or figcaption, or caption/credit names
SHARE = 1 << 5
RELATED = 1 << 6
COMMENT = 1 << 7
AD = 1 << 8
BYLINE = 1 << 9  # author, byline, dateline, article meta
TAGS = 1 << 10
FOLLOW = 1 << 11  # newsletter, subscribe, signup, follow us
HIDDEN = 1 << 12  # hidden / screen-reader-only
WIDGET = 1 << 13  # sidebar, widget, popular, trending, recommendations, breadcrumbs
CONTENT = 1 << 14  # positive: article body / entry content / itemprop=articleBody
ARTICLE = 1 << 15  # <article> or <main> or role=main
FORM = 1 << 16
LIST = 1 << 17  # inside li
TABLE = 1 << 18
BLOCKQUOTE = 1 << 19
PRE = 1 << 20
TIME = 1 << 21
LINK = 1 << 22  # inside <a>
HEADING = 1 << 23
DATE_CUE = 1 << 24  # date/time/published class names

BOILER = NAV | FOOTER | ASIDE | SHARE | RELATED | COMMENT | AD | FOLLOW | HIDDEN | WIDGET | FORM

_TAG_BITS = {
    "nav": NAV,
    "header": HEADER,
    "footer": FOOTER,
    "aside": ASIDE,
    "figure": FIGURE,
    "figcaption": FIGURE,
    "form": FORM,
    "li": LIST,
    "dd": LIST,
    "table": TABLE,
    "blockquote": BLOCKQUOTE,
    "pre": PRE,
    "time": TIME,
    "a": LINK,
    "article": ARTICLE,
    "main": ARTICLE,
    "menu": NAV,
}

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SPLIT = re.compile(r"[^a-z0-9]+")

# Whole-token cues (a token is a run of letters/digits in a class or id, camelCase split).
_TOKEN_CUES: dict[str, int] = {}
for _bit, _words in (
    (
        NAV,
        "nav navbar navigation menu menubar breadcrumb breadcrumbs topbar skip masthead "
        "pagination pager",
    ),
    (FOOTER, "footer copyright colophon"),
    (
        SHARE,
        "share sharing shares social sociallinks addthis sharethis sharebar toolbar print "
        "bagikan sosmed",
    ),
    (
        RELATED,
        "related recommended recommendations recirc more readmore outbrain taboola teaser "
        "teasers terkait bacajuga beritaterkait",
    ),
    (COMMENT, "comment comments disqus respond reply replies discussion komentar"),
    (
        AD,
        "ad ads adv advert adverts advertisement advertising adslot adunit dfp gpt "
        "sponsor sponsored promo promotion promoted banner leaderboard billboard iklan",
    ),
    (BYLINE, "byline author authors meta dateline contributor vcard bio penulis"),
    (TAGS, "tags taglist tagcloud topics keywords categories topik tagar"),
    (
        FOLLOW,
        "newsletter subscribe subscription signup follow cta paywall registration login "
        "cookie cookies consent gdpr modal popup overlay langganan",
    ),
    (
        WIDGET,
        "sidebar widget widgets rail popular trending mostread latest carousel slider gallery "
        "populer terpopuler terkini",
    ),
    (FIGURE, "caption captions figcaption credit credits photo-credit wp-caption"),
    (DATE_CUE, "date time timestamp published updated posted"),
):
    for _w in _words.split():
        _TOKEN_CUES[_w] = _bit

# Substring cues for glued names ("articleBody", "storycontent", "relatedposts").
_SUBSTRING_CUES: tuple[tuple[str, int], ...] = (
    ("articlebody", CONTENT),
    ("article-body", CONTENT),
    ("storybody", CONTENT),
    ("story-body", CONTENT),
    ("entry-content", CONTENT),
    ("entrycontent", CONTENT),
    ("post-content", CONTENT),
    ("postcontent", CONTENT),
    ("post-body", CONTENT),
    ("postbody", CONTENT),
    ("article-content", CONTENT),
    ("articlecontent", CONTENT),
    ("story-content", CONTENT),
    ("storycontent", CONTENT),
    ("article-text", CONTENT),
    ("articletext", CONTENT),
    ("story-text", CONTENT),
    ("body-text", CONTENT),
    ("bodytext", CONTENT),
    ("main-content", CONTENT),
    ("maincontent", CONTENT),
    ("content-body", CONTENT),
    ("detail-text", CONTENT),
    # Indonesian outlets' article containers
    ("read--content", CONTENT),
    ("detail--body", CONTENT),
    ("txt-article", CONTENT),
    ("isi-berita", CONTENT),
    ("isiberita", CONTENT),
    ("artikel-isi", CONTENT),
    ("baca-juga", RELATED),
    ("berita-lain", RELATED),
    ("read-more", RELATED),
    ("most-read", WIDGET),
    ("sign-up", FOLLOW),
    ("related", RELATED),
    ("recommend", RELATED),
    ("comment", COMMENT),
    ("share", SHARE),
    ("social", SHARE),
    ("newsletter", FOLLOW),
    ("subscri", FOLLOW),
    ("sidebar", WIDGET),
    ("sr-only", HIDDEN),
    ("screen-reader", HIDDEN),
    ("visually-hidden", HIDDEN),
    ("visuallyhidden", HIDDEN),
    ("a11y", HIDDEN),
    ("breadcrumb", NAV),
    ("byline", BYLINE),
    ("advert", AD),
    ("footer", FOOTER),
)
_ROLE_CUES = {
    "navigation": NAV,
    "banner": HEADER,
    "contentinfo": FOOTER,
    "complementary": ASIDE,
    "main": ARTICLE,
    "article": ARTICLE,
    "menu": NAV,
    "menubar": NAV,
    "dialog": FOLLOW,
    "alert": FOLLOW,
    "search": FORM,
}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

_SUBSTRING_RE = re.compile("|".join(re.escape(needle) for needle, _ in _SUBSTRING_CUES))
_SUBSTRING_BITS = dict(_SUBSTRING_CUES)
_cue_cache: dict[str, int] = {}


def _name_cues(names: str) -> int:
    """Cue bits for a ``class`` or ``id`` value (cached: pages repeat the same names)."""
    bits = _cue_cache.get(names)
    if bits is not None:
        return bits
    bits = 0
    lowered = _CAMEL.sub("-", names).lower()
    for token in _SPLIT.split(lowered):
        if token:
            bits |= _TOKEN_CUES.get(token, 0)
    for match in _SUBSTRING_RE.finditer(lowered.replace("_", "-")):
        bits |= _SUBSTRING_BITS[match.group()]
    if bits & CONTENT and bits & (COMMENT | RELATED | SHARE | WIDGET):
        # "comment-body" / "related-content": the negative word describes what the body is.
        bits &= ~CONTENT
    if len(_cue_cache) >= 100_000:  # bounded memory in a long-running worker
        _cue_cache.clear()
    _cue_cache[names] = bits
    return bits


Chain = tuple[tuple[int, int, int], ...]  # (depth, cue bits, element) of cue-bearing ancestors


@dataclass(slots=True)
class _Line:
    text: str
    tag: str  # innermost block element
    chain: Chain  # cue-bearing ancestors, outermost first
    link_chars: int
    heading: int  # 1..6, 0 when not in a heading
    mask: int = 0  # OR of the valid cue bits of all ancestors (set after the walk)


@dataclass(slots=True)
class _Frame:
    tag: str
    bits: int
    start_line: int
    element: int
    chain: Chain
    heading: int
    block: bool
    in_link: bool
    owner: str  # tag of the nearest block element (this one when it is a block)
    parent: _Frame | None


@dataclass(slots=True)
class _Walk:
    lines: list[_Line]
    # per element, in closing order: (first line, end line, depth, own cue bits, element, tag)
    spans: list[tuple[int, int, int, int, int, str]]
    truncated: bool = False


_WS = re.compile(r"\s+")
#: Attributes that can carry a cue; an inline element with none of them is not tracked.
_CUE_ATTRS = ("class", "id", "role", "style", "hidden", "aria-hidden", "itemprop")


def _element_bits(tag: str, attrs: dict[str, str | None]) -> int:
    bits = _TAG_BITS.get(tag, 0)
    names = attrs.get("class")
    if names:
        bits |= _name_cues(names)
    ident = attrs.get("id")
    if ident:
        bits |= _name_cues(ident)
    role = attrs.get("role")
    if role:
        bits |= _ROLE_CUES.get(role.strip().lower(), 0)
    if attrs.get("itemprop") in {"articleBody", "articlebody"}:
        bits |= CONTENT
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        bits |= HIDDEN
    style = attrs.get("style")
    if style and _HIDDEN_STYLE.search(style):
        bits |= HIDDEN
    return bits


def _walk(root: LexborNode) -> _Walk:
    """One iterative pre/post-order walk: lines plus the line range covered by each element.

    No recursion, so a 10k-deep page is fine. Inline elements without any cue-bearing
    attribute are entered without a frame of their own (``None`` on the stack): they change
    nothing but the text flow, and skipping their bookkeeping is most of the walk's speed.
    """
    lines: list[_Line] = []
    spans: list[tuple[int, int, int, int, int, str]] = []
    parts: list[str] = []
    link_chars = 0
    stack: list[_Frame | None] = []
    current: _Frame | None = None  # innermost frame on the stack
    element_no = 0
    truncated = False
    block_tags = _BLOCK_TAGS
    skip_tags = _SKIP_TAGS
    tag_bits = _TAG_BITS

    def flush() -> None:
        nonlocal link_chars, truncated
        if not parts:
            return
        text = " ".join("".join(parts).split())
        parts.clear()
        links = link_chars
        link_chars = 0
        if not text or current is None:
            return
        if len(lines) >= MAX_LINES:
            truncated = True
            return
        if len(text) > MAX_LINE_CHARS:
            text = text[:MAX_LINE_CHARS]
        lines.append(
            _Line(text, current.owner, current.chain, min(links, len(text)), current.heading)
        )

    def close() -> None:
        nonlocal current
        frame = stack.pop()
        if frame is None:
            return
        if frame.block and parts:
            flush()
        spans.append(
            (frame.start_line, len(lines), len(stack), frame.bits, frame.element, frame.tag)
        )
        current = frame.parent

    node: LexborNode = root
    # Only entered elements are descended into, so every climb to a parent closes exactly one
    # stack entry.
    while True:
        tag = node.tag
        if tag == "-text":
            value = node.text_content
            if value:
                parts.append(value)
                if current is not None and current.in_link:
                    link_chars += len(value.strip())
        elif tag == "br":
            flush()
        elif tag and tag[0] != "-" and tag not in skip_tags:
            attrs = node.attributes
            block = tag in block_tags
            if not block and tag not in tag_bits and not any(a in attrs for a in _CUE_ATTRS):
                stack.append(None)
            else:
                if block and parts:
                    flush()
                bits = _element_bits(tag, attrs) if attrs else tag_bits.get(tag, 0)
                parent = current
                heading = _HEADINGS.get(tag, 0) or (parent.heading if parent else 0)
                chain = parent.chain if parent else ()
                cue_bits = bits & ~(LINK | TIME)
                if cue_bits:
                    if len(chain) < MAX_CHAIN:
                        chain = (*chain, (len(stack), cue_bits, element_no))
                    else:  # pathological nesting: fold into the innermost entry, stay O(1)
                        level, last_bits, last_element = chain[-1]
                        chain = (*chain[:-1], (level, last_bits | cue_bits, last_element))
                current = _Frame(
                    tag,
                    bits,
                    len(lines),
                    element_no,
                    chain,
                    heading,
                    block,
                    tag == "a" or (parent.in_link if parent else False),
                    tag if block or parent is None else parent.owner,
                    parent,
                )
                stack.append(current)
                element_no += 1
            child = node.child
            if child is not None:
                node = child
                continue
            close()
        if not stack or truncated:  # past MAX_LINES nothing more is kept: stop walking
            break
        nxt = node.next
        while nxt is None:
            parent_node = node.parent
            close()
            if not stack or parent_node is None:
                break
            node = parent_node
            nxt = node.next
        if not stack or nxt is None:
            break
        node = nxt
    flush()
    while stack:
        close()
    return _Walk(lines=lines, spans=spans, truncated=truncated)


# ---------------------------------------------------------------------------------------------
# Main container and line labels

_END_PUNCT = frozenset(".!?\"'”’)…:;")
#: Cues whose lines do not argue for a container even when they are long prose.
_DAMPEN = (
    COMMENT | AD | FOOTER | NAV | ASIDE | WIDGET | RELATED | SHARE | FOLLOW | FORM | BYLINE | FIGURE
)
#: Share of the page's prose above which a cue-named element is a wrapper, not boilerplate.
WRAPPER_SHARE = 0.5


#: Escaped markup shown as text (``&lt;img ...&gt;`` left by a renderer's <noscript>).
_MARKUP = re.compile(r"(?:<[^<>]{1,2000}>\s*)+$")


def _prose(line: _Line) -> float:
    """Prose weight of a line, before any cue: text long enough to be a sentence, discounted
    by its share of link text (wiki-style prose carries many inline links)."""
    length = len(line.text)
    plain = length - line.link_chars
    if line.heading or plain < 40 or line.link_chars > 0.6 * length:
        return 0.0
    if line.text[0] == "<" and _MARKUP.match(line.text):
        return 0.0
    weight = plain * (1.0 - line.link_chars / length)
    return weight * (1.25 if line.text[-1] in _END_PUNCT else 1.0)


def _apply_cues(walk: _Walk, prose: list[float]) -> set[int]:
    """Set each line's cue mask, ignoring cue names on elements that are page wrappers.

    A page wrapped in ``<div class="above-footer">`` or ``<div id="comments-enabled">`` must
    not make its own article boilerplate. An element (or all "widget"-named elements
    together) is a wrapper, whatever the name says, when it holds at least
    :data:`WRAPPER_SHARE` of the page's prose and the page has less than half that much prose
    elsewhere free of any cue (a cookie dialog beside a real article is not a wrapper;
    ``<body class="has-sidebar">`` and a page builder's ``elementor-widget`` blocks are).
    """
    prefix = [0.0]
    free = 0.0
    cued: dict[int, bool] = {}  # lines share chains: decide once per chain
    for line, value in zip(walk.lines, prose, strict=True):
        value = max(value, 0.0)
        prefix.append(prefix[-1] + value)
        key = id(line.chain)
        is_cued = cued.get(key)
        if is_cued is None:
            is_cued = cued[key] = any(bits & _DAMPEN for _, bits, _ in line.chain)
        if not is_cued:
            free += value
    total = prefix[-1]
    wrappers: set[int] = set()
    if total > 0:
        # Each cue-named element is judged alone, except "widget" names, which page builders
        # put on every block: those are judged together.
        groups: dict[int, list[tuple[int, int, int]]] = {}
        for start, end, _, bits, element, _ in walk.spans:
            cues = bits & ~(CONTENT | ARTICLE | HEADING | LIST | TABLE | PRE | BLOCKQUOTE)
            if cues and end > start:
                group = -1 if cues == WIDGET else element
                groups.setdefault(group, []).append((start, end, element))
        for members in groups.values():
            inside = 0.0
            reach = 0  # union of the members' line ranges: nested members count once
            for start, end, _ in sorted(members):
                if end > reach:
                    inside += prefix[end] - prefix[max(start, reach)]
                    reach = end
            if inside >= WRAPPER_SHARE * total and free < 0.5 * inside:
                wrappers.update(element for _, _, element in members)
    cache: dict[int, int] = {}
    for line in walk.lines:
        key = id(line.chain)
        mask = cache.get(key)
        if mask is None:
            mask = 0
            for _, bits, element in line.chain:
                if element not in wrappers:
                    mask |= bits
            cache[key] = mask
        line.mask = mask
    return wrappers


#: A teaser item (a linked headline with a short summary) holds at most this much prose.
TEASER_MAX_PROSE = 500.0


def _teasers(walk: _Walk, prose: list[float]) -> set[int]:
    """Lines of repeated teaser items: lists of other articles, each a linked headline plus a
    byline or summary. An item is the smallest element (at most 12 lines) holding exactly one
    linked heading and some other text; three items of the same tag at the same depth make a
    list. A flat article with linked subheadings never forms such items."""
    lines = walk.lines
    linked = [0]
    for line in lines:
        is_linked = line.heading and line.link_chars >= 0.8 * len(line.text)
        linked.append(linked[-1] + (1 if is_linked else 0))
    if linked[-1] < 3:
        return set()
    owner: dict[int, tuple[int, str]] = {}
    members: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for start, end, depth, _, _, tag in walk.spans:
        if not 2 <= end - start <= 12 or linked[end] - linked[start] != 1:
            continue
        if sum(prose[start:end]) > TEASER_MAX_PROSE or any(i in owner for i in range(start, end)):
            continue
        if all(lines[i].heading for i in range(start, end)):
            continue
        key = (depth, tag)
        for i in range(start, end):
            owner[i] = key
        members.setdefault(key, []).append((start, end))
    teaser: set[int] = set()
    for items in members.values():
        if len(items) >= 3:
            for start, end in items:
                teaser.update(range(start, end))
    return teaser


def _weight(line: _Line, prose: float) -> float:
    """How much a line argues for (positive) or against (negative) its container."""
    if line.mask & HIDDEN:
        return 0.0
    if prose > 0:
        return -0.2 * prose if line.mask & _DAMPEN else prose
    if line.heading:
        return -0.5 * line.link_chars
    plain = len(line.text) - line.link_chars
    return -(line.link_chars + 0.25 * min(plain, 80) + 2.0)


def _select_container(walk: _Walk, weights: list[float]) -> tuple[int, int, int]:
    """``(first line, end line, depth)`` of the element whose lines score best."""
    prefix = [0.0]
    for value in weights:
        prefix.append(prefix[-1] + value)
    best = (0, len(weights), 0)
    best_score = float("-inf")
    for start, end, depth, bits, _, _ in walk.spans:
        if end <= start:
            continue
        score = prefix[end] - prefix[start]
        if bits & (CONTENT | ARTICLE) and score > 0:
            score *= 1.1
        if score > best_score:
            best_score = score
            best = (start, end, depth)
    return best


def _below(chain: Chain, depth: int, wrappers: set[int]) -> int:
    bits = 0
    for level, cue, element in chain:
        if level > depth and element not in wrappers:
            bits |= cue
    return bits


_STRONG = (
    (HIDDEN, LineKind.MENU, "hidden"),
    (COMMENT, LineKind.SHARE, "comments"),  # the line taxonomy files comments under share
    (AD, LineKind.AD, "ad-block"),
    (SHARE, LineKind.SHARE, "share-block"),
    (FOLLOW, LineKind.FOLLOW, "follow-block"),
    (RELATED, LineKind.RELATED, "related-block"),
    (NAV, LineKind.MENU, "nav"),
    (FOOTER, LineKind.MENU, "footer"),
    (FORM, LineKind.MENU, "form"),
    (BYLINE, LineKind.BYLINE, "byline-block"),
    (WIDGET, LineKind.RELATED, "widget"),
)
_WEAK = (
    (FIGURE, LineKind.CAPTION, "caption"),
    (TAGS, LineKind.TAGS, "tags-block"),
    (ASIDE, LineKind.RELATED, "aside"),
    (HEADER, LineKind.MENU, "header"),
    (DATE_CUE, LineKind.TIMESTAMP, "date-block"),
)


def _outside_kind(line: _Line) -> Kind:
    for bit, kind, reason in (*_STRONG, *_WEAK):
        if line.mask & bit:
            return kind, f"outside-main:{reason}", 0.8
    if line.link_chars > 0.5 * len(line.text):
        return LineKind.MENU, "outside-main:links", 0.8
    return LineKind.MENU, "outside-main", 0.7


def _label(walk: _Walk, title_hint: str | None) -> list[Kind]:
    lines = walk.lines
    if not lines:
        return []
    prose = [_prose(line) for line in lines]
    teasers = _teasers(walk, prose)
    for index in teasers:
        prose[index] = -0.2 * prose[index]
    wrappers = _apply_cues(walk, prose)
    weights = [_weight(line, value) for line, value in zip(lines, prose, strict=True)]
    start, end, depth = _select_container(walk, weights)
    kinds: list[Kind] = []
    title_key = _title_key(title_hint)
    title_done = False
    for index, line in enumerate(lines):
        text = line.text
        length = len(text)
        link_share = line.link_chars / length if length else 0.0
        if (
            not title_done
            and line.heading
            and line.heading <= 2
            and (
                (title_key and _title_key(text) == title_key) or (line.heading == 1 and index < end)
            )
        ):
            title_done = True
            kinds.append((LineKind.TITLE, "heading:title", 0.9))
            continue
        if line.mask & HIDDEN:
            kinds.append((LineKind.MENU, "hidden", 1.0))
            continue
        if text[0] == "<" and _MARKUP.match(text):
            kinds.append((LineKind.UNKNOWN, "markup-as-text", 1.0))
            continue
        if not start <= index < end:
            kinds.append(_outside_kind(line))
            continue
        if index in teasers:
            kinds.append((LineKind.RELATED, "teaser-list", 0.8))
            continue
        below = _below(line.chain, depth, wrappers)
        long_prose = prose[index] >= 200
        kind: Kind | None = None
        for bit, cue_kind, reason in _STRONG:
            if below & bit:
                kind = (cue_kind, reason, 0.9)
                break
        if kind is None and not long_prose:
            if below & HEADER and prose[index] >= STANDFIRST_PROSE:
                below &= ~HEADER  # a prose line in the article's header is its standfirst
            for bit, cue_kind, reason in _WEAK:
                if below & bit:
                    kind = (cue_kind, reason, 0.8)
                    break
        if kind is None:
            if link_share > 0.5:
                kind = (LineKind.RELATED, "link-dense", 0.8)
            elif line.heading:
                kind = (LineKind.SUBHEADING, "heading", 0.8)
            else:
                kind = (LineKind.BODY, "main-container", 0.8)
        kinds.append(kind)
    _standfirst(lines, kinds, prose, start)
    return kinds


#: A standfirst line (between the headline and the main block) holds at least this much prose.
STANDFIRST_PROSE = 80.0


def _standfirst(lines: list[_Line], kinds: list[Kind], prose: list[float], start: int) -> None:
    """The standfirst often sits between the headline and the main block, outside it: prose
    lines there without boilerplate cues are the lead."""
    title = next((i for i, (k, _, _) in enumerate(kinds) if k is LineKind.TITLE), None)
    if title is None or title >= start:
        return
    for i in range(title + 1, start):
        line = lines[i]
        if (
            prose[i] >= STANDFIRST_PROSE
            and not line.mask & (_DAMPEN | HIDDEN)
            and line.link_chars < 0.2 * len(line.text)
        ):
            kinds[i] = (LineKind.LEAD, "standfirst", 0.7)


def _title_key(text: str | None) -> str:
    return re.sub(r"\W+", " ", text or "").strip().casefold()


# ---------------------------------------------------------------------------------------------
# Metadata hints

_PUBLISHED_KEYS = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "published_time",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "date",
    "article.published",
    "content_publishdate",
    "originalpublicationdate",
)
_MODIFIED_KEYS = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "lastmod",
    "last-modified",
    "dcterms.modified",
)
_AUTHOR_KEYS = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "byl",
    "dc.creator",
    "content_author",
)
_SECTION_KEYS = ("article:section", "section", "parsely-section", "category", "content_category")
_ARTICLE_TYPES = frozenset(
    [
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "blogposting",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "liveblogposting",
        "webpage",
        "report",
    ]
)
_MAX_JSONLD_CHARS = 500_000


def _jsonld_objects(tree: LexborHTMLParser) -> Iterable[dict[str, Any]]:
    for node in tree.css('script[type="application/ld+json"]'):
        raw = node.text(deep=True) or ""
        if not raw.strip() or len(raw) > _MAX_JSONLD_CHARS:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        queue: list[Any] = [data]
        seen = 0
        while queue and seen < 200:  # bounded: graphs can be large
            item = queue.pop(0)
            seen += 1
            if isinstance(item, list):
                queue.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    queue.append(item["@graph"])
                types = item.get("@type")
                names = types if isinstance(types, list) else [types]
                if any(isinstance(t, str) and t.lower() in _ARTICLE_TYPES for t in names):
                    yield item


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [name for item in value[:20] for name in _names(item)]
    return []


def _add(candidates: list[dict[str, str]], value: Any, source: str) -> None:
    if isinstance(value, str) and value.strip() and len(value) < 200:
        item = {"value": value.strip(), "source": source}
        if all(c["value"] != item["value"] for c in candidates):
            candidates.append(item)


def _hints(tree: LexborHTMLParser, url: str | None, first_h1: str | None) -> dict[str, Any]:
    meta: dict[str, str] = {}
    for node in tree.css("meta"):
        attrs = node.attributes
        key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
        key = key or attrs.get("http-equiv")
        content = attrs.get("content")
        if key and content and content.strip():
            meta.setdefault(key.strip().lower(), content.strip())

    published: list[dict[str, str]] = []
    modified: list[dict[str, str]] = []
    authors: list[str] = []
    hints: dict[str, Any] = {"url": url}
    for key in _PUBLISHED_KEYS:
        _add(published, meta.get(key), f"meta:{key}")
    for key in _MODIFIED_KEYS:
        _add(modified, meta.get(key), f"meta:{key}")
    for key in _AUTHOR_KEYS:
        value = meta.get(key)
        if value and not value.startswith(("http://", "https://")) and value not in authors:
            authors.append(value)

    headline = section = site = language = None
    for obj in _jsonld_objects(tree):
        _add(published, obj.get("datePublished"), "jsonld:datePublished")
        _add(published, obj.get("dateCreated"), "jsonld:dateCreated")
        _add(modified, obj.get("dateModified"), "jsonld:dateModified")
        for name in _names(obj.get("author")):
            if name not in authors and not name.startswith("http"):
                authors.append(name)
        headline = headline or (
            obj.get("headline") if isinstance(obj.get("headline"), str) else None
        )
        sec = obj.get("articleSection")
        section = section or (sec[0] if isinstance(sec, list) and sec else sec)
        site = site or next(iter(_names(obj.get("publisher"))), None)
        lang = obj.get("inLanguage")
        language = language or (lang if isinstance(lang, str) else None)
        body = obj.get("articleBody")
        if isinstance(body, str) and len(body) > len(hints.get("_jsonld_body", "")):
            hints["_jsonld_body"] = body  # only for the fallback; not kept in the hints

    for node in tree.css("time")[:10]:
        _add(published, node.attributes.get("datetime") or node.text(strip=True), "time")

    title_tag = tree.css_first("title")
    title_text = _WS.sub(" ", title_tag.text()).strip() if title_tag else None
    og_title = meta.get("og:title") or meta.get("twitter:title")
    hints["title_candidates"] = {
        k: v
        for k, v in {
            "og": og_title,
            "jsonld": headline,
            "h1": first_h1,
            "title": title_text,
        }.items()
        if v
    }
    hints["title"] = og_title or headline or first_h1 or title_text
    hints["published"] = published
    hints["modified"] = modified
    hints["authors"] = authors[:10]
    hints["site_name"] = meta.get("og:site_name") or meta.get("application-name") or site
    canonical = tree.css_first('link[rel="canonical"]')
    hints["canonical_url"] = (
        (canonical.attributes.get("href") if canonical else None) or meta.get("og:url") or None
    )
    html = tree.css_first("html")
    lang_attr = html.attributes.get("lang") if html else None
    hints["language"] = (
        lang_attr or meta.get("content-language") or meta.get("og:locale") or language or None
    )
    hints["section"] = section or next((meta[k] for k in _SECTION_KEYS if meta.get(k)), None)
    hints["description"] = meta.get("og:description") or meta.get("description")
    keywords = meta.get("keywords") or meta.get("news_keywords") or ""
    hints["keywords"] = [k.strip() for k in keywords.split(",") if k.strip()][:30]
    return hints


# ---------------------------------------------------------------------------------------------
# Entry points


def _expand_templates(tree: LexborHTMLParser) -> None:
    """Blogger-style pages ship the post as HTML inside ``<script type="text/template">``:
    parse each such template and put its nodes in place of the script."""
    for script in tree.css('script[type="text/template"]')[:50]:
        source = (script.text() or "").strip()
        if not source.startswith("<") or len(source) > MAX_HTML_BYTES // 4:
            continue
        fragment = LexborHTMLParser(source).body
        if fragment is None:
            continue
        children = []
        child = fragment.child
        while child is not None:
            children.append(child)
            child = child.next
        for child in children:
            script.insert_before(child)
        script.decompose()


def html_to_lines(
    content: bytes | str,
    url: str | None = None,
    *,
    http_charset: str | None = None,
) -> HtmlPage:
    """Cut a page into lines in reading order, label each, and read the metadata hints.

    Never raises on bad input: an unparseable page gives an empty page with a warning.
    """
    warnings: list[str] = []
    raw = content.encode("utf-8") if isinstance(content, str) else content
    if len(raw) > MAX_HTML_BYTES:
        warnings.append(
            f"page truncated from {len(raw)} to {MAX_HTML_BYTES} bytes (MAX_HTML_BYTES)"
        )
        raw = raw[:MAX_HTML_BYTES]
    text, encoding = decode_html(raw, http_charset)
    try:
        tree = LexborHTMLParser(text)
    except Exception as err:  # pragma: no cover - lexbor parses anything, this is a guard
        return HtmlPage([], None, {"url": url}, encoding, [*warnings, f"unparseable HTML: {err}"])
    _expand_templates(tree)
    root = tree.body or tree.root
    walk = _walk(root) if root is not None else _Walk([], [])
    if walk.truncated:
        warnings.append(f"more than {MAX_LINES} lines: the rest were dropped (MAX_LINES)")
    first_h1 = next((ln.text for ln in walk.lines if ln.heading == 1), None)
    try:
        hints = _hints(tree, url, first_h1)
    except Exception as err:  # metadata is best effort; the text must still come through
        hints = {"url": url}
        warnings.append(f"metadata hints failed: {err}")
    kinds = _label(walk, hints.get("title"))
    lines = [ln.text for ln in walk.lines]
    # per-line DOM features for the text cleaner (``classify_lines(hints=...)``)
    tags = [ln.tag for ln in walk.lines]
    density = [round(ln.link_chars / len(ln.text), 2) if ln.text else 0.0 for ln in walk.lines]
    jsonld_body = hints.pop("_jsonld_body", None)
    if _body_chars(lines, kinds) < MIN_BODY_CHARS:
        note = _fallback(text, lines, kinds, tags, density, jsonld_body)
        if note:
            warnings.append(note)
    hints["tags"] = tags
    hints["link_density"] = density
    if not any(kind in TEXT_KINDS for kind, _, _ in kinds):
        warnings.append("no main text found")
    return HtmlPage(lines, kinds, hints, encoding, warnings)


def _body_chars(lines: list[str], kinds: list[Kind]) -> int:
    """Characters of main-block text (a standfirst alone does not make an article)."""
    main = (LineKind.BODY, LineKind.SUBHEADING)
    return sum(len(ln) for ln, (kind, _, _) in zip(lines, kinds, strict=True) if kind in main)


def _fallback(
    html: str,
    lines: list[str],
    kinds: list[Kind],
    tags: list[str],
    density: list[float],
    jsonld_body: str | None,
) -> str | None:
    """When the DOM pass finds almost no text, ask a second source, in place.

    First the page's own JSON-LD ``articleBody`` (pages rendered by script often carry the
    whole text there), then trafilatura. Lines that overlap the found text
    (:func:`line_is_body`) become body; text the page's lines do not hold at all (JSON-LD of
    a script-rendered page) is appended as new lines. Returns a warning, or None when neither
    source has more text than the DOM pass.
    """
    have = _body_chars(lines, kinds)
    candidates: list[tuple[str, str]] = []
    if jsonld_body and len(jsonld_body) >= MIN_BODY_CHARS:
        body = jsonld_body
        if "<" in body:
            parsed = LexborHTMLParser(body).body
            body = parsed.text(separator="\n") if parsed is not None else body
        candidates.append(("jsonld-articleBody", body))
    try:
        if len(html) > FALLBACK_MAX_CHARS:  # keep the slow path bounded on huge pages
            raise ValueError("page too large for the trafilatura fallback")
        import trafilatura

        extracted = trafilatura.extract(html, include_comments=False, include_tables=True)
        if extracted and len(extracted) >= MIN_BODY_CHARS:
            candidates.append(("trafilatura", extracted))
    except Exception:  # the fallback is best effort: an error keeps the DOM pass result
        pass
    for source, found in candidates:
        if len(found) < 1.5 * max(have, 1):
            continue
        index = TextIndex.of(found)
        marked = [i for i, line in enumerate(lines) if line_is_body(line, index)]
        covered = sum(len(lines[i]) for i in marked)
        for i in marked:
            kinds[i] = (LineKind.BODY, f"fallback:{source}", 0.6)
        if covered < 0.5 * len(found):  # the text is not on the page as lines: add it
            for paragraph in found.split("\n"):
                paragraph = _WS.sub(" ", paragraph).strip()
                if paragraph:
                    lines.append(paragraph)
                    kinds.append((LineKind.BODY, f"fallback:{source}:added", 0.6))
                    tags.append("script")
                    density.append(0.0)
        return f"little text in the page's main block; body taken from {source}"
    return None


@dataclass
class TextIndex:
    """Overlap tests of lines against one reference text (see :func:`line_is_body`)."""

    grams: set[tuple[str, ...]]
    paragraphs: set[tuple[str, ...]]

    @classmethod
    def of(cls, text: str) -> TextIndex:
        paragraphs = {tuple(t) for p in (text or "").split("\n") if (t := _TOKEN.findall(p))}
        toks = _TOKEN.findall(text or "")
        grams = {tuple(toks[i : i + 4]) for i in range(max(0, len(toks) - 3))}
        return cls(grams, paragraphs)


#: Share of a line's 4-gram shingles that must occur in the reference for the line to count.
LINE_OVERLAP = 0.5
_TOKEN = re.compile(r"\w+")


def line_is_body(line: str, index: TextIndex) -> bool | None:
    """Does ``line`` belong to the reference text behind ``index``?

    A line of four or more ``\\w+`` tokens belongs when at least :data:`LINE_OVERLAP` of its
    4-gram shingles occur in the reference. A shorter line (a subheading, "Advertisement")
    belongs only when it equals a whole reference paragraph, token for token. A line without
    tokens gives None.
    """
    toks = _TOKEN.findall(line)
    if not toks:
        return None
    if len(toks) < 4:
        return tuple(toks) in index.paragraphs
    grams = [tuple(toks[i : i + 4]) for i in range(len(toks) - 3)]
    return sum(1 for g in grams if g in index.grams) >= LINE_OVERLAP * len(grams)


def extract_text(content: bytes | str, url: str | None = None) -> str:
    """Only the article text of a page (lead, body, subheadings), one paragraph per line."""
    return html_to_lines(content, url).text
