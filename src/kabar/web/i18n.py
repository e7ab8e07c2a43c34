"""Interface text in Indonesian (the default) and English: one small table, no framework.

The language comes from ``?lang=id|en`` (remembered in a cookie), else the cookie, else
Indonesian. Strings are plain text with ``{name}`` fields; templates autoescape them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

LANGS = ("id", "en")
DEFAULT_LANG = "id"
COOKIE = "kabar_lang"

STRINGS: dict[str, dict[str, str]] = {
    "id": {
        "tagline": "Berita dari banyak media, dikelompokkan per peristiwa",
        "nav_home": "Beranda",
        "nav_search": "Cari",
        "nav_entities": "Entitas",
        "nav_quotes": "Kutipan",
        "nav_api": "API",
        "stories": "Peristiwa terkini",
        "latest_articles": "Artikel terbaru",
        "no_stories": "Belum ada peristiwa yang terbentuk; berikut artikel terbaru.",
        "empty_store": "Belum ada artikel. Jalankan `kabar demo` atau kirim halaman lewat API.",
        "n_articles": "{n} artikel",
        "n_outlets": "{n} media",
        "n_mentions": "{n} penyebutan",
        "n_stories": "{n} peristiwa",
        "updated": "diperbarui {when}",
        "first_seen": "Pertama muncul",
        "last_seen": "Terakhir muncul",
        "summary": "Ringkasan",
        "timeline": "Linimasa",
        "kind_event": "peristiwa",
        "kind_published": "terbit",
        "articles_by_outlet": "Artikel per media",
        "copies": "menyalin dari",
        "copied_by": "disalin oleh",
        "shared_paragraphs": "{n} paragraf sama dengan media lain",
        "quotes_by_speaker": "Kutipan per narasumber",
        "unattributed": "(tanpa narasumber)",
        "entities": "Entitas",
        "storylines": "Alur cerita",
        "removed_lines": "Baris yang dibuang ({n})",
        "removed_hint": "menu, iklan, keterangan foto, tautan terkait dan lainnya",
        "line": "baris",
        "kind": "jenis",
        "reason": "alasan",
        "metadata": "Keterangan",
        "outlet": "Media",
        "published": "Terbit",
        "authors": "Penulis",
        "editor": "Editor",
        "dateline": "Tempat",
        "language": "Bahasa",
        "credits": "Kredit",
        "section": "Rubrik",
        "story": "Peristiwa",
        "origin": "Asal",
        "original_link": "Tautan asli",
        "warnings": "Catatan pemrosesan",
        "machine_translated": "kemungkinan terjemahan mesin",
        "reuse": "Paragraf yang juga muncul di artikel lain",
        "paragraph": "paragraf",
        "similarity": "kemiripan",
        "mentions_over_time": "Penyebutan dari waktu ke waktu",
        "quoted_by": "Dikutip oleh",
        "quotes_of": "Ucapannya",
        "aliases": "Nama lain",
        "roles": "Jabatan",
        "category": "Kategori",
        "label": "Jenis",
        "articles": "Artikel",
        "quotes": "Kutipan",
        "speaker": "Narasumber",
        "count": "jumlah",
        "search_placeholder": "Cari berita, tokoh, tempat…",
        "search_button": "Cari",
        "all_outlets": "Semua media",
        "any_language": "Semua bahasa",
        "since": "Sejak",
        "until": "Sampai",
        "results": "{n} hasil untuk “{q}”",
        "no_results": "Tidak ada hasil. Coba kata lain atau longgarkan saringan.",
        "search_intro": "Ketik kata kunci. Kata berimbuhan ikut ditemukan: “seruan” juga "
        "menemukan “menyerukan”.",
        "prev": "← Sebelumnya",
        "next": "Berikutnya →",
        "not_found": "Tidak ditemukan",
        "error": "Terjadi kesalahan",
        "back_home": "Kembali ke beranda",
        "untitled": "(tanpa judul)",
        "unknown_outlet": "(media tak dikenal)",
        "unknown_time": "waktu tak diketahui",
        "lang_id": "Bahasa Indonesia",
        "lang_en": "English",
        "switch_lang": "English",
        "filter": "Saring",
        "entity_search": "Cari entitas…",
        "who_quotes_whom": "Siapa dikutip oleh media mana",
        "lines_kept": "Isi artikel",
        "open_story": "Lihat peristiwa",
        "footer": "kabar — mesin pemantau berita. Data dari penyimpanan lokal.",
    },
    "en": {
        "tagline": "News from many outlets, grouped by story",
        "nav_home": "Home",
        "nav_search": "Search",
        "nav_entities": "Entities",
        "nav_quotes": "Quotes",
        "nav_api": "API",
        "stories": "Latest stories",
        "latest_articles": "Latest articles",
        "no_stories": "No stories have formed yet; here are the latest articles.",
        "empty_store": "No articles yet. Run `kabar demo` or send pages through the API.",
        "n_articles": "{n} articles",
        "n_outlets": "{n} outlets",
        "n_mentions": "{n} mentions",
        "n_stories": "{n} stories",
        "updated": "updated {when}",
        "first_seen": "First seen",
        "last_seen": "Last seen",
        "summary": "Summary",
        "timeline": "Timeline",
        "kind_event": "event",
        "kind_published": "published",
        "articles_by_outlet": "Articles by outlet",
        "copies": "copies",
        "copied_by": "copied by",
        "shared_paragraphs": "{n} paragraphs shared with other outlets",
        "quotes_by_speaker": "Quotes by speaker",
        "unattributed": "(unattributed)",
        "entities": "Entities",
        "storylines": "Storylines",
        "removed_lines": "Removed lines ({n})",
        "removed_hint": "menus, ads, photo captions, related links and the like",
        "line": "line",
        "kind": "kind",
        "reason": "reason",
        "metadata": "Details",
        "outlet": "Outlet",
        "published": "Published",
        "authors": "Authors",
        "editor": "Editor",
        "dateline": "Dateline",
        "language": "Language",
        "credits": "Credits",
        "section": "Section",
        "story": "Story",
        "origin": "Origin",
        "original_link": "Original link",
        "warnings": "Processing notes",
        "machine_translated": "probably machine-translated",
        "reuse": "Paragraphs also found in other articles",
        "paragraph": "paragraph",
        "similarity": "similarity",
        "mentions_over_time": "Mentions over time",
        "quoted_by": "Quoted by",
        "quotes_of": "What they said",
        "aliases": "Aliases",
        "roles": "Roles",
        "category": "Category",
        "label": "Type",
        "articles": "Articles",
        "quotes": "Quotes",
        "speaker": "Speaker",
        "count": "count",
        "search_placeholder": "Search news, people, places…",
        "search_button": "Search",
        "all_outlets": "All outlets",
        "any_language": "Any language",
        "since": "Since",
        "until": "Until",
        "results": "{n} results for “{q}”",
        "no_results": "No results. Try other words or loosen the filters.",
        "search_intro": "Type some words. Indonesian affixes are handled: “seruan” also finds "
        "“menyerukan”.",
        "prev": "← Previous",
        "next": "Next →",
        "not_found": "Not found",
        "error": "Something went wrong",
        "back_home": "Back to the front page",
        "untitled": "(untitled)",
        "unknown_outlet": "(unknown outlet)",
        "unknown_time": "time unknown",
        "lang_id": "Bahasa Indonesia",
        "lang_en": "English",
        "switch_lang": "Bahasa Indonesia",
        "filter": "Filter",
        "entity_search": "Find an entity…",
        "who_quotes_whom": "Who is quoted by which outlet",
        "lines_kept": "Article text",
        "open_story": "See the story",
        "footer": "kabar — a news monitoring engine. Data from the local store.",
    },
}

MONTHS = {
    "id": ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}

# Indonesian zone names by UTC offset; other offsets print as +hh:mm.
ZONES = {
    timedelta(hours=7): "WIB",
    timedelta(hours=8): "WITA",
    timedelta(hours=9): "WIT",
    timedelta(0): "UTC",
}


def pick_lang(query_value: str | None, cookie_value: str | None) -> str:
    for value in (query_value, cookie_value):
        if value in LANGS:
            return value
    return DEFAULT_LANG


class Translator:
    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGS else DEFAULT_LANG
        self.table = STRINGS[self.lang]

    def __call__(self, key: str, **fields: object) -> str:
        text = self.table.get(key) or STRINGS["en"].get(key) or key
        return text.format(**fields) if fields else text

    def date(self, value: datetime | date | None) -> str:
        if value is None:
            return self("unknown_time")
        month = MONTHS[self.lang][value.month - 1]
        day = f"{value.day} {month} {value.year}"
        if not isinstance(value, datetime):
            return day
        zone = ""
        offset = value.utcoffset()
        if offset is not None:
            zone = ZONES.get(offset) or (
                ("+" if offset >= timedelta(0) else "-")
                + f"{abs(offset) // timedelta(hours=1):02d}:"
                + f"{(abs(offset) % timedelta(hours=1)) // timedelta(minutes=1):02d}"
            )
        return f"{day}, {value:%H:%M} {zone}".rstrip()

    def day(self, value: datetime | date | None) -> str:
        if value is None:
            return self("unknown_time")
        return f"{value.day} {MONTHS[self.lang][value.month - 1]} {value.year}"
