"""From tagged lines to mentions and canonical entities of one article.

Steps (all linear in the article's length, apart from the name comparisons inside one
article, which are few):

1. **Mentions**: the CRF's PER/ORG/LOC/EVT spans in the title and text lines, plus gazetteer
   names the CRF missed ("Negeri Sakura", "Korsel"). Gazetteer names must be capitalised as
   in text, and acronyms must match exactly ("AS", never "as"). In the title (often Title
   Case, where every word looks like a name) only names also found in the body or in the
   gazetteer are kept. Caption and related-headline lines are tagged as *evidence* for full
   names ("Kim Jong Un" in a related headline) but give no mentions.
2. **Labels**: a LOC the gazetteer knows as a country, province or city becomes ``GPE``; a
   capital or seat of power ("Beijing", "Kremlin", "Gedung Putih") not preceded by a locative
   preposition ("di", "ke", "dari") is flagged as a metonym of its state.
3. **Roles**: titles right before a person ("Sekjen NATO Jens Stoltenberg",
   "Perdana Menteri Jepang Fumio Kishida") become the person's roles.
4. **Canonical names**: aliases resolve through the gazetteer (Korsel → Korea Selatan,
   PBB → Perserikatan Bangsa-Bangsa); a long name followed by its acronym in brackets links the
   two; a person's partial name links to the unique longer name that contains it
   (Stoltenberg → Jens Stoltenberg); misspellings link by string similarity (Kim Jon Un →
   Kim Jong Un).
5. **Category**: the CNBC-style tag (Tokoh, Partai, Institusi, K/L, BUMN, NGO, Organisasi,
   Perusahaan, Club Sports, Kab/Kota, Provinsi, Negara, Kota, Fasum, Event, …) from the
   gazetteer, the label and the head word; "unknown" when none applies.
"""

from __future__ import annotations

import bisect
import difflib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from kabar.models import Entity, Line, LineKind, Mention, Span
from kabar.ner import lexicon
from kabar.ner.lexicon import GazetteerEntry
from kabar.ner.tagger import CrfTagger, default_tagger, tag_text
from kabar.ner.tokenize import tokenize

MENTION_KINDS = frozenset({LineKind.TITLE, LineKind.LEAD, LineKind.BODY, LineKind.SUBHEADING})
EVIDENCE_KINDS = frozenset({LineKind.CAPTION, LineKind.RELATED})
LOCATIVE = frozenset({"di", "ke", "dari", "menuju", "dekat", "sekitar", "kota", "ibu"})
PLACE_CATEGORIES = frozenset({"Negara", "Provinsi", "Kab/Kota", "Kota Dunia"})  # → GPE
MAX_LINE_CHARS = 20_000  # longer "lines" are cut into pieces before tagging
SIMILAR = 0.86  # difflib ratio for linking misspelt names

#: The category names kabar assigns (CNBC-style tags plus Negara and Kota).
CATEGORIES: tuple[str, ...] = (
    "Tokoh",
    "Partai",
    "Institusi",
    "K/L",
    "BUMN",
    "NGO",
    "Organisasi",
    "Perusahaan",
    "Club Sports",
    "Kab/Kota",
    "Provinsi",
    "Negara",
    "Kota",
    "Kawasan",
    "Fasum",
    "Event",
    "Topik",
    "unknown",
)

_ORG_HEADS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("partai",), "Partai"),
    (
        (
            "kementerian",
            "kemenko",
            "kemen",
            "badan",
            "komisi",
            "kejaksaan",
            "mahkamah",
            "direktorat",
            "ditjen",
            "otoritas",
            "lembaga negara",
        ),
        "K/L",
    ),
    (("pt", "cv", "bank", "grup", "group", "perum", "perseroan"), "Perusahaan"),
    (("fc", "klub", "persib", "persija", "persebaya", "arema"), "Club Sports"),
    (
        (
            "universitas",
            "institut",
            "sekolah",
            "akademi",
            "politeknik",
            "fakultas",
            "rumah sakit",
            "rs",
            "rsud",
            "polda",
            "polres",
            "polsek",
            "kodam",
            "korem",
            "kodim",
            "dprd",
            "pemprov",
            "pemkot",
            "pemkab",
            "pemerintah",
            "pengadilan",
            "dinas",
            "kantor",
        ),
        "Institusi",
    ),
    (("yayasan", "koalisi", "aliansi", "gerakan", "lsm", "lbh"), "NGO"),
    (
        (
            "persatuan",
            "perhimpunan",
            "asosiasi",
            "ikatan",
            "himpunan",
            "organisasi",
            "federasi",
            "serikat",
            "majelis",
            "dewan",
            "forum",
        ),
        "Organisasi",
    ),
)
_ORG_TAILS = {
    "tbk": "Perusahaan",
    "inc": "Perusahaan",
    "corp": "Perusahaan",
    "ltd": "Perusahaan",
    "fc": "Club Sports",
    "united": "Club Sports",
}
_LOC_HEADS = {
    "kota": "Kab/Kota",
    "kabupaten": "Kab/Kota",
    "kab": "Kab/Kota",
    "provinsi": "Provinsi",
}
_FASUM = frozenset(
    {
        "jalan",
        "jl",
        "bandara",
        "stasiun",
        "terminal",
        "pelabuhan",
        "masjid",
        "gereja",
        "pura",
        "stadion",
        "gedung",
        "pasar",
        "istana",
        "pangkalan",
        "taman",
        "lapangan",
        "rumah",
        "candi",
        "monumen",
        "museum",
    }
)


@dataclass
class Found:
    """One name found on a line, before canonicalisation."""

    line: int
    start: int
    end: int
    text: str
    label: str
    score: float
    source: str  # "crf", "gazetteer" or "propagated"
    gaz: GazetteerEntry | None = None
    role: str | None = None
    metonym: bool = False
    evidence: bool = False  # from a caption or related headline: names only, no mention
    title: bool = False


@dataclass
class Cluster:
    name: str
    label: str
    members: list[Found] = field(default_factory=list)
    gaz: GazetteerEntry | None = None


def _norm(text: str) -> str:
    return " ".join(text.split())


def _key(text: str) -> str:
    return " ".join(lexicon.phrase_key(text))


CONNECTORS = frozenset(
    {
        "dan",
        "de",
        "van",
        "der",
        "von",
        "bin",
        "binti",
        "al",
        "el",
        "da",
        "di",
        "la",
        "le",
        "&",
        "of",
        "the",
        "for",
        "and",
        "-",
        "'",
        "’",
        "(",
        ")",
        ".",
    }
)


def _token_span(starts: list[int], ends: list[int], start: int, end: int) -> tuple[int, int]:
    """Token index range ``[a, b)`` covering characters ``start:end`` (binary search)."""
    a = bisect.bisect_right(ends, start)
    b = bisect.bisect_left(starts, end)
    return a, max(b, a + 1)


def _first_cased_segment(toks: list[tuple[str, int, int]], a: int, b: int) -> tuple[int, int]:
    """In cased text a name holds no plain lowercase word: "Korea Utara mengutuk …" → the
    first run of capitalised words (connectors such as "dan", "bin" allowed inside)."""
    words = [toks[i][0] for i in range(a, b)]
    if not any(w[:1].isupper() for w in words):
        return a, b  # lowercased text (or an all-lowercase event name): leave it
    i = a
    while i < b and not (toks[i][0][:1].isupper() or toks[i][0][:1].isdigit()):
        i += 1
    j = i
    while j < b:
        w = toks[j][0]
        if (
            w[:1].isupper()
            or w[:1].isdigit()
            or (w.lower() in CONNECTORS and j + 1 < b and toks[j + 1][0][:1].isupper())
        ):
            j += 1
        else:
            break
    return (i, j) if j > i else (a, b)


@dataclass(eq=False)
class _Span:
    a: int  # token range [a, b)
    b: int
    label: str
    score: float
    source: str
    gaz: GazetteerEntry | None = None
    alive: bool = True


def _claim(owner: list[_Span | None], spans: list[_Span], span: _Span) -> None:
    spans.append(span)
    for k in range(span.a, span.b):
        owner[k] = span


def _drop(owner: list[_Span | None], span: _Span) -> None:
    span.alive = False
    for k in range(span.a, span.b):
        if owner[k] is span:
            owner[k] = None


def find_in_line(line: Line, tagger: CrfTagger | None, evidence: bool = False) -> list[Found]:
    """The names on one line: CRF spans, then gazetteer names in the gaps.

    Spans are kept as token ranges with an owner per token, so resolving overlaps costs
    the length of the span, never the number of names on the line.
    """
    text = line.text
    found: list[Found] = []
    gaz = lexicon.gazetteer()
    for offset in range(0, max(len(text), 1), MAX_LINE_CHARS):
        piece = text[offset : offset + MAX_LINE_CHARS]
        toks = tokenize(piece)
        if not toks:
            continue
        lowered = [t.lower() for t, _, _ in toks]
        owner: list[_Span | None] = [None] * len(toks)
        spans: list[_Span] = []

        tok_starts = [st for _, st, _ in toks]
        tok_ends = [en for _, _, en in toks]
        for e in tag_text(piece, tagger, toks) if tagger is not None else []:
            a, b = _first_cased_segment(toks, *_token_span(tok_starts, tok_ends, e.start, e.end))
            if e.label == "PER":
                a = _trim_person(toks, a, b)
            if a < b:
                _claim(owner, spans, _Span(a, b, e.label, e.score, "crf"))
        # "AS-Jepang-Korsel", "Rusia-China": hyphenated known names are separate names.
        pieces_of: dict[int, list[tuple[str, GazetteerEntry]]] = {}
        for i, tok in enumerate(lowered):
            if "-" not in tok or not toks[i][0][:1].isupper():
                continue
            parts = toks[i][0].split("-")
            entries = [gaz.lookup(p) if p[:1].isupper() else None for p in parts]
            if len(parts) < 2 or any(en is None or en.label == "PER" for en in entries):
                continue
            if owner[i] is not None:
                _drop(owner, owner[i])
            pieces_of[i] = [(p, en) for p, en in zip(parts, entries, strict=True) if en]
            lowered[i] = ""  # handled here: keep the phrase matcher off this token
        for a, b, entry in gaz.matches(lowered):
            surface = piece[toks[a][1] : toks[b - 1][2]]
            if not _plausible_gazetteer_hit(surface, gaz.surface(surface) or entry.name):
                continue
            overlap = list(dict.fromkeys(o for o in owner[a:b] if o is not None))
            for o in list(overlap):
                # A person span that swallowed a known organisation or place on its left
                # ("Komisi Yudisial Hendrawan …") keeps only the words after it.
                if o.label == "PER" and entry.label != "PER" and a <= o.a < b < o.b:
                    for k in range(o.a, b):
                        owner[k] = None
                    o.a = b
                    overlap.remove(o)
            # The gazetteer's longer name wins over CRF fragments inside it ("Korea" in
            # "Korea Selatan"); a CRF name that contains the gazetteer name stays.
            inside = all(a <= o.a and o.b <= b for o in overlap)
            if overlap and not (inside and any((o.a, o.b) != (a, b) for o in overlap)):
                continue
            for o in overlap:
                _drop(owner, o)
            _claim(owner, spans, _Span(a, b, entry.label, 0.9, "gazetteer", entry))
        for span in spans:
            if span.alive and span.a < span.b:
                start, end = toks[span.a][1], toks[span.b - 1][2]
                found.append(
                    Found(
                        line.index,
                        start + offset,
                        end + offset,
                        piece[start:end],
                        span.label,
                        span.score,
                        span.source,
                        gaz=span.gaz,
                        evidence=evidence,
                    )
                )
        for i, parts in pieces_of.items():
            pos = toks[i][1] + offset
            for part, entry in parts:
                pos = text.index(part, pos)
                found.append(
                    Found(
                        line.index,
                        pos,
                        pos + len(part),
                        part,
                        entry.label,
                        0.9,
                        "gazetteer",
                        gaz=entry,
                        evidence=evidence,
                    )
                )
                pos += len(part)
    found.sort(key=lambda f: f.start)
    whole = toks if len(text) <= MAX_LINE_CHARS else None
    _attach_roles_and_metonyms(line.text, found, whole)
    return found


def _plausible_gazetteer_hit(surface: str, table_form: str) -> bool:
    if not surface[:1].isupper() and not surface[:1].isdigit():
        return False
    letters = [c for c in table_form if c.isalpha()]
    if (letters and all(c.isupper() for c in letters)) or len(table_form) <= 3:
        return surface == table_form  # acronyms match exactly: "AS", "MA", "UN"
    return True


def _attach_roles_and_metonyms(
    text: str, found: list[Found], toks: list[tuple[str, int, int]] | None = None
) -> None:
    if not found:
        return
    toks = tokenize(text) if toks is None else toks
    starts = {s: i for i, (_, s, _) in enumerate(toks)}
    title_words = lexicon.title_words()
    taken = 0  # end of the names before the current one (found is sorted by start)
    for f in found:
        before, taken = taken, max(taken, f.end)
        ti = starts.get(f.start)
        if ti is None:
            continue
        prev = toks[ti - 1][0].lower() if ti > 0 else ""
        entry = f.gaz or lexicon.gazetteer().lookup(f.text)
        if entry is not None and entry.metonym_of and prev not in LOCATIVE:
            j = ti
            while j < len(toks) and toks[j][1] < f.end:
                j += 1
            after = toks[j][0] if j < len(toks) else ""
            dateline = ti == 0 and after in {",", "-", "–", "—", ":"}
            f.metonym = not dateline
        if f.label != "PER":
            continue
        ti = _extend_person_left(text, toks, ti, f, before)
        # Walk left over capitalised words and brackets; the leftmost title word opens a role.
        j = ti - 1
        leftmost_title = None
        while j >= 0 and ti - j <= 10:
            word = toks[j][0]
            if not (word[:1].isupper() or word in "()"):
                break
            if title_words.get(word.lower()) in {"role", "rank", "academic"}:
                leftmost_title = j
            j -= 1
        if leftmost_title is not None:
            role = text[toks[leftmost_title][1] : toks[ti - 1][2]].strip(" ,(")
            if role:
                f.role = _norm(role)


def _extend_person_left(
    text: str, toks: list[tuple[str, int, int]], ti: int, f: Found, taken: int = 0
) -> int:
    """ "Menteri Luar Negeri Ratna [Wulandari]": take up to two capitalised words on the left
    that are neither a title (nor the end of one), a known place or organisation, nor a head
    word such as "Kota"; returns the new first token index."""
    title_words = lexicon.title_words()
    phrases = lexicon.title_phrases()
    keywords = lexicon.keywords()
    gaz = lexicon.gazetteer()
    capital = lexicon.word_table().capital
    first = ti
    while first > 0 and ti - first < 2:
        k = first - 1
        word = toks[k][0]
        low = word.lower()
        if toks[k][1] < taken:  # part of the name before: "Komisi Yudisial"
            break
        if not (word[:1].isupper() and word.isalpha()) or low in title_words:
            break
        if low in keywords or low in gaz.first_tokens:
            break
        # Words mostly written in lowercase inside a sentence ("Menurut") are not names.
        if capital.get(low, 2) <= 1:
            break
        ends_title = any(
            tuple(t.lower() for t, _, _ in toks[k - n + 1 : k + 1]) in phrases
            for n in range(2, 5)
            if k - n + 1 >= 0
        )
        if ends_title:
            break
        first = k
    if first < ti:
        f.start = toks[first][1]
        f.text = text[f.start : f.end]
    return first


def _trim_person(toks: list[tuple[str, int, int]], a: int, b: int) -> int:
    """Move titles and known organisations/places off the front of a person span
    ("NATO Jens Stoltenberg" → "Jens Stoltenberg"); returns the new first token index."""
    title_words = lexicon.title_words()
    gaz = lexicon.gazetteer()
    i = a
    while i < b - 1:
        word = toks[i][0]
        if title_words.get(word.lower()) in {"role", "rank", "academic", "honorific"}:
            i += 1
            continue
        entry = gaz.lookup(word)
        if entry is not None and entry.label != "PER":
            i += 1
            continue
        break
    return i


def find_mentions(lines: Iterable[Line], tagger: CrfTagger | None = None) -> list[Found]:
    """Names in the title and text lines (mentions) and in captions/related lines (evidence)."""
    tagger = tagger or default_tagger()
    lines = list(lines)
    per_line: dict[int, list[Found]] = {}
    for line in lines:
        if not line.text.strip():
            continue
        if line.kind in MENTION_KINDS:
            per_line[line.index] = find_in_line(line, tagger)
        elif line.kind in EVIDENCE_KINDS:
            per_line[line.index] = find_in_line(line, tagger, evidence=True)
    _propagate([ln for ln in lines if ln.kind in MENTION_KINDS], per_line)
    title_lines = {ln.index for ln in lines if ln.kind == LineKind.TITLE}
    body = [f for i, fs in per_line.items() if i not in title_lines for f in fs]
    known = {_key(f.text) for f in body}
    out: list[Found] = []
    for i in sorted(per_line):
        for f in per_line[i]:
            if i in title_lines:
                # Headlines are Title Case: keep names the gazetteer or the body confirms.
                if f.gaz is None and _key(f.text) not in known:
                    continue
                f.title = True
            out.append(f)
    return out


MAX_PROPAGATED = 400  # distinct names searched again over the article


def _is_word_char(text: str, i: int) -> bool:
    """``re``'s ``\\w`` at ``text[i]`` (alphanumeric or underscore); False outside the text."""
    return 0 <= i < len(text) and (text[i].isalnum() or text[i] == "_")


def _whole_words(text: str, names: list[str]) -> list[tuple[int, int, str]]:
    """Non-overlapping whole-word occurrences of ``names``, left to right, the earlier name
    in ``names`` winning at one position: what ``finditer`` of ``(?<!\\w)(?:n1|n2|...)(?!\\w)``
    finds, without compiling a new alternation for every article (slow, and each one pushed
    other patterns out of ``re``'s cache)."""
    first: dict[int, tuple[int, int]] = {}  # start -> (rank of the name, end)
    for rank, name in enumerate(names):
        at = text.find(name)
        while at != -1:
            end = at + len(name)
            bounded = not _is_word_char(text, at - 1) and not _is_word_char(text, end)
            if bounded and (at not in first or first[at][0] > rank):
                first[at] = (rank, end)
            at = text.find(name, at + 1)
    out: list[tuple[int, int, str]] = []
    pos = 0
    for start in sorted(first):
        if start < pos:
            continue
        rank, end = first[start]
        out.append((start, end, names[rank]))
        pos = end
    return out


def _propagate(lines: list[Line], per_line: dict[int, list[Found]]) -> None:
    """One name, one label per article: where the CRF found a capitalised name once, later
    occurrences it missed are mentions too ("Stoltenberg" tagged in one sentence only)."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for fs in per_line.values():
        for f in fs:
            if f.source == "crf" and not f.evidence and len(f.text) >= 3 and f.text[:1].isupper():
                votes[f.text][f.label] += 1
    if not votes:
        return
    names = sorted(votes, key=len, reverse=True)[:MAX_PROPAGATED]
    for line in lines:
        current = per_line.setdefault(line.index, [])
        added = False
        taken = sorted((f.start, f.end) for f in current)
        starts = [st for st, _ in taken]
        for start, end, name in _whole_words(line.text, names):
            k = bisect.bisect_left(starts, end)  # the last name starting before the match ends
            if k and taken[k - 1][1] > start:
                continue
            label = votes[name].most_common(1)[0][0]
            current.append(Found(line.index, start, end, name, label, 0.5, "propagated"))
            added = True
        if added:
            current.sort(key=lambda f: f.start)
            _attach_roles_and_metonyms(line.text, current)


# --- canonicalisation -------------------------------------------------------------------------
def _gaz_entry(f: Found) -> GazetteerEntry | None:
    if f.gaz is not None:
        return f.gaz
    entry = lexicon.gazetteer().lookup(f.text)
    if entry is None:
        return None
    # A known person name tagged as a place stays what the CRF said; a "person" whose whole
    # name is a known country, region or organisation ("Asia") takes the gazetteer's label.
    if entry.label == "PER" and f.label != "PER":
        return None
    return entry


@cache
def _people_surfaces() -> dict[str, GazetteerEntry]:
    gaz = lexicon.gazetteer()
    out: dict[str, GazetteerEntry] = {}
    for entry in gaz.entries:
        if entry.label == "PER":
            for s in (entry.name, *entry.aliases):
                out[s.lower()] = entry
    return out


MAX_LINKED_PEOPLE = 300  # pairwise linking is quadratic: only the most named people take part


def _link_people(all_names: Counter[str]) -> dict[str, str]:
    """Map each person surface to the canonical surface inside one article."""
    people = _people_surfaces()
    canon: dict[str, str] = {}
    for name in all_names:
        entry = people.get(name.lower())
        if entry is not None:
            canon[name] = entry.name
    names = Counter(dict(all_names.most_common(MAX_LINKED_PEOPLE)))
    # Misspellings: the most mentioned spelling is the head; rarer ones that are close to a
    # head (or to a known person) join it.
    heads = sorted({e.name for e in people.values()})
    for name in sorted(names, key=lambda s: (-names[s], -len(s), s)):
        if name in canon:
            continue
        candidates = [h for h in heads if len(h.split()) == len(name.split())]
        close = difflib.get_close_matches(name, candidates, n=1, cutoff=SIMILAR)
        if close and close[0][:1].lower() == name[:1].lower() and len(name.split()) > 1:
            canon[name] = canon.get(close[0], close[0])
        else:
            heads.append(name)
    surfaces = sorted(names, key=lambda s: (-len(s.split()), -names[s], s))
    token_lists = {s: s.lower().split() for s in surfaces}
    for short in sorted(names, key=lambda s: len(s.split())):
        if short in canon:
            continue
        st = token_lists[short]
        containing = [
            long
            for long in surfaces
            if len(token_lists[long]) > len(st) and _contains(token_lists[long], st)
        ]
        targets = {canon.get(long, long) for long in containing}
        if len(targets) == 1:
            canon[short] = targets.pop()
        elif len(targets) > 1:  # "Kim" with two Kims: the most mentioned family wins
            ranked = Counter(
                {t: sum(names[s] for s in containing if canon.get(s, s) == t) for t in targets}
            ).most_common(2)
            if ranked[0][1] > ranked[1][1]:
                canon[short] = ranked[0][0]
    return canon


def _contains(long: list[str], short: list[str]) -> bool:
    n = len(short)
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))


def _acronym_links(found: list[Found], text_by_line: dict[int, str]) -> dict[str, str]:
    """ "Pakta Pertahanan Atlantik Utara (NATO)": the bracketed acronym names the long form."""
    links: dict[str, str] = {}
    for f in found:
        if f.label == "PER" or len(f.text.split()) < 2:
            continue
        rest = text_by_line.get(f.line, "")[f.end : f.end + 24]
        if not rest.startswith(" (") and not rest.startswith("("):
            continue
        inner = rest.split("(", 1)[1].split(")", 1)[0].strip()
        letters = [c for c in inner if c.isalpha()]
        if 2 <= len(inner) <= 12 and letters and sum(c.isupper() for c in letters) >= 2:
            links[inner] = _norm(f.text)
            links.setdefault(_norm(f.text), inner)
    return links


def categorise(name: str, label: str, entry: GazetteerEntry | None) -> str:
    """The CNBC-style tag of an entity, "unknown" when nothing tells."""
    if entry is not None:
        return {"Kota Dunia": "Kota"}.get(entry.category, entry.category)
    words = [w.lower().strip(".") for w in name.split()]
    if not words:
        return "unknown"
    if label == "PER":
        return "Tokoh"
    if label == "EVT":
        return "Event"
    if label == "ORG":
        head = words[0]
        two = " ".join(words[:2])
        for heads, category in _ORG_HEADS:
            if head in heads or two in heads:
                return category
        tail = _ORG_TAILS.get(words[-1])
        if tail:
            return tail
        if name.lower().endswith((".com", ".id", ".co.id")):
            return "Perusahaan"
        return "unknown"
    if label in {"LOC", "GPE"}:
        if words[0] in _LOC_HEADS:
            return _LOC_HEADS[words[0]]
        if words[0] in _FASUM:
            return "Fasum"
    return "unknown"


def _harmonise_labels(found: list[Found], text_by_line: dict[int, str]) -> None:
    """One surface, one label in an article: the CRF's majority label wins, and a name right
    after "di/ke/dari" counts three times as a place ("di Sayama" against a dateline
    "Sayama:" tagged as a person)."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for f in found:
        if f.source == "gazetteer":
            continue
        before = text_by_line.get(f.line, "")[max(0, f.start - 16) : f.start].split()
        weight = 3 if f.label == "LOC" and before and before[-1].lower() in LOCATIVE else 1
        votes[_norm(f.text)][f.label] += weight
    for f in found:
        if f.source == "gazetteer":
            continue
        counts = votes.get(_norm(f.text))
        if counts and len(counts) > 1:
            f.label = counts.most_common(1)[0][0]


def resolve(found: list[Found], lines: list[Line]) -> tuple[list[Mention], list[Entity]]:
    """Canonical entities of one article and its mentions pointing at them."""
    text_by_line = {ln.index: ln.text for ln in lines}
    _harmonise_labels(found, text_by_line)
    acronyms = _acronym_links(found, text_by_line)
    people = Counter(_norm(f.text) for f in found if f.label == "PER")
    person_canon = _link_people(people)
    clusters: dict[tuple[str, str], Cluster] = {}
    for f in found:
        surface = _norm(f.text)
        entry = _gaz_entry(f)
        if f.label == "PER" and (entry is None or entry.label == "PER"):
            name = person_canon.get(surface, surface)
            entry = entry or lexicon.gazetteer().lookup(name)
            label = "PER"
        else:
            if entry is None and surface in acronyms:
                entry = lexicon.gazetteer().lookup(acronyms[surface])
            if entry is not None:
                name = entry.name
                label = entry.label
            else:
                # An unknown acronym links to its long form seen in the same article.
                long = acronyms.get(surface)
                name = long if long and len(long) > len(surface) else surface
                label = f.label
            if label == "LOC" and entry is not None and entry.category in PLACE_CATEGORIES:
                label = "GPE"
        f.label = label
        key = (("LOC" if label == "GPE" else label), name.casefold())
        cluster = clusters.get(key)
        if cluster is None:
            cluster = clusters[key] = Cluster(name=name, label=label, gaz=entry)
        cluster.members.append(f)
        if entry is not None and cluster.gaz is None:
            cluster.gaz = entry
    mentions: list[Mention] = []
    entities: list[Entity] = []
    for cluster in clusters.values():
        labels = Counter(m.label for m in cluster.members)
        label = "GPE" if "GPE" in labels else labels.most_common(1)[0][0]
        real = [m for m in cluster.members if not m.evidence]
        if not real:
            continue  # only named in captions or related headlines
        entity_id = Entity.make_id(label, cluster.name)
        aliases = sorted({_norm(m.text) for m in real} - {cluster.name})
        roles = sorted({m.role for m in cluster.members if m.role})
        metonym_of = None
        if cluster.gaz is not None and cluster.gaz.metonym_of and any(m.metonym for m in real):
            metonym_of = cluster.gaz.metonym_of
        entities.append(
            Entity(
                id=entity_id,
                name=cluster.name,
                label=label,
                aliases=aliases,
                roles=roles,
                category=categorise(cluster.name, label, cluster.gaz),
                metonym_of=metonym_of,
            )
        )
        for m in real:
            mentions.append(
                Mention(
                    text=m.text,
                    label=label,
                    span=Span(line=m.line, start=m.start, end=m.end),
                    entity_id=entity_id,
                    metonym=m.metonym,
                    score=round(m.score, 4),
                )
            )
    mentions.sort(key=lambda m: (m.span.line, m.span.start))
    order = {eid: i for i, eid in reversed(list(enumerate(m.entity_id for m in mentions)))}
    entities.sort(key=lambda e: order.get(e.id, 1 << 30))
    return mentions, entities


def group_by_entity(mentions: Iterable[Mention]) -> dict[str, list[Mention]]:
    out: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.entity_id:
            out[m.entity_id].append(m)
    return out
