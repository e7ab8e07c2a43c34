"""Multi-page articles: detection, ordering and merging, in a batch and with stored pages."""

from __future__ import annotations

from kabar.models import Article, Line, LineKind
from kabar.pipeline.clean import clean_article
from kabar.pipeline.metadata import extract_metadata
from kabar.pipeline.pages import merge_pages, pages_stage, title_page, url_page
from kabar.pipeline.registry import StageContext
from kabar.store.base import ArticleFilter

TITLE = "Gunung Sinabung Kembali Erupsi, Warga Diminta Menjauh"
PARTS = [
    "Karo, Kabar Lembah - Gunung Sinabung kembali erupsi pada Selasa pagi dan menyemburkan "
    "abu setinggi dua kilometer dari puncak, kata petugas pos pengamatan.",
    "Petugas meminta warga tidak beraktivitas dalam radius lima kilometer dari kawah karena "
    "guguran lava pijar masih terlihat pada malam hari.",
    "Pemerintah kabupaten menyiapkan tiga lokasi pengungsian dan dapur umum bagi warga dari "
    "desa-desa yang berada paling dekat dengan gunung.",
]


def part(n: int, *, url: str | None = None, pagination: str | None = None) -> Article:
    texts = [
        "Beranda",
        "Daerah",
        "Nasional",
        "",
        TITLE,
        "Selasa, 9 Juli 2024 08:10 WIB",
        "",
        PARTS[n - 1],
        "",
        pagination if pagination is not None else "Halaman 1 2 3",
        "",
        "© 2024 Kabar Lembah",
    ]
    article = Article(
        id=f"page{n}",
        raw_id=f"raw{n}",
        origin=f"batch/kabar-lembah-sinabung_p{n}.txt" if url is None else url,
        url=url,
        outlet="Kabar Lembah",
        lines=[Line(index=i, text=t) for i, t in enumerate(texts)],
    )
    return extract_metadata(clean_article(article))


def test_url_and_title_page_numbers() -> None:
    assert url_page("https://kabar.example/daerah/sinabung-erupsi?page=2") == (
        "kabar.example/daerah/sinabung-erupsi",
        2,
    )
    assert url_page("https://kabar.example/daerah/sinabung-erupsi/3") == (
        "kabar.example/daerah/sinabung-erupsi",
        3,
    )
    assert url_page("https://kabar.example/2024/07/09") is None
    assert title_page("Sinabung Erupsi (Halaman 2)") == ("Sinabung Erupsi", 2)
    assert title_page("Sinabung Erupsi Lagi") == ("Sinabung Erupsi Lagi", None)


def test_batch_pages_are_merged_in_order() -> None:
    pages = [part(3, pagination="Halaman 1 2 3"), part(1), part(2)]
    out = pages_stage(pages, StageContext())
    first = next(a for a in out if a.id == "page1")
    assert first.page_number == 1 and first.pages == ["raw2", "raw3"]
    body = first.body
    assert (
        body.index("Gunung Sinabung kembali")
        < body.index("Petugas meminta")
        < body.index("Pemerintah kabupaten")
    )
    follow = {a.id: a for a in out if a.merged_into}
    assert set(follow) == {"page2", "page3"}
    assert follow["page2"].page_number == 2 and follow["page3"].page_number == 3
    assert all(f"merged into {first.id}" in " ".join(a.warnings) for a in follow.values())
    # line indices stay unique; repeated headlines of follow-up pages are duplicates
    indices = [ln.index for ln in first.lines]
    assert len(indices) == len(set(indices))
    assert sum(ln.kind == LineKind.TITLE for ln in first.lines) == 1
    assert sum(ln.kind == LineKind.LEAD for ln in first.lines) == 1


def test_pages_by_url_without_names() -> None:
    base = "https://kabar.example/daerah/sinabung-erupsi"
    pages = [part(2, url=f"{base}?page=2"), part(1, url=base)]
    out = pages_stage(pages, StageContext())
    first = next(a for a in out if a.url == base)
    assert first.pages == ["raw2"]


def test_single_pages_and_identical_copies_are_left_alone() -> None:
    single = pages_stage([part(1)], StageContext())
    assert single[0].pages == [] and single[0].merged_into is None
    twice = pages_stage([part(1), part(1).model_copy(update={"id": "copy"})], StageContext())
    assert all(a.pages == [] and a.merged_into is None for a in twice)


def test_unpaginated_articles_with_one_title_are_not_merged() -> None:
    a, b = part(1, pagination=""), part(2, pagination="")
    out = pages_stage([a, b], StageContext())
    assert all(x.merged_into is None and not x.pages for x in out)


def test_merge_is_idempotent() -> None:
    first, second = part(1), part(2)
    merge_pages(first, [second])
    n = len(first.lines)
    merge_pages(first, [second])
    assert len(first.lines) == n and first.pages == ["raw2"]


def test_follow_up_page_merges_into_a_stored_first_page(tmp_store: object) -> None:
    store = tmp_store
    first = part(1)
    store.put_articles([first])  # type: ignore[attr-defined]
    out = pages_stage([part(2)], StageContext(store=store))  # type: ignore[arg-type]
    merged = next(a for a in out if a.id == "page1")
    assert merged.pages == ["raw2"]
    stored = store.get_article("page1")  # type: ignore[attr-defined]
    assert stored is not None and stored.pages == ["raw2"]
    assert next(a for a in out if a.id == "page2").merged_into == "page1"
    assert store.count_articles(ArticleFilter(outlet="Kabar Lembah")) >= 1  # type: ignore[attr-defined]
