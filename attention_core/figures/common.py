"""What every figure shares: token labels that show literally, fonts, colours, layout."""

from __future__ import annotations

import html

import plotly.graph_objects as go

FONT = "Source Sans Pro, Noto Sans, Noto Sans CJK KR, Noto Sans CJK JP, Malgun Gothic, Apple SD Gothic Neo, sans-serif"
BLUES = "Blues"
DIVERGING = "RdBu"
HIGHLIGHT = "#d62728"  # the current step / the chosen token
MUTED = "#9aa5b1"
ACCENT = "#1f77b4"
SOFT = "#c6dbef"


def label(token: str, limit: int = 24) -> str:
    """A token as Plotly text: markup escaped (so `<b>` shows as <b>), spaces and empties visible, long ones cut."""
    if token == "":
        return "∅"
    if token == " ":
        return "␣"
    if len(token) > limit:
        token = token[: limit - 1] + "…"
    return html.escape(token, quote=False).replace(" ", "\u00a0")


def token_axis(tokens: list[str]) -> dict:
    """Integer positions with the tokens as tick text: repeated tokens keep their own column."""
    return dict(tickmode="array", tickvals=list(range(len(tokens))), ticktext=[label(t) for t in tokens])


def finish(fig: go.Figure, *, title: str | None = None, height: int = 300, font_size: int = 14,
           margin: dict | None = None) -> go.Figure:
    fig.update_layout(
        title=dict(text=label(title, 200) if title else None, x=0, xanchor="left", y=1, yanchor="top",
                   yref="container", pad=dict(t=8), font=dict(size=font_size + 2)),
        height=height, margin=margin or dict(l=10, r=10, t=44 if title else 10, b=10),
        font=dict(family=FONT, size=font_size), plot_bgcolor="white", paper_bgcolor="white",
        hoverlabel=dict(font=dict(family=FONT, size=font_size)), showlegend=False,
    )
    return fig


def fmt(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}f}"
