"""The worked example of multi-head attention (DESIGN §5) without a model: NumPy, head by head, with the
arithmetic written out (the sandbox page's multi-head mode; checked against transformer.MultiHeadAttention).

Per head j of h, with d_k = d_model / h, head j holding rows (j-1)·d_k … j·d_k - 1 of each W (as the
module's `split` does):

    q_t^j = W_Q^j x_t,   k_i^j = W_K^j h_i,   v_i^j = W_V^j h_i
    e_t^{j,i} = q_t^j · k_i^j / √d_k,   α_t^j = softmax(e_t^j),   a_t^j = Σ_i α_t^{j,i} v_i^j
    o_t = W_O [a_t^1; …; a_t^h]

Vectors are columns (q = W_Q x), so each W is the matrix an nn.Linear holds as its weight; Vaswani's
[a^1; …; a^h] W_O is the same product written with rows. No biases: the sandbox's W are the whole map.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .sandbox import _factor, _num, _vec, article_preset, softmax

MAX_HEADS = 4
D_MODELS = (4, 6, 8)


def head_counts(d_model: int) -> list[int]:
    """The h that split d_model into heads of equal size d_k = d_model / h, up to MAX_HEADS."""
    return [h for h in range(1, MAX_HEADS + 1) if d_model % h == 0]


def split(v: np.ndarray, h: int) -> np.ndarray:
    """(…, d_model) → (h, …, d_k): head j gets components (j-1)·d_k … j·d_k - 1 (q: (h, d_k); K: (h, N, d_k))."""
    v = np.asarray(v, dtype=float)
    if v.shape[-1] % h:
        raise ValueError(f"d_model = {v.shape[-1]} does not split into {h} heads")
    return np.moveaxis(v.reshape(*v.shape[:-1], h, v.shape[-1] // h), -2, 0)


@dataclass
class Projections:
    """W_Q, W_K, W_V (d_model × d_model; q = W_Q x) and W_O (d_model × d_model, or None: the heads joined only)."""

    W_Q: np.ndarray
    W_K: np.ndarray
    W_V: np.ndarray
    W_O: np.ndarray | None = None


def project(x: np.ndarray, H: np.ndarray, W: Projections) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """q_t = W_Q x_t (d_model,), K = rows W_K h_i (N, d_model), V = rows W_V h_i (N, d_model), before the split."""
    x, H = np.asarray(x, dtype=float), np.asarray(H, dtype=float)
    return W.W_Q @ x, H @ W.W_K.T, H @ W.W_V.T


@dataclass
class WorkedHeads:
    """Every head's q (h, d_k), k, v (h, N, d_k), e, α (h, N), a (h, d_k); the heads joined (d_model,) and
    projected by W_O (None without W_O); LaTeX lines: one list per head, then the join's."""

    q: np.ndarray
    k: np.ndarray
    v: np.ndarray
    e: np.ndarray
    alpha: np.ndarray
    a: np.ndarray
    joined: np.ndarray
    out: np.ndarray | None
    head_lines: list[list[str]]
    joined_lines: list[str]

    @property
    def h(self) -> int:
        return len(self.q)

    @property
    def d_k(self) -> int:
        return self.q.shape[1]


def sup(j: int | str) -> str:
    return f"^{{{j}}}"


TERMS_PER_LINE = 4  # a longer sum is broken over lines: on one, 8 products ran past the page's width


def _sum_line(left: str, row: np.ndarray, v: np.ndarray, value: float, scale: str = "") -> str:
    """left = scale (row · v, term by term) = value: one line, or an aligned block of TERMS_PER_LINE terms a line."""
    terms = [f"{_factor(w)} \\cdot {_factor(x)}" for w, x in zip(row, v)]
    if len(terms) <= TERMS_PER_LINE:
        return rf"{left} = {scale}\left({' + '.join(terms)}\right) = {_num(value)}"
    chunks = [" + ".join(terms[k:k + TERMS_PER_LINE]) for k in range(0, len(terms), TERMS_PER_LINE)]
    body = r" \\ &\qquad + ".join(chunks)
    # the left side on a row of its own: the terms get the whole width
    return rf"\begin{{aligned}} &{left} \\ &= {scale}\big( {body} \big) \\ &= {_num(value)} \end{{aligned}}"


def _pair_line(k: str, v: str, d_k: int) -> str:
    """k_i^j and v_i^j side by side, or one above the other when long."""
    return rf"{k},\quad {v}" if d_k <= TERMS_PER_LINE else rf"\begin{{gathered}} {k} \\ {v} \end{{gathered}}"


def work_projected(q: np.ndarray, K: np.ndarray, V: np.ndarray, h: int, W_O: np.ndarray | None = None,
                   query_lines: list[list[str]] | None = None) -> WorkedHeads:
    """From the projected q_t (d_model,), K, V (N, d_model): split into h heads, each head's e, α, a; then
    [a_t^1; …; a_t^h] and, with W_O, o_t = W_O [a_t^1; …; a_t^h]. `query_lines`: per head, the lines of its
    projections (work_heads), put before its scores."""
    qh, kh, vh = split(q, h), split(K, h), split(V, h)
    d_k = qh.shape[1]
    e = np.einsum("jd,jnd->jn", qh, kh) / np.sqrt(d_k)  # e_t^{j,i} = q_t^j · k_i^j / √d_k
    alpha = np.stack([softmax(row) for row in e])
    a = np.einsum("jn,jnd->jd", alpha, vh)  # a_t^j = Σ_i α_t^{j,i} v_i^j
    joined = a.reshape(-1)  # [a_t^1; …; a_t^h]
    out = None if W_O is None else np.asarray(W_O, dtype=float) @ joined
    head_lines = []
    for j in range(h):
        J = j + 1
        lines = list(query_lines[j]) if query_lines else []
        if not query_lines:  # given directly: say what this head's part of q, K, V is
            lines.append(rf"q_t{sup(J)} = {_vec(qh[j])}")
            lines += [_pair_line(rf"k_{{{i + 1}}}{sup(J)} = {_vec(kh[j, i])}",
                                 rf"v_{{{i + 1}}}{sup(J)} = {_vec(vh[j, i])}", d_k) for i in range(len(K))]
        for i in range(len(K)):
            lines.append(_sum_line(rf"e_t^{{{J},{i + 1}}}", qh[j], kh[j, i], e[j, i],
                                   scale=rf"\tfrac{{1}}{{\sqrt{{{d_k}}}}}"))
        denominator = " + ".join(rf"e^{{{_num(x)}}}" for x in e[j])
        lines += [rf"\alpha_t^{{{J},{i + 1}}} = \frac{{e^{{{_num(e[j, i])}}}}}{{{denominator}}} = {_num(alpha[j, i])}"
                  for i in range(len(K))]
        lines.append(rf"\textstyle\sum_i \alpha_t^{{{J},i}} = {_num(alpha[j].sum())}")
        rows = r" \\ &+ ".join(rf"{_num(alpha[j, i])}\,{_vec(vh[j, i])}" for i in range(len(K)))
        lines.append(rf"\begin{{aligned}} a_t{sup(J)} &= {rows} \\ &= {_vec(a[j])} \end{{aligned}}")
        head_lines.append(lines)
    parts = "; ".join(rf"a_t{sup(j + 1)}" for j in range(h))
    joined_lines = [rf"[{parts}] = {_vec(joined)}"]
    if out is not None:
        joined_lines.append(rf"o_t = W_O\,[{parts}] = {_vec(out)}")
    return WorkedHeads(q=qh, k=kh, v=vh, e=e, alpha=alpha, a=a, joined=joined, out=out, head_lines=head_lines,
                       joined_lines=joined_lines)


def work_heads(x: np.ndarray, H: np.ndarray, W: Projections, h: int) -> WorkedHeads:
    """The whole multi-head attention of one query x_t over H (N × d_model): the projections (q_t^j written
    out term by term: a row of W_Q^j times x_t), then work_projected."""
    x, H = np.asarray(x, dtype=float), np.asarray(H, dtype=float)
    q, K, V = project(x, H, W)
    d_k = len(x) // h
    query_lines = []
    for j in range(h):
        J, rows = j + 1, range(j * d_k, (j + 1) * d_k)
        lines = [_sum_line(rf"q_t{sup(J)}[{r - j * d_k}] = W_Q[{r}] \cdot x_t", W.W_Q[r], x, q[r]) for r in rows]
        kh, vh = split(K, h)[j], split(V, h)[j]
        lines += [_pair_line(rf"k_{{{i + 1}}}{sup(J)} = W_K{sup(J)} h_{{{i + 1}}} = {_vec(kh[i])}",
                             rf"v_{{{i + 1}}}{sup(J)} = W_V{sup(J)} h_{{{i + 1}}} = {_vec(vh[i])}", d_k)
                  for i in range(len(H))]
        query_lines.append(lines)
    return work_projected(q, K, V, h, W.W_O, query_lines)


def article_heads_preset() -> tuple[list[str], np.ndarray, np.ndarray, Projections]:
    """The article's "I am a student" states (d_model = 4) with every W the identity: head j then compares
    x_t and h_i on its own d_k components only, and with h = 1 the score is the article's dot product / √4."""
    tokens, H, s = article_preset()
    eye = np.eye(H.shape[1])
    return tokens, H, s, Projections(W_Q=eye.copy(), W_K=eye.copy(), W_V=eye.copy(), W_O=eye.copy())


def random_heads_preset(N: int, d_model: int, seed: int) -> tuple[list[str], np.ndarray, np.ndarray, Projections]:
    """x_t, N states h_i and the four W drawn from the seed, rounded to two decimals (typed as easily as read);
    the W at scale 1/√d_model, so that q and k keep the size of x and h."""
    rng = np.random.default_rng(seed)
    H, x = np.round(rng.normal(0, 1, (N, d_model)), 2) + 0.0, np.round(rng.normal(0, 1, d_model), 2) + 0.0
    W = [np.round(rng.normal(0, 1 / np.sqrt(d_model), (d_model, d_model)), 2) + 0.0 for _ in range(4)]  # no -0.0
    return [f"x{i + 1}" for i in range(N)], H, x, Projections(*W)
