"""One suite for every Store method, run against SQLite and a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kabar.models import (
    Article,
    Credit,
    Entity,
    Line,
    LineKind,
    Mention,
    Quote,
    QuoteKind,
    RawDocument,
    Rejection,
    Span,
    Story,
    Storyline,
    Timestamp,
)
from kabar.search import index_terms, make_snippet, query_terms, term_of
from kabar.store.base import ArticleFilter, QuoteFilter, Store
from store_backends import execute, make_store

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
NOW = datetime.now(UTC).replace(microsecond=0)

MALICIOUS = [
    "",
    "   ",
    '"',
    "'",
    'banjir" OR 1=1; DROP TABLE articles; --',
    "'; DELETE FROM articles WHERE '1'='1",
    "NEAR(banjir tol, 2)",
    "title:banjir AND body:*",
    "banjir*",
    "^banjir",
    "(((",
    "-banjir",
    "banjir OR",
    "a & b | !c <-> d:*",
    "%_\\",
    "\x00\x01\x02",
    "x" * 10_000,
    "banjir " * 2_000,
    "中文 العربية עברית",
    "\u202egnirts\u202c",
]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with make_store(request.param, tmp_path) as s:
        yield s


def raw(text: str, origin: str, *, url: str | None = None) -> RawDocument:
    content = text.encode("utf-8")
    return RawDocument(
        id=RawDocument.hash(content),
        content=content,
        origin=origin,
        url=url,
        outlet="Kabar Uji",
        fetched_at=NOW,
        meta={"k": "v"},
    )


RAWS: dict[str, RawDocument] = {}  # raw inputs of the articles built below, by raw id


def put(store: Store, articles: list[Article]) -> None:
    """Store articles with their raw inputs, as the pipeline does."""
    store.put_raw([RAWS[a.raw_id] for a in articles if a.raw_id in RAWS])
    store.put_articles(articles)


def entity(name: str, label: str = "PER", **kw: object) -> Entity:
    return Entity(id=Entity.make_id(label, name), name=name, label=label, **kw)  # type: ignore[arg-type]


RATNA = entity("Ratna Dewi", aliases=["Menlu Ratna"], roles=["Menteri Luar Negeri"])
PUPR = entity("Kementerian PUPR", "ORG", category="K/L")
MAMUJU = entity("Mamuju", "GPE")


def article(
    key: str,
    title: str,
    body: list[str],
    *,
    outlet: str = "Kabar Uji",
    published: datetime | None = NOW,
    language: str = "id",
    entities: list[Entity] | None = None,
    quotes: list[Quote] | None = None,
    story_id: str | None = None,
) -> Article:
    r = raw(title + "\n" + "\n".join(body), f"/uji/{key}.txt", url=f"https://uji.example/{key}")
    RAWS[r.id] = r
    lines = [Line(index=0, text=title, kind=LineKind.TITLE, reason="first line", score=1.0)]
    lines += [
        Line(index=i + 1, text=t, kind=LineKind.BODY, reason="prose", score=0.9)
        for i, t in enumerate(body)
    ]
    lines.append(Line(index=len(lines), text="Baca juga: menu", kind=LineKind.RELATED))
    mentions = []
    for e in entities or []:
        for ln in lines[1:]:
            at = ln.text.find(e.name)
            if at >= 0:
                mentions.append(
                    Mention(
                        text=e.name,
                        label=e.label,
                        span=Span(line=ln.index, start=at, end=at + len(e.name)),
                        entity_id=e.id,
                    )
                )
    return Article(
        id=Article.make_id(r.url, r.id),
        raw_id=r.id,
        origin=r.origin,
        url=r.url,
        outlet=outlet,
        fetched_at=published,
        lines=lines,
        title=title,
        published=Timestamp(value=published, original="uji") if published else None,
        authors=["Penulis Uji"],
        credits=[Credit(kind="wire", name="Antara")],
        language=language,
        mentions=mentions,
        entities=entities or [],
        quotes=quotes or [],
        story_id=story_id,
        stages=["clean", "metadata"],
    )


def quote(text: str, speaker: str | None, speaker_entity: Entity | None = None) -> Quote:
    return Quote(
        text=text,
        kind=QuoteKind.DIRECT,
        span=Span(line=1, start=0, end=len(text)),
        cue="ujarnya",
        speaker=speaker,
        speaker_entity_id=speaker_entity.id if speaker_entity else None,
        resolution="named" if speaker else "none",
        confidence=0.9,
    )


def corpus() -> list[Article]:
    """Four invented articles: two outlets, two languages, old and new, with entities."""
    return [
        article(
            "tol",
            "Tol Pesisir Mamuju Mulai Dibangun",
            [
                "Kementerian PUPR memulai pembangunan jalan tol di pesisir Mamuju pekan ini.",
                "Warga menyerukan agar ganti rugi lahan dibayar sebelum alat berat masuk.",
            ],
            outlet="Kabar Uji",
            published=NOW - timedelta(days=1),
            entities=[PUPR, MAMUJU],
            quotes=[quote("Ganti rugi harus tuntas dulu", "Ratna Dewi", RATNA)],
            story_id=None,
        ),
        article(
            "seruan",
            "Seruan Warga Soal Lahan Tol",
            ["Seruan warga Mamuju soal lahan tol dijawab Kementerian PUPR dengan janji."],
            outlet="Warta Uji",
            published=NOW - timedelta(days=400),
            entities=[PUPR, MAMUJU],
            quotes=[
                quote("Kami dengar suara warga", "Ratna Dewi", RATNA),
                quote("Lahan dibayar bulan depan", "Budi Santosa"),
            ],
        ),
        article(
            "flood",
            "Flood waters rise in Mamuju",
            ["Residents of Mamuju moved to higher ground as the river rose overnight."],
            outlet="Warta Uji",
            published=NOW - timedelta(days=3),
            language="en",
            entities=[MAMUJU],
        ),
        article(
            "nodate",
            "Harga Cabai Naik di Pasar",
            ["Pedagang pasar mengeluhkan harga cabai yang naik dua kali lipat."],
            outlet="Kabar Uji",
            published=None,
        ),
    ]


def by_key(articles: list[Article], key: str) -> Article:
    return next(a for a in articles if a.origin == f"/uji/{key}.txt")


# --- text helpers (backend-free) --------------------------------------------------------------


def test_index_terms_stem_fold_and_drop_stop_words() -> None:
    assert index_terms("Menyerukan") == index_terms("seruan") == "seru"
    assert index_terms("Café ŠKODA") == "cafe skoda"
    assert index_terms("yang dan di ke dari") == ""
    assert index_terms("anak-anak") == "anak"
    assert "balikpapan" in index_terms("Warga Balikpapan")


def test_query_terms_are_safe_words_only() -> None:
    assert query_terms('banjir" OR 1=1; DROP TABLE x; --') == ["banjir", "1", "drop", "table", "x"]
    assert query_terms("*^():\"'") == []
    assert len(query_terms("kata" + " kata".join(str(i) for i in range(5000)))) <= 16


def test_snippet_highlights_stem_family() -> None:
    text = "Pagi itu hujan.\nGubernur menyerukan warga waspada. Seruan kedua datang sore."
    snippet, spans = make_snippet(text, query_terms("seruan"))
    assert [snippet[a:b] for a, b in spans] == ["menyerukan", "Seruan"]
    assert "\n" not in snippet
    snippet, spans = make_snippet(text, ["tidakada"])
    assert snippet.startswith("Pagi") and spans == []


# --- lifecycle and raw inputs -----------------------------------------------------------------


def test_migrate_is_idempotent(store: Store) -> None:
    version = store.migrate()
    assert version >= 2
    assert store.migrate() == version


def test_raw_documents_idempotent_and_iterated(store: Store) -> None:
    docs = [raw("satu", "/a.txt"), raw("dua", "/b.txt"), raw("tiga", "/c.txt")]
    assert store.put_raw(docs) == [True, True, True]
    assert store.put_raw(docs[:2]) == [False, False]
    got = store.get_raw(docs[0].id)
    assert got is not None and got.content == b"satu" and got.meta == {"k": "v"}
    assert got.fetched_at == NOW and got.outlet == "Kabar Uji"
    assert store.get_raw("missing") is None
    assert [d.id for d in store.iter_raw(batch=2)] == [d.id for d in docs]
    a = article("x", "Judul", ["Isi berita."])
    a.raw_id = docs[0].id
    put(store, [a])
    store.put_rejections([Rejection(origin="/b.txt", reason="kosong", raw_id=docs[1].id)])
    assert [d.id for d in store.iter_raw(unprocessed=True)] == [docs[2].id]


def test_rejections_one_standing_per_raw(store: Store) -> None:
    store.put_rejections([Rejection(origin="/x", reason="first", raw_id="r1")])
    store.put_rejections([Rejection(origin="/x", reason="second", raw_id="r1")])
    store.put_rejections([Rejection(origin="/y", reason="no raw")])
    found = store.list_rejections()
    assert [(r.origin, r.reason) for r in found] == [("/y", "no raw"), ("/x", "second")]
    assert len(store.list_rejections(limit=1)) == 1
    # An article for the raw input clears its rejection.
    a = article("r", "Judul", ["Isi."])
    a.raw_id = "r1"
    put(store, [a])
    assert [r.origin for r in store.list_rejections()] == ["/y"]


def test_rejections_without_raw_replace_same_origin(store: Store) -> None:
    # Re-ingesting a corpus with an empty file must not pile up its rejection.
    for _ in range(3):
        store.put_rejections([Rejection(origin="/kosong.txt", reason="empty file")])
    store.put_rejections([Rejection(origin="/data.jsonl#3", reason="invalid JSON")])
    store.put_rejections([Rejection(origin="/kosong.txt", reason="still empty")])
    found = [(r.origin, r.reason) for r in store.list_rejections()]
    assert sorted(found) == [("/data.jsonl#3", "invalid JSON"), ("/kosong.txt", "still empty")]
    assert store.stats().rejections == 2


# --- articles ---------------------------------------------------------------------------------


def test_article_round_trip_with_everything(store: Store) -> None:
    arts = corpus()
    put(store, arts)
    a = by_key(arts, "tol")
    got = store.get_article(a.id)
    assert got is not None
    assert got.model_dump() == a.model_dump()
    assert [ln.kind for ln in got.lines][-1] == LineKind.RELATED and got.lines[-1].removed
    assert got.mentions and got.quotes[0].speaker == "Ratna Dewi"
    assert store.get_article("nope") is None
    ids = [arts[2].id, "nope", arts[0].id]
    assert [x.id for x in store.get_articles(ids)] == [arts[2].id, arts[0].id]
    assert store.get_articles([]) == []
    assert store.article_id_for_raw(a.raw_id) == a.id
    assert store.article_id_for_raw("nope") is None
    assert sorted(x.id for x in store.iter_articles(batch=3)) == sorted(x.id for x in arts)


def test_put_articles_replaces(store: Store) -> None:
    arts = corpus()
    put(store, arts)
    a = by_key(arts, "tol").model_copy(deep=True)
    a.title = "Judul Baru Tentang Jembatan"
    a.quotes = []
    put(store, [a])
    assert store.count_articles() == 4
    got = store.get_article(a.id)
    assert got is not None and got.title == "Judul Baru Tentang Jembatan"
    assert store.list_quotes(QuoteFilter(article_id=a.id)) == []
    assert [h.article_id for h in store.search("jembatan")] == [a.id]
    assert {h.title for h in store.search("pesisir")} == {"Judul Baru Tentang Jembatan"}
    assert store.check() == []


def test_list_filters_and_pagination(store: Store) -> None:
    arts = corpus()
    put(store, arts)

    def ids(**kw: object) -> list[str]:
        return [a.origin.split("/")[-1][:-4] for a in store.list_articles(ArticleFilter(**kw))]  # type: ignore[arg-type]

    assert ids() == ["tol", "flood", "seruan", "nodate"]  # newest first, undated last
    assert ids(outlet="warta uji") == ["flood", "seruan"]  # case-insensitive outlet
    assert ids(language="en") == ["flood"]
    assert ids(since=NOW - timedelta(days=10)) == ["tol", "flood"]
    assert ids(until=NOW - timedelta(days=10)) == ["seruan"]
    assert ids(entity_id=PUPR.id) == ["tol", "seruan"]
    assert ids(limit=2) == ["tol", "flood"]
    assert ids(limit=2, offset=2) == ["seruan", "nodate"]
    assert store.count_articles() == 4
    assert store.count_articles(ArticleFilter(outlet="Kabar Uji")) == 2
    assert store.count_articles(ArticleFilter(entity_id=MAMUJU.id, language="id")) == 2
    assert store.list_outlets() == [("Kabar Uji", 2), ("Warta Uji", 2)]


def test_delete_article(store: Store) -> None:
    arts = corpus()
    put(store, arts)
    gone = by_key(arts, "tol")
    store.delete_article(gone.id)
    assert store.get_article(gone.id) is None
    assert store.count_articles() == 3
    assert gone.id not in {h.article_id for h in store.search("tol")}
    assert store.list_quotes(QuoteFilter(article_id=gone.id)) == []
    store.delete_article("does-not-exist")
    assert store.check() == []


def test_merged_pages_are_not_listed_or_searched(store: Store) -> None:
    first = article("p1", "Gunung Siaga Tiga", ["Status gunung naik menjadi siaga."])
    second = article("p2", "Gunung Siaga Tiga (2)", ["Pengungsi vulkanik dipindahkan."])
    second.merged_into = first.id
    put(store, [first, second])
    assert [a.id for a in store.list_articles()] == [first.id]
    assert store.count_articles() == 1
    assert store.search("vulkanik") == []
    assert store.get_article(second.id) is not None
    assert store.check() == []


# --- search -----------------------------------------------------------------------------------


def test_search_stems_and_highlights(store: Store) -> None:
    arts = corpus()
    put(store, arts)
    hits = store.search("seruan")
    assert {h.article_id for h in hits} == {by_key(arts, "tol").id, by_key(arts, "seruan").id}
    for h in hits:
        marked = [h.snippet[a:b] for a, b in h.highlights]
        assert marked and all(term_of(m) == ("seru",) for m in marked)
        assert h.outlet and h.title and h.score > 0
    tol = next(h for h in hits if h.article_id == by_key(arts, "tol").id)
    assert "menyerukan" in [tol.snippet[a:b] for a, b in tol.highlights]
    assert tol.published is not None and tol.published.tzinfo is not None
    # Diacritics and case are folded on both sides.
    assert [h.article_id for h in store.search("CABAI")] == [by_key(arts, "nodate").id]
    assert [h.article_id for h in store.search("cábái")] == [by_key(arts, "nodate").id]
    # All terms are required.
    assert store.search("cabai tol") == []
    # Stop words alone find nothing, with stop words the content words still count.
    assert store.search("yang dan di") == []
    assert [h.article_id for h in store.search("di pasar yang")] == [by_key(arts, "nodate").id]


def test_search_title_and_recency_rank(store: Store) -> None:
    body = ["Pembahasan anggaran irigasi berlangsung lama di gedung dewan."]
    old = article("old", "Rapat Irigasi Sawah", body, published=NOW - timedelta(days=700))
    new = article("new", "Rapat Irigasi Sawah", body, published=NOW - timedelta(hours=2))
    in_body = article(
        "body", "Kabar Lain Hari Ini", ["Soal irigasi sempat disinggung singkat."], published=NOW
    )
    put(store, [old, in_body, new])
    hits = store.search("irigasi")
    assert [h.article_id for h in hits][:2] == [new.id, old.id]  # title match x recency
    assert hits[0].score > hits[1].score


def test_search_ranks_the_newest_matches_of_a_common_word(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A word in more articles than RANK_CANDIDATES: the newest matches are ranked."""
    module = "kabar.store.postgres" if store.url.startswith("postgres") else "kabar.store.sqlite"
    monkeypatch.setattr(f"{module}.RANK_CANDIDATES", 3)
    arts = [
        article(
            f"irigasi{i}",
            "Irigasi Sawah " + "Irigasi " * (8 - i),  # older ones say it more often
            [f"Saluran irigasi nomor {i} diperbaiki."],
            published=NOW - timedelta(days=30 - i),
        )
        for i in range(8)
    ]
    put(store, arts)  # ingest order = publication order
    for _ in range(2):  # the same answers with fresh planner statistics
        hits = store.search("irigasi")
        assert {h.article_id for h in hits} == {a.id for a in arts[-3:]}
        assert [h.article_id for h in store.search("nomor 2")] == [arts[2].id]  # rare: found
        store.optimize()


def test_search_filters(store: Store) -> None:
    arts = corpus()
    story = Story(id="s-tol", article_ids=[by_key(arts, "tol").id], title="Tol")
    put(store, arts)
    store.put_stories([story])

    def found(q: str, **kw: object) -> set[str]:
        return {h.article_id for h in store.search(q, ArticleFilter(**kw))}  # type: ignore[arg-type]

    both = {by_key(arts, "tol").id, by_key(arts, "seruan").id}
    assert found("mamuju lahan") == both
    assert found("mamuju", language="en") == {by_key(arts, "flood").id}
    assert found("lahan", outlet="WARTA UJI") == {by_key(arts, "seruan").id}
    assert found("lahan", since=NOW - timedelta(days=30)) == {by_key(arts, "tol").id}
    assert found("lahan", until=NOW - timedelta(days=30)) == {by_key(arts, "seruan").id}
    assert found("lahan", story_id="s-tol") == {by_key(arts, "tol").id}
    assert found("lahan", entity_id=PUPR.id) == both
    assert found("lahan", entity_id=RATNA.id) == set()
    assert len(store.search("mamuju", ArticleFilter(limit=1))) == 1
    assert len(store.search("mamuju", ArticleFilter(limit=2, offset=2))) == 1


@pytest.mark.parametrize("query", MALICIOUS)
def test_search_never_errors(store: Store, query: str) -> None:
    store.put_articles(corpus())
    hits = store.search(query)
    assert isinstance(hits, list)
    for evil in MALICIOUS[4:8]:  # the same strings through every filter
        flt = ArticleFilter(outlet=evil, language=evil, story_id=evil, entity_id=evil)
        assert store.search(query, flt) == []
        assert store.list_articles(flt) == []
        assert store.count_articles(flt) == 0
        assert store.list_quotes(QuoteFilter(speaker=evil, outlet=evil, query=evil)) == []
        assert store.list_entities(query=evil, label=evil) == []
        assert store.speaker_outlets(evil) == []
    assert store.count_articles() == 4  # nothing was dropped or deleted


# --- entities and quotes ----------------------------------------------------------------------


def test_entities_merge_and_count(store: Store) -> None:
    arts = corpus()
    put(store, arts)
    later = article(
        "more",
        "Mamuju Bersiap",
        ["Pemerintah Mamuju menyiapkan posko."],
        entities=[entity("Mamuju", "GPE", aliases=["Kota Mamuju"], category="Kota")],
    )
    put(store, [later])
    got = store.get_entity(MAMUJU.id)
    assert got is not None and got.aliases == ["Kota Mamuju"] and got.category == "Kota"
    assert store.get_entity("nope") is None
    ranked = store.list_entities()
    assert ranked[0][0].id == MAMUJU.id and ranked[0][1] == 4  # mentions over all articles
    assert [e.id for e, _ in store.list_entities(label="ORG")] == [PUPR.id]
    assert [e.id for e, _ in store.list_entities(query="kota mamuju")] == [MAMUJU.id]  # alias
    assert [e.id for e, _ in store.list_entities(query="pupr")] == [PUPR.id]
    assert len(store.list_entities(limit=1, offset=1)) == 1
    assert store.list_entities(query="100%_") == []
    mamuju_articles = store.entity_articles(MAMUJU.id)
    assert mamuju_articles[0] == later.id and len(mamuju_articles) == 4
    assert store.entity_articles(MAMUJU.id, limit=2) == mamuju_articles[:2]
    assert store.entity_articles("nope") == []


def test_quotes_filters_and_speaker_outlets(store: Store) -> None:
    arts = corpus()
    put(store, arts)
    store.put_stories([Story(id="s1", article_ids=[by_key(arts, "seruan").id])])
    everything = store.list_quotes()
    assert len(everything) == 3
    assert everything[0].article_id == by_key(arts, "tol").id  # newest article first
    assert everything[0].published is not None
    ratna = store.list_quotes(QuoteFilter(speaker="ratna"))
    assert {q.quote.text for q in ratna} == {
        "Ganti rugi harus tuntas dulu",
        "Kami dengar suara warga",
    }
    assert [q.quote.speaker for q in store.list_quotes(QuoteFilter(outlet="warta uji"))] == [
        "Ratna Dewi",
        "Budi Santosa",
    ]
    in_story = store.list_quotes(QuoteFilter(story_id="s1"))
    assert {q.story_id for q in in_story} == {"s1"} and len(in_story) == 2
    assert [q.quote.text for q in store.list_quotes(QuoteFilter(query="bulan dibayar"))] == [
        "Lahan dibayar bulan depan"
    ]
    assert len(store.list_quotes(QuoteFilter(limit=1, offset=2))) == 1
    rows = store.speaker_outlets()
    assert ("Ratna Dewi", "Kabar Uji", 1) in rows and ("Ratna Dewi", "Warta Uji", 1) in rows
    assert ("Budi Santosa", "Warta Uji", 1) in rows and len(rows) == 3
    assert store.speaker_outlets("budi") == [("Budi Santosa", "Warta Uji", 1)]


# --- stories and storylines -------------------------------------------------------------------


def test_stories_round_trip_and_assignment(store: Store) -> None:
    arts = corpus()
    put(store, arts)
    a, b = by_key(arts, "tol"), by_key(arts, "seruan")
    s1 = Story(
        id="s1",
        article_ids=[a.id, b.id],
        title="Tol Mamuju",
        summary=["Kalimat satu."],
        outlets=["Kabar Uji", "Warta Uji"],
        first_seen=NOW - timedelta(days=400),
        last_seen=NOW - timedelta(days=1),
        entities=["Mamuju"],
        storyline_id="l1",
    )
    s2 = Story(id="s2", article_ids=[by_key(arts, "flood").id], last_seen=NOW)
    s3 = Story(id="s3", article_ids=[], last_seen=NOW - timedelta(days=900))
    store.put_stories([s1, s2, s3])
    assert store.get_story("s1") == s1
    assert store.get_story("nope") is None
    assert [s.id for s in store.list_stories()] == ["s2", "s1", "s3"]
    assert [s.id for s in store.list_stories(since=NOW - timedelta(days=10))] == ["s2", "s1"]
    assert [s.id for s in store.list_stories(limit=1, offset=1)] == ["s1"]
    got = store.get_article(a.id)
    assert got is not None and got.story_id == "s1"
    assert {x.id for x in store.list_articles(ArticleFilter(story_id="s1"))} == {a.id, b.id}
    s1b = s1.model_copy(update={"title": "Tol Mamuju (baru)"})
    store.put_stories([s1b])
    assert store.get_story("s1") == s1b and len(store.list_stories()) == 3
    store.delete_stories(["s1", "nope"])
    assert store.get_story("s1") is None
    got = store.get_article(a.id)
    assert got is not None and got.story_id is None
    store.delete_stories([])
    assert store.check() == []


def test_storylines(store: Store) -> None:
    l1 = Storyline(id="l1", story_ids=["s1", "s2"], title="Tol", last_seen=NOW)
    l2 = Storyline(id="l2", story_ids=["s3"], last_seen=NOW - timedelta(days=5))
    store.put_storylines([l2, l1])
    assert [x.id for x in store.list_storylines()] == ["l1", "l2"]
    assert [x.id for x in store.list_storylines(limit=1, offset=1)] == ["l2"]
    assert store.get_storyline("l1") == l1
    assert store.get_storyline("nope") is None
    store.put_storylines([l1.model_copy(update={"story_ids": ["s1"]})])
    got = store.get_storyline("l1")
    assert got is not None and got.story_ids == ["s1"]


# --- state and postings -----------------------------------------------------------------------


def test_state(store: Store) -> None:
    store.put_state("ns", [("b", b"\x00\x01"), ("a", b"satu"), ("c", b"")])
    store.put_state("other", [("a", b"lain")])
    store.put_state("ns", [("a", b"baru")])
    assert store.get_state("ns", ["a", "b", "zz"]) == {"a": b"baru", "b": b"\x00\x01"}
    assert store.get_state("ns", []) == {}
    assert list(store.iter_state("ns")) == [("a", b"baru"), ("b", b"\x00\x01"), ("c", b"")]
    many = [(f"k{i:05d}", str(i).encode()) for i in range(2_500)]
    store.put_state("big", many)
    assert list(store.iter_state("big")) == many
    assert len(store.get_state("big", [k for k, _ in many])) == 2_500
    store.delete_state("ns", ["a", "nope"])
    assert [k for k, _ in store.iter_state("ns")] == ["b", "c"]
    store.delete_state("ns")
    assert list(store.iter_state("ns")) == []
    assert store.get_state("other", ["a"]) == {"a": b"lain"}


def test_postings(store: Store) -> None:
    store.add_postings("lsh", [("k1", "a1"), ("k1", "a2"), ("k2", "a1"), ("k1", "a1")])
    store.add_postings("lsh", [("k1", "a1")])
    store.add_postings("other", [("k1", "z")])
    got = store.get_postings("lsh", ["k1", "k2", "k3", "k1"])
    assert {k: sorted(v) for k, v in got.items()} == {"k1": ["a1", "a2"], "k2": ["a1"]}
    keys = [f"key{i}" for i in range(1_200)]
    store.add_postings("big", [(k, "a") for k in keys])
    assert len(store.get_postings("big", keys)) == 1_200
    store.delete_postings("lsh", ["a1"])
    assert store.get_postings("lsh", ["k1", "k2"]) == {"k1": ["a2"]}
    store.delete_postings("lsh")
    assert store.get_postings("lsh", ["k1"]) == {}
    assert store.get_postings("other", ["k1"]) == {"k1": ["z"]}


# --- housekeeping -----------------------------------------------------------------------------


def test_stats(store: Store) -> None:
    arts = corpus()
    store.put_raw([raw("satu", "/a.txt")])
    store.put_rejections([Rejection(origin="/x", reason="r")])
    put(store, arts)
    store.put_stories([Story(id="s1", article_ids=[arts[0].id])])
    store.put_storylines([Storyline(id="l1", story_ids=["s1"])])
    s = store.stats()
    assert (s.raw, s.articles, s.rejections, s.quotes, s.stories, s.storylines) == (
        5,
        4,
        1,
        3,
        1,
        1,
    )
    assert s.entities == 2


def test_check_finds_and_repairs_search_drift(store: Store) -> None:
    arts = corpus()
    put(store, arts)
    assert store.check() == []
    if store.url.startswith("sqlite"):
        execute(store, "DELETE FROM search_docs")
    else:
        execute(store, "UPDATE articles SET search = NULL")
    assert store.search("mamuju") == []
    problems = store.check()
    assert any("missing from the search index" in p for p in problems)
    assert store.check(repair=True)
    assert store.check() == []
    assert len(store.search("mamuju")) == 3


def test_check_repairs_dangling_story_links(store: Store) -> None:
    arts = corpus()
    put(store, arts)
    execute(store, f"UPDATE articles SET story_id = 'ghost' WHERE id = '{arts[0].id}'")
    assert any("missing stories" in p for p in store.check(repair=True))
    assert store.check() == []
    got = store.get_article(arts[0].id)
    assert got is not None and got.story_id is None


def test_sqlite_v1_database_is_indexed_on_upgrade(tmp_path: Path) -> None:
    """A store written before the stemmed index gets one when it is migrated."""
    import sqlite3

    from kabar.store.codec import migrations
    from kabar.store.sqlite import SQLiteStore

    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL);" + migrations("sqlite")[0][2]
    )
    db.execute("INSERT INTO schema_migrations VALUES (1, '001_init.sql', 'then')")
    a = by_key(corpus(), "tol")
    db.execute(
        "INSERT INTO articles (id, raw_id, origin, title, published, body, data, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?)",
        (a.id, a.raw_id, a.origin, a.title, "2024-01-01T00:00:00+00:00", a.body, "{}", "x"),
    )
    db.commit()
    db.close()
    store = SQLiteStore(path)
    try:
        assert store.migrate() >= 2
        assert [h.article_id for h in store.search("menyerukan")] == [a.id]
        assert store.search("mamuju")[0].snippet
    finally:
        store.close()
