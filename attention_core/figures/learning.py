"""Attention as it is learned (DESIGN §7): a probe's alignment at one training snapshot, and the curves over
training with that snapshot marked. Plain numbers in (attention_core.learning reads them from training.json)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import plotly.graph_objects as go

from .alignment import alignment_heatmap
from .common import HIGHLIGHT, figure, label, layout, margins, number_room, text_width

TRAIN, VALID, METRIC, FIELD = "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"


def snapshot_heatmap(matrix, source_labels: list[str], target_labels: list[str], *, title: str | None = None,
                     font_size: int = 14, height: int | None = None, show_values: bool = False,
                     width: float | None = None) -> go.Figure:
    """A[t, i] = α_t^i of a probe at one snapshot: alignment_heatmap's figure (the one look of an alignment),
    drawn from the file's matrix and labels instead of a trace (it reads only these of one). `width`: the
    figure's width on the page, to which the column labels are fitted (tilted when they would overlap)."""
    A = np.asarray(matrix, dtype=np.float64)
    stand_in = SimpleNamespace(model="", source_tokens=list(source_labels), target_tokens=list(target_labels))
    fig = alignment_heatmap(stand_in, matrix=A, source_tokens=list(source_labels), title=title,
                            font_size=font_size, height=height, show_values=show_values, width=width)
    fig.layout.margin.l += font_size  # the live chart's look pads the tick labels off the axis (live_chart.LOOK)
    rows = len(target_labels)
    room = (fig.layout.height - fig.layout.margin.t - fig.layout.margin.b) / max(rows, 1)
    if room < 1.3 * font_size:  # rows thinner than their labels (an untrained model's 64 steps): every n-th row named
        every = int(np.ceil(1.3 * font_size / room))
        fig.layout.yaxis.tickvals = list(range(0, rows, every))
        fig.layout.yaxis.ticktext = list(fig.layout.yaxis.ticktext)[::every]
    return fig


def _ticks(steps: list[int], count: int = 8) -> tuple[list[int], list[str]]:
    """About `count` snapshot numbers on the x axis, each labelled with its optimizer step."""
    K = len(steps)
    picks = sorted({round(j * (K - 1) / max(count - 1, 1)) for j in range(min(count, K))})
    return [k + 1 for k in picks], [f"{steps[k]:,}" for k in picks]


def _series(values) -> list:
    return [None if v is None else float(v) for v in values]


def training_curves(steps: list[int], train_loss: list, valid_loss: list, metric: list, *, current: int,
                    names: dict[str, str], field_attention: list | None = None, font_size: int = 14,
                    height: int = 460, hover: list[str] | None = None, width: float = 480) -> go.Figure:
    """Top: the training loss (mean cross-entropy of the batches since the last snapshot) and the validation
    loss, on a log scale; bottom: the validation metric and, for dates, the field attention (the share of
    digit steps whose largest α is in their field), both as the file has them. x is the snapshot's number
    (1…K, its optimizer step as tick text): the snapshots are dense early in training, where attention forms,
    so a step axis would crowd them into its first percent. Snapshot `current` (1-based) is marked.
    `names`: the series' and axes' names (train, valid, metric, field, loss_axis, metric_axis, x_axis).
    `width`: the figure's width on the page, to which the legend's rows above the plot are fitted."""
    K = len(steps)
    x = list(range(1, K + 1))
    hover = hover or [f"{names['x_axis']} {s:,}" for s in steps]
    series = [("train", train_loss, TRAIN, "y"), ("valid", valid_loss, VALID, "y"), ("metric", metric, METRIC, "y2")]
    if field_attention is not None and any(v is not None for v in field_attention):
        series.append(("field", field_attention, FIELD, "y2"))
    data = []
    for key, values, colour, axis in series:
        ys = _series(values)
        data.append(dict(type="scatter", mode="lines+markers", x=x, y=ys, name=label(names[key], 60), yaxis=axis,
                         line=dict(color=colour, width=2), marker=dict(size=5, color=colour), customdata=hover,
                         hovertemplate=f"{label(names[key], 60)}: %{{y:.4g}}<br>%{{customdata}}<extra></extra>"))
    for _key, values, colour, axis in series:  # the current snapshot's values, on top of the lines
        y = _series(values)[current - 1]
        data.append(dict(type="scatter", mode="markers", x=[current], y=[y], yaxis=axis, showlegend=False,
                         marker=dict(size=13, color=colour, line=dict(color=HIGHLIGHT, width=2.5)),
                         hoverinfo="skip"))
    tickvals, ticktext = _ticks(steps)
    line = dict(type="line", xref="x", yref="paper", x0=current, x1=current, y0=0, y1=1,
                line=dict(color=HIGHLIGHT, width=2, dash="dot"))
    left = number_room(font_size) + 10
    # Each legend entry: its name, its line sample and the gap to the next (~40 px), in rows across the plot.
    entries = [text_width([names[key]], font_size) + 40 + font_size for key, *_ in series]
    rows, used = 1, 0.0
    for w in entries:
        if used and used + w > width - left - 20:
            rows, used = rows + 1, 0.0
        used += w
    positive = [v for v in _series(train_loss) + _series(valid_loss) if v is not None and v > 0]
    small = dict(size=max(12, font_size - 4))  # the axis titles: each must fit its panel's height
    loss_axis = dict(type="log", domain=[0.56, 1.0], title=dict(text=label(names["loss_axis"], 60), font=small),
                     gridcolor="#eeeeee", exponentformat="power", showexponent="all")
    if positive:  # a fixed range: the axis must not move while the marker does
        low, high = np.log10(min(positive)) - 0.15, np.log10(max(positive)) + 0.15
        loss_axis["range"] = [low, high]
        if high - low > 1.5:  # a tick per n decades, n such that the labels (~2 em apart) fit the upper panel
            panel = 0.44 * (height - (rows * 1.6 * font_size + 14) - (3.2 * font_size + 20))
            loss_axis["dtick"] = max(1, int(np.ceil((high - low) / max(panel / (2.2 * font_size), 1))))
    top = [v for v in _series(metric) + _series(field_attention or []) if v is not None]
    metric_axis = dict(domain=[0.0, 0.42], title=dict(text=label(names["metric_axis"], 60), font=small),
                       gridcolor="#eeeeee",
                       range=[0, max(1.0, max(top, default=1.0)) * 1.05], anchor="x")
    return figure(data, layout(
        height=height, font_size=font_size, shapes=[line], showlegend=True, hovermode="closest",
        legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom", font=dict(size=font_size)),
        margin=margins(font_size, left=left, top=rows * 1.6 * font_size + 14,
                       bottom=3.2 * font_size + 10, right=10),
        xaxis=dict(range=[0.5, K + 0.5], tickmode="array", tickvals=tickvals, ticktext=ticktext,
                   title=dict(text=label(names["x_axis"], 80)), showgrid=False, zeroline=False,
                   anchor="y2"),  # below the lower panel
        yaxis=loss_axis, yaxis2=metric_axis,
    ))

