"""The web UI in a real headless Chromium: front page → story → article → search → entity.

Needs the Debian packages ``chromium`` and ``chromium-driver`` (skipped with a message when
they are absent). Screenshots go to ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from serving_fixtures import XSS_TITLE, build_demo_store, live_server

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("KABAR_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("KABAR_CHROMEDRIVER", "/usr/bin/chromedriver")
SHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, demo_dir: Path) -> Iterator[str]:
    if not any(demo_dir.glob("*.txt")):
        pytest.skip(f"no demo corpus in {demo_dir}")
    db = tmp_path_factory.mktemp("browser") / "demo.db"
    build_demo_store(f"sqlite:///{db}", demo_dir)
    with live_server(f"sqlite:///{db}") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip(
            f"headless browser test skipped: {CHROMIUM} or {CHROMEDRIVER} is missing"
            " (apt-get install chromium chromium-driver)"
        )
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never download
    profile = tempfile.mkdtemp(prefix="kabar-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,1000",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def shot(driver: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    # A tall window so the screenshot shows the whole page, not only the first screen.
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(int(height), 800), 4000))
    driver.save_screenshot(str(SHOTS / f"{name}.png"))
    driver.set_window_size(1280, 1000)


def css(driver: Any, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(driver.find_elements(By.CSS_SELECTOR, selector))


def test_front_story_article_entity_walk(browser: Any, base_url: str) -> None:
    browser.get(base_url + "/?lang=id")
    assert "kabar" in browser.title
    cards = css(browser, "li.story-card")
    assert len(cards) >= 5, "the demo corpus forms several stories"
    first = cards[0]
    assert "artikel" in first.text and "media" in first.text  # counts a person can read
    shot(browser, "01-front")
    title = first.find_element("css selector", "h2 a")
    story_title = title.text
    title.click()

    assert css(browser, "h1")[0].text == story_title
    assert css(browser, ".by-outlet .outlet-group"), "articles grouped by outlet"
    assert css(browser, ".timeline li"), "a timeline of publication/event times"
    page = browser.find_element("css selector", "main").text
    assert "Artikel per media" in page and "Linimasa" in page
    shot(browser, "02-story")

    link = css(browser, ".by-outlet .story-article a")[0]
    article_title = link.text
    link.click()
    assert css(browser, "h1")[0].text == article_title
    paragraphs = css(browser, ".article .body p")
    assert paragraphs and all(p.text.strip() for p in paragraphs)
    removed = css(browser, "details.removed")
    assert removed, "removed lines are listed"
    assert removed[0].get_attribute("open") is None  # folded until asked
    hidden_rows = css(browser, "details.removed tbody tr")
    assert hidden_rows and not hidden_rows[0].is_displayed()
    css(browser, "details.removed summary")[0].click()
    assert hidden_rows[0].is_displayed()
    kinds = {k.text for k in css(browser, "details.removed span.kind")}
    assert kinds and kinds <= {
        "menu", "related", "caption", "photo_credit", "byline", "dateline", "timestamp",
        "follow", "ad", "share", "tags", "source", "editor", "pagination", "duplicate",
        "unknown", "blank",
    }  # fmt: skip
    shot(browser, "03-article")

    mentions = css(browser, ".article .body a.ent")
    if mentions:  # the entities stage has run: a mention leads to its entity page
        name = mentions[0].text
        mentions[0].click()
        assert css(browser, "h1")[0].text
        body = browser.find_element("css selector", "main").text
        assert "penyebutan" in body
        assert name.split()[0].casefold() in body.casefold()
        shot(browser, "04-entity")


def test_search_with_stemming_and_filters(browser: Any, base_url: str) -> None:
    from selenium.webdriver.common.keys import Keys

    browser.get(base_url + "/?lang=id")
    box = css(browser, "#quick-q")[0]
    box.send_keys("banjir bandang", Keys.ENTER)
    hits = css(browser, "li.hit")
    assert hits, "the flood story is found"
    marks = [m.text.casefold() for m in css(browser, "li.hit mark")]
    assert marks and set(marks) <= {"banjir", "bandang", "kebanjiran"}
    assert "hasil untuk" in browser.find_element("css selector", "p.count").text
    shot(browser, "05-search")

    # Affixes: "seruan" finds the article that says "menyerukan".
    browser.get(base_url + "/search?q=seruan")
    marked = [m.text.casefold() for m in css(browser, "li.hit mark")]
    assert "menyerukan" in marked, marked

    # The language filter narrows the results to English pages.
    browser.get(base_url + "/search?q=flood&language=en")
    english = css(browser, "li.hit")
    assert english
    select = css(browser, "select[name=language] option[selected]")
    assert select and select[0].get_attribute("value") == "en"

    # Hostile query strings are just words: a page, never an error.
    browser.get(base_url + "/search?q=%22%29%29+OR+1%3D1%3B+DROP+TABLE+articles%3B--")
    assert css(browser, "form.filters")
    assert "Terjadi kesalahan" not in browser.page_source


def test_english_interface(browser: Any, base_url: str) -> None:
    browser.get(base_url + "/?lang=en")
    nav = browser.find_element("css selector", "header.site nav").text
    assert "Home" in nav and "Search" in nav
    browser.get(base_url + "/search")  # the cookie keeps English
    assert "Search" in css(browser, "h1")[0].text
    shot(browser, "06-search-en")
    css(browser, "a.lang")[0].click()  # and back to Indonesian
    assert "Cari" in css(browser, "h1")[0].text
    browser.get(base_url + "/quotes")
    assert "Kutipan" in css(browser, "h1")[0].text
    shot(browser, "08-quotes")


def test_script_in_article_text_is_shown_not_run(browser: Any, base_url: str) -> None:
    browser.get(base_url + "/search?q=penggusuran+pasar")
    links = css(browser, "li.hit h2 a")
    assert links, "the hostile page was ingested and is searchable"
    assert "<script>" in links[0].text
    links[0].click()
    assert css(browser, "h1")[0].text == XSS_TITLE
    body = browser.find_element("css selector", ".article .body").text
    assert "<img src=x onerror=" in body and "<b>Tebal</b>" in body
    assert browser.execute_script("return window.__kabar_xss") is None
    assert not css(browser, ".article .body script, .article .body img, .article .body b")
    shot(browser, "07-escaped-article")


def test_unknown_story_is_a_readable_404(browser: Any, base_url: str) -> None:
    browser.get(base_url + "/story/does-not-exist")
    assert "Tidak ditemukan" in css(browser, "h1")[0].text
    assert css(browser, "a[href='/']")
