"""Attention beside attribution in the app (AppTest): the step page's stage and the alignment page's matrix,
their data the model's attribution, on request, held by the session and the URL."""

from __future__ import annotations

import numpy as np
import pytest
from apptest_utils import app, chart, chart_at, chart_keys, live_parts, texts

from app_pages.step_numbers import _fixed
from attention_core import load_pretrained
from attention_core.heads import at_head
from attention_core.words import attribution_words, sum_over, trace_words

TEXT = "Nov 3, 1987"


@pytest.fixture(scope="module")
def dot():
    return load_pretrained("dates-dot").trace(TEXT, attribution="erasure")


def picker(at):
    (control,) = [c for c in at.button_group if c.label == "Attribution beside α"]
    return control


def test_off_by_default_then_the_stage_steps_through_the_models_attribution(dot):
    at = app(model="dates-dot", text=TEXT).run()
    assert not at.exception and picker(at).value == "off" and "attribution_bars" not in chart_keys(at)
    picker(at).set_value("erasure").run()
    assert not at.exception and at.query_params["attribution"] == "erasure"
    keys = chart_keys(at)
    assert keys.index("alpha") < keys.index("attribution_bars") < keys.index("context")  # beside α, before stage 3
    for t in (1, 4, len(dot.steps)):
        fig = chart_at(at, "attribution_bars", t)
        alpha, values = [d for d in fig["data"] if d["type"] == "bar"]
        np.testing.assert_allclose(alpha["y"], dot.steps[t - 1].alpha, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(values["y"], dot.steps[t - 1].attribution.values, rtol=1e-5, atol=1e-6)
    numbers = live_parts(at, "text")["attribution_numbers"]["steps"]
    readings = live_parts(at, "text")["attribution_reading"]["steps"]
    assert len(numbers) == len(readings) == len(dot.steps)
    for t, step in enumerate(dot.steps, 1):
        a = step.attribution
        i, j = int(np.argmax(step.alpha)), int(np.argmax(np.abs(a.values)))
        assert f"{a.values[j]:.3f}" in numbers[t - 1]
        assert f"{a.values[j]:+.2f}" in readings[t - 1] and f"{step.alpha[i]:.2f}" in readings[t - 1]
        assert ("they agree" if i == j else "they disagree") in readings[t - 1]
    assert "R_t^i" in " ".join(m.value for m in at.latex)


def test_integrated_gradients_in_korean_with_completeness_in_the_numbers():
    trace = load_pretrained("dates-bahdanau").trace(TEXT, attribution=True)
    at = app(model="dates-bahdanau", text=TEXT, lang="ko", attribution="integrated_gradients").run()
    assert not at.exception and picker_ko(at).value == "integrated_gradients"
    assert "어텐션과 기여도" in texts(at)
    numbers = live_parts(at, "text")["attribution_numbers"]["steps"]
    for t, step in enumerate(trace.steps, 1):
        a = step.attribution
        assert f"= {_fixed(a.values.sum())}," in numbers[t - 1]
        assert f"= {_fixed(a.logprob - a.baseline_logprob)} &nbsp;" in numbers[t - 1]
        assert f"<i>m</i> = {a.n_steps})" in numbers[t - 1] and f"<i>ε</i> = {a.gap:.1%}" in numbers[t - 1]
    readings = live_parts(at, "text")["attribution_reading"]["steps"]
    assert all(("일치합니다" in r) or ("어긋납니다" in r) for r in readings)
    # the baseline is named: blank text for a character model, with what that cannot see
    assert r"x'_i = E[\text{space}]" in " ".join(m.value for m in at.latex)
    assert "x′은 빈 텍스트입니다" in texts(at) and "정확히 0" in texts(at) and "m은 적분에 쓴 점의 개수" in texts(at)


def test_a_model_without_a_space_token_integrates_from_zeros_and_says_so():
    at = app(model="en-es-dot", text="the dog", attribution="integrated_gradients").run()
    assert not at.exception
    assert r"x' = 0" in " ".join(m.value for m in at.latex) and "E[" not in " ".join(m.value for m in at.latex)
    assert "x′ is zeros" in texts(at) and "x′ is blank text" not in texts(at)


def test_a_number_that_rounds_to_zero_has_no_sign():
    assert (_fixed(-0.0004), _fixed(0.0004), _fixed(-0.0006), _fixed(-1.23456)) == ("0.000", "0.000", "-0.001",
                                                                                    "-1.235")


def picker_ko(at):
    (control,) = [c for c in at.button_group if c.label == "α 옆의 기여도(attribution)"]
    return control


def test_a_bad_url_value_is_off_and_a_model_without_attention_has_no_picker():
    at = app(model="dates-dot", text=TEXT, attribution="<script>").run()
    assert not at.exception and picker(at).value == "off" and "attribution_bars" not in chart_keys(at)
    at = app(model="dates-noattn", text=TEXT, attribution="erasure").run()
    assert not at.exception
    assert not [c for c in at.button_group if c.label == "Attribution beside α"]


def test_a_transformers_head_view_keeps_the_attribution():
    """Attribution belongs to the step, not the head: a head's view shows that head's α beside the same R."""
    trace = load_pretrained("dates-transformer").trace(TEXT, attribution="erasure")
    at = app(model="dates-transformer", text=TEXT, attribution="erasure", layer="1", head="3").run()
    assert not at.exception
    head = at_head(trace, 1, 3)
    fig = chart_at(at, "attribution_bars", 2)
    alpha, values = [d for d in fig["data"] if d["type"] == "bar"]
    np.testing.assert_allclose(alpha["y"], head.steps[1].alpha, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(values["y"], trace.steps[1].attribution.values, rtol=1e-5, atol=1e-6)


def test_classroom_mode_has_the_stage_of_its_own(dot):
    at = app(model="dates-dot", text=TEXT, attribution="erasure", classroom="true", stage="attribution").run()
    assert not at.exception
    assert chart_keys(at) == ["attribution_bars"]


def test_the_alignment_page_sets_the_attribution_matrix_beside_the_attention(dot):
    at = app(model="dates-dot", text=TEXT, attribution="erasure")
    at.switch_page("app_pages/alignment.py").run()
    assert not at.exception
    np.testing.assert_allclose(chart(at, "alignment")["data"][0]["z"], dot.alignment, rtol=1e-5, atol=1e-6)
    heat = chart(at, "attribution_matrix")["data"][0]
    np.testing.assert_allclose(heat["z"], dot.attribution, rtol=1e-5, atol=1e-6)
    assert heat["zmin"] == pytest.approx(-np.abs(dot.attribution).max(), rel=1e-5)


def test_values_in_the_cells_by_default_only_where_half_a_page_has_room_for_them():
    """11 source characters: their values fit across the page, not in the two half-page matrices side by side."""
    cells = []
    for query in ({}, {"attribution": "erasure"}, {"attribution": "erasure", "classroom": "true"}):
        at = app(model="dates-dot", text=TEXT, **query)
        at.switch_page("app_pages/alignment.py").run()
        assert not at.exception
        cells.append(at.toggle(key="cells").value)
    assert cells == [True, False, True]  # (on a projector the two stand one above the other, each page-wide)


def test_on_a_projector_the_matrices_stand_one_above_the_other_and_the_caption_says_so():
    at = app(model="dates-dot", text=TEXT, attribution="erasure", classroom="true", lang="ko")
    at.switch_page("app_pages/alignment.py").run()
    assert not at.exception and "attribution_matrix" in chart_keys(at)
    assert "위의 t번째 행은" in texts(at) and "왼쪽 t번째 행은" not in texts(at)


def test_a_subword_model_in_word_view_sums_attribution_over_pieces():
    model = load_pretrained("en-es-dot")
    text = "the unbelievable dog"
    trace = model.trace(text, attribution="erasure")
    view = trace_words(trace)
    at = app(model="en-es-dot", text=text, attribution="erasure").run()
    assert not at.exception
    fig = chart_at(at, "attribution_bars", 1)
    alpha, values = [d for d in fig["data"] if d["type"] == "bar"]
    np.testing.assert_allclose(alpha["y"], sum_over(trace.steps[0].alpha, view.source_groups), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(values["y"], sum_over(trace.steps[0].attribution.values, view.source_groups),
                               rtol=1e-5, atol=1e-6)
    at.switch_page("app_pages/alignment.py").run()
    assert not at.exception
    np.testing.assert_allclose(chart(at, "attribution_matrix")["data"][0]["z"],
                               attribution_words(trace.attribution, view.source_groups, view.target_groups),
                               rtol=1e-5, atol=1e-6)
