"""Greedy, forced, what-if and beam-search decoding that keep every intermediate quantity of every step.

Every model has the same four methods: `encode`, `initial_state`, `step` (-> StepOut, next state) and
`reorder`. `decode` runs one decoding policy batched over sentences, `beam_search` runs over hypotheses;
both return `Steps` (plain NumPy arrays, one shape for every model); `translator.build_traces` turns them
into `Trace` objects with tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from .step import EditAt, StepOut, row, stack_steps
from .tokenizers import BOS_ID, EOS_ID


@dataclass
class Steps:
    """Step quantities for B sequences, padded to T steps: arrays of shape (B, T, ·)."""

    inputs: np.ndarray  # (B, T) y_{t-1}
    tokens: np.ndarray  # (B, T) y_t: emitted (greedy, beam) or given (forced)
    prob: np.ndarray  # (B, T) ŷ_t[y_t]
    top_ids: np.ndarray  # (B, T, k)
    top_probs: np.ndarray  # (B, T, k)
    lengths: np.ndarray  # (B,) real steps per sequence, end marker included
    memory: dict[str, np.ndarray]  # per sentence: "H" (B, N, n), and for a Transformer its keys, values, self-attention
    vectors: dict[str, np.ndarray | None]  # STEP_FIELDS: (B, T, ·) or None


# -- policies: which token each step feeds on --------------------------------------------------------------
@dataclass
class Greedy:
    """y_t = argmax ŷ_t until every sequence has emitted the end marker or max_len steps are done."""

    max_len: int  # the most steps

    stops_at_end = True
    given_lengths = None  # (B,) the steps of each sequence when they are fixed (Forced, padded targets)

    def choose(self, t: int, top_i: torch.Tensor) -> torch.Tensor:
        return top_i[:, 0]

    def edit_at(self, t: int) -> EditAt | None:
        return None

    def last_step(self, t: int) -> bool:
        return False


class Forced(Greedy):
    """y_t = the given target's token (given (B, T), end marker included; given_lengths (B,) when padded):
    every step's distribution is that of the given prefix."""

    stops_at_end = False

    def __init__(self, given: torch.Tensor, given_lengths: torch.Tensor | None = None) -> None:
        super().__init__(max_len=given.shape[1])
        self.given, self.given_lengths = given, given_lengths

    def choose(self, t, top_i):
        return self.given[:, t]


@dataclass
class WhatIf(Greedy):
    """Greedy decoding whose first P tokens are forced (`prefix` (B, P)), with α edited at step `at`
    (1-based, as the steps of a trace are counted); `stop_after_edit` ends the decoding at that step."""

    prefix: torch.Tensor = None
    edit: EditAt = None
    at: int = 1
    stop_after_edit: bool = False

    def choose(self, t, top_i):
        return self.prefix[:, t] if t < self.prefix.shape[1] else top_i[:, 0]

    def edit_at(self, t):
        return self.edit if t + 1 == self.at else None

    def last_step(self, t):
        return self.stop_after_edit and t + 1 >= self.at


@torch.inference_mode()
def decode(model, x: torch.Tensor, lengths: torch.Tensor, policy: Greedy, *, k: int = 5) -> Steps:
    """Run `policy` (Greedy, Forced or WhatIf) on a batch of sentences x (B, N) of the given lengths."""
    m = model.encode(x, lengths)
    B = x.shape[0]
    y_prev = torch.full((B,), BOS_ID, dtype=torch.long)
    state = model.initial_state(m)
    done = torch.zeros(B, dtype=torch.bool)
    steps_len = torch.full((B,), policy.max_len, dtype=torch.long) if policy.given_lengths is None \
        else policy.given_lengths.clone()
    outs, inputs, tokens, probs, top_ids, top_probs = [], [], [], [], [], []
    for t in range(policy.max_len):  # t is 0-based here; the trace's steps are t + 1
        out, state = model.step(y_prev, state, m, policy.edit_at(t))
        p = torch.softmax(out.logits, dim=-1)  # (B, V): ŷ_t
        top_p, top_i = p.topk(min(k, p.shape[-1]), dim=-1)
        y = policy.choose(t, top_i)
        outs.append(out)
        inputs.append(y_prev)
        tokens.append(y)
        probs.append(p.gather(1, y.unsqueeze(1)).squeeze(1))
        top_ids.append(top_i)
        top_probs.append(top_p)
        if policy.stops_at_end:
            newly = (y == EOS_ID) & ~done
            steps_len[newly] = t + 1
            done |= newly
            if bool(done.all()):
                break
        if policy.last_step(t):
            steps_len = torch.minimum(steps_len, torch.tensor(t + 1))
            break
        y_prev = y
    return Steps(
        inputs=torch.stack(inputs, 1).numpy(), tokens=torch.stack(tokens, 1).numpy(),
        prob=torch.stack(probs, 1).numpy(), top_ids=torch.stack(top_ids, 1).numpy(),
        top_probs=torch.stack(top_probs, 1).numpy(), lengths=steps_len.numpy(),
        memory=model.memory_arrays(m), vectors=stack_steps(outs, model.cfg.alignment_from),
    )


@dataclass
class _Hyp:
    node: int
    log_prob: float
    last: int  # y_{t-1} for the next step
    rows: list = field(default_factory=list)  # per step: (StepOut row (B = 1), token, prob, top_p, top_i)


@torch.inference_mode()
def beam_search(model, x: torch.Tensor, lengths: torch.Tensor, *, width: int, max_len: int,
                k: int = 5) -> tuple[list[Steps], list[dict]]:
    """Beam search on one sentence (x: (1, N)).

    Keeps the `width` best partial hypotheses by Σ log ŷ; a hypothesis that emits the end marker is
    finished; the search stops when `width` hypotheses are finished. Finished ones are ranked by the
    length-normalised score Σ log ŷ / length. Width 1 is greedy decoding.
    Returns the finished hypotheses (best first) as Steps with B = 1, and the search tree: one node
    per candidate with its parent, step, token id, log-probability and status.
    """
    m = model.encode(x, lengths)
    tree: list[dict] = [{"id": 0, "parent": None, "t": 0, "token_id": BOS_ID, "log_prob": 0.0, "status": "root"}]
    live = [_Hyp(node=0, log_prob=0.0, last=BOS_ID)]
    state = model.initial_state(m)  # one row per live hypothesis
    finished: list[_Hyp] = []
    for t in range(max_len):
        out, state = model.step(torch.tensor([h.last for h in live]), state, m.expand(len(live)))
        p = torch.softmax(out.logits, dim=-1)  # (L, V)
        log_p = torch.log_softmax(out.logits, dim=-1)
        top_p, top_i = p.topk(min(k, p.shape[-1]), dim=-1)
        cand_lp, cand_i = log_p.topk(min(width + 1, p.shape[-1]), dim=-1)  # one spare for a finished one
        candidates = [(h.log_prob + float(cand_lp[j, c]), j, int(cand_i[j, c]))
                      for j, h in enumerate(live) for c in range(cand_i.shape[1])]
        candidates.sort(key=lambda c: -c[0])
        next_live: list[_Hyp] = []
        parents: list[int] = []  # the state row each next live hypothesis goes on from
        for rank, (total, j, token) in enumerate(candidates):
            parent = live[j]
            node = len(tree)
            is_end = token == EOS_ID or t == max_len - 1
            if is_end and rank < width and len(finished) < width:
                status = "finished"
            elif not is_end and len(next_live) < width:
                status = "kept"
            else:
                status = "pruned"
            tree.append({"id": node, "parent": parent.node, "t": t + 1, "token_id": token,
                         "log_prob": total, "status": status})
            if status == "pruned":
                continue
            step_row = (row(out, j), token, float(p[j, token]), top_p[j], top_i[j])
            hyp = _Hyp(node=node, log_prob=total, last=token, rows=parent.rows + [step_row])
            if status == "finished":
                finished.append(hyp)
            else:
                next_live.append(hyp)
                parents.append(j)
        live = next_live
        if len(finished) >= width or not live:
            break
        state = model.reorder(state, torch.tensor(parents))
    finished.sort(key=lambda h: -h.log_prob / len(h.rows))
    for rank, h in enumerate(finished):
        tree[h.node]["rank"] = rank
    memory = model.memory_arrays(m)
    return [_hyp_steps(h, memory, model.cfg.alignment_from) for h in finished], tree


def _hyp_steps(h: _Hyp, memory: dict[str, np.ndarray], alignment_from: dict) -> Steps:
    outs: list[StepOut] = [r[0] for r in h.rows]
    tokens = [r[1] for r in h.rows]
    return Steps(
        inputs=np.array([[BOS_ID] + tokens[:-1]]), tokens=np.array([tokens]),
        prob=np.array([[r[2] for r in h.rows]], dtype=np.float32),
        top_ids=torch.stack([r[4] for r in h.rows]).unsqueeze(0).numpy(),
        top_probs=torch.stack([r[3] for r in h.rows]).unsqueeze(0).numpy(),
        lengths=np.array([len(tokens)]), memory=memory, vectors=stack_steps(outs, alignment_from),
    )
