"""A trace of your own PyTorch model: `TraceBuilder` takes what your decoding loop computes at each step (the
token, α_t and, if you have them, e_t, ŷ_t[token] and every layer's and head's α) and writes the DESIGN §2/§5
JSON the Upload page reads (attention_core.trace_files.read_traces). `record_cross_attention` captures the
per-head α of `nn.MultiheadAttention` modules as your code calls them, whatever need_weights it passes.

    from attention_core.recorder import TraceBuilder, record_cross_attention

    builder = TraceBuilder(source_words, model="my-model", layers=2, heads=4)   # N source tokens
    with record_cross_attention(*[layer.cross_attn for layer in model.layers]) as record:
        prefix = [BOS]
        for _ in range(max_len):
            p = model.decode(memory, torch.tensor([prefix])).softmax(-1)[0, -1]    # your code, unchanged
            token = int(p.argmax())
            builder.step(vocab[token], None, prob=float(p[token]), cross=record.last())  # (L, h, N)
            prefix.append(token)
            if token == EOS: break
    builder.write("traces.jsonl")   # appends one line (.json: writes one object)

alpha None takes the alignment row from `cross` at `alignment_from` (default layer 1, head 1); give it to show
another (say cross.mean over heads). Every α must be ≥ 0 and sum to 1 (Trace.from_dict checks it).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .trace import Trace

# nn.MultiheadAttention.forward's parameters after query, key, value, in order: a positional one is moved to
# the keywords so that need_weights and average_attn_weights can be set there.
_OPTIONS = ("key_padding_mask", "need_weights", "attn_mask", "average_attn_weights", "is_causal")


def _numbers(value, ndim: int, name: str) -> list:
    """A tensor, array or nested list as nested lists of floats with `ndim` axes."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().double().numpy()
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} axes, not shape {array.shape}")
    return array.tolist()


class TraceBuilder:
    """One decoding's trace, step by step: step(…) per emitted token, then trace() or write(path)."""

    def __init__(self, source_tokens: Sequence[str], *, model: str = "my-model", layers: int = 1, heads: int = 1,
                 source: str = "", alignment_from: dict | None = None) -> None:
        self.source_tokens = [str(tok) for tok in source_tokens]
        self.model, self.source, self.layers, self.heads = model, source, layers, heads
        self.alignment_from = dict(alignment_from or {"layer": 1, "head": 1})
        self.steps: list[dict] = []

    def step(self, token: str, alpha=None, *, e=None, prob: float | None = None, cross=None, self_attn=None) -> None:
        """Step t = len(steps) + 1: the token emitted; alpha (N,) its α_t over the source tokens (None: from
        cross); e (N,) the scores; prob ŷ_t[token]; cross (L, h, N): every layer's and head's α_t; self_attn
        (L, h, t): the decoder's masked self-attention over positions 1…t."""
        if alpha is None and cross is None:
            raise ValueError("give the step its alpha, or its cross blocks")
        out: dict = {"t": len(self.steps) + 1, "token": str(token)}
        for key, value in (("e", e), ("alpha", alpha)):
            if value is not None:
                out[key] = _numbers(value, 1, key)
        if prob is not None:
            out["prob"] = float(prob)
        for key, value in (("cross", cross), ("self", self_attn)):
            if value is not None:
                out[key] = [{"alpha": layer} for layer in _numbers(value, 3, key)]
        self.steps.append(out)

    def to_dict(self) -> dict:
        """The trace's JSON object (DESIGN §2, §5 when there are blocks); Trace.from_dict fills in the rest."""
        out: dict = {"model": self.model, "source": self.source, "source_tokens": self.source_tokens,
                     "steps": self.steps}
        if any("cross" in step or "self" in step for step in self.steps):
            out.update(architecture="transformer", layers=self.layers, heads=self.heads,
                       alignment_from=self.alignment_from)
        return out

    def trace(self) -> Trace:
        """The Trace, checked (TraceFormatError names the step and key of any fault)."""
        return Trace.from_dict(self.to_dict())

    def write(self, path: str | Path) -> Path:
        """.jsonl: append the trace as one line; .json: write it as the file's one object."""
        path = Path(path)
        if path.suffix.lower() not in (".json", ".jsonl"):
            raise ValueError(f"{path.name}: write a .json or .jsonl file")
        text = self.trace().to_json()
        if path.suffix.lower() == ".jsonl":
            with path.open("a", encoding="utf-8") as file:
                file.write(text + "\n")
        else:
            path.write_text(text, encoding="utf-8")
        return path


class AttentionRecord:
    """Per module, the α of each of its forward calls: calls[m][c] is (B, h, T_q, N) (need_weights=True,
    average_attn_weights=False: one row per head and query position)."""

    def __init__(self, modules: int) -> None:
        self.calls: list[list[torch.Tensor]] = [[] for _ in range(modules)]

    def _keep(self, index: int, module: nn.Module, args, output) -> None:
        weights = output[1]
        self.calls[index].append((weights if weights.dim() == 4 else weights[None]).detach().cpu())

    def last(self, batch: int = 0, position: int = -1) -> np.ndarray:
        """Each module's latest call, for sequence `batch` and query `position` (the newest: -1): (L, h, N)."""
        if not all(self.calls):
            raise ValueError("a module has not been called yet")
        return np.stack([calls[-1][batch, :, position].double().numpy() for calls in self.calls])

    def clear(self) -> None:
        for calls in self.calls:
            calls.clear()


def _force_weights(module: nn.Module, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    kwargs = dict(kwargs) | dict(zip(_OPTIONS, args[3:], strict=False))
    kwargs.update(need_weights=True, average_attn_weights=False)
    return args[:3], kwargs


@contextmanager
def record_cross_attention(*modules: nn.MultiheadAttention) -> Iterator[AttentionRecord]:
    """Within the block, every forward call of these modules (one per layer, in order) computes and keeps its
    per-head α (a forward pre-hook sets need_weights=True, average_attn_weights=False; the attention output is
    the same); the hooks are removed on leaving. Works as well for a self-attention module (α: (h, t))."""
    if not modules or not all(isinstance(m, nn.MultiheadAttention) for m in modules):
        raise TypeError("record_cross_attention takes nn.MultiheadAttention modules")
    record = AttentionRecord(len(modules))
    handles = []
    try:
        for index, module in enumerate(modules):
            handles.append(module.register_forward_pre_hook(_force_weights, with_kwargs=True))
            handles.append(module.register_forward_hook(functools.partial(record._keep, index)))
        yield record
    finally:
        for handle in handles:
            handle.remove()
