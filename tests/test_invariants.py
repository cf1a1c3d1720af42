"""Invariants of every trace, for any weights and any input (random models, hypothesis)."""

from __future__ import annotations

import numpy as np
import torch
from conftest import ALPHABET, random_translator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attention_core.decoding import Greedy, decode
from attention_core.tokenizers import PAD_ID

CONFIGS = [("luong", s) for s in ("dot", "scaled_dot", "general", "concat", "location")] + [("bahdanau", "concat")]
texts = st.text(alphabet=ALPHABET, min_size=1, max_size=30).filter(lambda t: t.strip())
slow = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@slow
@given(config=st.sampled_from(CONFIGS), bidirectional=st.booleans(), seed=st.integers(0, 10_000), text=texts)
def test_every_step_satisfies_the_formulas(config, bidirectional, seed, text):
    model = random_translator(*config, bidirectional=bidirectional, seed=seed)
    trace = model.trace(text)
    H = trace.encoder_states
    assert H.shape == (len(trace.source_tokens), model.config.hidden_size)
    for step in trace.steps:
        assert abs(step.alpha.sum() - 1.0) < 1e-6  # α_t sums to 1
        assert (step.alpha >= 0).all()
        np.testing.assert_allclose(step.a, step.alpha @ H, atol=1e-6)  # a_t = Σ α_t^i h_i
        np.testing.assert_array_equal(step.concat, np.concatenate([step.a, step.s]))  # [a_t; s_t]
        np.testing.assert_allclose(step.alpha, np.exp(step.e - step.e.max()) / np.exp(step.e - step.e.max()).sum(),
                                   atol=1e-6)  # α_t = softmax(e_t)
        assert step.query == ("s_t" if config[0] == "luong" else "s_{t-1}")
        top_probs = [p for _, p in step.top_k]
        assert top_probs == sorted(top_probs, reverse=True)
    np.testing.assert_array_equal(trace.alignment, np.stack([s.alpha for s in trace.steps]))


@slow
@given(seed=st.integers(0, 10_000), text=texts, bidirectional=st.booleans())
def test_dot_score_is_H_times_s(seed, text, bidirectional):
    trace = random_translator("luong", "dot", seed=seed, bidirectional=bidirectional).trace(text)
    for step in trace.steps:
        np.testing.assert_allclose(step.e, trace.encoder_states @ step.s, rtol=1e-5, atol=1e-6)  # e_t = H s_t


@slow
@given(seed=st.integers(0, 10_000), text=texts)
def test_bahdanau_queries_the_previous_state(seed, text):
    model = random_translator("bahdanau", "concat", seed=seed)
    trace = model.trace(text)
    score = model.model.decoder.score
    K = score.keys(torch.tensor(trace.encoder_states, dtype=torch.float32).unsqueeze(0))
    ids = model.source_ids(text)
    previous = [model.model.s_0(model.model.encode(torch.tensor([ids]), torch.tensor([len(ids)])))[0]]
    previous += [torch.tensor(step.s) for step in trace.steps[:-1]]
    for step, s_prev in zip(trace.steps, previous):
        e = score(s_prev.unsqueeze(0).float(), K).detach().numpy()[0]
        np.testing.assert_allclose(step.e, e, rtol=1e-5, atol=1e-6)  # e_t = score(s_{t-1}, H)


@slow
@given(config=st.sampled_from(CONFIGS), seed=st.integers(0, 10_000),
       batch=st.lists(texts, min_size=2, max_size=6))
def test_padded_positions_get_exactly_zero_attention(config, seed, batch):
    model = random_translator(*config, seed=seed, bidirectional=True)
    ids = [model.source_ids(t) for t in batch]
    x = torch.full((len(ids), max(map(len, ids))), PAD_ID, dtype=torch.long)
    for row, seq in enumerate(ids):
        x[row, : len(seq)] = torch.tensor(seq)
    steps = decode(model.model, x, torch.tensor([len(s) for s in ids]), Greedy(6))
    for row, seq in enumerate(ids):
        assert (steps.vectors["alpha"][row, :, len(seq):] == 0.0).all()
        np.testing.assert_allclose(steps.vectors["alpha"][row].sum(-1), 1.0, atol=1e-6)


def test_no_attention_model_reads_one_fixed_context():
    model = random_translator("none", seed=3)
    trace = model.trace("24 june 2026")
    assert trace.alignment is None and all(s.e is None and s.alpha is None and s.a is None for s in trace.steps)
    c = trace.fixed_context
    c_expected = model.model.encode(torch.tensor([model.source_ids("24 june 2026")]), torch.tensor([13])).c[0]
    np.testing.assert_allclose(c, c_expected.detach().numpy(), atol=1e-7)  # unidirectional: c = h_N
    np.testing.assert_allclose(c, trace.encoder_states[-1], atol=1e-7)
    for step in trace.steps:
        np.testing.assert_array_equal(step.concat[: len(c)], c)  # the same c at every step
        np.testing.assert_array_equal(step.concat[len(c):], step.s)
