"""ROUGE on hand cases and the extractive summariser's behaviour."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kabar.cluster.rouge import rouge, rouge_n, tokenize
from kabar.cluster.summarise import (
    FEATURES,
    LENGTH_FEATURES,
    MAX_DOC_SENTENCES,
    SentenceModel,
    SummaryConfig,
    TrainingDoc,
    fit_sentence_model,
    head_sentences,
    learned_summary,
    length_candidates,
    load_sentence_model,
    select_by_budget,
    sentence_features,
    strip_dateline,
    summarise_article,
    summarise_sentences,
    summarise_story,
    train_summariser,
)
from kabar.models import Article, Line, LineKind


def test_tokenize_like_rouge155() -> None:
    assert tokenize("Harga BBM naik 5,2% hari-ini!") == [
        "harga",
        "bbm",
        "naik",
        "5",
        "2",
        "hari",
        "ini",
    ]


def test_rouge_identical_and_disjoint() -> None:
    ref = ["kucing duduk di atas tikar ."]
    assert rouge(ref, ref, "clean") == {"rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0}
    assert rouge(["anjing berlari kencang"], ref, "clean")["rouge1"] == 0.0


def test_rouge_hand_values() -> None:
    # hyp: a b c d ; ref: a b x d -> unigram hits 3/4, bigram hits 1/3 (a b), LCS a b d = 3
    got = rouge(["a b c d"], ["a b x d"], "clean")
    assert got["rouge1"] == pytest.approx(0.75)
    assert got["rouge2"] == pytest.approx(1 / 3)
    assert got["rougeL"] == pytest.approx(0.75)


def test_indosum_protocol_digit_quirk_and_cap() -> None:
    assert rouge(["naik 12 persen"], ["naik 12 persen"], "indosum")["rouge1"] == pytest.approx(
        2 / 3
    )
    long_hyp = [" ".join(["kata"] * 150)]
    assert rouge(long_hyp, long_hyp, "indosum")["rouge1"] == 1.0  # both sides cut to 100 words
    with pytest.raises(ValueError):
        rouge(["a"], ["a"], "other")


def test_summariser_prefers_central_lead_and_skips_repeats() -> None:
    paragraphs = [
        [
            "Gempa berkekuatan 5,8 mengguncang Kabupaten Lembah Hijau pada Rabu pagi dan merusak puluhan rumah warga."
        ],
        [
            "Gempa berkekuatan 5,8 mengguncang Kabupaten Lembah Hijau pada Rabu pagi dan merusak puluhan rumah warga."
        ],
        ["Petugas mendata rumah warga yang rusak akibat gempa di tiga kecamatan Lembah Hijau."],
        ["Sementara itu, harga cabai di pasar kota turun setelah panen raya bulan lalu."],
    ]
    picked = summarise_sentences(paragraphs, "Gempa guncang Lembah Hijau", "id")
    assert 0 in picked and 1 not in picked  # the duplicate is redundant
    assert picked.index(0) == 0


def test_story_summary_from_several_articles() -> None:
    def art(aid: str, paras: list[str]) -> Article:
        return Article(
            id=aid,
            raw_id=aid,
            origin="t",
            title="Jembatan baru Lembah Hijau",
            language="id",
            lines=[Line(index=i, text=t, kind=LineKind.BODY) for i, t in enumerate(paras)],
        )

    a = art(
        "a",
        [
            "Jembatan gantung baru di Lembah Hijau diresmikan bupati pada Kamis pagi di desa Sukamaju."
        ],
    )
    b = art(
        "b",
        [
            "Bupati Lembah Hijau meresmikan jembatan gantung baru di desa Sukamaju, Kamis.",
            "Warga menyambut dengan pasar murah di lapangan desa sepanjang hari.",
        ],
    )
    summary = summarise_story([a, b])
    assert 1 <= len(summary) <= 3 and any("jembatan" in s.lower() for s in summary)
    assert summarise_story([]) == []


def test_rouge_n_matches_rouge() -> None:
    hyp, ref = ["harga beras naik lagi 10 persen"], ["harga beras naik 10 persen pekan ini"]
    for protocol in ("clean", "indosum"):
        full = rouge(hyp, ref, protocol)
        assert rouge_n(hyp, ref, 1, protocol) == pytest.approx(full["rouge1"])
        assert rouge_n(hyp, ref, 2, protocol) == pytest.approx(full["rouge2"])


def test_strip_dateline() -> None:
    cut = strip_dateline(
        "Lembah Hijau, Warta Kita -- Bupati meresmikan pasar baru pada Senin pagi."
    )
    assert cut == "Bupati meresmikan pasar baru pada Senin pagi."
    assert strip_dateline("KOTA ( Kabar Desa ) – Warga memperbaiki jalan desa bersama.").startswith(
        "Warga"
    )
    # A dash inside running text, or after lower-case words, is not a dateline.
    kept = "Skor akhir laga itu 2 - 1 untuk tim tamu yang bermain baik."
    assert strip_dateline(kept) == kept
    kept = "Menurut warga setempat - yang enggan disebut namanya - jalan itu rusak."
    assert strip_dateline(kept) == kept


def test_select_by_budget_fills_budget_and_skips_copies() -> None:
    scores = np.array([0.9, 0.8, 0.7, 0.1])
    lengths = [20, 20, 20, 20]
    assert select_by_budget(scores, lengths, 35) == [0, 1]
    sim = np.eye(4)
    sim[0, 1] = sim[1, 0] = 0.95
    assert select_by_budget(scores, lengths, 35, sim) == [0, 2]
    assert select_by_budget(scores, lengths, 100, max_sentences=3) == [0, 1, 2]
    assert select_by_budget(scores, [20, 0, 20, 20], 35) == [0, 2]  # empty sentences skipped


def test_length_candidates_rows() -> None:
    probs = np.array([0.2, 0.9, 0.5, 0.7, 0.1])
    tokens = [["a", "b"], ["c", "d", "e"], [], ["c", "f"], ["g"]]
    sim = np.eye(5)
    sim[1, 4] = sim[4, 1] = 0.9  # 4 copies 1
    order, rows = length_candidates(probs, tokens, sim)
    assert order == [1, 3, 0]  # best first; the empty sentence and the copy skipped
    assert rows.shape == (3, len(LENGTH_FEATURES))
    col = {name: j for j, name in enumerate(LENGTH_FEATURES)}
    assert list(rows[:, col["sentences"]]) == [1, 2, 3]
    assert list(rows[:, col["words"]]) == [3, 5, 7]
    assert rows[:, col["score_sum"]] == pytest.approx([0.9, 1.6, 1.8])
    assert rows[:, col["next_score"]] == pytest.approx([0.7, 0.2, 0.0])
    assert list(rows[:, col["next_words"]]) == [2, 2, 0]
    assert rows[1, col["distinct_word_share"]] == pytest.approx(4 / 5)  # "c" twice
    assert rows[2, col["word_weighted_score_sum"]] == pytest.approx(0.9 * 3 + 0.7 * 2 + 0.2 * 2)
    assert length_candidates(probs, tokens, sim, max_sentences=2)[0] == [1, 3]
    assert length_candidates(np.zeros(0), [])[1].shape == (0, len(LENGTH_FEATURES))


def _stump(feature: int, threshold: float, low: float, high: float) -> dict[str, list]:
    return {
        "feature": [feature, 0, 0],
        "threshold": [threshold, 0.0, 0.0],
        "left": [1, 0, 0],
        "right": [2, 0, 0],
        "value": [0.0, low, high],
    }


def test_length_model_picks_the_best_scored_length() -> None:
    col = {name: j for j, name in enumerate(LENGTH_FEATURES)}
    # Two stumps: more than one sentence +1, more than 45 words -2: two 20-word sentences win.
    model = SentenceModel(
        features=list(FEATURES),
        baseline=0.0,
        trees=[_stump(0, 0.5, 0.0, 0.0)],
        length_trees=[_stump(col["sentences"], 1.5, 0, 1), _stump(col["words"], 45, 0, -2)],
    )
    probs = np.array([0.3, 0.9, 0.6, 0.8])
    tokens = [["kata"] * 20] * 4
    assert model.select(probs, tokens) == [1, 3]
    assert model.select(probs, tokens, max_sentences=1) == [1]
    # Without length trees: the word budget.
    model.length_trees = []
    model.budget_words = 50
    assert model.select(probs, tokens) == [1, 2, 3]


def _doc() -> list[list[str]]:
    return [
        [
            "Pemerintah Kabupaten Lembah Hijau membuka pasar murah di alun-alun kota pada Sabtu.",
            "Pasar murah itu menjual beras, minyak goreng dan gula dengan harga di bawah pasar.",
        ],
        ['"Kami ingin membantu warga menjelang hari raya," kata bupati kepada wartawan.'],
        ["Pasar murah akan dibuka lagi di tiga kecamatan pekan depan."],
        ["Sementara itu, hujan deras membuat beberapa jalan di pinggir kota tergenang."],
    ]


def test_sentence_features_shape_and_values() -> None:
    feats = sentence_features(_doc(), "Pasar murah di Lembah Hijau", "id")
    assert feats.shape == (5, len(FEATURES))
    assert np.isfinite(feats).all()
    col = {name: j for j, name in enumerate(FEATURES)}
    assert list(feats[:, col["position"]]) == [0, 1, 2, 3, 4]
    assert feats[2, col["starts_with_quote"]] == 1 and feats[2, col["speech_verb"]] == 1
    assert feats[1, col["next_starts_with_quote"]] == 1
    assert sentence_features([], None).shape == (0, len(FEATURES))


def test_exported_trees_match_and_round_trip() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((400, len(FEATURES)))
    y = (x[:, 0] + 0.2 * rng.random(400) > 0.7).astype(int)
    model = fit_sentence_model(x, y, budget_words=50)
    model.length_trees = [_stump(1, 40.0, 0.5, -0.5)]
    probs = model.predict(x)
    assert ((probs >= 0) & (probs <= 1)).all()
    assert probs[y == 1].mean() > probs[y == 0].mean()
    again = SentenceModel.from_json(json.loads(json.dumps(model.to_json())))
    assert np.allclose(again.predict(x), probs)
    assert again.budget_words == 50 and again.length_trees == model.length_trees
    stale = {**model.to_json(), "length_features": ["words"]}
    with pytest.raises(ValueError):
        SentenceModel.from_json(stale)


def test_shipped_model_prefers_the_lead() -> None:
    model = load_sentence_model()
    assert model is not None, "src/kabar/models/summary_sentences.json is missing or stale"
    assert 30 <= model.budget_words <= 100 and model.length_trees
    probs = model.predict(sentence_features(_doc(), "Pasar murah di Lembah Hijau", "id"))
    assert probs.argmax() == 0
    assert probs[4] < probs[0]  # the off-topic closing line
    picked = summarise_sentences(_doc(), "Pasar murah di Lembah Hijau", "id")
    assert picked[0] == 0 and picked == sorted(picked)
    short = summarise_sentences(_doc(), "Pasar murah", "id", SummaryConfig(max_sentences=2))
    assert len(short) == 2 and 0 in short
    unsupervised = summarise_sentences(_doc(), "Pasar murah", "id", SummaryConfig(learned=False))
    assert 1 <= len(unsupervised) <= 3


def test_article_summary_cuts_the_dateline() -> None:
    lines = [
        "Lembah Hijau, Warta Kita -- Jembatan gantung baru di desa Sukamaju diresmikan bupati "
        "pada Kamis pagi setelah dibangun selama delapan bulan.",
        "Jembatan itu menghubungkan dua dusun yang selama ini dipisahkan sungai selebar empat "
        "puluh meter.",
        "Warga menyambut peresmian dengan pasar murah di lapangan desa sepanjang hari.",
    ]
    article = Article(
        id="x",
        raw_id="x",
        origin="t",
        title="Jembatan gantung baru di Sukamaju",
        language="id",
        lines=[Line(index=i, text=t, kind=LineKind.BODY) for i, t in enumerate(lines)],
    )
    summary = summarise_article(article)
    assert summary and summary[0].startswith("Jembatan gantung baru")
    assert all("Warta Kita" not in s for s in summary)
    assert all("Warta Kita" not in s for s in summarise_story([article]))


def test_long_page_is_bounded() -> None:
    assert head_sentences([["a", "b"], ["c", "d", "e"], ["f"]], 4) == [["a", "b"], ["c", "d"]]
    line = "Air sungai meluap dan merendam rumah warga di tepi kota sejak pagi hari."
    page = [[f"{line} Bagian {i}."] for i in range(MAX_DOC_SENTENCES * 4)]
    for learned in (True, False):
        picked = summarise_sentences(page, "Banjir", "id", SummaryConfig(learned=learned))
        assert picked and max(picked) < MAX_DOC_SENTENCES


def test_trained_length_model_varies_the_length_and_beats_lead3(shared_dir: Path) -> None:
    from kabar.cluster.rouge import rouge_n
    from kabar.eval.summary import load

    docs = load(shared_dir / "data" / "summarization" / "indosum" / "dev.01.jsonl")
    train, held = docs[:150], docs[150:250]
    model = train_summariser(
        [TrainingDoc(d["paragraphs"], d["title"], d["labels"], d["summary"]) for d in train]
    )
    assert model.length_trees and len(model.trees) == 200
    picks = [learned_summary(d["paragraphs"], d["title"], "id", model, 6) for d in held]
    counts = {len(p) for p in picks}
    assert len(counts) >= 3 and min(counts) >= 1 and max(counts) <= 6
    ours = np.mean(
        [
            rouge_n([d["sentences"][j] for j in p], d["summary"])
            for p, d in zip(picks, held, strict=True)
        ]
    )
    lead3 = np.mean([rouge_n(d["sentences"][:3], d["summary"]) for d in held])
    assert ours > lead3 + 0.02
