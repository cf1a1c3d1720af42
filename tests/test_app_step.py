"""AppTest: the Step-by-step page shows the real trace of the chosen model, input and step."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from apptest_utils import app, chart, chart_at, chart_keys, element_key, live_parts, texts

from attention_core import load_pretrained

pytestmark = pytest.mark.timeout(600)


def plain(html: str) -> str:
    """A step's numbers line as text: its markup (italics, sub- and superscripts) removed."""
    return re.sub(r"<[^>]+>", "", html).replace("&nbsp;", " ")


@pytest.fixture(scope="module")
def dot():
    return load_pretrained("dates-dot")


def test_opens_on_the_default_model_with_a_decoded_korean_date():
    at = app()
    at.run()
    assert not at.exception
    assert at.selectbox(key="model").value == "dates-scaled_dot"
    assert at.text_input(key="text").value == "2026년 11월 24일 화요일"
    trace = load_pretrained("dates-scaled_dot").trace("2026년 11월 24일 화요일")
    from app_pages.common import md_literal

    assert trace.prediction == "2026-11-24" and any(md_literal(trace.prediction) in m.value for m in at.markdown)
    assert chart_keys(at) == ["diagram", "scores", "alpha", "context", "vectors", "output"]
    player = live_parts(at, "player")["player"]
    assert player["start"] == 1 and player["T"] == len(trace.steps)
    np.testing.assert_allclose(chart(at, "scores")["data"][0]["y"], trace.steps[0].e, rtol=1e-6)


def test_every_step_of_every_figure_goes_to_the_browser_once():
    """The payload holds each chart's figure at every step (the browser steps through them itself); each is
    the figure builder's own, and each step's numbers and caption are there too."""
    at = app(model="dates-bahdanau", text="mardi 24 novembre 2026", step="7")
    at.run()
    assert not at.exception
    trace = load_pretrained("dates-bahdanau").trace("mardi 24 novembre 2026")
    assert live_parts(at, "player")["player"]["start"] == 7
    np.testing.assert_allclose(chart(at, "alpha")["data"][0]["y"], trace.steps[6].alpha, rtol=1e-6)  # drawn first
    texts_ = live_parts(at, "text")
    for t in (1, 7, len(trace.steps)):
        step = trace.steps[t - 1]
        np.testing.assert_allclose(chart_at(at, "scores", t)["data"][0]["y"], step.e, rtol=1e-6)
        np.testing.assert_allclose(chart_at(at, "alpha", t)["data"][0]["y"], step.alpha, rtol=1e-6)
        np.testing.assert_allclose(chart_at(at, "context", t)["data"][1]["z"][0], step.a, rtol=1e-5, atol=1e-7)
        strips = chart_at(at, "vectors", t)["data"]
        np.testing.assert_allclose(strips[0]["z"][0], step.concat, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(strips[1]["z"][0], step.s_tilde, rtol=1e-5, atol=1e-7)
        output = chart_at(at, "output", t)["data"][0]
        assert output["x"][: len(step.top_k)] == pytest.approx([p for _, p in step.top_k])
        i, j = int(np.argmax(step.alpha)), int(np.argmax(step.e))
        scores, alpha = texts_["stage1_numbers"]["steps"][t - 1], texts_["stage2_numbers"]["steps"][t - 1]
        assert f"<sup>{j + 1}</sup>" in scores and plain(scores).endswith(f" = {step.e[j]:.3f}")
        assert f"<sup>{i + 1}</sup>" in alpha and f" = exp({step.e[i]:.3f})" in plain(alpha)
        assert f"= {step.alpha[i]:.4f}" in plain(alpha)
        assert plain(texts_["stage4_numbers"]["steps"][t - 1]).endswith(f"= {step.prob:.4f}")
        assert f"Step {t} of {len(trace.steps)}" in texts_["caption"]["steps"][t - 1]
    assert "sₜ₋₁" in texts(at)  # Bahdanau's query is named
    formulas = "\n".join(latex.value for latex in at.get("latex"))  # each stage's formula in symbols, once
    assert r"\alpha_t^i = \frac{\exp(e_t^i)}" in formulas and r"\tanh(W_c v_t + b_c)" in formulas


def test_the_reported_step_goes_to_the_url_and_a_new_input_opens_at_step_1():
    at = app(step="3")
    at.run()
    assert at.query_params["step"] == ["3"] or at.query_params["step"] == "3"
    at.session_state["step"] = 5  # what the player's report sets (app_pages/step_by_step.py, _reported)
    at.run()
    assert str(at.query_params["step"]).strip("[]'") == "5"
    assert live_parts(at, "player")["player"]["start"] == 5
    at.text_input(key="text").set_value("1 May 2000").run()
    assert not at.exception
    assert at.session_state["step"] == 1 and live_parts(at, "player")["player"]["start"] == 1
    at.session_state["step"] = 4
    at.run()
    at.selectbox(key="model").set_value("dates-general").run()
    assert at.session_state["step"] == 1 and live_parts(at, "player")["player"]["start"] == 1


def test_a_step_beyond_the_trace_opens_its_last_step():
    at = app(step="99")
    at.run()
    assert not at.exception
    player = live_parts(at, "player")["player"]
    assert player["start"] == player["T"]


def test_model_without_attention_shows_the_fixed_context():
    at = app(model="dates-noattn")
    at.run()
    assert not at.exception
    keys = chart_keys(at)
    assert "fixed" in keys and "scores" not in keys and "alpha" not in keys
    trace = load_pretrained("dates-noattn").trace("2026년 11월 24일 화요일")
    np.testing.assert_allclose(chart(at, "fixed")["data"][0]["z"][0], trace.fixed_context, rtol=1e-5, atol=1e-7)
    assert set(live_parts(at, "payload")["payload"]["charts"]) == {"diagram", "vectors", "output"}


def test_language_switch_changes_the_labels():
    at = app()
    at.run()
    assert "Step by step" in texts(at)
    assert live_parts(at, "player")["player"]["labels"]["next"] == "Next ▶"
    assert "⏸" not in live_parts(at, "player")["player"]["labels"]["pause"]  # Debian's fonts draw it as a box
    at.segmented_control(key="lang").set_value("ko").run()
    assert not at.exception
    korean = texts(at)
    assert "단계별 보기" in korean and "어텐션 스코어" in korean and "Step by step" not in korean
    assert live_parts(at, "player")["player"]["labels"]["next"] == "다음 ▶"
    assert "단계 중" in live_parts(at, "text")["caption"]["steps"][0]


@pytest.mark.parametrize("text", ["<b>x</b>", "<script>alert(1)</script>", "a<br>b & c"])
def test_markup_in_the_input_is_shown_literally(text):
    at = app(model="dates-dot", text=text)
    at.run()
    assert not at.exception
    ticks = chart(at, "scores")["layout"]["xaxis"]["ticktext"]
    assert "&lt;" in "".join(ticks) and "<" not in "".join(ticks)
    # the caption is HTML swapped in by the browser: the input's characters in it are escaped
    captions = "".join(live_parts(at, "text")["caption"]["steps"])
    assert "<b>" not in captions and "<script" not in captions and "<br>" not in captions


@pytest.mark.parametrize("text", ["", "   ", "9" * 300])
def test_bad_input_gets_a_message_not_a_traceback(text):
    at = app(text=text)
    at.run()
    assert not at.exception
    assert at.warning and not chart_keys(at) and not live_parts(at, "player")


def test_classroom_mode_shows_one_figure_at_a_time():
    at = app(classroom="true")
    at.run()
    assert not at.exception
    assert chart_keys(at) == ["diagram"]
    assert live_parts(at, "player")["player"]["classroom"] is True
    at.segmented_control(key="stage").set_value("stage2").run()
    assert chart_keys(at) == ["alpha"] and list(live_parts(at, "payload")["payload"]["charts"]) == ["alpha"]
    linked = app(classroom="true", stage="stage3")  # the stage is part of the deep link
    linked.run()
    assert chart_keys(linked) == ["context"]


def test_changing_the_step_never_runs_the_model_again(monkeypatch):
    from attention_core import Translator

    calls = []
    original = Translator.trace

    def counting(self, text, **options):
        calls.append(text)
        return original(self, text, **options)

    monkeypatch.setattr(Translator, "trace", counting)
    at = app(text="le  3 mars  1999")  # a text no other test decodes, so the cache starts empty
    at.run()
    first = len(calls)
    for step in (2, 5, 3, 1):
        at.session_state["step"] = step
        at.run()
        assert not at.exception and live_parts(at, "player")["player"]["start"] == step
    assert first >= 1 and len(calls) == first  # the trace came from the cache every time


def test_step_figures_are_live_charts_with_plotly_js_served_here():
    """The step figures go to a component that updates them in place; plotly.js is a file of this
    repository that the server serves itself (no CDN), at the plotly package's plotly.js version."""
    from plotly.offline import get_plotlyjs_version

    from app_pages import live_chart

    at = app()
    at.run()
    charts = live_parts(at, "chart")
    assert list(charts) == chart_keys(at)
    url = charts["diagram"]["plotly_url"]
    assert url.startswith("/app/static/plotly-cartesian.min.js?")
    header = live_chart.PLOTLY_JS.read_text(encoding="utf-8")[:200]
    assert f"plotly.js (cartesian - minified) v{get_plotlyjs_version()}" in header


def test_without_static_serving_the_step_figures_are_plain_charts():
    from streamlit import config

    config.set_option("server.enableStaticServing", False)
    try:
        at = app()
        at.run()
    finally:
        config.set_option("server.enableStaticServing", True)
    assert not at.exception and not live_parts(at, "chart") and not live_parts(at, "payload")
    assert [element_key(e) for e in at.get("plotly_chart")] == chart_keys(at)
    assert len(chart_keys(at)) == 6
    assert live_parts(at, "player")["player"]["server"] is True  # each step is reported, and drawn here


def test_live_chart_json_is_plotlys_own():
    """figure_json builds the JSON from the figure's own dicts, without plotly's copies: for every step
    figure (Korean tokens and markup among them), and a figure with a NaN, it must equal plotly's."""
    import plotly.graph_objects as go
    import plotly.io as pio

    from app_pages.live_chart import LOOK, figure_json
    from attention_core.figures import (
        alpha_bars,
        context_figure,
        encoder_decoder_diagram,
        output_bars,
        score_bars,
        vector_strip,
    )

    def plotlys(fig) -> dict:
        spec = fig.to_dict()
        spec["layout"]["template"] = LOOK
        if spec["layout"].get("title", {}).get("text"):
            spec["layout"]["title"]["text"] = f"<b>{spec['layout']['title']['text']}</b>"
        return json.loads(pio.to_json(spec, validate=False))

    figures = []
    for model, text in (("dates-dot", "2026년 11월 24일"), ("en-es-bahdanau", "<b>the</b> cat & dog"),
                        ("dates-noattn", "1 june 2001")):
        trace = load_pretrained(model).trace(text)
        for t in (1, len(trace.steps)):
            step = trace.steps[t - 1]
            figures += [encoder_decoder_diagram(trace, t, title="<i>t</i>"), output_bars(trace, t, title="top"),
                        vector_strip([("[a_t; s_t]", step.concat), ("s̃_t", step.s_tilde)],
                                     split_at={"[a_t; s_t]": len(step.s)})]
            if trace.alignment is not None:
                figures += [score_bars(trace, t), alpha_bars(trace, t), context_figure(trace, t)]
    figures.append(go.Figure(go.Bar(y=np.array([1.0, np.nan, 3.0]), text=[float("nan"), 1, 2])))
    for fig in figures:
        assert json.loads(figure_json(fig)) == plotlys(fig)


def test_a_transformer_steps_through_its_mean_over_heads_without_made_up_scores():
    """dates-transformer's default view is layer 1's mean over its heads: α is drawn (the trace's numbers),
    stage 1 says in place why there are no scores, and stage 3 (a_t) is left out, not drawn from nothing."""
    text = "2026년 11월 24일 화요일"
    at = app(model="dates-transformer", text=text, step="3")
    at.run()
    assert not at.exception
    trace = load_pretrained("dates-transformer").trace(text)
    assert trace.alignment_from == {"layer": 1, "head": "mean"} and trace.steps[0].e is None
    # no scores, no context chart
    assert chart_keys(at) == ["diagram", "alpha", "vectors", "output", "grid", "heads", "encoder_self", "self"]
    np.testing.assert_allclose(chart_at(at, "alpha", 3)["data"][0]["y"], trace.steps[2].alpha, rtol=1e-6)
    np.testing.assert_allclose(trace.steps[2].alpha, trace.cross_attention(1, "mean")[2], rtol=1e-6)
    assert "mean over the 4 heads of layer 1" in texts(at)
    assert "seams between the heads" in chart(at, "vectors")["layout"]["title"]["text"].replace("\xa0", " ")
