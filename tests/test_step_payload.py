"""The step page's payload: every step's figure as one base and per-step patches, exactly the figures
the builders make (app_pages/step_payload.py)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app_pages.live_chart import figure_plain
from app_pages.step_payload import apply, compact_steps, diff
from attention_core import load_pretrained

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False, width=32) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from("abcd"), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values, json_values)
def test_a_patch_turns_one_json_value_into_the_other(base, other):
    copy = json.loads(json.dumps(base))
    assert apply(base, diff(base, other)) == other
    assert base == copy  # the base is left as it is


def test_only_what_differs_travels():
    base = {"data": [{"y": [1, 2, 3], "name": "e"}], "layout": {"height": 300, "title": {"text": "a"}}}
    other = {"data": [{"y": [1, 2, 4], "name": "e"}], "layout": {"height": 300, "shapes": []}}
    assert diff(base, other) == [[["data", 0, "y"], [1, 2, 4]], [["layout", "shapes"], []], [["layout", "title"]]]
    typed = {"z": {"dtype": "f4", "bdata": "AAAA"}}
    assert diff(typed, {"z": {"dtype": "f4", "bdata": "AAAB"}}) == [[["z"], {"dtype": "f4", "bdata": "AAAB"}]]
    assert diff([1, 2], [1, 2, 3]) == [[[], [1, 2, 3]]]


@pytest.mark.parametrize("model, text", [("dates-dot", "2026년 11월 24일 화요일"),
                                         ("en-es-bahdanau", "<b>the</b> red car"), ("dates-noattn", "1 june 2001")])
def test_every_step_figure_is_the_builders_own(model, text):
    from app_pages.step_by_step import FIGURES, stages

    trace = load_pretrained(model).trace(text)
    keys = [key for stage in stages(trace).values() for key in stage.charts]
    for key in keys:
        for lang, fs in (("en", 14), ("ko", 20)):
            figures = [figure_plain(FIGURES[key](trace, t, lang, fs)) for t in range(1, len(trace.steps) + 1)]
            steps = compact_steps(figures)
            assert [apply(steps["base"], patch) for patch in steps["patches"]] == figures
            if key != "diagram" and len(figures) > 2:  # most of a figure stays: the patches are smaller
                assert len(json.dumps(steps["patches"][-1])) < len(json.dumps(figures[-1])) / 2, key
