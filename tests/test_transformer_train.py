"""A Transformer trained for real: its folder, the cross-attention chosen on validation (DESIGN §5), the
per-layer, per-head field attention, and its card; the per-head measure of a GRU is its field attention."""

from __future__ import annotations

import json

import pytest
from conftest import random_transformer, random_translator

from attention_core import load_model, load_pretrained
from attention_core.card import write_card
from attention_core.data import load_task
from attention_core.evaluate import field_attention, field_attention_heads
from attention_core.train import TrainSettings, choose_alignment, train

LAYERS, HEADS, TRAIN_SIZE = 2, 2, 3000


@pytest.fixture(scope="module")
def trained_transformer(tmp_path_factory):
    """A tiny dates Transformer, one epoch on 3,000 pairs (about 8 s on two cores)."""
    out = tmp_path_factory.mktemp("models") / "tiny-transformer"
    train(TrainSettings(task="dates", out=out, architecture="transformer", preset="tiny", layers=LAYERS,
                        heads=HEADS, train_size=TRAIN_SIZE, epochs=1, seed=0, quiet=True), command="pytest transformer")
    return out


@pytest.fixture(scope="module")
def date_examples():
    return load_task("dates", seed=0, train_size=TRAIN_SIZE)  # the splits training saw (they depend on the size)


def _share(heads: dict, where: dict) -> float:
    layer = where["layer"] - 1
    return heads["mean"][layer] if where["head"] == "mean" else heads["layers"][layer][where["head"] - 1]


def test_the_folder_loads_with_the_alignment_chosen_on_validation(trained_transformer, date_examples):
    model = load_model(trained_transformer)
    config = json.loads((trained_transformer / "config.json").read_text())
    assert (config["architecture"], config["layers"], config["heads"]) == ("transformer", LAYERS, HEADS)
    choice = model.metrics["training"]["alignment_choice"]
    assert choice["by"] == "field attention" and choice["split"] == "valid"
    assert model.config.alignment_from == choice["alignment_from"] == model.model.cfg.alignment_from
    assert (config["alignment_layer"], config["alignment_head"] or "mean") == tuple(choice["alignment_from"].values())
    # the choice is the best of every head and layer mean, measured on the validation split again
    valid = [ex for ex in date_examples["valid"] if model.check(ex.source) is None]
    measured = field_attention_heads(model.trace_batch([ex.source for ex in valid]), valid)
    assert measured == choice["field_attention_heads"]
    best = max(measured["mean"] + [x for row in measured["layers"] for x in row])
    assert _share(measured, model.config.alignment_from) == best


def test_metrics_hold_every_head_and_the_test_split_measures_the_chosen_one(trained_transformer):
    metrics = json.loads((trained_transformer / "metrics.json").read_text())
    heads = metrics["field_attention_heads"]
    assert len(heads["layers"]) == LAYERS and all(len(row) == HEADS for row in heads["layers"])
    assert len(heads["mean"]) == LAYERS
    assert all(0.0 <= x <= 1.0 for x in heads["mean"] + [x for row in heads["layers"] for x in row])
    chosen = metrics["training"]["alignment_choice"]["alignment_from"]
    assert metrics["field_attention"] == pytest.approx(_share(heads, chosen))  # the alignment view = the choice


def test_the_card_describes_the_transformer_and_tables_its_heads(trained_transformer):
    card = (trained_transformer / "card.md").read_text()
    config = json.loads((trained_transformer / "config.json").read_text())
    assert "GRU" not in card and "pytest transformer" in card
    assert f"{LAYERS} encoder and {LAYERS} decoder layers of {HEADS} heads" in card
    assert f"d_model = {config['hidden_size']}, d_k = {config['hidden_size'] // HEADS}" in card
    assert "pre-norm" in card and "sinusoidal positions" in card
    assert "highest field attention on the validation split" in card
    table = card.split("## Field attention per layer and head (test split)")[1].split("## ")[0]
    rows = [line for line in table.splitlines() if line.startswith("| layer")]
    assert len(rows) == LAYERS and all(row.count("%") == HEADS + 1 for row in rows)
    assert "| | head 1 | head 2 | mean of heads |" in table and table.count("**") == 2  # the chosen one in bold


def test_without_gold_alignment_the_last_layers_mean_is_chosen():
    model = random_transformer(layers=3, heads=2, alignment_layer=1, alignment_head=2)
    choice = choose_alignment(model, [], "en-es")
    assert choice["by"] == "default" and choice["alignment_from"] == {"layer": 3, "head": "mean"}
    assert model.config.alignment_from == model.model.cfg.alignment_from == {"layer": 3, "head": "mean"}
    assert model.trace("24 june").alignment_from == {"layer": 3, "head": "mean"}
    card = write_card(model, {"training": {"alignment_choice": choice}})
    assert "layer 3, the mean over its 2 heads" in card and "no gold alignment" in card


@pytest.mark.parametrize("head", [0, 1, 2])
def test_a_transformers_alignment_view_is_its_head_in_the_per_head_measure(head, date_examples):
    model = random_transformer(layers=2, heads=2, alignment_layer=1, alignment_head=head, seed=3, max_target_len=12)
    examples = date_examples["test"][:150]
    traces = model.trace_batch([ex.source for ex in examples])
    heads = field_attention_heads(traces, examples)
    assert field_attention(traces, examples)["field_attention"] == pytest.approx(
        _share(heads, model.config.alignment_from))


@pytest.mark.parametrize("name", ["dates-dot", "random-bahdanau"])
def test_a_grus_per_head_measure_is_one_layer_of_one_head_equal_to_field_attention(name, date_examples):
    model = load_pretrained(name) if name == "dates-dot" else random_translator("bahdanau", max_target_len=12)
    examples = date_examples["test"][:300]
    traces = model.trace_batch([ex.source for ex in examples])
    share = field_attention(traces, examples)["field_attention"]
    assert field_attention_heads(traces, examples) == {"layers": [[share]], "mean": [share]}
    assert share > (0.9 if name == "dates-dot" else 0.0)  # a shipped model's real figure, not an empty measure


def test_the_last_training_snapshot_shows_the_chosen_head_of_the_shipped_weights(trained_transformer):
    import numpy as np

    from attention_core.examples import PROBES

    content = json.loads((trained_transformer / "training.json").read_text())
    model = load_model(trained_transformer)
    assert content["alignment_from"] == model.config.alignment_from
    last = content["snapshots"][-1]
    for text, matrix, prediction in zip(PROBES["dates"], last["alignments"], last["predictions"]):
        trace = model.trace(text)
        assert trace.prediction == prediction
        assert np.allclose(trace.cross_attention(), np.array(matrix), atol=1e-4)
    share = last["field_attention_heads"]
    assert last["field_attention"] == _share(share, model.config.alignment_from)
