"""The sandbox's multi-head worked example (attention_core/sandbox_heads.py) against the Transformer's own
MultiHeadAttention module given the same weights, and its written-out arithmetic against its numbers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from attention_core.sandbox_heads import (
    D_MODELS,
    Projections,
    article_heads_preset,
    head_counts,
    random_heads_preset,
    split,
    work_heads,
    work_projected,
)
from attention_core.transformer import MultiHeadAttention


def module_attention(x: np.ndarray, H: np.ndarray, W: Projections, h: int) -> dict[str, np.ndarray]:
    """transformer.MultiHeadAttention (float64, biases 0) with the sandbox's W copied in: q, e, α, a per head,
    the joined heads and W_O's output, for one query x_t over H."""
    d_model = len(x)
    module = MultiHeadAttention(d_model, h, dropout=0.0).double().eval()
    with torch.no_grad():
        for name in ("W_Q", "W_K", "W_V", "W_O"):
            getattr(module, name).weight.copy_(torch.from_numpy(getattr(W, name)))
            getattr(module, name).bias.zero_()
        X, M = torch.from_numpy(x)[None, None], torch.from_numpy(H)[None]  # (1, 1, d_model), (1, N, d_model)
        K, V = module.keys_values(M)
        out, att, joined = module.forward(X, K, V, None)
    return dict(q=att.q[0, :, 0].numpy(), e=att.e[0, :, 0].numpy(), alpha=att.alpha[0, :, 0].numpy(),
                a=att.a[0, :, 0].numpy(), k=K[0].numpy(), v=V[0].numpy(), joined=joined[0, 0].numpy(),
                out=out[0, 0].numpy())


CASES = [(d_model, h, seed) for d_model in D_MODELS for h in head_counts(d_model) for seed in (0, 7)]


@pytest.mark.parametrize("d_model, h, seed", CASES)
def test_every_head_equals_the_transformers_module(d_model, h, seed):
    _, H, x, W = random_heads_preset(4, d_model, seed)
    worked, module = work_heads(x, H, W, h), module_attention(x, H, W, h)
    for name in ("q", "k", "v", "e", "alpha", "a", "joined", "out"):
        np.testing.assert_allclose(getattr(worked, name), module[name], atol=1e-6, err_msg=name)
    assert (worked.h, worked.d_k) == (h, d_model // h)


def test_the_article_preset_with_one_head_is_the_articles_scaled_dot_product():
    _, H, x, W = article_heads_preset()
    worked = work_heads(x, H, W, 1)
    np.testing.assert_allclose(worked.e[0], H @ x / 2, rtol=1e-12)  # identity W: q·k/√4 = s_t·h_i/2
    np.testing.assert_allclose(worked.out, worked.joined)  # W_O = I
    two = work_heads(x, H, W, 2)  # head j sees components 2j-1, 2j only
    np.testing.assert_allclose(two.e[1], H[:, 2:] @ x[2:] / np.sqrt(2), rtol=1e-12)


def test_editing_the_projections_is_the_same_computation():
    _, H, x, W = random_heads_preset(5, 8, 3)
    via_weights = work_heads(x, H, W, 4)
    direct = work_projected(W.W_Q @ x, H @ W.W_K.T, H @ W.W_V.T, 4)  # the projected q, K, V typed in, no W_O
    for name in ("e", "alpha", "a", "joined"):
        np.testing.assert_allclose(getattr(direct, name), getattr(via_weights, name), rtol=1e-12)
    assert direct.out is None and len(direct.joined_lines) == 1  # no W_O: joined, not projected


def test_the_written_out_lines_carry_the_numbers():
    _, H, x, W = article_heads_preset()
    worked = work_heads(x, H, W, 2)
    assert len(worked.head_lines) == 2
    for j, lines in enumerate(worked.head_lines, 1):
        text = "\n".join(lines)
        for i in range(len(H)):
            assert f"e_t^{{{j},{i + 1}}}" in text and f"= {worked.e[j - 1, i]:.3f}" in text
            assert f"= {worked.alpha[j - 1, i]:.3f}" in text
        assert r"\sqrt{2}" in text  # d_k = 2
    assert worked.joined_lines[0].startswith("[a_t^{1}; a_t^{2}]")


def test_split_and_head_counts():
    assert head_counts(4) == [1, 2, 4] and head_counts(6) == [1, 2, 3] and head_counts(8) == [1, 2, 4]
    K = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(split(K, 2)[1], K[:, 2:])  # head 2: the last d_k columns
    with pytest.raises(ValueError):
        split(K, 3)


def test_a_long_sum_is_written_over_lines_of_four_terms():
    _, H, x, W = random_heads_preset(4, 8, 0)
    worked = work_heads(x, H, W, 1)  # d_k = 8: eight products in each q_t[r] and each e_t^{1,i}
    for line in (worked.head_lines[0][0], next(line for line in worked.head_lines[0] if "e_t^{1,1}" in line)):
        rows = line.split(r"\\")
        assert len(rows) == 4 and all(row.count(r"\cdot") <= 4 for row in rows)  # left, 4 terms, 4 terms, value
        assert rows[-1].strip().startswith("&=")
