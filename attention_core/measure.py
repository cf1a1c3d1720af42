"""Measuring a saved model again with the current evaluation code, and rewriting what is written from its
metrics: card.md, and for shipped models pretrained/README.md (`python -m attention_core card`)."""

from __future__ import annotations

import json

from .card import write_card
from .checkpoint import CARD, METRICS, PRETRAINED_DIR
from .data import load_task
from .evaluate import model_metrics
from .index import write_index
from .translator import Translator


def measure_again(translator: Translator) -> dict:
    """The test figures measured again (training facts are kept), saved as the model's metrics.json."""
    metrics = translator.metrics
    seed = metrics.get("training", {}).get("settings", {}).get("seed", 0)
    fresh = model_metrics(translator, load_task(translator.config.task, seed=seed), task=translator.config.task)
    metrics = {**fresh, "training": metrics.get("training", {})}
    (translator.folder / METRICS).write_text(json.dumps(metrics, ensure_ascii=False, indent=1) + "\n",
                                             encoding="utf-8")
    translator.metrics = metrics
    return metrics


def refresh(translator: Translator, *, remeasure: bool = False):
    """Rewrite card.md (and, for shipped models, pretrained/README.md) from metrics.json; with `remeasure`,
    measure the test split again first."""
    folder = translator.folder
    metrics = measure_again(translator) if remeasure else dict(translator.metrics)
    (folder / CARD).write_text(write_card(translator, metrics), encoding="utf-8")
    if folder.parent.resolve() == PRETRAINED_DIR.resolve():
        write_index(PRETRAINED_DIR)
    return folder
