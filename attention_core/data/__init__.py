"""Training data: generated dates, and sentence pairs read from a TSV corpus."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data"
TASKS = ("dates", "en-es")


@dataclass(frozen=True)
class Pair:
    source: str
    target: str


def read_pairs(path: Path) -> list[Pair]:
    """A two-column TSV (source, target) without header; quoting off so quotes stay text."""
    with open(path, encoding="utf-8", newline="") as f:
        return [Pair(row[0], row[1]) for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if len(row) >= 2]


def load_task(task: str, seed: int = 0, train_size: int | None = None) -> dict[str, list]:
    """train/valid/test examples of a task; every example has .source and .target."""
    if task == "dates":
        from .dates import make_splits

        return make_splits(seed=seed, **({"train_size": train_size} if train_size else {}))
    if task == "en-es":
        folder = DATA_DIR / "en-es"
        # test-definitions: English unlike the training sentences (WordNet glosses), for out-of-domain BLEU
        names = ("train", "valid", "test", "test-definitions")
        splits = {split: read_pairs(folder / f"{split}.tsv") for split in names}
        if train_size:
            splits["train"] = splits["train"][:train_size]
        return splits
    raise ValueError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
