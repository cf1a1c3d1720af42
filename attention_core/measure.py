"""Measuring a saved model again with the current evaluation code, and rewriting what is written from its
metrics: card.md, and for shipped models pretrained/README.md (`python -m attention_core card`)."""

from __future__ import annotations

import json

from .card import write_card
from .checkpoint import CARD, METRICS, PRETRAINED_DIR
from .data import load_task
from .evaluate import attribution_agreement, model_metrics
from .index import write_index
from .translator import Translator


def measure_again(translator: Translator) -> dict:
    """The test figures measured again (training facts are kept), saved as the model's metrics.json."""
    metrics = translator.metrics
    seed = metrics.get("training", {}).get("settings", {}).get("seed", 0)
    fresh = model_metrics(translator, load_task(translator.config.task, seed=seed), task=translator.config.task)
    kept = {key: metrics[key] for key in ("attribution_agreement", "training") if key in metrics}
    return save_metrics(translator, {**fresh, **kept})


def measure_attribution(translator: Translator) -> dict:
    """Attention beside attribution (evaluate.attribution_agreement) measured again on the test split, the
    other figures kept, saved as the model's metrics.json."""
    task = translator.config.task
    seed = translator.metrics.get("training", {}).get("settings", {}).get("seed", 0)
    measured = attribution_agreement(translator, load_task(task, seed=seed)["test"], task=task)
    return save_metrics(translator, {**translator.metrics, "attribution_agreement": measured})


def save_metrics(translator: Translator, metrics: dict) -> dict:
    (translator.folder / METRICS).write_text(json.dumps(metrics, ensure_ascii=False, indent=1) + "\n",
                                             encoding="utf-8")
    translator.metrics = metrics
    return metrics


def refresh(translator: Translator, *, remeasure: bool = False, attribution: bool = False):
    """Rewrite card.md (and, for shipped models, pretrained/README.md) from metrics.json; with `remeasure`,
    measure the test split again first; with `attribution`, attention beside attribution."""
    folder = translator.folder
    if remeasure:
        measure_again(translator)
    if attribution:
        measure_attribution(translator)
    metrics = dict(translator.metrics)
    (folder / CARD).write_text(write_card(translator, metrics), encoding="utf-8")
    if folder.parent.resolve() == PRETRAINED_DIR.resolve():
        write_index(PRETRAINED_DIR)
    return folder
