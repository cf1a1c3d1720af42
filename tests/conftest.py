"""Shared fixtures: random models (no training), one tiny trained dates model, the browser tests' server and pages."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from attention_core.config import ModelConfig  # noqa: E402
from attention_core.model import Seq2Seq  # noqa: E402
from attention_core.tokenizers import CharTokenizer  # noqa: E402
from attention_core.translator import Translator  # noqa: E402

ALPHABET = "0123456789 abcdefghij-,."


def random_translator(decoder: str = "luong", score: str = "dot", *, hidden_size: int = 8,
                      bidirectional: bool = False, seed: int = 0, max_target_len: int = 8) -> Translator:
    """An untrained model with random weights: enough for the invariants, which hold for any weights."""
    torch.manual_seed(seed)
    tok = CharTokenizer(ALPHABET)
    score = score if decoder == "luong" else ("concat" if decoder == "bahdanau" else "none")
    cfg = ModelConfig(decoder=decoder, score=score, source_vocab_size=len(tok), target_vocab_size=len(tok),
                      embed_size=6, hidden_size=hidden_size, bidirectional=bidirectional,
                      max_source_len=40, max_target_len=max_target_len, task="dates")
    model = Seq2Seq(cfg)
    # Random weights emit the end marker at random; lower its bias so traces have several steps.
    with torch.no_grad():
        model.decoder.W_y.bias[2] -= 3.0
    return Translator(f"random-{decoder}-{score}", cfg, model, tok, tok)


def random_transformer(*, layers: int = 2, heads: int = 2, d_model: int = 8, norm: str = "pre",
                       positions: str = "sinusoidal", alignment_layer: int = 0, alignment_head: int = 0,
                       seed: int = 0, max_target_len: int = 8) -> Translator:
    """An untrained Transformer with random weights (the DESIGN §5 invariants hold for any weights)."""
    from attention_core.transformer import Transformer

    torch.manual_seed(seed)
    tok = CharTokenizer(ALPHABET)
    cfg = ModelConfig(architecture="transformer", decoder="transformer", score="scaled_dot",
                      source_vocab_size=len(tok), target_vocab_size=len(tok), hidden_size=d_model, layers=layers,
                      heads=heads, d_ff=2 * d_model, norm=norm, positions=positions, alignment_layer=alignment_layer,
                      alignment_head=alignment_head, max_source_len=40, max_target_len=max_target_len, task="dates")
    model = Transformer(cfg)
    with torch.no_grad():  # as above: fewer end markers, longer traces
        model.W_y.bias[2] -= 3.0
    return Translator(f"random-transformer-{layers}x{heads}", cfg, model, tok, tok)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A small dates model trained for real (about 10 s), saved as a model folder."""
    from attention_core.train import TrainSettings, train

    out = tmp_path_factory.mktemp("models") / "tiny-dates"
    settings = TrainSettings(task="dates", out=out, decoder="luong", score="dot", hidden_size=48, embed_size=24,
                             epochs=1, train_size=12_000, batch_size=64, lr=0.005, seed=0, quiet=True)
    train(settings, command="pytest fixture")
    return out


@pytest.fixture(scope="session")
def tiny_model(tiny_model_dir):
    from attention_core import load_model

    return load_model(tiny_model_dir)


# --- the browser tests' fixtures (tests/test_browser*.py): one app server and one Chromium per module


@pytest.fixture(scope="module")
def server():
    from browser_utils import app_server

    with app_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from browser_utils import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    from browser_utils import new_page

    page = new_page(browser)
    yield page
    page.context.close()


@pytest.fixture
def projector(browser):
    """A page the size of a classroom projector's screen."""
    from browser_utils import new_page

    page = new_page(browser, 1280, 720)
    yield page
    page.context.close()
