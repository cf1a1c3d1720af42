"""Character-, word- and subword-level tokenizers with a vocabulary that is saved beside the weights.

Every text maps to ids without error: a symbol outside the vocabulary becomes the visible `<unk>`.
A subword tokenizer (BPE, Hugging Face `tokenizers`) splits an unknown word into known pieces; only a
character never seen in training becomes `<unk>`.
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
CONTINUE = "##"  # a subword piece that continues the word of the piece before it
_INSIDE = re.compile(r"[\w']")  # what a word of _WORD holds after its first character


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
        return _spaced(tokens)


def _spaced(words: list[str]) -> str:
    """Words and punctuation joined with a space, except before ".,;:!?)]}%»…" and after "([{¿¡«"."""
    out = ""
    for word in words:
        if out and word not in _NO_SPACE_BEFORE and out[-1] not in _NO_SPACE_AFTER:
            out += " "
        out += word
    return out


class SubwordTokenizer(Tokenizer):
    """BPE pieces within the words and punctuation marks of WordTokenizer: a word's first piece is bare,
    each later piece is prefixed "##" ("readings" -> "reading", "##s"); join glues the pieces back.

    Saved as its vocabulary (itos, specials first; ids are HF ids) and its merges, in learned order; the
    Hugging Face model is rebuilt from them on first use, so reading vocab.json does not import `tokenizers`.
    """

    kind = "subword"

    def __init__(self, tokens: Iterable[str], merges: Iterable[tuple[str, str]] = (), *, lowercase: bool = True,
                 form: str = "NFKC") -> None:
        super().__init__(tokens, lowercase=lowercase, form=form)
        self.merges: list[tuple[str, str]] = [(a, b) for a, b in merges]
        self._bpe = None  # the tokenizers.Tokenizer, built on first split

    def _model(self):
        if self._bpe is None:
            from tokenizers import Tokenizer as HFTokenizer
            from tokenizers import models

            self._bpe = HFTokenizer(models.BPE(vocab=dict(self.stoi), merges=self.merges, unk_token=UNK,
                                               continuing_subword_prefix=CONTINUE))
        return self._bpe

    def split(self, text: str) -> list[str]:
        words = _WORD.findall(text)
        if not words:
            return []
        return self._model().encode(words, is_pretokenized=True, add_special_tokens=False).tokens

    def unknown_share(self, text: str) -> float:
        """The share of the text's words with a piece that is <unk> (a character never seen in training). By
        words, as for the word-level models: a word of unknown letters may still have known digits ("2026년"
        is "2026" and <unk>), and a word the model cannot spell is a word it does not know."""
        words = _WORD.findall(self.clean(text))
        if not words:
            return 0.0
        encoding = self._model().encode(words, is_pretokenized=True, add_special_tokens=False)
        unknown = {w for w, piece in zip(encoding.word_ids, encoding.tokens) if piece == UNK}
        return len(unknown) / len(words)

    def join(self, tokens: list[str]) -> str:
        """Pieces -> text: "##" pieces glued to the piece before (a leading one, or one after a special,
        starts a word of its own), then WordTokenizer's spacing."""
        from .words import word_groups

        return _spaced([word for word, _ in word_groups(tokens)])

    def to_dict(self) -> dict:
        return {**super().to_dict(), "merges": [list(pair) for pair in self.merges]}

    @classmethod
    def build(cls, texts: Iterable[str], *, vocab_size: int = 8000, min_frequency: int = 2,
              lowercase: bool = True, form: str = "NFKC") -> SubwordTokenizer:
        """BPE learned on the training texts' words: at most vocab_size pieces, specials included (unless the
        alphabet alone is larger).

        Deterministic: the same texts give the same itos and merges. The trainer breaks ties between equally
        frequent pairs by their ids, and it numbers the "##" pieces it meets in hash order; so every
        continuation piece "##c" (c: a character of the texts that can follow inside a word: a letter, digit,
        _ or ') is numbered first, in code-point order, right after the specials. The initial alphabet is
        every character of the texts (bare and continued), so none of them ever becomes <unk>."""
        import json

        from tokenizers import Tokenizer as HFTokenizer
        from tokenizers import models, trainers

        probe = cls([], lowercase=lowercase, form=form)
        words = [w for text in texts for w in _WORD.findall(probe.clean(text))]
        alphabet = sorted(set("".join(words)))
        continued = [CONTINUE + ch for ch in alphabet if _INSIDE.fullmatch(ch)]
        trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=min_frequency, show_progress=False,
                                      special_tokens=[*SPECIALS, *continued], initial_alphabet=alphabet,
                                      continuing_subword_prefix=CONTINUE)
        bpe = HFTokenizer(models.BPE(unk_token=UNK, continuing_subword_prefix=CONTINUE))
        bpe.train_from_iterator(words, trainer=trainer)
        model = json.loads(bpe.to_str())["model"]
        itos = sorted(model["vocab"], key=model["vocab"].get)
        numbered = [model["vocab"][t] for t in itos] == list(range(len(itos)))
        if not numbered or itos[: len(SPECIALS) + len(continued)] != [*SPECIALS, *continued]:
            raise RuntimeError("tokenizers did not number the specials first")  # (the trainer's contract)
        return cls(itos, [tuple(pair) for pair in model["merges"]], lowercase=lowercase, form=form)


def build_tokenizer(kind: str, texts: Iterable[str], *, min_count: int = 1, vocab_size: int = 8000) -> Tokenizer:
    """The vocabulary of a training split: char (case kept), word or subword (lowercased). min_count: the
    least count of a char or word token; vocab_size: the most subword pieces (specials included)."""
    if kind == "subword":
        return SubwordTokenizer.build(texts, vocab_size=vocab_size)
    if kind not in ("char", "word"):
        raise ValueError(f"tokenizer must be char, word or subword, not {kind!r}")
    return _KINDS[kind].build(texts, min_count=min_count, lowercase=kind == "word")


def pad_ids(rows: list[list[int]]):
    """A (B, max length) LongTensor of token ids, padded with <pad>."""
    import torch

    out = torch.full((len(rows), max(map(len, rows))), PAD_ID, dtype=torch.long)
    for i, row in enumerate(rows):
        out[i, : len(row)] = torch.tensor(row)
    return out


_KINDS = {cls.kind: cls for cls in (CharTokenizer, WordTokenizer, SubwordTokenizer)}


def tokenizer_from_dict(data: object) -> Tokenizer:
    if not isinstance(data, dict) or data.get("kind") not in _KINDS or not isinstance(data.get("itos"), list):
        raise ValueError("vocabulary must be an object with 'kind' (char, word or subword) and 'itos' (a list)")
    itos = data["itos"]
    if any(not isinstance(t, str) for t in itos) or tuple(itos[: len(SPECIALS)]) != SPECIALS:
        raise ValueError("vocabulary must be a list of strings that starts with " + ", ".join(SPECIALS))
    options = dict(lowercase=bool(data.get("lowercase", False)), form=str(data.get("form", "NFKC")))
    if data["kind"] != "subword":
        return _KINDS[data["kind"]](itos, **options)
    return SubwordTokenizer(itos, _merges(data.get("merges"), set(itos)), **options)


def _merges(merges: object, vocab: set[str]) -> list[tuple[str, str]]:
    """A subword vocabulary's merges, checked: pairs (a, b) of pieces whose merge a + b (b's "##" dropped)
    is a piece too. (Checked here, in bulk for speed, so that the BPE model built on first use cannot fail.)"""
    if not isinstance(merges, list):
        raise ValueError("a subword vocabulary needs 'merges', a list of [piece, piece] pairs")
    if any(type(m) is not list or len(m) != 2 for m in merges):
        raise ValueError("each merge must be a pair of pieces, [piece, piece]")
    pairs = [(a, b) for a, b in merges]
    if any(type(a) is not str or type(b) is not str for a, b in pairs):
        raise ValueError("each merge must be a pair of pieces (strings)")
    used, made = {p for pair in pairs for p in pair}, {a + b.removeprefix(CONTINUE) for a, b in pairs}
    if not used <= vocab or not made <= vocab:
        raise ValueError("a merge uses or makes a piece outside the vocabulary")
    return pairs
