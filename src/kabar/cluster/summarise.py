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
sentence and its neighbours. Sentences are taken best first until a word budget (learned
with the model) is met, so a short lead gets company and a long one stands alone; an
agency dateline ("Jakarta, Kantor Berita --") is cut from the first sentence. The same
scores replace the fixed position prior inside each article of a story.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
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
    max_sentences: int = 6  # cap on a budgeted single-document summary


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


@dataclass
class SentenceModel:
    """Boosted regression trees (log-odds), evaluated with numpy; no scikit-learn at run time."""

    features: list[str]
    baseline: float
    trees: list[dict[str, list[Any]]]
    budget_words: int = 60
    # Confidence-aware length: below ``min_prob`` a sentence never joins (after the first);
    # at or above ``sure_prob`` it joins even past the budget (up to twice the budget).
    min_prob: float = 0.0
    sure_prob: float = 2.0
    meta: dict[str, Any] = field(default_factory=dict)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Probability that each row (sentence) belongs in the summary."""
        if x.shape[0] == 0:
            return np.zeros(0)
        feat, thr, left, right, value = self._arrays()
        trees = np.arange(feat.shape[0])[None, :]
        rows = np.arange(x.shape[0])[:, None]
        # Walk every tree at once, one level per step (a handful of numpy calls per article
        # instead of a few per tree).
        node = np.zeros((x.shape[0], feat.shape[0]), dtype=int)
        while True:
            child_left = left[trees, node]
            inner = child_left != 0  # leaves have no children (the root is node 0)
            if not inner.any():
                break
            go_left = x[rows, feat[trees, node]] <= thr[trees, node]
            node = np.where(inner, np.where(go_left, child_left, right[trees, node]), node)
        logit = self.baseline + value[trees, node].sum(axis=1)
        return 1.0 / (1.0 + np.exp(-logit))

    def _arrays(self) -> tuple[np.ndarray, ...]:
        """The trees as (tree, node) arrays padded to the widest tree, built once per model."""
        cached = self.__dict__.get("_tree_arrays")
        if cached is None or cached[0].shape[0] != len(self.trees):
            width = max((len(t["left"]) for t in self.trees), default=1)
            arrays = []
            for key, dtype in (
                ("feature", int),
                ("threshold", float),
                ("left", int),
                ("right", int),
                ("value", float),
            ):
                out = np.zeros((len(self.trees), width), dtype=dtype)
                for k, tree in enumerate(self.trees):
                    out[k, : len(tree[key])] = tree[key]
                arrays.append(out)
            cached = tuple(arrays)
            self.__dict__["_tree_arrays"] = cached
        return cached

    def select(
        self,
        probs: np.ndarray,
        lengths: Sequence[int],
        sim: np.ndarray | None = None,
        max_sentences: int | None = None,
    ) -> list[int]:
        """The summary's sentence indices (document order) under this model's length rule."""
        return select_by_budget(
            probs,
            lengths,
            self.budget_words,
            sim,
            max_sentences=max_sentences,
            min_score=self.min_prob,
            sure_score=self.sure_prob,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "features": self.features,
            "baseline": self.baseline,
            "budget_words": self.budget_words,
            "min_prob": self.min_prob,
            "sure_prob": self.sure_prob,
            "meta": self.meta,
            "trees": self.trees,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SentenceModel:
        return cls(
            features=list(data["features"]),
            baseline=float(data["baseline"]),
            trees=list(data["trees"]),
            budget_words=int(data.get("budget_words", 60)),
            min_prob=float(data.get("min_prob", 0.0)),
            sure_prob=float(data.get("sure_prob", 2.0)),
            meta=dict(data.get("meta", {})),
        )


def fit_sentence_model(
    x: np.ndarray, y: np.ndarray, budget_words: int = 60, seed: int = 0
) -> SentenceModel:
    """Gradient-boosted trees on sentence rows (scikit-learn, a training-time tool here),
    exported to plain lists so the shipped model is a JSON file."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(
        max_iter=200,
        learning_rate=0.05,
        max_leaf_nodes=15,
        early_stopping=False,
        random_state=seed,
    )
    from threadpoolctl import threadpool_limits

    # One thread: on a small shared machine OpenMP's spinning threads cost more than they give.
    with threadpool_limits(limits=1):
        model.fit(x, y)
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
    return SentenceModel(
        features=list(FEATURES),
        baseline=float(np.ravel(model._baseline_prediction)[0]),
        trees=trees,
        budget_words=budget_words,
    )


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
MIN_PROB_CANDIDATES = (0.0, 0.1, 0.2)
SURE_PROB_CANDIDATES = (2.0, 0.7, 0.5, 0.4)  # 2.0: never past the budget


def train_summariser(
    docs: Sequence[TrainingDoc], inner_folds: int = 3, seed: int = 0, max_sentences: int = 6
) -> SentenceModel:
    """Fit the sentence scorer on ``docs``; the length rule (word budget, ``min_prob``,
    ``sure_prob``) is chosen by ROUGE-1 (clean protocol) on out-of-fold scores *within*
    ``docs``, so no evaluation text is looked at."""
    from kabar.cluster.rouge import rouge_n

    feats, sims = zip(
        *(_features_and_similarity(d.paragraphs, d.title, d.language) for d in docs), strict=True
    )
    labels = [np.asarray(d.labels, dtype=int) for d in docs]
    sents = [[s for p in d.paragraphs for s in p] for d in docs]
    lengths = [[len(words(s)) for s in ss] for ss in sents]
    fold_of = np.arange(len(docs)) % inner_folds
    rules = [
        (b, lo, hi)
        for b in BUDGET_CANDIDATES
        for lo in MIN_PROB_CANDIDATES
        for hi in SURE_PROB_CANDIDATES
    ]
    totals = dict.fromkeys(rules, 0.0)
    for f in range(inner_folds):
        train = [i for i in range(len(docs)) if fold_of[i] != f]
        model = fit_sentence_model(
            np.vstack([feats[i] for i in train]),
            np.concatenate([labels[i] for i in train]),
            seed=seed,
        )
        held = [i for i in range(len(docs)) if fold_of[i] == f]
        for i, probs in zip(held, _predict_many(model, [feats[i] for i in held]), strict=True):
            seen: dict[tuple[int, ...], float] = {}  # many rules pick the same sentences
            for rule in rules:
                picked = tuple(
                    select_by_budget(
                        probs, lengths[i], rule[0], sims[i], 0.8, max_sentences, rule[1], rule[2]
                    )
                )
                if picked not in seen:
                    hyp = [_display(sents[i][j], j) for j in picked]
                    seen[picked] = rouge_n(hyp, docs[i].reference, 1, "clean")
                totals[rule] += seen[picked]
    # Ties go to the plainer rule (earlier in the grid).
    best = max(rules, key=lambda r: (round(totals[r], 9), -rules.index(r)))
    model = fit_sentence_model(np.vstack(feats), np.concatenate(labels), best[0], seed)
    model.min_prob, model.sure_prob = best[1], best[2]
    plain = {b: totals[(b, 0.0, 2.0)] for b in BUDGET_CANDIDATES}
    model.meta = {
        "documents": len(docs),
        "sentences": int(sum(len(x) for x in labels)),
        "rule_rouge1_clean_oof": round(100 * totals[best] / len(docs), 2),
        "budget_only_rouge1_clean_oof": {
            str(b): round(100 * v / len(docs), 2) for b, v in plain.items()
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
    min_score: float = -np.inf,
    sure_score: float = np.inf,
) -> list[int]:
    """Best-scored sentences until ``budget_words`` is reached (the last one may overrun it),
    skipping near-copies of a chosen sentence; returned in document order. A sentence scoring
    ``sure_score`` or more still joins past the budget (up to twice it); once one is chosen,
    one scoring under ``min_score`` ends the summary."""
    chosen: list[int] = []
    total = 0
    for j in np.argsort(-scores, kind="stable"):
        if len(chosen) == max_sentences:
            break
        if total >= budget_words and (scores[j] < sure_score or total >= 2 * budget_words):
            break
        if chosen and scores[j] < min_score:
            break
        if lengths[j] == 0:
            continue
        if sim is not None and any(sim[j, c] >= duplicate for c in chosen):
            continue
        chosen.append(int(j))
        total += lengths[j]
    return sorted(chosen)


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
    sents = [s for p in paragraphs for s in p]
    if not sents:
        return [], np.zeros(0)
    feats, sim = _features_and_similarity(paragraphs, title, language)
    probs = model.predict(feats)
    lengths = [len(words(s)) for s in sents]
    return model.select(probs, lengths, sim, max_sentences), probs


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
