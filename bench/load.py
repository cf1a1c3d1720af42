"""Classroom load: many sessions at once, each with its own input, stepping through their traces.

The sessions are Streamlit websocket clients (ws_client.py), which rerun the app exactly as a browser
tab does: 20 Chromium renderers on a 2-core machine would measure the renderers, not the server. Each
session checks that every page it gets back is its own: its input, its α_t at every step, and, for
each step it reports, its step kept in its own URL.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import time
import urllib.parse
from dataclasses import dataclass, field

import numpy as np
import psutil

from app_pages.step_payload import apply
from attention_core import load_pretrained
from attention_core.data.dates import make_splits

from .harness import ROOT, app_server, median_ms, p95_ms
from .ws_client import Session, component_state

MODELS = ["dates-dot", "dates-bahdanau", "dates-general", "dates-location"]  # students pick different models


@dataclass
class Classroom:
    sessions: int
    seconds: float
    latencies: list[float] = field(default_factory=list)  # a step report → the server's reply, complete
    reply_bytes: list[int] = field(default_factory=list)  # what the server sent back for each report
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
    """One student: opens the classroom page (which brings every step of the input at once) and steps
    through it; each step change is what the browser reports to the server (the player's state, which reruns
    the step fragment). Every page and report the student gets back must be its own."""
    await asyncio.sleep(arrival)  # students come in over the first seconds, as in a room
    T = len(alphas)
    query = urllib.parse.urlencode({"classroom": "true", "model": model, "text": text, "step": 1})
    async with Session(url, query) as session:
        page = await session.run(timeout=120)
        if page.exceptions or "player" not in page.parts or "payload" not in page.parts:
            room.problems.append(f"{text!r}: the page did not open: {page.exceptions[:1]}")
            return
        player, fragment, group = page.widgets["player"], page.fragments["player"], page.parts["player"]["group"]
        diagram = page.parts["payload"]["charts"]["diagram"]
        drawn = [drawn_alpha(apply(diagram["base"], patch)) for patch in diagram["patches"]]
        if session.value("text") != text:
            room.problems.append(f"{text!r}: the page shows another input: {session.value('text')!r}")
        elif len(drawn) != T or not all(np.allclose(a, b, atol=1e-6) for a, b in zip(drawn, alphas)):
            room.problems.append(f"{text!r}: the steps sent are not this input's")
        step, direction = 1, 1
        while not room.problems and time.monotonic() < deadline:
            await asyncio.sleep(think)
            if not 1 <= step + direction <= T:
                direction = -direction
            step += direction
            start = time.perf_counter()
            page = await session.run([component_state(player, step=step)], fragment=fragment)
            room.latencies.append(time.perf_counter() - start)
            room.reply_bytes.append(page.bytes)
            shown = urllib.parse.parse_qs(session.query_string)
            if page.exceptions:
                room.problems.append(f"{text!r}: error at step {step}: {page.exceptions[0][:120]}")
            elif shown.get("text") != [text] or page.parts.get("player", {}).get("group") != group:
                room.problems.append(f"{text!r}: the reply is another session's: {session.query_string!r}")
            elif shown.get("step") != [str(step)]:
                room.problems.append(f"{text!r}: step {step} is not the one kept: {session.query_string!r}")
            elif page.charts or "payload" in page.parts:
                room.problems.append(f"{text!r}: a step change sent figures again")


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
            f"{len(room.latencies)} step reports: median {room.median_ms:.0f} ms, p95 {room.p95_ms:.0f} ms, "
            f"median reply {statistics.median(room.reply_bytes) / 1024:.1f} KiB; "
            f"server RSS peak {max(room.rss_mb):.0f} MB, at the end {room.rss_mb[-1]:.0f} MB; "
            f"{len(room.model_loads)} model loads; problems: {len(room.problems)}"]
