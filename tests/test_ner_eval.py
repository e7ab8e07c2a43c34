"""The `kabar eval ner` plumbing on a tiny model trained from our own sentences."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kabar.eval.ner import ANCHORS, COLUMNS, command, measure_speed, score, table_rows, to_markdown
from kabar.ner.features import Featurizer
from kabar.ner.tagger import CrfTagger, train_crf

OUR_SENTENCES = [
    (["Dewi", "Larasati", "tiba", "di", "Mamuju", "."], ["B-PER", "I-PER", "O", "O", "B-LOC", "O"]),
    (["Andi", "bekerja", "di", "Bank", "Lembah", "."], ["B-PER", "O", "O", "B-ORG", "I-ORG", "O"]),
    (["Warga", "Bima", "menyambut", "Rudi", "."], ["O", "B-LOC", "O", "B-PER", "O"]),
    (["Partai", "Bulan", "menang", "di", "Ambon", "."], ["B-ORG", "I-ORG", "O", "O", "B-LOC", "O"]),
] * 5


def test_tiny_model_scores_its_training_data(tmp_path: Path) -> None:
    model = train_crf(OUR_SENTENCES, tmp_path / "tiny.crfsuite", {"max_iterations": 50})
    report, rate = score(model, OUR_SENTENCES)
    assert report.micro.f1 > 90
    assert set(report.per_type) == {"PER", "LOC", "ORG"}
    assert rate > 0
    speed = measure_speed(model, [t for t, _ in OUR_SENTENCES], rounds=1)
    assert speed["cold"] > 0 and speed["warm"] > 0
    tagger = CrfTagger(model, Featurizer())
    assert tagger.tag([]) == []


def test_table_and_markdown_carry_the_anchors() -> None:
    fake = {
        "datasets": {
            "nergrit": {
                "folds": 1,
                "macro": {"p": 70.0, "r": 66.0, "f1": 68.0},
                "micro": {"p": 73.0, "r": 70.0, "f1": 71.5},
                "anchors": [{"system": s, "metric": m, "f1": f} for s, m, f in ANCHORS["nergrit"]],
            }
        },
        "shipped": {},
    }
    rows = table_rows(fake)
    assert len(rows[0]) == len(COLUMNS)
    assert "79.09" in rows[0][-1]
    assert "| nergrit | 1 |" in to_markdown(fake)


def test_unknown_dataset_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(command, ["--datasets", "nope", "--cache", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown dataset" in result.output


def test_json_of_anchors_is_serialisable() -> None:
    assert json.loads(json.dumps(ANCHORS))["nerp"][0][2] == 79.25


def test_stacked_featurizer_adds_the_other_models_tags(tmp_path: Path) -> None:
    from kabar.ner.training import StackedFeaturizer

    model = train_crf(OUR_SENTENCES, tmp_path / "others.crfsuite", {"max_iterations": 30})
    feats = StackedFeaturizer(CrfTagger(model, Featurizer()), {"dewi": "PER3"}).sentence(
        ["Dewi", "tiba", "di", "Bima"]
    )
    assert "st=B-PER" in feats[0] and "+1st=O" in feats[0]
    assert "ep=PER3" in feats[0] and "-1ep=PER3" in feats[1]
    assert "-1st=B-PER" in feats[1]


def test_evaluation_featurizer_reads_the_span_lexicon_beside_the_model(tmp_path: Path) -> None:
    from kabar.ner.spans import SpanLexicon
    from kabar.ner.training import evaluation_featurizer, spans_path

    model = train_crf(OUR_SENTENCES, tmp_path / "nergrit.crfsuite", {"max_iterations": 30})
    assert type(evaluation_featurizer(model)) is Featurizer  # nothing beside it: plain features
    lexicon = SpanLexicon.fit(OUR_SENTENCES)
    spans_path(model).write_text(json.dumps(lexicon.to_json()), encoding="utf-8")
    feats = evaluation_featurizer(model).sentence(["Kantor", "Bank", "Lembah", "tutup"])
    assert "tl=B-ORG" in feats[1] and "tl=I-ORG" in feats[2] and "tlafter=ORG" in feats[3]
    assert not any(f.startswith("st=") for f in feats[1])  # no stacked model beside it
