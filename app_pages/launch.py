"""`python -m app_pages.launch [options of streamlit run]`: `streamlit run app.py`, with the heavy
imports (torch, pandas, the attention core), the models and Plotly's first figures done as soon as
the server is listening.

With a plain `streamlit run` they wait for the first browser session and add ~1.5 s to its first
chart; done here they overlap with the browser loading the page. They wait for the server first:
started earlier they would compete with its own start for the interpreter (bench/app.py measures
the cold start both ways).
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
    import pandas  # noqa: F401
    import torch  # noqa: F401

    from app_pages import common, live_chart
    from attention_core import figures, list_pretrained

    # Every model into the process-wide cache (the first page lists them all), then the first page's
    # figures once: Plotly imports each trace type's classes on first use, ~0.15 s.
    for name in list_pretrained():
        try:
            common.get_model(name)
        except Exception:  # a broken model is reported by the page that lists it
            pass
    trace = common.get_model(common.DEFAULT_MODEL).trace(common.DEFAULT_TEXT)
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
