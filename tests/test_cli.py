"""The command line: JSON traces, JSON Lines files, and one-line errors with exit status 2."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT

from attention_core import Trace, Translator, cli, list_pretrained, load_pretrained
from attention_core.trace import attributions_from_block


def run(*args, input_text=None):
    result = subprocess.run([sys.executable, "-m", "attention_core", *map(str, args)], capture_output=True,
                            text=True, cwd=ROOT, input=input_text, timeout=120)
    return result.returncode, result.stdout, result.stderr


def test_trace_json_follows_the_contract(tiny_model_dir):
    code, out, err = run("trace", "--model", tiny_model_dir, "--json", "24 November 2026")
    assert code == 0, err
    data = json.loads(out)
    assert data["model"] == "tiny-dates" and data["decoder"] == "luong" and data["score"] == "dot"
    assert data["source_tokens"] == list("24 November 2026")  # dates models read no end marker
    assert data["target_tokens"][-1] == "</s>" and len(data["steps"]) == len(data["target_tokens"])
    assert data["steps"][0]["input_token"] == "<s>" and data["steps"][0]["query"] == "s_t"
    assert len(data["encoder_states"]) == len(data["source_tokens"])


def test_trace_human_readable_and_forced(tiny_model_dir):
    code, out, _ = run("trace", "--model", tiny_model_dir, "--target", "2026-11-24", "24 November 2026")
    assert code == 0 and "attends to" in out and "'2026-11-24'" in out


def test_translate_writes_json_lines(tiny_model_dir, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("\ufeff24 November 2026\n\n1 May 2000\r\n", encoding="utf-8")  # BOM, blank line, CRLF
    code, _, err = run("translate", "--model", tiny_model_dir, "--input", src, "--output", tmp_path / "out.jsonl")
    assert code == 0 and "1 blank line(s) skipped" in err
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["source"] for r in rows] == ["24 November 2026", "1 May 2000"]
    for r in rows:
        assert set(r) == {"source", "source_tokens", "prediction", "target_tokens", "alignment"}
        assert len(r["alignment"]) == len(r["target_tokens"])


def test_translate_reads_utf16(tiny_model_dir, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("2026년 11월 24일\n", encoding="utf-16")
    code, out, err = run("translate", "--model", tiny_model_dir, "--input", src, "--output", "-")
    assert code == 0, err
    assert json.loads(out)["source"] == "2026년 11월 24일"


def test_translate_can_skip_invalid_lines(tiny_model_dir, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("1 May 2000\n" + "9" * 500 + "\n", encoding="utf-8")
    code, _, err = run("translate", "--model", tiny_model_dir, "--input", src, "--output", "-")
    assert code == 2 and "line 2" in err
    code, out, _ = run("translate", "--model", tiny_model_dir, "--input", src, "--output", "-", "--skip-invalid")
    assert code == 0 and "error" in json.loads(out.splitlines()[1])


def test_translate_checks_each_line_once(tiny_model_dir, tmp_path, monkeypatch, capsys):
    checked, check = [], Translator.check
    monkeypatch.setattr(Translator, "check", lambda self, text: checked.append(text) or check(self, text))
    src = tmp_path / "in.txt"
    src.write_text("1 May 2000\n" + "9" * 500 + "\n", encoding="utf-8")
    assert cli.main(["translate", "--model", str(tiny_model_dir), "--input", str(src), "--output", "-",
                     "--skip-invalid"]) == 0
    assert checked == ["1 May 2000", "9" * 500]
    assert [set(json.loads(line)) for line in capsys.readouterr().out.splitlines()] == [
        {"source", "source_tokens", "prediction", "target_tokens", "alignment"}, {"source", "line", "error"}]


def _bad_inputs(tmp_path):
    binary = tmp_path / "binary.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("caf\xe9 1 mai 2000\n".encode("latin-1"))
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    return [
        (["trace", "--model", "{model}", ""], "empty"),
        (["trace", "--model", "{model}", "   \t"], "empty"),
        (["trace", "--model", "{model}", "1" * 200], "at most"),
        (["trace", "--model", "{model}", "x" * 20_000], "reads at most"),
        (["trace", "--model", "no-such-model", "1 May 2000"], "unknown model"),
        (["trace", "--model", "{model}", "--beam", "99", "1 May 2000"], "--beam"),
        (["trace", "--model", "{model}", "--target", "9" * 50, "1 May 2000"], "target"),
        (["trace", "1 May 2000"], "--model"),
        (["translate", "--model", "{model}", "--input", tmp_path / "missing.txt", "--output", "-"], "cannot read"),
        (["translate", "--model", "{model}", "--input", binary, "--output", "-"], "UTF-8"),
        (["translate", "--model", "{model}", "--input", latin1, "--output", "-"], "UTF-8"),
        (["translate", "--model", "{model}", "--input", empty, "--output", "-"], "no input lines"),
        (["translate", "--model", "{model}", "--input", tmp_path, "--output", "-"], "cannot read"),
        (["translate", "--model", "{model}", "--input", latin1, "--output", "-", "--attribution"], "UTF-8"),
        (["translate", "--model", "{model}", "--input", empty, "--output", "-", "--attribution", "--attribution-method",
          "saliency"], "invalid choice"),
        (["frobnicate"], "invalid choice"),
    ]


def test_bad_input_gets_one_line_and_exit_2(tiny_model_dir, tmp_path):
    for args, fragment in _bad_inputs(tmp_path):
        args = [str(tiny_model_dir) if a == "{model}" else a for a in args]
        code, _, err = run(*args)
        assert code == 2, (args, err)
        assert len(err.strip().splitlines()) == 1, (args, err)
        assert fragment in err and "Traceback" not in err, (args, err)


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "=cmd|' /C calc'!A0", "../../etc/passwd", "١٢ مايو ٢٠٠٠",
                                  "👩🏽‍💻 24 May 2000", "e\u0301\u0301\u0301", "1e308", "NaN"])
def test_hostile_text_gets_a_result(tiny_model_dir, text):
    code, out, err = run("trace", "--model", tiny_model_dir, "--json", text)
    assert code == 0, err
    data = json.loads(out)
    assert data["source"] == text and len(data["source_tokens"]) >= 2


def test_list_names_every_shipped_model_with_its_figures():
    code, out, err = run("list")
    assert code == 0, err
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()}
    assert list(rows) == list_pretrained() and len(rows) >= 10
    for name, (decoder, score, task, *figures) in rows.items():
        config = load_pretrained(name).config
        assert (decoder, score, task) == (config.decoder, config.score, config.task), name
        assert figures[0] == ("exact" if task == "dates" else "BLEU"), (name, figures)


def test_a_bug_keeps_its_traceback(monkeypatch):
    def broken(args):
        raise ValueError("a bug, not the user's input")

    monkeypatch.setattr(cli, "cmd_list", broken)
    with pytest.raises(ValueError, match="a bug"):
        cli.main(["list"])


def test_oserror_on_the_users_file_is_one_line_but_not_on_others(monkeypatch, tmp_path, capsys):
    out = tmp_path / "model"

    def fails_on(path):
        def train(args):
            raise PermissionError(13, "Permission denied", str(path))
        return train

    monkeypatch.setattr(cli, "cmd_train", fails_on(out / "model.safetensors"))
    assert cli.main(["train", "--task", "dates", "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"error: cannot use {out / 'model.safetensors'}: Permission denied\n"
    monkeypatch.setattr(cli, "cmd_train", fails_on(tmp_path / "elsewhere.json"))
    with pytest.raises(PermissionError):
        cli.main(["train", "--task", "dates", "--out", str(out)])


@pytest.fixture(scope="module")
def transformer_dir(tmp_path_factory):
    """An untrained Transformer of 2 layers of 2 heads, head 2 of layer 1 chosen for the views, as a folder."""
    from conftest import random_transformer

    from attention_core import save_model

    folder = tmp_path_factory.mktemp("models") / "random-transformer"
    save_model(random_transformer(layers=2, heads=2, alignment_layer=1, alignment_head=2), folder)
    return folder


def test_trace_json_of_a_transformer_follows_design_5(transformer_dir):
    code, out, err = run("trace", "--model", transformer_dir, "--json", "24 june 2026")
    assert code == 0, err
    data = json.loads(out)
    assert (data["architecture"], data["layers"], data["heads"], data["d_k"]) == ("transformer", 2, 2, 4)
    assert data["alignment_from"] == {"layer": 1, "head": 2} and data["decoder"] == "transformer"
    N = len(data["source_tokens"])
    for key in ("encoder_self_attention", "cross_keys", "cross_values"):
        assert [len(data[key]), len(data[key][0]), len(data[key][0][0])] == [2, 2, N], key
    for t, step in enumerate(data["steps"], 1):
        assert len(step["cross"]) == 2 and len(step["self"]) == 2
        assert all(len(b["alpha"]) == 2 and all(len(row) == N for row in b["alpha"]) for b in step["cross"])
        assert all(len(row) == t for b in step["self"] for row in b["alpha"])  # never the future
        assert step["alpha"] == step["cross"][0]["alpha"][1] and step["e"] == step["cross"][0]["e"][1]
    assert data["alignment"] == [step["alpha"] for step in data["steps"]]
    assert Trace.from_dict(data).to_dict() == data


def test_translate_all_heads_adds_every_layers_and_heads_cross_attention(transformer_dir, tiny_model_dir, tmp_path,
                                                                         capsys):
    src = tmp_path / "in.txt"
    texts = ["24 june 2026", "1 may 2000"]
    src.write_text("\n".join(texts) + "\n", encoding="utf-8")
    for folder, shape in ((transformer_dir, (2, 2)), (tiny_model_dir, (1, 1))):
        assert cli.main(["translate", "--model", str(folder), "--input", str(src), "--output", "-",
                         "--all-heads"]) == 0
        rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        model = load_pretrained(folder)
        for row, text in zip(rows, texts, strict=True):
            every = model.trace(text).cross_attention(0)  # (L, h, T, N)
            assert every.shape[:2] == shape and every.shape[2:] == (len(row["target_tokens"]),
                                                                   len(row["source_tokens"]))
            np.testing.assert_allclose(row["cross_attention"], every, atol=1e-6)
            assert set(row) == {"source", "source_tokens", "prediction", "target_tokens", "alignment",
                                "cross_attention"}


@pytest.mark.parametrize("method", ["integrated_gradients", "erasure"])
def test_translate_attribution_round_trip(tiny_model_dir, tmp_path, capsys, method):
    """Each good line gains every step's attribution in one block (trace.attribution_block), read back by
    attributions_from_block to the values of model.trace(text, attribution=…); stderr ends with the time per trace."""
    src = tmp_path / "in.txt"
    texts = ["24 june 2026", "1 may 2000"]
    src.write_text(texts[0] + "\n" + "9" * 500 + "\n" + texts[1] + "\n", encoding="utf-8")
    assert cli.main(["translate", "--model", str(tiny_model_dir), "--input", str(src), "--output", "-",
                     "--skip-invalid", "--attribution", "--attribution-method", method]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert "attribution" not in rows[1] and "error" in rows[1]
    model = load_pretrained(tiny_model_dir)
    for row, text in zip([rows[0], rows[2]], texts, strict=True):
        block = row["attribution"]
        expected = model.trace(text, attribution=method)
        T, N = len(row["target_tokens"]), len(row["source_tokens"])
        assert (block["method"], T, N) == (method, *expected.attribution.shape)
        assert set(block) == {"method", "baseline", "values", "logprob"} | (
            {"baseline_logprob", "n_steps"} if method == "integrated_gradients" else set())
        back = attributions_from_block(block, T, N)
        for a, step in zip(back, expected.steps, strict=True):
            assert a.to_dict().keys() == step.attribution.to_dict().keys()
            np.testing.assert_allclose(a.values, step.attribution.values, atol=1e-4)
            assert a.logprob == pytest.approx(step.attribution.logprob, abs=1e-5)
    last = err.strip().splitlines()[-1]
    assert re.fullmatch(rf"attribution \({method}\): 2 traces, \d+\.\d+ s per trace \(plain trace \d+\.\d+ s, "
                        r"in a batch\)(; \d+ trace\(s\) miss completeness .*)?", last), last
    assert cli.main(["translate", "--model", str(tiny_model_dir), "--input", str(src), "--output", "-",
                     "--skip-invalid"]) == 0
    out, err = capsys.readouterr()
    assert "attribution" not in out and "attribution" not in err


def test_train_flags_reach_a_transformers_config(tmp_path, capsys):
    out = tmp_path / "t"
    assert cli.main(["train", "--task", "dates", "--out", str(out), "--architecture", "transformer", "--preset",
                     "tiny", "--layers", "2", "--heads", "4", "--d-ff", "12", "--norm", "post", "--positions",
                     "learned", "--train-size", "500", "--epochs", "1", "--seed", "3", "--quiet"]) == 0
    config = json.loads((out / "config.json").read_text())
    assert {k: config[k] for k in ("architecture", "decoder", "layers", "heads", "d_ff", "norm", "positions")} == {
        "architecture": "transformer", "decoder": "transformer", "layers": 2, "heads": 4, "d_ff": 12, "norm": "post",
        "positions": "learned"}
    assert 1 <= config["alignment_layer"] <= 2 and 0 <= config["alignment_head"] <= 4
    settings = json.loads((out / "metrics.json").read_text())["training"]["settings"]
    assert (settings["seed"], settings["architecture"]) == (3, "transformer")
    assert load_pretrained(out).config.alignment_from == {"layer": config["alignment_layer"],
                                                          "head": config["alignment_head"] or "mean"}
    capsys.readouterr()
    assert cli.main(["train", "--task", "dates", "--out", str(tmp_path / "bad"), "--architecture", "transformer",
                     "--preset", "tiny", "--heads", "3", "--train-size", "100", "--quiet"]) == 2
    assert capsys.readouterr().err == "error: hidden_size (8) must be a multiple of heads (3)\n"


def test_list_shows_a_transformer_folder(transformer_dir, tiny_model_dir, tmp_path, monkeypatch, capsys):
    import shutil

    from attention_core import checkpoint

    for folder in (transformer_dir, tiny_model_dir):
        shutil.copytree(folder, tmp_path / folder.name)
    monkeypatch.setattr(checkpoint, "PRETRAINED_DIR", tmp_path)
    assert cli.main(["list"]) == 0
    rows = {line.split()[0]: line.split()[1:] for line in capsys.readouterr().out.splitlines()}
    assert rows["random-transformer"] == ["transformer", "scaled_dot", "dates"]
    assert rows["tiny-dates"][:4] == ["luong", "dot", "dates", "exact"]
