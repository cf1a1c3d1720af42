"""Training is reproducible and writes a complete model folder with measured metrics."""

from __future__ import annotations

import json

import pytest
from safetensors.torch import load_file

from attention_core.train import TrainSettings, train


def test_same_seed_same_weights_and_a_complete_card(tmp_path):
    settings = dict(task="dates", decoder="bahdanau", hidden_size=16, embed_size=8, epochs=2, train_size=1500,
                    batch_size=50, seed=7, quiet=True)
    train(TrainSettings(out=tmp_path / "a", **settings), command="cmd-a")
    train(TrainSettings(out=tmp_path / "b", **settings), command="cmd-b")
    a, b = load_file(tmp_path / "a" / "model.safetensors"), load_file(tmp_path / "b" / "model.safetensors")
    assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)
    metrics = json.loads((tmp_path / "a" / "metrics.json").read_text())
    assert 0.0 <= metrics["exact_match"] <= 1.0 and "field_attention" in metrics
    assert [h["epoch"] for h in metrics["training"]["history"]] == [1, 2]
    card = (tmp_path / "a" / "card.md").read_text()
    assert "cmd-a" in card and "exact match" in card and "field attention" in card and "Bahdanau" in card
    config = json.loads((tmp_path / "a" / "config.json").read_text())
    assert config["decoder"] == "bahdanau" and config["score"] == "concat"


def test_the_learning_rate_warms_up_then_falls_on_a_cosine_to_a_tenth():
    from attention_core.train import rate_at

    assert [rate_at(k, warmup=0, total=100) for k in (0, 50, 100)] == [1.0, 1.0, 1.0]
    assert [rate_at(k, warmup=10, total=110) for k in (0, 4, 9)] == [0.1, 0.5, 1.0]
    assert rate_at(60, warmup=10, total=110) == pytest.approx(0.55)
    assert rate_at(110, warmup=10, total=110) == pytest.approx(0.1) == rate_at(500, warmup=10, total=110)
