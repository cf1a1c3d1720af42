"""One figure per stage of decoder step t, in the article's order:
e_t → α_t = softmax(e_t) → a_t = Σ α_t^i h_i → [a_t; s_t] → s̃_t → ŷ_t.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..trace import StepTrace, Trace
from .common import ACCENT, DIVERGING, HIGHLIGHT, MUTED, SOFT, finish, label, token_axis


def _step(trace: Trace, t: int) -> StepTrace:
    if not 1 <= t <= len(trace.steps):
        raise ValueError(f"step {t} is outside 1…{len(trace.steps)}")
    return trace.steps[t - 1]


def _bar_colours(values: np.ndarray) -> list[str]:
    top = int(np.argmax(values))
    return [HIGHLIGHT if i == top else ACCENT for i in range(len(values))]


def score_bars(trace: Trace, t: int, *, font_size: int = 14, height: int = 260, title: str | None = None) -> go.Figure:
    """e_t^i = score(query, h_i): one bar per source token, its value written on it."""
    step = _step(trace, t)
    if step.e is None:
        raise ValueError("a model without attention has no scores")
    src = trace.source_tokens
    fig = go.Figure(go.Bar(
        x=list(range(len(src))), y=step.e, marker_color=_bar_colours(step.e),
        text=[f"{v:.2f}" for v in step.e], textposition="outside", cliponaxis=False,
        customdata=[[label(tok), i + 1] for i, tok in enumerate(src)],
        hovertemplate="i = %{customdata[1]}: %{customdata[0]}<br>e = %{y:.4f}<extra></extra>",
    ))
    fig.update_xaxes(**token_axis(src), tickangle=0 if len(src) < 30 else -60)
    fig.update_yaxes(title=dict(text="e<sub>t</sub><sup>i</sup>"), zeroline=True, zerolinecolor=MUTED,
                     gridcolor="#eee")
    return finish(fig, title=title, height=height, font_size=font_size)


def alpha_bars(trace: Trace, t: int, *, font_size: int = 14, height: int = 360, title: str | None = None,
               sum_label: str = "Σ α = {total:.4f}") -> go.Figure:
    """α_t = softmax(e_t): bars per token, and below them one bar that the α_t^i fill exactly (Σ = 1)."""
    step = _step(trace, t)
    if step.alpha is None:
        raise ValueError("a model without attention has no attention distribution")
    src, alpha = trace.source_tokens, step.alpha
    fig = make_subplots(rows=2, cols=1, row_heights=[0.74, 0.26], vertical_spacing=0.22)
    custom = [[label(tok), i + 1] for i, tok in enumerate(src)]
    fig.add_trace(go.Bar(
        x=list(range(len(src))), y=alpha, marker_color=_bar_colours(alpha), customdata=custom,
        text=[f"{v:.2f}" for v in alpha], textposition="outside", cliponaxis=False,
        hovertemplate="i = %{customdata[1]}: %{customdata[0]}<br>α = %{y:.4f}<extra></extra>",
    ), row=1, col=1)
    order = np.argsort(-alpha)
    palette = [ACCENT, "#6baed6", "#9ecae1", SOFT, "#deebf7"]
    for rank, i in enumerate(order):  # the whole of 1, split among the tokens: the sum made visible
        fig.add_trace(go.Bar(
            x=[alpha[i]], y=[0], orientation="h", base=float(alpha[order[:rank]].sum()),
            marker=dict(color=HIGHLIGHT if rank == 0 else palette[min(rank, len(palette) - 1)],
                        line=dict(color="white", width=1)),
            text=label(src[i]) if alpha[i] > 0.06 else "", textposition="inside", insidetextanchor="middle",
            customdata=[custom[i]],
            hovertemplate="i = %{customdata[1]}: %{customdata[0]}<br>α = %{x:.4f}<extra></extra>",
        ), row=2, col=1)
    fig.update_xaxes(**token_axis(src), tickangle=0 if len(src) < 30 else -60, row=1, col=1)
    fig.update_yaxes(range=[0, 1.15], title=dict(text="α<sub>t</sub><sup>i</sup>"), gridcolor="#eee", row=1, col=1)
    fig.update_xaxes(range=[0, 1.0001], tickvals=[0, 0.25, 0.5, 0.75, 1], row=2, col=1)
    fig.update_yaxes(visible=False, row=2, col=1)
    fig.update_layout(barmode="overlay", bargap=0.15)
    fig.add_annotation(text=sum_label.format(total=float(alpha.sum())), xref="x2 domain", yref="y2 domain", x=0,
                       y=1.02, showarrow=False, xanchor="left", yanchor="bottom", font=dict(size=font_size))
    return finish(fig, title=title, height=height, font_size=font_size)


def context_figure(trace: Trace, t: int, *, font_size: int = 14, height: int | None = None,
                   title: str | None = None, a_label: str = "a_t") -> go.Figure:
    """a_t = Σ_i α_t^i h_i: the rows α_t^i h_i (one per source token) above their sum a_t."""
    step = _step(trace, t)
    if step.alpha is None:
        raise ValueError("a model without attention has no context vector a_t")
    H, alpha, src = trace.encoder_states, step.alpha, trace.source_tokens
    weighted = alpha[:, None] * H  # (N, n)
    bound = float(max(np.abs(weighted).max(), np.abs(step.a).max(), 1e-9))
    N, n = H.shape
    fig = make_subplots(rows=2, cols=1, row_heights=[N / (N + 1.6), 1.6 / (N + 1.6)], vertical_spacing=0.06,
                        shared_xaxes=True)
    dims = list(range(n))
    fig.add_trace(go.Heatmap(
        z=weighted, x=dims, y=list(range(N)), zmin=-bound, zmax=bound, colorscale=DIVERGING, reversescale=True,
        customdata=np.dstack([H, np.repeat(alpha[:, None], n, axis=1)]),
        text=[[label(tok)] * n for tok in src],
        hovertemplate="%{text}, d = %{x}<br>α = %{customdata[1]:.4f}<br>h = %{customdata[0]:.4f}"
                      "<br>α·h = %{z:.4f}<extra></extra>",
        colorbar=dict(thickness=10, len=0.8, y=0.55), xgap=0.5, ygap=1,
    ), row=1, col=1)
    fig.add_trace(go.Heatmap(
        z=[step.a], x=dims, y=[0], zmin=-bound, zmax=bound, colorscale=DIVERGING, reversescale=True,
        showscale=False, hovertemplate="a<sub>t</sub>[%{x}] = %{z:.4f}<extra></extra>", xgap=0.5,
    ), row=2, col=1)
    fig.update_yaxes(tickmode="array", tickvals=list(range(N)),
                     ticktext=[f"{label(tok)} · {a:.2f}" for tok, a in zip(src, alpha)],
                     autorange="reversed", row=1, col=1)
    fig.update_yaxes(tickmode="array", tickvals=[0], ticktext=[a_label], row=2, col=1)
    fig.update_xaxes(showticklabels=False, row=1, col=1)
    fig.update_xaxes(title=dict(text="d"), dtick=1 if n <= 12 else None, row=2, col=1)
    return finish(fig, title=title, height=height or min(900, 140 + 22 * (N + 2) * max(1, font_size // 14)),
                  font_size=font_size)


def vector_strip(vectors: list[tuple[str, np.ndarray]], *, font_size: int = 14, title: str | None = None,
                 split_at: dict[str, int] | None = None) -> go.Figure:
    """Vectors as one-row heat strips sharing a colour scale (e.g. [a_t; s_t] above s̃_t)."""
    bound = float(max(max(np.abs(v).max() for _, v in vectors), 1e-9))
    fig = make_subplots(rows=len(vectors), cols=1, vertical_spacing=0.25 / max(len(vectors), 1))
    for row, (name, v) in enumerate(vectors, 1):
        fig.add_trace(go.Heatmap(
            z=[v], x=list(range(len(v))), y=[0], zmin=-bound, zmax=bound, colorscale=DIVERGING, reversescale=True,
            showscale=row == 1, colorbar=dict(thickness=10), xgap=0.5,
            hovertemplate=f"{label(name)}[%{{x}}] = %{{z:.4f}}<extra></extra>",
        ), row=row, col=1)
        fig.update_yaxes(tickmode="array", tickvals=[0], ticktext=[label(name, 40)], row=row, col=1)
        fig.update_xaxes(showticklabels=False, row=row, col=1)
        if split_at and name in split_at:  # the seam between the two halves of a concatenation
            fig.add_vline(x=split_at[name] - 0.5, line=dict(color="black", width=4), row=row, col=1)
    return finish(fig, title=title, height=70 + 62 * len(vectors) * max(1, font_size // 14), font_size=font_size)


def output_bars(trace: Trace, t: int, *, font_size: int = 14, height: int = 260, title: str | None = None,
                chosen_label: str = "chosen") -> go.Figure:
    """ŷ_t = softmax(W_y s̃_t + b_y): the k most probable next tokens; the emitted (or given) one marked."""
    step = _step(trace, t)
    tokens = [tok for tok, _ in step.top_k]
    probs = [p for _, p in step.top_k]
    if step.token not in tokens:  # forced decoding: the given token may lie outside the top k
        tokens.append(step.token)
        probs.append(step.prob)
    colours = [HIGHLIGHT if tok == step.token else ACCENT for tok in tokens]
    fig = go.Figure(go.Bar(
        y=list(range(len(tokens))), x=probs, orientation="h", marker_color=colours,
        text=[f"{p:.3f}" + (f"  ◀ {chosen_label}" if tok == step.token else "") for tok, p in zip(tokens, probs)],
        textposition="outside", cliponaxis=False, customdata=[label(tok) for tok in tokens],
        hovertemplate="%{customdata}: p = %{x:.4f}<extra></extra>",
    ))
    fig.update_yaxes(**token_axis(tokens), autorange="reversed")
    fig.update_xaxes(range=[0, 1.3], tickvals=[0, 0.25, 0.5, 0.75, 1], gridcolor="#eee")
    return finish(fig, title=title, height=max(height, 60 + 34 * len(tokens)), font_size=font_size)
