"""parse_upload: every kind of file a user might drop, and one clear message for each bad one."""

from __future__ import annotations

import json

import pytest
from conftest import random_translator

from attention_core.export import batch_record
from attention_core.trace import Attribution, attribution_block
from attention_core.upload import MAX_LINES, file_attribution, parse_upload


def test_text_file_one_input_per_line_with_blank_lines_reported():
    up = parse_upload("in.txt", b"24 May 2000\n\n1 June 1999\r\n\n\n")
    assert [(r.line, r.source) for r in up.rows] == [(1, "24 May 2000"), (3, "1 June 1999")]
    assert up.skipped == [(2, "empty")] and not up.has_target


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"),
                                           ("utf-16-be", b"\xfe\xff")])
def test_utf8_and_utf16_with_bom(encoding, bom):
    up = parse_upload("x.txt", bom + "2026년 11월 24일\n24. November 2026\n".encode(encoding))
    assert [r.source for r in up.rows] == ["2026년 11월 24일", "24. November 2026"]


@pytest.mark.parametrize("name, data, fragment", [
    ("x.txt", b"", "empty"),
    ("x.txt", b"\n\n  \n", "no usable input"),
    ("x.txt", bytes(range(256)) * 20, "not UTF-8"),
    ("x.txt", b"abc\x00def\n", "binary"),
    ("x.txt", "café 1 mai 2000\n".encode("latin-1"), "not UTF-8"),
    ("x.txt", "1 mai\n".encode("utf-16-le"), "binary"),  # UTF-16 without a BOM: NULs everywhere
    ("x.txt", b"\xff\xfe\x00\xd8", "UTF-16"),  # a lone surrogate in UTF-16
    ("x.txt", b"1 May 2000\n\xed\xa0\x80\n", "not UTF-8"),  # a lone surrogate encoded in 'UTF-8'
    ("x.pdf", b"%PDF-1.4", ".txt, .csv, .tsv or .jsonl"),
    ("x.txt", b"x" * (5 * 1024 * 1024 + 1), "limit is 5 MB"),
    ("x.csv", b"a,b\n1,2\n", "no usable column"),
    ("x.csv", b'source\n"unclosed\n', "not valid CSV"),
])
def test_bad_files_get_one_clear_message(name, data, fragment):
    with pytest.raises(ValueError) as error:
        parse_upload(name, data)
    message = str(error.value)
    assert fragment in message and "\n" not in message


def test_ten_thousand_and_one_lines_are_refused():
    data = "".join(f"{i % 28 + 1} May 2000\n" for i in range(MAX_LINES + 1)).encode()
    with pytest.raises(ValueError, match="10,000"):
        parse_upload("big.txt", data)
    assert len(parse_upload("ok.txt", data[: data.rindex(b"\n", 0, len(data) - 1) + 1]).rows) == MAX_LINES


def test_a_line_of_100000_characters_is_skipped_and_reported():
    up = parse_upload("x.txt", b"1 May 2000\n" + b"9" * 100_000 + b"\n2 May 2000\n")
    assert [r.line for r in up.rows] == [1, 3]
    assert up.skipped == [(2, "100,000 characters (the limit is 1,000)")]


def test_csv_with_quotes_embedded_newlines_and_a_target_column():
    data = (b'Source,Target\n"24 May, 2000",2000-05-24\n"line one\nline two",x\n'
            b'"He said ""hi""",y\n3 June 1999,\n')
    up = parse_upload("x.csv", data)
    assert [r.source for r in up.rows] == ["24 May, 2000", "line one\nline two", 'He said "hi"', "3 June 1999"]
    assert [r.target for r in up.rows] == ["2000-05-24", "x", "y", None]
    assert up.has_target and [r.line for r in up.rows] == [2, 3, 5, 6]  # record numbers count physical lines


def test_tsv_with_header_in_other_order_and_single_column_files():
    up = parse_upload("x.tsv", b"reference\tinput\n2000-05-24\t24 May 2000\n")
    assert (up.rows[0].source, up.rows[0].target) == ("24 May 2000", "2000-05-24")
    assert [r.source for r in parse_upload("x.csv", b"24 May 2000\n1 June 1999\n").rows] == ["24 May 2000",
                                                                                              "1 June 1999"]


def test_html_and_formulas_are_kept_as_text():
    up = parse_upload("x.txt", b"<script>alert(1)</script>\n=HYPERLINK(\"x\")\n")
    assert [r.source for r in up.rows] == ["<script>alert(1)</script>", '=HYPERLINK("x")']


def _jsonl(*records) -> bytes:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records).encode("utf-8")


def test_jsonl_lines_of_translate_with_attribution_and_malformed_ones():
    """translate's lines are inputs; a line's attribution is kept, checked on its own tokens: a malformed one is
    reported and left out, its line still used; error lines and lines that are not JSON are skipped with a reason."""
    src, tgt = ["1", "2"], ["a", "b", "</s>"]
    block = attribution_block([Attribution("erasure", "x", [0.5, -0.25], -0.1 * t) for t in range(3)])
    good = {"source": "12", "source_tokens": src, "target_tokens": tgt, "prediction": "ab", "attribution": block}
    short = good | {"source": "21", "attribution": block | {"values": block["values"][:2]}}
    nan = good | {"source": "22", "attribution": block | {"values": [[0.5, float("nan")]] * 3}}
    up = parse_upload("r.jsonl", _jsonl(good, "{not json", {"source": "9", "line": 3, "error": "too long"}, short,
                                        {"source": "33", "target": "x"}, nan))
    assert [(r.line, r.source, r.target) for r in up.rows] == [(1, "12", None), (4, "21", None), (5, "33", "x"),
                                                                (6, "22", None)]
    assert [line for line, _ in up.skipped] == [2, 3] and "not JSON" in up.skipped[0][1]
    assert "too long" in up.skipped[1][1]
    assert list(up.attributions) == [1] and up.attributions[1].block == block
    assert [line for line, _ in up.bad_attributions] == [4, 6]
    assert "attribution.values must be a list of 3" in up.bad_attributions[0][1]
    assert "step 1: attribution.values must be finite" in up.bad_attributions[1][1]


def test_file_attribution_only_on_the_trace_of_the_same_tokens():
    m = random_translator()
    text = "31-0a,4.b"
    trace = m.trace(text, attribution="erasure")
    record = batch_record(trace)
    up = parse_upload("r.jsonl", _jsonl(json.loads(json.dumps(record))))
    plain = m.trace(text)
    shown = file_attribution(plain, up.attributions[1])
    assert plain.attribution is None  # the (cached) trace is left as it was
    assert (shown.attribution == trace.attribution).all() and shown.attribution_method == "erasure"
    other = m.trace("20-1a")
    assert file_attribution(other, up.attributions[1]) is None
