"""One figure per stage of decoder step t, in the article's order:
e_t → α_t = softmax(e_t) → a_t = Σ α_t^i h_i → [a_t; s_t] → s̃_t → ŷ_t.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..trace import StepTrace, Trace
from ..words import Groups, piece_label, sum_over
from .common import (
    ACCENT,
    DIVERGING,
    GRID,
    HIGHLIGHT,
    MUTED,
    PLOT_WIDTH,
    SOFT,
    colourbar_room,
    compact,
    figure,
    label,
    layout,
    margins,
    number_room,
    text_width,
    tick_angle,
    tick_band,
    token_axis,
)


def _step(trace: Trace, t: int) -> StepTrace:
    if not 1 <= t <= len(trace.steps):
        raise ValueError(f"step {t} is outside 1…{len(trace.steps)}")
    return trace.steps[t - 1]


def _bar_colours(values: np.ndarray) -> list[str]:
    top = int(np.argmax(values))
    return [HIGHLIGHT if i == top else ACCENT for i in range(len(values))]


def _token_bars(src: list[str], values: np.ndarray, symbol: str, *, font_size: int = 14, as_text: bool = True,
                **more) -> list[dict]:
    """One bar per source token, its value written above it (below a negative one), every value in one size
    that fits its slot. `as_text`: the values as a trace of text of their own (`_labels`), for values that
    differ at every step; otherwise the bars' own text, without the zeros (α: Plotly measures each new one once).

    The size is chosen here, not by Plotly (constraintext): Plotly measures and shrinks each label on
    every redraw, a third of the chart's time, and leaves a row of mismatched sizes."""
    text = [f"{v:.2f}" for v in values]
    size = max(7, min(font_size, int(0.9 * PLOT_WIDTH / max(len(src), 1) / (0.56 * max(map(len, text), default=1)))))
    x = list(range(len(src)))
    bars = dict(
        type="bar", x=x, y=values, marker=dict(color=_bar_colours(values)),
        customdata=[[label(tok, 200), i + 1] for i, tok in enumerate(src)],  # the whole token: ticks may cut it
        hovertemplate=f"i = %{{customdata[1]}}: %{{customdata[0]}}<br>{symbol} = %{{y:.4f}}<extra></extra>", **more,
    )
    if not as_text:  # (values that round to 0.00 left out: the empty slot says it, the hover has the value)
        text = [value if value.strip("-0.") else "" for value in text]
        return [dict(bars, text=text, textposition="outside", cliponaxis=False, constraintext="none", textangle=0,
                     textfont=dict(size=size))]
    return [bars, _labels(x, values, text, size=size,
                          textposition=["top center" if v >= 0 else "bottom center" for v in values], **more)]


def _labels(x, y, text: list[str], *, size: int, **more) -> dict:
    """Text at points (a bar's value): a scatter trace of text. Plotly places these without measuring them; a
    bar's own text it measures anew whenever it changes (30 scores: 65 measurements per step, each laying out
    the whole page again, about a third of the chart's time in the browser)."""
    return dict(type="scatter", mode="text", x=x, y=y, text=text, cliponaxis=False, hoverinfo="skip",
                textfont=dict(size=size), **more)


def _value_range(values: np.ndarray) -> list[float]:
    """A bar chart's value axis, from 0 (or below it) with room for the values written beyond the bars' ends."""
    low, high = min(0.0, float(np.min(values))), max(0.0, float(np.max(values)))
    room = 0.12 * max(high - low, 1e-9)
    return [low - (room if low < 0 else 0.0), high + (room if high > 0 else 0.0)]


def _strip_domains(rows: list[float], gap: float) -> list[list[float]]:
    """Vertical [bottom, top] domains for stacked rows of relative heights `rows` (first row on top)."""
    free = 1 - gap * (len(rows) - 1)
    total = sum(rows)
    domains, top = [], 1.0
    for h in rows:
        bottom = max(0.0, top - free * h / total)
        domains.append([bottom, top])
        top = bottom - gap
    return domains


def score_bars(trace: Trace, t: int, *, font_size: int = 14, height: int = 260, title: str | None = None,
               tick_limit: int = 24, names: list[str] | None = None) -> go.Figure:
    """e_t^i = score(query, h_i): one bar per source token, its value written on it. Tick labels are cut
    to `tick_limit` characters (the hover gives the whole token): a long name, tilted, took the bars' room.
    `names`: what to call each token (a subword model's pieces in word view: words.piece_labels); scores stay
    per piece, as a sum of scores is no score."""
    step = _step(trace, t)
    if step.e is None:
        raise ValueError("a model without attention has no scores")
    src = names or trace.source_tokens
    labels = [label(tok, tick_limit) for tok in src]
    angle = tick_angle(labels, font_size)
    return figure(_token_bars(src, step.e, "e", font_size=font_size), layout(
        title=title, height=height, font_size=font_size,
        xaxis=token_axis(src, tickangle=angle, limit=tick_limit, range=[-0.5, len(src) - 0.5]),
        margin=margins(font_size, title=bool(title), left=number_room(font_size), top=1.6 * font_size,
                       bottom=tick_band(labels, font_size, angle=angle)),
        yaxis=dict(title=dict(text="e<sub>t</sub><sup>i</sup>"), zeroline=True, zerolinecolor=MUTED, gridcolor=GRID,
                   range=_value_range(step.e)),
    ))


def alpha_bars(trace: Trace, t: int, *, font_size: int = 14, height: int = 360, title: str | None = None,
               sum_label: str = "Σ α = {total:.4f}", tick_limit: int = 24, groups: Groups | None = None) -> go.Figure:
    """α_t = softmax(e_t): bars per token, and below them one bar that the α_t^i fill exactly (Σ = 1).
    Tick labels are cut to `tick_limit` characters; the hover gives the whole token. `groups`: the source
    words (words.word_groups), one bar per word, Σ_{i ∈ w} α_t^i (still summing to 1)."""
    step = _step(trace, t)
    if step.alpha is None:
        raise ValueError("a model without attention has no attention distribution")
    src, alpha = trace.source_tokens, step.alpha
    if groups is not None:
        src, alpha = [w for w, _ in groups], sum_over(alpha, groups)
    labels = [label(tok, tick_limit) for tok in src]
    order = np.argsort(-alpha, kind="stable")
    palette = [HIGHLIGHT, ACCENT, "#6baed6", "#9ecae1", SOFT, "#deebf7"]
    # The whole of 1, split among the tokens, largest first: the sum made visible. One trace, each
    # segment starting where the previous one ended.
    # The whole of 1, split among the tokens, largest first: the sum made visible. One trace, each
    # segment starting where the previous one ended.
    stacked = dict(
        type="bar", orientation="h", x=alpha[order], y=[0] * len(order),
        base=np.concatenate([[0.0], np.cumsum(alpha[order])[:-1]]), xaxis="x2", yaxis="y2",
        marker=dict(color=[palette[min(rank, len(palette) - 1)] for rank in range(len(order))],
                    line=dict(color="white", width=1)),
        # A segment names its token only where the name fits (Plotly would measure and shrink each one).
        text=[labels[i] if text_width([labels[i]], font_size) + 6 < alpha[i] * PLOT_WIDTH else "" for i in order],
        textposition="inside", insidetextanchor="middle", constraintext="none", textangle=0,
        textfont=dict(size=font_size), customdata=[[label(src[i], 200), int(i) + 1] for i in order],
        hovertemplate="i = %{customdata[1]}: %{customdata[0]}<br>α = %{x:.4f}<extra></extra>",
    )
    # Between the two rows: the token labels (tilted when there are many) and the Σ line above the bar.
    angle = tick_angle(labels, font_size)
    between = tick_band(labels, font_size, angle=angle) + 2 * font_size
    height += max(0, int(between - 0.22 * 250))  # the labels get their room; the rows keep theirs
    top, bottom = 1.6 * font_size + (44 if title else 10), tick_band([], font_size) + 10
    lower, upper = _strip_domains([0.74, 0.26], between / (height - top - bottom))[::-1]
    return figure(_token_bars(src, alpha, "α", font_size=font_size, as_text=False) + [stacked], layout(
        title=title, height=height, font_size=font_size, barmode="overlay", bargap=0.15,
        margin=margins(font_size, title=bool(title), left=number_room(font_size), top=1.6 * font_size,
                       bottom=tick_band([], font_size), right=font_size / 2),  # half of the tick label "1"
        xaxis=token_axis(src, tickangle=angle, anchor="y", limit=tick_limit),
        yaxis=dict(range=[0, 1.15], title=dict(text="α<sub>t</sub><sup>i</sup>"), gridcolor=GRID, domain=upper,
                   anchor="x"),
        xaxis2=dict(range=[0, 1.0001], tickvals=[0, 0.25, 0.5, 0.75, 1], anchor="y2"),
        yaxis2=dict(visible=False, domain=lower, anchor="x2"),
        annotations=[dict(text=sum_label.format(total=float(alpha.sum())), xref="x2 domain", yref="y2 domain", x=0,
                          y=1.02, showarrow=False, xanchor="left", yanchor="bottom", font=dict(size=font_size))],
    ))


def context_figure(trace: Trace, t: int, *, font_size: int = 14, height: int | None = None,
                   title: str | None = None, a_label: str = "a_t", names: list[str] | None = None,
                   values: np.ndarray | None = None, value_name: str = "h") -> go.Figure:
    """a_t = Σ_i α_t^i h_i: the rows α_t^i h_i (one per source token) above their sum a_t. `names`: what
    to call each token (pieces in word view: words.piece_labels); one h_i per piece, so one row per piece.
    `values`: what is weighed instead of H (a Transformer head's v_i^j, N × d_k), called `value_name`."""
    step = _step(trace, t)
    if step.alpha is None:
        raise ValueError("a model without attention has no context vector a_t")
    H = trace.encoder_states if values is None else values
    alpha, src = step.alpha, names or trace.source_tokens
    weighted = alpha[:, None] * H  # (N, n)
    bound = float(max(np.abs(weighted).max(), np.abs(step.a).max(), 1e-9))
    N, n = H.shape
    dims = list(range(n))
    shared = dict(zmin=-bound, zmax=bound, colorscale=DIVERGING, reversescale=True)
    # Rows are named "i: token" (unique even when tokens repeat) so the hover can show the token
    # without an N×n array of strings.
    names = [f"{i + 1}: {label(tok)}" for i, tok in enumerate(src)]
    rows = dict(
        type="heatmap", z=weighted, x=dims, y=names, **shared,
        customdata=compact(H),
        hovertemplate=f"%{{y}}, d = %{{x}}<br>{value_name} = %{{customdata:.4f}}<br>α·{value_name} = %{{z:.4f}}"
                      "<extra></extra>",
        colorbar=dict(thickness=10, len=0.8, y=0.55),
    )
    total = dict(type="heatmap", z=compact(step.a[None, :]), x=dims, y=[0], **shared, showscale=False,
                 xaxis="x2", yaxis="y2",
                 hovertemplate="a<sub>t</sub>[%{x}] = %{z:.4f}<extra></extra>")
    upper, lower = _strip_domains([N, 1.6], 0.06)
    ticktext = [f"{label(tok)} · {a:.2f}" for tok, a in zip(src, alpha)]
    return figure([rows, total], layout(
        title=title, height=height or min(900, 140 + 22 * (N + 2) * max(1, font_size // 14)), font_size=font_size,
        margin=margins(font_size, title=bool(title), left=text_width(ticktext + [a_label], font_size) + 8,
                       right=colourbar_room(font_size), bottom=2 * tick_band([], font_size), top=font_size / 2),
        xaxis=dict(showticklabels=False, matches="x2", anchor="y"),
        yaxis=dict(type="category", tickmode="array", tickvals=names, autorange="reversed", domain=upper, anchor="x",
                   ticktext=ticktext),
        xaxis2=dict(title=dict(text="d"), dtick=1 if n <= 12 else None, anchor="y2"),
        yaxis2=dict(tickmode="array", tickvals=[0], ticktext=[a_label], domain=lower, anchor="x2"),
    ))


def vector_strip(vectors: list[tuple[str, np.ndarray]], *, font_size: int = 14, title: str | None = None,
                 split_at: dict[str, int | list[int]] | None = None, height: int | None = None) -> go.Figure:
    """Vectors as one-row heat strips sharing a colour scale (e.g. [a_t; s_t] above s̃_t); split_at: where a
    vector's parts meet (one index, or several: the heads of [a_t^(1); …; a_t^(h)])."""
    bound = float(max(max(np.abs(v).max() for _, v in vectors), 1e-9))
    domains = _strip_domains([1] * len(vectors), 0.25 / max(len(vectors), 1))
    data, axes, shapes = [], {}, []
    for row, ((name, v), domain) in enumerate(zip(vectors, domains), 1):
        suffix = "" if row == 1 else str(row)
        data.append(dict(
            type="heatmap", z=compact(np.asarray(v)[None, :]), x=list(range(len(v))), y=[0], zmin=-bound, zmax=bound,
            colorscale=DIVERGING,
            reversescale=True, showscale=row == 1, colorbar=dict(thickness=10),
            xaxis=f"x{suffix}", yaxis=f"y{suffix}",
            hovertemplate=f"{label(name)}[%{{x}}] = %{{z:.4f}}<extra></extra>",
        ))
        axes[f"xaxis{suffix}"] = dict(showticklabels=False, anchor=f"y{suffix}")
        axes[f"yaxis{suffix}"] = dict(tickmode="array", tickvals=[0], ticktext=[label(name, 40)], domain=domain,
                                      anchor=f"x{suffix}")
        seams = (split_at or {}).get(name, [])  # the seams between the parts of a concatenation
        for seam in [seams] if isinstance(seams, int) else seams:
            shapes.append(dict(type="line", x0=seam - 0.5, x1=seam - 0.5, xref=f"x{suffix}",
                               y0=0, y1=1, yref=f"y{suffix} domain", line=dict(color="black", width=4)))
    return figure(data, layout(
        title=title, height=height or 70 + 62 * len(vectors) * max(1, font_size // 14), font_size=font_size,
        shapes=shapes,
        margin=margins(font_size, title=bool(title), left=text_width([label(n, 40) for n, _ in vectors], font_size) + 8,
                       right=colourbar_room(font_size)),
        **axes,
    ))


def output_bars(trace: Trace, t: int, *, font_size: int = 14, height: int = 260, title: str | None = None,
                chosen_label: str = "chosen", piece_names: bool = False) -> go.Figure:
    """ŷ_t = softmax(W_y s̃_t + b_y): the k most probable next tokens; the emitted (or given) one marked.
    `piece_names`: subword pieces written as in word view ("##ing" as "-ing"); the decoder chooses pieces."""
    step = _step(trace, t)
    tokens = [tok for tok, _ in step.top_k]
    probs = [p for _, p in step.top_k]
    if step.token not in tokens and step.prob is not None:  # forced decoding: the given token may lie outside the top k
        tokens.append(step.token)
        probs.append(step.prob)
    chosen = step.token
    if piece_names:
        tokens, chosen = [piece_label(tok) for tok in tokens], piece_label(step.token)
    bars = dict(
        type="bar", y=list(range(len(tokens))), x=probs, orientation="h",
        marker=dict(color=[HIGHLIGHT if tok == chosen else ACCENT for tok in tokens]),
        customdata=[label(tok) for tok in tokens], hovertemplate="%{customdata}: p = %{x:.4f}<extra></extra>",
    )
    # Each bar's value (and the mark of the chosen token) right of its end.
    values = _labels(probs, list(range(len(tokens))), [
        "\u00a0" + f"{p:.3f}" + (f"\u00a0\u00a0◀ {chosen_label}" if tok == chosen else "")
        for tok, p in zip(tokens, probs)], size=font_size, textposition="middle right")
    return figure([bars, values], layout(
        title=title, height=max(height, 60 + (34 if font_size <= 14 else int(1.4 * font_size)) * len(tokens)),
        font_size=font_size,
        margin=margins(font_size, title=bool(title), left=text_width([label(tok) for tok in tokens], font_size) + 8,
                       bottom=tick_band([], font_size)),
        yaxis=token_axis(tokens, autorange="reversed"),
        xaxis=dict(range=[0, 1.3], tickvals=[0, 0.25, 0.5, 0.75, 1], gridcolor=GRID),
    ))
