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

from .trace import BLOCK_FIELDS, STEP_FIELDS, VECTORS  # the names of a step's fields, torch-free


class Attention(NamedTuple):
    """One attention call of one layer, every head, batched: q (B, h, T, d_k), e and alpha (B, h, T, N),
    a (B, h, T, d_k), T being the query positions (one in a decoding step)."""

    q: torch.Tensor | None
    e: torch.Tensor | None
    alpha: torch.Tensor
    a: torch.Tensor | None


class StepOut(NamedTuple):
    """Every intermediate quantity of one decoder step t, batched over B sequences.

    s (B, n): the decoder state (GRU) or the top layer's output at t (Transformer); e, alpha (B, N) and a (B, ·):
    the alignment view (None without attention; a multi-head model may leave it to `stack_steps`, which takes
    it from `cross`); concat (B, ·): [a_t; s_t], [c; s_t] or the joined heads; s_tilde (B, n): what the output
    layer reads; logits (B, V); cross, self_attn: one Attention per layer with its one query position
    (B, h, 1, ·) (multi-head models; self-attention's alpha is (B, h, 1, t)).
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


def stack_steps(outs: list[StepOut], alignment_from: dict | None = None) -> dict[str, np.ndarray | None]:
    """A decoding's steps as arrays (B, T, ·) keyed by STEP_FIELDS: blocks as (B, T, L, h, ·), self-attention
    padded with 0 to T positions. Where the steps have blocks but no alignment view, the view is taken here
    from `alignment_from` (1-based layer, head or "mean"): α of that head, or the layer's mean over heads
    (then e and a stay None: a mean of scores is no score).

    Stacked once per decoding rather than once per step: at a Transformer's sizes every tensor op costs
    about as much as the arithmetic it does."""
    T = len(outs)
    stacked: dict[str, np.ndarray | None] = dict.fromkeys(STEP_FIELDS)
    for key in VECTORS:
        if getattr(outs[0], key) is not None:
            stacked[key] = torch.stack([getattr(o, key) for o in outs], 1).numpy()
    first = outs[0].cross
    for key in BLOCK_FIELDS:
        if first is None or getattr(first[0], key) is None:
            continue
        L = len(first)
        flat = torch.stack([getattr(block, key) for o in outs for block in o.cross]).numpy()  # (T·L, B, h, 1, ·)
        stacked[f"cross.{key}"] = flat.reshape(T, L, *flat.shape[1:3], -1).transpose(2, 0, 1, 3, 4)
    if outs[0].self_attn is not None:
        B, h = outs[0].self_attn[0].alpha.shape[:2]
        selfs = np.zeros((B, T, len(outs[0].self_attn), h, T), dtype=np.float32)
        for t, o in enumerate(outs):  # step t sees t + 1 positions: the rest stays 0
            for ell, block in enumerate(o.self_attn):
                selfs[:, t, ell, :, : t + 1] = block.alpha[:, :, 0].numpy()
        stacked["self.alpha"] = selfs
    if stacked["alpha"] is None and stacked["cross.alpha"] is not None and alignment_from is not None:
        layer, head = alignment_from["layer"] - 1, alignment_from["head"]
        view = {key: stacked[f"cross.{key}"] for key in ("e", "alpha", "a")}
        if head == "mean":
            stacked["alpha"] = view["alpha"][:, :, layer].mean(axis=2)
        else:
            for key, arr in view.items():
                stacked[key] = None if arr is None else np.ascontiguousarray(arr[:, :, layer, head - 1])
    return stacked


def row(out: StepOut, j: int) -> StepOut:
    """Sequence j of a batched step, batch dimension kept (1, ·)."""
    def pick(v):
        return None if v is None else v[j:j + 1]

    def blocks(bs):
        return None if bs is None else tuple(Attention(*(pick(v) for v in b)) for b in bs)

    return StepOut(*(pick(v) for v in out[:7]), cross=blocks(out.cross), self_attn=blocks(out.self_attn))
