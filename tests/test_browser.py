"""End to end in headless Chromium: what a person sees and does, and no request beyond 127.0.0.1."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from browser_utils import SHOWN_PLOT, chart_data, no_errors, screenshot, wait_idle

from app_pages.common import DEFAULT_MODEL
from app_pages.texts import t
from attention_core import load_pretrained

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is installed by requirements-dev.txt")


SLIDER = ".st-key-player input[type=range]"  # the step player's slider (app_pages/live_chart.js)


def step_shown(page) -> int:
    return int(page.locator(SLIDER).input_value())


def wait_step(page, t: int) -> None:
    page.wait_for_function(f"document.querySelector('{SLIDER}')?.value === '{t}'", timeout=30_000)


def test_type_step_switch_language(server, page):
    page.goto(server)
    wait_idle(page)
    # (on a cold server the first chart can be drawn a moment before the input box shows its text)
    playwright_api.expect(page.locator(".st-key-text input")).to_have_value("2026년 11월 24일 화요일", timeout=30_000)
    screenshot(page, "step-by-step")
    page.locator(".st-key-text input").fill("Tuesday, November 24, 2026")
    page.locator(".st-key-text input").press("Enter")
    page.wait_for_function("document.querySelectorAll('.st-key-scores .js-plotly-plot')[0]"
                           ".data[0].x.length === 26", timeout=30_000)
    wait_idle(page)  # (the α chart may draw the new input a moment after the scores: waited for here)
    # (on every graph div of the chart: the one shown and the spares drawing the steps next to it ahead)
    page.evaluate("document.querySelectorAll('.st-key-alpha .js-plotly-plot')"
                  ".forEach((gd) => gd.dataset.probe = 'kept')")
    page.get_by_role("button", name=re.compile("Next")).click()
    alpha = load_pretrained(DEFAULT_MODEL).trace("Tuesday, November 24, 2026").steps[1].alpha
    page.wait_for_function("(e) => { const y = Array.from(document.querySelector('.st-key-alpha .js-plotly-plot')"
                           "._fullData[0].y); return y.length === e.length && y.every((v, i) => Math.abs(v - e[i]) "
                           "< 1e-6); }", arg=alpha.tolist(), timeout=30_000)
    assert chart_data(page, "alpha") == pytest.approx(alpha, abs=1e-6)  # step 2's α_t, drawn
    # ... into a graph of the same chart, updated in place (Plotly.react or a spare drawn ahead), not a new one
    assert page.evaluate("document.querySelector('.st-key-alpha .js-plotly-plot').dataset.probe") == "kept"
    page.wait_for_url(re.compile(r"step=2"), timeout=30_000)  # the step is in the URL
    page.get_by_text("한국어").click()
    page.get_by_role("heading", name="단계별 보기").wait_for(timeout=30_000)
    wait_idle(page)
    screenshot(page, "step-by-step-ko")
    no_errors(page)


def test_deep_link_opens_the_same_view(server, page):
    page.goto(f"{server}/?model=dates-bahdanau&text=24.+November+2026&step=4")
    wait_idle(page)
    playwright_api.expect(page.locator(".st-key-text input")).to_have_value("24. November 2026", timeout=30_000)
    playwright_api.expect(page.locator(".st-key-model input")).to_have_value("dates-bahdanau", timeout=30_000)
    assert step_shown(page) == 4
    alpha = load_pretrained("dates-bahdanau").trace("24. November 2026").steps[3].alpha
    assert chart_data(page, "alpha") == pytest.approx(alpha, abs=1e-6)
    no_errors(page)


def test_keyboard_steps_and_markup_stays_text(server, page):
    page.goto(f"{server}/?text=%3Cb%3E1%3C%2Fb%3E+May+2000&step=2")
    wait_idle(page)
    ticks = page.evaluate("Array.from(document.querySelectorAll('.st-key-scores .xtick text')).map(e => e.textContent)")
    assert "<" in "".join(ticks) and "b" in ticks  # the tags are shown as characters, not applied
    page.mouse.click(700, 60)  # focus the page, not an input
    page.keyboard.press("ArrowRight")
    wait_step(page, 3)
    no_errors(page)


def test_alignment_and_sandbox_pages(server, page):
    page.goto(f"{server}/alignment?text=Tuesday%2C+November+24%2C+2026")
    wait_idle(page)
    assert page.locator(".st-key-alignment .js-plotly-plot").count() == 1
    screenshot(page, "alignment")
    box = page.locator(".st-key-alignment .nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 5.5 / 11)  # a cell of row 6 of 11
    page.get_by_role("heading", name="Step by step").wait_for(timeout=30_000)
    wait_step(page, 6)
    page.goto(f"{server}/sandbox")
    wait_idle(page)
    assert page.locator(".st-key-sb_alpha .js-plotly-plot").count() == 1
    screenshot(page, "sandbox")
    no_errors(page)


def test_classroom_mode_on_a_projector(server, projector):
    page = projector
    page.goto(f"{server}/?classroom=true&text=Tuesday%2C+November+24%2C+2026&step=9")
    wait_idle(page)
    assert page.locator("[data-testid=stSidebar]").is_hidden()
    assert page.locator(SHOWN_PLOT).count() == 1
    screenshot(page, "classroom-1280x720")


def test_upload_a_file_then_download_the_results(server, page, tmp_path):
    from attention_core import load_pretrained

    lines = ["2026년 11월 24일 화요일", "Tuesday, November 24, 2026", "<b>1 May 2000</b>", "", "=1+1"]
    source = tmp_path / "dates.txt"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.goto(f"{server}/upload")
    page.wait_for_selector("[data-testid=stFileUploaderDropzone]", timeout=60_000)
    page.locator("[data-testid=stFileUploaderDropzone] input[type=file]").set_input_files(str(source))
    page.wait_for_selector(".st-key-up_table [data-testid=stDataFrame]", timeout=60_000)
    page.get_by_text("4 inputs decoded").wait_for(timeout=30_000)
    screenshot(page, "upload")
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="All results (JSON Lines)").click()
    rows = [__import__("json").loads(line) for line in
            __import__("pathlib").Path(download.value.path()).read_text(encoding="utf-8").splitlines()]
    model = load_pretrained(DEFAULT_MODEL)
    assert [r["line"] for r in rows] == [1, 2, 3, 5]
    assert [r["source"] for r in rows] == [lines[0], lines[1], lines[2], lines[4]]
    assert [r["prediction"] for r in rows] == [model.translate(x) for x in (lines[0], lines[1], lines[2], lines[4])]
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="All results (CSV)").click()
    text = __import__("pathlib").Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "'=1+1" in text and "\n=1+1" not in text  # the formula is neutralised
    grid = page.locator(".st-key-up_table [data-testid=stDataFrame]").bounding_box()
    page.mouse.click(grid["x"] + 16, grid["y"] + 35 + 35 + 17)  # the selection box of the second row
    page.get_by_role("button", name="Open the selected row in Step by step").click()
    page.get_by_role("heading", name="Step by step").wait_for(timeout=30_000)
    wait_idle(page)
    # (the input is drawn empty for a moment while the page's first run arrives)
    playwright_api.expect(page.locator(".st-key-text input")).to_have_value(lines[1], timeout=30_000)
    assert urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)["text"] == [lines[1]]  # a link to share
    no_errors(page)


def test_export_a_figure_as_png(server, page):
    page.goto(f"{server}/alignment?text=24.+November+2026")
    wait_idle(page)
    page.locator(".st-key-alignment").locator("xpath=following::button[contains(., 'Export')][1]").click()
    with page.expect_download(timeout=120_000) as download:
        page.get_by_test_id("stPopoverBody").get_by_role("button", name="PNG", exact=True).click()
    png = __import__("pathlib").Path(download.value.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width == 3 * 1000 and height >= 3 * 240  # print resolution: 3× the 1000-pixel-wide figure
    no_errors(page)


def test_a_step_charts_export_is_the_step_on_screen(server, page):
    """The step page's export menus are made once by the page; the step fragment fills them while open."""
    page.goto(f"{server}/?step=3")
    wait_idle(page)
    menu = page.locator(".st-key-diagram").locator("xpath=following::button[contains(., 'Export')][1]")

    def html_export() -> str:
        with page.expect_download(timeout=60_000) as download:
            page.get_by_test_id("stPopoverBody").get_by_role("button", name="HTML", exact=True).click()
        return download.value.suggested_filename

    def step_is(t: int) -> None:
        wait_step(page, t)
        page.wait_for_url(re.compile(rf"step={t}\b"), timeout=30_000)  # reported to the server
        wait_idle(page)

    menu.click()
    assert html_export() == "diagram-step3.html"
    page.keyboard.press("Escape")
    page.mouse.click(700, 60)
    page.keyboard.press("ArrowRight")
    step_is(4)
    menu.click()
    assert html_export() == "diagram-step4.html"
    page.keyboard.press("ArrowRight")  # a step while the menu is open: its files follow
    step_is(5)
    assert html_export() == "diagram-step5.html"
    no_errors(page)


def test_play_advances_by_itself_and_pause_stops(server, page):
    page.goto(f"{server}/?step=1")
    wait_idle(page)
    page.get_by_role("button", name=re.compile("Play")).click()
    page.wait_for_function(f"Number(document.querySelector('{SLIDER}').value) >= 3", timeout=60_000)
    page.get_by_role("button", name=re.compile("Pause")).click()
    stopped = step_shown(page)
    page.wait_for_timeout(3_000)
    assert step_shown(page) == stopped
    page.wait_for_url(re.compile(rf"step={stopped}\b"), timeout=30_000)  # the server knows where it stopped
    no_errors(page)


REACT_LOG = """() => {
    window.__reactLog = [];
    const react = window.Plotly.react;
    window.Plotly.react = (gd, ...rest) => {
        window.__reactLog.push(gd.classList.contains('live-chart-spare') ? 'spare' : 'shown');
        return react(gd, ...rest);
    };
}"""


HIT = """(key) => {
    document.querySelector('.st-key-' + key).scrollIntoView({block: 'center'});
    const box = document.querySelector('.st-key-' + key + ' .js-plotly-plot .nsewdrag').getBoundingClientRect();
    const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2).closest('.js-plotly-plot');
    return hit.classList.contains('live-chart-spare') ? 'spare' : 'shown';
}"""


def test_a_step_to_a_neighbour_is_drawn_ahead_and_a_jump_draws_the_charts_in_sight_first(server, page):
    """The steps next to the one shown are drawn ahead in hidden spare graphs: → shows them, drawing nothing
    on screen; a jump (End) redraws through Plotly.react, the charts in sight (stage 4) before the diagram."""
    page.goto(f"{server}/?step=2")
    wait_idle(page)
    page.evaluate("document.querySelector('.st-key-output').scrollIntoView({block: 'center'})")
    page.wait_for_function("document.querySelector('.st-key-output .live-chart').__liveChartInSight === true",
                           timeout=30_000)
    wait_idle(page)  # (the spares have drawn steps 1 and 3)
    page.evaluate(REACT_LOG)
    page.mouse.click(700, 40)
    pressed = page.evaluate("performance.now()")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(t) => ['diagram', 'vectors', 'output'].every((key) => window.__liveChartShown[key] > t)",
                           arg=pressed, timeout=30_000)
    wait_idle(page)
    log = page.evaluate("window.__reactLog")
    assert step_shown(page) == 3 and log and set(log) == {"spare"}, log  # (step 4 drawn ahead, after)
    assert page.evaluate("document.querySelectorAll('.st-key-alpha .js-plotly-plot').length") == 3
    # the spares, hidden over the chart, take no pointer: a hover or click there reaches the chart shown
    assert page.evaluate(HIT, "alpha") == "shown"
    page.evaluate("document.querySelector('.st-key-output').scrollIntoView({block: 'center'})")
    page.wait_for_function("document.querySelector('.st-key-output .live-chart').__liveChartInSight === true",
                           timeout=30_000)
    # each live chart notes when it was on screen after a redraw (app_pages/live_chart.js)
    pressed = page.evaluate("performance.now()")
    page.keyboard.press("End")
    page.wait_for_function("(t) => ['diagram', 'vectors', 'output'].every((key) => window.__liveChartShown[key] > t)",
                           arg=pressed, timeout=30_000)
    shown = page.evaluate("window.__liveChartShown")
    assert shown["output"] < shown["diagram"] and shown["vectors"] < shown["diagram"]
    assert "shown" in page.evaluate("window.__reactLog")
    no_errors(page)


STEP_NUMBERS = """(key) => {
    const gd = document.querySelector('.st-key-' + key + ' .js-plotly-plot');
    const row = (trace, field) => Array.from(gd._fullData[trace][field]);
    const first = (trace) => Array.from(gd._fullData[trace].z[0]);
    return {scores: key === 'scores' && row(0, 'y'), alpha: key === 'alpha' && row(0, 'y'),
            a: key === 'context' && first(1), concat: key === 'vectors' && first(0),
            s_tilde: key === 'vectors' && first(1), top: key === 'output' && row(0, 'x')};
}"""


def assert_shows_step(page, trace, t: int) -> None:
    """Every chart and formula line of the page shows the trace's numbers at step t."""
    step = trace.steps[t - 1]
    page.wait_for_function("(t) => Object.values(window.__stepGroups).some((g) => g.t === t && "
                           "[...g.charts.values()].every((c) => c.shown === t))", arg=t, timeout=30_000)
    got = {key: page.evaluate(STEP_NUMBERS, key) for key in ("scores", "alpha", "context", "vectors", "output")}
    assert got["scores"]["scores"] == pytest.approx(step.e, abs=1e-6)
    assert got["alpha"]["alpha"] == pytest.approx(step.alpha, abs=1e-6)
    assert got["context"]["a"] == pytest.approx(step.a, abs=1e-6)
    assert got["vectors"]["concat"] == pytest.approx(step.concat, abs=1e-6)
    assert got["vectors"]["s_tilde"] == pytest.approx(step.s_tilde, abs=1e-6)
    assert got["output"]["top"][: len(step.top_k)] == pytest.approx([p for _, p in step.top_k], abs=1e-6)
    alpha_line = page.locator(".st-key-stage2_numbers .step-text").inner_html()
    assert f"= {step.alpha.max():.4f}" in alpha_line
    assert f"Step {t} of {len(trace.steps)}" in page.locator(".st-key-caption .step-text").inner_text()
    assert step_shown(page) == t


def test_stepping_by_key_button_slider_and_play_shows_the_traces_numbers(server, page):
    text = "le 3 mars 1999"
    trace = load_pretrained(DEFAULT_MODEL).trace(text)
    T = len(trace.steps)
    page.goto(f"{server}/?text={urllib.parse.quote_plus(text)}")
    wait_idle(page)
    assert_shows_step(page, trace, 1)
    page.mouse.click(700, 60)
    page.keyboard.press("ArrowRight")
    assert_shows_step(page, trace, 2)
    page.get_by_role("button", name=re.compile("Next")).click()
    assert_shows_step(page, trace, 3)
    page.keyboard.press("End")
    assert_shows_step(page, trace, T)
    page.get_by_role("button", name=re.compile("Previous")).click()
    assert_shows_step(page, trace, T - 1)
    box = page.locator(SLIDER).bounding_box()  # a drag of the slider's thumb to the middle
    page.mouse.move(box["x"] + box["width"] * (T - 2) / (T - 1), box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()
    dragged = step_shown(page)
    assert 2 < dragged < T - 1
    assert_shows_step(page, trace, dragged)
    page.locator(SLIDER).focus()
    page.keyboard.press("ArrowLeft")  # on the focused slider the keys step once, not twice
    assert_shows_step(page, trace, dragged - 1)
    page.locator(".st-key-player select").select_option("0.5")
    page.mouse.click(700, 60)  # away from the speed box, which keeps its own keys
    page.keyboard.press("k")
    page.wait_for_function(f"document.querySelector('{SLIDER}').value === '{T}'", timeout=30_000)
    assert_shows_step(page, trace, T)  # played to the end, where it stops
    assert page.get_by_role("button", name=re.compile("Play")).is_visible()
    page.wait_for_url(re.compile(rf"step={T}\b"), timeout=30_000)
    no_errors(page)


def test_a_step_change_sends_no_figure_and_no_text(server, page):
    """The server gets the step (debounced) and sends back only the step's small controls."""
    frames = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(payload)))
    page.goto(f"{server}/?model=en-es-dot&text=the+red+car+is+on+the+road")
    wait_idle(page)
    page.mouse.click(700, 60)
    before = len(frames)
    for _ in range(4):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(60)
    page.wait_for_url(re.compile(r"step=5\b"), timeout=30_000)
    wait_idle(page)
    after = frames[before:]
    sent = b"".join(f if isinstance(f, bytes) else f.encode() for f in after)
    assert after and len(sent) < 8_000, len(sent)  # one report's reply: the player, menus, no figure
    assert b"bdata" not in sent and b"Output so far" not in sent and b'"kind": "chart"' not in sent
    no_errors(page)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_classroom_steps_by_key_after_a_stage_tab_is_clicked(server, projector, lang):
    page = projector
    page.goto(f"{server}/?classroom=true&step=2&lang={lang}")
    wait_idle(page)
    page.get_by_text(t("short_stage2", lang)).click()  # the stage tab of α_t
    page.wait_for_selector(".st-key-alpha .js-plotly-plot", timeout=30_000)
    wait_idle(page)
    assert "stage=stage2" in page.url  # the stage is part of the deep link
    page.keyboard.press("ArrowRight")  # the focus is on the tab; the arrow still steps
    wait_step(page, 3)
    alpha = load_pretrained(DEFAULT_MODEL).trace("2026년 11월 24일 화요일").steps[2].alpha
    page.wait_for_function("Object.values(window.__stepGroups).some((g) => g.charts.get('alpha')?.shown === 3)",
                           timeout=30_000)
    assert chart_data(page, "alpha") == pytest.approx(alpha, abs=1e-6)
    no_errors(page)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_new_input_opens_at_step_1(server, page, lang):
    page.goto(f"{server}/?step=6&lang={lang}")
    wait_idle(page)
    assert step_shown(page) == 6
    before = page.evaluate("Object.keys(window.__stepGroups)")
    page.locator(".st-key-text input").fill("1 May 2000")
    page.locator(".st-key-text input").press("Enter")
    page.wait_for_function("(before) => Object.keys(window.__stepGroups).length === 1 && "
                           "!before.includes(Object.keys(window.__stepGroups)[0])", arg=before, timeout=30_000)
    wait_idle(page)
    assert step_shown(page) == 1 and "step=6" not in page.url
    assert "1 May 2000" in urllib.parse.unquote_plus(page.url)
    no_errors(page)




def test_the_browsers_patches_are_pythons(server, page):
    """live_chart.js applies a step's patch as step_payload.apply does."""
    from app_pages.live_chart import figure_plain
    from app_pages.step_payload import apply, diff
    from attention_core.figures import alpha_bars

    trace = load_pretrained("en-es-dot").trace("<b>the</b> cat & the dog")
    pairs = [({"a": [1, {"b": 2}], "c": "x"}, {"a": [1, {"b": 3, "d": None}]}), ([1, 2], {"z": 1}),
             (figure_plain(alpha_bars(trace, 1)), figure_plain(alpha_bars(trace, len(trace.steps))))]
    page.goto(server)
    wait_idle(page)
    for base, other in pairs:
        patch = diff(base, other)
        assert page.evaluate("([base, patch]) => window.__stepApplyPatch(base, patch)", [base, patch]) == \
            apply(base, patch) == other


NO_SHARE = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map((gd) => [
    gd._context.showSendToCloud, !!gd.querySelector('[data-title^="Share chart"]')])"""


@pytest.mark.parametrize("path", ["/?step=2", "/alignment"])
def test_no_chart_offers_to_upload_itself(server, page, path):
    """plotly.js 4 shows a "Share chart…" button that uploads the figure to cloud.plotly.com by default."""
    page.goto(server + path)
    wait_idle(page)
    page.locator(".js-plotly-plot").first.hover()
    charts = page.evaluate(NO_SHARE)
    assert charts and all(chart == [False, False] for chart in charts), charts
    no_errors(page)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_classroom_stage_fits_a_projector(server, projector, lang):
    """At 1280 × 720 each stage's charts are on screen whole, below the controls (no scrolling in class)."""
    page = projector
    for stage in ("diagram", "stage1", "stage2", "stage3", "stage4"):
        page.goto(f"{server}/?classroom=true&lang={lang}&stage={stage}&step=5")
        wait_idle(page)
        bottoms = page.evaluate("Array.from(document.querySelectorAll('.js-plotly-plot')).map("
                                "(gd) => gd.getBoundingClientRect().bottom)")
        assert bottoms and max(bottoms) <= 720, (stage, bottoms)
        assert page.locator(".st-key-player input[type=range]").is_visible()
        screenshot(page, f"classroom-{stage}-{lang}-1280x720")
    no_errors(page)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_text_that_does_not_fit_the_model_is_named_and_its_examples_offered(server, page, lang):
    """A Korean date left in the box after a switch to an English model: a hint, and the model's examples."""
    from attention_core.examples import examples_for

    page.goto(f"{server}/?model=en-es-dot&lang={lang}&text=" + urllib.parse.quote_plus("2026년 11월 24일 화요일"))
    wait_idle(page)
    hint = page.locator("[data-testid=stAlert]").filter(has_text="en-es-dot")
    playwright_api.expect(hint).to_be_visible(timeout=30_000)
    example = examples_for("en-es")[0]
    page.locator("[class*='st-key-fit_'] button").first.click()  # the first of the model's examples
    playwright_api.expect(page.locator(".st-key-text input")).to_have_value(example, timeout=30_000)
    wait_idle(page)
    playwright_api.expect(hint).to_have_count(0, timeout=30_000)
    no_errors(page)
