"""The encoder–decoder at step t (the article's drawings, live): h_i boxes, decoder states, and a line
from every h_i to the context a_t whose width and opacity follow α_t^i."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..trace import Trace
from ..words import Groups, piece_labels, sum_over
from .common import ACCENT, BLUES, HIGHLIGHT, MUTED, figure, label, layout, text_width

Y_TOKEN, Y_H, Y_CONTEXT, Y_S, Y_OUT = 0.0, 1.0, 2.55, 4.0, 5.0


def _decoder_x(T: int, N: int) -> list[float]:
    if T == 1:
        return [(N - 1) / 2]
    return [k * (N - 1) / (T - 1) for k in range(T)] if N > 1 else [float(k) for k in range(T)]


_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(n: int) -> str:
    """An index as Unicode subscript digits: Plotly draws plain text in half the time of <sub> markup,
    and a diagram has one label per token and per step."""
    return str(n).translate(_SUBSCRIPT)


def _token_row(tokens: list[str], slot: float, font_size: int) -> tuple[list[str], bool]:
    """Labels for a row of tokens `slot` px apart, and whether they alternate between two heights
    (when neighbours would overlap); in two heights each label may take two slots, and is cut to fit."""
    labels = [label(tok, 12) for tok in tokens]
    dense = len(tokens) > 1 and text_width(labels, font_size) > slot
    if dense:
        limit = max(3, int(2 * slot / (0.56 * font_size)))
        labels = [label(tok, min(12, limit)) for tok in tokens]
    return labels, dense


def _written(pieces: list[str], written: list[int]) -> str:
    """The part of a word written so far: its first pieces, markers dropped, and "…" ("lee…" of "lee ##mos")."""
    labels = piece_labels(pieces)
    return "".join(labels[k].removeprefix("-") if n else labels[k] for n, k in enumerate(written)) + "…"


def _scatter(**properties) -> dict:
    return dict(type="scatter", **properties)


def _line(x0, y0, x1, y1, *, colour: str, width: float, dash: str = "solid", name: str | None = None) -> dict:
    return dict(type="line", x0=x0, y0=y0, x1=x1, y1=y1, layer="below", line=dict(color=colour, width=width, dash=dash),
                **({"name": name} if name else {}))


def _arrow(lines: list, notes: list, x0, y0, x1, y1, *, colour: str, dash: bool = False, width: float = 2) -> None:
    """A solid arrow, or a dotted line (an arrow head cannot be dotted)."""
    if dash:
        lines.append(_line(x0, y0, x1, y1, colour=colour, width=width, dash="dot"))
        return
    notes.append(dict(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", text="", showarrow=True,
                      arrowhead=3, arrowsize=1.2, arrowwidth=width, arrowcolor=colour))


def encoder_decoder_diagram(trace: Trace, t: int, *, font_size: int = 14, height: int = 430,
                            title: str | None = None, names: dict[str, str] | None = None,
                            source_groups: Groups | None = None, target_groups: Groups | None = None) -> go.Figure:
    """Source tokens and h_i (bottom), decoder states s_1…s_T and the outputs so far (top), and at step
    t the lines h_i → a_t weighted by α_t^i. Without attention: one fixed context c feeds every step.
    Word view (words.word_groups of the source and target pieces): one box per source word, its states
    h_i…h_j, shaded and joined to a_t by Σ_{i ∈ w} α_t^i; the decoder still steps piece by piece (one s_t per
    piece), and the outputs so far are written as words over their pieces' steps (the word being written red)."""
    names = {"context": "a<sub>t</sub>", "fixed": "c (fixed)", "query": "query", **(names or {})}
    src, tgt = trace.source_tokens, trace.target_tokens
    step = trace.steps[t - 1]
    alpha = step.alpha if step.alpha is not None else np.zeros(len(src))
    boxes = [f"h{_sub(i + 1)}" for i in range(len(src))]
    if source_groups is not None:
        src, alpha = [w for w, _ in source_groups], sum_over(alpha, source_groups)
        boxes = [f"h{_sub(m[0] + 1)}" + (f"₋{_sub(m[-1] + 1)}" if len(m) > 1 else "") for _, m in source_groups]
    N, T = len(src), len(tgt)
    xs, xd = list(range(N)), _decoder_x(T, N)
    data, notes, lines = [], [], []
    # The lines are layout shapes (each can have its own width, and they cost the browser far less than
    # one trace per line); a marker at the middle of each carries its hover text.
    if step.alpha is not None:
        lines += [_line(xs[i], Y_H + 0.25, xd[t - 1], Y_CONTEXT - 0.2, name=f"α{i + 1}", width=0.5 + 14 * float(a),
                        colour=f"rgba(31,119,180,{0.08 + 0.92 * float(a):.3f})") for i, a in enumerate(alpha)]
        data.append(_scatter(
            x=[(x + xd[t - 1]) / 2 for x in xs], y=[(Y_H + 0.25 + Y_CONTEXT - 0.2) / 2] * N, mode="markers",
            marker=dict(size=10, color="rgba(0,0,0,0)"), customdata=[[label(tok), i + 1] for i, tok in enumerate(src)],
            text=[f"{a:.4f}" for a in alpha],
            hovertemplate="α<sub>t</sub><sup>%{customdata[1]}</sup> = %{text} (%{customdata[0]})<extra></extra>",
        ))
        cx = xd[t - 1]
        data.append(_scatter(
            x=[cx], y=[Y_CONTEXT], mode="markers+text", text=[names["context"]], textposition="middle right",
            marker=dict(size=26, color=ACCENT, symbol="circle"),
            hovertemplate="a<sub>t</sub> = Σ α<sub>t</sub><sup>i</sup> h<sub>i</sub><extra></extra>",
        ))
        if trace.decoder == "bahdanau":  # query s_{t-1}; a_t feeds the RNN that makes s_t
            qx, qy = (xd[t - 2], Y_S) if t > 1 else (xs[-1], Y_H)
            _arrow(lines, notes, qx, qy - 0.25, cx, Y_CONTEXT + 0.2, colour=MUTED, dash=True)
            _arrow(lines, notes, cx, Y_CONTEXT + 0.2, xd[t - 1], Y_S - 0.3, colour=ACCENT)
        else:  # Luong: query s_t, then [a_t; s_t] → s̃_t → ŷ_t
            _arrow(lines, notes, xd[t - 1] + 0.12, Y_S - 0.3, cx + 0.12, Y_CONTEXT + 0.22, colour=MUTED, dash=True)
            _arrow(lines, notes, cx - 0.12, Y_CONTEXT + 0.22, xd[t - 1] - 0.12, Y_OUT - 0.3, colour=ACCENT)
        notes.append(dict(x=cx + 0.25, y=(Y_CONTEXT + Y_S) / 2, text=names["query"], showarrow=False,
                          xanchor="left", font=dict(color=MUTED, size=max(font_size - 2, 9))))
    else:
        cx = xs[-1] + 0.9
        data.append(_scatter(x=[cx], y=[Y_CONTEXT], mode="markers+text", text=[names["fixed"]],
                             textposition="middle right", marker=dict(size=24, color=MUTED), hoverinfo="skip"))
        lines.append(_line(xs[-1], Y_H + 0.25, cx, Y_CONTEXT - 0.2, colour=MUTED, width=3))
        lines += [_line(cx, Y_CONTEXT + 0.2, xd[k], Y_S - 0.3, width=3 if k == t - 1 else 1.5,
                        colour=HIGHLIGHT if k == t - 1 else "rgba(154,165,177,0.5)") for k in range(T)]
    # The decoder's recurrence s_{t-1} → s_t.
    data.append(_scatter(x=xd, y=[Y_S] * T, mode="lines", line=dict(color="#cfd8e3", width=2), hoverinfo="skip"))
    # Encoder: tokens and h_i boxes shaded by α_t^i.
    box_font = max(8, min(font_size, int(1100 / max(N, T) / 2.6)))  # box labels shrink as boxes multiply
    data.append(_scatter(
        x=xs, y=[Y_H] * N, mode="markers+text", text=boxes,
        textposition="middle center",
        textfont=dict(size=box_font, color=["white" if a > 0.5 else "black" for a in alpha]),
        marker=dict(symbol="square", size=max(18, min(34, 600 // max(N, 1))), color=alpha, cmin=0, cmax=1,
                    colorscale=BLUES, line=dict(color=ACCENT, width=1)),
        customdata=[[label(tok), float(a)] for tok, a in zip(src, alpha)],
        hovertemplate="%{customdata[0]}" + ("<br>α = %{customdata[1]:.4f}" if step.alpha is not None else "")
                      + "<extra></extra>",
    ))
    # Token rows: when neighbours would overlap, every other label moves down (source) or up (output).
    # Two rows give each label twice its slot; a longer one is cut to fit that (with "…").
    px_per_unit = 900 / (max(N - 1, xd[-1]) + 2.0)  # for a plot about 900 px wide
    src_labels, src_dense = _token_row(src, 0.92 * px_per_unit, font_size + 2)
    tgt_labels, tgt_dense = _token_row(tgt, 0.92 * px_per_unit * (xd[1] - xd[0] if T > 1 else 1), font_size + 4)
    data.append(_scatter(x=xs, y=[Y_TOKEN - (0.4 if src_dense and i % 2 else 0) for i in range(N)], mode="text",
                         text=src_labels, textfont=dict(size=font_size + 2, color="black"), hoverinfo="skip"))
    # Decoder: s_k boxes; outputs so far, the one of step t highlighted, later ones not yet known.
    box_colour = [HIGHLIGHT if k == t - 1 else (ACCENT if k < t - 1 else "#e8edf3") for k in range(T)]
    data.append(_scatter(
        x=xd, y=[Y_S] * T, mode="markers+text", text=[f"s{_sub(k + 1)}" for k in range(T)],
        textposition="middle center",
        textfont=dict(size=box_font, color=["white" if k < t else "#666" for k in range(T)]),
        marker=dict(symbol="square", size=max(18, min(34, 600 // max(T, 1))), color=box_colour), hoverinfo="skip",
    ))
    if target_groups is None:
        outs = [tgt_labels[k] if k < t else "·" for k in range(T)]
        colours = [HIGHLIGHT if k == t - 1 else ("black" if k < t else MUTED) for k in range(T)]
        x_out = xd
    else:  # each word over the middle of its pieces' steps: whole when written, its pieces so far while written
        outs, colours, x_out = [], [], []
        for word, members in target_groups:
            written = [k for k in members if k < t]
            outs.append(label(word, 12) if len(written) == len(members) else (
                label(_written(tgt, written), 12) if written else "·"))
            colours.append(HIGHLIGHT if t - 1 in members else ("black" if written else MUTED))
            x_out.append(float(np.mean([xd[k] for k in members])))
        tgt_dense = len(outs) > 1 and text_width(outs, font_size + 4) > 0.92 * px_per_unit * (
            (x_out[-1] - x_out[0]) / (len(x_out) - 1) if len(x_out) > 1 else 1)
    data.append(_scatter(
        x=x_out, y=[Y_OUT + (0.4 if tgt_dense and k % 2 else 0) for k in range(len(outs))], mode="text", text=outs,
        hoverinfo="skip", textfont=dict(size=font_size + 4, color=colours),
    ))
    # Room right of the last column: for the label beside a_t, or beside c and its marker (and the
    # margin of the plot) when c stands right of the encoder.
    right = 1.2 if step.alpha is not None else 1.4 + (text_width([names["fixed"]], font_size) + 10) / px_per_unit
    return figure(data, layout(
        title=title, height=height, font_size=font_size, annotations=notes, shapes=lines,
        xaxis=dict(visible=False, range=[-0.8, max(N - 1, xd[-1]) + right]),
        yaxis=dict(visible=False, range=[-0.6 - (0.4 if src_dense else 0), Y_OUT + 0.6 + (0.4 if tgt_dense else 0)]),
    ))
