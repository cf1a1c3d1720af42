"""AppTest: What if?, Beam search, Forced decoding and Compare on a multi-head model (dates-transformer, 2 layers × 4
heads) draw the attention of the head the shared pickers chose, every number the trace's; and on a subword model."""

from __future__ import annotations

import json

import numpy as np
import pytest
from apptest_utils import app, chart, chart_keys, texts

from attention_core import load_pretrained
from attention_core.heads import MEAN, at_head
from attention_core.step import EditAt
from attention_core.whatif import make_edit

pytestmark = pytest.mark.timeout(600)
TEXT = "Tuesday, November 24, 2026"
MODEL = "dates-transformer"
LAYER, HEAD = 2, 3  # not the model's default view (layer 1, mean of the heads)


@pytest.fixture(scope="module")
def transformer():
    return load_pretrained(MODEL)


def page(name: str, **query):
    at = app(**{"model": MODEL, "text": TEXT, **query})
    at.switch_page(f"app_pages/{name}.py").run()
    assert not at.exception
    return at


def z(at, key: str) -> np.ndarray:
    return np.asarray(chart(at, key)["data"][0]["z"])


def title(at, key: str) -> str:
    return chart(at, key)["layout"]["title"]["text"].replace("\xa0", " ")  # (the figures keep a title on one line)


def what_if_page(t: int, index: int, **query):
    at = page("whatif", **query)
    next(w for w in at.number_input if w.key.startswith("wi_step")).set_value(t).run()
    next(w for w in at.selectbox if w.key.startswith("wi_token")).set_value(index).run()
    assert not at.exception
    return at


def test_what_if_edits_the_chosen_head_only(transformer):
    t, index = 6, 0  # all of head 3's attention at step 6 on the first character
    at = what_if_page(t, index, layer=str(LAYER), head=str(HEAD))
    assert at.segmented_control(key="wi_scope").value == "head"
    original = transformer.trace(TEXT)
    expected = transformer.what_if(TEXT, t, EditAt(make_edit("one_hot", index=index), layer=LAYER, head=HEAD))
    seen, seen_after = at_head(original, LAYER, HEAD), at_head(expected, LAYER, HEAD)
    before, after = (np.asarray(bar["y"]) for bar in chart(at, "wi_alpha")["data"][:2])
    np.testing.assert_allclose(before, seen.steps[t - 1].alpha, rtol=1e-6)
    np.testing.assert_allclose(after, seen_after.steps[t - 1].alpha, rtol=1e-6)
    assert list(after) == [1.0] + [0.0] * (len(after) - 1)
    np.testing.assert_allclose(z(at, "wi_alignment"), seen_after.alignment, rtol=1e-6)
    # a_t drawn is head 3's own, before and after
    strip = chart(at, "wi_vectors")["data"]
    np.testing.assert_allclose(np.asarray(strip[0]["z"]).ravel(), seen.steps[t - 1].a, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(strip[1]["z"]).ravel(), seen_after.steps[t - 1].a, rtol=1e-5)
    # what follows from the edit is the one of head 3 alone: s̃_t and the output distribution
    np.testing.assert_allclose(np.asarray(strip[3]["z"]).ravel(), expected.steps[t - 1].s_tilde, rtol=1e-5)
    after_out = np.asarray(chart(at, "wi_output")["data"][1]["y"])  # 0 for a token only the model's own top k has
    np.testing.assert_allclose(sorted(after_out[after_out > 0]), sorted(p for _, p in expected.steps[t - 1].top_k),
                               rtol=1e-6)
    # the layer's other heads keep the model's own α at step t: one head was edited
    block = expected.steps[t - 1].cross[LAYER - 1].alpha
    own = original.steps[t - 1].cross[LAYER - 1].alpha
    assert not np.allclose(block[HEAD - 1], own[HEAD - 1])
    np.testing.assert_allclose(np.delete(block, HEAD - 1, axis=0), np.delete(own, HEAD - 1, axis=0), rtol=1e-6)
    shown = texts(at)
    assert "Edited: head 3 of layer 2 (" in shown and "Shown: layer 2, head 3 of 4" in shown
    assert "layer 2, head 3 of 4" in title(at, "wi_alpha") and title(at, "wi_alignment") == "layer 2, head 3 of 4"


def test_what_if_every_head_of_the_layer(transformer):
    t, index = 6, 0
    at = what_if_page(t, index, layer=str(LAYER), head=str(HEAD))
    at.segmented_control(key="wi_scope").set_value("layer").run()
    assert not at.exception
    expected = transformer.what_if(TEXT, t, EditAt(make_edit("one_hot", index=index), layer=LAYER, head=None))
    block = expected.steps[t - 1].cross[LAYER - 1].alpha  # (h, N): every head of layer 2 edited
    np.testing.assert_array_equal(block, np.eye(1, block.shape[1]).repeat(block.shape[0], axis=0))
    np.testing.assert_allclose(z(at, "wi_alignment"), at_head(expected, LAYER, HEAD).alignment, rtol=1e-6)
    assert "Edited: all 4 heads of layer 2." in texts(at)


def test_what_if_on_the_mean_of_the_heads_edits_them_all_and_says_there_are_no_scores(transformer):
    """The default view, layer 1's mean: no head to choose, every head edited, α the mean, no a_t drawn."""
    t, index = 6, 0
    at = what_if_page(t, index)
    assert not at.get("segmented_control") or all(w.key != "wi_scope" for w in at.get("segmented_control"))
    expected = transformer.what_if(TEXT, t, EditAt(make_edit("one_hot", index=index), layer=1, head=None))
    original = transformer.trace(TEXT)
    before, after = (np.asarray(bar["y"]) for bar in chart(at, "wi_alpha")["data"][:2])
    np.testing.assert_allclose(before, at_head(original, 1, MEAN).steps[t - 1].alpha, rtol=1e-6)
    np.testing.assert_allclose(after, at_head(expected, 1, MEAN).steps[t - 1].alpha, rtol=1e-6)
    np.testing.assert_allclose(z(at, "wi_alignment"), at_head(expected, 1, MEAN).alignment, rtol=1e-6)
    strip = chart(at, "wi_vectors")["data"]
    assert len(strip) == 2  # s̃_t before and after, no a_t made up for the mean
    shown = texts(at)
    assert "mean over the 4 heads of layer 1" in shown and "no context aₜ of its own" in shown
    assert "Edited: all 4 heads of layer 1." in shown


def test_beam_draws_the_chosen_heads_attention_of_each_hypothesis(transformer):
    at = page("beam", layer=str(LAYER), head=str(HEAD))
    at.slider(key="beam_width").set_value(3).run()
    best = transformer.trace(TEXT, beam=3)
    np.testing.assert_allclose(z(at, "beam_alignment"), at_head(best, LAYER, HEAD).alignment, rtol=1e-6)
    at.selectbox(key="beam_pick").set_value(2).run()
    assert not at.exception
    second = at_head(best.hypotheses[0], LAYER, HEAD)
    np.testing.assert_allclose(z(at, "beam_alignment"), second.alignment, rtol=1e-6)
    assert title(at, "beam_alignment") == f"2: {second.prediction} · layer 2, head 3 of 4"
    assert at.selectbox(key="layer").value == "2" and at.selectbox(key="head").value == "3"  # the shared pickers


def test_forced_draws_the_chosen_heads_attention(transformer):
    at = page("forced", layer=str(LAYER), head=str(HEAD))
    box = next(w for w in at.text_input if w.key.startswith("forced_target"))
    box.set_value("2026-12-24").run()
    assert not at.exception
    forced = transformer.trace(TEXT, target="2026-12-24")
    np.testing.assert_allclose(z(at, "forced_alignment"), at_head(forced, LAYER, HEAD).alignment, rtol=1e-6)
    assert title(at, "forced_alignment") == "layer 2, head 3 of 4"
    at.selectbox(key="head").set_value(MEAN).run()  # the pickers change the view on this page too
    np.testing.assert_allclose(z(at, "forced_alignment"), at_head(forced, LAYER, MEAN).alignment, rtol=1e-6)
    assert title(at, "forced_alignment") == "layer 2, mean of the 4 heads"


def test_compare_shows_the_chosen_head_on_one_scale_and_the_cards_attention_figures(transformer):
    at = page("compare", layer=str(LAYER), head=str(HEAD))
    trace = transformer.trace(TEXT)
    np.testing.assert_allclose(z(at, f"cmp_{MODEL}"), at_head(trace, LAYER, HEAD).alignment, rtol=1e-6)
    assert title(at, f"cmp_{MODEL}") == f"{MODEL} · layer 2, head 3 of 4"
    heatmaps = [key for key in chart_keys(at) if key.startswith("cmp_")]
    assert len(heatmaps) == 7  # every dates model with attention, each on the scale 0 to 1
    for key in heatmaps:
        heat = chart(at, key)["data"][0]
        assert (heat["zmin"], heat["zmax"]) == (0.0, 1.0)
    table = at.dataframe[0].value.set_index("model")
    for name in table.index:
        metrics = json.loads((transformer.folder.parent / name / "metrics.json").read_text(encoding="utf-8"))
        spread = metrics.get("attention_spread")
        row = table.loc[name]
        if spread is None:  # no attention: nothing to show, and nothing made up
            assert row[["one-hot steps", "entropy H(α)", "field attention"]].isna().all()
            continue
        assert row["one-hot steps"] == pytest.approx(spread["one_hot_share"], abs=1e-12)
        assert row["entropy H(α)"] == pytest.approx(spread["entropy"], abs=1e-12)
        assert row["field attention"] == pytest.approx(metrics["field_attention"], abs=1e-12)
        assert "field attention" not in row["test figures"]  # said once, in its own column
    assert table.loc["dates-dot", "one-hot steps"] > 0.5 > table.loc["dates-scaled_dot", "one-hot steps"]


def test_compare_shows_a_transformer_in_its_default_view_and_names_it(transformer):
    at = page("compare")
    trace = transformer.trace(TEXT)
    np.testing.assert_allclose(z(at, f"cmp_{MODEL}"), trace.alignment, rtol=1e-6)
    assert title(at, f"cmp_{MODEL}") == f"{MODEL} · layer 1, mean of the 4 heads"
    assert f"over its default view: {MODEL}: layer 1, mean of the 4 heads" in texts(at)


@pytest.mark.parametrize("name", ["whatif", "beam", "forced", "compare"])
def test_each_page_on_a_subword_model(name):
    """A one-head subword model: no pickers, and its matrices (in words, the default) are its trace's."""
    from attention_core.words import trace_words

    model = load_pretrained("en-es-scaled_dot")
    text = "my grandmother is knitting"  # "grand ##m ##other": words are not pieces here
    at = page(name, model="en-es-scaled_dot", text=text)
    if name != "compare":  # (Compare lists every model of the task: en-es-transformer brings its pickers)
        assert "layer" not in [w.key for w in at.selectbox]
    if name == "whatif":
        assert {"wi_alpha", "wi_alignment"} <= set(chart_keys(at))
    elif name == "beam":
        at.slider(key="beam_width").set_value(3).run()
        assert not at.exception
        best = model.trace(text, beam=3)
        assert next(iter(at.dataframe[0].value["output"])) == best.prediction
        np.testing.assert_allclose(z(at, "beam_alignment"), trace_words(best).alignment, rtol=1e-6)
    elif name == "forced":
        forced = model.trace(text, target=model.trace(text).prediction)
        np.testing.assert_allclose(z(at, "forced_alignment"), trace_words(forced).alignment, rtol=1e-6)
    else:
        np.testing.assert_allclose(z(at, "cmp_en-es-scaled_dot"), trace_words(model.trace(text)).alignment,
                                   rtol=1e-6)
        table = at.dataframe[0].value.set_index("model")
        assert "field attention" not in table.columns  # no fields in a sentence
        metrics = json.loads((model.folder / "metrics.json").read_text(encoding="utf-8"))
        assert table.loc["en-es-scaled_dot", "one-hot steps"] == pytest.approx(
            metrics["attention_spread"]["one_hot_share"], abs=1e-12)
