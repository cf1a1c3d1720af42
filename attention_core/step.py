"""One shape of a decoder step, for every model (DESIGN §1, §5).

A model's `step` returns a `StepOut` (batched tensors); `stack_steps` turns a decoding's steps into
arrays (B, T, ·) under the names of `STEP_FIELDS`; `translator.build_traces` is the one place that turns
those arrays into `StepTrace`s. A GRU fills the alignment view (e, alpha, a) and leaves `cross` and
`self_attn` empty; a Transformer fills all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import torch

# The per-step vectors every model gives (e, alpha, a: None without attention), in the order of DESIGN §1.
VECTORS = ("s", "e", "alpha", "a", "concat", "s_tilde")
# What one attention block holds per head; alpha is always there, the others when the model exposes them.
BLOCK_FIELDS = ("q", "e", "alpha", "a")
# Every array a decoding stacks per step: the vectors, then the blocks of each layer as "cross.alpha" etc.
STEP_FIELDS = VECTORS + tuple(f"cross.{k}" for k in BLOCK_FIELDS) + ("self.alpha",)


class Attention(NamedTuple):
    """One attention call of one layer, every head, batched: q (B, h, d_k), e and alpha (B, h, N), a (B, h, d_k)."""

    q: torch.Tensor | None
    e: torch.Tensor | None
    alpha: torch.Tensor
    a: torch.Tensor | None


class StepOut(NamedTuple):
    """Every intermediate quantity of one decoder step t, batched over B sequences.

    s (B, n): the decoder state (GRU) or the top layer's output at t (Transformer); e, alpha (B, N) and a (B, ·):
    the alignment view, None without attention; concat (B, ·): [a_t; s_t], [c; s_t] or the joined heads;
    s_tilde (B, n): what the output layer reads; logits (B, V); cross, self_attn: one Attention per layer
    (Transformer only; self-attention's alpha is (B, h, t)).
    """

    s: torch.Tensor
    e: torch.Tensor | None
    alpha: torch.Tensor | None
    a: torch.Tensor | None
    concat: torch.Tensor
    s_tilde: torch.Tensor
    logits: torch.Tensor
    cross: tuple[Attention, ...] | None = None
    self_attn: tuple[Attention, ...] | None = None

    def fields(self) -> dict[str, torch.Tensor | None]:
        """The step under the names of STEP_FIELDS: blocks stacked over layers to (B, L, h, ·)."""
        out: dict[str, torch.Tensor | None] = {key: getattr(self, key) for key in VECTORS}
        for key in BLOCK_FIELDS:
            values = None if self.cross is None else [getattr(block, key) for block in self.cross]
            out[f"cross.{key}"] = None if values is None or values[0] is None else torch.stack(values, dim=1)
        out["self.alpha"] = None if self.self_attn is None else torch.stack([b.alpha for b in self.self_attn], 1)
        return out


# A what-if edit of the attention: (e_t, α_t) -> the α_t to use instead, both (B, N).
AlphaEdit = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class EditAt:
    """Where a what-if edit applies: the cross-attention of `layer` (1-based), one `head` (1-based) or every
    head of that layer (head None). A GRU has one layer of one head."""

    fn: AlphaEdit
    layer: int = 1
    head: int | None = None

    def apply(self, e: torch.Tensor, alpha: torch.Tensor) -> torch.Tensor:
        """α (B, h, N) with the edit applied to the chosen heads; e likewise (B, h, N)."""
        heads = range(alpha.shape[1]) if self.head is None else [self.head - 1]
        alpha = alpha.clone()
        for j in heads:
            alpha[:, j] = self.fn(e[:, j], alpha[:, j])
        return alpha


def stack_steps(outs: list[StepOut]) -> dict[str, np.ndarray | None]:
    """A decoding's steps as arrays (B, T, ·) keyed by STEP_FIELDS; self-attention padded with 0 to T."""
    per_step = [out.fields() for out in outs]
    T = len(outs)
    stacked: dict[str, np.ndarray | None] = {}
    for key in STEP_FIELDS:
        if per_step[0][key] is None:
            stacked[key] = None
        elif key == "self.alpha":  # step t sees t positions: pad the last axis to T
            stacked[key] = torch.stack([torch.nn.functional.pad(f[key], (0, T - f[key].shape[-1]))
                                        for f in per_step], dim=1).numpy()
        else:
            stacked[key] = torch.stack([f[key] for f in per_step], dim=1).numpy()
    return stacked


def row(out: StepOut, j: int) -> StepOut:
    """Sequence j of a batched step, batch dimension kept (1, ·)."""
    def pick(v):
        return None if v is None else v[j:j + 1]

    def blocks(bs):
        return None if bs is None else tuple(Attention(*(pick(v) for v in b)) for b in bs)

    return StepOut(*(pick(v) for v in out[:7]), cross=blocks(out.cross), self_attn=blocks(out.self_attn))
