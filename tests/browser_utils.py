"""The browser tests' helpers live with the benchmarks' (bench/harness.py): one app server, one Chromium set-up."""

from bench.harness import (
    CHART,
    CHROMIUM,
    CHROMIUM_ARGS,
    LOCAL,
    SCREENSHOTS,
    app_server,
    chart_data,
    screenshot,
    wait_idle,
)

__all__ = ["CHART", "CHROMIUM", "CHROMIUM_ARGS", "LOCAL", "SCREENSHOTS", "app_server", "chart_data", "screenshot",
           "wait_idle"]
