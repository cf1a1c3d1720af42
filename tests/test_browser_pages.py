"""In headless Chromium, across pages: the language and classroom mode hold on every page change, and the
URL of every page keeps the language (a shared link opens in it)."""

from __future__ import annotations

import urllib.parse

import pytest
from browser_utils import no_errors, screenshot

from app_pages.texts import LANG_NAMES, t
from attention_core import load_pretrained
from bench.harness import IDLE

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is installed by requirements-dev.txt")

# (url path, title key), in the sidebar's order
PAGES = [("", "page_step"), ("alignment", "page_alignment"), ("compare", "page_compare"), ("beam", "page_beam"),
         ("forced", "page_forced"), ("whatif", "page_whatif"), ("upload", "page_upload"),
         ("sandbox", "page_sandbox")]


def shows(page, title: str) -> None:
    """Until the page's title is `title` and Streamlit has finished the run (the upload page has no chart)."""
    page.get_by_role("heading", name=title, exact=True).wait_for(timeout=30_000)
    page.wait_for_function(IDLE, timeout=60_000)


def url_lang(page) -> list[str]:
    return urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query).get("lang", [])


def model_and_text_held(page) -> None:
    playwright_api.expect(page.locator(".st-key-model input")).to_have_value("en-es-dot")
    playwright_api.expect(page.locator(".st-key-text input")).to_have_value("she bought the red car")


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_language_holds_on_every_page_change(server, page, lang):
    """Korean from a shared link; English chosen in the sidebar after a Korean link (the URL's old value must
    not come back). Then every sidebar link, and the alignment cell click that opens Step by step; the model
    and the input hold too."""
    page.goto(f"{server}/?lang=ko&model=en-es-dot&text=she+bought+the+red+car")
    shows(page, t("page_step", "ko"))
    if lang == "en":
        page.locator("[data-testid=stSidebar]").get_by_text(LANG_NAMES["en"], exact=True).click()
        shows(page, t("page_step", "en"))
    for path, title in PAGES[1:] + PAGES[:2]:
        page.locator(f"[data-testid=stSidebarNavLink][href='{server}/{path}']").click()
        shows(page, t(title, lang))
        assert url_lang(page) == ([] if lang == "en" else ["ko"]), page.url
        if path == "compare":  # on the current model's task, with its input
            playwright_api.expect(page.locator(".st-key-cmp_text_en-es input")).to_have_value("she bought the red car")
    model_and_text_held(page)
    box = page.locator(".st-key-alignment .nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.42, box["y"] + box["height"] * 0.5)  # row 3 of 5, column 3 of 6
    shows(page, t("page_step", lang))
    assert url_lang(page) == ([] if lang == "en" else ["ko"]), page.url
    model_and_text_held(page)
    playwright_api.expect(page.locator(".st-key-player input[type=range]")).to_have_value("3")  # the step player
    no_errors(page)


def query(page) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_classroom_mode_has_a_way_out_and_between_pages(server, projector, lang):
    """On a projector: every page but Step by step (which has its own) starts with the classroom panel; its
    links go to the other pages in the same language and mode, with the same model and input; ✕ leaves."""
    page, keep = projector, "" if lang == "en" else "&lang=ko"
    page.goto(f"{server}/alignment?classroom=true&model=en-es-dot&text=she+bought+the+red+car{keep}")
    shows(page, t("page_alignment", lang))
    # the first page of a fresh projector session: under CI's load its style can come later than 5 s
    playwright_api.expect(page.locator("[data-testid=stSidebar]")).to_be_hidden(timeout=20_000)
    page.get_by_text(t("classroom_menu", lang), exact=True).click()
    page.wait_for_timeout(500)  # the panel opens with an animation
    screenshot(page, f"classroom-alignment-menu-{lang}-1280x720")
    page.get_by_role("link", name=t("page_beam", lang), exact=True).click()
    shows(page, t("page_beam", lang))
    playwright_api.expect(page.locator("[data-testid=stSidebar]")).to_be_hidden()
    url = query(page)
    assert url["classroom"] == ["true"] and url.get("lang", []) == ([] if lang == "en" else ["ko"]), page.url
    model_and_text_held(page)
    screenshot(page, f"classroom-beam-{lang}-1280x720")
    page.get_by_role("button", name=t("exit_classroom", lang)).click()
    page.locator("[data-testid=stSidebar]").wait_for(state="visible", timeout=30_000)
    shows(page, t("page_beam", lang))
    assert "classroom" not in query(page) or query(page)["classroom"] == ["false"], page.url
    no_errors(page)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_cell_click_in_classroom_mode_opens_the_step_in_classroom_mode(server, projector, lang):
    page, keep = projector, "" if lang == "en" else "&lang=ko"
    page.goto(f"{server}/alignment?classroom=true&model=en-es-dot&text=she+bought+the+red+car{keep}")
    shows(page, t("page_alignment", lang))
    cells = page.locator(".st-key-alignment .nsewdrag").first
    cells.scroll_into_view_if_needed()
    box = cells.bounding_box()
    T = len(load_pretrained("en-es-dot").trace("she bought the red car").steps)
    page.mouse.click(box["x"] + box["width"] * 0.42, box["y"] + box["height"] * (2.5 / T))  # the middle of row 3
    page.get_by_text(f"t = 3 / {T}").wait_for(timeout=30_000)  # the step page's classroom view, at that step
    page.wait_for_function(IDLE, timeout=60_000)
    playwright_api.expect(page.locator("[data-testid=stSidebar]")).to_be_hidden()
    playwright_api.expect(page.get_by_role("button", name=t("exit_classroom", lang))).to_be_visible()
    url = query(page)
    assert url["classroom"] == ["true"] and url.get("lang", []) == ([] if lang == "en" else ["ko"]), page.url
    screenshot(page, f"classroom-step-from-cell-{lang}-1280x720")
    no_errors(page)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_upload_results_are_there_after_another_page(server, page, lang, tmp_path):
    source = tmp_path / "dates.txt"
    source.write_text("Tuesday, November 24, 2026\n24. November 2026\n", encoding="utf-8")
    page.goto(f"{server}/upload" + ("?lang=ko" if lang == "ko" else ""))
    shows(page, t("page_upload", lang))
    page.locator("[data-testid=stFileUploaderDropzone] input[type=file]").set_input_files(str(source))
    page.wait_for_selector(".st-key-up_table [data-testid=stDataFrame]", timeout=60_000)
    page.locator(f"[data-testid=stSidebarNavLink][href='{server}/alignment']").click()
    shows(page, t("page_alignment", lang))
    page.locator(f"[data-testid=stSidebarNavLink][href='{server}/upload']").click()
    shows(page, t("page_upload", lang))
    page.wait_for_selector(".st-key-up_table [data-testid=stDataFrame]", timeout=30_000)
    page.get_by_text("dates.txt").first.wait_for(timeout=30_000)  # which file the results are of
    no_errors(page)


@pytest.mark.parametrize(("model", "lang", "limit"), [("dates-dot", "en", 64), ("en-es-dot", "ko", 63)])
def test_a_long_paste_is_kept_whole_and_refused_with_the_models_limit(server, page, model, lang, limit):
    page.goto(f"{server}/?model={model}" + ("&lang=ko" if lang == "ko" else ""))
    shows(page, t("page_step", lang))
    unit = t(f"unit_{'char' if model.startswith('dates') else 'subword'}", lang)
    page.get_by_text(t("input_limit", lang, model=model, limit=limit, unit=unit)).wait_for(timeout=30_000)
    box = page.locator(".st-key-text input")
    box.fill("1 " * 1000)  # as a paste: the whole text at once
    box.press("Enter")
    refused = page.locator("[data-testid=stAlert]").filter(has_text=f"{model} reads at most {limit}")
    refused.wait_for(timeout=30_000)  # the core's message, with the same limit
    assert len(box.input_value()) == 2000  # nothing cut off silently
    no_errors(page)
