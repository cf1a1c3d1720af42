"""Attention beside attribution, drawn: the figures' data are the trace's α and R, on one token axis."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from conftest import random_translator
from test_figures import _differences

from attention_core.figures import attribution_bars, attribution_heatmap, label
from attention_core.figures.attribution import NEGATIVE
from attention_core.figures.common import ACCENT, HIGHLIGHT
from attention_core.words import attribution_words, trace_words, word_groups


@pytest.fixture(scope="module")
def trace():
    return random_translator("luong", "dot", seed=3).trace("<1> & 2 june", attribution="erasure")


def test_bars_hold_alpha_above_and_attribution_below_on_one_token_axis(trace):
    for t in (1, len(trace.steps)):
        fig = attribution_bars(trace, t)
        bars = [d for d in fig.data if d.type == "bar"]
        alpha, values = bars
        step = trace.steps[t - 1]
        assert np.allclose(alpha.y, step.alpha) and np.allclose(values.y, step.attribution.values)
        assert alpha.yaxis == "y2" and values.yaxis in (None, "y") and fig.layout.xaxis2.matches == "x"
        assert fig.layout.yaxis2.domain[0] > fig.layout.yaxis.domain[1]  # α above R
        top = int(np.abs(step.attribution.values).argmax())
        colours = list(values.marker.color)
        assert colours[top] == HIGHLIGHT
        assert all(c == (ACCENT if v >= 0 else NEGATIVE) for i, (c, v) in
                   enumerate(zip(colours, step.attribution.values)) if i != top)
        assert list(fig.layout.xaxis.ticktext) == [label(tok) for tok in trace.source_tokens]  # literally


def test_bars_in_words_sum_each_words_pieces():
    values = np.array([[0.5, -0.25, 1.0, 2.0]])
    pieces, target = ["un", "##known", "word", "."], ["a", "##b", "c"]
    sg, tg = word_groups(pieces), word_groups(target)
    R = np.vstack([values, 2 * values, 3 * values])
    words = attribution_words(R, sg, tg)
    assert words.shape == (2, 3)
    assert np.allclose(words[0], [3 * 0.25, 3 * 1.0, 3 * 2.0]) and np.allclose(words[1], [0.75, 3.0, 6.0])


def test_heatmap_is_the_attribution_on_a_scale_symmetric_about_zero(trace):
    fig = attribution_heatmap(trace, show_values=True, value_name="R")
    heat = fig.data[0]
    R = np.stack([s.attribution.values for s in trace.steps])
    assert np.allclose(heat.z, R)
    bound = np.abs(R).max()
    assert heat.zmin == pytest.approx(-bound) and heat.zmax == pytest.approx(bound)
    assert heat.colorbar.title.text == "R" and "R = %{z:.4f}" in heat.hovertemplate
    assert fig.layout.yaxis.ticktext == attribution_heatmap(trace).layout.yaxis.ticktext


def test_a_trace_without_attribution_says_so():
    plain = random_translator("luong", "dot", seed=3).trace("1 june")
    with pytest.raises(ValueError, match="no attribution"):
        attribution_bars(plain, 1)
    with pytest.raises(ValueError, match="no attribution"):
        attribution_heatmap(plain)


def test_word_view_of_a_char_trace_is_the_pieces(trace):
    view = trace_words(trace)
    assert np.allclose(attribution_heatmap(trace, view=view).data[0].z, trace.attribution)


def test_attribution_figures_pass_plotly_validation(trace):
    for fig in (attribution_bars(trace, 2, title="<i>x</i>"), attribution_heatmap(trace, clickable=True, step=2)):
        checked = go.Figure(fig.to_dict())
        before, after = (json.loads(pio.to_json(f, validate=False)) for f in (fig, checked))
        assert _differences(before, after) == []
