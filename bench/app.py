"""App benchmarks: server-side rerun on a step change (AppTest), cold start and repaint in Chromium,
bytes sent per step change, uploads of 1,000 and 10,000 lines, memory with every model loaded and
after 1,000 step changes."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import psutil

from attention_core import list_pretrained, load_pretrained
from attention_core.data.dates import make_splits

from .harness import CHART, ROOT, app_server, chromium, median_ms, p95_ms, wait_idle

LONG_SENTENCE = ("the candidate conceded after enough votes had come in to show that he would lose and the vote in "
                 "new hampshire often decides the outcome of the presidential election")  # en-es-dot: 29 × 30


def trace_shape(model_name: str, text: str) -> tuple[int, int]:
    trace = load_pretrained(model_name).trace(text)
    return len(trace.target_tokens), len(trace.source_tokens)


def payload_build(model_name: str, text: str) -> dict:
    """Server time to make what a new input sends the browser once: every step's figures of the six charts,
    compact (app_pages/step_by_step.py's payload, without its cache), and its size as JSON."""
    import json

    from app_pages.live_chart import figure_plain
    from app_pages.step_by_step import FIGURES
    from app_pages.step_payload import compact_steps

    trace = load_pretrained(model_name).trace(text)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        charts = {key: compact_steps([figure_plain(FIGURES[key](trace, t, "en", 14))
                                      for t in range(1, len(trace.steps) + 1)]) for key in STEP_FIGURES}
        times.append(time.perf_counter() - start)
    sizes = {key: len(json.dumps(value)) for key, value in charts.items()}
    plain = sum(len(json.dumps(figure_plain(FIGURES[key](trace, t, "en", 14))))
                for key in STEP_FIGURES for t in range(1, len(trace.steps) + 1))
    return {"median_ms": median_ms(times), "bytes": sum(sizes.values()), "by_chart": sizes, "uncompacted": plain}


def _ws_bytes(page) -> list[int]:
    counter = [0]

    def on_socket(ws):
        ws.on("framereceived", lambda payload: counter.__setitem__(0, counter[0] + len(payload)))

    page.on("websocket", on_socket)
    return counter


STEP_FIGURES = ["diagram", "scores", "alpha", "context", "vectors", "output"]
# When the key was pressed: the event's own time (the step's work may start in an earlier listener).
PRESS = "window.addEventListener('keydown', (event) => { window.__pressed = event.timeStamp; }, true)"
SHOWN = "(key) => (window.__liveChartShown || {})[key] > window.__pressed"
# Plotly.newPlot of charts `keys` at the shown step, from scratch, each into a new div of the same size laid
# over the chart (so that it is painted too), all in one task, timed like a step change: to the first frame
# after they are drawn.
NEW_PLOT = """(keys) => new Promise((resolve) => {
    const start = performance.now();
    const divs = keys.map((key) => {
        const g = Object.values(window.__stepGroups).find((group) => group.charts.has(key));
        const steps = g.payload.charts[key];
        const figure = window.__stepApplyPatch(steps.base, steps.patches[g.t - 1]);
        const host = document.querySelector('.st-key-' + key);
        const div = document.createElement('div');
        div.style.cssText = 'position:absolute;left:0;top:0;width:100%;background:#fff;z-index:5';
        host.style.position = 'relative';
        host.appendChild(div);
        window.Plotly.newPlot(div, figure.data, figure.layout, {displaylogo: false});
        return div;
    });
    requestAnimationFrame(() => setTimeout(() => {
        const took = performance.now() - start;
        for (const div of divs) { window.Plotly.purge(div); div.remove(); }
        resolve(took);
    }));
})"""


# Drawing ahead off, and the steps the spare graphs hold forgotten: every step change redraws through react.
AHEAD_OFF = """() => {
    window.__liveChartAhead = false;
    for (const g of Object.values(window.__stepGroups))
        for (const chart of g.charts.values()) for (const gd of chart.spares) gd.__step = null;
}"""


def _step_key(page, k: int) -> None:
    page.keyboard.press("ArrowRight" if (k // 5) % 2 == 0 else "ArrowLeft")  # 5 steps on, 5 back, …


def _repaints(page, keys: list[str], count: int, anchor: list[str] | None = None,
              focus: str | None = None) -> tuple[dict, list[float]]:
    """Press → / ← `count` times; for each chart key, the time from the key press until the new step's
    chart is on screen. Both ends are the page's own clock: the key press, and the live chart's note
    of the first frame after its redraw (app_pages/live_chart.js), so the polling here costs nothing.
    After each step change, the charts `anchor` are drawn anew with Plotly.newPlot (NEW_PLOT), timed the same
    way: the anchor of the step's ratio, measured at the same moment. `focus`: a selector of text on the page
    that is no control, clicked first so that the keys go to the page (default: a point near the top)."""
    page.evaluate(PRESS)
    times, new_plots = {key: [] for key in keys}, []
    if focus:
        page.locator(focus).first.click()
    else:
        page.mouse.click(700, 40)  # focus the page (not a widget)
    for k in range(count):
        _step_key(page, k)
        for key in keys:
            page.wait_for_function(SHOWN, arg=key, polling=50, timeout=30_000)
        shown, pressed = page.evaluate("[window.__liveChartShown, window.__pressed]")
        for key in keys:
            times[key].append((shown[key] - pressed) / 1000)
        wait_idle(page)
        if anchor:
            new_plots.append(page.evaluate(NEW_PLOT, anchor) / 1000)
    return times, new_plots


IN_SIGHT = """(keys) => keys.filter((key) => {
    const box = document.querySelector('.st-key-' + key).getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight;
})"""


def _repaints_in_sight(page, anchor: str | None, count: int) -> tuple[list[str], list[float], list[float]]:
    """With chart `anchor` scrolled to the middle of the window (None: the top of the page): the charts
    in sight, for each of `count` step changes the time until all of them show the new step, and the time
    Plotly.newPlot takes to draw them from scratch."""
    page.evaluate("window.scrollTo(0, 0)" if anchor is None else
                  f"document.querySelector('.st-key-{anchor}').scrollIntoView({{block: 'center'}})")
    wait_idle(page)
    keys = page.evaluate(IN_SIGHT, STEP_FIGURES)
    times, new_plots = _repaints(page, keys, count, anchor=keys)
    return keys, [max(each) for each in zip(*(times[key] for key in keys))], new_plots


def cold_start(page, script: Path | None = None) -> float:
    """Seconds from starting the server process to the first chart drawn in an already open browser."""
    started = {}
    with app_server(on_start=lambda p: started.setdefault("t", time.perf_counter()), script=script) as url:
        page.goto(f"{url}/")
        page.wait_for_selector(CHART, timeout=120_000)
        seconds = time.perf_counter() - started["t"]
    page.goto("about:blank")
    return seconds


LONG_TASKS = """() => { window.__longTasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
        .observe({type: 'longtask'}); window.__stepDrawLog = []; }"""


def autoplay(page, T: int, keys: list[str] = STEP_FIGURES) -> dict:
    """Play at 0.5 s per step from step 1 to the end: the steps each chart of `keys` drew, in order, and the main
    thread's long tasks (over 50 ms) meanwhile."""
    page.evaluate(LONG_TASKS)
    page.locator(".st-key-player select").select_option("0.5")
    page.mouse.click(700, 40)
    started = time.perf_counter()
    page.keyboard.press("k")
    page.wait_for_function(f"document.querySelector('.st-key-player input[type=range]').value === '{T}'",
                           timeout=120_000)
    wait_idle(page)
    seconds = time.perf_counter() - started
    log, tasks = page.evaluate("[window.__stepDrawLog, window.__longTasks]")
    drawn = {key: [t for k, t in log if k == key] for key in keys}
    return {"every_step_once": all(steps == list(range(2, T + 1)) for steps in drawn.values()),
            "drawn": drawn, "long_tasks_ms": sorted(tasks, reverse=True), "seconds": seconds}


def js_heap_mb(page) -> float:
    """The page's JS heap after a full garbage collection (Chromium's DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("HeapProfiler.collectGarbage")
    used = cdp.send("Runtime.getHeapUsage")["usedSize"]
    cdp.detach()
    return used / 2**20


def cold_starts(page, rounds: int = 5) -> dict:
    """Cold start to first chart (the browser already open, as a user's is) against a bare page, alternated
    so that both see the machine at the same moments: the medians and every run."""
    app, bare = [], []
    for _ in range(rounds):
        app.append(cold_start(page))
        bare.append(cold_start(page, ROOT / "bench" / "bare_page.py"))
    return {"cold_start_s": statistics.median(app), "cold_start_bare_s": statistics.median(bare),
            "cold_start_runs": (app, bare)}


def browser_metrics(model_name: str, text: str, repaints: int = 20, cold: bool = True) -> dict:
    """Cold start (`cold_starts`, unless `cold` is false); repaint after a step change in the full page against
    Plotly.newPlot of the same chart at the same moment (the chart in sight at three scroll positions, all
    six) and in classroom mode; autoplay; bytes."""
    out = {}
    query = f"model={model_name}&text={text.replace(' ', '+')}&step=1"
    with chromium() as (_, page):
        if cold:
            out |= cold_starts(page)
        with app_server() as url:
            counter = _ws_bytes(page)
            page.goto(f"{url}/?{query}")
            wait_idle(page)
            out["first_load_bytes"] = counter[0]
            counter[0] = 0
            T = page.evaluate("Object.values(window.__stepGroups)[0].T")
            # The first step changes after the page opens are slower (the browser is still compiling
            # and warming its caches): timed apart from the next ones.
            for phase, count in (("", repaints), ("warm_", 2 * repaints)):
                times, new_plots = _repaints(page, STEP_FIGURES, count, anchor=["diagram"])
                times["all"] = [max(each) for each in zip(*(times[key] for key in STEP_FIGURES))]
                for name in ("diagram", "all"):
                    out[f"{phase}repaint_{name}"] = (median_ms(times[name]), p95_ms(times[name]))
                out[f"{phase}new_plot_diagram"] = (median_ms(new_plots), p95_ms(new_plots))
            # The same without the steps drawn ahead (app_pages/live_chart.js): every chart through Plotly.react on
            # the key press, the path of a jump or of keys held faster than the drawing; in the same run.
            page.evaluate(AHEAD_OFF)
            times, new_plots = _repaints(page, STEP_FIGURES, 2 * repaints, anchor=["diagram"])
            times["all"] = [max(each) for each in zip(*(times[key] for key in STEP_FIGURES))]
            out["react_repaint_diagram"] = (median_ms(times["diagram"]), p95_ms(times["diagram"]))
            out["react_repaint_all"] = (median_ms(times["all"]), p95_ms(times["all"]))
            out["react_new_plot_diagram"] = (median_ms(new_plots), p95_ms(new_plots))
            page.evaluate("window.__liveChartAhead = true")
            # All six drawn from scratch, in one task, at the same moments: what drawing the step costs.
            all_six = [page.evaluate(NEW_PLOT, STEP_FIGURES) / 1000 for _ in range(repaints)]
            out["new_plot_all"] = (median_ms(all_six), p95_ms(all_six))
            page.wait_for_timeout(1_000)  # the last report's reply
            out["bytes_per_step"] = counter[0] / (3 * repaints)
            for anchor in (None, "alpha", "output"):
                keys, seen, new_plots = _repaints_in_sight(page, anchor, repaints)
                out[f"in_sight_{anchor or 'top'}"] = (keys, median_ms(seen), p95_ms(seen), median_ms(new_plots))
            page.evaluate("window.scrollTo(0, 0)")
            page.keyboard.press("Home")
            wait_idle(page)
            out["autoplay"] = autoplay(page, T)
            page.goto(f"{url}/?classroom=true&{query}")
            wait_idle(page)
            times, new_plots = _repaints(page, ["diagram"], repaints, anchor=["diagram"])
            out["repaint_classroom"] = (median_ms(times["diagram"]), p95_ms(times["diagram"]), median_ms(new_plots))
    return out


def upload_metrics(counts=(1_000, 10_000)) -> dict:
    """End to end in the browser: from choosing the file to the results table, and whether the page stays
    responsive (the longest a trivial script waits while the server decodes)."""
    out = {}
    examples = make_splits(seed=3, train_size=10, test_size=max(counts))["test"]
    with app_server() as url, chromium() as (_, page), tempfile.TemporaryDirectory() as tmp:
        for count in counts:
            path = Path(tmp) / f"dates-{count}.txt"
            path.write_text("\n".join(e.source for e in examples[:count]) + "\n", encoding="utf-8")
            page.goto(f"{url}/upload")
            page.wait_for_selector("[data-testid=stFileUploaderDropzone]", timeout=60_000)
            start = time.perf_counter()
            page.locator("[data-testid=stFileUploaderDropzone] input[type=file]").set_input_files(str(path))
            progress_seen, worst_js = set(), 0.0
            while not page.locator(".st-key-up_table [data-testid=stDataFrame]").count():
                js = time.perf_counter()
                text = page.evaluate("document.querySelector('[data-testid=stProgress]')?.innerText || ''")
                worst_js = max(worst_js, time.perf_counter() - js)
                if text:
                    progress_seen.add(text)
                time.sleep(0.05)
                if time.perf_counter() - start > 300:
                    raise TimeoutError("the results table did not appear")
            out[count] = {"to_table_s": time.perf_counter() - start, "progress_updates_seen": len(progress_seen),
                          "slowest_page_script_ms": 1000 * worst_js}
    return out


def memory_metrics(step_changes: int = 1_000) -> dict:
    """RSS of the app server with every shipped model loaded, and the server's RSS and the page's JS heap
    after many step changes in the browser."""
    out = {}
    holder = {}
    with app_server(on_start=lambda p: holder.setdefault("p", psutil.Process(p.pid))) as url:
        with chromium() as (_, page):
            page.goto(f"{url}/compare")  # the compare page loads every model of a task
            wait_idle(page)
            page.get_by_text("English → Spanish").click()
            wait_idle(page)
            out["models_loaded"] = len(list_pretrained())
            out["rss_all_models_mb"] = holder["p"].memory_info().rss / 2**20
            page.goto(f"{url}/?model=en-es-dot&text={LONG_SENTENCE.replace(' ', '+')}&step=1")
            wait_idle(page)
            page.mouse.click(700, 40)
            marks = {}
            for k in range(step_changes):
                _step_key(page, k)
                if k % 10 == 9:  # now and then let the reports reach the server
                    page.wait_for_timeout(300)
                    wait_idle(page)
                if k + 1 in (100, step_changes):
                    wait_idle(page)
                    marks[k + 1] = (holder["p"].memory_info().rss / 2**20, js_heap_mb(page))
            out["after_100"], out["after_all"] = marks[100], marks[step_changes]
    return out


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×"


def _cold_line(b: dict) -> str:
    app, bare = b["cold_start_runs"]
    return (f"cold start, server process start to first chart in an open Chromium (median of {len(app)}, alternated): "
            f"{b['cold_start_s']:.2f} s; bare Streamlit page, one Plotly chart, {b['cold_start_bare_s']:.2f} s: "
            f"{_ratio(b['cold_start_s'], b['cold_start_bare_s'])} (runs: {', '.join(f'{s:.2f}' for s in app)}; bare "
            f"{', '.join(f'{s:.2f}' for s in bare)})")


def run_cold() -> list[str]:
    """`python -m bench cold`: the cold start alone."""
    with chromium() as (_, page):
        return [_cold_line(cold_starts(page))]


def run() -> list[str]:
    lines = []
    shape = trace_shape("en-es-dot", LONG_SENTENCE)
    built = payload_build("en-es-dot", LONG_SENTENCE)
    lines.append(f"a new input's whole trace for the browser, en-es-dot {shape[0]}×{shape[1]}: built in "
                 f"{built['median_ms']:.0f} ms (server), {built['bytes'] / 1024:.0f} KiB of JSON (the same figures "
                 f"uncompacted: {built['uncompacted'] / 1024:.0f} KiB); by chart: "
                 + ", ".join(f"{key} {size / 1024:.0f}" for key, size in built["by_chart"].items()) + " KiB")
    b = browser_metrics("en-es-dot", LONG_SENTENCE)
    lines.append(_cold_line(b))
    lines.append(f"first load of that page: {b['first_load_bytes'] / 1024:.0f} KiB over the websocket; per step change "
                 f"afterwards {b['bytes_per_step'] / 1024:.1f} KiB (mean: the debounced reports' replies)")
    for phase, what in (("", "the first 20 step changes after the page opened"), ("warm_", "the next 40")):
        diagram, every, new_plot = b[phase + "repaint_diagram"], b[phase + "repaint_all"], b[phase + "new_plot_diagram"]
        lines.append(f"step change, key press to the new step on screen, {what}: diagram median {diagram[0]:.0f} ms "
                     f"(p95 {diagram[1]:.0f}), all six figures {every[0]:.0f} ms (p95 {every[1]:.0f}); Plotly.newPlot "
                     f"of the diagram at the same moments {new_plot[0]:.0f} ms (p95 {new_plot[1]:.0f}): diagram "
                     f"{_ratio(diagram[0], new_plot[0])}, all six {_ratio(every[0], new_plot[0])}")
    diagram, every, new_plot = b["react_repaint_diagram"], b["react_repaint_all"], b["react_new_plot_diagram"]
    lines.append(f"the same without the steps drawn ahead (Plotly.react on the key press: a jump), the 40 after those: "
                 f"diagram {diagram[0]:.0f} ms (p95 {diagram[1]:.0f}), all six {every[0]:.0f} ms (p95 {every[1]:.0f}); "
                 f"newPlot of the diagram {new_plot[0]:.0f} ms: diagram {_ratio(diagram[0], new_plot[0])}, all six "
                 f"{_ratio(every[0], new_plot[0])}")
    lines.append(f"all six figures drawn from scratch with Plotly.newPlot in one task: {b['new_plot_all'][0]:.0f} ms "
                 f"(p95 {b['new_plot_all'][1]:.0f}); a step change's all six (next 40) against it: "
                 f"{_ratio(b['warm_repaint_all'][0], b['new_plot_all'][0])}")
    for anchor in ("top", "alpha", "output"):
        keys, median, p95, new_plot = b[f"in_sight_{anchor}"]
        where = "at the top" if anchor == "top" else f"scrolled to the {anchor} chart"
        lines.append(f"step change, page {where}, key press to every chart in sight ({', '.join(keys)}) showing the "
                     f"new step: median {median:.0f} ms (p95 {p95:.0f}); newPlot of them {new_plot:.0f} ms: "
                     f"{_ratio(median, new_plot)}")
    c = b["repaint_classroom"]
    lines.append(f"step change in classroom mode (one figure): median {c[0]:.0f} ms (p95 {c[1]:.0f}); Plotly.newPlot "
                 f"of it {c[2]:.0f} ms: {_ratio(c[0], c[2])}")
    a = b["autoplay"]
    longest = a["long_tasks_ms"][0] if a["long_tasks_ms"] else 0
    lines.append(f"autoplay at 0.5 s per step over the {shape[0]} steps: every chart drew every step once, in order: "
                 f"{a['every_step_once']}; {a['seconds']:.1f} s; long tasks (> 50 ms) {len(a['long_tasks_ms'])}, "
                 f"longest {longest:.0f} ms")
    for count, u in upload_metrics().items():
        lines.append(f"upload of {count:,} date lines, file chosen to results table: {u['to_table_s']:.2f} s; "
                     f"progress texts seen {u['progress_updates_seen']}; slowest page script while decoding "
                     f"{u['slowest_page_script_ms']:.0f} ms")
    m = memory_metrics()
    lines.append(f"app server RSS with all {m['models_loaded']} models loaded: {m['rss_all_models_mb']:.0f} MB; "
                 f"after 100 step changes in the browser: server {m['after_100'][0]:.0f} MB, page JS heap "
                 f"{m['after_100'][1]:.1f} MB; after 1,000: {m['after_all'][0]:.0f} MB, {m['after_all'][1]:.1f} MB")
    return lines
