"""Greedy, batched, beam and forced decoding agree with each other on a trained model."""

from __future__ import annotations

import numpy as np
import pytest

from attention_core import InputError

DATES = ["24 November 2026", "2026년 11월 24일 화요일", "Tuesday, November 24, 2026", "24. November 2026",
         "mardi 24 novembre 2026", "2026年11月24日", "3 Jan 1999", "1999-01-03", "le 1 mai 2000", "7.7.1977"]


def _same_trace(a, b, atol=0.0):
    assert a.source_tokens == b.source_tokens and a.target_tokens == b.target_tokens
    np.testing.assert_allclose(a.encoder_states, b.encoder_states, atol=atol)
    for x, y in zip(a.steps, b.steps):
        assert (x.t, x.input_token, x.token) == (y.t, y.input_token, y.token)
        for key in ("s", "e", "alpha", "a", "concat", "s_tilde"):
            np.testing.assert_allclose(getattr(x, key), getattr(y, key), atol=atol, err_msg=key)
        assert x.prob == pytest.approx(y.prob, abs=max(atol, 1e-7))


def test_batched_equals_one_by_one(tiny_model):
    batch = tiny_model.trace_batch(DATES * 3, batch_size=7)  # several padded, length-sorted batches
    for text, traced in zip(DATES * 3, batch):
        single = tiny_model.trace(text)
        assert traced.source == text and traced.prediction == single.prediction
        _same_trace(traced, single, atol=1e-5)


def test_the_model_learned_dates(tiny_model):
    # A one-epoch model: most of these come out right already.
    right = sum(tiny_model.translate(t) == "2026-11-24" for t in DATES[:6])
    assert right >= 4


def test_beam_of_one_is_greedy(tiny_model):
    for text in DATES:  # beam() runs beam_search even at width 1 (trace(beam=1) takes the greedy path)
        _same_trace(tiny_model.beam(text, 1), tiny_model.trace(text), atol=1e-6)


@pytest.mark.parametrize("width", [2, 4, 8])
def test_beam_search_keeps_ranked_hypotheses_with_their_own_traces(tiny_model, width):
    best = tiny_model.trace("Tuesday, November 24, 2026", beam=width)
    hyps = [best, *best.hypotheses]
    assert len(hyps) == width and best.mode == "beam"
    scores = [h.log_prob / len(h.steps) for h in hyps]
    assert scores == sorted(scores, reverse=True)  # length-normalised ranking, best first
    assert len({tuple(h.target_tokens) for h in hyps}) == width  # distinct hypotheses
    for h in hyps:
        assert h.alignment.shape == (len(h.target_tokens), len(h.source_tokens))
        forced = tiny_model.trace(h.source, target=h.prediction)  # each keeps the trace that produced it
        if h.target_tokens[-1] == "</s>":
            _same_trace(h, forced, atol=1e-5)
    tree = best.beam_tree
    assert tree[0]["status"] == "root"
    assert {n["status"] for n in tree[1:]} <= {"kept", "pruned", "finished"}
    assert sum(n["status"] == "finished" for n in tree) == width
    ids = {n["id"] for n in tree}
    assert all(n["parent"] in ids for n in tree[1:])
    assert sorted(n["rank"] for n in tree if "rank" in n) == list(range(width))


def test_forcing_the_greedy_output_reproduces_the_greedy_trace(tiny_model):
    for text in DATES:
        greedy = tiny_model.trace(text)
        forced = tiny_model.trace(text, target=greedy.prediction)
        assert forced.mode == "forced"
        _same_trace(forced, greedy)


def test_forced_decoding_reports_the_probability_of_each_given_token(tiny_model):
    forced = tiny_model.trace("24 November 2026", target="1999-01-01")
    assert forced.target_tokens == list("1999-01-01") + ["</s>"]
    for step in forced.steps:
        dist = dict(step.top_k)
        if step.token in dist:
            assert step.prob == pytest.approx(dist[step.token], rel=1e-6)
        else:
            assert step.prob <= min(dist.values())
    assert forced.log_prob < tiny_model.trace("24 November 2026").log_prob


@pytest.mark.parametrize("bad", ["", "   ", "\u200b\u200b", "x" * 70, "9" * 5000])
def test_bad_input_is_refused_with_a_message(tiny_model, bad):
    with pytest.raises(InputError) as error:
        tiny_model.trace(bad)
    assert str(error.value) and "\n" not in str(error.value)


def test_batch_names_the_bad_line(tiny_model):
    with pytest.raises(InputError, match="input 2"):
        tiny_model.trace_batch(["1 May 2000", "", "2 May 2000"])


@pytest.mark.parametrize("beam", [0, 9])
def test_beam_width_out_of_range(tiny_model, beam):
    with pytest.raises(InputError, match="beam width"):
        tiny_model.trace("1 May 2000", beam=beam)
