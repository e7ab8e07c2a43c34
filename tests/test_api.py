"""The HTTP API and the server-rendered pages: every route, its errors, the token, bad input."""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kabar.api import create_app
from kabar.models import Article, Entity, Line, LineKind, Mention, Span
from kabar.store.base import open_store
from serving_fixtures import XSS_TITLE, build_demo_store, live_server

TOKEN = "uji-token-8f2c1e"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

INJECTIONS = [
    "' OR '1'='1",
    "'; DROP TABLE articles; --",
    '" OR 1=1 --',
    "1; DELETE FROM stories",
    "%",
    "_",
    "\\",
    "NEAR(a b)",
    "title:* OR body:*",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "\x00",
    "😀" * 50,
]


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory, demo_dir: Path) -> str:
    if not any(demo_dir.glob("*.txt")):
        pytest.skip(f"no demo corpus in {demo_dir}")
    url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'demo.db'}"
    build_demo_store(url, demo_dir)
    return url


@pytest.fixture(scope="module")
def client(demo_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(demo_url, token=TOKEN)) as c:
        yield c


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[TestClient]:
    """An app over an empty store, for writes."""
    with TestClient(create_app(f"sqlite:///{tmp_path / 'fresh.db'}", token=TOKEN)) as c:
        yield c


def error_of(response: Any, status: int) -> dict[str, Any]:
    """The one error shape, checked: ``{"error": {"code": str, "message": str}}``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


def when(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def first_id(client: TestClient, route: str) -> str:
    items = client.get(route, params={"limit": 1}).json()["items"]
    assert items, f"{route} is empty"
    key = "article_id" if "article_id" in items[0] and "id" not in items[0] else "id"
    return str(items[0][key])


# --- reads ------------------------------------------------------------------------------------


def test_articles_list_filters_and_pages(client: TestClient) -> None:
    body = client.get("/api/articles").json()
    assert body["total"] >= 40 and len(body["items"]) == 50 and body["limit"] == 50
    times = [when(a["published"]) for a in body["items"] if a["published"]]
    assert times == sorted(times, reverse=True)
    page2 = client.get("/api/articles", params={"limit": 10, "offset": 10}).json()["items"]
    page1 = client.get("/api/articles", params={"limit": 20}).json()["items"]
    assert [a["id"] for a in page2] == [a["id"] for a in page1[10:20]]
    outlet = body["items"][0]["outlet"]
    only = client.get("/api/articles", params={"outlet": outlet.upper()}).json()
    assert only["total"] >= 1 and {a["outlet"] for a in only["items"]} == {outlet}
    english = client.get("/api/articles", params={"language": "en"}).json()["items"]
    assert english and {a["language"] for a in english} == {"en"}
    since = client.get("/api/articles", params={"since": "2024-10-01"}).json()["items"]
    assert since and all(when(a["published"]) >= when("2024-10-01") for a in since)
    until = client.get("/api/articles", params={"until": "2024-03-01T00:00:00+07:00"}).json()
    cut = when("2024-03-01T00:00:00+07:00")
    assert until["items"] and all(when(a["published"]) <= cut for a in until["items"])
    story = first_id(client, "/api/stories")
    in_story = client.get("/api/articles", params={"story": story}).json()["items"]
    assert in_story and {a["story_id"] for a in in_story} == {story}
    entity = first_id(client, "/api/entities")
    with_entity = client.get("/api/articles", params={"entity": entity}).json()
    assert with_entity["total"] >= 1


def test_article_detail_has_lines_removed_lines_and_reuse(client: TestClient) -> None:
    article_id = first_id(client, "/api/articles")
    a = client.get(f"/api/articles/{article_id}").json()
    assert a["id"] == article_id and a["title"] and a["body"]
    assert a["lines"] and all({"index", "text", "kind", "reason"} <= set(ln) for ln in a["lines"])
    assert a["removed_lines"], "demo pages carry menus and footers"
    assert all(r["kind"] not in {"body", "lead", "title"} for r in a["removed_lines"])
    assert all(r["reason"] for r in a["removed_lines"])
    assert isinstance(a["reuse"], list)
    assert "minhash" not in a
    # Some demo article copies another outlet's paragraphs: reuse links name the other side.
    linked = []
    for item in client.get("/api/articles", params={"limit": 200}).json()["items"]:
        reuse = client.get(f"/api/articles/{item['id']}").json()["reuse"]
        linked += reuse
    if linked:
        assert {"line", "other", "other_line", "similarity", "direction"} <= set(linked[0])


def test_stories_and_story_detail(client: TestClient) -> None:
    stories = client.get("/api/stories").json()["items"]
    assert len(stories) >= 5
    assert all(s["n_articles"] == len(s["article_ids"]) for s in stories)
    assert "timeline" not in stories[0]
    last = [when(s["last_seen"]) for s in stories if s["last_seen"]]
    assert last == sorted(last, reverse=True)
    multi = next(s for s in stories if s["n_outlets"] > 1)
    story = client.get(f"/api/stories/{multi['id']}").json()
    assert story["title"] == multi["title"]
    assert len(story["articles_by_outlet"]) == multi["n_outlets"]
    listed = {i["id"] for items in story["articles_by_outlet"].values() for i in items}
    assert listed == set(multi["article_ids"])
    assert isinstance(story["quotes_by_speaker"], dict) and isinstance(story["timeline"], list)
    assert client.get("/api/stories", params={"since": "2099-01-01"}).json()["items"] == []


def test_storylines(client: TestClient) -> None:
    lines = client.get("/api/storylines").json()["items"]
    assert lines and all(ln["story_ids"] for ln in lines)
    one = client.get(f"/api/storylines/{lines[0]['id']}").json()
    assert {s["id"] for s in one["stories"]} <= set(lines[0]["story_ids"])


def test_search_route(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "Banjir bandang"}).json()
    assert body["terms"] == ["banjir", "bandang"]
    assert body["items"] and body["limit"] == 20
    for hit in body["items"]:
        assert hit["snippet"] and hit["highlights"]
        for start, end in hit["highlights"]:
            assert hit["snippet"][start:end].casefold() in {"banjir", "bandang"}
    scores = [h["score"] for h in body["items"]]
    assert scores == sorted(scores, reverse=True)
    stem = client.get("/api/search", params={"q": "seruan"}).json()["items"]
    assert any("menyerukan" in [h["snippet"][a:b] for a, b in h["highlights"]] for h in stem), (
        "affixed words match their stem"
    )
    english = client.get("/api/search", params={"q": "flood", "language": "en"}).json()
    assert english["items"] and all(
        client.get(f"/api/articles/{h['article_id']}").json()["language"] == "en"
        for h in english["items"]
    )
    assert client.get("/api/search", params={"q": ""}).json()["items"] == []
    assert client.get("/api/search", params={"q": "x" * 10_000}).status_code == 200


def test_entities_and_entity_detail(client: TestClient) -> None:
    rows = client.get("/api/entities").json()["items"]
    assert rows and rows == sorted(rows, key=lambda r: -r["mentions"])
    people = client.get("/api/entities", params={"label": "PER"}).json()["items"]
    assert people and {r["label"] for r in people} == {"PER"}
    name = rows[0]["name"]
    found = client.get("/api/entities", params={"q": name[:4].lower()}).json()["items"]
    assert name in {r["name"] for r in found}
    detail = client.get(f"/api/entities/{rows[0]['id']}").json()
    assert detail["entity"]["name"] == name and isinstance(detail["aliases"], list)
    assert detail["mention_count"] >= 1 and detail["articles"]
    assert all(m["text"] for row in detail["articles"] for m in row["mentions"])
    assert detail["mentions_per_day"] and isinstance(detail["quoted_by"], list)


def test_quotes_and_speakers(client: TestClient) -> None:
    quotes = client.get("/api/quotes").json()["items"]
    speakers = client.get("/api/speakers").json()["items"]
    if not quotes:
        pytest.skip("the quotes stage has not produced quotes for the demo corpus")
    assert all(q["quote"]["text"] for q in quotes)
    assert speakers and {"speaker", "outlet", "count"} == set(speakers[0])
    top = speakers[0]
    by_speaker = client.get("/api/quotes", params={"speaker": top["speaker"]}).json()["items"]
    assert by_speaker and all(
        top["speaker"].casefold() in (q["quote"]["speaker"] or "").casefold() for q in by_speaker
    )
    by_outlet = client.get("/api/quotes", params={"outlet": top["outlet"]}).json()["items"]
    assert by_outlet and {q["outlet"] for q in by_outlet} == {top["outlet"]}
    story = by_speaker[0]["story_id"]
    if story:
        in_story = client.get("/api/quotes", params={"story": story}).json()["items"]
        assert {q["story_id"] for q in in_story} == {story}
    only = client.get("/api/speakers", params={"speaker": top["speaker"]}).json()["items"]
    assert {s["speaker"] for s in only} == {top["speaker"]}


def test_stats(client: TestClient) -> None:
    stats = client.get("/api/stats").json()
    assert stats["articles"] >= 40 and stats["stories"] >= 5 and stats["rejections"] >= 1


def test_every_api_route_is_documented(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}

    def walk(routes: list[Any]) -> Iterator[Any]:
        for r in routes:
            inner = getattr(r, "original_router", None)  # FastAPI's included routers
            yield from walk(inner.routes) if inner is not None else [r]

    routes = {
        (r.path, m)
        for r in walk(client.app.routes)  # type: ignore[attr-defined]
        if getattr(r, "path", "").startswith("/api")
        for m in getattr(r, "methods", set())
        if m != "HEAD"
    }
    assert routes and routes <= documented
    ingest = spec["paths"]["/api/ingest"]["post"]
    assert "pages" in json.dumps(ingest["requestBody"])
    for path, ops in spec["paths"].items():
        for op in ops.values():
            assert op.get("description") or op.get("summary"), path


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "route",
    [
        "/api/articles/nope",
        "/api/stories/nope",
        "/api/storylines/nope",
        "/api/entities/nope",
        "/api/nothing-here",
    ],
)
def test_unknown_ids_are_404(client: TestClient, route: str) -> None:
    error = error_of(client.get(route), 404)
    assert error["code"] == "not_found"


def test_error_shapes(client: TestClient) -> None:
    assert error_of(client.delete("/api/articles"), 405)["code"] == "method_not_allowed"
    assert error_of(client.post("/api/search"), 405)["code"] == "method_not_allowed"
    bad = error_of(client.get("/api/articles", params={"limit": 201}), 422)
    assert bad["code"] == "validation_error" and "limit" in bad["message"]
    assert error_of(client.get("/api/articles", params={"limit": 0}), 422)
    assert error_of(client.get("/api/articles", params={"offset": -1}), 422)
    assert error_of(client.get("/api/articles", params={"limit": "ten"}), 422)
    assert (
        "since" in error_of(client.get("/api/articles", params={"since": "soon"}), 422)["message"]
    )
    assert error_of(client.get("/api/search", params={"q": "x" * 10_001}), 422)
    assert error_of(client.get("/api/articles/" + "x" * 500), 422)
    # A browser asking for a missing page gets a page, with the same status.
    page = client.get("/story/nope", headers={"accept": "text/html"})
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]


def test_injection_strings_through_every_filter(client: TestClient) -> None:
    before = client.get("/api/stats").json()
    routes: dict[str, list[str]] = {
        "/api/articles": ["outlet", "language", "since", "until", "story", "entity"],
        "/api/search": ["q", "outlet", "language", "story", "entity"],
        "/api/stories": ["since"],
        "/api/entities": ["label", "q"],
        "/api/quotes": ["speaker", "outlet", "story", "article", "q"],
        "/api/speakers": ["speaker"],
        "/search": ["q", "outlet", "language", "story", "entity"],
        "/entities": ["q", "label"],
        "/quotes": ["speaker", "outlet"],
    }
    for route, params in routes.items():
        for param in params:
            for evil in INJECTIONS:
                r = client.get(route, params={param: evil})
                assert r.status_code in {200, 422}, (route, param, evil, r.text[:200])
                if r.status_code == 422:
                    assert param in {"since", "until"}, (route, param, evil)
                    error_of(r, 422)
    for evil in INJECTIONS:
        from urllib.parse import quote

        for route in ("/api/articles/", "/api/stories/", "/api/entities/", "/article/"):
            r = client.get(route + quote(evil, safe=""))
            assert r.status_code in {404, 422}, (route, evil)
    assert client.get("/api/stats").json() == before  # nothing was changed or dropped


# --- writes -----------------------------------------------------------------------------------

PAGE_TEXT = (
    "Jembatan Gantung Desa Uji Diresmikan\n\n"
    "Warga Desa Uji kini bisa menyeberangi sungai tanpa perahu setelah jembatan gantung "
    "sepanjang 80 meter diresmikan bupati pada Sabtu pagi.\n\n"
    "Jembatan itu dibangun dengan dana desa dan gotong royong warga selama enam bulan.\n"
)


def test_ingest_needs_a_token(fresh: TestClient, tmp_path: Path, monkeypatch: Any) -> None:
    page = {"text": PAGE_TEXT}
    assert error_of(fresh.post("/api/ingest", json=page), 401)["code"] == "unauthorized"
    wrong = {"Authorization": "Bearer nope"}
    assert error_of(fresh.post("/api/ingest", json=page, headers=wrong), 401)
    basic = {"Authorization": f"Basic {TOKEN}"}
    assert error_of(fresh.post("/api/ingest", json=page, headers=basic), 401)
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr("kabar.api.app.hmac.compare_digest", spy)
    assert fresh.post("/api/ingest", json=page, headers=AUTH).status_code == 200
    assert compared and compared[-1] == (TOKEN.encode(), TOKEN.encode())  # constant-time check
    monkeypatch.delenv("KABAR_TOKEN", raising=False)
    with TestClient(create_app(f"sqlite:///{tmp_path / 'ro.db'}")) as read_only:
        error = error_of(read_only.post("/api/ingest", json=page, headers=AUTH), 403)
        assert "KABAR_TOKEN" in error["message"]
    monkeypatch.setenv("KABAR_TOKEN", "from-env")
    with TestClient(create_app(f"sqlite:///{tmp_path / 'env.db'}")) as from_env:
        ok = from_env.post("/api/ingest", json=page, headers={"Authorization": "Bearer from-env"})
        assert ok.status_code == 200


def test_ingest_outcomes(fresh: TestClient) -> None:
    one = fresh.post(
        "/api/ingest",
        json={"text": PAGE_TEXT, "url": "https://uji.example/jembatan", "outlet": "Kabar Uji"},
        headers=AUTH,
    ).json()
    item = one["items"][0]
    assert item["status"] == "created" and item["new_input"] is True
    assert item["title"] == "Jembatan Gantung Desa Uji Diresmikan"
    article = fresh.get(f"/api/articles/{item['article_id']}").json()
    assert article["url"] == "https://uji.example/jembatan" and article["outlet"]
    hits = fresh.get("/api/search", params={"q": "jembatan gantung"}).json()["items"]
    assert [h["article_id"] for h in hits] == [item["article_id"]]

    html = (
        "<html><head><title>Pasar Apung Dibuka Lagi</title></head><body><nav>Beranda</nav>"
        "<article><h1>Pasar Apung Dibuka Lagi</h1><p>Pedagang pasar apung kembali berjualan "
        "di sungai setelah dermaga kayu selesai diperbaiki pekan ini.</p><p>Pengunjung datang "
        "sejak subuh untuk membeli sayur dan ikan segar langsung dari perahu.</p></article>"
        "</body></html>"
    )
    batch = fresh.post(
        "/api/ingest",
        json={
            "pages": [
                {"text": PAGE_TEXT},  # the same bytes again
                {"html": html, "url": "https://uji.example/pasar-apung"},
                {"text": "\x00\x01\x02\x03 binary junk \x00\x00"},
            ]
        },
        headers=AUTH,
    ).json()
    statuses = [i["status"] for i in batch["items"]]
    assert statuses == ["exists", "created", "rejected"]
    assert batch["items"][0]["article_id"] == item["article_id"]
    assert batch["items"][2]["reason"]
    assert batch["counts"] == {"exists": 1, "created": 1, "rejected": 1}
    as_list = fresh.post("/api/ingest", json=[{"text": PAGE_TEXT}], headers=AUTH).json()
    assert as_list["items"][0]["status"] == "exists"
    assert fresh.get("/api/articles").json()["total"] == 2


def test_ingest_bad_bodies(fresh: TestClient, tmp_path: Path) -> None:
    def post(body: bytes | None = None, **kw: Any) -> Any:
        return fresh.post("/api/ingest", content=body, headers=AUTH | kw.pop("headers", {}))

    assert error_of(post(b"\xff\xfe\x00bad"), 400)["code"] == "bad_request"
    assert "UTF-8" in error_of(post('{"text": "caf\xe9"}'.encode("latin-1")), 400)["message"]
    assert error_of(post(b"{not json"), 400)
    assert error_of(post(b""), 400)
    assert error_of(post(b"[" * 100_000), 400)
    assert error_of(post(b"42"), 422)
    assert error_of(post(b'{"text": 42}'), 422)
    assert error_of(post(b'{"text": "a", "html": "<p>b</p>"}'), 422)
    assert error_of(post(b'{"text": ""}'), 422)
    assert error_of(post(b'{"text": "a", "evil": 1}'), 422)
    assert error_of(post(b'{"pages": []}'), 422)
    assert error_of(post(json.dumps({"pages": [{"text": "x"}] * 101}).encode()), 422)
    assert error_of(post(b'{"text": "a", "fetched_at": "yesterday"}'), 422)
    # A lone surrogate (legal in a JSON escape, not in UTF-8) is refused cleanly.
    assert error_of(post(b'{"text": "Judul\\n\\nIsi \\ud800 berita."}'), 422)
    with TestClient(
        create_app(f"sqlite:///{tmp_path / 's.db'}", token=TOKEN, body_limit=1000)
    ) as c:
        big = json.dumps({"text": "kata " * 1000}).encode()
        assert error_of(c.post("/api/ingest", content=big, headers=AUTH), 413)["code"] == (
            "payload_too_large"
        )

        def chunks() -> Iterator[bytes]:  # no Content-Length: the limit still holds
            for _ in range(10):
                yield b"x" * 500

        assert error_of(c.post("/api/ingest", content=chunks(), headers=AUTH), 413)


# --- web pages --------------------------------------------------------------------------------


def test_pages_render(client: TestClient) -> None:
    story = first_id(client, "/api/stories")
    article = first_id(client, "/api/articles")
    entity = first_id(client, "/api/entities")
    for path in (
        "/",
        "/?offset=20",
        f"/story/{story}",
        f"/article/{article}",
        f"/entity/{entity}",
        "/entities",
        "/entities?label=PER&q=a",
        "/search",
        "/search?q=tol&since=2024-01-01&language=id",
        "/quotes",
        "/quotes?speaker=a",
        "/static/style.css",
        "/static/kabar.js",
    ):
        r = client.get(path)
        assert r.status_code == 200, path
    front = client.get("/")
    assert (
        "Content-Security-Policy" in front.headers
        and "script-src 'self'" in (front.headers["Content-Security-Policy"])
    )
    assert 'class="card story-card"' in front.text


def test_language_switch_and_cookie(client: TestClient) -> None:
    english = client.get("/?lang=en")
    assert "Latest stories" in english.text and english.cookies.get("kabar_lang") == "en"
    assert "Latest stories" in client.get("/").text  # remembered
    indonesian = client.get("/?lang=id")
    assert "Peristiwa terkini" in indonesian.text
    assert "Peristiwa terkini" in client.get("/?lang=xx").text


def test_article_text_with_script_is_escaped(client: TestClient) -> None:
    hits = client.get("/api/search", params={"q": "penggusuran pasar"}).json()["items"]
    article_id = hits[0]["article_id"]
    assert hits[0]["title"] == XSS_TITLE
    for page in (f"/article/{article_id}", "/search?q=penggusuran+pasar", "/"):
        html = client.get(page).text
        assert "<script>window.__kabar_xss" not in html
        assert "<img src=x" not in html and 'href="javascript:' not in html
    html = client.get(f"/article/{article_id}").text
    assert "&lt;script&gt;window.__kabar_xss = 1&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html


def test_entity_names_with_markup_are_escaped(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    evil = Entity(id="e-evil", name='<img src=x onerror="alert(1)">Budi', label="PER")
    line = Line(index=1, text=f"Kata {evil.name} kemarin.", kind=LineKind.BODY)
    a = Article(
        id="a-evil",
        raw_id="r-evil",
        origin="test",
        title='Judul <script>alert("x")</script>',
        lines=[Line(index=0, text="Judul", kind=LineKind.TITLE), line],
        entities=[evil],
        mentions=[
            Mention(
                text=evil.name,
                label="PER",
                span=Span(line=1, start=5, end=5 + len(evil.name)),
                entity_id=evil.id,
            )
        ],
    )
    with open_store(url) as store:
        store.migrate()
        store.put_articles([a])
    with TestClient(create_app(url)) as c:
        for page in ("/entity/e-evil", "/entities", "/article/a-evil", "/"):
            html = c.get(page).text
            assert "<img src=x" not in html and "<script>alert" not in html, page
            assert "&lt;img src=x onerror=" in html or page == "/", page


def test_front_page_falls_back_to_articles_then_to_a_hint(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'plain.db'}"
    with TestClient(create_app(url)) as c:
        assert "kabar demo" in c.get("/").text  # nothing stored yet
    with open_store(url) as store:
        store.put_articles(
            [
                Article(
                    id="a1",
                    raw_id="r1",
                    origin="test",
                    title="Kabar Tanpa Peristiwa",
                    lines=[Line(index=0, text="Isi singkat saja.", kind=LineKind.BODY)],
                )
            ]
        )
    with TestClient(create_app(url)) as c:
        html = c.get("/").text
        assert "Kabar Tanpa Peristiwa" in html and "Artikel terbaru" in html
        assert c.get("/article/a1").status_code == 200  # no entities, quotes, story: fine


# --- concurrency ------------------------------------------------------------------------------


def test_200_concurrent_clients_mixing_reads_and_ingests(demo_url: str) -> None:
    import httpx

    pages = [
        {
            "text": f"Lomba Perahu Hias Ke-{i} di Teluk Uji\n\n"
            f"Peserta nomor {i} menghias perahu dengan janur dan lampu warna-warni untuk "
            f"lomba tahunan yang digelar panitia kampung nelayan pada malam ke-{i}.\n",
            "url": f"https://uji.example/perahu-{i}",
            "outlet": "Kabar Uji",
        }
        for i in range(20)
    ]
    with live_server(demo_url, token=TOKEN) as base:
        story = httpx.get(f"{base}/api/stories", params={"limit": 1}).json()["items"][0]["id"]
        reads = [
            "/api/articles?limit=5",
            f"/api/stories/{story}",
            "/api/search?q=tol+mandar",
            "/api/entities?limit=5",
            f"/story/{story}",
            "/",
        ]

        def work(i: int) -> int:
            with httpx.Client(base_url=base, timeout=120) as http:
                if i % 10 == 0:
                    r = http.post("/api/ingest", json=pages[i // 10], headers=AUTH)
                    ok = r.status_code == 200 and r.json()["items"][0]["status"] == "created"
                    return 0 if ok else 1
                r = http.get(reads[i % len(reads)])
                return 0 if r.status_code == 200 else 1

        with ThreadPoolExecutor(max_workers=200) as pool:
            errors = sum(pool.map(work, range(200)))
        assert errors == 0
        for i in range(20):  # no lost writes
            hits = httpx.get(f"{base}/api/search", params={"q": f"perahu hias ke-{i}"}).json()
            assert any(
                h["title"] == f"Lomba Perahu Hias Ke-{i} di Teluk Uji" for h in hits["items"]
            ), i


# --- the same app over PostgreSQL -------------------------------------------------------------


@pytest.mark.postgres
def test_routes_over_postgres(demo_dir: Path) -> None:
    from store_backends import postgres_store

    with postgres_store() as store:
        build_demo_store(store.url, demo_dir)
        with TestClient(create_app(store.url, token=TOKEN)) as c:
            assert c.get("/api/articles").json()["total"] >= 40
            story = first_id(c, "/api/stories")
            assert c.get(f"/api/stories/{story}").json()["articles_by_outlet"]
            hits = c.get("/api/search", params={"q": "seruan"}).json()["items"]
            assert any(
                "menyerukan" in [h["snippet"][a:b] for a, b in h["highlights"]] for h in hits
            )
            for evil in INJECTIONS:
                assert c.get("/api/search", params={"q": evil, "outlet": evil}).status_code == 200
            created = c.post("/api/ingest", json={"text": PAGE_TEXT}, headers=AUTH).json()
            assert created["items"][0]["status"] == "created"
            for path in ("/", f"/story/{story}", "/search?q=jembatan", "/entities", "/quotes"):
                assert c.get(path).status_code == 200, path
            assert "Jembatan Gantung" in c.get("/search?q=jembatan").text


# --- the command and the docs -----------------------------------------------------------------


def test_kabar_serve_binds_loopback_by_default(tmp_path: Path, monkeypatch: Any) -> None:
    import subprocess
    import sys
    import time

    import httpx
    from click.testing import CliRunner

    from kabar.cli import cli
    from serving_fixtures import free_port

    help_text = CliRunner().invoke(cli, ["serve", "--help"]).output
    assert "127.0.0.1" in help_text and "--db" in help_text and "--port" in help_text
    port = free_port()
    env = {k: v for k, v in __import__("os").environ.items() if k != "KABAR_TOKEN"}
    server = subprocess.Popen(
        [sys.executable, "-m", "kabar", "serve", "--port", str(port), "--db",
         f"sqlite:///{tmp_path / 's.db'}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/stats", timeout=2)
                break
            except httpx.HTTPError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "kabar serve did not answer"
                time.sleep(0.2)
        assert r.status_code == 200 and r.json()["articles"] == 0
        refused = httpx.post(
            f"http://127.0.0.1:{port}/api/ingest", json={"text": "x"}, headers=AUTH
        )
        assert refused.status_code == 403  # no KABAR_TOKEN: writes are off
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_every_api_route_is_in_docs_serving(client: TestClient) -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "serving.md").read_text("utf-8")
    spec = client.get("/openapi.json").json()
    for path, ops in spec["paths"].items():
        for method in ops:
            assert f"{method.upper()} {path}" in doc, f"{method.upper()} {path} not in serving.md"
