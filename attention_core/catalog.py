"""The model folders as the app lists them, read without torch: each one's config and vocabularies
(`ModelEntry`), and the traces shipped beside its weights (`shipped_trace`).

Importing torch takes 1–1.5 s of CPU. The app's first page needs only the model list, the chosen model's
config and tokenizers and the trace of its default input, so that trace ships in the default model's folder
(`traces.json`, written by `python -m attention_core.catalog` / `make traces`). It is used only while the
folder's config, vocabulary and weights are the ones it was computed from (their SHA-256 is in the file), and
tests/test_catalog.py checks that it equals what the model computes: every number it shows is the model's.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .config import ModelConfig
from .limits import MAX_UNKNOWN_SHARE
from .tokenizers import Tokenizer, tokenizer_from_dict
from .trace import Trace

# The file names of a model folder (here, not in checkpoint.py, which imports torch).
WEIGHTS, CONFIG, VOCAB, TRACES = "model.safetensors", "config.json", "vocab.json", "traces.json"
TRAINING = "training.json"  # the snapshots of training (DESIGN §7): attention_core/snapshots.py
CARD, METRICS = "card.md", "metrics.json"
# What the repo holds beside attention_core and is read by its path (pretrained/, app.py, app_pages/, static/,
# .streamlit/): `pip install .` ships it inside the package as attention_core/bundle (pyproject.toml), so an
# installed package finds its models wherever it is imported from; in the repo it is the repo's top level.
_PACKAGE = Path(__file__).resolve().parent
BUNDLE = _PACKAGE / "bundle" if (_PACKAGE / "bundle").is_dir() else _PACKAGE.parent
PRETRAINED_DIR = BUNDLE / "pretrained"


@dataclass(frozen=True)
class ModelEntry:
    """What the app shows of a model before its weights are needed: its name, config, tokenizers and folder.
    Its limits and `fits` are the Translator's (tests/test_catalog.py compares them for every shipped model)."""

    name: str
    config: ModelConfig
    source_tokenizer: Tokenizer
    target_tokenizer: Tokenizer
    folder: Path

    @property
    def max_source_tokens(self) -> int:
        return self.config.max_source_tokens

    @property
    def max_target_tokens(self) -> int:
        return self.config.max_target_tokens

    def unknown_share(self, text: str) -> float:
        return self.source_tokenizer.unknown_share(text)

    def fits(self, text: str) -> bool:
        return self.unknown_share(text) <= MAX_UNKNOWN_SHARE


def read_entry(folder: Path, name: str | None = None) -> ModelEntry | None:
    """The folder's entry, or None when it cannot be one (a file missing or unreadable, a config or vocabulary
    that does not parse, weights whose safetensors header does not cover the file); load_model says why."""
    folder = Path(folder)
    try:
        from safetensors import safe_open  # (reads the header only; no torch)

        config = ModelConfig.load(folder / CONFIG)
        vocab = json.loads((folder / VOCAB).read_text(encoding="utf-8"))
        source, target = tokenizer_from_dict(vocab["source"]), tokenizer_from_dict(vocab["target"])
        with safe_open(str(folder / WEIGHTS), framework="numpy"):
            pass
    except Exception:  # any fault: the full load reports it with its reason
        return None
    return ModelEntry(name or folder.name, config, source, target, folder)


def list_entries(root: Path | None = None) -> dict[str, ModelEntry | None]:
    """Every model folder in `root` (pretrained/ by default; those with a config.json), by name, sorted: its
    entry, or None when `read_entry` cannot make one."""
    return {folder.name: entry_of(folder) for folder in model_folders(root)}


MODELS_ENV = "ATTENTION_EXPLORER_MODELS"  # a folder of models from elsewhere (`attention-explorer --models DIR`)
HF_PREFIX = "hf:"  # load_pretrained's name of a transformers save_pretrained folder (attention_core/hf.py)


def elsewhere_root() -> Path | None:
    """The folder of models from elsewhere that MODELS_ENV names, or None (unset, or not a folder)."""
    value = os.environ.get(MODELS_ENV, "").strip()
    return Path(value).expanduser().resolve() if value and Path(value).expanduser().is_dir() else None


def elsewhere_names(root: Path | None = None) -> list[str]:
    """What load_pretrained calls each model of the models folder (`elsewhere_root` by default; the folder may
    itself be one model, or hold one per subfolder), in the order of their folder names: "hf:PATH" for a folder
    written by transformers' save_pretrained (its config.json names a `model_type`), PATH for a model folder of
    this project's own format. Folders without a config.json are not models and are left out."""
    root = root or elsewhere_root()
    if root is None:
        return []
    try:
        folders = [root] if (root / CONFIG).is_file() else sorted(p for p in root.iterdir() if _readable(p / CONFIG))
    except OSError:  # (a folder the app may not read: no models from it)
        return []
    return [f"{HF_PREFIX}{folder}" if _is_hf(folder) else str(folder) for folder in folders]


def _readable(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def _is_hf(folder: Path) -> bool:
    """Whether the folder's config.json names a transformers `model_type` (read again only when it changes: the
    pages ask at every run)."""
    try:
        changed = (folder / CONFIG).stat().st_mtime_ns
    except OSError:
        return False
    return _names_model_type(folder, changed)


@functools.lru_cache(maxsize=256)
def _names_model_type(folder: Path, changed: int) -> bool:
    try:
        config = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False  # (offered as a folder of our own format, whose load names the fault)
    return isinstance(config, dict) and "model_type" in config


def is_path(name: str) -> bool:
    """Whether load_pretrained reads `name` as a folder's path (a model from elsewhere), not a shipped model's name."""
    return "/" in name or "\\" in name


def entry(name: str) -> ModelEntry | None:
    """The entry of a model by the name the app gives it: a shipped one's, or a folder's from elsewhere by its path
    (an hf: model has none: its tokenizer is transformers', read with the model)."""
    if name.startswith(HF_PREFIX):
        return None
    return entry_of(Path(name) if is_path(name) else PRETRAINED_DIR / name, name)


def display_name(name: str) -> str:
    """A model's name as the pickers show it: a model from elsewhere by its folder's name."""
    return Path(name.removeprefix(HF_PREFIX)).name if name.startswith(HF_PREFIX) or is_path(name) else name


def model_folders(root: Path | None = None) -> list[Path]:
    """The model folders in `root` (pretrained/ by default): those with a config.json, sorted by name."""
    root = Path(root or PRETRAINED_DIR)
    return sorted(p for p in root.iterdir() if (p / CONFIG).is_file()) if root.is_dir() else []


def _stamp(folder: Path) -> tuple:
    """What tells a changed folder apart: its files' sizes and modification times."""
    stats = [(folder / file).stat() if (folder / file).is_file() else None for file in (CONFIG, VOCAB, WEIGHTS)]
    return tuple(None if s is None else (s.st_size, s.st_mtime_ns) for s in stats)


def entry_of(folder: Path, name: str | None = None) -> ModelEntry | None:
    """read_entry, read again only when the folder's files change."""
    return _read_entry(Path(folder), _stamp(Path(folder)), name)


@functools.lru_cache(maxsize=256)
def _read_entry(folder: Path, stamp: tuple, name: str | None) -> ModelEntry | None:
    return read_entry(folder, name)  # (the vocabularies of the ten shipped models take ~25 ms to read)


def fingerprint(folder: Path) -> str:
    """SHA-256 of what a trace depends on: the folder's config, vocabulary and weights."""
    digest = hashlib.sha256()
    for file in (CONFIG, VOCAB, WEIGHTS):
        digest.update((Path(folder) / file).read_bytes())
    return digest.hexdigest()


@functools.lru_cache(maxsize=16)
def _shipped(path: Path, mtime_ns: int) -> tuple[str, dict[str, dict]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["fingerprint"], {item["text"]: item for item in data["traces"]}


def shipped_trace(folder: Path | None, text: str) -> Trace | None:
    """The greedy trace (top 5) of `text` shipped in the folder, if there is one for its current weights."""
    path = Path(folder) / TRACES if folder is not None else None
    if path is None or not path.is_file():
        return None
    try:
        made_from, items = _shipped(path, path.stat().st_mtime_ns)
        item = items.get(text)
        if item is None or made_from != fingerprint(folder):
            return None
        trace = Trace.from_dict(item["trace"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return _as_dtype(trace, np.dtype(item.get("dtype", "float64")))


def _as_dtype(trace: Trace, dtype: np.dtype) -> Trace:
    """JSON reads numbers as float64; the model computes in float32, and its figures carry that dtype."""
    for item in (trace, *trace.steps):
        for field in dataclasses.fields(item):
            if isinstance(value := getattr(item, field.name), np.ndarray) and value.dtype.kind == "f":
                setattr(item, field.name, value.astype(dtype))
    return trace


def write_traces(folder: Path, texts: list[str]) -> Path:
    """Compute the greedy traces of `texts` with the folder's model and write them beside it."""
    from .checkpoint import load_model  # torch: only to make the file

    folder = Path(folder)
    model = load_model(folder)
    items = []
    for text in texts:
        trace = model.trace(text)
        items.append({"text": text, "dtype": str(trace.encoder_states.dtype), "trace": trace.to_dict()})
    path = folder / TRACES
    path.write_text(json.dumps({"fingerprint": fingerprint(folder), "traces": items}, ensure_ascii=False,
                               allow_nan=False) + "\n", encoding="utf-8")
    return path


def main(argv: list[str]) -> int:
    """`python -m attention_core.catalog [NAME TEXT…]`: write NAME's traces of TEXT…; without arguments,
    rewrite every shipped traces.json for the texts it holds (after retraining, say)."""
    if argv:
        print(write_traces(PRETRAINED_DIR / argv[0], argv[1:]))
        return 0
    for path in sorted(PRETRAINED_DIR.glob(f"*/{TRACES}")):
        texts = [item["text"] for item in json.loads(path.read_text(encoding="utf-8"))["traces"]]
        print(write_traces(path.parent, texts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
