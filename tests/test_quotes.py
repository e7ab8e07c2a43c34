"""The quotes stage: every quoting pattern, speakers with and without the entities stage."""

from __future__ import annotations

from pathlib import Path

import pytest

from kabar.models import Article, Line, LineKind, Quote
from kabar.pipeline.quotes import (
    MAX_QUOTES,
    extract_quotes,
    find_segments,
    quotes_of_lines,
    split_sentences,
)
from kabar.pipeline.registry import StageContext, load_stages

MODES = ["heuristic", "entities"]


def article_of(paragraphs: list[str]) -> Article:
    lines = [Line(index=i, text=t, kind=LineKind.BODY) for i, t in enumerate(paragraphs)]
    return Article(id="t", raw_id="t", origin="test", lines=lines, stages=["decode", "clean"])


def run(paragraphs: list[str], mode: str = "heuristic") -> list[Quote]:
    article = article_of(paragraphs)
    if mode == "entities":
        stages = load_stages()
        if "entities" not in stages:
            pytest.skip("the entities stage is not in this tree")
        article = stages["entities"].func(article, StageContext())
        article.stages.append("entities")
    return extract_quotes(article)


def find(quotes: list[Quote], words: str) -> Quote:
    hits = [q for q in quotes if words.casefold() in q.text.casefold()]
    assert hits, f"no quote containing {words!r} in {[q.text for q in quotes]}"
    return hits[0]


# --- quote marks and sentences ---------------------------------------------------------------


def test_segments_straight_curly_single_and_apostrophes() -> None:
    text = "“Satu,” katanya. \"Dua.\" ‘Tiga’ di King’s College dan Jum'at 'empat'."
    contents = [text[s.start : s.end] for s in find_segments(text)]
    assert contents == ["Satu,", "Dua.", "Tiga", "empat"]


def test_nested_quotes_are_one_outer_quote() -> None:
    text = "\"Ia bilang, 'kami menolak,' lalu pergi,\" kata Wati."
    segs = find_segments(text)
    assert len(segs) == 1 and "'kami menolak,'" in text[segs[0].start : segs[0].end]


def test_unclosed_quote_runs_to_the_end_of_the_line() -> None:
    text = 'Dia berkata: "Kami belum selesai'
    (seg,) = find_segments(text)
    assert seg.close is None and text[seg.start : seg.end] == "Kami belum selesai"


def test_sentences_do_not_cut_inside_quotes_but_after_them() -> None:
    text = '"Sudah. Selesai." Dia berkata. Lalu pulang.'
    segs = find_segments(text)
    parts = [text[a:b].strip() for a, b in split_sentences(text, segs)]
    assert parts == ['"Sudah. Selesai."', "Dia berkata.", "Lalu pulang."]


# --- direct quotes and speakers --------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_post_cue_names_the_speaker_not_the_addressee(mode: str) -> None:
    quotes = run(
        [
            "Menteri Perdagangan Wahyudi Pratama tiba di Kuala Lumpur untuk perundingan tarif.",
            '"Tarif baja harus turun tahun ini," kata Wahyudi pada Malaysia dalam jumpa pers.',
            '"Kami siap menandatangani kesepakatan itu," lanjutnya kepada Perdana Menteri Malaysia.',
        ],
        mode,
    )
    first = find(quotes, "Tarif baja")
    assert (first.speaker, first.resolution, first.cue) == ("Wahyudi Pratama", "named", "kata")
    second = find(quotes, "siap menandatangani")
    assert (second.speaker, second.resolution) == ("Wahyudi Pratama", "pronoun")


@pytest.mark.parametrize("mode", MODES)
def test_clitics_pronoun_forms_and_continuation(mode: str) -> None:
    quotes = run(
        [
            "Kepala Dinas Pendidikan Kota Medan, Rudi Hartanto, mengatakan sekolah dibuka kembali"
            " pekan depan.",
            '"Semua ruang kelas sudah dibersihkan," ujarnya.',
            '"Orang tua tidak perlu khawatir," kata dia.',
            '"Guru juga sudah divaksin lengkap."',
        ],
        mode,
    )
    assert find(quotes, "sekolah dibuka").speaker == "Rudi Hartanto"
    assert find(quotes, "sekolah dibuka").kind == "indirect"
    for words, how in [
        ("ruang kelas", "pronoun"),
        ("Orang tua", "pronoun"),
        ("Guru juga", "continuation"),
    ]:
        q = find(quotes, words)
        assert (q.speaker, q.resolution, q.kind) == ("Rudi Hartanto", how, "direct")


@pytest.mark.parametrize("mode", MODES)
def test_pronoun_follows_the_new_subject_not_the_last_speaker(mode: str) -> None:
    quotes = run(
        [
            '"Pasar ini harus direnovasi," kata pedagang sayur Siti Maemunah.',
            "Wakil Bupati Klaten Anton Saputra meninjau pasar itu pada siang harinya.",
            '"Anggarannya sudah kami siapkan," ujarnya.',
        ],
        mode,
    )
    assert find(quotes, "Pasar ini").speaker == "Siti Maemunah"
    assert find(quotes, "Anggarannya").speaker == "Anton Saputra"


@pytest.mark.parametrize("mode", MODES)
def test_speaker_before_the_quote_and_multi_paragraph_quote(mode: str) -> None:
    quotes = run(
        [
            'Koordinator relawan, Dian Lestari, berkata: "Kami sudah menunggu bantuan tiga hari.',
            '"Sekarang kami minta kepastian dari pemerintah."',
            "Dian mengatakan, stok beras di posko tinggal untuk sehari.",
        ],
        mode,
    )
    long = find(quotes, "menunggu bantuan")
    assert long.speaker == "Dian Lestari" and long.kind == "direct"
    assert long.end_span is not None and long.end_span.line == 1
    assert "minta kepastian" in long.text
    assert find(quotes, "stok beras").kind == "indirect"


@pytest.mark.parametrize("mode", MODES)
def test_organisations_outlets_and_states_speak(mode: str) -> None:
    quotes = run(
        [
            '"Setiap pelanggaran wilayah akan dibalas," kata Beijing dalam pernyataannya.',
            "Menurut laporan Kyodo, kapal patroli Jepang sudah berada di lokasi sejak pagi.",
            "Moskow mengatakan latihan itu hanya memperburuk keadaan di kawasan.",
            '"Situasi di selat itu semakin tegang," tulis Reuters.',
        ],
        mode,
    )
    assert find(quotes, "pelanggaran wilayah").speaker == "Tiongkok"
    assert find(quotes, "pelanggaran wilayah").resolution == "organisation"
    assert find(quotes, "kapal patroli").speaker == "Kyodo"
    assert find(quotes, "latihan itu").speaker == "Rusia"
    assert find(quotes, "selat itu").speaker == "Reuters"


@pytest.mark.parametrize("mode", MODES)
def test_organisation_names_and_unnamed_organisations(mode: str) -> None:
    quotes = run(
        [
            "PT Pertamina Hulu Selatan menyatakan produksi minyak dari blok itu naik tahun ini.",
            "Direktur Utama PT Pertamina Sinta Maharani mengatakan target lifting akan tercapai.",
            "Koalisi nelayan menilai proyek reklamasi itu merusak wilayah tangkapan mereka.",
            "Harian The Jakarta Post melaporkan bahwa dua pabrik semen menunda ekspansi.",
        ],
        mode,
    )
    # A company form opens the whole name; after a role, the name that follows is a person.
    assert find(quotes, "produksi minyak").speaker == "PT Pertamina Hulu Selatan"
    assert find(quotes, "target lifting").speaker == "Sinta Maharani"
    # A sentence-initial organisation noun with no name is an unnamed organisation.
    assert find(quotes, "proyek reklamasi").speaker is None
    assert find(quotes, "dua pabrik semen").speaker == "The Jakarta Post"


@pytest.mark.parametrize("mode", MODES)
def test_unit_in_a_role_before_an_apposition_is_not_a_person(mode: str) -> None:
    quotes = run(
        [
            "Kepala Riset KilatPay, Dewi Anggraeni, mengatakan transaksi naik dua kali lipat.",
            '"Kami menambah kapasitas server sejak awal bulan," tulis KilatPay di laman resminya.',
        ],
        mode,
    )
    assert find(quotes, "transaksi naik").speaker == "Dewi Anggraeni"
    company = find(quotes, "kapasitas server")
    assert company.speaker == "KilatPay" and company.resolution == "organisation"


@pytest.mark.parametrize("mode", MODES)
def test_english_possessives_and_organisations_named_after_a_noun(mode: str) -> None:
    quotes = run(
        [
            "Malaysia's national oil company said on Monday it would delay two offshore projects.",
            "Veltria's Foreign Minister Odile Marchetti said the talks would resume in May.",
            'Watchdog group Clean Seas Now praised the plan but called it "years too late".',
        ],
        mode,
    )
    assert find(quotes, "delay two offshore").speaker is None
    assert find(quotes, "talks would resume").speaker == "Odile Marchetti"
    partial = find(quotes, "years too late")
    assert partial.kind == "partial" and partial.speaker == "Clean Seas Now"


@pytest.mark.parametrize("mode", MODES)
def test_role_is_linked_to_the_person_who_holds_it(mode: str) -> None:
    quotes = run(
        [
            "Gubernur Jawa Tengah, Sutrisno Adi, meninjau tanggul yang jebol di Demak.",
            "Menurut gubernur, perbaikan tanggul selesai dalam dua pekan.",
            '"Warga yang mengungsi akan mendapat bantuan sewa rumah," tegas Gubernur Jawa Tengah.',
        ],
        mode,
    )
    for words in ("perbaikan tanggul", "bantuan sewa"):
        q = find(quotes, words)
        assert (q.speaker, q.resolution) == ("Sutrisno Adi", "role")


@pytest.mark.parametrize("mode", MODES)
def test_partial_quote_takes_the_sentence_speaker_and_scare_quotes_are_skipped(mode: str) -> None:
    quotes = run(
        [
            'Program "Kampung Hijau" diresmikan di Solo pada Kamis.',
            'Pengamat tata kota, Yusuf Rahmat, menyebut program itu "hanya kosmetik" belaka.',
            'Ia menilai penanaman pohon "tidak menyentuh akar masalah" banjir di kota itu.',
        ],
        mode,
    )
    assert not any("Kampung Hijau" in q.text for q in quotes)
    first, second = find(quotes, "hanya kosmetik"), find(quotes, "akar masalah")
    assert first.kind == second.kind == "partial"
    assert (first.speaker, first.resolution) == ("Yusuf Rahmat", "named")
    assert (second.speaker, second.resolution) == ("Yusuf Rahmat", "pronoun")


@pytest.mark.parametrize("mode", MODES)
def test_indirect_speech_forms(mode: str) -> None:
    quotes = run(
        [
            "Direktur rumah sakit, Maria Ulfa, mengatakan bahwa stok oksigen cukup untuk seminggu.",
            "Menurutnya, pasokan tambahan akan datang dari Surabaya.",
            "Pasien baru tetap diterima di instalasi gawat darurat, katanya.",
        ],
        mode,
    )
    for words, how in [
        ("stok oksigen", "named"),
        ("pasokan tambahan", "pronoun"),
        ("Pasien baru", "pronoun"),
    ]:
        q = find(quotes, words)
        assert (q.kind, q.speaker, q.resolution) == ("indirect", "Maria Ulfa", how)


@pytest.mark.parametrize("mode", MODES)
def test_machine_translated_quoting(mode: str) -> None:
    quotes = run(
        [
            "Presiden Chile Ricardo Fuentes mengatakan pada hari Rabu bahwa negaranya akan"
            " menaikkan pajak tambang tembaga.",
            "Fuentes mengatakan ini dalam pidato di Santiago “Kekayaan tambang harus kembali"
            " kepada rakyat.”",
            "“Kami tidak akan mundur dari rencana ini.” Dia berkata.",
            "“Investor tetap kami sambut dengan aturan yang jelas.” Mereka berkata.",
        ],
        mode,
    )
    assert find(quotes, "pajak tambang").kind == "indirect"
    assert find(quotes, "Kekayaan tambang").speaker == "Ricardo Fuentes"
    for words in ("tidak akan mundur", "Investor tetap"):
        q = find(quotes, words)
        assert (q.speaker, q.resolution) == ("Ricardo Fuentes", "pronoun")


@pytest.mark.parametrize("mode", MODES)
def test_english_attribution_with_pronouns(mode: str) -> None:
    quotes = run(
        [
            "Finance minister Clara Ortiz said on Friday that the budget deficit would narrow.",
            '"We have cut spending where it hurts the least," Ortiz told lawmakers.',
            '"There will be no new taxes this year," she added.',
            "According to the central bank, inflation is easing.",
        ],
        mode,
    )
    assert find(quotes, "deficit would narrow").speaker == "Clara Ortiz"
    assert find(quotes, "cut spending").resolution == "named"
    q = find(quotes, "no new taxes")
    assert (q.speaker, q.resolution) == ("Clara Ortiz", "pronoun")
    assert find(quotes, "inflation is easing").kind == "indirect"


@pytest.mark.parametrize("mode", MODES)
def test_split_quote_passive_attribution_and_anonymous_source(mode: str) -> None:
    quotes = run(
        [
            '"Kami sudah melapor dua kali," kata Ketua RT setempat, Joko Susilo, "tetapi belum'
            ' ada tanggapan."',
            '"Jembatan itu sudah retak sejak Maret." Hal itu disampaikan Joko usai rapat warga.',
            '"Perbaikan baru bisa dimulai tahun depan," kata seorang pejabat dinas yang enggan'
            " disebut namanya.",
        ],
        mode,
    )
    split = find(quotes, "melapor dua kali")
    assert "belum ada tanggapan" in split.text and split.speaker == "Joko Susilo"
    assert find(quotes, "sudah retak").speaker == "Joko Susilo"
    anon = find(quotes, "Perbaikan baru")
    assert anon.speaker is None and anon.speaker_text is not None


def test_entities_stage_ids_are_used_when_present() -> None:
    quotes = run(
        [
            "Sekretaris Jenderal PBB Antonio Guterres tiba di Jakarta.",
            '"Dunia membutuhkan kerja sama," kata Guterres.',
        ],
        "entities",
    )
    q = find(quotes, "Dunia membutuhkan")
    assert q.speaker == "Antonio Guterres" and q.speaker_entity_id


# --- the stage and bad input -----------------------------------------------------------------


def test_stage_is_registered_and_reads_only_text_lines() -> None:
    stage = load_stages()["quotes"]
    assert stage.requires == ("kinds",) and stage.provides == ("quotes",)
    article = article_of(['"Ini keterangan foto," kata fotografer Ani Wijaya.'])
    article.lines[0].kind = LineKind.CAPTION
    assert stage.func(article, StageContext()).quotes == []


@pytest.mark.parametrize(
    "paragraphs",
    [
        [],
        [""],
        ['"'],
        ["”“"],
        ["'''\"\"\"“”“”‘’‘"],
        ['"Kutipan yang tidak pernah ditutup'] * 5,
        ['Ia berkata "satu "dua "tiga'],
        ['"Ini "di dalam "lagi" kutipan" bertingkat," ujarnya.'],
        ["kata", "ujarnya", "Menurut", "Hal itu disampaikan"],
        ["\x00\u200b\ufeff" * 100],
    ],
)
def test_bad_input_never_crashes_and_never_invents_a_speaker(paragraphs: list[str]) -> None:
    quotes = quotes_of_lines(paragraphs)
    for q in quotes:
        assert 0.0 <= q.confidence <= 1.0
        if q.speaker is None:
            assert q.confidence <= 0.7


def test_page_of_unattributed_quotes_has_no_speakers_and_is_capped() -> None:
    quotes = quotes_of_lines([f'"Kalimat kutipan nomor {i} tanpa sumber."' for i in range(1500)])
    assert len(quotes) == MAX_QUOTES
    assert all(q.speaker is None and q.confidence < 0.5 for q in quotes)


def test_unclosed_quote_gets_lower_confidence_than_a_closed_one() -> None:
    closed = quotes_of_lines(['Budi Santoso berkata: "Kami akan terus bekerja."'])
    opened = quotes_of_lines(['Budi Santoso berkata: "Kami akan terus bekerja', "lalu pergi."])
    assert closed[0].speaker == opened[0].speaker == "Budi Santoso"
    assert opened[0].confidence < closed[0].confidence


def test_long_lines_and_many_marks_stay_bounded() -> None:
    marks = quotes_of_lines(['"a" ' * 5000, "“" * 8000 + "”" * 8000])
    words = quotes_of_lines(["Budi Santoso mengatakan bahwa " + "harga naik " * 5000])
    assert len(marks) <= MAX_QUOTES
    assert words[0].speaker == "Budi Santoso" and words[0].kind == "indirect"


# --- the sample pages, read by path ----------------------------------------------------------


def seed(seeds_dir: Path, prefix: str, mode: str) -> tuple[Article, list[Quote]]:
    from kabar.eval.quotes import quotes_for, seed_article

    path = next(seeds_dir.glob(f"{prefix}_*.txt"))
    article = seed_article(path, None)
    if mode == "entities" and "entities" not in load_stages():
        pytest.skip("the entities stage is not in this tree")
    return article, quotes_for(article, with_entities=mode == "entities")


def on_line(quotes: list[Quote], line: int) -> list[Quote]:
    return [q for q in quotes if q.span.line == line - 1]


@pytest.mark.parametrize("mode", MODES)
def test_seed_stoltenberg_and_pascheco(seeds_dir: Path, mode: str) -> None:
    _, quotes = seed(seeds_dir, "004", mode)
    (first,) = on_line(quotes, 13)
    assert (first.speaker, first.resolution, first.cue) == ("Jens Stoltenberg", "named", "kata")
    for line, cue in [(15, "lanjutnya"), (16, "ujarnya"), (17, "tambahnya")]:
        (q,) = on_line(quotes, line)
        assert (q.speaker, q.resolution, q.cue) == ("Jens Stoltenberg", "pronoun", cue)
    (times,) = on_line(quotes, 25)
    assert (times.speaker, times.resolution) == ("Times", "organisation")
    for line, how in [(26, "pronoun"), (27, "pronoun"), (28, "pronoun"), (29, "continuation")]:
        (q,) = on_line(quotes, line)
        assert (q.speaker, q.resolution) == ("Ramon Pascheco", how)


@pytest.mark.parametrize("mode", MODES)
def test_seed_state_and_outlet_speakers(seeds_dir: Path, mode: str) -> None:
    _, quotes = seed(seeds_dir, "003", mode)
    (beijing,) = on_line(quotes, 27)
    assert beijing.speaker == "Tiongkok" and beijing.speaker_text == "Beijing"
    assert beijing.resolution == "organisation"
    (nikkei,) = on_line(quotes, 15)
    assert nikkei.speaker == "Nikkei Asia"
    assert {q.speaker for q in on_line(quotes, 17)} == {"Nikkei Asia"}


@pytest.mark.parametrize("mode", MODES)
def test_seed_machine_translated_page(seeds_dir: Path, mode: str) -> None:
    _, quotes = seed(seeds_dir, "002", mode)
    (they,) = [q for q in on_line(quotes, 11) if q.kind == "direct"]
    assert (they.speaker, they.resolution) == ("Fumio Kishida", "pronoun")
    (he,) = on_line(quotes, 29)
    assert (he.speaker, he.resolution) == ("Vladimir Putin", "pronoun")
    assert {q.speaker for q in on_line(quotes, 20)} == {"Rusia", "Vladimir Putin"}


def test_seed_gold_scores_in_both_modes(seeds_dir: Path) -> None:
    from kabar.eval.quotes import evaluate_seeds, is_pronoun_case

    for with_entities in (False, True):
        if with_entities and "entities" not in load_stages():
            continue
        tally = evaluate_seeds(seeds_dir, with_entities=with_entities)
        overall = tally.metrics()
        assert overall["recall"] >= 0.9 and overall["precision"] >= 0.9
        assert overall["speaker_accuracy"] >= 0.9
        assert tally.metrics(is_pronoun_case)["speaker_accuracy"] >= 0.9


# --- issue 5, second round: units in names, role abbreviations, groups, passives ------------


@pytest.mark.parametrize("mode", MODES)
def test_unknown_unit_between_title_and_name_is_not_the_name(mode: str) -> None:
    quotes = run(
        [
            "Presiden Ostrava Raya Tomas Vrabec mengatakan negaranya tidak akan mengirim pasukan"
            " ke perbatasan.",
            "Menteri Pertahanan Ostrava Raya Lenka Hudecova menyebut anggaran militer akan naik"
            " tahun depan.",
            '"Kami hanya memperkuat pertahanan," ujar Vrabec.',
        ],
        mode,
    )
    assert find(quotes, "negaranya tidak akan").speaker == "Tomas Vrabec"
    assert find(quotes, "anggaran militer").speaker == "Lenka Hudecova"
    assert find(quotes, "Kami hanya memperkuat").speaker == "Tomas Vrabec"


@pytest.mark.parametrize("mode", MODES)
def test_club_name_before_a_coach_is_split_off(mode: str) -> None:
    quotes = run(
        [
            "Rajawali Utara menang 3-0 atas tim tamu di Stadion Gelora Pantai.",
            "Pelatih Rajawali Utara Diego Almeida mengatakan timnya bermain sabar sejak menit"
            " pertama.",
            '"Kami tidak terburu-buru," ujar Almeida.',
        ],
        mode,
    )
    assert find(quotes, "timnya bermain sabar").speaker == "Diego Almeida"
    assert find(quotes, "Kami tidak terburu-buru").speaker == "Diego Almeida"


def test_a_given_name_written_alone_does_not_become_a_unit() -> None:
    quotes = run(
        [
            "Camat Yosef Arnold Lakabu mengatakan jembatan desa ambruk sejak pekan lalu.",
            'Warga kemudian menemui Yosef di kantornya. "Perbaikan menunggu anggaran," kata Yosef.',
        ]
    )
    assert find(quotes, "jembatan desa ambruk").speaker == "Yosef Arnold Lakabu"
    assert find(quotes, "Perbaikan menunggu anggaran").speaker == "Yosef Arnold Lakabu"


@pytest.mark.parametrize("mode", MODES)
def test_role_abbreviation_passive_agent_and_unnamed_group(mode: str) -> None:
    quotes = run(
        [
            "Ratusan nelayan mendatangi kantor bupati menuntut solar bersubsidi.",
            "Para nelayan itu lalu ditemui Sekretaris Daerah Pulau Seram Barat, Markus"
            " Latuheru. Beliau mengatakan kuota solar akan ditambah bulan depan.",
            '"Kami sudah bersurat ke pusat," kata Sekda.',
            "Mereka menyatakan akan kembali datang jika janji itu tidak ditepati.",
        ],
        mode,
    )
    assert find(quotes, "kuota solar akan").speaker == "Markus Latuheru"
    assert find(quotes, "Kami sudah bersurat").speaker == "Markus Latuheru"
    group = find(quotes, "akan kembali datang")
    assert group.speaker is None and group.resolution == "pronoun"


def test_full_role_phrase_and_possessor_before_a_title() -> None:
    quotes = run(
        [
            "Corvenia's Prime Minister Ilse Marten said on Monday that taxes would not rise.",
            "The foreign minister, Petr Holm, said talks with neighbours would resume.",
            "The prime minister said the budget would be presented in May.",
            'Opposition leader Karin Stael called the plan timid. "It changes nothing," she said.',
        ]
    )
    assert find(quotes, "budget would be presented").speaker == "Ilse Marten"
    assert find(quotes, "It changes nothing").speaker == "Karin Stael"


def test_a_described_company_after_its_written_statement() -> None:
    quotes = run(
        [
            '"Kami menutup dua gudang," tulis PanganKita dalam keterangan resminya.',
            "Perusahaan itu menjelaskan, karyawan gudang akan dipindahkan ke kantor pusat.",
        ]
    )
    assert find(quotes, "karyawan gudang akan").speaker == "PanganKita"


def test_a_role_description_skips_holders_of_another_role_with_its_head() -> None:
    quotes = run(
        [
            "Ilse Marten, who has led the coalition since March, said on Monday that taxes would"
            " not rise.",
            "The finance minister, Petr Holm, said the deficit would shrink next year.",
            "The prime minister said the budget would be presented in May.",
        ]
    )
    assert find(quotes, "deficit would shrink").speaker == "Petr Holm"
    assert find(quotes, "budget would be presented").speaker == "Ilse Marten"


# --- third round (issue 5): the heldout3 error classes, on sentences of their own ------------


@pytest.mark.parametrize("mode", MODES)
def test_ranks_and_units_before_a_name(mode: str) -> None:
    quotes = run(
        [
            "Kasat Reskrim Polres Bukit Tua AKP Rinaldi Harahap mengatakan dua pelaku sudah"
            " ditangkap di rumahnya.",
            '"Mereka kami tangkap tanpa perlawanan," ucap Rinaldi.',
            "Komandan Kodim 0712/Batu Sangkar Letkol Inf Markus Siregar mengatakan jalan desa"
            " sudah bisa dilalui.",
            '"Alat berat sudah kami kirim," kata Markus.',
            "Kapolda Teluk Raya Irjen Pol Suharyono Wibisono mengatakan penyelidikan masih"
            " terus berjalan.",
        ],
        mode,
    )
    assert find(quotes, "dua pelaku sudah").speaker == "Rinaldi Harahap"
    assert find(quotes, "Mereka kami tangkap").speaker == "Rinaldi Harahap"
    assert find(quotes, "jalan desa sudah").speaker == "Markus Siregar"
    assert find(quotes, "Alat berat sudah").speaker == "Markus Siregar"
    assert find(quotes, "penyelidikan masih").speaker == "Suharyono Wibisono"


@pytest.mark.parametrize("mode", MODES)
def test_possessive_description_and_apposition_after_a_quote(mode: str) -> None:
    quotes = run(
        [
            "Norland's prime minister, Erik Vass, said on Friday that talks would resume.",
            'The ministry rejected the claim. "We have nothing to hide from anyone," its'
            " spokesman, Jonas Berg, said in a statement.",
            '"The inspectors are welcome to come."',
            "The state's health minister, Amara Singh, toured the flooded hospital on Tuesday.",
            "She said the army would deliver generators by Friday night.",
        ],
        mode,
    )
    assert find(quotes, "nothing to hide").speaker == "Jonas Berg"
    assert find(quotes, "inspectors are welcome").speaker == "Jonas Berg"
    assert find(quotes, "army would deliver").speaker == "Amara Singh"


@pytest.mark.parametrize("mode", MODES)
def test_outlet_inside_an_anonymous_speakers_clause(mode: str) -> None:
    quotes = run(
        [
            "Seorang pejabat senior Kementerian Luar Negeri yang berbicara kepada Harian Kompas"
            " mengatakan perundingan sudah hampir selesai.",
            '"Tinggal satu pasal yang belum disepakati," kata pejabat itu.',
            "Economists at Norbank said growth would slow sharply next year.",
        ],
        mode,
    )
    assert find(quotes, "perundingan sudah hampir").speaker is None
    assert find(quotes, "Tinggal satu pasal").speaker is None
    assert find(quotes, "growth would slow").speaker is None


def test_a_multi_word_outlet_is_not_cut_at_a_place_name() -> None:
    quotes = run(["The Washington Post reported that the deal was close to being signed."])
    assert find(quotes, "deal was close").speaker == "The Washington Post"


def test_indirect_speech_after_a_machine_translated_quote() -> None:
    quotes = run(
        [
            "Presiden Chile Erik Vass mengatakan dalam pidato di parlemen “Kami akan menutup"
            " semua Tambang batubara baru” Menurutnya, transisi energi tidak bisa ditunda lagi.",
            "Menteri Energi Ilse Marten menyatakan dalam wawancara “Ini bukan berarti"
            " tambang lama langsung ditutup” Ia menambahkan bahwa izin yang berjalan tetap"
            " dihormati.",
        ]
    )
    direct = find(quotes, "Kami akan menutup")
    assert direct.kind == "direct" and direct.speaker == "Erik Vass"
    assert find(quotes, "transisi energi tidak").speaker == "Erik Vass"
    assert find(quotes, "Ini bukan berarti").speaker == "Ilse Marten"
    later = find(quotes, "izin yang berjalan")
    assert later.kind == "indirect" and later.speaker == "Ilse Marten"
    # A short attribution after the mark is still the quote's attribution.
    short = run(["“Kami menolak semua tuduhan itu” Dia berkata."])
    assert len(short) == 1 and short[0].resolution == "pronoun"


def test_short_clauses_bare_subjects_and_described_companies() -> None:
    quotes = run(
        [
            "PT Sumber Tani Makmur Tbk membukukan rugi pada kuartal ketiga.",
            "Perseroan menyatakan akan menunda pembangunan pabrik baru di Kalimantan.",
            "Rudi Hartanto sendiri mengaku belum puas.",
            "Penumpang mengaku tidak mendapat informasi apa pun selama menunggu.",
            "Jaksa Penuntut Umum, Andi Saputra, mengatakan pihaknya masih pikir-pikir.",
        ]
    )
    assert find(quotes, "akan menunda pembangunan").speaker == "PT Sumber Tani Makmur Tbk"
    assert find(quotes, "belum puas").speaker == "Rudi Hartanto"
    assert find(quotes, "tidak mendapat informasi").speaker is None
    assert find(quotes, "pihaknya masih pikir-pikir").speaker == "Andi Saputra"
    assert not [q for q in run(["Ia mengatakan hal itu."]) if q.kind == "indirect"]
    english = run(
        [
            "Shares in Korvel Logistics fell 5 per cent after the company warned that port delays"
            " would hurt its profit."
        ]
    )
    assert find(english, "port delays would").speaker == "Korvel Logistics"


# --- fourth round (the general causes of the heldout4 errors; own sentences) ----------------


def test_naval_ranks_and_a_bare_generic_description() -> None:
    quotes = run(
        [
            "Juru bicara Angkatan Laut Valoria, Komodor Rafael Estrada, mengatakan kapal patroli"
            " itu diadang dua kali pekan ini.",
            "Seorang pejabat kementerian yang menolak disebut namanya menyebut rencana itu"
            ' terburu-buru. "Kami belum siap menghadapi musim hujan," kata pejabat itu.',
        ]
    )
    assert find(quotes, "diadang dua kali").speaker == "Rafael Estrada"
    # "pejabat itu" names no role: the anonymous official in view, not the spokesman.
    assert find(quotes, "belum siap menghadapi").speaker is None
    english = run(["Rear Admiral Tom Becker said the two ships would return to port on Friday."])
    assert find(english, "two ships would return").speaker == "Tom Becker"


def test_a_title_partly_in_lower_case() -> None:
    quotes = run(
        [
            "Acting finance minister Clara Voss declined to comment but said the budget was"
            ' "under review".',
            '"We will decide before the end of the month," she told reporters.',
        ]
    )
    assert find(quotes, "under review").speaker == "Clara Voss"
    assert find(quotes, "decide before the end").speaker == "Clara Voss"


def test_a_passive_inside_a_reported_clause_introduces_nobody() -> None:
    quotes = run(
        [
            "Kepala Satpol PP Sinar Jaya, Hadi Kusumo, menjelaskan penertiban dimulai pukul 06.00.",
            "Ia menyebut gudang itu disewa Budi Hartono sejak tahun lalu tanpa izin.",
        ]
    )
    assert find(quotes, "gudang itu disewa").speaker == "Hadi Kusumo"


def test_menjawab_is_speech_only_before_a_clause() -> None:
    quotes = run(
        [
            "Direktur Utama PT Gema Abadi, Sinta Dewi, menjawab, perusahaan sudah membayar"
            " seluruh pesangon karyawan.",
            "Sinta menjawab pertanyaan wartawan dengan singkat di depan kantor.",
        ]
    )
    assert find(quotes, "sudah membayar seluruh").speaker == "Sinta Dewi"
    assert not [q for q in quotes if "pertanyaan wartawan" in q.text]


def test_relative_asides_and_subordinate_clauses_after_attributions() -> None:
    quotes = run(
        [
            "Marta Silva, who leads the port authority, said the new cranes would arrive in March.",
            "The engineers, who asked not to be identified, said the bridge had cracked in two"
            " places.",
            "Exports will fall sharply next year, three trade officials told the newspaper, as"
            " demand weakens.",
        ]
    )
    assert find(quotes, "new cranes would arrive").speaker == "Marta Silva"
    assert find(quotes, "bridge had cracked").speaker is None
    assert find(quotes, "Exports will fall").speaker is None
    assert not [q for q in quotes if q.text.startswith(("Marta Silva, who", "The engineers"))]
    assert not [q for q in quotes if q.text.startswith("as demand")]


@pytest.mark.parametrize("mode", ["heuristic", "entities"])
def test_the_company_is_the_topic_not_an_analysts_firm(mode: str) -> None:
    quotes = run(
        [
            "Shares in Norvik Shipping fell 6 per cent after it lost a port contract.",
            "Leo Grant, a transport analyst at Baltic Equities, said the loss was"
            ' "painful but expected".',
            "The company said in a filing that it would appeal the decision.",
        ],
        mode,
    )
    assert find(quotes, "painful but expected").speaker == "Leo Grant"
    assert find(quotes, "would appeal the decision").speaker == "Norvik Shipping"


def test_an_organisation_named_with_its_state() -> None:
    quotes = run(
        [
            "Sedikitnya 30 rumah rusak akibat angin kencang, kata Cahaya Kasih Tonga dalam keterangannya."
        ]
    )
    assert find(quotes, "30 rumah rusak").speaker == "Cahaya Kasih Tonga"
