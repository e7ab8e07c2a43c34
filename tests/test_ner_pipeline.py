"""The entities and canonical stages: team-written sentences, bad input, the seed pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from kabar.models import Article, Line, LineKind
from kabar.ner.canonical import categorise
from kabar.ner.lexicon import gazetteer
from kabar.ner.tagger import default_tagger, tag_text
from kabar.ner.tokenize import split_sentences, tokenize
from kabar.pipeline.entities import canonical, entities, link_across
from kabar.pipeline.registry import StageContext, load_stages

needs_model = pytest.mark.skipif(default_tagger() is None, reason="NER model not trained")


def make_article(texts: list[str], title: str | None = None, ident: str = "a1") -> Article:
    lines = []
    if title is not None:
        lines.append(Line(index=0, text=title, kind=LineKind.TITLE))
    for text in texts:
        lines.append(Line(index=len(lines), text=text, kind=LineKind.BODY))
    return Article(id=ident, raw_id=ident, origin=f"test:{ident}", lines=lines)


def run_entities(article: Article) -> Article:
    return entities(article, StageContext())


def by_name(article: Article) -> dict[str, object]:
    return {e.name: e for e in article.entities}


# --- pieces ------------------------------------------------------------------------------------
def test_tokenizer_offsets_point_into_the_text() -> None:
    text = "Wali Kota Bima, Dewi Larasati, meresmikan pasar (12/3/2024) di Indo-Barat."
    for tok, start, end in tokenize(text):
        assert text[start:end] == tok
    words = [t for t, _, _ in tokenize(text)]
    assert "12/3/2024" in words and "Indo-Barat" in words and "," in words


def test_sentence_split_is_bounded() -> None:
    toks = tokenize(" ".join(["kata"] * 1000))
    spans = split_sentences(toks, max_len=120)
    assert all(e - s <= 120 for s, e in spans)
    assert spans[-1][1] == 1000


def test_gazetteer_knows_aliases_and_metonyms() -> None:
    gaz = gazetteer()
    assert gaz.lookup("Korsel").name == "Korea Selatan"
    assert gaz.lookup("Korut").name == "Korea Utara"
    assert gaz.lookup("Negeri Paman Sam").name == "Amerika Serikat"
    assert gaz.lookup("RRT").name == "Tiongkok"
    assert gaz.lookup("Negeri Tirai Bambu").name == "Tiongkok"
    assert gaz.lookup("Negeri Ginseng").name == "Korea Selatan"
    assert gaz.lookup("PBB").name == "Perserikatan Bangsa-Bangsa"
    assert gaz.lookup("Kemenlu").category == "K/L"
    assert gaz.lookup("Gerindra").category == "Partai"
    assert gaz.lookup("Kremlin").metonym_of == "Rusia"
    assert gaz.lookup("Gedung Putih").metonym_of == "Amerika Serikat"
    assert gaz.lookup("Jawa Barat").category == "Provinsi"


def test_categories_from_head_words() -> None:
    assert categorise("Partai Bulan Sabit", "ORG", None) == "Partai"
    assert categorise("PT Sinar Kelapa Tbk", "ORG", None) == "Perusahaan"
    assert categorise("Universitas Lembah Hijau", "ORG", None) == "Institusi"
    assert categorise("Kabupaten Tanah Merah", "LOC", None) == "Kab/Kota"
    assert categorise("Dewi Larasati", "PER", None) == "Tokoh"
    assert categorise("Festival Danau Biru", "EVT", None) == "Event"
    assert categorise("Sesuatu", "ORG", None) == "unknown"


def test_stages_are_registered_with_their_contract() -> None:
    stages = load_stages()
    assert stages["entities"].requires == ("kinds",)
    assert stages["entities"].provides == ("entities",)
    assert stages["entities"].scope == "article"
    assert stages["canonical"].requires == ("entities",)
    assert stages["canonical"].scope == "corpus"


# --- team-written sentences --------------------------------------------------------------------
@needs_model
def test_people_roles_and_countries_in_our_own_sentences() -> None:
    article = run_entities(
        make_article(
            [
                "Menteri Luar Negeri Ratna Wulandari bertemu Perdana Menteri Jepang Hiroshi Tanabe"
                " di Tokyo pada Senin.",
                "Wulandari mengatakan Indonesia dan Korsel sepakat memperluas kerja sama dagang.",
                "Tanabe menambahkan bahwa Beijing menolak usulan itu.",
            ]
        )
    )
    names = by_name(article)
    assert "Ratna Wulandari" in names and "Hiroshi Tanabe" in names
    assert "Wulandari" in names["Ratna Wulandari"].aliases
    assert "Tanabe" in names["Hiroshi Tanabe"].aliases
    assert any("Perdana Menteri" in r for r in names["Hiroshi Tanabe"].roles)
    assert names["Korea Selatan"].label == "GPE" and "Korsel" in names["Korea Selatan"].aliases
    assert names["Korea Selatan"].category == "Negara"
    assert names["Ratna Wulandari"].category == "Tokoh"
    # "di Tokyo" is the place; "Beijing menolak" stands for the state.
    tokyo = [m for m in article.mentions if m.text == "Tokyo"]
    beijing = [m for m in article.mentions if m.text == "Beijing"]
    assert tokyo and not tokyo[0].metonym
    assert beijing and beijing[0].metonym
    assert names["Beijing"].metonym_of == "Tiongkok"


@needs_model
def test_mention_spans_point_into_their_lines() -> None:
    article = run_entities(
        make_article(
            [
                "Gubernur Sulawesi Barat, Andi Mappasela, meninjau banjir di Kabupaten Mamuju.",
                "Badan Nasional Penanggulangan Bencana (BNPB) mengirim bantuan.",
            ],
            title="Banjir Rendam Mamuju",
        )
    )
    lines = {ln.index: ln.text for ln in article.lines}
    assert article.mentions
    for m in article.mentions:
        assert lines[m.span.line][m.span.start : m.span.end] == m.text
        assert m.entity_id in {e.id for e in article.entities}
    names = by_name(article)
    assert "Badan Nasional Penanggulangan Bencana" in names
    assert names["Badan Nasional Penanggulangan Bencana"].category == "K/L"
    assert "BNPB" in names["Badan Nasional Penanggulangan Bencana"].aliases


@needs_model
def test_misspelt_names_link_by_similarity() -> None:
    article = run_entities(
        make_article(
            [
                "Ketua Komisi Yudisial Hendrawan Sulistyo menerima laporan warga di kantornya.",
                "Hendrawan Sulistyo menyebut laporan itu sedang diperiksa.",
                "Menurut Hendrawan Sulistio, hasil pemeriksaan diumumkan pekan depan.",
            ]
        )
    )
    people = [e for e in article.entities if e.label == "PER"]
    hendrawan = [e for e in people if e.name.startswith("Hendrawan")]
    assert len(hendrawan) == 1
    assert hendrawan[0].name == "Hendrawan Sulistyo"  # the more frequent spelling
    assert "Hendrawan Sulistio" in hendrawan[0].aliases
    assert any("Komisi Yudisial" in r for r in hendrawan[0].roles)


# --- bad input ---------------------------------------------------------------------------------
def test_empty_and_blank_articles() -> None:
    article = run_entities(Article(id="e", raw_id="e", origin="test:e"))
    assert article.mentions == [] and article.entities == []
    article = run_entities(make_article(["", "   ", "\t"]))
    assert article.entities == []
    assert tag_text("") == []


@needs_model
def test_other_scripts_do_not_crash() -> None:
    article = run_entities(
        make_article(
            [
                "Путин встретился с президентом в Москве.",
                "习近平在北京会见了来访的总统。",
                "وصل الرئيس إلى القاهرة يوم الأحد",
                "🙂🙂 ### --- ???",
            ]
        )
    )
    assert isinstance(article.entities, list)


@needs_model
def test_all_caps_headline() -> None:
    article = run_entities(
        make_article(
            ["Presiden Jepang dan Korsel bertemu di Seoul untuk membahas dagang."],
            title="PRESIDEN KORSEL SAMBUT TAMU DARI JEPANG DI SEOUL",
        )
    )
    title_mentions = [m for m in article.mentions if m.span.line == 0]
    assert {m.text for m in title_mentions} >= {"KORSEL", "JEPANG", "SEOUL"}


@needs_model
def test_a_100k_token_page_finishes() -> None:
    words = [
        "Ketua",
        "Dewi",
        "Larasati",
        "dari",
        "Bima",
        "berkata",
        "bahwa",
        "warga",
        "Kota",
        "Bima",
        "senang",
        ".",
    ]
    long_line = " ".join(words * (100_000 // len(words)))
    article = make_article([long_line, *([" ".join(words)] * 200)])
    article = run_entities(article)  # linear work: tagged sentence by sentence, spans by token
    assert len(article.mentions) > 10_000
    lines = {ln.index: ln.text for ln in article.lines}
    assert all(lines[m.span.line][m.span.start : m.span.end] == m.text for m in article.mentions)


# --- across articles -----------------------------------------------------------------------------
@needs_model
def test_surname_in_a_later_article_links_to_the_full_name(tmp_store: object) -> None:
    first = run_entities(
        make_article(
            ["Menteri Perdagangan Sulastri Handayani meresmikan pelabuhan baru di Ambon."],
            ident="x1",
        )
    )
    second = run_entities(
        make_article(["Handayani mengatakan ekspor ikan akan naik tahun ini."], ident="x2")
    )
    full_id = by_name(first)["Sulastri Handayani"].id
    canonical([first], StageContext(store=tmp_store))
    canonical([second], StageContext(store=tmp_store))
    assert by_name(second)["Sulastri Handayani"].id == full_id
    assert all(m.entity_id == full_id for m in second.mentions if m.text == "Handayani")


@needs_model
def test_linking_within_a_batch_without_store() -> None:
    later = run_entities(make_article(["Handayani tiba di Kupang."], ident="y1"))
    full = run_entities(
        make_article(["Menteri Sulastri Handayani tiba di Kupang kemarin."], ident="y2")
    )
    link_across([later, full], None)
    assert by_name(later).get("Sulastri Handayani") is not None


# --- the seed pages --------------------------------------------------------------------------------
def seed_article(path: Path) -> Article:
    """Label the seed lines crudely (long lines are text) and run the entities stage."""
    lines = []
    for i, text in enumerate(path.read_text(encoding="utf-8").splitlines()):
        kind = LineKind.BODY if len(text.split()) >= 8 else LineKind.UNKNOWN
        lines.append(Line(index=i, text=text, kind=kind))
    return run_entities(Article(id=path.stem, raw_id=path.stem, origin=str(path), lines=lines))


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> dict[str, Article]:
    if default_tagger() is None:
        pytest.skip("NER model not trained")
    return {p.name[:3]: seed_article(p) for p in sorted(seeds_dir.glob("*.txt"))}


def test_seed_people_are_canonical(seeds: dict[str, Article]) -> None:
    for key in ("000", "001", "003", "004"):
        names = by_name(seeds[key])
        assert "Jens Stoltenberg" in names, key
        assert names["Jens Stoltenberg"].label == "PER"
    assert "Stoltenberg" in by_name(seeds["000"])["Jens Stoltenberg"].aliases
    for key in ("000", "002"):
        kishida = by_name(seeds[key])["Fumio Kishida"]
        assert "Kishida" in kishida.aliases
        assert any("Perdana Menteri" in r for r in kishida.roles)
    assert any("NATO" in r for r in by_name(seeds["004"])["Jens Stoltenberg"].roles)
    assert "Vladimir Putin" in by_name(seeds["002"])


def test_seed_aliases_resolve(seeds: dict[str, Article]) -> None:
    cnbc = by_name(seeds["004"])
    assert "Korsel" in cnbc["Korea Selatan"].aliases
    assert "Korut" in cnbc["Korea Utara"].aliases
    assert cnbc["Korea Selatan"].category == "Negara"
    assert "Kim Jong Un" in cnbc
    assert "Kim Jon Un" in cnbc["Kim Jong Un"].aliases
    medcom = by_name(seeds["001"])
    assert "Negeri Sakura" in medcom["Jepang"].aliases
    jpnn = by_name(seeds["003"])
    assert jpnn["NATO"].label == "ORG" and jpnn["NATO"].category == "Organisasi"
    assert "PBB" in jpnn["Perserikatan Bangsa-Bangsa"].aliases
    rt = by_name(seeds["002"])
    assert rt["Moskow"].metonym_of == "Rusia"
    assert rt["Pyongyang"].metonym_of == "Korea Utara"


def test_seed_organisations_and_countries(seeds: dict[str, Article]) -> None:
    for article in seeds.values():
        names = by_name(article)
        assert names["NATO"].label == "ORG"
        assert names["Jepang"].label == "GPE"
        assert names["Rusia"].label == "GPE" or names["Rusia"].metonym_of is None


def test_seed_pages_link_across_articles(seeds: dict[str, Article], tmp_store: object) -> None:
    articles = [a.model_copy(deep=True) for a in seeds.values()]
    canonical(articles, StageContext(store=tmp_store))
    ids = {e.id for a in articles for e in a.entities if e.name == "Jens Stoltenberg"}
    assert len(ids) == 1


def test_one_surface_one_label_with_locative_weight() -> None:
    from kabar.ner.canonical import Found, _harmonise_labels

    texts = {0: "Talamaya: pejabat tiba.", 1: "Rapat digelar di Talamaya kemarin."}
    found = [
        Found(0, 0, 8, "Talamaya", "PER", 0.6, "crf"),
        Found(1, 17, 25, "Talamaya", "LOC", 0.9, "crf"),
    ]
    _harmonise_labels(found, texts)
    assert [f.label for f in found] == ["LOC", "LOC"]
