"""The extraction scorers: AEB shingle metric, trafilatura's snippet metric, the line rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from kabar.eval.extraction import (
    AEB_REFERENCE_OUTPUTS,
    LinePage,
    TextIndex,
    aeb_doc_counts,
    justext_lines,
    kabar_extract,
    line_is_body,
    load_aeb,
    load_reference_output,
    load_trafilatura_eval,
    run_extractor,
    score_aeb,
    score_lines,
    score_snippets,
    shingles,
    tokens,
)


def test_tokens_and_shingles() -> None:
    assert tokens("Jakarta, 4/5 — naik-turun") == ["Jakarta", "4", "5", "naik", "turun"]
    assert shingles(["a", "b"]) == {("a", "b"): 1}  # shorter than 4: one short shingle
    assert shingles([]) == {}
    assert sum(shingles(list("abcabc")).values()) == 3


def test_doc_counts_are_normalised() -> None:
    gold = "one two three four five six"
    assert aeb_doc_counts(gold, gold) == (1.0, 0.0, 0.0)
    tp, fp, fn = aeb_doc_counts(gold, "one two three four five six seven eight")
    assert tp + fp + fn == pytest.approx(1.0)
    assert fn == 0.0 and fp > 0
    assert aeb_doc_counts(gold, "") == (0.0, 0.0, 1.0)


def test_f1_is_from_mean_precision_and_recall() -> None:
    gold = {"a": "w1 w2 w3 w4 w5 w6 w7 w8", "b": "x1 x2 x3 x4 x5 x6 x7 x8"}
    pred = {"a": "w1 w2 w3 w4 w5 w6 w7 w8 junk1 junk2 junk3 junk4 junk5", "b": ""}
    score = score_aeb(gold, pred, bootstrap=0)
    # the empty prediction is left out of precision and counts 0 for recall
    assert score.precision == pytest.approx(5 / 10)
    assert score.recall == pytest.approx(0.5)
    per_doc_f1 = [2 * 0.5 * 1 / 1.5, 0.0]
    assert score.f1 == pytest.approx(0.5)
    assert score.f1 != pytest.approx(sum(per_doc_f1) / 2)
    assert score.accuracy == 0.0
    assert score_aeb(gold, gold, bootstrap=0).accuracy == 1.0


def test_bootstrap_spread() -> None:
    gold = {str(i): f"t{i} u{i} v{i} w{i} x{i}" for i in range(20)}
    pred = {k: (v if int(k) % 3 else v + " extra words here now") for k, v in gold.items()}
    score = score_aeb(gold, pred, bootstrap=200)
    assert 0 < score.f1_std < 0.2


def test_snippet_scorer() -> None:
    entries = {
        "p1": {"with": ["first  sentence", "last one"], "without": ["Share this", "Menu"]},
        "p2": {"with": ["gone"], "without": ["footer"]},
    }
    outputs = {"p1": "The first sentence.\nShare this\n and the last one.", "p2": ""}
    score = score_snippets(entries, outputs)
    assert (score.tp, score.fn, score.fp, score.tn) == (2, 1, 1, 2)
    assert score.f1 == pytest.approx(4 / 6)
    assert score.accuracy == pytest.approx(4 / 6)


def test_line_overlap_rule() -> None:
    index = TextIndex.of("A short heading\nThe minister said the new road opens next month.")
    assert line_is_body("The minister said the new road opens next month.", index)
    assert line_is_body("A short heading", index)  # short line equal to a gold paragraph
    assert not line_is_body("short heading", index)  # short, but not a whole paragraph
    assert not line_is_body("Read more stories from our newsroom today", index)
    assert line_is_body("— · —", index) is None
    # half of the 4-grams present is enough
    assert line_is_body("said the new road opens next month and then nothing else", index)


def test_line_scoring_and_justext_on_lines() -> None:
    lines = [
        "Home News Sport",
        "The council approved the budget after a long debate that lasted until midnight, "
        "with several members asking for more money for schools and public transport.",
    ]
    page = LinePage("k", "x.test", lines, [False, True])
    score, _ = score_lines([page], lambda p: [False, True])
    assert (score.tp, score.fp, score.fn, score.tn) == (1, 0, 0, 1)
    labels = justext_lines(lines, "en")
    assert len(labels) == 2


@pytest.fixture(scope="module")
def aeb(shared_dir: Path) -> tuple[dict[str, str], dict[str, str], dict[str, Path]]:
    if not (shared_dir / "data/extraction/scrapinghub-aeb").is_dir():
        pytest.skip("AEB data absent")
    return load_aeb(shared_dir)


@pytest.mark.shared
@pytest.mark.parametrize("name", sorted(AEB_REFERENCE_OUTPUTS))
def test_scorer_reproduces_published_scores(shared_dir: Path, aeb: tuple, name: str) -> None:
    gold, _, _ = aeb
    score = score_aeb(gold, load_reference_output(shared_dir, name), bootstrap=0)
    assert round(score.f1, 3) == AEB_REFERENCE_OUTPUTS[name]
    if name == "trafilatura":  # the README gives P and R for this row too
        assert round(score.precision, 3) == 0.938
        assert round(score.recall, 3) == 0.978


@pytest.mark.shared
def test_kabar_floor_on_aeb(aeb: tuple) -> None:
    """kabar's extractor keeps at least trafilatura 2.0's published F1 (0.958) on AEB."""
    import gzip

    gold, _, paths = aeb
    pages = {k: gzip.decompress(paths[k].read_bytes()) for k in gold}
    run = run_extractor(kabar_extract, pages)
    assert run.errors == 0
    assert score_aeb(gold, run.outputs, bootstrap=0).f1 >= 0.958


@pytest.mark.shared
def test_kabar_floor_on_trafilatura_eval(shared_dir: Path) -> None:
    import gzip

    if not (shared_dir / "data/extraction/trafilatura-eval").is_dir():
        pytest.skip("trafilatura evaluation data absent")
    entries, paths = load_trafilatura_eval(shared_dir)
    pages = {k: gzip.decompress(paths[k].read_bytes()) for k in entries}
    run = run_extractor(kabar_extract, pages)
    assert run.errors == 0
    assert score_snippets(entries, run.outputs).f1 >= 0.90
