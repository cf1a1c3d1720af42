"""A real app server and headless Debian Chromium, for the browser tests and the benchmarks
(never `playwright install`: the browser is Debian's chromium)."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
CHART = ".js-plotly-plot .main-svg"  # st.plotly_chart and the live charts (app_pages/live_chart.py)
# A chart on screen: not one of a live chart's spare graphs, hidden under it, that draw the next steps ahead
SHOWN_PLOT = ".js-plotly-plot:not(.live-chart-spare)"
SCREENSHOTS = ROOT / "build" / "screenshots"
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")


def median_ms(seconds: list[float]) -> float:
    return 1000 * statistics.median(seconds)


def p95_ms(seconds: list[float]) -> float:
    return 1000 * sorted(seconds)[int(0.95 * (len(seconds) - 1))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app_server(timeout: float = 60.0, on_start=None, script: Path | None = None):
    """Start `streamlit run app.py` (through app_pages.launch, as `make run` does; or plain `streamlit run
    script`) on a free loopback port; yield its URL; stop it by its PID. `on_start(process)` is called as
    soon as the process exists (to time a cold start)."""
    port = free_port()
    (ROOT / "build").mkdir(exist_ok=True)
    log = open(ROOT / "build" / f"streamlit-{port}.log", "w")
    command = ["-m", "app_pages.launch"] if script is None else ["-m", "streamlit", "run", str(script)]
    process = subprocess.Popen(
        [sys.executable, *command, "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    if on_start is not None:
        on_start(process)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the app server did not start (exit {process.poll()})") from None
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextmanager
def chromium(viewport=(1400, 1000)):
    """Debian's Chromium through Playwright; yields (browser, a new page)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            yield browser, page
        finally:
            browser.close()


IDLE = """() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'
    && !document.querySelector('[data-testid=stStatusWidget]') && !(window.__liveChartQueue || []).length"""


def wait_idle(page, timeout: float = 60_000) -> None:
    """Until a chart is drawn, Streamlit has finished running the script (its status widget shows only
    after a while) and no live chart waits to be drawn."""
    page.wait_for_selector(CHART, timeout=timeout)
    page.wait_for_function(IDLE, timeout=timeout)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def chart_data(page, key: str, trace: int = 0, field: str = "y") -> list:
    """The numbers a Plotly chart (st.plotly_chart key=...) holds in the browser."""
    return page.evaluate(
        "([key, trace, field]) => Array.from(document.querySelector('.st-key-' + key + ' .js-plotly-plot')"
        "._fullData[trace][field])", [key, trace, field])  # _fullData: typed arrays decoded
