"""Syndication and text reuse: a wire copy is found, aligned and given a direction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kabar.cluster.reuse import (
    MAX_BUCKET,
    PARA_NS,
    SKETCH_NS,
    align,
    decode_sketch,
    encode_sketch,
    find_reuse,
    reuse_for,
    sketch,
)
from kabar.cluster.state import MemoryState
from kabar.models import Article, Credit, Line, LineKind, Timestamp

WIRE = [
    "Pemerintah Kabupaten Lembah Hijau meresmikan jembatan gantung baru sepanjang 120 meter di atas sungai Cibaru pada Kamis pagi.",
    "Jembatan itu menghubungkan desa Sukamaju dan desa Mekarsari yang selama ini hanya bisa dijangkau dengan perahu kayu.",
    "Bupati Lembah Hijau Dewi Anggraini mengatakan pembangunan jembatan menghabiskan anggaran daerah sebesar 4,2 miliar rupiah.",
]
OWN = "Warga sekitar menyambut peresmian dengan arak-arakan kesenian dan pasar murah di lapangan desa Sukamaju sepanjang hari."


def make(
    aid: str,
    outlet: str,
    paragraphs: list[str],
    when: datetime,
    credits: list[Credit] | None = None,
) -> Article:
    lines = [Line(index=i, text=t, kind=LineKind.BODY) for i, t in enumerate(paragraphs)]
    return Article(
        id=aid,
        raw_id=aid,
        origin="test",
        outlet=outlet,
        lines=lines,
        published=Timestamp(value=when, original=""),
        credits=credits or [],
    )


T0 = datetime(2024, 5, 2, 8, 0, tzinfo=UTC)


def test_wire_copy_is_aligned_with_direction() -> None:
    wire = make("wire", "antaranews.com", WIRE, T0)
    # the copy edits a paragraph, adds its own and credits the wire at the end
    edited = WIRE[1].replace("selama ini hanya bisa dijangkau", "sebelumnya cuma bisa dicapai")
    copy = make(
        "copy",
        "portal-contoh.id",
        [WIRE[0], OWN, edited, WIRE[2]],
        T0 + timedelta(hours=2),
        [Credit(kind="wire", name="Antara", text="Sumber Antara")],
    )
    links = align(copy, wire)
    assert {(link.line, link.other_line) for link in links} == {(0, 0), (2, 1), (3, 2)}
    assert all(link.direction == "copied_from" for link in links)
    assert next(link for link in links if link.line == 0).similarity == 1.0
    assert next(link for link in links if link.line == 2).similarity < 1.0


def test_direction_from_time_without_credit() -> None:
    early = make("a", "satu.id", WIRE, T0)
    late = make("b", "dua.id", WIRE, T0 + timedelta(days=1))
    assert {link.direction for link in align(late, early)} == {"copied_from"}
    assert {link.direction for link in align(early, late)} == {"copied_by"}


def test_find_reuse_stores_both_sides() -> None:
    backend = MemoryState()
    known: dict[str, Article] = {}
    wire = make("wire", "antaranews.com", WIRE, T0)
    find_reuse([wire], backend, known=known)
    copy = make("copy", "portal-contoh.id", [OWN, *WIRE], T0 + timedelta(hours=1))
    unrelated = make(
        "other",
        "tiga.id",
        [
            "Harga cabai rawit di pasar induk turun tajam setelah panen raya di beberapa sentra produksi bulan ini."
        ],
        T0,
    )
    find_reuse([copy, unrelated], backend, known=known)
    assert {link.line for link in reuse_for(backend, "copy")} == {1, 2, 3}
    assert {link.other for link in reuse_for(backend, "wire")} == {"copy"}
    assert reuse_for(backend, "other") == []


def test_no_body_no_links() -> None:
    empty = Article(id="e", raw_id="e", origin="test")
    assert align(empty, make("w", "x", WIRE, T0)) == []
    assert find_reuse([empty], MemoryState()) == {"e": []}


def test_the_source_reads_links_written_by_later_copies_and_edits_retract_them() -> None:
    backend = MemoryState()
    known: dict[str, Article] = {}
    wire = make("wire", "antaranews.com", WIRE, T0)
    find_reuse([wire], backend, known=known)
    copies = [
        make(f"copy{i}", f"portal{i}.id", [OWN, *WIRE], T0 + timedelta(hours=i + 1))
        for i in range(3)
    ]
    for copy in copies:  # one batch each: the wire's own record is never rewritten
        find_reuse([copy], backend, known=known)
    seen = reuse_for(backend, "wire")
    assert {link.other for link in seen} == {"copy0", "copy1", "copy2"}
    assert {link.direction for link in seen} == {"copied_by"}
    # An edited re-ingest of copy1 without the wire's paragraphs: the wire stops listing it.
    edited = make("copy1", "portal1.id", [OWN], T0 + timedelta(hours=2))
    known.pop("copy1")
    find_reuse([edited], backend, known=known)
    assert {link.other for link in reuse_for(backend, "wire")} == {"copy0", "copy2"}
    assert "wire" not in {link.other for link in reuse_for(backend, "copy1")}


def test_sketch_round_trip_keeps_what_alignment_reads() -> None:
    copy = make(
        "copy",
        "portal-contoh.id",
        [OWN, *WIRE],
        T0,
        [Credit(kind="wire", name="Antara", text="Sumber Antara")],
    )
    sk = sketch(copy)
    back = decode_sketch("copy", encode_sketch(sk))
    assert back == sk
    assert len(encode_sketch(sk)) < 1000  # small next to the stored article
    wire = make("wire", "antaranews.com", WIRE, T0 - timedelta(hours=3))
    assert align(back, wire) == align(copy, wire)


def test_candidates_stored_before_sketches_are_read_in_full_once() -> None:
    backend = MemoryState()
    known: dict[str, Article] = {}
    wire = make("wire", "antaranews.com", WIRE, T0)
    find_reuse([wire], backend, known=known)
    backend.delete_state(SKETCH_NS, ["wire"])  # what a store from before sketches holds
    fetched: list[str] = []

    def fetch(ids: list[str]) -> list[Article]:
        fetched.extend(ids)
        return [wire] if "wire" in ids else []

    copy = make("copy", "portal-contoh.id", [OWN, *WIRE], T0 + timedelta(hours=1))
    find_reuse([copy], backend, fetch=fetch)
    assert fetched == ["wire"]
    assert {link.other for link in reuse_for(backend, "copy")} == {"wire"}
    assert backend.get_state(SKETCH_NS, ["wire"])  # sketched now: not read in full again
    again = make("again", "tiga.id", [*WIRE, OWN], T0 + timedelta(hours=2))
    find_reuse([again], backend, fetch=fetch)
    assert fetched == ["wire"]
    assert {link.other for link in reuse_for(backend, "again")} == {"wire", "copy"}


def test_a_paragraph_copied_everywhere_fills_its_buckets_only_up_to_the_cap() -> None:
    backend = MemoryState()
    wire = make("a-wire", "antaranews.com", WIRE, T0)
    find_reuse([wire], backend)
    for i in range(MAX_BUCKET + 8):  # a burst of copies, one batch each
        copy = make(f"copy{i:03d}", f"portal{i}.id", WIRE, T0 + timedelta(minutes=i + 1))
        find_reuse([copy], backend)
    buckets = backend.postings[PARA_NS]
    assert max(len(ids) for ids in buckets.values()) == MAX_BUCKET
    last = reuse_for(backend, f"copy{MAX_BUCKET + 7:03d}")
    assert "a-wire" in {link.other for link in last}  # the source is still found
    assert {link.direction for link in last if link.other == "a-wire"} == {"copied_from"}
