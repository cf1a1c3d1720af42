"""A multi-head model's attention at step t: every head at once (bertviz's head and model views, live and
exact) and the self-attention of the encoder and of the decoder (DESIGN §5).

    cross-attention of head j in layer ℓ at step t:  α_t^{ℓ,j} = softmax(q_t^{ℓ,j} · K^{ℓ,j} / √d_k)
    a layer's mean:                                   ᾱ_t^ℓ = (1/h) Σ_j α_t^{ℓ,j}
    decoder self-attention at step t (masked):        β_t^{ℓ,j} over positions 1..t only (the future is not seen)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go

from ..heads import head_choices, of_head
from ..trace import Trace
from .common import (
    BLUES,
    HIGHLIGHT,
    MUTED,
    colourbar_room,
    compact,
    figure,
    label,
    layout,
    margins,
    text_width,
    tick_angle,
    tick_band,
    token_axis,
)

# One colour per head, none of them the highlight red of the current step.
HEAD_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"]
MASKED = "#e4e7ec"  # a position the decoder may not see at that step


def grouped(alpha: np.ndarray, groups: list | None) -> np.ndarray:
    """α over source words: summed over each word's pieces (words.py's convention); α itself without groups."""
    if groups is None:
        return alpha
    return np.stack([alpha[..., members].sum(axis=-1) for _, members in groups], axis=-1)


def _source(trace: Trace, groups: list | None) -> list[str]:
    return [word for word, _ in groups] if groups is not None else list(trace.source_tokens)


def head_rows(trace: Trace) -> list[tuple[int, int | str]]:
    """The grid's rows, top to bottom: every view the trace offers (heads.head_choices: per layer its mean when it
    has several heads, then each head)."""
    return head_choices(trace)


def cross_at(trace: Trace, t: int, layer: int, head: int | str) -> np.ndarray:
    """α_t of head `head` of layer `layer` (1-based; "mean": ᾱ_t), from the step's blocks."""
    alpha = trace.steps[t - 1].cross[layer - 1].alpha
    return of_head(alpha, head)


def head_grid(trace: Trace, t: int, *, chosen: tuple[int, int | str] | None = None,
              row_name: Callable[[int, int | str], str] | None = None, title: str | None = None,
              font_size: int = 14, groups: list | None = None, max_height: int | None = None) -> go.Figure:
    """Every layer's and head's cross-attention of step t, one row each (layer by layer, its mean first), over
    the source; row `chosen` outlined. Each row carries customdata [layer, head] on invisible markers (heatmaps
    report no clicks): a click names the head. `groups`: a word view's source groups (α summed per word).
    `max_height`: the most the figure may take (a projector's screen): its rows get what is left."""
    rows = head_rows(trace)
    Z = np.stack([grouped(cross_at(trace, t, ell, j), groups) for ell, j in rows])  # (rows, N)
    src = _source(trace, groups)
    N, R = len(src), len(rows)
    name = row_name or (lambda ell, j: f"{ell}·{j}")
    names = [name(ell, j) for ell, j in rows]
    keys = [[ell, str(j)] for ell, j in rows]
    # The hover is the markers' (a trace that skips hover reports no clicks either).
    data = [dict(type="heatmap", z=compact(Z), x=list(range(N)), y=list(range(R)), colorscale=BLUES, zmin=0.0,
                 zmax=1.0, xgap=1, ygap=1, colorbar=dict(title=dict(text="α"), thickness=12), hoverinfo="skip"),
            dict(type="scatter", mode="markers", x=[i for _ in range(R) for i in range(N)],
                 y=[r for r in range(R) for _ in range(N)], showlegend=False,
                 customdata=[keys[r] for r in range(R) for _ in range(N)],
                 text=[f"{names[r]}<br>{label(src[i])}: α = {Z[r, i]:.4f}" for r in range(R) for i in range(N)],
                 hovertemplate="%{text}<extra></extra>",
                 marker=dict(symbol="square", size=26, color="rgba(0,0,0,0)"))]
    shapes = []
    per_layer = len(rows) // trace.layers
    for ell in range(1, trace.layers):  # a line between layers
        shapes.append(dict(type="line", x0=-0.5, x1=N - 0.5, y0=ell * per_layer - 0.5, y1=ell * per_layer - 0.5,
                           line=dict(color="#444", width=2)))
    if chosen in rows:
        r = rows.index(chosen)
        shapes.append(dict(type="rect", x0=-0.5, x1=N - 0.5, y0=r - 0.5, y1=r + 0.5,
                           line=dict(color=HIGHLIGHT, width=3)))
    labels = [label(tok) for tok in src]
    left, right = text_width(names, font_size) + 12, colourbar_room(font_size) + font_size
    angle = tick_angle(labels, font_size)
    top = tick_band(labels, font_size, angle=angle) + (2 * font_size + 10 if title else 0)
    cell = _fit(max(20, int(1.6 * font_size) + 4), R, 80 + top, max_height)
    return figure(data, layout(
        title=title, height=int(80 + top + cell * R), font_size=font_size, shapes=shapes,
        clickmode="event", dragmode=False, margin=margins(font_size, top=top, left=left, right=right),
        xaxis=token_axis(src, side="top", showgrid=False, zeroline=False, range=[-0.5, N - 0.5], tickangle=angle),
        yaxis=dict(tickmode="array", tickvals=list(range(R)), ticktext=names, range=[R - 0.5, -0.5],
                   showgrid=False, zeroline=False),
    ))


def head_lines(trace: Trace, t: int, *, layer: int, shown: list[int] | None = None,
               head_label: Callable[[int], str] | None = None, title: str | None = None, font_size: int = 14,
               groups: list | None = None, target_names: list[str] | None = None,
               max_height: int | None = None) -> go.Figure:
    """bertviz's head view at step t: the target tokens (left; y_t, the step's, in red) and the source tokens
    (right), a line from y_t to each source token per head of layer `layer`, one colour per head, its width and
    opacity α_t^{j,i}. The legend turns heads on and off; `shown` (1-based) are on at first (default all).
    Each head's lines sit a little apart so that heads on the same token stay visible. `max_height`: as the
    grid's (the tokens' font shrinks with their rows, to 10 px).

    The lines are layout shapes in their head's legend group (the legend turns them on and off with it): one
    scatter trace per line cost Plotly ~100 ms a step at 4 × 17 lines (python -m bench heads). Each head's trace
    is its lines' ends at the source, whose hover gives α."""
    h = trace.heads
    src = _source(trace, groups)
    tgt = target_names or list(trace.target_tokens)
    N, T = len(src), len(tgt)
    alpha = grouped(trace.steps[t - 1].cross[layer - 1].alpha, groups)  # (h, N)
    shown = list(range(1, h + 1)) if shown is None else shown
    name = head_label or (lambda j: f"head {j}")
    span = max(N, T)
    y_src = np.linspace(0, span - 1, N) if N > 1 else np.zeros(1)
    y_tgt = np.linspace(0, span - 1, T) if T > 1 else np.zeros(1)
    gap = 0.6 / max(h, 1)
    data, shapes = [], []
    for j in range(1, h + 1):
        colour = HEAD_COLOURS[(j - 1) % len(HEAD_COLOURS)]
        offset = (j - (h + 1) / 2) * gap
        on = True if j in shown else "legendonly"
        ends = [float(y + offset) for y in y_src]
        data.append(dict(type="scatter", mode="markers", x=[1.0] * N, y=ends, legendgroup=f"h{j}", name=name(j),
                         showlegend=True, visible=on, marker=dict(color=colour, size=7),
                         text=[f"{label(name(j))}<br>{label(src[i])}: α = {float(alpha[j - 1, i]):.4f}"
                               for i in range(N)],
                         hovertemplate="%{text}<extra></extra>"))
        for i in range(N):
            a = float(alpha[j - 1, i])
            shapes.append(dict(type="line", xref="x", yref="y", x0=0.0, x1=1.0, y0=float(y_tgt[t - 1]),
                               y1=ends[i],
                               line=dict(color=colour, width=0.5 + 10 * a), opacity=0.04 + 0.96 * a,
                               legendgroup=f"h{j}", showlegend=False, visible=on, layer="below"))
    text = dict(type="scatter", mode="text", hoverinfo="skip", showlegend=False, cliponaxis=False)
    data.append(dict(text, x=[-0.02] * T, y=y_tgt.tolist(), textposition="middle left",
                     text=[f"<b>{label(tok)}</b>" if k == t - 1 else label(tok) for k, tok in enumerate(tgt)],
                     textfont=dict(size=font_size, color=[HIGHLIGHT if k == t - 1 else
                                                          (MUTED if k > t - 1 else "#262730") for k in range(T)])))
    data.append(dict(text, x=[1.02] * N, y=y_src.tolist(), textposition="middle right",
                     text=[label(tok) for tok in src], textfont=dict(size=font_size, color="#262730")))
    pitch = _fit(font_size + 10, span, 90 + 2 * font_size, max_height)
    token_size = max(10, min(font_size, pitch - 4))
    for part in data[-2:]:
        part["textfont"]["size"] = token_size
    side = text_width([label(tok) for tok in src + tgt], token_size) + 16
    return figure(data, layout(
        title=title, height=int(90 + 2 * font_size + pitch * span), font_size=font_size, showlegend=h > 1,
        shapes=shapes,
        legend=dict(orientation="h", x=0, y=-0.02, yanchor="top", itemclick="toggle", itemdoubleclick="toggleothers",
                    font=dict(size=font_size)),
        margin=margins(font_size, title=bool(title), left=side, right=side, bottom=2 * font_size + 10),
        xaxis=dict(visible=False, range=[-0.02, 1.02], fixedrange=True),
        yaxis=dict(visible=False, range=[span - 0.5, -0.5], fixedrange=True),
    ))


def _fit(cell: float, rows: int, other: float, max_height: int | None) -> float:
    """A row's height: `cell`, or less (down to 12 px) when `rows` of it and `other` would pass `max_height`."""
    if max_height is None:
        return cell
    return max(12.0, min(cell, (max_height - other) / max(rows, 1)))


def _self_matrix(rows: list[np.ndarray], size: int) -> list[list[float | None]]:
    """Rows of different lengths (row s: s entries) as a size × size matrix, None (a gap, as JSON has no NaN)
    where nothing was computed."""
    return [[float(v) for v in row] + [None] * (size - len(row)) for row in rows] + [[None] * size] * (size - len(rows))


def decoder_self_attention(trace: Trace, t: int, *, layer: int, head: int | str, title: str | None = None,
                           font_size: int = 14, masked_label: str = "masked",
                           max_height: int | None = None, names: list[str] | None = None) -> go.Figure:
    """The decoder's masked self-attention up to step t: row s (s ≤ t) is where position s looked (the step
    s row of its block, s numbers: positions 1..s), columns the decoder's inputs <s>, y_1, …, y_{T-1}. The
    cells a position may not see (column > row) are grey; rows after t are not computed yet and stay blank.
    `names`: what to call the inputs (pieces without their markers in a word view: words.piece_labels)."""
    T = len(trace.steps)
    inputs = names or [step.input_token for step in trace.steps]

    def row(s):
        alpha = trace.steps[s - 1].self_attn[layer - 1].alpha
        return of_head(alpha, head)

    Z = _self_matrix([row(s) for s in range(1, t + 1)], T)
    mask = [[1.0 if col > r else None for col in range(T)] for r in range(T)]
    labels = [label(tok) for tok in inputs]
    data = [dict(type="heatmap", z=mask, x=list(range(T)), y=list(range(T)), colorscale=[[0, MASKED], [1, MASKED]],
                 showscale=False, xgap=1, ygap=1, hovertemplate=f"{label(masked_label)}<extra></extra>"),
            dict(type="heatmap", z=Z, x=list(range(T)), y=list(range(T)), colorscale=BLUES, zmin=0.0, zmax=1.0,
                 xgap=1, ygap=1, colorbar=dict(title=dict(text="α"), thickness=12),
                 hovertemplate="%{y} → %{x}: α = %{z:.4f}<extra></extra>")]
    left, right = text_width(labels, font_size) + 12, colourbar_room(font_size) + font_size
    angle = tick_angle(labels, font_size, 420)
    top = tick_band(labels, font_size, angle=angle) + (2 * font_size + 10 if title else 0)
    cell = _fit(max(18, int(1.5 * font_size) + 2), T, 70 + top, max_height)
    shapes = [dict(type="rect", x0=-0.5, x1=T - 0.5, y0=t - 1.5, y1=t - 0.5, line=dict(color=HIGHLIGHT, width=3))]
    return figure(data, layout(
        title=title, height=int(70 + top + cell * T), font_size=font_size, shapes=shapes,
        margin=margins(font_size, top=top, left=left, right=right),
        xaxis=token_axis(inputs, side="top", showgrid=False, zeroline=False, range=[-0.5, T - 0.5], tickangle=angle),
        yaxis=token_axis(inputs, showgrid=False, zeroline=False, range=[T - 0.5, -0.5]),
    ))


def encoder_self_attention(trace: Trace, *, layer: int, head: int | str, title: str | None = None,
                           font_size: int = 14, names: list[str] | None = None) -> go.Figure:
    """The encoder's self-attention of layer `layer`, head `head` ("mean": the layer's mean): row i is where
    source position i looked (it sums to 1), N × N."""
    if trace.encoder_self_attention is None:
        raise ValueError(f"{trace.model} does not expose its encoder's self-attention")
    block = trace.encoder_self_attention[layer - 1]
    Z = of_head(block, head)
    src = names or list(trace.source_tokens)
    N = len(src)
    labels = [label(tok) for tok in src]
    left, right = text_width(labels, font_size) + 12, colourbar_room(font_size) + font_size
    angle = tick_angle(labels, font_size, 420)
    top = tick_band(labels, font_size, angle=angle) + (2 * font_size + 10 if title else 0)
    cell = max(16, int(1.4 * font_size))
    data = [dict(type="heatmap", z=compact(Z), x=list(range(N)), y=list(range(N)), colorscale=BLUES, zmin=0.0,
                 zmax=1.0, xgap=1, ygap=1, colorbar=dict(title=dict(text="α"), thickness=12),
                 customdata=[[[labels[i], labels[k]] for k in range(N)] for i in range(N)],
                 hovertemplate="%{customdata[0]} → %{customdata[1]}: α = %{z:.4f}<extra></extra>")]
    return figure(data, layout(
        title=title, height=int(70 + top + cell * N), font_size=font_size,
        margin=margins(font_size, top=top, left=left, right=right),
        xaxis=token_axis(src, side="top", showgrid=False, zeroline=False, range=[-0.5, N - 0.5], tickangle=angle),
        yaxis=token_axis(src, showgrid=False, zeroline=False, range=[N - 0.5, -0.5]),
    ))
