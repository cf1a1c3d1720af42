"""Pure figure builders: their data are the trace's numbers, and tokens show literally."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from conftest import random_translator

from attention_core.figures import (
    alignment_heatmap,
    alpha_bars,
    context_figure,
    encoder_decoder_diagram,
    label,
    output_bars,
    score_bars,
    vector_strip,
)
from attention_core.figures.decoding import beam_tree, forced_probabilities, length_curves, paired_bars


@pytest.fixture(scope="module")
def trace():
    return random_translator("luong", "general", seed=11).trace("12 12 12 june")  # repeated tokens


def test_label_escapes_markup_and_shows_spaces():
    assert label("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
    link = label('<a href="javascript:alert(1)">', limit=100)
    assert link == '&lt;a\u00a0href="javascript:alert(1)"&gt;' and "<" not in link
    assert label("a & b") == "a\u00a0&amp;\u00a0b"
    assert label(" ") == "␣" and label("") == "∅"
    assert len(label("x" * 100)) == 24


def test_heatmap_is_the_alignment_with_integer_token_axes(trace):
    fig = alignment_heatmap(trace, step=2)
    np.testing.assert_array_equal(fig.data[0].z, trace.alignment)
    assert list(fig.layout.xaxis.tickvals) == list(range(len(trace.source_tokens)))
    assert list(fig.layout.xaxis.ticktext) == [label(t) for t in trace.source_tokens]
    assert fig.layout.xaxis.ticktext.count("1") == 3  # three "1"s, three columns
    (rect,) = fig.layout.shapes
    assert (rect.y0, rect.y1) == (0.5, 1.5)  # row of step 2
    assert fig.data[0].zmin == 0 and fig.data[0].zmax == 1


def test_stage_figures_carry_the_step_numbers(trace):
    for t, step in enumerate(trace.steps, 1):
        np.testing.assert_array_equal(score_bars(trace, t).data[0].y, step.e)
        fig = alpha_bars(trace, t)
        np.testing.assert_array_equal(fig.data[0].y, step.alpha)
        stacked = fig.data[1]  # one segment per token, laid end to end, largest first: they fill [0, 1]
        assert len(stacked.x) == len(step.alpha) and list(stacked.x) == sorted(step.alpha, reverse=True)
        np.testing.assert_allclose(np.asarray(stacked.base[1:]), np.cumsum(stacked.x)[:-1], atol=1e-9)
        assert float(stacked.base[-1]) + float(stacked.x[-1]) == pytest.approx(1.0, abs=1e-6)
        ctx = context_figure(trace, t)
        np.testing.assert_allclose(ctx.data[0].z, step.alpha[:, None] * trace.encoder_states, rtol=1e-6)
        np.testing.assert_allclose(ctx.data[1].z[0], step.a, rtol=1e-5, atol=1e-7)
        out = output_bars(trace, t)
        assert list(out.data[0].x) == [p for _, p in step.top_k]


def test_vector_strip_marks_the_seam_of_the_concatenation(trace):
    step = trace.steps[0]
    fig = vector_strip([("[a_t; s_t]", step.concat), ("s̃_t", step.s_tilde)], split_at={"[a_t; s_t]": len(step.s)})
    np.testing.assert_array_equal(fig.data[0].z[0], step.concat)
    assert [s.x0 for s in fig.layout.shapes] == [len(step.s) - 0.5]


def test_diagram_line_width_follows_alpha(trace):
    for t, step in enumerate(trace.steps, 1):
        fig = encoder_decoder_diagram(trace, t)
        lines = [s for s in fig.layout.shapes if s.name and s.name.startswith("α")]
        assert [s.name for s in lines] == [f"α{i}" for i in range(1, len(trace.source_tokens) + 1)]
        widths = np.array([s.line.width for s in lines])
        np.testing.assert_allclose(widths, 0.5 + 14 * step.alpha, rtol=1e-6)
        outputs = next(d for d in fig.data if d.mode == "text" and d.y[0] == 5.0)
        assert list(outputs.text[:t]) == [label(tok, 12) for tok in trace.target_tokens[:t]]
        assert set(outputs.text[t:]) <= {"·"}  # later outputs are not known yet


def test_forced_token_outside_the_top_k_is_still_shown():
    model = random_translator("luong", "dot", seed=2)
    forced = model.trace("1 june", target="ggggg")
    for t, step in enumerate(forced.steps, 1):
        fig = output_bars(forced, t)
        assert label(step.token) in list(fig.layout.yaxis.ticktext)


def test_no_attention_diagram_and_errors():
    trace = random_translator("none").trace("1 june")
    fig = encoder_decoder_diagram(trace, 1)
    assert not [d for d in fig.data if d.hovertemplate and "α" in (d.hovertemplate or "")]
    assert not [s for s in fig.layout.shapes if s.name and s.name.startswith("α")]
    with pytest.raises(ValueError):
        alignment_heatmap(trace)
    with pytest.raises(ValueError):
        score_bars(trace, 1)


def test_every_builder_passes_plotly_validation():
    """Figures are built without Plotly's per-property checks (for speed); here every builder's output,
    hostile token labels included, must pass them: a misspelt property would raise ValueError."""
    model = random_translator("luong", "dot", seed=3)
    hostile = model.trace("<b>1</b> & 2 june")
    beam = model.trace("12 june", beam=3)
    forced = model.trace("1 june", target="ggggg")
    bahdanau = random_translator("bahdanau", seed=4).trace("1 june")
    none = random_translator("none").trace("1 june")
    step = hostile.steps[0]
    curves = {"a <b>": [dict(low=1, high=5, count=3, exact_match=0.5), dict(low=6, high=9, count=2, exact_match=1.0)]}
    figures = [
        alignment_heatmap(hostile, step=1, show_values=True, clickable=True, title="<i>t</i>"),
        score_bars(hostile, 1, title="x"), alpha_bars(hostile, 1), context_figure(hostile, 1),
        vector_strip([("[a_t; s_t]", step.concat), ("s̃_t", step.s_tilde)], split_at={"[a_t; s_t]": len(step.s)}),
        output_bars(forced, 2), encoder_decoder_diagram(hostile, 2), encoder_decoder_diagram(bahdanau, 1),
        encoder_decoder_diagram(none, 1), beam_tree(beam), beam_tree(beam, show_pruned=False),
        forced_probabilities(forced), paired_bars(["<b>", "x"], np.array([0.2, 0.8]), np.array([0.5, 0.5]),
                                                  names=("before", "after")),
        length_curves(curves, metric="exact_match"),
    ]
    for fig in figures:
        checked = go.Figure(fig.to_dict())  # validates every property
        # ...and changes nothing: what validation would coerce (a colorscale name, whose meaning differs
        # between plotly.py and plotly.js) must already be in its final form.
        before, after = (json.loads(pio.to_json(f, validate=False)) for f in (fig, checked))
        assert _differences(before, after) == []


def _differences(a, b, path: str = "") -> list[str]:
    """Paths at which two JSON values differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b))
                for d in (_differences(a[k], b[k], f"{path}/{k}") if k in a and k in b else [f"{path}/{k}"])]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {str(a)[:60]} → {str(b)[:60]}"]


@pytest.mark.parametrize("columns", [3, 12, 20, 30, 40])
def test_values_in_alignment_cells_fit_their_cells(columns):
    from attention_core.figures.alignment import cell_font
    from attention_core.figures.common import PLOT_WIDTH, text_width

    trace = random_translator("luong", "dot", seed=5).trace("1 june")
    matrix = np.full((len(trace.steps), columns), 1 / columns)  # a source of `columns` tokens
    fig = alignment_heatmap(trace, show_values=True, font_size=22, matrix=matrix,
                            source_tokens=[f"w{i}" for i in range(columns)])
    size = fig.data[0].textfont.size
    assert size == cell_font(columns, 22)
    assert text_width(["0.00"], size) <= 0.8 * PLOT_WIDTH / columns  # no value runs into the next


def test_token_labels_tilt_when_they_would_overlap():
    """Level while the widest token fits its slot, tilted otherwise, whatever the number of tokens."""
    from attention_core.figures.common import PLOT_WIDTH, text_width, tick_angle

    words = ["government"] * 24  # level, 24 long words would run into each other
    assert tick_angle(words, 14) == -60 and text_width(words, 14) > PLOT_WIDTH / 24
    assert tick_angle(list("Tuesday, November 24, 2026 at noon ok"), 14) == 0  # 37 characters fit
    assert tick_angle(["the", "cat"], 14) == 0
    trace = random_translator("luong", "dot", seed=6).trace("1 june")
    assert score_bars(trace, 1).layout.xaxis.tickangle == alpha_bars(trace, 1).layout.xaxis.tickangle == 0


def test_axis_titles_and_ticks_are_in_the_figures_font_size(trace):
    """On a projector (font size 20) the axis titles grow with the rest, not only the tick labels."""
    figures = [score_bars(trace, 1, font_size=20), alpha_bars(trace, 1, font_size=20),
               context_figure(trace, 1, font_size=20), output_bars(trace, 1, font_size=20)]
    titled = 0
    for fig in figures:
        for name, axis in fig.to_dict()["layout"].items():
            if name.startswith(("xaxis", "yaxis")):
                assert axis["tickfont"]["size"] == 20, name
                if axis.get("title", {}).get("text"):
                    titled += 1
                    assert axis["title"]["font"]["size"] == 20, (name, axis["title"])
    assert titled >= 3  # e_t, α_t, d, … are titled
