"""What every figure shares: token labels that show literally, fonts, colours, one-pass construction.

Figures are built as plain dicts and turned into a `go.Figure` once: building trace by trace with
`add_trace`/`update_*`/`make_subplots` validates every property again and cost 5–10× more, most of
a step change's server time (bench/app.py). Validation itself is left to the tests.
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
from plotly.colors import get_colorscale

FONT = "Source Sans Pro, Noto Sans, Noto Sans CJK KR, Noto Sans CJK JP, Malgun Gothic, Apple SD Gothic Neo, sans-serif"
# Explicit lists: without validation a name reaches plotly.js, whose "Blues" and "RdBu" differ from
# plotly.py's (reversed blues, a grey middle).
BLUES = get_colorscale("Blues")
DIVERGING = get_colorscale("RdBu")
HIGHLIGHT = "#d62728"  # the current step / the chosen token
MUTED = "#9aa5b1"
ACCENT = "#1f77b4"
SOFT = "#c6dbef"
GRID = "#eeeeee"


def label(token: str, limit: int = 24) -> str:
    """A token as Plotly text: markup escaped (so `<b>` shows as <b>), spaces and empties visible, long ones cut."""
    if token == "":
        return "∅"
    if token == " ":
        return "␣"
    if len(token) > limit:
        token = token[: limit - 1] + "…"
    return html.escape(token, quote=False).replace(" ", "\u00a0")


def token_axis(tokens: list[str], **more) -> dict:
    """Integer positions with the tokens as tick text: repeated tokens keep their own column."""
    return dict(tickmode="array", tickvals=list(range(len(tokens))), ticktext=[label(t) for t in tokens], **more)


def layout(*, title: str | None = None, height: int = 300, font_size: int = 14, margin: dict | None = None,
           **more) -> dict:
    """The layout every figure starts from; `more` adds or overrides keys (axes, shapes, legend…).
    Empty lists (no shapes, no annotations) are left out, as Plotly's validation would."""
    return {
        "title": dict(x=0, xanchor="left", y=1, yanchor="top", yref="container", pad=dict(t=8),
                      font=dict(size=font_size + 2), **({"text": label(title, 200)} if title else {})),
        "height": height, "margin": margin or dict(l=10, r=10, t=44 if title else 10, b=10),
        "font": dict(family=FONT, size=font_size), "plot_bgcolor": "white", "paper_bgcolor": "white",
        "hoverlabel": dict(font=dict(family=FONT, size=font_size)), "showlegend": False,
        **{key: value for key, value in more.items() if not (isinstance(value, list) and not value)},
    }


def compact(values: np.ndarray) -> np.ndarray:
    """float32 when that loses nothing (the model computes in float32), so the browser gets half the bytes."""
    single = np.asarray(values, dtype=np.float32)
    return single if np.array_equal(single, values) else np.asarray(values, dtype=np.float64)


def figure(data: list[dict], layout_: dict) -> go.Figure:
    """One go.Figure from plain dicts, taken as they are: Plotly's property validation cost more than
    the rest of a step change (tests/test_figures.py validates every builder's output instead)."""
    return go.Figure({"data": data, "layout": layout_}, _validate=False)
