"""AppTest: the Worked example's settings and edited numbers are held by the URL (a link opens the same example
with the same numbers, in a new session) and by the session (a return from another page); a link whose numbers
do not fit gets one message and the settings' own numbers (app_pages/sandbox_state.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from apptest_utils import app, chart, texts

from app_pages.texts import t

pytestmark = pytest.mark.timeout(600)
SANDBOX, STEP = "app_pages/sandbox.py", "app_pages/step_by_step.py"
ONE = ("sb_scores", "sb_alpha", "sb_context")
HEADS = ("sbh_scores_1", "sbh_alpha_2", "sbh_context_2", "sbh_joined")


def opened(**query):
    at = app(**query)
    at.switch_page(SANDBOX).run()
    assert not at.exception
    return at


def edit(at, editor: str, version: str, row: int, column: str, value, suffix: str = "") -> None:
    """Type `value` into one cell of the data editor `editor` (its key without the version) and rerun."""
    at.session_state[f"{editor}_{at.session_state[version]}{suffix}"] = {
        "edited_rows": {row: {column: value}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception


def drawn(at, keys) -> list:
    """The charts' data, comparable (arrays as lists)."""
    as_list = lambda o: o.tolist() if isinstance(o, np.ndarray) else str(o)
    return [json.dumps(chart(at, key)["data"], sort_keys=True, default=as_list) for key in keys]


def link(at) -> dict:
    return {key: at.query_params[key] for key in at.query_params}


def test_a_link_opens_the_same_single_head_example_with_its_edits():
    at = opened()
    at.selectbox(key="sb_preset").set_value("preset_random").run()
    at.number_input(key="sb_seed").set_value(3).run()
    at.segmented_control(key="sb_score").set_value("general").run()
    at.select_slider(key="sb_temp").set_value(2.0).run()
    edit(at, "sb_H", "sb_version", 1, "h[2]", 5.5)
    edit(at, "sb_W_general", "sb_version", 0, "W_a[1]", -3.25, suffix="_4_4")  # (its key also names N and n)
    assert not at.exception
    query = link(at)
    assert {k: query[k] for k in ("sb_preset", "sb_seed", "sb_score", "sb_temp")} == {
        "sb_preset": "preset_random", "sb_seed": "3", "sb_score": "general", "sb_temp": "2.0"}
    numbers = json.loads(query["sb_numbers"])
    assert numbers["H"][1][2] == 5.5 and sorted(numbers) == ["H", "general:W_a"]  # only what was edited
    again = opened(**query)  # a new session
    assert drawn(again, ONE) == drawn(at, ONE)
    assert again.segmented_control(key="sb_score").value == "general"
    unedited = opened(**{k: v for k, v in query.items() if k != "sb_numbers"})
    assert drawn(unedited, ONE) != drawn(at, ONE)  # the edits are what the link adds


def test_new_preset_numbers_replace_the_edits_in_the_url():
    at = opened()
    edit(at, "sb_s", "sb_version", 0, "s[0]", 9.0)
    assert "sb_numbers" in link(at)
    at.selectbox(key="sb_preset").set_value("preset_onehot").run()
    assert "sb_numbers" not in link(at) and link(at)["sb_preset"] == "preset_onehot"


def test_a_link_opens_the_same_multi_head_example_with_its_edits_of_both_kinds():
    at = opened()
    at.segmented_control(key="sb_mode").set_value("mode_heads").run()
    at.selectbox(key="sbh_preset").set_value("heads_preset_random").run()
    at.selectbox(key="sbh_d").set_value(8).run()
    at.segmented_control(key="sbh_h").set_value(4).run()
    edit(at, "sbh_W_Q", "sbh_version", 0, "x[3]", 2.0)
    at.segmented_control(key="sbh_edit").set_value("heads_edit_projected").run()
    edit(at, "sbh_K", "sbh_version", 2, "k₂", -1.5)
    numbers = json.loads(link(at)["sbh_numbers"])
    assert sorted(numbers) == ["K", "W_Q"] and numbers["K"][1][2] == -1.5
    again = opened(**link(at))
    assert again.segmented_control(key="sbh_h").value == 4 and again.session_state["sbh_d"] == 8
    assert drawn(again, HEADS) == drawn(at, HEADS)
    again.segmented_control(key="sbh_edit").set_value("heads_edit_weights").run()  # the W_Q edit is there too
    at.segmented_control(key="sbh_edit").set_value("heads_edit_weights").run()
    assert drawn(again, HEADS) == drawn(at, HEADS)


def test_the_example_and_its_edits_hold_across_pages():
    at = opened()
    at.segmented_control(key="sb_mode").set_value("mode_heads").run()
    at.segmented_control(key="sbh_h").set_value(1).run()
    edit(at, "sbh_H", "sbh_version", 0, "h[1]", 7.0)
    before = drawn(at, ("sbh_scores_1", "sbh_alpha_1", "sbh_joined"))
    at.switch_page(STEP).run()
    assert not at.exception
    for key in [k for k in at.query_params if k.startswith("sb")]:  # as the sidebar's page links leave the URL
        del at.query_params[key]
    at.switch_page(SANDBOX).run()
    assert at.segmented_control(key="sb_mode").value == "mode_heads" and at.segmented_control(key="sbh_h").value == 1
    assert drawn(at, ("sbh_scores_1", "sbh_alpha_1", "sbh_joined")) == before


@pytest.mark.parametrize("numbers", ["{not json", "[1, 2]", json.dumps({"H": [[1e309]]}), json.dumps({"s": [1, 2]}),
                                     json.dumps({"tokens": [1, 2, 3, 4]}), "x" * 30_000])
def test_numbers_of_a_link_that_do_not_fit_get_one_message(numbers):
    plain = drawn(opened(), ONE)
    at = opened(sb_numbers=numbers, sb_mode="<script>", sb_temp="1e9")
    assert not at.exception
    assert t("sandbox_link_bad", "en") in texts(at)
    assert drawn(at, ONE) == plain  # the preset's numbers, the default settings
    at.run()
    assert t("sandbox_link_bad", "en") not in texts(at)  # said once


def test_a_weights_edit_holds_across_score_functions():
    at = opened()
    at.segmented_control(key="sb_score").set_value("general").run()
    edit(at, "sb_W_general", "sb_version", 0, "W_a[1]", -3.25, suffix="_4_4")
    edited = drawn(at, ONE)
    at.segmented_control(key="sb_score").set_value("dot").run()
    at.segmented_control(key="sb_score").set_value("general").run()
    assert json.loads(link(at)["sb_numbers"])["general:W_a"][0][1] == -3.25
    assert drawn(at, ONE) == edited


def test_an_undone_edit_stays_undone_and_the_link_shows_what_the_page_shows():
    at = opened(sb_numbers=json.dumps({"s": [9.0, -0.1, 0.5, 0.9]}))
    edit(at, "sb_s", "sb_version", 0, "s[0]", 0.4)  # back to the article's number
    assert "sb_numbers" not in link(at)
    at.switch_page(STEP).run()
    for key in [k for k in at.query_params if k.startswith("sb")]:
        del at.query_params[key]
    at.switch_page(SANDBOX).run()
    assert "sb_numbers" not in link(at) and drawn(at, ONE) == drawn(opened(), ONE)

    heads = opened(sb_mode="mode_heads")
    edit(heads, "sbh_W_Q", "sbh_version", 0, "x[3]", 2.0)
    heads.segmented_control(key="sbh_edit").set_value("heads_edit_projected").run()
    heads.segmented_control(key="sbh_edit").set_value("heads_edit_weights").run()
    edit(heads, "sbh_W_Q", "sbh_version", 0, "x[3]", 0.0)  # undone
    heads.segmented_control(key="sbh_edit").set_value("heads_edit_projected").run()
    assert "sbh_numbers" not in link(heads)
    assert drawn(heads, HEADS[:3]) == drawn(opened(**link(heads)), HEADS[:3])  # the link opens what is shown


def test_token_names_of_a_link_are_text_and_names_of_no_editor_are_said_and_dropped():
    names = ["[click](https://example.com)", "![x](https://example.com/t.png)", "<b>b</b>", "c" * 500]
    at = opened(sb_mode="mode_heads", sbh_edit="heads_edit_projected", sbh_numbers=json.dumps({"tokens": names}))
    (caption,) = [c.value for c in at.caption if c.value.startswith("i: ")]
    assert "[click](https" not in caption and "\\[click\\]" in caption  # escaped: no link, no image
    assert t("sandbox_link_bad", "en") not in texts(at)
    at = opened(sb_numbers=json.dumps({"zz": [1] * 500, "s": [1, 2, 3, 4]}))
    assert t("sandbox_link_bad", "en") in texts(at)
    assert json.loads(link(at)["sb_numbers"]) == {"s": [1.0, 2.0, 3.0, 4.0]}  # the known edit kept, the rest gone
    heads = opened(sb_mode="mode_heads", sbh_edit="heads_edit_projected",
                   sbh_numbers=json.dumps({"H": [[1]], "K": [[1]]}))
    assert [i.value for i in heads.info].count(t("sandbox_link_bad", "en")) == 1  # one message for the link


def test_a_typed_token_name_is_cut_to_its_limit():
    from app_pages.sandbox_state import MAX_NAME

    at = opened()
    edit(at, "sb_H", "sb_version", 0, t("token_names", "en"), "x" * 21_000)
    assert json.loads(link(at)["sb_numbers"])["tokens"][0] == "x" * MAX_NAME
    again = opened(**link(at))
    assert t("sandbox_link_bad", "en") not in texts(again) and drawn(again, ONE) == drawn(at, ONE)
