"""CRF features for Indonesian NER, built for speed.

Everything that depends on the word alone (shape, affixes, Indonesian prefixes and suffixes,
clusters, capitalisation rate, title/keyword/dictionary flags) is computed once per distinct
word and cached, already prefixed for each position it can take in a window (the token
itself, one or two to the left, one or two to the right). A sentence's features are then list
concatenations plus a few per-position strings (bigrams, the run of capitalised words,
gazetteer phrases), so the cost per token is a handful of dictionary look-ups.

Every lexical key is lowercased, so a lowercased corpus (NERP) and all-caps headlines share
the features of cased text; case itself is carried by the shape features.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import islice

from kabar.ner import lexicon

# Indonesian derivational prefixes, longest first; a word counts as prefixed only when a
# stem of three letters or more is left.
_PREFIXES = (
    "memper",
    "diper",
    "member",
    "menge",
    "meng",
    "meny",
    "mem",
    "men",
    "me",
    "ber",
    "ter",
    "per",
    "pen",
    "pem",
    "peng",
    "di",
    "ke",
    "se",
)
_SUFFIXES = ("kannya", "annya", "nya", "kan", "lah", "kah", "pun", "an", "i")
_PUNCT_CLASS = {
    ",": "comma",
    ".": "stop",
    "(": "lpar",
    ")": "rpar",
    '"': "quote",
    "“": "quote",
    "”": "quote",
    "'": "quote",
    ":": "colon",
    "-": "dash",
    "–": "dash",
    "—": "dash",
    "/": "slash",
}
_CAP_BUCKETS = ("c0", "c1", "c2", "c3")
CACHE_WORDS = 60_000  # distinct words whose features a Featurizer keeps (~140 MB at most)


def shape(word: str) -> str:
    """Compressed word shape: "Jakarta" → "Xx", "NATO" → "X", "G20" → "Xd", "31/1" → "d/d"."""
    out: list[str] = []
    prev = ""
    for ch in word:
        if ch.isupper():
            c = "X"
        elif ch.islower():
            c = "x"
        elif ch.isdigit():
            c = "d"
        else:
            c = ch
        if c != prev:
            out.append(c)
            prev = c
    return "".join(out)[:8]


def is_capitalised(word: str) -> bool:
    return word[:1].isupper()


@dataclass(frozen=True)
class WordFeatures:
    own: list[str]
    at: dict[int, list[str]]  # offset → features describing this word as a neighbour
    cap: bool  # starts with a capital letter
    lower: str


class Featurizer:
    """Turns token lists into crfsuite feature lists; one instance per process."""

    def __init__(
        self,
        use_lexicon: bool = True,
        use_clusters: bool = True,
        prior: Mapping[str, str] | None = None,
    ) -> None:
        self._cache: dict[str, WordFeatures] = {}
        # Evaluation models only: the word's entity type in *other* corpora ("PER3": tagged
        # PER in more than 80 % of its occurrences there), see kabar.ner.training.
        self._prior = prior
        table = lexicon.word_table() if use_clusters else lexicon.WordTable({}, (), {})
        self._clusters = table.clusters
        self._names = table.names or tuple(f"k{size}" for size in table.sizes)
        self._capital = table.capital
        self._titles = lexicon.title_words() if use_lexicon else {}
        self._keywords = lexicon.keywords() if use_lexicon else {}
        self._roots = lexicon.root_words() if use_lexicon else frozenset()
        self._gaz = lexicon.gazetteer() if use_lexicon else None
        self._use_lexicon = use_lexicon

    # --- per word ---------------------------------------------------------------------------
    def word(self, w: str) -> WordFeatures:
        hit = self._cache.get(w)
        if hit is not None:
            return hit
        if len(self._cache) >= CACHE_WORDS:
            # Bounded: news vocabulary never stops growing (names, numbers, typos) and a
            # word's features take ~2.3 KB. The older half goes; frequent words come back.
            for old in list(islice(self._cache, CACHE_WORDS // 2)):
                del self._cache[old]
        lw = w.lower()
        sh = shape(w)
        own = ["bias", "w=" + lw, "sh=" + sh]
        if len(lw) > 2:
            own += ["p2=" + lw[:2], "p3=" + lw[:3], "s2=" + lw[-2:], "s3=" + lw[-3:]]
        if len(lw) > 4:
            own += ["p4=" + lw[:4], "s4=" + lw[-4:]]
        if lw.isalpha():
            for pre in _PREFIXES:
                if lw.startswith(pre) and len(lw) - len(pre) >= 3:
                    own.append("ipre=" + pre)
                    break
            for suf in _SUFFIXES:
                if lw.endswith(suf) and len(lw) - len(suf) >= 3:
                    own.append("isuf=" + suf)
                    break
        elif w in _PUNCT_CLASS:
            own.append("pu=" + _PUNCT_CLASS[w])
        n = len(w)
        own.append("len=" + (str(n) if n < 4 else "4-6" if n < 7 else "7+"))
        if "-" in w:
            own.append("hyph")
            parts = lw.split("-")
            if len(parts) == 2 and parts[0] == parts[1]:
                own.append("redup")  # Indonesian plural reduplication: "negara-negara"
        clusters = self._clusters.get(lw)
        cl_feats: list[str] = []
        if clusters is not None:
            cl_feats = [f"{name}={cid}" for name, cid in zip(self._names, clusters, strict=False)]
            own += cl_feats
        else:
            own.append("k=unk")
        cap = self._capital.get(lw)
        cap_feat = _CAP_BUCKETS[cap] if cap is not None else "cu"
        own.append("cap=" + cap_feat)
        if lw in self._roots:
            own.append("root")
        title = self._titles.get(lw)
        if title:
            own.append("ttl=" + title)
        kw = self._keywords.get(lw)
        if kw:
            own.append("kw=" + kw)
        # Features of this word seen from its neighbours.
        mid_cluster = cl_feats[1] if len(cl_feats) > 1 else (cl_feats[0] if cl_feats else "k=u")
        near = ["w=" + lw, "sh=" + sh, mid_cluster, "cap=" + cap_feat]
        if title:
            near.append("ttl=" + title)
        if kw:
            near.append("kw=" + kw)
        if len(lw) > 3:
            near.append("s3=" + lw[-3:])
        far = ["w=" + lw, cl_feats[0] if cl_feats else "k=u"]
        if title:
            far.append("ttl")
        at = {
            -1: ["-1" + f for f in near],
            1: ["+1" + f for f in near],
            -2: ["-2" + f for f in far],
            2: ["+2" + f for f in far],
        }
        if self._prior is not None:
            p = self._prior.get(lw, "unk")
            own.append("ep=" + p)
            at[-1].append("-1ep=" + p)
            at[1].append("+1ep=" + p)
        wf = WordFeatures(own=own, at=at, cap=w[:1].isupper(), lower=lw)
        self._cache[w] = wf
        return wf

    # --- per sentence -----------------------------------------------------------------------
    def sentence(self, tokens: list[str]) -> list[list[str]]:
        n = len(tokens)
        if n == 0:
            return []
        words = [self.word(t) for t in tokens]
        lowered = [wf.lower for wf in words]
        feats: list[list[str]] = []
        # Runs of capitalised words (a name candidate), position inside the run.
        run_pos = [""] * n
        i = 0
        while i < n:
            if words[i].cap:
                j = i
                while j + 1 < n and words[j + 1].cap:
                    j += 1
                size = j - i + 1
                if size == 1:
                    run_pos[i] = "S"
                else:
                    run_pos[i] = "B"
                    for k in range(i + 1, j):
                        run_pos[k] = "I"
                    run_pos[j] = "E"
                run_len = "1" if size == 1 else "2" if size == 2 else "3+"
                for k in range(i, j + 1):
                    run_pos[k] = f"run={run_pos[k]}{run_len}"
                i = j + 1
            else:
                i += 1
        gaz_tags = [""] * n
        if self._gaz is not None:
            for start, end, entry in self._gaz.matches(lowered):
                kind = entry.category if entry.label != "ORG" else "ORG"
                gaz_tags[start] = "gz=B-" + kind
                for k in range(start + 1, end):
                    gaz_tags[k] = "gz=I-" + kind
        all_upper = sum(1 for t in tokens if t.isupper() and len(t) > 1) > 0.6 * n and n > 2
        for i, wf in enumerate(words):
            f = list(wf.own)
            if i == 0:
                f.append("BOS")
            else:
                f += words[i - 1].at[-1]
                f.append("bg-=" + lowered[i - 1] + "|" + wf.lower)
                if i > 1:
                    f += words[i - 2].at[-2]
            if i == n - 1:
                f.append("EOS")
            else:
                f += words[i + 1].at[1]
                f.append("bg+=" + wf.lower + "|" + lowered[i + 1])
                if i < n - 2:
                    f += words[i + 2].at[2]
            if run_pos[i]:
                f.append(run_pos[i])
                if i == 0:
                    f.append("firstcap")
            if gaz_tags[i]:
                f.append(gaz_tags[i])
            if all_upper:
                f.append("allcaps_line")
            feats.append(f)
        return feats
