"""The alignment matrix: A[t, i] = α_t^i, target rows × source columns."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..trace import Trace
from ..words import WordView
from .common import (
    BLUES,
    HIGHLIGHT,
    PLOT_WIDTH,
    colourbar_room,
    figure,
    label,
    layout,
    margins,
    text_width,
    tick_angle,
    tick_band,
    token_axis,
)


def cell_font(columns: int, font_size: int) -> int:
    """A size at which "0.00" fits a cell: the plot area (PLOT_WIDTH less the row labels, ~a fifth) over
    the columns, at 0.56 em per character and 2.6 em for the four of them with a little room."""
    return max(6, min(font_size - 4, int(0.8 * PLOT_WIDTH / max(columns, 1) / 2.6)))


def alignment_heatmap(trace: Trace, *, step: int | None = None, show_values: bool = False,
                      zmax: float | None = 1.0, title: str | None = None, font_size: int = 14,
                      height: int | None = None, matrix: np.ndarray | None = None,
                      source_tokens: list[str] | None = None, clickable: bool = False,
                      width: float | None = None, view: WordView | None = None, zmin: float = 0.0,
                      colorscale: list = BLUES, value_name: str = "α") -> go.Figure:
    """Heatmap of the alignment; row `step` (1-based) outlined. `matrix`/`source_tokens` override
    the trace's (e.g. word-level aggregation); the colour scale is [0, zmax] so figures compare.
    `clickable` lays an invisible marker on every cell: heatmaps report no clicks, markers do.
    `width`: the width a small figure gets on the page (a gallery of several side by side): the source labels
    are fitted to its plot area, what the row labels and the colour bar leave (tilted when they would overlap
    level); without it they are level below 30 columns.
    `view`: a word view of the trace (attention_core.words): rows its target words, columns its source words,
    values Ā (α summed over a word's source pieces, averaged over its target pieces); `step` is then a word row;
    with `matrix`, that matrix in words (figures.attribution: R̄). `zmin`, `colorscale`, `value_name`: another
    matrix on these axes (attribution: a diverging scale about 0, named R)."""
    if view is not None:
        matrix = view.alignment if matrix is None else matrix
        source_tokens, target_tokens = view.source_words, view.target_words
    else:
        target_tokens = None
    A = trace.alignment if matrix is None else matrix
    if A is None:
        raise ValueError(f"{trace.model} has no attention, so no alignment matrix")
    src, tgt = source_tokens or trace.source_tokens, target_tokens or trace.target_tokens
    N, T = len(src), len(tgt)
    hover = [[[label(tgt[t]), label(src[i]), t + 1, i + 1] for i in range(N)] for t in range(T)]
    template = ("t = %{customdata[2]}: %{customdata[0]}<br>i = %{customdata[3]}: %{customdata[1]}"
                f"<br>{value_name} = %{{z:.4f}}<extra></extra>")
    data = [dict(
        type="heatmap", z=A, x=list(range(N)), y=list(range(T)), customdata=hover, colorscale=colorscale,
        zmin=zmin, zmax=zmax, colorbar=dict(title=dict(text=value_name), thickness=12), hovertemplate=template,
        texttemplate="%{z:.2f}" if show_values else None, textfont=dict(size=cell_font(N, font_size)),
        xgap=1, ygap=1,
    )]
    extra = {}
    if clickable:
        data.append(dict(
            type="scatter", mode="markers", x=[i for _ in range(T) for i in range(N)],
            y=[t for t in range(T) for _ in range(N)], marker=dict(symbol="square", size=28, color="rgba(0,0,0,0)"),
            customdata=[hover[t][i] + [float(A[t, i])] for t in range(T) for i in range(N)],
            hovertemplate=template.replace("%{z:.4f}", "%{customdata[4]:.4f}"), showlegend=False,
        ))
        extra = dict(clickmode="event+select", dragmode=False)
    shapes = []
    if step is not None and 1 <= step <= T:
        shapes.append(dict(type="rect", x0=-0.5, x1=N - 0.5, y0=step - 1.5, y1=step - 0.5,
                           line=dict(color=HIGHLIGHT, width=3)))
    cell = max(22, 2 * font_size + 6)
    labels = [label(tok) for tok in src]
    left, right = text_width([label(tok) for tok in tgt], font_size) + 8, colourbar_room(font_size) + font_size
    angle = (0 if N < 30 else -60) if width is None else tick_angle(labels, font_size, width - left - right - 20)
    top = tick_band(labels, font_size, angle=angle) + (2 * font_size + 10 if title else 0)
    return figure(data, layout(
        # A small figure (width) gets the room of its tilted labels on top of its rows', which would
        # otherwise squeeze its cells.
        title=title, height=height or max(240, 100 + cell * T + (top if width is not None else 0)),
        font_size=font_size, shapes=shapes, **extra,
        margin=margins(font_size, top=top, left=left, right=right),  # right: the bar's title "α" above it
        xaxis=token_axis(src, side="top", showgrid=False, zeroline=False, range=[-0.5, N - 0.5],
                         tickangle=angle),
        yaxis=token_axis(tgt, showgrid=False, zeroline=False, range=[T - 0.5, -0.5]),  # row 1 on top
    ))
