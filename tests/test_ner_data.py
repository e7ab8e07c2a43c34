"""Corpus readers, tag mapping and leakage keys: format quirks on files we write, then the
real corpora in ../shared by path."""

from __future__ import annotations

from pathlib import Path

import pytest

from kabar.ner.data import (
    DATASETS,
    held_out_keys,
    load_split,
    map_tag,
    read_conll,
    repair_bio,
    sentence_key,
)


def test_tag_mapping_onto_kabar_labels() -> None:
    assert map_tag("B-PERSON") == "B-PER"
    assert map_tag("I-PPL") == "I-PER"
    assert map_tag("B-ORGANISATION") == "B-ORG"
    assert map_tag("B-ORGANIZATION") == "B-ORG"
    assert map_tag("B-IND") == "B-ORG"
    assert map_tag("I-PLACE") == "I-LOC"
    assert map_tag("B-PLC") == "B-LOC"
    assert map_tag("B-LOCATION") == "B-LOC"
    assert map_tag("B-EVT") == "B-EVT"
    assert map_tag("B-FNB") == "O"
    assert map_tag("I-TIME") == "O"
    assert map_tag("B-QUANTITY") == "O"
    assert map_tag("O") == "O"
    assert map_tag("B-PPL", "native") == "B-PPL"


def test_repair_bio_turns_stray_inside_tags_into_beginnings() -> None:
    assert repair_bio(["O", "I-PER", "I-PER", "I-LOC"]) == ["O", "B-PER", "I-PER", "B-LOC"]


def test_tab_separated_tokens_keep_their_spaces(tmp_path: Path) -> None:
    path = tmp_path / "nerp_like.txt"
    path.write_text("warga\tO\nsalah satu\tO\nkota\tO\nsolo\tB-PLC\n\nia\tO\n\n", "utf-8")
    sents = read_conll(path)
    assert sents[0][0] == ["warga", "salah satu", "kota", "solo"]
    assert sents[0][1] == ["O", "O", "O", "B-PLC"]
    assert len(sents) == 2


def test_crlf_three_columns_and_a_last_sentence_without_blank_line(tmp_path: Path) -> None:
    path = tmp_path / "idner_like.txt"
    path.write_bytes(b"Rina PROPN B-PER\r\npulang VERB O\r\n\r\nke ADP O\r\nMedan PROPN B-LOC\r\n")
    sents = read_conll(path, "kabar")
    assert sents == [(["Rina", "pulang"], ["B-PER", "O"]), (["ke", "Medan"], ["O", "B-LOC"])]


def test_sentence_key_ignores_case() -> None:
    assert sentence_key(["Bu", "Sari", "datang"]) == sentence_key(["bu", "sari", "DATANG"])
    assert sentence_key(["a", "b"]) != sentence_key(["a b"])


# --- the real corpora --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ner_root(shared_dir: Path) -> Path:
    root = shared_dir / "data" / "ner"
    if not root.is_dir():
        pytest.skip(f"{root} is absent")
    return root


@pytest.mark.parametrize(
    ("name", "split", "sentences"),
    [
        ("nergrit", "test", 209),
        ("nerp", "test", 840),
        ("nerp", "train", 6720),
        ("idner", "train", 1464),
        ("idner", "dev", 367),
        ("idner", "test", 509),
    ],
)
def test_split_sizes_match_the_data_readme(
    ner_root: Path, name: str, split: str, sentences: int
) -> None:
    assert len(load_split(ner_root, name, split)) == sentences


def test_nerp_keeps_multiword_tokens(ner_root: Path) -> None:
    tokens = [t for sent, _ in load_split(ner_root, "nerp", "test") for t in sent]
    assert sum(" " in t for t in tokens) == 87


def test_indolem_folds_partition_the_corpus(ner_root: Path) -> None:
    sizes = [len(load_split(ner_root, "ui", "test", fold)) for fold in range(1, 6)]
    assert sum(sizes) == 2126


def test_every_corpus_maps_onto_kabar_labels(ner_root: Path) -> None:
    for name in DATASETS:
        tags = {t for _, g in load_split(ner_root, name, "dev", scheme="kabar") for t in g}
        assert tags <= {"O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-EVT", "I-EVT"}


def test_shipped_training_set_holds_no_test_sentence(ner_root: Path) -> None:
    from kabar.ner.training import SHIPPED_TEST_SPLITS, evaluation_set, shipped_set

    banned = held_out_keys(ner_root, SHIPPED_TEST_SPLITS)
    data = shipped_set(ner_root)
    assert data.removed > 200  # NERP train alone holds 66 of its own test sentences
    assert not any(sentence_key(t) in banned for t, _ in data.sentences)
    nerp = evaluation_set(ner_root, "nerp")
    nerp_test = {sentence_key(t) for t, _ in load_split(ner_root, "nerp", "test")}
    assert not any(sentence_key(t) in nerp_test for t, _ in nerp.sentences)
    assert nerp.removed >= 66
