"""Translator: a model with its tokenizers, and the public tracing API.

    model = load_pretrained("dates-dot")
    trace = model.trace("24 November 2026")            # greedy
    trace = model.trace(text, beam=4)                  # best hypothesis; the others in trace.hypotheses
    trace = model.trace(text, target="2026-11-24")     # forced decoding
    traces = model.trace_batch(texts)                  # batched; the same as one by one
    trace = model.trace(text, attribution=True)        # each step's attribution (IG; or "erasure"): DESIGN §6

The same API for every architecture: the GRU models (model.py) and the Transformer (transformer.py).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import torch

from .config import ModelConfig
from .decoding import Forced, Greedy, Steps, WhatIf, beam_search, decode
from .limits import MAX_BEAM, MAX_INPUT_CHARS, MAX_UNKNOWN_SHARE, InputError  # (re-exported: its old home)
from .step import AlphaEdit, EditAt
from .tokenizers import EOS, EOS_ID, Tokenizer, pad_ids, safe_text
from .trace import BLOCK_FIELDS, VECTORS, LayerBlocks, StepTrace, Trace


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while building thousands of acyclic step objects:
    its passes over the large heap would otherwise take half of trace_batch's time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()



def refuse_raw(text: object, *, name: str, limit: int, unit: str, target: bool = False) -> None:
    """InputError for what no model takes, checked before tokenising: not text, or longer than MAX_INPUT_CHARS
    characters (the message gives the model's own limit, `limit` `unit`). One rule for every kind of model."""
    what, verb = ("target", "writes") if target else ("input", "reads")
    if not isinstance(text, str):
        raise InputError(f"the {what} must be text")
    if len(text) > MAX_INPUT_CHARS:
        also = "" if target or unit == "characters" else f" (and the limit is {MAX_INPUT_CHARS:,} characters)"
        raise InputError(f"the {what} is {len(text):,} characters long; {name} {verb} at most {limit} {unit}{also}")

@dataclass
class Translator:
    name: str
    config: ModelConfig
    model: torch.nn.Module  # model.Seq2Seq or transformer.Transformer: encode, initial_state, step, reorder
    source_tokenizer: Tokenizer
    target_tokenizer: Tokenizer
    folder: Path | None = None
    metrics: dict = field(default_factory=dict)  # measured figures saved with the model (metrics.json)

    def __post_init__(self) -> None:
        self.model.eval()

    # -- input ---------------------------------------------------------------------------------
    @property
    def max_source_tokens(self) -> int:
        """ModelConfig.max_source_tokens: the limit the app states and source_ids enforces."""
        return self.config.max_source_tokens

    @property
    def max_target_tokens(self) -> int:
        """ModelConfig.max_target_tokens: the limit the app states and target_ids enforces."""
        return self.config.max_target_tokens

    def source_ids(self, text: str) -> list[int]:
        """Token ids the encoder reads (end marker included); InputError for text it cannot take."""
        unit = "characters" if self.config.tokenizer == "char" else "tokens"
        refuse_raw(text, name=self.name, limit=self.max_source_tokens, unit=unit)
        ids = self.source_tokenizer.encode(text)
        if not ids:
            raise InputError("the input is empty: type some text")
        if len(ids) > self.max_source_tokens:
            raise InputError(f"the input has {len(ids)} {unit}; {self.name} reads at most {self.max_source_tokens}")
        return ids + ([EOS_ID] if self.config.source_end_marker else [])

    def target_ids(self, text: str) -> list[int]:
        unit = "characters" if self.config.tokenizer == "char" else "tokens"
        refuse_raw(text, name=self.name, limit=self.max_target_tokens, unit=unit, target=True)
        ids = self.target_tokenizer.encode(text)
        if len(ids) > self.max_target_tokens:
            raise InputError(f"the target has {len(ids)} {unit}; {self.name} writes at most {self.max_target_tokens}")
        return ids + [EOS_ID]

    def check(self, text: str) -> str | None:
        """The message an input would raise, or None when the model can take it."""
        try:
            self.source_ids(text)
        except InputError as error:
            return str(error)
        return None

    def unknown_share(self, text: str) -> float:
        """The share of the text's tokens that the source vocabulary does not know."""
        return self.source_tokenizer.unknown_share(text)

    def fits(self, text: str) -> bool:
        """Whether the text is of the kind the model reads, judged by its own vocabulary: most of it known."""
        return self.unknown_share(text) <= MAX_UNKNOWN_SHARE

    # -- decoding ------------------------------------------------------------------------------
    def trace(self, text: str, *, beam: int = 1, target: str | None = None, top_k: int = 5,
              attribution: bool | str = False) -> Trace:
        """Greedy trace; beam search when beam > 1; forced decoding of `target` when given. `attribution`:
        True or "integrated_gradients", or "erasure", gives every step (of the best hypothesis) its attribution
        over the source tokens, the trace's own tokens held fixed (attribution.py)."""
        trace = self._trace(text, beam=beam, target=target, top_k=top_k)
        if attribution:
            from .attribution import attribute

            method = "integrated_gradients" if attribution is True else attribution
            if method not in ("integrated_gradients", "erasure"):
                raise InputError(f'attribution is True, "integrated_gradients" or "erasure", not {attribution!r}')
            attribute(self, self.source_ids(text), trace, method)
        return trace

    def _trace(self, text: str, *, beam: int, target: str | None, top_k: int) -> Trace:
        ids = self.source_ids(text)
        x, lengths = torch.tensor([ids]), torch.tensor([len(ids)])
        if target is not None:
            y = self.target_ids(target)
            steps = decode(self.model, x, lengths, Forced(torch.tensor([y])), k=top_k)
            return self.build_traces(steps, [text], [ids], mode="forced")[0]
        if not 1 <= beam <= MAX_BEAM:
            raise InputError(f"the beam width is {beam}; choose 1 to {MAX_BEAM}")
        if beam == 1:  # greedy decoding; beam_search(width=1) is the same search (a test holds them equal)
            steps = decode(self.model, x, lengths, Greedy(self.config.max_target_len), k=top_k)
            return self.build_traces(steps, [text], [ids])[0]
        return self.beam(text, beam, top_k=top_k)

    def beam(self, text: str, width: int, *, top_k: int = 5) -> Trace:
        """Beam search: the best finished hypothesis, the others in .hypotheses, the search in .beam_tree."""
        ids = self.source_ids(text)
        hyps, tree = beam_search(self.model, torch.tensor([ids]), torch.tensor([len(ids)]), width=width,
                                 max_len=self.config.max_target_len, k=top_k)
        traces = [self.build_traces(h, [text], [ids], mode="beam")[0] for h in hyps]
        for node in tree:
            node["token"] = self.target_tokenizer.itos[node.pop("token_id")]
        best = traces[0]
        best.hypotheses, best.beam_tree = traces[1:], tree
        return best

    def what_if(self, text: str, t: int, edit: AlphaEdit | EditAt, *, continue_decoding: bool = True,
                top_k: int = 5) -> Trace:
        """The greedy trace with α_t replaced by `edit` at step t (see whatif.py): steps before t are the
        greedy ones, step t is recomputed from the edited α_t, and, if `continue_decoding`, greedy decoding
        goes on from there (else the trace ends at step t). An EditAt chooses the layer and head(s) of a
        multi-head model; a bare edit applies to every head of the alignment layer."""
        original = self.trace(text, top_k=top_k)
        if not self.config.has_attention:
            raise InputError(f"{self.name} has no attention to edit")
        if not 1 <= t <= len(original.steps):
            raise InputError(f"step {t} is outside 1…{len(original.steps)}")
        if not isinstance(edit, EditAt):
            edit = EditAt(edit, layer=original.alignment_from["layer"])
        cfg = self.config
        if not 1 <= edit.layer <= cfg.layers or (edit.head is not None and not 1 <= edit.head <= cfg.heads):
            raise InputError(f"{self.name} has {self.config.layers} layer(s) of {self.config.heads} head(s)")
        ids = self.source_ids(text)
        prefix = [self.target_tokenizer.stoi[tok] for tok in original.target_tokens[: t - 1]]
        policy = WhatIf(self.config.max_target_len, prefix=torch.tensor([prefix], dtype=torch.long), edit=edit, at=t,
                        stop_after_edit=not continue_decoding)
        steps = decode(self.model, torch.tensor([ids]), torch.tensor([len(ids)]), policy, k=top_k)
        return self.build_traces(steps, [text], [ids], mode="what-if")[0]

    def trace_batch(self, texts: list[str], *, targets: list[str | None] | None = None, batch_size: int = 256,
                    top_k: int = 5) -> list[Trace]:
        """Traces of many inputs, padded and masked in batches sorted by length: greedy, or forced decoding
        of `targets` where one is given (None: greedy for that input)."""
        all_ids, all_targets = [], []
        for number, text in enumerate(texts, 1):
            try:
                all_ids.append(self.source_ids(text))
                target = targets[number - 1] if targets is not None else None
                all_targets.append(None if target is None else self.target_ids(target))
            except InputError as error:
                raise InputError(f"input {number}: {error}") from None
        out: list[Trace | None] = [None] * len(texts)
        with _gc_paused():
            for forced in (False, True):
                group = [i for i in range(len(texts)) if (all_targets[i] is not None) == forced]
                order = sorted(group, key=lambda i: len(all_ids[i]))
                for start in range(0, len(order), batch_size):
                    chunk = order[start:start + batch_size]
                    given = [all_targets[i] for i in chunk] if forced else None
                    traces = self._batch([all_ids[i] for i in chunk], [texts[i] for i in chunk], given, top_k)
                    for i, trace in zip(chunk, traces):
                        out[i] = trace
        return out  # type: ignore[return-value]

    def _batch(self, ids: list[list[int]], texts: list[str], given: list[list[int]] | None, top_k: int) -> list[Trace]:
        policy = Greedy(self.config.max_target_len) if given is None else \
            Forced(pad_ids(given), torch.tensor([len(g) for g in given]))
        steps = decode(self.model, pad_ids(ids), torch.tensor([len(s) for s in ids]), policy, k=top_k)
        return self.build_traces(steps, texts, ids, mode="greedy" if given is None else "forced")

    def translate(self, text: str) -> str:
        return self.trace(text).prediction

    # -- arrays -> traces ----------------------------------------------------------------------
    def build_traces(self, steps: Steps, texts: list[str], ids: list[list[int]], mode: str = "greedy") -> list[Trace]:
        """The one place decoder outputs become Traces: sequence b's first T_b steps, padding cut off."""
        cfg, src_itos, tgt_itos = self.config, self.source_tokenizer.itos, self.target_tokenizer.itos
        v, mem, query = steps.vectors, steps.memory, cfg.query
        traces = []
        for b, (text, seq) in enumerate(zip(texts, ids)):
            N, T = len(seq), int(steps.lengths[b])
            # Row views, sliced in C; padded source positions and the future of self-attention dropped.
            rows = {key: [None] * T if v[key] is None else list(v[key][b, :T]) for key in VECTORS}
            for key in ("e", "alpha"):
                if v[key] is not None:
                    rows[key] = list(v[key][b, :T, :N])
            cross, self_attn = self._blocks(v, b, N, T)
            tokens = [tgt_itos[i] for i in steps.tokens[b, :T]]
            top_tokens = [[tgt_itos[i] for i in row] for row in steps.top_ids[b, :T].tolist()]
            top_probs = steps.top_probs[b, :T].tolist()
            inputs, probs = steps.inputs[b, :T].tolist(), steps.prob[b, :T].tolist()
            step_traces = [
                StepTrace(t=t + 1, input_token=tgt_itos[inputs[t]], query=query, s=rows["s"][t], e=rows["e"][t],
                          alpha=rows["alpha"][t], a=rows["a"][t], concat=rows["concat"][t],
                          s_tilde=rows["s_tilde"][t], token=tokens[t], prob=probs[t],
                          top_k=list(zip(top_tokens[t], top_probs[t])), cross=cross[t], self_attn=self_attn[t])
                for t in range(T)
            ]
            words = tokens[:-1] if tokens and tokens[-1] == EOS else tokens
            multi = {} if cfg.architecture == "rnn" else dict(
                architecture=cfg.architecture, layers=cfg.layers, heads=cfg.heads, d_k=cfg.d_k,
                alignment_from=cfg.alignment_from,
                encoder_self_attention=mem["self_alpha"][b, :, :, :N, :N],
                cross_keys=mem["K"][b, :, :, :N], cross_values=mem["V"][b, :, :, :N])
            traces.append(Trace(
                model=self.name, score=cfg.score, decoder=cfg.decoder, source=safe_text(text),
                source_tokens=[src_itos[i] for i in seq], target_tokens=tokens,
                encoder_states=mem["H"][b, :N], steps=step_traces,
                prediction=self.target_tokenizer.join(words), mode=mode, **multi,
            ))
        return traces

    @staticmethod
    def _blocks(v: dict, b: int, N: int, T: int) -> tuple[list, list]:
        """Per step t, sequence b's attention blocks per layer (None for a model without them), made on access."""
        if v["cross.alpha"] is None:
            return [None] * T, [None] * T
        cross = {key: None if v[f"cross.{key}"] is None else
                 (v[f"cross.{key}"][b, :T, :, :, :N] if key in ("e", "alpha") else v[f"cross.{key}"][b, :T])
                 for key in BLOCK_FIELDS}
        selfs = None if v["self.alpha"] is None else {"alpha": v["self.alpha"][b, :T]}
        return ([LayerBlocks(cross, t) for t in range(T)],
                [None if selfs is None else LayerBlocks(selfs, t, width=t + 1) for t in range(T)])

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.model.parameters())
