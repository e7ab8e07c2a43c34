"""The entity-start bias: patching a trained crfsuite model's B- bias weights in place."""

from __future__ import annotations

from pathlib import Path

import pycrfsuite
import pytest

from kabar.ner.features import Featurizer
from kabar.ner.tagger import CrfTagger, shift_entity_bias, train_crf

OUR_SENTENCES = [
    (["Dewi", "Larasati", "tiba", "di", "Mamuju", "."], ["B-PER", "I-PER", "O", "O", "B-LOC", "O"]),
    (["Andi", "bekerja", "di", "Bank", "Lembah", "."], ["B-PER", "O", "O", "B-ORG", "I-ORG", "O"]),
    (["Warga", "Bima", "menyambut", "Rudi", "."], ["O", "B-LOC", "O", "B-PER", "O"]),
    (["Partai", "Bulan", "menang", "di", "Ambon", "."], ["B-ORG", "I-ORG", "O", "O", "B-LOC", "O"]),
    (["Hujan", "turun", "sejak", "pagi", "."], ["O", "O", "O", "O", "O"]),
] * 4


def _weights(model: Path) -> dict[tuple[str, str], float]:
    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    try:
        return dict(tagger.info().state_features)
    finally:
        tagger.close()


@pytest.fixture()
def model(tmp_path: Path) -> Path:
    # No L1, so every (bias, label) weight survives training.
    return train_crf(
        OUR_SENTENCES, tmp_path / "tiny.crfsuite", {"c1": 0.0, "c2": 0.1, "max_iterations": 40}
    )


def test_only_the_b_label_bias_weights_move(model: Path) -> None:
    before = _weights(model)
    new = shift_entity_bias(model, 0.75)
    after = _weights(model)
    assert set(new) == {"B-PER", "B-LOC", "B-ORG"}
    moved = {k for k in before if before[k] != after[k]}
    assert moved == {("bias", "B-PER"), ("bias", "B-LOC"), ("bias", "B-ORG")}
    for label in new:
        assert after[("bias", label)] == pytest.approx(before[("bias", label)] + 0.75, abs=1e-5)
    assert not list(model.parent.glob("*.tmp"))


def test_zero_changes_nothing_and_a_large_bias_tags_more_entities(model: Path) -> None:
    data = model.read_bytes()
    shift_entity_bias(model, 0.0)
    assert model.read_bytes() == data
    sentence = ["Hujan", "turun", "sejak", "pagi", "."]
    assert CrfTagger(model, Featurizer()).tag(sentence) == ["O"] * 5
    shift_entity_bias(model, 50.0)
    assert any(t.startswith("B-") for t in CrfTagger(model, Featurizer()).tag(sentence))


def test_a_file_that_is_no_model_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.crfsuite"
    bad.write_bytes(b"not a model")
    with pytest.raises(ValueError):
        shift_entity_bias(bad, 1.0)


def test_per_type_amounts_add_to_the_common_one(model: Path) -> None:
    before = _weights(model)
    shift_entity_bias(model, 0.5, {"LOC": 0.25, "ORG": -0.5})
    after = _weights(model)
    assert after[("bias", "B-PER")] == pytest.approx(before[("bias", "B-PER")] + 0.5, abs=1e-5)
    assert after[("bias", "B-LOC")] == pytest.approx(before[("bias", "B-LOC")] + 0.75, abs=1e-5)
    # A type whose amounts cancel keeps its weight exactly.
    assert after[("bias", "B-ORG")] == before[("bias", "B-ORG")]
    assert {k for k in before if before[k] != after[k]} == {("bias", "B-PER"), ("bias", "B-LOC")}
