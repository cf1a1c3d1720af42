"""Score functions e_t^i = score(s, h_i) (DESIGN §1; Luong et al. 2015, Table 1).

Each module splits its work in two: `keys(H)` runs once per source sentence (whatever does not
depend on the query), `forward(s, K)` runs at every decoding step and returns e_t of shape (B, N).
"""

from __future__ import annotations

import math

import torch
from torch import nn


class Score(nn.Module):
    """score(s, h_i) for every i at once."""

    def keys(self, H: torch.Tensor) -> torch.Tensor:
        """Per-sentence precomputation; the identity for the dot scores."""
        return H  # (B, N, n)

    def forward(self, s: torch.Tensor, K: torch.Tensor) -> torch.Tensor:  # pragma: no cover - abstract
        raise NotImplementedError


class DotScore(Score):
    """e_t^i = s_tᵀ h_i"""

    def forward(self, s, K):
        return torch.bmm(K, s.unsqueeze(-1)).squeeze(-1)  # (B, N)


class ScaledDotScore(Score):
    """e_t^i = s_tᵀ h_i / √n"""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def forward(self, s, K):
        return torch.bmm(K, s.unsqueeze(-1)).squeeze(-1) / math.sqrt(self.n)  # (B, N)


class GeneralScore(Score):
    """e_t^i = s_tᵀ W_a h_i"""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.W_a = nn.Parameter(torch.empty(n, n))
        nn.init.xavier_uniform_(self.W_a)

    def keys(self, H):
        return H @ self.W_a.T  # (B, N, n): row i is W_a h_i

    def forward(self, s, K):
        return torch.bmm(K, s.unsqueeze(-1)).squeeze(-1)  # (B, N)


class ConcatScore(Score):
    """e_t^i = w_aᵀ tanh(W_a [s ; h_i])  (additive; Bahdanau's alignment model)"""

    def __init__(self, n: int, n_a: int) -> None:
        super().__init__()
        self.n = n
        self.W_a = nn.Parameter(torch.empty(n_a, 2 * n))
        self.w_a = nn.Parameter(torch.empty(n_a))
        nn.init.xavier_uniform_(self.W_a)
        nn.init.uniform_(self.w_a, -1 / math.sqrt(n_a), 1 / math.sqrt(n_a))

    def keys(self, H):
        return H @ self.W_a[:, self.n:].T  # (B, N, n_a): the h_i half of W_a [s ; h_i]

    def forward(self, s, K):
        query = s @ self.W_a[:, : self.n].T  # (B, n_a): the s half
        return torch.tanh(K + query.unsqueeze(1)) @ self.w_a  # (B, N)


class LocationScore(Score):
    """e_t = W_a s_t  (ignores h_i; W_a has one row per source position up to a fixed max N)"""

    def __init__(self, n: int, max_N: int) -> None:
        super().__init__()
        self.W_a = nn.Parameter(torch.empty(max_N, n))
        nn.init.xavier_uniform_(self.W_a)

    def forward(self, s, K):
        return (s @ self.W_a.T)[:, : K.shape[1]]  # (B, N)


def make_score(name: str, n: int, n_a: int, max_N: int) -> Score:
    if name == "dot":
        return DotScore()
    if name == "scaled_dot":
        return ScaledDotScore(n)
    if name == "general":
        return GeneralScore(n)
    if name == "concat":
        return ConcatScore(n, n_a)
    if name == "location":
        return LocationScore(n, max_N)
    raise ValueError(f"unknown score function {name!r}")
