"""GRU encoder–decoders: Luong (query s_t), Bahdanau (query s_{t-1}) and no attention.

Training and tracing share one `step`, so every number a trace shows is the one the model used.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .config import ModelConfig
from .scores import make_score
from .step import EditAt, StepOut
from .tokenizers import PAD_ID


class Memory(NamedTuple):
    """What the decoder may read of one batch of source sentences."""

    H: torch.Tensor  # (B, N, n) encoder states h_1 … h_N
    K: torch.Tensor  # (B, N, ·) the score function's per-sentence keys
    mask: torch.Tensor  # (B, N) True at real tokens, False at padding
    c: torch.Tensor  # (B, n) the encoder's final state: s_0, and the fixed context without attention

    def expand(self, count: int) -> Memory:
        """One sentence's memory (B = 1) repeated for `count` hypotheses."""
        return Memory(*(v.expand(count, *v.shape[1:]) for v in self))


class Encoder(nn.Module):
    """H = GRU(embed(x)); bidirectional states are [forward_i ; backward_i]."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        per_direction = cfg.hidden_size // 2 if cfg.bidirectional else cfg.hidden_size
        self.embedding = nn.Embedding(cfg.source_vocab_size, cfg.embed_size, padding_idx=PAD_ID)
        self.rnn = nn.GRU(cfg.embed_size, per_direction, batch_first=True, bidirectional=cfg.bidirectional)
        self.dropout = nn.Dropout(cfg.dropout)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor,
                embedded: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """`embedded` (B, N, E): the source embeddings to read instead of embed(x) (attribution.py)."""
        B, N = x.shape
        emb = self.dropout(self.embedding(x) if embedded is None else embedded)  # (B, N, E)
        if bool((lengths == N).all()):
            H, h_n = self.rnn(emb)
        else:  # packing keeps padding out of the backward direction and the final state
            packed = pack_padded_sequence(emb, lengths.cpu(), batch_first=True, enforce_sorted=False)
            H, h_n = self.rnn(packed)
            H, _ = pad_packed_sequence(H, batch_first=True, total_length=N)
        c = h_n.transpose(0, 1).reshape(B, -1)  # (B, n): final forward state [; final backward state]
        return H, c


class _GRUDecoder(nn.Module):
    """The layers every GRU decoder has: y embedding, the GRU cell, W_c and W_y. `extra` is what the cell
    reads beside y_{t-1}: nothing (Luong), a_t (Bahdanau) or c (no attention)."""

    def __init__(self, cfg: ModelConfig, extra: int) -> None:
        super().__init__()
        n = cfg.hidden_size
        self.embedding = nn.Embedding(cfg.target_vocab_size, cfg.embed_size, padding_idx=PAD_ID)
        self.rnn = nn.GRUCell(cfg.embed_size + extra, n)
        self.W_c = nn.Linear(2 * n, n)
        self.W_y = nn.Linear(n, cfg.target_vocab_size)
        self.dropout = nn.Dropout(cfg.dropout)


class LuongDecoder(_GRUDecoder):
    """s_t = GRU(s_{t-1}, y_{t-1}); e_t = score(s_t, H); α_t = softmax(e_t); a_t = α_t H; s̃_t = tanh(W_c [a_t; s_t])"""

    def __init__(self, cfg: ModelConfig, extra: int = 0) -> None:
        super().__init__(cfg, extra)
        self.score = make_score(cfg.score, cfg.hidden_size, cfg.attention_size or cfg.hidden_size, cfg.max_source_len)

    def step(self, y_prev: torch.Tensor, s_prev: torch.Tensor, m: Memory, edit: EditAt | None = None) -> StepOut:
        s_t = self.rnn(self.dropout(self.embedding(y_prev)), s_prev)  # (B, n)
        e_t, alpha_t, a_t = attend(self.score, s_t, m, edit)
        return StepOut(s_t, e_t, alpha_t, a_t, *readout(self, a_t, s_t))


class BahdanauDecoder(LuongDecoder):
    """e_t = score(s_{t-1}, H); a_t = α_t H; s_t = GRU(s_{t-1}, [y_{t-1}; a_t]); s̃_t = tanh(W_c [a_t; s_t])"""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__(cfg, extra=cfg.hidden_size)

    def step(self, y_prev, s_prev, m, edit=None):
        e_t, alpha_t, a_t = attend(self.score, s_prev, m, edit)
        s_t = self.rnn(torch.cat([self.dropout(self.embedding(y_prev)), a_t], dim=-1), s_prev)  # (B, n)
        return StepOut(s_t, e_t, alpha_t, a_t, *readout(self, a_t, s_t))


class PlainDecoder(_GRUDecoder):
    """No attention: s_t = GRU(s_{t-1}, [y_{t-1}; c]) with one fixed context c; s̃_t = tanh(W_c [c; s_t])"""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__(cfg, extra=cfg.hidden_size)

    def step(self, y_prev, s_prev, m, edit=None):  # no attention: nothing to edit
        s_t = self.rnn(torch.cat([self.dropout(self.embedding(y_prev)), m.c], dim=-1), s_prev)  # (B, n)
        return StepOut(s_t, None, None, None, *readout(self, m.c, s_t))


def readout(decoder: nn.Module, context: torch.Tensor, s_t: torch.Tensor):
    """v_t = [a_t; s_t] (or [c; s_t]); s̃_t = tanh(W_c v_t + b_c); logits = W_y s̃_t + b_y"""
    v_t = torch.cat([context, s_t], dim=-1)  # (B, 2n)
    s_tilde_t = torch.tanh(decoder.W_c(v_t))  # (B, n)
    return v_t, s_tilde_t, decoder.W_y(decoder.dropout(s_tilde_t))  # (B, 2n), (B, n), (B, V)


def attend(score: nn.Module, query: torch.Tensor, m: Memory,
           edit: EditAt | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """e = score(query, H) with padding at -inf; α = softmax(e) (exactly 0 at padding); a = Σ_i α^i h_i.
    A what-if `edit` replaces α before it is used (a GRU has one layer of one head)."""
    e = score(query, m.K).masked_fill(~m.mask, float("-inf"))  # (B, N)
    alpha = torch.softmax(e, dim=-1)  # (B, N)
    if edit is not None:
        if edit.layer != 1 or edit.head not in (None, 1):
            raise ValueError("a GRU has one layer of one head: edit layer 1, head 1")
        alpha = edit.apply(e.unsqueeze(1), alpha.unsqueeze(1)).squeeze(1)
    a = torch.bmm(alpha.unsqueeze(1), m.H).squeeze(1)  # (B, n)
    return e, alpha, a


DECODER_CLASSES = {"luong": LuongDecoder, "bahdanau": BahdanauDecoder, "none": PlainDecoder}


class Seq2Seq(nn.Module):
    """Encoder + one of the three decoders, built from a ModelConfig."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        self.encoder = Encoder(cfg)
        self.decoder = DECODER_CLASSES[cfg.decoder](cfg)

    def encode(self, x: torch.Tensor, lengths: torch.Tensor, embedded: torch.Tensor | None = None) -> Memory:
        H, c = self.encoder(x, lengths, embedded)  # (B, N, n), (B, n)
        mask = torch.arange(x.shape[1], device=x.device).unsqueeze(0) < lengths.unsqueeze(1)  # (B, N)
        K = self.decoder.score.keys(H) if self.cfg.has_attention else H
        return Memory(H, K, mask, c)

    def s_0(self, m: Memory) -> torch.Tensor:
        """The decoder's first state: the encoder's final state c, or zeros so that only a_t carries the source."""
        return m.c if self.cfg.decoder_init == "final" else torch.zeros_like(m.c)  # (B, n)

    def initial_state(self, m: Memory) -> torch.Tensor:
        """What the first step starts from: s_0."""
        return self.s_0(m)

    def step(self, y_prev: torch.Tensor, s_prev: torch.Tensor, m: Memory,
             edit: EditAt | None = None) -> tuple[StepOut, torch.Tensor]:
        """One decoder step: its StepOut and the state the next step starts from (s_t)."""
        out = self.decoder.step(y_prev, s_prev, m, edit)
        return out, out.s

    @staticmethod
    def reorder(state: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
        """The states of the hypotheses that go on (beam search): state[rows]."""
        return state[rows]

    @staticmethod
    def memory_arrays(m: Memory) -> dict[str, np.ndarray]:
        """What a trace keeps of the memory, per sentence: H (B, N, n)."""
        return {"H": m.H.numpy()}

    def forward(self, x: torch.Tensor, lengths: torch.Tensor, y_in: torch.Tensor,
                embedded: torch.Tensor | None = None) -> torch.Tensor:
        """Teacher forcing: logits (B, T, V) for the target inputs y_in = [<s>, y_1, …]; `embedded` (B, N, E)
        replaces the source embeddings embed(x) (attribution.py)."""
        m = self.encode(x, lengths, embedded)
        s, logits = self.s_0(m), []
        for t in range(y_in.shape[1]):
            out, s = self.step(y_in[:, t], s, m)
            logits.append(out.logits)
        return torch.stack(logits, dim=1)  # (B, T, V)
