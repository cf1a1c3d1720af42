"""AppTest: compare, beam search, forced decoding, what-if and upload views compute on the real models."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from apptest_utils import app, chart, chart_keys, texts

from app_pages.common import DEFAULT_MODEL
from attention_core import load_pretrained
from attention_core.whatif import make_edit

pytestmark = pytest.mark.timeout(600)
TEXT = "Tuesday, November 24, 2026"


def test_compare_shows_every_dates_model_on_one_scale():
    at = app(text=TEXT)
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception
    attention_models = [n for n in ("dates-bahdanau", "dates-concat", "dates-dot", "dates-general", "dates-location",
                                    "dates-scaled_dot", "dates-transformer")]
    for name in attention_models:
        heat = chart(at, f"cmp_{name}")["data"][0]
        assert (heat["zmin"], heat["zmax"]) == (0.0, 1.0)
        np.testing.assert_allclose(np.asarray(heat["z"]), load_pretrained(name).trace(TEXT).alignment, rtol=1e-6)
    curves = chart(at, "curves_dates")["data"]
    assert {c["name"] for c in curves} == {*attention_models, "dates-noattn"}
    table = at.dataframe[0].value
    assert set(table["model"]) == {*attention_models, "dates-noattn"} and set(table["output"]) == {"2026-11-24"}


def test_beam_tree_and_hypotheses():
    at = app(text=TEXT)
    at.switch_page("app_pages/beam.py").run()
    at.slider(key="beam_width").set_value(3).run()
    assert not at.exception
    best = load_pretrained(DEFAULT_MODEL).trace(TEXT, beam=3)
    tree = chart(at, "beam_tree")
    markers = [d for d in tree["data"] if d.get("mode") == "markers+text"]
    assert sum(len(d["x"]) for d in markers) == len(best.beam_tree)
    assert list(at.dataframe[0].value["output"]) == [best.prediction] + [h.prediction for h in best.hypotheses]
    at.selectbox(key="beam_pick").set_value(2).run()
    np.testing.assert_allclose(np.asarray(chart(at, "beam_alignment")["data"][0]["z"]), best.hypotheses[0].alignment,
                               rtol=1e-6)


def test_forced_decoding_flags_unlikely_tokens():
    at = app(text=TEXT)
    at.switch_page("app_pages/forced.py").run()
    target_box = next(w for w in at.text_input if w.key.startswith("forced_target"))
    target_box.set_value("2026-12-24").run()
    assert not at.exception
    forced = load_pretrained(DEFAULT_MODEL).trace(TEXT, target="2026-12-24")
    bars = chart(at, "forced_probs")["data"][0]
    np.testing.assert_allclose(bars["y"], [s.prob for s in forced.steps], rtol=1e-6)
    assert at.warning and "'2'" in at.warning[0].value  # the month digit the model disagrees with


def test_what_if_one_hot_changes_the_output():
    at = app(text=TEXT)
    at.switch_page("app_pages/whatif.py").run()
    step_box = next(w for w in at.number_input if w.key.startswith("wi_step"))
    step_box.set_value(9).run()
    token = next(w for w in at.selectbox if w.key.startswith("wi_token"))
    token.set_value(0).run()
    assert not at.exception
    expected = load_pretrained(DEFAULT_MODEL).what_if(TEXT, 9, make_edit("one_hot", index=0))
    after = chart(at, "wi_alpha")["data"][1]["y"]
    assert list(after) == [1.0] + [0.0] * (len(after) - 1)
    np.testing.assert_allclose(np.asarray(chart(at, "wi_alignment")["data"][0]["z"]), expected.alignment, rtol=1e-6)
    model = load_pretrained(DEFAULT_MODEL)
    original = model.trace(TEXT)
    assert expected.prediction != original.prediction
    assert f"{original.prediction} → {expected.prediction}" in texts(at).replace("\\", "")  # escapes removed
    # All attention on the token the model already looks at: the output stays, and the page says so.
    own = int(np.argmax(original.steps[8].alpha))
    assert model.what_if(TEXT, 9, make_edit("one_hot", index=own)).prediction == original.prediction
    token.set_value(own).run()
    assert f"{original.prediction} (unchanged)" in texts(at).replace("\\", "")


def test_upload_page_waits_for_a_file():
    at = app()
    at.switch_page("app_pages/upload.py").run()
    assert not at.exception and not chart_keys(at)


def _what_if_page(text: str, model: str = "en-es-dot"):
    at = app(model=model, text=text)
    at.switch_page("app_pages/whatif.py").run()
    return at


def _step_box(at):
    return next(w for w in at.number_input if w.key.startswith("wi_step"))


def _token_box(at):
    return next(w for w in at.selectbox if w.key.startswith("wi_token"))


def test_what_if_without_continuing_compares_the_first_t_tokens_joined_by_the_tokenizer():
    text = "the cat is black"
    model = load_pretrained("en-es-dot")
    original = model.trace(text)
    at = _what_if_page(text)
    at.toggle(key="wi_continue").set_value(False).run()
    _step_box(at).set_value(2).run()
    own = int(np.argmax(original.steps[1].alpha))
    _token_box(at).set_value(own).run()
    assert not at.exception
    shown = texts(at).replace("\\", "")
    first_two = model.target_tokenizer.join(original.target_tokens[:2])
    assert " " in first_two  # words, so a glued "elgato" cannot pass
    assert f"{first_two} (unchanged)" in shown  # α_t is the model's own: nothing changed
    # a token that changes step 2: its output is the model's words with spaces, beside the first two
    edited = [model.what_if(text, 2, make_edit("one_hot", index=i), continue_decoding=False)
              for i in range(len(original.source_tokens))]
    index = next(i for i, c in enumerate(edited) if c.target_tokens != original.target_tokens[:2])
    changed = edited[index]
    _token_box(at).set_value(index).run()
    shown = texts(at).replace("\\", "")
    assert f"{first_two} → {changed.prediction}" in shown and "".join(changed.target_tokens) not in shown


def test_what_if_source_token_follows_the_step():
    text = "she bought the red car"
    original = load_pretrained("en-es-dot").trace(text)
    at = _what_if_page(text)
    at.selectbox(key="wi_kind").set_value("mask").run()
    tops = [int(np.argmax(s.alpha)) for s in original.steps]
    t1, t2 = next((a + 1, b + 1) for a in range(len(tops)) for b in range(len(tops)) if tops[a] != tops[b])
    _step_box(at).set_value(t1).run()
    assert _token_box(at).value == tops[t1 - 1]  # mask: the token the model looks at, at this step
    _step_box(at).set_value(t2).run()
    assert not at.exception
    assert _token_box(at).value == tops[t2 - 1]


def _forced_page(target: str | None = None, **query):
    at = app(**{"text": TEXT, **query})
    at.switch_page("app_pages/forced.py").run()
    box = next(w for w in at.text_input if w.key.startswith("forced_target"))
    if target is not None:
        box.set_value(target).run()
    return at, box


def test_forced_decoding_shows_flagged_tokens_in_red_even_at_p_zero():
    from attention_core.figures.common import HIGHLIGHT

    target = "2026-12-2x"  # 'x' is a token the model gives p ≈ 0: its bar has no height
    forced = load_pretrained(DEFAULT_MODEL).trace(TEXT, target=target)
    flagged = [i for i, s in enumerate(forced.steps) if s.prob < 0.1 or s.top_k[0][0] != s.token]
    assert min(forced.steps[i].prob for i in flagged) < 1e-3
    at, _ = _forced_page(target)
    assert not at.exception
    fig = chart(at, "forced_probs")
    ticks = fig["layout"]["xaxis"]["ticktext"]
    assert [i for i, tick in enumerate(ticks) if HIGHLIGHT in tick] == flagged  # red labels, the others not
    markers = [d for d in fig["data"] if d["type"] == "scatter"]
    assert len(markers) == 1 and list(markers[0]["x"]) == flagged and markers[0]["marker"]["color"] == HIGHLIGHT
    assert markers[0]["marker"]["size"] >= 10 and markers[0]["cliponaxis"] is False  # seen whatever the bar's height


def test_forced_decoding_asks_for_a_translation_when_the_target_is_empty():
    at, _ = _forced_page("  ")
    assert not at.exception
    assert not at.warning and "</s>" not in texts(at)
    assert "Type a translation" in texts(at) and "forced_probs" not in chart_keys(at)
    at, _ = _forced_page("", lang="ko")
    assert not at.warning and "번역을 써 넣으세요" in texts(at)


@pytest.mark.parametrize("model", ["dates-dot", "en-es-dot"])
def test_forced_decoding_target_box_states_the_models_limit_and_refuses_longer(model):
    translator = load_pretrained(model)
    at, box = _forced_page(model=model, text=translator.trace(TEXT if model == "dates-dot" else "the cat").source)
    assert box.proto.max_chars == 0  # nothing cut silently by the browser
    assert f"writes at most {translator.max_target_tokens} " in texts(at)
    long = " ".join(["1"] * 1200)
    box.set_value(long).run()
    assert not at.exception
    assert box.value == long and at.warning
    assert f"writes at most {translator.max_target_tokens}" in at.warning[0].value


def _beam_page(width: int, **query):
    at = app(**query)
    at.switch_page("app_pages/beam.py").run()
    at.slider(key="beam_width").set_value(width).run()
    assert not at.exception
    return at


def test_beam_tree_at_k8_is_readable():
    from attention_core.figures.common import PLOT_WIDTH, text_width

    text = "she bought the red car because it was cheap"
    at = _beam_page(8, model="en-es-dot", text=text)
    fig = chart(at, "beam_tree")
    layout = fig["layout"]
    font = layout["font"]["size"]
    markers = [d for d in fig["data"] if d.get("mode") == "markers+text"]
    labelled = [(x, y, tx) for d in markers for x, y, tx in zip(d["x"], d["y"], d["text"]) if tx]
    ys = [y for d in markers for y in d["y"]]
    px_per_row = (layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]) / (max(ys) - min(ys) + 1)
    for step in {x for x, _, _ in labelled}:  # labels of one step are a label's height and a marker apart
        rows = sorted(y for x, y, _ in labelled if x == step)
        assert min((b - a for a, b in itertools.pairwise(rows)), default=1) * px_per_row >= 2 * font
    steps = max(x for x, _, _ in labelled) + 1
    assert text_width([tx for _, _, tx in labelled], font - 1) <= PLOT_WIDTH / steps  # none runs into the next step
    best = load_pretrained("en-es-dot").trace(text, beam=8)
    long = max((n["token"] for n in best.beam_tree), key=len)
    hovers = [c[2] for d in markers for c in d["customdata"]]
    assert long in hovers  # the full token on hover, whatever the label shows


def test_beam_chosen_hypothesis_path_is_highlighted():
    at = _beam_page(3, text=TEXT)
    best = load_pretrained(DEFAULT_MODEL).trace(TEXT, beam=3)
    at.selectbox(key="beam_pick").set_value(3).run()
    assert not at.exception
    fig = chart(at, "beam_tree")
    (chosen,) = [d for d in fig["data"] if d.get("mode") == "lines" and d.get("showlegend")]
    by_id = {n["id"]: n for n in best.beam_tree}
    end = next(n for n in best.beam_tree if n.get("rank") == 2)
    steps = []
    while end["parent"] is not None:
        steps.append(end["t"])
        end = by_id[end["parent"]]
    assert [x for x in chosen["x"] if x is not None][1::2] == sorted(steps)  # one segment per step of its path


def test_beam_width_1_has_no_pruned_switch():
    at = _beam_page(3)
    at.toggle(key="beam_pruned").set_value(False).run()
    at.slider(key="beam_width").set_value(1).run()
    assert not at.exception and "beam_tree" not in chart_keys(at)
    assert not [w for w in at.toggle if w.key == "beam_pruned"]
    at.slider(key="beam_width").set_value(4).run()
    assert at.toggle(key="beam_pruned").value is False  # the choice is kept while the switch is away
