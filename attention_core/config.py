"""The frozen model config that travels with the weights (config.json beside model.safetensors)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from .formulas import SCORES

DECODERS = ("luong", "bahdanau", "none")
TOKENIZERS = ("char", "word")


class ConfigError(ValueError):
    """A config.json that cannot describe a model."""


@dataclass(frozen=True)
class ModelConfig:
    """Everything needed to rebuild a model's modules; saved as config.json and rebuilt with ModelConfig(**json)."""

    decoder: str = "luong"  # luong: query s_t; bahdanau: query s_{t-1}; none: fixed context
    score: str = "dot"  # score(s, h_i); bahdanau always uses "concat" (additive)
    tokenizer: str = "char"
    source_vocab_size: int = 0
    target_vocab_size: int = 0
    embed_size: int = 32
    hidden_size: int = 64  # n: size of h_i, s_t, a_t and s̃_t
    attention_size: int = 0  # size of the additive score's hidden layer; 0 means hidden_size
    bidirectional: bool = False  # encoder reads both ways; each direction has hidden_size / 2 units
    dropout: float = 0.0
    decoder_init: str = "final"  # s_0: "final" = the encoder's final state; "zero" = zeros (attention carries all)
    source_end_marker: bool = True  # the encoder reads </s> after the text (one more h_i)
    max_source_len: int = 64  # tokens, end marker included; also the location score's fixed N
    max_target_len: int = 16  # decoding steps, end marker included
    weights_dtype: str = "float32"  # how model.safetensors stores the weights; always computed in float32
    task: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        if self.decoder not in DECODERS:
            raise ConfigError(f"decoder must be one of {', '.join(DECODERS)}, not {self.decoder!r}")
        if self.decoder == "luong" and self.score not in SCORES:
            raise ConfigError(f"score must be one of {', '.join(SCORES)}, not {self.score!r}")
        if self.decoder == "bahdanau" and self.score != "concat":
            raise ConfigError("the Bahdanau decoder uses the additive score: set score to 'concat'")
        if self.decoder == "none" and self.score != "none":
            raise ConfigError("a decoder without attention has score 'none'")
        if self.decoder_init not in ("final", "zero"):
            raise ConfigError(f"decoder_init must be 'final' or 'zero', not {self.decoder_init!r}")
        if self.weights_dtype not in ("float32", "float16"):
            raise ConfigError(f"weights_dtype must be 'float32' or 'float16', not {self.weights_dtype!r}")
        if self.tokenizer not in TOKENIZERS:
            raise ConfigError(f"tokenizer must be one of {', '.join(TOKENIZERS)}, not {self.tokenizer!r}")
        if self.bidirectional and self.hidden_size % 2:
            raise ConfigError("a bidirectional encoder needs an even hidden_size")
        for field in ("source_vocab_size", "target_vocab_size", "embed_size", "hidden_size",
                      "max_source_len", "max_target_len"):
            value = getattr(self, field)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{field} must be a positive integer, not {value!r}")
        if not 0.0 <= float(self.dropout) < 1.0:
            raise ConfigError(f"dropout must be in [0, 1), not {self.dropout!r}")

    @property
    def query(self) -> str:
        """Which decoder state asks the question: s_t (Luong), s_{t-1} (Bahdanau), none."""
        return {"luong": "s_t", "bahdanau": "s_{t-1}", "none": "none"}[self.decoder]

    @property
    def has_attention(self) -> bool:
        return self.decoder != "none"

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, data: object) -> ModelConfig:
        if not isinstance(data, dict):
            raise ConfigError("it must hold one JSON object")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"unknown keys: {', '.join(unknown)}")
        try:
            return cls(**data)
        except TypeError as error:  # wrong value types that __post_init__ did not reach
            raise ConfigError(f"invalid: {error}") from None

    @classmethod
    def load(cls, path: Path) -> ModelConfig:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ConfigError(f"cannot be read: {error}") from None
        return cls.from_dict(data)


# Named presets instead of magic numbers: the shipped models are built from these.
PRESETS: dict[str, dict] = {
    # Bidirectional encoder, no source end marker (its state summarises the whole date and becomes an
    # attention sink) and dropout 0.2: the recipe under which attention lands on the right field
    # (the study in pretrained/README.md).
    "dates": dict(tokenizer="char", embed_size=32, hidden_size=64, bidirectional=True, source_end_marker=False,
                  dropout=0.2, max_source_len=64, max_target_len=12),
    # float16 storage keeps each model folder under 10 MB; computation stays float32.
    "en-es": dict(tokenizer="word", embed_size=128, hidden_size=256, bidirectional=True, dropout=0.3,
                  max_source_len=64, max_target_len=64, weights_dtype="float16"),
    "tiny": dict(tokenizer="char", embed_size=8, hidden_size=8, max_source_len=32, max_target_len=12),
}
