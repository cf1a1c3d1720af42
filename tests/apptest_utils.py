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


def chart(at: AppTest, key: str) -> dict:
    """The Plotly figure (as a dict, arrays decoded) of the chart with st.plotly_chart(..., key=key)."""
    for element in at.get("plotly_chart"):
        if element.proto.id.endswith(f"-{key}"):
            return decode(json.loads(element.proto.spec))
    raise AssertionError(f"no chart with key {key!r}; have {chart_keys(at)}")


def chart_keys(at: AppTest) -> list[str]:
    return [e.proto.id.rsplit("-", 1)[-1] for e in at.get("plotly_chart")]


def texts(at: AppTest) -> str:
    """Every piece of text the page shows (titles, markdown, captions, labels), joined."""
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "code", "warning", "info")
             for e in at.get(kind) if hasattr(e, "value")]
    parts += [w.label for kind in ("selectbox", "text_input", "slider", "toggle", "button") for w in at.get(kind)
              if hasattr(w, "label")]
    return "\n".join(str(p) for p in parts)
