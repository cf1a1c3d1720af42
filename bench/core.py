"""Core latency: one trace, trace_batch vs a loop of trace."""

from __future__ import annotations

import statistics
import time

from attention_core import load_pretrained
from attention_core.data.dates import make_splits

DATE_20 = "Tuesday, 24 Nov 2026"  # 20 characters


def _times(fn, repeat: int, warmup: int = 10) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def _p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * (len(values) - 1))]


def trace_latency(model_name: str, text: str, repeat: int = 300) -> dict:
    model = load_pretrained(model_name)
    times = _times(lambda: model.trace(text), repeat)
    return {"model": model_name, "input": text, "tokens": len(model.source_ids(text)),
            "median_ms": 1000 * statistics.median(times), "p95_ms": 1000 * _p95(times)}


def batch_vs_loop(model_name: str = "dates-dot", count: int = 1000, batch_repeat: int = 5) -> dict:
    model = load_pretrained(model_name)
    texts = [ex.source for ex in make_splits(seed=0, train_size=10, test_size=count)["test"]][:count]
    batch = _times(lambda: model.trace_batch(texts), batch_repeat, warmup=1)
    start = time.perf_counter()
    for text in texts:
        model.trace(text)
    loop = time.perf_counter() - start
    best = statistics.median(batch)
    return {"model": model_name, "inputs": len(texts), "trace_batch_s": best, "loop_s": loop, "speedup": loop / best}


def run() -> list[str]:
    latency = trace_latency("dates-dot", DATE_20)
    batch = batch_vs_loop()
    return [
        f"trace, 20-character date ({latency['input']!r}, dates-dot): median {latency['median_ms']:.2f} ms, "
        f"p95 {latency['p95_ms']:.2f} ms",
        f"trace_batch of {batch['inputs']:,} dates: {batch['trace_batch_s']:.3f} s; loop of trace: "
        f"{batch['loop_s']:.2f} s; speed-up {batch['speedup']:.1f}x",
    ]
