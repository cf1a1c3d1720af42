"""StepTrace and Trace: every intermediate quantity of a decoding, and the JSON of DESIGN §2."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

_VECTORS = ("s", "e", "alpha", "a", "concat", "s_tilde")


class TraceFormatError(ValueError):
    """A JSON text that is not a trace."""


def _array(value, name: str) -> np.ndarray | None:
    if value is None:
        return None
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TraceFormatError(f"{name} must be a list of numbers") from None


@dataclass(slots=True)
class StepTrace:
    """One decoder step t: s_t, e_t, α_t, a_t, [a_t; s_t], s̃_t and the output distribution's top k."""

    t: int
    input_token: str  # y_{t-1}
    query: str  # "s_t" (Luong), "s_{t-1}" (Bahdanau) or "none"
    s: np.ndarray  # (n,)
    e: np.ndarray | None  # (N,)
    alpha: np.ndarray | None  # (N,)
    a: np.ndarray | None  # (n,)
    concat: np.ndarray  # (2n,) [a_t; s_t], or [c; s_t] without attention
    s_tilde: np.ndarray  # (n,)
    token: str  # the token emitted (or, in forced decoding, given) at this step
    prob: float  # ŷ_t[token]
    top_k: list[tuple[str, float]]  # the k most probable next tokens

    def to_dict(self) -> dict:
        out: dict = {"t": self.t, "input_token": self.input_token, "query": self.query}
        for key in _VECTORS:
            value = getattr(self, key)
            if value is not None:
                out[key] = value.tolist()
        out.update(token=self.token, prob=float(self.prob), top_k=[[tok, float(p)] for tok, p in self.top_k])
        return out

    @classmethod
    def from_dict(cls, data: dict) -> StepTrace:
        try:
            vectors = {key: _array(data.get(key), key) for key in _VECTORS}
            return cls(t=int(data["t"]), input_token=str(data["input_token"]), query=str(data["query"]),
                       token=str(data["token"]), prob=float(data["prob"]),
                       top_k=[(str(tok), float(p)) for tok, p in data["top_k"]], **vectors)
        except (KeyError, TypeError, ValueError) as error:
            raise TraceFormatError(f"a step of the trace is malformed: {error}") from None


@dataclass
class Trace:
    """A whole decoding: source/target tokens, H, every step, and the alignment matrix (stacked α_t)."""

    model: str
    score: str
    decoder: str
    source: str
    source_tokens: list[str]
    target_tokens: list[str]
    encoder_states: np.ndarray  # H: (N, n)
    steps: list[StepTrace]
    prediction: str = ""
    mode: str = "greedy"  # greedy | beam | forced
    hypotheses: list[Trace] = field(default_factory=list)  # beam search: the other finished hypotheses, best first
    beam_tree: list[dict] = field(default_factory=list)  # beam search: every candidate, kept or pruned

    @property
    def alignment(self) -> np.ndarray | None:
        """A[t, i] = α_t^i: shape (len(target_tokens), N); None without attention."""
        if not self.steps or self.steps[0].alpha is None:
            return None
        return np.stack([step.alpha for step in self.steps])

    @property
    def log_prob(self) -> float:
        """log P(target | source) = Σ_t log ŷ_t[token_t]"""
        return float(sum(np.log(max(step.prob, 1e-45)) for step in self.steps))

    @property
    def fixed_context(self) -> np.ndarray | None:
        """Without attention: the one context c every step reads (the first half of [c; s_t])."""
        if self.decoder != "none" or not self.steps:
            return None
        return self.steps[0].concat[: self.encoder_states.shape[1]]

    def to_dict(self) -> dict:
        alignment = self.alignment
        out = {
            "model": self.model, "score": self.score, "decoder": self.decoder,
            "source": self.source, "prediction": self.prediction, "mode": self.mode,
            "log_prob": self.log_prob,
            "source_tokens": list(self.source_tokens), "target_tokens": list(self.target_tokens),
            "encoder_states": self.encoder_states.tolist(),
            "steps": [step.to_dict() for step in self.steps],
            "alignment": None if alignment is None else alignment.tolist(),
        }
        if self.hypotheses:
            out["hypotheses"] = [h.to_dict() for h in self.hypotheses]
        if self.beam_tree:
            out["beam_tree"] = self.beam_tree
        return out

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, allow_nan=False)

    @classmethod
    def from_dict(cls, data: object) -> Trace:
        if not isinstance(data, dict):
            raise TraceFormatError("a trace is one JSON object")
        try:
            steps = [StepTrace.from_dict(s) for s in data["steps"]]
            H = _array(data["encoder_states"], "encoder_states")
            trace = cls(
                model=str(data["model"]), score=str(data["score"]), decoder=str(data["decoder"]),
                source=str(data.get("source", "")), prediction=str(data.get("prediction", "")),
                mode=str(data.get("mode", "greedy")),
                source_tokens=[str(t) for t in data["source_tokens"]],
                target_tokens=[str(t) for t in data["target_tokens"]],
                encoder_states=H.reshape(len(data["source_tokens"]), -1) if H.size == 0 else H,
                steps=steps,
                hypotheses=[cls.from_dict(h) for h in data.get("hypotheses", [])],
                beam_tree=list(data.get("beam_tree", [])),
            )
        except (KeyError, TypeError) as error:
            raise TraceFormatError(f"the trace lacks or misshapes {error}") from None
        if trace.encoder_states.ndim != 2 or len(trace.encoder_states) != len(trace.source_tokens):
            raise TraceFormatError("encoder_states must have one row per source token")
        if len(trace.steps) != len(trace.target_tokens):
            raise TraceFormatError("there must be one step per target token")
        return trace

    @classmethod
    def from_json(cls, text: str) -> Trace:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise TraceFormatError(f"not JSON: {error}") from None
        return cls.from_dict(data)
