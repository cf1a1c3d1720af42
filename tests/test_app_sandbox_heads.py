"""AppTest: the worked example's multi-head mode draws every head's e, α and a_t and the joined heads exactly as
attention_core/sandbox_heads.py computes them (itself held to transformer.MultiHeadAttention in
test_sandbox_heads.py); h sets the number of heads; a bad cell gets the page's message."""

from __future__ import annotations

import numpy as np
import pytest
from apptest_utils import app, chart, texts
from test_app_pages import RAW_NOTATION

from app_pages.texts import t
from attention_core.sandbox_heads import article_heads_preset, project, random_heads_preset, work_heads, work_projected

pytestmark = pytest.mark.timeout(600)
SANDBOX = "app_pages/sandbox.py"


def heads_page(**query):
    at = app(**query)
    at.switch_page(SANDBOX).run()
    at.segmented_control(key="sb_mode").set_value("mode_heads").run()
    assert not at.exception
    return at


def edit(at, editor: str, row: int, column: str, value) -> None:
    """Type `value` into one cell of the page's data editor `editor` (its key without the version) and rerun."""
    key = f"{editor}_{at.session_state['sbh_version']}"
    at.session_state[key] = {"edited_rows": {row: {column: value}}, "added_rows": [], "deleted_rows": []}
    at.run()


def drawn_heads(at) -> int:
    keys = [f"sbh_scores_{j}" for j in range(1, 5)]
    return sum(1 for key in keys if _has_chart(at, key))


def _has_chart(at, key: str) -> bool:
    try:
        chart(at, key)
    except AssertionError:
        return False
    return True


def assert_heads_drawn(at, worked) -> None:
    """Every head's three figures and the joined strip hold the NumPy computation's numbers."""
    for j in range(worked.h):
        scores, alpha, context = (chart(at, f"sbh_{kind}_{j + 1}") for kind in ("scores", "alpha", "context"))
        np.testing.assert_allclose(scores["data"][0]["y"], worked.e[j], rtol=1e-9)
        np.testing.assert_allclose(alpha["data"][0]["y"], worked.alpha[j], rtol=1e-9)
        np.testing.assert_allclose(context["data"][0]["z"], worked.alpha[j][:, None] * worked.v[j], rtol=1e-6)
        np.testing.assert_allclose(context["data"][1]["z"][0], worked.a[j], rtol=1e-6)  # a_t^j = Σ_i α v_i^j
    joined = chart(at, "sbh_joined")
    np.testing.assert_allclose(joined["data"][0]["z"][0], worked.joined, rtol=1e-6)
    if worked.out is not None:
        np.testing.assert_allclose(joined["data"][1]["z"][0], worked.out, rtol=1e-6)
    else:
        assert len(joined["data"]) == 1  # no W_O: joined, not projected
    assert len(joined["layout"].get("shapes", [])) == worked.h - 1  # a seam between each two heads


def test_every_head_drawn_is_the_numpy_computation():
    at = heads_page()
    _, H, x, W = article_heads_preset()
    assert_heads_drawn(at, work_heads(x, H, W, 2))  # the page's first view: the article's states, h = 2
    latex = "\n".join(e.value for e in at.get("latex"))
    assert r"e_t^{1,4} = \tfrac{1}{\sqrt{2}}" in latex and r"o_t = W_O\," in latex


def test_a_random_preset_of_size_8_with_4_heads():
    at = heads_page()
    at.selectbox(key="sbh_preset").set_value("heads_preset_random").run()
    at.number_input(key="sbh_N").set_value(5).run()
    at.selectbox(key="sbh_d").set_value(8).run()
    at.number_input(key="sbh_seed").set_value(3).run()
    at.segmented_control(key="sbh_h").set_value(4).run()
    assert not at.exception
    _, H, x, W = random_heads_preset(5, 8, 3)
    assert_heads_drawn(at, work_heads(x, H, W, 4))


def test_h_sets_the_number_of_heads():
    at = heads_page()
    assert drawn_heads(at) == 2
    for h in (1, 4, 2):
        at.segmented_control(key="sbh_h").set_value(h).run()
        assert not at.exception and drawn_heads(at) == h
        assert len(chart(at, "sbh_scores_1")["data"][0]["y"]) == 4  # every head scores all N states
    at.selectbox(key="sbh_preset").set_value("heads_preset_random").run()
    at.selectbox(key="sbh_d").set_value(6).run()  # 4 does not divide 6: offered 1, 2, 3
    assert at.segmented_control(key="sbh_h").options == ["1", "2", "3"]
    at.segmented_control(key="sbh_h").set_value(3).run()
    assert drawn_heads(at) == 3 and len(chart(at, "sbh_context_1")["data"][1]["z"][0]) == 2  # d_k = 6 / 3


def test_an_edited_weight_is_computed_and_kept_when_h_changes():
    at = heads_page()
    edit(at, "sbh_W_Q", 0, "x[3]", 2.0)  # q_t[0] now also reads x_t[3]
    _, H, x, W = article_heads_preset()
    W.W_Q[0, 3] = 2.0
    assert_heads_drawn(at, work_heads(x, H, W, 2))
    at.segmented_control(key="sbh_h").set_value(1).run()
    assert_heads_drawn(at, work_heads(x, H, W, 1))


def test_the_projected_q_k_v_typed_in():
    at = heads_page()
    at.segmented_control(key="sbh_edit").set_value("heads_edit_projected").run()
    _, H, x, W = article_heads_preset()
    q, K, V = project(x, H, W)
    assert_heads_drawn(at, work_projected(q, K, V, 2))
    edit(at, "sbh_K", 2, "k₂", -1.5)  # component 2 of k_2: head 2's first
    K[1, 2] = -1.5
    worked = work_projected(q, K, V, 2)
    assert_heads_drawn(at, worked)
    assert not np.allclose(worked.e[1], work_projected(q, project(x, H, W)[1], V, 2).e[1])  # the edit told
    assert t("heads_no_WO", "en") in texts(at)


@pytest.mark.parametrize("editor, column", [("sbh_W_K", "h[1]"), ("sbh_x", "x[0]"), ("sbh_H", "h[2]")])
@pytest.mark.parametrize("value", [None, float("inf")])
def test_a_bad_cell_gets_the_message(editor, column, value):
    at = heads_page()
    edit(at, editor, 0, column, value)
    assert not at.exception
    assert [w.value for w in at.warning] == [t("bad_numbers", "en")]
    assert drawn_heads(at) == 0


def test_a_bad_cell_of_the_projected_values_gets_the_message():
    at = heads_page()
    at.segmented_control(key="sbh_edit").set_value("heads_edit_projected").run()
    edit(at, "sbh_V", 1, "v₃", None)
    assert [w.value for w in at.warning] == [t("bad_numbers", "en")] and drawn_heads(at) == 0


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_in_both_languages_with_notation_as_unicode(lang):
    at = heads_page(lang=lang)
    shown = texts(at)
    assert t("head_title", lang, j=2, h=2, d_k=2) in shown and t("link_score", lang) in shown
    assert not RAW_NOTATION.findall(shown), RAW_NOTATION.findall(shown)
