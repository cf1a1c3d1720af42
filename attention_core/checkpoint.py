"""Model folders: model.safetensors, config.json, vocab.json, card.md (and metrics.json).

Loading reads only JSON and safetensors, never pickle, so a model folder from anyone is safe to open.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from .catalog import CARD, CONFIG, HF_PREFIX, METRICS, PRETRAINED_DIR, VOCAB, WEIGHTS, is_path, model_folders
from .config import ConfigError, ModelConfig
from .model import Seq2Seq
from .tokenizers import tokenizer_from_dict
from .transformer import Transformer
from .translator import Translator


class ModelLoadError(ValueError):
    """A model folder that cannot be loaded; the message names the model and the fault."""


def build_model(cfg: ModelConfig) -> torch.nn.Module:
    """The modules a config describes: a GRU Seq2Seq or a Transformer, with fresh weights."""
    return Transformer(cfg) if cfg.architecture == "transformer" else Seq2Seq(cfg)


def save_model(translator: Translator, folder: Path, *, card: str | None = None, metrics: dict | None = None) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    dtype = getattr(torch, translator.config.weights_dtype)
    state = {k: v.detach().to(dtype).contiguous().cpu() for k, v in translator.model.state_dict().items()}
    save_file(state, str(folder / WEIGHTS), metadata={"format": "pt", "name": translator.name})
    (folder / CONFIG).write_text(translator.config.to_json(), encoding="utf-8")
    vocab = {"source": translator.source_tokenizer.to_dict(), "target": translator.target_tokenizer.to_dict()}
    (folder / VOCAB).write_text(json.dumps(vocab, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if metrics is not None:
        (folder / METRICS).write_text(json.dumps(metrics, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if card is not None:
        (folder / CARD).write_text(card, encoding="utf-8")
    return folder


def load_model(folder: Path, name: str | None = None) -> Translator:
    folder = Path(folder)
    name = name or folder.name

    def fail(message: str) -> ModelLoadError:
        return ModelLoadError(f"model {name!r}: {message}")

    for required in (CONFIG, WEIGHTS, VOCAB):
        if not (folder / required).is_file():
            raise fail(f"{required} is missing from {folder}")
    try:
        cfg = ModelConfig.load(folder / CONFIG)
    except ConfigError as error:
        raise fail(f"{CONFIG}: {error}") from None
    try:
        vocab = json.loads((folder / VOCAB).read_text(encoding="utf-8"))
        source, target = tokenizer_from_dict(vocab["source"]), tokenizer_from_dict(vocab["target"])
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise fail(f"{VOCAB} cannot be read: {error}") from None
    if (len(source), len(target)) != (cfg.source_vocab_size, cfg.target_vocab_size):
        raise fail(f"{VOCAB} has {len(source)}/{len(target)} tokens but {CONFIG} says "
                   f"{cfg.source_vocab_size}/{cfg.target_vocab_size}")
    if source.kind != cfg.tokenizer:
        raise fail(f"{VOCAB} holds a {source.kind} vocabulary but {CONFIG} says {cfg.tokenizer}")
    try:
        state = load_file(str(folder / WEIGHTS))
    except (SafetensorError, OSError, ValueError) as error:
        raise fail(f"{WEIGHTS} is not a valid safetensors file ({error})") from None
    model = build_model(cfg)
    expected = model.state_dict()
    missing, unexpected = sorted(set(expected) - set(state)), sorted(set(state) - set(expected))
    if missing or unexpected:
        raise fail(f"{WEIGHTS} does not match {CONFIG}: missing {missing[:3]}, unexpected {unexpected[:3]}")
    wrong = [k for k in expected if tuple(state[k].shape) != tuple(expected[k].shape)]
    if wrong:
        k = wrong[0]
        raise fail(f"{WEIGHTS} does not match {CONFIG}: {k} has shape {tuple(state[k].shape)}, "
                   f"the config needs {tuple(expected[k].shape)}")
    if any(v.dtype not in (torch.float32, torch.float16) for v in state.values()):
        raise fail(f"{WEIGHTS} must hold float32 or float16 tensors")
    if any(not torch.isfinite(v).all() for v in state.values()):
        raise fail(f"{WEIGHTS} holds NaN or infinite weights")
    model.load_state_dict({k: v.float() for k, v in state.items()})
    metrics = {}
    if (folder / METRICS).is_file():
        try:
            metrics = json.loads((folder / METRICS).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise fail(f"{METRICS} cannot be read: {error}") from None
    return Translator(name=name, config=cfg, model=model, source_tokenizer=source, target_tokenizer=target,
                      folder=folder, metrics=metrics if isinstance(metrics, dict) else {})


def list_pretrained(root: Path | None = None) -> list[str]:
    """Names of the model folders in pretrained/ (those with a config.json), sorted."""
    return [folder.name for folder in model_folders(root or PRETRAINED_DIR)]


def load_pretrained(name_or_path: str | Path, root: Path | None = None) -> Translator:
    """A shipped model by name (e.g. "dates-dot"), any model folder by path, or "hf:PATH": a folder written by
    save_pretrained of a transformers encoder–decoder (attention_core/hf.py; transformers is an optional extra)."""
    root = Path(root or PRETRAINED_DIR)
    text = str(name_or_path)
    if text.startswith(HF_PREFIX):
        from .hf import load_hf

        return load_hf(text.removeprefix(HF_PREFIX), text)
    if text and not is_path(text) and text not in (".", ".."):
        if (root / text / CONFIG).is_file():
            return load_model(root / text, text)
    path = Path(text)
    available = ", ".join(list_pretrained(root)) or "none"
    if text and path.is_dir():
        if (path / CONFIG).is_file():
            return load_model(path)
        raise ModelLoadError(f"unknown model {text!r}: that folder has no {CONFIG}; available: {available}")
    raise ModelLoadError(f"unknown model {text!r}; available: {available}")
