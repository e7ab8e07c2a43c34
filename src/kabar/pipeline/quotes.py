"""Stage ``quotes``: who said what — direct, partial and indirect quotes with their speakers.

The stage reads the article's text lines (lead, body, subheadings: one paragraph a line) and
finds three kinds of quote:

* **direct**: a quoted stretch that carries a statement, attributed before it
  (``Budi mengatakan, "…"``, ``Kata Budi, "…"``, machine-translated ``Budi mengatakan ini “…”``)
  or after it (``"…," kata Budi``, ``"…," ujarnya``, ``“…” Dia berkata.``,
  ``"…" Hal itu disampaikan Budi``), possibly over several paragraphs (a paragraph that opens
  a quote and does not close it, the next one opening again), or not at all: a quoted paragraph
  after a quote *continues* its speaker;
* **partial**: a quoted fragment inside the reporter's sentence (``menyebut keputusan itu
  "masih konsisten" dengan …``), attributed to the speaker of that sentence; a sentence with a
  partial quote yields only its partial quotes. Short quoted words in a sentence with no speech
  cue are scare quotes, not quotes;
* **indirect**: reported speech without quote marks (``Budi mengatakan bahwa …``,
  ``Menurut Budi, …``, ``…, kata Budi.``, ``Budi said the …``).

Speakers are resolved through the speech-cue tables (``lang/<code>/quote_verbs.tsv``) and the
names of the text: the entities stage's mentions and canonical entities when it has run, else
a capitalised-name, title and gazetteer heuristic of this module (:class:`Names`). Pronouns and
clitics (``ujarnya``, ``lanjut dia``, ``Ia menilai``), definite descriptions (``sang pelatih``,
``laporan tersebut``) and unattributed continuation paragraphs go to the most *salient* earlier
speaker: the last speaker or sentence subject of the right kind, never a name that merely
appeared last (``kata X pada Korsel`` makes X the speaker, and Korsel never becomes salient).
Roles (``Sekjen PBB``, ``Gubernur NTT``) are linked to the person they were attached to; states
speak through their capitals (``kata Beijing`` → Tiongkok) and outlets through their reports
(``menurut laporan Nikkei``).

Bad input costs bounded time: every line is scanned once, attribution windows are a few dozen
tokens, very long lines are cut, and the number of quotes per article is capped. Unbalanced
marks, quotes that never close and pages that are all quotes give low-confidence quotes, and a
speaker is left empty rather than guessed when nothing in the text supports one.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

from kabar.cluster.text import stem as stem_word
from kabar.lang import load_list, load_tsv
from kabar.models import Article, Entity, Line, Quote, QuoteKind, Span
from kabar.ner.lexicon import gazetteer, keywords, root_words, titles, word_table
from kabar.ner.tokenize import tokenize as _tokenize
from kabar.pipeline.registry import StageContext, stage

# The name tables, the paragraphs and the role matcher each tokenise a line (six times per
# line before this cache, a fifth of the stage's CPU). Token lists are only read, never changed.
tokenize = lru_cache(maxsize=1024)(_tokenize)  # an article's lines, with room to spare

#: Characters of one line that are read at most (a longer "paragraph" is a dump, not prose).
MAX_LINE_CHARS = 20_000
#: Quotes kept per article at most.
MAX_QUOTES = 1_000
#: Characters of text read per article at most (a long feature is ~50,000).
MAX_ARTICLE_CHARS = 400_000
#: Paragraphs one quote may run over.
MAX_QUOTE_PARAGRAPHS = 12
#: Tokens a speaker phrase or a subject is looked for in, at most.
NP_WINDOW = 14
SUBJECT_WINDOW = 45
ATTRIBUTION_WINDOW = 40
SENTENCE_WINDOW = 400
#: Capitalised words read as one name phrase at most (longer runs are headlines or lists).
MAX_RUN = 16
#: Paragraphs looked back over for a last-resort antecedent.
LOOKBACK_PARAS = 30
#: Salience memory: events kept for pronoun resolution.
MAX_EVENTS = 64

# --- lexicon ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    form: str
    cls: str  # post, verb, passive, according, noun
    indirect: str  # yes, that, no
    lang: str


_MEMO_SIZE = 30_000  # tokens remembered by the lexicon's memos before they start over


@dataclass
class Lexicon:
    cues: dict[str, Cue] = field(default_factory=dict)
    pronouns: dict[str, str] = field(default_factory=dict)  # word -> person | any
    person_nouns: set[str] = field(default_factory=set)
    org_nouns: dict[str, str] = field(default_factory=dict)  # word -> outlet | org
    anonymous: set[str] = field(default_factory=set)
    determiners: set[str] = field(default_factory=set)
    boundary: set[str] = field(default_factory=set)
    lead: set[str] = field(default_factory=set)
    abbrev: dict[str, tuple[str, ...]] = field(default_factory=dict)
    roles: set[tuple[str, ...]] = field(default_factory=set)  # lowercased token tuples
    role_first: set[str] = field(default_factory=set)
    org_heads: set[str] = field(default_factory=set)
    honorifics: set[str] = field(default_factory=set)
    legal: set[str] = field(default_factory=set)  # company forms that open a name: pt, cv
    plural: set[str] = field(default_factory=set)  # opens a group of people: para, ratusan
    ranks: set[tuple[str, ...]] = field(default_factory=set)  # "akp", ("letnan", "kolonel")
    corps: set[str] = field(default_factory=set)  # after a rank: "inf", "tni", "pol", "purn"
    # Memos: cue() and is_role_word() run for nearly every token of every line.
    _cue_memo: dict[str, tuple[Cue, bool] | None] = field(default_factory=dict)
    _role_memo: dict[str, bool] = field(default_factory=dict)
    _role_words: frozenset[str] | None = None

    def cue(self, token: str) -> tuple[Cue, bool] | None:
        """The cue a token is, and whether it carries the pronoun clitic (``ujarnya``)."""
        try:
            return self._cue_memo[token]
        except KeyError:
            pass
        low = token.lower()
        found: tuple[Cue, bool] | None = None
        hit = self.cues.get(low)
        if hit is not None:
            found = hit, False
        elif low.endswith("nya") and len(low) > 5:
            hit = self.cues.get(low[:-3])
            if hit is not None and hit.cls in {"post", "according"}:
                found = hit, True
        if len(self._cue_memo) >= _MEMO_SIZE:
            self._cue_memo.clear()  # bounded: a long crawl meets unbounded vocabulary
        self._cue_memo[token] = found
        return found

    def rank_end(self, lowered: list[str], k: int) -> int | None:
        """Where the rank opening at ``k`` ends, corps words after it included, or None."""
        for size in (4, 3, 2, 1):
            if tuple(lowered[k : k + size]) in self.ranks:
                e = k + size
                while e < len(lowered) and lowered[e].strip("()") in self.corps | {""}:
                    e += 1
                return e
        return None

    def is_role_word(self, token: str) -> bool:
        try:
            return self._role_memo[token]
        except KeyError:
            pass
        low = token.lower().rstrip(".")
        found = low in self.role_first or low in self.person_nouns or low in self.abbrev
        if len(self._role_memo) >= _MEMO_SIZE:
            self._role_memo.clear()
        self._role_memo[token] = found
        return found

    def role_words(self) -> frozenset[str]:
        """Every word of a role, abbreviation or person noun (lowercase)."""
        if self._role_words is None:
            words = {w for role in self.roles for w in role} | set(self.abbrev)
            self._role_words = frozenset(words | self.person_nouns)
        return self._role_words


@cache
def lexicon() -> Lexicon:
    lex = Lexicon()
    for lang in ("id", "en"):
        for row in load_tsv(lang, "quote_verbs.tsv"):
            if len(row) >= 2:
                form = row[0].lower()
                lex.cues.setdefault(form, Cue(form, row[1], row[2] if len(row) > 2 else "no", lang))
        for row in load_tsv(lang, "quote_speakers.tsv"):
            word, kind = row[0].lower(), row[1] if len(row) > 1 else ""
            value = row[2] if len(row) > 2 else ""
            if kind == "pronoun":
                lex.pronouns[word] = value or "person"
            elif kind == "person_noun":
                lex.person_nouns.add(word)
            elif kind == "org_noun":
                lex.org_nouns[word] = value or "org"
            elif kind == "anonymous":
                lex.anonymous.add(word)
            elif kind == "determiner":
                lex.determiners.add(word)
            elif kind == "boundary":
                lex.boundary.add(word)
            elif kind == "lead":
                lex.lead.add(word)
            elif kind == "abbrev":
                lex.abbrev[word] = tuple(value.split())
            elif kind == "role":
                lex.roles.add(tuple(word.split()))
            elif kind == "legal":
                lex.legal.add(word)
            elif kind == "plural":
                lex.plural.add(word)
            elif kind == "rank":
                lex.ranks.add(tuple(word.split()))
                lex.roles.add(tuple(word.split()))
            elif kind == "corps":
                lex.corps.add(word)
    for title, kind in titles().items():
        words = tuple(title.split())
        if kind == "honorific" or kind == "academic":
            lex.honorifics.add(title.rstrip("."))
        lex.roles.add(words)
    lex.role_first = {r[0].rstrip(".") for r in lex.roles}
    lex.org_heads |= {w for w, k in keywords().items() if k == "org"}
    lex.org_heads |= {
        "ministry",
        "department",
        "agency",
        "authority",
        "council",
        "commission",
        "university",
        "party",
        "guard",
        "association",
        "union",
        "institute",
        "office",
        "corporation",
        "company",
        "group",
        "network",
        "jaringan",
        "perum",
        "balai",
    }
    lex.org_heads |= _BUSINESS_FINAL
    return lex


@cache
def _place_clusters() -> frozenset[int]:
    """Word clusters (of the NER word table) made mostly of place names."""
    places: set[str] = set()
    for entry in gazetteer().entries:
        if entry.label in {"GPE", "LOC"}:
            places |= {s.lower() for s in (entry.name, *entry.aliases) if " " not in s}
    table = word_table()
    seen: dict[int, list[int]] = {}
    for word, ids in table.clusters.items():
        if len(ids) > 1 and table.capital.get(word, 0) >= 3:
            counts = seen.setdefault(ids[1], [0, 0])
            counts[0] += 1
            counts[1] += word in places
    return frozenset(c for c, (n, p) in seen.items() if n >= 8 and p / n >= 0.6)


def _place_like(token: str) -> bool:
    """A capitalised word that is, or behaves like, a place name."""
    low = token.lower()
    if gazetteer().lookup(token) is not None:
        return True
    ids = word_table().clusters.get(low)
    return bool(ids and len(ids) > 1 and ids[1] in _place_clusters())


def _common(token: str) -> bool:
    """A word usually written in lower case (so, capitalised, not a name by itself)."""
    bucket = word_table().capital.get(token.lower())
    return bucket is not None and bucket <= 1


# --- quote marks -----------------------------------------------------------------------------

_OPEN_DOUBLE = "“„«‟"
_CLOSE_DOUBLE = "”»"
_SINGLE_MARKS = "'’‘‚"
_ALL_MARKS = "\"“”„«»‟'‘’‚"
_ANY_MARK = re.compile("[" + re.escape(_ALL_MARKS) + "]")
_OPENERS_BEFORE = "([{—–-/:;,.…" + _ALL_MARKS
_CLOSERS_AFTER = ")]}.,;:!?…—–-" + _ALL_MARKS


@dataclass
class Seg:
    """A quoted stretch of one line: marks at ``open``/``close``, content ``start:end``."""

    open: int
    start: int
    end: int
    close: int | None  # None: the quote runs to the end of the line
    single: bool = False
    broken: bool = False  # an unbalanced mark ended or began it


def _flanks(text: str, i: int) -> tuple[bool, bool]:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    can_open = not nxt.isspace() and (prev.isspace() or prev in _OPENERS_BEFORE)
    can_close = not prev.isspace() and (nxt.isspace() or nxt in _CLOSERS_AFTER)
    return can_open, can_close


def find_segments(text: str) -> list[Seg]:
    """Quoted stretches of a line, outermost only, in one pass over its quote marks."""
    marks: list[tuple[int, bool, bool]] = []
    singles: list[tuple[int, bool, bool]] = []
    for i, ch in enumerate(text):
        if ch not in _ALL_MARKS:
            continue
        can_open, can_close = _flanks(text, i)
        if ch in _SINGLE_MARKS:
            prev = text[i - 1] if i > 0 else " "
            nxt = text[i + 1] if i + 1 < len(text) else " "
            if prev.isalnum() and nxt.isalnum():
                continue  # an apostrophe: King’s, Jum'at
            if ch == "‘" or ch == "‚":
                can_close = can_close and not can_open
            elif ch == "’":
                can_open = can_open and not can_close
            singles.append((i, can_open, can_close))
            continue
        if ch in _OPEN_DOUBLE:
            can_close = can_close and not can_open
        elif ch in _CLOSE_DOUBLE:
            can_open = can_open and not can_close
        marks.append((i, can_open, can_close))
    segs = _pair(text, marks, single=False)
    if singles:
        inside = [(s.open, s.close if s.close is not None else len(text)) for s in segs]
        outside = [m for m in singles if not any(a < m[0] < b for a, b in inside)]
        segs += [s for s in _pair(text, outside, single=True) if s.close is not None]
        segs.sort(key=lambda s: s.open)
    return segs


def _pair(text: str, marks: list[tuple[int, bool, bool]], *, single: bool) -> list[Seg]:
    segs: list[Seg] = []
    open_at: int | None = None
    broken = False
    for pos, can_open, can_close in marks:
        if open_at is None:
            if can_open:
                open_at, broken = pos, False
            elif can_close and not single and not segs and not text[:pos].strip(_ALL_MARKS + " "):
                continue  # a stray closer at the very start: nothing to pair
            continue
        if can_close:
            segs.append(Seg(open_at, open_at + 1, pos, pos, single, broken))
            open_at = None
        elif can_open:
            # Two openers in a row: the first quote never closed; it ends where the next begins.
            segs.append(Seg(open_at, open_at + 1, pos, None, single, True))
            open_at, broken = pos, True
    if open_at is not None:
        segs.append(Seg(open_at, open_at + 1, len(text), None, single, broken))
    return segs


# --- sentences -------------------------------------------------------------------------------

_ENDERS = ".!?…"
_ENDER_RE = re.compile(r"[.!?…]")
_ABBREV = frozenset(
    {"dr", "drs", "prof", "h", "hj", "st", "no", "jl", "dll", "dsb", "mr", "mrs", "ms", "sdr"}
    | {"kh", "ir", "jr", "sr", "vs", "u.s", "a.n", "tbk", "col", "gen", "lt", "sgt", "dr"}
)


def split_sentences(text: str, segs: list[Seg]) -> list[tuple[int, int]]:
    """Character ranges of the sentences of a line; quoted stretches are never cut inside."""
    blocked = [(s.start, s.end) for s in segs]
    closes = {s.close for s in segs}
    opens = {s.open for s in segs}
    bounds: list[int] = []
    n = len(text)
    k = 0
    # Only sentence enders and closing marks can end a sentence: visit those, not every
    # character (the same positions, in the same order).
    where = sorted({m.start() for m in _ENDER_RE.finditer(text)} | (closes - {None}))
    for i in where:
        ch = text[i]
        while k < len(blocked) and blocked[k][1] <= i:
            k += 1
        inside = k < len(blocked) and blocked[k][0] <= i < blocked[k][1]
        if inside:
            continue
        is_end = ch in _ENDERS
        is_close_after_end = ch in _ALL_MARKS and i in closes and text[i - 1] in _ENDERS
        if not (is_end or is_close_after_end):
            if i in closes and _new_clause_after(text, i + 1):
                bounds.append(i + 1 + len(text[i + 1 :]) - len(text[i + 1 :].lstrip()))
            continue
        j = i + 1
        while j < n and text[j] in _ALL_MARKS + ")]" and j not in opens:
            j += 1
        if j < n and not text[j].isspace():
            continue
        while j < n and text[j].isspace():
            j += 1
        if j >= n:
            continue
        nxt = text[j]
        if not (nxt.isupper() or nxt.isdigit() or nxt in _ALL_MARKS):
            continue
        if is_end and ch == ".":
            word = re.search(r"([\w.]+)\.$", text[max(0, i - 12) : i + 1])
            if word and (word.group(1).lower() in _ABBREV or len(word.group(1)) == 1):
                continue
        bounds.append(j)
    out, start = [], 0
    for b in bounds:
        if b > start:
            out.append((start, b))
            start = b
    if start < n:
        out.append((start, n))
    return out


def _enough_clause(words: list[str]) -> bool:
    """Enough of a clause to be reported speech: three words, or two that are not a pointer
    back ("mengaku belum puas" is; "mengatakan hal itu" is not)."""
    if len(words) >= 3:
        return True
    low = [w.lower().strip(".,!?") for w in words]
    return (
        len(low) == 2
        and all(w.isalpha() for w in low)
        and not any(w in _POINTERS for w in low)
        and not any(w in lexicon().determiners for w in low)
    )


#: Words that point back at what was said rather than say it ("hal itu", "so", "it").
_POINTERS = frozenset({"hal", "demikian", "begitu", "it", "so", "something", "nothing"})


def _new_clause_after(text: str, at: int) -> bool:
    """Machine translation drops the full stop in a quote: "… “Kami menolak” Ia menambahkan
    bahwa …". A speaker's own clause after the closing mark (pronoun and speech verb, or
    "Menurutnya,", with more than a short attribution after it) starts a new sentence."""
    rest = text[at : at + 160]  # a pronoun, a verb and a few words: bounded per mark
    if not rest[:1].isspace() or not rest.lstrip()[:1].isupper():
        return False
    toks = [t for t, _, _ in tokenize(rest)][:40]
    if len(toks) < 3 or not toks[0][:1].isupper():
        return False
    lex = lexicon()
    first = toks[0].lower()
    if first in {"menurut", "menurutnya", "according"}:
        return len(toks) > 5
    if lex.pronouns.get(first) not in {"person", "plural"}:
        return False
    for k in (1, 2):
        hit = lex.cue(toks[k]) if k < len(toks) else None
        if hit is not None and hit[0].cls in {"verb", "post"} and not hit[1]:
            content = [t for t in toks[k + 1 :] if t.isalnum()]
            return len(content) > 3
    return False


# --- names -----------------------------------------------------------------------------------


@dataclass
class Ref:
    """A name in one line: a person, organisation or place the text gives."""

    start: int
    end: int
    label: str  # PER, ORG, GPE, LOC
    name: str  # canonical name
    entity_id: str | None = None
    metonym_of: str | None = None
    outlet: bool = False
    weak: bool = False  # a lone capitalised word the heuristic only guesses is a name


@dataclass
class Person:
    name: str
    entity_id: str | None
    roles: list[tuple[str, ...]] = field(default_factory=list)


class Names:
    """The names of an article per line, the roles people hold, and acronyms it defines."""

    def __init__(self) -> None:
        self.by_line: dict[int, list[Ref]] = {}
        self.people: dict[str, Person] = {}
        self.acronyms: dict[str, tuple[str, ...]] = {}
        self.entity_ids: dict[str, str] = {}  # canonical name -> entity id (for metonyms)
        self.spelled: dict[str, str] = {}  # acronym -> its name as the text spells it out
        # full name -> (person's name, unit words): "Valdoria Mihail Korvanu" is Mihail Korvanu
        self.renamed: dict[str, tuple[str, list[str]]] = {}
        self._starts: dict[int, list[int]] = {}

    def freeze(self) -> None:
        """Sort each line's names so :meth:`refs` can bisect."""
        for line, refs in self.by_line.items():
            refs.sort(key=lambda r: r.start)
            self._starts[line] = [r.start for r in refs]

    def refs(self, line: int, start: int = 0, end: int = 1 << 30) -> list[Ref]:
        """Names of ``line`` lying inside ``start:end``."""
        refs = self.by_line.get(line, [])
        starts = self._starts.get(line)
        if starts is None:
            return [r for r in refs if r.start >= start and r.end <= end]
        i = bisect.bisect_left(starts, start)
        out = []
        while i < len(refs) and refs[i].start < end:
            if refs[i].end <= end:
                out.append(refs[i])
            i += 1
        return out

    def add_role(self, name: str, entity_id: str | None, role: str) -> None:
        toks = role_tokens(role, self.acronyms)
        if not toks:
            return
        person = self.people.setdefault(name, Person(name, entity_id))
        if toks not in person.roles:
            person.roles.append(toks)

    def link_given_names(self) -> None:
        """A lone place name that is a word of a person named in the article is that person."""
        people: dict[str, Ref] = {}
        for refs in self.by_line.values():
            for r in refs:
                if r.label == "PER" and " " in r.name:
                    for word in r.name.split():
                        people.setdefault(word, r)
        for refs in self.by_line.values():
            for r in refs:
                if r.label in {"GPE", "LOC"} and " " not in r.name and r.name in people:
                    person = people[r.name]
                    r.label, r.name, r.entity_id = "PER", person.name, person.entity_id
                    r.metonym_of = None

    def propagate(self, lines: list[Line]) -> None:
        """A word of a person's full name, written alone elsewhere, is that person.

        Catches given names the tables hold as common words ("Menurut Hari, …",
        "Laras berkata"), but not a common word opening a sentence ("Hari ini …").
        """
        words: dict[str, set[str]] = {}
        ids: dict[str, str | None] = {}
        for refs in self.by_line.values():
            for r in refs:
                if r.label == "PER" and " " in r.name and not r.weak:
                    for word in r.name.split():
                        if len(word) > 2 and word[:1].isupper():
                            words.setdefault(word, set()).add(r.name)
                    ids[r.name] = r.entity_id
        unique = {w: next(iter(n)) for w, n in words.items() if len(n) == 1}
        if not unique:
            return
        for ln in lines:
            text = ln.text[:MAX_LINE_CHARS]
            refs = self.by_line.setdefault(ln.index, [])
            starts = sorted((r.start, r.end) for r in refs)
            toks = tokenize(text)
            for k, (tok, a, b) in enumerate(toks):
                name = unique.get(tok)
                if name is None:
                    continue
                i = bisect.bisect_right(starts, (a, 1 << 30))
                if i > 0 and starts[i - 1][1] > a:
                    continue  # already inside a name
                if i < len(starts) and starts[i][0] < b:
                    continue
                nxt = toks[k + 1][0] if k + 1 < len(toks) else ""
                if (
                    _starts(toks, k)
                    and (_common(tok) or tok.lower() in _function_words())
                    and not nxt[:1].isupper()
                    and nxt not in {",", ":"}
                ):
                    continue
                refs.append(Ref(a, b, "PER", name, ids.get(name)))

    @classmethod
    def from_entities(cls, article: Article, lines: list[Line]) -> Names:
        """The entities stage's mentions first; the heuristic fills gaps and cut-off names."""
        from kabar.pipeline.metadata import lookup_outlet

        lex = lexicon()
        names = cls.heuristic(lines)
        guessed, names.by_line = names.by_line, {}
        guessed_renamed = names.renamed
        entities: dict[str, Entity] = {e.id: e for e in article.entities}
        names.entity_ids = {e.name: e.id for e in article.entities}
        wanted = {ln.index for ln in lines}
        for e in article.entities:
            for alias in e.aliases:
                if alias.isupper() and 2 <= len(alias) <= 8:
                    names.acronyms[alias.lower()] = tuple(t.lower() for t in e.name.split())
        for m in article.mentions:
            if m.span.line not in wanted or not m.text[:1].isupper():
                continue  # lower-case "mentions" ("he said") are tagger noise
            if m.text.lower() in _function_words():
                continue  # "The", "It"
            words = m.text.split()
            if m.label == "PER" and any(
                w.lower() in lex.pronouns or lex.cue(w) is not None for w in words
            ):
                continue
            if m.label == "PER" and all(lex.is_role_word(w) for w in words):
                continue  # "kata Sekda": a role (resolved to its holder), not a name
            ent = entities.get(m.entity_id or "")
            name = ent.name if ent else m.text
            label = m.label
            if label == "PER" and len(words) > 1 and words[-1].lower() in _HEAD_FINAL:
                label = "ORG"  # "Halvorsen Securities": no person's name ends in a trade word
            if label == "PER":
                name = strip_titles(name)
            metonym = ent.metonym_of if ent and ent.metonym_of else None
            if metonym and metonym in entities:
                metonym = entities[metonym].name
            outlet = lookup_outlet(m.text) is not None or lookup_outlet(name) is not None
            start = m.span.start
            if not outlet and label != "PER":
                # "Harian The Jakarta Post": the medium word is no part of the outlet's name.
                medium = _medium_prefix(m.text)
                info = lookup_outlet(m.text[medium:]) if medium else None
                if info is not None:
                    name, outlet, start = info.name, True, start + medium
            label = "ORG" if outlet and label != "PER" else label
            if label == "ORG" and name == m.text and m.text.lower() in names.spelled:
                name = names.spelled[m.text.lower()]  # "AJI" → "Aliansi Jurnalis Independen"
            names.by_line.setdefault(m.span.line, []).append(
                Ref(start, m.span.end, label, name, m.entity_id, metonym, outlet)
            )
        texts = {ln.index: ln.text[:MAX_LINE_CHARS] for ln in lines}
        for line, extra in guessed.items():
            refs = names.by_line.setdefault(line, [])
            refs.sort(key=lambda r: r.start)
            starts = [r.start for r in refs]
            for h in extra:
                i = bisect.bisect_left(starts, h.end)
                over = []
                while i > 0 and len(over) < 8:
                    i -= 1
                    if refs[i].end > h.start:
                        over.insert(0, refs[i])
                    elif refs[i].end <= h.start and refs[i].start < h.start - 200:
                        break
                if not over:
                    refs.append(h)  # sorted again below; overlaps are only looked up here
                    continue
                text = texts.get(line, "")
                inside = all(
                    h.start <= r.start
                    or text[r.start : h.start].strip().lower() in _function_words()  # "The …"
                    for r in over
                ) and all(r.end <= h.end for r in over)
                if h.label == "PER" and " " in h.name and not h.weak:
                    people = [
                        r
                        for r in over
                        if r.label == "PER" and h.start <= r.start and r.end <= h.end
                    ]
                    others = [r for r in over if r not in people]
                    # A trusted mention is replaced only when the guess covers it: the tagger's
                    # longer "Palang Merah Fiji" stays (the guess cut it at a state's name).
                    if all(
                        not _trusted(r) or (r.start == h.start and r.end <= h.end) for r in others
                    ):
                        # "Sutanto" inside "Maya Sutanto"; "Bima" (a town) + "Prasetya";
                        # "Finance Minister Rosli Hamzah" tagged as an organisation.
                        for r in others:
                            r.label = "_"
                        if people:
                            r = people[-1]
                            r.start, r.end, r.name = h.start, h.end, max(h.name, r.name, key=len)
                            for other in people[:-1]:
                                other.label = "_"
                        else:
                            refs.append(h)
                elif (
                    h.label == "ORG"
                    and not h.outlet
                    and any(w.lower() in lexicon().org_heads for w in h.name.split())
                    and all(r.label != "PER" for r in over)
                    and inside
                    and not (len(over) == 1 and (over[0].start, over[0].end) == (h.start, h.end))
                ):
                    # "Philippine Coast Guard" tagged as a place; "Jaringan Suaka Eropa" seen
                    # only as "Eropa": the organisation built on its head word is the name.
                    for r in over:
                        r.label = "_"
                    refs.append(h)
        for line in list(names.by_line):
            names.by_line[line] = [r for r in names.by_line[line] if r.label != "_"]
        refs_all = [(line, r) for line, refs in names.by_line.items() for r in refs]
        # The heuristic saw the unit where the tagger's mention does not show it ("Almeida").
        renamed = {**guessed_renamed, **_unit_prefixes(refs_all, lines)}
        units = {" ".join(unit) for _, unit in renamed.values()}
        for _, r in refs_all:
            if r.label == "PER" and r.name in renamed:
                r.name = renamed[r.name][0]
            elif r.label == "PER" and r.name in units:
                r.label = "ORG"
        for old, (new, _) in renamed.items():
            if old in names.people:
                person = names.people.pop(old)
                person.name = new
                names.people.setdefault(new, person)
        longest: dict[str, str] = {}
        for refs in names.by_line.values():
            refs.sort(key=lambda r: r.start)
            for r in refs:
                if (
                    r.label == "PER"
                    and r.entity_id
                    and len(r.name) > len(longest.get(r.entity_id, ""))
                ):
                    longest[r.entity_id] = r.name
        for refs in names.by_line.values():
            for r in refs:
                if r.label == "PER" and r.entity_id in longest:
                    r.name = longest[r.entity_id]
        names.link_given_names()
        names.propagate(lines)
        for e in article.entities:
            if e.label == "PER":
                name = longest.get(e.id, strip_titles(e.name))
                name = renamed.get(name, (name, []))[0]
                names.people.setdefault(name, Person(name, e.id))
                for role in e.roles:
                    names.add_role(name, e.id, role)
        names.freeze()
        return names

    @classmethod
    def heuristic(cls, lines: list[Line]) -> Names:
        """Names from capitalisation, titles and the gazetteer, when no entities stage ran."""
        names = cls()
        for ln in lines:
            for acronym, words, surface in acronym_definitions(ln.text[:MAX_LINE_CHARS]):
                names.acronyms[acronym] = words
                names.spelled[acronym] = surface.rstrip(",")
        raw: list[tuple[int, Ref, list[str]]] = []
        for ln in lines:
            for ref, role in _heuristic_line(ln.text[:MAX_LINE_CHARS]):
                raw.append((ln.index, ref, role))
        renamed = _unit_prefixes([(line, ref) for line, ref, _ in raw], lines)
        names.renamed = renamed
        units = {" ".join(unit) for _, unit in renamed.values()}
        for _, ref, role in raw:
            if ref.label == "PER" and ref.name in renamed:
                name, unit = renamed[ref.name]
                role.extend(w.lower() for w in unit)
                ref.name = name
            elif ref.label == "PER" and ref.name in units:
                ref.label = "ORG"  # "Rajawali Utara menang": the unit, not a person
        # One canonical name per person: a lone "Stoltenberg" takes "Jens Stoltenberg".
        full: dict[str, set[str]] = {}
        for _, r, _ in raw:
            if r.label == "PER" and " " in r.name:
                for word in r.name.split():
                    known = full.setdefault(word, set())
                    if len(known) < 16:  # a word shared by more names identifies nobody
                        known.add(r.name)
        for line, ref, role in raw:
            if ref.label == "PER":
                ref.name = _longest_containing(ref.name, full)
                ref.entity_id = None
                ref.weak = ref.weak and ref.name.count(" ") == 0
                if role:
                    names.add_role(ref.name, None, " ".join(role))
            elif ref.label == "ORG" and ref.name.lower() in names.spelled:
                ref.name = names.spelled[ref.name.lower()]
            names.by_line.setdefault(line, []).append(ref)
        names.link_given_names()
        names.propagate(lines)
        names.freeze()
        return names


def _unit_prefixes(
    refs: list[tuple[int, Ref]], lines: list[Line]
) -> dict[str, tuple[str, list[str]]]:
    """Names that begin with a place or a club: full name → (person's name, unit words).

    "Presiden Valdoria Mihail Korvanu", "pelatih Bintang Timur Rafael Mendonca": a capitalised
    run after a title may be title + unit + name. The unit shows itself elsewhere in the
    article: before another name ("Menteri Luar Negeri Valdoria Irina Belcescu"), or alone
    where no person is meant ("kalah dari Bintang Timur"). At least two name words remain.
    Moves the ref's start to the person's name.
    """
    role_words = lexicon().role_words()
    toks, runs, starts = _article_runs(tuple((ln.index, ln.text[:MAX_LINE_CHARS]) for ln in lines))
    out: dict[str, tuple[str, list[str]]] = {}
    for line, ref in refs:
        if ref.label != "PER" or ref.weak or line not in toks or ref.name in out:
            continue
        tl = toks[line]
        # The run holding the ref, from just after its title.
        first = bisect.bisect_left(starts[line], ref.start)
        last = bisect.bisect_left(starts[line], ref.end) - 1
        if last < first:
            continue
        idx = range(first, last + 1)
        while first > 0 and tl[first - 1][0][:1].isupper():
            if tl[first - 1][0].lower().rstrip(".") in role_words:
                break
            first -= 1
        if first == 0 or tl[first - 1][0].lower().rstrip(".") not in role_words:
            continue  # only a run right after a title can hold a unit
        words = [t[0] for t in tl[first : idx[-1] + 1]]
        if len(words) < 3 or words[-1] != ref.name.split()[-1]:
            continue
        # The longest unit the article shows ("Garuda" alone is an airline, "Garuda Selatan"
        # the club).
        for p in range(len(words) - 2, 0, -1):
            unit, rest = words[:p], words[p:]
            if _is_unit(unit, rest[0], runs, toks, (line, first)):
                name = " ".join(rest)
                if name != ref.name:
                    out[ref.name] = (name, unit)
                ref.start = tl[first + p][1]
                break
    return out


@lru_cache(maxsize=4)
def _article_runs(
    lines: tuple[tuple[int, str], ...],
) -> tuple[
    dict[int, list[tuple[str, int, int]]],
    dict[str, list[tuple[int, list[int], int]]],
    dict[int, list[int]],
]:
    """An article's tokens per line, its capitalised runs by word (word → (line, token
    indexes, position)) and token starts per line. Both name sources ask for the same lines
    once each, so this is built once per article; the result is only read."""
    role_words = lexicon().role_words()
    toks = {i: tokenize(t) for i, t in lines}
    runs: dict[str, list[tuple[int, list[int], int]]] = {}
    for line, tl in toks.items():
        cur: list[int] = []
        for k, (t, _, _) in enumerate([*tl, ("", 0, 0)]):
            if t[:1].isupper() and t.lower().rstrip(".") not in role_words:
                cur.append(k)
            else:
                for i, x in enumerate(cur):
                    seen = runs.setdefault(tl[x][0], [])
                    if len(seen) < 64:  # bounded work on long pages
                        seen.append((line, cur, i))
                cur = []
    starts = {line: [t[1] for t in tl] for line, tl in toks.items()}
    return toks, runs, starts


def _is_unit(
    unit: list[str],
    after: str,
    runs: dict[str, list[tuple[int, list[int], int]]],
    toks: dict[int, list[tuple[str, int, int]]],
    here: tuple[int, int],
) -> bool:
    """Whether ``unit`` appears elsewhere as a place or club rather than a given name."""
    lex = lexicon()
    entry = gazetteer().lookup(" ".join(unit))
    if entry is not None and entry.label in {"GPE", "LOC", "ORG"}:
        return True
    size = len(unit)
    for line, run, i in runs.get(unit[0], []):
        tl = toks[line]
        words = [tl[k][0] for k in run]
        if words[i : i + size] != unit or (line, run[i]) == here:
            continue
        k_end = run[i] + size  # token after the unit
        nxt = tl[k_end][0] if k_end < len(tl) else ""
        if i + size < len(words):
            if nxt != after and not _common(nxt):
                return True  # another name after the same unit: "Valdoria Irina …"
            continue
        prev = tl[run[i] - 1][0].lower() if run[i] > 0 else ""
        if lex.cue(nxt) is None and (
            prev in _UNIT_BEFORE
            or prev in _loc_heads()
            or prev in lex.org_heads
            # Two words or more re-written alone are rarely a person's first names
            # ("Rajawali Utara menang 3-0"), unless a speech cue stands by them.
            or (size >= 2 and lex.cue(prev) is None and prev not in _PERSON_BEFORE)
        ):
            # "kalah dari Bintang Timur di …", "Kabupaten Lembah Sari": the unit alone,
            # where a place or a team goes ("menemui Hendra", "kata Hendra" are people).
            return True
    return False


_PERSON_BEFORE = frozenset({"menurut", "according", "to", "oleh", "by", "bersama", "with"})
#: Words before a place or a team, not before a person.
_UNIT_BEFORE = frozenset(
    {"di", "dari", "ke", "asal", "kontra", "melawan", "lawan", "versus", "vs", "klub", "tim"}
    | {"kesebelasan", "negara", "negeri", "pemerintah", "wilayah", "kawasan", "daerah", "rakyat"}
    | {"warga", "bangsa", "pasukan", "tentara"}
    | {"in", "from", "at", "against", "club", "team", "country", "government"}
)


@cache
def _media_nouns() -> tuple[str, ...]:
    """Words for a medium ("harian", "kantor berita"), longest first."""
    nouns = {n.lower() for n in load_list("id", "media_nouns.txt")} - {"the"}
    return tuple(sorted(nouns, key=len, reverse=True))


def _medium_prefix(text: str) -> int:
    """How many characters of ``text`` are medium words before a name ("Harian ")."""
    low, at = text.lower(), 0
    for _ in range(3):
        hit = next((n for n in _media_nouns() if low.startswith(n + " ", at)), None)
        if hit is None:
            break
        at += len(hit) + 1
    return at


_ACRONYM = re.compile(r"\(([A-Z][A-Za-z]{1,7})\)")
_JOINERS = frozenset({"dan", "of", "and", "untuk", "for"})


def acronym_definitions(text: str) -> list[tuple[str, tuple[str, ...], str]]:
    """ "Badan Pusat Statistik (BPS)" → ("bps", ("badan", "pusat", "statistik"), surface)."""
    out = []
    for m in _ACRONYM.finditer(text):
        words = text[max(0, m.start() - 120) : m.start()].split()
        name: list[str] = []
        for w in reversed(words[-10:]):
            if w[:1].isupper() or (name and w.lower() in _JOINERS):
                name.insert(0, w)
            else:
                break
        while name and name[0].lower() in _JOINERS:
            name.pop(0)
        if len(name) >= 2:
            out.append((m.group(1).lower(), tuple(w.lower() for w in name), " ".join(name)))
    return out


_CONNECTORS = frozenset({"bin", "binti", "van", "der", "de", "da", "al", "el", "la", "von", "dos"})


@lru_cache(maxsize=8192)  # a pure function of the name, asked for every person mention
def strip_titles(name: str) -> str:
    """A person's name without titles and institution words before it.

    "Governor Daniel Hartono" → "Daniel Hartono", "Komisaris Besar Andreas Simanjuntak" →
    "Andreas Simanjuntak", "Kepresidenan Bagus Nugroho" → "Bagus Nugroho" (a derived common
    word such as "kepresidenan" or "menengah" is never a given name). Two words always stay.
    """
    lex = lexicon()
    words = name.split()
    k = 0
    lowered = [w.lower().strip("().,") for w in words]
    for r in range(len(words) - 1, -1, -1):
        # A rank stands right before its holder's name: what comes before it is title and
        # unit ("Kasat Resnarkoba AKP Dimas Prayoga", "Kodim 1420/Karang Letkol Inf …").
        e = lex.rank_end(lowered, r)
        if e is not None and e < len(words) and words[e][:1].isupper():
            k = e
            break
    while k < len(words) - 1:
        for size in (3, 2, 1):
            phrase = tuple(w.lower().rstrip(".") for w in words[k : k + size])
            single = size == 1 and (
                phrase[0] in lex.honorifics or phrase[0] in lex.abbrev or phrase in lex.roles
            )
            if k + size < len(words) and (single or (size > 1 and phrase in lex.roles)):
                k += size
                break
        else:
            break
    words = words[k:]
    while len(words) > 2 and (
        _derived(words[0]) or (len(words[0]) > 2 and words[0].lower().strip("()") in lex.corps)
    ):
        words = words[1:]  # a tagger's cut after the rank keeps its corps: "Pol Nama Orang"
    return " ".join(words)


@lru_cache(maxsize=_MEMO_SIZE)  # keyed by word: bounded, a long crawl meets unbounded vocabulary
def _derived(word: str) -> bool:
    """An affixed form of another Indonesian root ("kepresidenan" ← presiden): not a name."""
    low = word.lower()
    if not low.isalpha() or len(low) < 6:
        return False
    try:
        stem = stem_word(low)
    except Exception:  # a stemmer failure must not stop the stage
        return False
    return stem != low and len(stem) >= 4 and stem in root_words()


def _trusted(ref: Ref) -> bool:
    """A tagger's name the tables confirm (or any person): heuristics do not overrule it."""
    return ref.label == "PER" or ref.outlet or gazetteer().lookup(ref.name) is not None


def _longest_containing(name: str, full: dict[str, set[str]]) -> str:
    toks = name.split()
    best = name
    for cand in sorted(full.get(toks[0], ())):
        ctoks = cand.split()
        if len(ctoks) > len(best.split()) and all(t in ctoks for t in toks):
            best = cand
    return best


def _heuristic_line(text: str) -> list[tuple[Ref, list[str]]]:
    """Capitalised runs of a line cut into roles, organisations, places and people."""
    lex = lexicon()
    toks = tokenize(text)
    out: list[tuple[Ref, list[str]]] = []
    i, n = 0, len(toks)
    blocked = _dates_words()
    carry: tuple[int, list[str]] | None = None  # a role run waiting for its name
    while i < n:
        tok = toks[i][0]
        if not (tok[:1].isupper() or lex.is_role_word(tok)) or tok.lower() in blocked:
            i += 1
            continue
        j = i
        run: list[tuple[str, int, int]] = []
        while j < n and len(run) < MAX_RUN:
            t = toks[j][0]
            low = t.lower()
            nxt = toks[j + 1][0] if j + 1 < n else ""
            if low in blocked:
                break
            if t[:1].isupper() or (low in _CONNECTORS and run and nxt[:1].isupper()):
                run.append(toks[j])
            elif run and low in {"dan", "of", "and"} and nxt[:1].isupper():
                if any(w[0].lower() in lex.org_heads for w in run):
                    run.append(toks[j])
                else:
                    break
            elif t == "." and run and run[-1][0].lower() in lex.honorifics | lex.role_first:
                run.append(toks[j])
            elif (
                t == "("
                and j + 2 < n
                and toks[j + 1][0].isupper()
                and toks[j + 2][0] == ")"
                and run
            ):
                run.extend(toks[j : j + 3])  # "Perserikatan Bangsa-Bangsa (PBB) Elena Marquez"
                j += 2
            elif lex.is_role_word(t):
                run.append(toks[j])
            else:
                break
            j += 1
        cut = _cut_run(run, text, sentence_start=_starts(toks, i))
        if carry and run and text[carry[0] : run[0][1]].strip() == ",":
            # "Sekretaris Daerah Teluk Damar, Agus Salimun": the role before the comma is the
            # role of the person after it.
            for x, (ref, role) in enumerate(cut):
                if ref.label == "PER" and not role and ref.start == run[0][1]:
                    cut[x] = (ref, carry[1])
                break
        carry = _role_run(run, cut)
        out.extend(cut)
        i = max(j, i + 1)
    return _drop_role_tails(out, text)


def _role_run(
    run: list[tuple[str, int, int]], cut: list[tuple[Ref, list[str]]]
) -> tuple[int, list[str]] | None:
    """A run that is a role and its unit with nobody named ("Kepala Dinas Kesehatan Batu
    Lintang"): (its end, its words), for the name that may follow after a comma."""
    if not run or not lexicon().is_role_word(run[0][0]) or any(r.label == "PER" for r, _ in cut):
        return None
    words = [t.lower().rstrip(".") for t, _, _ in run if t not in {"(", ")"}]
    return run[-1][2], [w for w in words if w not in lexicon().honorifics]


def _drop_role_tails(out: list[tuple[Ref, list[str]]], text: str) -> list[tuple[Ref, list[str]]]:
    """ "Kepala Teknologi DompetKu, Reza Alamsyah, …": the name between commas is the
    person; the capitalised words after the title before it are the role's unit, not a
    second person."""
    keep: list[tuple[Ref, list[str]]] = []
    for k, (ref, role) in enumerate(out):
        nxt = out[k + 1][0] if k + 1 < len(out) else None
        if (
            ref.label == "PER"
            and role
            and nxt is not None
            and nxt.label == "PER"
            and " " in nxt.name
            and text[ref.end : nxt.start].strip() == ","
            and text[nxt.end : nxt.end + 1] in {",", ".", ""}
        ):
            if not out[k + 1][1]:
                # "Sekretaris Daerah Pulau Seram Barat, Markus Latuheru.": the whole role is
                # the named person's.
                out[k + 1] = (nxt, [*role, *ref.name.lower().split()])
            continue
        keep.append((ref, role))
    return keep


def _starts(toks: list[tuple[str, int, int]], i: int) -> bool:
    return i == 0 or toks[i - 1][0] in {".", "!", "?", "“", '"', "”", ":", "‘", "…", "(", "-", "–"}


#: English company names end in a trade word ("Halvorsen Shipping", "Arcturus Motors").
_BUSINESS_FINAL = frozenset(
    {"shipping", "logistics", "motors", "airlines", "airways", "holdings", "industries"}
    | {"technologies", "securities", "pharmaceuticals", "insurance", "ventures", "inc", "ltd"}
    | {"plc", "llc", "gmbh", "corp"}
)
#: English organisation heads come last ("Health Ministry", "Disaster Management Authority").
_HEAD_FINAL = frozenset(
    {"ministry", "agency", "authority", "council", "commission", "guard", "association"}
    | {"union", "institute", "office", "corporation", "company", "group", "network", "party"}
    | _BUSINESS_FINAL
)


#: Cut runs by their words, relative offsets, text and position: the same runs ("Jakarta",
#: "Namun", "CNN Indonesia", a person named again) come back often, within an article and
#: across a crawl (about two in three in the scaled benchmark corpus).
_CUT_MEMO: dict[
    tuple[tuple[tuple[str, int, int], ...], str, bool], list[tuple[Ref, list[str]]]
] = {}


def _cut_run(
    run: list[tuple[str, int, int]], text: str, *, sentence_start: bool
) -> list[tuple[Ref, list[str]]]:
    """One capitalised run → [(Ref, role words before it)] (fresh objects each call)."""
    if not run:
        return []
    base = run[0][1]
    key = (
        tuple((w, a - base, b - base) for w, a, b in run),
        text[base : run[-1][2]],
        sentence_start,
    )
    shape = _CUT_MEMO.get(key)
    if shape is None:
        # The cut reads nothing outside the run's own span, so it shifts with the run.
        cut = _cut_run_at(run, text, sentence_start=sentence_start)
        shape = [(replace(r, start=r.start - base, end=r.end - base), role) for r, role in cut]
        if len(_CUT_MEMO) >= _MEMO_SIZE // 3:  # about 0.7 KB an entry: ~7 MB at most
            _CUT_MEMO.clear()
        _CUT_MEMO[key] = shape
    return [(replace(r, start=r.start + base, end=r.end + base), list(role)) for r, role in shape]


def _mark_outlets(
    run: list[tuple[str, int, int]],
    words: list[str],
    kinds: list[str],
    sizes: tuple[int, ...],
    out: list[tuple[Ref, list[str]]],
) -> None:
    """Outlet names of the given word counts (longest first) among the run's words not yet
    marked: each found one is marked and added to ``out`` as an organisation."""
    from kabar.pipeline.metadata import lookup_outlet

    k = 0
    while k < len(run):
        for size in sizes:
            window = range(k, k + size)
            if (
                k + size <= len(run)
                and words[k][:1].isupper()
                and not any(kinds[x] for x in window)
            ):
                info = lookup_outlet(" ".join(words[k : k + size]))
                if info is not None:
                    for x in window:
                        kinds[x] = "named"
                    ref = Ref(run[k][1], run[k + size - 1][2], "ORG", info.name, outlet=True)
                    out.append((ref, []))
                    k += size - 1
                    break
        k += 1


def _cut_run_at(run: list[tuple[str, int, int]], text: str, *, sentence_start: bool) -> list:  # type: ignore[type-arg]
    """One capitalised run → [(Ref, role words before it)], offsets in ``text``."""
    lex = lexicon()
    out: list[tuple[Ref, list[str]]] = []
    while run and (
        (run[0][0][:1].islower() and not lex.is_role_word(run[0][0]))
        or lex.cue(run[0][0]) is not None
        or run[0][0].lower() in lex.pronouns
        or run[0][0] in {"(", ")", "."}
        or (
            sentence_start
            and (_common(run[0][0]) or run[0][0].lower() in _function_words())
            and run[0][0].lower() not in lex.org_heads
            and not lex.is_role_word(run[0][0])
        )
    ):
        run = run[1:]
    if not run:
        return out
    words = [t for t, _, _ in run]
    lowered = [w.lower().rstrip(".") for w in words]
    kinds = [""] * len(run)
    loc_heads = _loc_heads()
    # Outlets of several words first: "The Washington Post" is not Washington and a "Post".
    _mark_outlets(run, words, kinds, (4, 3, 2), out)
    for a, b, entry in gazetteer().matches([w.lower() for w in words]):
        if any(kinds[x] for x in range(a, b)):
            continue
        if entry.label == "PER" or _given_name(entry, words, kinds, a, b, loc_heads):
            continue  # people go through the person path, which keeps their roles
        if _inside_name(words, a, b):
            continue
        if (
            a == 0  # after a role ("Direktur Utama PT Pertamina Nicke …") a person follows
            and lowered[a] in lex.legal
            and b < len(words)
            and words[b][:1].isupper()
            and not lex.is_role_word(words[b])
            and gazetteer().lookup(words[b]) is None
        ):
            # "PT Pertamina Patra Niaga": the alias "PT Pertamina" is only the start of a
            # company's name; the organisation path below takes the whole run.
            continue
        if words[a][:1].isupper():
            for x in range(a, b):
                kinds[x] = "named"
            label = entry.label if entry.label in {"ORG", "GPE", "LOC", "PER"} else "LOC"
            ref = Ref(
                run[a][1], run[b - 1][2], label, entry.name, metonym_of=entry.metonym_of or None
            )
            out.append((ref, []))
    _mark_outlets(run, words, kinds, (4, 3, 2, 1), out)
    for k in range(len(run)):
        for size in (3, 2):
            if k + size <= len(run) and tuple(lowered[k : k + size]) in lex.roles:
                for x in range(k, k + size):
                    kinds[x] = kinds[x] or "role"
    for k, low in enumerate(lowered):
        if kinds[k]:
            continue
        w = words[k]
        if w in {"(", ")"}:
            kinds[k] = "paren"
        elif (
            w == "."
            or (low,) in lex.roles
            or low in lex.abbrev
            or low in lex.honorifics
            or (low in lex.person_nouns and w[:1].islower())
        ):
            kinds[k] = "role"
        elif low in lex.org_heads:
            kinds[k] = "orghead"
        elif low in loc_heads:
            kinds[k] = "lochead"
        elif w.isupper() and len(w) >= 2 and w.isalpha():
            kinds[k] = "acronym"
        elif _POSSESSOR.search(w) and k + 1 < len(run):
            kinds[k] = "role"  # "Nordmark's Prime Minister X": a possessor qualifies the role
    # A title word right after a name is part of the name ("Lukman Hakim"), unless it opens a
    # longer title ("… Prime Minister").
    for k in range(1, len(run)):
        if (
            kinds[k] == "role"
            and not kinds[k - 1]
            and words[k][:1].isupper()
            and not _common(words[k - 1])
            and (k + 1 == len(run) or kinds[k + 1] != "")
            and not any(
                k + n <= len(run) and tuple(lowered[k : k + n]) in lex.roles for n in (2, 3)
            )
        ):
            kinds[k] = ""
    # A rank stands right before its holder's name: the corps words after it are part of it,
    # and name-like words right before it are the holder's unit ("Kasat Resnarkoba AKP Nama",
    # "Kodim 1420/Karang Abang Letkol Inf Nama"), never a person of their own.
    for k in range(len(run)):
        e = lex.rank_end(lowered, k) if kinds[k] == "role" else None
        if e is None or e >= len(run) or kinds[e] != "" or not words[e][:1].isupper():
            continue
        for x in range(k, e):
            kinds[x] = "paren" if words[x] in {"(", ")"} else "role"
        b = k - 1
        while b >= 0 and kinds[b] == "":
            kinds[b] = "unit"
            b -= 1
    k = 0
    role_before: list[str] = []
    group_start: int | None = None
    while k <= len(run):
        kind = kinds[k] if k < len(run) else "end"
        if kind == "":
            if group_start is None:
                group_start = k
            k += 1
            continue
        if group_start is not None:
            if kind == "orghead" and lowered[k] in _HEAD_FINAL:
                e = k + 1
                if e + 1 < len(run) and lowered[e] == "of":
                    e += 2
                first = group_start
                while first > 0 and kinds[first - 1] == "named":
                    first -= 1  # "Vietnam Disaster Management Authority"
                ref = Ref(
                    run[first][1],
                    run[e - 1][2],
                    "ORG",
                    text[run[first][1] : run[e - 1][2]],
                )
                out.append((ref, []))
                role_before, group_start, k = [], None, e
                continue
            _person(run, words, group_start, k, role_before, out)
            role_before, group_start = [], None
        if kind == "end":
            break
        if kind in {"role", "paren", "named", "unit"}:
            role_before.append(lowered[k])  # the role's organisation counts: "Sekjen PBB"
            k += 1
            continue
        if kind == "acronym":
            out.append((Ref(run[k][1], run[k][2], "ORG", words[k]), []))
            role_before.append(lowered[k])
            k += 1
            continue
        if kind == "lochead":
            e = k + 1
            if e < len(run) and kinds[e] in {"", "named"} and words[e][:1].isupper():
                e += 1
            out.append((Ref(run[k][1], run[e - 1][2], "LOC", text[run[k][1] : run[e - 1][2]]), []))
            role_before.extend(lowered[k:e])
            k = e
            continue
        # An organisation: its head, then capitalised words up to a role or a trailing name.
        e = k + 1
        while e < len(run) and kinds[e] in {"", "acronym", "orghead", "lochead", "named"}:
            e += 1
        tail = e
        while tail - 1 > k and not kinds[tail - 1] and not _common(words[tail - 1]):
            tail -= 1
        if e - tail >= 2 and lowered[tail - 1] not in {"of", "dan", "and"} and tail - k >= 2:
            e = tail
        name = text[run[k][1] : run[e - 1][2]]
        if e > k + 1 or kinds[k] != "orghead":
            # A head word alone ("Asosiasi agen perjalanan …") names no organisation.
            out.append((Ref(run[k][1], run[e - 1][2], "ORG", name), []))
        role_before.extend(lowered[k:e])
        k = e
    out.sort(key=lambda x: x[0].start)
    return out


@lru_cache(maxsize=_MEMO_SIZE)
def _passive_verb(word: str) -> bool:
    """A di- passive of a verb ("diterima", "ditemui"), not "di" words that are roots."""
    low = word.lower()
    if not low.startswith("di") or not low.isalpha() or len(low) < 6:
        return False
    try:
        stem = stem_word(low)
    except Exception:  # a stemmer failure must not stop the stage
        return False
    return stem != low and len(stem) >= 3 and low not in lexicon().pronouns


@cache
def _loc_heads() -> frozenset[str]:
    return frozenset(w for w, k in keywords().items() if k == "loc")


def _given_name(entry, words: list[str], kinds: list[str], a: int, b: int, loc_heads) -> bool:  # type: ignore[no-untyped-def]
    """A town's name that opens a person's name ("Bima Prasetya"): not the town."""
    if entry.category != "Kab/Kota" or b != a + 1 or b >= len(words):
        return False
    nxt = words[b]
    if not nxt[:1].isupper() or _common(nxt) or lexicon().is_role_word(nxt):
        return False
    if gazetteer().lookup(nxt) is not None:
        return False
    return a == 0 or words[a - 1].lower() not in loc_heads


def _inside_name(words: list[str], a: int, b: int) -> bool:
    """A place-like word with name words on both sides is part of a name ("Wong Kai Ming")."""
    if a == 0 or b >= len(words) or b - a != 1:
        return False
    lex = lexicon()

    def name_word(w: str) -> bool:
        return (
            w[:1].isupper()
            and not _common(w)
            and not lex.is_role_word(w)
            and w.lower() not in lex.org_heads
            and gazetteer().lookup(w) is None
        )

    return name_word(words[a - 1]) and name_word(words[b])


def _person(run, words, a: int, b: int, role_before: list[str], out: list) -> None:  # type: ignore[no-untyped-def]
    """Name-like words ``a:b`` of a run become a person, unless they are common words."""
    lex = lexicon()
    span = list(range(a, b))
    while len(span) > 2 and (_common(words[span[0]]) or _derived(words[span[0]])):
        role_before = [*role_before, words[span[0]].lower()]
        span = span[1:]
    if len(span) >= 3 and role_before and _place_like(words[span[0]]):
        role_before = [*role_before, words[span[0]].lower()]  # "Bupati Klaten Anton Saputra"
        span = span[1:]
    if not span or len(span) > 5 or all(_common(words[x]) for x in span):
        return  # common words, or too long for a name (a title-case headline)
    first, last = span[0], span[-1]
    name = " ".join(words[first : last + 1])
    known = gazetteer().lookup(name)
    if known is not None and known.label == "PER":
        name = known.name
    name = strip_titles(name)
    weak = len(span) == 1 and not role_before and known is None
    roles = [w for w in role_before if w not in lex.honorifics and w != "."]
    out.append((Ref(run[first][1], run[last][2], "PER", name, weak=weak), roles))


# --- roles -----------------------------------------------------------------------------------

_ROLE_STOP = frozenset(
    {"di", "dari", "the", "of", "asal", "setempat", "yang", "itu", "tersebut", "sang", "(", ")"}
)


def role_tokens(text: str, acronyms: dict[str, tuple[str, ...]] | None = None) -> tuple[str, ...]:
    """A role as comparable lowercase words: abbreviations spelt out, filler dropped."""
    lex = lexicon()
    out: list[str] = []
    for tok, _, _ in tokenize(text.lower()):
        tok = tok.rstrip(".")
        if not tok or tok in _ROLE_STOP or not tok[0].isalnum():
            continue
        out.extend(lex.abbrev.get(tok, (tok,)))
    return tuple(out)


def _initials(words: tuple[str, ...]) -> set[str]:
    """Acronyms spelled by runs of consecutive words: (nusa, tenggara, timur) → ntt, nt, …"""
    found = set()
    for a in range(len(words)):
        acc = ""
        for b in range(a, min(len(words), a + 8)):
            acc += words[b][0]
            if len(acc) >= 2:
                found.add(acc)
    return found


def role_matches(query: tuple[str, ...], role: tuple[str, ...], acronyms: dict) -> bool:  # type: ignore[type-arg]
    if not query:
        return False
    lex = lexicon()
    expanded = set(role)
    for tok in role:
        expanded.update(acronyms.get(tok, ()))
    initials = _initials(role)
    generic = query[0] in {"pemimpin", "leader", "kepala", "pejabat", "official"}
    if generic and len(query) == 1:
        return False  # "pejabat tersebut" alone says no role: salience decides, not the tables
    for i, tok in enumerate(query):
        if tok in expanded or tok in initials:
            continue
        if tok in acronyms and set(acronyms[tok]) <= expanded:
            continue
        if i == 0 and generic:
            continue
        if tok in lex.person_nouns and i == 0 and tok in {r for r in role}:
            continue
        return False
    return True


# --- speakers and salience -------------------------------------------------------------------


@dataclass
class Speaker:
    name: str | None
    entity_id: str | None
    kind: str  # PER, ORG, ANON
    resolution: str
    text: str
    confidence: float
    outlet: bool = False
    plural: bool = False  # an unnamed group ("para guru", "sejumlah orang tua")


@dataclass
class Event:
    line: int
    pos: int
    speaker: Speaker
    said: bool  # a speaker event (quote or speech verb), not only a sentence subject


class Salience:
    """Who the text is about, in order: speakers and sentence subjects (not every mention)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(self, line: int, pos: int, speaker: Speaker | None, *, said: bool) -> None:
        if speaker is None or (speaker.name is None and speaker.kind != "ANON"):
            return
        self.events.append(Event(line, pos, speaker, said))
        if len(self.events) > MAX_EVENTS:
            del self.events[: len(self.events) - MAX_EVENTS]

    def last_speaker(self) -> Event | None:
        for ev in reversed(self.events):
            if ev.said:
                return ev
        return None

    def find(
        self, want: str, *, head: str | None = None, skip: set[str] | None = None
    ) -> Event | None:
        """The most recent event of a kind: person, org, outlet, any, plural (mereka, they),
        or clitic (-nya)."""
        if want == "plural":
            # A group or an organisation in view; else a misused singular ("…” Mereka
            # berkata." in machine translation), the most recent event of any kind.
            for ev in reversed(self.events[-6:]):
                if ev.speaker.plural or ev.speaker.kind == "ORG":
                    return ev
            want = "any"
        for ev in reversed(self.events):
            sp = ev.speaker
            if sp.plural and want != "any":
                continue  # "ia", "-nya" are one person, never a group
            if skip and sp.name in skip:
                continue
            if want == "person" and sp.kind in {"PER", "ANON"}:
                return ev
            if want == "any":
                return ev
            if want == "clitic" and (sp.kind in {"PER", "ANON"} or ev.said):
                return ev
            if want in {"org", "outlet"} and sp.kind == "ORG":
                if head and sp.name and head in sp.name.lower().split():
                    return ev
                if head is None and (sp.outlet == (want == "outlet")):
                    return ev
        if want in {"org", "outlet"} and head is not None:
            return self.find(want)
        if want == "outlet":
            return self.find("org")
        if want == "org":
            # "tulis KirimCepat dalam keterangan resminya": a company that writes is no outlet
            # the tables know, and "Perusahaan itu" is still that company.
            for ev in reversed(self.events):
                sp = ev.speaker
                if sp.kind == "ORG" and sp.name and not _is_outlet(sp.name):
                    return ev
        return None


def _outside(toks: list[tuple[str, int, int]], segs: list[Seg]) -> list[tuple[str, int, int]]:
    """The tokens not inside a quote (both lists in text order: one merge pass)."""
    out, k = [], 0
    for t in toks:
        while k < len(segs) and segs[k].close is not None and segs[k].close < t[1]:
            k += 1
        inside = (
            k < len(segs)
            and segs[k].open <= t[1]
            and (segs[k].close is None or t[1] <= segs[k].close)
        )
        if not inside:
            out.append(t)
    return out


def _strength(cue: Cue) -> int:
    """How surely a cue reports speech: a speech noun < "mengkritik" < "mengatakan"."""
    return 0 if cue.cls == "noun" else 1 if cue.indirect in {"no", "comma"} else 2


def _with(speaker: Speaker | None, cue: str) -> tuple[Speaker, str] | None:
    return (speaker, cue) if speaker is not None else None


def _from_event(ev: Event, resolution: str, text: str, confidence: float) -> Speaker:
    sp = ev.speaker
    return Speaker(sp.name, sp.entity_id, sp.kind, resolution, text, confidence, sp.outlet)


# --- the per-article extractor ---------------------------------------------------------------


@dataclass
class Para:
    line: Line
    text: str
    toks: list[tuple[str, int, int]]
    starts: list[int]
    segs: list[Seg]
    sents: list[tuple[int, int]]

    @property
    def index(self) -> int:
        return self.line.index

    def tok_at(self, pos: int) -> int:
        """Index of the first token starting at or after ``pos``."""
        return bisect.bisect_left(self.starts, pos)

    def toks_in(
        self, a: int, b: int, *, first: int | None = None, last: int | None = None
    ) -> list[tuple[str, int, int]]:
        """Tokens inside ``a:b``; only the ``first`` or the ``last`` so many when given."""
        i = self.tok_at(a)
        j = bisect.bisect_right(self.starts, b)
        while j > i and self.toks[j - 1][2] > b:
            j -= 1
        if first is not None:
            j = min(j, i + first)
        if last is not None:
            i = max(i, j - last)
        return self.toks[i:j]


_ADVERBS = frozenset(
    {
        "juga",
        "pun",
        "telah",
        "sudah",
        "akan",
        "kembali",
        "lalu",
        "kemudian",
        "sebelumnya",
        "secara",
        "khusus",
        "sendiri",
        "pula",
        "lagi",
        "hanya",
        "bahkan",
        "pernah",
        "sempat",
        "tetap",
        "masih",
        "sering",
        "kerap",
        "also",
        "had",
        "has",
        "have",
        "was",
        "is",
        "would",
        "will",
        "then",
        "later",
        "earlier",
        "previously",
        "pada",
        "hari",
        "bulan",
        "pekan",
        "minggu",
        "tahun",
        "ini",
        "kemarin",
        "malam",
        "pagi",
        "siang",
        "sore",
        "on",
        "last",
        "yesterday",
        "today",
        "(",
        ")",
    }
)
_DAYS = frozenset(
    {"senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu", "ahad"}
    | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)
_BUT = frozenset({"but", "tetapi", "namun", "lalu", "kemudian", "then"})
_COORD = frozenset({"dengan", "dan", "serta", "sambil", "seraya", "and", "while", "sekaligus"})
_OUTLET_CUES = frozenset({"tulis", "lapor", "wrote", "writes", "melaporkan", "reported"})
_CONNECTIVES = frozenset(
    {"namun", "tetapi", "tapi", "sementara", "itu", "but", "however", "meanwhile", "dan", "and"}
)


@cache
def _function_words() -> frozenset[str]:
    from kabar.lang import load_list

    words: set[str] = set()
    for lang in ("id", "en"):
        words |= {w.lower() for w in load_list(lang, "stopwords.txt")}
    return frozenset(words)


@cache
def _is_outlet(name: str) -> bool:
    from kabar.pipeline.metadata import lookup_outlet

    return lookup_outlet(name) is not None


@cache
def _months() -> frozenset[str]:
    return frozenset(
        row[0].lower() for lang in ("id", "en") for row in load_tsv(lang, "months.tsv")
    )


@cache
def _dates_words() -> frozenset[str]:
    """Day and month names: they never start or join a name run."""
    return _DAYS | _months()


_POSSESSIVE = re.compile(r"(?<=\w)['’]s?(?=\s)")
_POSSESSOR = re.compile(r"\w['’]s$")
_RELATIVE = frozenset({"yang", "who", "which", "whose"})
#: Before an organisation that only places a person ("analyst at X", "ekonom dari X").
_AFFILIATION = frozenset({"at", "of", "from", "di", "dari"})


def _affiliated(text: str, ref: Ref) -> bool:
    """Whether a name follows "at"/"of"/"di"… : it places someone ("analyst at X")."""
    before = text[max(0, ref.start - 12) : ref.start].split()
    return bool(before) and before[-1].lower() in _AFFILIATION


#: Open a subordinate clause after an attribution ("…, officials said, as the country …").
_SUBORDINATORS = frozenset(
    {"as", "while", "after", "when", "because", "amid", "though", "although", "since", "before"}
    | {"sementara", "karena", "setelah", "saat", "ketika", "meski", "meskipun", "sebelum"}
)
#: Prepositions whose object is no subject ("… yang berbicara kepada SCMP mengatakan").
_OBJECT_PREPOSITIONS = frozenset(
    {"kepada", "pada", "dengan", "dari", "untuk", "to", "with", "from", "for", "by", "oleh"}
)
#: Words opening a description that an apposition then names ("its interior minister, X,").
_DESCRIPTION_OPENERS = frozenset({"the", "its", "his", "her", "their", "our", "a", "an"})
_PASSIVE_OPENERS = frozenset({"hal", "demikian", "pernyataan", "penjelasan", "keterangan", "itu"})


class Extractor:
    """One article's quotes: paragraphs in order, speakers tracked as it goes."""

    def __init__(self, article: Article) -> None:
        self.article = article
        lines, budget = [], MAX_ARTICLE_CHARS
        for ln in article.text_lines:
            if ln.text.strip():
                if budget <= 0:
                    break
                lines.append(ln)
                budget -= min(len(ln.text), MAX_LINE_CHARS)
        self.truncated = len(lines) < sum(1 for ln in article.text_lines if ln.text.strip())
        self.use_entities = "entities" in article.stages and bool(article.mentions)
        self.names = (
            Names.from_entities(article, lines) if self.use_entities else Names.heuristic(lines)
        )
        self.lex = lexicon()
        self.paras = [self._para(ln) for ln in lines]
        self.position = {p.index: i for i, p in enumerate(self.paras)}
        self.state = Salience()
        self.quotes: list[Quote] = []
        self.after_quote = False  # reading the attribution after a closing mark

    def _para(self, ln: Line) -> Para:
        text = ln.text[:MAX_LINE_CHARS]
        toks = tokenize(text)
        segs = find_segments(text)
        return Para(ln, text, toks, [t[1] for t in toks], segs, split_sentences(text, segs))

    # -- top level -------------------------------------------------------------------------
    def run(self) -> list[Quote]:
        pending: tuple[Quote, Para, Seg] | None = None  # a quote still open at a line's end
        for para in self.paras:
            skip: set[int] = set()
            if pending is not None:
                pending, skip = self._continue(pending, para)
            consumed: set[int] = set()
            k = 0  # segments are in order: walk them along the sentences
            for si, (s0, s1) in enumerate(para.sents):
                segs: list[Seg] = []
                while k < len(para.segs) and para.segs[k].open < s1:
                    if para.segs[k].open >= s0 and k not in skip:
                        segs.append(para.segs[k])
                    k += 1
                if si in consumed:
                    continue
                if segs:
                    used_next, last_open = self._quoted_sentence(para, si, segs)
                    if used_next:
                        consumed.add(si + 1)
                    if last_open is not None:
                        pending = last_open
                else:
                    self._plain_sentence(para, si)
                if len(self.quotes) >= MAX_QUOTES:
                    break
            if len(self.quotes) >= MAX_QUOTES:
                break
        if pending is not None:
            pending[0].confidence = round(pending[0].confidence * 0.6, 3)  # never closed
        self.quotes.sort(key=lambda q: (self.position.get(q.span.line, 0), q.span.start))
        return self.quotes[:MAX_QUOTES]

    # -- multi-paragraph quotes -------------------------------------------------------------
    def _continue(
        self, pending: tuple[Quote, Para, Seg], para: Para
    ) -> tuple[tuple[Quote, Para, Seg] | None, set[int]]:
        quote, first, _ = pending
        lead = para.text.lstrip()
        if not para.segs or para.segs[0].open != len(para.text) - len(lead):
            quote.confidence = round(quote.confidence * 0.6, 3)  # never closed
            return None, set()
        seg = para.segs[0]
        quote.text = quote.text + "\n" + para.text[seg.start : seg.end].strip()
        quote.end_span = Span(line=para.index, start=seg.start, end=seg.end)
        n_paras = quote.text.count("\n") + 1
        if seg.close is None and n_paras < MAX_QUOTE_PARAGRAPHS:
            return (quote, first, seg), {0}
        if quote.speaker is None and quote.resolution == "none":
            _, s1 = self._sentence_of(para, seg.open)
            found = self._after(para, seg, s1)
            if found is not None:
                speaker, _ = found
                self._apply(quote, speaker)
                self.state.add(para.index, seg.start, speaker, said=True)
        if quote.resolution == "none":
            self._continuation(quote, first.index)
        if seg.close is None:
            quote.confidence = round(quote.confidence * 0.6, 3)
        return None, {0}

    def _sentence_of(self, para: Para, pos: int) -> tuple[int, int]:
        for s0, s1 in para.sents:
            if s0 <= pos < s1:
                return s0, s1
        return 0, len(para.text)

    # -- sentences with quote marks --------------------------------------------------------
    def _quoted_sentence(
        self, para: Para, si: int, segs: list[Seg]
    ) -> tuple[bool, tuple[Quote, Para, Seg] | None]:
        """The quotes of one sentence with quote marks; (next sentence used?, quote left open)."""
        s0, s1 = para.sents[si]
        used_next = False
        last_open: tuple[Quote, Para, Seg] | None = None
        sentence_cue = self._cue_speaker(para, s0, s1, segs)
        cued = sentence_cue is not None or self._sentence_has_cue(para, s0, s1, segs)
        prev_quote: Quote | None = None
        prev_seg: Seg | None = None
        subject = self._subject_event(para, s0, s1)
        for seg in segs:
            content = para.text[seg.start : seg.end]
            words = content.split()
            if not words:
                continue
            pre_from = prev_seg.close + 1 if prev_seg and prev_seg.close is not None else s0
            pre = para.text[pre_from : seg.open]
            post_end = s1
            post = para.text[seg.close + 1 : post_end] if seg.close is not None else ""
            # A quote interrupted by its attribution: "…," kata X, "…"
            if (
                prev_quote is not None
                and prev_quote.kind == QuoteKind.DIRECT
                and prev_quote.speaker_text
                and words[0][:1].islower()
                and pre.strip().endswith(",")
                and self._has_cue(para, pre_from, seg.open)
            ):
                prev_quote.text += " … " + content.strip()
                prev_quote.end_span = Span(line=para.index, start=seg.start, end=seg.end)
                prev_seg = seg
                continue
            pre_clean = pre.strip(" ,–—-:\t" + _ALL_MARKS)
            after = self._after(para, seg, s1) if seg.close is not None else None
            before = self._before(para, s0 if prev_seg is None else pre_from, seg.open)
            kind = QuoteKind.PARTIAL
            speaker: Speaker | None = None
            cue = ""
            text = content.strip()
            end = seg.end
            confidence_scale = 0.6 if seg.broken else 1.0
            if after is not None:
                speaker, cue = after
                if cue.startswith("@next:"):
                    used_next = True
                    cue = cue[len("@next:") :]
                if not pre_clean or before is not None:
                    kind = QuoteKind.DIRECT
            elif not pre_clean:
                kind = QuoteKind.DIRECT
                rest = post.strip(" ,.;:" + _ALL_MARKS)
                if rest and len(words) <= 3 and rest[:1].islower():
                    kind = QuoteKind.PARTIAL  # "…" at a sentence's start used as a term
            elif before is not None:
                speaker, cue, mt = before
                tail = post.strip(" ,.;:!?" + _ALL_MARKS)
                if pre.rstrip().endswith((":", ",")) and not tail:
                    kind = QuoteKind.DIRECT
                elif mt and not tail and words[0][:1].isupper() and len(words) >= 4:
                    kind = QuoteKind.DIRECT  # machine translation: cue, then “Sentence.”
                elif (
                    mt
                    and len(words) <= 2
                    and words[0][:1].isupper()
                    and tail[:1].isupper()
                    and seg.close is not None
                ):
                    # A stray pair of marks round the first word of a translated quote.
                    kind = QuoteKind.DIRECT
                    end = s1
                    text = para.text[seg.start : s1].replace(para.text[seg.close], "", 1).strip()
                    text = text.rstrip(" .")
                    confidence_scale *= 0.6
                else:
                    kind = QuoteKind.PARTIAL
            if kind == QuoteKind.PARTIAL and speaker is None:
                if sentence_cue is not None:
                    speaker, cue = sentence_cue
                elif len(words) >= 4 and subject is not None:
                    speaker, cue = subject, ""
                    speaker.confidence = min(speaker.confidence, 0.4)
                elif before is None and not cued:
                    prev_seg = seg
                    continue  # a scare quote: a term in marks, nobody speaks
            quote = Quote(
                text=text.strip().rstrip(",").strip(),
                kind=kind,
                span=Span(line=para.index, start=seg.start, end=end),
                cue=cue or "",
            )
            if speaker is not None:
                self._apply(quote, speaker)
                quote.confidence = round(quote.confidence * confidence_scale, 3)
                self.state.add(para.index, seg.start, speaker, said=True)
            elif kind == QuoteKind.DIRECT and before is None:
                self._continuation(quote, para.index)
                quote.confidence = round(quote.confidence * confidence_scale, 3)
            else:
                quote.confidence = 0.3  # a speech cue names someone the text does not identify
            self.quotes.append(quote)
            if seg.close is None and seg is para.segs[-1]:
                last_open = (quote, para, seg)
            prev_quote, prev_seg = quote, seg
        return used_next, last_open

    def _sentence_has_cue(self, para: Para, s0: int, s1: int, segs: list[Seg]) -> bool:
        """A speech verb outside the quotes of a sentence (so its quotes are someone's)."""
        for t in _outside(para.toks_in(s0, s1, first=SENTENCE_WINDOW), segs):
            hit = self.lex.cue(t[0])
            if hit is not None and (hit[0].cls != "post" or hit[0].lang != "id" or hit[1]):
                return True
        return False

    def _has_cue(self, para: Para, a: int, b: int) -> bool:
        return any(self.lex.cue(t) for t, _, _ in para.toks_in(a, b))

    def _apply(self, quote: Quote, speaker: Speaker) -> None:
        quote.speaker = speaker.name
        quote.speaker_entity_id = speaker.entity_id
        quote.speaker_text = speaker.text or None
        quote.resolution = speaker.resolution  # type: ignore[assignment]
        quote.confidence = round(max(0.05, min(1.0, speaker.confidence)), 3)

    def _continuation(self, quote: Quote, line: int) -> None:
        ev = self.state.last_speaker()
        if ev is None:
            quote.resolution = "none"
            quote.confidence = 0.2
            return
        near = self._gap(ev.line, line) <= 2
        sp = _from_event(ev, "continuation", "", 0.75 if near else 0.45)
        self._apply(quote, sp)
        quote.speaker_text = None

    def _gap(self, a: int, b: int) -> int:
        """Paragraphs between two lines."""
        return abs(self.position.get(b, 0) - self.position.get(a, 0))

    # -- attribution after a closing mark ---------------------------------------------------
    def _after(self, para: Para, seg: Seg, s1: int) -> tuple[Speaker, str] | None:
        # After a quote "mereka" is mostly machine translation's misused singular ("…”
        # Mereka berkata."): read it as the speaker in view, not a group.
        self.after_quote = True
        try:
            return self._after_quote(para, seg, s1)
        finally:
            self.after_quote = False

    def _after_quote(self, para: Para, seg: Seg, s1: int) -> tuple[Speaker, str] | None:
        assert seg.close is not None
        toks = para.toks_in(seg.close + 1, s1, first=ATTRIBUTION_WINDOW)
        # Skip punctuation between the mark and the cue.
        i = 0
        while i < len(toks) and toks[i][0] in {",", "–", "—", "-", ":", ";"} | set(_ALL_MARKS):
            i += 1
        found = self._cue_phrase(para, toks, i)
        if found is not None:
            return found
        if i >= len(toks) or all(t[0] in {".", "!", "?"} for t in toks[i:]):
            # "“…” Dia berkata." / "“…” Hal itu disampaikan X …" as the next sentence.
            nxt = self._next_sentence(para, s1)
            if nxt is not None:
                ntoks = para.toks_in(*nxt, first=ATTRIBUTION_WINDOW)
                found = self._cue_phrase(para, ntoks, 0, next_sentence=True)
                if found is not None:
                    return found[0], "@next:" + found[1]
        return None

    def _next_sentence(self, para: Para, s1: int) -> tuple[int, int] | None:
        for a, b in para.sents:
            if a == s1:
                return a, b
        return None

    def _cue_phrase(
        self,
        para: Para,
        toks: list[tuple[str, int, int]],
        i: int,
        *,
        next_sentence: bool = False,
    ) -> tuple[Speaker, str] | None:
        """A cue opening ``toks[i:]``: "kata X", "ujarnya", "Dia berkata", "X said", "said X"."""
        if i >= len(toks):
            return None
        word = toks[i][0]
        hit = self.lex.cue(word)
        if hit is not None and not next_sentence:
            cue, clitic = hit
            if cue.cls == "post":
                if clitic:
                    return _with(self._pronoun(para, toks[i], "clitic", word), word)
                return _with(self._np_after(para, toks, i + 1, cue), word)
        if next_sentence and word.lower() in _PASSIVE_OPENERS:
            for k in range(i + 1, min(len(toks), i + 5)):
                h = self.lex.cue(toks[k][0])
                if h is not None and h[0].cls == "passive":
                    j = k + 1
                    if j < len(toks) and toks[j][0].lower() == "oleh":
                        j += 1
                    return _with(self._np_after(para, toks, j, h[0]), toks[k][0])
        appo = self._apposition_subject(para, toks, i)
        if appo is not None:
            return appo
        # Subject first: "Dia berkata." "Mereka berkata." "he said", "Gunawan told reporters".
        for k in range(i + 1, min(len(toks), i + 8)):
            h = self.lex.cue(toks[k][0])
            if h is None:
                if toks[k][0] in {",", ".", ";", "!", "?"}:
                    break
                continue
            cue = h[0]
            if cue.cls not in {"post", "verb"}:
                break
            rest = [t for t in toks[k + 1 :] if t[0] not in {".", "!", "?"}]
            if next_sentence and len(rest) > 3 and cue.lang == "id":
                break  # a whole new sentence, not an attribution
            np = self._np_span(para, toks, i, k)
            if np is None:
                break
            return _with(self._speaker_from_np(para, np[0], np[1], cue), toks[k][0])
        return None

    def _apposition_subject(
        self, para: Para, toks: list[tuple[str, int, int]], i: int
    ) -> tuple[Speaker, str] | None:
        """ "…," its interior minister, Rodrigo Salcedo, said: a role description, the
        person named between commas, then the verb; the person is the speaker."""
        c1 = next((k for k in range(i + 1, min(len(toks), i + 7)) if toks[k][0] == ","), None)
        if c1 is None:
            return None
        desc = toks[i:c1]
        first = desc[0][0].lower()
        if not (
            (first in _DESCRIPTION_OPENERS and self.lex.is_role_word(desc[-1][0]))
            or (self.lex.is_role_word(desc[0][0]) and len(desc) <= 4)
        ):
            return None
        ref = self._apposition_name(para, toks, c1 + 1)
        if ref is None:
            return None
        c2 = next((k for k in range(c1 + 1, min(len(toks), c1 + 7)) if toks[k][0] == ","), None)
        if c2 is None or c2 + 1 >= len(toks):
            return None
        hit = self.lex.cue(toks[c2 + 1][0])
        if hit is None or hit[1] or hit[0].cls not in {"post", "verb"}:
            return None
        self.names.add_role(ref.name, ref.entity_id, para.text[desc[0][1] : desc[-1][2]])
        speaker = Speaker(
            ref.name, ref.entity_id, "PER", "named", para.text[ref.start : ref.end], 0.9
        )
        return speaker, toks[c2 + 1][0]

    def _np_span(
        self, para: Para, toks: list[tuple[str, int, int]], i: int, k: int
    ) -> tuple[int, int] | None:
        """Character span of a speaker phrase ``toks[i:k]`` before a verb, or None."""
        phrase = [t for t in toks[i:k] if t[0].lower() not in _ADVERBS]
        if not phrase or len(phrase) > 7:
            return None
        if any(t[0] in {",", ";"} for t in phrase) and len(phrase) > 3:
            return None
        lex = self.lex
        if not any(
            t[0][:1].isupper()
            or t[0].lower() in lex.pronouns
            or t[0].lower() in lex.determiners
            or t[0].lower() in lex.person_nouns
            or t[0].lower()[:-1] in lex.person_nouns  # "three trade officials told …"
            or t[0].lower() in lex.org_nouns
            or t[0].lower() in lex.role_first
            for t in phrase
        ):
            return None  # "coast guard spokesman Jay Ramos told …" passes, plain words do not
        return phrase[0][1], phrase[-1][2]

    def _np_after(
        self, para: Para, toks: list[tuple[str, int, int]], i: int, cue: Cue
    ) -> Speaker | None:
        """The speaker phrase after an inverted cue: "kata Budi di …", "said Prasit, adding"."""
        if i >= len(toks):
            return None
        first = toks[i][0]
        low = first.lower()
        if low in self.lex.pronouns:
            return self._pronoun(para, toks[i], self.lex.pronouns[low], first)
        lower_mode = not first[:1].isupper()
        j = i
        limit = min(len(toks), i + NP_WINDOW)
        while j < limit:
            t = toks[j][0]
            tl = t.lower()
            if t in {",", ".", ";", ":", "!", "?", "(", ")"} or t in _ALL_MARKS:
                if t == "." and j > i and toks[j - 1][0].lower() in self.lex.honorifics:
                    j += 1
                    continue
                break
            if j > i and tl in self.lex.boundary and not (lower_mode and tl == "di"):
                break
            if j > i and (tl in _DAYS or (tl.isdigit() and not lower_mode)):
                break
            if lower_mode:
                if j > i and tl in self.lex.determiners and tl != "sang":
                    j += 1
                    break
            elif not (
                t[:1].isupper()
                or tl in _CONNECTORS
                or self.lex.is_role_word(t)
                or (tl in {"of", "dan"} and j + 1 < limit and toks[j + 1][0][:1].isupper())
            ):
                break
            j += 1
        if j == i:
            return None
        a, b = toks[i][1], toks[j - 1][2]
        speaker = self._speaker_from_np(para, a, b, cue)
        # "kata Ketua Komisi B DPRD Surabaya, Hari Mulyono, …": the name after the role.
        role_headed = self.lex.is_role_word(toks[i][0])
        comma = j
        if role_headed:
            # "Profesor hubungan internasional … di King's College London, Ramon Pascheco."
            limit = min(len(toks), j + 20)
            while comma < limit and toks[comma][0] not in {",", ".", ";", "!", "?"}:
                if self.lex.cue(toks[comma][0]) is not None or toks[comma][0] in _ALL_MARKS:
                    break
                comma += 1
        else:
            while (
                comma < min(len(toks), j + 3)
                and toks[comma][0].islower()
                and toks[comma][0] not in self.lex.boundary
            ):
                comma += 1  # "Kepala Dinas … setempat, X,"
        weak_speaker = speaker is None or speaker.resolution == "role" or speaker.kind == "ANON"
        if (weak_speaker or role_headed) and comma < len(toks) and toks[comma][0] == ",":
            appo = self._apposition_name(para, toks, comma + 1)
            if appo is not None:
                ref = appo
                role = para.text[a:b]
                self.names.add_role(ref.name, ref.entity_id, role)
                return Speaker(
                    ref.name, ref.entity_id, "PER", "named", para.text[ref.start : ref.end], 0.9
                )
        return speaker

    def _apposition_name(self, para: Para, toks: list[tuple[str, int, int]], i: int) -> Ref | None:
        """A person named right after a comma: "kata Ketua AJI, Rosa Melinda."."""
        j = i
        while j < len(toks) and j < i + 6 and toks[j][0] not in {",", ".", ";", "(", ":"}:
            j += 1
        if j == i or j - i > 5:
            return None
        a, b = toks[i][1], toks[j - 1][2]
        people = [r for r in self.names.refs(para.index, a, b) if r.label == "PER"]
        if people and para.text[a:b].strip()[:1].isupper():
            return people[-1]
        return None

    # -- attribution before an opening mark ------------------------------------------------
    def _before(self, para: Para, a: int, b: int) -> tuple[Speaker | None, str, bool] | None:
        """A cue in the text before a quote: (speaker or None when it names nobody known,
        cue, machine-translated shape?); None when there is no speech cue at all."""
        toks = para.toks_in(a, b, last=SUBJECT_WINDOW)
        if not toks:
            return None
        cues = [(k, self.lex.cue(t[0])) for k, t in enumerate(toks)]
        cues = [(k, h) for k, h in cues if h is not None]
        if not cues:
            return None
        ends = para.text[a:b].rstrip()
        mt = not ends.endswith((",", ":"))
        # The strongest speech cue wins; among equals, the first ("mengatakan … menyebut").
        ranked = sorted(cues, key=lambda c: (-_strength(c[1][0]), c[0]))
        first_cue: str | None = None
        for k, (cue, clitic) in ranked:
            if cue.cls == "post" and cue.lang == "id" and not clitic:
                prev = toks[k - 1][0] if k > 0 else ""
                if k != 0 and prev not in {",", "(", "–", "—"}:
                    continue  # "kata" as a noun, "jelas" as an adjective
            first_cue = first_cue or toks[k][0]
            sp = self._speaker_for_cue(para, toks, k, cue, clitic, sentence_start=a)
            if sp is not None:
                return sp, toks[k][0], mt
        return (None, first_cue, mt) if first_cue else None

    def _speaker_for_cue(
        self,
        para: Para,
        toks: list[tuple[str, int, int]],
        k: int,
        cue: Cue,
        clitic: bool,
        *,
        sentence_start: int,
    ) -> Speaker | None:
        word = toks[k]
        if clitic:
            return self._pronoun(para, word, "clitic" if cue.cls == "post" else "person", word[0])
        if cue.cls == "according":
            j = k + 1
            if j < len(toks) and toks[j][0].lower() == "to":
                j += 1
            return self._np_after(para, toks, j, cue)
        if cue.cls == "passive":
            j = k + 1
            if j < len(toks) and toks[j][0].lower() == "oleh":
                j += 1
            return self._np_after(para, toks, j, cue)
        if cue.cls == "post" and cue.lang == "id":
            prev = toks[k - 1][0] if k > 0 else ""
            if k == 0 or prev in {",", "(", "–", "—"}:
                return self._np_after(para, toks, k + 1, cue)
        if cue.cls == "noun":
            return self._initial_np(para, sentence_start, word[1])
        return self._subject(para, sentence_start, word[1])

    # -- cue anywhere in a sentence (partial quotes) ---------------------------------------
    def _cue_speaker(
        self, para: Para, s0: int, s1: int, segs: list[Seg]
    ) -> tuple[Speaker, str] | None:
        """The speaker of a sentence's speech cue: the strongest cue, nearest before a quote."""
        toks = _outside(para.toks_in(s0, s1, first=SENTENCE_WINDOW), segs)
        first_quote = segs[0].open if segs else s1
        ranked = []
        for k, t in enumerate(toks):
            hit = self.lex.cue(t[0])
            if hit is None:
                continue
            cue, clitic = hit
            if cue.cls == "post" and cue.lang == "id" and not clitic:
                prev = toks[k - 1][0] if k > 0 else ""
                if k != 0 and prev not in {",", "(", "–", "—"} and prev not in _ALL_MARKS:
                    continue
            strength = _strength(cue)
            distance = first_quote - t[1] if t[1] < first_quote else 10_000 + t[1]
            ranked.append((-strength, distance, k))
        for _, _, k in sorted(ranked):
            cue, clitic = self.lex.cue(toks[k][0])  # type: ignore[misc]
            sp = self._speaker_for_cue(para, toks, k, cue, clitic, sentence_start=s0)
            if sp is not None:
                return sp, toks[k][0]
        return None

    # -- subjects ---------------------------------------------------------------------------
    def _chunks(self, para: Para, a: int, b: int) -> list[list[tuple[str, int, int]]]:
        toks = para.toks_in(a, b, last=SUBJECT_WINDOW)
        chunks: list[list[tuple[str, int, int]]] = [[]]
        for t in toks:
            if t[0] in {",", ";", ":"} or t[0] in _ALL_MARKS:
                chunks.append([])
            else:
                chunks[-1].append(t)
        return chunks

    def _subject(self, para: Para, s0: int, verb_at: int) -> Speaker | None:
        """The subject of a speech verb: the clause part right before it, past appositions."""
        chunks = self._chunks(para, s0, verb_at)
        role_desc: str | None = None
        for idx in range(len(chunks) - 1, -1, -1):
            chunk = [t for t in chunks[idx] if t[0] not in {"(", ")"}]
            if not chunk:
                continue
            low = [t[0].lower() for t in chunk]
            if low[0] in _RELATIVE:
                if len(low) == 1 and idx > 0:
                    # "…, memihak NATO, yang bersikeras": the noun right before the comma.
                    np = self._trailing_np(self._strip_adverbs(chunks[idx - 1]))
                    if np:
                        return self._speaker_from_np(para, np[0][1], np[-1][2], None)
                    return None
                continue  # "Rizky, yang mencetak gol, mengaku": a relative clause aside
            if all(w in _COORD for w in low) or (len(chunks) == 1 and low[-1] in _BUT):
                # "X welcomed the move but called it …": the verb shares the first subject.
                return self._initial_np(para, s0, verb_at)
            chunk = self._strip_adverbs(self._strip_leading(chunk))
            if not chunk:
                continue
            if len(chunk) > 6:
                # A long clause: the phrase next to the verb is its subject ("… dirinya mendesak"),
                # unless a relative clause ends there: "Seorang diplomat yang berbicara kepada
                # SCMP mengatakan" is the diplomat's; the outlet is the clause's object.
                np = self._trailing_np(chunk)
                rel = next((x for x, t in enumerate(chunk) if t[0].lower() in _RELATIVE), None)
                before = (
                    chunk[len(chunk) - len(np) - 1][0].lower() if 0 < len(np) < len(chunk) else ""
                )
                if (
                    np
                    and rel is not None
                    and 0 < rel < len(chunk) - len(np)
                    and (before in _OBJECT_PREPOSITIONS)
                ):
                    chunk = chunk[:rel]
                else:
                    chunk = np or chunk
            a, b = chunk[0][1], chunk[-1][2]
            first = chunk[0][0].lower()
            desc = first in {"a", "an", "the"} or (
                chunk[0][0][:1].islower() and first not in self.lex.pronouns
            )
            # "a transport analyst at Baltic Equities": a name after "at" places the person
            # the description is about; it is not the subject.
            has_person = any(
                r.label == "PER" and not r.weak and not (desc and _affiliated(para.text, r))
                for r in self.names.refs(para.index, a, b)
            )
            if desc and not has_person and self._name_before(para, chunks[:idx]):
                role_desc = para.text[a:b]
                continue  # "Hendra Gunawan, chief executive of …, said": look further left
            sp = self._speaker_from_np(para, a, b, None)
            if sp is not None and sp.kind == "PER" and sp.name and not role_desc and idx > 0:
                # "The finance minister, Petr Holm, said": the description before the name.
                prev = [t for t in chunks[idx - 1] if t[0] not in {"(", ")"}]
                if 0 < len(prev) <= 6 and any(self.lex.is_role_word(t[0]) for t in prev):
                    role_desc = para.text[prev[0][1] : prev[-1][2]]
            if sp is not None and role_desc and sp.kind == "PER" and sp.name:
                self.names.add_role(sp.name, sp.entity_id, role_desc)
            return sp
        return None

    def _name_before(self, para: Para, chunks: list[list[tuple[str, int, int]]]) -> bool:
        for chunk in reversed(chunks):
            if not chunk:
                continue
            refs = self.names.refs(para.index, chunk[0][1], chunk[-1][2])
            return any(r.label in {"PER", "ORG"} for r in refs) or self._name_like(
                [t[0] for t in chunk]
            )
        return False

    def _strip_leading(self, chunk: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
        k = 0
        while k < len(chunk) and chunk[k][0].lower() in _CONNECTIVES:
            k += 1
        return chunk[k:]

    def _name_like(self, words: list[str]) -> bool:
        """A short capitalised phrase that may be a name the tables do not know."""
        if not words or len(words) > 5 or not words[0][:1].isupper():
            return False
        first = words[0].lower().rstrip(".")
        lex = self.lex
        return not (
            first in _function_words()
            or lex.cue(words[0]) is not None
            or first in lex.pronouns
            or first in lex.lead
            or first in _CONNECTIVES
            or first in _DAYS
            or first in _months()
            or _common(words[0])
        )

    def _plain_noun(self, low: str) -> bool:
        """A common word that can head a subject (not a function word, pronoun or opener)."""
        lex = self.lex
        return not (
            low in _function_words()
            or low in lex.pronouns
            or low in lex.lead
            or low in _CONNECTIVES
            or low in _DAYS
            or low in _months()
            or low in _PASSIVE_OPENERS
            or lex.cue(low) is not None
        )

    def _strip_adverbs(self, chunk: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
        end = len(chunk)
        while end > 0:
            w = chunk[end - 1][0]
            wl = w.lower()
            if wl in _ADVERBS or wl in _DAYS or re.fullmatch(r"[\d/]+", w):
                end -= 1
                continue
            break
        return chunk[:end]

    def _trailing_np(self, chunk: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
        k = len(chunk)
        while k > 0:
            w = chunk[k - 1][0]
            wl = w.lower()
            if (
                w[:1].isupper()
                or wl in _CONNECTORS
                or self.lex.is_role_word(w)
                or wl in self.lex.determiners
                or wl in self.lex.org_nouns
                or wl in self.lex.pronouns
                or wl in {"of", "dan", "bicara", "besar", "umum", "utama"}
                or w == "."
            ):
                k -= 1
                continue
            break
        np = chunk[k:]
        while np and (np[0][0].lower() in {"of", "dan", "."}):
            np = np[1:]
        return np

    def _initial_np(self, para: Para, s0: int, b: int) -> Speaker | None:
        """The sentence's leading noun phrase (its subject), after any adverbial opener."""
        chunks = [c for c in self._chunks(para, s0, b) if c]
        while len(chunks) > 1 and chunks[0][0][0].lower() in self.lex.lead:
            chunks = chunks[1:]
        if not chunks:
            return None
        first = chunks[0]
        k = 0
        while k < len(first):
            w = first[k][0]
            wl = w.lower()
            if (
                w[:1].isupper()
                or wl in _CONNECTORS
                or self.lex.is_role_word(w)
                or wl in self.lex.determiners
                or wl in self.lex.pronouns
                or wl in self.lex.org_nouns
            ):
                k += 1
                continue
            bridge = self._lower_role_bridge(first, k)
            if bridge is None:
                break
            k = bridge
        if k == 0:
            return None
        if k < len(first) and first[k - 1][0][-2:] in {"'s", "’s"}:
            # "Indonesia's state electricity company …": the name is a possessor, the
            # subject is the description after it (lower-case words up to the verb).
            e = k
            while e < min(len(first), k + 4) and first[e][0].islower():
                if self.lex.cue(first[e][0]) is not None:
                    break
                e += 1
            return self._speaker_from_np(para, first[0][1], first[e - 1][2], None)
        head = first[0][0].lower()
        described = (
            head in self.lex.org_nouns
            or self.lex.is_role_word(first[0][0])
            or (
                # "The country's environment minister, Priya Raman, …": a description
                # headed by a role, named by the apposition after it.
                head in _DESCRIPTION_OPENERS
                and len(chunks) > 1
                and len(first) <= 6
                and self.lex.is_role_word(first[-1][0])
            )
        )
        # A described subject is named right after it: read the apposition before guessing.
        sp = None if described else self._speaker_from_np(para, first[0][1], first[k - 1][2], None)
        if (
            (sp is None or sp.kind != "PER")
            and len(chunks) > 1
            and (len(first) - k <= 2 or described)
        ):
            nxt = chunks[1]
            if len(nxt) <= 5:
                refs = self.names.refs(para.index, nxt[0][1], nxt[-1][2])
                named = [r for r in refs if r.label in {"PER", "ORG"}]
                role = para.text[first[0][1] : first[-1][2]]
                if named:
                    r = named[-1]
                    kind = "ORG" if head in self.lex.org_nouns else r.label
                    if kind == "PER":
                        self.names.add_role(r.name, r.entity_id, role)
                    res = "named" if kind == "PER" else "organisation"
                    return Speaker(r.name, r.entity_id, kind, res, para.text[r.start : r.end], 0.85)
                words = [t[0] for t in nxt]
                if head in self.lex.org_nouns and self._name_like(words):
                    name = " ".join(words)
                    return Speaker(name, None, "ORG", "organisation", name, 0.7)
        if sp is None and described:
            sp = self._speaker_from_np(para, first[0][1], first[k - 1][2], None)
        return sp

    def _lower_role_bridge(self, toks: list[tuple[str, int, int]], k: int) -> int | None:
        """ "Deputy energy minister Bambang …": a title opened by role words goes on through
        a few lower-case words to a role word and the capitalised name after it. Where the
        scan may resume (the name), or None."""
        if k == 0 or not all(self.lex.is_role_word(t[0]) for t in toks[:k]):
            return None
        for e in range(k, min(len(toks) - 1, k + 3)):
            word = toks[e][0]
            if not word.isalpha() or not word.islower() or self.lex.cue(word) is not None:
                return None
            if self.lex.is_role_word(word) and toks[e + 1][0][:1].isupper():
                return e + 1
        return None

    def _subject_event(self, para: Para, s0: int, s1: int) -> Speaker | None:
        """The subject of a sentence when it names someone: it becomes salient."""
        toks = para.toks_in(s0, min(s1, s0 + 400))
        if not toks or toks[0][0] in _ALL_MARKS:
            return None
        first = toks[0][0]
        if first.lower() in self.lex.pronouns and self.lex.pronouns[first.lower()] == "person":
            return None  # "Ia …": resolved where a cue needs it
        end = toks[min(len(toks) - 1, 24)][2]
        if first.lower() in self.lex.plural and len(toks) > 1 and toks[1][0][:1].islower():
            # "Para guru itu …": a group in view, for a later "mereka".
            group = Speaker(None, None, "ANON", "role", first, 0.6, plural=True)
            self.state.add(para.index, s0, group, said=False)
            return None
        sp = self._initial_np(para, s0, end)
        if (
            sp is not None
            and sp.kind in {"PER", "ORG"}
            and sp.resolution
            in {
                "named",
                "organisation",
            }
        ):
            self.state.add(para.index, s0, sp, said=False)
            return sp
        return None

    def _passive_agent(self, para: Para, toks: list[tuple[str, int, int]]) -> None:
        """ "Para guru itu diterima Sekretaris Daerah …, Agus Salimun.": the person a passive
        verb introduces is who the next "Beliau" means (when no named person is the subject).
        Not after a pronoun subject or a speech verb: in "Ia menyebut para tersangka dijerat
        Undang-Undang …" the passive is inside the reported clause and names nobody in view."""
        if toks and self.lex.pronouns.get(toks[0][0].lower()) == "person":
            return
        for k, (tok, _, _) in enumerate(toks[:SUBJECT_WINDOW]):
            hit = self.lex.cue(tok)
            if hit is not None and hit[0].cls in {"verb", "post"}:
                return
            if not _passive_verb(tok) or hit is not None:
                continue
            j = k + 1 + (k + 1 < len(toks) and toks[k + 1][0].lower() == "oleh")
            if j >= len(toks) or not toks[j][0][:1].isupper():
                return
            end = next(
                (x for x in range(j, min(len(toks), j + NP_WINDOW)) if toks[x][0] == "."), None
            )
            stop = toks[end][1] if end is not None else toks[min(len(toks), j + NP_WINDOW) - 1][2]
            people = [
                r
                for r in self.names.refs(para.index, toks[j][1], stop)
                if r.label == "PER" and not r.weak
            ]
            if people:
                r = people[-1]
                sp = Speaker(r.name, r.entity_id, "PER", "named", para.text[r.start : r.end], 0.8)
                self.state.add(para.index, r.start, sp, said=False)
            return

    # -- noun phrases to speakers -----------------------------------------------------------
    def _speaker_from_np(self, para: Para, a: int, b: int, cue: Cue | None) -> Speaker | None:
        """The speaker a phrase names: a person, an organisation, a role, a pronoun, nobody."""
        text = para.text[a:b].strip()
        words = text.split()
        if not words:
            return None
        possessive = _POSSESSIVE.search(para.text, a, b)
        if (
            possessive is not None
            and possessive.end() < b
            and len(para.text[a : possessive.start()].split()) <= 3
            and "," not in para.text[a : possessive.start()]
        ):
            # "Indonesia's state electricity company", "Nordmark's Prime Minister X": the
            # possessor only qualifies the speaker phrase after it.
            return self._speaker_from_np(para, possessive.end(), b, cue)
        lex = self.lex
        low = [w.lower().strip(".,") for w in words]
        if low[0] in lex.pronouns and len(low) <= 2:
            return self._pronoun(para, (words[0], a, a + len(words[0])), lex.pronouns[low[0]], text)
        refs = self.names.refs(para.index, a, b)
        strong = [r for r in refs if not r.weak]
        people = [r for r in refs if r.label == "PER" and (not r.weak or not strong)]
        if not people:
            # A tagger's mention that began before the phrase was cut ("Kodim 1420/Karang
            # Abang Letkol Inf Yosef Manurung" read from "Abang") still names the person.
            people = [
                r
                for r in self.names.refs(para.index, max(0, a - 120), b)
                if r.label == "PER" and not r.weak and r.start < a < r.end
            ]
        head0 = low[0][:-1] if low[0].endswith("s") and low[0][:-1] in lex.person_nouns else low[0]
        if (
            len(low) >= 3
            and (head0 in lex.person_nouns or (head0,) in lex.roles)
            and low[1] in {"at", "of", "from", "di", "dari", "pada"}
            and not any(r.label == "PER" and not r.weak for r in refs)
        ):
            # "Analysts at Nordbank", "ekonom di Bank X": unnamed people of the organisation.
            return Speaker(None, None, "ANON", "role", text, 0.6)
        if people and people[-1].weak and cue is not None and cue.form in _OUTLET_CUES:
            r = people[-1]  # "tulis Times": an unknown word that writes is a medium
            surface = para.text[r.start : r.end]
            return Speaker(surface, None, "ORG", "organisation", surface, 0.7, True)
        if people:
            r = people[-1]
            state = next((x for x in refs if x.start > r.start), None)
            if (
                state is not None
                and state.label == "GPE"
                and para.text[r.end : state.start] == " "
                and not any(lex.is_role_word(w) for w in para.text[a : r.start].split())
                and not para.text[state.end : b].strip(" .,")
            ):
                # "kata Palang Merah Fiji": a state right after a "name" that no title opens
                # ends an organisation's name (people are not suffixed with their country).
                name = para.text[r.start : state.end]
                return Speaker(name, None, "ORG", "organisation", name, 0.7)
            return Speaker(r.name, r.entity_id, "PER", "named", para.text[r.start : r.end], 0.92)
        anonymous = low[0] in lex.anonymous or (low[0] == "salah" and "seorang" in low)
        if anonymous and not (low[0] in {"a", "an"} and len(words) > 1 and words[1][:1].isupper()):
            return Speaker(None, None, "ANON", "role", text, 0.7, plural=low[0] in lex.plural)
        if low[0] in lex.plural and len(words) > 1 and words[1][:1].islower():
            return Speaker(None, None, "ANON", "role", text, 0.6, plural=True)  # "para guru"
        if self._plural_people(words, low):
            # "The officials", "two government officials": an unnamed group, whoever they are.
            return Speaker(None, None, "ANON", "role", text, 0.55, plural=True)
        bare = [w for w in low if w not in {"sang", "itu", "tersebut", "ini", "the"}]
        definite = len(bare) < len(low)
        head = bare[0] if bare else ""
        proper = words[0][:1].isupper() or (
            low[0] == "the" and len(words) > 1 and words[1][:1].isupper()
        )
        if (
            proper
            and (head in lex.org_heads or head in lex.org_nouns)
            and len(words) > 1
            and all(w[:1].islower() for w in words[1:])
        ):
            if not definite:
                # "Asosiasi agen perjalanan": a sentence's capital, not a name, and a new,
                # unnamed organisation (a definite "Laporan tersebut" is read below).
                return Speaker(None, None, "ANON", "role", text, 0.5)
            proper = False
        role_headed = (
            any(tuple(bare[:n]) in lex.roles for n in (1, 2, 3))
            or head in lex.person_nouns
            or head in lex.abbrev
        )
        if role_headed:
            person = self._match_role(bare)
            if person is not None:
                return Speaker(person.name, person.entity_id, "PER", "role", text, 0.8)
            if definite or len(bare) == 1:
                # "sang pelatih", "pelatih asal Portugal itu": who holds such a role, else the
                # person in view.
                holder = self._role_holder(bare)
                if holder is not None:
                    return Speaker(holder.name, holder.entity_id, "PER", "role", text, 0.75)
                found = self._anaphor("person", None, para, a, text, skip=self._other_roles(bare))
                if found is None and not definite and proper:
                    # "Warga menilai …" with nobody in view: unnamed people, still a speaker.
                    return Speaker(None, None, "ANON", "role", text, 0.35)
                return found
            return Speaker(None, None, "ANON", "role", text, 0.4)
        named_after = self._named_by_noun(para, words, low, a, b)
        if named_after is not None:
            return named_after
        orgs = [r for r in refs if r.label in {"ORG", "GPE", "LOC"}]
        named_org = any(r.label == "ORG" for r in orgs)
        if head in lex.org_nouns and not named_org and (definite or len(bare) == 1 or not proper):
            want = lex.org_nouns[head]
            found = self._anaphor(want, head if want == "org" else None, para, a, text)
            if found is None and want == "org" and cue is None:
                # "… after the company warned that …": the organisation named before, else an
                # unnamed one; the statement is reported speech either way.
                ref = self._last_org(para.index, a)
                if ref is not None:
                    return Speaker(ref.name, ref.entity_id, "ORG", "role", text, 0.5)
                return Speaker(None, None, "ANON", "role", text, 0.35)
            return found
        if orgs:
            r = next((x for x in reversed(orgs) if x.label == "ORG"), orgs[-1])
            if r.label == "LOC" and not r.metonym_of:
                return None
            name = r.metonym_of or r.name
            entity_id = self.names.entity_ids.get(name) if r.metonym_of else r.entity_id
            nxt = next((x for x in refs if x.start > r.end), None)
            if (
                r.label == "ORG"
                and nxt is not None
                and nxt.label == "GPE"
                and not para.text[r.end : nxt.start].strip()
            ):
                name, entity_id = para.text[r.start : nxt.end], None  # "Kemenlu … Australia"
            outlet = (
                r.outlet or _is_outlet(r.name) or (cue is not None and cue.form in _OUTLET_CUES)
            )
            surface = para.text[r.start : r.end]
            return Speaker(name, entity_id, "ORG", "organisation", surface, 0.9, outlet)
        heads = [w for w in bare if w in lex.org_heads or w in lex.org_nouns]
        if not proper and heads:
            # "the central bank", "kementerian itu": the organisation last in view, else unnamed.
            found = self._anaphor("org", heads[-1], para, a, text)
            return found or Speaker(None, None, "ANON", "role", text, 0.5)
        if proper:
            name_words = [w for w in words if w.lower().rstrip(".") not in lex.honorifics]
            if low[0] == "the":
                name_words = name_words[1:]
            if (
                cue is None
                and len(words) <= 2
                and words[0].isalpha()
                and _common(words[0])
                and all(w.isalpha() and w[:1].islower() for w in words[1:])
                and self._plain_noun(low[0])
            ):
                # "Penumpang mengaku …", "Warga menilai …": a sentence's capital on a common
                # noun, an unnamed speaker, not a name.
                return Speaker(None, None, "ANON", "role", text, 0.4)
            if self._name_like(name_words):
                name = " ".join(name_words).strip(" .,")
                outlet = cue is not None and cue.form in _OUTLET_CUES
                is_org = outlet or any(w in lex.org_heads for w in low)
                return Speaker(
                    name,
                    None,
                    "ORG" if is_org else "PER",
                    "organisation" if is_org else "named",
                    text,
                    0.6,
                    outlet,
                )
        return None

    def _plural_people(self, words: list[str], low: list[str]) -> bool:
        """A short lower-case phrase ending in an English plural person noun ("the
        officials", "two government officials", "analysts"), no name in it."""
        opened = low[0] in {"the", "two", "three", "four", "five", "some"}
        rest = words[1:] if opened else words
        if not rest or len(rest) > 3 or any(w[:1].isupper() for w in rest[1:]):
            return False
        last = rest[-1].lower().strip(".,")
        if not last.endswith("s") or not all(w.isalpha() and w.islower() for w in rest[:-1]):
            return False
        if last[:-1] in self.lex.person_nouns:
            return True
        # "The engineers, who …, said": any plural noun a determiner opens, unless it names an
        # organisation or a report ("the ministries", "the reports" are read elsewhere).
        lex = self.lex
        return (
            opened
            and rest[-1].islower()
            and not {last, last[:-1]} & (set(lex.org_nouns) | lex.org_heads)
            and lex.cue(last) is None
        )

    def _named_by_noun(
        self, para: Para, words: list[str], low: list[str], a: int, b: int
    ) -> Speaker | None:
        """ "Environmental group Trend Asia", "kelompok lingkungan Walhi": a common noun for
        an organisation, then its name (capitalised words to the end of the phrase)."""
        lex = self.lex
        tail = len(words)
        while tail > 0 and words[tail - 1][:1].isupper():
            tail -= 1
        if tail == 0 or tail == len(words) or len(words) - tail > 5:
            return None
        if any(w[:1].isupper() for w in words[1:tail]) or low[tail - 1] in _function_words():
            return None  # "the Department of National Parks": one name, not noun + name
        if not any(w in lex.org_nouns or w in lex.org_heads for w in low[:tail]):
            return None
        if any(w in lex.person_nouns or (w,) in lex.roles for w in low[:tail]):
            return None  # "pelatih klub Persita Raya": a person's role, not an organisation
        start = para.text.find(words[tail], a, b)
        refs = self.names.refs(para.index, start, b)
        if any((r.label == "PER" and not r.weak) or r.label == "ORG" for r in refs):
            return None  # a person, or an organisation the tables know: read as usual
        name = " ".join(words[tail:]).strip(" .,")
        if len(refs) == 1 and refs[0].label in {"GPE", "LOC"} and refs[0].start == start:
            return None  # "the ministry in Jakarta"-like: a place, not a name
        return Speaker(name, None, "ORG", "organisation", name, 0.7)

    def _other_roles(self, core: list[str]) -> set[str]:
        """People whose role has this description's head noun but not its whole phrase: "the
        prime minister" is not "the finance minister, Lars Eklund"."""
        query = role_tokens(" ".join(core), self.names.acronyms)
        if len(query) < 2:
            return set()
        return {
            p.name
            for p in self.names.people.values()
            if any(query[-1] in r for r in p.roles)
            and not any(role_matches(query, r, self.names.acronyms) for r in p.roles)
        }

    def _anaphor(
        self,
        want: str,
        head: str | None,
        para: Para,
        pos: int,
        text: str,
        skip: set[str] | None = None,
    ) -> Speaker | None:
        """A definite description ("sang pelatih", "laporan tersebut") → the salient referent."""
        ev = self.state.find(want, head=head, skip=skip)
        if ev is not None:
            return _from_event(ev, "role", text, 0.7)
        if want == "person":
            ref = self._last_person(para.index, pos)
            if ref is not None and not (skip and ref.name in skip):
                return Speaker(ref.name, ref.entity_id, "PER", "role", text, 0.45)
        return None

    def _role_holder(self, core: list[str]) -> Person | None:
        """The most salient person whose role has this description's head noun."""
        head = role_tokens(core[0], self.names.acronyms)
        if not head:
            return None
        holders = [
            p for p in self.names.people.values() if any(set(head) <= set(r) for r in p.roles)
        ]
        if len(holders) <= 1:
            return holders[0] if holders else None
        for ev in reversed(self.state.events):
            for p in holders:
                if ev.speaker.name == p.name:
                    return p
        return None

    def _match_role(self, core: list[str]) -> Person | None:
        query = role_tokens(" ".join(core), self.names.acronyms)
        hits = [
            p
            for p in self.names.people.values()
            if any(role_matches(query, r, self.names.acronyms) for r in p.roles)
        ]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            for ev in reversed(self.state.events):
                for p in hits:
                    if ev.speaker.name == p.name:
                        return p
        return None

    def _pronoun(
        self, para: Para, tok: tuple[str, int, int], want: str, text: str
    ) -> Speaker | None:
        if want == "plural" and self.after_quote:
            want = "any"
        ev = self.state.find(want)
        if ev is not None:
            near = self._gap(ev.line, para.index) <= 3
            return _from_event(ev, "pronoun", text, 0.85 if near else 0.6)
        if want in {"person", "clitic"}:
            ref = self._last_person(para.index, tok[1])
            if ref is not None:
                return Speaker(ref.name, ref.entity_id, "PER", "pronoun", text, 0.45)
        return Speaker(None, None, "ANON", "pronoun", text, 0.2)

    def _last_org(self, line: int, pos: int) -> Ref | None:
        """The organisation an unnamed "the company" means when none spoke or led a sentence:
        the first one named (the article's topic, as a lead names it), not one that only
        places a person ("an analyst at Halvorsen Securities"); else the last one named."""
        here = self.position.get(line, 0)
        topic: Ref | None = None
        last: Ref | None = None
        for k in range(here, max(-1, here - LOOKBACK_PARAS), -1):
            para = self.paras[k]
            for r in reversed(self.names.refs(para.index)):
                if r.label != "ORG" or r.outlet or (k == here and r.end > pos):
                    continue
                if last is None and k > here - 3:
                    last = r
                if not _affiliated(para.text, r):
                    topic = r  # walking back: the earliest one wins
        return topic or last

    def _last_person(self, line: int, pos: int) -> Ref | None:
        """The last person named before a point (a weak fallback: mentions, not salience)."""
        here = self.position.get(line, 0)
        for k in range(here, max(-1, here - LOOKBACK_PARAS), -1):
            para = self.paras[k]
            for r in reversed(self.names.refs(para.index)):
                if r.label == "PER" and not r.weak and (k < here or r.end <= pos):
                    return r
        return None

    def _plain_sentence(self, para: Para, si: int) -> None:
        s0, s1 = para.sents[si]
        toks = para.toks_in(s0, s1, first=SENTENCE_WINDOW)
        if not toks:
            return
        subject = self._subject_event(para, s0, s1)  # a named subject becomes salient
        if subject is None or subject.kind != "PER":
            self._passive_agent(para, toks)
        lowered = [t[0].lower() for t in toks]
        # "Hal itu disampaikan X": the previous sentence was X's.
        if lowered[0] in _PASSIVE_OPENERS:
            for k in range(1, min(len(toks), 5)):
                hit = self.lex.cue(toks[k][0])
                if hit is not None and hit[0].cls == "passive":
                    j = k + 1 + (k + 1 < len(toks) and lowered[k + 1] == "oleh")
                    sp = self._np_after(para, toks, j, hit[0])
                    if sp is not None:
                        self._attribute_previous(para, si, sp, toks[k][0])
                        self.state.add(para.index, toks[k][1], sp, said=True)
                    return
        found = self._indirect(para, toks, s0, s1)
        if found is None:
            # A speech verb with no content ("Hal sama dikatakan X") still makes X the speaker.
            for k, t in enumerate(toks):
                hit = self.lex.cue(t[0])
                if hit is not None and hit[0].cls == "passive":
                    j = k + 1 + (k + 1 < len(toks) and lowered[k + 1] == "oleh")
                    sp = self._np_after(para, toks, j, hit[0])
                    if sp is not None and sp.name:
                        self.state.add(para.index, t[1], sp, said=True)
                    break
            return
        speaker, cue, a, b = found
        text = para.text[a:b].strip().rstrip(".").strip(" ,")
        if not _enough_clause(text.split()):
            return
        quote = Quote(
            text=text,
            kind=QuoteKind.INDIRECT,
            span=Span(line=para.index, start=a, end=b),
            cue=cue,
        )
        self._apply(quote, speaker)
        quote.confidence = round(quote.confidence * 0.9, 3)
        self.quotes.append(quote)
        self.state.add(para.index, a, speaker, said=True)

    def _attribute_previous(self, para: Para, si: int, sp: Speaker, cue: str) -> None:
        """Give the sentence before "Hal itu disampaikan X" to X when nobody had it."""
        prev_para, prev_si = para, si - 1
        if prev_si < 0:
            idx = self.position[para.index]
            if idx == 0:
                return
            prev_para = self.paras[idx - 1]
            prev_si = len(prev_para.sents) - 1
        a, b = prev_para.sents[prev_si]
        for q in reversed(self.quotes):
            if q.span.line == prev_para.index and a <= q.span.start < b:
                if q.speaker is None and q.resolution in {"none", "continuation"}:
                    self._apply(q, sp)
                    q.cue = cue
                return
        text = prev_para.text[a:b].strip().rstrip(".").strip()
        if len(text.split()) < 3 or any(a <= sg.open < b for sg in prev_para.segs):
            return
        quote = Quote(
            text=text,
            kind=QuoteKind.INDIRECT,
            span=Span(line=prev_para.index, start=a, end=a + len(prev_para.text[a:b].rstrip())),
            cue=cue,
        )
        self._apply(quote, sp)
        quote.confidence = round(quote.confidence * 0.8, 3)
        self.quotes.append(quote)

    def _indirect(
        self, para: Para, toks: list[tuple[str, int, int]], s0: int, s1: int
    ) -> tuple[Speaker, str, int, int] | None:
        lowered = [t[0].lower() for t in toks]
        end = s1
        # "Menurut X, …" / "Kata X, …" / "According to X, …" (after an optional opener).
        start_k = 0
        while start_k < min(3, len(toks)) and (
            lowered[start_k] in {"namun", "tetapi", "sementara", "itu", "but", "however", ","}
        ):
            start_k += 1
        if start_k < len(toks):
            hit = self.lex.cue(toks[start_k][0])
            if hit is not None and (
                hit[0].cls == "according" or (hit[0].cls == "post" and hit[0].lang == "id")
            ):
                cue, clitic = hit
                comma = next(
                    (
                        k
                        for k in range(start_k + 1, min(len(toks), start_k + 25))
                        if toks[k][0] == ","
                    ),
                    None,
                )
                if comma is not None:
                    sp = self._speaker_for_cue(para, toks, start_k, cue, clitic, sentence_start=s0)
                    if sp is not None:
                        k = comma + 1
                        # Skip appositions: "Menurut Kepala …, Taufik Hidayat, harga …"
                        while True:
                            nxt = next(
                                (x for x in range(k, min(len(toks), k + 9)) if toks[x][0] == ","),
                                None,
                            )
                            if nxt is None:
                                break
                            chunk = toks[k:nxt]
                            if not self._appositive(para, chunk):
                                break
                            k = nxt + 1
                        if k < len(toks):
                            return sp, toks[start_k][0], toks[k][1], end
        # "…, kata X." / "…, tambahnya." / "…, menurut laporan X." / "…, X said on Monday."
        commas = [k for k, t in enumerate(toks) if t[0] == ","]
        for ci in range(len(commas) - 1, max(-1, len(commas) - 4), -1):
            c = commas[ci]
            if c < 3:
                continue
            if ci > 0 and lowered[commas[ci - 1] + 1] in _RELATIVE and commas[ci - 1] <= 6:
                # "Whitfield, who took over in January, said she …": the comma closes an aside
                # after the subject; the verb after it is the main verb, not an inverted cue.
                continue
            tail = [t for t in toks[c + 1 :] if t[0] not in {".", "!", "?"}]
            # "…, two officials told Reuters, as the country …": the attribution ends where a
            # subordinate clause begins.
            cut = next(
                (
                    x
                    for x in range(1, len(tail) - 1)
                    if tail[x][0] == "," and tail[x + 1][0].lower() in _SUBORDINATORS
                ),
                None,
            )
            if cut is not None:
                tail = tail[:cut]
            if not tail or len(tail) > 22:
                continue
            sp: Speaker | None = None
            hit = self.lex.cue(tail[0][0])
            if hit is not None and hit[0].cls in {"post", "according"}:
                cue, clitic = hit
                if clitic:
                    sp = self._pronoun(para, tail[0], "clitic", tail[0][0])
                else:
                    j = 1 + (len(tail) > 1 and tail[1][0].lower() == "to")
                    sp = self._np_after(para, tail, j, cue)
                cue_word = tail[0][0]
            else:
                # "…, Finance Minister Rosli Hamzah said on Thursday."
                verb_at = next(
                    (
                        x
                        for x in range(1, min(len(tail), 8))
                        if (h := self.lex.cue(tail[x][0])) is not None
                        and h[0].cls == "post"
                        and h[0].lang == "en"
                    ),
                    None,
                )
                if verb_at is None or len(tail) - verb_at - 1 > 4:
                    continue
                if any(t[0].lower() in {"bahwa", "that", ","} for t in tail):
                    continue
                span = self._np_span(para, tail, 0, verb_at)
                if span is not None:
                    sp = self._speaker_from_np(para, span[0], span[1], None)
                cue_word = tail[verb_at][0]
            if sp is not None:
                return sp, cue_word, toks[start_k][1], toks[c][1]
        # "X mengatakan (bahwa) …", "X said (that) …"
        for k, t in enumerate(toks):
            hit = self.lex.cue(t[0])
            if hit is None or hit[1]:
                continue
            cue = hit[0]
            if cue.cls not in {"verb", "post"} or cue.indirect == "no":
                continue
            if cue.cls == "post" and cue.lang == "id":
                continue
            if k == 0:
                continue
            j = k + 1
            that_at = None
            for x in range(j, min(len(toks), j + 16)):
                if lowered[x] in {"bahwa", "that"}:
                    that_at = x
                    break
                if toks[x][0] in {".", ";"}:
                    break
            if that_at is not None:
                j = that_at + 1
            elif cue.indirect == "comma":
                # "Wisnu menjawab, kementerian telah …": speech only when a comma or colon
                # opens the clause ("menjawab pertanyaan wartawan" is no statement).
                if j >= len(toks) or toks[j][0] not in {",", ":"}:
                    continue
                while j < len(toks) and toks[j][0] in {",", ":"}:
                    j += 1
            elif cue.indirect != "yes":
                continue
            else:
                if cue.form in {"told", "tells"}:
                    j += 1  # the person told: "told Reuters the …"
                while j < len(toks) and toks[j][0] in {",", ":"}:
                    j += 1
                if j < len(toks) and lowered[j] in _ADVERBS | {"on", "in"} and cue.lang == "en":
                    while j < len(toks) and (lowered[j] in _ADVERBS or lowered[j] in _DAYS):
                        j += 1
            clause = [x[0] for x in toks[j:] if any(c.isalnum() for c in x[0])]
            if j >= len(toks) or not _enough_clause(clause):
                continue
            sp = self._subject(para, s0, t[1])
            if sp is None:
                continue
            return sp, t[0], toks[j][1], end
        return None

    def _appositive(self, para: Para, chunk: list[tuple[str, int, int]]) -> bool:
        if not chunk or len(chunk) > 8:
            return False
        first = chunk[0][0]
        fl = first.lower()
        if fl in _RELATIVE or fl in {"a", "an", "the"} or self.lex.is_role_word(first):
            return True
        refs = self.names.refs(para.index, chunk[0][1], chunk[-1][2])
        return any(r.label == "PER" for r in refs) and all(
            w[0][:1].isupper() for w in chunk if w[0].isalpha()
        )


@stage("quotes", requires=("kinds",), provides=("quotes",))
def quotes(article: Article, ctx: StageContext) -> Article:
    """Direct, partial and indirect quotes with their speakers (named, pronoun, continuation)."""
    article.quotes = extract_quotes(article)
    return article


def extract_quotes(article: Article) -> list[Quote]:
    """The quotes of an article's text lines (uses its entities when that stage has run)."""
    if not article.text_lines or not _may_quote(article.text_lines):
        return []
    return Extractor(article).run()


def _may_quote(lines: list[Line]) -> bool:
    """Whether any line has a quote mark or a speech cue. Every quote starts from one or the
    other, so an article without any has none, and its name tables need not be built."""
    lex = lexicon()
    for ln in lines:
        text = ln.text[:MAX_LINE_CHARS]
        if _ANY_MARK.search(text) or any(lex.cue(t) is not None for t, _, _ in tokenize(text)):
            return True
    return False


def quotes_of_lines(texts: Iterable[str]) -> list[Quote]:
    """Quotes of plain paragraphs (one per line), for tests and quick use; no entities."""
    from kabar.models import LineKind

    lines = [Line(index=i, text=t, kind=LineKind.BODY) for i, t in enumerate(texts)]
    article = Article(id="adhoc", raw_id="adhoc", origin="adhoc", lines=lines)
    return extract_quotes(article)
