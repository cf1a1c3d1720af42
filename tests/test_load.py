"""Classroom load: 20 sessions at once, each with its own input, stepping for 60 seconds.

The sessions are Streamlit websocket clients (bench/ws_client.py), which rerun the app exactly as a
browser tab does: 20 Chromium renderers on a 2-core machine would measure the renderers, not the server.
Each session checks that every page it gets back is its own: its input, its step, its α_t.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import time
import urllib.parse

import numpy as np
import psutil
import pytest
from browser_utils import app_server
from conftest import ROOT

from attention_core import load_pretrained
from attention_core.data.dates import make_splits
from bench.ws_client import Session, slider_state

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
SESSIONS, SECONDS, THINK = 20, 60, 1.0  # a class of 20, each pressing a key about once a second
MODELS = ["dates-dot", "dates-bahdanau", "dates-general", "dates-location"]  # students pick different models


def drawn_alpha(diagram: dict | None) -> np.ndarray | None:
    """α_t as the classroom's diagram draws it: line i from h_i to a_t has width 0.5 + 14 α_t^i."""
    if diagram is None:
        return None
    lines = [d for d in diagram["data"] if d.get("mode") == "lines" and "α" in d.get("hovertemplate", "")]
    return (np.array([d["line"]["width"] for d in lines]) - 0.5) / 14


async def student(url: str, model: str, text: str, alphas: list[np.ndarray], deadline: float, arrival: float,
                  latencies: list, problems: list) -> None:
    await asyncio.sleep(arrival)  # students come in over the first seconds, as in a room
    T = len(alphas)
    query = urllib.parse.urlencode({"classroom": "true", "model": model, "text": text, "step": 1})
    async with Session(url, query) as session:
        page = await session.run(timeout=120)
        step, direction = 1, 1
        while True:
            shown = session.value("text")
            alpha = drawn_alpha(page.charts.get("diagram"))
            if page.exceptions:
                problems.append(f"{text!r}: error at step {step}: {page.exceptions[0][:120]}")
            elif shown != text:
                problems.append(f"{text!r}: the page shows another input: {shown!r}")
            elif f"### t = {step} / {T}" not in page.markdown:
                problems.append(f"{text!r}: step {step} is not the one shown")
            elif alpha is None or not np.allclose(alpha, alphas[step - 1], atol=1e-6):
                problems.append(f"{text!r}: α at step {step} is not this input's")
            if problems or time.monotonic() > deadline:
                return
            await asyncio.sleep(THINK)
            if not 1 <= step + direction <= T:
                direction = -direction
            step += direction
            start = time.perf_counter()
            page = await session.run([slider_state(page.widgets["step"], step)])
            latencies.append(time.perf_counter() - start)


async def classroom(url: str, work: list[tuple[str, str, list]]) -> tuple[list, list]:
    latencies, problems = [], []
    deadline = time.monotonic() + SECONDS
    await asyncio.gather(*(student(url, model, text, alphas, deadline, 0.2 * k, latencies, problems)
                           for k, (model, text, alphas) in enumerate(work)))
    return latencies, problems


def test_twenty_sessions_stepping_at_once():
    texts = [ex.source for ex in make_splits(seed=9, train_size=10, test_size=SESSIONS)["test"]][:SESSIONS]
    work = []
    for k, text in enumerate(texts):
        model = MODELS[k % len(MODELS)]
        work.append((model, text, [s.alpha for s in load_pretrained(model).trace(text).steps]))
    holder = {}
    with app_server(on_start=lambda process: holder.setdefault("process", psutil.Process(process.pid))) as url:
        latencies, problems = asyncio.run(classroom(url, work))
        rss_mb = holder["process"].memory_info().rss / 2**20
    log = (ROOT / "build" / f"streamlit-{urllib.parse.urlparse(url).port}.log").read_text()
    loads = re.findall(r"loaded model (\S+)", log)
    assert problems == []
    p95 = sorted(latencies)[int(0.95 * (len(latencies) - 1))]
    print(f"\n{SESSIONS} sessions for {SECONDS} s, {len(latencies)} step changes: median "
          f"{1000 * statistics.median(latencies):.0f} ms, p95 {1000 * p95:.0f} ms; server RSS {rss_mb:.0f} MB; "
          f"{len(loads)} model loads")
    assert len(latencies) >= SESSIONS * SECONDS / (THINK + 1)  # every session kept stepping
    assert len(loads) == len(set(loads)) and set(MODELS) <= set(loads)  # each model loaded once, for all
    assert rss_mb < 2048
