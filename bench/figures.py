"""`python -m bench figures`: what each of the step page's six figures costs Plotly in the browser, alone.

For each chart of the page (29 × 30 trace of en-es-dot, as `python -m bench app`), its figures of every step
from the page's own payload are drawn into a div laid over the chart: Plotly.react from one step to the next
and Plotly.newPlot from scratch, each timed on the page's clock to the end of the page layout it leaves (the
frame's painting is not in it), with the number of times Plotly had the page laid out (getBoundingClientRect:
a text it has not measured before). Medians; the machine's drift cancels only between figures of one run.
"""

from __future__ import annotations

from .app import LONG_SENTENCE, STEP_FIGURES
from .harness import app_server, chromium, wait_idle

COST = r"""async ([key, rounds]) => {
    const g = Object.values(window.__stepGroups).find((group) => group.charts.has(key));
    const steps = g.payload.charts[key];
    const figures = steps.patches.map((patch) => window.__stepApplyPatch(steps.base, patch));
    const host = document.querySelector('.st-key-' + key);
    host.style.position = 'relative';
    const div = document.createElement('div');
    div.style.cssText = 'position:absolute;left:0;top:0;width:100%;background:#fff;z-index:5';
    host.appendChild(div);
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
    const measure = Element.prototype.getBoundingClientRect;
    let layouts = 0;
    Element.prototype.getBoundingClientRect = function () { layouts += 1; return measure.call(this); };
    const react = [], newPlot = [], counts = [];
    const timed = async (draw) => {
        await frame();
        layouts = 0;
        const start = performance.now();
        draw();
        measure.call(document.body);  // the layout the draw leaves for the frame
        return performance.now() - start;
    };
    try {
        window.Plotly.newPlot(div, ...Object.values(structuredClone(figures[0])));
        for (let k = 1; k <= rounds; k++) {
            const f = structuredClone(figures[k % figures.length]);
            react.push(await timed(() => window.Plotly.react(div, f.data, f.layout)));
            counts.push(layouts);
        }
        for (let k = 0; k < rounds; k++) {
            const f = structuredClone(figures[k % figures.length]);
            window.Plotly.purge(div);
            newPlot.push(await timed(() => window.Plotly.newPlot(div, f.data, f.layout)));
        }
    } finally {
        Element.prototype.getBoundingClientRect = measure;
        window.Plotly.purge(div);
        div.remove();
    }
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    return {react: median(react), newPlot: median(newPlot), layouts: median(counts)};
}"""


def figure_costs(rounds: int = 30) -> dict[str, dict]:
    query = f"model=en-es-dot&text={LONG_SENTENCE.replace(' ', '+')}&step=1"
    with chromium() as (_, page), app_server() as url:
        page.goto(f"{url}/?{query}")
        wait_idle(page)
        page.wait_for_timeout(1_000)
        return {key: page.evaluate(COST, [key, rounds]) for key in STEP_FIGURES}


def run() -> list[str]:
    costs = figure_costs()
    lines = [f"{key}: Plotly.react to the next step {c['react']:.1f} ms ({c['layouts']} page layouts), newPlot "
             f"{c['newPlot']:.1f} ms" for key, c in costs.items()]
    lines.append(f"all six: react {sum(c['react'] for c in costs.values()):.0f} ms, newPlot "
                 f"{sum(c['newPlot'] for c in costs.values()):.0f} ms (drawn one after the other, no frame between)")
    return lines
