"""The line classifier on lines written for these tests, bad input, and outlet templates."""

from __future__ import annotations

import pytest

from kabar.models import TEXT_KINDS, Article, Line, LineKind
from kabar.pipeline.clean import (
    OutletTemplates,
    boilerplate_rules,
    classify_lines,
    clean_article,
    clean_stage,
    combine_labels,
    line_features,
    load_templates,
    template_key,
    templates_stage,
)
from kabar.pipeline.registry import StageContext

K = LineKind

PARAGRAPHS = [
    "Pemerintah kabupaten mulai memperbaiki jalan desa yang rusak parah akibat banjir pada "
    "awal bulan ini, kata kepala dinas pekerjaan umum setempat.",
    "Perbaikan dilakukan bertahap dan ditargetkan selesai sebelum musim tanam berikutnya "
    "sehingga petani bisa mengangkut hasil panen dengan lebih mudah.",
    "Warga berharap pemerintah juga membangun saluran air di sepanjang jalan tersebut agar "
    "genangan tidak kembali muncul setiap kali hujan deras turun.",
]


def kinds(texts: list[str], **kwargs: object) -> list[LineKind]:
    return [k for k, _, _ in classify_lines(texts, **kwargs)]  # type: ignore[arg-type]


def around(line: str) -> LineKind:
    """The kind of ``line`` placed between two article paragraphs."""
    return kinds([PARAGRAPHS[0], "", line, "", PARAGRAPHS[1], "", PARAGRAPHS[2]])[2]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Baca Juga: Jalan Desa Rusak Dikeluhkan Warga", K.RELATED),
        ("BACA JUGA : Jalan Desa Rusak Dikeluhkan Warga", K.RELATED),
        ("Lihat Juga: Jalan Desa Rusak Dikeluhkan Warga", K.RELATED),
        ("Pilihan Editor: Jalan Desa Rusak Dikeluhkan Warga", K.RELATED),
        ("ADVERTISEMENT", K.AD),
        ("Advertisement", K.AD),
        ("SCROLL TO CONTINUE WITH CONTENT", K.AD),
        ("[Gambas:Video Kabar]", K.AD),
        ("Foto: Dokumentasi Pemkab", K.PHOTO_CREDIT),
        ("Jalan yang rusak di Desa Sukaraja. Foto: Dok. Pemkab", K.CAPTION),
        ("(abc/def)", K.EDITOR),
        ("Editor: Maya Sari", K.EDITOR),
        ("Apa Kata Warga?", K.SUBHEADING),
        ("Perbaikan bertahap", K.SUBHEADING),
    ],
)
def test_lines_inside_an_article(line: str, kind: LineKind) -> None:
    assert around(line) == kind


def test_a_paragraph_that_mentions_boilerplate_words_stays_body() -> None:
    # pattern rules only apply to short lines: a real paragraph is never removed for a word
    assert (
        around(
            "Dinas kominfo meminta warga mengikuti informasi resmi di akun media sosial "
            "pemerintah daerah dan tidak mudah percaya pada kabar yang beredar di grup "
            "percakapan, termasuk yang disebarkan lewat Google News maupun aplikasi lain."
        )
        in TEXT_KINDS
    )


def test_page_structure_title_lead_and_repeats() -> None:
    texts = [
        "Beranda",
        "Berita",
        "Daerah",
        "Olahraga",
        "",
        "Jalan Desa Rusak Mulai Diperbaiki Pekan Ini",
        "",
        "Rabu, 3 Juli 2024 09:15 WIB",
        "Jalan Desa Rusak Mulai Diperbaiki Pekan Ini - Kabar Daerah News",
        "",
        PARAGRAPHS[0],
        "",
        PARAGRAPHS[1],
        "",
        PARAGRAPHS[2],
        "",
        PARAGRAPHS[1],
        "",
        "Bagikan:",
        "Tag: jalan, banjir, desa",
    ]
    got = kinds(texts)
    assert got[:4] == [K.MENU] * 4
    assert got[5] == K.TITLE
    assert got[7] == K.TIMESTAMP
    assert got[8] == K.DUPLICATE
    assert got[10] == K.LEAD
    assert got[12] == got[14] == K.BODY
    assert got[16] == K.DUPLICATE
    assert got[18] == K.SHARE
    assert got[19] == K.TAGS


def test_related_header_takes_the_next_title() -> None:
    texts = [PARAGRAPHS[0], "", "Artikel Selanjutnya", "", "Jalan Baru Dibuka untuk Umum", ""]
    got = kinds(texts)
    assert got[2] == got[4] == K.RELATED


def test_taxonomy_list_at_the_bottom_is_tags() -> None:
    texts = [PARAGRAPHS[0], "", PARAGRAPHS[1], "", "Topik Terkait", "", "Banjir", "", "Jalan"]
    assert kinds(texts)[4:] == [K.TAGS, K.BLANK, K.TAGS, K.BLANK, K.TAGS]


def test_every_line_gets_one_label() -> None:
    texts = ["", "x", PARAGRAPHS[0], "  ", "Baca juga: Sesuatu Yang Lain", "(ab)"]
    labels = classify_lines(texts)
    assert len(labels) == len(texts)
    assert all(reason for _, reason, _ in labels)


# --- bad input ---------------------------------------------------------------------------


def test_empty_input() -> None:
    assert classify_lines([]) == []
    assert kinds(["", "   ", "\t"]) == [K.BLANK] * 3


@pytest.mark.timeout(20)
def test_one_giant_line() -> None:
    giant = " ".join(PARAGRAPHS * 3000)  # ~1.3 MB in one line
    labels = classify_lines([giant])
    assert len(labels) == 1 and labels[0][0] in TEXT_KINDS


def test_binary_ish_text() -> None:
    texts = ["\x00\x01\x02\x03\x04\x05\x06\x07\x08" * 20, PARAGRAPHS[0], "\ufffd" * 50]
    got = kinds(texts)
    assert got[0] == K.UNKNOWN and got[2] == K.UNKNOWN
    assert got[1] in TEXT_KINDS


def test_another_script_keeps_its_paragraphs() -> None:
    texts = [
        "地方政府开始修复被洪水严重损坏的乡村道路，当地公共工程部门负责人表示工程将分阶段进行。",
        "",
        "村民希望政府沿着这条道路修建排水渠，以免每次下大雨时再次出现积水，影响农民运输收成。",
    ]
    got = kinds(texts)
    assert got[0] in TEXT_KINDS and got[2] in TEXT_KINDS


def test_a_page_with_no_article_text_is_flagged() -> None:
    article = Article(
        id="a",
        raw_id="a",
        origin="test",
        lines=[Line(index=i, text=t) for i, t in enumerate(["Beranda", "Kontak", "Redaksi"])],
    )
    clean_article(article)
    assert not article.text_lines
    assert any("no article text" in w for w in article.warnings)


def test_features_of_odd_lines() -> None:
    assert line_features("").blank
    assert line_features("\u200b\u200b").blank
    f = line_features("Satu  dua\ttiga.")
    assert f.text == "Satu dua tiga." and f.n_words == 3 and f.ends_sentence


def test_rule_tables_load_and_compile() -> None:
    rules = boilerplate_rules()
    assert len(rules) > 50
    assert {r.span for r in rules} <= {"line", "next", "run"}


# --- outlet templates --------------------------------------------------------------------

SLOGAN = "Kabar Lembah menemani pagi Anda sejak 1998"


def outlet_page(n: int) -> list[str]:
    return [
        "Jalan Desa Nomor " + str(n) + " Mulai Diperbaiki Pekan Ini",
        "",
        f"Paragraf pembuka nomor {n}: " + PARAGRAPHS[n % 3],
        "",
        PARAGRAPHS[(n + 1) % 3] + f" Catatan {n}.",
        "",
        SLOGAN,
    ]


def test_templates_learn_recurring_lines() -> None:
    templates = OutletTemplates(min_pages=4)
    for n in range(6):
        assert templates.add_page("Kabar Lembah", outlet_page(n))
    assert not templates.add_page("Kabar Lembah", outlet_page(0))  # same page again
    assert templates.pages["kabar lembah"] == 6
    assert templates.is_boilerplate("Kabar Lembah", SLOGAN)
    assert not templates.is_boilerplate("Kabar Lembah", PARAGRAPHS[0])
    assert not templates.is_boilerplate("Outlet Lain", SLOGAN)

    without = classify_lines(outlet_page(7))[6]
    with_templates = classify_lines(outlet_page(7), outlet="Kabar Lembah", templates=templates)[6]
    assert with_templates[1] == "template" and with_templates[0] not in TEXT_KINDS
    assert without[1] != "template"


def test_templates_need_enough_pages() -> None:
    templates = OutletTemplates(min_pages=5)
    for n in range(3):
        templates.add_page("Kabar Lembah", outlet_page(n))
    assert not templates.is_boilerplate("Kabar Lembah", SLOGAN)


def test_template_keys_fold_digits_and_punctuation() -> None:
    assert template_key("© 2023 Kabar Lembah.") == template_key("© 2024 Kabar Lembah")
    assert template_key("") is None
    assert template_key(" ".join(["kata"] * 60)) is None


def test_templates_round_trip_through_bytes_and_merge() -> None:
    a = OutletTemplates(min_pages=2)
    for n in range(3):
        a.add_page("Kabar Lembah", outlet_page(n))
    b = OutletTemplates.from_bytes(a.to_bytes(), min_pages=2)
    assert b.pages == a.pages and b.lines == a.lines
    c = OutletTemplates(min_pages=2)
    for n in range(3, 5):
        c.add_page("Kabar Lembah", outlet_page(n))
    b.merge(c)
    assert b.pages["kabar lembah"] == 5


def make_article(n: int, outlet: str = "Kabar Lembah") -> Article:
    lines = [Line(index=i, text=t) for i, t in enumerate(outlet_page(n))]
    return Article(id=f"a{n}", raw_id=f"r{n}", origin="test", outlet=outlet, lines=lines)


def test_templates_stage_saves_and_caches(tmp_store: object) -> None:
    ctx = StageContext(store=tmp_store)  # type: ignore[arg-type]
    articles = [make_article(n) for n in range(6)]
    out = templates_stage(articles, ctx)
    assert len(out) == 6 and all("templates" in a.stages for a in out)
    assert isinstance(ctx.cache["templates"], OutletTemplates)
    stored = load_templates(tmp_store)  # type: ignore[arg-type]
    assert stored.pages["kabar lembah"] == 6
    # the clean stage reads the cached templates
    article = clean_stage(make_article(9), ctx)
    assert article.lines[6].reason == "template"


# --- labels preset by another reader (HTML) --------------------------------------------


def test_combine_keeps_dom_labels_unless_the_text_rule_is_specific() -> None:
    preset = [
        (K.MENU, "outside-main", 0.7),
        (K.BODY, "main-container", 0.8),
        (K.BODY, "main-container", 0.8),
        (K.BODY, "main-container", 0.8),
    ]
    mine = [
        (K.TITLE, "title", 0.9),
        (K.BODY, "in-block", 0.9),
        (K.RELATED, "rule:baca-juga", 1.0),
        (K.UNKNOWN, "below-block", 0.5),
    ]
    out = combine_labels(preset, mine)
    assert out[0][0] == K.TITLE  # no title in the preset: the classifier's is taken
    assert out[1][0] == K.LEAD  # first body after the title
    assert out[2] == (K.RELATED, "rule:baca-juga", 1.0)
    assert out[3][0] == K.BODY


def test_clean_keeps_preset_labels_across_reruns() -> None:
    texts = ["Menu", PARAGRAPHS[0], "Baca juga: Lain Lagi di Sini", PARAGRAPHS[1]]
    lines = [
        Line(index=i, text=t, kind=k, reason=r)
        for i, (t, k, r) in enumerate(
            zip(
                texts,
                [K.MENU, K.BODY, K.BODY, K.BODY],
                ["outside-main", "main-container", "main-container", "main-container"],
                strict=True,
            )
        )
    ]
    article = Article(id="h", raw_id="h", origin="test", lines=lines, stages=["decode"])
    first = [ln.kind for ln in clean_stage(article, StageContext()).lines]
    again = [ln.kind for ln in clean_stage(article, StageContext()).lines]
    assert first == again == [K.MENU, K.LEAD, K.RELATED, K.BODY]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Tim Redaksi - detikNews", K.BYLINE),
        ("Oleh Rudi Hartono, Kompas.com", K.BYLINE),
        ("Kamis, 04 Juli 2024 - 21:29 WIB | Dibaca 1.234 kali", K.TIMESTAMP),
        ("Ilustrasi banjir. (Dok. Istimewa)", K.CAPTION),
        ("Ilustrasi jalan rusak", K.CAPTION),
        ("Penulis: Rudi Hartono | Editor: Maya Sari", K.BYLINE),
    ],
)
def test_lines_between_headline_and_text(line: str, kind: LineKind) -> None:
    texts = ["Beranda", "Daerah", "Nasional", "", "Jalan Desa Rusak Mulai Diperbaiki Pekan Ini"]
    texts += ["", line, "", PARAGRAPHS[0], "", PARAGRAPHS[1]]
    got = kinds(texts)
    assert got[4] == K.TITLE and got[6] == kind and got[8] == K.LEAD


def test_templates_never_take_the_headline_or_a_paragraph() -> None:
    # the pages of one multi-page article share their headline; an outlet may repeat a
    # background paragraph across stories: neither is template boilerplate
    templates = OutletTemplates(min_pages=4)
    for n in range(6):
        page = outlet_page(n)
        page[0] = "Jalan Desa Rusak Mulai Diperbaiki Pekan Ini"
        page[4] = PARAGRAPHS[2]
        templates.add_page("Kabar Lembah", page)
    page = outlet_page(8)
    page[0] = "Jalan Desa Rusak Mulai Diperbaiki Pekan Ini"
    page[4] = PARAGRAPHS[2]
    got = kinds(page, outlet="Kabar Lembah", templates=templates)
    assert got[0] == K.TITLE and got[4] in TEXT_KINDS and got[6] not in TEXT_KINDS
