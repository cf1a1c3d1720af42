"""A Plotly chart that stays mounted while its figure changes (a Streamlit v2 component).

st.plotly_chart's element id hashes the figure, so each step change unmounts every chart and the
browser draws each from scratch: ~70 ms of Plotly per figure, six figures per step. This component
keeps one graph per key and hands it the new figure through Plotly.react.

plotly.js is static/plotly-cartesian.min.js, served by this server (server.enableStaticServing), no
CDN: the npm package plotly.js-cartesian-dist-min, the same plotly.js version as the plotly package
(scatter, bar, heatmap and the other 2-D traces). A third of the full bundle's size, it compiles in
half the time on a cold start. To update it: scripts/update-plotly-js.sh.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import plotly.io as pio
import streamlit as st
from _plotly_utils.utils import is_skipped_key, to_typed_array_spec

PLOTLY_JS = Path(__file__).resolve().parent.parent / "static" / "plotly-cartesian.min.js"
# Read once: the file is part of the repository and does not change while the app runs.
_PLOTLY_JS_SIZE = PLOTLY_JS.stat().st_size if PLOTLY_JS.is_file() else None

# The look st.plotly_chart gives a figure in Streamlit's light theme (its frontend swaps the figure's
# "streamlit" template for this), so that these charts match the ones on the other pages. It also
# replaces the ~9 KB Plotly template each figure would otherwise carry to the browser on every step.
# One difference: no automargin. The figures' margins already hold their labels
# (attention_core/figures/common.py), and measuring every label for it cost ~5% of each redraw.
TEXT, LINE, HEADING, BACKGROUND = "#808495", "#e6eaf1", "#2F2D2B", "#FFFFFF"
AXIS = dict(zerolinecolor=LINE, gridcolor=LINE, tickcolor=LINE, tickfont=dict(color=TEXT, size=12),
            minor=dict(gridcolor=LINE), automargin=False)
LOOK = dict(
    data=dict(scatter=[dict(type="scatter", marker=dict(line=dict(width=0)))]),
    layout=dict(
        colorway=["#0068c9", "#83c9ff", "#ff2b2b", "#ffabab", "#29b09d", "#7defa1", "#ff8700", "#ffd16a",
                  "#6d3fc0", "#d5dae5"],
        font=dict(color=TEXT, size=12, weight=400),
        title=dict(font=dict(family='"Source Sans", sans-serif', size=16, color=HEADING), pad=dict(l=4),
                   xanchor="left", x=0),
        legend=dict(title=dict(font=dict(size=12, color=TEXT), side="top"), valign="top",
                    bordercolor="transparent", borderwidth=0, font=dict(size=12, color="#262730")),
        paper_bgcolor=BACKGROUND, plot_bgcolor=BACKGROUND,
        xaxis=dict(AXIS, showgrid=False, zeroline=False, title=dict(font=dict(color=TEXT, size=14), standoff=20)),
        yaxis=dict(AXIS, ticklabelposition="outside", title=dict(font=dict(color=TEXT, size=14), standoff=24)),
        margin=dict(pad=8, r=0, l=0),
        hoverlabel=dict(bgcolor=BACKGROUND, bordercolor="#DCD8D4", font=dict(color=TEXT, size=12)),
        coloraxis=dict(colorbar=dict(thickness=16, xpad=24, ticklabelposition="outside", outlinecolor="transparent",
                                     outlinewidth=8, len=0.75, y=0.5745,
                                     title=dict(font=dict(color=TEXT, size=14)), tickfont=dict(color=TEXT, size=12))),
    ),
)

_component = st.components.v2.component(
    "attention_explorer_live_chart",
    js=(Path(__file__).with_name("live_chart.js")).read_text(encoding="utf-8"),
    css=(Path(__file__).with_name("live_chart.css")).read_text(encoding="utf-8"),
    isolate_styles=False,  # plotly.js puts its styles in the document's head
)


def plotly_js_url() -> str | None:
    """Where the browser gets plotly.js from this server; None if it cannot (static serving turned
    off, or the file missing), and charts are then drawn by st.plotly_chart."""
    if not st.get_option("server.enableStaticServing") or _PLOTLY_JS_SIZE is None:
        return None
    base = st.get_option("server.baseUrlPath").strip("/")
    return f"{'/' + base if base else ''}/app/static/{PLOTLY_JS.name}?v={_PLOTLY_JS_SIZE}"


def preload_plotly() -> None:
    """Have the browser fetch and compile plotly.js now, before any chart needs it (a hidden element)."""
    if url := plotly_js_url():
        _component(key="plotly_preload", data={"kind": "preload", "plotly_url": url})


def live_chart(fig, key: str, plotly_url: str, config: dict, *, group: str, start: int, on_click=None):
    """Show `fig`, step `start`'s figure of chart `key`, with Plotly `config`, in the step page's `group`: it is
    drawn first, the group's payload brings the other steps' and the group's player switches between them.
    `on_click`: called when a point is clicked; the component's `click` is then that point's customdata."""
    clicks = {"on_click_change": on_click} if on_click is not None else {}
    return _component(key=key, data={"kind": "chart", "figure": figure_json(fig), "plotly_url": plotly_url,
                                     "key": key, "group": group, "start": start, "config": config,
                                     "clicks": on_click is not None}, **clicks)


def step_text(key: str, group: str, steps: list[str], start: int, *, css: str = "", live: bool = False) -> None:
    """A line of HTML per step (each made safe by its caller: tokens escaped), the group's step shown.
    `live`: a screen reader reads it out when it changes."""
    _component(key=key, data={"kind": "text", "key": key, "group": group, "steps": steps, "start": start, "css": css,
                              "live": live})


def step_player(key: str, group: str, T: int, start: int, labels: dict[str, str], *, speeds: list[float],
                speed: float, classroom: bool, server: bool, on_change) -> object:
    """The group's step controls (slider, ◀ ▶, play/pause, speed, keys ← → K). Returns the component's state:
    `step` and `speed` as last reported by the browser; `on_change` is called when the browser reports.
    `server`: the charts are drawn by the server (no plotly.js here), so every step is reported at once."""
    return _component(key=key, data={"kind": "player", "id": key, "group": group, "T": T, "start": start,
                                     "labels": labels, "speeds": speeds, "speed": speed, "classroom": classroom,
                                     "server": server},
                      on_step_change=on_change, on_speed_change=on_change)


def step_payload(key: str, group: str, charts: dict[str, dict]) -> None:
    """Every step's figure of every chart of the group (`step_payload.compact_steps` of each)."""
    _component(key=key, data={"kind": "payload", "group": group, "charts": charts})


def figure_json(fig) -> str:
    """The figure as plotly.js takes it (`figure_plain`), as JSON."""
    try:  # (serialised once: figure_plain's own check is this same dumps)
        return json.dumps(_plain_figure(fig), separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        return json.dumps(_plotlys_own(fig), separators=(",", ":"))


def figure_plain(fig) -> dict:
    """The figure as plotly.js takes it, in the look of st.plotly_chart, as plain JSON types; `fig` itself is
    left as it is (the export menu draws it).

    The same as plotly's own `json.loads(pio.to_json(fig.to_dict()))` (tests/test_app_step.py compares them),
    made in a quarter of the time: that path deep-copies the figure twice, and the step page makes six figures
    per step. So this reads the figure's own property dicts (`_data`, `_layout`, without a copy) and builds a
    new plain structure from them."""
    plain = _plain_figure(fig)
    try:
        json.dumps(plain, allow_nan=False)
        return plain
    except (TypeError, ValueError):  # a NaN, or a type json does not know: plotly's own encoder handles both
        return _plotlys_own(fig)


def _layout(fig) -> dict:
    layout = {**fig._layout, "template": LOOK}
    title = layout.get("title")
    if isinstance(title, dict) and title.get("text"):  # Streamlit shows chart titles in bold
        layout["title"] = {**title, "text": f"<b>{title['text']}</b>"}
    return layout


def _plain_figure(fig) -> dict:
    return _plain({"data": fig._data, "layout": _layout(fig)})


def _plotlys_own(fig) -> dict:
    layout = _layout(fig)
    spec = fig.to_dict()
    spec["layout"].update({key: layout[key] for key in ("template", "title") if key in layout})
    return json.loads(pio.to_json(spec, validate=False))


def _plain(value, key: str | None = None):
    """`value` as JSON types, the way plotly's to_dict makes them: None properties left out, a NumPy array
    that is a property's value as a typed array (base64), one inside a list as a list."""
    if isinstance(value, dict):
        return {k: _plain(v, k) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist() if key is None or is_skipped_key(key) else to_typed_array_spec(value)
    if isinstance(value, np.generic):
        return value.item()
    return value
