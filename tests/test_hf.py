"""hf:PATH models (attention_core/hf.py): tiny randomly initialised Marian, BART and T5 models, saved with
save_pretrained beside a word-level tokenizer; nothing is downloaded. Their traces must hold exactly the
attention transformers itself returns, and the tokens its own generate chooses."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import torch

transformers = pytest.importorskip("transformers")

from hf_tiny import SIZES, TEMPLATES, TEXT, save_tiny  # noqa: E402

from attention_core import cli  # noqa: E402
from attention_core.checkpoint import ModelLoadError, load_pretrained  # noqa: E402
from attention_core.trace import Trace  # noqa: E402


@pytest.fixture(scope="module", params=["marian", "bart", "t5"])
def tiny(request, tmp_path_factory):
    """(kind, folder, the loaded hf: model, the reference transformers model loaded independently)."""
    folder = save_tiny(request.param, tmp_path_factory.mktemp(request.param))
    reference = transformers.AutoModelForSeq2SeqLM.from_pretrained(folder, attn_implementation="eager").eval()
    return request.param, folder, load_pretrained(f"hf:{folder}"), reference


def reference_greedy(reference, ids, steps):
    with torch.no_grad():
        return reference.generate(input_ids=torch.tensor([ids]), do_sample=False, num_beams=1, max_new_tokens=steps,
                                  output_attentions=True, output_hidden_states=True, return_dict_in_generate=True)


def test_greedy_trace_is_generates_own(tiny):
    kind, _, model, reference = tiny
    trace = model.trace(TEXT)
    ids = model.tokenizer(TEXT)["input_ids"]
    out = reference_greedy(reference, ids, model.config.max_target_len)
    seq = out.sequences[0].tolist()
    assert trace.source_tokens == model.tokenizer.convert_ids_to_tokens(ids)
    assert trace.source_tokens[-1] == "</s>" and (trace.source_tokens[0] == "<s>") == (kind == "bart")
    assert trace.target_tokens == model.tokenizer.convert_ids_to_tokens(seq[1:])
    assert [s.input_token for s in trace.steps] == model.tokenizer.convert_ids_to_tokens(seq[:-1])
    assert len(trace.steps) == len(out.cross_attentions) > 1
    L, h = SIZES["layers"], SIZES["heads"]
    assert (trace.layers, trace.heads, trace.alignment_from) == (L, h, {"layer": L, "head": "mean"})
    for t, step in enumerate(trace.steps):
        for ell in range(L):
            np.testing.assert_allclose(step.cross[ell].alpha, out.cross_attentions[t][ell][0, :, 0].numpy(), atol=1e-5)
            np.testing.assert_allclose(step.self_attn[ell].alpha, out.decoder_attentions[t][ell][0, :, 0].numpy(),
                                       atol=1e-5)
            assert step.self_attn[ell].alpha.shape == (h, t + 1)
        np.testing.assert_allclose(step.alpha, out.cross_attentions[t][-1][0, :, 0].mean(0).numpy(), atol=1e-5)
        np.testing.assert_allclose(step.s, out.decoder_hidden_states[t][-1][0, -1].numpy(), atol=1e-5)
    for ell in range(L):
        np.testing.assert_allclose(trace.encoder_self_attention[ell], out.encoder_attentions[ell][0].numpy(), atol=1e-5)
    np.testing.assert_allclose(trace.encoder_states, out.encoder_hidden_states[-1][0].numpy(), atol=1e-5)
    assert not np.allclose(trace.steps[0].cross[0].alpha[0], 1 / len(ids), atol=1e-3)  # not a uniform α


def test_greedy_attention_equals_one_forward_pass(tiny):
    """The cached step-by-step α of generate equals the α of one forward pass over the same tokens."""
    _, _, model, reference = tiny
    trace = model.trace(TEXT)
    ids = model.tokenizer(TEXT)["input_ids"]
    y = [model.decoder_start] + model.tokenizer.convert_tokens_to_ids(trace.target_tokens)
    with torch.no_grad():
        out = reference(input_ids=torch.tensor([ids]), decoder_input_ids=torch.tensor([y[:-1]]), output_attentions=True)
    for t, step in enumerate(trace.steps):
        for ell in range(trace.layers):
            np.testing.assert_allclose(step.cross[ell].alpha, out.cross_attentions[ell][0, :, t].numpy(), atol=1e-5)
        probs = torch.softmax(out.logits[0, t], -1)
        assert step.prob == pytest.approx(float(probs[y[t + 1]]), abs=1e-5)
        assert step.top_k[0][1] == pytest.approx(float(probs.max()), abs=1e-5)


def test_trace_invariants_and_json_round_trip(tiny):
    _, _, model, _ = tiny
    trace = model.trace(TEXT)
    N = len(trace.source_tokens)
    for step in trace.steps:
        for block in step.cross:
            np.testing.assert_allclose(block.alpha.sum(axis=1), 1.0, atol=1e-5)
            assert block.q is None and block.e is None and block.a is None  # hidden by the library: absent
        assert step.e is None and step.a is None and step.concat is None and step.s_tilde is None
        assert step.alpha.shape == (N,)
    again = Trace.from_json(trace.to_json())
    assert again.to_dict() == Trace.from_json(again.to_json()).to_dict()
    assert again.target_tokens == trace.target_tokens and again.mode == "greedy"
    np.testing.assert_allclose(again.cross_attention(0), trace.cross_attention(0), atol=1e-7)
    assert "cross_keys" not in trace.to_dict() and "e" not in trace.to_dict()["steps"][0]


def test_prediction_and_check(tiny):
    kind, _, model, reference = tiny
    ids = model.tokenizer(TEXT)["input_ids"]
    seq = reference_greedy(reference, ids, model.config.max_target_len).sequences[0]
    assert model.translate(TEXT) == model.tokenizer.decode(seq, skip_special_tokens=True)
    assert model.check(TEXT) is None
    assert "empty" in model.check("  ")
    specials = len(TEMPLATES[kind].split()) - 1
    if kind == "t5":  # no position limit: the project's 512 tokens, and before them its limit on characters
        assert model.max_source_tokens == 512 - specials and "characters long" in model.check("a " * 600)
        return
    assert model.max_source_tokens == SIZES["positions"] - specials
    longest = " ".join(["cat"] * model.max_source_tokens)
    assert model.check(longest) is None
    assert "reads at most" in model.check(longest + " cat")


@pytest.fixture(scope="module")
def marian(tmp_path_factory):
    folder = save_tiny("marian", tmp_path_factory.mktemp("marian-beam"))
    reference = transformers.AutoModelForSeq2SeqLM.from_pretrained(folder, attn_implementation="eager").eval()
    return folder, load_pretrained(f"hf:{folder}"), reference


def test_beam_is_generates_beam_search(marian):
    _, model, reference = marian
    ids = model.tokenizer(TEXT)["input_ids"]
    with torch.no_grad():
        out = reference.generate(input_ids=torch.tensor([ids]), do_sample=False, num_beams=3, num_return_sequences=3,
                                 max_new_tokens=model.config.max_target_len, return_dict_in_generate=True)
    trace = model.trace(TEXT, beam=3)
    assert trace.mode == "beam" and len(trace.hypotheses) == 2
    for hyp, seq in zip([trace, *trace.hypotheses], out.sequences.tolist()):
        tokens = model.tokenizer.convert_ids_to_tokens(seq[1:])
        if "</s>" in tokens:
            tokens = tokens[: tokens.index("</s>") + 1]
        assert hyp.target_tokens == tokens and tokens[-1] == "</s>"
    assert len({len(h.target_tokens) for h in [trace, *trace.hypotheses]}) == 3  # generate padded the shorter ones
    assert Trace.from_json(trace.to_json()).hypotheses[1].target_tokens == trace.hypotheses[1].target_tokens


def test_forced_decoding_is_one_forward_pass(marian):
    _, model, reference = marian
    target = "a dog ran on the mat"
    trace = model.trace(TEXT, target=target)
    ids, labels = model.tokenizer(TEXT)["input_ids"], model.tokenizer(text_target=target)["input_ids"]
    with torch.no_grad():
        out = reference(input_ids=torch.tensor([ids]), labels=torch.tensor([labels]), output_attentions=True)
    assert trace.mode == "forced"
    assert trace.target_tokens == target.split() + ["</s>"]
    assert [s.input_token for s in trace.steps] == ["<pad>", *target.split()]
    for t, step in enumerate(trace.steps):
        for ell in range(trace.layers):
            np.testing.assert_allclose(step.cross[ell].alpha, out.cross_attentions[ell][0, :, t].numpy(), atol=1e-5)
            np.testing.assert_allclose(step.self_attn[ell].alpha, out.decoder_attentions[ell][0, :, t, : t + 1].numpy(),
                                       atol=1e-5)
        assert step.prob == pytest.approx(float(torch.softmax(out.logits[0, t], -1)[labels[t]]), abs=1e-5)
    assert trace.log_prob == pytest.approx(-float(out.loss) * len(labels), abs=1e-4)
    assert Trace.from_json(trace.to_json()).mode == "forced"


def test_trace_batch_is_one_by_one(marian):
    _, model, _ = marian
    texts = [TEXT, "a dog saw the cat"]
    batch = model.trace_batch(texts, targets=[None, "the cat ran"])
    assert batch[0].to_dict() == model.trace(TEXT).to_dict()
    assert batch[1].to_dict() == model.trace(texts[1], target="the cat ran").to_dict()


def test_cli_trace_translate_and_errors(marian, tmp_path, capsys):
    folder, model, _ = marian
    assert cli.main(["trace", "--model", f"hf:{folder}", "--json", TEXT]) == 0
    printed = Trace.from_json(capsys.readouterr().out)
    assert printed.target_tokens == model.trace(TEXT).target_tokens and printed.architecture == "transformer"
    inputs, output = tmp_path / "in.txt", tmp_path / "out.jsonl"
    inputs.write_text(f"{TEXT}\na dog saw the cat\n", encoding="utf-8")
    assert cli.main(["translate", "--model", f"hf:{folder}", "--input", str(inputs), "--output", str(output),
                     "--all-heads"]) == 0
    lines = output.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and '"cross_attention"' in lines[0]
    capsys.readouterr()
    gpt2 = tmp_path / "gpt2"
    transformers.GPT2LMHeadModel(transformers.GPT2Config(vocab_size=16, n_embd=8, n_layer=1, n_head=2,
                                                         n_positions=16)).save_pretrained(gpt2)
    for argv, says in (
        (["trace", "--model", f"hf:{tmp_path / 'nowhere'}", "x"], "no such folder"),
        (["trace", "--model", f"hf:{tmp_path}", "x"], "no config.json"),
        (["trace", "--model", f"hf:{gpt2}", "x"], "not an encoder–decoder"),
        (["translate", "--model", f"hf:{tmp_path / 'nowhere'}", "--input", str(inputs), "--output", "-"],
         "no such folder"),
        (["evaluate", "--model", f"hf:{tmp_path / 'nowhere'}", "--limit", "2"], "no such folder"),
        (["evaluate", "--model", f"hf:{folder}", "--limit", "2"], "--task"),
    ):
        assert cli.main(argv) == 2, argv
        err = capsys.readouterr().err
        assert says in err and err.count("\n") == 1, (argv, err)


def test_cli_evaluate_with_a_task(marian, capsys):
    folder, _, _ = marian
    assert cli.main(["evaluate", "--model", f"hf:{folder}", "--task", "dates", "--split", "valid", "--limit", "3"]) == 0
    assert "exact_match" in capsys.readouterr().out


def test_missing_transformers_says_how_to_add_it(marian, monkeypatch, capsys):
    folder, _, _ = marian
    monkeypatch.setitem(sys.modules, "transformers", None)  # `import transformers` now raises ImportError
    with pytest.raises(ModelLoadError, match=r"pip install -r requirements-hf\.txt"):
        load_pretrained(f"hf:{folder}")
    assert cli.main(["trace", "--model", f"hf:{folder}", "x"]) == 2
    err = capsys.readouterr().err
    assert "requirements-hf.txt" in err and err.count("\n") == 1
