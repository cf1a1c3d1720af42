"""The browser tests' helpers live with the benchmarks' (bench/harness.py): one app server, one Chromium set-up."""

from bench.harness import (
    CHART,
    CHROMIUM,
    CHROMIUM_ARGS,
    LOCAL,
    SCREENSHOTS,
    SHOWN_PLOT,
    app_server,
    chart_data,
    screenshot,
    wait_idle,
)

__all__ = ["CHART", "CHROMIUM", "CHROMIUM_ARGS", "LOCAL", "SCREENSHOTS", "SHOWN_PLOT", "app_server", "chart_data",
           "new_page", "no_errors", "screenshot", "wait_idle"]


def new_page(browser, width: int = 1400, height: int = 1000):
    """A page in a new browser context that notes every request that would leave the machine."""
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.outside = []
    page.on("request", lambda r: None if r.url.startswith(LOCAL) else page.outside.append(r.url))
    return page


def no_errors(page) -> None:
    """No exception shown, no request beyond 127.0.0.1."""
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.outside == [], page.outside
