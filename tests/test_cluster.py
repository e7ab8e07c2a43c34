"""Story clustering: metrics on hand cases, determinism, seeds and demo corpus grouping, bad input."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kabar.cluster.online import ClusterConfig, cluster_articles
from kabar.cluster.state import MemoryState
from kabar.cluster.stories import assign_stories
from kabar.eval.clustering import bcubed, scores
from kabar.models import Article, Line, LineKind, RawDocument, Timestamp
from kabar.pipeline.fingerprint import fingerprint_stage
from kabar.pipeline.registry import StageContext

T0 = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)

FLOOD = [
    "Banjir bandang merendam tiga desa di Kabupaten Lembah Hijau setelah hujan deras semalam.",
    "Badan Penanggulangan Bencana Daerah Lembah Hijau mengevakuasi 420 warga ke balai desa Sukamaju.",
    "Kepala BPBD Lembah Hijau Rudi Hartanto mengatakan sungai Cibaru meluap pada Senin dini hari.",
]
FESTIVAL = [
    "Festival kopi Nusantara di kota Pematang Raya menghadirkan 80 petani dari Gayo dan Toraja.",
    "Panitia festival menyebut penjualan biji kopi mencapai dua ton dalam dua hari pertama.",
    "Wali kota Pematang Raya Siti Rahmawati membuka festival dengan seduhan kopi Toraja.",
]


def make(
    aid: str, title: str, paragraphs: list[str], when: datetime | None = T0, outlet: str = "contoh"
) -> Article:
    lines = [Line(index=0, text=title, kind=LineKind.TITLE)]
    lines += [Line(index=i + 1, text=t, kind=LineKind.BODY) for i, t in enumerate(paragraphs)]
    stamp = Timestamp(value=when, original=when.isoformat()) if when else None
    return Article(
        id=aid,
        raw_id=aid,
        origin="test",
        title=title,
        lines=lines,
        published=stamp,
        outlet=outlet,
        language="id",
    )


def flood(i: int, when: datetime = T0) -> Article:
    paras = [FLOOD[(i + k) % 3] for k in range(3)]
    paras[0] = paras[0] + f" Laporan ke-{i} dari lokasi banjir Lembah Hijau."
    return make(f"flood{i}", f"Banjir bandang Lembah Hijau, BPBD evakuasi warga ({i})", paras, when)


def festival(i: int, when: datetime = T0) -> Article:
    paras = [FESTIVAL[(i + k) % 3] for k in range(3)]
    return make(f"fest{i}", f"Festival kopi Pematang Raya ramai petani ({i})", paras, when)


# --- metrics ---------------------------------------------------------------------------------
def test_bcubed_perfect_and_singletons() -> None:
    gold = ["a", "a", "b", "b"]
    assert bcubed(["x", "x", "y", "y"], gold) == (1.0, 1.0, 1.0)
    p, r, f = bcubed(["1", "2", "3", "4"], gold)
    assert p == 1.0 and r == 0.5 and f == pytest.approx(2 / 3)


def test_bcubed_all_in_one() -> None:
    p, r, _ = bcubed(["x"] * 4, ["a", "a", "a", "b"])
    # items of a: 3/4 precise each, b: 1/4 -> mean 10/16; recall is perfect
    assert p == pytest.approx((3 * 0.75 + 0.25) / 4) and r == 1.0


def test_ari_and_vmeasure_on_hand_case() -> None:
    perfect = scores(["x", "x", "y"], ["a", "a", "b"])
    assert perfect["ari"] == pytest.approx(1.0) and perfect["v_measure"] == pytest.approx(1.0)
    assert scores(["x", "y", "x", "y"], ["a", "a", "b", "b"])["ari"] < 0


# --- the clusterer ---------------------------------------------------------------------------
def test_two_events_two_stories() -> None:
    arts = [flood(0), festival(0), flood(1), festival(1), flood(2)]
    assign, _ = cluster_articles(arts)
    assert assign["flood0"] == assign["flood1"] == assign["flood2"]
    assert assign["fest0"] == assign["fest1"]
    assert assign["flood0"] != assign["fest0"]


def test_same_order_same_result() -> None:
    arts = [flood(0), festival(0), flood(1), festival(1), flood(2), festival(2)]
    first, _ = cluster_articles(arts)
    second, _ = cluster_articles([a.model_copy(deep=True) for a in arts])
    assert first == second


def test_time_window_separates_recurring_event() -> None:
    arts = [flood(0), flood(1), flood(2, T0 + timedelta(days=200))]
    assign, _ = cluster_articles(arts, config=ClusterConfig(window_days=14))
    assert assign["flood0"] == assign["flood1"] != assign["flood2"]


# --- bad input -------------------------------------------------------------------------------
def test_no_body_and_no_date_do_not_crash() -> None:
    empty = Article(id="empty", raw_id="empty", origin="test")
    undated = flood(5)
    undated.published = None
    cache: dict = {}
    arts = [fingerprint_stage(a, StageContext()) for a in (flood(0), empty, undated)]
    assign_stories(arts, None, cache)
    assert all(a.story_id for a in arts)
    assert arts[1].story_id != arts[0].story_id  # nothing to compare: a story of its own


def test_spam_burst_makes_no_runaway_story() -> None:
    cache: dict = {}
    ctx = StageContext()
    spam = [
        fingerprint_stage(
            make(
                f"spam{i}",
                "Promo pinjaman cepat cair tanpa agunan",
                [
                    "Pinjaman cepat cair hanya lima menit tanpa agunan dan tanpa survei ke rumah anda.",
                    f"Hubungi admin kami sekarang juga nomor {i % 7} untuk bunga rendah bulan ini.",
                ],
            ),
            ctx,
        )
        for i in range(1000)
    ]
    assign_stories(spam, None, cache)
    news = [fingerprint_stage(a, ctx) for a in (flood(0), flood(1), festival(0))]
    assign_stories(news, None, cache)
    spam_stories = {a.story_id for a in spam}
    assert len(spam_stories) <= 3
    assert not spam_stories & {a.story_id for a in news}
    assert news[0].story_id == news[1].story_id != news[2].story_id
    # copies join as duplicates: they do not move the story's centroid
    from kabar.cluster.online import OnlineClusterer

    backend = cache["kabar.cluster.state"]
    story = OnlineClusterer(backend)._story(spam[0].story_id)
    assert story is not None and story.weight < 50


def test_edited_reingest_keeps_its_story() -> None:
    cache: dict = {}
    ctx = StageContext()
    arts = [fingerprint_stage(a, ctx) for a in (flood(0), flood(1), festival(0))]
    assign_stories(arts, None, cache)
    before = arts[0].story_id
    edited = flood(0)
    edited.lines[1].text += " Pembaruan: jumlah pengungsi bertambah menjadi 510 orang."
    edited = fingerprint_stage(edited, ctx)
    assign_stories([edited], None, cache)
    assert edited.story_id == before
    stories = cache["kabar.stories"]
    assert sum(1 for s in stories.values() if "flood0" in s.article_ids) == 1
    # a singleton re-ingested keeps its story id too
    lone = fingerprint_stage(festival(0), ctx)
    lone.lines[1].text += " Panitia menambah satu hari."
    assign_stories([lone], None, cache)
    assert lone.story_id == arts[2].story_id


def test_store_backend_roundtrip(tmp_store: object) -> None:
    ctx = StageContext(store=tmp_store)  # type: ignore[arg-type]
    arts = [fingerprint_stage(a, ctx) for a in (flood(0), festival(0))]
    assign_stories(arts, tmp_store, {})
    later = [fingerprint_stage(a, ctx) for a in (flood(1), festival(1))]
    assign_stories(later, tmp_store, {})
    assert later[0].story_id == arts[0].story_id and later[1].story_id == arts[1].story_id
    story = tmp_store.get_story(arts[0].story_id)  # type: ignore[attr-defined]
    assert story is not None and set(story.article_ids) == {"flood0", "flood1"}


def test_memory_state_matches_store_semantics() -> None:
    mem = MemoryState()
    mem.add_postings("x", [("k", "a"), ("k", "a"), ("k", "b")])
    assert mem.get_postings("x", ["k"]) == {"k": ["a", "b"]}
    mem.delete_postings("x", ["a"])
    assert mem.get_postings("x", ["k"]) == {"k": ["b"]}


# --- real pages through the whole pipeline ---------------------------------------------------
def _run_pipeline(store: object, raws: list[RawDocument]) -> None:
    from kabar.pipeline.runner import Pipeline

    store.put_raw(raws)  # type: ignore[attr-defined]
    with Pipeline(store) as pipeline:  # type: ignore[arg-type]
        pipeline.run_raw(raws)


def test_seed_pages_grouping(seeds_dir: Path, tmp_store: object) -> None:
    raws = []
    for path in sorted(seeds_dir.glob("*.txt")):
        content = path.read_bytes()
        raws.append(RawDocument(id=RawDocument.hash(content), content=content, origin=str(path)))
    _run_pipeline(tmp_store, raws)
    by_file = {Path(a.origin).name[:3]: a for a in tmp_store.list_articles()}  # type: ignore[attr-defined]
    story = {k: a.story_id for k, a in by_file.items()}
    # 000, 001, 004: the January visit to Japan and Korea; 003: the May report on an office;
    # 002: the July summit preview. Three stories, one storyline.
    assert story["000"] == story["001"] == story["004"]
    assert len({story["000"], story["002"], story["003"]}) == 3
    lines = {tmp_store.get_story(s).storyline_id for s in set(story.values())}  # type: ignore[attr-defined]
    assert len(lines) == 1 and None not in lines


def test_demo_corpus_grouping(demo_dir: Path, tmp_store: object) -> None:
    gold_path = demo_dir / "stories.json"
    if not gold_path.is_file():
        pytest.skip("demo corpus stories.json is absent")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))["stories"]
    from kabar.ingest import read_sources

    raws = [r for r in read_sources([demo_dir]) if isinstance(r, RawDocument)]
    _run_pipeline(tmp_store, raws)
    want: dict[str, str] = {}
    for sid, entry in gold.items():
        for name in entry["files"]:
            want[name] = sid
    got: dict[str, set[str]] = defaultdict(set)
    for a in tmp_store.iter_articles():  # type: ignore[attr-defined]
        if getattr(a, "merged_into", None) is not None:
            continue
        name = Path(a.origin.split("#")[0]).name + (
            "#" + a.origin.split("#")[1] if "#" in a.origin else ""
        )
        if name in want:
            got[want[name]].add(a.story_id or "")
    pred_to_gold: dict[str, set[str]] = defaultdict(set)
    for gsid, preds in got.items():
        for p in preds:
            pred_to_gold[p].add(gsid)
    split = {g: sorted(p) for g, p in got.items() if len(p) > 1}
    merged = {p: sorted(g) for p, g in pred_to_gold.items() if len(g) > 1}
    assert not split and not merged, f"split: {split}; merged: {merged}"


# --- two similar events without timestamps: the dates in the text tell them apart -----------
BOUT_2011 = [
    "Juara tinju kelas berat Arkan Dewa mempertahankan sabuk gelarnya atas penantang Bima Sakti.",
    "Pertarungan di Gelora Timur pada Sabtu, 12 Maret 2011 dihentikan wasit pada ronde ketujuh.",
    "Pelatih Arkan Dewa menyebut pukulan kiri ke rusuk sebagai kunci kemenangan tahun 2011 itu.",
]
BOUT_2014 = [
    "Juara tinju kelas berat Arkan Dewa mempertahankan sabuk gelarnya atas penantang Candra Wulan.",
    "Pertarungan di Arena Selatan pada Minggu, 8 Juni 2014 dihentikan wasit pada ronde keenam.",
    "Pelatih Arkan Dewa menyebut pukulan kanan ke dagu sebagai kunci kemenangan tahun 2014 itu.",
]


def bout(year: int, i: int) -> Article:
    paras = BOUT_2011 if year == 2011 else BOUT_2014
    paras = [paras[(i + k) % 3] for k in range(3)]
    return make(f"bout{year}-{i}", f"Arkan Dewa pertahankan sabuk kelas berat ({i})", paras, None)


def test_time_terms_years_months_weekdays() -> None:
    from kabar.cluster.represent import time_terms

    terms = time_terms("Headline\nPublished: Saturday, 7 July 2012\nLead.\nThey may march in May.")
    assert terms["2012"] == 3 and terms["m07"] == 3 and terms["d5"] == 3  # lead lines count 3x
    assert terms["m05"] == 1  # "May" is a month, "may" and "march" are not
    assert "m03" not in terms


def test_undated_similar_events_in_different_years_are_two_stories() -> None:
    # Same boxer, same words, no timestamps: only the years, months and weekdays differ.
    arts = [bout(year, i) for i in range(6) for year in (2011, 2014)]
    assign, _ = cluster_articles(arts)
    for year in (2011, 2014):
        assert len({assign[f"bout{year}-{i}"] for i in range(6)}) == 1
    assert assign["bout2011-0"] != assign["bout2014-0"]


def test_weak_but_clear_evidence_joins_an_established_story() -> None:
    from kabar.cluster.online import OnlineClusterer
    from kabar.cluster.represent import unit

    def story_member(i: int) -> dict[str, float]:
        return unit({"w:flood": 1.0, "w:river": 1.0, "e:jakarta": 1.0, f"w:x{i}": 0.5})

    # A long background piece: most of its weight on words no report shares.
    weak = unit({"w:flood": 1.0, **{f"w:bg{i}": 1.0 for i in range(6)}})
    for ratio, joined in ((2.0, True), (None, False)):
        c = OnlineClusterer(MemoryState(), ClusterConfig(weak_ratio=ratio))
        first = {c.place(f"a{i}", story_member(i), None) for i in range(3)}
        assert len(first) == 1
        assert (c.place("bg", weak, None) in first) is joined
    # A second story it fits almost as well: ambiguous, so it starts its own story.
    c = OnlineClusterer(MemoryState(), ClusterConfig())
    first, other = set(), set()
    for i in range(3):
        first.add(c.place(f"a{i}", story_member(i), None))
        rival = {"w:flood": 0.5, "w:dam": 1.0, "e:bogor": 1.0, f"w:y{i}": 0.5}
        other.add(c.place(f"b{i}", unit(rival), None))
    assert len(first) == len(other) == 1 and first != other
    between = unit({"w:flood": 1.0, "w:dam": 0.2, **{f"w:bg{i}": 1.0 for i in range(6)}})
    assert c.place("bg", between, None) not in first | other


# --- a date named only in passing, split margins, English pages of Indonesian stories -------
def test_passing_time_mentions_count_a_third() -> None:
    from kabar.cluster.online import time_agreement
    from kabar.cluster.represent import Features, passing_kinds, time_terms

    # 2012 in the dateline (3x) and the weekday twice: the event's; 1998 once deep in the body.
    text = "Headline\nPublished: Saturday, 7 July 2012\nLead.\nBody.\nAs in 1998, on Saturday."
    feats = Features({"y": time_terms(text)})
    assert passing_kinds(feats) == ""
    background = Features({"y": time_terms("Headline\nLead.\nBody.\nHe first won in 1998.")})
    assert passing_kinds(background) == "y"
    # The penalty for another year than the story's shrinks by the weight given.
    vec, story = {"y:1998": 1.0}, {"y:2012": 1.0}
    scale = {"y": 0.3}
    full = time_agreement(vec, story, scale)
    assert full == pytest.approx(-0.15)
    assert time_agreement(vec, story, scale, "y", 1 / 3) == pytest.approx(full / 3)
    assert time_agreement(vec, story, scale, "m", 1 / 3) == pytest.approx(full)


def test_doc_state_keeps_passing_kinds() -> None:
    from kabar.cluster.online import DocState

    doc = DocState("s1", {"w:a": 1.0}, None, False, "ym")
    assert DocState.from_bytes(doc.to_bytes()).passing == "ym"
    assert DocState.from_bytes(DocState("s1", {}, None).to_bytes()).passing == ""


def test_split_margin_tells_two_events_from_two_halves_of_one() -> None:
    from kabar.cluster.online import OnlineClusterer, _add
    from kabar.cluster.represent import unit

    def group(prefix: str, words: list[str], n: int) -> list[tuple[str, dict[str, float]]]:
        return [
            (f"{prefix}{i}", unit({**{f"w:{w}": 1.0 for w in words}, f"w:{prefix}{i}": 0.7}))
            for i in range(n)
        ]

    def margin(vectors: list[tuple[str, dict[str, float]]], split: int) -> float:
        groups = ([a for a, _ in vectors[:split]], [a for a, _ in vectors[split:]])
        sums: tuple[dict[str, float], dict[str, float]] = ({}, {})
        for i, (_, vec) in enumerate(vectors):
            _add(sums[0] if i < split else sums[1], vec)
        return OnlineClusterer._margin(vectors, groups, sums)

    shared = ["arrest", "drunk", "driving", "team"]
    two_events = group("a", [*shared, "jackson"], 4) + group("b", [*shared, "williams"], 4)
    one_event = group("c", [*shared, "jackson"], 8)
    assert margin(two_events, 4) >= ClusterConfig().split_margin
    assert margin(one_event, 4) < ClusterConfig().split_margin


def test_english_page_bridges_to_its_indonesian_story() -> None:
    from kabar.cluster.represent import DocFreq, bridge, dot, extract, news_terms, weigh

    assert "tol" in news_terms()["toll"] and "barat" in news_terms()["west"]
    english = make(
        "en",
        "Toll road opens in West Sulawesi",
        [
            "The first toll road section in West Sulawesi opened to vehicles on Tuesday.",
            "The public works minister said the road would cut travel time for farmers.",
        ],
    )
    english.language = "en"
    toll = make(
        "id-tol",
        "Jalan tol pertama di Sulawesi Barat diresmikan",
        [
            "Seksi pertama jalan tol di Sulawesi Barat resmi beroperasi untuk kendaraan.",
            "Menteri pekerjaan umum menyebut jalan itu memangkas waktu tempuh petani.",
        ],
    )
    other = flood(0)
    df = DocFreq()
    for a in (english, toll, other):
        df.add(extract(a))
    en, tol, banjir = (weigh(extract(a), df) for a in (english, toll, other))
    plain = dot(en, tol)  # only "Sulawesi" is shared
    across = dot(bridge(en, True), bridge(tol, False))
    assert across >= ClusterConfig().cross_language_threshold > plain
    assert dot(bridge(en, True), bridge(banjir, False)) < 0.1


def test_placed_tells_story_and_vector() -> None:
    from kabar.cluster.online import OnlineClusterer

    c = OnlineClusterer(MemoryState(), ClusterConfig())
    vec = {"w:flood": 0.8, "e:jakarta": 0.6}
    sid = c.place("a1", vec, None)
    placed = c.placed("a1")
    assert placed is not None and placed.story_id == sid and placed.vector == vec
    assert c.placed("never") is None
