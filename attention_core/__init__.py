"""Attention core: seq2seq models whose every intermediate quantity is traced (DESIGN §1–2)."""

from .checkpoint import ModelLoadError, list_pretrained, load_model, load_pretrained, save_model
from .config import ModelConfig
from .trace import StepTrace, Trace, TraceFormatError
from .translator import InputError, Translator

__all__ = [
    "InputError", "ModelConfig", "ModelLoadError", "StepTrace", "Trace", "TraceFormatError", "Translator",
    "list_pretrained", "load_model", "load_pretrained", "save_model",
]
