"""Pure figure builders: a Trace (or plain arrays) in, a plotly Figure out. No Streamlit, no globals.

Token axes use integer positions with `ticktext`, so repeated tokens never collapse. Every token
passes through `label()` first: Plotly reads `<b>`, `<br>`, `<a href>` in text as markup, so `<` and
`&` are written as entities and the token shows literally.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go

from .trace import Trace

FONT = "Noto Sans, Noto Sans CJK KR, Noto Sans CJK JP, Malgun Gothic, Apple SD Gothic Neo, sans-serif"
BLUES = "Blues"
HIGHLIGHT = "#d62728"
MUTED = "#9aa5b1"
CHOSEN = "#1f77b4"


def label(token: str) -> str:
    """A token as Plotly text: markup escaped; spaces and empty tokens made visible."""
    if token == "":
        return "∅"
    if token == " ":
        return "␣"
    return html.escape(token, quote=False).replace(" ", "\u00a0")


def _axis_ticks(tokens: list[str]) -> dict:
    return dict(tickmode="array", tickvals=list(range(len(tokens))), ticktext=[label(t) for t in tokens])


def _layout(fig: go.Figure, *, title: str | None, height: int, font_size: int) -> go.Figure:
    fig.update_layout(
        title=dict(text=label(title) if title else None, x=0, xanchor="left"),
        height=height, margin=dict(l=10, r=10, t=40 if title else 10, b=10),
        font=dict(family=FONT, size=font_size), plot_bgcolor="white", paper_bgcolor="white",
        hoverlabel=dict(font=dict(family=FONT)),
    )
    return fig


def alignment_heatmap(trace: Trace, *, step: int | None = None, show_values: bool = False,
                      zmax: float | None = 1.0, title: str | None = None, font_size: int = 14,
                      height: int | None = None) -> go.Figure:
    """Heatmap of A[t, i] = α_t^i (target rows × source columns); row `step` (1-based) outlined."""
    A = trace.alignment
    if A is None:
        raise ValueError(f"{trace.model} has no attention, so no alignment matrix")
    src, tgt = trace.source_tokens, trace.target_tokens
    hover = [[[label(tgt[t]), label(src[i]), t + 1, i + 1] for i in range(len(src))] for t in range(len(tgt))]
    fig = go.Figure(go.Heatmap(
        z=A, x=list(range(len(src))), y=list(range(len(tgt))), customdata=hover,
        colorscale=BLUES, zmin=0.0, zmax=zmax, colorbar=dict(title=dict(text="α"), thickness=12),
        hovertemplate="t = %{customdata[2]}: %{customdata[0]}<br>i = %{customdata[3]}: %{customdata[1]}"
                      "<br>α = %{z:.4f}<extra></extra>",
        texttemplate="%{z:.2f}" if show_values else None, textfont=dict(size=max(font_size - 4, 8)),
        xgap=1, ygap=1,
    ))
    fig.update_xaxes(**_axis_ticks(src), side="top", title=None, showgrid=False, tickangle=0)
    fig.update_yaxes(**_axis_ticks(tgt), autorange="reversed", title=None, showgrid=False)
    if step is not None and 1 <= step <= len(tgt):
        fig.add_shape(type="rect", x0=-0.5, x1=len(src) - 0.5, y0=step - 1.5, y1=step - 0.5,
                      line=dict(color=HIGHLIGHT, width=3))
    cell = 34 if font_size <= 16 else 48
    return _layout(fig, title=title, height=height or max(260, 90 + cell * len(tgt)), font_size=font_size)
