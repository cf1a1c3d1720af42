"""Classroom load: 20 sessions at once, each with its own input and model, stepping for 60 seconds
(bench/load.py). Every page a session gets back must be its own: input and α_t at every step; each step it
reports must be kept as its own, and answered without figures."""

from __future__ import annotations

import pytest

from bench.load import MODELS, classroom

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
SESSIONS, SECONDS, THINK = 20, 60, 1.0  # a class of 20, each pressing a key about once a second


def test_twenty_sessions_stepping_at_once():
    room = classroom(SESSIONS, SECONDS, THINK)
    assert room.problems == []
    print(f"\n{SESSIONS} sessions for {SECONDS} s, {len(room.latencies)} step reports: median {room.median_ms:.0f} ms, "
          f"p95 {room.p95_ms:.0f} ms; server RSS peak {max(room.rss_mb):.0f} MB")
    assert len(room.latencies) >= SESSIONS * SECONDS / (THINK + 1)  # every session kept stepping
    assert max(room.reply_bytes) < 8 * 1024  # the step's small controls, never the figures again
    loads = room.model_loads
    assert len(loads) == len(set(loads)) and set(MODELS) <= set(loads)  # each model loaded once, for all
    assert max(room.rss_mb) < 2048
