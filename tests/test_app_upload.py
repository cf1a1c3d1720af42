"""AppTest: the upload page's results (the model's own output beside a given target), the shared order of the
table and the gallery, the gallery's labels, and the one size limit."""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pytest
from apptest_utils import app, chart, texts

from app_pages.texts import t as tr
from attention_core import load_pretrained
from attention_core.export import batch_record, jsonl, results_csv
from attention_core.figures.common import text_width
from attention_core.upload import MAX_BYTES, MAX_MB, parse_upload, result_columns, results_jsonl

pytestmark = pytest.mark.timeout(600)
UPLOAD = "app_pages/upload.py"
CSV = (b"source,target\n"
       b"\"Tuesday, November 24, 2026\",2026-11-24\n"
       b"24. November 2026,2026-11-25\n"
       b"1999. 12. 31.,\n"
       b"3 March 2001,2001-03-03\n")


def uploaded(name: str, data: bytes, model: str = "dates-dot", **query):
    at = app(**query)
    at.switch_page(UPLOAD).run()
    at.selectbox(key="up_model").set_value(model).run()
    at.file_uploader(key="up_file").set_value((name, data, "text/csv")).run()
    assert not at.exception
    return at


def test_a_target_column_is_shown_beside_the_models_own_output_with_its_probability():
    at = uploaded("pairs.csv", CSV)
    at.selectbox(key="up_order").set_value("line").run()
    table = at.dataframe(key="up_table").value
    model = load_pretrained("dates-dot")
    sources = ["Tuesday, November 24, 2026", "24. November 2026", "1999. 12. 31.", "3 March 2001"]
    targets = ["2026-11-24", "2026-11-25", None, "2001-03-03"]
    assert list(table["source"]) == sources
    assert list(table["output"]) == [model.translate(s) for s in sources]  # the model's output, not the target
    assert list(table["output"])[1] == "2026-11-24" and list(table["target"])[1] == "2026-11-25"
    for got, source, target in zip(table["P(target)"], sources, targets):
        if target is None:
            assert math.isnan(got)
        else:
            assert got == pytest.approx(math.exp(model.trace(source, target=target).log_prob), rel=1e-5)
    assert list(table["P(output)"]) == pytest.approx([math.exp(model.trace(s).log_prob) for s in sources], rel=1e-5)

    # the downloads carry the same: the model's output, the target and its probability
    results = at.session_state["up_results"]["results"]
    rows = list(csv.DictReader(io.StringIO(results_csv(results, result_columns(True)).decode("utf-8-sig"))))
    assert [r["prediction"] for r in rows] == [model.translate(s) for s in sources]
    assert [r["target"] for r in rows] == [t or "" for t in targets]
    assert float(rows[1]["target_prob"]) == pytest.approx(table["P(target)"][1], rel=1e-5)
    assert rows[2]["target_prob"] == ""
    lines = [json.loads(line) for line in results_jsonl(model, results, True).decode().splitlines()]
    assert [r["prediction"] for r in lines] == [model.translate(s) for s in sources]
    assert [r["target"] for r in lines] == targets
    assert lines[1]["target_prob"] == pytest.approx(table["P(target)"][1], rel=1e-5) and lines[2]["target_prob"] is None
    assert "target" not in json.loads(results_jsonl(model, results[:1], False))  # no target column: none added


@pytest.mark.parametrize("order", ["prob", "target_prob", "entropy", "src_len", "line"])
def test_the_gallery_follows_the_tables_order(order):
    at = uploaded("pairs.csv", CSV)
    at.selectbox(key="up_order").set_value(order).run()
    assert not at.exception
    table = at.dataframe(key="up_table").value
    titles = [chart(at, f"gallery_{k}")["layout"]["title"]["text"] for k in range(len(table))]
    assert [int(title.split(":")[0].split()[-1]) for title in titles] == list(table["line"])


def test_the_selected_row_is_the_one_clicked_in_the_sorted_table():
    at = uploaded("pairs.csv", CSV)
    at.selectbox(key="up_order").set_value("prob").run()
    table = at.dataframe(key="up_table").value
    assert list(table["line"]) != sorted(table["line"])  # least likely first, not the file's order
    at.session_state["up_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    at.button(key="up_open").click().run()
    assert not at.exception
    assert at.session_state["text"] == table["source"][0]  # the table's first row, not the file's


def test_word_level_labels_in_the_gallery_do_not_overlap():
    data = (b"she bought the red car because it was cheap\nthe old man walked to the market every morning\n"
            b"car man saw the is was river the morning bought black\n")
    at = uploaded("sentences.txt", data, model="en-es-dot")
    # A word-level gallery figure is half of a 1400 px page: ~440 px less its row labels and colour bar.
    for k in range(3):
        fig = chart(at, f"gallery_{k}")
        axis, margin = fig["layout"]["xaxis"], fig["layout"]["margin"]
        slot = (440 - margin["l"] - margin["r"]) / len(axis["ticktext"])
        if axis.get("tickangle", 0) == 0:
            assert text_width(axis["ticktext"], 11) <= slot  # level labels each fit their column
        else:
            assert slot >= 1.2 * 11  # tilted labels: a line of text apart


def test_one_size_limit_in_the_widget_the_text_and_the_core():
    at = app()
    at.switch_page(UPLOAD).run()
    assert at.get("file_uploader")[0].proto.max_upload_size_mb == MAX_MB and MAX_BYTES == MAX_MB * 2**20
    shown = texts(at)
    assert f"{MAX_MB} MB" in shown and "10 MB" not in shown
    at = app(lang="ko")
    at.switch_page(UPLOAD).run()
    assert f"{MAX_MB} MB" in texts(at)


def test_the_gallery_shows_a_jsonl_lines_attribution_on_request():
    """translate --attribution's lines uploaded: beside each gallery matrix a toggle draws the line's attribution on
    the same axes; a malformed one gets a short message (the rest of the file is shown), one computed for another
    output a caption, and a line without one no toggle."""
    model = load_pretrained("dates-dot")
    sources = ["Tuesday, November 24, 2026", "24. November 2026", "3 March 2001", "1999. 12. 31."]
    traces = [model.trace(s, attribution="erasure") for s in sources]
    records = [batch_record(t) for t in traces]
    records[1]["attribution"]["values"].pop()  # malformed: one step short
    records[2]["target_tokens"][-2] = "9" if records[2]["target_tokens"][-2] != "9" else "8"  # another output
    del records[3]["attribution"]
    for lang in ("en", "ko"):
        at = uploaded("results.jsonl", jsonl(records), lang=lang)
        at.selectbox(key="up_order").set_value("line").run()
        assert list(at.dataframe(key="up_table").value[tr("col_source", lang)]) == sources  # every line is shown
        (warning,) = at.warning
        assert warning.value.startswith(tr("bad_attributions", lang, n=1, line=2, error="").split("2")[0])
        assert "step" in warning.value and "Traceback" not in texts(at)
        assert [t.key for t in at.toggle if t.key.startswith("gallery_attr_")] == ["gallery_attr_0"]
        assert tr("gallery_attribution_other", lang) in texts(at)
        at.toggle(key="gallery_attr_0").set_value(True).run()
        assert not at.exception
        results = at.session_state["up_results"]["results"]  # the download keeps the attribution still of its line
        given = parse_upload("results.jsonl", jsonl(records)).attributions  # what the page passes to it
        lines = [json.loads(x) for x in results_jsonl(model, results, False, given).splitlines()]
        assert lines[0]["attribution"] == json.loads(json.dumps(records[0]["attribution"]))
        assert [("attribution" in x) for x in lines] == [True, False, False, False]
        shown, alignment = chart(at, "gallery_attribution_0"), chart(at, "gallery_0")
        np.testing.assert_allclose(shown["data"][0]["z"], traces[0].attribution, atol=1e-6)
        for axis in ("xaxis", "yaxis"):  # the alignment matrix's axes
            assert shown["layout"][axis]["ticktext"] == alignment["layout"][axis]["ticktext"]
