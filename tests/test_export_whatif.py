"""Exports (CSV safe against formulas, JSON Lines, images, offline HTML) and what-if edits of α."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser

import numpy as np
import pytest
import torch
from conftest import random_translator

from attention_core.export import batch_record, figure_html, figure_image, jsonl, results_csv, safe_cell
from attention_core.figures import alignment_heatmap
from attention_core.whatif import make_edit


@pytest.mark.parametrize("cell, expected", [
    ("=1+1", "'=1+1"), ("+33", "'+33"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("2026-11-24", "2026-11-24"), (0.5, "0.5"), (None, ""),
])
def test_formula_cells_are_neutralised(cell, expected):
    assert safe_cell(cell) == expected


def test_csv_round_trips_through_a_reader():
    records = [{"source": '=HYPERLINK("http://x")', "prediction": "a,b\nc", "prob": 0.25}]
    data = results_csv(records, ["source", "prediction", "prob"])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["source", "prediction", "prob"], ["'=HYPERLINK(\"http://x\")", "a,b\nc", "0.25"]]


def test_jsonl_records_follow_the_design():
    model = random_translator("luong", "dot", seed=1)
    traces = model.trace_batch(["1 may", "<b>2</b> june"])
    lines = jsonl([batch_record(t) for t in traces]).decode().splitlines()
    for line, trace in zip(lines, traces):
        record = json.loads(line)
        assert set(record) == {"source", "source_tokens", "prediction", "target_tokens", "alignment"}
        assert record["source"] == trace.source and np.allclose(record["alignment"], trace.alignment)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_offline_html_has_plotly_inlined():
    html = figure_html(alignment_heatmap(random_translator().trace("1 may")), title="<x>").decode()
    parser = _Tags()
    parser.feed(html)
    assert not [attrs for tag, attrs in parser.tags if tag in ("script", "link", "img") and
                (attrs.get("src") or attrs.get("href"))]  # nothing is loaded from anywhere
    assert "Plotly.newPlot" in html and len(html) > 1_000_000  # plotly.js itself is inside
    assert "<title>&lt;x&gt;</title>" in html
    # plotly.js 4's "Share chart…" button (upload to cloud.plotly.com) is off
    assert '"showSendToCloud": false' in html


def test_png_and_svg_export():  # Debian's chromium is installed by `make test`: without it this fails
    fig = alignment_heatmap(random_translator().trace("1 may 2000"))
    png = figure_image(fig, "png", width=800, height=400, scale=2)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1600, 800)
    svg = figure_image(fig, "svg", width=800, height=400).decode()
    assert svg.lstrip().startswith("<svg")
    assert re.search(r">(&lt;|&#60;)/s(&gt;|&#62;)</text>", svg)  # the end marker, as text, not as a tag


def test_what_if_edits():
    e = torch.tensor([[1.0, 2.0, 3.0]])
    alpha = torch.softmax(e, dim=-1)
    assert make_edit("one_hot", index=1)(e, alpha).tolist() == [[0.0, 1.0, 0.0]]
    masked = make_edit("mask", index=2)(e, alpha)
    assert masked[0, 2] == 0 and torch.allclose(masked[0, :2], alpha[0, :2] / alpha[0, :2].sum())
    assert torch.allclose(make_edit("temperature", T=2.0)(e, alpha), torch.softmax(e / 2, dim=-1))
    assert torch.allclose(make_edit("values", weights=[1, 1, 2])(e, alpha), torch.tensor([[0.25, 0.25, 0.5]],
                                                                                        dtype=torch.float64).float())
    for bad in ([0, 0, 0], [-1, 2, 3], [np.nan, 1, 1]):
        with pytest.raises(ValueError):
            make_edit("values", weights=bad)


@pytest.mark.parametrize("decoder", ["luong", "bahdanau"])
def test_what_if_recomputes_from_the_edited_step(decoder):
    model = random_translator(decoder, "general", seed=4, max_target_len=10)
    text = "12 june 1999"
    original = model.trace(text)
    t = min(3, len(original.steps))
    unchanged = model.what_if(text, t, make_edit("temperature", T=1.0))
    assert unchanged.to_json().replace('"what-if"', '"greedy"') == original.to_json()  # T = 1 changes nothing
    changed = model.what_if(text, t, make_edit("one_hot", index=0), continue_decoding=False)
    assert len(changed.steps) == t
    for a, b in zip(changed.steps[: t - 1], original.steps):  # steps before t are the greedy ones
        np.testing.assert_array_equal(a.alpha, b.alpha)
    step = changed.steps[t - 1]
    assert step.alpha.tolist() == [1.0] + [0.0] * (len(step.alpha) - 1)
    np.testing.assert_allclose(step.a, changed.encoder_states[0], atol=1e-6)  # a_t = h_1
    np.testing.assert_array_equal(step.concat, np.concatenate([step.a, step.s]))


def test_exported_figures_carry_their_context_and_the_screen_figure_does_not():
    from attention_core.export import with_caption

    fig = alignment_heatmap(random_translator().trace("1 may"), title="α")
    on_screen = fig.to_plotly_json()
    caption = "model dates-dot · input “<b>x</b> 1 may” · step t = 2"
    out = with_caption(fig, caption)
    assert fig.to_plotly_json() == on_screen  # the figure on the page is untouched
    title = out.layout.title.text
    assert title.startswith("α<br>") and "&lt;b&gt;x&lt;/b&gt; 1 may" in title and "<b>x</b>" not in title
    grown = out.layout.height - fig.layout.height
    assert grown > 0 and out.layout.margin.t - fig.layout.margin.t == grown  # the plot keeps its size
    page = figure_html(fig, caption=caption).decode()
    assert "&lt;b&gt;x&lt;/b&gt; 1 may" in page and "<title>Attention Explorer figure: model dates-dot" in page
    svg = figure_image(fig, "svg", caption=caption).decode()  # drawn by Debian's chromium (make test installs it)
    assert "step t = 2" in svg and re.search(r"(&lt;|&#60;)b(&gt;|&#62;)x", svg)
    untitled = with_caption(alignment_heatmap(random_translator().trace("1 may")), caption)
    assert untitled.layout.title.text.endswith("step t = 2</span>")


def test_readme_says_why_the_urls_in_the_exported_html_are_inert():
    from conftest import ROOT

    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "URL strings" in readme and "never fetched" in readme and "test_browser_pages2.py" in readme


def test_an_image_asked_for_before_kaleidos_page_is_ready_is_drawn_when_it_is(monkeypatch):
    """kaleido's Chromium page may take the first figure before its script has loaded (seen in CI under load):
    the export waits and tries again; any other error is raised at once."""
    import plotly.graph_objects as go

    from attention_core import export

    calls = []

    def to_image(fig, **options):
        calls.append(options)
        if len(calls) < 3:
            raise RuntimeError("ReferenceError: kaleido_scopes is not defined")
        return b"\x89PNG"

    monkeypatch.setattr(export, "_start_kaleido", lambda: None)
    monkeypatch.setattr(export.pio, "to_image", to_image)
    monkeypatch.setattr(export, "KALEIDO_WAIT_S", 0.0)
    assert export.figure_image(go.Figure(), "png") == b"\x89PNG" and len(calls) == 3

    def broken(fig, **options):
        calls.append(options)
        raise RuntimeError("something else")

    calls.clear()
    monkeypatch.setattr(export.pio, "to_image", broken)
    with pytest.raises(RuntimeError, match="something else"):
        export.figure_image(go.Figure(), "png")
    assert len(calls) == 1
