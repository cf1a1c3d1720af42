"""The step's numbers under each stage's formula, as small HTML (no Streamlit here).

The page typesets each formula in symbols once (st.latex); the line with step t's numbers changes at
every step in the browser (live_chart.js swaps it in place), so it is plain HTML with <i>, <sub> and
<sup> in the formulas' typeface, not a formula that KaTeX would have to typeset again at each step.
Only numbers and indices go into these lines; the caption's tokens are escaped (`caption`).
"""

from __future__ import annotations

import html

import numpy as np

from attention_core.heads import keys_of, query_of, values_of
from attention_core.trace import Trace


def sym(name: str, sub: str | int | None = None, sup: str | int | None = None) -> str:
    """A variable: `sym("e", "t", 3)` is e with subscript t and superscript 3."""
    out = f"<i>{name}</i>"
    if sub is not None and sup is not None:  # stacked, as in the formula above (live_chart.css)
        return out + f'<span class="subsup"><sup>{_italic(sup)}</sup><sub>{_italic(sub)}</sub></span>'
    if sub is not None:
        out += f"<sub>{_italic(sub)}</sub>"
    if sup is not None:
        out += f"<sup>{_italic(sup)}</sup>"
    return out


def _italic(index: str | int) -> str:
    return str(index) if isinstance(index, int) else f"<i>{index}</i>"


def vector(v: np.ndarray, k: int = 4) -> str:
    return "(" + ", ".join(f"{x:.3f}" for x in v[:k]) + (", …" if len(v) > k else "") + ")"


def scores(trace: Trace, t: int) -> str:
    """max_i e_t^i, with the dot product's first terms written out for the dot scores of Luong."""
    step = trace.steps[t - 1]
    i = int(np.argmax(step.e))
    worked = ""
    q, K = query_of(trace, t), keys_of(trace)
    if q is not None and K is not None:  # a Transformer's head: its query against the keys
        terms = " + ".join(f"({a:.2f})({b:.2f})" for a, b in zip(q[:2], K[i][:2]))
        worked = f" = {sym('q', 't')}·{sym('k', i + 1)} / √{sym('d', 'k')} = (1/√{len(q)}) [{terms} + …]"
    elif trace.score in ("dot", "scaled_dot") and trace.decoder == "luong" and step.s is not None \
            and trace.encoder_states.size:  # (a file's trace may give e without s_t and H)
        h = trace.encoder_states[i]
        terms = " + ".join(f"({a:.2f})({b:.2f})" for a, b in zip(step.s[:2], h[:2]))
        scale = f"(1/√{sym('n')}) " if trace.score == "scaled_dot" else ""
        worked = f" = {scale}[{terms} + …]"
    return f"max<sub><i>i</i></sub> {sym('e', 't', 'i')} = {sym('e', 't', i + 1)}{worked} = {step.e[i]:.3f}"


def alpha(trace: Trace, t: int) -> str:
    step = trace.steps[t - 1]
    i = int(np.argmax(step.alpha))
    total = f"Σ<sub><i>i</i></sub> {sym('α', 't', 'i')} = {step.alpha.sum():.4f}"
    if step.e is None:  # a layer's mean over heads: no one softmax to write out
        top = f"max<sub><i>i</i></sub> {sym('ᾱ', 't', 'i')} = {sym('ᾱ', 't', i + 1)}"
        return f"{top} = {step.alpha[i]:.4f}, &nbsp; {total}"
    return (f"{sym('α', 't', i + 1)} = exp({step.e[i]:.3f}) / Σ<sub><i>j</i></sub> exp({sym('e', 't', 'j')}) = "
            f"{step.alpha[i]:.4f}, &nbsp; {total}")


def context(trace: Trace, t: int) -> str:
    step = trace.steps[t - 1]
    top = np.argsort(-step.alpha)[:2]
    name = "v" if trace.architecture == "transformer" and values_of(trace) is not None else "h"
    terms = " + ".join(f"{step.alpha[i]:.3f} {sym(name, int(i) + 1)}" for i in top)
    return f"{sym('a', 't')} = {terms} + … = {vector(step.a)}"


def output(trace: Trace, t: int) -> str:
    step = trace.steps[t - 1]
    prob = f"{sym('ŷ', 't')}[{sym('y', 't')}] = {'–' if step.prob is None else f'{step.prob:.4f}'}"
    return prob if step.s_tilde is None else f"{sym('s̃', 't')} = {vector(step.s_tilde, 3)}, &nbsp; {prob}"  # (hf: no s̃)


def caption(template: str, values: dict[str, object]) -> str:
    """A caption from the texts table (trusted) with user text (tokens) filled in, every value escaped."""
    return html.escape(template, quote=False).format(**{k: html.escape(str(v)) for k, v in values.items()})


def _fixed(x: float, digits: int = 3) -> str:
    """x to `digits` decimals, without the minus of a number that rounds to 0 ("-0.000")."""
    text = f"{x:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def attribution(trace: Trace, t: int) -> str:
    """Integrated gradients: completeness, Σ_i R_t^i beside log ŷ_t − log ŷ′_t (the baseline's), its gap ε and
    the integral's points m (the head's caption names them); erasure: the largest |R_t^i| written out as the
    difference it is."""
    a = trace.steps[t - 1].attribution
    total = f"Σ<sub><i>i</i></sub> {sym('R', 't', 'i')} = {_fixed(a.values.sum())}"
    y = f"[{sym('y', 't')}]"
    if a.baseline_logprob is not None:
        diff = a.logprob - a.baseline_logprob
        gap = a.gap
        return (f"{total}, &nbsp; log {sym('ŷ', 't')}{y} − log {sym('ŷ′', 't')}{y} = {_fixed(a.logprob)} − "
                f"({_fixed(a.baseline_logprob)}) = {_fixed(diff)} &nbsp; (<i>ε</i> = {gap:.1%}, "
                f"<i>m</i> = {a.n_steps})")
    i = int(np.argmax(np.abs(a.values)))
    return (f"{sym('R', 't', i + 1)} = log {sym('ŷ', 't')}{y} − log {sym('ŷ', 't', f'∖{i + 1}')}{y} = "
            f"{a.values[i]:.3f}, &nbsp; {total}")
