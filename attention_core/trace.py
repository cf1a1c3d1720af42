"""StepTrace and Trace: every intermediate quantity of a decoding, and the JSON of DESIGN §2 and §5.

A step of any model holds the alignment view (e, alpha, a: one row over the source) and, for a
multi-head model, its attention blocks per layer (`cross`, `self_attn`). A GRU trace read as multi-head
is one layer of one head: `StepTrace.blocks("cross")` derives that block from e, alpha and a.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

# The per-step vectors every model gives (e, alpha, a: None without attention), in the order of DESIGN §1.
VECTORS = ("s", "e", "alpha", "a", "concat", "s_tilde")
# What one attention block holds per head; alpha is always there, the others when the model exposes them.
BLOCK_FIELDS = ("q", "e", "alpha", "a")
# Every array a decoding stacks per step (step.stack_steps): the vectors, then the blocks as "cross.alpha" etc.
STEP_FIELDS = VECTORS + tuple(f"cross.{k}" for k in BLOCK_FIELDS) + ("self.alpha",)
ARCHITECTURES = ("rnn", "transformer")


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
class AttentionBlock:
    """One layer's attention at one step, per head: alpha (h, N); q (h, d_k), e (h, N), a (h, d_k) when known."""

    alpha: np.ndarray
    q: np.ndarray | None = None
    e: np.ndarray | None = None
    a: np.ndarray | None = None

    def to_dict(self) -> dict:
        return {key: getattr(self, key).tolist() for key in BLOCK_FIELDS if getattr(self, key) is not None}

    @classmethod
    def from_dict(cls, data: object, where: str) -> AttentionBlock:
        if not isinstance(data, dict) or data.get("alpha") is None:
            raise TraceFormatError(f"{where} must be an object with alpha")
        values = {key: _array(data.get(key), f"{where}.{key}") for key in BLOCK_FIELDS}
        for key, value in values.items():
            if value is not None and value.ndim != 2:
                raise TraceFormatError(f"{where}.{key} must be a list of rows, one per head")
        return cls(**values)


ATTRIBUTION_METHODS = ("integrated_gradients", "erasure")
TOLERANCE = 0.05  # completeness: |Σ values − (logprob − baseline_logprob)| ≤ 5% of |logprob − baseline_logprob| …
ABS_FLOOR = 1e-3  # … or of this, where the difference is near 0


def completeness_gap(values: np.ndarray, logprob: float, baseline_logprob: float) -> float:
    """|Σ values − (logprob − baseline_logprob)| relative to |logprob − baseline_logprob| (floored at ABS_FLOOR)."""
    diff = logprob - baseline_logprob
    return abs(float(np.sum(values)) - diff) / max(abs(diff), ABS_FLOOR)


@dataclass(slots=True)
class Attribution:
    """How much each source token moved log ŷ_t[token_t] at one step (DESIGN §6; attribution.py computes it).

    integrated_gradients: values[i] = IG w.r.t. token i's embedding summed over its dimensions, from the
    `baseline` input to the real one in `n_steps` points; completeness: Σ values ≈ logprob − baseline_logprob.
    erasure: values[i] = logprob − log ŷ_t[token_t] with token i left out (no single baseline, so
    baseline_logprob and n_steps are None)."""

    method: str
    baseline: str
    values: np.ndarray  # (N,)
    logprob: float  # log ŷ_t[token_t] for the real input, the target prefix held fixed
    baseline_logprob: float | None = None
    n_steps: int | None = None

    @property
    def gap(self) -> float | None:
        """Integrated gradients' completeness gap (completeness_gap); None for erasure, which has no baseline."""
        return None if self.baseline_logprob is None else completeness_gap(self.values, self.logprob,
                                                                          self.baseline_logprob)

    def to_dict(self) -> dict:
        out: dict = {"method": self.method, "baseline": self.baseline}
        if self.n_steps is not None:
            out["n_steps"] = self.n_steps
        out.update(values=[float(v) for v in self.values], logprob=float(self.logprob))
        if self.baseline_logprob is not None:
            out["baseline_logprob"] = float(self.baseline_logprob)
        return out

    @classmethod
    def from_dict(cls, data: object, where: str, N: int | None = None) -> Attribution:
        """Read and check one step's attribution: `where` names the step in every message."""
        if not isinstance(data, dict):
            raise TraceFormatError(f"{where}: attribution must be an object")
        method = data.get("method")
        if method not in ATTRIBUTION_METHODS:
            raise TraceFormatError(f"{where}: attribution.method must be one of {', '.join(ATTRIBUTION_METHODS)}, "
                                   f"not {method!r}")
        if not isinstance(data.get("baseline"), str):
            raise TraceFormatError(f"{where}: attribution.baseline must be text")
        values = _array(data.get("values"), f"{where}: attribution.values")
        if values is None or values.ndim != 1 or (N is not None and len(values) != N):
            raise TraceFormatError(f"{where}: attribution.values must be {N if N is not None else 'N'} numbers, "
                                   "one per source token")
        if not np.isfinite(values).all():
            raise TraceFormatError(f"{where}: attribution.values must be finite numbers")
        numbers = {}
        for key in ("logprob", "baseline_logprob"):
            value = data.get(key)
            if value is None and key == "baseline_logprob" and method == "erasure":
                numbers[key] = None
                continue
            if not isinstance(value, int | float) or isinstance(value, bool) or not np.isfinite(value):
                raise TraceFormatError(f"{where}: attribution.{key} must be a finite number")
            numbers[key] = float(value)
        n_steps = data.get("n_steps")
        if method == "integrated_gradients" and (not isinstance(n_steps, int) or isinstance(n_steps, bool)
                                                 or n_steps < 1):
            raise TraceFormatError(f"{where}: attribution.n_steps must be a positive integer")
        return cls(method=method, baseline=data["baseline"], values=values, n_steps=n_steps, **numbers)


SHARED_KEYS = ("method", "baseline")  # an attribution block holds these once, every other key once per step


def attribution_block(attributions: Sequence[Attribution]) -> dict:
    """Every step's attribution as one object (a batch line's "attribution"): the keys of Attribution.to_dict,
    method and baseline once, each of the others as a list over the steps: values [T][N], logprob [T], and for
    integrated gradients baseline_logprob [T] and n_steps [T]. attributions_from_block reads it back."""
    rows = [a.to_dict() for a in attributions]
    out = {key: rows[0][key] for key in SHARED_KEYS} if rows else {}
    for key in rows[0] if rows else ():
        if key not in SHARED_KEYS:
            out[key] = [row.get(key) for row in rows]
    return out


def attributions_from_block(data: object, T: int, N: int) -> list[Attribution]:
    """The T steps' attributions of an attribution_block over N source tokens, each step checked by
    Attribution.from_dict; TraceFormatError says what is wrong."""
    if not isinstance(data, dict):
        raise TraceFormatError("attribution must be an object")
    columns = {key: value for key, value in data.items() if key not in SHARED_KEYS}
    for key in ("values", "logprob"):
        columns.setdefault(key, None)
    for key, column in columns.items():
        if not isinstance(column, list) or len(column) != T:
            raise TraceFormatError(f"attribution.{key} must be a list of {T} entries, one per step")
    shared = {key: data.get(key) for key in SHARED_KEYS}
    return [Attribution.from_dict(shared | {key: column[t] for key, column in columns.items()}, f"step {t + 1}", N)
            for t in range(T)]


class LayerBlocks(Sequence):
    """One step's blocks, one per layer, made on access from the decoding's arrays: a batch of traces holds
    tens of thousands of blocks, most of which nobody reads (measured: a third of trace_batch's time when they
    were made up front). Reads like a list of AttentionBlock."""

    __slots__ = ("_arrays", "_t", "_width")

    def __init__(self, arrays: dict[str, np.ndarray | None], t: int, width: int | None = None) -> None:
        self._arrays, self._t, self._width = arrays, t, width  # arrays: (T, L, h, ·) of one trace

    def __len__(self) -> int:
        return self._arrays["alpha"].shape[1]

    def __getitem__(self, ell):
        if isinstance(ell, slice):
            return [self[i] for i in range(*ell.indices(len(self)))]
        if not -len(self) <= ell < len(self):
            raise IndexError(ell)

        def take(arr):
            if arr is None:
                return None
            row = arr[self._t, ell]
            return row if self._width is None else row[:, : self._width]

        return AttentionBlock(**{key: take(arr) for key, arr in self._arrays.items()})


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
    concat: np.ndarray | None  # (2n,) [a_t; s_t], or [c; s_t] without attention; None: not the model's (hf:)
    s_tilde: np.ndarray | None  # (n,); None where the model does not expose it (hf: models)
    token: str  # the token emitted (or, in forced decoding, given) at this step
    prob: float  # ŷ_t[token]
    top_k: list[tuple[str, float]]  # the k most probable next tokens
    cross: Sequence[AttentionBlock] | None = None  # multi-head models: one block per layer, alpha (h, N)
    self_attn: Sequence[AttentionBlock] | None = None  # multi-head models: masked self-attention, alpha (h, t)
    attribution: Attribution | None = None  # on request (DESIGN §6): what each source token did to log ŷ_t[token]

    def blocks(self, kind: str = "cross") -> Sequence[AttentionBlock]:
        """The step's attention blocks per layer. A GRU's cross-attention is one layer of one head."""
        stored = self.cross if kind == "cross" else self.self_attn
        if stored is not None:
            return stored
        if kind == "cross" and self.alpha is not None:
            return [AttentionBlock(alpha=self.alpha[None], e=None if self.e is None else self.e[None],
                                   a=None if self.a is None else self.a[None])]
        return []

    def to_dict(self) -> dict:
        out: dict = {"t": self.t, "input_token": self.input_token, "query": self.query}
        for key in VECTORS:
            value = getattr(self, key)
            if value is not None:
                out[key] = value.tolist()
        out.update(token=self.token, prob=float(self.prob), top_k=[[tok, float(p)] for tok, p in self.top_k])
        if self.cross is not None:
            out["cross"] = [block.to_dict() for block in self.cross]
        if self.self_attn is not None:
            out["self"] = [block.to_dict() for block in self.self_attn]
        if self.attribution is not None:
            out["attribution"] = self.attribution.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: dict, number: int = 0, N: int | None = None) -> StepTrace:
        """One step of a trace's JSON; N (the source tokens) checks the length of its attribution."""
        where = f"step {number}" if number else "a step"
        try:
            vectors = {key: _array(data.get(key), f"{where}: {key}") for key in VECTORS}
            blocks = {}
            for attr, key in (("cross", "cross"), ("self_attn", "self")):
                layers = data.get(key)
                if layers is not None and not isinstance(layers, list):
                    raise TraceFormatError(f"{where}: {key} must be a list, one block per layer")
                blocks[attr] = None if layers is None else [
                    AttentionBlock.from_dict(b, f"{where}: {key}[{i}]") for i, b in enumerate(layers, 1)]
            if data.get("attribution") is not None:
                blocks["attribution"] = Attribution.from_dict(data["attribution"], where, N)
            return cls(t=int(data["t"]), input_token=str(data["input_token"]), query=str(data["query"]),
                       token=str(data["token"]), prob=float(data["prob"]),
                       top_k=[(str(tok), float(p)) for tok, p in data["top_k"]], **vectors, **blocks)
        except (KeyError, TypeError, ValueError) as error:
            if isinstance(error, TraceFormatError):
                raise
            raise TraceFormatError(f"{where} of the trace is malformed: {error}") from None


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
    # DESIGN §5: a multi-head model's shape and what it exposes of the source (None: not exposed)
    architecture: str = "rnn"
    layers: int = 1
    heads: int = 1
    d_k: int | None = None
    alignment_from: dict = field(default_factory=lambda: {"layer": 1, "head": 1})  # 1-based; head may be "mean"
    encoder_self_attention: np.ndarray | None = None  # (L, h, N, N)
    cross_keys: np.ndarray | None = None  # (L, h, N, d_k)
    cross_values: np.ndarray | None = None  # (L, h, N, d_k)

    @property
    def alignment(self) -> np.ndarray | None:
        """A[t, i] = α_t^i: shape (len(target_tokens), N); None without attention."""
        if not self.steps or self.steps[0].alpha is None:
            return None
        return np.stack([step.alpha for step in self.steps])

    def _attributions(self) -> list[Attribution] | None:
        """Every step's attribution, or None unless every step has one (a trace computed without `attribution`)."""
        found = [step.attribution for step in self.steps]
        return found if found and all(a is not None for a in found) else None

    @property
    def attribution(self) -> np.ndarray | None:
        """R[t, i] = step t's attribution to source token i (DESIGN §6): shape (T, N); None unless every step
        has one."""
        found = self._attributions()
        return None if found is None else np.stack([a.values for a in found])

    @property
    def attribution_block(self) -> dict | None:
        """Every step's attribution as one object (attribution_block), or None unless every step has one."""
        found = self._attributions()
        return None if found is None else attribution_block(found)

    @property
    def attribution_method(self) -> str | None:
        """The method every step's attribution was computed by ("integrated_gradients", "erasure"), or None."""
        found = self._attributions()
        return None if found is None else found[0].method

    def cross_attention(self, layer: int | None = None, head: int | str | None = None) -> np.ndarray | None:
        """A[t, i] of one layer's head (1-based; "mean": the layer's mean over heads), default alignment_from.
        Every layer and head at once with cross_attention(layer=0): shape (L, h, T, N). None without attention."""
        if not self.steps or not self.steps[0].blocks("cross"):
            return None
        every = np.stack([np.stack([b.alpha for b in step.blocks("cross")]) for step in self.steps], axis=2)
        if layer == 0:
            return every  # (L, h, T, N)
        layer = self.alignment_from["layer"] if layer is None else layer
        head = self.alignment_from["head"] if head is None else head
        of_layer = every[layer - 1]  # (h, T, N)
        return of_layer.mean(axis=0) if head == "mean" else of_layer[head - 1]

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
        if self.architecture != "rnn":
            out.update(architecture=self.architecture, layers=self.layers, heads=self.heads,
                       alignment_from=dict(self.alignment_from))
            if self.d_k is not None:
                out["d_k"] = self.d_k
            for key in ("encoder_self_attention", "cross_keys", "cross_values"):
                if getattr(self, key) is not None:
                    out[key] = getattr(self, key).tolist()
        return out

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, allow_nan=False)

    @classmethod
    def from_dict(cls, data: object) -> Trace:
        if not isinstance(data, dict):
            raise TraceFormatError("a trace is one JSON object")
        try:
            if not isinstance(data["steps"], list):
                raise TraceFormatError("steps must be a list")
            N = len(data["source_tokens"])
            steps = [StepTrace.from_dict(s, number, N) for number, s in enumerate(data["steps"], 1)]
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
                **_multi_head(data),
            )
        except (KeyError, TypeError, AttributeError) as error:
            raise TraceFormatError(f"the trace lacks or misshapes {error}") from None
        if trace.encoder_states.ndim != 2 or len(trace.encoder_states) != len(trace.source_tokens):
            raise TraceFormatError("encoder_states must have one row per source token")
        if len(trace.steps) != len(trace.target_tokens):
            raise TraceFormatError("there must be one step per target token")
        _check_blocks(trace)
        return trace

    @classmethod
    def from_json(cls, text: str) -> Trace:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise TraceFormatError(f"not JSON: {error}") from None
        return cls.from_dict(data)


def _multi_head(data: dict) -> dict:
    """The DESIGN §5 keys of a trace (defaults: one layer of one head, as a GRU)."""
    architecture = str(data.get("architecture", "rnn"))
    if architecture not in ARCHITECTURES:
        raise TraceFormatError(f"architecture must be one of {', '.join(ARCHITECTURES)}, not {architecture!r}")
    out: dict = {"architecture": architecture}
    for key in ("layers", "heads", "d_k"):
        value = data.get(key, None if key == "d_k" else 1)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise TraceFormatError(f"{key} must be a positive integer")
        out[key] = value
    where = data.get("alignment_from", {"layer": 1, "head": 1})
    if not isinstance(where, dict) or set(where) != {"layer", "head"}:
        raise TraceFormatError('alignment_from must be {"layer": ℓ, "head": j or "mean"}')
    layer, head = where["layer"], where["head"]
    if not (isinstance(layer, int) and not isinstance(layer, bool) and 1 <= layer <= out["layers"]):
        raise TraceFormatError(f"alignment_from.layer must be 1 to {out['layers']}")
    if not (head == "mean" or (isinstance(head, int) and not isinstance(head, bool) and 1 <= head <= out["heads"])):
        raise TraceFormatError(f'alignment_from.head must be 1 to {out["heads"]} or "mean"')
    out["alignment_from"] = {"layer": layer, "head": head}
    for key in ("encoder_self_attention", "cross_keys", "cross_values"):
        value = _array(data.get(key), key)
        if value is not None and value.ndim != 4:
            raise TraceFormatError(f"{key} must be [layers][heads][N][·]")
        if value is not None and value.shape[:2] != (out["layers"], out["heads"]):
            raise TraceFormatError(f"{key} has {value.shape[0]} layers × {value.shape[1]} heads, the trace "
                                   f"{out['layers']} × {out['heads']}")
        out[key] = value
    return out


def _check_blocks(trace: Trace) -> None:
    """Every step's alignment row has N numbers, and its blocks have the trace's layers and heads, N source
    columns, and t self-attention entries."""
    N = len(trace.source_tokens)
    for step in trace.steps:
        for key in ("e", "alpha"):
            value = getattr(step, key)
            if value is not None and value.shape != (N,):
                raise TraceFormatError(f"step {step.t}: {key} must have {N} numbers, one per source token")
        for kind, blocks, width in (("cross", step.cross, N), ("self", step.self_attn, step.t)):
            if blocks is None:
                continue
            if len(blocks) != trace.layers:
                raise TraceFormatError(f"step {step.t}: {kind} has {len(blocks)} layers, the trace {trace.layers}")
            for number, block in enumerate(blocks, 1):
                if block.alpha.shape != (trace.heads, width):
                    raise TraceFormatError(f"step {step.t}: {kind}[{number}].alpha must be {trace.heads} rows of "
                                           f"{width} numbers, not {'×'.join(map(str, block.alpha.shape))}")
