"""ROUGE on hand cases and the extractive summariser's behaviour."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kabar.cluster.rouge import rouge, rouge_n, tokenize
from kabar.cluster.summarise import (
    FEATURES,
    MAX_DOC_SENTENCES,
    SentenceModel,
    SummaryConfig,
    fit_sentence_model,
    head_sentences,
    load_sentence_model,
    select_by_budget,
    sentence_features,
    strip_dateline,
    summarise_article,
    summarise_sentences,
    summarise_story,
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
    # Confident sentences join past the budget (up to twice it); weak ones never join.
    assert select_by_budget(scores, lengths, 35, sure_score=0.75) == [0, 1]
    assert select_by_budget(scores, lengths, 35, sure_score=0.65) == [0, 1, 2]
    assert select_by_budget(scores, lengths, 20, sure_score=0.05) == [0, 1]  # 2x budget
    assert select_by_budget(scores, lengths, 30, sure_score=0.5) == [0, 1, 2]
    assert select_by_budget(scores, lengths, 100, min_score=0.5) == [0, 1, 2]
    assert select_by_budget(np.array([0.05, 0.01]), [10, 10], 100, min_score=0.5) == [0]


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
    model.min_prob, model.sure_prob = 0.1, 0.6
    probs = model.predict(x)
    assert ((probs >= 0) & (probs <= 1)).all()
    assert probs[y == 1].mean() > probs[y == 0].mean()
    again = SentenceModel.from_json(json.loads(json.dumps(model.to_json())))
    assert np.allclose(again.predict(x), probs)
    assert (again.budget_words, again.min_prob, again.sure_prob) == (50, 0.1, 0.6)


def test_shipped_model_prefers_the_lead() -> None:
    model = load_sentence_model()
    assert model is not None, "src/kabar/models/summary_sentences.json is missing or stale"
    assert 30 <= model.budget_words <= 100
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
