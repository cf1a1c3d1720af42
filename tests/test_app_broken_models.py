"""A broken model folder is refused with a message naming it; every other model keeps working in the app."""

from __future__ import annotations

import json
import pickle
import shutil

import pytest
from apptest_utils import app, chart

from attention_core import catalog, checkpoint, load_pretrained

pytestmark = pytest.mark.timeout(600)


@pytest.fixture
def library(tmp_path, monkeypatch):
    """A pretrained/ folder holding two good models and one broken copy of each kind."""
    root = tmp_path / "pretrained"
    for name in ("dates-dot", "dates-bahdanau"):
        shutil.copytree(checkpoint.PRETRAINED_DIR / name, root / name)
    broken = {
        "broken-missing": lambda f: (f / "vocab.json").unlink(),
        "broken-truncated": lambda f: (f / "model.safetensors").write_bytes(
            (f / "model.safetensors").read_bytes()[:99]),
        "broken-shapes": lambda f: (f / "config.json").write_text(
            json.dumps({**json.loads((f / "config.json").read_text()), "hidden_size": 32})),
        "broken-keys": lambda f: (f / "config.json").write_text(
            json.dumps({**json.loads((f / "config.json").read_text()), "rm -rf /": True})),
        "broken-pickle": lambda f: (f / "model.safetensors").write_bytes(pickle.dumps({"weights": [1, 2, 3]})),
    }
    for name, damage in broken.items():
        shutil.copytree(checkpoint.PRETRAINED_DIR / "dates-dot", root / name)
        damage(root / name)
    monkeypatch.setattr(checkpoint, "PRETRAINED_DIR", root)
    monkeypatch.setattr(catalog, "PRETRAINED_DIR", root)  # the app lists the folders without torch
    return root, sorted(broken)


def test_each_broken_folder_is_named_and_the_good_ones_still_work(library):
    _, broken = library
    at = app(model="dates-bahdanau", text="24. November 2026")
    at.run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.sidebar.warning)
    for name in broken:
        assert f"'{name}'" in warnings  # one message per broken model, naming it
    assert at.selectbox(key="model").options == ["dates-bahdanau", "dates-dot"]
    trace = load_pretrained("dates-bahdanau").trace("24. November 2026")
    assert list(chart(at, "alpha")["data"][0]["y"]) == pytest.approx(list(trace.steps[0].alpha), rel=1e-6)
