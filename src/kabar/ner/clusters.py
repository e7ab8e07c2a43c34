"""Build the NER word table (``models/ner_words.json``) from unlabelled text.

    python -m kabar.ner.clusters [--shared PATH]

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
MIN_COUNT = 3
N_CONTEXTS = 3000
DIMS = 100


def corpus(shared: Path) -> Iterator[tuple[list[str], bool]]:
    """(tokens, cased) sentences of the unlabelled corpus, test sentences removed."""
    ner_root = shared / "data" / "ner"
    banned = held_out_keys(ner_root)
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
        for split in ("train", "dev"):
            seen: set[str] = set()
            for fold in range(1, spec.folds + 1):
                for tokens, _ in load_split(ner_root, name, split, fold):
                    key = sentence_key(tokens)
                    if key in banned or key in seen:
                        continue
                    seen.add(key)
                    yield tokens, spec.cased


def build(shared: Path, out: Path = WORDS_FILE, seed: int = 13) -> dict[str, int]:
    from scipy import sparse
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.decomposition import TruncatedSVD

    sentences: list[list[str]] = []
    counts: Counter[str] = Counter()
    cap_seen: Counter[str] = Counter()
    cap_upper: Counter[str] = Counter()
    for tokens, cased in corpus(shared):
        low = [t.lower() for t in tokens]
        sentences.append(low)
        counts.update(low)
        if cased:
            for i, tok in enumerate(tokens[1:], 1):
                if tok[:1].isalpha() and tokens[i - 1] not in {".", '"', "“", ":"}:
                    cap_seen[low[i]] += 1
                    if tok[:1].isupper():
                        cap_upper[low[i]] += 1
    vocab = [w for w, c in counts.most_common() if c >= MIN_COUNT]
    index = {w: i for i, w in enumerate(vocab)}
    contexts = {w: i for i, w in enumerate(vocab[:N_CONTEXTS])}
    nc = len(contexts)
    rows: list[int] = []
    cols: list[int] = []
    for low in sentences:
        ids = [index.get(w, -1) for w in low]
        ctx = [contexts.get(w, -1) for w in low]
        n = len(low)
        for i, wi in enumerate(ids):
            if wi < 0:
                continue
            for off, block in ((-1, 0), (1, 1), (-2, 2), (2, 2)):
                j = i + off
                if 0 <= j < n and ctx[j] >= 0:
                    rows.append(wi)
                    cols.append(block * nc + ctx[j])
    mat = sparse.coo_matrix(
        (np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(len(vocab), 3 * nc)
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
    vecs = TruncatedSVD(n_components=DIMS, random_state=seed).fit_transform(ppmi)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True) + 1e-9
    labels = []
    for k in SIZES:
        km = MiniBatchKMeans(n_clusters=k, random_state=seed, batch_size=4096, n_init=3)
        labels.append(km.fit_predict(vecs))
    clusters = {w: [int(lab[i]) for lab in labels] for i, w in enumerate(vocab)}
    capital: dict[str, int] = {}
    for w, seen in cap_seen.items():
        if seen >= 2:
            rate = cap_upper[w] / seen
            capital[w] = 0 if rate < 0.1 else 1 if rate < 0.5 else 2 if rate < 0.9 else 3
    payload = {
        "about": "kabar NER word table: k-means clusters of PPMI-SVD vectors and the"
        " in-sentence capitalisation bucket of each lowercased word; built by"
        " kabar.ner.clusters from IndoSum dev.01 and NER train/dev text minus test sentences",
        "sizes": list(SIZES),
        "clusters": clusters,
        "capital": capital,
    }
    out.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), "utf-8")
    return {"sentences": len(sentences), "vocab": len(vocab), "capital": len(capital)}


@click.command()
@click.option("--shared", "shared_opt", default=None, help="The shared data folder.")
@click.option("--out", default=str(WORDS_FILE), show_default=True)
def main(shared_opt: str | None, out: str) -> None:
    """Build the NER word table from unlabelled text."""
    from kabar.eval.common import shared_path

    click.echo(build(shared_path(shared_opt), Path(out)))


if __name__ == "__main__":
    main()
