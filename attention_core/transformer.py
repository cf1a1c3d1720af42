"""A Transformer encoder–decoder (Vaswani et al. 2017) traced as completely as the GRU models (DESIGN §5).

Written in the style of The Annotated Transformer, with our own multi-head attention so that every
head's quantities are in reach: q = W_Q x, K = W_K h, V = W_V h split into h heads of d_k,
e = q Kᵀ / √d_k, α = softmax(e), a = α V, the heads joined [a^1; …; a^h] and projected by W_O.

Training (all target positions at once, causal mask) and tracing (one position per step, keys and
values of the prefix cached) run the same `DecoderLayer.forward`, so every traced number is the one
the model computes; a test holds the two equal.

Inside the model, sub-modules are called through `.forward` and `_linear` rather than `module(x)`: a
step makes some 60 such calls, and nn.Module's call machinery (hooks) cost more than the arithmetic at
these sizes (measured: 4 ms of a 10 ms trace).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .config import ModelConfig
from .step import Attention, EditAt, StepOut
from .tokenizers import PAD_ID


class MultiHeadAttention(nn.Module):
    """e^j = (x W_Q^j)(m W_K^j)ᵀ / √d_k; α^j = softmax(e^j) over the visible keys; a^j = α^j (m W_V^j);
    out = [a^1; …; a^h] W_O."""

    def __init__(self, d_model: int, heads: int, dropout: float) -> None:
        super().__init__()
        self.h, self.d_k = heads, d_model // heads
        self.W_Q, self.W_K, self.W_V, self.W_O = (nn.Linear(d_model, d_model) for _ in range(4))
        self.dropout = nn.Dropout(dropout)

    def split(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, d_model) -> (B, h, T, d_k): head j holds columns j·d_k … (j+1)·d_k - 1."""
        B, T, _ = x.shape
        if T == 1:  # one position: the same memory order, one op fewer (a step makes many of these)
            return x.view(B, self.h, 1, self.d_k)
        return x.view(B, T, self.h, self.d_k).transpose(1, 2)

    def keys_values(self, m: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """K = m W_K and V = m W_V per head: (B, h, N, d_k) each."""
        mods = self._modules  # the sub-modules without nn.Module.__getattr__ (see _linear)
        return self.split(_linear(mods["W_K"], m)), self.split(_linear(mods["W_V"], m))

    def forward(self, x: torch.Tensor, K: torch.Tensor, V: torch.Tensor, visible: torch.Tensor,
                edit: EditAt | None = None) -> tuple[torch.Tensor, Attention, torch.Tensor]:
        """x (B, T, d_model) asks; K, V (B, h, N, d_k) answer; visible (B, T or 1, N) is False where a key
        may not be seen (padding, the future). Returns W_O's output (B, T, d_model), every head's
        Attention (q, e, α, a: (B, h, T, ·)) and the joined heads (B, T, d_model). A what-if `edit` replaces
        α of the last query position (a traced step has one)."""
        B, T, _ = x.shape
        mods = self._modules
        q = self.split(_linear(mods["W_Q"], x))  # (B, h, T, d_k)
        e = (q @ K.transpose(-1, -2)) / math.sqrt(self.d_k)  # (B, h, T, N)
        if visible is not None:  # None: every key visible (one decoding step's own self-attention)
            e = e.masked_fill(~visible.unsqueeze(1), float("-inf"))
        alpha = torch.softmax(e, dim=-1)  # exactly 0 where not visible
        if edit is not None:
            alpha = alpha.clone()
            alpha[:, :, -1] = edit.apply(e[:, :, -1], alpha[:, :, -1])
        a = (self.dropout(alpha) if self.training else alpha) @ V  # (B, h, T, d_k)
        joined = (a.reshape(B, 1, -1) if T == 1 else a.transpose(1, 2).reshape(B, T, -1))  # [a^1; …; a^h]
        return _linear(mods["W_O"], joined), Attention(q, e, alpha, a), joined


def _linear(layer: nn.Linear, x: torch.Tensor) -> torch.Tensor:
    """layer(x) without nn.Module's call machinery: a step makes ~20 of these, and the calls cost more than
    the products at these sizes. The parameters are read from the module's own dict, always current:
    `layer.weight` goes through nn.Module.__getattr__ (measured: 15% of a trace)."""
    p = layer._parameters
    return torch._C._nn.linear(x, p["weight"], p["bias"])


def _layer_norm(norm: nn.LayerNorm | nn.Identity, x: torch.Tensor) -> torch.Tensor:
    """norm(x), as _linear does it: no __getattr__, no functional wrapper."""
    if isinstance(norm, nn.Identity):
        return x
    p = norm._parameters
    return torch.layer_norm(x, norm.normalized_shape, p["weight"], p["bias"], norm.eps)


class FeedForward(nn.Module):
    """FFN(x) = W_2 ReLU(W_1 x)"""

    def __init__(self, d_model: int, d_ff: int, dropout: float) -> None:
        super().__init__()
        self.W_1, self.W_2, self.dropout = nn.Linear(d_model, d_ff), nn.Linear(d_ff, d_model), nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mods = self._modules
        hidden = torch.relu(_linear(mods["W_1"], x))
        return _linear(mods["W_2"], self.dropout(hidden) if self.training else hidden)


class Residual(nn.Module):
    """A sublayer f with its residual connection and norm. pre-norm: x + f(LayerNorm(x));
    post-norm: LayerNorm(x + f(x)). Written as x_out = r.out(x, f(r.into(x)))."""

    def __init__(self, d_model: int, norm: str, dropout: float) -> None:
        super().__init__()
        self.norm, self.pre, self.dropout = nn.LayerNorm(d_model), norm == "pre", nn.Dropout(dropout)

    def into(self, x: torch.Tensor) -> torch.Tensor:
        """What the sublayer reads: LayerNorm(x) (pre-norm) or x (post-norm)."""
        return self._norm(x) if self.pre else x

    def out(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """x + y (pre-norm) or LayerNorm(x + y) (post-norm), y being the sublayer's output."""
        x = x + (self.dropout(y) if self.training else y)
        return x if self.pre else self._norm(x)

    def _norm(self, x: torch.Tensor) -> torch.Tensor:
        return _layer_norm(self._modules["norm"], x)


class EncoderLayer(nn.Module):
    """h ← h + SelfAttention(h) ; h ← h + FFN(h) (each with its norm)."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        d = cfg.hidden_size
        self.self_attn = MultiHeadAttention(d, cfg.heads, cfg.dropout)
        self.ff = FeedForward(d, cfg.d_ff or 4 * d, cfg.dropout)
        self.r1, self.r2 = Residual(d, cfg.norm, cfg.dropout), Residual(d, cfg.norm, cfg.dropout)

    def forward(self, x: torch.Tensor, visible: torch.Tensor | None) -> tuple[torch.Tensor, Attention]:
        y = self.r1.into(x)
        out, att, _ = self.self_attn.forward(y, *self.self_attn.keys_values(y), visible)
        x = self.r1.out(x, out)
        x = self.r2.out(x, self.ff.forward(self.r2.into(x)))
        return x, att


class DecoderLayer(nn.Module):
    """x ← x + MaskedSelfAttention(x) ; x ← x + CrossAttention(x, H) ; x ← x + FFN(x) (each with its norm)."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        d = cfg.hidden_size
        self.self_attn = MultiHeadAttention(d, cfg.heads, cfg.dropout)
        self.cross_attn = MultiHeadAttention(d, cfg.heads, cfg.dropout)
        self.ff = FeedForward(d, cfg.d_ff or 4 * d, cfg.dropout)
        self.r1, self.r2, self.r3 = (Residual(d, cfg.norm, cfg.dropout) for _ in range(3))

    def forward(self, x: torch.Tensor, K_past: torch.Tensor, V_past: torch.Tensor, K: torch.Tensor,
                V: torch.Tensor, source_visible: torch.Tensor | None, edit: EditAt | None = None):
        """x (B, T, d): the new positions; K_past, V_past (B, h, P, d_k): the cached self-attention keys and
        values of the P positions before them (P = 0 when the whole prefix is given at once); K, V: this
        layer's cross-attention keys and values of the source. Position p sees positions 1 … P + p.
        Returns x, the new self keys and values (B, h, P + T, d_k), self and cross Attention, the joined heads."""
        T, P = x.shape[1], K_past.shape[2]
        # position p sees 1 … P + p; a single new position sees all of them, so it needs no mask
        causal = None if T == 1 else torch.ones(T, P + T, dtype=torch.bool, device=x.device).tril(P).unsqueeze(0)
        mods = self._modules  # the sub-modules without nn.Module.__getattr__ (see _linear)
        r1, r2, r3, self_attn = mods["r1"], mods["r2"], mods["r3"], mods["self_attn"]
        y = r1.into(x)
        k, v = self_attn.keys_values(y)
        K_self, V_self = torch.cat([K_past, k], dim=2), torch.cat([V_past, v], dim=2)
        out, self_att, _ = self_attn.forward(y, K_self, V_self, causal)
        x = r1.out(x, out)
        out, cross_att, joined = mods["cross_attn"].forward(r2.into(x), K, V, source_visible, edit)
        x = r2.out(x, out)
        x = r3.out(x, mods["ff"].forward(r3.into(x)))
        return x, K_self, V_self, self_att, cross_att, joined


class Positions(nn.Module):
    """p_t added to the scaled embedding: sinusoidal (sin/cos of t / 10000^(2i/d)) or learned."""

    def __init__(self, d_model: int, length: int, kind: str) -> None:
        super().__init__()
        self.learned = kind == "learned"
        if self.learned:
            self.table = nn.Embedding(length, d_model)
        else:
            t = torch.arange(length, dtype=torch.float32).unsqueeze(1)
            rate = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float32) * (-math.log(10000.0) / d_model))
            table = torch.zeros(length, d_model)
            table[:, 0::2], table[:, 1::2] = torch.sin(t * rate), torch.cos(t * rate[: d_model // 2])
            self.register_buffer("table", table, persistent=False)

    def forward(self, start: int, count: int) -> torch.Tensor:
        """p_start … p_{start+count-1}: (count, d_model)."""
        table = self._modules["table"]._parameters["weight"] if self.learned else self._buffers["table"]
        return table[start:start + count]


class TransformerMemory(NamedTuple):
    """What the decoder may read of one batch of source sentences (per layer: tuples of L tensors)."""

    H: torch.Tensor  # (B, N, d) the encoder's top-layer output h_1 … h_N
    visible: torch.Tensor | None  # (B, 1, N) True at real tokens; None when no sentence is padded
    K: tuple[torch.Tensor, ...]  # (B, h, N, d_k) per decoder layer: cross-attention keys k_i^j = W_K^j h_i
    V: tuple[torch.Tensor, ...]  # (B, h, N, d_k) per decoder layer: values v_i^j = W_V^j h_i
    self_alpha: tuple[torch.Tensor, ...]  # (B, h, N, N) per encoder layer: the encoder's self-attention

    def expand(self, count: int) -> TransformerMemory:
        def rows(v):
            return v.expand(count, *v.shape[1:])
        return TransformerMemory(rows(self.H), None if self.visible is None else rows(self.visible),
                                 *(tuple(rows(v) for v in vs) for vs in (self.K, self.V, self.self_alpha)))


class DecoderState(NamedTuple):
    """The cached self-attention keys and values of the positions decoded so far: (B, h, t, d_k) per layer."""

    K: tuple[torch.Tensor, ...]
    V: tuple[torch.Tensor, ...]


class Transformer(nn.Module):
    """Encoder–decoder of L layers of h heads (ModelConfig with architecture "transformer")."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg, d = cfg, cfg.hidden_size
        self.source_embedding = nn.Embedding(cfg.source_vocab_size, d, padding_idx=PAD_ID)
        self.target_embedding = nn.Embedding(cfg.target_vocab_size, d, padding_idx=PAD_ID)
        self.source_positions = Positions(d, cfg.max_source_len, cfg.positions)
        self.target_positions = Positions(d, cfg.max_target_len, cfg.positions)
        self.encoder_layers = nn.ModuleList(EncoderLayer(cfg) for _ in range(cfg.layers))
        self.decoder_layers = nn.ModuleList(DecoderLayer(cfg) for _ in range(cfg.layers))
        pre = cfg.norm == "pre"  # pre-norm leaves the residual stream unnormalised: one norm at the top
        self.encoder_norm = nn.LayerNorm(d) if pre else nn.Identity()
        self.decoder_norm = nn.LayerNorm(d) if pre else nn.Identity()
        self.W_y = nn.Linear(d, cfg.target_vocab_size)
        self.dropout = nn.Dropout(cfg.dropout)
        for p in self.parameters():
            if p.dim() > 1:
                nn.init.xavier_uniform_(p)

    def _embed(self, embedding: nn.Embedding, positions: Positions, ids: torch.Tensor, start: int,
               embedded: torch.Tensor | None = None) -> torch.Tensor:
        """x = embed(y) √d_model + p (the scale keeps the embedding and the positions of one size); `embedded`
        given: it stands for embed(y)."""
        if embedded is None:
            embedded = F.embedding(ids, embedding._parameters["weight"], PAD_ID)
        x = embedded * math.sqrt(self.cfg.hidden_size) \
            + positions.forward(start, ids.shape[1])
        return self.dropout(x) if self.training else x

    def encode(self, x: torch.Tensor, lengths: torch.Tensor,
               embedded: torch.Tensor | None = None) -> TransformerMemory:
        """`embedded` (B, N, d): the source embeddings to read instead of embed(x), before the √d_model scale
        and the positions (attribution.py)."""
        mask = torch.arange(x.shape[1], device=x.device).unsqueeze(0) < lengths.unsqueeze(1)  # (B, N)
        visible = None if bool(mask.all()) else mask.unsqueeze(1)  # (B, 1, N): the keys a query may see
        h = self._embed(self.source_embedding, self.source_positions, x, 0, embedded)
        alphas = []
        for layer in self.encoder_layers:
            h, att = layer.forward(h, visible)
            alphas.append(att.alpha)
        H = self.encoder_norm(h)
        keys, values = zip(*(layer.cross_attn.keys_values(H) for layer in self.decoder_layers))
        return TransformerMemory(H, visible, keys, values, tuple(alphas))

    def initial_state(self, m: TransformerMemory) -> DecoderState:
        B, h, _, d_k = m.K[0].shape
        empty = tuple(m.H.new_zeros(B, h, 0, d_k) for _ in m.K)
        return DecoderState(empty, empty)

    def decode_positions(self, y_in: torch.Tensor, state: DecoderState, m: TransformerMemory,
                         edit: EditAt | None = None):
        """The decoder on target inputs y_in (B, T) after the state's P cached positions: the top layer's
        output (B, T, d), s̃ = its norm, the new state, and per layer the self and cross Attention and joined heads."""
        P = state.K[0].shape[2]
        mods = self._modules  # without nn.Module.__getattr__ (see _linear)
        x = self._embed(mods["target_embedding"], mods["target_positions"], y_in, P)
        Ks, Vs, selfs, crosses, joins = [], [], [], [], []
        for ell, layer in enumerate(mods["decoder_layers"]):
            x, K_self, V_self, self_att, cross_att, joined = layer.forward(
                x, state.K[ell], state.V[ell], m.K[ell], m.V[ell], m.visible,
                edit if edit is not None and edit.layer == ell + 1 else None)
            Ks.append(K_self)
            Vs.append(V_self)
            selfs.append(self_att)
            crosses.append(cross_att)
            joins.append(joined)
        s_tilde = _layer_norm(mods["decoder_norm"], x)
        return x, s_tilde, DecoderState(tuple(Ks), tuple(Vs)), selfs, crosses, joins

    def step(self, y_prev: torch.Tensor, state: DecoderState, m: TransformerMemory,
             edit: EditAt | None = None) -> tuple[StepOut, DecoderState]:
        """One decoder step: y_{t-1} (B,) at position t, the prefix's keys and values read from the cache."""
        if edit is not None and not 1 <= edit.layer <= self.cfg.layers:
            raise ValueError(f"the model has layers 1 to {self.cfg.layers}")
        s, s_tilde, state, selfs, crosses, joins = self.decode_positions(y_prev.unsqueeze(1), state, m, edit)
        s_tilde = s_tilde.squeeze(1)
        # The alignment view (e, alpha, a) is left to stack_steps, which takes it from the blocks once per decoding.
        out = StepOut(s.squeeze(1), None, None, None, joins[self.cfg.alignment_from["layer"] - 1].squeeze(1), s_tilde,
                      _linear(self._modules["W_y"], s_tilde), cross=tuple(crosses), self_attn=tuple(selfs))
        return out, state

    @staticmethod
    def reorder(state: DecoderState, rows: torch.Tensor) -> DecoderState:
        return DecoderState(tuple(K[rows] for K in state.K), tuple(V[rows] for V in state.V))

    @staticmethod
    def memory_arrays(m: TransformerMemory) -> dict[str, np.ndarray]:
        """Per sentence: H (B, N, d); K, V (B, L, h, N, d_k); the encoder's self-attention (B, L, h, N, N)."""
        return {"H": m.H.numpy(), "K": torch.stack(m.K, 1).numpy(), "V": torch.stack(m.V, 1).numpy(),
                "self_alpha": torch.stack(m.self_alpha, 1).numpy()}

    def forward(self, x: torch.Tensor, lengths: torch.Tensor, y_in: torch.Tensor,
                embedded: torch.Tensor | None = None) -> torch.Tensor:
        """Teacher forcing: logits (B, T, V) for the target inputs y_in = [<s>, y_1, …], all positions at once;
        `embedded` (B, N, d) replaces the source embeddings embed(x) (attribution.py)."""
        m = self.encode(x, lengths, embedded)
        _, s_tilde, *_ = self.decode_positions(y_in, self.initial_state(m), m)
        return self.W_y(self.dropout(s_tilde))
