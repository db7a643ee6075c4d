"""The API, the HTTP endpoints and the page on the sample's real store (slow: a real run, the
real query model, a real browser).

The store is a copy of the session's real run of the sample (`sample_run`, shared with the
flows' tests).
"""

from __future__ import annotations

import io
import json
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from browser import chromium

pytestmark = pytest.mark.slow

LOOPBACK_ONLY = ["--proxy-bypass-list=127.0.0.1", "--window-size=1400,1500"]
# Questions a coordinator preparing the next event would ask, and the difficulty the sample's
# notes give for each (a fragment of a segment expected among the three shown). The search
# reads USE vectors (`Settings.embedder_query`): it puts two of these four second, where e5
# put all four first (bench/search.py weighs the two on held-out questions).
QUESTIONS = [
    ("les saisonniers n'arrivent pas à se loger", {}, "Logement des saisonniers"),
    ("les sites logistiques sont difficiles d'accès sans voiture la nuit", {},
     "Plateformes logistiques"),
    ("chaque financeur a ses propres règles", {"territory": "marseille"},
     "critères des autres financeurs"),
    ("les conseillers ne sont pas formés au numérique", {},
     "Conseillers pas formés à l'accompagnement au numérique"),
]


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory, sample_run) -> Path:
    out = tmp_path_factory.mktemp("sample")
    _, params, _ = sample_run
    shutil.copy(params.store, out / "corpus.duckdb")
    shutil.copytree(params.out, out / "reports")
    return out / "corpus.duckdb"


@pytest.fixture(scope="session")
def sample_api(sample_store):
    import corpus

    return corpus.open(sample_store)


@pytest.mark.parametrize(("question", "filters", "fragment"), QUESTIONS)
def test_the_api_answers_a_coordinator_with_the_samples_difficulties(
        sample_api, question, filters, fragment):
    found = sample_api.query(question, orientation="difficulte", limit=3, **filters)
    assert any(fragment in text for text in found["text"]), found[["score", "text"]]
    assert set(found["orientation"]) == {"difficulte"}


def test_themes_and_a_theme_page_on_the_sample(sample_api):
    themes = sample_api.themes()
    assert len(themes) >= 3 and themes["segments"].sum() > 100
    top = sample_api.theme(themes["theme_id"].iloc[0])
    assert top["terms"] and len(top["quotes"]) >= 5
    assert {e["event"] for e in top["evolution"]} == {
        "marseille/2026-03-journee-cep", "haute-provence/2026-06-journee-cep"}
    assert any(q["before"] or q["after"] for q in top["quotes"])


def test_http_contract_on_the_sample(sample_api):
    from fastapi.testclient import TestClient

    from corpus.explore.app import create_app

    client = TestClient(create_app(sample_api))
    results = client.get("/api/search", params={
        "q": "logement des saisonniers", "orientation": "difficulte", "limit": 5}).json()["results"]
    assert "saisonniers" in results[0]["text"] and len(results) == 5
    themes = client.get("/api/themes").json()
    on_disk = json.loads((sample_api.path.parent / "reports" / "themes.json").read_text("utf-8"))
    assert [t["theme_id"] for t in themes] == [t["theme_id"] for t in on_disk]
    assert [t["label"] for t in themes] == [t["label"] for t in on_disk]
    theme = client.get(f"/api/themes/{themes[0]['theme_id']}").json()
    assert theme["quotes"] and theme["label"] == themes[0]["label"]
    bad = client.get("/api/search", params={"q": "x", "event": "2031-lyon"})
    assert bad.status_code == 400 and "marseille/2026-03-journee-cep" in bad.json()["detail"]


# -- the page in a real browser ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(sample_api):
    import uvicorn

    from corpus.explore.app import create_app

    port = _free_port()
    config = uvicorn.Config(create_app(sample_api), host="127.0.0.1", port=port,
                            log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser(tmp_path):
    with chromium(tmp_path / "profile", LOOPBACK_ONLY) as driver:
        yield driver


def _requested(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _wait(driver, script: str, timeout: float = 60.0):
    end = time.time() + timeout
    while time.time() < end:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"la page n'a pas atteint l'état attendu : {script}")


def _shown(driver) -> int:
    return int(driver.find_element("id", "map").get_attribute("data-shown") or -1)


def test_the_explorer_in_a_browser(browser, server, tmp_path):
    from PIL import Image
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    browser.get("about:blank")
    _requested(browser)
    browser.get(server + "/")
    _wait(browser, "return document.querySelectorAll('#results li.quote').length > 0 && "
                   "document.getElementById('map').getAttribute('data-shown')")
    everything, listed = _shown(browser), browser.find_element("id", "count").text
    assert everything > 100

    # a filter narrows the map and the list together, and lands in the URL
    Select(browser.find_element("id", "f-territory")).select_by_value("haute-provence")
    _wait(browser, "return document.body.getAttribute('data-state').includes('territory')")
    _wait(browser, f"return document.getElementById('map').getAttribute('data-shown') < "
                   f"{everything}")
    assert 0 < _shown(browser) < everything
    _wait(browser, f"return document.getElementById('count').textContent != {listed!r}")
    provenance = [e.text for e in browser.find_elements("css selector", "#results .prov")]
    assert provenance and all("haute-provence" in p for p in provenance)
    assert "territory=haute-provence" in browser.current_url

    # a search shows quotes with their provenance
    box = browser.find_element("id", "q")
    box.send_keys("logement des saisonniers", Keys.ENTER)
    _wait(browser, "return document.getElementById('list-title').textContent"
                   ".includes('saisonniers')")
    quotes = browser.find_elements("css selector", "#results li.quote .text")
    assert quotes and "saisonniers" in quotes[0].text.lower()
    assert "q=logement" in browser.current_url

    # a theme page opens with its quotes, and the URL reopens it
    browser.find_element("css selector", "#results a.theme-link").click()
    _wait(browser, "return !document.getElementById('theme-page').hidden && "
                   "document.querySelectorAll('#theme-page li.quote').length > 0")
    title = browser.find_element("css selector", "#theme-page h2").text
    assert "— " in title and "page=T" in browser.current_url
    bookmarked = browser.current_url
    browser.get("about:blank")
    browser.get(bookmarked)
    _wait(browser, "return document.querySelectorAll('#theme-page li.quote').length > 0")
    assert browser.find_element("css selector", "#theme-page h2").text == title
    assert browser.find_element("id", "q").get_attribute("value") == "logement des saisonniers"

    urls = _requested(browser)
    assert urls and all(u.startswith(server) for u in urls), urls
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []

    browser.execute_script("window.scrollTo(0, 0)")
    shot = Image.open(io.BytesIO(browser.get_screenshot_as_png())).convert("RGB")
    assert len(shot.getcolors(maxcolors=1 << 20) or []) > 50
    shot.save(tmp_path / "explorer.png")
