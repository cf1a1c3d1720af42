"""What every figure shares: token labels that show literally, fonts, colours, one-pass construction.

Figures are built as plain dicts and turned into a `go.Figure` once: building trace by trace with
`add_trace`/`update_*`/`make_subplots` validates every property again and cost 5–10× more, most of
a step change's server time (bench/app.py). Validation itself is left to the tests.
"""

from __future__ import annotations

import html
import re
import unicodedata

import numpy as np
import plotly.graph_objects as go
from plotly.colors import get_colorscale

FONT = "Source Sans Pro, Noto Sans, Noto Sans CJK KR, Noto Sans CJK JP, Malgun Gothic, Apple SD Gothic Neo, sans-serif"
# Explicit lists: without validation a name reaches plotly.js, whose "Blues" and "RdBu" differ from
# plotly.py's (reversed blues, a grey middle).
BLUES = get_colorscale("Blues")
DIVERGING = get_colorscale("RdBu")
# How every chart is shown (the app's, its live charts' and the exported HTML's). plotly.js 4 shows a
# "Share chart…" button by default that uploads the figure to cloud.plotly.com: nothing of this app leaves
# the machine, so it is off.
PLOTLY_CONFIG = {"displaylogo": False, "showSendToCloud": False}
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


def token_axis(tokens: list[str], *, limit: int = 24, **more) -> dict:
    """Integer positions with the tokens as tick text (cut to `limit` characters): repeated tokens keep their
    own column."""
    return dict(tickmode="array", tickvals=list(range(len(tokens))), ticktext=[label(t, limit) for t in tokens],
                **more)


# The plot area of a chart on a wide page at 1280–1400 px, less its margins: what label sizes are fitted to.
PLOT_WIDTH = 800


def text_width(texts, font_size: int) -> float:
    """A generous estimate of the widest text's rendered width in px: wide (CJK) characters one em,
    others 0.56 em (markup tags not counted)."""

    def em(text: str) -> float:
        plain = html.unescape(re.sub(r"<[^>]*>", "", text))
        return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.56 for c in plain)

    return max((em(str(t)) for t in texts), default=0.0) * font_size


def margins(font_size: int, *, title: bool = False, left: float = 0, right: float = 0, top: float = 0,
            bottom: float = 0) -> dict:
    """Margins that already hold the tick labels, axis titles and colour bars. Plotly's automargin would
    find them too, but only by drawing the figure twice, which doubled the browser's time per step."""
    return dict(l=int(10 + left), r=int(10 + right), t=int((44 if title else 10) + top), b=int(10 + bottom),
                autoexpand=True)


def tick_band(labels: list[str], font_size: int, *, angle: int = 0) -> float:
    """The depth of a band of tick labels below (or above) an axis, level or tilted by 60°."""
    if angle:
        return text_width(labels, font_size) * 0.87 + font_size + 6
    return 1.5 * font_size + 8


def tick_angle(labels: list[str], font_size: int, width: float = PLOT_WIDTH) -> int:
    """Level tick labels while the widest fits its slot (one of len(labels) across `width`, the plot
    area), tilted by 60° otherwise: 29 long words would run into each other as much as 40."""
    slot = 0.9 * width / max(len(labels), 1)
    return 0 if text_width(labels, font_size) <= slot else -60


def colourbar_room(font_size: int) -> float:
    """Room right of the plot for a colour bar (thickness 10–12) and its tick labels such as −0.5."""
    return 42 + 2.5 * font_size


def number_room(font_size: int) -> float:
    """Room left of the plot for numeric tick labels (up to six characters) and a rotated axis title."""
    return 0.62 * font_size * 6 + 1.8 * font_size


def layout(*, title: str | None = None, height: int = 300, font_size: int = 14, margin: dict | None = None,
           **more) -> dict:
    """The layout every figure starts from; `more` adds or overrides keys (axes, shapes, legend…).
    Empty lists (no shapes, no annotations) are left out, as Plotly's validation would."""
    return {
        "title": dict(x=0, xanchor="left", y=1, yanchor="top", yref="container", pad=dict(t=8),
                      font=dict(size=font_size + 2), **({"text": label(title, 200)} if title else {})),
        "height": height, "margin": margin or margins(font_size, title=bool(title)),
        "font": dict(family=FONT, size=font_size), "plot_bgcolor": "white", "paper_bgcolor": "white",
        "hoverlabel": dict(font=dict(family=FONT, size=font_size)), "showlegend": False,
        **{key: value for key, value in more.items() if not (isinstance(value, list) and not value)},
        # Plotly's default on a numeric axis, "hide past div", measures every tick label again after each
        # one is placed (quadratic in the labels): a sixth of the browser's time per step. The margins
        # above already hold the labels, so none can pass the figure's edge. Tick labels (the tokens) in
        # the figure's own size, and the axis titles too: Streamlit's theme would draw them at 12 and 14 px
        # even on a projector.
        **{axis: _axis(more.get(axis, {}), font_size) for axis in _axes(more)},
    }


def _axis(own: dict, font_size: int) -> dict:
    axis = {"ticklabeloverflow": "allow", "tickfont": {"size": font_size}, **own}
    if isinstance(own.get("title"), dict) and "font" not in own["title"]:
        axis["title"] = {**own["title"], "font": {"size": font_size}}
    return axis


def _axes(more: dict) -> list[str]:
    return sorted({"xaxis", "yaxis"} | {key for key in more if re.fullmatch(r"[xy]axis\d*", key)})


def compact(values: np.ndarray) -> np.ndarray:
    """float32 when that loses nothing (the model computes in float32), so the browser gets half the bytes."""
    single = np.asarray(values, dtype=np.float32)
    return single if np.array_equal(single, values) else np.asarray(values, dtype=np.float64)


def figure(data: list[dict], layout_: dict) -> go.Figure:
    """One go.Figure from plain dicts, taken as they are: Plotly's property validation cost more than
    the rest of a step change (tests/test_figures.py validates every builder's output instead)."""
    return go.Figure({"data": data, "layout": layout_}, _validate=False)
