"""In headless Chromium: an exported figure carries its context and its standalone HTML fetches nothing; a
download of many results shows that it is being made."""

from __future__ import annotations

import urllib.parse

import pytest

from bench.harness import IDLE

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is installed by requirements-dev.txt")


def idle(page) -> None:
    page.wait_for_function(IDLE, timeout=90_000)


def upload_for(page, path, download: str):
    """Give the upload page the file at `path`; the button of the download `download` (up_jsonl, up_csv) once
    the results are in and the page is idle."""
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(path))
    button = page.locator(f".st-key-{download} [data-testid=stDownloadButton] button")
    button.wait_for(timeout=120_000)
    idle(page)
    return button


def test_exported_html_names_model_input_and_step_and_fetches_nothing(server, page, browser, tmp_path):
    text = "<b>x</b> 24 November 2026"
    page.goto(f"{server}/whatif?model=dates-dot&text={urllib.parse.quote(text)}")
    page.locator(".st-key-wi_alpha .js-plotly-plot").wait_for(timeout=90_000)
    idle(page)
    # (a box can show its value a moment after the page's first chart)
    playwright_api.expect(page.locator("[class*=st-key-wi_step] input")).not_to_have_value("", timeout=30_000)
    step = page.locator("[class*=st-key-wi_step] input").input_value()
    page.locator(".st-key-wi_alpha_export button").first.click()
    button = page.locator(".st-key-wi_alpha_html").get_by_role("button", name="HTML", exact=True)
    button.wait_for(timeout=60_000)
    with page.expect_download(timeout=60_000) as download:
        button.click()
    path = tmp_path / "figure.html"
    download.value.save_as(path)
    html = path.read_text(encoding="utf-8")
    assert "model dates-dot" in html and f"step t = {step}" in html
    assert "&lt;b&gt;x&lt;/b&gt; 24 November 2026" in html  # the input as text, escaped
    assert page.outside == []

    # The inlined plotly.js keeps URL strings (README, "No outbound traffic"): opened with the network cut,
    # the page draws its figure and asks for nothing.
    offline = browser.new_context(offline=True)
    viewer = offline.new_page()
    requests = []
    viewer.on("request", lambda r: requests.append(r.url))
    viewer.goto(path.as_uri())
    viewer.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    assert "step t" in viewer.locator(".gtitle").first.text_content()
    assert [r for r in requests if not r.startswith("file:")] == []
    offline.close()


def test_a_download_of_many_results_shows_that_it_is_being_made(server, page, tmp_path):
    lines = tmp_path / "many.txt"
    words = "the cat dog man house car red black small old is was bought saw near river market".split()
    lines.write_text("\n".join(" ".join(words[(i * 7 + k) % len(words)] for k in range(4 + i % 9))
                               for i in range(3000)) + "\n", encoding="utf-8")
    page.goto(f"{server}/upload")
    page.locator("[data-testid=stSelectbox]").first.click()
    page.get_by_role("option", name="en-es-dot", exact=True).click()
    idle(page)
    button = upload_for(page, lines, "up_jsonl")
    with page.expect_download(timeout=120_000) as download:
        button.click()
        # While the lines are decoded again, the button is disabled and shows a spinner (Streamlit's own for a
        # file made on click), so a second click cannot start a second one.
        page.locator(".st-key-up_jsonl [data-testid=stSpinnerIcon]").wait_for(timeout=5_000)
        assert button.is_disabled()
    path = tmp_path / "results.jsonl"
    download.value.save_as(path)
    assert len(path.read_text(encoding="utf-8").splitlines()) == 3000
    page.locator(".st-key-up_jsonl [data-testid=stSpinnerIcon]").wait_for(state="detached", timeout=10_000)
    assert page.outside == []


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_uploaders_own_words_follow_the_language(server, page, lang):
    from app_pages.texts import t
    from attention_core.trace_files import KINDS as TRACE_KINDS
    from attention_core.upload import KINDS, MAX_MB

    # the file kinds the core reads: inputs (upload.py), then traces (trace_files.py), each once
    types = ", ".join(dict.fromkeys(kind.lstrip(".").upper() for kind in (*KINDS, *TRACE_KINDS)))

    page.goto(f"{server}/upload" + ("?lang=ko" if lang == "ko" else ""))
    page.locator("[data-testid=stFileUploaderDropzone]").wait_for(timeout=60_000)
    idle(page)
    # Streamlit's own English is hidden and the page's words are drawn in its place (CSS content): what is seen
    # is the visible text plus those words.
    seen = page.evaluate("""() => {
        const zone = document.querySelector('[data-testid=stFileUploaderDropzone]');
        const after = (el) => { const c = getComputedStyle(el, '::after').content; return c === 'none' ? '' : c; };
        const button = zone.querySelector('button [data-testid=stMarkdownContainer]');
        const limit = zone.querySelector('[data-testid=stFileUploaderDropzoneInstructions] > div');
        return [button.innerText + after(button), limit.innerText + after(limit)];
    }""")
    if lang == "ko":
        limit = t("upload_limit", "ko", mb=MAX_MB, types=types)
        assert seen == [f'"{t("upload_button", "ko")}"', f'"{limit}"']
    else:
        assert seen == ["Upload", f"{MAX_MB}MB per file • {types}"]  # Streamlit's own, with the core's limit
    assert page.outside == []


def test_the_csv_download_of_a_file_with_targets_has_the_models_output_and_the_targets(server, page, tmp_path):
    import csv
    import io

    pairs = tmp_path / "pairs.csv"
    pairs.write_text("source,target\n24. November 2026,2026-11-25\n1999. 12. 31.,\n", encoding="utf-8")
    page.goto(f"{server}/upload")
    button = upload_for(page, pairs, "up_csv")
    with page.expect_download(timeout=60_000) as download:
        button.click()
    rows = list(csv.DictReader(io.StringIO(
        __import__("pathlib").Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert [(r["source"], r["prediction"], r["target"]) for r in rows] == [
        ("24. November 2026", "2026-11-24", "2026-11-25"), ("1999. 12. 31.", "1999-12-31", "")]
    assert float(rows[0]["target_prob"]) < 0.5 and rows[1]["target_prob"] == ""
