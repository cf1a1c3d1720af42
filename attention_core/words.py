"""Word view of a subword model: its pieces grouped into words, and α over words instead of pieces.

A word w is a run of pieces: a first piece, then its continuations ("##ing" after "read", the WordPiece
convention of SubwordTokenizer; or, SentencePiece's convention, every piece up to the next "▁"-prefixed one).
Over words (Ā: the usual convention, e.g. for alignment error rate on subword models),

    Ā[w, v] = (1/|t(w)|) Σ_{t ∈ t(w)} Σ_{i ∈ s(v)} α_t^i

with s(v) the source pieces of source word v and t(w) the target pieces of target word w: attention summed
over a word's source pieces (it is mass on that word), averaged over a word's target pieces (each of their
rows is a distribution). Every row of Ā still sums to 1. Char and word tokens are words of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .tokenizers import CONTINUE, SPECIALS

Groups = list[tuple[str, list[int]]]  # per word: its display text and the indices of its pieces
SENTENCEPIECE = "▁"  # SentencePiece's start-of-word marker (models from elsewhere)


def word_groups(pieces: list[str]) -> Groups:
    """Each word's display text (markers dropped, continuations glued) and the indices of its pieces.
    A special (<s>, </s>, <unk>, <pad>) is a word of its own; so is every char or word token."""
    sentencepiece = any(p.startswith(SENTENCEPIECE) for p in pieces)
    groups: Groups = []
    for i, piece in enumerate(pieces):
        special = piece in SPECIALS
        if sentencepiece:
            continues = not special and not piece.startswith(SENTENCEPIECE)
            text = piece.removeprefix(SENTENCEPIECE)
        else:
            continues = piece.startswith(CONTINUE) and len(piece) > len(CONTINUE)
            text = piece.removeprefix(CONTINUE) if continues else piece
        if continues and groups and not special and groups[-1][0] not in SPECIALS:
            groups[-1] = (groups[-1][0] + text, groups[-1][1] + [i])
        else:
            groups.append((text, [i]))
    return groups


def _over_words(values: np.ndarray, source_groups: Groups, target_groups: Groups, *, mean_rows: bool) -> np.ndarray:
    """M values S for values (..., T, N): S[i, v] = 1 if source piece i is in word v, M[w, t] = 1 if target piece t
    is in word w (divided by |t(w)| with `mean_rows`) -> (..., T_words, N_words)."""
    values = np.asarray(values)
    T, N = values.shape[-2:]
    S = _membership(source_groups, N)  # (N, N_words)
    M = _membership(target_groups, T).T  # (T_words, T)
    if mean_rows:
        M = M / M.sum(axis=1, keepdims=True)
    return M.astype(values.dtype) @ values @ S.astype(values.dtype)


def alpha_words(alpha: np.ndarray, source_groups: Groups, target_groups: Groups) -> np.ndarray:
    """Ā[w, v] = (1/|t(w)|) Σ_{t ∈ t(w)} Σ_{i ∈ s(v)} α_t^i, for α of shape (..., T, N) -> (..., T_words, N_words):
    each target word the mean of its pieces' rows."""
    return _over_words(alpha, source_groups, target_groups, mean_rows=True)


def attribution_words(values: np.ndarray, source_groups: Groups, target_groups: Groups) -> np.ndarray:
    """R̄[w, v] = Σ_{t ∈ t(w)} Σ_{i ∈ s(v)} R_t^i for R (T, N) -> (T_words, N_words). Sums both ways, unlike
    Ā's mean over a word's target pieces: attribution adds up (completeness holds per step, so for a sum of
    steps), and log ŷ(word) = Σ over its pieces' log ŷ_t[token_t]."""
    return _over_words(values, source_groups, target_groups, mean_rows=False)


def _membership(groups: Groups, n: int) -> np.ndarray:
    """(n, len(groups)) 0/1: which group holds each of the n pieces; the groups must cover 0..n-1 once each."""
    indices = sorted(i for _, members in groups for i in members)
    if indices != list(range(n)):
        raise ValueError(f"the word groups must cover the {n} pieces once each")
    out = np.zeros((n, len(groups)))
    for v, (_, members) in enumerate(groups):
        out[members, v] = 1.0
    return out


@dataclass(frozen=True)
class WordView:
    """What a view shows in word mode: the source and target words and Ā (None without attention)."""

    source_words: list[str]
    target_words: list[str]
    alignment: np.ndarray | None  # (T_words, N_words), or (..., T_words, N_words) for every layer/head
    source_groups: Groups
    target_groups: Groups

    @property
    def is_pieces(self) -> bool:
        """True when no word has more than one piece (a char or word model): the view is the pieces'."""
        return all(len(m) == 1 for _, m in self.source_groups + self.target_groups)


def word_view(source_tokens: list[str], target_tokens: list[str], alignment: np.ndarray | None = None) -> WordView:
    """A trace's tokens and alignment (its `alignment`, or any `cross_attention`) in words; for a trace whose
    tokens are not subword pieces, the tokens and the very alignment array, unchanged."""
    source_groups, target_groups = word_groups(list(source_tokens)), word_groups(list(target_tokens))
    view = WordView([w for w, _ in source_groups], [w for w, _ in target_groups], alignment,
                    source_groups, target_groups)
    if view.is_pieces or alignment is None:
        return view
    return WordView(view.source_words, view.target_words, alpha_words(alignment, source_groups, target_groups),
                    source_groups, target_groups)


def trace_words(trace) -> WordView:
    """word_view of a Trace's source/target tokens and alignment (the default view)."""
    return word_view(trace.source_tokens, trace.target_tokens, trace.alignment)


def piece_labels(pieces: list[str]) -> list[str]:
    """Each piece as a reader sees it in word view: its text without the markers, and a continuation marked by a
    leading "-" ("-ing" after "read"), so that no "##" or "▁" shows as a raw symbol."""
    labels = list(pieces)
    for text, members in word_groups(list(pieces)):
        if len(members) == 1:
            labels[members[0]] = text
            continue
        for k, i in enumerate(members):
            piece = pieces[i]
            if k == 0:  # (a "##" piece may start a word: one that follows nothing it could continue)
                labels[i] = piece_label(piece).removeprefix("-") if piece.startswith(CONTINUE) else \
                    piece.removeprefix(SENTENCEPIECE)
            else:
                labels[i] = "-" + piece.removeprefix(CONTINUE).removeprefix(SENTENCEPIECE)
    return labels


def sum_over(values, groups: Groups) -> np.ndarray:
    """v_w = Σ_{i ∈ w} values_i: a per-piece mass (α_t) over words."""
    values = np.asarray(values)
    return values @ _membership(groups, values.shape[-1]).astype(values.dtype)


def group_of(groups: Groups, i: int) -> int:
    """The index of the word that holds piece i (0-based)."""
    for w, (_, members) in enumerate(groups):
        if i in members:
            return w
    raise ValueError(f"no word holds piece {i}")


def piece_label(piece: str) -> str:
    """One piece on its own as a reader sees it in word view: "##ing" → "-ing", "▁the" → "the" (without its
    neighbours a SentencePiece continuation cannot be told apart, and stays as it is)."""
    if piece.startswith(CONTINUE) and len(piece) > len(CONTINUE):
        return "-" + piece.removeprefix(CONTINUE)
    return piece.removeprefix(SENTENCEPIECE) if piece != SENTENCEPIECE else piece


def first_step(view: WordView, row: int) -> int:
    """The decoder step (1-based) of the first piece of target word `row` (0-based): where a click on the word
    view's row opens the step page."""
    return view.target_groups[row][1][0] + 1
