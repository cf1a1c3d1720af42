"""`python -m app_pages.launch [options of streamlit run]`: `streamlit run app.py`, with Plotly's first figures
built as soon as the server is listening.

The first page needs no torch (attention_core/catalog.py): its models are listed from their folders and its
default input's trace ships beside its model. What its first run still waits for is pandas (~0.4 s) and Plotly:
building the first figure of each kind imports that kind's classes (~0.4 s). Done here, both overlap with the
browser loading the page. torch and the models load after the first page (common.check_models), not here:
imported while the browser loads the page, torch held the interpreter and slowed the server's replies to it
(bench/app.py measures the cold start).
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def _warm() -> None:
    from streamlit.runtime import Runtime
    from streamlit.runtime.runtime import RuntimeState

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if Runtime.exists() and Runtime.instance().state != RuntimeState.INITIAL:
            break
        time.sleep(0.05)
    import pandas  # noqa: F401  (the step page imports it before its figures: see there)

    from app_pages import live_chart
    from app_pages.common import DEFAULT_MODEL, DEFAULT_TEXT
    from attention_core import catalog, figures

    trace = catalog.shipped_trace(catalog.PRETRAINED_DIR / DEFAULT_MODEL, DEFAULT_TEXT)
    if trace is None:
        return
    step = trace.steps[0]
    for fig in (figures.encoder_decoder_diagram(trace, 1), figures.score_bars(trace, 1), figures.alpha_bars(trace, 1),
                figures.context_figure(trace, 1), figures.vector_strip([("v", step.concat)]),
                figures.output_bars(trace, 1)):
        live_chart.figure_json(fig)


def main() -> int:
    threading.Thread(target=_warm, name="warm-imports", daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
