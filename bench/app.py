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


def apptest_step_rerun(model_name: str, text: str, changes: int = 40) -> dict:
    """Server-side time of one rerun after the step slider moves (the trace comes from the cache)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["model"], at.query_params["text"] = model_name, text
    at.run()
    T = len(load_pretrained(model_name).trace(text).steps)
    times = []
    for k in range(changes):
        slider = at.slider(key="step")
        slider.set_value(1 + (k * 7) % T)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    return {"median_ms": median_ms(times), "p95_ms": p95_ms(times), "steps": T}


def _ws_bytes(page) -> list[int]:
    counter = [0]

    def on_socket(ws):
        ws.on("framereceived", lambda payload: counter.__setitem__(0, counter[0] + len(payload)))

    page.on("websocket", on_socket)
    return counter


STEP_FIGURES = ["diagram", "scores", "alpha", "context", "vectors", "output"]
PRESS = "document.addEventListener('keydown', () => { window.__pressed = performance.now(); }, true)"
SHOWN = "(key) => (window.__liveChartShown || {})[key] > window.__pressed"


def _repaints(page, keys: list[str], count: int) -> dict[str, list[float]]:
    """Press → / ← `count` times; for each chart key, the time from the key press until the new step's
    chart is on screen. Both ends are the page's own clock: the key press, and the live chart's note
    of the first frame after its redraw (app_pages/live_chart.js), so the polling here costs nothing."""
    page.evaluate(PRESS)
    times = {key: [] for key in keys}
    for k in range(count):
        page.mouse.click(700, 40)  # focus the page (not a widget) so the arrow keys step
        page.keyboard.press("ArrowRight" if k % 2 == 0 else "ArrowLeft")
        for key in keys:
            page.wait_for_function(SHOWN, arg=key, polling=50, timeout=30_000)
        shown, pressed = page.evaluate("[window.__liveChartShown, window.__pressed]")
        for key in keys:
            times[key].append((shown[key] - pressed) / 1000)
        wait_idle(page)
    return times


IN_SIGHT = """(keys) => keys.filter((key) => {
    const box = document.querySelector('.st-key-' + key).getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight;
})"""


def _repaints_in_sight(page, anchor: str | None, count: int) -> tuple[list[str], list[float]]:
    """With chart `anchor` scrolled to the middle of the window (None: the top of the page): the charts
    in sight, and for each of `count` step changes the time until all of them show the new step."""
    page.evaluate("window.scrollTo(0, 0)" if anchor is None else
                  f"document.querySelector('.st-key-{anchor}').scrollIntoView({{block: 'center'}})")
    wait_idle(page)
    keys = page.evaluate(IN_SIGHT, STEP_FIGURES)
    times = _repaints(page, keys, count)
    return keys, [max(each) for each in zip(*(times[key] for key in keys))]


def cold_start(page) -> float:
    """Seconds from starting the server process to the first chart drawn in an already open browser."""
    started = {}
    with app_server(on_start=lambda p: started.setdefault("t", time.perf_counter())) as url:
        page.goto(f"{url}/")
        page.wait_for_selector(CHART, timeout=120_000)
        seconds = time.perf_counter() - started["t"]
    page.goto("about:blank")
    return seconds


def browser_metrics(model_name: str, text: str, repaints: int = 20) -> dict:
    """Cold start to first chart (the browser already open, as a user's is); repaint after a step change
    in the full page (at the top: the first chart, the third, all six, over the first step changes and
    then warm; then the charts in sight at three scroll positions) and in classroom mode; bytes per
    step change."""
    out = {}
    query = f"model={model_name}&text={text.replace(' ', '+')}&step=1"
    with chromium() as (_, page):
        out["cold_start_s"] = statistics.median(cold_start(page) for _ in range(5))
        with app_server() as url:
            counter = _ws_bytes(page)
            page.goto(f"{url}/?{query}")
            wait_idle(page)
            counter[0] = 0
            # The first step changes after the page opens are slower (the browser is still compiling
            # and warming its caches): timed apart from the next ones.
            for phase, count in (("", repaints), ("warm_", 2 * repaints)):
                times = _repaints(page, STEP_FIGURES, count)
                if not phase:
                    out["bytes_per_step"] = counter[0] / repaints
                times["all"] = [max(each) for each in zip(*(times[key] for key in STEP_FIGURES))]
                for name in ("diagram", "alpha", "all"):
                    out[f"{phase}repaint_{name}_median_ms"] = median_ms(times[name])
                    out[f"{phase}repaint_{name}_p95_ms"] = p95_ms(times[name])
            for anchor in (None, "alpha", "output"):
                keys, seen = _repaints_in_sight(page, anchor, repaints)
                out[f"in_sight_{anchor or 'top'}"] = (keys, median_ms(seen), p95_ms(seen))
            page.goto(f"{url}/?classroom=true&{query}")
            wait_idle(page)
            times = _repaints(page, ["diagram"], repaints)
            out["repaint_classroom_median_ms"] = median_ms(times["diagram"])
            out["repaint_classroom_p95_ms"] = p95_ms(times["diagram"])
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
    """RSS of the app server with every shipped model loaded, and after many step changes."""
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
            page.goto(f"{url}/?step=1")
            wait_idle(page)
            page.mouse.click(700, 40)
            marks = {}
            for k in range(step_changes):
                page.keyboard.press("ArrowRight" if (k // 10) % 2 == 0 else "ArrowLeft")
                page.wait_for_function("!document.querySelector('[data-testid=stStatusWidget]')", timeout=60_000)
                if k + 1 in (100, step_changes):
                    marks[k + 1] = holder["p"].memory_info().rss / 2**20
            out["rss_after_100_mb"], out[f"rss_after_{step_changes}_mb"] = marks[100], marks[step_changes]
    return out


def run() -> list[str]:
    lines = []
    shape = trace_shape("en-es-dot", LONG_SENTENCE)
    rerun = apptest_step_rerun("en-es-dot", LONG_SENTENCE)
    lines.append(f"server-side rerun on a step change (AppTest), en-es-dot trace of {shape[0]}×{shape[1]}: "
                 f"median {rerun['median_ms']:.0f} ms, p95 {rerun['p95_ms']:.0f} ms")
    b = browser_metrics("en-es-dot", LONG_SENTENCE)
    lines.append(f"cold start, server process start to first chart in an open Chromium (median of 5): "
                 f"{b['cold_start_s']:.2f} s")
    for phase, what in (("", "the first 20 step changes after the page opened"), ("warm_", "the next 40")):
        lines.append(f"step repaint in Chromium, same trace, key press to the new step on screen, {what}: diagram "
                     f"median {b[phase + 'repaint_diagram_median_ms']:.0f} ms "
                     f"(p95 {b[phase + 'repaint_diagram_p95_ms']:.0f}); α_t median "
                     f"{b[phase + 'repaint_alpha_median_ms']:.0f} ms (p95 {b[phase + 'repaint_alpha_p95_ms']:.0f}); "
                     f"all six figures median {b[phase + 'repaint_all_median_ms']:.0f} ms "
                     f"(p95 {b[phase + 'repaint_all_p95_ms']:.0f})")
    for anchor in ("top", "alpha", "output"):
        keys, median, p95 = b[f"in_sight_{anchor}"]
        where = "at the top" if anchor == "top" else f"scrolled to the {anchor} chart"
        lines.append(f"step repaint, page {where}, key press to every chart in sight ({', '.join(keys)}) "
                     f"showing the new step: median {median:.0f} ms (p95 {p95:.0f})")
    lines.append(f"step repaint in classroom mode (one figure): median {b['repaint_classroom_median_ms']:.0f} ms, "
                 f"p95 {b['repaint_classroom_p95_ms']:.0f} ms")
    lines.append(f"bytes sent to the browser per step change: {b['bytes_per_step'] / 1024:.0f} KiB (mean)")
    for count, u in upload_metrics().items():
        lines.append(f"upload of {count:,} date lines, file chosen to results table: {u['to_table_s']:.2f} s; "
                     f"progress texts seen {u['progress_updates_seen']}; slowest page script while decoding "
                     f"{u['slowest_page_script_ms']:.0f} ms")
    m = memory_metrics()
    lines.append(f"app server RSS with all {m['models_loaded']} models loaded: {m['rss_all_models_mb']:.0f} MB; "
                 f"after 100 step changes {m['rss_after_100_mb']:.0f} MB, after 1,000 "
                 f"{m['rss_after_1000_mb']:.0f} MB")
    return lines
