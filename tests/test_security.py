"""Nobody gets in: token-guarded writes, loopback by default, injection and script payloads
through every filter and page, path traversal, request size limits, no secrets in logs.

A real ``kabar serve`` process (its output captured) serves a demo store that also holds a
hostile page ingested through the API and a hand-made article whose title, outlet and entity
names carry script payloads. The filters are found by introspection (every query and path
parameter of every GET route, every text option of the read commands of the CLI), so a filter
added later is covered without editing this file.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click
import httpx
import psutil
import pytest
from click.testing import CliRunner
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from kabar.api import create_app
from kabar.cli import cli
from kabar.models import Article, Entity, Line, LineKind, Mention, RawDocument, Span
from kabar.store.base import open_store
from server_process import Server, kabar_server

TOKEN = "sec-token-3c41a9f07d2e"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
XSS = [SCRIPT, IMG]
# what must never appear unescaped in a page (the payloads, and their working parts)
RAW_MARKUP = [SCRIPT, "<img src=x onerror=alert(1)>", "<script>alert"]

INJECTIONS = [
    "' OR 1=1 --",
    '"; DROP TABLE articles; --',
    "' UNION SELECT name, sql FROM sqlite_master --",
    "1); DELETE FROM raw_documents; --",
    '"',
    "NEAR(banjir tol, 2)",
    "title:banjir OR body:*",
    "banjir AND OR NOT",
    "*",
    "^tol (((",
    "%",
    "_",
    "\\",
    "\x00",
    "x\x00' OR 1=1 --",
    SCRIPT,
    IMG,
    "../../etc/passwd",
    "😀\u202e\u0301",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "A" * 10_000,
    ("' OR 1=1 -- " * 900)[:10_000],
]
# what an error must never show: the database talking
LEAKS = [
    "Traceback",
    "OperationalError",
    "DatabaseError",
    "ProgrammingError",
    "IntegrityError",
    "sqlite3",
    "psycopg",
    "syntax error",
    "unrecognized token",
    "no such column",
    "no such table",
    "fts5",
    "malformed MATCH",
]


def error_shape(response: httpx.Response, status: int | None = None) -> dict[str, Any]:
    """The API's one error shape: ``{"error": {"code": str, "message": str}}``."""
    if status is not None:
        assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] and body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


def no_leak(text: str, where: str) -> None:
    found = [marker for marker in LEAKS if marker in text]
    assert not found, f"{where}: {found} in {text[:300]!r}"


# --- the store and the server -------------------------------------------------------------


def hostile_article(raw_id: str) -> Article:
    """A stored article whose title, outlet and entity names are script payloads."""
    person = Entity(id="ent-xss-person", name=f"Budi {SCRIPT}", label="PER")
    org = Entity(id="ent-xss-org", name=f"Yayasan {IMG}", label="ORG")
    body = f"Kata {person.name} kepada {org.name} di balai warga kemarin sore."
    start_p = body.index(person.name)
    start_o = body.index(org.name)
    return Article(
        id="art-xss-hand",
        raw_id=raw_id,
        origin="test:hand-made",
        url="https://uji.example/hand",
        outlet=f"Kabar {IMG}",
        title=f"Judul {SCRIPT} dan {IMG} tetap teks",
        fetched_at=datetime.now(UTC),
        lines=[
            Line(index=0, text=f"Judul {SCRIPT}", kind=LineKind.TITLE),
            Line(index=1, text=body, kind=LineKind.BODY),
        ],
        entities=[person, org],
        mentions=[
            Mention(
                text=person.name,
                label="PER",
                span=Span(line=1, start=start_p, end=start_p + len(person.name)),
                entity_id=person.id,
            ),
            Mention(
                text=org.name,
                label="ORG",
                span=Span(line=1, start=start_o, end=start_o + len(org.name)),
                entity_id=org.id,
            ),
        ],
    )


HOSTILE_PAGE = {
    "text": (
        f"Warga Kampung Uji Protes {SCRIPT} Tarif Air {IMG}\n\n"
        f"Kampung Uji - Ratusan warga mendatangi kantor perusahaan air minum pada Senin pagi "
        f"untuk memprotes kenaikan tarif {SCRIPT} yang dinilai terlalu tinggi. {IMG}\n\n"
        f'"Kami minta tarif dikembalikan {SCRIPT}," kata Sari Wulandari {IMG}, koordinator '
        "warga, kepada wartawan.\n"
    ),
    "url": "https://uji.example/protes-tarif-air",
    "outlet": f"Kabar {SCRIPT} Uji",
}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("security") / "kabar.db"
    url = f"sqlite:///{db}"
    assert CliRunner().invoke(cli, ["demo", "--db", url]).exit_code == 0
    content = f"Judul {SCRIPT}\n\nBerita buatan tangan dengan {IMG} di dalamnya.".encode()
    raw = RawDocument(id=RawDocument.hash(content), content=content, origin="test:hand-made")
    with open_store(url) as store:
        store.put_raw([raw])
        store.put_articles([hostile_article(raw.id)])
    assert CliRunner().invoke(cli, ["recluster", "--db", url]).exit_code == 0
    return db


@pytest.fixture(scope="module")
def server(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("security-log") / "server.log"
    with kabar_server(f"sqlite:///{store_path}", log, token=TOKEN) as running:
        yield running


@pytest.fixture(scope="module")
def http(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def hostile_id(http: httpx.Client) -> str:
    response = http.post("/api/ingest", json=HOSTILE_PAGE, headers=AUTH)
    assert response.status_code == 200, response.text
    item = response.json()["items"][0]
    assert item["status"] in {"created", "exists"}, item
    return str(item["article_id"])


# --- token auth -----------------------------------------------------------------------------


def test_writes_need_the_token(http: httpx.Client) -> None:
    page = {"text": "Judul uji token\n\nIsi berita uji token yang cukup panjang untuk dibaca."}
    refused = [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer \tx"},
        {"Authorization": TOKEN},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": f"Bearer {TOKEN[:-1]}"},
        {"Authorization": f"Bearer {TOKEN.upper()}"},
        {"Authorization": "Bearer ' OR 1=1 --"},
        {"X-Token": TOKEN},
    ]
    before = http.get("/api/stats").json()["raw"]
    for headers in refused:
        response = http.post("/api/ingest", json=page, headers=headers)
        error = error_shape(response)
        assert response.status_code == 401, (headers, response.status_code)
        assert error["code"] == "unauthorized"
        assert TOKEN not in response.text
    assert http.get("/api/stats").json()["raw"] == before  # nothing was written
    ok = http.post("/api/ingest", json=page, headers=AUTH)
    assert ok.status_code == 200 and TOKEN not in ok.text
    for method in ("put", "delete", "patch"):
        response = getattr(http, method)("/api/ingest", headers=AUTH)
        assert response.status_code == 405


@pytest.mark.parametrize("configured", [None, ""])
def test_writes_are_refused_without_a_configured_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, configured: str | None
) -> None:
    monkeypatch.delenv("KABAR_TOKEN", raising=False)
    if configured is not None:
        monkeypatch.setenv("KABAR_TOKEN", configured)
    page = {"text": "Judul\n\nIsi berita yang tidak boleh tersimpan tanpa token."}
    with TestClient(create_app(f"sqlite:///{tmp_path / 'ro.db'}")) as client:
        for headers in ({}, {"Authorization": "Bearer"}, {"Authorization": "Bearer anything"}):
            response = client.post("/api/ingest", json=page, headers=headers)
            assert response.status_code in {401, 403}
            error_shape(response)  # type: ignore[arg-type]
        assert client.get("/api/stats").json()["raw"] == 0


# --- where it listens -------------------------------------------------------------------------


def test_serve_binds_loopback_by_default(server: Server) -> None:
    from kabar.cli_serve import serve

    host = next(p for p in serve.params if p.name == "host")
    assert host.default == "127.0.0.1"
    # the running server was started without --host: it listens on loopback only
    listening = [
        c.laddr
        for c in psutil.Process(server.process.pid).net_connections(kind="inet")
        if c.status == psutil.CONN_LISTEN
    ]
    assert listening and all(addr.ip == "127.0.0.1" for addr in listening), listening
    for address in non_loopback_addresses():
        with socket.socket() as s, pytest.raises(OSError):
            s.settimeout(2)
            s.connect((address, server.port))


def non_loopback_addresses() -> list[str]:
    out = []
    for addresses in psutil.net_if_addrs().values():
        for a in addresses:
            if a.family == socket.AF_INET and not a.address.startswith("127."):
                out.append(a.address)
    return out


# --- injection through every filter: API and web pages ------------------------------------


def get_routes() -> list[tuple[str, list[str], list[str]]]:
    """``(path, query parameter names, path parameter names)`` of every GET route."""
    app = create_app("sqlite:///:memory:")
    routes = []

    def walk(items: list[Any]) -> None:
        for route in items:
            inner = getattr(route, "original_router", None)  # an included router (FastAPI)
            if inner is not None:
                walk(inner.routes)
            elif isinstance(route, APIRoute) and "GET" in route.methods:
                query = [p.alias for p in route.dependant.query_params]
                if not route.path.startswith("/api"):
                    query.append("lang")  # read by every page from the raw query string
                path = [p.alias for p in route.dependant.path_params]
                routes.append((route.path, query, path))

    walk(app.routes)
    return routes


def check_response(response: httpx.Response, where: str) -> None:
    assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:300]}"
    assert response.status_code in {200, 404, 422}, f"{where}: {response.status_code}"
    if response.status_code != 200 and "json" in response.headers["content-type"]:
        error_shape(response)
    if response.headers["content-type"].startswith("text/html"):
        for markup in RAW_MARKUP:
            assert markup not in response.text, f"{where}: unescaped {markup!r}"
    no_leak(response.text, where)


def test_injection_strings_through_every_api_and_page_parameter(
    http: httpx.Client, store_path: Path, hostile_id: str
) -> None:
    before = http.get("/api/stats").json()
    tried = 0
    routes = get_routes()
    assert any(path == "/api/search" for path, _, _ in routes)
    for path, query, path_params in routes:
        if path_params:  # the ids themselves: every payload as the id
            for evil in INJECTIONS:
                url = path
                for name in path_params:
                    url = url.replace("{" + name + "}", quote(evil, safe=""))
                check_response(http.get(url), f"{path} {evil[:30]!r}")
                tried += 1
            continue
        for name in query:
            for evil in INJECTIONS:
                where = f"{path}?{name}={evil[:30]!r}"
                check_response(http.get(path, params={name: evil}), where)
                tried += 1
    # a URL that is not even UTF-8 once decoded
    for raw in ("/api/search?q=%ED%A0%80", "/search?q=%FF%FE", "/api/articles?outlet=%C0%AF"):
        check_response(http.get(raw), raw)
    assert tried > 500
    assert http.get("/api/stats").json() == before  # nothing changed or dropped
    check = subprocess.run(
        [sys.executable, "-m", "kabar", "check", "--json", "--db", f"sqlite:///{store_path}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0 and json.loads(check.stdout)["problems"] == [], check.stdout


# --- injection through every filter: the CLI -------------------------------------------------

READ_COMMANDS = ["articles", "search", "stories", "story", "storylines", "show", "quotes"]
READ_COMMANDS += ["rejections", "stats", "entities", "speakers"]


def text_params(command: click.Command) -> list[click.Parameter]:
    return [
        p
        for p in command.params
        if isinstance(p.type, click.types.StringParamType) and p.name != "db_url"
    ]


def test_injection_strings_through_every_cli_filter(store_path: Path) -> None:
    url = f"sqlite:///{store_path}"
    runner = CliRunner()
    before = runner.invoke(cli, ["stats", "--json", "--db", url])
    assert before.exit_code == 0
    commands = [cli.commands[name] for name in READ_COMMANDS if name in cli.commands]
    assert len(commands) >= 6
    tried = 0
    for command in commands:
        params = text_params(command)
        arguments = [p for p in params if isinstance(p, click.Argument)]
        for param in params:
            for evil in INJECTIONS:
                args = [command.name or ""]
                for arg in arguments:  # required positionals get a harmless word
                    args.append(evil if arg is param else "banjir")
                if isinstance(param, click.Option):
                    args += [param.opts[0], evil]
                result = runner.invoke(cli, [*args, "--db", url])
                where = f"kabar {command.name} {param.name}={evil[:30]!r}"
                assert result.exit_code in {0, 1, 2}, (where, result.output[-500:])
                assert result.exception is None or isinstance(result.exception, SystemExit), (
                    where,
                    repr(result.exception),
                )
                no_leak(result.output, where)
                tried += 1
    assert tried > 200
    after = runner.invoke(cli, ["stats", "--json", "--db", url])
    assert after.output == before.output  # the store holds what it held
    check = runner.invoke(cli, ["check", "--json", "--db", url])
    assert check.exit_code == 0 and json.loads(check.output)["problems"] == []


# --- script payloads in a page: every web page that shows it escapes it ---------------------


def assert_escaped(html: str, where: str, *, shown: bool = True) -> None:
    for markup in RAW_MARKUP:
        assert markup not in html, f"{where}: unescaped {markup!r}"
    assert "onerror=alert(1)>" not in html.replace("&gt;", ""), where
    if shown:  # the payload is on the page, as text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;img src=x" in html, where


def test_script_payloads_are_escaped_on_every_page(http: httpx.Client, hostile_id: str) -> None:
    article = http.get(f"/api/articles/{hostile_id}").json()
    assert SCRIPT in article["title"] and SCRIPT in json.dumps(article)  # stored as given
    hand = http.get("/api/articles/art-xss-hand").json()
    pages = {
        "article (API ingest)": f"/article/{hostile_id}",
        "article (hand-made)": "/article/art-xss-hand",
        "entity person": "/entity/ent-xss-person",
        "entity org": "/entity/ent-xss-org",
        "entities list": "/entities?q=Budi",
        "search": "/search?q=protes+tarif+air",
        "search by outlet": "/search?q=tarif&outlet=" + quote(HOSTILE_PAGE["outlet"]),
    }
    for story_id in {article.get("story_id"), hand.get("story_id")} - {None}:
        pages[f"story {story_id}"] = f"/story/{story_id}"
    assert any(k.startswith("story") for k in pages), "no story holds a hostile article"
    for name, path in pages.items():
        response = http.get(path)
        assert response.status_code == 200, (name, response.status_code)
        assert response.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert_escaped(response.text, name)
    front = http.get("/").text
    assert_escaped(front, "front page", shown=("&lt;script&gt;" in front or "&lt;img" in front))
    quotes = http.get("/quotes").text
    assert_escaped(quotes, "quotes page", shown=False)
    # the JSON API returns the text as data, never as HTML
    for path in (f"/api/articles/{hostile_id}", "/api/search?q=protes+tarif"):
        assert http.get(path).headers["content-type"].startswith("application/json")


# --- file names: path traversal ------------------------------------------------------------

TRAVERSALS = [
    "/static/../../etc/passwd",
    "/static/..%2f..%2f..%2fetc%2fpasswd",
    "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static/....//....//etc/passwd",
    "/static//etc/passwd",
    "/static/%252e%252e/%252e%252e/etc/passwd",
    "/static/..\\..\\..\\etc\\passwd",
    "/static/style.css%00.txt",
    "/static/../api/app.py",
    "/static/../../../../../../../../etc/passwd",
    "/../../etc/passwd",
]


def raw_get(server: Server, target: str) -> tuple[int, bytes]:
    """A GET with the request target sent exactly as written (no client normalisation)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_path_traversal_is_rejected(server: Server, http: httpx.Client, store_path: Path) -> None:
    passwd = Path("/etc/passwd").read_bytes()[:40] if Path("/etc/passwd").exists() else b"root:"
    source = Path(__file__).resolve().parents[1] / "src" / "kabar" / "api" / "app.py"
    secret_bits = [passwd, source.read_bytes()[:60]]
    for target in TRAVERSALS:
        status, body = raw_get(server, target)
        assert status in {400, 404}, (target, status)
        assert not any(bit in body for bit in secret_bits), target
    assert raw_get(server, "/static/style.css")[0] == 200  # the folder itself still serves
    # the language switch names a translation, never a file
    page = http.get("/", params={"lang": "../../etc/passwd"})
    assert page.status_code == 200 and passwd not in page.content
    # pages posted with file URLs are stored as given; nothing is read from the disk
    crafted = {
        "html": (
            "<html><head><title>Berkas</title><link rel=stylesheet href='../../etc/passwd'>"
            "<link rel=canonical href='file:///etc/passwd'></head><body><article>"
            "<p>Isi halaman uji yang menyebut berkas lokal tanpa pernah membacanya sama "
            "sekali, cukup panjang untuk menjadi artikel.</p>"
            "<img src='file:///etc/passwd'><iframe src='../../etc/passwd'></iframe>"
            "</article></body></html>"
        ),
        "url": "file:///etc/passwd",
    }
    response = http.post("/api/ingest", json=crafted, headers=AUTH)
    assert response.status_code == 200
    article_id = response.json()["items"][0].get("article_id")
    if article_id:
        assert passwd not in http.get(f"/api/articles/{article_id}").content
    # the CLI's id arguments are ids, not file names
    runner = CliRunner()
    for command in ("show", "story"):
        result = runner.invoke(
            cli, [command, "../../etc/passwd", "--db", f"sqlite:///{store_path}"]
        )
        assert result.exit_code in {1, 2} and passwd.decode() not in result.output


# --- request size limits and bad bodies -----------------------------------------------------


def test_oversized_and_malformed_bodies_are_refused(server: Server, http: httpx.Client) -> None:
    from kabar.api.app import DEFAULT_BODY_LIMIT

    big = b'{"text": "' + b"a" * (DEFAULT_BODY_LIMIT + 10) + b'"}'
    for headers in (AUTH, {}):
        response = http.post("/api/ingest", content=big, headers=headers)
        assert error_shape(response, 413)["code"] == "payload_too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit still holds
        for _ in range(DEFAULT_BODY_LIMIT // (1 << 20) + 2):
            yield b"a" * (1 << 20)

    response = http.post("/api/ingest", content=chunks(), headers=AUTH)
    assert error_shape(response, 413)["code"] == "payload_too_large"
    bad_bodies = [
        b"\xff\xfe\x00\x00not utf-8",
        '{"text": "caf\xe9 \xe0 la carte"}'.encode("latin-1"),
        '{"text": "x"}'.encode("utf-16"),
        b"[" * 200_000,
        b'{"text": "\\ud800"}',
        b"\x00" * 1000,
        b'{"text": "a", "fetched_at": "0001-01-01T00:00:00+01:00"}',
    ]
    for body in bad_bodies:
        response = http.post("/api/ingest", content=body, headers=AUTH)
        assert response.status_code < 500, (body[:30], response.text[:200])
        if response.status_code != 200:
            assert 400 <= response.status_code < 500
            error_shape(response)
    # a declared length that is not a number
    status, body = raw_request(server, b"POST /api/ingest HTTP/1.1\r\nContent-Length: x\r\n")
    assert 400 <= status < 500
    # a request line and headers far over any sane size
    status, _ = raw_request(server, b"GET /api/search?q=" + b"a" * 200_000 + b" HTTP/1.1\r\n")
    assert 400 <= status < 500 or status == 200
    assert http.get("/api/stats").status_code == 200  # still serving


def raw_request(server: Server, head: bytes) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
        s.sendall(head + b"Host: x\r\nConnection: close\r\n\r\n")
        data = b""
        try:
            while chunk := s.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    if not data:
        return 400, b""  # the server closed the connection: refused
    head_bytes, _, body = data.partition(b"\r\n\r\n")
    return int(head_bytes.split()[1]), body


# --- no secrets in logs ------------------------------------------------------------------------


def test_token_never_reaches_the_logs(
    server: Server, http: httpx.Client, tmp_path: Path, hostile_id: str
) -> None:
    # requests that log (errors, refusals, a validation failure carrying the token as data)
    http.post("/api/ingest", content=b"{not json", headers=AUTH)
    http.post("/api/ingest", json={"text": TOKEN, "evil": TOKEN}, headers=AUTH)
    http.post("/api/ingest", json={"text": "x"}, headers={"Authorization": f"Bearer {TOKEN}!"})
    http.get("/api/articles", params={"since": TOKEN}, headers=AUTH)
    http.get(f"/api/articles/{TOKEN}", headers=AUTH)
    assert TOKEN not in server.output()
    # and a server with access logs on, as an operator might run it
    out = subprocess.run(
        [sys.executable, "-c", LOUD_SERVER, f"sqlite:///{tmp_path / 'loud.db'}", TOKEN],
        capture_output=True,
        text=True,
        timeout=180,
        env={k: v for k, v in os.environ.items() if k != "KABAR_TOKEN"},
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "POST /api/ingest" in out.stdout + out.stderr  # the access log did record requests
    assert TOKEN not in out.stdout + out.stderr


# the app under uvicorn with info-level access logs, driven in-process, then stopped
LOUD_SERVER = """
import sys, threading, time, httpx, uvicorn
from kabar.api import create_app
url, token = sys.argv[1], sys.argv[2]
app = create_app(url, token=token)
config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="debug", access_log=True)
server = uvicorn.Server(config)
thread = threading.Thread(target=server.run, daemon=True)
thread.start()
while not server.started:
    time.sleep(0.05)
port = server.servers[0].sockets[0].getsockname()[1]
base = f"http://127.0.0.1:{port}"
auth = {"Authorization": f"Bearer {token}"}
page = {"text": "Judul log\\n\\nIsi berita untuk menguji log server dengan token rahasia."}
httpx.post(base + "/api/ingest", json=page, headers=auth, timeout=120)
httpx.post(base + "/api/ingest", content=b"{bad", headers=auth, timeout=60)
httpx.post(base + "/api/ingest", json=page, headers={"Authorization": "Bearer " + token + "x"})
httpx.get(base + "/api/articles", params={"since": "soon"}, headers=auth)
server.should_exit = True
thread.join(30)
"""
