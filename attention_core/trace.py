"""StepTrace and Trace: every intermediate quantity of a decoding, and the JSON of DESIGN §2 and §5.

A step of any model holds the alignment view (e, alpha, a: one row over the source) and, for a
multi-head model, its attention blocks per layer (`cross`, `self_attn`). A GRU trace read as multi-head
is one layer of one head: `StepTrace.blocks("cross")` derives that block from e, alpha and a.

Trace.from_dict reads a trace made by anyone (attention_core.trace_files reads files of them): every fault is one
TraceFormatError naming the key and where (step, layer, head); NaN, Infinity and non-numbers are refused, every α
must be a distribution (check_distribution), and what a trace not made by our models lacks gets a stated default.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .limits import MAX_TRACE_TOKENS
from .tokenizers import BOS

# The per-step vectors every model gives (e, alpha, a: None without attention), in the order of DESIGN §1.
VECTORS = ("s", "e", "alpha", "a", "concat", "s_tilde")
# What one attention block holds per head; alpha is always there, the others when the model exposes them.
BLOCK_FIELDS = ("q", "e", "alpha", "a")
# Every array a decoding stacks per step (step.stack_steps): the vectors, then the blocks as "cross.alpha" etc.
STEP_FIELDS = VECTORS + tuple(f"cross.{k}" for k in BLOCK_FIELDS) + ("self.alpha",)
ARCHITECTURES = ("rnn", "transformer")
MODES = ("greedy", "beam", "forced", "what-if")
BEAM_STATUSES = ("root", "kept", "pruned", "finished")  # a beam_tree node's (decoding.beam_search)
# Every α (a step's alpha, each head's row of a block, each row of encoder_self_attention) is a distribution:
# α ≥ 0 and |Σ α − 1| ≤ ALPHA_TOLERANCE (a float32 softmax sums to 1 within about 1e-6).
ALPHA_TOLERANCE = 1e-3


class TraceFormatError(ValueError):
    """A JSON text that is not a trace."""


def _array(value, name: str) -> np.ndarray | None:
    """A JSON array of finite numbers (nested lists of equal length) as float64; None stays None. Text that looks
    like a number ("1.5"), true/false, NaN and Infinity (which Python's json reads) are refused, naming `name`."""
    if value is None:
        return None
    if not isinstance(value, list | tuple):
        raise TraceFormatError(f"{name} must be a list of numbers")
    try:
        array = np.asarray(value)
    except (TypeError, ValueError, OverflowError):
        raise TraceFormatError(f"{name} must be a list of numbers (rows of equal length)") from None
    if array.dtype.kind not in "iuf":
        raise TraceFormatError(f"{name} must be a list of numbers")
    array = array.astype(np.float64, copy=False)
    if not np.isfinite(array).all():
        raise TraceFormatError(f"{name} must be finite numbers, not NaN or Infinity")
    return array


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    """A finite JSON number (an int of any size is finite)."""
    return _is_int(value) or (isinstance(value, float) and math.isfinite(value))


def _text(data: dict, key: str, default: str, where: str = "") -> str:
    """data[key] as text; absent (or null): `default`."""
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise TraceFormatError(f"{where}{key} must be text")
    return value


def _token(value, name: str) -> str:
    """A token is text; a token id (an integer) is read as its digits."""
    if isinstance(value, str):
        return value
    if _is_int(value):
        return str(value)
    raise TraceFormatError(f"{name} must be text")


def _tokens(value, name: str) -> list[str]:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_TRACE_TOKENS:
        got = f"{len(value):,} tokens" if isinstance(value, list) else type(value).__name__
        raise TraceFormatError(f"{name} must be a list of 1 to {MAX_TRACE_TOKENS} tokens, not {got}")
    return [_token(tok, f"{name}[{i}]") for i, tok in enumerate(value, 1)]


def check_distribution(alpha: np.ndarray, where: str, axes: tuple[str, ...] = (), at: tuple[str, ...] = ()) -> None:
    """Every row of alpha (its last axis: positions) is a distribution: α ≥ 0 and |Σ α − 1| ≤ ALPHA_TOLERANCE;
    else TraceFormatError naming `where`, the labels `at` (e.g. "layer 2") and the row by `axes`, the names of
    alpha's leading axes (1-based: "head 3")."""
    flat = alpha.reshape(-1, alpha.shape[-1])
    sums = flat.sum(axis=-1)
    lows = flat.min(axis=-1) if flat.shape[-1] else np.zeros(len(flat))
    bad = np.flatnonzero((lows < 0) | (np.abs(sums - 1.0) > ALPHA_TOLERANCE))
    if not bad.size:
        return
    first = int(bad[0])
    index = np.unravel_index(first, alpha.shape[:-1]) if alpha.ndim > 1 else ()
    labels = [*at, *(f"{name} {i + 1}" for name, i in zip(axes, index, strict=True))]
    named = where + (f" ({', '.join(labels)})" if labels else "")
    row = flat[first]
    if lows[first] < 0:
        i = int(row.argmin())
        raise TraceFormatError(f"{named} has a negative weight, {row[i]:.4g} at position {i + 1}: attention weights "
                               "are ≥ 0")
    raise TraceFormatError(f"{named} sums to {sums[first]:.4g}, not 1 (within {ALPHA_TOLERANCE:g})")


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
# Integrated gradients' baselines x' of this app (attribution.default_baseline picks one): blank text where the source
# vocabulary has a space, else zeros. A trace from elsewhere may name any other.
IG_BASELINES = {
    "blank": "blank text: every source token a space ' ', lengths and positions unchanged",
    "zeros": "zeros: every source token's embedding replaced by the zero vector, lengths and positions unchanged",
}

TOLERANCE = 0.05  # completeness: |Σ values − (logprob − baseline_logprob)| ≤ 5% of |logprob − baseline_logprob| …
ABS_FLOOR = 1e-3  # … or of this, where the difference is near 0


def baseline_name(agreement: dict) -> str:
    """The short name of the x′ an agreement measure (evaluate.attribution_agreement) was made from: 'blank text',
    'zeros', …; '—' for erasure. Measures without one recorded are of before 2026-12-03, all from zeros."""
    if agreement.get("method", "integrated_gradients") != "integrated_gradients":
        return "—"
    return agreement.get("baseline", IG_BASELINES["zeros"]).split(":")[0]


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
            if not _is_number(value):
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
    s: np.ndarray | None  # (n,); None: not given (a trace from a file)
    e: np.ndarray | None  # (N,)
    alpha: np.ndarray | None  # (N,)
    a: np.ndarray | None  # (n,)
    concat: np.ndarray | None  # (2n,) [a_t; s_t], or [c; s_t] without attention; None: not the model's (hf:)
    s_tilde: np.ndarray | None  # (n,); None where the model does not expose it (hf: models)
    token: str  # the token emitted (or, in forced decoding, given) at this step
    prob: float | None  # ŷ_t[token]; None: not given (a trace from a file)
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
        out["token"] = self.token
        if self.prob is not None:
            out["prob"] = float(self.prob)
        out["top_k"] = [[tok, float(p)] for tok, p in self.top_k]
        if self.cross is not None:
            out["cross"] = [block.to_dict() for block in self.cross]
        if self.self_attn is not None:
            out["self"] = [block.to_dict() for block in self.self_attn]
        if self.attribution is not None:
            out["attribution"] = self.attribution.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: object, number: int = 0, N: int | None = None, previous: str | None = None) -> StepTrace:
        """One step of a trace's JSON, step `number` (1-based; it must be its t); N (the source tokens) checks the
        length of its attribution. Only `token` is required: t defaults to `number`, input_token to `previous`
        (the token of the step before; the start marker at step 1), query to "unknown", top_k to none, and prob and
        every vector to None (not given). Trace.from_dict checks the shapes against the trace."""
        where = f"step {number}" if number else "a step"
        if not isinstance(data, dict):
            raise TraceFormatError(f"{where} must be an object")
        vectors = {key: _array(data.get(key), f"{where}: {key}") for key in VECTORS}
        for key, value in vectors.items():
            if value is not None and value.ndim != 1:
                raise TraceFormatError(f"{where}: {key} must be a list of numbers")
        blocks = {}
        for attr, key in (("cross", "cross"), ("self_attn", "self")):
            layers = data.get(key)
            if layers is not None and not isinstance(layers, list):
                raise TraceFormatError(f"{where}: {key} must be a list, one block per layer")
            blocks[attr] = None if layers is None else [
                AttentionBlock.from_dict(b, f"{where}: {key}[{i}]") for i, b in enumerate(layers, 1)]
        if data.get("attribution") is not None:
            blocks["attribution"] = Attribution.from_dict(data["attribution"], where, N)
        t = data.get("t", number or 1)
        if not _is_int(t) or (number and t != number):
            raise TraceFormatError(f"{where}: t must be {number or 'its step number'}, not {t!r}"[:200])
        if data.get("token") is None:
            raise TraceFormatError(f"{where}: token is missing (the token emitted at this step)")
        token = _token(data["token"], f"{where}: token")
        input_token = data.get("input_token")
        input_token = (BOS if previous is None else previous) if input_token is None else \
            _token(input_token, f"{where}: input_token")
        prob = data.get("prob")
        if prob is not None and not (_is_number(prob) and 0 <= prob <= 1 + ALPHA_TOLERANCE):
            raise TraceFormatError(f"{where}: prob must be a number from 0 to 1")
        return cls(t=t, input_token=input_token, query=_text(data, "query", "unknown", f"{where}: "), token=token,
                   prob=None if prob is None else float(prob), top_k=_top_k(data.get("top_k"), where),
                   **vectors, **blocks)


def _top_k(value, where: str) -> list[tuple[str, float]]:
    """A step's [[token, probability], …]; absent: none."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(pair, list | tuple) and len(pair) == 2 for pair in value):
        raise TraceFormatError(f"{where}: top_k must be a list of [token, probability] pairs")
    out = []
    for number, (tok, p) in enumerate(value, 1):
        if not (_is_number(p) and 0 <= p <= 1 + ALPHA_TOLERANCE):
            raise TraceFormatError(f"{where}: top_k[{number}] has no probability from 0 to 1")
        out.append((_token(tok, f"{where}: top_k[{number}]'s token"), float(p)))
    return out


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
    def log_prob(self) -> float | None:
        """log P(target | source) = Σ_t log ŷ_t[token_t]; None when a step's prob is not given (a file's trace)."""
        if any(step.prob is None for step in self.steps):
            return None
        return float(sum(np.log(max(step.prob, 1e-45)) for step in self.steps))

    @property
    def fixed_context(self) -> np.ndarray | None:
        """Without attention: the one context c every step reads (the first half of [c; s_t])."""
        if self.decoder != "none" or not self.steps or self.steps[0].concat is None or not self.encoder_states.size:
            return None  # (a trace from a file may give neither [c; s_t] nor H)
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
        """A trace from its JSON object (DESIGN §2, §5), made by our models or by anyone: any fault is one
        TraceFormatError saying where (the key; the step, layer and head). Required: source_tokens and steps, each
        step with its token and alpha or cross blocks (unless decoder is "none"). Defaults: model "uploaded", score
        and decoder "unknown", target_tokens the steps' tokens, encoder_states none given (shape (N, 0)), layers
        and heads those of the steps' cross blocks (then architecture "transformer") or 1, alignment_from layer 1
        head 1; a step without alpha takes it (and e, a) from its cross blocks at alignment_from. Every α is ≥ 0
        and sums to 1 within ALPHA_TOLERANCE; at most MAX_TRACE_TOKENS source tokens and steps."""
        try:
            return cls._read(data, nested=False)
        except RecursionError:
            raise TraceFormatError("the trace is nested too deeply") from None
        except (KeyError, TypeError, AttributeError, IndexError) as error:  # a fault no check above names
            raise TraceFormatError(f"the trace is malformed: {error}"[:300]) from None

    @classmethod
    def _read(cls, data: object, nested: bool) -> Trace:
        if not isinstance(data, dict):
            raise TraceFormatError("a trace is one JSON object")
        if data.get("source_tokens") is None:
            raise TraceFormatError("source_tokens is missing (the tokens attention is over)")
        source_tokens = _tokens(data["source_tokens"], "source_tokens")
        N, raw_steps = len(source_tokens), data.get("steps")
        if raw_steps is None:
            raise TraceFormatError("steps is missing (one object per decoding step)")
        if not isinstance(raw_steps, list) or not 1 <= len(raw_steps) <= MAX_TRACE_TOKENS:
            got = f"{len(raw_steps):,} steps" if isinstance(raw_steps, list) else type(raw_steps).__name__
            raise TraceFormatError(f"steps must be a list of 1 to {MAX_TRACE_TOKENS} steps, not {got}")
        steps, previous = [], None
        for number, raw in enumerate(raw_steps, 1):
            steps.append(StepTrace.from_dict(raw, number, N, previous))
            previous = steps[-1].token
        given = data.get("target_tokens")
        target_tokens = [step.token for step in steps] if given is None else _tokens(given, "target_tokens")
        if len(target_tokens) != len(steps):
            raise TraceFormatError(f"there must be one step per target token: {len(steps)} steps, "
                                   f"{len(target_tokens)} target_tokens")
        H = _array(data.get("encoder_states"), "encoder_states")
        H = np.zeros((N, 0)) if H is None or H.size == 0 else H  # (N, 0): not given
        if H.ndim != 2 or len(H) != N:
            raise TraceFormatError("encoder_states must have one row per source token")
        mode = _text(data, "mode", "greedy")
        if mode not in MODES:
            raise TraceFormatError(f"mode must be one of {', '.join(MODES)}")
        log_prob = data.get("log_prob")  # recomputed from the steps; a given one must be a number
        if log_prob is not None and not _is_number(log_prob):
            raise TraceFormatError("log_prob must be a finite number")
        trace = cls(
            model=_text(data, "model", "uploaded"), score=_text(data, "score", "unknown"),
            decoder=_text(data, "decoder", "unknown"), source=_text(data, "source", ""),
            prediction=_text(data, "prediction", ""), mode=mode, source_tokens=source_tokens,
            target_tokens=target_tokens, encoder_states=H, steps=steps,
            hypotheses=_hypotheses(cls, data.get("hypotheses"), nested), beam_tree=_beam_tree(data.get("beam_tree")),
            **_multi_head(data, steps, N),
        )
        _check_steps(trace)
        _check_alignment(data.get("alignment"), trace)
        return trace

    @classmethod
    def from_json(cls, text: str) -> Trace:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise TraceFormatError(f"not JSON: {error}") from None
        return cls.from_dict(data)


def _hypotheses(cls, value, nested: bool) -> list[Trace]:
    """Beam search's other hypotheses, each a trace without hypotheses of its own."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise TraceFormatError("hypotheses must be a list of traces")
    if nested and value:
        raise TraceFormatError("a hypothesis has no hypotheses of its own")
    out = []
    for number, item in enumerate(value, 1):
        try:
            out.append(cls._read(item, nested=True))
        except TraceFormatError as error:
            raise TraceFormatError(f"hypotheses[{number}]: {error}") from None
    return out


def _beam_tree(value) -> list[dict]:
    """Beam search's candidates (decoding.beam_search): node i has id i, the id of an earlier node as its parent
    (the root, node 0: none), its step t, token, log_prob (Σ log ŷ so far), status and, when finished, a rank."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise TraceFormatError("beam_tree must be a list of objects, one per candidate")
    for i, node in enumerate(value):
        where = f"beam_tree node {i}"
        if not isinstance(node, dict) or node.get("id") != i or not _is_int(node["id"]):
            raise TraceFormatError(f"{where} must be an object with id {i}")
        parent = node.get("parent")
        if not (parent is None if i == 0 else _is_int(parent) and 0 <= parent < i):
            raise TraceFormatError(f"{where}: parent must be the id of an earlier node")
        if not (_is_int(node.get("t")) and node["t"] >= 0 and isinstance(node.get("token"), str)
                and _is_number(node.get("log_prob")) and node.get("status") in BEAM_STATUSES):
            raise TraceFormatError(f"{where} must have t, token, log_prob and a status ({', '.join(BEAM_STATUSES)})")
        if node.get("rank") is not None and not (_is_int(node["rank"]) and node["rank"] >= 0):
            raise TraceFormatError(f"{where}: rank must be a whole number from 0")
    return list(value)


def _multi_head(data: dict, steps: list[StepTrace], N: int) -> dict:
    """The DESIGN §5 keys of a trace. Defaults: the shape of the first step's cross blocks (architecture
    "transformer"), or without blocks one layer of one head (as a GRU)."""
    blocks = steps[0].cross
    shape = {"layers": len(blocks), "heads": len(blocks[0].alpha)} if blocks else {"layers": 1, "heads": 1}
    architecture = _text(data, "architecture", "rnn" if blocks is None else "transformer")
    if architecture not in ARCHITECTURES:
        raise TraceFormatError(f"architecture must be one of {', '.join(ARCHITECTURES)}, not {architecture!r}"[:200])
    out: dict = {"architecture": architecture}
    for key in ("layers", "heads", "d_k"):
        value = data.get(key)
        value = shape.get(key) if value is None else value  # null: as absent
        if value is not None and (not _is_int(value) or value < 1):
            raise TraceFormatError(f"{key} must be a positive integer")
        out[key] = value
    where = data.get("alignment_from", {"layer": 1, "head": 1})
    if not isinstance(where, dict) or set(where) != {"layer", "head"}:
        raise TraceFormatError('alignment_from must be {"layer": ℓ, "head": j or "mean"}')
    layer, head = where["layer"], where["head"]
    if not (_is_int(layer) and 1 <= layer <= out["layers"]):
        raise TraceFormatError(f"alignment_from.layer must be 1 to {out['layers']}")
    if not (head == "mean" or (_is_int(head) and 1 <= head <= out["heads"])):
        raise TraceFormatError(f'alignment_from.head must be 1 to {out["heads"]} or "mean"')
    out["alignment_from"] = {"layer": layer, "head": head}
    for key in ("encoder_self_attention", "cross_keys", "cross_values"):
        value = _array(data.get(key), key)
        if value is not None and value.ndim != 4:
            raise TraceFormatError(f"{key} must be [layers][heads][N][·]")
        if value is not None and value.shape[:2] != (out["layers"], out["heads"]):
            raise TraceFormatError(f"{key} has {value.shape[0]} layers × {value.shape[1]} heads, the trace "
                                   f"{out['layers']} × {out['heads']}")
        if key == "encoder_self_attention" and value is not None:
            if value.shape[2:] != (N, N):
                raise TraceFormatError(f"{key} must be [layers][heads][N][N] with N = {N} source tokens")
            check_distribution(value, key, axes=("layer", "head", "row"))
        elif value is not None and value.shape[2] != N:
            raise TraceFormatError(f"{key} must be [layers][heads][N][d_k] with N = {N} source tokens")
        out[key] = value
    return out


def _alignment_view(step: StepTrace, alignment_from: dict) -> None:
    """A step given only its cross blocks gets its alignment row from them, as a model's trace has it (DESIGN
    §5): alpha = cross[ℓ].alpha[j] of alignment_from, e and a that head's; or, for "mean", the mean over heads."""
    block, head = step.cross[alignment_from["layer"] - 1], alignment_from["head"]
    if head == "mean":
        step.alpha = block.alpha.mean(axis=0)
        return
    step.alpha = block.alpha[head - 1]
    for key in ("e", "a"):
        if getattr(step, key) is None and getattr(block, key) is not None:
            setattr(step, key, getattr(block, key)[head - 1])


def _check_steps(trace: Trace) -> None:
    """Every step has what step 1 has (the same vectors and blocks, of the same lengths); its alignment row N
    numbers, and its blocks the trace's layers and heads, N source columns and t self-attention entries; every
    α a distribution (check_distribution)."""
    N, first = len(trace.source_tokens), trace.steps[0]
    if first.cross is None and (trace.layers, trace.heads) != (1, 1):
        raise TraceFormatError(f"the trace has {trace.layers} layers × {trace.heads} heads, but its steps no cross "
                               "blocks")
    for step in trace.steps:
        where = f"step {step.t}"
        for kind, attr, width in (("cross", "cross", N), ("self", "self_attn", step.t)):
            blocks = getattr(step, attr)
            if (blocks is None) != (getattr(first, attr) is None):
                raise TraceFormatError(f"{where} has {'no ' if blocks is None else ''}{kind} blocks, step 1 "
                                       f"{'has' if blocks is None else 'none'}")
            if blocks is None:
                continue
            if len(blocks) != trace.layers:
                raise TraceFormatError(f"{where}: {kind} has {len(blocks)} layers, the trace {trace.layers}")
            for number, block in enumerate(blocks, 1):
                name = f"{where}: {kind}[{number}]"
                if block.alpha.shape != (trace.heads, width):
                    raise TraceFormatError(f"{name}.alpha must be {trace.heads} rows of {width} numbers, not "
                                           f"{'×'.join(map(str, block.alpha.shape))}")
                if block.e is not None and block.e.shape != block.alpha.shape:
                    raise TraceFormatError(f"{name}.e must be {trace.heads} rows of {width} numbers, as alpha")
                for key in ("q", "a"):
                    if getattr(block, key) is not None and len(getattr(block, key)) != trace.heads:
                        raise TraceFormatError(f"{name}.{key} must have {trace.heads} rows, one per head")
                check_distribution(block.alpha, f"{name}.alpha", axes=("head",), at=(f"layer {number}",))
        if step.alpha is None and step.cross is not None:
            _alignment_view(step, trace.alignment_from)
        for key in VECTORS:
            value, ref = getattr(step, key), getattr(first, key)
            if (value is None) != (ref is None):
                raise TraceFormatError(f"{where} has {'no ' if value is None else ''}{key}, step 1 "
                                       f"{'has one' if value is None else 'none'}")
            if value is None:
                continue
            if key in ("e", "alpha") and value.shape != (N,):
                raise TraceFormatError(f"{where}: {key} must have {N} numbers, one per source token")
            if value.shape != ref.shape:
                raise TraceFormatError(f"{where}: {key} has {len(value)} numbers, step 1's {len(ref)}")
        if step.alpha is None and trace.decoder != "none":
            raise TraceFormatError(f"{where}: alpha is missing (give each step its alpha, or its cross blocks)")
        if step.alpha is not None:
            check_distribution(step.alpha, f"{where}: alpha")


def _check_alignment(value, trace: Trace) -> None:
    """A given "alignment" (written by to_dict; recomputed on reading) must be the steps' alpha."""
    given = _array(value, "alignment")
    if given is None:
        return
    own = trace.alignment
    if own is None:
        raise TraceFormatError("alignment is given, but the steps have no alpha")
    if given.shape != own.shape:
        raise TraceFormatError(f"alignment must be {own.shape[0]} rows of {own.shape[1]} numbers, the steps' alpha")
    differ = np.flatnonzero(~np.isclose(given, own, rtol=0, atol=1e-6).all(axis=1))
    if differ.size:
        raise TraceFormatError(f"alignment row {differ[0] + 1} is not step {differ[0] + 1}'s alpha")
