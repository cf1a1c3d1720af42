"""Tokenizers never crash on any Unicode, and show unknown symbols as <unk>."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from attention_core.tokenizers import UNK, CharTokenizer, WordTokenizer, normalize, tokenizer_from_dict


def test_unknown_symbols_are_visible():
    tok = CharTokenizer("0123456789 ")
    assert tok.tokenize("12 🎉 3") == ["1", "2", " ", UNK, " ", "3"]
    assert tok.decode(tok.encode("9 x")) == ["9", " ", UNK]


def test_normalisation_drops_invisible_and_unifies_width():
    assert normalize("２０２６年\u200b１１月") == "2026年11月"
    assert normalize("a\x00b\u202fc\u200fd") == "ab cd"
    assert normalize("  many   spaces\t\n") == "many spaces"
    assert normalize("e\u0301") == "é"  # combining mark composed


def test_word_tokenizer_splits_and_joins():
    tok = WordTokenizer.build(["the red car .", "¿dónde está el coche rojo?"], lowercase=True)
    assert tok.split(tok.clean("The red car, isn't it?")) == ["the", "red", "car", ",", "isn't", "it", "?"]
    assert tok.join(["¿", "dónde", "está", "el", "coche", "?"]) == "¿dónde está el coche?"
    assert tok.tokenize("The blue car") == ["the", UNK, "car"]


def test_vocabulary_round_trip():
    tok = WordTokenizer.build(["a b c", "b c", "c"], lowercase=True)
    assert tok.itos[4:] == ["c", "b", "a"]  # most frequent first, deterministic
    again = tokenizer_from_dict(tok.to_dict())
    assert again.itos == tok.itos and again.lowercase and isinstance(again, WordTokenizer)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_unicode_tokenizes(text):
    for tok in (CharTokenizer("abc "), WordTokenizer(["abc"])):
        ids = tok.encode(text)
        assert all(0 <= i < len(tok) for i in ids)
        assert len(tok.tokenize(text)) == len(ids)


@given(st.text())
def test_lone_surrogates_and_controls_never_reach_tokens(text):
    cleaned = normalize(text + "\ud800\x00\u200b")
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in cleaned)
    cleaned.encode("utf-8")  # always encodable: no lone surrogate survives


def test_unknown_share_and_which_text_fits_a_model():
    from attention_core import load_pretrained

    tok = WordTokenizer(["she", "bought", "the", "car"])
    assert tok.unknown_share("she bought the red car") == 0.2 and tok.unknown_share("") == 0.0
    english, dates = load_pretrained("en-es-dot"), load_pretrained("dates-dot")
    korean_date = "2026년 11월 24일 화요일"
    # subword pieces: "2026년" is the known "2026" and an <unk>; by words, every word of it is unknown
    assert UNK in english.source_tokenizer.tokenize(korean_date)
    assert english.source_tokenizer.unknown_share(korean_date) == 1.0
    assert english.source_tokenizer.unknown_share("Quentin bought a 車") == 0.25  # one word in four
    assert not english.fits(korean_date) and dates.fits(korean_date)
    assert english.fits("she bought the red car") and english.fits("Quentin bought the red car")  # a name is fine
    assert not dates.fits("Вторник, 24 ноября 2026")  # Cyrillic: not a language the dates models read
