"""Trace files from anywhere (attention_core.trace_files, Trace.from_dict's checks): good traces read back as
written; a malformed trace is reported with its line and a message naming step and key; a malformed or hostile
file gets one short TraceFileError."""

from __future__ import annotations

import copy
import json
import random
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT, random_transformer, random_translator

from attention_core.export import batch_record, jsonl
from attention_core.limits import MAX_TRACE_TOKENS
from attention_core.trace import Trace, TraceFormatError
from attention_core.trace_files import MAX_TRACES, TraceFile, TraceFileError, is_trace_file, read_traces
from attention_core.upload import MAX_BYTES, parse_upload


def _bytes(*objects) -> bytes:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objects).encode("utf-8")


@pytest.fixture(scope="module")
def gru() -> dict:
    return json.loads(random_translator("luong", "general", seed=3).trace("24 june 2026").to_json())


@pytest.fixture(scope="module")
def multi() -> dict:
    return json.loads(random_transformer(layers=2, heads=3, d_model=12, seed=5).trace("24 june 2026").to_json())


def _one(name: str, data: bytes) -> Trace:
    found = read_traces(name, data)
    assert found.errors == [] and len(found.traces) == 1
    return found.traces[0][1]


def test_a_gru_trace_written_by_the_cli_reads_back_as_written():
    out = subprocess.run([sys.executable, "-m", "attention_core", "trace", "--model", "dates-dot", "--json",
                          "24 November 2026"], capture_output=True, text=True, cwd=ROOT, timeout=120, check=True).stdout
    trace = _one("dot.json", out.encode("utf-8"))
    assert (trace.model, trace.prediction, trace.architecture) == ("dates-dot", "2026-11-24", "rnn")
    assert trace.to_dict() == json.loads(out)
    np.testing.assert_array_equal(trace.alignment, json.loads(out)["alignment"])


def test_a_multi_head_trace_reads_back_with_every_layer_and_head(multi):
    trace = _one("t.json", json.dumps(multi).encode())
    assert (trace.layers, trace.heads, trace.alignment_from) == (2, 3, multi["alignment_from"])
    assert trace.to_dict() == multi
    assert trace.cross_attention(0).shape == (2, 3, len(multi["steps"]), len(multi["source_tokens"]))
    np.testing.assert_array_equal(trace.cross_attention(0)[1, 2, 0], multi["steps"][0]["cross"][1]["alpha"][2])


def test_jsonl_of_several_traces_keeps_their_line_numbers(gru, multi):
    model = random_translator("bahdanau", seed=1)
    beam, forced = model.trace("1 may 2000", beam=3), model.trace("1 may 2000", target="2000-5")
    data = _bytes(gru, multi) + b"\n  \n" + beam.to_json().encode() + b"\n" + forced.to_json().encode() + b"\n"
    found = read_traces("several.JSONL", data)
    assert found.errors == []
    assert [number for number, _ in found.traces] == [1, 2, 5, 6]
    assert [t.mode for _, t in found.traces] == ["greedy", "greedy", "beam", "forced"]
    assert found.traces[2][1].to_dict() == beam.to_dict() and found.traces[3][1].to_dict() == forced.to_dict()
    assert [h.target_tokens for h in found.traces[2][1].hypotheses] == [h.target_tokens for h in beam.hypotheses]


def test_a_json_list_mixing_good_and_bad_keeps_the_good_and_names_the_bad(gru, multi):
    bad = copy.deepcopy(gru)
    bad["steps"][2]["alpha"] = bad["steps"][2]["alpha"][:-1]
    found = read_traces("mixed.json", json.dumps([gru, bad, "text", multi]).encode())
    assert [number for number, _ in found.traces] == [1, 4]
    N = len(gru["source_tokens"])
    assert found.errors == [(2, f"step 3: alpha must have {N} numbers, one per source token"),
                            (3, "a trace is one JSON object")]


def test_jsonl_mixing_good_bad_and_not_json_lines(gru):
    bad = copy.deepcopy(gru)
    del bad["steps"][1]["token"]
    data = _bytes(gru) + b'{"steps": [1, 2\n' + _bytes(bad, gru)
    found = read_traces("m.jsonl", data)
    assert [number for number, _ in found.traces] == [1, 4]
    assert [number for number, _ in found.errors] == [2, 3]
    assert found.errors[0][1].startswith("not JSON: ") and "column" in found.errors[0][1]
    assert found.errors[1][1] == "step 2: token is missing (the token emitted at this step)"


def _nan_in_e(d):
    d["steps"][1]["e"][0] = float("nan")


def _scaled(d, factor):
    d["steps"][2]["alpha"] = [a * factor for a in d["steps"][2]["alpha"]]


def _negative(d):
    alpha = d["steps"][0]["alpha"]
    alpha[0], alpha[1] = alpha[0] + alpha[1] + 0.25, -0.25


GRU_FAULTS = {
    "source_tokens missing": (lambda d: d.pop("source_tokens"), "source_tokens is missing"),
    "steps missing": (lambda d: d.pop("steps"), "steps is missing"),
    "steps not a list": (lambda d: d.update(steps={"alpha": [1]}), "steps must be a list of 1 to"),
    "no steps": (lambda d: d.update(steps=[]), "steps must be a list of 1 to 512 steps, not 0 steps"),
    "token missing": (lambda d: d["steps"][3].pop("token"), "step 4: token is missing"),
    "alpha missing": (lambda d: [s.pop("alpha") for s in d["steps"]], "step 1: alpha is missing"),
    "alpha missing at one step": (lambda d: d["steps"][1].pop("alpha"), "step 2 has no alpha, step 1 has one"),
    "alpha too short": (lambda d: d["steps"][2]["alpha"].pop(), "step 3: alpha must have"),
    "alpha not a list": (lambda d: d["steps"][2].update(alpha=0.5), "step 3: alpha must be a list of numbers"),
    "alpha of text": (lambda d: d["steps"][2].update(alpha=["1"] + d["steps"][2]["alpha"][1:]),
                      "step 3: alpha must be a list of numbers"),
    "alpha as rows": (lambda d: d["steps"][2].update(alpha=[d["steps"][2]["alpha"]]),
                      "step 3: alpha must be a list of numbers"),
    "alpha sums to 0.9": (lambda d: _scaled(d, 0.9), "step 3: alpha sums to 0.9, not 1 (within 0.001)"),
    "alpha sums to 1.01": (lambda d: _scaled(d, 1.01), "step 3: alpha sums to 1.01, not 1"),
    "negative alpha": (_negative, "step 1: alpha has a negative weight, -0.25 at position 2"),
    "NaN in e": (_nan_in_e, "step 2: e must be finite numbers, not NaN or Infinity"),
    "Infinity in s": (lambda d: d["steps"][0]["s"].__setitem__(0, float("inf")), "step 1: s must be finite"),
    "NaN as prob": (lambda d: d["steps"][4].update(prob=float("nan")), "step 5: prob must be a number from 0 to 1"),
    "prob above 1": (lambda d: d["steps"][4].update(prob=1.5), "step 5: prob must be a number from 0 to 1"),
    "top_k misshaped": (lambda d: d["steps"][0].update(top_k=[["a", 0.5, 1]]), "step 1: top_k must be a list of"),
    "s of another length": (lambda d: d["steps"][1]["s"].pop(), "step 2: s has 7 numbers, step 1's 8"),
    "t out of order": (lambda d: d["steps"][1].update(t=5), "step 2: t must be 2, not 5"),
    "step not an object": (lambda d: d["steps"].__setitem__(1, [1, 2]), "step 2 must be an object"),
    "target tokens of another count": (lambda d: d["target_tokens"].pop(), "there must be one step per target token"),
    "encoder_states rows": (lambda d: d["encoder_states"].pop(), "encoder_states must have one row per source token"),
    "model not text": (lambda d: d.update(model={"x": 1}), "model must be text"),
    "token not text": (lambda d: d["steps"][0].update(token=[1]), "step 1: token must be text"),
    "unknown mode": (lambda d: d.update(mode="sampling"), "mode must be one of greedy, beam, forced, what-if"),
    "alignment not the alpha": (lambda d: d["alignment"][1].reverse(), "alignment row 2 is not step 2's alpha"),
    "too many source tokens": (lambda d: d.update(source_tokens=["x"] * (MAX_TRACE_TOKENS + 1)),
                               f"source_tokens must be a list of 1 to {MAX_TRACE_TOKENS} tokens, not 513 tokens"),
    "too many steps": (lambda d: d.update(steps=d["steps"] * 200), "steps must be a list of 1 to 512 steps"),
    "hypothesis malformed": (lambda d: d.update(hypotheses=[{"steps": []}]), "hypotheses[1]: source_tokens is missing"),
    "layers null": (lambda d: d.update(layers=None, alignment_from={"layer": 2, "head": 1}),
                    "alignment_from.layer must be 1 to 1"),
    "a huge integer prob": (lambda d: d["steps"][0].update(prob=10**30), "step 1: prob must be a number from 0 to 1"),
}


@pytest.mark.parametrize("fault", sorted(GRU_FAULTS))
def test_a_malformed_trace_is_named_by_step_and_key(gru, fault):
    change, message = GRU_FAULTS[fault]
    data = copy.deepcopy(gru)
    assert len(data["steps"]) >= 5 and len(data["steps"][0]["s"]) == 8  # what the faults above rely on
    change(data)
    found = read_traces("bad.jsonl", (json.dumps(data) + "\n").encode())
    assert found.traces == [] and len(found.errors) == 1
    number, text = found.errors[0]
    assert number == 1 and message in text, text
    assert "\n" not in text and len(text) < 300


def _head_sum(d):
    row = d["steps"][0]["cross"][1]["alpha"][0]
    row[0] += 0.5


def _self_negative(d):
    row = d["steps"][1]["self"][0]["alpha"][1]
    row[0], row[1] = row[0] + row[1] + 0.5, -0.5


def _encoder_self(d):
    d["encoder_self_attention"][1][2][3][0] += 0.2


MULTI_FAULTS = {
    "a head's alpha sums to more than 1": (_head_sum, "step 1: cross[2].alpha (layer 2, head 1) sums to"),
    "a self-attention weight is negative": (_self_negative,
                                            "step 2: self[1].alpha (layer 1, head 2) has a negative weight, -0.5"),
    "an encoder self-attention row": (_encoder_self, "encoder_self_attention (layer 2, head 3, row 4) sums to"),
    "cross missing at one step": (lambda d: d["steps"][2].pop("cross"), "step 3 has no cross blocks, step 1 has"),
    "a head too few": (lambda d: d["steps"][1]["cross"][0]["alpha"].pop(), "step 2: cross[1].alpha must be 3 rows"),
    "e of another shape": (lambda d: d["steps"][1]["cross"][0]["e"].pop(), "step 2: cross[1].e must be 3 rows"),
    "NaN in a block": (lambda d: d["steps"][0]["cross"][0]["q"][0].__setitem__(0, float("nan")),
                       "step 1: cross[1].q must be finite"),
    "keys over another N": (lambda d: [head.pop() for layer in d["cross_keys"] for head in layer],
                            "cross_keys must be [layers][heads][N][d_k]"),
    "heads claimed without blocks": (lambda d: [s.pop(k) for s in d["steps"] for k in ("cross", "self")],
                                     "the trace has 2 layers × 3 heads, but its steps no cross blocks"),
}


@pytest.mark.parametrize("fault", sorted(MULTI_FAULTS))
def test_a_malformed_multi_head_trace_names_step_layer_and_head(multi, fault):
    change, message = MULTI_FAULTS[fault]
    data = copy.deepcopy(multi)
    change(data)
    with pytest.raises(TraceFormatError) as error:
        Trace.from_dict(data)
    assert message in str(error.value)


def test_a_beam_trace_with_a_broken_search_tree_is_refused_naming_the_node():
    data = json.loads(random_translator(seed=2).trace("1 may", beam=3).to_json())
    assert Trace.from_dict(data).to_dict() == data
    for change, message in ((lambda tree: tree[3].update(log_prob=float("nan")), "beam_tree node 3 must have t,"),
                            (lambda tree: tree[4].update(parent=9), "beam_tree node 4: parent must be the id of"),
                            (lambda tree: tree.pop(2), "beam_tree node 2 must be an object with id 2"),
                            (lambda tree: tree[5].update(status="maybe"), "beam_tree node 5 must have t,")):
        broken = copy.deepcopy(data)
        change(broken["beam_tree"])
        with pytest.raises(TraceFormatError, match=message):
            Trace.from_dict(broken)


def test_nan_written_by_pythons_json_is_refused_with_its_key(gru):
    text = json.dumps(gru).replace(str(gru["steps"][0]["alpha"][0]), "NaN", 1)
    assert "NaN" in text  # json.loads reads it: the check is the trace's
    found = read_traces("nan.json", text.encode())
    assert found.errors == [(1, "step 1: alpha must be finite numbers, not NaN or Infinity")]


def test_a_trace_from_anyones_code_needs_only_tokens_and_alpha():
    data = {"source_tokens": ["le", "chat", "</s>"],
            "steps": [{"token": "the", "alpha": [0.9, 0.1, 0.0]}, {"token": "cat", "alpha": [0.2, 0.7, 0.1]},
                      {"token": "</s>", "alpha": [0.0, 0.0, 1.0]}]}
    trace = _one("mine.json", json.dumps(data).encode())
    assert (trace.model, trace.score, trace.decoder, trace.architecture) == ("uploaded", "unknown", "unknown", "rnn")
    assert trace.target_tokens == ["the", "cat", "</s>"] and trace.encoder_states.shape == (3, 0)
    assert [s.input_token for s in trace.steps] == ["<s>", "the", "cat"]
    assert all(s.prob is None and s.s is None and s.e is None and s.top_k == [] for s in trace.steps)
    assert trace.log_prob is None
    np.testing.assert_array_equal(trace.alignment, [s["alpha"] for s in data["steps"]])
    again = Trace.from_json(trace.to_json())  # what the app writes back out reads the same
    assert again.to_dict() == trace.to_dict()


def test_a_multi_head_trace_of_cross_blocks_only_takes_shape_and_alpha_from_them():
    rng = np.random.default_rng(0)
    cross = rng.dirichlet(np.ones(4), size=(3, 2, 2))  # (T, L, h, N)
    data = {"source_tokens": list("abcd"),
            "steps": [{"token": str(t), "cross": [{"alpha": layer.tolist()} for layer in cross[t]]} for t in range(3)]}
    trace = Trace.from_dict(data)
    assert (trace.architecture, trace.layers, trace.heads) == ("transformer", 2, 2)
    np.testing.assert_allclose(trace.alignment, cross[:, 0, 0])  # alignment_from: layer 1, head 1
    mean = Trace.from_dict(data | {"alignment_from": {"layer": 2, "head": "mean"}})
    np.testing.assert_allclose(mean.alignment, cross[:, 1].mean(axis=1))
    np.testing.assert_allclose(trace.cross_attention(0), cross.transpose(1, 2, 0, 3))


def test_markup_in_tokens_is_kept_as_text(gru):
    data = copy.deepcopy(gru)
    hostile = ["<script>alert('x')</script>", "<img src=x onerror=alert(1)>", "{{7*7}}", "&lt;b&gt;"]
    data["source_tokens"][: len(hostile)] = hostile
    data["steps"][0]["token"] = data["target_tokens"][0] = "<b>bold</b>"
    trace = _one("x.json", json.dumps(data).encode())
    assert trace.source_tokens[: len(hostile)] == hostile
    assert trace.steps[0].token == trace.target_tokens[0] == "<b>bold</b>"


FILE_FAULTS = {
    "empty": (b"", "the file is empty"),
    "whitespace": (b" \n\t\n", "the file is empty"),
    "10 MB of JSON": (b"[" + b"0," * (5 * 2**20) + b"0]", "the file is 10.0 MB; the limit is 5 MB"),
    "binary": (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" * 50, "the file looks binary (it contains NUL bytes)"),
    "an image": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50, "the file is not UTF-8 text (byte 0x89"),
    "not UTF-8": (b'{"a": "\xff\xfe\xfa"}', "the file is not UTF-8 text"),
    "not JSON": (b"<html><body>a trace</body></html>", "not JSON: Expecting value at line 1, column 1"),
    "a JSON number": (b"3", "a .json trace file holds one trace object or a list of them"),
    "an empty list": (b"[]", "the file holds no trace"),
    "too many traces": (b"[" + b"{}," * MAX_TRACES + b"{}]", "the file holds 201 traces; the limit is 200"),
    "nested too deeply": (b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
    "a number of 5,000 digits": (b"1" * 5000, "not JSON this reader takes"),
}


@pytest.mark.parametrize("fault", sorted(FILE_FAULTS))
def test_a_malformed_or_hostile_file_gets_one_message(fault):
    data, message = FILE_FAULTS[fault]
    with pytest.raises(TraceFileError) as error:
        read_traces("f.json", data)
    text = str(error.value)
    assert message in text and "\n" not in text and len(text) < 200, text
    assert "CSV" not in text  # upload's reader, a trace file's advice


def test_jsonl_file_faults_and_the_suffix():
    assert len(b"{}\n" * (MAX_TRACES + 1)) < MAX_BYTES
    with pytest.raises(TraceFileError, match="201 traces"):
        read_traces("many.jsonl", b"{}\n" * (MAX_TRACES + 1))
    with pytest.raises(TraceFileError, match="the file is empty"):
        read_traces("blank.jsonl", b"\n\n\r\n \n")
    with pytest.raises(TraceFileError, match=r"a trace file is \.json or \.jsonl"):
        read_traces("trace.txt", b"{}")
    lines = read_traces("nested.jsonl", b"[" * 100_000 + b"\n{}\n")
    assert [n for n, _ in lines.errors] == [1, 2] and "nested too deeply" in lines.errors[0][1]


def test_is_trace_file_tells_trace_lines_from_translates_lines(gru):
    assert is_trace_file("a.json", b"anything")
    traces = b"\n" + _bytes(gru)
    assert is_trace_file("t.jsonl", traces) and not is_trace_file("t.txt", traces)
    records = [batch_record(random_translator().trace(text)) for text in ("24 feb 2026", "1 dec 2000")]
    records[1]["source"] = '"steps": 1 dec 2000'  # the word in a line, not its key
    lines = jsonl(records)  # translate's lines
    assert not is_trace_file("out.jsonl", lines)
    assert [row.source for row in parse_upload("out.jsonl", lines).rows] == ["24 feb 2026", '"steps": 1 dec 2000']
    assert not is_trace_file("bad.jsonl", b"\x00\x01" * 100) and not is_trace_file("e.jsonl", b"")


def test_any_byte_mangled_trace_file_gives_traces_or_one_message(gru, multi):
    """400 random byte edits of a good .json and .jsonl file: read_traces returns a TraceFile or raises
    TraceFileError, never another exception; each error is one line."""
    rng = random.Random(1)
    for name, good in (("g.json", json.dumps([gru, multi]).encode()), ("g.jsonl", _bytes(gru, multi))):
        for _ in range(200):
            data = bytearray(good)
            for _ in range(rng.randint(1, 4)):
                i = rng.randrange(len(data))
                data[i:i + rng.randint(1, 3)] = bytes(rng.choice(b'{}[]",:0.-eN \n\x00\xff') for _ in range(2))
            try:
                found = read_traces(name, bytes(data))
            except TraceFileError as error:
                assert str(error) and "\n" not in str(error)
                continue
            assert isinstance(found, TraceFile)
            assert all(text and "\n" not in text for _, text in found.errors)
