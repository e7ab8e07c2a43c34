"""The lexical resources the NER features and the entity stage share, loaded once per process.

* the gazetteer (``lang/id/gazetteer.tsv``): countries, provinces, cities, capitals, seats of
  power, ministries, parties, international organisations …, indexed by lowercased token
  sequence for longest-match lookup;
* titles and roles (``lang/id/titles.tsv``) and the head words of names
  (``lang/id/ner_keywords.tsv``);
* the word table (``models/ner_words.json``, built by ``kabar.ner.clusters``): k-means word
  clusters at three granularities and how often each word is capitalised inside a sentence in
  cased text (which tells a lowercased corpus such as NERP which words are usually names);
* Sastrawi's Indonesian root-word dictionary (already a dependency) as a "common word" flag.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from kabar.lang import load_tsv
from kabar.ner.tokenize import tokenize

MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
WORDS_FILE = MODELS_DIR / "ner_words.json"


@lru_cache(maxsize=65536)
def phrase_key(text: str) -> tuple[str, ...]:
    """Lowercased tokens of a name, the gazetteer's lookup key (memoised: names repeat)."""
    return tuple(t for t, _, _ in tokenize(text.lower()))


@dataclass(frozen=True)
class GazetteerEntry:
    name: str  # canonical name
    label: str  # GPE, LOC, ORG
    category: str  # Negara, Provinsi, Kab/Kota, K/L, BUMN, Partai, …
    aliases: tuple[str, ...]
    metonym_of: str = ""  # the state a capital or seat of power stands for


@dataclass
class Gazetteer:
    entries: list[GazetteerEntry] = field(default_factory=list)
    # lowercased token tuple → (entry, surface form as written in the table)
    phrases: dict[tuple[str, ...], tuple[GazetteerEntry, str]] = field(default_factory=dict)
    max_len: int = 1
    first_tokens: frozenset[str] = frozenset()

    def add(self, entry: GazetteerEntry) -> None:
        self.entries.append(entry)
        for surface in (entry.name, *entry.aliases):
            key = tuple(t for t, _, _ in tokenize(surface.lower()))
            if not key:
                continue
            # The first entry to claim a phrase keeps it (countries before cities, …).
            self.phrases.setdefault(key, (entry, surface))
            self.max_len = max(self.max_len, len(key))

    def freeze(self) -> None:
        self.first_tokens = frozenset(k[0] for k in self.phrases)

    def lookup(self, text: str) -> GazetteerEntry | None:
        hit = self.phrases.get(phrase_key(text))
        return hit[0] if hit else None

    def surface(self, text: str) -> str | None:
        """The table's spelling of ``text`` when ``text`` is a known name or alias."""
        hit = self.phrases.get(phrase_key(text))
        return hit[1] if hit else None

    def matches(self, lowered: list[str]) -> list[tuple[int, int, GazetteerEntry]]:
        """Longest, left-to-right, non-overlapping matches over lowercased tokens."""
        out: list[tuple[int, int, GazetteerEntry]] = []
        i, n = 0, len(lowered)
        firsts, phrases, max_len = self.first_tokens, self.phrases, self.max_len
        while i < n:
            if lowered[i] in firsts:
                for j in range(min(n, i + max_len), i, -1):
                    hit = phrases.get(tuple(lowered[i:j]))
                    if hit is not None:
                        out.append((i, j, hit[0]))
                        i = j
                        break
                else:
                    i += 1
            else:
                i += 1
        return out


@cache
def gazetteer() -> Gazetteer:
    gaz = Gazetteer()
    for row in load_tsv("id", "gazetteer.tsv"):
        row = (*row, "", "", "")[:5]
        name, label, category, aliases, metonym_of = row
        gaz.add(
            GazetteerEntry(
                name=name,
                label=label,
                category=category,
                aliases=tuple(a for a in aliases.split("|") if a),
                metonym_of=metonym_of,
            )
        )
    gaz.freeze()
    return gaz


@cache
def titles() -> dict[str, str]:
    """Lowercased title or role → kind (role, rank, academic, honorific)."""
    return {row[0].lower(): row[1] for row in load_tsv("id", "titles.tsv") if len(row) >= 2}


@cache
def title_words() -> dict[str, str]:
    """Single lowercased words that are titles, or the first word of a multi-word title."""
    out: dict[str, str] = {}
    for title, kind in titles().items():
        out.setdefault(title.split()[0], kind)
    return out


@cache
def title_phrases() -> frozenset[tuple[str, ...]]:
    """Every title as a lowercased token tuple ("menteri", "luar", "negeri")."""
    return frozenset(tuple(t.split()) for t in titles())


@cache
def keywords() -> dict[str, str]:
    """Lowercased head word of a name → org / loc / evt (first word of multi-word heads)."""
    out: dict[str, str] = {}
    for row in load_tsv("id", "ner_keywords.tsv"):
        if len(row) >= 2:
            out.setdefault(row[0].lower().split()[0], row[1])
    return out


@cache
def root_words() -> frozenset[str]:
    """Sastrawi's Indonesian root words (about 30k), lowercased."""
    try:
        from importlib import resources

        text = (resources.files("Sastrawi") / "Stemmer" / "data" / "kata-dasar.txt").read_text(
            encoding="utf-8"
        )
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return frozenset()
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip())


@dataclass(frozen=True)
class WordTable:
    clusters: dict[str, tuple[int, ...]]  # lowercased word → cluster id per granularity
    sizes: tuple[int, ...]  # number of clusters per granularity
    capital: dict[str, int]  # lowercased word → bucket of its in-sentence capitalisation rate
    names: tuple[str, ...] = ()  # feature name per granularity ("k200", "t64"); "k{size}"


@cache
def word_table(path: Path | None = None) -> WordTable:
    """The shipped word table; an empty one when it has not been built yet."""
    path = path or WORDS_FILE
    if not path.is_file():
        return WordTable({}, (), {})
    data = json.loads(path.read_text(encoding="utf-8"))
    sizes = tuple(data["sizes"])
    names = tuple(data.get("names") or (f"k{size}" for size in sizes))
    clusters = {w: tuple(ids) for w, ids in data["clusters"].items()}
    return WordTable(clusters, sizes, dict(data.get("capital", {})), names)
