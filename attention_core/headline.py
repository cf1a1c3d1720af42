"""A model's headline test figures in a few words, from its metrics.json: the one wording that
`python -m attention_core list`, the Compare page and pretrained/README.md share."""

from __future__ import annotations

from collections.abc import Callable

WORDS = {"bleu": "BLEU {value}", "chrf": "chrF {value}", "exact": "exact {value}%",
         "field": "field attention {value}%", "beam4": "beam 4: {value}", "unlike": "unlike training: BLEU {value}"}


def english(key: str, value: str) -> str:
    return WORDS[key].format(value=value)


def headline(metrics: dict, *, word: Callable[[str, str], str] = english, percent_digits: int = 1,
             sep: str = ", ", full: bool = False) -> str:
    """BLEU and chrF of a translation model, or exact match (and field attention) of a dates model; `full` adds
    BLEU with beam search k = 4 and on English unlike the training sentences. `word(key, value)` names a figure
    (the keys of WORDS) in the reader's language. Nothing for a model without measured figures."""
    if "bleu" in metrics:
        bleu = word("bleu", f"{metrics['bleu']:.1f}")
        if full:
            beam4 = metrics.get("beam4", {}).get("bleu", 0)
            bleu += f" ({word('beam4', f'{beam4:.1f}')})"
        parts = [bleu, word("chrf", f"{metrics.get('chrf', 0):.1f}")]
        if full:
            parts.append(word("unlike", f"{metrics.get('out_of_domain', {}).get('bleu', 0):.1f}"))
    elif "exact_match" in metrics:
        parts = [word("exact", f"{100 * metrics['exact_match']:.{percent_digits}f}")]
        if "field_attention" in metrics:
            parts.append(word("field", f"{100 * metrics['field_attention']:.{percent_digits}f}"))
    else:
        parts = []
    return sep.join(parts)
