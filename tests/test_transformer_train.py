"""The per-layer, per-head field attention of a Transformer's cross-attention (DESIGN §5); a GRU's is one layer
of one head, its field attention."""

from __future__ import annotations

import pytest
from conftest import random_transformer, random_translator

from attention_core import load_pretrained
from attention_core.data import load_task
from attention_core.evaluate import field_attention, field_attention_heads

TRAIN_SIZE = 3000


@pytest.fixture(scope="module")
def date_examples():
    return load_task("dates", seed=0, train_size=TRAIN_SIZE)  # the splits training saw (they depend on the size)


def _share(heads: dict, where: dict) -> float:
    layer = where["layer"] - 1
    return heads["mean"][layer] if where["head"] == "mean" else heads["layers"][layer][where["head"] - 1]


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
