"""Translator: a model with its tokenizers, and the public tracing API.

    model = load_pretrained("dates-dot")
    trace = model.trace("24 November 2026")            # greedy
    trace = model.trace(text, beam=4)                  # best hypothesis; the others in trace.hypotheses
    trace = model.trace(text, target="2026-11-24")     # forced decoding
    traces = model.trace_batch(texts)                  # batched; the same as one by one
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import torch

from .config import ModelConfig
from .decoding import Steps, beam_search, decode
from .limits import MAX_BEAM, MAX_INPUT_CHARS
from .model import Seq2Seq
from .tokenizers import EOS, EOS_ID, Tokenizer, pad_ids, safe_text
from .trace import StepTrace, Trace

# Above this share of unknown tokens a text is not the kind the model was trained on (a Korean date through
# the English→Spanish models is all <unk>); a name or a rare word in a sentence stays well below it.
MAX_UNKNOWN_SHARE = 0.5


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


class InputError(ValueError):
    """Text the model cannot take; the message says what to change."""


@dataclass
class Translator:
    name: str
    config: ModelConfig
    model: Seq2Seq
    source_tokenizer: Tokenizer
    target_tokenizer: Tokenizer
    folder: Path | None = None
    metrics: dict = field(default_factory=dict)  # measured figures saved with the model (metrics.json)

    def __post_init__(self) -> None:
        self.model.eval()

    # -- input ---------------------------------------------------------------------------------
    @property
    def max_source_tokens(self) -> int:
        """The most tokens (characters for a character-level model) of text the encoder reads: its length
        limit without the end marker. The one limit the app states and source_ids enforces."""
        return self.config.max_source_len - int(self.config.source_end_marker)

    @property
    def max_target_tokens(self) -> int:
        """The most tokens of a given target (forced decoding): the decoder's steps less its end marker. The
        one limit the app states and target_ids enforces."""
        return self.config.max_target_len - 1

    def source_ids(self, text: str) -> list[int]:
        """Token ids the encoder reads (end marker included); InputError for text it cannot take."""
        if not isinstance(text, str):
            raise InputError("the input must be text")
        unit = "characters" if self.config.tokenizer == "char" else "tokens"
        if len(text) > MAX_INPUT_CHARS:  # refused before tokenising; the message gives the model's own limit
            also = "" if unit == "characters" else f" (and the limit is {MAX_INPUT_CHARS:,} characters)"
            raise InputError(f"the input is {len(text):,} characters long; {self.name} reads at most "
                             f"{self.max_source_tokens} {unit}{also}")
        ids = self.source_tokenizer.encode(text)
        if not ids:
            raise InputError("the input is empty: type some text")
        if len(ids) > self.max_source_tokens:
            raise InputError(f"the input has {len(ids)} {unit}; {self.name} reads at most {self.max_source_tokens}")
        return ids + ([EOS_ID] if self.config.source_end_marker else [])

    def target_ids(self, text: str) -> list[int]:
        if not isinstance(text, str):
            raise InputError("the target must be text")
        unit = "characters" if self.config.tokenizer == "char" else "tokens"
        if len(text) > MAX_INPUT_CHARS:  # refused before tokenising; the message gives the model's own limit
            raise InputError(f"the target is {len(text):,} characters long; {self.name} writes at most "
                             f"{self.max_target_tokens} {unit}")
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

    def fits(self, text: str) -> bool:
        """Whether the text is of the kind the model reads, judged by its own vocabulary: most of it known."""
        return self.source_tokenizer.unknown_share(text) <= MAX_UNKNOWN_SHARE

    # -- decoding ------------------------------------------------------------------------------
    def trace(self, text: str, *, beam: int = 1, target: str | None = None, top_k: int = 5) -> Trace:
        """Greedy trace; beam search when beam > 1; forced decoding of `target` when given."""
        ids = self.source_ids(text)
        x, lengths = torch.tensor([ids]), torch.tensor([len(ids)])
        if target is not None:
            y = self.target_ids(target)
            steps = decode(self.model, x, lengths, max_len=len(y), k=top_k, given=torch.tensor([y]))
            return self._traces(steps, [text], [ids], mode="forced")[0]
        if beam > 1:
            if beam > MAX_BEAM:
                raise InputError(f"the beam width is {beam}; choose 1 to {MAX_BEAM}")
            hyps, tree = beam_search(self.model, x, lengths, width=beam,
                                             max_len=self.config.max_target_len, k=top_k)
            traces = [self._traces(h, [text], [ids], mode="beam")[0] for h in hyps]
            for node in tree:
                node["token"] = self.target_tokenizer.itos[node.pop("token_id")]
            best = traces[0]
            best.hypotheses, best.beam_tree = traces[1:], tree
            return best
        if beam < 1:
            raise InputError(f"the beam width is {beam}; choose 1 to {MAX_BEAM}")
        steps = decode(self.model, x, lengths, max_len=self.config.max_target_len, k=top_k)
        return self._traces(steps, [text], [ids])[0]

    def what_if(self, text: str, t: int, edit, *, continue_decoding: bool = True, top_k: int = 5) -> Trace:
        """The greedy trace with α_t replaced by `edit` at step t (see whatif.py): steps before t are the
        greedy ones, step t is recomputed from the edited α_t, and, if `continue_decoding`, greedy decoding
        goes on from there (else the trace ends at step t)."""
        original = self.trace(text, top_k=top_k)
        if not self.config.has_attention:
            raise InputError(f"{self.name} has no attention to edit")
        if not 1 <= t <= len(original.steps):
            raise InputError(f"step {t} is outside 1…{len(original.steps)}")
        ids = self.source_ids(text)
        prefix = [self.target_tokenizer.stoi[tok] for tok in original.target_tokens[: t - 1]]
        steps = decode(self.model, torch.tensor([ids]), torch.tensor([len(ids)]), max_len=self.config.max_target_len,
                       k=top_k, prefix=torch.tensor([prefix], dtype=torch.long), edit=edit, edit_step=t,
                       stop_after=0 if continue_decoding else t)
        return self._traces(steps, [text], [ids], mode="what-if")[0]

    def trace_batch(self, texts: list[str], *, targets: list[str | None] | None = None, batch_size: int = 500,
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
        x = pad_ids(ids)
        if given is None:
            steps = decode(self.model, x, torch.tensor([len(s) for s in ids]), max_len=self.config.max_target_len,
                           k=top_k)
            return self._traces(steps, texts, ids)
        steps = decode(self.model, x, torch.tensor([len(s) for s in ids]), max_len=0, k=top_k, given=pad_ids(given),
                       given_lengths=torch.tensor([len(g) for g in given]))
        return self._traces(steps, texts, ids, mode="forced")

    def translate(self, text: str) -> str:
        return self.trace(text).prediction

    # -- arrays -> traces ----------------------------------------------------------------------
    def _traces(self, steps: Steps, texts: list[str], ids: list[list[int]], mode: str = "greedy") -> list[Trace]:
        cfg, src_itos, tgt_itos = self.config, self.source_tokenizer.itos, self.target_tokenizer.itos
        traces = []
        for b, (text, seq) in enumerate(zip(texts, ids)):
            N, T = len(seq), int(steps.lengths[b])
            vec = {key: None if arr is None else arr[b, :T] for key, arr in steps.vectors.items()}
            if vec["e"] is not None:  # drop the padded source positions
                vec["e"], vec["alpha"] = vec["e"][:, :N], vec["alpha"][:, :N]
            tokens = [tgt_itos[i] for i in steps.tokens[b, :T]]
            top_tokens = [[tgt_itos[i] for i in row] for row in steps.top_ids[b, :T].tolist()]
            top_probs = steps.top_probs[b, :T].tolist()
            inputs = steps.inputs[b, :T].tolist()
            probs = steps.prob[b, :T].tolist()
            # list(array) splits into row views in C: this loop is the batch path's hot spot
            rows = {key: [None] * T if v is None else list(v) for key, v in vec.items()}
            step_traces = [
                StepTrace(t + 1, tgt_itos[inputs[t]], cfg.query, rows["s"][t], rows["e"][t], rows["alpha"][t],
                          rows["a"][t], rows["concat"][t], rows["s_tilde"][t], tokens[t], probs[t],
                          list(zip(top_tokens[t], top_probs[t])))
                for t in range(T)
            ]
            words = tokens[:-1] if tokens and tokens[-1] == EOS else tokens
            traces.append(Trace(
                model=self.name, score=cfg.score, decoder=cfg.decoder, source=safe_text(text),
                source_tokens=[src_itos[i] for i in seq], target_tokens=tokens,
                encoder_states=steps.H[b, :N], steps=step_traces,
                prediction=self.target_tokenizer.join(words), mode=mode,
            ))
        return traces

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.model.parameters())
