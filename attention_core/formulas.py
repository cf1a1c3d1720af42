"""The score functions by name and each one's formula (DESIGN §1): the one table that the model config,
the sandbox and the pages read. No torch here (the sandbox is NumPy only)."""

from __future__ import annotations

from string import Template

# score(q, h_i) in LaTeX: $q is the query (s_t; Bahdanau's s_{t-1}), $h the encoder state h_i, $i its index.
SCORE_TEX = {
    "dot": r"$q^\top $h",
    "scaled_dot": r"\frac{$q^\top $h}{\sqrt{n}}",
    "general": r"$q^\top W_a $h",
    "concat": r"w_a^\top \tanh\left(W_a [$q ; $h]\right)",  # additive (Bahdanau's alignment model)
    "location": r"(W_a $q)_{$i}",  # ignores h_i: one row of W_a per source position
}
SCORES = tuple(SCORE_TEX)


def score_tex(score: str, i: str | int = "i", query: str = "s_t") -> str:
    """score(query, h_i) in LaTeX, for source position `i` (a symbol or a number)."""
    return Template(SCORE_TEX[score]).substitute(q=query, h=f"h_{{{i}}}", i=i)
