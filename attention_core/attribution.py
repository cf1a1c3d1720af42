"""Attribution beside attention (DESIGN §6): how much each source token moved log ŷ_t[token_t].

Both methods hold the target prefix fixed: the decoder reads the trace's own tokens (teacher forcing), so
step t's log-probability depends on the source alone.

- integrated_gradients (Sundararajan et al. 2017), by Captum: for source token i,
  IG_i = Σ_d (x_i − x'_i)_d ∫₀¹ ∂ log ŷ_t[token_t](x' + λ(x − x')) / ∂x_{i,d} dλ, x being the source
  embeddings and x' the baseline (default_baseline): blank text, every token the space ' ', where the source
  vocabulary has one (the character models), else every token's embedding the zero vector (a GRU's <pad>
  embedding; the Transformer's <pad> row is not kept at zero); lengths and positions unchanged.
  Completeness: Σ_i IG_i = logprob − baseline_logprob. The integral is Captum's trapezoid rule of N_STEPS
  points; where a step misses completeness by more than TOLERANCE, that step (only) is computed again with
  twice the points (up to MAX_STEPS; a warning names any step still missing it), so n_steps differs between
  steps (on dates-dot's "Tuesday, November 3, 1987" one step of 11 needs 512 points: all 11 again at each
  doubling took 4.3 s, the one step 0.9 s). The first try is 32 points: on dates-dot's 20-character date the
  worst step misses by ~50% at 32 points and 1.9% at 64 (the path from the zero baseline crosses saturations),
  but 2 of its 11 steps need the second try, and on dates-transformer 1 of 11: 32 then 64 for the few cost less
  than 64 for all (table below). The steps go in one Captum call (or in chunks, for a progress bar): row r of the
  batch attributes the r-th step asked for, and a GRU decoder runs row r only to its own step
  (_gru_step_logprobs).
  Speed, a 20-character date of 11 steps against its plain trace (`python -m bench attribution`, torch on one
  thread, 2 cores shared with other work, x86_64, 2026-12-02, from the zero baseline; from blank text, 2026-12-03,
  every step meets completeness at 32 points: 28.6× dates-dot, 26.8× dates-transformer; the trace's own time
  varies 3.2–4.0 ms for dates-dot and 6.6–11.9 ms for dates-transformer between runs, so each ratio is of one
  run, alternated):
      first try, row stopping    dates-dot               dates-transformer
      64 points, no              273 ms, 68×             477 ms, 40×
      64 points, yes             135–154 ms, 42–43×      327–356 ms, 45–52× (it has no row stopping)
      32 points, yes (kept)      141 ms, 40×             210 ms, 32×
  Where the time went (dates-dot, 704 rows = 11 steps × 64 points): the model's forward and backward 146 of
  174 ms, its encoder 44 of them, Captum's own work the rest: Captum is kept, the cost is the model's. Measured
  and not taken: rows grouped per step (one forward each) 1.6× slower; Gauss–Legendre at 32 points with row
  stopping, 130 ms on dates-dot against the trapezoid's 147 ms at 64 (one run; not set against the trapezoid at
  32), completes more steps at the first try (76% of 10 test dates' steps, the trapezoid 55% at 32 and 80% at
  64) but gave the same worst step after the retries: the trapezoid is kept (the smaller change).
- erasure (model-agnostic, no gradients): values[i] = logprob − log ŷ_t[token_t] with token i left out of the
  input (removed, the input one token shorter; a one-token input becomes <unk>). All N leave-one-out inputs go
  in one batch.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import torch

from .model import Memory, Seq2Seq
from .tokenizers import BOS_ID, UNK_ID, pad_ids
from .trace import ABS_FLOOR, ATTRIBUTION_METHODS, IG_BASELINES, TOLERANCE, Attribution, Trace, completeness_gap  # noqa

N_STEPS = 32  # the first try (see above)
# Up to 16384 points, measured with the zero baseline (the default until 2026-12-03): on dates-dot's first 24 test
# dates, 14 of 264 steps still missed completeness at 512 points (the path from the zero baseline crosses the unscaled
# dot's saturations, a turn the trapezoid needs many points for: gaps of 8–2,462%). On 5 of them, at 2048 points all but
# one met it and at 8192 all (the slowest last try: 0.8 s); at up to 8192 every one of the 264 steps meets it.
# Gauss–Legendre did not converge faster on those 5 (1024 points: gaps 0.3–190%). 16384: dates-transformer's step 6 of
# "vie, 10 may 1985" (Δ = −5.8e-5 nats) misses it by 7.3% of the 1e-3 floor at 8192 and meets it at 16384 (2.2%; 7 s,
# that step alone). Not float32 rounding: the same step in float64 (a float64 copy of the model) gave the same gaps at
# every count, 32 to 8192 points (7.4% at 8192), so it is the trapezoid's error; Gauss–Legendre still missed by 12% at
# 8192 (114 s).
MAX_STEPS = 16384
INTERNAL_BATCH = 4096  # rows per forward and backward pass in Captum (K steps × points): bounds the memory
METHOD = "riemann_trapezoid"
ERASURE_BASELINE = "source token i removed from the input (one token shorter; a one-token input becomes <unk>)"


def source_embedding(model: torch.nn.Module) -> torch.nn.Embedding:
    """The embedding the encoder reads the source through: GRU models and the Transformer."""
    return model.encoder.embedding if hasattr(model, "encoder") else model.source_embedding


def zero_baseline(translator, ids: list[int]) -> tuple[torch.Tensor, str]:
    """x' (1, N, E) = 0 and what it is: every source embedding the zero vector (IG_BASELINES["zeros"])."""
    return torch.zeros(1, len(ids), source_embedding(translator.model).embedding_dim), IG_BASELINES["zeros"]


def default_baseline(translator, ids: list[int]) -> tuple[torch.Tensor, str]:
    """x' (1, N, E) and what it is (IG_BASELINES): blank text, every one of the N tokens the space ' ', where the
    source vocabulary has that token (the character models), else every embedding the zero vector.

    Why blank text and not zeros where it can be had: a baseline should be an input at which the model's output is
    uninformative (Sundararajan et al. 2017). For dates-dot the all-zero input is not one: the emitted digit's
    median probability there is 0.31 (every year begins 19 or 20), blank text's 0.023; the share of digits whose
    largest |IG| is inside the digit's field goes from 56.9% to 81.2%, and the retries converge sooner
    (`python -m bench baselines`, 72 test dates; scripts/attribution-baselines.md). The price, as for a black
    image: the input's own spaces get exactly 0 (x − x' = 0 there) whatever they do; erasure still measures them."""
    space = translator.source_tokenizer.stoi.get(" ")
    if space is None:
        return zero_baseline(translator, ids)
    with torch.no_grad():
        return source_embedding(translator.model)(torch.tensor([[space] * len(ids)])).detach(), IG_BASELINES["blank"]


def teacher_inputs(translator, trace: Trace) -> tuple[torch.Tensor, torch.Tensor]:
    """y_in (1, T) = the inputs y_{t-1} the trace's steps read, and the tokens (T,) each step emitted or was given."""
    stoi = translator.target_tokenizer.stoi
    y_in = [stoi.get(step.input_token, UNK_ID) for step in trace.steps]
    if y_in:
        y_in[0] = BOS_ID
    tokens = [stoi.get(step.token, UNK_ID) for step in trace.steps]
    return torch.tensor([y_in]), torch.tensor(tokens)


def _asked(translator, trace: Trace, steps: Sequence[int] | None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """teacher_inputs cut after the last step asked for (later inputs change nothing before it), the tokens, and
    the steps asked for (0-based; None: every step) as a tensor."""
    y_in, tokens = teacher_inputs(translator, trace)
    which = torch.arange(len(tokens)) if steps is None else torch.tensor(list(steps))
    return y_in[:, : int(which.max()) + 1], tokens, which


def _step_logprobs(model, x, lengths, y_in, tokens, embedded=None, steps=None) -> torch.Tensor:
    """log ŷ_t[token_t] of row r's step t_r, where the batch's rows are (x, y_in) and t_r = steps[r mod K]
    (steps: K 0-based step indices, default all T). A GRU decoder runs row r to its step t_r only
    (_gru_step_logprobs); the Transformer decodes every position of every row at once."""
    steps = torch.arange(y_in.shape[1]) if steps is None else steps
    t = steps[torch.arange(x.shape[0]) % len(steps)]
    if isinstance(model, Seq2Seq):
        return _gru_step_logprobs(model, x, lengths, y_in, tokens, embedded, t)
    logp = torch.log_softmax(model(x, lengths, y_in, embedded), dim=-1)  # (R, T, V)
    return logp[torch.arange(logp.shape[0]), t, tokens[t]]


def _gru_step_logprobs(model: Seq2Seq, x, lengths, y_in, tokens, embedded, t: torch.Tensor) -> torch.Tensor:
    """Seq2Seq.forward's teacher forcing with row r stopped after its step t_r: the rows ordered by t_r (largest
    first), so that the rows still running at position p are a prefix. log ŷ_{t_r}[token_{t_r}] per row, in the
    rows' own order. (Every row to the last step, as forward does, did ~(T−1)/2 steps per row for nothing:
    measured on dates-dot, 20-character dates, 11 steps, 64 points, torch on one thread, alternated with it,
    26% less time for the same values: 147 against 200 ms.)"""
    order = torch.argsort(t, descending=True, stable=True)
    t_sorted = t[order]
    m = model.encode(x[order], lengths[order], None if embedded is None else embedded[order])
    s, ys, found = model.s_0(m), y_in[order], []
    for p in range(int(t_sorted[0]) + 1):
        running, going_on = int((t_sorted >= p).sum()), int((t_sorted > p).sum())
        out, s = model.step(ys[:running, p], s[:running], Memory(*(v[:running] for v in m)))
        if going_on < running:  # rows [going_on, running) end at step p
            found.append(torch.log_softmax(out.logits[going_on:], dim=-1)[:, tokens[p]])
    by_order = torch.cat(found[::-1])  # (found[p] holds positions below found[p - 1]'s)
    return by_order[torch.argsort(order)]


def integrated_gradients(translator, ids: list[int], trace: Trace, n_steps: int = N_STEPS,
                         method: str = METHOD, steps: Sequence[int] | None = None,
                         baselines: tuple[torch.Tensor, str] | None = None
                         ) -> tuple[list[Attribution], torch.Tensor]:
    """IG of log ŷ_t[token_t] w.r.t. each source embedding for the steps `steps` (0-based; default every step)
    in one Captum call, and Captum's convergence delta per step (Σ values − (logprob − baseline_logprob)).

    `baselines`: (x' (B, N, E), what they are) for IG averaged over B baselines, values = (1/B) Σ_b IG(x, x'_b)
    and baseline_logprob = (1/B) Σ_b log ŷ_t[token_t](x'_b), so that completeness holds for the mean as for each
    b (Erion et al. 2021's expected gradients, with a fixed sample); default default_baseline's one."""
    from captum.attr import IntegratedGradients

    model = translator.model
    y_in, tokens, which = _asked(translator, trace, steps)
    K = len(which)
    with torch.no_grad():
        emb = source_embedding(model)(torch.tensor([ids])).detach()  # (1, N, E)
    x_b, name = default_baseline(translator, ids) if baselines is None else baselines
    B = len(x_b)
    x, lengths = torch.tensor([ids] * (B * K)), torch.tensor([len(ids)] * (B * K))
    ys = y_in.expand(B * K, -1)
    # Rows b·K + k: baseline b, step which[k] (_step_logprobs reads step which[r mod K]). Captum repeats the
    # additional arguments per point, so each of the n_steps copies of the B·K rows keeps its step.

    def forward(emb: torch.Tensor, x: torch.Tensor, lengths: torch.Tensor, ys: torch.Tensor) -> torch.Tensor:
        return _step_logprobs(model, x, lengths, ys, tokens, emb, which)

    real_emb, baseline = emb.expand(B * K, -1, -1), x_b.repeat_interleave(K, dim=0)  # (B·K, N, E) each
    with torch.enable_grad():
        ig = IntegratedGradients(forward)
        attr, delta = ig.attribute(real_emb, baselines=baseline, additional_forward_args=(x, lengths, ys),
                                   n_steps=n_steps, method=method, return_convergence_delta=True,
                                   internal_batch_size=max(B * K, INTERNAL_BATCH))
    with torch.no_grad():
        real = forward(real_emb, x, lengths, ys)[:K]
        base = forward(baseline, x, lengths, ys).view(B, K).double().mean(0)
    values = attr.sum(-1).detach().double().view(B, K, -1).mean(0).numpy()  # (K, N)
    out = [Attribution(method="integrated_gradients", baseline=name, values=values[k], logprob=float(real[k]),
                       baseline_logprob=float(base[k]), n_steps=n_steps) for k in range(K)]
    return out, delta.detach().double().view(B, K).mean(0)


def erasure(translator, ids: list[int], trace: Trace, steps: Sequence[int] | None = None) -> list[Attribution]:
    """values[i] = log ŷ_t[token_t] − the same with source token i left out, for the steps `steps` (0-based;
    default every step), every step and token in one batch."""
    model = translator.model
    y_in, tokens, which = _asked(translator, trace, steps)
    K, N = len(which), len(ids)
    erased = [ids[:i] + ids[i + 1:] or [UNK_ID] for i in range(N)]
    inputs = [ids] + erased  # row group 0: the real input
    rows = [seq for seq in inputs for _ in range(K)]  # K rows per input, row r attributing step steps[r mod K]
    with torch.no_grad():
        logp = _step_logprobs(model, pad_ids(rows), torch.tensor([len(s) for s in rows]),
                              y_in.expand(len(rows), -1), tokens, steps=which).view(N + 1, K).double().numpy()
    return [Attribution(method="erasure", baseline=ERASURE_BASELINE, values=logp[0, k] - logp[1:, k],
                        logprob=float(logp[0, k])) for k in range(K)]


def complete_integrated_gradients(translator, ids: list[int], trace: Trace, steps: Sequence[int],
                                  baselines: tuple[torch.Tensor, str] | None = None) -> dict[int, Attribution]:
    """IG of the steps `steps` (0-based) at N_STEPS points, each step that misses completeness by more than
    TOLERANCE again at twice the points, up to MAX_STEPS (a warning names any step still missing it);
    `baselines` as integrated_gradients takes them (default default_baseline's)."""
    found, pending, n_steps = {}, list(steps), N_STEPS
    while pending:
        for t, a in zip(pending, integrated_gradients(translator, ids, trace, n_steps, steps=pending,
                                                      baselines=baselines)[0]):
            found[t] = a
        gaps = {t: found[t].gap for t in pending}
        pending = [t for t in pending if gaps[t] > TOLERANCE]
        if pending and n_steps >= MAX_STEPS:  # (see MAX_STEPS)
            warnings.warn(f"integrated gradients at {n_steps} points miss completeness by more than {TOLERANCE:.0%} "
                          f"at step(s) {', '.join(f'{t + 1} ({gaps[t]:.0%})' for t in pending)}", stacklevel=4)
            break
        n_steps *= 2
    return found


def attribute(translator, ids: list[int], trace: Trace, method: str = "integrated_gradients", *,
              chunk: int | None = None, progress: Callable[[int, int], None] | None = None) -> Trace:
    """Attach to every step of `trace` (of the input `ids`) its attribution by `method`; the trace, changed.
    `chunk`: at most that many steps per computation, `progress(done, T)` called after each (an app's progress
    bar, and a point at which it can stop); default all steps at once, the fastest."""
    if method not in ATTRIBUTION_METHODS:
        raise ValueError(f"attribution method must be one of {', '.join(ATTRIBUTION_METHODS)}, not {method!r}")
    T = len(trace.steps)
    chunk = chunk or max(T, 1)
    found: dict[int, Attribution] = {}
    for start in range(0, T, chunk):
        steps = range(start, min(start + chunk, T))
        if method == "erasure":
            found |= dict(zip(steps, erasure(translator, ids, trace, steps)))
        else:
            found |= complete_integrated_gradients(translator, ids, trace, steps)
        if progress is not None:
            progress(len(found), T)
    for t, step in enumerate(trace.steps):
        step.attribution = found[t]
    return trace
