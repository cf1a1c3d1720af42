"""The first page without torch: the model list and the default input's trace come from the model folders
(attention_core/catalog.py), and the shipped trace is the one the shipped weights compute."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

import attention_core
from app_pages.common import DEFAULT_MODEL, DEFAULT_TEXT
from app_pages.live_chart import figure_json, figure_plain
from app_pages.step_by_step import FIGURES
from attention_core import catalog, list_pretrained, load_pretrained
from attention_core.examples import examples_for

GRU_CHARTS = ["diagram", "scores", "alpha", "context", "vectors", "output"]  # a GRU's step charts, in page order

pytestmark = pytest.mark.timeout(300)

SHIPPED = sorted(catalog.PRETRAINED_DIR.glob(f"*/{catalog.TRACES}"))


def test_the_first_pages_default_input_ships_its_trace():
    assert catalog.shipped_trace(catalog.PRETRAINED_DIR / DEFAULT_MODEL, DEFAULT_TEXT) is not None


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.parent.name)
def test_a_shipped_trace_is_what_its_model_computes(path):
    """Every number of it, every token, and so every figure of the step page at every step (dtype included)."""
    model = load_pretrained(path.parent.name)
    for item in json.loads(path.read_text(encoding="utf-8"))["traces"]:
        shipped = catalog.shipped_trace(path.parent, item["text"])
        assert shipped is not None, "traces.json is not from these weights: run `make traces`"
        live = model.trace(item["text"])
        assert shipped.to_dict() == live.to_dict()
        for lang in ("en", "ko"):
            for t in range(1, len(live.steps) + 1):
                for key in GRU_CHARTS:  # (the shipped traces are a GRU's: no heads' charts)
                    figure = FIGURES[key]
                    assert figure_plain(figure(shipped, t, lang, 14)) == figure_plain(figure(live, t, lang, 14)), key


def test_a_shipped_trace_is_used_only_with_the_weights_it_came_from(tmp_path):
    folder = tmp_path / DEFAULT_MODEL
    shutil.copytree(catalog.PRETRAINED_DIR / DEFAULT_MODEL, folder)
    assert catalog.shipped_trace(folder, DEFAULT_TEXT) is not None
    assert catalog.shipped_trace(folder, DEFAULT_TEXT + " ") is None  # another text
    weights = bytearray((folder / catalog.WEIGHTS).read_bytes())
    weights[-1] ^= 1  # one bit of one weight: retrained, say
    (folder / catalog.WEIGHTS).write_bytes(bytes(weights))
    assert catalog.shipped_trace(folder, DEFAULT_TEXT) is None


@pytest.mark.parametrize("name", list_pretrained())
def test_an_entry_states_the_models_own_limits(name):
    entry, model = catalog.list_entries()[name], load_pretrained(name)
    assert entry.config == model.config and entry.folder == model.folder
    assert entry.source_tokenizer.itos == model.source_tokenizer.itos
    assert entry.target_tokenizer.itos == model.target_tokenizer.itos
    assert (entry.max_source_tokens, entry.max_target_tokens) == (model.max_source_tokens, model.max_target_tokens)
    near_the_limit = ["1234ЖЖЖЖ", "12345ЖЖЖЖЖЖ", "the cat qqq zzz", "the cat qqq zzz www", "1234ЖЖЖЖЖ"]
    for text in [*examples_for("dates"), *examples_for("sentences"), *near_the_limit, "", "x y z", "<unk>"]:
        assert entry.fits(text) == model.fits(text), text


def test_the_package_names_its_exports_lazily():
    for name in attention_core.__all__:
        assert getattr(attention_core, name) is not None
    assert sorted(attention_core.__all__) == sorted(attention_core._WHERE)


# Run in a fresh interpreter: the app's first page, with torch made unimportable. The check of every
# model folder after the page (common.check_models) then tries to load them in the background, and fails there.
FIRST_PAGE = """
import json, sys
sys.path.insert(0, {root!r})


class NoTorch:
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ImportError(f"the first page imported {{name}}")


sys.meta_path.insert(0, NoTorch())
from streamlit.testing.v1 import AppTest

at = AppTest.from_file({app!r}, default_timeout=60)
at.run()
charts = [json.loads(e.proto.json) for e in at.main if e.type == "bidi_component"]
print(json.dumps({{"exception": [str(e.value) for e in at.exception],
                  "charts": {{c["key"]: c["figure"] for c in charts if c.get("kind") == "chart"}},
                  "torch": "torch" in sys.modules}}))
"""


def test_the_first_page_draws_its_charts_without_torch():
    """Its figures are those of the live trace (the model run here), at step 1."""
    script = FIRST_PAGE.format(root=str(ROOT), app=str(ROOT / "app.py"))
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["exception"] == [] and not out["torch"]
    assert list(out["charts"]) == GRU_CHARTS
    live = load_pretrained(DEFAULT_MODEL).trace(DEFAULT_TEXT)
    assert out["charts"] == {key: figure_json(FIGURES[key](live, 1, "en", 14)) for key in GRU_CHARTS}
