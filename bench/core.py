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
SENTENCE_60 = " ".join(_STORY.split()[:59])  # 59 words and the end marker: 60 tokens of a word-level model


def _fitting(model, text: str, tokens: int) -> str:
    """The longest word prefix of `text` that `model` reads as at most `tokens` tokens (a subword model reads a
    word as one piece or more)."""
    words = text.split()
    while len(words) > 1 and len(model.source_tokenizer.encode(" ".join(words))) + 1 > tokens:  # (+ </s>)
        words.pop()
    return " ".join(words)


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


def batch_vs_loop(model_name: str = "dates-dot", count: int = 1000, batch_repeat: int = 3, model=None) -> dict:
    model = model or load_pretrained(model_name)
    texts = [ex.source for ex in make_splits(seed=0, train_size=10, test_size=count)["test"]][:count]
    batch = _times(lambda: model.trace_batch(texts), batch_repeat, warmup=1)
    start = time.perf_counter()
    for text in texts:
        model.trace(text)
    loop = time.perf_counter() - start
    best = statistics.median(batch)
    return {"model": model_name, "inputs": len(texts), "trace_batch_s": best, "loop_s": loop, "speedup": loop / best}


def dates_transformer(layers: int = 2, heads: int = 4, d_model: int = 64, max_target_len: int | None = None):
    """The shipped dates-transformer, or (until it ships) one of the same sizes with random weights in
    dates-dot's vocabulary: a trace's cost depends on the sizes and the number of steps, not the weights."""
    import torch

    from attention_core.checkpoint import build_model
    from attention_core.config import ModelConfig
    from attention_core.translator import Translator

    if "dates-transformer" in list_pretrained() and max_target_len is None:
        return load_pretrained("dates-transformer")
    gru = load_pretrained("dates-dot")
    base = gru.config
    torch.manual_seed(0)
    cfg = ModelConfig(architecture="transformer", decoder="transformer", score="scaled_dot", tokenizer=base.tokenizer,
                      source_vocab_size=base.source_vocab_size, target_vocab_size=base.target_vocab_size,
                      hidden_size=d_model, layers=layers, heads=heads, d_ff=2 * d_model, source_end_marker=False,
                      max_source_len=base.max_source_len, max_target_len=max_target_len or base.max_target_len)
    return Translator("random-transformer", cfg, build_model(cfg), gru.source_tokenizer, gru.target_tokenizer)


def transformer_vs_gru(repeat: int = 200) -> dict:
    """One trace of a 20-character date, the Transformer beside dates-dot, alternated in one loop. Both are
    forced to dates-dot's output, so both run the same steps whatever the weights."""
    gru, tf = load_pretrained("dates-dot"), dates_transformer()
    target = gru.translate(DATE_20)
    times = {"gru": [], "transformer": []}
    for model in (gru, tf):
        _times(lambda m=model: m.trace(DATE_20, target=target), 1, warmup=20)
    for _ in range(repeat):
        for key, model in (("gru", gru), ("transformer", tf)):
            start = time.perf_counter()
            model.trace(DATE_20, target=target)
            times[key].append(time.perf_counter() - start)
    gru_ms, tf_ms = median_ms(times["gru"]), median_ms(times["transformer"])
    return {"model": tf.name, "steps": len(target) + 1, "gru_ms": gru_ms, "transformer_ms": tf_ms,
            "ratio": tf_ms / gru_ms}


def incremental_vs_recompute(steps: int, repeat: int = 20) -> dict:
    """Decoding `steps` tokens with the keys and values of the prefix cached, against recomputing the whole
    prefix at every step (what a decoder without a cache does); the same layers, so the same numbers."""
    import torch

    tf = dates_transformer(max_target_len=steps)
    net = tf.model
    ids = tf.source_ids(DATE_20)
    x, lengths = torch.tensor([ids]), torch.tensor([len(ids)])
    y_in = torch.randint(4, tf.config.target_vocab_size, (1, steps))

    @torch.inference_mode()
    def cached():
        m = net.encode(x, lengths)
        state = net.initial_state(m)
        for t in range(steps):
            _, state = net.step(y_in[:, t], state, m)

    @torch.inference_mode()
    def recomputed():
        m = net.encode(x, lengths)
        for t in range(steps):
            net.decode_positions(y_in[:, : t + 1], net.initial_state(m), m)

    a, b = _times(cached, repeat, warmup=3), _times(recomputed, repeat, warmup=3)
    return {"steps": steps, "cached_ms": median_ms(a), "recomputed_ms": median_ms(b),
            "speedup": median_ms(b) / median_ms(a)}


def attribution_vs_trace(model_name: str = "dates-dot", repeat: int = 20, model=None) -> dict:
    """Integrated gradients for every step of a 20-character date against the plain trace, alternated in one loop
    (erasure beside them): the target is ≤ 50x."""
    model = model or load_pretrained(model_name)
    runs = {"trace": lambda: model.trace(DATE_20), "ig": lambda: model.trace(DATE_20, attribution=True),
            "erasure": lambda: model.trace(DATE_20, attribution="erasure")}
    for fn in runs.values():
        _times(fn, 1, warmup=3)
    times = {key: [] for key in runs}
    for _ in range(repeat):
        for key, fn in runs.items():
            start = time.perf_counter()
            fn()
            times[key].append(time.perf_counter() - start)
    ms = {key: median_ms(t) for key, t in times.items()}
    trace = model.trace(DATE_20, attribution=True)
    return {"model": model.name, "steps": len(trace.steps), "n_steps": [s.attribution.n_steps for s in trace.steps],
            "trace_ms": ms["trace"], "ig_ms": ms["ig"], "erasure_ms": ms["erasure"], "ratio": ms["ig"] / ms["trace"]}


def _points(n_steps: list[int]) -> str:
    """The points per step of one IG trace: "64 points", or "64 points, 2 steps at 128" after retries."""
    first, more = min(n_steps), sorted(set(n_steps) - {min(n_steps)})
    return ", ".join([f"{first} points"] + [f"{n_steps.count(n)} step(s) at {n}" for n in more])


def attribution_lines() -> list[str]:
    """python -m bench attribution: the time of attribution beside the plain trace, GRU and Transformer, torch on
    one thread (another process on the 2 cores makes torch's threads wait on each other, which slows the long
    attribution more than the short trace and so bends the ratio)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    lines = []
    try:
        for model in (load_pretrained("dates-dot"), dates_transformer()):
            r = attribution_vs_trace(model=model)
            lines.append(f"attribution of a 20-character date ({r['model']}, {r['steps']} steps, torch 1 thread): "
                         f"integrated gradients ({_points(r['n_steps'])}) {r['ig_ms']:.1f} ms, erasure "
                         f"{r['erasure_ms']:.1f} ms, plain trace {r['trace_ms']:.2f} ms; IG ratio {r['ratio']:.1f}x "
                         "(target ≤ 50)")
    finally:
        torch.set_num_threads(threads)
    return lines


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
        if what == "60-token input":
            text = _fitting(load_pretrained(model), text, 60)
        r = trace_latency(model, text, repeat=300 if model.startswith("dates") else 100)
        lines.append(f"trace, {what} ({model}, {r['tokens']} source tokens): median {r['median_ms']:.2f} ms, "
                     f"p95 {r['p95_ms']:.2f} ms")
    for count in (1_000, 10_000):
        b = batch_vs_loop(count=count)
        lines.append(f"trace_batch of {b['inputs']:,} dates (dates-dot): {b['trace_batch_s']:.3f} s; loop of trace: "
                     f"{b['loop_s']:.2f} s; speed-up {b['speedup']:.1f}x")
    lines += transformer_lines()
    lines += attribution_lines()
    return lines


def transformer_lines() -> list[str]:
    """python -m bench transformer: the Transformer (2 layers × 4 heads, d_model 64) against its targets."""
    r = transformer_vs_gru()
    lines = [f"trace of a 20-character date ({r['steps']} steps), {r['model']} (2 layers × 4 heads, d_model 64) "
             f"beside dates-dot, alternated: {r['transformer_ms']:.2f} ms vs {r['gru_ms']:.2f} ms, "
             f"ratio {r['ratio']:.2f} (target ≤ 2)"]
    tf = dates_transformer()
    b = batch_vs_loop(tf.name, count=1000, model=tf)
    lines.append(f"trace_batch of {b['inputs']:,} dates ({b['model']}): {b['trace_batch_s']:.3f} s; "
                 f"loop of trace: {b['loop_s']:.2f} s; "
                 f"speed-up {b['speedup']:.1f}x (target ≥ 10)")
    for steps in (30, 60):
        i = incremental_vs_recompute(steps)
        lines.append(f"decoding {steps} tokens with cached keys and values: {i['cached_ms']:.1f} ms; recomputing the "
                     f"prefix at each step: {i['recomputed_ms']:.1f} ms; speed-up {i['speedup']:.1f}x")
    return lines
