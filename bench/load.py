"""Classroom load: many sessions at once, each with its own input, stepping through their traces.

The sessions are Streamlit websocket clients (ws_client.py), which rerun the app exactly as a browser
tab does: 20 Chromium renderers on a 2-core machine would measure the renderers, not the server. Each
session checks that every page it gets back is its own: its input, its step, its α_t.
"""

from __future__ import annotations

import asyncio
import re
import time
import urllib.parse
from dataclasses import dataclass, field

import numpy as np
import psutil

from attention_core import load_pretrained
from attention_core.data.dates import make_splits

from .harness import ROOT, app_server, median_ms, p95_ms
from .ws_client import Session, slider_state

MODELS = ["dates-dot", "dates-bahdanau", "dates-general", "dates-location"]  # students pick different models


@dataclass
class Classroom:
    sessions: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)  # the server's, once a second
    model_loads: list[str] = field(default_factory=list)  # "loaded model X" lines of the server's log

    @property
    def p95_ms(self) -> float:
        return p95_ms(self.latencies)

    @property
    def median_ms(self) -> float:
        return median_ms(self.latencies)


def drawn_alpha(diagram: dict | None) -> np.ndarray | None:
    """α_t as the classroom's diagram draws it: line "αi" from h_i to a_t has width 0.5 + 14 α_t^i."""
    if diagram is None:
        return None
    lines = [s for s in diagram["layout"].get("shapes", []) if s.get("name", "").startswith("α")]
    return (np.array([s["line"]["width"] for s in lines]) - 0.5) / 14


async def _student(url: str, model: str, text: str, alphas: list[np.ndarray], deadline: float, arrival: float,
                   think: float, room: Classroom) -> None:
    await asyncio.sleep(arrival)  # students come in over the first seconds, as in a room
    T = len(alphas)
    query = urllib.parse.urlencode({"classroom": "true", "model": model, "text": text, "step": 1})
    async with Session(url, query) as session:
        page = await session.run(timeout=120)
        step, direction = 1, 1
        while True:
            shown, alpha = session.value("text"), drawn_alpha(page.charts.get("diagram"))
            if page.exceptions:
                room.problems.append(f"{text!r}: error at step {step}: {page.exceptions[0][:120]}")
            elif shown != text:
                room.problems.append(f"{text!r}: the page shows another input: {shown!r}")
            elif f"### t = {step} / {T}" not in page.markdown:
                room.problems.append(f"{text!r}: step {step} is not the one shown")
            elif alpha is None or not np.allclose(alpha, alphas[step - 1], atol=1e-6):
                room.problems.append(f"{text!r}: α at step {step} is not this input's")
            if room.problems or time.monotonic() > deadline:
                return
            await asyncio.sleep(think)
            if not 1 <= step + direction <= T:
                direction = -direction
            step += direction
            start = time.perf_counter()
            page = await session.run([slider_state(page.widgets["step"], step)])
            room.latencies.append(time.perf_counter() - start)


async def _watch_memory(process: psutil.Process, room: Classroom, deadline: float) -> None:
    while time.monotonic() < deadline:
        room.rss_mb.append(process.memory_info().rss / 2**20)
        await asyncio.sleep(1.0)


def classroom(sessions: int = 20, seconds: float = 60.0, think: float = 1.0) -> Classroom:
    """`sessions` students, each on its own date and model, pressing → or ← every `think` seconds."""
    texts = [ex.source for ex in make_splits(seed=9, train_size=10, test_size=sessions)["test"]][:sessions]
    work = []
    for k, text in enumerate(texts):
        model = MODELS[k % len(MODELS)]
        work.append((model, text, [s.alpha for s in load_pretrained(model).trace(text).steps]))
    room = Classroom(sessions, seconds)
    holder = {}

    async def run(url: str) -> None:
        deadline = time.monotonic() + seconds
        await asyncio.gather(_watch_memory(holder["process"], room, deadline),
                             *(_student(url, model, text, alphas, deadline, 0.2 * k, think, room)
                               for k, (model, text, alphas) in enumerate(work)))

    with app_server(on_start=lambda process: holder.setdefault("process", psutil.Process(process.pid))) as url:
        asyncio.run(run(url))
    log = (ROOT / "build" / f"streamlit-{urllib.parse.urlparse(url).port}.log").read_text()
    room.model_loads = re.findall(r"loaded model (\S+)", log)
    return room


def run() -> list[str]:
    room = classroom()
    return [f"classroom load: {room.sessions} websocket sessions stepping for {room.seconds:.0f} s, "
            f"{len(room.latencies)} step changes: median {room.median_ms:.0f} ms, p95 {room.p95_ms:.0f} ms; "
            f"server RSS peak {max(room.rss_mb):.0f} MB, at the end {room.rss_mb[-1]:.0f} MB; "
            f"{len(room.model_loads)} model loads; problems: {len(room.problems)}"]
