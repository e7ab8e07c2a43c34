"""Extractive summaries: sentence centrality (LexRank) with a lead/position prior and MMR.

Single document (IndoSum, an article page): sentences are scored by

    score = centrality ** alpha * position_prior + beta * similarity to the headline

where centrality is LexRank (PageRank over the cosine graph of TF-IDF sentence vectors), the
position prior decays with the sentence's rank in the article (news puts the event first),
and the headline similarity rewards sentences that restate the title. Sentences are then
picked greedily by maximal marginal relevance, so a second sentence repeating the first is
passed over.

Multi-document (a story): sentences of all the story's articles form one graph; the position
prior applies within each article, near-identical sentences (syndicated copies) are folded
before ranking so a wire story copied ten times does not win by repetition.

Learned single-document scorer (``models/summary_sentences.json``, trained by
``src/kabar/models/train_summary.py`` on IndoSum's oracle labels): gradient-boosted trees over
position, length, quote/speech cues, centrality and headline/document similarity of each
sentence and its neighbours. How many of the best sentences to show (1 to 6) is chosen
per article by a second, small set of trees that scores each candidate length (words so
far, scores of the last taken and the next sentence, repeated words, ...), fitted to the
candidates' ROUGE-1 on out-of-fold scores, so a short lead gets company and a long, sure
one stands alone; an agency dateline ("Jakarta, Kantor Berita --") is cut from the first
sentence. The same sentence scores replace the fixed position prior inside each article
of a story.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import islice
from typing import Any

import numpy as np
import scipy.sparse as sp

from kabar.cluster.text import WORD_RE, content_terms, guess_language, split_sentences, words
from kabar.models import Article


@dataclass
class SummaryConfig:
    k: int = 3
    alpha: float = 1.0  # weight of centrality
    lead_decay: float = 0.35  # position prior: 1 / (1 + decay * rank)
    title_weight: float = 0.6
    mmr_lambda: float = 0.8  # relevance vs novelty
    damping: float = 0.85
    min_words: int = 5
    duplicate: float = 0.8  # cosine at which two sentences are one
    learned: bool = True  # use the shipped sentence scorer when it loads
    max_sentences: int = 6  # cap on a single-document summary (in sentences)


@dataclass
class Sentence:
    text: str
    doc: int  # index of the document it came from
    rank: int  # position within its document (0 = first sentence)
    article_id: str | None = None
    prior: float | None = None  # learned in-article score; None: the position decay


def _vectors(token_lists: list[list[str]]) -> sp.csr_matrix:
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    df: Counter[str] = Counter()
    for toks in token_lists:
        df.update(set(toks))
    n = len(token_lists)
    for i, toks in enumerate(token_lists):
        for term, count in Counter(toks).items():
            j = vocab.setdefault(term, len(vocab))
            rows.append(i)
            cols.append(j)
            vals.append((1 + math.log(count)) * (math.log((n + 1) / (df[term] + 1)) + 1))
    mat = sp.csr_matrix((vals, (rows, cols)), shape=(n, max(1, len(vocab))), dtype=np.float64)
    norms = np.sqrt(mat.multiply(mat).sum(axis=1)).A1
    norms[norms == 0] = 1.0
    return sp.csr_matrix(mat.multiply(1 / norms[:, None]))


def lexrank(sim: np.ndarray, damping: float = 0.85, iters: int = 50) -> np.ndarray:
    """Continuous LexRank: PageRank over the row-normalised similarity graph."""
    n = sim.shape[0]
    if n == 0:
        return np.zeros(0)
    graph = sim.copy()
    np.fill_diagonal(graph, 0.0)
    sums = graph.sum(axis=1, keepdims=True)
    sums[sums == 0] = 1.0
    trans = graph / sums
    score = np.full(n, 1.0 / n)
    for _ in range(iters):
        new = (1 - damping) / n + damping * trans.T @ score
        if np.abs(new - score).sum() < 1e-8:
            score = new
            break
        score = new
    return score / (score.max() or 1.0)


# --- learned single-document scorer -------------------------------------------------------

MODEL_FILE = "summary_sentences.json"
MAX_DOC_SENTENCES = 300  # bounds time and memory on pathological pages
QUOTE_CHARS = frozenset('"“”')
SPEECH_RE = re.compile(
    r"\b(kata|ujar|ucap|tutur|jelas|ungkap|sebut|tegas|imbuh|tambah|terang|papar|said|says|told)"
    r"(nya)?\b",
    re.IGNORECASE,
)
SEE_ALSO_RE = re.compile(r"\b(baca[ _]juga|read more|see also)\b", re.IGNORECASE)
DASH_RE = re.compile(r"\s(?:--|–|—|-)\s")

BASE_FEATURES: tuple[str, ...] = (
    "position",
    "position_capped",
    "position_relative",
    "is_last",
    "sentences_in_doc",
    "paragraph",
    "index_in_paragraph",
    "first_in_paragraph",
    "paragraph_sentences",
    "paragraph_relative",
    "last_in_paragraph",
    "words",
    "log_words",
    "short",
    "capitalised_share",
    "digit_share",
    "quote_marks",
    "starts_with_quote",
    "speech_verb",
    "see_also",
    "dateline",
    "centrality",
    "title_cosine",
    "title_recall",
    "doc_cosine",
    "term_doc_frequency",
    "cosine_prev",
    "cosine_next",
    "cosine_first",
    "question",
    "terminal_punctuation",
)
# Within-document rank (capped) and max-normalised value: scale-free versions.
RANKED = ("centrality", "title_cosine", "doc_cosine")
# Neighbour context: a sentence that introduces a quote, or follows a headline restatement.
NEIGHBOUR = (
    "words",
    "quote_marks",
    "starts_with_quote",
    "speech_verb",
    "see_also",
    "centrality",
    "title_cosine",
    "doc_cosine",
)
FEATURES: tuple[str, ...] = (
    *BASE_FEATURES,
    *(f"{name}_{kind}" for name in RANKED for kind in ("rank", "scaled")),
    *(f"prev_{name}" for name in NEIGHBOUR),
    *(f"next_{name}" for name in NEIGHBOUR),
)


def strip_dateline(sentence: str) -> str:
    """Drop an agency dateline ("Jakarta, Kantor Berita -- ", "KOTA (Warta) – ") from a lead
    sentence: a dash within the first 100 characters after at most 8 capitalised tokens."""
    m = DASH_RE.search(sentence[:100])
    if not m:
        return sentence
    prefix = sentence[: m.start()].split()
    if not prefix or len(prefix) > 8:
        return sentence
    if all(not t[:1].isalpha() or t[:1].isupper() for t in prefix):
        rest = sentence[m.end() :].strip()
        if len(rest.split()) >= 4:
            return rest
    return sentence


def _rank_within(values: np.ndarray, cap: int = 12) -> np.ndarray:
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(len(values))
    return np.minimum(ranks, cap)


def sentence_features(
    paragraphs: Sequence[Sequence[str]], title: str | None, language: str = "id"
) -> np.ndarray:
    """One row per sentence (flattened paragraph order), columns as in ``FEATURES``."""
    return _features_and_similarity(paragraphs, title, language)[0]


def _features_and_similarity(
    paragraphs: Sequence[Sequence[str]], title: str | None, language: str
) -> tuple[np.ndarray, np.ndarray]:
    sents = [s for p in paragraphs for s in p]
    n = len(sents)
    if n == 0:
        return np.zeros((0, len(FEATURES))), np.zeros((0, 0))
    where = [(pi, si, len(p)) for pi, p in enumerate(paragraphs) for si in range(len(p))]
    n_par = max(1, len(paragraphs))
    tokens = [content_terms(s, language) for s in sents]
    title_tokens = content_terms(title or "", language)
    mat = _vectors([*tokens, title_tokens])
    sv, tv = mat[:-1], mat[-1]
    sim = (sv @ sv.T).toarray()
    central = lexrank(sim)
    to_title = (sv @ tv.T).toarray().ravel() if title_tokens else np.zeros(n)
    centre = np.asarray(sv.sum(axis=0)).ravel()
    centre /= np.linalg.norm(centre) or 1.0
    to_doc = np.asarray(sv @ centre).ravel()
    title_set = set(title_tokens)
    doc_freq = Counter(t for toks in tokens for t in set(toks))
    rows = []
    for i, s in enumerate(sents):
        pi, si, plen = where[i]
        raw_tokens = WORD_RE.findall(s)
        n_words = len(raw_tokens)
        stripped = s.strip()
        rows.append(
            [
                i,
                min(i, 12),
                i / n,
                i == n - 1,
                n,
                pi,
                si,
                si == 0,
                plen,
                pi / n_par,
                si == plen - 1,
                n_words,
                math.log1p(n_words),
                n_words < 8,
                sum(1 for t in raw_tokens[1:] if t[:1].isupper()) / max(n_words, 1),
                sum(1 for t in raw_tokens if any(c.isdigit() for c in t)) / max(n_words, 1),
                sum(1 for c in s if c in QUOTE_CHARS),
                stripped[:1] in QUOTE_CHARS,
                bool(SPEECH_RE.search(s)),
                bool(SEE_ALSO_RE.search(s)),
                i == 0 and strip_dateline(s) != s,
                central[i],
                to_title[i],
                len(title_set & set(tokens[i])) / len(title_set) if title_set else 0.0,
                to_doc[i],
                float(np.mean([doc_freq[t] for t in tokens[i]])) / n if tokens[i] else 0.0,
                sim[i, i - 1] if i > 0 else 0.0,
                sim[i, i + 1] if i < n - 1 else 0.0,
                sim[i, 0] if i > 0 else 1.0,
                stripped.endswith("?"),
                stripped[-1:] in (".", "!", '"', "”"),
            ]
        )
    base = np.array(rows, dtype=float)
    col = {name: j for j, name in enumerate(BASE_FEATURES)}
    ranked = []
    for name in RANKED:
        values = base[:, col[name]]
        ranked += [_rank_within(values), values / (values.max() or 1.0)]
    pad = np.zeros((1, len(NEIGHBOUR)))
    context = base[:, [col[name] for name in NEIGHBOUR]]
    prev = np.vstack([pad, context[:-1]])
    nxt = np.vstack([context[1:], pad])
    out = np.column_stack([base, *ranked, prev, nxt])
    return np.nan_to_num(out), sim


# Features of one candidate summary: the best-scored k sentences (near-copies skipped). The
# length model scores each k; the argmax is the summary. Counts are words of the shown text.
LENGTH_FEATURES: tuple[str, ...] = (
    "sentences",
    "words",
    "score_sum",
    "last_score",
    "next_score",
    "last_words",
    "next_words",
    "distinct_word_share",
    "sentences_in_doc",
    "first_score",
    "word_weighted_score_sum",
)


def _tree_arrays(trees: Sequence[dict[str, list[Any]]]) -> tuple[np.ndarray, ...]:
    """Trees as (tree, node) arrays padded to the widest tree."""
    width = max((len(t["left"]) for t in trees), default=1)
    arrays = []
    for key, dtype in (
        ("feature", int),
        ("threshold", float),
        ("left", int),
        ("right", int),
        ("value", float),
    ):
        out = np.zeros((len(trees), width), dtype=dtype)
        for k, tree in enumerate(trees):
            out[k, : len(tree[key])] = tree[key]
        arrays.append(out)
    return tuple(arrays)


def _tree_sum(arrays: tuple[np.ndarray, ...], x: np.ndarray) -> np.ndarray:
    """Sum of the trees' leaf values for each row of ``x``. Every tree is walked at once, one
    level per step (a handful of numpy calls per article instead of a few per tree)."""
    feat, thr, left, right, value = arrays
    trees = np.arange(feat.shape[0])[None, :]
    rows = np.arange(x.shape[0])[:, None]
    node = np.zeros((x.shape[0], feat.shape[0]), dtype=int)
    while True:
        child_left = left[trees, node]
        inner = child_left != 0  # leaves have no children (the root is node 0)
        if not inner.any():
            break
        go_left = x[rows, feat[trees, node]] <= thr[trees, node]
        node = np.where(inner, np.where(go_left, child_left, right[trees, node]), node)
    return value[trees, node].sum(axis=1)


def _export_trees(model: Any) -> list[dict[str, list[Any]]]:
    """A fitted scikit-learn HistGradientBoosting model's trees as plain lists."""
    trees = []
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        trees.append(
            {
                "feature": np.where(leaf, 0, nodes["feature_idx"]).astype(int).tolist(),
                "threshold": np.where(leaf, 0.0, nodes["num_threshold"]).tolist(),
                "left": np.where(leaf, 0, nodes["left"]).astype(int).tolist(),
                "right": np.where(leaf, 0, nodes["right"]).astype(int).tolist(),
                "value": np.round(np.where(leaf, nodes["value"], 0.0), 6).tolist(),
            }
        )
    return trees


@dataclass
class SentenceModel:
    """Boosted regression trees (log-odds), evaluated with numpy; no scikit-learn at run time.
    ``length_trees`` (optional) score candidate summary lengths; without them the summary
    is the best sentences up to ``budget_words``."""

    features: list[str]
    baseline: float
    trees: list[dict[str, list[Any]]]
    budget_words: int = 60
    length_trees: list[dict[str, list[Any]]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Probability that each row (sentence) belongs in the summary."""
        if x.shape[0] == 0:
            return np.zeros(0)
        logit = self.baseline + _tree_sum(self._arrays("trees"), x)
        return 1.0 / (1.0 + np.exp(-logit))

    def _arrays(self, name: str) -> tuple[np.ndarray, ...]:
        """``_tree_arrays`` of one tree list, built once per model."""
        trees = getattr(self, name)
        key = f"_{name}_arrays"
        cached = self.__dict__.get(key)
        if cached is None or cached[0].shape[0] != len(trees):
            cached = _tree_arrays(trees)
            self.__dict__[key] = cached
        return cached

    def select(
        self,
        probs: np.ndarray,
        tokens: Sequence[Sequence[str]],
        sim: np.ndarray | None = None,
        max_sentences: int | None = None,
    ) -> list[int]:
        """The summary's sentence indices (document order): the candidate length the length
        model scores best, else the word budget. ``tokens``: each sentence's shown words."""
        if not self.length_trees:
            lengths = [len(t) for t in tokens]
            return select_by_budget(
                probs, lengths, self.budget_words, sim, max_sentences=max_sentences
            )
        order, feats = length_candidates(probs, tokens, sim, max_sentences=max_sentences)
        if not order:
            return []
        best = int(np.argmax(_tree_sum(self._arrays("length_trees"), feats)))
        return sorted(order[: best + 1])

    def to_json(self) -> dict[str, Any]:
        return {
            "features": self.features,
            "length_features": list(LENGTH_FEATURES),
            "baseline": self.baseline,
            "budget_words": self.budget_words,
            "meta": self.meta,
            "trees": self.trees,
            "length_trees": self.length_trees,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SentenceModel:
        length_trees = list(data.get("length_trees", []))
        if length_trees and tuple(data.get("length_features", ())) != LENGTH_FEATURES:
            raise ValueError("length model built for other features")
        return cls(
            features=list(data["features"]),
            baseline=float(data["baseline"]),
            trees=list(data["trees"]),
            budget_words=int(data.get("budget_words", 60)),
            length_trees=length_trees,
            meta=dict(data.get("meta", {})),
        )


def _fit_boosted(x: np.ndarray, y: np.ndarray, classify: bool, seed: int, **params: Any) -> Any:
    """Scikit-learn histogram boosting (a training-time tool here), on one thread: on a small
    shared machine OpenMP's spinning threads cost more than they give."""
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from threadpoolctl import threadpool_limits

    kind = HistGradientBoostingClassifier if classify else HistGradientBoostingRegressor
    model = kind(learning_rate=0.05, early_stopping=False, random_state=seed, **params)
    with threadpool_limits(limits=1):
        model.fit(x, y)
    return model


def fit_sentence_model(
    x: np.ndarray, y: np.ndarray, budget_words: int = 60, seed: int = 0
) -> SentenceModel:
    """Gradient-boosted trees on sentence rows, exported to plain lists so the shipped model
    is a JSON file."""
    model = _fit_boosted(x, y, True, seed, max_iter=200, max_leaf_nodes=15)
    return SentenceModel(
        features=list(FEATURES),
        baseline=float(np.ravel(model._baseline_prediction)[0]),
        trees=_export_trees(model),
        budget_words=budget_words,
    )


def fit_length_model(x: np.ndarray, y: np.ndarray, seed: int = 0) -> list[dict[str, list[Any]]]:
    """Trees scoring candidate lengths (rows: ``LENGTH_FEATURES``) by ROUGE-1; ``y`` should be
    centred per article, since only each article's argmax matters. Small and few trees:
    about 4,000 rows from 750 articles."""
    model = _fit_boosted(x, y, False, seed, max_iter=100, max_leaf_nodes=7, min_samples_leaf=40)
    return _export_trees(model)


def length_candidates(
    probs: np.ndarray,
    tokens: Sequence[Sequence[str]],
    sim: np.ndarray | None = None,
    duplicate: float = 0.8,
    max_sentences: int | None = None,
) -> tuple[list[int], np.ndarray]:
    """Sentences best first (empty ones and near-copies of a better one skipped, at most
    ``max_sentences``), and one ``LENGTH_FEATURES`` row per prefix of that order."""
    cap = max_sentences or MAX_LENGTH_CANDIDATES
    order = list(islice(_best_first(probs, [len(t) for t in tokens], sim, duplicate), cap))
    rows = []
    total = 0
    score_sum = weighted = 0.0
    seen: set[str] = set()
    for k, j in enumerate(order):
        n_words = len(tokens[j])
        total += n_words
        score_sum += probs[j]
        weighted += probs[j] * n_words
        seen.update(tokens[j])
        nxt = order[k + 1] if k + 1 < len(order) else None
        rows.append(
            [
                k + 1,
                total,
                score_sum,
                probs[j],
                probs[nxt] if nxt is not None else 0.0,
                n_words,
                len(tokens[nxt]) if nxt is not None else 0,
                len(seen) / total,
                len(probs),
                probs[order[0]],
                weighted,
            ]
        )
    return order, np.array(rows, dtype=float).reshape(len(rows), len(LENGTH_FEATURES))


@dataclass
class TrainingDoc:
    """One labelled article: paragraphs of sentences, headline, per-sentence oracle labels
    (flattened order) and the reference summary's sentences."""

    paragraphs: list[list[str]]
    title: str | None
    labels: list[bool]
    reference: list[str]
    language: str = "id"


BUDGET_CANDIDATES = tuple(range(40, 85, 5))
MAX_LENGTH_CANDIDATES = 6  # longest candidate summary, in sentences


def train_summariser(
    docs: Sequence[TrainingDoc],
    inner_folds: int = 3,
    seed: int = 0,
    max_sentences: int = MAX_LENGTH_CANDIDATES,
) -> SentenceModel:
    """Fit the sentence scorer on ``docs``, then the length model on out-of-fold scores
    *within* ``docs`` (inner ``inner_folds``-fold split): each candidate length of each
    article is a row, its target the ROUGE-1 (clean protocol) of that candidate minus the
    article's mean over its candidates. The fallback word budget is chosen on the same
    scores. No evaluation text is looked at."""
    from kabar.cluster.rouge import rouge_n

    feats, sims = zip(
        *(_features_and_similarity(d.paragraphs, d.title, d.language) for d in docs), strict=True
    )
    labels = [np.asarray(d.labels, dtype=int) for d in docs]
    shown = [shown_sentences(d.paragraphs) for d in docs]
    tokens = [[words(s) for s in ss] for ss in shown]
    fold_of = np.arange(len(docs)) % inner_folds
    oof: list[np.ndarray] = [np.zeros(0)] * len(docs)
    for f in range(inner_folds):
        train = [i for i in range(len(docs)) if fold_of[i] != f]
        model = fit_sentence_model(
            np.vstack([feats[i] for i in train]),
            np.concatenate([labels[i] for i in train]),
            seed=seed,
        )
        held = [i for i in range(len(docs)) if fold_of[i] == f]
        for i, probs in zip(held, _predict_many(model, [feats[i] for i in held]), strict=True):
            oof[i] = probs
    seen: dict[tuple[int, tuple[int, ...]], float] = {}  # one ROUGE per distinct pick

    def score(i: int, picked: Sequence[int]) -> float:
        key = (i, tuple(sorted(picked)))
        if key not in seen:
            seen[key] = rouge_n([shown[i][j] for j in key[1]], docs[i].reference, 1, "clean")
        return seen[key]

    budget_total = dict.fromkeys(BUDGET_CANDIDATES, 0.0)
    rows, targets = [], []
    for i, probs in enumerate(oof):
        lengths = [len(t) for t in tokens[i]]
        for b in BUDGET_CANDIDATES:
            budget_total[b] += score(
                i, select_by_budget(probs, lengths, b, sims[i], 0.8, max_sentences)
            )
        order, x = length_candidates(probs, tokens[i], sims[i], max_sentences=max_sentences)
        if order:
            y = np.array([score(i, order[: k + 1]) for k in range(len(order))])
            rows.append(x)
            targets.append(y - y.mean())
    # Ties go to the smaller budget.
    budget = max(BUDGET_CANDIDATES, key=lambda b: (round(budget_total[b], 9), -b))
    model = fit_sentence_model(np.vstack(feats), np.concatenate(labels), budget, seed)
    model.length_trees = fit_length_model(np.vstack(rows), np.concatenate(targets), seed)
    model.meta = {
        "documents": len(docs),
        "sentences": int(sum(len(x) for x in labels)),
        "budget_rouge1_clean_oof": {
            str(b): round(100 * v / len(docs), 2) for b, v in budget_total.items()
        },
    }
    return model


def _predict_many(model: SentenceModel, feats: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Per-document probabilities from one batched tree walk (much faster than one call each)."""
    if not feats:
        return []
    probs = model.predict(np.vstack(feats))
    return np.split(probs, np.cumsum([len(x) for x in feats])[:-1])


def _display(sentence: str, index: int) -> str:
    """The sentence as a summary shows it: the lead loses its agency dateline."""
    return strip_dateline(sentence) if index == 0 else sentence


@lru_cache(maxsize=1)
def load_sentence_model() -> SentenceModel | None:
    """The shipped model, or None when the file is missing or built for other features."""
    try:
        path = resources.files("kabar") / "models" / MODEL_FILE
        model = SentenceModel.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError):
        return None
    return model if tuple(model.features) == FEATURES else None


def select_by_budget(
    scores: np.ndarray,
    lengths: Sequence[int],
    budget_words: int,
    sim: np.ndarray | None = None,
    duplicate: float = 0.8,
    max_sentences: int | None = None,
) -> list[int]:
    """Best-scored sentences until ``budget_words`` is reached (the last one may overrun it),
    skipping near-copies of a chosen sentence; returned in document order."""
    chosen: list[int] = []
    total = 0
    for j in _best_first(scores, lengths, sim, duplicate):
        if len(chosen) == max_sentences or total >= budget_words:
            break
        chosen.append(j)
        total += lengths[j]
    return sorted(chosen)


def _best_first(
    scores: np.ndarray, lengths: Sequence[int], sim: np.ndarray | None, duplicate: float
) -> Iterator[int]:
    """Sentence indices by score, best first (ties in document order), without empty
    sentences and near-copies (cosine ``duplicate`` or more) of one already given."""
    given: list[int] = []
    for j in np.argsort(-scores, kind="stable"):
        if lengths[j] == 0:
            continue
        if sim is not None and any(sim[j, c] >= duplicate for c in given):
            continue
        given.append(int(j))
        yield int(j)


def shown_sentences(paragraphs: Sequence[Sequence[str]]) -> list[str]:
    """Each sentence (flattened order) as a summary would show it: the lead undatelined."""
    return [_display(text, j) for j, text in enumerate(t for p in paragraphs for t in p)]


def learned_summary(
    paragraphs: Sequence[Sequence[str]],
    title: str | None,
    language: str,
    model: SentenceModel,
    max_sentences: int | None = None,
) -> list[int]:
    """Indices (flattened order) of the sentences the learned scorer picks."""
    return learned_picks(paragraphs, title, language, model, max_sentences)[0]


def learned_picks(
    paragraphs: Sequence[Sequence[str]],
    title: str | None,
    language: str,
    model: SentenceModel,
    max_sentences: int | None = None,
) -> tuple[list[int], np.ndarray]:
    """The picked indices and every sentence's probability (flattened order)."""
    paragraphs = head_sentences(paragraphs)
    if not any(paragraphs):
        return [], np.zeros(0)
    feats, sim = _features_and_similarity(paragraphs, title, language)
    probs = model.predict(feats)
    tokens = [words(s) for s in shown_sentences(paragraphs)]
    return model.select(probs, tokens, sim, max_sentences), probs


def _prior(sentence: Sentence, cfg: SummaryConfig) -> float:
    if sentence.prior is not None:
        return sentence.prior
    return 1.0 / (1.0 + cfg.lead_decay * sentence.rank)


def rank_sentences(
    sentences: list[Sentence], title: str | None, language: str, config: SummaryConfig
) -> list[int]:
    """Indices of the chosen sentences, in selection order (best first)."""
    cfg = config
    tokens = [content_terms(s.text, language) for s in sentences]
    usable = [
        i for i, s in enumerate(sentences) if len(words(s.text)) >= cfg.min_words and tokens[i]
    ]
    if not usable:
        usable = [i for i, t in enumerate(tokens) if t] or list(range(len(sentences)))
    if not usable:
        return []
    title_tokens = content_terms(title or "", language)
    mat = _vectors([tokens[i] for i in usable] + [title_tokens])
    sent_vecs, title_vec = mat[:-1], mat[-1]
    sim = (sent_vecs @ sent_vecs.T).toarray()
    central = lexrank(sim, cfg.damping)
    prior = np.array([_prior(sentences[i], cfg) for i in usable])
    to_title = (
        (sent_vecs @ title_vec.T).toarray().ravel() if title_tokens else np.zeros(len(usable))
    )
    score = central**cfg.alpha * prior + cfg.title_weight * to_title * prior
    # Syndicated copies: keep the best-placed of near-identical sentences.
    chosen: list[int] = []
    candidates = sorted(range(len(usable)), key=lambda j: (-score[j], j))
    while candidates and len(chosen) < cfg.k:
        best_j, best_val = None, -1e9
        for j in candidates:
            redundancy = max((sim[j, c] for c in chosen), default=0.0)
            if redundancy >= cfg.duplicate:
                continue
            val = cfg.mmr_lambda * score[j] - (1 - cfg.mmr_lambda) * redundancy
            if val > best_val:
                best_j, best_val = j, val
        if best_j is None:
            break
        chosen.append(best_j)
        candidates.remove(best_j)
    return [usable[j] for j in chosen]


def summarise_sentences(
    paragraphs: list[list[str]],
    title: str | None = None,
    language: str | None = None,
    config: SummaryConfig | None = None,
) -> list[int]:
    """Single document given as paragraphs of sentences: indices of the picked sentences
    (flattened order), returned in document order. The learned scorer when it is shipped
    (and ``config.learned``), else LexRank + position prior + MMR."""
    cfg = config or SummaryConfig()
    paragraphs = head_sentences(paragraphs)
    flat = [s for p in paragraphs for s in p]
    if not flat:
        return []
    lang = language or guess_language(" ".join(flat[:10]))
    model = load_sentence_model() if cfg.learned else None
    if model is not None:
        return learned_summary(paragraphs, title, lang, model, max_sentences=cfg.max_sentences)
    sentences = [Sentence(text, 0, i) for i, text in enumerate(flat)]
    return sorted(rank_sentences(sentences, title, lang, cfg))


def summarise_document(
    paragraphs: list[list[str]],
    title: str | None = None,
    language: str | None = None,
    config: SummaryConfig | None = None,
) -> list[str]:
    """The summary's sentences in document order, the lead without its agency dateline."""
    flat = [s for p in paragraphs for s in p]
    return [_display(flat[i], i) for i in summarise_sentences(paragraphs, title, language, config)]


def head_sentences(
    paragraphs: Sequence[Sequence[str]], limit: int = MAX_DOC_SENTENCES
) -> list[list[str]]:
    """The first ``limit`` sentences, paragraphs kept: the similarity graph is dense (n²), and
    a summary never reaches that deep into an article."""
    out: list[list[str]] = []
    left = limit
    for p in paragraphs:
        if left <= 0:
            break
        out.append(list(p[:left]))
        left -= len(out[-1])
    return out


def article_paragraphs(article: Article) -> list[list[str]]:
    """Body lines as paragraphs of sentences (empty paragraphs dropped), first
    ``MAX_DOC_SENTENCES`` sentences only."""
    return head_sentences([p for line in article.text_lines if (p := split_sentences(line.text))])


def article_sentences(article: Article) -> list[str]:
    return [s for p in article_paragraphs(article) for s in p]


def summarise_article(article: Article, config: SummaryConfig | None = None) -> list[str]:
    return summarise_document(article_paragraphs(article), article.title, article.language, config)


@dataclass(frozen=True)
class ArticleDigest:
    """What story summaries need of one article alone; a worker computes it ahead (the
    ``summarise`` stage's ``prepare``), so the main process does not."""

    summary: list[str]  # the article's own summary: what a one-article story shows
    priors: list[float] | None  # learned in-article score of each sentence, flattened order


def _relative(probs: np.ndarray) -> list[float]:
    """Sentence probabilities over the article's best one: the in-article score."""
    return list(probs / (probs.max() or 1.0))


def _in_article_scores(
    model: SentenceModel, paragraphs: list[list[str]], title: str | None, language: str
) -> list[float]:
    return _relative(model.predict(sentence_features(paragraphs, title, language)))


def digest_article(article: Article) -> ArticleDigest:
    """The article's summary and in-article scores from one pass of the learned scorer
    (what ``summarise_article`` and ``summarise_story`` would each compute)."""
    cfg = SummaryConfig()
    model = load_sentence_model() if cfg.learned else None
    paragraphs = article_paragraphs(article)
    flat = [s for p in paragraphs for s in p]
    # Without its own language the scores depend on the story's: computed there instead.
    if model is None or not flat or not article.language:
        return ArticleDigest(summarise_article(article), None)
    picks, probs = learned_picks(
        paragraphs, article.title, article.language, model, cfg.max_sentences
    )
    return ArticleDigest([_display(flat[i], i) for i in picks], _relative(probs))


def no_digest(_: Article) -> ArticleDigest | None:
    """For ``Article.prepared``: None where no worker prepared the digest."""
    return None


def summarise_story(articles: list[Article], config: SummaryConfig | None = None) -> list[str]:
    """Multi-document summary of a story's articles, sentences in selection order. With the
    learned scorer, each sentence's in-article score replaces the fixed position prior."""
    cfg = config or SummaryConfig()
    model = load_sentence_model() if cfg.learned else None
    lang = next((a.language for a in articles if a.language), None)
    sentences: list[Sentence] = []
    for d, article in enumerate(articles):
        paragraphs = article_paragraphs(article)
        flat = [s for p in paragraphs for s in p]
        priors: list[float | None] = [None] * len(flat)
        ahead = article.prepared("summarise", no_digest) if model is not None else None
        if isinstance(ahead, ArticleDigest) and ahead.priors and len(ahead.priors) == len(flat):
            priors = list(ahead.priors)
        elif model is not None and flat:
            art_lang = article.language or lang or guess_language(" ".join(flat[:10]))
            priors = _in_article_scores(model, paragraphs, article.title, art_lang)
        for rank, text in enumerate(flat):
            sentences.append(Sentence(text, d, rank, article.id, priors[rank]))
    if not sentences:
        return []
    titles = " ".join(a.title for a in articles if a.title)
    lang = lang or guess_language(" ".join(s.text for s in sentences[:20]))
    return [
        _display(sentences[i].text, sentences[i].rank)
        for i in rank_sentences(sentences, titles, lang, cfg)
    ]
