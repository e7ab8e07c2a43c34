"""Build the Indonesian gazetteer tables under ``lang/id/`` (run once; the output is committed).

    python -m kabar.lang.build_gazetteers

Sources, in order of trust:

* **Babel (CLDR)**: Indonesian names of every country and world region (``Locale("id").territories``,
  e.g. KR → "Korea Selatan", CN → "Tiongkok"), plus "Uni Eropa" and "Perserikatan
  Bangsa-Bangsa".
* **pycountry (ISO 3166)**: the English name, common name and official name of each country as
  aliases (Indonesian news often writes "China", "Korea"), ISO codes, and the provinces of
  Indonesia (ISO 3166-2:ID, Indonesian names).
* **Hand-curated lists in this file**: what no maintained package holds: colloquial names
  ("Korsel", "Negeri Sakura", "Negeri Paman Sam"), capitals and seats of power used as
  metonyms ("Beijing", "Kremlin", "Gedung Putih"), major Indonesian cities, ministries and
  agencies (K/L), state companies (BUMN), parties, international organisations, and the titles
  and roles that precede names.

Output (plain tables, ``#`` comments):

* ``gazetteer.tsv``: ``name<TAB>label<TAB>category<TAB>aliases (|)<TAB>metonym_of``.
  ``label`` is the NER label (GPE, LOC, ORG, PER); ``category`` the CNBC-style tag (Negara,
  Provinsi, Kab/Kota, K/L, BUMN, Partai, Institusi, Organisasi, Perusahaan, Kota Dunia, …).
* ``titles.tsv``: ``title<TAB>kind`` (role words that precede a person's name).
* ``ner_keywords.tsv``: ``word<TAB>kind`` (head words of organisations and places).
"""

from __future__ import annotations

import gettext
from pathlib import Path

OUT = Path(__file__).parent / "id"

# Colloquial and short names of countries (ISO alpha-2 → extra aliases).
COUNTRY_ALIASES: dict[str, list[str]] = {
    "KR": ["Korsel", "Negeri Ginseng", "Korea Selatan", "Republik Korea"],
    "KP": ["Korut", "Korea Utara", "Negeri Komunis Korea", "DPRK"],
    "US": ["AS", "Amerika", "Negeri Paman Sam", "Paman Sam", "USA", "Amerika Serikat"],
    "CN": ["China", "Tiongkok", "RRT", "RRC", "Negeri Tirai Bambu", "Republik Rakyat Tiongkok"],
    "JP": ["Negeri Sakura", "Negeri Matahari Terbit"],
    "GB": ["Inggris", "Britania Raya", "UK", "Negeri Ratu Elizabeth"],
    "RU": ["Negeri Beruang Merah", "Federasi Rusia"],
    "IN": ["Negeri Hindustan", "Negeri Bollywood"],
    "SA": ["Saudi", "Negeri Petrodolar"],
    "TH": ["Negeri Gajah Putih", "Muangthai"],
    "SG": ["Negeri Singa", "Singapore"],
    "MY": ["Negeri Jiran", "Malaysia"],
    "AU": ["Negeri Kanguru"],
    "NL": ["Negeri Kincir Angin", "Holland"],
    "TW": ["Taiwan", "Republik China", "Formosa"],
    "PS": ["Palestina"],
    "IL": ["Israel", "Negeri Zionis"],
    "ID": ["RI", "NKRI", "Republik Indonesia", "Tanah Air", "Ibu Pertiwi"],
    "PH": ["Filipina"],
    "VN": ["Vietnam"],
    "AE": ["UEA"],
    "TR": ["Turki", "Turkiye", "Türkiye"],
    "CZ": ["Republik Ceko"],
    "MM": ["Myanmar", "Burma"],
    "VA": ["Vatikan", "Takhta Suci"],
    "DE": ["Jerman"],
    "FR": ["Prancis", "Perancis"],
    "UA": ["Ukraina"],
    "NZ": ["Selandia Baru"],
    "BA": ["Bosnia", "Bosnia dan Herzegovina"],
    "CD": ["Kongo"],
    "CI": ["Pantai Gading"],
}

# Capitals and other places that stand for a state (→ ISO alpha-2). "Kota Dunia" rows.
CAPITALS: dict[str, tuple[str, list[str]]] = {
    "Jakarta": ("ID", ["DKI Jakarta", "DKI"]),
    "Moskow": ("RU", ["Moskwa", "Moscow"]),
    "Beijing": ("CN", ["Peking"]),
    "Pyongyang": ("KP", []),
    "Seoul": ("KR", []),
    "Tokyo": ("JP", []),
    "Washington": ("US", ["Washington DC", "Washington D.C."]),
    "London": ("GB", []),
    "Paris": ("FR", []),
    "Berlin": ("DE", []),
    "Kyiv": ("UA", ["Kiev", "Kiyv"]),
    "Canberra": ("AU", []),
    "Wellington": ("NZ", []),
    "Taipei": ("TW", []),
    "New Delhi": ("IN", ["Delhi"]),
    "Islamabad": ("PK", []),
    "Teheran": ("IR", ["Tehran"]),
    "Riyadh": ("SA", []),
    "Ankara": ("TR", []),
    "Kairo": ("EG", ["Cairo"]),
    "Bangkok": ("TH", []),
    "Hanoi": ("VN", []),
    "Manila": ("PH", []),
    "Kuala Lumpur": ("MY", ["KL"]),
    "Putrajaya": ("MY", []),
    "Singapura": ("SG", []),
    "Naypyidaw": ("MM", ["Naypyitaw"]),
    "Phnom Penh": ("KH", []),
    "Vientiane": ("LA", []),
    "Bandar Seri Begawan": ("BN", []),
    "Dili": ("TL", []),
    "Ottawa": ("CA", []),
    "Brasilia": ("BR", ["Brasília"]),
    "Buenos Aires": ("AR", []),
    "Mexico City": ("MX", ["Kota Meksiko"]),
    "Roma": ("IT", ["Rome"]),
    "Madrid": ("ES", []),
    "Den Haag": ("NL", ["The Hague"]),
    "Amsterdam": ("NL", []),
    "Brussel": ("BE", ["Brussels"]),
    "Wina": ("AT", ["Vienna", "Wien"]),
    "Warsawa": ("PL", ["Warsaw"]),
    "Minsk": ("BY", []),
    "Stockholm": ("SE", []),
    "Helsinki": ("FI", []),
    "Oslo": ("NO", []),
    "Kopenhagen": ("DK", ["Copenhagen"]),
    "Athena": ("GR", ["Athens"]),
    "Yerusalem": ("IL", ["Jerusalem", "Tel Aviv"]),
    "Ramallah": ("PS", []),
    "Damaskus": ("SY", ["Damascus"]),
    "Baghdad": ("IQ", []),
    "Kabul": ("AF", []),
    "Doha": ("QA", []),
    "Abu Dhabi": ("AE", []),
    "Amman": ("JO", []),
    "Beirut": ("LB", []),
    "Sanaa": ("YE", []),
    "Pretoria": ("ZA", []),
    "Nairobi": ("KE", []),
    "Abuja": ("NG", []),
    "Dhaka": ("BD", []),
    "Kolombo": ("LK", ["Colombo"]),
    "Kathmandu": ("NP", []),
    "Ulaanbaatar": ("MN", []),
    "Havana": ("CU", []),
    "Caracas": ("VE", []),
    "Santiago": ("CL", []),
    "Lima": ("PE", []),
    "Bogota": ("CO", ["Bogotá"]),
    "Port Moresby": ("PG", []),
}

# Seats of power that stand for a state (flagged as metonyms, never places of the story).
SEATS: dict[str, tuple[str, list[str]]] = {
    "Kremlin": ("RU", []),
    "Gedung Putih": ("US", ["White House"]),
    "Pentagon": ("US", []),
    "Capitol Hill": ("US", []),
    "Downing Street": ("GB", []),
    "Zhongnanhai": ("CN", []),
    "Istana Merdeka": ("ID", []),
    "Istana Negara": ("ID", []),
    "Blue House": ("KR", ["Cheong Wa Dae"]),
    "Elysee": ("FR", ["Élysée", "Istana Elysee"]),
}

# Major Indonesian cities and regencies (Kab/Kota) besides the provinces ISO lists.
CITIES: list[str] = [
    "Jakarta Pusat",
    "Jakarta Selatan",
    "Jakarta Barat",
    "Jakarta Timur",
    "Jakarta Utara",
    "Bandung",
    "Surabaya",
    "Medan",
    "Semarang",
    "Makassar",
    "Palembang",
    "Tangerang",
    "Tangerang Selatan",
    "Depok",
    "Bekasi",
    "Bogor",
    "Batam",
    "Pekanbaru",
    "Padang",
    "Denpasar",
    "Malang",
    "Samarinda",
    "Balikpapan",
    "Banjarmasin",
    "Pontianak",
    "Manado",
    "Jayapura",
    "Kupang",
    "Mataram",
    "Ambon",
    "Kendari",
    "Palu",
    "Jambi",
    "Bengkulu",
    "Bandar Lampung",
    "Serang",
    "Cilegon",
    "Cirebon",
    "Tasikmalaya",
    "Sukabumi",
    "Solo",
    "Surakarta",
    "Magelang",
    "Tegal",
    "Pekalongan",
    "Kudus",
    "Yogyakarta",
    "Sleman",
    "Bantul",
    "Kediri",
    "Madiun",
    "Blitar",
    "Jember",
    "Banyuwangi",
    "Sidoarjo",
    "Gresik",
    "Probolinggo",
    "Pasuruan",
    "Mojokerto",
    "Batu",
    "Bukittinggi",
    "Dumai",
    "Tanjungpinang",
    "Pangkalpinang",
    "Palangka Raya",
    "Tarakan",
    "Gorontalo",
    "Ternate",
    "Sorong",
    "Merauke",
    "Timika",
    "Manokwari",
    "Labuan Bajo",
    "Banda Aceh",
    "Lhokseumawe",
    "Sabang",
    "Binjai",
    "Pematangsiantar",
    "Tebing Tinggi",
    "Karawang",
    "Purwakarta",
    "Cianjur",
    "Garut",
    "Indramayu",
    "Subang",
    "Sumedang",
    "Kuningan",
    "Majalengka",
    "Cimahi",
    "Banjar",
    "Purwokerto",
    "Banyumas",
    "Cilacap",
    "Klaten",
    "Boyolali",
    "Salatiga",
    "Jepara",
    "Rembang",
    "Bojonegoro",
    "Tuban",
    "Lamongan",
    "Nganjuk",
    "Ponorogo",
    "Pacitan",
    "Tulungagung",
    "Trenggalek",
    "Lumajang",
    "Situbondo",
    "Bondowoso",
    "Sumenep",
    "Pamekasan",
    "Bangkalan",
    "Sampang",
    "Gianyar",
    "Badung",
    "Tabanan",
    "Buleleng",
    "Singaraja",
    "Bima",
    "Sumbawa",
    "Ende",
    "Maumere",
    "Nunukan",
    "Bontang",
    "Singkawang",
    "Ketapang",
    "Nusantara",
    "IKN",
    "Senayan",
    "Monas",
    "Bandara Soekarno-Hatta",
    "Menteng",
    "Kuningan Jakarta",
]

# Indonesian ministries and agencies (K/L): canonical name → aliases.
KL: dict[str, list[str]] = {
    "Kementerian Luar Negeri": ["Kemenlu", "Kemlu", "Kementerian Luar Negeri RI"],
    "Kementerian Pertahanan": ["Kemhan", "Kemenhan"],
    "Kementerian Dalam Negeri": ["Kemendagri"],
    "Kementerian Keuangan": ["Kemenkeu"],
    "Kementerian Hukum dan HAM": ["Kemenkumham", "Kementerian Hukum"],
    "Kementerian Agama": ["Kemenag"],
    "Kementerian Kesehatan": ["Kemenkes"],
    "Kementerian Pendidikan, Kebudayaan, Riset, dan Teknologi": [
        "Kemendikbudristek",
        "Kemendikbud",
        "Kementerian Pendidikan dan Kebudayaan",
    ],
    "Kementerian Perdagangan": ["Kemendag"],
    "Kementerian Perindustrian": ["Kemenperin"],
    "Kementerian Pertanian": ["Kementan"],
    "Kementerian Perhubungan": ["Kemenhub"],
    "Kementerian Komunikasi dan Informatika": ["Kominfo", "Kemenkominfo", "Komdigi"],
    "Kementerian Badan Usaha Milik Negara": ["Kementerian BUMN", "Kemen BUMN"],
    "Kementerian Energi dan Sumber Daya Mineral": ["Kementerian ESDM", "KESDM"],
    "Kementerian Pekerjaan Umum dan Perumahan Rakyat": ["Kementerian PUPR", "KemenPUPR", "PUPR"],
    "Kementerian Sosial": ["Kemensos"],
    "Kementerian Ketenagakerjaan": ["Kemnaker", "Kemenaker"],
    "Kementerian Lingkungan Hidup dan Kehutanan": ["KLHK"],
    "Kementerian Kelautan dan Perikanan": ["KKP"],
    "Kementerian Pariwisata dan Ekonomi Kreatif": ["Kemenparekraf"],
    "Kementerian Sekretariat Negara": ["Kemensetneg", "Setneg"],
    "Kementerian Koordinator Bidang Politik, Hukum, dan Keamanan": ["Kemenko Polhukam"],
    "Kementerian Koordinator Bidang Perekonomian": ["Kemenko Perekonomian"],
    "Kementerian Koordinator Bidang Kemaritiman dan Investasi": ["Kemenko Marves"],
    "Kementerian Pemuda dan Olahraga": ["Kemenpora"],
    "Kementerian Desa, Pembangunan Daerah Tertinggal, dan Transmigrasi": ["Kemendes PDTT"],
    "Kementerian Investasi": ["BKPM", "Kementerian Investasi/BKPM"],
    "Tentara Nasional Indonesia": ["TNI"],
    "TNI Angkatan Darat": ["TNI AD"],
    "TNI Angkatan Laut": ["TNI AL"],
    "TNI Angkatan Udara": ["TNI AU"],
    "Kepolisian Negara Republik Indonesia": ["Polri", "Kepolisian RI", "Mabes Polri"],
    "Komisi Pemberantasan Korupsi": ["KPK"],
    "Kejaksaan Agung": ["Kejagung"],
    "Mahkamah Agung": ["MA"],
    "Mahkamah Konstitusi": ["MK"],
    "Komisi Yudisial": ["KY"],
    "Badan Pemeriksa Keuangan": ["BPK"],
    "Bank Indonesia": ["BI"],
    "Otoritas Jasa Keuangan": ["OJK"],
    "Badan Pusat Statistik": ["BPS"],
    "Badan Intelijen Negara": ["BIN"],
    "Badan Nasional Penanggulangan Bencana": ["BNPB"],
    "Badan Meteorologi, Klimatologi, dan Geofisika": ["BMKG"],
    "Badan Narkotika Nasional": ["BNN"],
    "Badan Nasional Penanggulangan Terorisme": ["BNPT"],
    "Badan Pengawas Obat dan Makanan": ["BPOM"],
    "Badan Riset dan Inovasi Nasional": ["BRIN"],
    "Badan Siber dan Sandi Negara": ["BSSN"],
    "Komisi Pemilihan Umum": ["KPU"],
    "Badan Pengawas Pemilihan Umum": ["Bawaslu"],
    "Komisi Nasional Hak Asasi Manusia": ["Komnas HAM"],
    "Badan Penyelenggara Jaminan Sosial Kesehatan": ["BPJS Kesehatan", "BPJS"],
    "Sekretariat Kabinet": ["Setkab"],
    "Kantor Staf Presiden": ["KSP"],
}

# Legislative and other state institutions (category Institusi).
INSTITUTIONS: dict[str, list[str]] = {
    "Dewan Perwakilan Rakyat": ["DPR", "DPR RI", "Parlemen"],
    "Majelis Permusyawaratan Rakyat": ["MPR", "MPR RI"],
    "Dewan Perwakilan Daerah": ["DPD", "DPD RI"],
    "Dewan Perwakilan Rakyat Daerah": ["DPRD"],
    "Pemerintah Provinsi DKI Jakarta": ["Pemprov DKI", "Pemprov DKI Jakarta"],
    "Istana Kepresidenan": ["Istana"],
}

# State-owned companies (BUMN).
BUMN: dict[str, list[str]] = {
    "Pertamina": ["PT Pertamina", "PT Pertamina (Persero)"],
    "Perusahaan Listrik Negara": ["PLN", "PT PLN", "PT PLN (Persero)"],
    "Telkom Indonesia": ["Telkom", "PT Telkom", "PT Telkom Indonesia"],
    "Bank Rakyat Indonesia": ["BRI", "Bank BRI"],
    "Bank Mandiri": ["Mandiri"],
    "Bank Negara Indonesia": ["BNI", "Bank BNI"],
    "Bank Tabungan Negara": ["BTN", "Bank BTN"],
    "Garuda Indonesia": ["Garuda", "PT Garuda Indonesia"],
    "Kereta Api Indonesia": ["KAI", "PT KAI", "PT Kereta Api Indonesia"],
    "Pelabuhan Indonesia": ["Pelindo"],
    "Angkasa Pura": ["AP I", "AP II"],
    "Antam": ["PT Antam", "Aneka Tambang"],
    "Bukit Asam": ["PTBA"],
    "Semen Indonesia": ["SIG"],
    "Pos Indonesia": ["PT Pos Indonesia"],
    "Perum Bulog": ["Bulog"],
    "Pindad": ["PT Pindad"],
    "PT Dirgantara Indonesia": ["PTDI"],
    "Jasa Marga": ["PT Jasa Marga"],
    "Wijaya Karya": ["WIKA"],
    "Waskita Karya": ["Waskita"],
    "Danantara": ["BPI Danantara"],
}

# Political parties.
PARTIES: dict[str, list[str]] = {
    "Partai Demokrasi Indonesia Perjuangan": ["PDI-P", "PDIP", "PDI Perjuangan"],
    "Partai Golongan Karya": ["Golkar", "Partai Golkar"],
    "Partai Gerakan Indonesia Raya": ["Gerindra", "Partai Gerindra"],
    "Partai Kebangkitan Bangsa": ["PKB"],
    "Partai NasDem": ["NasDem", "Nasdem"],
    "Partai Keadilan Sejahtera": ["PKS"],
    "Partai Demokrat": ["Demokrat"],
    "Partai Amanat Nasional": ["PAN"],
    "Partai Persatuan Pembangunan": ["PPP"],
    "Partai Solidaritas Indonesia": ["PSI"],
    "Partai Perindo": ["Perindo"],
    "Partai Hanura": ["Hanura"],
    "Partai Buruh": [],
    "Partai Gelora": ["Gelora"],
    "Partai Ummat": [],
    "Partai Komunis Tiongkok": ["PKT", "Partai Komunis China"],
    "Partai Republik": ["Republikan", "Partai Republik AS"],
    "Partai Demokrat AS": [],
    "Partai Buruh Korea": ["Partai Pekerja Korea"],
}

# International organisations.
INTERNATIONAL: dict[str, list[str]] = {
    "NATO": [
        "Pakta Pertahanan Atlantik Utara",
        "Organisasi Pakta Atlantik Utara",
        "North Atlantic Treaty Organization",
    ],
    "Perserikatan Bangsa-Bangsa": ["PBB", "UN", "United Nations"],
    "Dewan Keamanan PBB": ["DK PBB", "Dewan Keamanan"],
    "Majelis Umum PBB": ["MU PBB"],
    "ASEAN": ["Perhimpunan Bangsa-Bangsa Asia Tenggara"],
    "Uni Eropa": ["UE", "EU", "European Union"],
    "Uni Afrika": ["African Union"],
    "G20": ["G-20", "Kelompok 20"],
    "G7": ["G-7"],
    "BRICS": [],
    "APEC": [],
    "Organisasi Kesehatan Dunia": ["WHO", "World Health Organization"],
    "Organisasi Perdagangan Dunia": ["WTO"],
    "Dana Moneter Internasional": ["IMF"],
    "Bank Dunia": ["World Bank"],
    "Organisasi Kerja Sama Islam": ["OKI", "OIC"],
    "OPEC": ["OPEC+"],
    "UNESCO": [],
    "UNICEF": [],
    "UNHCR": [],
    "Mahkamah Pidana Internasional": ["ICC"],
    "Mahkamah Internasional": ["ICJ"],
    "Quad": ["Dialog Keamanan Segi Empat"],
    "AUKUS": [],
    "Hamas": [],
    "Hizbullah": ["Hezbollah"],
    "Taliban": [],
    "Organisasi untuk Keamanan dan Kerja Sama di Eropa": ["OSCE", "OSCE Eropa"],
}

# Non-governmental organisations (category NGO) and religious/civil bodies (Organisasi).
NGOS: dict[str, tuple[str, list[str]]] = {
    "Indonesia Corruption Watch": ("NGO", ["ICW"]),
    "Wahana Lingkungan Hidup Indonesia": ("NGO", ["Walhi"]),
    "Komisi untuk Orang Hilang dan Korban Tindak Kekerasan": ("NGO", ["KontraS"]),
    "Lembaga Bantuan Hukum": ("NGO", ["LBH"]),
    "Yayasan Lembaga Bantuan Hukum Indonesia": ("NGO", ["YLBHI"]),
    "Amnesty International": ("NGO", ["Amnesty"]),
    "Human Rights Watch": ("NGO", ["HRW"]),
    "Greenpeace": ("NGO", []),
    "Palang Merah Indonesia": ("NGO", ["PMI"]),
    "Nahdlatul Ulama": ("Organisasi", ["NU", "PBNU"]),
    "Muhammadiyah": ("Organisasi", ["PP Muhammadiyah"]),
    "Majelis Ulama Indonesia": ("Organisasi", ["MUI"]),
    "Kamar Dagang dan Industri Indonesia": ("Organisasi", ["Kadin"]),
    "Persatuan Sepak Bola Seluruh Indonesia": ("Organisasi", ["PSSI"]),
    "Komite Olimpiade Indonesia": ("Organisasi", ["KOI"]),
    "FIFA": ("Organisasi", []),
}

# Private companies and media often named in news (category Perusahaan).
COMPANIES: list[tuple[str, list[str]]] = [
    ("Reuters", []),
    ("Associated Press", ["AP"]),
    ("Agence France-Presse", ["AFP"]),
    ("Antara", ["Kantor Berita Antara", "ANTARA"]),
    ("Al Jazeera", []),
    ("BBC", []),
    ("CNN", []),
    ("CNBC Indonesia", []),
    ("Kompas", ["Kompas.com"]),
    ("Tempo", []),
    ("Detikcom", ["detik.com", "Detik"]),
    ("Nikkei Asia", ["Nikkei"]),
    ("Xinhua", []),
    ("Yonhap", []),
    ("Kyodo", []),
    ("TASS", []),
    ("RIA Novosti", []),
    ("Bloomberg", []),
    ("The New York Times", ["New York Times", "NYT"]),
    ("Deutsche Welle", ["DW"]),
    ("Google", []),
    ("Apple", []),
    ("Microsoft", []),
    ("Meta", ["Facebook"]),
    ("Tesla", []),
    ("Samsung", []),
    ("Toyota", []),
    ("Huawei", []),
    ("TikTok", []),
    ("GoTo", ["Gojek", "Tokopedia"]),
    ("Grab", []),
    ("Shopee", []),
]

# Well-known people, so nicknames and short forms resolve ("Jokowi" → "Joko Widodo").
PEOPLE: dict[str, list[str]] = {
    "Joko Widodo": ["Jokowi"],
    "Prabowo Subianto": ["Prabowo"],
    "Gibran Rakabuming Raka": ["Gibran"],
    "Ma'ruf Amin": [],
    "Susilo Bambang Yudhoyono": ["SBY"],
    "Megawati Soekarnoputri": ["Megawati"],
    "Basuki Tjahaja Purnama": ["Ahok"],
    "Anies Baswedan": ["Anies"],
    "Ganjar Pranowo": ["Ganjar"],
    "Retno Marsudi": ["Retno"],
    "Sri Mulyani Indrawati": ["Sri Mulyani"],
    "Luhut Binsar Pandjaitan": ["Luhut"],
    "Soekarno": ["Bung Karno"],
    "Soeharto": [],
    "Vladimir Putin": ["Putin"],
    "Volodymyr Zelensky": ["Zelensky", "Zelenskyy", "Volodymyr Zelenskyy"],
    "Joe Biden": ["Biden"],
    "Donald Trump": ["Trump"],
    "Xi Jinping": [],
    "Kim Jong Un": ["Kim Jong-un"],
    "Yoon Suk Yeol": ["Yoon Suk-yeol", "Yoon"],
    "Fumio Kishida": ["Kishida"],
    "Jens Stoltenberg": ["Stoltenberg"],
    "Antonio Guterres": ["Guterres", "António Guterres"],
    "Emmanuel Macron": ["Macron"],
    "Olaf Scholz": ["Scholz"],
    "Rishi Sunak": ["Sunak"],
    "Narendra Modi": ["Modi"],
    "Anthony Albanese": ["Albanese"],
    "Anwar Ibrahim": ["Anwar"],
    "Benjamin Netanyahu": ["Netanyahu"],
    "Recep Tayyip Erdogan": ["Erdogan"],
    "Sergei Lavrov": ["Lavrov"],
    "Antony Blinken": ["Blinken"],
    "Wang Yi": [],
    "Paus Fransiskus": ["Paus Francis"],
}

# Titles, honorifics and roles that precede a person's name.
TITLES: dict[str, str] = {
    "Presiden": "role",
    "Wakil Presiden": "role",
    "Wapres": "role",
    "Perdana Menteri": "role",
    "PM": "role",
    "Menteri": "role",
    "Menlu": "role",
    "Menhan": "role",
    "Mendagri": "role",
    "Menkeu": "role",
    "Menko": "role",
    "Wamen": "role",
    "Wakil Menteri": "role",
    "Sekjen": "role",
    "Sekretaris Jenderal": "role",
    "Dirjen": "role",
    "Direktur Jenderal": "role",
    "Direktur": "role",
    "Dirut": "role",
    "Direktur Utama": "role",
    "Ketua": "role",
    "Ketum": "role",
    "Ketua Umum": "role",
    "Wakil Ketua": "role",
    "Kepala": "role",
    "Kapolri": "role",
    "Kapolda": "role",
    "Kapolres": "role",
    "Panglima": "role",
    "Panglima TNI": "role",
    "Jenderal": "rank",
    "Letjen": "rank",
    "Mayjen": "rank",
    "Brigjen": "rank",
    "Kolonel": "rank",
    "Laksamana": "rank",
    "Marsekal": "rank",
    "Kapten": "rank",
    "AKBP": "rank",
    "Kombes": "rank",
    "Irjen": "rank",
    "Komjen": "rank",
    "Gubernur": "role",
    "Wagub": "role",
    "Wakil Gubernur": "role",
    "Bupati": "role",
    "Wakil Bupati": "role",
    "Wali Kota": "role",
    "Walikota": "role",
    "Wakil Wali Kota": "role",
    "Camat": "role",
    "Lurah": "role",
    "Kades": "role",
    "Kepala Desa": "role",
    "Duta Besar": "role",
    "Dubes": "role",
    "Jaksa Agung": "role",
    "Hakim": "role",
    "Jaksa": "role",
    "Juru Bicara": "role",
    "Jubir": "role",
    "Anggota": "role",
    "Senator": "role",
    "Raja": "role",
    "Ratu": "role",
    "Pangeran": "role",
    "Putra Mahkota": "role",
    "Kanselir": "role",
    "Kaisar": "role",
    "Paus": "role",
    "Pemimpin": "role",
    "Pemimpin Tertinggi": "role",
    "CEO": "role",
    "Pendiri": "role",
    "Pelatih": "role",
    "Kapten Tim": "role",
    "Profesor": "academic",
    "Prof": "academic",
    "Prof.": "academic",
    "Dr": "academic",
    "Dr.": "academic",
    "Dokter": "academic",
    "Ustaz": "honorific",
    "Ustadz": "honorific",
    "Kiai": "honorific",
    "KH": "honorific",
    "Habib": "honorific",
    "Gus": "honorific",
    "Pastor": "honorific",
    "Romo": "honorific",
    "Bapak": "honorific",
    "Pak": "honorific",
    "Ibu": "honorific",
    "Bu": "honorific",
    "Mas": "honorific",
    "Mbak": "honorific",
    "Bang": "honorific",
    "Tuan": "honorific",
    "Nyonya": "honorific",
    "Saudara": "honorific",
    "Sdr": "honorific",
    "Haji": "honorific",
    "H.": "honorific",
    "Hj.": "honorific",
    "Mr": "honorific",
    "Mrs": "honorific",
    "Ms": "honorific",
    "Sir": "honorific",
    "Sultan": "role",
    "Syekh": "honorific",
    "Tersangka": "role",
    "Terdakwa": "role",
    "Pengamat": "role",
    "Analis": "role",
    "Peneliti": "role",
    "Ekonom": "role",
    "Politikus": "role",
    "Politisi": "role",
    "Aktivis": "role",
    "Artis": "role",
    "Penyanyi": "role",
    "Aktor": "role",
    "Aktris": "role",
    "Pebulu tangkis": "role",
    "Pesepak bola": "role",
    "Striker": "role",
    "Kiper": "role",
    **{
        t: "role"
        for t in [
            "Menteri Luar Negeri",
            "Menteri Dalam Negeri",
            "Menteri Pertahanan",
            "Menteri Keuangan",
            "Menteri Perdagangan",
            "Menteri Kesehatan",
            "Menteri Agama",
            "Menteri Sosial",
            "Menteri Pertanian",
            "Menteri Perhubungan",
            "Menteri Perindustrian",
            "Menteri BUMN",
            "Menteri Sekretaris Negara",
            "Menteri Koordinator",
            "Menteri Pendidikan",
            "Menteri Hukum",
            "Menteri Investasi",
            "Menteri Pariwisata",
            "Menteri Ketenagakerjaan",
            "Kepala Staf",
            "Kepala Negara",
            "Kepala Pemerintahan",
            "Kepala Daerah",
            "Ketua DPR",
            "Ketua MPR",
            "Ketua Harian",
            "Wakil Perdana Menteri",
            "Wakil Ketua Umum",
            "Sekretaris Negara",
            "Sekretaris Kabinet",
            "Jaksa Penuntut Umum",
            "Pelaksana Tugas",
            "Plt",
            "Pj",
            "Penjabat",
        ]
    },
}

# Head words that start (or end) an organisation or a place name.
KEYWORDS: dict[str, str] = {
    **{
        w: "org"
        for w in [
            "Kementerian",
            "Kemenko",
            "Badan",
            "Komisi",
            "Dinas",
            "Lembaga",
            "Dewan",
            "Majelis",
            "Mahkamah",
            "Pengadilan",
            "Kejaksaan",
            "Kepolisian",
            "Polda",
            "Polres",
            "Polsek",
            "Kodam",
            "Korem",
            "Kodim",
            "Pemerintah",
            "Pemprov",
            "Pemkot",
            "Pemkab",
            "Partai",
            "Universitas",
            "Institut",
            "Sekolah",
            "SMA",
            "SMP",
            "SD",
            "Yayasan",
            "Perusahaan",
            "PT",
            "CV",
            "Tbk",
            "Bank",
            "Persatuan",
            "Perhimpunan",
            "Asosiasi",
            "Ikatan",
            "Himpunan",
            "Gerakan",
            "Front",
            "Aliansi",
            "Koalisi",
            "Organisasi",
            "Federasi",
            "Klub",
            "FC",
            "Persib",
            "Persija",
            "Rumah Sakit",
            "RS",
            "RSUD",
            "Direktorat",
            "Ditjen",
            "Kantor",
            "Fraksi",
            "Otoritas",
            "Akademi",
            "Fakultas",
            "Pusat",
            "Kongres",
            "Senat",
            "Parlemen",
        ]
    },
    **{
        w: "loc"
        for w in [
            "Kota",
            "Kabupaten",
            "Kab.",
            "Provinsi",
            "Kecamatan",
            "Kelurahan",
            "Desa",
            "Dusun",
            "Kampung",
            "Jalan",
            "Jl",
            "Jl.",
            "Pulau",
            "Kepulauan",
            "Gunung",
            "Sungai",
            "Danau",
            "Laut",
            "Selat",
            "Teluk",
            "Tanjung",
            "Pantai",
            "Bandara",
            "Pelabuhan",
            "Stasiun",
            "Terminal",
            "Pasar",
            "Masjid",
            "Gereja",
            "Pura",
            "Candi",
            "Taman",
            "Lapangan",
            "Stadion",
            "Gedung",
            "Istana",
            "Pangkalan",
            "Benua",
            "Kawasan",
            "Wilayah",
            "Semenanjung",
            "Samudra",
            "Samudera",
            "Lembah",
            "Bukit",
            "Distrik",
            "Negara Bagian",
            "Prefektur",
        ]
    },
    **{
        w: "evt"
        for w in [
            "KTT",
            "Konferensi",
            "Pemilu",
            "Pilpres",
            "Pilkada",
            "Olimpiade",
            "Piala",
            "Festival",
            "Perang",
            "Pekan",
            "Kejuaraan",
            "Liga",
            "Forum",
            "Muktamar",
            "Munas",
            "Kongres",
            "Asian Games",
            "SEA Games",
        ]
    },
}


def _iso_english_names() -> dict[str, list[str]]:
    import pycountry

    names: dict[str, list[str]] = {}
    for c in pycountry.countries:
        found = [c.name]
        for attr in ("common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                found.append(value)
        names[c.alpha_2] = found
    return names


def _indonesian_iso_names() -> dict[str, str]:
    """pycountry's own Indonesian translation (iso-codes), a second opinion beside CLDR."""
    import pycountry

    try:
        tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["id"])
    except OSError:
        return {}
    return {c.alpha_2: tr.gettext(c.name) for c in pycountry.countries}


def build() -> dict[str, int]:
    import pycountry
    from babel import Locale

    locale = Locale("id")
    english = _iso_english_names()
    iso_id = _indonesian_iso_names()
    rows: list[tuple[str, str, str, list[str], str]] = []
    country_name: dict[str, str] = {}
    for c in pycountry.countries:
        code = c.alpha_2
        name = locale.territories.get(code) or iso_id.get(code) or c.name
        # CLDR's "Myanmar (Burma)", "Inggris Raya": keep the plain everyday form canonical.
        name = {"MM": "Myanmar", "GB": "Inggris", "PS": "Palestina"}.get(code, name)
        country_name[code] = name
        aliases = {locale.territories.get(code, ""), iso_id.get(code, ""), *english.get(code, [])}
        aliases.update(COUNTRY_ALIASES.get(code, []))
        # ISO's inverted forms ("Korea, Republic of") never occur in running text.
        aliases = {a for a in aliases if a and a != name and "," not in a}
        rows.append((name, "GPE", "Negara", sorted(aliases), ""))
    # CLDR's world regions ("Asia", "Eropa", "Asia Tenggara"); "Bagian" forms are rare in news.
    for code, name in locale.territories.items():
        if code.isdigit() and code != "001":
            short = name.replace(" Bagian ", " ")
            rows.append((short, "LOC", "Kawasan", [name] if short != name else [], ""))
    rows.append(("Asia-Pasifik", "LOC", "Kawasan", ["Asia Pasifik"], ""))
    rows.append(("Indo-Pasifik", "LOC", "Kawasan", ["Indo Pasifik"], ""))
    rows.append(("Timur Tengah", "LOC", "Kawasan", [], ""))
    for sub in pycountry.subdivisions.get(country_code="ID"):
        if sub.type not in {"Province", "Capital district", "Special region"}:
            continue
        name = {
            "Jakarta Raya": "DKI Jakarta",
            "Yogyakarta": "DI Yogyakarta",
            "Papua Pengunungan": "Papua Pegunungan",
        }.get(sub.name, sub.name)
        aliases = {sub.name, f"Provinsi {name}"}
        if name == "DI Yogyakarta":
            aliases |= {"Daerah Istimewa Yogyakarta", "DIY"}
        if name == "DKI Jakarta":
            aliases |= {"Daerah Khusus Ibukota Jakarta"}
        aliases.discard(name)
        rows.append((name, "GPE", "Provinsi", sorted(aliases), ""))
    for city, (code, aliases) in CAPITALS.items():
        # Indonesian news rarely writes "Jakarta" for the state: no metonym for home.
        category, metonym = ("Kab/Kota", "") if code == "ID" else ("Kota Dunia", country_name[code])
        rows.append((city, "GPE", category, sorted(aliases), metonym))
    for seat, (code, aliases) in SEATS.items():
        rows.append((seat, "LOC", "Fasum", sorted(aliases), country_name[code]))
    seen = {r[0] for r in rows}
    for city in CITIES:
        if city not in seen:
            rows.append((city, "GPE", "Kab/Kota", [], ""))
    for table, category in (
        (KL, "K/L"),
        (INSTITUTIONS, "Institusi"),
        (BUMN, "BUMN"),
        (PARTIES, "Partai"),
        (INTERNATIONAL, "Organisasi"),
    ):
        for name, aliases in table.items():
            rows.append((name, "ORG", category, sorted(aliases), ""))
    for name, (category, aliases) in NGOS.items():
        rows.append((name, "ORG", category, sorted(aliases), ""))
    for name, aliases in COMPANIES:
        rows.append((name, "ORG", "Perusahaan", sorted(aliases), ""))
    for name, aliases in PEOPLE.items():
        rows.append((name, "PER", "Tokoh", sorted(aliases), ""))

    OUT.mkdir(parents=True, exist_ok=True)
    header = (
        "# Generated by `python -m kabar.lang.build_gazetteers` from Babel/CLDR (Indonesian\n"
        "# country names), pycountry (ISO 3166 English names, Indonesian provinces) and the\n"
        "# hand-curated lists in that script. Do not edit by hand: edit the script and rerun.\n"
        "# name\tlabel\tcategory\taliases (| separated)\tmetonym_of\n"
    )
    lines = [f"{n}\t{lbl}\t{cat}\t{'|'.join(al)}\t{met}" for n, lbl, cat, al, met in rows]
    (OUT / "gazetteer.tsv").write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    (OUT / "titles.tsv").write_text(
        "# Generated by kabar.lang.build_gazetteers: titles and roles before a name.\n"
        "# title\tkind (role, rank, academic, honorific)\n"
        + "\n".join(f"{t}\t{k}" for t, k in TITLES.items())
        + "\n",
        encoding="utf-8",
    )
    (OUT / "ner_keywords.tsv").write_text(
        "# Generated by kabar.lang.build_gazetteers: head words of names (org, loc, evt).\n"
        "# word\tkind\n" + "\n".join(f"{w}\t{k}" for w, k in KEYWORDS.items()) + "\n",
        encoding="utf-8",
    )
    return {"gazetteer": len(rows), "titles": len(TITLES), "keywords": len(KEYWORDS)}


if __name__ == "__main__":
    print(build())
