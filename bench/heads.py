"""python -m bench heads: stepping a Transformer's page with every head's grid in sight, against Plotly.newPlot
of the same charts at the same moments (the limit: what drawing costs), and against the GRU page's step change
measured in the same run (issue: "stepping as fast as the GRU page, with the grid shown")."""

from __future__ import annotations

import urllib.parse

from .app import IN_SIGHT, _repaints
from .harness import app_server, chromium, median_ms, p95_ms, wait_idle

TEXT = "2026년 11월 24일 화요일"
GRU, TRANSFORMER = "dates-scaled_dot", "dates-transformer"
HEAD_FIGURES = ["grid", "heads", "self"]
GRU_FIGURES = ["diagram", "scores", "alpha", "context", "vectors", "output"]


def _in_sight(page, anchor: str, keys: list[str], count: int):
    page.evaluate(f"document.querySelector('.st-key-{anchor}').scrollIntoView({{block: 'center'}})")
    wait_idle(page)
    present = [key for key in keys if page.locator(f".st-key-{key}").count()]
    shown = page.evaluate(IN_SIGHT, present)
    times, new_plots = _repaints(page, shown, count, anchor=shown)
    seen = [max(each) for each in zip(*(times[key] for key in shown))]
    return shown, seen, new_plots


def heads_metrics(repaints: int = 20) -> dict:
    out = {}
    with chromium() as (_, page), app_server() as url:
        for name, anchor, keys in ((GRU, "alpha", GRU_FIGURES), (TRANSFORMER, "grid", HEAD_FIGURES + GRU_FIGURES)):
            head = "&layer=2&head=3" if name == TRANSFORMER else ""  # one head: every stage's chart is there
            page.goto(f"{url}/?model={name}&text={urllib.parse.quote_plus(TEXT)}&step=1{head}")
            wait_idle(page)
            _in_sight(page, anchor, keys, repaints)  # warm-up: the first step changes compile and fill caches
            out[name] = _in_sight(page, anchor, keys, 2 * repaints)
    return out


def run() -> list[str]:
    m = heads_metrics()
    lines = []
    for name in (GRU, TRANSFORMER):
        keys, seen, new_plots = m[name]
        lines.append(f"step change, {name}, page scrolled to the {'grid' if name == TRANSFORMER else 'alpha chart'}: "
                     f"key press to every chart in sight ({', '.join(keys)}) showing the new step, median "
                     f"{median_ms(seen):.0f} ms (p95 {p95_ms(seen):.0f}); Plotly.newPlot of them at the same moments "
                     f"{median_ms(new_plots):.0f} ms: {median_ms(seen) / median_ms(new_plots):.2f}× the drawing")
    gru, transformer = (median_ms(m[n][1]) for n in (GRU, TRANSFORMER))
    lines.append(f"the Transformer's step with the grid in sight against the GRU page's, same run: "
                 f"{transformer:.0f} ms vs {gru:.0f} ms, {transformer / gru:.2f}×")
    return lines
