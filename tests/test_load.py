"""Classroom load: 20 browser sessions at once, each with its own input, stepping for 60 seconds."""

from __future__ import annotations

import asyncio
import re
import statistics
import time
import urllib.parse

import psutil
import pytest
from browser_utils import CHART, CHROMIUM, CHROMIUM_ARGS, app_server
from conftest import ROOT

from attention_core import load_pretrained
from attention_core.data.dates import make_splits

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(900)]
SESSIONS, SECONDS, THINK = 20, 60, 1.0  # a class of 20, each pressing a key about once a second


async def student(browser, url: str, text: str, T: int, deadline: float, latencies: list, problems: list,
                  arrival: float):
    await asyncio.sleep(arrival)  # students come in over the first seconds, as in a room
    context = await browser.new_context(viewport={"width": 1280, "height": 720})
    page = await context.new_page()
    await page.goto(f"{url}/?classroom=true&step=1&text={urllib.parse.quote(text)}", timeout=120_000)
    await page.wait_for_selector(CHART, timeout=120_000)
    step, direction = 1, 1
    await page.mouse.click(640, 400)
    while time.monotonic() < deadline:
        if not 1 <= step + direction <= T:
            direction = -direction
        step += direction
        start = time.perf_counter()
        await page.keyboard.press("ArrowRight" if direction > 0 else "ArrowLeft")
        try:
            await page.get_by_text(f"t = {step} / {T}", exact=True).wait_for(timeout=30_000)
        except Exception:
            problems.append(f"{text!r}: step {step} never appeared")
            break
        latencies.append(time.perf_counter() - start)
        if await page.locator("[data-testid=stException]").count():
            problems.append(f"{text!r}: an error element at step {step}")
        if await page.locator(".st-key-text input").input_value() != text:
            problems.append(f"{text!r}: the page shows another session's input")
        await asyncio.sleep(THINK)
    await context.close()


async def classroom(url: str, texts: list[str], lengths: list[int]):
    from playwright.async_api import async_playwright

    latencies, problems = [], []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        deadline = time.monotonic() + SECONDS + 60  # page loads first, then about SECONDS of stepping each
        starts = [student(browser, url, text, T, deadline, latencies, problems, arrival=k)
                  for k, (text, T) in enumerate(zip(texts, lengths))]
        await asyncio.gather(*starts)
        await browser.close()
    return latencies, problems


def test_twenty_sessions_stepping_at_once():
    model = load_pretrained("dates-dot")
    texts = [ex.source for ex in make_splits(seed=9, train_size=10, test_size=SESSIONS)["test"]][:SESSIONS]
    lengths = [len(model.trace(text).steps) for text in texts]
    holder = {}
    with app_server(on_start=lambda process: holder.setdefault("process", psutil.Process(process.pid))) as url:
        latencies, problems = asyncio.run(classroom(url, texts, lengths))
        rss_mb = holder["process"].memory_info().rss / 2**20
    port = urllib.parse.urlparse(url).port
    log = (ROOT / "build" / f"streamlit-{port}.log").read_text()
    loads = re.findall(r"loaded model (\S+)", log)
    p95 = sorted(latencies)[int(0.95 * (len(latencies) - 1))]
    print(f"\n{SESSIONS} sessions, {len(latencies)} step changes: median {1000 * statistics.median(latencies):.0f} ms, "
          f"p95 {1000 * p95:.0f} ms; server RSS {rss_mb:.0f} MB; model loads {loads}")
    assert problems == []
    assert len(latencies) >= SESSIONS * SECONDS / (THINK + 2)  # every session kept stepping
    assert sorted(loads) == sorted(set(loads)) and "dates-dot" in loads  # each model loaded once
    assert rss_mb < 2048
