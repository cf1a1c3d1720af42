"""Exports: results as JSON Lines and CSV (safe to open in a spreadsheet), figures as PNG, SVG and
standalone offline HTML."""

from __future__ import annotations

import csv
import html
import io
import json
import threading
import time
import warnings
from pathlib import Path

import plotly
import plotly.graph_objects as go
import plotly.io as pio

from .figures.common import PLOTLY_CONFIG
from .trace import Trace

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PRINT_SCALE = 3  # alignment matrices at print resolution: 3× the on-screen pixels (about 300 dpi at 10 cm)
_PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
# kaleido's page loads the plotly.js bundled with the plotly package and no MathJax: no CDN, ever.
KALEIDO_OPTIONS = {"plotlyjs": str(_PLOTLY_JS), "mathjax": False}
_kaleido_lock = threading.Lock()
_kaleido_started = False


def safe_cell(value) -> str:
    """A CSV cell a spreadsheet will not run: text that begins like a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def results_csv(records: list[dict], columns: list[str]) -> bytes:
    """UTF-8 CSV (with BOM, so that spreadsheets read it as UTF-8) of `columns` of each record."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([safe_cell(record.get(c)) for c in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def batch_record(trace: Trace, *, all_heads: bool = False) -> dict:
    """One line of the batch JSON Lines (DESIGN §2): source, tokens, prediction, alignment; with `all_heads`
    (DESIGN §5) also "cross_attention": [L][h][T][N], every layer's and head's α (a GRU: [1][1][T][N]); for a
    trace with attribution (DESIGN §6) also "attribution": every step's at once (trace.attribution_block:
    method, baseline, values [T][N], logprob [T], and for integrated gradients baseline_logprob [T], n_steps [T])."""
    alignment = trace.alignment
    record = {"source": trace.source, "source_tokens": trace.source_tokens, "prediction": trace.prediction,
              "target_tokens": trace.target_tokens, "alignment": None if alignment is None else alignment.tolist()}
    if all_heads:
        every = trace.cross_attention(0)
        record["cross_attention"] = None if every is None else every.tolist()
    if trace.attribution is not None:
        record["attribution"] = trace.attribution_block
    return record


def jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False, allow_nan=False) + "\n" for r in records).encode("utf-8")


KALEIDO_TRIES, KALEIDO_WAIT_S = 4, 1.0  # a figure asked for before kaleido's page is ready: tried again


def _start_kaleido() -> None:
    """One Chromium for every image (started once per process), with the bundled plotly.js and no MathJax:
    nothing is fetched from a CDN."""
    global _kaleido_started
    with _kaleido_lock:
        if not _kaleido_started:
            import kaleido

            kaleido.start_sync_server(**KALEIDO_OPTIONS, silence_warnings=True)
            _kaleido_started = True


def with_caption(fig: go.Figure, caption: str | None) -> go.Figure:
    """A copy of `fig` whose title gains a line of context (the input, the step, the model: an exported file
    is read away from the page that explains it); the figure on screen is left as it is. The caption is
    escaped: it holds user text. The figure grows by the line's height, so the plot keeps its size."""
    if not caption:
        return fig
    spec = fig.to_plotly_json()
    layout = dict(spec.get("layout") or {})
    size = int((layout.get("font") or {}).get("size") or 13)
    line = f'<span style="font-size:{max(size - 2, 9)}px;color:#555">{html.escape(caption, quote=False)}</span>'
    title = dict(layout.get("title") or {})
    title["text"] = f"{title['text']}<br>{line}" if title.get("text") else line
    title.setdefault("x", 0)
    title.setdefault("xanchor", "left")
    title.setdefault("y", 1)
    title.setdefault("yanchor", "top")
    title.setdefault("yref", "container")
    # Room above a two-line title (Plotly anchors its first line, so a top pad of one line keeps it in the
    # figure) and at its left, where a title at x = 0 of the container touches the edge.
    title["pad"] = {**(title.get("pad") or {}), "t": 8 + (size if "<br>" in title["text"] else 0), "l": 10}
    extra = int(1.6 * size) + (0 if (layout.get("title") or {}).get("text") else 24)
    margin = dict(layout.get("margin") or {})
    margin["t"] = int(margin.get("t", 80)) + extra
    layout.update(title=title, margin=margin, height=int(layout.get("height") or 500) + extra)
    return go.Figure({"data": spec.get("data", []), "layout": layout}, _validate=False)


def figure_image(fig: go.Figure, fmt: str, *, scale: float = 1.0, width: int | None = None,
                 height: int | None = None, caption: str | None = None) -> bytes:
    """PNG or SVG of a figure, drawn by headless Chromium through kaleido; `caption`: see with_caption."""
    if fmt not in ("png", "svg"):
        raise ValueError(f"image format must be png or svg, not {fmt!r}")
    fig = with_caption(fig, caption)
    _start_kaleido()
    width = width or int(fig.layout.width or 1000)
    height = height or int(fig.layout.height or 500)
    with _kaleido_lock, warnings.catch_warnings():  # the sync server takes one figure at a time
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")
        for attempt in range(KALEIDO_TRIES):
            try:
                return pio.to_image(fig, format=fmt, width=width, height=height, scale=scale)
            except Exception as error:  # kaleido raises its page's own errors as plain exceptions
                # On a loaded machine kaleido's Chromium page can take the first figure before its script has
                # loaded ("kaleido_scopes is not defined"): measured in CI. It loads; the figure is drawn then.
                if "kaleido_scopes" not in str(error) or attempt == KALEIDO_TRIES - 1:
                    raise
                time.sleep(KALEIDO_WAIT_S * (attempt + 1))


def figure_html(fig: go.Figure, title: str = "Attention Explorer figure", caption: str | None = None) -> bytes:
    """A standalone HTML page with plotly.js inlined: it opens offline, with hover and zoom. `caption` (see
    with_caption) is also the page's title. The inlined plotly.js keeps the URL strings of its own source
    (XML namespaces, licence comments, map-tile and CDN defaults of trace types these figures never use):
    none is fetched, which the README states and tests/test_browser_pages2.py checks in Chromium."""
    fig = with_caption(fig, caption)
    title = f"{title}: {caption}" if caption else title
    body = pio.to_html(fig, include_plotlyjs=True, full_html=True, config=PLOTLY_CONFIG)
    return body.replace("<head>", f"<head><title>{html.escape(title)}</title>", 1).encode("utf-8")
