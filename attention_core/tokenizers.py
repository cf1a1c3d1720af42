"""Character- and word-level tokenizers with a vocabulary that is saved beside the weights.

Every text maps to ids without error: a symbol outside the vocabulary becomes the visible `<unk>`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

PAD, BOS, EOS, UNK = "<pad>", "<s>", "</s>", "<unk>"
SPECIALS = (PAD, BOS, EOS, UNK)
PAD_ID, BOS_ID, EOS_ID, UNK_ID = range(4)

# Control, format (zero-width, bidi marks) and lone-surrogate code points carry no glyph of their
# own; dropped so that "2026\u200b" reads as "2026" and no NUL reaches a figure.
_INVISIBLE = {"Cc", "Cf", "Cs"}
_WORD = re.compile(r"\w+(?:'\w+)?|[^\w\s]", re.UNICODE)
_NO_SPACE_BEFORE = set(".,;:!?)]}%»…")
_NO_SPACE_AFTER = set("([{¿¡«")


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def safe_text(text: str) -> str:
    """The text with every lone surrogate replaced by U+FFFD, so that it can always be encoded as UTF-8."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def normalize(text: str, form: str = "NFKC") -> str:
    """Unicode-normalise, drop control/format/surrogate code points, collapse whitespace."""
    text = unicodedata.normalize(form, text)
    visible = (ch for ch in text if ch.isspace() or unicodedata.category(ch) not in _INVISIBLE)
    return " ".join("".join(visible).split())


class Tokenizer:
    """A vocabulary (specials first) plus a rule that splits text into tokens."""

    kind = ""

    def __init__(self, tokens: Iterable[str], *, lowercase: bool = False, form: str = "NFKC") -> None:
        self.lowercase = lowercase
        self.form = form
        self.itos: list[str] = list(SPECIALS) + [t for t in tokens if t not in SPECIALS]
        self.stoi: dict[str, int] = {t: i for i, t in enumerate(self.itos)}
        if len(self.stoi) != len(self.itos):
            raise ValueError("vocabulary has duplicate tokens")

    def __len__(self) -> int:
        return len(self.itos)

    def clean(self, text: str) -> str:
        text = normalize(text, self.form)
        return text.lower() if self.lowercase else text

    def split(self, text: str) -> list[str]:
        raise NotImplementedError

    def join(self, tokens: list[str]) -> str:
        raise NotImplementedError

    def tokenize(self, text: str) -> list[str]:
        """Text -> vocabulary tokens (unknowns shown as <unk>)."""
        return [t if t in self.stoi else UNK for t in self.split(self.clean(text))]

    def unknown_share(self, text: str) -> float:
        """The share of the text's tokens outside the vocabulary (0 for a text without tokens)."""
        tokens = self.split(self.clean(text))
        return sum(t not in self.stoi for t in tokens) / len(tokens) if tokens else 0.0

    def encode(self, text: str) -> list[int]:
        return [self.stoi.get(t, UNK_ID) for t in self.split(self.clean(text))]

    def decode(self, ids: Iterable[int]) -> list[str]:
        return [self.itos[i] if 0 <= i < len(self.itos) else UNK for i in ids]

    def to_dict(self) -> dict:
        return {"kind": self.kind, "lowercase": self.lowercase, "form": self.form, "itos": self.itos}

    @classmethod
    def build(cls, texts: Iterable[str], *, min_count: int = 1, max_size: int | None = None,
              lowercase: bool = False, form: str = "NFKC") -> Tokenizer:
        """Vocabulary from training texts: most frequent first, ties alphabetical (deterministic)."""
        probe = cls([], lowercase=lowercase, form=form)
        counts = Counter(t for text in texts for t in probe.split(probe.clean(text)))
        ranked = sorted((t for t, c in counts.items() if c >= min_count), key=lambda t: (-counts[t], t))
        return cls(ranked[:max_size], lowercase=lowercase, form=form)


class CharTokenizer(Tokenizer):
    """One token per Unicode code point of the normalised text."""

    kind = "char"

    def split(self, text: str) -> list[str]:
        return list(text)

    def join(self, tokens: list[str]) -> str:
        return "".join(tokens)


class WordTokenizer(Tokenizer):
    """Words and single punctuation marks; joined back with the usual spacing rules."""

    kind = "word"

    def split(self, text: str) -> list[str]:
        return _WORD.findall(text)

    def join(self, tokens: list[str]) -> str:
        out = ""
        for token in tokens:
            if out and token not in _NO_SPACE_BEFORE and out[-1] not in _NO_SPACE_AFTER:
                out += " "
            out += token
        return out


def pad_ids(rows: list[list[int]]):
    """A (B, max length) LongTensor of token ids, padded with <pad>."""
    import torch

    out = torch.full((len(rows), max(map(len, rows))), PAD_ID, dtype=torch.long)
    for i, row in enumerate(rows):
        out[i, : len(row)] = torch.tensor(row)
    return out


_KINDS = {cls.kind: cls for cls in (CharTokenizer, WordTokenizer)}


def tokenizer_from_dict(data: object) -> Tokenizer:
    if not isinstance(data, dict) or data.get("kind") not in _KINDS or not isinstance(data.get("itos"), list):
        raise ValueError("vocabulary must be an object with 'kind' (char or word) and 'itos' (a list)")
    itos = data["itos"]
    if any(not isinstance(t, str) for t in itos) or tuple(itos[: len(SPECIALS)]) != SPECIALS:
        raise ValueError("vocabulary must be a list of strings that starts with " + ", ".join(SPECIALS))
    return _KINDS[data["kind"]](itos, lowercase=bool(data.get("lowercase", False)), form=str(data.get("form", "NFKC")))
