"""Helpers for Streamlit AppTest: run the app, find a chart by its widget key, read its figure."""

from __future__ import annotations

import base64
import json

import numpy as np
from conftest import ROOT
from streamlit.testing.v1 import AppTest


def app(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at


def decode(value):
    """Plotly sends NumPy arrays as typed arrays ({"dtype", "bdata", "shape"}); turn them back into arrays."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        if shape:
            array = array.reshape([int(n) for n in str(shape).split(",")])
        return array
    if isinstance(value, dict):
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def element_key(element) -> str:
    """The key an element was given in the script: its id is "$$ID-<hash>-<key>" (keys may hold "-")."""
    return element.proto.id.split("-", 2)[-1]


def live_parts(at: AppTest, kind: str) -> dict[str, dict]:
    """The data of the step page's live parts of one kind (app_pages/live_chart.py: chart, text, player,
    payload), by key, in page order: v2 components, which AppTest lists by their proto."""
    parts = {}
    for element in at.main:
        if element.type == "bidi_component":
            data = json.loads(element.proto.json)
            if data.get("kind") == kind:
                parts[element_key(element)] = data
    return parts


def _figures(at: AppTest) -> dict[str, str]:
    """Every chart's figure as JSON, by its key: st.plotly_chart's spec, or a live chart's first figure."""
    figures = {}
    for element in at.main:  # in page order
        if element.type == "plotly_chart":
            figures[element_key(element)] = element.proto.spec
        elif element.type == "bidi_component" and (data := json.loads(element.proto.json)).get("kind") == "chart":
            figures[element_key(element)] = data["figure"]
    return figures


def chart(at: AppTest, key: str) -> dict:
    """The Plotly figure (as a dict, arrays decoded) of the chart shown with key `key` (a live chart: the
    figure it draws first)."""
    figures = _figures(at)
    if key not in figures:
        raise AssertionError(f"no chart with key {key!r}; have {sorted(figures)}")
    return decode(json.loads(figures[key]))


def chart_at(at: AppTest, key: str, t: int) -> dict:
    """The figure that live chart `key` draws at step t: the page's payload, its base with step t's patch."""
    from app_pages.step_payload import apply

    (payload,) = live_parts(at, "payload").values()
    steps = payload["charts"][key]
    return decode(apply(steps["base"], steps["patches"][t - 1]))


def chart_keys(at: AppTest) -> list[str]:
    return list(_figures(at))


def texts(at: AppTest) -> str:
    """Every piece of text the page shows (titles, markdown, captions, labels), joined."""
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "code", "warning", "info")
             for e in at.get(kind) if hasattr(e, "value")]
    parts += [w.label for kind in ("selectbox", "text_input", "slider", "toggle", "button") for w in at.get(kind)
              if hasattr(w, "label")]
    return "\n".join(str(p) for p in parts)
