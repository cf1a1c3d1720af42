"""AppTest: the alignment matrix and the worked-example sandbox."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from apptest_utils import app, chart, live_parts, texts

from app_pages.texts import t
from attention_core import load_pretrained
from attention_core.figures import label
from attention_core.sandbox import article_preset, random_weights, softmax
from attention_core.scores import make_score

pytestmark = pytest.mark.timeout(600)
ALIGNMENT, SANDBOX = "app_pages/alignment.py", "app_pages/sandbox.py"


def test_alignment_heatmap_is_the_trace_alignment():
    at = app(model="dates-general", text="Tuesday, November 24, 2026")
    at.switch_page(ALIGNMENT).run()
    assert not at.exception
    trace = load_pretrained("dates-general").trace("Tuesday, November 24, 2026")
    heat = chart(at, "alignment")["data"][0]
    np.testing.assert_allclose(np.asarray(heat["z"]), trace.alignment, rtol=1e-6)
    layout = chart(at, "alignment")["layout"]
    # integer positions: the three "2"s and the two "," keep their own columns
    assert list(layout["xaxis"]["tickvals"]) == list(range(len(trace.source_tokens)))
    assert list(layout["yaxis"]["ticktext"]) == [label(t) for t in trace.target_tokens]  # "</s>" escaped


def test_alignment_row_button_opens_the_step_page_at_that_step():
    at = app()
    at.switch_page(ALIGNMENT).run()
    at.selectbox(key="alignment_row").set_value(5)
    at.button(key="open_row").click().run()
    assert not at.exception
    assert live_parts(at, "player")["player"]["start"] == 5  # the step page opens on that step


def test_alignment_page_refuses_a_model_without_attention():
    at = app(model="dates-noattn")
    at.switch_page(ALIGNMENT).run()
    assert not at.exception
    assert at.selectbox(key="model").value != "dates-noattn"  # only models with attention are offered
    assert "dates-noattn" not in at.selectbox(key="model").options


def test_sandbox_computes_the_article_example_by_hand():
    at = app()
    at.switch_page(SANDBOX).run()
    assert not at.exception
    _, H, s = article_preset()
    e = H @ s
    np.testing.assert_allclose(chart(at, "sb_scores")["data"][0]["y"], e, rtol=1e-9)
    np.testing.assert_allclose(chart(at, "sb_alpha")["data"][0]["y"], softmax(e), rtol=1e-9)
    np.testing.assert_allclose(chart(at, "sb_context")["data"][1]["z"][0], softmax(e) @ H, rtol=1e-9)
    assert any("e_t^{4}" in latex.value and "1.240" in latex.value for latex in at.get("latex"))


@pytest.mark.parametrize("score", ["dot", "scaled_dot", "general", "concat", "location"])
def test_sandbox_score_functions_and_temperature(score):
    at = app()
    at.switch_page(SANDBOX).run()
    at.segmented_control(key="sb_score").set_value(score).run()
    at.select_slider(key="sb_temp").set_value(0.5).run()
    assert not at.exception
    e = np.asarray(chart(at, "sb_scores")["data"][0]["y"], dtype=float)
    alpha = np.asarray(chart(at, "sb_alpha")["data"][0]["y"], dtype=float)
    np.testing.assert_allclose(alpha, softmax(e, 0.5), rtol=1e-9)  # α = softmax(e / T)
    _, H, s = article_preset()
    np.testing.assert_allclose(e, model_scores(score, s, H), rtol=1e-9)  # the page's NumPy = the model's modules


def model_scores(score: str, s: np.ndarray, H: np.ndarray) -> np.ndarray:
    """e_t from the model's own score module (attention_core/scores.py), given the weights the page shows."""
    weights = random_weights(score, len(s), len(H), seed=0)  # the page's default seed
    module = make_score(score, n=len(s), n_a=len(s), max_N=len(H)).double()
    with torch.no_grad():
        for name in ("W_a", "w_a"):
            if getattr(weights, name) is not None:
                getattr(module, name).copy_(torch.from_numpy(getattr(weights, name)))
        S, H = torch.from_numpy(s)[None], torch.from_numpy(H)[None]  # (1, n), (1, N, n)
        return module(S, module.keys(H))[0].numpy()


def test_sandbox_presets_and_sizes():
    at = app()
    at.switch_page(SANDBOX).run()
    at.selectbox(key="sb_preset").set_value("preset_onehot").run()  # N and n are off for the article's preset
    at.number_input(key="sb_N").set_value(6)
    at.number_input(key="sb_n").set_value(3)
    load = next(b for b in at.button if b.label == "Load preset")
    load.click().run()
    assert not at.exception
    assert len(chart(at, "sb_scores")["data"][0]["y"]) == 6


def test_sandbox_in_korean():
    at = app(lang="ko")
    at.switch_page(SANDBOX).run()
    assert not at.exception and "직접 계산해 보기" in texts(at)


def test_sandbox_sizes_apply_at_once():
    at = app()
    at.switch_page(SANDBOX).run()
    at.selectbox(key="sb_preset").set_value("preset_random").run()
    at.number_input(key="sb_N").set_value(6).run()
    assert not at.exception
    assert len(chart(at, "sb_scores")["data"][0]["y"]) == 6  # no "Load preset" press needed
    at.number_input(key="sb_n").set_value(3).run()
    assert chart(at, "sb_context")["data"][1]["z"].shape[-1] == 3
    at.selectbox(key="sb_preset").set_value("preset_article").run()
    assert at.number_input(key="sb_N").proto.disabled  # the article's example has its own sizes


def test_sandbox_long_token_name_is_cut_and_keeps_the_chart():
    at = app()
    at.switch_page(SANDBOX).run()
    before = chart(at, "sb_scores")["layout"]
    editor = f"sb_H_{at.session_state['sb_version']}"  # the page's editor of the h_i and their names
    name = "a-very-long-token-name-that-goes-on-and-on"
    at.session_state[editor] = {"edited_rows": {0: {"Token names": name}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    fig = chart(at, "sb_scores")
    ticks = list(fig["layout"]["xaxis"]["ticktext"])
    assert ticks[0].endswith("…") and len(ticks[0]) <= 12 and fig["data"][0]["customdata"][0][0] == name
    plot = lambda lay: lay["height"] - lay["margin"]["t"] - lay["margin"]["b"]
    assert plot(fig["layout"]) >= 0.75 * plot(before)  # the bars keep their room


# α_t^i, h_i, s_{t-1}, e_t … also before a Korean particle (α_t입니다), where \b finds no word boundary
RAW_NOTATION = re.compile(r"[a-zA-Zα-ω̃ŷ]_(?:[a-z0-9](?![A-Za-z0-9])|\{)|\^[a-z](?![A-Za-z0-9])")


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("script", [ALIGNMENT, "app_pages/compare.py", "app_pages/whatif.py", SANDBOX,
                                    "app_pages/step_by_step.py"])
def test_captions_and_labels_write_notation_as_unicode(script, lang):
    at = app(lang=lang, model="dates-bahdanau")
    at.switch_page(script).run()
    assert not at.exception
    shown = texts(at) + "\n".join(str(e.help or "") for kind in ("select_slider", "selectbox") for e in at.get(kind))
    assert not RAW_NOTATION.findall(shown), RAW_NOTATION.findall(shown)
    if script.endswith("step_by_step.py"):  # the stage tabs (classroom) and the vector strips' names
        shown += "\n".join(t(f"short_{stage}", lang) for stage in ("stage1", "stage2", "stage3", "stage4"))
        fig = chart(at, "vectors")
        shown += fig["layout"]["title"]["text"] + " ".join(fig["layout"]["yaxis"]["ticktext"])
        assert not RAW_NOTATION.findall(shown), RAW_NOTATION.findall(shown)
    for key in ("wi_alpha", "wi_vectors"):  # and the what-if figures' titles and series
        if script.endswith("whatif.py"):
            fig = chart(at, key)
            names = [fig["layout"]["title"]["text"], *(d.get("name") or "" for d in fig["data"]),
                     *(tick for axis, value in fig["layout"].items() if axis.startswith("yaxis")
                       for tick in value.get("ticktext", []))]
            assert not RAW_NOTATION.findall(" ".join(names))
