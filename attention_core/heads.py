"""A multi-head trace seen from one layer's head: the views' one way to change which attention they draw.

A trace's steps carry one alignment view (e, α, a of DESIGN §5 `alignment_from`) and every layer's
blocks. `at_head(trace, ℓ, j)` is the same trace with the view of head j of layer ℓ:

    e_t = cross[ℓ].e[j],  α_t = cross[ℓ].alpha[j],  a_t = cross[ℓ].a[j],  concat_t = [a_t^1; …; a_t^h] of layer ℓ

and with j = "mean" the layer's mean ᾱ_t = (1/h) Σ_j α_t^j (no e, a: a mean of scores is no score).
Nothing is computed again: every number is one the model produced.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .trace import Trace

MEAN = "mean"


def head_choices(trace: Trace) -> list[tuple[int, int | str]]:
    """Every view a trace offers, layer by layer: (ℓ, "mean"), (ℓ, 1), …, (ℓ, h); one head: [(1, 1)]."""
    if trace.heads == 1:
        return [(ell, 1) for ell in range(1, trace.layers + 1)]
    return [(ell, head) for ell in range(1, trace.layers + 1) for head in (MEAN, *range(1, trace.heads + 1))]


def of_head(per_head: np.ndarray, head: int | str) -> np.ndarray:
    """One head's rows of a block's per-head array (h, ·): head j (1-based), or "mean" = (1/h) Σ_j."""
    return per_head.mean(axis=0) if head == MEAN else per_head[head - 1]


def is_multi_head(trace: Trace) -> bool:
    """A trace with more than one attention to choose from (layers × heads > 1)."""
    return trace.layers * trace.heads > 1 and bool(trace.steps) and trace.steps[0].cross is not None


def at_head(trace: Trace, layer: int, head: int | str) -> Trace:
    """`trace` viewed from head `head` (1-based, or "mean") of layer `layer` (1-based); the trace itself when
    that is its view already. The steps' other fields (s, s̃, top k, blocks) are shared, not copied."""
    if (layer, head) not in head_choices(trace):
        raise ValueError(f"no head {head!r} in layer {layer} of a trace with {trace.layers} × {trace.heads}")
    where = {"layer": layer, "head": head}
    if where == trace.alignment_from or not is_multi_head(trace):
        return trace
    steps = []
    for step in trace.steps:
        block = step.cross[layer - 1]
        if head == MEAN:
            view = dict(e=None, alpha=of_head(block.alpha, MEAN), a=None)
        else:
            view = {key: None if getattr(block, key) is None else getattr(block, key)[head - 1]
                    for key in ("e", "alpha", "a")}
        # the joined heads belong to the layer: [a_t^1; …; a_t^h] (None where the model gives no a)
        joined = None if block.a is None else np.concatenate(list(block.a))
        steps.append(dataclasses.replace(step, **view, concat=joined if joined is not None else step.concat))
    return dataclasses.replace(trace, steps=steps, alignment_from=where)


def values_of(trace: Trace) -> np.ndarray | None:
    """What stage 3 weighs for the view's head: v_i^j (N, d_k) of a Transformer's head, H (N, n) of a GRU;
    None for a mean over heads or a model that does not expose them."""
    if trace.architecture == "rnn":
        return trace.encoder_states if trace.encoder_states.size else None  # (N, 0): a file's trace without H
    head = trace.alignment_from["head"]
    if head == MEAN or trace.cross_values is None:
        return None
    return trace.cross_values[trace.alignment_from["layer"] - 1, head - 1]


def keys_of(trace: Trace) -> np.ndarray | None:
    """k_i^j (N, d_k) of the view's head; None for a mean, a GRU or a model that does not expose them."""
    head = trace.alignment_from["head"]
    if trace.architecture == "rnn" or head == MEAN or trace.cross_keys is None:
        return None
    return trace.cross_keys[trace.alignment_from["layer"] - 1, head - 1]


def query_of(trace: Trace, t: int) -> np.ndarray | None:
    """q_t^j (d_k,) of the view's head at step t; None for a mean, a GRU or a model that does not expose it."""
    head = trace.alignment_from["head"]
    if trace.architecture == "rnn" or head == MEAN or trace.steps[t - 1].cross is None:
        return None
    block = trace.steps[t - 1].cross[trace.alignment_from["layer"] - 1]
    return None if block.q is None else block.q[head - 1]
