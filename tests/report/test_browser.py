"""synthese.html opened by a real browser, network off, as from an e-mail attachment."""

from __future__ import annotations

import io
import json

import pytest
from browser import chromium

from corpus.report.html import write_html

pytestmark = pytest.mark.slow

NO_NETWORK = ["--proxy-bypass-list=<-loopback>", "--window-size=1280,2400"]


@pytest.fixture
def browser(tmp_path):
    with chromium(tmp_path / "profile", NO_NETWORK, offline=True) as driver:
        yield driver


def _network_events(driver) -> list[dict]:
    events = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method", "").startswith("Network."):
            events.append(message)
    return events


def test_synthesis_page_renders_offline_with_its_charts(browser, synthesis, tmp_path):
    from PIL import Image

    page = write_html(synthesis, tmp_path / "synthese.html")
    browser.get("about:blank")
    _network_events(browser)  # drop what the browser's own start page requested
    browser.get(page.as_uri())
    assert browser.execute_script("return document.readyState") == "complete"
    assert browser.title == synthesis.title

    events = _network_events(browser)
    urls = [e["params"]["request"]["url"] for e in events
            if e["method"] == "Network.requestWillBeSent"]
    assert urls and all(u.startswith("file://") for u in urls), urls
    failed = [e["params"] for e in events if e["method"] == "Network.loadingFailed"]
    assert failed == []

    sizes = browser.execute_script(
        "return Array.from(document.querySelectorAll('figure svg')).map(function (e) {"
        "  var r = e.getBoundingClientRect();"
        "  return [r.width, r.height, e.querySelectorAll('text').length]; });")
    assert len(sizes) == 3
    for width, height, texts in sizes:
        assert width > 200 and height > 100 and texts > 3

    shot = Image.open(io.BytesIO(browser.get_screenshot_as_png())).convert("RGB")
    colours = shot.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # text, tables and charts, not a blank page
    shot.save(tmp_path / "synthese.png")
