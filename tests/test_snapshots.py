"""Training snapshots (DESIGN §7): training.json beside the weights, from the initial weights to the shipped
ones, whose probes trace to exactly the last snapshot's alignments."""

from __future__ import annotations

import json

import numpy as np
import pytest

from attention_core import load_model
from attention_core.examples import PROBES
from attention_core.snapshots import DECIMALS, snapshot_due
from attention_core.train import TrainSettings, train


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A tiny dates GRU, two epochs of 30 batches (a few seconds)."""
    out = tmp_path_factory.mktemp("models") / "tiny-dot"
    train(TrainSettings(task="dates", out=out, hidden_size=16, embed_size=8, epochs=2, train_size=1500,
                        batch_size=50, seed=3, quiet=True), command="pytest snapshots")
    return out


def test_the_schedule_doubles_then_takes_eighths_then_halves():
    due = [k for k in range(1, 3 * 80 + 1) if snapshot_due(k, 80)]
    assert due == [1, 2, 4, 8, 10, 16, 20, 30, 32, 40, 50, 60, 64, 70, 80, 120, 160, 200, 240]


def test_training_json_runs_from_the_initial_to_the_shipped_weights(trained):
    content = json.loads((trained / "training.json").read_text())
    metrics = json.loads((trained / "metrics.json").read_text())
    snapshots = content["snapshots"]
    assert content["probes"] == PROBES["dates"] and content["valid_metric"] == "exact match"
    assert snapshots[0]["step"] == 0 and snapshots[0]["train_loss"] is None and snapshots[0]["examples_seen"] == 0
    steps = [s["step"] for s in snapshots]
    assert steps == sorted(set(steps)) and len(steps) >= 15
    best = metrics["training"]["best_epoch"]
    assert snapshots[-1]["epoch"] == pytest.approx(best, abs=1e-3)  # the end of the best epoch: what ships
    for s in snapshots:
        assert len(s["alignments"]) == len(s["predictions"]) == len(PROBES["dates"])
        assert 0.0 <= s["valid_metric"] <= 1.0 and 0.0 <= s["field_attention"] <= 1.0 and s["valid_loss"] > 0
        for matrix in s["alignments"]:
            rows = np.array(matrix)
            assert np.allclose(rows.sum(axis=1), 1.0, atol=10 ** -DECIMALS * rows.shape[1])
    # learning shows: the loss falls from the initial weights to the shipped ones
    assert snapshots[-1]["valid_loss"] < snapshots[0]["valid_loss"]


def test_the_last_snapshot_is_the_shipped_model(trained):
    model = load_model(trained)
    last = json.loads((trained / "training.json").read_text())["snapshots"][-1]
    for text, matrix, prediction in zip(PROBES["dates"], last["alignments"], last["predictions"]):
        trace = model.trace(text)
        assert trace.prediction == prediction
        assert np.allclose(trace.alignment, np.array(matrix), atol=10 ** -DECIMALS)


def test_the_shipped_snapshot_keeps_its_epoch_when_training_went_on_after_the_best_epoch():
    """Early stopping ships the best epoch's weights: its snapshot (not the last one taken) gives the step's epoch,
    examples seen and training loss to the snapshot taken again from the shipped weights."""
    from types import SimpleNamespace

    from attention_core.snapshots import Recorder

    recorder = object.__new__(Recorder)
    recorder.task, recorder.probes, recorder.valid = "en-es", [], []
    recorder.translator = SimpleNamespace(config=SimpleNamespace(alignment_from={"layer": 1, "head": 1}))
    recorder.taken = [dict(step=k * 10, examples_seen=k * 640, epoch=float(k), train_loss=1.0 / (k + 1),
                           valid_loss=2.0, valid_metric=0.1 * k, heads=None, traces=[]) for k in range(4)]
    recorder.take = lambda **moment: recorder.taken.append(dict(moment, valid_loss=1.5, valid_metric=0.5,
                                                                  heads=None, traces=[]))
    snapshots = recorder.finish(last_step=20)["snapshots"]  # the best epoch was 2; training went on to 3
    assert [s["step"] for s in snapshots] == [0, 10, 20]
    assert snapshots[-1]["epoch"] == 2.0 and snapshots[-1]["examples_seen"] == 1280
    assert snapshots[-1]["train_loss"] == pytest.approx(1 / 3) and snapshots[-1]["valid_metric"] == 0.5
