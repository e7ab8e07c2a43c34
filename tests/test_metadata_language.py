"""Language detection and the machine-translation score, on text written for these tests."""

from __future__ import annotations

from kabar.models import Article, Line, LineKind
from kabar.pipeline.language import (
    MT_THRESHOLD,
    detect_language,
    language_stage,
    translation_score,
)
from kabar.pipeline.registry import StageContext

INDONESIAN = (
    "Pemerintah daerah memperpanjang masa tanggap darurat banjir selama tujuh hari karena "
    "hujan masih turun di wilayah hulu. Petugas gabungan terus mendistribusikan makanan siap "
    "saji dan air bersih ke posko pengungsian di tiga kecamatan."
)
MALAY = (
    "Kerajaan negeri akan memberikan bantuan kewangan kepada mangsa banjir yang terjejas "
    "teruk, kata Menteri Besar dalam satu kenyataan hari ini. Beliau berkata peruntukan itu "
    "akan disalurkan melalui pejabat daerah sebelum hujung bulan ini."
)
ENGLISH = (
    "The city administration will extend its traffic policy to another twelve roads starting "
    "next month, officials said on Wednesday, adding that more buses would run at peak hours."
)
FRENCH = (
    "Le gouvernement a annoncé mercredi une nouvelle politique de circulation pour réduire "
    "les embouteillages dans le centre-ville de la capitale et des environs proches."
)


def test_indonesian_malay_english() -> None:
    assert detect_language(INDONESIAN).code == "id"
    assert detect_language(MALAY).code == "ms"
    english = detect_language(ENGLISH)
    assert english.code == "en" and 0.5 < english.confidence <= 1.0


def test_other_languages_are_not_forced_into_id_ms_en() -> None:
    assert detect_language(FRENCH).code == "und"
    guess = detect_language(
        "政府宣布将在下个月扩大交通限行政策，官员周三表示，这将缓解市中心的拥堵。"
    )
    assert guess.code == "zh"
    assert (
        detect_language("Полиция задержала двух подозреваемых в центре города вчера").code == "und"
    )


def test_too_little_text() -> None:
    assert detect_language("").code is None
    assert detect_language("12345 — 678").code is None


def article(*paragraphs: str, title: str = "Judul Berita", extra: tuple[str, ...] = ()) -> Article:
    lines = [Line(index=0, text=title, kind=LineKind.TITLE)]
    for p in paragraphs:
        lines.append(Line(index=len(lines), text=p, kind=LineKind.BODY))
    for e in extra:
        lines.append(Line(index=len(lines), text=e, kind=LineKind.SOURCE))
    return Article(id="x", raw_id="x", origin="test", lines=lines)


TRANSLATED = [
    "Menteri itu mengatakan kepada wartawan “Kami tidak akan mundur dari kesepakatan ini.” "
    "Dia berkata. Para pejabat lain menolak berkomentar.",
    "Pemerintah menyebut langkah itu “Penting” Bagi stabilitas kawasan, namun pihak oposisi "
    "menyebutnya “Berbahaya” tapi tidak memberikan alasan.",
    "“Kami akan terus memantau situasi dengan saksama.” Mereka berkata.",
]
NATIVE = [
    "“Kami tidak akan mundur dari kesepakatan ini,” kata menteri itu kepada wartawan di "
    "Jakarta, Senin.",
    "Menurut dia, langkah tersebut penting bagi stabilitas kawasan. Pihak oposisi menilai "
    "kebijakan itu berbahaya, tetapi tidak menjelaskan alasannya.",
    "“Kami akan terus memantau situasi,” ujarnya.",
]


def test_translation_artefacts_score_high() -> None:
    score, reasons = translation_score(article(*TRANSLATED, extra=("Source link",)))
    assert score >= MT_THRESHOLD
    assert "said-after-quote×2" in reasons and "source-link" in reasons


def test_native_copy_scores_low() -> None:
    score, _ = translation_score(article(*NATIVE))
    assert score < 1.0


def test_language_stage_sets_fields_and_warns() -> None:
    done = language_stage(article(INDONESIAN), StageContext())
    assert done.language == "id" and done.language_confidence > 0.5
    assert not done.machine_translated and done.stages[-1] == "language"
    mt = language_stage(article(*TRANSLATED, INDONESIAN, extra=("Source link",)), StageContext())
    assert mt.machine_translated
    assert any("machine-translated" in w for w in mt.warnings)
    empty = language_stage(Article(id="e", raw_id="e", origin="test"), StageContext())
    assert empty.language is None and any("not detected" in w for w in empty.warnings)
