"""A model's training snapshots as the learning view reads them (training.json, DESIGN §7; snapshots.py writes it).

The file keeps, per snapshot and probe, the alignment matrix A (T × N, None without attention) and the
prediction's text, not its tokens. The labels are found again from the model's tokenizers:

    columns: source_tokenizer.tokenize(probe) (+ </s> when the encoder reads one)      — N of them
    rows:    the prediction split again by target_tokenizer, its specials (<pad>, <s>…) kept whole,
             + </s> when A has one row more (the decoder stopped)                       — T of them

At the shipped snapshot these are the trace's own tokens (tests/test_app_learning.py compares them for every
shipped model). A subword model can write pieces that join into a text whose split has other pieces (its
initial weights do, for 5 of 536 matrices of the shipped models): the split's count then differs from T and
`target_labels` returns None, so that the rows are numbered rather than mislabelled.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .catalog import TRAINING
from .tokenizers import EOS, SPECIALS, Tokenizer

_SPECIAL = re.compile("(" + "|".join(re.escape(s) for s in SPECIALS) + ")")


class TrainingFormatError(ValueError):
    """A training.json that is not what snapshots.py writes."""


@dataclass(frozen=True)
class Snapshot:
    """One moment of training: its counters (None where the file does not know them), losses, metric, and per
    probe the alignment matrix (T × N lists, None without attention) and the prediction."""

    step: int
    examples_seen: int | None
    epoch: float | None
    train_loss: float | None
    valid_loss: float | None
    valid_metric: float | None
    field_attention: float | None
    alignments: list
    predictions: list[str]


@dataclass(frozen=True)
class Training:
    probes: list[str]
    alignment_from: dict
    metric: str  # the validation metric's name: "exact match" (dates) or "BLEU" (en-es)
    snapshots: list[Snapshot]
    valid_examples: int | None = None  # the size of the validation sample every snapshot measures

    @property
    def has_attention(self) -> bool:
        return any(a is not None for s in self.snapshots for a in s.alignments)


def _number(value, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TrainingFormatError(f"{where} must be a number")
    return float(value)


def parse_training(data: object) -> Training:
    """training.json's content, checked (TrainingFormatError names what is wrong)."""
    if not isinstance(data, dict) or not isinstance(data.get("snapshots"), list) or not data["snapshots"]:
        raise TrainingFormatError("training.json must be an object with a non-empty list of snapshots")
    probes = data.get("probes")
    if not isinstance(probes, list) or not probes or not all(isinstance(p, str) for p in probes):
        raise TrainingFormatError("training.json's probes must be a list of texts")
    snapshots = []
    for k, s in enumerate(data["snapshots"], 1):
        where = f"snapshot {k}"
        if not isinstance(s, dict) or not isinstance(s.get("step"), int):
            raise TrainingFormatError(f"{where} must be an object with a step")
        alignments, predictions = s.get("alignments"), s.get("predictions")
        if not isinstance(alignments, list) or len(alignments) != len(probes) or not isinstance(predictions, list) \
                or len(predictions) != len(probes) or not all(isinstance(p, str) for p in predictions):
            raise TrainingFormatError(f"{where} must have an alignment and a prediction per probe")
        for a in alignments:
            if a is not None and (not isinstance(a, list) or not a or not all(
                    isinstance(row, list) and len(row) == len(a[0]) for row in a)):
                raise TrainingFormatError(f"{where}: an alignment must be a matrix (rows of equal length) or null")
        examples, epoch = s.get("examples_seen"), _number(s.get("epoch"), f"{where}.epoch")
        # The recorder writes 0 and 0.0 for the shipped snapshot when no snapshot was taken at its step
        # (snapshots.Recorder.finish): past step 0 that is "not known", not "none yet".
        if s["step"] > 0 and examples == 0:
            examples, epoch = None, None
        snapshots.append(Snapshot(
            step=s["step"], examples_seen=examples if isinstance(examples, int) else None, epoch=epoch,
            train_loss=_number(s.get("train_loss"), f"{where}.train_loss"),
            valid_loss=_number(s.get("valid_loss"), f"{where}.valid_loss"),
            valid_metric=_number(s.get("valid_metric"), f"{where}.valid_metric"),
            field_attention=_number(s.get("field_attention"), f"{where}.field_attention"),
            alignments=alignments, predictions=predictions))
    return Training(probes=list(probes), alignment_from=dict(data.get("alignment_from") or {}),
                    metric=str(data.get("valid_metric", "")), snapshots=snapshots,
                    valid_examples=n if isinstance(n := data.get("valid_examples"), int) else None)


def read_training(folder: Path) -> Training | None:
    """The model folder's snapshots; None when it has no training.json (TrainingFormatError when it is broken)."""
    path = Path(folder) / TRAINING
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TrainingFormatError(f"{TRAINING} cannot be read: {error}") from None
    return parse_training(data)


def source_labels(tokenizer: Tokenizer, probe: str, end_marker: bool) -> list[str]:
    """The encoder's tokens of a probe: what the matrix's columns are."""
    return tokenizer.tokenize(probe) + ([EOS] if end_marker else [])


def split_prediction(tokenizer: Tokenizer, prediction: str) -> list[str]:
    """A prediction's text split back into target tokens, its specials (which the join writes out) kept whole."""
    tokens: list[str] = []
    for part in _SPECIAL.split(prediction):
        if part in SPECIALS:
            tokens.append(part)
        elif part:
            tokens += tokenizer.tokenize(part)
    return tokens


def target_labels(tokenizer: Tokenizer, prediction: str, rows: int) -> list[str] | None:
    """The decoder's tokens of a prediction whose matrix has `rows` rows; None when its split does not have
    them (see the module's docstring)."""
    tokens = split_prediction(tokenizer, prediction)
    if len(tokens) + 1 == rows:
        return tokens + [EOS]
    return tokens if len(tokens) == rows else None
