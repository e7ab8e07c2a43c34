"""ROUGE on hand cases and the extractive summariser's behaviour."""

from __future__ import annotations

import pytest

from kabar.cluster.rouge import rouge, tokenize
from kabar.cluster.summarise import summarise_sentences, summarise_story
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
