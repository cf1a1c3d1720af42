"""Models from elsewhere (issue 16): the folder ATTENTION_EXPLORER_MODELS names holds hf: models (transformers
save_pretrained folders) and model folders of our own format; they appear in every model picker, marked as from
elsewhere, and every page works with them or says why it cannot."""

from __future__ import annotations

import shutil
import sys

import numpy as np
import pytest

pytest.importorskip("transformers")

from apptest_utils import app, chart, texts
from conftest import ROOT
from hf_tiny import TEXT, save_tiny

from app_pages.common import PAGES
from attention_core import catalog, load_pretrained

pytestmark = pytest.mark.timeout(900)
HF, OWN = "tiny-marian (hf)", "my-dates (elsewhere)"


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory):
    root = tmp_path_factory.mktemp("elsewhere")
    save_tiny("marian", root / "tiny-marian")
    shutil.copytree(ROOT / "pretrained" / "dates-dot", root / "my-dates")
    (root / "not-a-model").mkdir()  # no config.json: not offered
    (root / "broken-hf").mkdir()
    (root / "broken-hf" / "config.json").write_text('{"model_type": "marian", "d_model": "sixteen"}')
    return root


@pytest.fixture
def env(elsewhere, monkeypatch):
    monkeypatch.setenv(catalog.MODELS_ENV, str(elsewhere))
    return elsewhere


def test_names_of_the_models_from_elsewhere(env):
    assert catalog.elsewhere_names() == [f"hf:{env / 'broken-hf'}", str(env / "my-dates"), f"hf:{env / 'tiny-marian'}"]
    assert catalog.elsewhere_names(env / "my-dates") == [str(env / "my-dates")]  # the folder may be one model


def test_no_folder_no_models_from_elsewhere(monkeypatch, tmp_path):
    monkeypatch.delenv(catalog.MODELS_ENV, raising=False)
    assert catalog.elsewhere_root() is None and catalog.elsewhere_names() == []
    monkeypatch.setenv(catalog.MODELS_ENV, str(tmp_path / "missing"))
    assert catalog.elsewhere_names() == []


def test_the_pickers_mark_them_and_the_broken_one_is_named(env):
    at = app().run()
    (picker,) = [s for s in at.selectbox if s.label == "Model"]
    assert HF in picker.options and OWN in picker.options and "dates-dot" in picker.options
    assert not any("broken-hf" in option or "not-a-model" in option for option in picker.options)
    at.run()  # (check_models ran after the first page: the sidebar names the broken folder)
    assert "broken-hf" in "\n".join(str(e.value) for e in at.sidebar.get("markdown")) + texts(at)
    assert not at.exception


@pytest.mark.parametrize("label", [HF, OWN])
def test_the_step_page_draws_their_own_attention(env, label):
    at = app(model=label, text=TEXT if label == HF else "March 3, 2001").run()
    assert not at.exception
    name = f"hf:{env / 'tiny-marian'}" if label == HF else str(env / "my-dates")
    trace = load_pretrained(name).trace(TEXT if label == HF else "March 3, 2001")
    drawn = chart(at, "alpha")["data"][0]["y"]
    np.testing.assert_allclose(np.asarray(drawn, dtype=float), trace.steps[0].alpha, atol=1e-6)


@pytest.mark.parametrize("script", [s for entries in PAGES.values() for s, _, path in entries if path])
def test_every_page_takes_an_hf_model(env, script):
    at = app(model=HF, text=TEXT).run()
    at.switch_page(script).run()
    assert not at.exception, [e.message for e in at.exception]
    shown = texts(at)
    if script.endswith("whatif.py"):
        assert "transformers model" in shown  # says why it cannot edit α there
    if script.endswith("beam.py"):  # generate's beam search: hypotheses, and no tree it does not give
        assert "does not expose the candidates" in shown


def test_compare_puts_them_under_their_own_task(env):
    at = app(model=HF, text=TEXT).run()
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception
    (models,) = [m for m in at.multiselect if m.label == "Models"]
    assert models.value == [f"hf:{env / 'tiny-marian'}"] and "Elsewhere" in texts(at) + str(
        [s.options for s in at.get("button_group")])


def test_a_text_it_does_not_know_is_said_without_a_task_of_ours(env):
    at = app(model=HF, text="2026년 11월 24일").run()
    assert not at.exception
    assert any("unknown to its tokenizer" in i.value for i in at.info)


def test_without_transformers_the_sidebar_says_how_to_add_it(tmp_path, monkeypatch):
    save_tiny("marian", tmp_path / "needs-transformers")  # (a name of its own: no model of that name cached)
    shutil.copytree(ROOT / "pretrained" / "dates-dot", tmp_path / "my-dates")
    monkeypatch.setenv(catalog.MODELS_ENV, str(tmp_path))
    monkeypatch.setitem(sys.modules, "transformers", None)  # import transformers raises ImportError
    at = app().run()
    at.run()  # (check_models after the first page)
    assert not at.exception
    (picker,) = [s for s in at.selectbox if s.label == "Model"]
    assert "my-dates (elsewhere)" in picker.options and "needs-transformers (hf)" not in picker.options
    sidebar = "\n".join(str(e.value) for e in at.sidebar.get("markdown")) + texts(at)
    assert "needs-transformers" in sidebar and "requirements-hf.txt" in sidebar
