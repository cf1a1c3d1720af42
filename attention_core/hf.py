"""hf:PATH — a Hugging Face `transformers` encoder–decoder (Marian, BART, T5, …) traced like the project's own
models (DESIGN §5), with the tracing API of Translator:

    model = load_pretrained("hf:/path/to/folder")     # a folder written by save_pretrained, tokenizer included
    trace = model.trace(text)                         # greedy: the model's own generate
    trace = model.trace(text, beam=4)                 # generate's beam search; the others in trace.hypotheses
    trace = model.trace(text, target="...")           # forced decoding: one forward pass with the given target
    traces = model.trace_batch(texts)

Per step t, layer ℓ and head j the trace holds α_t^{ℓ,j} of the cross-attention exactly as transformers returns
it (the model loaded with attn_implementation="eager"), the decoder's masked self-attention (t entries), the
encoder's self-attention, s_t = the decoder's top-layer output at position t, and ŷ_t = softmax(logits_t), the
model's distribution before generate's logits processors (its top k, and prob = ŷ_t[token_t]). The library
hides q, K, V and e (and a_t, [a_t; s_t], s̃_t are not its quantities), so they are absent, never made up.
The step's alpha (the alignment row) is alignment_from's: the last layer, mean over heads.

transformers is an optional extra (requirements-hf.txt), imported only when an hf: model is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from .catalog import HF_PREFIX as PREFIX
from .checkpoint import ModelLoadError
from .limits import MAX_BEAM, MAX_UNKNOWN_SHARE
from .tokenizers import safe_text
from .trace import AttentionBlock, StepTrace, Trace
from .translator import InputError, refuse_raw

INSTALL = "pip install -r requirements-hf.txt"
MAX_TARGET_LEN = 128  # decoding steps at most (end marker included), below the model's own position limit
MAX_SOURCE_LEN = 512  # tokens (special tokens included) at most, below the model's own position limit


def transformers_module():
    """The transformers package, or ModelLoadError saying how to add it."""
    try:
        import transformers
    except ImportError:
        raise ModelLoadError(f"hf: models need the optional package transformers; add it with: {INSTALL}") from None
    return transformers


@dataclass(frozen=True)
class HFConfig:
    """The facts of an hf: model that the app and CLI read from a ModelConfig (same names, same meanings)."""

    model_type: str  # transformers' name for the family: marian, bart, t5, …
    layers: int  # L decoder layers (each with a cross-attention)
    heads: int  # h heads per decoder attention layer
    d_k: int  # size of one head's q, k, v
    hidden_size: int  # d_model
    max_source_len: int  # tokens the encoder reads, special tokens included
    max_target_len: int  # decoding steps, end marker included
    source_specials: int = 1  # special tokens the tokenizer adds to a text (e.g. </s>, or <s> … </s>)
    architecture: str = "transformer"
    decoder: str = "transformer"
    score: str = "scaled_dot"
    tokenizer: str = "subword"  # the tokens are the model's own tokenizer's, special tokens as it gives them
    task: str = ""
    description: str = ""
    weights_dtype: str = "float32"

    @property
    def source_end_marker(self) -> bool:
        """Whether the encoder reads tokens besides the text's own (as a Translator's </s>)."""
        return self.source_specials > 0

    @property
    def query(self) -> str:
        return "x_t"

    @property
    def max_source_tokens(self) -> int:
        return self.max_source_len - self.source_specials

    @property
    def max_target_tokens(self) -> int:
        return self.max_target_len - 1

    @property
    def alignment_from(self) -> dict:
        return {"layer": self.layers, "head": "mean"}

    @property
    def has_attention(self) -> bool:
        return True


def _first(config, *names: str):
    for name in names:
        value = getattr(config, name, None)
        if value:
            return value
    return None


def hf_config(model, tokenizer) -> HFConfig:
    """HFConfig from a transformers model's config and its tokenizer."""
    cfg = model.config
    heads = int(_first(cfg, "decoder_attention_heads", "num_heads", "num_attention_heads"))
    d_model = int(_first(cfg, "d_model", "hidden_size"))
    positions = _first(cfg, "max_position_embeddings", "n_positions") or MAX_SOURCE_LEN
    limit = tokenizer.model_max_length if 0 < tokenizer.model_max_length < 10**6 else MAX_SOURCE_LEN
    return HFConfig(
        model_type=str(cfg.model_type),
        layers=int(_first(cfg, "decoder_layers", "num_decoder_layers", "num_layers", "num_hidden_layers")),
        heads=heads, d_k=int(_first(cfg, "d_kv", "head_dim") or d_model // heads), hidden_size=d_model,
        max_source_len=int(min(positions, limit, MAX_SOURCE_LEN)), max_target_len=int(min(positions, MAX_TARGET_LEN)),
        source_specials=int(tokenizer.num_special_tokens_to_add(pair=False)),
        description=f"{cfg.model_type} from transformers (hf:)")


def load_hf(path: str | Path, name: str | None = None) -> HFTranslator:
    """The model and tokenizer that save_pretrained wrote to `path`, loaded from there only (never the hub)."""
    folder = Path(path)
    name = name or f"{PREFIX}{path}"

    def fail(message: str) -> ModelLoadError:
        return ModelLoadError(f"model {name!r}: {message}")

    try:
        transformers = transformers_module()
    except ModelLoadError as error:  # (named: the app's sidebar lists each model it cannot load)
        raise fail(str(error)) from None
    transformers.utils.logging.disable_progress_bar()  # no "Loading weights" bars on the CLI's stderr
    if not str(path) or not folder.is_dir():
        raise fail(f"no such folder {str(path)!r}")
    if not (folder / "config.json").is_file():
        raise fail(f"{folder} has no config.json: not a folder written by save_pretrained")
    try:
        config = transformers.AutoConfig.from_pretrained(folder, local_files_only=True)
    except Exception as error:  # a folder from anywhere: whatever transformers raises on it is the folder's fault
        raise fail(f"config.json cannot be read: {str(error).splitlines()[0]}") from None
    if not getattr(config, "is_encoder_decoder", False):
        raise fail(f"not an encoder–decoder (seq2seq) model: its config.json is of model_type {config.model_type!r}")
    try:
        model = transformers.AutoModelForSeq2SeqLM.from_pretrained(folder, local_files_only=True,
                                                                   attn_implementation="eager")
    except Exception as error:
        raise fail(f"not a seq2seq model transformers can load: {str(error).splitlines()[0]}") from None
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)
    except Exception as error:
        raise fail(f"its tokenizer cannot be loaded: {str(error).splitlines()[0]}") from None
    if isinstance(tokenizer, bool) or not callable(tokenizer):
        raise fail("its tokenizer cannot be loaded")
    try:
        config = hf_config(model, tokenizer)
    except (TypeError, ValueError, AttributeError):  # e.g. an EncoderDecoderModel: its sizes are its parts'
        raise fail(f"its config ({config.model_type}) does not give the decoder's layers and heads") from None
    return HFTranslator(name=name, config=config, model=model, tokenizer=tokenizer, folder=folder)


@dataclass
class Decoding:
    """One decoding's arrays, numpy: what becomes a Trace. T steps, L layers, h heads, N source tokens."""

    source_ids: list[int]  # (N,)
    inputs: list[int]  # y_{t-1}, (T,)
    tokens: list[int]  # y_t, (T,)
    cross: np.ndarray  # α per step, layer, head: (T, L, h, N)
    self_alpha: list[np.ndarray]  # per step: (L, h, t)
    encoder_self: np.ndarray | None  # (L_enc, h_enc, N, N)
    H: np.ndarray  # the encoder's top layer: (N, d)
    S: np.ndarray  # s_t, the decoder's top layer: (T, d)
    P: np.ndarray  # ŷ_t = softmax(logits_t): (T, V)


def _np(x: torch.Tensor) -> np.ndarray:
    return x.detach().float().cpu().numpy()


@dataclass(frozen=True)
class HFTokens:
    """What the pages ask of a model's tokenizer (attention_core/tokenizers.py: join, unknown_share), answered by a
    transformers tokenizer: its own detokenizer, special tokens left out."""

    tokenizer: object

    def join(self, tokens: list[str]) -> str:
        special = set(self.tokenizer.all_special_tokens)
        return self.tokenizer.convert_tokens_to_string([t for t in tokens if t not in special]).strip()

    def unknown_share(self, text: str) -> float:
        """The share of the text's tokens that are the tokenizer's <unk> (0 for a tokenizer without one)."""
        unk = self.tokenizer.unk_token_id
        ids = self.tokenizer(text, add_special_tokens=False)["input_ids"] if isinstance(text, str) else []
        return 0.0 if unk is None or not ids else sum(i == unk for i in ids) / len(ids)


@dataclass
class HFTranslator:
    """A transformers encoder–decoder behind Translator's tracing API (DESIGN §5)."""

    name: str
    config: HFConfig
    model: torch.nn.Module  # a transformers *ForConditionalGeneration, attn_implementation="eager"
    tokenizer: object  # its transformers tokenizer
    folder: Path | None = None
    metrics: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.model.eval()

    @property
    def source_tokenizer(self) -> HFTokens:
        return HFTokens(self.tokenizer)

    @property
    def target_tokenizer(self) -> HFTokens:
        return HFTokens(self.tokenizer)

    @property
    def max_source_tokens(self) -> int:
        return self.config.max_source_tokens

    @property
    def max_target_tokens(self) -> int:
        return self.config.max_target_tokens

    # -- input ---------------------------------------------------------------------------------
    def source_ids(self, text: str) -> list[int]:
        """The ids the encoder reads, special tokens as the tokenizer adds them; InputError for text it cannot take."""
        refuse_raw(text, name=self.name, limit=self.max_source_tokens, unit="tokens")
        if not text.strip():
            raise InputError("the input is empty: type some text")
        ids = list(self.tokenizer(text)["input_ids"])
        if len(ids) > self.config.max_source_len:
            raise InputError(f"the input has {len(ids) - self.config.source_specials} tokens; {self.name} reads at "
                             f"most {self.max_source_tokens}")
        return ids

    def target_ids(self, text: str) -> list[int]:
        """The labels of a target text (end marker included), as the tokenizer gives them for text_target."""
        refuse_raw(text, name=self.name, limit=self.max_target_tokens, unit="tokens", target=True)
        ids = list(self.tokenizer(text_target=text)["input_ids"])
        if not ids:
            raise InputError("the target is empty")
        if len(ids) > self.config.max_target_len:
            raise InputError(f"the target has {len(ids)} tokens; {self.name} writes at most "
                             f"{self.config.max_target_len} (end marker included)")
        return ids

    def check(self, text: str) -> str | None:
        try:
            self.source_ids(text)
        except InputError as error:
            return str(error)
        return None

    def unknown_share(self, text: str) -> float:
        return self.source_tokenizer.unknown_share(text)

    def fits(self, text: str) -> bool:
        """Whether most of the text is known to the tokenizer (a tokenizer without <unk> knows everything)."""
        return self.unknown_share(text) <= MAX_UNKNOWN_SHARE

    # -- decoding ------------------------------------------------------------------------------
    @property
    def decoder_start(self) -> int:
        """y_0: the token the decoder starts from (the model's decoder_start_token_id)."""
        start = self.model.generation_config.decoder_start_token_id
        return int(start if start is not None else self.model.config.decoder_start_token_id)

    def trace(self, text: str, *, beam: int = 1, target: str | None = None, top_k: int = 5,
              attribution: bool | str = False) -> Trace:
        """Greedy (generate); beam search when beam > 1 (generate); forced decoding of `target` (one forward pass)."""
        if attribution:
            raise InputError(f"{self.name}: attribution is not available for hf: models")
        ids = self.source_ids(text)
        if target is not None:
            labels = self.target_ids(target)
            return self._build(text, self._forward(ids, [self.decoder_start, *labels]), "forced", top_k)
        if not 1 <= beam <= MAX_BEAM:
            raise InputError(f"the beam width is {beam}; choose 1 to {MAX_BEAM}")
        if beam > 1:
            return self.beam(text, beam, top_k=top_k)
        return self._build(text, self._greedy(ids), "greedy", top_k)

    def beam(self, text: str, width: int, *, top_k: int = 5) -> Trace:
        """generate's beam search: the best finished hypothesis, the others (best first) in .hypotheses. Each is
        traced by one forward pass over its tokens (the same attention the search computed for it); the pruned
        candidates are generate's own and not exposed, so beam_tree stays empty."""
        if not 1 <= width <= MAX_BEAM:
            raise InputError(f"the beam width is {width}; choose 1 to {MAX_BEAM}")
        ids = self.source_ids(text)
        with torch.no_grad():
            out = self.model.generate(input_ids=torch.tensor([ids]), attention_mask=torch.ones(1, len(ids),
                                      dtype=torch.long), do_sample=False, num_beams=width,
                                      num_return_sequences=width, max_new_tokens=self.config.max_target_len,
                                      return_dict_in_generate=True)
        traces = [self._build(text, self._forward(ids, self._finished(seq.tolist())), "beam", top_k)
                  for seq in out.sequences]
        best = traces[0]
        best.hypotheses = traces[1:]
        return best

    def _finished(self, seq: list[int]) -> list[int]:
        """y_0 … y_T of a generated sequence: up to its first end marker (generate pads after it)."""
        eos = self.model.generation_config.eos_token_id
        ends = set(eos if isinstance(eos, list) else [eos]) - {None}
        for t in range(1, len(seq)):
            if seq[t] in ends:
                return seq[: t + 1]
        return seq

    def _greedy(self, ids: list[int]) -> Decoding:
        """generate's greedy search, every attention as it returns it: per step a tuple per layer of (1, h, 1, ·)."""
        with torch.no_grad():
            out = self.model.generate(input_ids=torch.tensor([ids]), attention_mask=torch.ones(1, len(ids),
                                      dtype=torch.long), do_sample=False, num_beams=1,
                                      max_new_tokens=self.config.max_target_len, output_attentions=True,
                                      output_hidden_states=True, output_logits=True, return_dict_in_generate=True)
        seq = out.sequences[0].tolist()  # y_0 … y_T
        T = len(out.cross_attentions)
        return Decoding(
            source_ids=ids, inputs=seq[:T], tokens=seq[1:T + 1],
            cross=np.stack([np.stack([_np(a[0, :, 0]) for a in step]) for step in out.cross_attentions]),
            self_alpha=[np.stack([_np(a[0, :, 0]) for a in step]) for step in out.decoder_attentions],
            encoder_self=np.stack([_np(a[0]) for a in out.encoder_attentions]),
            H=_np(out.encoder_hidden_states[-1][0]),
            S=np.stack([_np(step[-1][0, -1]) for step in out.decoder_hidden_states]),
            P=np.stack([_np(torch.softmax(logits[0].float(), -1)) for logits in out.logits]))

    def _forward(self, ids: list[int], y: list[int]) -> Decoding:
        """One forward pass reading y_0 … y_{T-1} (teacher forcing): the steps that emit y_1 … y_T."""
        with torch.no_grad():
            out = self.model(input_ids=torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                             decoder_input_ids=torch.tensor([y[:-1]]), output_attentions=True,
                             output_hidden_states=True, use_cache=False)
        T = len(y) - 1
        cross = np.stack([_np(a[0]) for a in out.cross_attentions]).transpose(2, 0, 1, 3)  # (T, L, h, N)
        selfs = np.stack([_np(a[0]) for a in out.decoder_attentions])  # (L, h, T, T)
        return Decoding(
            source_ids=ids, inputs=y[:-1], tokens=y[1:], cross=cross,
            self_alpha=[selfs[:, :, t, : t + 1] for t in range(T)],
            encoder_self=np.stack([_np(a[0]) for a in out.encoder_attentions]),
            H=_np(out.encoder_last_hidden_state[0]), S=_np(out.decoder_hidden_states[-1][0]),
            P=_np(torch.softmax(out.logits[0].float(), -1)))

    def trace_batch(self, texts: list[str], *, targets: list[str | None] | None = None, batch_size: int = 256,
                    top_k: int = 5) -> list[Trace]:
        """Traces of many inputs (one by one): greedy, or forced decoding of `targets` where one is given."""
        for number, text in enumerate(texts, 1):
            try:
                self.source_ids(text)
                if targets is not None and targets[number - 1] is not None:
                    self.target_ids(targets[number - 1])
            except InputError as error:
                raise InputError(f"input {number}: {error}") from None
        return [self.trace(text, target=None if targets is None else targets[i], top_k=top_k)
                for i, text in enumerate(texts)]

    def translate(self, text: str) -> str:
        return self.trace(text).prediction

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.model.parameters())

    # -- arrays -> traces ----------------------------------------------------------------------
    def _build(self, text: str, d: Decoding, mode: str, top_k: int) -> Trace:
        """A Decoding as a Trace of DESIGN §5: α per layer and head; alpha = the last layer's mean over heads."""
        cfg, tok = self.config, self.tokenizer
        L, h = d.cross.shape[1:3]
        if (L, h) != (cfg.layers, cfg.heads):
            raise ModelLoadError(f"model {self.name!r}: its attention has {L}×{h} layers × heads, its config "
                                 f"{cfg.layers}×{cfg.heads}")
        words = tok.convert_ids_to_tokens
        k = min(top_k, d.P.shape[1])
        top = np.argsort(-d.P, axis=1, kind="stable")[:, :k]
        steps = [
            StepTrace(t=t + 1, input_token=words(d.inputs[t]), query=cfg.query, s=d.S[t], e=None,
                      alpha=d.cross[t, -1].mean(axis=0), a=None, concat=None, s_tilde=None,
                      token=words(d.tokens[t]), prob=float(d.P[t, d.tokens[t]]),
                      top_k=[(words(int(i)), float(d.P[t, i])) for i in top[t]],
                      cross=[AttentionBlock(alpha=d.cross[t, ell]) for ell in range(L)],
                      self_attn=[AttentionBlock(alpha=d.self_alpha[t][ell]) for ell in range(L)])
            for t in range(len(d.tokens))
        ]
        same_shape = d.encoder_self is not None and d.encoder_self.shape[:2] == (L, h)
        return Trace(
            model=self.name, score=cfg.score, decoder=cfg.decoder, source=safe_text(text),
            source_tokens=words(d.source_ids), target_tokens=words(d.tokens), encoder_states=d.H, steps=steps,
            prediction=tok.decode(d.tokens, skip_special_tokens=True), mode=mode, architecture=cfg.architecture,
            layers=L, heads=h, d_k=cfg.d_k, alignment_from=cfg.alignment_from,
            encoder_self_attention=d.encoder_self if same_shape else None)
