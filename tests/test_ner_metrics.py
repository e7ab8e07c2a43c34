"""NER metrics on hand-made tag sequences, and agreement with seqeval where it is installed."""

from __future__ import annotations

import random

import pytest

from kabar.ner.metrics import chunks, evaluate


def test_chunks_read_bio_the_conlleval_way() -> None:
    tags = ["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-ORG", "I-ORG", "O", "I-PER"]
    assert chunks(tags) == [
        ("PER", 0, 2),
        ("LOC", 3, 4),
        ("LOC", 4, 5),
        ("ORG", 5, 7),
        ("PER", 8, 9),
    ]


def test_chunk_ends_at_a_type_change_and_at_the_end() -> None:
    assert chunks(["B-PER", "I-LOC"]) == [("PER", 0, 1), ("LOC", 1, 2)]
    assert chunks(["O", "B-ORG", "I-ORG"]) == [("ORG", 1, 3)]
    assert chunks([]) == []


def test_micro_and_macro_differ_as_the_anchors_define_them() -> None:
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O", "B-PER"]]
    pred = [["B-PER", "I-PER", "O", "O"], ["B-ORG", "O", "B-LOC"]]
    report = evaluate(gold, pred)
    # PER: 1 of 2 found, 1 predicted → P 100, R 50, F 66.67; LOC: 0 of 1, 1 wrong → 0;
    # ORG: perfect → 100.
    assert report.per_type["PER"].f1 == pytest.approx(200 / 3)
    assert report.per_type["LOC"].f1 == 0.0
    assert report.per_type["ORG"].f1 == pytest.approx(100.0)
    assert report.macro.f1 == pytest.approx((200 / 3 + 0 + 100) / 3)
    # micro: 2 correct of 3 predicted and 4 gold → P 66.7, R 50, F 57.14
    assert report.micro.precision == pytest.approx(200 / 3)
    assert report.micro.recall == pytest.approx(50.0)
    assert report.micro.f1 == pytest.approx(400 / 7)
    assert report.micro.support == 4


def test_a_partial_span_is_wrong() -> None:
    report = evaluate([["B-ORG", "I-ORG", "I-ORG"]], [["B-ORG", "I-ORG", "O"]])
    assert report.micro.f1 == 0.0


def test_a_type_seen_only_in_predictions_counts_in_the_macro_average() -> None:
    report = evaluate([["O", "B-PER"]], [["B-EVT", "B-PER"]])
    assert set(report.per_type) == {"EVT", "PER"}
    assert report.macro.f1 == pytest.approx(50.0)


def test_lengths_must_agree() -> None:
    with pytest.raises(ValueError):
        evaluate([["O"]], [["O", "O"]])
    with pytest.raises(ValueError):
        evaluate([["O"]], [])


def _random_tags(rng: random.Random, n: int) -> list[str]:
    return [
        rng.choice(["O", "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "I-ORG"]) for _ in range(n)
    ]


def test_matches_seqeval_on_random_sequences() -> None:
    seqeval = pytest.importorskip("seqeval.metrics")
    rng = random.Random(7)
    for _ in range(30):
        gold = [_random_tags(rng, rng.randint(1, 12)) for _ in range(rng.randint(1, 8))]
        pred = [
            [
                t if rng.random() < 0.7 else rng.choice(["O", "B-PER", "I-LOC", "B-ORG"])
                for t in sent
            ]
            for sent in gold
        ]
        report = evaluate(gold, pred)
        assert report.micro.f1 == pytest.approx(100 * seqeval.f1_score(gold, pred), abs=1e-6)
        assert report.micro.precision == pytest.approx(
            100 * seqeval.precision_score(gold, pred), abs=1e-6
        )
        assert report.micro.recall == pytest.approx(
            100 * seqeval.recall_score(gold, pred), abs=1e-6
        )
        macro = seqeval.f1_score(gold, pred, average="macro")
        # seqeval's macro averages over gold types only; ours (IndoNLU) over gold ∪ predicted.
        gold_types = {t for s in gold for t, _, _ in chunks(s)}
        ours = [report.per_type[t].f1 for t in sorted(gold_types)]
        if gold_types and set(report.per_type) == gold_types:
            assert sum(ours) / len(ours) == pytest.approx(100 * macro, abs=1e-6)
