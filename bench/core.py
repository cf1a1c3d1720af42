"""Core latency: one trace, trace_batch vs a loop of trace."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from attention_core import list_pretrained, load_pretrained
from attention_core.data.dates import make_splits

from .harness import ROOT, median_ms, p95_ms

DATE_20 = "Tuesday, 24 Nov 2026"  # 20 characters
SENTENCE_15 = "the children played in the garden behind the old house all afternoon with the dog"  # 15 words
_STORY = ("the old man who lived in the small house near the river told the children a long story about the war "
          "and the cold winter of that year when the snow covered the fields and the roads and nobody could leave "
          "the village for many weeks so the families shared their bread and their wood and sang old songs by the "
          "fire every night until the spring came back")
SENTENCE_60 = " ".join(_STORY.split()[:59])  # 59 words and the end marker: 60 tokens


def _times(fn, repeat: int, warmup: int = 10) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def trace_latency(model_name: str, text: str, repeat: int = 300) -> dict:
    model = load_pretrained(model_name)
    times = _times(lambda: model.trace(text), repeat)
    return {"model": model_name, "input": text, "tokens": len(model.source_ids(text)),
            "median_ms": median_ms(times), "p95_ms": p95_ms(times)}


def batch_vs_loop(model_name: str = "dates-dot", count: int = 1000, batch_repeat: int = 3) -> dict:
    model = load_pretrained(model_name)
    texts = [ex.source for ex in make_splits(seed=0, train_size=10, test_size=count)["test"]][:count]
    batch = _times(lambda: model.trace_batch(texts), batch_repeat, warmup=1)
    start = time.perf_counter()
    for text in texts:
        model.trace(text)
    loop = time.perf_counter() - start
    best = statistics.median(batch)
    return {"model": model_name, "inputs": len(texts), "trace_batch_s": best, "loop_s": loop, "speedup": loop / best}


LOAD_ALL = """
import time
from attention_core import list_pretrained, load_pretrained
start = time.perf_counter()
models = [load_pretrained(name) for name in list_pretrained()]
print(len(models), time.perf_counter() - start)
"""


def load_all() -> dict:
    """Loading every shipped model in a fresh interpreter (after the imports), and their size on disk."""
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", LOAD_ALL], capture_output=True, text=True, check=True,
                             cwd=ROOT).stdout.split()
        runs.append(float(out[1]))
    sizes = {p.name: sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) / 2**20
             for p in sorted((ROOT / "pretrained").iterdir()) if p.is_dir()}
    return {"models": int(out[0]), "load_s": statistics.median(runs), "total_mb": sum(sizes.values()),
            "largest": max(sizes.items(), key=lambda kv: kv[1])}


def run() -> list[str]:
    lines = []
    m = load_all()
    lines.append(f"loading all {m['models']} shipped models (fresh process, median of 3): {m['load_s']:.2f} s; "
                 f"on disk {m['total_mb']:.1f} MB in all, largest {m['largest'][0]} {m['largest'][1]:.1f} MB")
    for model, text, what in [("dates-dot", DATE_20, "20-character date"),
                              ("en-es-dot", SENTENCE_15, "15-word sentence"),
                              ("en-es-dot", SENTENCE_60, "60-token input")]:
        if model not in list_pretrained():
            lines.append(f"trace, {what}: skipped, {model} is not in pretrained/")
            continue
        r = trace_latency(model, text, repeat=300 if model.startswith("dates") else 100)
        lines.append(f"trace, {what} ({model}, {r['tokens']} source tokens): median {r['median_ms']:.2f} ms, "
                     f"p95 {r['p95_ms']:.2f} ms")
    for count in (1_000, 10_000):
        b = batch_vs_loop(count=count)
        lines.append(f"trace_batch of {b['inputs']:,} dates (dates-dot): {b['trace_batch_s']:.3f} s; loop of trace: "
                     f"{b['loop_s']:.2f} s; speed-up {b['speedup']:.1f}x")
    return lines
