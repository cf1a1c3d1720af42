"""The frozen model config that travels with the weights (config.json beside model.safetensors)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from .formulas import SCORES

DECODERS = ("luong", "bahdanau", "none")  # the GRU decoders; a Transformer's decoder is "transformer"
ARCHITECTURES = ("rnn", "transformer")
TOKENIZERS = ("char", "word", "subword")


class ConfigError(ValueError):
    """A config.json that cannot describe a model."""


@dataclass(frozen=True)
class ModelConfig:
    """Everything needed to rebuild a model's modules; saved as config.json and rebuilt with ModelConfig(**json)."""

    architecture: str = "rnn"  # rnn: the GRU models of DESIGN §1; transformer: DESIGN §5
    decoder: str = "luong"  # luong: query s_t; bahdanau: query s_{t-1}; none: fixed context; transformer
    score: str = "dot"  # score(s, h_i); bahdanau always uses "concat" (additive)
    tokenizer: str = "char"
    source_vocab_size: int = 0
    target_vocab_size: int = 0
    embed_size: int = 32
    hidden_size: int = 64  # n: size of h_i, s_t, a_t and s̃_t (a Transformer's d_model)
    attention_size: int = 0  # size of the additive score's hidden layer; 0 means hidden_size
    bidirectional: bool = False  # encoder reads both ways; each direction has hidden_size / 2 units
    dropout: float = 0.0
    decoder_init: str = "final"  # s_0: "final" = the encoder's final state; "zero" = zeros (attention carries all)
    source_end_marker: bool = True  # the encoder reads </s> after the text (one more h_i)
    max_source_len: int = 64  # tokens, end marker included; also the location score's fixed N
    max_target_len: int = 16  # decoding steps, end marker included
    weights_dtype: str = "float32"  # how model.safetensors stores the weights; always computed in float32
    # Transformer only (architecture "transformer"): L layers of h heads, d_k = hidden_size / h
    layers: int = 1
    heads: int = 1
    d_ff: int = 0  # the feed-forward layer's width; 0 means 4 × hidden_size
    positions: str = "sinusoidal"  # sinusoidal | learned (max_source_len / max_target_len positions)
    norm: str = "pre"  # pre: x + f(LayerNorm(x)); post: LayerNorm(x + f(x))
    alignment_layer: int = 0  # the cross-attention the views show by default; 0 means the last layer
    alignment_head: int = 0  # 1-based; 0 means the mean over the layer's heads
    task: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        if self.architecture not in ARCHITECTURES:
            raise ConfigError(f"architecture must be one of {', '.join(ARCHITECTURES)}, not {self.architecture!r}")
        if self.architecture == "transformer":
            self._check_transformer()
        elif self.decoder not in DECODERS:
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

    def _check_transformer(self) -> None:
        if (self.decoder, self.score) != ("transformer", "scaled_dot"):
            raise ConfigError("a Transformer has decoder 'transformer' and score 'scaled_dot'")
        for field in ("layers", "heads"):
            value = getattr(self, field)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{field} must be a positive integer, not {value!r}")
        if not isinstance(self.hidden_size, int) or self.hidden_size % self.heads:
            raise ConfigError(f"hidden_size ({self.hidden_size}) must be a multiple of heads ({self.heads})")
        if self.positions not in ("sinusoidal", "learned"):
            raise ConfigError(f"positions must be 'sinusoidal' or 'learned', not {self.positions!r}")
        if self.norm not in ("pre", "post"):
            raise ConfigError(f"norm must be 'pre' or 'post', not {self.norm!r}")
        if not isinstance(self.d_ff, int) or self.d_ff < 0:
            raise ConfigError(f"d_ff must be a non-negative integer, not {self.d_ff!r}")
        if not (isinstance(self.alignment_layer, int) and 0 <= self.alignment_layer <= self.layers):
            raise ConfigError(f"alignment_layer must be 0 (the last) to {self.layers}")
        if not (isinstance(self.alignment_head, int) and 0 <= self.alignment_head <= self.heads):
            raise ConfigError(f"alignment_head must be 0 (the mean) to {self.heads}")

    @property
    def query(self) -> str:
        """Which decoder state asks the question: s_t (Luong), s_{t-1} (Bahdanau), none, x_t (Transformer)."""
        return {"luong": "s_t", "bahdanau": "s_{t-1}", "none": "none", "transformer": "x_t"}[self.decoder]

    @property
    def max_source_tokens(self) -> int:
        """The most tokens (characters for a character-level model) of text the encoder reads: its length
        limit without the end marker."""
        return self.max_source_len - int(self.source_end_marker)

    @property
    def max_target_tokens(self) -> int:
        """The most tokens of a given target (forced decoding): the decoder's steps less its end marker."""
        return self.max_target_len - 1

    @property
    def d_k(self) -> int:
        """The size of one head's queries, keys and values: d_model / h (a GRU: n)."""
        return self.hidden_size // self.heads

    @property
    def alignment_from(self) -> dict:
        """DESIGN §5: which cross-attention the views show by default, 1-based; head "mean" for the mean."""
        if self.architecture == "rnn":
            return {"layer": 1, "head": 1}
        return {"layer": self.alignment_layer or self.layers, "head": self.alignment_head or "mean"}

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
    "en-es": dict(tokenizer="subword", embed_size=128, hidden_size=256, bidirectional=True, dropout=0.3,
                  max_source_len=64, max_target_len=64, weights_dtype="float16"),
    # A Transformer's own sizes, over the task's preset (architecture "transformer"): d_model = hidden_size.
    "dates-transformer": dict(hidden_size=64, layers=2, heads=4, d_ff=128, dropout=0.1, bidirectional=False),
    "en-es-transformer": dict(hidden_size=192, layers=2, heads=4, d_ff=384, dropout=0.2, bidirectional=False),
    "tiny": dict(tokenizer="char", embed_size=8, hidden_size=8, max_source_len=32, max_target_len=12),
    "tiny-transformer": dict(hidden_size=8, layers=1, heads=2, d_ff=16),
}
