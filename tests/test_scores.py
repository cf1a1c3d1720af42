"""Hand-computed known answers: 3 encoder states of size 2, every score function."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from attention_core.model import Memory, attend
from attention_core.scores import make_score

H = torch.tensor([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]])  # (1, N=3, n=2)
s = torch.tensor([[1.0, 2.0]])  # (1, n=2)
t1, t2 = math.tanh(1.0), math.tanh(2.0)

# e = [score(s, h_1), score(s, h_2), score(s, h_3)] worked out by hand for the weights set below.
KNOWN = {
    "dot": [1.0, 2.0, 3.0],  # s·h_i
    "scaled_dot": [1 / math.sqrt(2), 2 / math.sqrt(2), 3 / math.sqrt(2)],  # s·h_i / √2
    "general": [1.0, 4.0, 5.0],  # W_a = diag(1, 2): s·(h_1, 2 h_2)
    "concat": [t1 + 0.5 * t2, 0.5 * t1, t1 + 0.5 * t1],  # tanh(h_i1) + ½ tanh(s_2 − h_i2)
    "location": [1.0, 2.0, -1.0],  # rows (1,0), (0,1), (1,−1) of W_a times s
}


def _score(name: str):
    score = make_score(name, n=2, n_a=2, max_N=4)
    with torch.no_grad():
        if name == "general":
            score.W_a.copy_(torch.tensor([[1.0, 0.0], [0.0, 2.0]]))
        if name == "concat":  # W_a [s; h] = (h_1, s_2 − h_2); w_a = (1, ½)
            score.W_a.copy_(torch.tensor([[0.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, -1.0]]))
            score.w_a.copy_(torch.tensor([1.0, 0.5]))
        if name == "location":
            score.W_a.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0], [5.0, 5.0]]))
    return score


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_score_known_answer(name):
    score = _score(name)
    e = score(s, score.keys(H))
    np.testing.assert_allclose(e.detach().numpy()[0], KNOWN[name], rtol=1e-6, atol=1e-7)


def test_dot_attention_known_distribution_and_context():
    # α = softmax(1, 2, 3) = (0.0900, 0.2447, 0.6652); a = α_1 h_1 + α_2 h_2 + α_3 h_3 = (α_1+α_3, α_2+α_3)
    m = Memory(H=H, K=H, mask=torch.ones(1, 3, dtype=torch.bool), c=H[:, -1])
    _, alpha, a = attend(make_score("dot", 2, 2, 4), s, m)
    np.testing.assert_allclose(alpha.numpy()[0], [0.09003057, 0.24472847, 0.66524096], rtol=1e-6)
    np.testing.assert_allclose(a.numpy()[0], [0.75527153, 0.90996943], rtol=1e-6)


def test_masked_position_gets_exactly_zero():
    m = Memory(H=H, K=H, mask=torch.tensor([[True, True, False]]), c=H[:, 1])
    _, alpha, a = attend(make_score("dot", 2, 2, 4), s, m)
    assert alpha[0, 2].item() == 0.0
    # softmax over the two real positions only: (e^1, e^2) / (e^1 + e^2)
    np.testing.assert_allclose(alpha.numpy()[0, :2], [1 / (1 + math.e), math.e / (1 + math.e)], rtol=1e-6)
    np.testing.assert_allclose(a.numpy()[0], alpha.numpy()[0, :2], rtol=1e-6)
