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
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from kabar.cluster.text import content_terms, guess_language, split_sentences, words
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


@dataclass
class Sentence:
    text: str
    doc: int  # index of the document it came from
    rank: int  # position within its document (0 = first sentence)
    article_id: str | None = None


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
    prior = np.array([1.0 / (1.0 + cfg.lead_decay * sentences[i].rank) for i in usable])
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
    (flattened order), returned in document order."""
    cfg = config or SummaryConfig()
    flat = [s for p in paragraphs for s in p]
    lang = language or guess_language(" ".join(flat[:10]))
    sentences = [Sentence(text, 0, i) for i, text in enumerate(flat)]
    return sorted(rank_sentences(sentences, title, lang, cfg))


def article_sentences(article: Article) -> list[str]:
    return [s for line in article.text_lines for s in split_sentences(line.text)]


def summarise_article(article: Article, config: SummaryConfig | None = None) -> list[str]:
    sents = article_sentences(article)
    picked = summarise_sentences([sents], article.title, article.language, config)
    return [sents[i] for i in picked]


def summarise_story(articles: list[Article], config: SummaryConfig | None = None) -> list[str]:
    """Multi-document summary of a story's articles, sentences in selection order."""
    cfg = config or SummaryConfig()
    sentences: list[Sentence] = []
    for d, article in enumerate(articles):
        for rank, text in enumerate(article_sentences(article)):
            sentences.append(Sentence(text, d, rank, article.id))
    if not sentences:
        return []
    titles = " ".join(a.title for a in articles if a.title)
    lang = next((a.language for a in articles if a.language), None) or guess_language(
        " ".join(s.text for s in sentences[:20])
    )
    return [sentences[i].text for i in rank_sentences(sentences, titles, lang, cfg)]
