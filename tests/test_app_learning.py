"""AppTest: the learning view (app_pages/learning.py) draws the numbers of the model's training.json, at the
snapshot the player is on, and says so plainly when a model has no attention or no snapshots."""

from __future__ import annotations

import html
import json
import shutil

import numpy as np
import pytest
from apptest_utils import app, chart, chart_at, live_parts, texts

from app_pages.texts import t
from attention_core import catalog, checkpoint, load_pretrained
from attention_core.figures import label
from attention_core.learning import parse_training, read_training, source_labels, target_labels
from attention_core.words import word_view

pytestmark = pytest.mark.timeout(600)
LEARNING = "app_pages/learning.py"


def training_of(name: str) -> dict:
    return json.loads((catalog.PRETRAINED_DIR / name / catalog.TRAINING).read_text(encoding="utf-8"))


def opened(model: str, k: int | None = None, probe: int = 0, **state):
    at = app(model=model)
    for key, value in state.items():
        at.session_state[key] = value
    if k is not None:
        at.session_state["snapshot"] = k
    at.session_state["probe"] = probe
    at.switch_page(LEARNING).run()
    assert not at.exception, at.exception
    return at


def series(values) -> list:
    return [None if v is None else float(v) for v in values]


def check_curves(fig: dict, data: dict, k: int) -> None:
    """The lines are the file's values; the marked points are snapshot k's."""
    s = data["snapshots"]
    expected = [[x["train_loss"] for x in s], [x["valid_loss"] for x in s], [x["valid_metric"] for x in s]]
    if any(x.get("field_attention") is not None for x in s):
        expected.append([x["field_attention"] for x in s])
    lines, marks = fig["data"][: len(expected)], fig["data"][len(expected):]
    assert len(marks) == len(expected)
    for line, mark, values in zip(lines, marks, expected):
        assert series(line["y"]) == series(values)
        assert list(line["x"]) == list(range(1, len(s) + 1))
        assert list(mark["x"]) == [k] and series(mark["y"]) == series([values[k - 1]])
    assert fig["layout"]["shapes"][0]["x0"] == k  # the line through snapshot k
    assert list(fig["layout"]["xaxis"]["ticktext"]) == [f"{s[v - 1]['step']:,}"
                                                        for v in fig["layout"]["xaxis"]["tickvals"]]


@pytest.mark.parametrize(("model", "k", "probe"), [("dates-dot", 8, 0), ("dates-transformer", 12, 1),
                                                   ("en-es-scaled_dot", 20, 2)])
def test_the_figures_are_the_files_numbers_at_the_chosen_snapshot(model, k, probe):
    units = {"units": "pieces"} if model.startswith("en-es") else {}  # the file's matrix as it is, over pieces
    at = opened(model, k, probe, **units)
    data = training_of(model)
    snapshot = data["snapshots"][k - 1]
    heat = chart(at, "learning_alignment")["data"][0]
    np.testing.assert_array_equal(np.asarray(heat["z"]), np.asarray(snapshot["alignments"][probe]))
    check_curves(chart(at, "learning_curves"), data, k)
    prediction = live_parts(at, "text")["learning_prediction"]
    assert prediction["start"] == k
    assert html.escape(snapshot["predictions"][probe]) in prediction["steps"][k - 1]
    player = live_parts(at, "player")["learning_player"]
    assert player["start"] == k and player["T"] == len(data["snapshots"])
    # every other snapshot the player can move to: its own matrix, marker and prediction
    for j in (1, len(data["snapshots"])):
        np.testing.assert_array_equal(np.asarray(chart_at(at, "learning_alignment", j)["data"][0]["z"]),
                                      np.asarray(data["snapshots"][j - 1]["alignments"][probe]))
        check_curves(chart_at(at, "learning_curves", j), data, j)
        assert html.escape(data["snapshots"][j - 1]["predictions"][probe]) in prediction["steps"][j - 1]


def test_moving_the_slider_draws_that_snapshot():
    at = opened("dates-dot", 3)
    data = training_of("dates-dot")
    at.session_state["snapshot"] = 20  # what the player's report sets (app_pages/learning.py, _reported)
    at.run()
    assert not at.exception
    np.testing.assert_array_equal(np.asarray(chart(at, "learning_alignment")["data"][0]["z"]),
                                  np.asarray(data["snapshots"][19]["alignments"][0]))
    check_curves(chart(at, "learning_curves"), data, 20)
    assert live_parts(at, "text")["learning_prediction"]["start"] == 20
    assert at.query_params["snapshot"] == "20"  # a deep link to this moment


def test_a_subword_model_shows_words_by_default():
    at = opened("en-es-scaled_dot", 30, 1)
    data, entry = training_of("en-es-scaled_dot"), catalog.list_entries()["en-es-scaled_dot"]
    snapshot = data["snapshots"][29]
    A = np.asarray(snapshot["alignments"][1])
    src = source_labels(entry.source_tokenizer, data["probes"][1], entry.config.source_end_marker)
    tgt = target_labels(entry.target_tokenizer, snapshot["predictions"][1], len(A))
    view = word_view(src, tgt, A)
    fig = chart(at, "learning_alignment")
    np.testing.assert_allclose(np.asarray(fig["data"][0]["z"]), view.alignment, rtol=1e-12)
    assert list(fig["layout"]["xaxis"]["ticktext"]) == [label(w) for w in view.source_words]
    assert list(fig["layout"]["yaxis"]["ticktext"]) == [label(w) for w in view.target_words]
    assert t("subword_words", "en") in texts(at)


@pytest.mark.parametrize("name", [n for n in catalog.list_entries() if training_of(n)["snapshots"][-1]
                                  ["alignments"][0] is not None])
def test_the_labels_at_the_shipped_snapshot_are_the_traces_tokens(name):
    """The file keeps texts, not tokens: the labels found again from the tokenizers are the model's own."""
    entry, training = catalog.list_entries()[name], read_training(catalog.PRETRAINED_DIR / name)
    model, last = load_pretrained(name), training.snapshots[-1]
    for probe, matrix, prediction in zip(training.probes, last.alignments, last.predictions):
        trace = model.trace(probe)
        assert source_labels(entry.source_tokenizer, probe, entry.config.source_end_marker) == trace.source_tokens
        assert target_labels(entry.target_tokenizer, prediction, len(matrix)) == trace.target_tokens


def test_rows_that_cannot_be_told_from_the_text_are_numbered():
    """en-es-scaled_dot's initial weights write pieces whose text splits into more pieces than the matrix has
    rows (probe 3): numbered rows and the reason, never a shifted label."""
    data = training_of("en-es-scaled_dot")
    entry = catalog.list_entries()["en-es-scaled_dot"]
    matrix, prediction = data["snapshots"][0]["alignments"][2], data["snapshots"][0]["predictions"][2]
    assert target_labels(entry.target_tokenizer, prediction, len(matrix)) is None
    at = opened("en-es-scaled_dot", 1, 2)
    fig = chart(at, "learning_alignment")
    ticks = fig["layout"]["yaxis"]  # (64 thin rows: every n-th one named)
    assert list(ticks["ticktext"]) == [str(r + 1) for r in ticks["tickvals"]] and len(ticks["tickvals"]) > 1
    line = live_parts(at, "text")["learning_snapshot"]["steps"][0]
    assert html.escape(t("rows_numbered", "en", T=len(matrix))) in line


@pytest.mark.parametrize("model", ["dates-noattn", "en-es-noattn"])
def test_a_model_without_attention_says_so_and_keeps_its_curves(model):
    at = opened(model, 5)
    assert t("learning_no_attention", "en", model=model) in [i.value for i in at.info]
    assert "learning_alignment" not in live_parts(at, "chart")
    check_curves(chart(at, "learning_curves"), training_of(model), 5)
    assert html.escape(training_of(model)["snapshots"][4]["predictions"][0]) in \
        live_parts(at, "text")["learning_prediction"]["steps"][4]


def test_the_shipped_snapshot_without_its_training_loss_says_not_recorded():
    """dates-dot's last snapshot was taken again from the shipped weights; the training loss of its step was not
    kept (training.json has null): shown as not recorded, never as a number; its epoch and examples seen shown."""
    data = training_of("dates-dot")
    last = data["snapshots"][-1]
    assert last["train_loss"] is None and last["step"] > 0
    K = len(data["snapshots"])
    at = opened("dates-dot", K)
    line = live_parts(at, "text")["learning_snapshot"]["steps"][K - 1]
    assert f"training loss {t('not_known', 'en')}" in line
    assert f"examples seen: {last['examples_seen']:,}" in line and f"epoch {last['epoch']:g}" in line
    assert t("snapshot_shipped", "en").split(":")[0] in line


@pytest.fixture
def library(tmp_path, monkeypatch):
    """pretrained/ with dates-dot, a copy without training.json and a copy with a broken one."""
    root = tmp_path / "pretrained"
    for name in ("dates-dot", "no-snapshots", "bad-snapshots"):
        shutil.copytree(checkpoint.PRETRAINED_DIR / "dates-dot", root / name)
    (root / "no-snapshots" / catalog.TRAINING).unlink()
    (root / "bad-snapshots" / catalog.TRAINING).write_text('{"probes": ["x"], "snapshots": [{"step": "one"}]}')
    monkeypatch.setattr(checkpoint, "PRETRAINED_DIR", root)
    monkeypatch.setattr(catalog, "PRETRAINED_DIR", root)
    return root


def test_a_model_without_snapshots_says_so(library):
    at = opened("no-snapshots")
    assert t("learning_none", "en", model="no-snapshots") in [i.value for i in at.info]
    assert not live_parts(at, "chart") and not live_parts(at, "player")


def test_a_broken_training_file_is_a_message_not_a_traceback(library):
    at = opened("bad-snapshots")
    assert any("bad-snapshots" in w.value and "snapshot 1" in w.value for w in at.warning)
    assert not live_parts(at, "chart")


def test_parse_training_refuses_what_is_not_snapshots():
    good = training_of("dates-dot")
    assert len(parse_training(good).snapshots) == len(good["snapshots"])
    for bad in ({}, {**good, "probes": []}, {**good, "snapshots": [{**good["snapshots"][0], "alignments": [[[1]]]}]},
                {**good, "snapshots": [{**good["snapshots"][0], "alignments": [[[0.5, 0.5], [1.0]]] + [None] * 4}]},
                {**good, "snapshots": [{**good["snapshots"][0], "valid_loss": "low"}]}):
        with pytest.raises(ValueError):
            parse_training(bad)


def test_korean_and_classroom():
    at = opened("dates-dot", 4, lang="ko", classroom=True)
    player = live_parts(at, "player")["learning_player"]
    assert player["classroom"] is True
    assert player["labels"]["step"] == t("snapshot", "ko") and player["labels"]["play"] == t("play", "ko")
    assert t("prediction_then", "ko") in live_parts(at, "text")["learning_prediction"]["steps"][0]
    assert t("snapshot_line", "ko", k=4, K=32, step="4", epoch="0.0043", examples="256") in \
        live_parts(at, "text")["learning_snapshot"]["steps"][3]
    fig = chart(at, "learning_curves")
    assert fig["layout"]["font"]["size"] == 20  # the projector's size
    assert fig["data"][0]["name"] == label(t("curve_train", "ko"))


def test_without_static_serving_the_server_draws_each_snapshot():
    from streamlit import config

    config.set_option("server.enableStaticServing", False)
    try:
        at = opened("dates-dot", 7)
        at.session_state["snapshot"] = 11  # a report from the browser's player
        at.run()
    finally:
        config.set_option("server.enableStaticServing", True)
    assert not at.exception and not live_parts(at, "chart") and not live_parts(at, "payload")
    assert live_parts(at, "player")["learning_player"]["server"] is True
    data = training_of("dates-dot")
    np.testing.assert_array_equal(np.asarray(chart(at, "learning_alignment")["data"][0]["z"]),
                                  np.asarray(data["snapshots"][10]["alignments"][0]))
    check_curves(chart(at, "learning_curves"), data, 11)
