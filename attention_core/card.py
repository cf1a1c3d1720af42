"""card.md: what a model is, how it was made, and what it measured (written by training)."""

from __future__ import annotations

import platform

import torch

from .translator import Translator

_DECODER_TEXT = {
    "luong": "Luong decoder: s_t = GRU(s_{t-1}, y_{t-1}); the query is s_t (attention after the RNN step)",
    "bahdanau": "Bahdanau decoder: the query is s_{t-1}; additive score; a_t feeds the RNN input",
    "none": "no attention: one fixed context (the encoder's final state) for every step",
}


def _pct(value: float) -> str:
    return f"{100 * value:.2f}%"


def metric_lines(metrics: dict) -> list[str]:
    lines = []
    if "bleu" in metrics:
        lines.append(f"| BLEU (sacrebleu, lowercased) | {metrics['bleu']:.2f} |")
        lines.append(f"| chrF | {metrics['chrf']:.2f} |")
    if "exact_match" in metrics:
        lines.append(f"| exact match | {_pct(metrics['exact_match'])} |")
    if "field_attention" in metrics:
        lines.append(f"| field attention (argmax α inside the field) | {_pct(metrics['field_attention'])} |")
        for field in ("year", "month", "day"):
            lines.append(f"| field attention, {field} | {_pct(metrics[f'field_attention_{field}'])} |")
    lines.append(f"| test examples | {metrics.get('examples', 0):,} |")
    return lines


def write_card(translator: Translator, metrics: dict, notes: str = "") -> str:
    cfg = translator.config
    training = metrics.get("training", {})
    by_length = metrics.get("by_length", [])
    metric = "exact_match" if cfg.task == "dates" else "bleu"
    length_rows = "\n".join(
        f"| {row['low']}–{row['high']} | {row['count']:,} | "
        f"{_pct(row[metric]) if metric == 'exact_match' else f'{row[metric]:.2f}'} |"
        for row in by_length
    )
    direction = "bidirectional" if cfg.bidirectional else "unidirectional"
    machine = f"this machine ({platform.machine()}, {torch.get_num_threads()} threads, CPU)"
    return f"""# {translator.name}

{cfg.description or _DECODER_TEXT[cfg.decoder]}

## Architecture
- {_DECODER_TEXT[cfg.decoder]}
- score function: `{cfg.score}`
- GRU encoder ({direction}), embedding {cfg.embed_size}, hidden size n = {cfg.hidden_size}, dropout {cfg.dropout}
- {cfg.tokenizer}-level tokens; vocabulary {cfg.source_vocab_size} source / {cfg.target_vocab_size} target tokens
- {translator.parameter_count():,} parameters

## Data
Task `{cfg.task}`: {training.get('train_examples', 0):,} training pairs; test split held out (see the data README).

## Training
```
{training.get('command', '')}
```
{training.get('seconds', 0):.0f} s on {machine}, best epoch {training.get('best_epoch', '?')}.

## Metrics (test split, greedy decoding)
| metric | value |
|---|---|
{chr(10).join(metric_lines(metrics))}

## By source length
| length | examples | {'exact match' if metric == 'exact_match' else 'BLEU'} |
|---|---|---|
{length_rows}
{notes}"""
