"""Attribution in the browser: the stage steps with the page (the bars and the reading are the step's), a
projector shows it whole, and a long computation can be cancelled."""

from __future__ import annotations

import re
import urllib.parse

import numpy as np
import pytest
from browser_utils import no_errors, screenshot, wait_idle
from test_browser_heads import CHART_DATA, wait_shown

from app_pages.texts import t as tr
from attention_core import load_pretrained

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is installed by requirements-dev.txt")

TEXT = "Nov 3, 1987"
URL = f"/?model=dates-dot&text={urllib.parse.quote_plus(TEXT)}&attribution=erasure"


def test_the_attribution_stage_steps_by_key(server, page):
    trace = load_pretrained("dates-dot").trace(TEXT, attribution="erasure")
    page.goto(server + URL)
    wait_idle(page)
    page.locator(".st-key-attribution_bars").scroll_into_view_if_needed()
    page.mouse.click(700, 60)
    for t in (2, 3, 4):
        page.keyboard.press("ArrowRight")
        wait_shown(page, t)
        step = trace.steps[t - 1]
        assert page.evaluate(CHART_DATA, ["attribution_bars", 0, "y"]) == pytest.approx(step.alpha.tolist(), abs=1e-6)
        assert page.evaluate(CHART_DATA, ["attribution_bars", 1, "y"]) == pytest.approx(
            step.attribution.values.tolist(), abs=1e-5)
        reading = page.locator(".st-key-attribution_reading").inner_text()
        j = int(np.argmax(np.abs(step.attribution.values)))
        assert f"{step.attribution.values[j]:+.2f}" in reading, (t, reading)
    page.wait_for_url(re.compile(r"step=4\b"), timeout=30_000)
    no_errors(page)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_attribution_stage_fits_a_projector(server, projector, lang):
    projector.goto(server + URL + f"&lang={lang}&classroom=true&stage=attribution&step=3")
    wait_idle(projector)
    wait_shown(projector, 3)
    assert projector.get_by_text(tr("short_attribution", lang), exact=True).count() >= 1
    box = projector.locator(".st-key-attribution_reading").bounding_box()
    bottoms = projector.evaluate("Array.from(document.querySelectorAll('.js-plotly-plot')).map("
                                 "(gd) => gd.getBoundingClientRect().bottom)")
    assert bottoms and max(bottoms) <= 720 and box["y"] + box["height"] <= 720, (bottoms, box)
    screenshot(projector, f"classroom-attribution-{lang}-1280x720")
    no_errors(projector)


def test_cancel_stops_a_long_computation_and_turns_attribution_off(server, page):
    """Integrated gradients of a long sentence on the Transformer takes seconds: the page shows its progress and
    a cancel button, which reruns the page with attribution off."""
    text = " ".join(["the old man reads a long book in the small house by the river"] * 3)
    page.goto(server + f"/?model=en-es-transformer&text={urllib.parse.quote_plus(text)}"
                       "&attribution=integrated_gradients")
    cancel = page.get_by_role("button", name=tr("attribution_cancel", "en"))
    cancel.wait_for(timeout=60_000)
    # (the bar's text may arrive a moment after the button, on a busy machine: waited for, not read at once)
    playwright_api.expect(page.get_by_text(re.compile(r"Integrated gradients: \d+ of \d+ steps computed"))
                          ).to_have_count(1, timeout=30_000)
    cancel.click()
    page.wait_for_function("() => !new URL(location.href).searchParams.has('attribution')", timeout=60_000)
    wait_idle(page)
    assert page.locator(".st-key-attribution_bars").count() == 0
    assert page.get_by_role("button", name=tr("attribution_cancel", "en")).count() == 0
    no_errors(page)
