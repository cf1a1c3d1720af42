"""attention_core.recorder on a model written here: a small seq2seq whose decoder attends with
nn.MultiheadAttention, decoded greedily by its own loop; the recorder's file reads back (read_traces) with the
module's per-head attention weights, recomputed here from its projection weights, to 1e-6."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
from torch import nn

from attention_core.recorder import TraceBuilder, record_cross_attention
from attention_core.trace import TraceFormatError
from attention_core.trace_files import read_traces

VOCAB = ["<pad>", "<s>", "</s>", *"abcdefgh"]
PAD, BOS, EOS = 0, 1, 2
D, HEADS, LAYERS = 8, 2, 2


class TinySeq2Seq(nn.Module):
    """A GRU encoder; a decoder of LAYERS layers, each a causal self-attention then a cross-attention over the
    encoder states (nn.MultiheadAttention both), reading its whole prefix at every step as a Transformer does."""

    def __init__(self) -> None:
        super().__init__()
        self.src_embed, self.tgt_embed = nn.Embedding(len(VOCAB), D), nn.Embedding(len(VOCAB), D)
        self.encoder = nn.GRU(D, D, batch_first=True)
        self.self_attn = nn.ModuleList(nn.MultiheadAttention(D, HEADS, batch_first=True) for _ in range(LAYERS))
        self.cross = nn.ModuleList(nn.MultiheadAttention(D, HEADS, batch_first=True) for _ in range(LAYERS))
        self.out = nn.Linear(D, len(VOCAB))

    def forward(self, H: torch.Tensor, pad: torch.Tensor, prefix: torch.Tensor, inputs: list | None = None):
        """Logits (1, T, V) over encoder states H (1, N, D), pad (1, N) True at padding; `inputs` collects each
        layer's (self-attention input, cross-attention input)."""
        x, T = self.tgt_embed(prefix), prefix.shape[1]
        mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
        for ell in range(LAYERS):
            before = x
            x = x + self.self_attn[ell](x, x, x, attn_mask=mask, need_weights=False)[0]
            if inputs is not None:
                inputs.append((before, x))
            # layer 1 passes the padding mask and need_weights=False positionally, layer 2 the mask by keyword and
            # need_weights by default (then weights averaged over heads)
            cross = self.cross[ell]
            x = x + (cross(x, H, H, pad, False) if ell == 0 else cross(x, H, H, key_padding_mask=pad))[0]
        return self.out(x)


def _weights(mha: nn.MultiheadAttention, query: torch.Tensor, keys: torch.Tensor, pad=None) -> np.ndarray:
    """softmax(q_j · k_j / √d_k) per head j, padded keys left out, from the module's own projection weights, for
    the last query position (which sees every position before it): (h, N)."""
    W_q, W_k, _ = mha.in_proj_weight.chunk(3)
    b_q, b_k, _ = mha.in_proj_bias.chunk(3)
    d_k = D // HEADS
    q = (query[0, -1:] @ W_q.T + b_q).view(1, HEADS, d_k).transpose(0, 1)  # (h, 1, d_k); the last position sees all
    k = (keys[0] @ W_k.T + b_k).view(-1, HEADS, d_k).transpose(0, 1)  # (h, N, d_k)
    scores = q @ k.transpose(1, 2) / math.sqrt(d_k)  # (h, 1, N)
    if pad is not None:
        scores = scores.masked_fill(pad[0], float("-inf"))
    return torch.softmax(scores, dim=-1)[:, 0].double().numpy()


def _decode(model: TinySeq2Seq, source: list[int], builder: TraceBuilder | None) -> tuple[list[int], list[float]]:
    """The model's own greedy loop; with a builder, each step's α recorded and handed to it."""
    H, pad = model.encoder(model.src_embed(torch.tensor([source])))[0], torch.tensor([source]) == PAD
    prefix, probs = [BOS], []
    with torch.no_grad(), record_cross_attention(*model.cross) as cross, \
            record_cross_attention(*model.self_attn) as selfs:
        for _ in range(6):
            p = model(H, pad, torch.tensor([prefix]))[0, -1].softmax(-1)
            token = int(p.argmax())
            if builder is not None:
                builder.step(VOCAB[token], None, prob=float(p[token]), cross=cross.last(), self_attn=selfs.last())
            probs.append(float(p[token]))
            prefix.append(token)
            if token == EOS:
                break
    return prefix[1:], probs


def _expected(model: TinySeq2Seq, source: list[int], tokens: list[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per step, every layer's cross and self α (L, h, N) and (L, h, t), recomputed from the layers' inputs."""
    out = []
    with torch.no_grad():
        H, pad = model.encoder(model.src_embed(torch.tensor([source])))[0], torch.tensor([source]) == PAD
        for t in range(1, len(tokens) + 1):
            inputs: list = []
            model(H, pad, torch.tensor([[BOS, *tokens[: t - 1]]]), inputs)
            out.append((np.stack([_weights(model.cross[ell], x, H, pad) for ell, (_, x) in enumerate(inputs)]),
                        np.stack([_weights(model.self_attn[ell], x, x) for ell, (x, _) in enumerate(inputs)])))
    return out


@pytest.fixture(scope="module")
def model() -> TinySeq2Seq:
    torch.manual_seed(0)
    return TinySeq2Seq().eval()


SOURCE = [3, 4, 5, 6, EOS, PAD]  # one padded position: α there is exactly 0


def test_the_recorded_file_reads_back_with_the_modules_attention_weights(model, tmp_path):
    builder = TraceBuilder([VOCAB[i] for i in SOURCE], model="tiny-mha", layers=LAYERS, heads=HEADS, source="abcd")
    tokens, probs = _decode(model, SOURCE, builder)
    assert len(tokens) >= 3  # several steps, so that self-attention has several positions
    path = builder.write(tmp_path / "mine.jsonl")
    builder.write(path)  # .jsonl appends
    found = read_traces(path.name, path.read_bytes())
    assert found.errors == [] and [n for n, _ in found.traces] == [1, 2]
    trace = found.traces[0][1]
    assert trace.target_tokens == [VOCAB[t] for t in tokens]
    assert trace.source_tokens == ["a", "b", "c", "d", "</s>", "<pad>"]
    assert (trace.model, trace.source, trace.layers, trace.heads) == ("tiny-mha", "abcd", LAYERS, HEADS)
    for step, (cross, selfs), prob in zip(trace.steps, _expected(model, SOURCE, tokens), probs, strict=True):
        np.testing.assert_allclose(np.stack([b.alpha for b in step.cross]), cross, atol=1e-6, rtol=0)
        assert (cross[..., -1] == 0).all()  # the padding, left out by the mask the module was given
        np.testing.assert_allclose(np.stack([b.alpha for b in step.self_attn]), selfs, atol=1e-6, rtol=0)
        np.testing.assert_allclose(step.alpha, cross[0, 0], atol=1e-6, rtol=0)  # alignment_from: layer 1, head 1
        assert step.prob == pytest.approx(prob, abs=1e-12)
    assert trace.to_dict() == builder.trace().to_dict() == found.traces[1][1].to_dict()


def test_recording_does_not_change_what_the_model_computes(model):
    """The forced need_weights changes what the modules return beside their output, not the output: the same
    tokens and probabilities with and without the recorder; the hooks are gone afterwards."""
    recorded = _decode(model, SOURCE, TraceBuilder(["x"] * len(SOURCE), layers=LAYERS, heads=HEADS))
    assert recorded == _decode(model, SOURCE, None)
    assert all(not m._forward_pre_hooks and not m._forward_hooks for m in (*model.cross, *model.self_attn))


def test_a_json_file_holds_the_one_trace_given(tmp_path):
    builder = TraceBuilder(["le", "chat"], model="mine")
    builder.step("the", [0.75, 0.25], e=[1.0, -0.1], prob=0.5)
    builder.step("cat", np.array([0.125, 0.875]), e=torch.tensor([0.0, 2.0]))
    path = builder.write(tmp_path / "one.json")
    builder.write(path)  # .json: written again, not appended
    (number, trace), = read_traces("one.json", path.read_bytes()).traces
    assert number == 1 and trace.target_tokens == ["the", "cat"] and trace.architecture == "rnn"
    assert trace.alignment.tolist() == [[0.75, 0.25], [0.125, 0.875]] and trace.steps[0].e.tolist() == [1.0, -0.1]
    assert [s.prob for s in trace.steps] == [0.5, None] and trace.log_prob is None
    assert json.loads(path.read_text())["steps"][1]["input_token"] == "the"


def test_a_wrong_step_is_refused_naming_it(tmp_path):
    builder = TraceBuilder(["a", "b", "c"])
    builder.step("x", [0.2, 0.3, 0.5])
    builder.step("y", [2.0, 3.0, 5.0])  # scores handed over as α
    with pytest.raises(TraceFormatError, match=r"step 2: alpha sums to 10, not 1"):
        builder.write(tmp_path / "bad.jsonl")
    assert not (tmp_path / "bad.jsonl").exists()
    with pytest.raises(ValueError, match="cross must have 3 axes"):
        builder.step("z", cross=[0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="give the step its alpha, or its cross blocks"):
        builder.step("z")
    with pytest.raises(ValueError, match=r"write a \.json or \.jsonl file"):
        TraceBuilder(["a"]).write(tmp_path / "t.txt")
    with pytest.raises(TypeError, match=r"nn\.MultiheadAttention"):
        with record_cross_attention(nn.Linear(2, 2)):
            pass
