"""Per-word caches stay bounded on an endless stream of new words (names, numbers, typos)."""

from __future__ import annotations

from kabar.ner import features
from kabar.ner.features import Featurizer


def test_ner_word_cache_keeps_at_most_its_bound_and_recomputes_the_same_features(
    monkeypatch: object,
) -> None:
    monkeypatch.setattr(features, "CACHE_WORDS", 100)  # type: ignore[attr-defined]
    feats = Featurizer(use_lexicon=False, use_clusters=False)
    first = feats.word("Sutarmidji")
    for i in range(1000):
        feats.word(f"Nama{i}")
        assert len(feats._cache) <= 100
    assert "Sutarmidji" not in feats._cache  # evicted long ago ...
    again = feats.word("Sutarmidji")
    assert again == first  # ... and rebuilt identically
    assert feats.sentence(["Gubernur", "Sutarmidji", "hadir"]) == Featurizer(
        use_lexicon=False, use_clusters=False
    ).sentence(["Gubernur", "Sutarmidji", "hadir"])


def test_stem_caches_are_bounded() -> None:
    from kabar.cluster.text import stem
    from kabar.lang.stemming import stem_id
    from kabar.search.text import term_of

    for cached in (stem, stem_id, term_of):
        size = cached.cache_info().maxsize
        assert size is not None and size <= 200_000
