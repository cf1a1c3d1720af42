"""Attention beside attribution (DESIGN §6): where step t looks (α_t) and what moved its output (R_t).

R_t^i is step t's attribution to source token i: integrated gradients of log ŷ_t[token_t] with respect to
token i's embedding (Σ_i R_t^i = log ŷ_t − log ŷ_t', completeness), or erasure (log ŷ_t less the same with
token i left out). Signed: a negative R_t^i pushed the emitted token down.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..trace import Trace
from ..words import Groups, WordView, attribution_words, sum_over
from .alignment import alignment_heatmap
from .common import (
    ACCENT,
    DIVERGING,
    GRID,
    HIGHLIGHT,
    MUTED,
    figure,
    label,
    layout,
    margins,
    number_room,
    tick_angle,
    tick_band,
    token_axis,
)
from .steps import _step, _strip_domains, _token_bars, _value_range

NEGATIVE = "#f28e2b"  # a token that pushed the emitted token down


def attribution_colours(values: np.ndarray) -> list[str]:
    """The token of largest |R_t^i| in the highlight colour (the one the reading names), the others by sign."""
    top = int(np.argmax(np.abs(values)))
    return [HIGHLIGHT if i == top else (ACCENT if v >= 0 else NEGATIVE) for i, v in enumerate(values)]


def attribution_bars(trace: Trace, t: int, *, font_size: int = 14, height: int = 400, title: str | None = None,
                     groups: Groups | None = None, value_name: str = "R", tick_limit: int = 24) -> go.Figure:
    """Two rows on one token axis: α_t^i above, R_t^i below (its zero line drawn), each token's largest value
    in the highlight colour. `groups`: a subword model's source words, α and R summed over each word's pieces
    (both add up: Σ α = 1, Σ R = log ŷ_t − log ŷ_t')."""
    step = _step(trace, t)
    if step.attribution is None:
        raise ValueError(f"step {t} of this trace has no attribution: trace it with attribution=True")
    if step.alpha is None:
        raise ValueError("a model without attention has no α to set beside its attribution")
    src, alpha, values = trace.source_tokens, step.alpha, step.attribution.values
    if groups is not None:
        src, alpha, values = [w for w, _ in groups], sum_over(alpha, groups), sum_over(values, groups)
    labels = [label(tok, tick_limit) for tok in src]
    angle = tick_angle(labels, font_size)
    top = 1.6 * font_size + (44 if title else 10)
    bottom = tick_band(labels, font_size, angle=angle)
    upper, lower = _strip_domains([0.45, 0.55], 3.2 * font_size / max(height - top - bottom, 1))
    alpha_row = _token_bars(src, alpha, "α", font_size=font_size, as_text=False, xaxis="x2", yaxis="y2")
    attribution_row = _token_bars(src, values, value_name, font_size=font_size)
    attribution_row[0]["marker"] = dict(color=attribution_colours(values))
    return figure(alpha_row + attribution_row, layout(
        title=title, height=height, font_size=font_size, bargap=0.15,
        margin=margins(font_size, title=bool(title), left=number_room(font_size), top=1.6 * font_size,
                       bottom=bottom),
        xaxis=token_axis(src, tickangle=angle, limit=tick_limit, range=[-0.5, len(src) - 0.5], anchor="y"),
        xaxis2=dict(matches="x", anchor="y2", showticklabels=False, range=[-0.5, len(src) - 0.5]),
        yaxis=dict(title=dict(text=f"{value_name}<sub>t</sub><sup>i</sup>"), domain=lower, zeroline=True,
                   zerolinecolor=MUTED, gridcolor=GRID, range=_value_range(values), anchor="x"),
        yaxis2=dict(title=dict(text="α<sub>t</sub><sup>i</sup>"), domain=upper, range=[0, 1.2], gridcolor=GRID,
                    anchor="x2"),
    ))


def attribution_heatmap(trace: Trace, *, view: WordView | None = None, value_name: str = "R", **options) -> go.Figure:
    """R[t, i] for every step at once, on the alignment matrix's axes (alignment_heatmap) and a diverging scale
    symmetric about 0 (red below, blue above), so that a token that pushed an output down shows as such.
    `view`: in words, R̄ summed over a word's source and target pieces (words.attribution_words)."""
    R = trace.attribution
    if R is None:
        raise ValueError(f"this trace of {trace.model} has no attribution: trace it with attribution=True")
    if view is not None and not view.is_pieces:
        R = attribution_words(R, view.source_groups, view.target_groups)
    bound = max(float(np.abs(R).max()), 1e-9)
    return alignment_heatmap(trace, matrix=R, view=view, zmin=-bound, zmax=bound, colorscale=DIVERGING,
                             value_name=value_name, **options)
