"""The span lexicon: the training data's own entity names as phrase features."""

from __future__ import annotations

import json

from kabar.ner.spans import SpanLexicon, build_lexicon, lexicon_features

SENTENCES = [
    (["Piala", "Dunia", "dimulai", "."], ["B-EVT", "I-EVT", "O", "O"]),
    (["Tiket", "Piala", "Dunia", "habis", "."], ["O", "B-EVT", "I-EVT", "O", "O"]),
    (["Pemilu", "digelar", "."], ["B-EVT", "O", "O"]),
    (["Pemilu", "tertunda", "."], ["O", "O", "O"]),
    (["Pemilu", "damai", "."], ["O", "O", "O"]),
    (["Pemilu", "usai", "."], ["O", "O", "O"]),
    (["Pemilu", "lagi", "."], ["O", "O", "O"]),
    (["Bank", "Lembah", "untung", "."], ["B-IND", "I-IND", "O", "O"]),
]


def test_entries_carry_type_reliability_and_count() -> None:
    lex = build_lexicon(SENTENCES)
    assert lex[("piala", "dunia")] == ("EVT", "3", 2)
    assert lex[("bank", "lembah")] == ("IND", "3", 1)
    # Tagged once in five occurrences: share 0.2, kept in the lowest bucket.
    assert lex[("pemilu",)] == ("EVT", "1", 1)
    assert ("dunia",) not in lex


def test_longest_phrase_wins_and_marks_the_next_token() -> None:
    lex = build_lexicon(SENTENCES)
    feats = lexicon_features(lex, ["Final", "piala", "dunia", "meriah"])
    assert feats[0] == []
    assert "tl=B-EVT" in feats[1] and "tlr=B-EVT3" in feats[1] and "tlc=EVT2" in feats[1]
    assert feats[2] == ["tl=I-EVT", "tlr=I-EVT3"]
    assert feats[3] == ["tlafter=EVT"]


def test_training_sentences_see_only_the_other_folds() -> None:
    lex = SpanLexicon.fit(SENTENCES, folds=len(SENTENCES))
    # "Bank Lembah" occurs in one sentence only: out of fold it is unknown there ...
    own = lex.features(["Bank", "Lembah", "untung", "."])
    assert all(not f for f in own)
    # ... while new text gets the lexicon of the whole training set.
    new = lex.features(["Saham", "Bank", "Lembah", "naik"])
    assert new[1][0] == "tl=B-IND"


def test_json_round_trip() -> None:
    lex = SpanLexicon(build_lexicon(SENTENCES))
    back = SpanLexicon.from_json(json.loads(json.dumps(lex.to_json())))
    assert back.full == lex.full
