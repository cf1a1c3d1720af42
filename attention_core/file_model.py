"""A trace read from a file (trace_files.read_traces) behind the part of a model's API the pages read, so that
Step by step, Alignment and Compare open it as they open a model: `FileModel(name, trace)`.

It has one input, its own, decoded once: `trace(text)` gives the trace back for that text and refuses any other
text, beam width or target (InputError), since there is no model to decode them. Its `config` says what the
trace holds (architecture, layers, heads, decoder, score, whether it has attention); the task is "" as for any
model from elsewhere, and the tokens are the file's own ("given": no words to join them into).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .limits import InputError
from .tokenizers import BOS, EOS, PAD
from .trace import Trace

# The name of a trace from a file: "file:DIGEST:NAME:NUMBER": the file's SHA-256 (first 12 hex digits), its name,
# and the trace's line in it (or its item in a .json list). The digest makes the name the content's: what the app
# caches for every session by a model's name (a step's figures) is never another file's of the same name.
PREFIX = "file:"


@dataclass(frozen=True)
class FileTraceConfig:
    """The facts of a file's trace that the pages read from a ModelConfig (same names, same meanings)."""

    architecture: str
    layers: int
    heads: int
    decoder: str
    score: str
    has_attention: bool
    task: str = ""  # none of the project's tasks: grouped with the models from elsewhere
    tokenizer: str = "given"  # the file's tokens, as they are: no word view, no joining
    source_end_marker: bool = False  # (the file's source tokens are drawn as given, end marker or not)
    description: str = "a trace read from a file"


def file_digest(data: bytes) -> str:
    """A file's part of its traces' names: its SHA-256, first 12 hex digits (computed once per file)."""
    return hashlib.sha256(data).hexdigest()[:12]


def file_model_name(file_name: str, digest: str, number: int) -> str:
    return f"{PREFIX}{digest}:{Path(file_name).name}:{number}"


def file_model_label(name: str) -> str:
    """"NAME:NUMBER (file)": what the pickers show of a file model's name, without its digest."""
    return f"{name.removeprefix(PREFIX).split(':', 1)[-1]} (file)"


class GivenTokens:
    """What the pages ask of a tokenizer, for a file's tokens: joined with spaces, as given (no tokenizer known)."""

    def join(self, tokens: list[str]) -> str:
        return " ".join(tokens)

    def unknown_share(self, text: str) -> float:
        return 0.0


@dataclass
class FileModel:
    """One trace from a file, opened in the pages as a model whose only input is the trace's own."""

    name: str
    given: Trace
    folder: Path | None = None  # (no model card)
    metrics: dict = field(default_factory=dict)  # (no measured figures)

    @property
    def config(self) -> FileTraceConfig:
        t = self.given
        return FileTraceConfig(architecture=t.architecture, layers=t.layers, heads=t.heads, decoder=t.decoder,
                               score=t.score, has_attention=t.alignment is not None)

    source_tokenizer = target_tokenizer = GivenTokens()

    def __post_init__(self) -> None:
        if not self.given.prediction:  # (a file may leave it out: the output is then its tokens, as given)
            said = [tok for tok in self.given.target_tokens if tok not in (PAD, BOS, EOS)]
            self.given = dataclasses.replace(self.given, prediction=self.target_tokenizer.join(said))

    @property
    def max_source_tokens(self) -> int:
        return len(self.given.source_tokens)

    @property
    def max_target_tokens(self) -> int:
        return len(self.given.target_tokens)

    def check(self, text: str) -> str | None:
        """None for the trace's own input; for any other text, why it cannot be decoded."""
        if text == self.given.source:
            return None
        return f"{self.name} is a trace read from a file: it holds its own input only ({self.given.source!r})"

    def unknown_share(self, text: str) -> float:
        return 0.0

    def fits(self, text: str) -> bool:
        return True

    def trace(self, text: str, *, beam: int = 1, target: str | None = None, **options) -> Trace:
        """The file's trace of its own input; nothing else can be decoded without the model that wrote it."""
        if beam != 1 or target is not None:
            raise InputError(f"{self.name} is a trace read from a file: there is no model to decode it again")
        if (problem := self.check(text)) is not None:
            raise InputError(problem)
        return self.given
