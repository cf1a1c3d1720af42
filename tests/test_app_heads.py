"""The step and alignment pages for a multi-head model (AppTest): the chosen layer and head's numbers in every
stage, every head at once, and the self-attention, each figure's data the trace's."""

from __future__ import annotations

import numpy as np
import pytest
from apptest_utils import app, chart, chart_at, chart_keys, texts

from attention_core import load_pretrained
from attention_core.figures import label
from attention_core.heads import MEAN, at_head, values_of

MODEL, TEXT = "dates-transformer", "2026년 11월 24일 화요일"


@pytest.fixture(scope="module")
def trace():
    return load_pretrained(MODEL).trace(TEXT)


def picker(at, label):
    (box,) = [s for s in at.selectbox if s.label == label]
    return box


def test_a_chosen_head_steps_through_its_own_scores_values_and_joined_heads(trace):
    at = app(model=MODEL, text=TEXT, step="3", layer="2", head="3")
    at.run()
    assert not at.exception
    assert (picker(at, "Layer").value, picker(at, "Head").value) == ("2", "3")
    view = at_head(trace, 2, 3)
    assert chart_keys(at)[:6] == ["diagram", "scores", "alpha", "context", "vectors", "output"]
    for t in (1, 3, len(trace.steps)):
        step = view.steps[t - 1]
        np.testing.assert_allclose(chart_at(at, "scores", t)["data"][0]["y"], step.e, rtol=1e-6)
        np.testing.assert_allclose(chart_at(at, "alpha", t)["data"][0]["y"], step.alpha, rtol=1e-6)
        # stage 3 weighs the head's values v_i (N × d_k), not the encoder's states
        np.testing.assert_allclose(chart_at(at, "context", t)["data"][0]["z"],
                                   step.alpha[:, None] * values_of(view), rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(chart_at(at, "context", t)["data"][1]["z"][0], step.a, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(chart_at(at, "vectors", t)["data"][0]["z"][0], step.concat, rtol=1e-6)
    shown = texts(at)
    assert "head 3 of layer 2 compares its query" in shown
    latex = " ".join(x.value for x in at.latex)
    assert r"W_Q^{(3)}" in latex and r"W_V^{(3)}" in latex and r"\mathbb{R}^{16}" in latex


def test_the_grid_and_the_head_view_are_every_heads_alpha_at_each_step(trace):
    at = app(model=MODEL, text=TEXT, step="2", layer="2", head="3")
    at.run()
    assert not at.exception
    N = len(trace.source_tokens)
    for t in range(1, len(trace.steps) + 1):
        grid = chart_at(at, "grid", t)
        rows = [(layer, j) for layer in (1, 2) for j in (MEAN, 1, 2, 3, 4)]
        for r, (layer, j) in enumerate(rows):
            alpha = trace.steps[t - 1].cross[layer - 1].alpha
            np.testing.assert_allclose(grid["data"][0]["z"][r], alpha.mean(axis=0) if j == MEAN else alpha[j - 1],
                                       rtol=1e-6)
        (outline,) = [s for s in grid["layout"]["shapes"] if s["type"] == "rect"]
        assert outline["y0"] == rows.index((2, 3)) - 0.5
        lines = [s for s in chart_at(at, "heads", t)["layout"]["shapes"] if s["type"] == "line"]
        widths = np.array([d["line"]["width"] for d in lines]).reshape(trace.heads, N)
        np.testing.assert_allclose(widths, 0.5 + 10 * trace.steps[t - 1].cross[1].alpha, rtol=1e-6)
        assert {d["visible"] for d in lines[2 * N: 3 * N]} == {True} and lines[0]["visible"] == "legendonly"


def test_the_decoders_self_attention_grows_with_the_step_behind_its_mask(trace):
    at = app(model=MODEL, text=TEXT, step="1", layer="1", head=MEAN)
    at.run()
    assert not at.exception
    T = len(trace.steps)
    for t in (1, 5, T):
        Z = chart_at(at, "self", t)["data"][1]["z"]
        for s in range(T):
            expected = trace.steps[s].self_attn[0].alpha.mean(axis=0) if s < t else []
            assert [v for v in Z[s] if v is not None] == pytest.approx(list(expected), abs=1e-7)
    mask = chart_at(at, "self", 1)["data"][0]["z"]
    assert all((mask[s][c] is not None) == (c > s) for s in range(T) for c in range(T))
    np.testing.assert_allclose(chart(at, "encoder_self")["data"][0]["z"], trace.encoder_self_attention[0].mean(axis=0),
                               rtol=1e-6)


def test_the_mean_view_says_why_it_has_no_scores_and_a_gru_has_no_head_pickers(trace):
    at = app(model=MODEL, text=TEXT, layer="2", head="3")
    at.run()
    picker(at, "Head").set_value(MEAN).run()
    assert not at.exception
    assert "scores" not in chart_keys(at) and "mean over the 4 heads of layer 2" in texts(at)
    np.testing.assert_allclose(chart_at(at, "alpha", 2)["data"][0]["y"], trace.steps[1].cross[1].alpha.mean(axis=0),
                               rtol=1e-6)
    at = app(model="dates-scaled_dot", text=TEXT)
    at.run()
    assert not at.exception
    assert not [s for s in at.selectbox if s.label in ("Layer", "Head")]
    assert "grid" not in chart_keys(at) and "self" not in chart_keys(at)


@pytest.mark.parametrize("layer, head", [("9", "1"), ("1", "<script>alert(1)</script>"), ("x", "0"), ("2", "5")])
def test_a_head_the_model_lacks_in_the_url_opens_its_default_view(trace, layer, head):
    at = app(model=MODEL, text=TEXT, layer=layer, head=head)
    at.run()
    assert not at.exception
    expected = trace.alignment_from
    shown = (picker(at, "Layer").value, picker(at, "Head").value)
    assert shown == (str(expected["layer"]) if not layer.isdigit() or int(layer) > 2 else layer,
                     str(expected["head"]) if not head.isdigit() or not 1 <= int(head) <= 4 else head)


def test_a_new_model_opens_in_its_own_default_view():
    at = app(model=MODEL, text=TEXT, layer="2", head="3")
    at.run()
    picker(at, "Model").set_value("dates-scaled_dot").run()
    picker(at, "Model").set_value(MODEL).run()
    assert not at.exception
    assert (picker(at, "Layer").value, picker(at, "Head").value) == ("1", MEAN)


def test_the_alignment_page_draws_the_chosen_head(trace):
    at = app(model=MODEL, text=TEXT, layer="2", head="4")
    at.switch_page("app_pages/alignment.py").run()
    assert not at.exception
    assert (picker(at, "Layer").value, picker(at, "Head").value) == ("2", "4")
    np.testing.assert_allclose(chart(at, "alignment")["data"][0]["z"], trace.cross_attention(2, 4), rtol=1e-6)


def test_a_subword_transformer_shows_words_in_every_head_view_and_no_raw_markers():
    """en-es-transformer in word view: the grid's columns are words (α summed over a word's pieces), and no
    figure of the heads or the self-attention shows a raw "##"."""
    from attention_core.words import trace_words

    text = "the old man sat on a wooden chair"  # "wooden" is two pieces
    trace = load_pretrained("en-es-transformer").trace(text)
    at = app(model="en-es-transformer", text=text, layer="1", head="1")
    at.run()
    assert not at.exception
    view = trace_words(trace)
    assert "wooden" in view.source_words and len(view.source_words) < len(trace.source_tokens)
    for t in (1, 3):
        grid = chart_at(at, "grid", t)
        alpha = trace.steps[t - 1].cross[0].alpha[0]
        np.testing.assert_allclose(grid["data"][0]["z"][1], [alpha[m].sum() for _, m in view.source_groups],
                                   rtol=1e-5)
        assert list(grid["layout"]["xaxis"]["ticktext"]) == [label(w) for w in view.source_words]
    figures = [chart_at(at, key, 3) for key in ("grid", "heads", "self")] + [chart(at, "encoder_self")]
    shown = str([(f["layout"].get("xaxis", {}).get("ticktext"), f["layout"].get("yaxis", {}).get("ticktext"),
                  [d.get("text") for d in f["data"]]) for f in figures])
    assert "##" not in shown and "wooden" in shown
