"""What-if edits of α_t at one decoder step: all attention on one token, one token masked and the rest
renormalised, a temperature on e_t, or typed-in values. Each edit maps (e_t, α_t) to the α_t to use."""

from __future__ import annotations

import numpy as np
import torch

from .step import AlphaEdit

EDITS = ("one_hot", "mask", "temperature", "values")


def one_hot(i: int) -> AlphaEdit:
    """α_t^j = 1 if j = i else 0"""
    def edit(e, alpha):
        out = torch.zeros_like(alpha)
        out[:, i] = 1.0
        return out
    return edit


def mask(i: int) -> AlphaEdit:
    """α_t^i = 0, the others renormalised to sum to 1 (uniform over the rest if α_t^i was all of it)."""
    def edit(e, alpha):
        out = alpha.clone()
        out[:, i] = 0.0
        total = out.sum(dim=-1, keepdim=True)
        if float(total.min()) <= 1e-12:
            out = torch.ones_like(alpha)
            out[:, i] = 0.0
            total = out.sum(dim=-1, keepdim=True)
        return out / total
    return edit


def temperature(T: float) -> AlphaEdit:
    """α_t = softmax(e_t / T)"""
    if not T > 0:
        raise ValueError("the temperature must be positive")
    return lambda e, alpha: torch.softmax(e / T, dim=-1)


def values(v) -> AlphaEdit:
    """Typed-in weights, made non-negative and normalised to sum to 1."""
    w = np.asarray(v, dtype=float)
    if w.ndim != 1 or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise ValueError("the weights must be non-negative numbers with a positive sum")
    w = w / w.sum()

    def edit(e, alpha):
        if alpha.shape[-1] != len(w):
            raise ValueError(f"give {alpha.shape[-1]} weights, one per source token")
        return torch.tensor(w, dtype=alpha.dtype).expand_as(alpha).clone()
    return edit


def make_edit(kind: str, *, index: int = 0, T: float = 1.0, weights=None) -> AlphaEdit:
    if kind == "one_hot":
        return one_hot(index)
    if kind == "mask":
        return mask(index)
    if kind == "temperature":
        return temperature(T)
    if kind == "values":
        return values(weights)
    raise ValueError(f"unknown edit {kind!r}; choose one of {', '.join(EDITS)}")
