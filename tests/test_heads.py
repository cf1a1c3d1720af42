"""A multi-head trace seen from one head (attention_core/heads.py) and the figures of every head at once
(attention_core/figures/heads.py): every number drawn is the trace's."""

from __future__ import annotations

import numpy as np
import pytest

from attention_core import load_pretrained
from attention_core.figures import decoder_self_attention, encoder_self_attention, head_grid, head_lines
from attention_core.figures.heads import head_rows
from attention_core.heads import MEAN, at_head, head_choices, is_multi_head, keys_of, query_of, values_of

TEXT = "2026년 11월 24일 화요일"


@pytest.fixture(scope="module")
def trace():
    return load_pretrained("dates-transformer").trace(TEXT)


def test_a_head_is_its_own_scores_distribution_and_values(trace):
    """e_t = q_t·K/√d_k, α_t = softmax(e_t), a_t = α_t V of the head; the joined heads are the layer's."""
    assert is_multi_head(trace) and len(head_choices(trace)) == trace.layers * (trace.heads + 1)
    for layer, head in [(1, 1), (2, 3), (2, 4)]:
        view = at_head(trace, layer, head)
        assert view.alignment_from == {"layer": layer, "head": head}
        K, V = keys_of(view), values_of(view)
        for t, step in enumerate(view.steps, 1):
            block = trace.steps[t - 1].cross[layer - 1]
            np.testing.assert_allclose(K @ query_of(view, t) / np.sqrt(trace.d_k), step.e, atol=1e-4)
            np.testing.assert_allclose(np.exp(step.e) / np.exp(step.e).sum(), step.alpha, atol=1e-5)
            np.testing.assert_allclose(step.alpha @ V, step.a, atol=1e-5)
            np.testing.assert_array_equal(step.alpha, block.alpha[head - 1])
            np.testing.assert_array_equal(step.concat, np.concatenate(list(block.a)))


def test_the_mean_has_no_scores_and_the_default_view_is_the_trace_itself(trace):
    assert at_head(trace, **trace.alignment_from) is trace
    mean = at_head(at_head(trace, 2, 1), 2, MEAN)
    for t, step in enumerate(mean.steps, 1):
        assert step.e is None and step.a is None
        np.testing.assert_allclose(step.alpha, trace.steps[t - 1].cross[1].alpha.mean(axis=0))
    assert values_of(mean) is None and keys_of(mean) is None and query_of(mean, 1) is None
    # the joined heads of the view's layer, the model's own at its alignment layer
    np.testing.assert_array_equal(at_head(trace, 1, 2).steps[0].concat, trace.steps[0].concat)


@pytest.mark.parametrize("where", [(3, 1), (1, 5), (0, 1), (1, 0), (1, "all")])
def test_a_head_the_model_lacks_is_refused(trace, where):
    with pytest.raises(ValueError, match="no head"):
        at_head(trace, *where)


def test_the_grid_holds_every_heads_alpha_and_names_each_row_by_layer_and_head(trace):
    for t in (1, 4, len(trace.steps)):
        fig = head_grid(trace, t, chosen=(2, 3))
        Z = np.asarray(fig.data[0].z)
        rows = head_rows(trace)
        assert len(rows) == Z.shape[0] == 2 * 5
        for r, (layer, head) in enumerate(rows):
            alpha = trace.steps[t - 1].cross[layer - 1].alpha
            np.testing.assert_allclose(Z[r], alpha.mean(axis=0) if head == MEAN else alpha[head - 1], rtol=1e-6)
        marks = fig.data[1]
        N = len(trace.source_tokens)
        assert [list(c) for c in marks.customdata[::N]] == [[layer, str(head)] for layer, head in rows]
        (outline,) = [s for s in fig.layout.shapes if s.type == "rect"]
        assert outline.y0 == rows.index((2, 3)) - 0.5


def test_the_head_view_draws_each_heads_alpha_as_line_weight_and_turns_heads_on(trace):
    t = 3
    fig = head_lines(trace, t, layer=2, shown=[3]).to_dict()
    lines = [s for s in fig["layout"]["shapes"] if s["type"] == "line"]
    N, h = len(trace.source_tokens), trace.heads
    assert len(lines) == N * h
    alpha = trace.steps[t - 1].cross[1].alpha
    for k, line in enumerate(lines):
        j, i = divmod(k, N)
        assert line["line"]["width"] == pytest.approx(0.5 + 10 * alpha[j, i])
        assert line["visible"] == (True if j + 1 == 3 else "legendonly") and line["legendgroup"] == f"h{j + 1}"
    legend = [d for d in fig["data"] if d.get("showlegend")]
    assert [d["legendgroup"] for d in legend] == [f"h{j}" for j in range(1, h + 1)]
    for j, entry in enumerate(legend):  # each head's hover gives its α at every source token
        assert [float(x.rsplit("= ", 1)[1]) for x in entry["text"]] == pytest.approx(alpha[j].tolist(), abs=1e-4)


def test_the_decoders_self_attention_sees_no_later_position(trace):
    t, T = 4, len(trace.steps)
    fig = decoder_self_attention(trace, t, layer=2, head=1).to_dict()
    mask, Z = fig["data"][0]["z"], fig["data"][1]["z"]
    for s in range(T):
        for col in range(T):
            assert (mask[s][col] == 1.0) == (col > s)  # the masked cells: exactly the later positions
            if s < t and col <= s:
                assert Z[s][col] == pytest.approx(float(trace.steps[s].self_attn[1].alpha[0, col]), abs=1e-7)
            else:
                assert Z[s][col] is None  # masked, or a step not taken yet: nothing drawn
    for s in range(t):
        assert sum(Z[s][: s + 1]) == pytest.approx(1.0, abs=1e-5)


def test_the_encoders_self_attention_is_the_traces(trace):
    fig = encoder_self_attention(trace, layer=2, head=MEAN)
    np.testing.assert_allclose(np.asarray(fig.data[0].z), trace.encoder_self_attention[1].mean(axis=0), rtol=1e-6)
    fig = encoder_self_attention(trace, layer=1, head=4)
    np.testing.assert_allclose(np.asarray(fig.data[0].z), trace.encoder_self_attention[0][3], rtol=1e-6)


def test_a_gru_trace_has_one_head_and_no_grid():
    trace = load_pretrained("dates-scaled_dot").trace(TEXT)
    assert not is_multi_head(trace) and head_choices(trace) == [(1, 1)]
    assert at_head(trace, 1, 1) is trace and values_of(trace) is trace.encoder_states


def test_every_heads_builder_passes_plotly_validation_with_hostile_tokens(trace):
    """Built without Plotly's checks (for speed), each figure must pass them unchanged, `<b>` tokens included."""
    import dataclasses
    import json

    import plotly.graph_objects as go
    import plotly.io as pio

    hostile = dataclasses.replace(trace, source_tokens=["<b>x</b>", "&amp;"] + trace.source_tokens[2:],
                                  target_tokens=["<i>"] + trace.target_tokens[1:])
    figures = [head_grid(hostile, 2, chosen=(1, MEAN), title="<b>t</b>", max_height=400),
               head_lines(hostile, 2, layer=1, shown=[2], max_height=400),
               decoder_self_attention(hostile, 3, layer=2, head=MEAN, max_height=400),
               encoder_self_attention(hostile, layer=1, head=2, title="x")]
    for fig in figures:
        checked = go.Figure(fig.to_dict())  # validates every property
        assert json.loads(pio.to_json(fig, validate=False)) == json.loads(pio.to_json(checked, validate=False))
    ticks = figures[0].layout.xaxis.ticktext
    assert ticks[0] == "&lt;b&gt;x&lt;/b&gt;" and ticks[1] == "&amp;amp;"
    assert figures[0].layout.height <= 400 and figures[2].layout.height <= 400


def test_a_head_crosses_on_an_adjective_noun_pair_only_when_both_words_look_back_crosswise():
    """evaluate.crossing_heads over words: "coche rojo" ← "red car" crosses when coche looks at car and rojo at red;
    the same translation with its α rows for the two words swapped (each looking straight across) does not."""
    import dataclasses

    from attention_core.evaluate import crossing_heads
    from attention_core.examples import CROSSING_PAIRS

    text = "she bought the red car"
    trace = load_pretrained("en-es-scaled_dot").trace(text)
    pairs = {text: CROSSING_PAIRS[text]}
    assert trace.prediction == "compró el coche rojo"
    assert crossing_heads({text: trace}, pairs) == {"pairs": 1, "crossed": {"1:1": 1}}
    coche, rojo = trace.target_tokens.index("coche"), trace.target_tokens.index("rojo")
    steps = list(trace.steps)
    steps[coche] = dataclasses.replace(steps[coche], alpha=trace.steps[rojo].alpha)
    steps[rojo] = dataclasses.replace(steps[rojo], alpha=trace.steps[coche].alpha)
    straight = dataclasses.replace(trace, steps=steps)
    assert crossing_heads({text: straight}, pairs) == {"pairs": 1, "crossed": {"1:1": 0}}
    # a translation without the pair's Spanish words does not count
    assert crossing_heads({text: trace}, {text: [("red", "car", "roja", "auto")]}) == {"pairs": 0, "crossed": {}}
