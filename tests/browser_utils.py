"""A real app server and headless Debian Chromium for the browser tests (never `playwright install`)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
CHART = "[data-testid=stPlotlyChart] .js-plotly-plot .main-svg"
SCREENSHOTS = ROOT / "build" / "screenshots"
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app_server(timeout: float = 60.0):
    """Start `streamlit run app.py` on a free loopback port; yield its URL; stop it by its PID."""
    port = free_port()
    log = open(ROOT / "build" / f"streamlit-{port}.log", "w") if (ROOT / "build").is_dir() else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
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
