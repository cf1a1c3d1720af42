"""Figures of the decoding views: the beam-search tree, forced decoding's token probabilities, what-if
comparisons, and accuracy/BLEU by source length."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..trace import Trace
from .common import ACCENT, GRID, HIGHLIGHT, MUTED, figure, label, layout, token_axis

STATUS_STYLE = {
    "root": dict(color="black", size=12, symbol="circle"),
    "kept": dict(color=ACCENT, size=11, symbol="circle"),
    "pruned": dict(color="#cfd8e3", size=7, symbol="circle"),
    "finished": dict(color="#2ca02c", size=15, symbol="diamond"),
    "best": dict(color=HIGHLIGHT, size=20, symbol="star"),
}


def _tree_layout(nodes: list[dict]) -> dict[int, float]:
    """y position of every node: the surviving ones on top, ordered under their parent, best first;
    the pruned candidates below them."""
    by_step: dict[int, list[dict]] = {}
    for node in nodes:
        by_step.setdefault(node["t"], []).append(node)
    y = {nodes[0]["id"]: 0.0}
    for t in sorted(by_step)[1:]:
        ordered = sorted(by_step[t],
                         key=lambda n: (n["status"] == "pruned", y.get(n["parent"], 0.0), -n["log_prob"]))
        for rank, node in enumerate(ordered):
            y[node["id"]] = float(rank)
    return y


def beam_tree(trace: Trace, *, font_size: int = 13, height: int | None = None, title: str | None = None,
              show_pruned: bool = True, names: dict[str, str] | None = None) -> go.Figure:
    """Every candidate of the beam search: x = step, one marker per hypothesis extension, a line to its
    parent. Kept (blue), pruned (grey), finished (green diamonds), the best hypothesis (red star).
    Each marker's customdata is [node id, rank of its finished hypothesis or -1]."""
    names = {"root": "<s>", "kept": "kept", "pruned": "pruned", "finished": "finished", "best": "best",
             **(names or {})}
    nodes = [n for n in trace.beam_tree if show_pruned or n["status"] != "pruned"]
    if not nodes:
        raise ValueError("this trace has no beam-search tree: decode with a beam width above 1")
    y = _tree_layout(nodes)
    by_id = {n["id"]: n for n in nodes}
    best_path = set()
    node = next((n for n in nodes if n.get("rank") == 0), None)
    while node is not None:
        best_path.add(node["id"])
        node = by_id.get(node["parent"])
    # Edges as three traces (best path, kept, pruned), segments split by None: one trace per edge
    # cost a Plotly trace object each and made wide beams slow to draw.
    edges = {"best": ([], [], HIGHLIGHT, 3), "kept": ([], [], ACCENT, 1.4), "pruned": ([], [], MUTED, 0.6)}
    for n in nodes[1:]:
        parent = by_id.get(n["parent"])
        if parent is None:
            continue
        xs, ys, _, _ = edges["best" if n["id"] in best_path else ("pruned" if n["status"] == "pruned" else "kept")]
        xs += [parent["t"], n["t"], None]
        ys += [y[parent["id"]], y[n["id"]], None]
    data = [dict(type="scatter", x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                 line=dict(color=colour, width=width))
            for xs, ys, colour, width in (edges["pruned"], edges["kept"], edges["best"]) if xs]
    groups = {}
    for n in nodes:
        key = "best" if n.get("rank") == 0 else n["status"]
        groups.setdefault(key, []).append(n)
    for key in ("pruned", "root", "kept", "finished", "best"):
        members = groups.get(key, [])
        if not members:
            continue
        style = STATUS_STYLE[key]
        data.append(dict(
            type="scatter", x=[n["t"] for n in members], y=[y[n["id"]] for n in members], mode="markers+text",
            name=label(names.get(key, key), 40),
            marker=dict(color=style["color"], size=style["size"], symbol=style["symbol"],
                        line=dict(color="white", width=1)),
            text=[label(n["token"], 10) if key != "pruned" else "" for n in members], textposition="top center",
            textfont=dict(size=font_size - 1),
            customdata=[[n["id"], n.get("rank", -1), label(n["token"]), n["log_prob"]] for n in members],
            hovertemplate="%{customdata[2]}<br>log P = %{customdata[3]:.3f}<extra>" + label(names.get(key, key), 40)
                          + "</extra>",
        ))
    rows = max(y.values()) + 1
    return figure(data, layout(
        title=title, height=height or int(140 + (2 * font_size + 4) * min(rows, 40)), font_size=font_size,
        showlegend=True, legend=dict(orientation="h", y=-0.12), clickmode="event+select", dragmode=False,
        xaxis=dict(title=dict(text="t"), dtick=1, gridcolor="#f0f0f0"),
        yaxis=dict(visible=False, autorange="reversed"),
    ))


def forced_probabilities(trace: Trace, *, threshold: float = 0.1, font_size: int = 14, height: int = 320,
                         title: str | None = None, names: dict[str, str] | None = None) -> go.Figure:
    """P(given token) at every step of forced decoding; red where the model finds it unlikely
    (below `threshold`, or not its own first choice): the bar, its value, its token label, and a red
    marker at the foot of the bar, since a flagged token's bar is often too low to see (p ≈ 0)."""
    names = {"preferred": "model would say", "unlikely": "unlikely", **(names or {})}
    probs = np.array([s.prob for s in trace.steps])
    preferred = [s.top_k[0][0] if s.top_k else "" for s in trace.steps]
    unlikely = [p < threshold or pref != s.token for p, pref, s in zip(probs, preferred, trace.steps)]
    x = list(range(len(trace.steps)))
    hover = [[label(s.token), label(pref), float(p)] for s, pref, p in zip(trace.steps, preferred, probs)]
    template = "%{customdata[0]}: P = %{customdata[2]:.4f}<br>" + label(names["preferred"], 60) + \
        ": %{customdata[1]}<extra></extra>"
    bars = dict(
        type="bar", x=x, y=probs, name=label(names["unlikely"], 60), showlegend=False,
        marker=dict(color=[HIGHLIGHT if u else ACCENT for u in unlikely]),
        text=[f"{p:.2f}" for p in probs], textposition="outside", cliponaxis=False,
        textfont=dict(color=[HIGHLIGHT if u else "#31333f" for u in unlikely]),
        customdata=hover, hovertemplate=template,
    )
    flagged = [i for i in x if unlikely[i]]
    data = [bars]
    if flagged:
        data.append(dict(
            type="scatter", mode="markers", x=flagged, y=[0.0] * len(flagged), name=label(names["unlikely"], 60),
            marker=dict(symbol="triangle-up", size=font_size + 2, color=HIGHLIGHT, line=dict(color="white", width=1)),
            cliponaxis=False, showlegend=True, customdata=[hover[i] for i in flagged], hovertemplate=template,
        ))
    axis = token_axis(trace.target_tokens)
    # Flagged tokens' labels in red and bold; the token itself stays escaped text (label), the markup is ours.
    axis["ticktext"] = [f'<span style="color:{HIGHLIGHT}"><b>{text}</b></span>' if u else text
                        for text, u in zip(axis["ticktext"], unlikely)]
    return figure(data, layout(
        title=title, height=height, font_size=font_size, xaxis=axis, showlegend=bool(flagged),
        legend=dict(orientation="h", y=1.02, x=1, xanchor="right", yanchor="bottom"),
        yaxis=dict(range=[0, 1.15], title=dict(text="P(y<sub>t</sub>)"), gridcolor=GRID),
        shapes=[dict(type="line", xref="x domain", x0=0, x1=1, y0=threshold, y1=threshold,
                     line=dict(color=MUTED, dash="dot"))],
    ))


def paired_bars(categories: list[str], before: np.ndarray, after: np.ndarray, *, names: tuple[str, str],
                font_size: int = 14, height: int = 300, title: str | None = None, y_title: str = "") -> go.Figure:
    """Two bar series over the same categories (e.g. α_t before and after a what-if edit)."""
    x = list(range(len(categories)))
    data = [dict(type="bar", x=x, y=values, name=name, marker=dict(color=colour),
                 hovertemplate="%{y:.4f}<extra>" + label(name) + "</extra>")
            for values, name, colour in ((before, names[0], MUTED), (after, names[1], HIGHLIGHT))]
    return figure(data, layout(
        title=title, height=height, font_size=font_size, barmode="group", showlegend=True,
        legend=dict(orientation="h", y=1.12, x=1, xanchor="right"),
        xaxis=token_axis(categories), yaxis=dict(title=dict(text=y_title), gridcolor=GRID),
    ))


def length_curves(curves: dict[str, list[dict]], *, metric: str, font_size: int = 14, height: int = 360,
                  title: str | None = None, y_title: str = "", x_title: str = "") -> go.Figure:
    """Score by source-length bucket, one line per model (the Bahdanau et al. 2015, Fig. 2 comparison)."""
    dashes = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid"]
    data = []
    for k, (name, rows) in enumerate(curves.items()):
        if not rows:
            continue
        values = [100 * r[metric] if metric == "exact_match" else r[metric] for r in rows]
        data.append(dict(
            type="scatter", x=[f"{r['low']}–{r['high']}" for r in rows], y=values, mode="lines+markers",
            name=label(name), line=dict(width=3, dash=dashes[k % len(dashes)]),
            customdata=[r["count"] for r in rows],
            hovertemplate=label(name) + ": %{y:.1f}<br>%{customdata} examples<extra></extra>",
        ))
    return figure(data, layout(
        title=title, height=height, font_size=font_size, showlegend=True, legend=dict(orientation="h", y=-0.25),
        xaxis=dict(title=dict(text=x_title), type="category"), yaxis=dict(title=dict(text=y_title), gridcolor=GRID),
    ))
