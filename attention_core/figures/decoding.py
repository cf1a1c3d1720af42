"""Figures of the decoding views: the beam-search tree, forced decoding's token probabilities, what-if
comparisons, and accuracy/BLEU by source length."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..trace import Trace
from ..words import piece_label
from .common import ACCENT, GRID, HIGHLIGHT, MUTED, figure, label, layout, margins, token_axis

STATUS_STYLE = {
    "root": dict(color="black", size=12, symbol="circle"),
    "kept": dict(color=ACCENT, size=11, symbol="circle"),
    "pruned": dict(color="#cfd8e3", size=7, symbol="circle"),
    "finished": dict(color="#2ca02c", size=15, symbol="diamond"),
    "best": dict(color=HIGHLIGHT, size=20, symbol="star"),
}


CHOSEN = "#ff7f0e"  # the path of the hypothesis picked on the page (under the best path's red)
PRUNED_GAP = 0.2  # rows between two pruned candidates: they carry no label, so they pack tightly
TREE_LABEL = 8  # characters of a token shown beside its marker (hover shows all of it and the path)


def _tree_layout(nodes: list[dict]) -> dict[int, float]:
    """y position of every node: at each step the surviving ones on top, one row apart (room for a label),
    ordered under their parent, best first; the pruned candidates packed below the deepest surviving row."""
    by_step: dict[int, list[dict]] = {}
    for node in nodes:
        by_step.setdefault(node["t"], []).append(node)
    y = {nodes[0]["id"]: 0.0}
    steps = sorted(by_step)[1:]
    band = max((sum(n["status"] != "pruned" for n in by_step[t]) for t in steps), default=1)
    for t in steps:
        ordered = sorted(by_step[t],
                         key=lambda n: (n["status"] == "pruned", y.get(n["parent"], 0.0), -n["log_prob"]))
        pruned = 0
        for rank, node in enumerate(ordered):
            if node["status"] == "pruned":
                y[node["id"]] = band + PRUNED_GAP * pruned
                pruned += 1
            else:
                y[node["id"]] = float(rank)
    return y


def _path(node: dict, by_id: dict[int, dict]) -> list[dict]:
    """The nodes from the first step to `node` (the root left out)."""
    path = []
    while node is not None and node["parent"] is not None:
        path.append(node)
        node = by_id.get(node["parent"])
    return path[::-1]


def beam_tree(trace: Trace, *, font_size: int = 13, height: int | None = None, title: str | None = None,
              show_pruned: bool = True, names: dict[str, str] | None = None, chosen: int | None = None,
              piece_names: bool = False) -> go.Figure:
    """Every candidate of the beam search: x = step, one marker per hypothesis extension, a line to its
    parent. Kept (blue), pruned (grey, packed below, no label), finished (green diamonds, labelled with their
    rank), the best hypothesis (red star); `chosen` (a rank, 0 = best) draws that finished hypothesis's path
    in orange. Labels are cut to TREE_LABEL characters; the hover gives the token, the partial output and log P.
    Each marker's customdata is [node id, rank of its finished hypothesis or -1, token, log P, path].
    `piece_names`: subword pieces written as in word view ("##ing" as "-ing"); the search runs over pieces."""
    own = piece_label if piece_names else str
    names = {"root": "<s>", "kept": "kept", "pruned": "pruned", "finished": "finished", "best": "best",
             "chosen": "chosen", **(names or {})}
    all_nodes = {n["id"]: n for n in trace.beam_tree}
    nodes = [n for n in trace.beam_tree if show_pruned or n["status"] != "pruned"]
    if not nodes:
        raise ValueError("this trace has no beam-search tree: decode with a beam width above 1")
    y = _tree_layout(nodes)
    by_id = {n["id"]: n for n in nodes}

    def path_of(rank):
        end = next((n for n in nodes if n.get("rank") == rank), None) if rank is not None else None
        return {n["id"] for n in _path(end, by_id)} if end is not None else set()

    best_path, chosen_path = path_of(0), path_of(chosen)
    # Edges as a few traces (chosen path, best path, kept, pruned), segments split by None: one trace per
    # edge cost a Plotly trace object each and made wide beams slow to draw.
    edges = {"chosen": ([], [], CHOSEN, 7), "best": ([], [], HIGHLIGHT, 3), "kept": ([], [], ACCENT, 1.4),
             "pruned": ([], [], MUTED, 0.5)}
    for n in nodes[1:]:
        parent = by_id.get(n["parent"])
        if parent is None:
            continue
        kinds = ["best" if n["id"] in best_path else ("pruned" if n["status"] == "pruned" else "kept")]
        if n["id"] in chosen_path:
            kinds.append("chosen")
        for kind in kinds:
            xs, ys, _, _ = edges[kind]
            xs += [parent["t"], n["t"], None]
            ys += [y[parent["id"]], y[n["id"]], None]
    data = [dict(type="scatter", x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=kind == "chosen",
                 name=label(names["chosen"], 40), line=dict(color=colour, width=width))
            for kind in ("chosen", "pruned", "kept", "best") for xs, ys, colour, width in [edges[kind]] if xs]
    groups = {}
    for n in nodes:
        key = "best" if n.get("rank") == 0 else n["status"]
        groups.setdefault(key, []).append(n)

    def text(n, key):
        if key == "pruned":
            return ""
        if key in ("finished", "best"):
            return f"#{n['rank'] + 1}"  # the token is the end marker; the rank is what the table lists
        return label(own(n["token"]), TREE_LABEL)

    def partial(n):  # the output so far, for the hover; the whole tree is walked, pruned parents included
        words = [label(own(m["token"]), 40) for m in _path(n, all_nodes)]
        return " ".join(words[-12:]) if len(words) <= 12 else "… " + " ".join(words[-12:])

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
            text=[text(n, key) for n in members], textposition="top center", textfont=dict(size=font_size - 1),
            customdata=[[n["id"], n.get("rank", -1), label(own(n["token"]), 40), n["log_prob"], partial(n)]
                        for n in members],
            hovertemplate="%{customdata[2]}<br>%{customdata[4]}<br>log P = %{customdata[3]:.3f}<extra>"
                          + label(names.get(key, key), 40) + "</extra>",
        ))
    rows = max(y.values()) + 1
    row_px = 2 * font_size + 8  # a label and a marker per surviving row
    return figure(data, layout(
        title=title, height=height or int(160 + row_px * rows), font_size=font_size,
        # The legend in the figure's foot whatever its height (a fraction of the plot would drift on tall trees).
        showlegend=True, legend=dict(orientation="h", yref="container", y=0, yanchor="bottom"),
        margin=margins(font_size, title=bool(title), left=2 * font_size, right=3 * font_size, top=font_size,
                       bottom=4 * font_size + 20),
        clickmode="event+select", dragmode=False,
        xaxis=dict(title=dict(text="t"), dtick=1, gridcolor="#f0f0f0"),
        yaxis=dict(visible=False, autorange="reversed"),
    ))


def forced_probabilities(trace: Trace, *, threshold: float = 0.1, font_size: int = 14, height: int = 320,
                         title: str | None = None, names: dict[str, str] | None = None,
                         piece_names: bool = False) -> go.Figure:
    """P(given token) at every step of forced decoding; red where the model finds it unlikely
    (below `threshold`, or not its own first choice): the bar, its value, its token label, and a red
    marker at the foot of the bar, since a flagged token's bar is often too low to see (p ≈ 0).
    `piece_names`: tokens written as in word view ("##ing" as "-ing", words.piece_label); the bars stay per
    step, one piece each, as the decoder reads them."""
    own = piece_label if piece_names else str
    names = {"preferred": "model would say", "unlikely": "unlikely", **(names or {})}
    probs = np.array([s.prob for s in trace.steps])
    preferred = [s.top_k[0][0] if s.top_k else "" for s in trace.steps]
    unlikely = [p < threshold or pref != s.token for p, pref, s in zip(probs, preferred, trace.steps)]
    x = list(range(len(trace.steps)))
    hover = [[label(own(s.token)), label(own(pref)), float(p)] for s, pref, p in zip(trace.steps, preferred, probs)]
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
    axis = token_axis([own(tok) for tok in trace.target_tokens])
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
