"""Greedy, forced and beam-search decoding that keep every intermediate quantity of every step.

All three run `Seq2Seq.step`, batched over sentences (greedy, forced) or over hypotheses (beam),
and return plain NumPy arrays; `translator.py` turns them into `Trace` objects with tokens.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from .model import AlphaEdit, Memory, Seq2Seq, StepOut
from .tokenizers import BOS_ID, EOS_ID

_KEYS = ("s", "e", "alpha", "a", "concat", "s_tilde")


@dataclass
class Steps:
    """Step quantities for B sequences, padded to T steps: arrays of shape (B, T, ·)."""

    inputs: np.ndarray  # (B, T) y_{t-1}
    tokens: np.ndarray  # (B, T) y_t: emitted (greedy, beam) or given (forced)
    prob: np.ndarray  # (B, T) ŷ_t[y_t]
    top_ids: np.ndarray  # (B, T, k)
    top_probs: np.ndarray  # (B, T, k)
    lengths: np.ndarray  # (B,) real steps per sequence, end marker included
    H: np.ndarray  # (B, N, n)
    vectors: dict[str, np.ndarray | None]  # s, e, alpha, a, concat, s_tilde: (B, T, ·) or None


def _stack(outs: list[StepOut], key: str) -> np.ndarray | None:
    if getattr(outs[0], key) is None:
        return None
    return torch.stack([getattr(o, key) for o in outs], dim=1).numpy()  # (B, T, ·)


@torch.inference_mode()
def decode(model: Seq2Seq, x: torch.Tensor, lengths: torch.Tensor, *, max_len: int, k: int = 5,
           given: torch.Tensor | None = None, given_lengths: torch.Tensor | None = None,
           prefix: torch.Tensor | None = None, edit: AlphaEdit | None = None, edit_step: int = 0,
           stop_after: int = 0) -> Steps:
    """Greedy decoding (y_t = argmax ŷ_t), or forced decoding when `given` holds the target ids.

    What-if decoding: `prefix` (B, P) forces the first P tokens, `edit` replaces α at step `edit_step`,
    and `stop_after` ends the decoding after that step (0: run to the end marker).
    """
    m = model.encode(x, lengths)
    B = x.shape[0]
    y_prev = torch.full((B,), BOS_ID, dtype=torch.long)
    s = model.s_0(m)
    T = given.shape[1] if given is not None else max_len
    done = torch.zeros(B, dtype=torch.bool)
    steps_len = torch.full((B,), T, dtype=torch.long) if given_lengths is None else given_lengths.clone()
    outs, inputs, tokens, probs, top_ids, top_probs = [], [], [], [], [], []
    for t in range(T):
        out = model.step(y_prev, s, m, edit if t + 1 == edit_step else None)
        p = torch.softmax(out.logits, dim=-1)  # (B, V): ŷ_t
        top_p, top_i = p.topk(min(k, p.shape[-1]), dim=-1)
        if given is not None:
            y = given[:, t]
        elif prefix is not None and t < prefix.shape[1]:
            y = prefix[:, t]
        else:
            y = top_i[:, 0]
        outs.append(out)
        inputs.append(y_prev)
        tokens.append(y)
        probs.append(p.gather(1, y.unsqueeze(1)).squeeze(1))
        top_ids.append(top_i)
        top_probs.append(top_p)
        if given is None:
            newly = (y == EOS_ID) & ~done
            steps_len[newly] = t + 1
            done |= newly
            if bool(done.all()):
                break
        if stop_after and t + 1 >= stop_after:
            steps_len = torch.minimum(steps_len, torch.tensor(t + 1))
            break
        y_prev, s = y, out.s
    return Steps(
        inputs=torch.stack(inputs, 1).numpy(), tokens=torch.stack(tokens, 1).numpy(),
        prob=torch.stack(probs, 1).numpy(), top_ids=torch.stack(top_ids, 1).numpy(),
        top_probs=torch.stack(top_probs, 1).numpy(), lengths=steps_len.numpy(), H=m.H.numpy(),
        vectors={key: _stack(outs, key) for key in _KEYS},
    )


@dataclass
class _Hyp:
    node: int
    log_prob: float
    s: torch.Tensor  # (n,) the state the next step starts from
    last: int  # y_{t-1} for the next step
    rows: list = field(default_factory=list)  # per step: (StepOut row, token, prob, top_p, top_i)


def _memory_rows(m: Memory, count: int) -> Memory:
    return Memory(*(v.expand(count, *v.shape[1:]) for v in m))


@torch.inference_mode()
def beam_search(model: Seq2Seq, x: torch.Tensor, lengths: torch.Tensor, *, width: int, max_len: int,
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
    live = [_Hyp(node=0, log_prob=0.0, s=model.s_0(m)[0], last=BOS_ID)]
    finished: list[_Hyp] = []
    for t in range(max_len):
        out = model.step(torch.tensor([h.last for h in live]), torch.stack([h.s for h in live]),
                         _memory_rows(m, len(live)))
        p = torch.softmax(out.logits, dim=-1)  # (L, V)
        log_p = torch.log_softmax(out.logits, dim=-1)
        top_p, top_i = p.topk(min(k, p.shape[-1]), dim=-1)
        cand_lp, cand_i = log_p.topk(min(width + 1, p.shape[-1]), dim=-1)  # one spare for a finished one
        candidates = [(h.log_prob + float(cand_lp[j, c]), j, int(cand_i[j, c]))
                      for j, h in enumerate(live) for c in range(cand_i.shape[1])]
        candidates.sort(key=lambda c: -c[0])
        next_live: list[_Hyp] = []
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
            row = (StepOut(*(None if v is None else v[j] for v in out)), token, float(p[j, token]), top_p[j], top_i[j])
            hyp = _Hyp(node=node, log_prob=total, s=out.s[j], last=token, rows=parent.rows + [row])
            (finished if status == "finished" else next_live).append(hyp)
        live = next_live
        if len(finished) >= width or not live:
            break
    finished.sort(key=lambda h: -h.log_prob / len(h.rows))
    for rank, h in enumerate(finished):
        tree[h.node]["rank"] = rank
    return [_hyp_steps(h, m) for h in finished], tree


def _hyp_steps(h: _Hyp, m: Memory) -> Steps:
    outs = [row[0] for row in h.rows]
    tokens = [row[1] for row in h.rows]

    def stack(key):
        if getattr(outs[0], key) is None:
            return None
        return torch.stack([getattr(o, key) for o in outs]).unsqueeze(0).numpy()  # (1, T, ·)

    return Steps(
        inputs=np.array([[BOS_ID] + tokens[:-1]]), tokens=np.array([tokens]),
        prob=np.array([[row[2] for row in h.rows]], dtype=np.float32),
        top_ids=torch.stack([row[4] for row in h.rows]).unsqueeze(0).numpy(),
        top_probs=torch.stack([row[3] for row in h.rows]).unsqueeze(0).numpy(),
        lengths=np.array([len(tokens)]), H=m.H.numpy(), vectors={key: stack(key) for key in _KEYS},
    )
