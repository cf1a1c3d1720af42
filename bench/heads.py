"""python -m bench heads: stepping a Transformer's page with every head's grid in sight, against Plotly.newPlot
of the same charts at the same moments (the limit: what drawing costs), and against the GRU page's step change
measured in the same run (issue: "stepping as fast as the GRU page, with the grid shown"); then the stepping issue's
other targets on the Transformer's page: autoplay at 0.5 s per step with the grid shown (every step drawn once, the
main thread's long tasks) and classroom mode's heads stage (the grid alone on the projector)."""

from __future__ import annotations

import urllib.parse

from .app import IN_SIGHT, _repaints, autoplay
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
        # autoplay from step 1 with the grid in the middle of the window (every chart of the page is stepped)
        page.keyboard.press("Home")
        page.evaluate("document.querySelector('.st-key-grid').scrollIntoView({block: 'center'})")
        wait_idle(page)
        T = page.evaluate("Object.values(window.__stepGroups)[0].T")
        present = [key for key in HEAD_FIGURES + GRU_FIGURES if page.locator(f".st-key-{key}").count()]
        out["autoplay"] = autoplay(page, T, present) | {"T": T}
        page.goto(f"{url}/?model={TRANSFORMER}&text={urllib.parse.quote_plus(TEXT)}&step=1&layer=2&head=3"
                  "&classroom=true&stage=heads")
        wait_idle(page)
        below = "[data-testid=stCaptionContainer]"  # the stage's caption (on a projector the slider is at the top)
        _repaints(page, ["grid"], repaints, anchor=["grid"], focus=below)
        times, new_plots = _repaints(page, ["grid"], 2 * repaints, anchor=["grid"], focus=below)
        out["classroom"] = times["grid"], new_plots
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
    a = m["autoplay"]
    lines.append(f"autoplay at 0.5 s per step over the Transformer's {a['T']} steps, grid in sight: every step drawn "
                 f"once by each of its {len(a['drawn'])} charts: {a['every_step_once']}; longest main-thread task "
                 f"{max(a['long_tasks_ms'], default=0):.0f} ms ({len(a['long_tasks_ms'])} over 50 ms)")
    seen, new_plots = m["classroom"]
    lines.append(f"classroom mode, the heads stage (the grid): {median_ms(seen):.0f} ms; Plotly.newPlot of it "
                 f"{median_ms(new_plots):.0f} ms: {median_ms(seen) / median_ms(new_plots):.2f}×")
    return lines
