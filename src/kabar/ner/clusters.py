"""Build the NER word table (``models/ner_words.json``) from unlabelled text.

    python -m kabar.ner.clusters [--shared PATH] [--out PATH] [--exclude-dev]

Text: the IndoSum fold-1 dev articles (``data/summarization/indosum/dev.01.jsonl``) and the
train/dev sentences of the five NER corpora, *minus every sentence of any NER test split*
(matched on the lowercased token sequence), so no test text shapes a feature.

Two things per lowercased word:

* **clusters** at three granularities: k-means over truncated-SVD vectors of a positive-PMI
  co-occurrence matrix (left and right neighbours, ±2 window), a cheap stand-in for Brown
  clusters that groups "Jakarta/Surabaya/Bandung" or "mengatakan/menyatakan/menilai";
* **capital**: how often the word starts with a capital letter inside a sentence (not first
  word) in cased text, bucketed 0 (<10 %), 1 (<50 %), 2 (<90 %), 3 (≥90 %); it tells the
  lowercased NERP corpus which words are usually names.

``--exclude-dev`` also leaves out every NER dev sentence: the table to choose settings with on
the dev splits, so that dev words get clusters the way test words do (from other text only).
Which context views (``VIEWS``) and how rare a word may be to get a cluster (``RARE_MIN``) are
settings here; what was tried is noted beside them. SVD and k-means results move slightly with
the number of BLAS threads, so a rebuild may shuffle a few hundred of the 1000-way ids.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import click
import numpy as np

from kabar.ner.data import DATASETS, held_out_keys, load_split, sentence_key
from kabar.ner.lexicon import WORDS_FILE

SIZES = (40, 200, 1000)
MIN_COUNT = 3  # words the vectors and clusters are fitted on
#: Words down to this count are folded into the fitted clusters (projected onto the SVD and
#: given the nearest centroid). 1 (every word of the text) raised the coverage of dev entity
#: tokens from 65-74 % to 79-88 % but not the scores (NERGrit +0.8, NERP −1.4 macro on dev),
#: so the table keeps the words it was fitted on.
RARE_MIN = 3
N_CONTEXTS = 3000
DIMS = 100


def corpus(shared: Path, exclude_dev: bool = False) -> Iterator[tuple[list[str], bool]]:
    """(tokens, cased) sentences of the unlabelled corpus, test sentences removed (and dev
    sentences too with ``exclude_dev``, for a table that settings are chosen with on dev)."""
    ner_root = shared / "data" / "ner"
    banned = held_out_keys(ner_root)
    if exclude_dev:
        for name, spec in DATASETS.items():
            for fold in range(1, spec.folds + 1):
                banned |= {sentence_key(t) for t, _ in load_split(ner_root, name, "dev", fold)}
    indosum = shared / "data" / "summarization" / "indosum" / "dev.01.jsonl"
    if indosum.is_file():
        with indosum.open(encoding="utf-8") as fh:
            for line in fh:
                doc = json.loads(line)
                for para in doc.get("paragraphs", []):
                    for sent in para:
                        if sentence_key(sent) not in banned:
                            yield sent, True
    for name, spec in DATASETS.items():
        for split in ("train",) if exclude_dev else ("train", "dev"):
            seen: set[str] = set()
            for fold in range(1, spec.folds + 1):
                for tokens, _ in load_split(ner_root, name, split, fold):
                    key = sentence_key(tokens)
                    if key in banned or key in seen:
                        continue
                    seen.add(key)
                    yield tokens, spec.cased


#: Context views: name, the offsets whose words are contexts (each offset group one block of
#: columns, so left and right neighbours are told apart), number of context words, k-means
#: sizes. The shipped table has one, the syntactic view (±1 apart, ±2 together). A second,
#: topical view (every word within ±6, position ignored; 64/256 clusters) was tried and did
#: not pay on the dev splits (NERGrit +0.4, NERP −0.8 macro F1, both within dev noise).
VIEWS: tuple[tuple[str, tuple[tuple[int, ...], ...], int, tuple[int, ...]], ...] = (
    ("k", ((-1,), (1,), (-2, 2)), N_CONTEXTS, SIZES),
)


def _vectors(
    sentences: list[list[str]],
    vocab: list[str],
    blocks: tuple[tuple[int, ...], ...],
    n_contexts: int,
    seed: int,
    n_fit: int,
) -> np.ndarray:
    """Unit-length truncated-SVD vectors of the PPMI word-by-context matrix; the SVD is fitted
    on the ``n_fit`` most frequent words and the rarer ones are folded in (projected)."""
    from scipy import sparse
    from sklearn.decomposition import TruncatedSVD

    index = {w: i for i, w in enumerate(vocab)}
    contexts = {w: i for i, w in enumerate(vocab[:n_contexts])}
    nc = len(contexts)
    offsets = [(off, b) for b, offs in enumerate(blocks) for off in offs]
    rows: list[int] = []
    cols: list[int] = []
    for low in sentences:
        ids = [index.get(w, -1) for w in low]
        ctx = [contexts.get(w, -1) for w in low]
        n = len(low)
        for i, wi in enumerate(ids):
            if wi < 0:
                continue
            for off, block in offsets:
                j = i + off
                if 0 <= j < n and ctx[j] >= 0:
                    rows.append(wi)
                    cols.append(block * nc + ctx[j])
    mat = sparse.coo_matrix(
        (np.ones(len(rows), dtype=np.float64), (rows, cols)),
        shape=(len(vocab), len(blocks) * nc),
    ).tocsr()
    mat.sum_duplicates()
    total = mat.sum()
    row_sum = np.asarray(mat.sum(axis=1)).ravel()
    col_sum = np.asarray(mat.sum(axis=0)).ravel() ** 0.75  # context smoothing
    col_sum = col_sum / col_sum.sum() * total
    coo = mat.tocoo()
    pmi = np.log(coo.data * total / (row_sum[coo.row] * col_sum[coo.col] + 1e-12) + 1e-12)
    keep = pmi > 0
    ppmi = sparse.csr_matrix(
        (pmi[keep], (coo.row[keep], coo.col[keep])), shape=mat.shape, dtype=np.float64
    )
    svd = TruncatedSVD(n_components=DIMS, random_state=seed)
    # fit_transform when nothing is folded in: the table is then the one fitted before.
    folded = n_fit < len(vocab)
    vecs = svd.fit(ppmi[:n_fit]).transform(ppmi) if folded else svd.fit_transform(ppmi)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True) + 1e-9
    return vecs


def build(
    shared: Path, out: Path = WORDS_FILE, seed: int = 13, exclude_dev: bool = False
) -> dict[str, int]:
    from sklearn.cluster import MiniBatchKMeans

    sentences: list[list[str]] = []
    counts: Counter[str] = Counter()
    cap_seen: Counter[str] = Counter()
    cap_upper: Counter[str] = Counter()
    for tokens, cased in corpus(shared, exclude_dev):
        low = [t.lower() for t in tokens]
        sentences.append(low)
        counts.update(low)
        if cased:
            for i, tok in enumerate(tokens[1:], 1):
                if tok[:1].isalpha() and tokens[i - 1] not in {".", '"', "“", ":"}:
                    cap_seen[low[i]] += 1
                    if tok[:1].isupper():
                        cap_upper[low[i]] += 1
    vocab = [w for w, c in counts.most_common() if c >= RARE_MIN]
    n_fit = sum(1 for w in vocab if counts[w] >= MIN_COUNT)
    names: list[str] = []
    labels = []
    placed = np.ones(len(vocab), dtype=bool)
    for view, blocks, n_contexts, sizes in VIEWS:
        vecs = _vectors(sentences, vocab, blocks, n_contexts, seed, n_fit)
        # A folded-in word with no usable context gets no cluster.
        placed[n_fit:] &= np.linalg.norm(vecs[n_fit:], axis=1) > 0.5
        for k in sizes:
            km = MiniBatchKMeans(n_clusters=k, random_state=seed, batch_size=4096, n_init=3)
            if n_fit < len(vocab):
                labels.append(km.fit(vecs[:n_fit]).predict(vecs))
            else:
                labels.append(km.fit_predict(vecs))
            names.append(f"{view}{k}")
    clusters = {w: [int(lab[i]) for lab in labels] for i, w in enumerate(vocab) if placed[i]}
    capital: dict[str, int] = {}
    for w, seen in cap_seen.items():
        if seen >= 2:
            rate = cap_upper[w] / seen
            capital[w] = 0 if rate < 0.1 else 1 if rate < 0.5 else 2 if rate < 0.9 else 3
    payload = {
        "about": "kabar NER word table: k-means clusters of PPMI-SVD vectors (syntactic and"
        " topical context views) and the in-sentence capitalisation bucket of each lowercased"
        " word; built by kabar.ner.clusters from IndoSum dev.01 and NER train/dev text minus"
        " test sentences",
        "names": names,
        "sizes": [int(n.lstrip("kt")) for n in names],
        "clusters": clusters,
        "capital": capital,
    }
    out.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), "utf-8")
    return {"sentences": len(sentences), "vocab": len(vocab), "capital": len(capital)}


@click.command()
@click.option("--shared", "shared_opt", default=None, help="The shared data folder.")
@click.option("--out", default=str(WORDS_FILE), show_default=True)
@click.option(
    "--exclude-dev",
    is_flag=True,
    help="Leave the NER dev splits out too (a table to choose settings with on dev).",
)
def main(shared_opt: str | None, out: str, exclude_dev: bool) -> None:
    """Build the NER word table from unlabelled text."""
    from kabar.eval.common import shared_path

    click.echo(build(shared_path(shared_opt), Path(out), exclude_dev=exclude_dev))


if __name__ == "__main__":
    main()
