"""Model folders round-trip exactly, and broken or hostile folders are refused by name."""

from __future__ import annotations

import json
import pickle
import shutil

import numpy as np
import pytest
import torch
from conftest import random_translator

from attention_core import (
    ModelLoadError,
    Trace,
    TraceFormatError,
    list_pretrained,
    load_model,
    load_pretrained,
    save_model,
)

DESIGN_KEYS = {"model", "score", "decoder", "source_tokens", "target_tokens", "encoder_states", "steps", "alignment"}
STEP_KEYS = {"t", "input_token", "query", "s", "e", "alpha", "a", "concat", "s_tilde", "token", "prob", "top_k"}


def test_checkpoint_round_trip(tmp_path):
    for decoder, score in [("luong", "general"), ("bahdanau", "concat"), ("none", "none"), ("luong", "location")]:
        model = random_translator(decoder, score, bidirectional=True, seed=5)
        folder = save_model(model, tmp_path / model.name, card="# card\n", metrics={"exact_match": 0.5})
        assert {p.name for p in folder.iterdir()} == {"model.safetensors", "config.json", "vocab.json", "card.md",
                                                       "metrics.json"}
        loaded = load_model(folder)
        assert loaded.config == model.config and loaded.metrics == {"exact_match": 0.5}
        for key, value in model.model.state_dict().items():
            assert torch.equal(loaded.model.state_dict()[key], value)
        assert loaded.trace("12 march 1990").to_json() == model.trace("12 march 1990").to_json()


def test_json_round_trip_and_design_keys(tiny_model):
    for trace in [tiny_model.trace("24 November 2026"), tiny_model.trace("24 November 2026", beam=3),
                  tiny_model.trace("24 November 2026", target="2026-11-24")]:
        data = json.loads(trace.to_json())
        assert DESIGN_KEYS <= set(data)
        assert all(set(step) == STEP_KEYS for step in data["steps"])
        assert len(data["alignment"]) == len(data["target_tokens"])
        assert all(len(row) == len(data["source_tokens"]) for row in data["alignment"])
        assert data["alignment"] == [step["alpha"] for step in data["steps"]]
        again = Trace.from_json(trace.to_json())
        assert again.to_json() == trace.to_json()
        np.testing.assert_array_equal(again.alignment, trace.alignment)


def test_json_of_a_model_without_attention_has_no_alpha():
    trace = random_translator("none").trace("1 may 2000")
    data = json.loads(trace.to_json())
    assert data["alignment"] is None and data["decoder"] == "none"
    assert all(not {"e", "alpha", "a"} & set(step) for step in data["steps"])
    assert Trace.from_json(trace.to_json()).to_json() == trace.to_json()


@pytest.mark.parametrize("text", ["", "[]", "{}", '{"steps": 3}', "nonsense"])
def test_malformed_trace_json_is_refused(text):
    with pytest.raises(TraceFormatError):
        Trace.from_json(text)


@pytest.fixture
def folder(tmp_path):
    return save_model(random_translator("luong", "dot"), tmp_path / "victim")


def _expect_refusal(folder, fragment):
    with pytest.raises(ModelLoadError) as error:
        load_model(folder)
    assert "'victim'" in str(error.value) and fragment in str(error.value)


@pytest.mark.parametrize("missing", ["model.safetensors", "config.json", "vocab.json"])
def test_missing_file(folder, missing):
    (folder / missing).unlink()
    _expect_refusal(folder, missing)


def test_truncated_weights(folder):
    path = folder / "model.safetensors"
    path.write_bytes(path.read_bytes()[:300])
    _expect_refusal(folder, "not a valid safetensors file")


def test_pickle_named_like_a_model_is_never_unpickled(folder, tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    (folder / "model.safetensors").write_bytes(pickle.dumps({"weights": Evil()}))
    _expect_refusal(folder, "not a valid safetensors file")
    assert not marker.exists()


def test_torch_save_file_is_refused(folder):
    torch.save(random_translator("luong", "dot").model.state_dict(), folder / "model.safetensors")
    _expect_refusal(folder, "not a valid safetensors file")


def test_config_with_unknown_keys(folder):
    config = json.loads((folder / "config.json").read_text())
    config["evil"] = "__import__('os')"
    (folder / "config.json").write_text(json.dumps(config))
    _expect_refusal(folder, "unknown keys: evil")


def test_config_with_wrong_shapes(folder):
    config = json.loads((folder / "config.json").read_text())
    config["hidden_size"] = 16
    (folder / "config.json").write_text(json.dumps(config))
    _expect_refusal(folder, "does not match config.json")


@pytest.mark.parametrize("value", ["not json", "[1, 2]", '{"decoder": "transformer"}', '{"hidden_size": "8"}'])
def test_config_garbage(folder, value):
    (folder / "config.json").write_text(value)
    _expect_refusal(folder, "config.json")


def test_vocab_that_does_not_match(folder):
    vocab = json.loads((folder / "vocab.json").read_text())
    vocab["source"]["itos"] = vocab["source"]["itos"][:-2]
    (folder / "vocab.json").write_text(json.dumps(vocab))
    _expect_refusal(folder, "vocab.json")


def test_unknown_model_names_the_choices(tmp_path):
    shutil.copytree(save_model(random_translator(), tmp_path / "lib" / "good"), tmp_path / "lib" / "also-good")
    assert list_pretrained(tmp_path / "lib") == ["also-good", "good"]
    assert load_pretrained("good", root=tmp_path / "lib").name == "good"
    for name in ["nope", "", "../lib", "."]:
        with pytest.raises(ModelLoadError, match="unknown model"):
            load_pretrained(name, root=tmp_path / "lib")
