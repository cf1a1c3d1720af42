"""Measured figures: exact match, BLEU/chrF, field attention, and scores by source length."""

from __future__ import annotations

import numpy as np

from .data.dates import FIELDS, TARGET_FIELDS
from .heads import is_multi_head
from .tokenizers import UNK
from .trace import TOLERANCE, Trace
from .translator import Translator
from .words import word_groups

DATE_LENGTH_BUCKETS = ((1, 12), (13, 16), (17, 20), (21, 24), (25, 28), (29, 64))
# The test sentences are short (WordNet examples: median 5 words); the definitions run longer.
SENTENCE_LENGTH_BUCKETS = ((1, 3), (4, 5), (6, 7), (8, 9), (10, 11), (12, 64))
DEFINITION_LENGTH_BUCKETS = ((1, 3), (4, 6), (7, 9), (10, 12), (13, 15), (16, 64))


def exact_match(predictions: list[str], targets: list[str]) -> float:
    return float(np.mean([p == t for p, t in zip(predictions, targets)])) if targets else 0.0


def bleu_chrf(predictions: list[str], references: list[str]) -> tuple[float, float]:
    """Corpus BLEU and chrF (sacrebleu), lowercased."""
    import sacrebleu

    bleu = sacrebleu.corpus_bleu(predictions, [references], lowercase=True).score
    chrf = sacrebleu.corpus_chrf(predictions, [references]).score  # chrF has no lowercase switch
    return float(bleu), float(chrf)


def field_looks(alignment: np.ndarray, spans: dict):
    """(output position j, its field, argmax_i α_t^i, whether it falls inside the field's span) for each output
    digit of "YYYY-MM-DD" that `alignment` (T, N) has a row for: the one definition of field attention."""
    for j, field in TARGET_FIELDS.items():
        if j < len(alignment):
            start, end = spans[field]
            at = int(alignment[j].argmax())
            yield j, field, at, start <= at < end


def field_attention(traces: list[Trace], examples: list) -> dict:
    """Share of output digits whose argmax α falls inside their field's span in the input.

    Output position j of "YYYY-MM-DD" copies field TARGET_FIELDS[j]; the step that emits it must look
    at that field. Reported overall and per field (year, month, day), for the alignment view.
    """
    hits = {f: 0 for f in FIELDS}
    totals = {f: 0 for f in FIELDS}
    misses = []
    for trace, example in zip(traces, examples):
        alignment = trace.alignment
        if alignment is None:
            continue
        for j, field, at, hit in field_looks(alignment, example.spans):
            totals[field] += 1
            hits[field] += int(hit)
            if not hit and len(misses) < 6:
                misses.append({"source": example.source, "position": j, "digit": trace.target_tokens[j],
                               "field": field, "at": at, "attended": trace.source_tokens[at]})
    out: dict = {f"field_attention_{f}": hits[f] / totals[f] if totals[f] else 0.0 for f in FIELDS}
    out["attention_misses"] = misses
    total = sum(totals.values())
    out["field_attention"] = sum(hits.values()) / total if total else 0.0
    return out


# α_t counts as one-hot when its largest weight exceeds this: stage 3's weighted sum is then one h_i.
ONE_HOT_ALPHA = 0.99


def attention_spread(traces: list[Trace]) -> dict:
    """How much of a distribution each α_t is, over every step of every trace's alignment view:
    one_hot_share = share of steps with max_i α_t^i > ONE_HOT_ALPHA; entropy = mean of
    H(α_t) = −Σ_i α_t^i ln α_t^i (nats; 0 for one-hot, ln N for uniform), exp(entropy) reading as
    "the number of tokens a step attends to"; score_gap = mean of max_i e_t^i − the next largest e_t^i,
    the margin softmax turns into α (e^gap: how many times the best token outweighs the next), where the
    view has scores (None for a layer's mean over heads)."""
    largest, entropy, gaps = [], [], []
    for trace in traces:  # each its own N
        if trace.alignment is None:
            continue
        rows = trace.alignment.astype(np.float64)
        largest.append(rows.max(axis=1))
        entropy.append(-(rows * np.log(np.clip(rows, 1e-12, 1.0))).sum(axis=1))
        if trace.steps[0].e is not None and rows.shape[1] > 1:
            e = np.sort(np.stack([step.e for step in trace.steps]).astype(np.float64), axis=1)
            gaps.append(e[:, -1] - e[:, -2])
    if not largest:
        return {"one_hot_share": 0.0, "entropy": 0.0, "score_gap": None, "steps": 0}
    largest, entropy = np.concatenate(largest), np.concatenate(entropy)
    return {"one_hot_share": float((largest > ONE_HOT_ALPHA).mean()), "entropy": float(entropy.mean()),
            "score_gap": float(np.concatenate(gaps).mean()) if gaps else None, "steps": len(largest)}


def _share_inside(alignments: list[np.ndarray], examples: list) -> float:
    looks = [hit for alignment, ex in zip(alignments, examples) for *_, hit in field_looks(alignment, ex.spans)]
    return sum(looks) / len(looks) if looks else 0.0


def field_attention_heads(traces: list[Trace], examples: list) -> dict:
    """Field attention (all output digits) of every cross-attention head, per layer, and of each layer's mean
    over its heads (DESIGN §5): {"layers": [[share of head j] per layer ℓ], "mean": [share per layer]}.
    A GRU is one layer of one head: [[x]] and [x], x = field_attention."""
    pairs = [(every, ex) for trace, ex in zip(traces, examples)
             if (every := trace.cross_attention(0)) is not None]  # (L, h, T, N) each
    if not pairs:
        return {"layers": [], "mean": []}
    every, chosen = [a for a, _ in pairs], [ex for _, ex in pairs]
    L, h = every[0].shape[:2]
    return {"layers": [[_share_inside([a[ell, j] for a in every], chosen) for j in range(h)] for ell in range(L)],
            "mean": [_share_inside([a[ell].mean(axis=0) for a in every], chosen) for ell in range(L)]}


def crossing_heads(traces: dict[str, Trace], pairs: dict[str, list[tuple[str, str, str, str]]]) -> dict:
    """Which cross-attention views cross on adjective–noun pairs (examples.CROSSING_PAIRS): over words (words.py),
    a view crosses on a pair when the Spanish noun's largest Ā is on the English noun and the Spanish adjective's
    on the English adjective. {"pairs": pairs whose Spanish words the translation has, "crossed": {"ℓ:j": pairs
    crossed by head j of layer ℓ ("ℓ:mean": the layer's mean; a GRU: "1:1")}}."""
    from .heads import at_head, head_choices  # (heads imports trace only; here to keep this module's imports few)
    from .words import trace_words

    produced, crossed = 0, {}
    for text, trace in traces.items():
        if trace.alignment is None:
            continue
        views = {where: trace_words(at_head(trace, *where)) for where in head_choices(trace)}
        first = next(iter(views.values()))
        for adj, noun, adj_es, noun_es in pairs.get(text, []):
            at = {name: next((k for k, w in enumerate(words) if w.lower() in forms.split("|")), None)
                  for name, words, forms in (("adj", first.source_words, adj), ("noun", first.source_words, noun),
                                             ("adj_es", first.target_words, adj_es),
                                             ("noun_es", first.target_words, noun_es))}
            if None in at.values():
                continue
            produced += 1
            for (layer, head), view in views.items():
                A = view.alignment
                hit = A[at["noun_es"]].argmax() == at["noun"] and A[at["adj_es"]].argmax() == at["adj"]
                key = f"{layer}:{head}"
                crossed[key] = crossed.get(key, 0) + int(hit)
    return {"pairs": produced, "crossed": crossed}


def unknown_shares(traces: list[Trace]) -> dict:
    """The share of inputs with a source token outside the vocabulary, and of translations with <unk> in them."""
    n = max(len(traces), 1)
    return {"sources": sum(UNK in t.source_tokens for t in traces) / n,
            "translations": sum(UNK in t.target_tokens for t in traces) / n}


def head_share(heads: dict, where: dict) -> float | None:
    """The field attention, in field_attention_heads' figures, of the head (or layer mean) that `where` names
    (DESIGN §5 alignment_from, 1-based); None when nothing was measured."""
    if not heads or not heads.get("layers"):
        return None
    layer = where["layer"] - 1
    return heads["mean"][layer] if where["head"] == "mean" else heads["layers"][layer][where["head"] - 1]


def _bucket_of(length: int, buckets) -> int | None:
    for index, (low, high) in enumerate(buckets):
        if low <= length <= high:
            return index
    return None


def by_length(lengths: list[int], predictions: list[str], targets: list[str], *, metric: str,
              buckets=None) -> list[dict]:
    """Score per source-length bucket: exact match (dates) or BLEU (sentences), with counts."""
    buckets = buckets or (DATE_LENGTH_BUCKETS if metric == "exact_match" else SENTENCE_LENGTH_BUCKETS)
    rows = []
    for index, (low, high) in enumerate(buckets):
        members = [i for i, n in enumerate(lengths) if _bucket_of(n, buckets) == index]
        if not members:
            continue
        preds, refs = [predictions[i] for i in members], [targets[i] for i in members]
        value = exact_match(preds, refs) if metric == "exact_match" else bleu_chrf(preds, refs)[0]
        rows.append({"low": low, "high": high, "count": len(members), metric: value})
    return rows


def evaluate(translator: Translator, examples: list, *, task: str, beam: int = 1, buckets=None) -> dict:
    """Every figure for a model card, measured on `examples` (greedy decoding, or beam search)."""
    examples = [ex for ex in examples if translator.check(ex.source) is None]
    if beam > 1:
        traces = [translator.trace(ex.source, beam=beam) for ex in examples]
    else:
        traces = translator.trace_batch([ex.source for ex in examples])
    predictions = [t.prediction for t in traces]
    targets = [ex.target for ex in examples]
    # text only, in words (a subword model's pieces grouped), so that every model is bucketed alike
    lengths = [len(word_groups(t.source_tokens)) - int(translator.config.source_end_marker) for t in traces]
    metrics: dict = {"examples": len(examples)}
    if translator.config.has_attention:
        metrics["attention_spread"] = attention_spread(traces)
    if task == "dates":
        metrics["exact_match"] = exact_match(predictions, targets)
        if translator.config.has_attention:
            metrics.update(field_attention(traces, examples))
            metrics["field_attention_heads"] = field_attention_heads(traces, examples)
        metrics["by_length"] = by_length(lengths, predictions, targets, metric="exact_match")
    else:
        metrics["bleu"], metrics["chrf"] = bleu_chrf(predictions, targets)
        metrics["exact_match"] = exact_match([p.lower() for p in predictions], [t.lower() for t in targets])
        metrics["by_length"] = by_length(lengths, predictions, targets, metric="bleu", buckets=buckets)
        metrics["unknown"] = unknown_shares(traces)
    wrong = [i for i, (p, t) in enumerate(zip(predictions, targets)) if p.lower() != t.lower()]
    metrics["failures"] = [{"source": examples[i].source, "target": targets[i], "prediction": predictions[i]}
                           for i in wrong[:6]]
    return metrics


def model_metrics(translator: Translator, splits: dict, *, task: str) -> dict:
    """The figures of a model card: the test split; for sentences also beam search (k = 4) and English
    unlike the training sentences (test-definitions)."""
    metrics = evaluate(translator, splits["test"], task=task)
    if task != "dates":
        beam = evaluate(translator, splits["test"], task=task, beam=4)
        metrics["beam4"] = {"bleu": beam["bleu"], "chrf": beam["chrf"]}
        if splits.get("test-definitions"):
            ood = evaluate(translator, splits["test-definitions"], task=task, buckets=DEFINITION_LENGTH_BUCKETS)
            metrics["out_of_domain"] = {k: ood[k] for k in ("bleu", "chrf", "examples", "failures", "unknown")}
            metrics["by_length_out_of_domain"] = ood["by_length"]
    return metrics


# Attribution is far more work than a trace (integrated gradients: 32 to 16384 points per step), so agreement is
# measured on the first K test examples a model can read: K = 24 took 7–43 CPU s a dates model and 35–140 s an
# en-es one (measured; K = 80 dates had not finished one model in 4 CPU minutes beside other work).
ATTRIBUTION_SAMPLE = 24


def average_ranks(x: np.ndarray) -> np.ndarray:
    """Ranks 1…N of x, tied values sharing the mean of their ranks (as Spearman's ρ needs)."""
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x), dtype=np.float64)
    ranks[order] = np.arange(1, len(x) + 1)
    for value in np.unique(x):
        tied = x == value
        ranks[tied] = ranks[tied].mean()
    return ranks


def spearman(x: np.ndarray, y: np.ndarray) -> float | None:
    """Spearman's ρ = the Pearson correlation of the average ranks of x and y; None when N < 2 or either vector
    is constant (ρ undefined). numpy only: scipy is not among the project's packages."""
    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    return float(np.corrcoef(average_ranks(np.asarray(x)), average_ranks(np.asarray(y)))[0, 1])


def argmax_hits(alignment: np.ndarray, magnitude: np.ndarray) -> np.ndarray:
    """Per step t: argmax_i α_t^i == argmax_i |attribution_t^i| (alignment and magnitude (T, N))."""
    return alignment.argmax(axis=1) == magnitude.argmax(axis=1)


def head_agreement(pairs: list[tuple[np.ndarray, np.ndarray]]) -> dict:
    """Argmax agreement of every cross-attention head with attribution, as field_attention_heads lays it out:
    {"layers": [[share of head j] per layer ℓ], "mean": [share of the layer's mean over heads]}; pairs are
    (cross_attention(0) (L, h, T, N), |R| (T, N)) per trace."""
    if not pairs:
        return {"layers": [], "mean": []}
    L, h = pairs[0][0].shape[:2]

    def share(view) -> float:
        hits = np.concatenate([argmax_hits(view(every), R) for every, R in pairs])
        return float(hits.mean())

    return {"layers": [[share(lambda a, ell=ell, j=j: a[ell, j]) for j in range(h)] for ell in range(L)],
            "mean": [share(lambda a, ell=ell: a[ell].mean(axis=0)) for ell in range(L)]}


def attribution_agreement(translator: Translator, examples: list, *, task: str,
                          method: str = "integrated_gradients", sample: int = ATTRIBUTION_SAMPLE) -> dict:
    """Attention beside attribution on the first `sample` examples the model can read, over every step t:

    argmax_agreement = share of steps with argmax_i α_t^i == argmax_i |attribution_t^i| (alignment view);
    rank_correlation = mean over steps of Spearman's ρ(α_t, |attribution_t|) (steps with N < 2 or a constant
    vector left out; rank_steps counts the rest); heads = the argmax agreement per layer × head (multi-head);
    field_attribution (dates) = field attention's measure (field_looks) on |attribution| instead of α, beside
    field_attention of the same examples; completeness_within = share of steps with completeness_gap ≤
    TOLERANCE, completeness_gap = the worst, baseline = the steps' x′ (integrated gradients only); seconds per
    trace, attribution and plain, each input traced both ways in turn. Without attention only the attribution
    figures."""
    import time
    import warnings

    chosen = [ex for ex in examples if translator.check(ex.source) is None][:sample]
    traces, seconds = [], {"attribution": 0.0, "trace": 0.0}
    with warnings.catch_warnings():  # a step missing completeness is counted below, not warned of per trace
        warnings.simplefilter("ignore")
        for ex in chosen:
            start = time.perf_counter()
            traces.append(translator.trace(ex.source, attribution=method))
            middle = time.perf_counter()
            translator.trace(ex.source)
            seconds["attribution"] += middle - start
            seconds["trace"] += time.perf_counter() - middle
    n = max(len(traces), 1)
    return {"method": method, **agreement_figures(traces, chosen, task=task),
            "seconds_attribution": seconds["attribution"] / n, "seconds_trace": seconds["trace"] / n}


def agreement_figures(traces: list[Trace], examples: list, *, task: str) -> dict:
    """attribution_agreement's figures of traces that carry their attribution (examples: their inputs, for the
    field spans of dates); argmax agreement and ρ only where a trace has α."""
    # |R|[t, i] = |attribution_t^i|: the size of what token i did to log ŷ_t[token_t]
    magnitudes = [None if (R := trace.attribution) is None else np.abs(R) for trace in traces]
    out: dict = {"examples": len(traces), "steps": sum(len(t.steps) for t in traces)}
    steps = [s.attribution for t in traces for s in t.steps]
    if steps and all(a.baseline_logprob is not None for a in steps):  # integrated gradients: completeness
        gaps = [a.gap for a in steps]
        out.update(tolerance=TOLERANCE, completeness_within=float(np.mean([g <= TOLERANCE for g in gaps])),
                   completeness_gap=float(max(gaps)))
        if len({a.baseline for a in steps}) == 1:
            out["baseline"] = steps[0].baseline
    with_alpha = [(t, R) for t, R in zip(traces, magnitudes) if t.alignment is not None]
    if with_alpha:
        rhos = [rho for t, R in with_alpha for alpha, r in zip(t.alignment, R)
                if (rho := spearman(alpha, r)) is not None]
        out["argmax_agreement"] = float(np.concatenate([argmax_hits(t.alignment, R) for t, R in with_alpha]).mean())
        out["rank_correlation"] = float(np.mean(rhos)) if rhos else None
        out["rank_steps"] = len(rhos)
        if is_multi_head(with_alpha[0][0]):
            out["heads"] = head_agreement([(t.cross_attention(0), R) for t, R in with_alpha])
    if task == "dates":
        out["field_attribution"] = _share_inside(magnitudes, examples)
        if with_alpha:
            out["field_attention"] = _share_inside([t.alignment for t in traces], examples)
    return out
