"""Story-feature document frequencies kept as one state row per feature."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from kabar.cluster.docfreq import LEGACY_KEY, TOTAL_KEY, StoredDocFreq, rows_namespace
from kabar.cluster.online import NS, OnlineClusterer
from kabar.cluster.represent import DocFreq, Features
from kabar.cluster.state import MemoryState
from kabar.cluster.stories import rebuild_stories
from kabar.models import RawDocument


def _feats(*words: str) -> Features:
    return Features(blocks={"w": Counter(words), "t": Counter(words[:1])})


BATCHES = [
    [_feats("banjir", "barabai", "hujan"), _feats("banjir", "pengungsi")],
    [_feats("tol", "mamuju"), _feats("banjir", "tol", "sungai")],
    [_feats("kelapa", "ekspor"), _feats("kelapa", "banjir")],
]


class CountingState(MemoryState):
    """Remembers which state keys were read, to show a batch reads only what it needs."""

    def __init__(self) -> None:
        super().__init__()
        self.read: list[str] = []

    def get_state(self, namespace: str, keys: Iterable[str]) -> dict[str, bytes]:
        keys = list(keys)
        if namespace == rows_namespace(NS):
            self.read.extend(keys)
        return super().get_state(namespace, keys)


def test_counts_over_many_batches_equal_one_in_memory_count() -> None:
    backend = MemoryState()
    whole = DocFreq()
    for batch in BATCHES:
        df = StoredDocFreq(backend, NS)
        for feats in batch:
            df.add(feats)
            whole.add(feats)
        df.flush()
    fresh = StoredDocFreq(backend, NS)
    keys = set(whole.counts) | {"w:never-seen"}
    assert fresh.n_docs == whole.n_docs == 6
    assert {k: fresh.idf(k) for k in keys} == {k: whole.idf(k) for k in keys}
    assert backend.get_state(rows_namespace(NS), ["w:banjir"]) == {"w:banjir": b"4"}


def test_a_batch_reads_only_the_rows_it_needs_in_one_go() -> None:
    backend = CountingState()
    for batch in BATCHES:
        df = StoredDocFreq(backend, NS)
        for feats in batch:
            df.add(feats)
        df.flush()
    backend.read.clear()
    df = StoredDocFreq(backend, NS)
    df.need(["w:tol", "w:kelapa", "w:tol"])
    df.idf("w:tol")
    df.idf("w:kelapa")
    assert sorted(backend.read) == ["w:kelapa", "w:tol"]
    assert dict(df.counts) == {"w:tol": 2, "w:kelapa": 2}


def test_rows_that_fall_to_zero_are_deleted() -> None:
    backend = MemoryState()
    df = StoredDocFreq(backend, NS)
    df.add(_feats("gempa", "palu"))
    df.flush()
    df = StoredDocFreq(backend, NS)
    df.remove(_feats("gempa", "palu"))
    df.flush()
    assert not backend.get_state(rows_namespace(NS), ["w:gempa", "w:palu", "t:gempa"])
    assert backend.get_state(NS, [TOTAL_KEY]) == {TOTAL_KEY: b"0"}


def test_a_store_with_the_old_single_blob_is_converted_once() -> None:
    backend = MemoryState()
    old = DocFreq()
    for batch in BATCHES:
        for feats in batch:
            old.add(feats)
    backend.put_state(NS, [(LEGACY_KEY, old.to_bytes())])
    df = StoredDocFreq(backend, NS)
    assert df.existed and df.n_docs == 6
    df.add(_feats("banjir"))
    df.flush()
    assert not backend.get_state(NS, [LEGACY_KEY])
    again = StoredDocFreq(backend, NS)
    assert again.n_docs == 7
    assert again.idf("w:banjir") == DocFreq(Counter({"w:banjir": 5}), 7).idf("w:banjir")
    again.need(["w:ekspor", "w:never-seen"])
    assert dict(again.counts) == {"w:banjir": 5, "w:ekspor": old.counts["w:ekspor"]}


def test_clusterer_batches_learn_the_same_frequencies_as_one_pass() -> None:
    backend = MemoryState()
    whole = DocFreq()
    for batch in BATCHES:
        clusterer = OnlineClusterer(backend)
        for feats in batch:
            clusterer.df.add(feats)
            whole.add(feats)
        clusterer.flush()
    stored = StoredDocFreq(backend, NS)
    assert stored.n_docs == 6
    assert {k: stored.idf(k) for k in whole.counts} == {k: whole.idf(k) for k in whole.counts}


def test_rebuild_counts_every_article_once(tmp_store: object, tmp_path: Path) -> None:
    from kabar.pipeline.runner import Pipeline

    raws = [
        RawDocument(
            id=RawDocument.hash(text.encode()),
            content=text.encode(),
            origin=str(tmp_path / f"{i}.txt"),
        )
        for i, text in enumerate(
            [
                "Banjir Rendam Barabai\n\nBanjir merendam ratusan rumah warga di Barabai"
                " setelah hujan deras sepanjang malam, kata petugas posko.",
                "Tol Mamuju Mulai Beroperasi\n\nRuas tol Mamuju mulai dilalui kendaraan"
                " pribadi pada Senin pagi setelah diresmikan gubernur.",
                "Ekspor Kelapa Naik\n\nEkspor kelapa bulat dari Penajam naik tajam bulan ini"
                " karena permintaan pabrik pengolahan di luar negeri.",
            ]
        )
    ]
    with Pipeline(tmp_store) as pipeline:  # type: ignore[arg-type]
        pipeline.run_raw(raws)
    counted = StoredDocFreq(tmp_store, NS).n_docs  # type: ignore[arg-type]
    assert counted == 3
    rebuild_stories(tmp_store)
    assert StoredDocFreq(tmp_store, NS).n_docs == counted  # type: ignore[arg-type]
