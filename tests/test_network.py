"""No request leaves 127.0.0.1: on every page of the app, in figure export, and by default configuration."""

from __future__ import annotations

import re
import tomllib

import pytest
from browser_utils import CHART, CHROMIUM, CHROMIUM_ARGS, LOCAL, app_server
from conftest import ROOT

from attention_core.export import KALEIDO_OPTIONS

PAGES = ["/", "/alignment", "/compare", "/beam", "/forced", "/whatif", "/sandbox", "/upload"]


def test_server_is_bound_to_loopback_and_sends_no_statistics():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["browser"]["gatherUsageStats"] is False


def test_kaleido_page_loads_nothing_from_the_network():
    from kaleido import PageGenerator

    page = PageGenerator(plotly=KALEIDO_OPTIONS["plotlyjs"], mathjax=KALEIDO_OPTIONS["mathjax"]).generate_index()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(not s.startswith(("http:", "https:", "//")) for s in sources), sources


@pytest.mark.browser
@pytest.mark.timeout(900)
def test_every_page_makes_only_local_requests(tmp_path):
    from playwright.sync_api import sync_playwright

    upload = tmp_path / "in.txt"
    upload.write_text("24 November 2026\n1 May 2000\n", encoding="utf-8")
    with app_server() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        for path in PAGES:
            page.goto(url + path)
            if path == "/upload":
                page.wait_for_selector("[data-testid=stFileUploaderDropzone]", timeout=60_000)
                page.locator("[data-testid=stFileUploaderDropzone] input[type=file]").set_input_files(str(upload))
            page.wait_for_selector(CHART, timeout=60_000)
            page.wait_for_function("!document.querySelector('[data-testid=stStatusWidget]')", timeout=60_000)
            assert page.locator("[data-testid=stException]").count() == 0, path
        browser.close()
    outside = [r for r in requests if not r.startswith(LOCAL)]
    assert requests and outside == []
