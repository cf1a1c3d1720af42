"""Subword (BPE) tokenizers: unknown words become pieces, vocabularies round-trip through JSON, and the word
view of a subword trace (words.py) shows words, α summed over source pieces and averaged over target pieces."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attention_core.tokenizers import (
    CONTINUE,
    SPECIALS,
    UNK,
    CharTokenizer,
    SubwordTokenizer,
    WordTokenizer,
    build_tokenizer,
    tokenizer_from_dict,
)
from attention_core.words import alpha_words, trace_words, word_groups, word_view

ENGLISH = [
    "She bought the red car.", "The readers are reading their books.", "Where is the station?",
    "I don't know where they are going.", "We were walking along the river, talking and laughing.",
    "He reads books every evening.", "They have bought new houses in the city.", "Is this your car?",
    "The children played in the garden while their parents were cooking.",
]
SPANISH = [
    "Ella compró el coche rojo.", "¿Dónde está la estación?", "¡Qué día tan bonito!",
    "Los niños jugaban en el jardín mientras sus padres cocinaban.", "No sé adónde van.",
    "Él lee libros todas las noches.", "Compraron casas nuevas en la ciudad.", "¿Es tuyo este coche?",
    "Caminábamos a lo largo del río, hablando y riendo.", "El año pasado viajé a Perú con mi pequeño niño.",
    "(Ella) dijo: «sí».", "Zoe fue al zoo.",
]
TEXTS = ENGLISH * 3 + SPANISH * 3
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tok() -> SubwordTokenizer:
    return SubwordTokenizer.build(TEXTS, vocab_size=300)


def test_specials_first_and_pieces_marked(tok):
    assert tuple(tok.itos[:4]) == SPECIALS and tok.kind == "subword" and len(tok) == len(tok.itos)
    assert tok.stoi == {t: i for i, t in enumerate(tok.itos)}
    pieces = tok.split(tok.clean("The readings housed"))  # words never seen whole
    assert not pieces[0].startswith(CONTINUE) and any(p.startswith(CONTINUE) for p in pieces)
    assert tok.encode("The readers") == [tok.stoi[p] for p in tok.tokenize("The readers")]
    assert tok.decode(tok.encode("The readers")) == tok.tokenize("The readers")


@pytest.mark.parametrize("text", ENGLISH + SPANISH + ["¿Dónde está el niño? ¡Aquí!", "(Él) dijo: «no».", ""])
def test_join_reads_as_the_cleaned_text(tok, text):
    assert tok.join(tok.tokenize(text)) == WordTokenizer([]).join(WordTokenizer([]).split(tok.clean(text)))
    assert tok.join(tok.tokenize(text)) == tok.clean(text)  # these texts follow the spacing rules already


def test_an_unknown_word_becomes_pieces_not_unk(tok):
    word = "readings"  # never in training ("reading", "reads" are)
    assert word not in tok.stoi
    pieces = tok.tokenize(word)
    assert len(pieces) > 1 and UNK not in pieces and tok.join(pieces) == word
    assert tok.unknown_share("The houses readings") == 0.0
    assert WordTokenizer.build(TEXTS, lowercase=True).tokenize(word) == [UNK]  # what a word model shows


def test_a_character_never_seen_becomes_unk(tok):
    assert tok.tokenize("red 🎉") == ["red", UNK]
    assert UNK in tok.tokenize("caxr")  # x: no "x" in the texts, so no piece holds it
    assert tok.unknown_share("red 🎉") == 0.5 and tok.unknown_share("") == 0.0


def test_a_letter_seen_only_at_word_starts_still_has_a_continuation(tok):
    assert "z" in tok.stoi  # the z of "Zoe" and "zoo" only ever starts a word
    assert tok.tokenize("azo")[:2] == ["a", "##z"]


def test_build_is_deterministic(tok):
    again = SubwordTokenizer.build(TEXTS, vocab_size=300)
    assert again.itos == tok.itos and again.merges == tok.merges
    # and in another process (another hash seed, other thread scheduling)
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); from tests.test_subword import TEXTS; "
            "from attention_core.tokenizers import SubwordTokenizer; "
            "print(json.dumps(SubwordTokenizer.build(TEXTS, vocab_size=300).to_dict()))")
    out = subprocess.run([sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, check=True,
                         env={"PYTHONHASHSEED": "123", "PATH": ""})
    assert json.loads(out.stdout) == tok.to_dict()


def test_vocab_size_bounds_the_learned_pieces():
    small = SubwordTokenizer.build(TEXTS, vocab_size=120)
    assert len(small) <= 120
    assert len(small.merges) < len(SubwordTokenizer.build(TEXTS, vocab_size=300).merges)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzáéíñóúü¿¡?!.,' ")))
def test_dict_round_trip_gives_the_same_ids(tok, text):
    again = tokenizer_from_dict(json.loads(json.dumps(tok.to_dict())))
    assert isinstance(again, SubwordTokenizer) and again.itos == tok.itos
    assert again.encode(text) == tok.encode(text)


def test_dict_round_trip_on_the_training_texts(tok):
    data = tok.to_dict()
    assert set(data) == {"kind", "lowercase", "form", "itos", "merges"} and data["kind"] == "subword"
    again = tokenizer_from_dict(json.loads(json.dumps(data)))
    assert all(again.encode(t) == tok.encode(t) for t in TEXTS + [t.upper() for t in TEXTS])
    assert again.to_dict() == data


def _vocab(tok, **change) -> dict:
    return {**tok.to_dict(), **change}


@pytest.mark.parametrize("change, message", [
    ({"merges": None}, "needs 'merges'"),
    ({"merges": "ab"}, "needs 'merges'"),
    ({"merges": [["r", "##e", "x"]]}, "pair of pieces"),
    ({"merges": ["re"]}, "pair of pieces"),  # a string would unpack into two characters
    ({"merges": [{"r": 1, "##e": 2}]}, "pair of pieces"),
    ({"merges": [["r", 5]]}, "strings"),
    ({"merges": [["r", ["##e"]]]}, "strings"),
    ({"merges": [["r", "##zz"]]}, "outside the vocabulary"),
    ({"merges": [["x", "##y"]]}, "outside the vocabulary"),
    ({"itos": ["a", "b"]}, "starts with"),
    ({"itos": [*SPECIALS, 3]}, "starts with"),
    ({"kind": "sentencepiece"}, "'kind'"),
])
def test_malformed_vocabularies_are_refused(tok, change, message):
    with pytest.raises(ValueError, match=message) as error:
        tokenizer_from_dict(_vocab(tok, **change))
    assert len(str(error.value)) < 100


def test_a_merge_whose_result_is_missing_is_refused(tok):
    a, b = tok.merges[-1]
    merged = a + b.removeprefix(CONTINUE)
    itos = [t for t in tok.itos if t != merged]
    with pytest.raises(ValueError, match="outside the vocabulary"):
        tokenizer_from_dict(_vocab(tok, itos=itos))


def test_reading_a_vocabulary_does_not_import_tokenizers(tmp_path, tok):
    path = tmp_path / "vocab.json"
    path.write_text(json.dumps({"source": tok.to_dict(), "target": tok.to_dict()}), encoding="utf-8")
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); "
            "from attention_core.tokenizers import tokenizer_from_dict; "
            "v = json.load(open(sys.argv[2])); tokenizer_from_dict(v['source']); "
            "assert 'tokenizers' not in sys.modules, 'imported'")
    subprocess.run([sys.executable, "-c", code, str(ROOT), str(path)], check=True)


def test_build_tokenizer_makes_each_kind():
    assert isinstance(build_tokenizer("char", TEXTS), CharTokenizer)
    word = build_tokenizer("word", TEXTS, min_count=4)  # (each text is three times in TEXTS)
    assert isinstance(word, WordTokenizer) and word.lowercase and "station" not in word.stoi
    sub = build_tokenizer("subword", TEXTS, vocab_size=300)
    assert isinstance(sub, SubwordTokenizer) and sub.lowercase and UNK not in sub.tokenize("Readings")
    with pytest.raises(ValueError, match="char, word or subword"):
        build_tokenizer("bpe", TEXTS)


def test_join_accepts_model_outputs(tok):
    assert tok.join(["##s", "el", "coche"]) == "s el coche"  # a leading continuation: a word of its own
    assert tok.join(["el", "co", "##che", "<unk>", "##s", "."]) == "el coche <unk> s."
    assert tok.join(["<s>", "hola", "</s>"]) == "<s> hola </s>"
    assert tok.join([]) == ""


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_unicode_tokenizes(tok, text):
    ids = tok.encode(text)
    assert all(0 <= i < len(tok) for i in ids) and len(tok.tokenize(text)) == len(ids)
    assert 0.0 <= tok.unknown_share(text) <= 1.0
    tok.join(tok.tokenize(text)).encode("utf-8")


@pytest.mark.parametrize("text", ["<b>hola</b> &amp; adiós", "<unk> </s> ##s", "e\u0301\u200b\x00 ﬁne ２０２６",
                                  "\ud800 lone", "👩‍👩‍👧 🇪🇸", "a" * 3000])
def test_odd_text_does_not_crash(tok, text):
    pieces = tok.tokenize(text)
    assert all(p in tok.stoi for p in pieces)
    groups = word_groups(pieces)
    assert not any(CONTINUE in w for w, _ in groups if w not in SPECIALS)


def test_literal_specials_in_the_text_are_not_specials(tok):
    assert tok.encode("<unk>") != [SPECIALS.index(UNK)] and tok.encode("</s>") != [SPECIALS.index("</s>")]


# -- words.py ---------------------------------------------------------------------------------------------


def test_word_groups_glue_continuations():
    pieces = ["the", "read", "##ers", "read", "##ing", ".", "</s>"]
    assert word_groups(pieces) == [("the", [0]), ("readers", [1, 2]), ("reading", [3, 4]), (".", [5]),
                                   ("</s>", [6])]


def test_word_groups_keep_specials_apart():
    assert word_groups(["##s", "x", "<unk>", "##y", "##z", "<s>"]) == [
        ("s", [0]), ("x", [1]), ("<unk>", [2]), ("yz", [3, 4]), ("<s>", [5])]


def test_word_groups_of_char_and_word_tokens_are_the_tokens():
    for tokens in (list("24 nov #1"), ["she", "bought", "#", "it", "'", "</s>"]):
        assert word_groups(tokens) == [(t, [i]) for i, t in enumerate(tokens)]


def test_word_groups_read_sentencepiece_markers():
    assert word_groups(["▁the", "▁read", "ers", "▁.", "</s>"]) == [
        ("the", [0]), ("readers", [1, 2]), (".", [3]), ("</s>", [4])]


def test_alpha_words_by_hand():
    # source pieces: [the] [read ##ers] [</s>]; target pieces: [los] [lec ##tor ##es] [</s>]
    alpha = np.array([
        [0.7, 0.1, 0.1, 0.1],
        [0.1, 0.5, 0.2, 0.2],
        [0.0, 0.2, 0.6, 0.2],
        [0.1, 0.3, 0.3, 0.3],
        [0.0, 0.0, 0.0, 1.0],
    ])
    src = word_groups(["the", "read", "##ers", "</s>"])
    tgt = word_groups(["los", "lec", "##tor", "##es", "</s>"])
    A = alpha_words(alpha, src, tgt)
    # "readers" = columns 1 + 2; row "lectores" = the mean of rows 1..3 so summed: [0.2, 2.1, 0.7] / 3
    expected = np.array([[0.7, 0.2, 0.1], [0.2 / 3, 2.1 / 3, 0.7 / 3], [0.0, 0.0, 1.0]])
    np.testing.assert_allclose(A, expected, atol=1e-12)
    np.testing.assert_allclose(A.sum(axis=1), 1.0)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_alpha_words_rows_stay_distributions(seed):
    rng = np.random.default_rng(seed)
    T, N = rng.integers(1, 9, size=2)
    alpha = rng.dirichlet(np.ones(N), size=T)
    src, tgt = (word_groups(["##p" if i and rng.random() < 0.5 else "p" for i in range(n)]) for n in (N, T))
    A = alpha_words(alpha, src, tgt)
    assert A.shape == (len(tgt), len(src))
    np.testing.assert_allclose(A.sum(axis=1), 1.0)
    by_piece = alpha_words(alpha, src, word_groups(["p"] * T))  # targets one piece each: columns summed only
    for v, (_, members) in enumerate(src):
        np.testing.assert_allclose(by_piece[:, v], alpha[:, members].sum(axis=1))
    heads = np.stack([alpha, alpha[::-1]])  # (h, T, N): every head at once
    np.testing.assert_allclose(alpha_words(heads, src, tgt)[0], A)


def test_alpha_words_refuses_groups_that_do_not_cover_the_pieces():
    with pytest.raises(ValueError, match="cover"):
        alpha_words(np.eye(3), word_groups(["a", "b"]), word_groups(["a", "b", "c"]))


def test_word_view_of_pieces_and_of_plain_tokens():
    alpha = np.full((3, 3), 1 / 3)
    view = word_view(["read", "##ers", "</s>"], ["lec", "##tores", "</s>"], alpha)
    assert view.source_words == ["readers", "</s>"] and view.target_words == ["lectores", "</s>"]
    np.testing.assert_allclose(view.alignment, [[2 / 3, 1 / 3], [2 / 3, 1 / 3]])
    same = alpha[:2].copy()
    plain = word_view(["she", "bought", "</s>"], ["ella", "</s>"], same)
    assert plain.is_pieces and plain.alignment is same and plain.source_words == ["she", "bought", "</s>"]
    assert word_view(["a"], ["b"], None).alignment is None


def test_a_subword_model_saves_loads_and_traces_in_words(tmp_path, tok):
    import torch

    from attention_core import ModelConfig
    from attention_core.checkpoint import load_model, save_model
    from attention_core.model import Seq2Seq
    from attention_core.translator import Translator

    torch.manual_seed(0)
    cfg = ModelConfig(tokenizer="subword", source_vocab_size=len(tok), target_vocab_size=len(tok),
                      embed_size=6, hidden_size=8, max_source_len=40, max_target_len=8, task="en-es")
    folder = save_model(Translator("sub", cfg, Seq2Seq(cfg), tok, tok), tmp_path / "sub")
    model = load_model(folder)
    assert model.source_tokenizer.to_dict() == tok.to_dict()
    trace = model.trace("The readers readings")
    assert trace.source_tokens == tok.tokenize("The readers readings") + ["</s>"]
    view = trace_words(trace)
    assert view.source_words == ["the", "readers", "readings", "</s>"]
    assert not any(w.startswith(CONTINUE) for w in view.source_words + view.target_words)
    np.testing.assert_allclose(view.alignment.sum(axis=1), 1.0, rtol=1e-5)
