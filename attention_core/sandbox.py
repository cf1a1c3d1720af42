"""The worked example without a model: every score function and the attention steps in NumPy,
with the arithmetic written out (for the sandbox page; checked against the PyTorch modules)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .formulas import score_tex


@dataclass
class Weights:
    """The parameters a score function needs (W_a: general n×n, concat n_a×2n, location N×n; w_a: concat)."""

    W_a: np.ndarray | None = None
    w_a: np.ndarray | None = None


def random_weights(score: str, n: int, N: int, seed: int = 0, n_a: int | None = None) -> Weights:
    rng = np.random.default_rng(seed)
    n_a = n_a or n
    if score == "general":
        return Weights(W_a=np.round(rng.normal(0, 0.7, (n, n)), 2))
    if score == "concat":
        return Weights(W_a=np.round(rng.normal(0, 0.7, (n_a, 2 * n)), 2), w_a=np.round(rng.normal(0, 0.7, n_a), 2))
    if score == "location":
        return Weights(W_a=np.round(rng.normal(0, 0.7, (N, n)), 2))
    return Weights()


def scores(score: str, s: np.ndarray, H: np.ndarray, weights: Weights) -> np.ndarray:
    """e_t = [score(s_t, h_1), …, score(s_t, h_N)]"""
    n = len(s)
    if score == "dot":
        return H @ s
    if score == "scaled_dot":
        return H @ s / np.sqrt(n)
    if score == "general":
        return H @ (weights.W_a.T @ s)  # s_tᵀ W_a h_i
    if score == "concat":
        pairs = np.concatenate([np.repeat(s[None], len(H), axis=0), H], axis=1)  # [s_t; h_i] per row
        return np.tanh(pairs @ weights.W_a.T) @ weights.w_a
    if score == "location":
        return weights.W_a[: len(H)] @ s
    raise ValueError(f"unknown score function {score!r}")


def softmax(e: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """α = softmax(e / T), computed stably (max subtracted)."""
    z = e / temperature
    z = np.exp(z - z.max())
    return z / z.sum()


@dataclass
class Worked:
    e: np.ndarray
    alpha: np.ndarray
    a: np.ndarray
    concat: np.ndarray
    lines: list[str]  # LaTeX lines, one per computation


def _num(x: float) -> str:
    return f"{x:.3f}"


def _factor(x: float) -> str:
    """A number inside a product: negatives in parentheses (also -0.000, a small negative rounded)."""
    text = f"{x:.3f}"
    return f"({text})" if text.startswith("-") else text


def _vec(v: np.ndarray) -> str:
    return r"\left(" + ", ".join(_num(x) for x in v) + r"\right)"


def work(score: str, s: np.ndarray, H: np.ndarray, weights: Weights, temperature: float = 1.0) -> Worked:
    """Every quantity from e_t to [a_t; s_t], and the arithmetic that gives it, as LaTeX."""
    s, H = np.asarray(s, dtype=float), np.asarray(H, dtype=float)
    e = scores(score, s, H, weights)
    alpha = softmax(e, temperature)
    a = alpha @ H
    concat = np.concatenate([a, s])
    lines = []
    for i, h in enumerate(H, 1):
        if score in ("dot", "scaled_dot"):
            terms = " + ".join(f"{_factor(x)} \\cdot {_factor(y)}" for x, y in zip(s, h))
            scale = r"\tfrac{1}{\sqrt{" + str(len(s)) + "}}" if score == "scaled_dot" else ""
            lines.append(rf"e_t^{{{i}}} = {scale}\left({terms}\right) = {_num(e[i - 1])}")
        elif score == "general":
            lines.append(rf"e_t^{{{i}}} = {score_tex(score, i)} = {_vec(s)}^\top W_a {_vec(h)} = {_num(e[i - 1])}")
        elif score == "concat":
            lines.append(rf"e_t^{{{i}}} = {score_tex(score, i)} = {_num(e[i - 1])}")
        else:
            row = _vec(weights.W_a[i - 1])
            lines.append(rf"e_t^{{{i}}} = {score_tex(score, i)} = {row} \cdot {_vec(s)} = {_num(e[i - 1])}")
    z = e / temperature
    denominator = " + ".join(rf"e^{{{_num(x)}}}" for x in z)
    for i in range(len(H)):
        lines.append(rf"\alpha_t^{{{i + 1}}} = \frac{{e^{{{_num(z[i])}}}}}{{{denominator}}} = {_num(alpha[i])}")
    lines.append(r"\textstyle\sum_i \alpha_t^i = " + _num(alpha.sum()))
    rows = r" \\ &+ ".join(rf"{_num(alpha[i])}\,{_vec(H[i])}" for i in range(len(H)))
    lines.append(rf"\begin{{aligned}} a_t &= {rows} \\ &= {_vec(a)} \end{{aligned}}")
    lines.append(rf"[a_t; s_t] = {_vec(concat)}")
    return Worked(e=e, alpha=alpha, a=a, concat=concat, lines=lines)


def article_preset() -> tuple[list[str], np.ndarray, np.ndarray]:
    """"I am a student": four encoder states and a decoder state most like h_4 (numbers for illustration)."""
    tokens = ["I", "am", "a", "student"]
    H = np.array([[0.8, 0.1, -0.3, 0.2], [0.1, 0.9, 0.2, -0.4], [-0.2, 0.3, 0.7, 0.1], [0.3, -0.2, 0.4, 1.0]])
    s = np.array([0.4, -0.1, 0.5, 0.9])
    return tokens, H, s


def onehot_preset(N: int, n: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    H = np.eye(N, n)
    s = np.zeros(n)
    s[min(1, n - 1)] = 1.0
    return [f"x{i + 1}" for i in range(N)], H, s


def random_preset(N: int, n: int, seed: int) -> tuple[list[str], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return [f"x{i + 1}" for i in range(N)], np.round(rng.normal(0, 1, (N, n)), 2), np.round(rng.normal(0, 1, n), 2)
