"""AppTest: trace files on the Upload page open as models of the session (attention_core/file_model.py) in Step by
step, Alignment matrix and Compare models, with the quantities they have and exactly their numbers."""

from __future__ import annotations

import json

import numpy as np
import pytest
from apptest_utils import app, chart

from app_pages.common import FILES, MODEL
from attention_core import load_pretrained
from attention_core.file_model import file_model_label

pytestmark = pytest.mark.timeout(600)
UPLOAD, STEP, ALIGNMENT, COMPARE = ("app_pages/upload.py", "app_pages/step_by_step.py", "app_pages/alignment.py",
                                    "app_pages/compare.py")
TEXT = "March 3, 2001"
MINIMAL = {"source_tokens": ["le", "chat", "</s>"], "target_tokens": ["the", "cat", "</s>"],
           "steps": [{"token": tok, "alpha": row} for tok, row in
                     zip(["the", "cat", "</s>"], [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.05, 0.05, 0.9]])]}


def uploaded(name: str, data: bytes):
    at = app()
    at.switch_page(UPLOAD).run()
    at.file_uploader(key="up_file").set_value((name, data, "application/json")).run()
    assert not at.exception
    return at


def opened(at, page: str, number: int):
    """`page` with the file's trace `number` chosen, as the gallery's buttons open it."""
    (name,) = [n for n in at.session_state[FILES] if n.endswith(f":{number}")]
    at.session_state[MODEL] = name
    at.query_params[MODEL] = file_model_label(name)
    at.switch_page(page).run()
    assert not at.exception
    return at


def subheaders(at) -> list[str]:
    return [h.value for h in at.subheader]


def test_a_trace_of_ours_opens_as_its_model_does():
    trace = load_pretrained("dates-dot").trace(TEXT)
    at = opened(uploaded("ours.json", trace.to_json().encode()), STEP, 1)
    from_model = app(model="dates-dot", text=TEXT).run()
    assert subheaders(at) == subheaders(from_model)  # every stage, as the model's own page has them
    for key in ("alpha", "scores", "context"):  # the same numbers (the model's float32, the file's float64)
        for mine, its in zip(chart(at, key)["data"], chart(from_model, key)["data"], strict=True):
            for axis in ("x", "y", "z"):
                if axis in its and not isinstance(its[axis][0], str):
                    np.testing.assert_allclose(np.asarray(mine[axis], float), np.asarray(its[axis], float), rtol=1e-6)
    (picker,) = [s for s in at.selectbox if s.label == "Model"]
    assert picker.value.endswith(":ours.json:1") and "ours.json:1 (file)" in picker.options


def test_a_trace_of_tokens_and_alpha_only_shows_what_it_has():
    at = opened(uploaded("mine.jsonl", (json.dumps(MINIMAL) + "\n").encode()), STEP, 1)
    shown = subheaders(at)
    assert any("Attention Distribution" in s for s in shown)
    assert not any("Context" in s or "predict" in s for s in shown), shown  # no a_t, no ŷ_t in the file
    np.testing.assert_allclose(np.asarray(chart(at, "alpha")["data"][0]["y"], dtype=float), [0.7, 0.2, 0.1])
    opened(at, ALIGNMENT, 1)
    np.testing.assert_array_equal(np.asarray(chart(at, "alignment")["data"][0]["z"], dtype=float),
                                  [s["alpha"] for s in MINIMAL["steps"]])


def test_compare_shows_each_trace_of_the_file_with_its_own_input():
    ours = load_pretrained("dates-dot").trace(TEXT).to_dict()
    data = "\n".join(json.dumps(x) for x in (ours, MINIMAL)).encode()
    at = uploaded("two.jsonl", data)
    at.session_state["cmp_task"] = ""
    at.switch_page(COMPARE).run()
    assert not at.exception
    (models,) = [m for m in at.multiselect if m.label == "Models"]
    assert [file_model_label(n) for n in models.value] == ["two.jsonl:1 (file)", "two.jsonl:2 (file)"]
    first, second = (chart(at, f"cmp_{n}")["data"][0]["z"] for n in models.value)
    np.testing.assert_allclose(np.asarray(second, dtype=float), [s["alpha"] for s in MINIMAL["steps"]])
    assert len(first) == len(ours["steps"])  # its own input, not the other's


def test_another_file_replaces_the_traces_and_the_old_name_is_left_safely():
    at = uploaded("first.json", json.dumps(MINIMAL).encode())
    (old,) = at.session_state[FILES]
    at.file_uploader(key="up_file").set_value(("second.json", json.dumps([MINIMAL, MINIMAL]).encode(),
                                               "application/json")).run()
    assert old not in at.session_state[FILES] and len(at.session_state[FILES]) == 2
    at.query_params[MODEL] = file_model_label(old)
    at.switch_page(STEP).run()  # a name no longer offered: the default model, no error
    assert not at.exception


def test_a_trace_with_scores_but_no_context_has_no_stage_3():
    e = np.array([[2.0, 0.5, -1.0], [0.0, 1.5, 0.2], [-1.0, 0.0, 3.0]])
    alpha = np.exp(e) / np.exp(e).sum(axis=1, keepdims=True)
    given = {**MINIMAL, "score": "dot", "decoder": "luong",
             "steps": [{"token": s["token"], "e": row.tolist(), "alpha": a.tolist()}
                       for s, row, a in zip(MINIMAL["steps"], e, alpha)]}
    at = opened(uploaded("scores.json", json.dumps(given).encode()), STEP, 1)
    shown = subheaders(at)
    assert any("Attention Score" in s for s in shown) and not any("Context" in s for s in shown), shown
    np.testing.assert_allclose(np.asarray(chart(at, "scores")["data"][0]["y"], dtype=float), e[0])


def test_a_file_without_a_prediction_shows_its_tokens_as_the_output():
    at = opened(uploaded("mine.json", json.dumps(MINIMAL).encode()), STEP, 1)
    assert any(m.value.endswith(":gray-background[the cat]") for m in at.markdown), [m.value for m in at.markdown][:4]


def test_a_trace_with_its_attribution_shows_it_without_computing_it():
    trace = load_pretrained("dates-dot").trace(TEXT, attribution="erasure")
    at = opened(uploaded("attributed.json", trace.to_json().encode()), STEP, 1)
    np.testing.assert_allclose(np.asarray(chart(at, "attribution_bars")["data"][-1]["y"], dtype=float),
                               trace.steps[0].attribution.values, rtol=1e-6)
    opened(at, ALIGNMENT, 1)
    np.testing.assert_allclose(np.asarray(chart(at, "attribution_matrix")["data"][0]["z"], dtype=float),
                               trace.attribution, rtol=1e-6)


def _with(**step_keys):
    """MINIMAL with more keys in every step (a function of the step's index) and of the trace."""
    trace_keys = step_keys.pop("trace", {})
    steps = [{**s, **{k: f(i) for k, f in step_keys.items()}} for i, s in enumerate(MINIMAL["steps"])]
    return {**MINIMAL, **trace_keys, "steps": steps}


E = lambda i: [1.0, 0.0, -1.0]
ODD_TRACES = {  # each once drew a traceback on the step page (a second reading of the change found them)
    "a score of its own": _with(e=E, trace={"score": "their-own", "decoder": "luong"}),
    "a transformer without heads": _with(e=E, trace={"architecture": "transformer"}),
    "no attention, no [c; s_t]": {**MINIMAL, "decoder": "none",
                                  "steps": [{"token": s["token"]} for s in MINIMAL["steps"]]},
    "top k without its token's p": _with(top_k=lambda i: [["zzz", 0.5]]),
    "[a_t; s_t] and s̃_t without s_t": _with(e=E, a=lambda i: [0.1, 0.2], concat=lambda i: [0.1, 0.2, 0.3],
                                           s_tilde=lambda i: [0.5, 0.5]),
}


@pytest.mark.parametrize("case", list(ODD_TRACES))
def test_a_trace_from_anywhere_opens_without_a_traceback(case):
    at = uploaded("odd.json", json.dumps(ODD_TRACES[case]).encode())
    assert not at.error, [e.value for e in at.error]  # (read: the trace itself is valid)
    for stage in ("diagram", "stage1", "stage2", "stage3", "stage4"):
        at.query_params["stage"] = stage
        opened(at, STEP, 1)


def test_a_file_traces_input_stays_out_of_the_url():
    long = {**MINIMAL, "source": "le chat " * 400}  # 3,200 characters
    at = opened(uploaded("long.json", json.dumps(long).encode()), STEP, 1)
    # (the URL-bound box of the models' input does not get it: AppTest shows the bound value in session state)
    assert "text" not in at.session_state or at.session_state["text"] != long["source"]
    (box,) = [b for b in at.text_input if b.label == "Input"]
    assert box.value == long["source"] and box.disabled


def test_compare_gives_each_multi_head_trace_pickers_of_its_own():
    """The first multi-head model takes the shared layer and head pickers; a second one beside it has its own, and
    choosing its head changes its matrix only."""
    from attention_core.heads import MEAN, at_head

    transformer = load_pretrained("dates-transformer")
    first, second = transformer.trace(TEXT), transformer.trace("June 9, 1999")
    at = uploaded("heads.jsonl", "\n".join(json.dumps(x.to_dict()) for x in (first, second)).encode())
    at.session_state["cmp_task"] = ""
    at.switch_page(COMPARE).run()
    assert not at.exception
    one, two = sorted(at.session_state[FILES])
    assert at.selectbox(key="head").value == MEAN == at.selectbox(key=f"cmp_head_{two}").value  # both at default
    at.selectbox(key=f"cmp_head_{two}").set_value("2").run()
    at.selectbox(key=f"cmp_layer_{two}").set_value("2").run()
    assert not at.exception
    np.testing.assert_allclose(np.asarray(chart(at, f"cmp_{two}")["data"][0]["z"], float),
                               at_head(second, 2, 2).alignment, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(chart(at, f"cmp_{one}")["data"][0]["z"], float),
                               at_head(first, 1, MEAN).alignment, rtol=1e-6)
    assert at.selectbox(key="head").value == MEAN == at.query_params["head"]  # the shared view unchanged
    at.switch_page(STEP).run()
    at.switch_page(COMPARE).run()  # the second model's view holds across pages
    assert at.selectbox(key=f"cmp_head_{two}").value == "2" and at.selectbox(key=f"cmp_layer_{two}").value == "2"
