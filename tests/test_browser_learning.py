"""The learning view in headless Chromium: play the snapshots, see the prediction and the alignment change to the
file's; its Korean labels; classroom mode fits a projector's 1280 × 720."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from browser_utils import chart_data, new_page, no_errors, screenshot, wait_idle

from app_pages.texts import t
from attention_core import catalog

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is installed by requirements-dev.txt")

SLIDER = ".st-key-learning_player input[type=range]"  # the snapshot player's slider (app_pages/live_chart.js)
DATA = json.loads((catalog.PRETRAINED_DIR / "dates-dot" / catalog.TRAINING).read_text(encoding="utf-8"))


def shown(page) -> int:
    return int(page.locator(SLIDER).input_value())


def prediction_shown(page) -> str:
    return page.locator(".st-key-learning_prediction").inner_text()


def check_snapshot(page, k: int) -> None:
    """The page shows snapshot k of the file: its prediction and its alignment matrix."""
    snapshot = DATA["snapshots"][k - 1]
    assert snapshot["predictions"][0] in prediction_shown(page)
    z = chart_data(page, "learning_alignment", field="z")
    np.testing.assert_allclose(np.asarray(z, dtype=float), np.asarray(snapshot["alignments"][0]), atol=1e-6)


def test_play_shows_attention_being_learned(server, page):
    page.goto(f"{server}/learning?model=dates-dot&snapshot=1")
    wait_idle(page)
    assert shown(page) == 1
    check_snapshot(page, 1)
    page.locator(".st-key-learning_player select").select_option("0.25")
    page.get_by_test_id("step-play").click()
    page.wait_for_function(f"Number(document.querySelector('{SLIDER}').value) >= 6", timeout=60_000)
    page.get_by_test_id("step-play").click()  # (now the pause button)
    k = shown(page)
    assert k >= 6
    page.wait_for_url(re.compile(rf"snapshot={k}\b"), timeout=30_000)  # reported when it stops: a deep link
    check_snapshot(page, k)
    assert DATA["snapshots"][k - 1]["predictions"][0] != DATA["snapshots"][0]["predictions"][0]
    curve = chart_data(page, "learning_curves", trace=4, field="x")  # the marked training-loss point
    assert curve == [k]
    screenshot(page, "learning")
    no_errors(page)


def test_korean_labels(server, page):
    page.goto(f"{server}/learning?model=dates-dot&lang=ko&snapshot=10")
    wait_idle(page)
    page.get_by_role("heading", name=t("page_learning", "ko")).wait_for(timeout=30_000)
    player = page.locator(".st-key-learning_player")
    assert player.locator(".step-player-label").inner_text() == t("snapshot", "ko")  # the slider's label
    assert page.get_by_test_id("step-play").inner_text() == t("play", "ko")
    assert t("prediction_then", "ko") in prediction_shown(page)
    assert "Play" not in player.inner_text()
    assert "Snapshot" not in page.locator(".st-key-learning_snapshot").inner_text()
    check_snapshot(page, 10)
    screenshot(page, "learning-ko")
    no_errors(page)


def test_classroom_mode_fits_a_projector(server, browser):
    page = new_page(browser, 1280, 720)
    try:
        page.goto(f"{server}/learning?model=dates-dot&classroom=true&snapshot=9")
        wait_idle(page)
        for key in ("learning_player", "learning_prediction", "learning_alignment", "learning_curves"):
            box = page.locator(f".st-key-{key}").bounding_box()
            assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 720, (key, box)
        assert page.locator("[data-testid=stSidebar]").is_hidden()
        check_snapshot(page, 9)
        screenshot(page, "learning-classroom")
        no_errors(page)
    finally:
        page.context.close()
