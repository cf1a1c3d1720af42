"""Attention core: seq2seq models whose every intermediate quantity is traced (DESIGN §1–2).

The names below are imported on first use (PEP 562): `import attention_core.figures` or `.catalog` does not
import torch, so that the app's first page can draw its first chart before torch is in (attention_core/catalog.py).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what the names are, for type checkers and editors
    from .checkpoint import ModelLoadError, list_pretrained, load_model, load_pretrained, save_model
    from .config import ModelConfig
    from .limits import InputError
    from .trace import StepTrace, Trace, TraceFormatError
    from .translator import Translator

_WHERE = {
    "ModelLoadError": "checkpoint", "list_pretrained": "checkpoint", "load_model": "checkpoint",
    "load_pretrained": "checkpoint", "save_model": "checkpoint",
    "ModelConfig": "config",
    "StepTrace": "trace", "Trace": "trace", "TraceFormatError": "trace",
    "InputError": "limits", "Translator": "translator",
}

__all__ = [
    "InputError", "ModelConfig", "ModelLoadError", "StepTrace", "Trace", "TraceFormatError", "Translator",
    "list_pretrained", "load_model", "load_pretrained", "save_model",
]


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value  # once: later look-ups do not come here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
