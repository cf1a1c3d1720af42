"""The shipped models: they load, get the required examples right, look right, and meet their floors."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from conftest import ROOT

from attention_core import list_pretrained, load_pretrained
from attention_core.data import DATA_DIR, load_task, read_pairs
from attention_core.data.dates import TARGET_FIELDS, find_spans
from attention_core.evaluate import evaluate
from attention_core.examples import DATE_EXAMPLES, PROBES

DATES = ["dates-dot", "dates-scaled_dot", "dates-general", "dates-concat", "dates-location", "dates-bahdanau",
         "dates-noattn", "dates-transformer"]
EN_ES = ["en-es-dot", "en-es-scaled_dot", "en-es-bahdanau", "en-es-noattn", "en-es-transformer"]
pytestmark = pytest.mark.timeout(900)


def test_every_model_ships_and_fits():
    assert sorted(list_pretrained()) == sorted(DATES + EN_ES)
    sizes = {n: sum(f.stat().st_size for f in (ROOT / "pretrained" / n).iterdir()) for n in DATES + EN_ES}
    assert max(sizes.values()) <= 10 * 2**20, sizes
    assert sum(sizes.values()) <= 60 * 2**20
    for name in DATES + EN_ES:
        folder = ROOT / "pretrained" / name
        assert {"model.safetensors", "config.json", "vocab.json", "card.md", "metrics.json"} <= {
            p.name for p in folder.iterdir()}
        card = (folder / "card.md").read_text(encoding="utf-8")
        for section in ("## Architecture", "## Data", "## Training", "## Metrics", "## Where it fails"):
            assert section in card, (name, section)
        assert "python -m attention_core train" in card


@pytest.mark.parametrize("name", DATES)
def test_dates_models_get_the_examples_right(name):
    model = load_pretrained(name)
    for text, expected in DATE_EXAMPLES.items():
        assert model.translate(text) == expected, (name, text)


@pytest.mark.parametrize("name", ["dates-dot", "dates-general", "dates-scaled_dot"])
def test_attention_looks_right_on_the_examples(name):
    model = load_pretrained(name)
    hits = total = 0
    for text, expected in DATE_EXAMPLES.items():
        spans, alignment = find_spans(text, expected), model.trace(text).alignment
        for j, field in TARGET_FIELDS.items():
            total += 1
            hits += spans[field][0] <= int(alignment[j].argmax()) < spans[field][1]
    assert hits / total >= 0.9, (name, hits, total)


@pytest.fixture(scope="module")
def date_sample():
    return load_task("dates", seed=0)["test"][:2000]


@pytest.mark.parametrize("name, floor", [("dates-dot", 0.99), ("dates-general", 0.99), ("dates-concat", 0.99),
                                         ("dates-bahdanau", 0.99), ("dates-transformer", 0.99)])
def test_dates_exact_match_floor(name, floor, date_sample):
    assert evaluate(load_pretrained(name), date_sample, task="dates")["exact_match"] >= floor


def test_dates_dot_field_attention_floor(date_sample):
    metrics = evaluate(load_pretrained("dates-dot"), date_sample, task="dates")
    assert metrics["field_attention"] >= 0.94  # target 0.95 on the whole test split


def test_dates_transformer_field_attention_floors(date_sample):
    """Targets on the whole test split: the best head ≥ 95%, the default view (alignment_from) ≥ 90%."""
    model = load_pretrained("dates-transformer")
    metrics = evaluate(model, date_sample, task="dates")
    heads = metrics["field_attention_heads"]
    assert max(x for row in heads["layers"] for x in row) >= 0.94
    assert metrics["field_attention"] >= 0.89  # the alignment view is the model's alignment_from


@pytest.mark.parametrize("name, test, definitions", [("en-es-dot", 31, 23.5), ("en-es-scaled_dot", 33, 22.5),
                                                     ("en-es-transformer", 39, 26),
                                                     ("en-es-bahdanau", 33, 21)])
def test_en_es_bleu_floors(name, test, definitions):
    """A little under the measured figures (test / definitions, 2026-12-02): en-es-dot 32.6 / 25.2, en-es-scaled_dot
    34.9 / 24.2 (both 24 epochs), en-es-transformer 40.6 / 27.9 (28 epochs), en-es-bahdanau 34.7 / 22.7 (24 epochs).
    The Transformer's floors stand above en-es-dot's figures: issue 14 asks it to beat en-es-dot on both."""
    splits = load_task("en-es")
    model = load_pretrained(name)
    assert evaluate(model, splits["test"], task="en-es")["bleu"] >= test
    ood = evaluate(model, splits["test-definitions"], task="en-es")
    assert ood["bleu"] >= definitions
    assert ood["unknown"]["translations"] <= 0.02 and ood["unknown"]["sources"] <= 0.02  # the targets


def test_attention_beats_no_attention_on_long_sentences():
    splits = load_task("en-es")
    long = [p for p in splits["test"] if len(p.source.split()) >= 12]
    with_attention = evaluate(load_pretrained("en-es-dot"), long, task="en-es")["bleu"]
    without = evaluate(load_pretrained("en-es-noattn"), long, task="en-es")["bleu"]
    assert with_attention > without


def test_a_transformer_head_crosses_on_adjective_noun_pairs():
    """The card's table (evaluate.crossing_heads): some head of en-es-transformer crosses on every pair translated."""
    from attention_core.evaluate import crossing_heads
    from attention_core.examples import CROSSING_PAIRS

    model = load_pretrained("en-es-transformer")
    measured = crossing_heads({text: model.trace(text) for text in CROSSING_PAIRS}, CROSSING_PAIRS)
    assert measured["pairs"] >= 7 and max(measured["crossed"].values()) == measured["pairs"]


@pytest.mark.parametrize("text, adjective, noun", [("she bought the red car", "red", "car"),
                                                   ("we saw a big white house", "white", "house")])
def test_adjective_noun_crossing_shows_in_alpha(text, adjective, noun):
    trace = load_pretrained("en-es-dot").trace(text)
    looks = [trace.source_tokens[int(a.argmax())] for a in trace.alignment]  # what each Spanish word attends
    assert noun in looks and adjective in looks
    # English has the adjective first; the Spanish words that attend to them come noun first: the lines cross
    assert looks.index(noun) < looks.index(adjective)
    assert trace.source_tokens.index(adjective) < trace.source_tokens.index(noun)


def test_corpus_matches_its_manifest():
    manifest = json.loads((DATA_DIR / "en-es" / "manifest.json").read_text())
    for name, expected in manifest["files"].items():
        data = (DATA_DIR / "en-es" / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == expected["sha256"], name
        assert len(read_pairs(DATA_DIR / "en-es" / name)) == expected["rows"], name


def test_by_length_curves_are_saved_for_the_app():
    for name in DATES + EN_ES:
        rows = load_pretrained(name).metrics["by_length"]
        assert rows and all(r["count"] > 0 for r in rows)


@pytest.mark.parametrize("name", DATES + EN_ES)
def test_training_snapshots_run_to_the_shipped_model(name):
    """DESIGN §7: at least 20 snapshots from the initial weights; the last one is the model as shipped."""
    model = load_pretrained(name)
    content = json.loads((ROOT / "pretrained" / name / "training.json").read_text(encoding="utf-8"))
    snapshots = content["snapshots"]
    assert len(snapshots) >= 20 and snapshots[0]["step"] == 0
    assert content["probes"] == PROBES[model.config.task]
    last = snapshots[-1]
    training = model.metrics["training"]  # the end of the best epoch, also when training went on after it
    assert last["epoch"] == training["best_epoch"]
    assert last["examples_seen"] == training["best_epoch"] * training["train_examples"]
    for text, matrix, prediction in zip(content["probes"], last["alignments"], last["predictions"]):
        trace = model.trace(text)
        assert trace.prediction == prediction, (name, text)
        if matrix is None:
            assert trace.alignment is None
        else:
            assert np.allclose(trace.cross_attention(), np.array(matrix), atol=1e-4), (name, text)


def test_dates_dot_attention_is_learned_in_its_snapshots():
    snapshots = json.loads((ROOT / "pretrained" / "dates-dot" / "training.json").read_text())["snapshots"]
    assert snapshots[0]["field_attention"] <= 0.5 and snapshots[-1]["field_attention"] >= 0.95
