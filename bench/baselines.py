"""python -m bench baselines: dates-dot's (run(name) for another dates model) field attribution
(evaluate.field_looks on |attribution|) under several integrated-gradients baselines, beside erasure and field
attention, on the same held-out dates (issue 17: dates-dot's 57% with the zero baseline against α's 97%, and so the
default baseline). Every baseline keeps completeness (the retries of attribution.complete_integrated_gradients).

The baselines x' (N, E) tried, each a literature choice for text:
- zeros: every embedding the zero vector (the default until 2026-12-03, still the default of a vocabulary without
  a space; a GRU's <pad> row is zero, so also <pad>);
- unk: every token's embedding that of <unk> (a row never trained: no training date has an unknown character);
- space: every token a space, blank text of the same length (attribution.default_baseline, the default of the
  character models; the "black image" of characters: blind, as that one is to black pixels (Sturmfels et al.
  2020), to the input's own spaces, whose x − x' is 0);
- position mean: at position i the mean embedding of training dates' character i (an "average input");
- training dates: the mean of IG from TRAINING_BASELINES training dates of the same length (expected gradients,
  Erion et al. 2021, with a fixed sample): B times the work.
A baseline should be uninformative (Sundararajan et al. 2017: the model's score near zero there): the median
ŷ_t[token_t] at x' is given beside each. Because blank text cannot put its largest |value| on a space, every
method's share is also given with the spaces left out of the argmax: how much of blank text's gain is that."""

from __future__ import annotations

import collections
import warnings

import numpy as np
import torch

from attention_core import attribution, load_pretrained
from attention_core.data import load_task
from attention_core.evaluate import field_looks
from attention_core.tokenizers import UNK_ID

MODEL = "dates-dot"
DATES = 72  # the first 72 test dates the model reads (the card's 24 and 48 more): 576 output digits
TRAINING_BASELINES = 8
TRAIN_SAMPLE = 20000  # training dates read for the position mean and the same-length pool


def _baselines(translator, train: list) -> dict:
    """name → function of the input ids giving (x' (B, N, E), description)."""
    E = attribution.source_embedding(translator.model).weight.detach()
    rows = [translator.source_ids(ex.source) for ex in train[:TRAIN_SAMPLE]]
    longest = max(map(len, rows))
    sums, counts = torch.zeros(longest, E.shape[1]), torch.zeros(longest)
    same_length = collections.defaultdict(list)
    for ids in rows:
        sums[: len(ids)] += E[torch.tensor(ids)]
        counts[: len(ids)] += 1
        same_length[len(ids)].append(ids)
    position_mean = sums / counts.clamp(min=1)[:, None]

    def constant(token: int, what: str):
        return lambda ids: (E[torch.tensor([[token] * len(ids)])], what)

    def training_dates(ids):
        pool = same_length[len(ids)]
        few = len(pool) < TRAINING_BASELINES
        pick = np.random.default_rng(len(ids)).choice(len(pool), TRAINING_BASELINES, replace=few)
        return E[torch.tensor([pool[i] for i in pick])], "training dates"

    return {"zeros": lambda ids: attribution.zero_baseline(translator, ids),
            "unk": constant(UNK_ID, "<unk>"), "space": lambda ids: attribution.default_baseline(translator, ids),
            "position mean": lambda ids: (position_mean[None, : len(ids)], "position mean"),
            f"{TRAINING_BASELINES} training dates": training_dates}


def _landing(example, at: int, source: list[str]) -> str:
    """Where a digit's argmax falls when outside its field: another field, a space, punctuation, a letter."""
    for field, (start, end) in example.spans.items():
        if start <= at < end:
            return f"the {field}"
    char = source[at]
    return "a space" if char == " " else "a letter" if char.isalpha() else "punctuation" if not char.isdigit() \
        else "another digit"


def measure(name: str = MODEL, dates: int = DATES) -> dict:
    """Per method: hits per field (and per output position), where the misses land, the baseline's median
    ŷ_t[token_t], and the worst completeness gap."""
    torch.set_num_threads(1)
    translator = load_pretrained(name)
    seed = translator.metrics.get("training", {}).get("settings", {}).get("seed", 0)
    splits = load_task("dates", seed=seed)
    chosen = [ex for ex in splits["test"] if translator.check(ex.source) is None][:dates]
    baselines = _baselines(translator, splits["train"])
    hits = collections.defaultdict(lambda: collections.defaultdict(list))
    landed = collections.defaultdict(collections.Counter)
    at_baseline, worst = collections.defaultdict(list), collections.defaultdict(float)
    for ex in chosen:
        ids, trace = translator.source_ids(ex.source), translator.trace(ex.source)
        steps = range(len(trace.steps))
        matrices = {"field attention": trace.alignment,
                    "erasure": np.stack([a.values for a in attribution.erasure(translator, ids, trace)])}
        for method, baseline in baselines.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the worst gap is reported below
                found = attribution.complete_integrated_gradients(translator, ids, trace, steps, baseline(ids))
            matrices[method] = np.stack([found[t].values for t in steps])
            at_baseline[method] += [np.exp(found[t].baseline_logprob) for t in steps]
            worst[method] = max(worst[method], *(found[t].gap for t in steps))
        spaces = np.array([token == " " for token in trace.source_tokens])
        for method, matrix in matrices.items():
            hits[method]["all, spaces left out"] += [hit for *_, hit in field_looks(
                np.where(spaces, -1.0, np.abs(matrix)), ex.spans)]
            for j, field, at, hit in field_looks(np.abs(matrix), ex.spans):
                hits[method]["all"].append(hit)
                hits[method][field].append(hit)
                hits[method][f"{field} position {j + 1}"].append(hit)
                if not hit:
                    landed[method][_landing(ex, at, trace.source_tokens)] += 1
    return {"model": name, "dates": len(chosen), "hits": hits, "landed": landed,
            "median_at_baseline": {m: float(np.median(p)) for m, p in at_baseline.items()}, "worst_gap": worst}


def run(name: str = MODEL) -> list[str]:
    r = measure(name)
    lines = []
    for method, by in r["hits"].items():
        share = {key: f"{np.mean(v):.1%}" for key, v in by.items()}
        where = ", ".join(f"{k} {n}" for k, n in r["landed"][method].most_common())
        extra = (f"; median ŷ_t[token_t] at the baseline {r['median_at_baseline'][method]:.3f}, worst completeness "
                 f"gap {r['worst_gap'][method]:.1%}" if method in r["worst_gap"] else "")
        lines.append(f"{r['model']}, {r['dates']} test dates ({len(by['all'])} digits), {method}: field share "
                     f"{share['all']}, spaces left out of the argmax {share['all, spaces left out']} "
                     f"(year {share['year']}, "
                     f"month {share['month']}, day {share['day']}; by position "
                     + ", ".join(f"{k.split()[-1]} {v}" for k, v in share.items() if "position" in k)
                     + f"){extra}; misses land on {where}")
    return lines
