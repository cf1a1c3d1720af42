"""pretrained/README.md: one table of every shipped model, the by-length tables, and the attention study
(its findings are scripts/attention-study-findings.md, its rows scripts/attention-study.md)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from .checkpoint import CONFIG, METRICS
from .headline import headline
from .trace import TOLERANCE, baseline_name

FINDINGS = Path(__file__).resolve().parent.parent / "scripts" / "attention-study-findings.md"
SPREAD = Path(__file__).resolve().parent.parent / "scripts" / "attention-spread.md"
WORD_LEVEL = Path(__file__).resolve().parent.parent / "scripts" / "word-level-figures.md"  # kept for comparison
BASELINES = Path(__file__).resolve().parent.parent / "scripts" / "attribution-baselines.md"  # bench baselines

INDEX = """# Shipped models

Every model here was trained by `make models` (`scripts/train-all.sh`) on data this project builds;
nothing is downloaded. Each folder holds `model.safetensors`, `config.json`, `vocab.json`,
`metrics.json` (every figure below, and the by-length curves the app plots), `card.md` and `training.json`
(snapshots of training from the initial weights to these, DESIGN §7). The English → Spanish models read
4,000 subword pieces a side (BPE, Hugging Face `tokenizers`); their by-length tables count words.
Figures are measured on held-out test splits (dates: 5,000 inputs whose dates never occur in
training; en-es: 1,000 sentences, and 1,000 WordNet definitions as English unlike the training sentences).

| model | decoder | score | test figures | training time | size |
|---|---|---|---|---|---|
{rows}

{curves}

{spread}

{agreement}

{word_level}

{study}
"""


def write_index(root) -> None:
    """pretrained/README.md: one table of every shipped model and its measured figures."""
    rows = []
    for folder in sorted(p for p in root.iterdir() if (p / CONFIG).is_file()):
        cfg = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
        m = json.loads((folder / METRICS).read_text(encoding="utf-8")) if (folder / METRICS).is_file() else {}
        size = sum(f.stat().st_size for f in folder.iterdir()) / 2**20
        seconds = m.get("training", {}).get("seconds", 0)
        figure = headline(m, percent_digits=2, sep="; ", full=True)
        rows.append(f"| [{folder.name}]({folder.name}/card.md) | {cfg['decoder']} | {cfg['score']} | {figure} | "
                    f"{seconds / 60:.1f} min | {size:.2f} MB |")
    study = FINDINGS.read_text(encoding="utf-8").format(rows=study_rows(root))
    spread = SPREAD.read_text(encoding="utf-8").format(rows=spread_rows(root)) if SPREAD.is_file() else ""
    word_level = WORD_LEVEL.read_text(encoding="utf-8").strip() if WORD_LEVEL.is_file() else ""
    agreement = agreement_table(root)
    if agreement and BASELINES.is_file():  # (measured by `python -m bench baselines`, not from metrics.json)
        agreement += "\n\n" + BASELINES.read_text(encoding="utf-8").strip()
    text = INDEX.format(rows="\n".join(rows), curves=curve_tables(root), spread=spread,
                        agreement=agreement, word_level=word_level, study=study)
    (root / "README.md").write_text(text, encoding="utf-8")


def spread_rows(root) -> str:
    """One row per model with attention: how peaked its α is on the test split (evaluate.attention_spread)."""
    lines = []
    for folder in sorted(p for p in root.iterdir() if (p / METRICS).is_file()):
        m = json.loads((folder / METRICS).read_text(encoding="utf-8"))
        spread = m.get("attention_spread")
        if not spread:
            continue
        gap = "—" if spread.get("score_gap") is None else f"{spread['score_gap']:.2f}"
        field = f"{100 * m['field_attention']:.1f}%" if "field_attention" in m else "—"
        lines.append(f"| {folder.name} | {100 * spread['one_hot_share']:.1f}% | {spread['entropy']:.2f} | "
                     f"{math.exp(spread['entropy']):.2f} | {gap} | {field} |")
    return "\n".join(lines)


def agreement_table(root) -> str:
    """Attention beside attribution per model (metrics.json attribution_agreement; its card reads it)."""

    def pct(value) -> str:
        return "—" if value is None else f"{100 * value:.1f}%"

    lines, tolerance = [], TOLERANCE
    for folder in sorted(p for p in root.iterdir() if (p / METRICS).is_file()):
        a = json.loads((folder / METRICS).read_text(encoding="utf-8")).get("attribution_agreement")
        if not a:
            continue
        tolerance = a.get("tolerance", tolerance)  # attribution.TOLERANCE, as measured
        rho = "—" if a.get("rank_correlation") is None else f"{a['rank_correlation']:.2f}"
        lines.append(f"| {folder.name} | {a['examples']} | {pct(a.get('argmax_agreement'))} | {rho} | "
                     f"{pct(a.get('field_attribution'))} | {pct(a.get('field_attention'))} | "
                     f"{pct(a.get('completeness_within'))} | {a['seconds_attribution']:.2f} s | {baseline_name(a)} |")
    if not lines:
        return ""
    return "\n".join([
        "## Attention beside attribution",
        "Integrated gradients of log ŷ_t[token_t] to each source token (DESIGN §6) beside α_t, on the first test "
        "examples of each model (`python -m attention_core card --model NAME --attribution`): the share of steps "
        "whose largest α and largest |attribution| are on the same token, the mean Spearman ρ between α_t and "
        "|attribution_t|, for dates the share of output digits whose largest |attribution| (and α, on the same "
        f"examples) is in the right field, the steps within {tolerance:.0%} of completeness, the time of one "
        "trace with attribution, and the baseline x′ (blank text where the source vocabulary has a space, else "
        "zeros: `attribution.default_baseline`). A model without attention has no α: only its attribution figures.",
        "", "| model | examples | argmax α = argmax \\|attribution\\| | ρ | field attribution | field attention | "
        f"complete within {tolerance:.0%} | seconds a trace | x′ |",
        "|---|---|---|---|---|---|---|---|---|", *lines])


def curve_tables(root) -> str:
    """Score by source length, with and without attention (the numbers the Compare page plots)."""

    def table(names, key, metric):
        found = {}
        for name in names:
            path = root / name / METRICS
            if path.is_file():
                found[name] = json.loads(path.read_text(encoding="utf-8")).get(key, [])
        if not found or not all(found.values()):
            return ""
        first = next(iter(found.values()))
        head = "| source length | examples | " + " | ".join(found) + " |"
        rule = "|---|---|" + "---|" * len(found)
        lines = [head, rule]
        for k, row in enumerate(first):
            values = [f"{100 * rows[k][metric]:.1f}%" if metric == "exact_match" else f"{rows[k][metric]:.1f}"
                      for rows in found.values()]
            lines.append(f"| {row['low']}–{row['high']} | {row['count']:,} | " + " | ".join(values) + " |")
        return "\n".join(lines)

    en_es = ["en-es-dot", "en-es-scaled_dot", "en-es-bahdanau", "en-es-noattn"]
    parts = ["## With and without attention, by source length",
             "The article's claim, in our own numbers: one fixed context vector fails as sentences grow; attention "
             "does not (compare Bahdanau et al. 2015, Fig. 2). BLEU by English length in words, test split:", "",
             table(en_es, "by_length", "bleu"), "",
             "and on English unlike the training sentences (WordNet definitions, which run longer):", "",
             table(en_es, "by_length_out_of_domain", "bleu"), "",
             "Dates are too short and too regular to show it: with or without attention every length bucket is "
             "right (exact match by input length in characters):", "",
             table(["dates-dot", "dates-bahdanau", "dates-noattn"], "by_length", "exact_match")]
    return "\n".join(parts)


def study_rows(root) -> str:
    """The study's table rows, from build/study/ when it has been run, else the recorded ones."""
    recorded = Path(root).parent / "scripts" / "attention-study.md"
    return recorded.read_text(encoding="utf-8").strip() if recorded.is_file() else ""
