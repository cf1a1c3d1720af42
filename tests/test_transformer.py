"""The Transformer's trace (DESIGN §5): invariants for random models, a known answer, and the decoding
paths agreeing with each other (incremental = full recomputation, batched = one by one, beam 1 = greedy)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from conftest import ALPHABET, random_transformer, random_translator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attention_core import Trace, TraceFormatError
from attention_core.step import EditAt
from attention_core.tokenizers import BOS_ID
from attention_core.transformer import MultiHeadAttention
from attention_core.whatif import make_edit

texts = st.text(alphabet=ALPHABET, min_size=1, max_size=30).filter(lambda t: t.strip())
slow = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
shapes = st.tuples(st.integers(1, 3), st.sampled_from([1, 2, 4]), st.sampled_from(["pre", "post"]),
                   st.sampled_from(["sinusoidal", "learned"]))


def softmax(e):
    z = np.exp(e - e.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


@slow
@given(shape=shapes, seed=st.integers(0, 10_000), text=texts, head=st.integers(0, 4))
def test_every_step_layer_and_head_satisfies_the_formulas(shape, seed, text, head):
    layers, heads, norm, positions = shape
    model = random_transformer(layers=layers, heads=heads, d_model=8, norm=norm, positions=positions, seed=seed,
                               alignment_head=min(head, heads))
    trace = model.trace(text)
    N, d_k = len(trace.source_tokens), 8 // heads
    assert (trace.layers, trace.heads, trace.d_k) == (layers, heads, d_k)
    assert trace.cross_keys.shape == trace.cross_values.shape == (layers, heads, N, d_k)
    enc = trace.encoder_self_attention
    assert enc.shape == (layers, heads, N, N)
    np.testing.assert_allclose(enc.sum(-1), 1.0, atol=1e-6)
    for step in trace.steps:
        assert len(step.cross) == len(step.self_attn) == layers
        for ell, (cross, self_block) in enumerate(zip(step.cross, step.self_attn)):
            K, V = trace.cross_keys[ell], trace.cross_values[ell]  # (h, N, d_k)
            assert cross.alpha.shape == cross.e.shape == (heads, N) and cross.q.shape == cross.a.shape == (heads, d_k)
            np.testing.assert_allclose(cross.alpha.sum(-1), 1.0, atol=1e-6)  # α sums to 1
            np.testing.assert_allclose(cross.alpha, softmax(cross.e), atol=1e-6)  # α = softmax(e)
            np.testing.assert_allclose(cross.e, np.einsum("hd,hnd->hn", cross.q, K) / np.sqrt(d_k),
                                       rtol=1e-5, atol=1e-5)  # e = q·k / √d_k
            np.testing.assert_allclose(cross.a, np.einsum("hn,hnd->hd", cross.alpha, V), atol=1e-5)  # a = Σ α v
            assert self_block.alpha.shape == (heads, step.t)  # step t sees positions 1 … t, never the future
            np.testing.assert_allclose(self_block.alpha.sum(-1), 1.0, atol=1e-6)
        where = trace.alignment_from
        view = step.cross[where["layer"] - 1]
        np.testing.assert_allclose(step.concat, view.a.reshape(-1), atol=1e-7)  # [a^1; …; a^h] of that layer
        if where["head"] == "mean":
            np.testing.assert_allclose(step.alpha, view.alpha.mean(0), atol=1e-7)
            assert step.e is None and step.a is None
        else:
            np.testing.assert_array_equal(step.alpha, view.alpha[where["head"] - 1])
            np.testing.assert_array_equal(step.e, view.e[where["head"] - 1])
    np.testing.assert_array_equal(trace.alignment, trace.cross_attention())


@slow
@given(seed=st.integers(0, 10_000), text=texts, norm=st.sampled_from(["pre", "post"]))
def test_s_tilde_and_the_output_distribution_follow_from_the_weights(seed, text, norm):
    model = random_transformer(norm=norm, seed=seed)
    net = model.model
    for step in model.trace(text).steps:
        s = torch.tensor(step.s).unsqueeze(0)
        s_tilde = net.decoder_norm(s)[0].detach().numpy()  # s̃ = LayerNorm(s) (pre-norm), s (post-norm)
        np.testing.assert_allclose(step.s_tilde, s_tilde, atol=1e-5)
        p = torch.softmax(net.W_y(torch.tensor(step.s_tilde)), -1).detach().numpy()  # ŷ = softmax(W_y s̃)
        top = np.argsort(-p)[: len(step.top_k)]
        assert [tok for tok, _ in step.top_k] == [model.target_tokenizer.itos[i] for i in top]
        np.testing.assert_allclose([q for _, q in step.top_k], p[top], atol=1e-6)


def test_one_multi_head_attention_call_by_hand():
    """2 heads, 3 keys, d_k = 2, every projection the identity: the numbers worked out on paper."""
    mha = MultiHeadAttention(d_model=4, heads=2, dropout=0.0)
    with torch.no_grad():
        for W in (mha.W_Q, mha.W_K, mha.W_V, mha.W_O):
            W.weight.copy_(torch.eye(4))
            W.bias.zero_()
    x = torch.tensor([[[1.0, 0.0, 0.0, 2.0]]])  # head 1 asks q = (1, 0), head 2 asks q = (0, 2)
    m = torch.tensor([[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 1.0], [1.0, 1.0, 1.0, 0.0]]])
    with torch.no_grad():
        out, att, joined = mha(x, *mha.keys_values(m), torch.ones(1, 1, 3, dtype=torch.bool))
    # head 1: q·k = 1, 0, 1 → e = 0.7071, 0, 0.7071 → α = (2.0281, 1, 2.0281) / 5.0562
    # head 2: q·k = 0, 2, 0 → e = 0, 1.4142, 0 → α = (1, 4.1133, 1) / 6.1133
    np.testing.assert_allclose(att.e[0, :, 0].numpy(), [[0.70711, 0.0, 0.70711], [0.0, 1.41421, 0.0]], atol=1e-5)
    np.testing.assert_allclose(att.alpha[0, :, 0].numpy(), [[0.40111, 0.19778, 0.40111], [0.16358, 0.67284, 0.16358]],
                               atol=1e-5)
    # a^1 = 0.40111 (1, 0) + 0.19778 (0, 1) + 0.40111 (1, 1); a^2 = 0.67284 (0, 1) + 0.16358 (1, 0)
    np.testing.assert_allclose(att.a[0, :, 0].numpy(), [[0.80222, 0.59889], [0.16358, 0.67284]], atol=1e-5)
    np.testing.assert_allclose(joined[0, 0].numpy(), [0.80222, 0.59889, 0.16358, 0.67284], atol=1e-5)
    np.testing.assert_allclose(out[0, 0].numpy(), joined[0, 0].numpy(), atol=1e-6)  # W_O = I


def test_masked_keys_get_exactly_zero():
    mha = MultiHeadAttention(d_model=4, heads=2, dropout=0.0)
    x, m = torch.randn(1, 2, 4), torch.randn(1, 3, 4)
    visible = torch.tensor([[[True, False, True], [True, True, False]]])
    with torch.no_grad():
        _, att, _ = mha(x, *mha.keys_values(m), visible)
    assert (att.alpha[0, :, 0, 1] == 0).all() and (att.alpha[0, :, 1, 2] == 0).all()


@pytest.mark.parametrize("norm", ["pre", "post"])
def test_incremental_decoding_equals_recomputing_the_prefix(norm):
    model = random_transformer(layers=2, heads=2, d_model=8, norm=norm, seed=3, max_target_len=30)
    trace = model.trace("24 june 2026")
    assert len(trace.steps) == 30  # long enough for the cache to matter
    ids = model.source_ids("24 june 2026")
    stoi = model.target_tokenizer.stoi
    y_in = torch.tensor([[BOS_ID] + [stoi[t] for t in trace.target_tokens[:-1]]])
    net = model.model
    with torch.no_grad():
        m = net.encode(torch.tensor([ids]), torch.tensor([len(ids)]))
        s, s_tilde, _, selfs, crosses, _ = net.decode_positions(y_in, net.initial_state(m), m)  # all at once
    for t, step in enumerate(trace.steps):
        np.testing.assert_allclose(step.s, s[0, t].numpy(), atol=1e-5)
        np.testing.assert_allclose(step.s_tilde, s_tilde[0, t].numpy(), atol=1e-5)
        for ell in range(2):
            np.testing.assert_allclose(step.cross[ell].alpha, crosses[ell].alpha[0, :, t].numpy(), atol=1e-5)
            full = selfs[ell].alpha[0, :, t].numpy()  # (h, T): the future is exactly 0
            assert (full[:, t + 1:] == 0).all()
            np.testing.assert_allclose(step.self_attn[ell].alpha, full[:, : t + 1], atol=1e-5)


def _same(a: Trace, b: Trace, atol: float = 0.0) -> None:
    assert a.target_tokens == b.target_tokens and a.source_tokens == b.source_tokens
    np.testing.assert_allclose(a.encoder_self_attention, b.encoder_self_attention, atol=atol)
    np.testing.assert_allclose(a.cross_keys, b.cross_keys, atol=atol)
    for x, y in zip(a.steps, b.steps):
        for key in ("s", "alpha", "concat", "s_tilde"):
            np.testing.assert_allclose(getattr(x, key), getattr(y, key), atol=atol, err_msg=key)
        for bx, by in zip([*x.cross, *x.self_attn], [*y.cross, *y.self_attn]):
            np.testing.assert_allclose(bx.alpha, by.alpha, atol=atol)
        assert x.prob == pytest.approx(y.prob, abs=max(atol, 1e-7))


INPUTS = ["24 june 2026", "1", "3 may 1999, a", "7.7.1977", "2026-11-24", "j"]


def test_batched_equals_one_by_one():
    model = random_transformer(layers=2, heads=4, d_model=8, seed=5)
    for text, traced in zip(INPUTS * 2, model.trace_batch(INPUTS * 2, batch_size=5)):
        _same(traced, model.trace(text), atol=1e-5)


def test_beam_of_one_is_greedy_and_wider_beams_keep_their_traces():
    model = random_transformer(layers=2, heads=2, d_model=8, seed=7)
    for text in INPUTS:
        greedy = model.trace(text)
        _same(model.beam(text, 1), greedy, atol=1e-6)  # reaches beam_search, unlike trace(beam=1)
        best = model.beam(text, 4)
        for h in [best, *best.hypotheses]:
            if h.target_tokens[-1] == "</s>":
                _same(h, model.trace(text, target=h.prediction), atol=1e-5)


def test_forcing_the_greedy_output_reproduces_the_greedy_trace():
    model = random_transformer(layers=3, heads=2, d_model=8, seed=11)
    for text in INPUTS:
        greedy = model.trace(text)
        if greedy.target_tokens[-1] == "</s>":
            _same(model.trace(text, target=greedy.prediction), greedy)


def test_multi_head_json_round_trip():
    trace = random_transformer(layers=2, heads=2, d_model=8, alignment_layer=1, alignment_head=2).trace("24 june")
    data = json.loads(trace.to_json())
    assert data["architecture"] == "transformer" and data["alignment_from"] == {"layer": 1, "head": 2}
    assert len(data["steps"][0]["cross"]) == 2 and set(data["steps"][0]["cross"][0]) == {"q", "e", "alpha", "a"}
    assert [len(s["self"][0]["alpha"][0]) for s in data["steps"]] == list(range(1, len(data["steps"]) + 1))
    back = Trace.from_json(trace.to_json())
    _same(back, trace, atol=1e-12)
    np.testing.assert_array_equal(back.cross_attention(0), trace.cross_attention(0))
    assert back.to_dict() == trace.to_dict()


def test_gru_trace_reads_as_one_layer_of_one_head(tiny_model):
    trace = Trace.from_json(tiny_model.trace("24 November 2026").to_json())
    assert (trace.architecture, trace.layers, trace.heads) == ("rnn", 1, 1)
    assert trace.cross_attention(0).shape == (1, 1, *trace.alignment.shape)
    np.testing.assert_array_equal(trace.cross_attention(), trace.alignment)
    for step in trace.steps:
        (block,) = step.blocks("cross")
        np.testing.assert_array_equal(block.alpha[0], step.alpha)
        np.testing.assert_array_equal(block.e[0], step.e)
        assert step.blocks("self") == []
    assert "cross" not in trace.to_dict()["steps"][0]  # a GRU trace's JSON is DESIGN §2's, as before


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(layers=3), "encoder_self_attention has 2 layers × 2 heads, the trace 3 × 2"),
    (lambda d: [d.update(layers=3)] + [d.pop(k) for k in ("encoder_self_attention", "cross_keys", "cross_values")],
     "step 1: cross has 2 layers, the trace 3"),
    (lambda d: d["steps"][1]["self"][0].update(alpha=[[0.5, 0.5, 0.0]] * 2),
     "step 2: self[1].alpha must be 2 rows of 2"),
    (lambda d: d["steps"][0]["cross"][1].update(alpha=[1, 0]), "step 1: cross[2].alpha must be a list of rows"),
    (lambda d: d.update(alignment_from={"layer": 5, "head": 1}), "alignment_from.layer must be 1 to 2"),
    (lambda d: d.update(architecture="lstm"), "architecture must be one of"),
    (lambda d: d["steps"][0].update(cross={"alpha": 1}), "step 1: cross must be a list"),
])
def test_malformed_multi_head_traces_are_named(change, message):
    data = json.loads(random_transformer(layers=2, heads=2, d_model=8).trace("24 june").to_json())
    change(data)
    with pytest.raises(TraceFormatError) as error:
        Trace.from_dict(data)
    assert message in str(error.value)


def test_what_if_edits_one_head_one_layer_or_every_head_of_a_layer():
    model = random_transformer(layers=2, heads=2, d_model=8, seed=2)
    text, t = "24 june 2026", 3
    original = model.trace(text)
    for layer, head in ((1, 2), (2, None), (1, None)):
        edited = model.what_if(text, t, EditAt(make_edit("one_hot", index=0), layer=layer, head=head),
                               continue_decoding=False)
        assert len(edited.steps) == t
        for before, after in zip(original.steps[: t - 1], edited.steps):
            np.testing.assert_allclose(before.cross[0].alpha, after.cross[0].alpha, atol=1e-6)  # the past stays
        step = edited.steps[t - 1]
        for j in range(2):
            alpha = step.cross[layer - 1].alpha[j]
            if head is None or j == head - 1:
                assert alpha.tolist() == [1.0] + [0.0] * (len(alpha) - 1)
            else:  # the layer's other head is computed as before
                np.testing.assert_allclose(alpha, original.steps[t - 1].cross[layer - 1].alpha[j], atol=1e-6)
        if layer == 2:  # layers below the edit are untouched
            np.testing.assert_allclose(step.cross[0].alpha, original.steps[t - 1].cross[0].alpha, atol=1e-6)


def test_a_transformer_model_folder_saves_and_loads(tmp_path):
    from attention_core import load_model, save_model

    model = random_transformer(layers=2, heads=2, d_model=8, positions="learned", seed=4)
    loaded = load_model(save_model(model, tmp_path / "t"))
    assert loaded.config == model.config
    _same(loaded.trace("24 june 2026"), model.trace("24 june 2026"))


def test_padding_gets_exactly_zero_attention_in_a_batch():
    model = random_transformer(layers=2, heads=2, d_model=8, seed=9)
    ids = [model.source_ids(t) for t in INPUTS]
    from attention_core.decoding import Greedy, decode
    from attention_core.tokenizers import pad_ids

    steps = decode(model.model, pad_ids(ids), torch.tensor([len(s) for s in ids]), Greedy(6))
    assert len({len(s) for s in ids}) > 2  # really padded
    enc = steps.memory["self_alpha"]  # (B, L, h, N, N)
    for row, seq in enumerate(ids):
        N = len(seq)
        assert (steps.vectors["cross.alpha"][row, :, :, :, N:] == 0.0).all()  # decoder → padded source
        assert (enc[row, :, :, :, N:] == 0.0).all()  # encoder positions never look at padding
        np.testing.assert_allclose(steps.vectors["cross.alpha"][row].sum(-1), 1.0, atol=1e-6)


def test_batched_forced_decoding_equals_one_by_one():
    model = random_transformer(layers=2, heads=2, d_model=8, seed=12)
    targets = ["2026-1", "1", None, "abc", "2-2", "0-0-0"]
    for text, target, traced in zip(INPUTS, targets, model.trace_batch(INPUTS, targets=targets, batch_size=4)):
        single = model.trace(text) if target is None else model.trace(text, target=target)
        assert traced.mode == single.mode
        _same(traced, single, atol=1e-5)


def test_any_broken_trace_gives_one_trace_format_error():
    """1,600 random single-field changes of a Transformer's and a GRU's trace JSON: each loads, or is refused with
    a TraceFormatError (the message the app and CLI show), never another exception."""
    import copy
    import random

    values = [None, True, 1.5, -1, 0, "x", [], {}, [[1]], [["a"]], {"layer": True, "head": True}, [1, 2],
              float("nan"), "transformer", 10**30]
    def fields(node, path=()):
        """Every path to a field (the first item of each list only)."""
        items = node.items() if isinstance(node, dict) else enumerate(node[:1]) if isinstance(node, list) else ()
        for key, value in items:
            yield [*path, key]
            yield from fields(value, [*path, key])

    rng = random.Random(0)
    traces = (random_transformer(layers=2, heads=2, d_model=8).trace("24 june"), random_translator().trace("1 may"))
    for trace in traces:
        base = json.loads(trace.to_json())
        paths = list(fields(base))
        for _ in range(800):
            data, path = copy.deepcopy(base), rng.choice(paths)
            node = data
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = rng.choice(values)
            try:
                Trace.from_dict(data).to_dict()
            except TraceFormatError as error:
                assert str(error) and "\n" not in str(error)
