"""Training snapshots: attention as it is learned (DESIGN §7), written as training.json beside the weights.

At fixed moments of training (the initial weights, doubling step counts through the first epoch, every
eighth of it, then every half epoch) the recorder decodes the task's probe inputs and a fixed sample of the
validation split with the weights of that moment. The last snapshot is the shipped model: the weights as
stored, after a Transformer's default head was chosen, so that its probes trace to exactly its alignments.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np

from .catalog import TRAINING
from .examples import PROBES
from .trace import Trace

SNAPSHOT_VALID_EXAMPLES = 500  # the validation sample every snapshot measures (the same one each time)
DECIMALS = 4  # α as stored: enough to draw, and to check the shipped snapshot against a fresh trace


def snapshot_due(step: int, batches_per_epoch: int) -> bool:
    """Whether to take a snapshot after optimizer step `step` (1-based): doubling steps (1, 2, 4, …) and every
    eighth of an epoch within the first epoch, where attention forms; every half epoch after it."""
    if step <= batches_per_epoch:
        return step & (step - 1) == 0 or step % max(batches_per_epoch // 8, 1) == 0 or step == batches_per_epoch
    into = step % batches_per_epoch
    return into == 0 or into == batches_per_epoch // 2


def _view(trace: Trace, where: dict) -> list | None:
    """The probe's alignment matrix under `where` (DESIGN §5 alignment_from), rounded; None without attention."""
    matrix = trace.cross_attention(where["layer"], where["head"])
    return None if matrix is None else np.round(matrix.astype(np.float64), DECIMALS).tolist()


class Recorder:
    """Collects snapshots while a Translator trains; `finish` turns them into training.json's content."""

    def __init__(self, translator, task: str, valid_examples: list, loss_of, *, seed: int = 0) -> None:
        self.translator, self.task, self.loss_of = translator, task, loss_of
        self.probes = list(PROBES[task])
        usable = [ex for ex in valid_examples if translator.check(ex.source) is None]
        rng = random.Random(seed)
        self.valid = rng.sample(usable, min(SNAPSHOT_VALID_EXAMPLES, len(usable)))
        self.taken: list[dict] = []

    def take(self, *, step: int, examples_seen: int, epoch: float, train_loss: float | None) -> None:
        """Decode the probes and the validation sample with the current weights (in eval mode; the model's
        training mode is restored after)."""
        from .evaluate import bleu_chrf, exact_match, field_attention_heads

        model = self.translator.model
        was_training = model.training
        model.eval()
        try:
            probes = self.translator.trace_batch(self.probes)
            traces = self.translator.trace_batch([ex.source for ex in self.valid])
            valid_loss = self.loss_of(self.translator, self.valid)
        finally:
            model.train(was_training)
        predictions, targets = [t.prediction for t in traces], [ex.target for ex in self.valid]
        metric = exact_match(predictions, targets) if self.task == "dates" else bleu_chrf(predictions, targets)[0]
        heads = field_attention_heads(traces, self.valid) if self.task == "dates" else None
        self.taken.append({"step": step, "examples_seen": examples_seen, "epoch": round(epoch, 4),
                           "train_loss": None if train_loss is None else round(float(train_loss), 5),
                           "valid_loss": round(float(valid_loss), 5), "valid_metric": round(float(metric), 5),
                           "heads": heads, "traces": probes})

    def finish(self, *, last_step: int) -> dict:
        """training.json's content: the snapshots up to optimizer step `last_step` (the end of the best epoch),
        whose weights the shipped model has, replaced by one taken now (the weights as shipped)."""
        kept = [s for s in self.taken if s["step"] < last_step]
        # the snapshot at the end of the best epoch: not the last one taken when training went on after it
        shipped = next((s for s in self.taken if s["step"] == last_step), None)
        self.take(step=last_step, examples_seen=shipped["examples_seen"] if shipped else 0,
                  epoch=shipped["epoch"] if shipped else 0.0, train_loss=shipped["train_loss"] if shipped else None)
        kept.append(self.taken.pop())
        from .evaluate import head_share

        where = self.translator.config.alignment_from
        snapshots = []
        for s in kept:
            snapshot = {k: s[k] for k in ("step", "examples_seen", "epoch", "train_loss", "valid_loss",
                                          "valid_metric")}
            if self.task == "dates":
                snapshot["field_attention"] = head_share(s["heads"], where)
                snapshot["field_attention_heads"] = s["heads"]
            snapshot["alignments"] = [_view(t, where) for t in s["traces"]]
            snapshot["predictions"] = [t.prediction for t in s["traces"]]
            snapshots.append(snapshot)
        return {"probes": self.probes, "alignment_from": where,
                "valid_metric": "exact match" if self.task == "dates" else "BLEU",
                "valid_examples": len(self.valid), "snapshots": snapshots}


def write_training(folder: Path, content: dict) -> Path:
    """training.json, compact (its matrices are most of it)."""
    path = Path(folder) / TRAINING
    path.write_text(json.dumps(content, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return path
