"""In headless Chromium: trace files from anywhere on the Upload page (issue 16). A GRU trace and a multi-head trace
written here by hand (not by this project's code) are drawn with exactly their numbers and open in Step by step;
malformed and hostile files each get one message, and the page keeps working."""

from __future__ import annotations

import json

import numpy as np
import pytest
from browser_utils import SHOWN_PLOT, chart_data, no_errors

from bench.harness import IDLE

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is installed by requirements-dev.txt")
rng = np.random.default_rng(7)


def distribution(*shape) -> np.ndarray:
    x = rng.random(shape) + 0.05
    return x / x.sum(axis=-1, keepdims=True)


def gru_trace() -> dict:
    """A Luong GRU's trace as anyone's code would write it: tokens, e_t and α_t = softmax(e_t), the output."""
    source, target = ["mar", "3", "<i>2001</i>", "</s>"], ["2001", "-", "03", "</s>"]
    steps = []
    for t, token in enumerate(target, 1):
        e = rng.normal(size=len(source))
        steps.append({"t": t, "token": token, "e": e.tolist(), "alpha": (np.exp(e) / np.exp(e).sum()).tolist(),
                      "prob": 0.9})
    return {"model": "their-gru", "score": "dot", "decoder": "luong", "source": "mar 3 <i>2001</i>",
            "source_tokens": source, "target_tokens": target, "steps": steps}


def multi_head_trace() -> dict:
    """2 layers × 3 heads of cross-attention per step; the alignment row is head 2 of layer 2."""
    source, target = ["le", "chat", "dort", "</s>"], ["the", "cat", "sleeps", "</s>"]
    steps = []
    for t, token in enumerate(target, 1):
        cross = distribution(2, 3, len(source))
        steps.append({"t": t, "token": token, "alpha": cross[1, 1].tolist(),
                      "cross": [{"alpha": layer.tolist()} for layer in cross]})
    return {"model": "their-transformer", "architecture": "transformer", "layers": 2, "heads": 3,
            "alignment_from": {"layer": 2, "head": 2}, "source": "le chat dort",
            "source_tokens": source, "target_tokens": target, "steps": steps}


def idle(page) -> None:
    page.wait_for_function(IDLE, timeout=90_000)


def upload(page, server, path) -> None:
    page.goto(f"{server}/upload")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").wait_for(state="attached", timeout=90_000)
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(path))
    idle(page)


def test_their_traces_are_drawn_as_given_and_open_in_the_step_page(server, page, tmp_path):
    gru, heads = gru_trace(), multi_head_trace()
    path = tmp_path / "theirs.jsonl"
    path.write_text("\n".join([json.dumps(gru), '{"source_tokens": ["a"], "steps": 3}', json.dumps(heads)]) + "\n")
    upload(page, server, path)
    page.locator(".st-key-trace_gallery_1 .js-plotly-plot").wait_for(timeout=90_000)
    no_errors(page)
    for k, trace in enumerate((gru, heads)):
        drawn = np.array(chart_data(page, f"trace_gallery_{k}", field="z"), dtype=float)
        np.testing.assert_allclose(drawn, [step["alpha"] for step in trace["steps"]], rtol=0, atol=1e-12)
    ticks = page.locator(".st-key-trace_gallery_0 .xaxislayer-above").text_content()
    assert "<i>2001</i>" in ticks  # the file's markup shown as text, not applied
    bad = page.locator("[data-testid=stExpander]").filter(has_text="cannot be read")
    bad.locator("summary").click()
    playwright_api.expect(bad).to_contain_text("2")  # the faulty trace's line

    page.locator(".st-key-trace_step_1 button").click()  # the multi-head trace in Step by step
    page.wait_for_url("**/?*model=*", timeout=90_000)
    page.locator(".st-key-alpha .js-plotly-plot").wait_for(timeout=90_000)
    idle(page)
    no_errors(page)
    playwright_api.expect(page.locator(".st-key-model input")).to_have_value("theirs.jsonl:3 (file)")
    np.testing.assert_allclose(chart_data(page, "alpha"), heads["steps"][0]["alpha"], rtol=0, atol=1e-12)
    assert page.locator(".st-key-grid " + SHOWN_PLOT).count() == 1  # every head at once: the file has them all


HOSTILE = {
    "missing.json": (json.dumps({"source_tokens": ["a", "b"]}), "steps"),
    "shape.json": (json.dumps({"source_tokens": ["a", "b"], "target_tokens": ["x"],
                               "steps": [{"token": "x", "alpha": [1.0]}]}), "2 numbers"),
    "sum.json": (json.dumps({"source_tokens": ["a", "b"], "target_tokens": ["x"],
                             "steps": [{"token": "x", "alpha": [0.5, 0.7]}]}), "sums to 1.2"),
    "nan.json": ('{"source_tokens": ["a", "b"], "target_tokens": ["x"], "steps": [{"token": "x", '
                 '"alpha": [NaN, 1.0]}]}', "alpha"),
    "binary.json": (bytes(range(256)) * 4, "cannot be used"),
    "huge.json": ("[" + ",".join(["1.0"] * 2_400_000) + "]", "5"),  # ~10 MB: over the upload limit
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_malformed_trace_file_gets_one_message(server, page, tmp_path, name):
    content, said = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    upload(page, server, path)
    shown = page.locator("[data-testid=stAlert], [role=alert]")  # the page's message, or the uploader's own
    playwright_api.expect(shown.first).to_be_visible(timeout=60_000)
    assert said in " ".join(shown.all_inner_texts()), shown.all_inner_texts()
    no_errors(page)
    page.locator("[data-testid=stSidebarNav] a").first.click()  # the app keeps working
    page.locator(".js-plotly-plot").first.wait_for(timeout=90_000)
    no_errors(page)
