"""Step by step: the article's sections 1–5, live, for one decoder step t of a real model.

The page sends every step of the trace at once: per chart, its figures for all steps (made compact,
app_pages/step_payload.py), per formula, the line of each step's numbers (app_pages/step_numbers.py).
The browser steps through them itself (app_pages/live_chart.js: slider, ◀ ▶, play, keys ← → K) and
reports the step back; that report reruns only the small step fragment here, which keeps the step in
session state and the URL and fills the export menus and the numbers table for it. A new model, input,
language or classroom stage is the only thing that sends new content.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd  # imported in full before any figure: plotly's validators look at a pandas that another
import streamlit as st  # thread is still importing and fail (20 sessions at once on a cold server, tests/test_load.py)

from app_pages import step_numbers
from app_pages.attribution_view import SYMBOL, attributed, attribution_choice, with_attribution
from app_pages.common import (
    SPEED,
    STAGE,
    STEP,
    chart,
    choose_head,
    classroom,
    current_step,
    exit_classroom_button,
    export_buttons,
    export_menu,
    footer,
    get_trace,
    head_name,
    head_view,
    is_subword,
    md_literal,
    model_and_input,
    show,
    show_card,
    sidebar,
    trace_or_stop,
    word_mode,
)
from app_pages.live_chart import figure_plain, live_chart, plotly_js_url, step_payload, step_player, step_text
from app_pages.step_payload import compact_steps
from app_pages.texts import t as tr
from attention_core.figures import (
    alpha_bars,
    attribution_bars,
    context_figure,
    decoder_self_attention,
    encoder_decoder_diagram,
    encoder_self_attention,
    head_grid,
    head_lines,
    output_bars,
    score_bars,
    vector_strip,
)
from attention_core.figures.common import PLOTLY_CONFIG
from attention_core.formulas import SCORE_TEX, score_tex
from attention_core.heads import MEAN, at_head, is_multi_head, values_of
from attention_core.tokenizers import BOS, EOS, PAD
from attention_core.trace import IG_BASELINES
from attention_core.words import group_of, piece_label, piece_labels, sum_over, trace_words

PLAYER = "player"  # the step player's key; its state holds the step the browser last reported
SPEEDS = [0.5, 1.0, 1.5, 2.0, 3.0]  # seconds per step while playing
_SERVER_STEP = "_server_step"  # set when the browser reports a step that the server must draw (no plotly.js)


# ---------------------------------------------------------------- what step t draws (one definition)

# Each takes the trace's word view (attention_core.words), or None for pieces (and for char and word models).

def diagram_figure(trace, t, lang, fs, view=None):
    names = {"query": tr("query_word", lang), "fixed": tr("fixed_word", lang)}
    groups = dict(source_groups=view.source_groups, target_groups=view.target_groups) if view else {}
    return encoder_decoder_diagram(trace, t, font_size=fs, names=names, height=470 if fs > 14 else 430, **groups)


def scores_figure(trace, t, lang, fs, view=None):  # per piece in word view too: a sum of scores is no score
    return score_bars(trace, t, font_size=fs, names=piece_labels(trace.source_tokens) if view else None)


def alpha_figure(trace, t, lang, fs, view=None):
    # (on a projector 340 px: with the stage's formula and numbers it ended 2 px under a 720-px screen)
    return alpha_bars(trace, t, font_size=fs, sum_label=tr("sum_label", lang),
                      groups=view.source_groups if view else None, height=340 if fs > 14 else 360)


# On a projector (classroom mode, fs > 14) a stage must fit 1280 × 720 below the controls: the tall figures
# are capped there.
def context_chart(trace, t, lang, fs, view=None):  # one h_i per piece: one row per piece
    names = piece_labels(trace.source_tokens) if view else None
    # a Transformer's head weighs its values v_i = W_V h_i, a GRU the states h_i themselves
    weighed = dict(values=values_of(trace), value_name="v") if trace.architecture == "transformer" else {}
    if fs <= 14:
        return context_figure(trace, t, font_size=fs, a_label=tr("context_row", lang), names=names, **weighed)
    # capped at 330 px, of which its N rows get about 190: their labels get the font that fits them (≥ 10 px);
    # (at 340 px the stage ended 0.2 px under a 720-px screen in one CI run: the fonts' metrics vary a little)
    small = max(10, min(fs, 190 // max(len(trace.source_tokens), 1)))
    return context_figure(trace, t, font_size=small, a_label=tr("context_row", lang), height=330, names=names,
                          **weighed)


def vectors_figure(trace, t, lang, fs, view=None):
    step = trace.steps[t - 1]
    if trace.architecture == "transformer":  # concat holds the joined heads of the layer the views show
        name = "[aₜ⁽¹⁾; …; aₜ⁽ʰ⁾]"
        split = {name: [trace.d_k * j for j in range(1, trace.heads)]} if trace.d_k else {}
    else:
        name = f"[{'c' if trace.decoder == 'none' else 'aₜ'}; sₜ]"
        split = {name: len(step.s)} if step.s is not None else {}  # (a file's trace may not give s_t)
    return vector_strip([(name, step.concat), ("s̃ₜ", step.s_tilde)], split_at=split, font_size=fs,
                        title=tr("vectors_title_heads" if trace.architecture == "transformer" else "vectors_title",
                                 lang, v=name), height=165 if fs > 14 else None)


def output_figure(trace, t, lang, fs, view=None):  # the decoder chooses pieces
    chosen = tr("given" if trace.mode == "forced" else "chosen", lang)
    title = tr("top_k", lang, k=len(trace.steps[t - 1].top_k))
    return output_bars(trace, t, font_size=fs, chosen_label=chosen, title=title, height=175 if fs > 14 else 260,
                       piece_names=view is not None)


# On a projector (1280 × 720) what the controls and the stage's caption leave a figure.
PROJECTOR_HEIGHT = 430


def where_of(trace) -> tuple[int, int | str]:
    return trace.alignment_from["layer"], trace.alignment_from["head"]


def grid_figure(trace, t, lang, fs, view=None):
    """Every layer's and head's α_t, the view's row outlined; a click on a row chooses that head."""
    def row_name(ell, j):
        return tr("grid_row_mean" if j == MEAN else "grid_row", lang, layer=ell, head=j)
    return head_grid(trace, t, chosen=where_of(trace), row_name=row_name, font_size=fs,
                     title=tr("grid_title", lang, t=t), groups=view.source_groups if view else None,
                     max_height=PROJECTOR_HEIGHT if fs > 14 else None)


def heads_figure(trace, t, lang, fs, view=None):
    """The heads of the view's layer at step t (bertviz's head view); the view's head on, or all for the mean."""
    layer, head = where_of(trace)
    return head_lines(trace, t, layer=layer, shown=None if head == MEAN else [head], font_size=fs,
                      head_label=lambda j: head_name(j, lang, trace.heads), groups=view.source_groups if view else None,
                      target_names=piece_labels(trace.target_tokens) if view else None,
                      title=tr("heads_view_title", lang, layer=layer, t=t),
                      max_height=PROJECTOR_HEIGHT if fs > 14 else None)


def self_figure(trace, t, lang, fs, view=None):  # positions are pieces: the decoder reads pieces
    layer, head = where_of(trace)
    names = piece_labels([step.input_token for step in trace.steps]) if view else None
    return decoder_self_attention(trace, t, layer=layer, head=head, font_size=fs, masked_label=tr("masked", lang),
                                  names=names,
                                  title=tr("self_decoder_title", lang, layer=layer,
                                           head=head_name(head, lang, trace.heads), t=t),
                                  max_height=PROJECTOR_HEIGHT if fs > 14 else None)


def attribution_figure(trace, t, lang, fs, view=None):
    """α_t above R_t on one token axis (in word view both summed over a word's pieces)."""
    return attribution_bars(trace, t, font_size=fs, groups=view.source_groups if view else None, value_name=SYMBOL,
                            height=PROJECTOR_HEIGHT - 40 if fs > 14 else 400)


FIGURES: dict[str, Callable] = {"diagram": diagram_figure, "scores": scores_figure, "alpha": alpha_figure,
                                "attribution_bars": attribution_figure,
                                "context": context_chart, "vectors": vectors_figure, "output": output_figure,
                                "grid": grid_figure, "heads": heads_figure, "self": self_figure}


# ---------------------------------------------------------------- what stays (each stage's head)

def heading(text: str) -> None:
    """A stage's heading; in classroom mode the stage's tab names it, and the projector needs the room."""
    if not classroom():
        st.subheader(text)


def head_diagram(trace, lang, view=None):
    if not classroom():
        st.subheader(tr("diagram", lang))
        st.caption(tr("diagram_caption_fixed" if trace.alignment is None else
                      ("diagram_caption_words" if view else "diagram_caption"), lang))


def head_scores(trace, lang, view=None):
    heading(tr("stage1", lang))
    if trace.architecture != "transformer":  # (a head's own text below says it in the Transformer's terms)
        st.caption(tr("stage1_text", lang))
    if view:
        st.caption(tr("scores_pieces", lang))
    if trace.architecture == "transformer":  # one head j of layer ℓ: the article's dot product, scaled and projected
        layer, head = where_of(trace)
        st.latex(rf"q_t = W_Q^{{({head})}} x_t, \quad k_i = W_K^{{({head})}} h_i, \quad "
                 rf"e_t^i = \frac{{q_t \cdot k_i}}{{\sqrt{{d_k}}}}, \quad d_k = {trace.d_k}")
        st.caption(tr("stage1_link", lang, layer=layer, head=head))
        return
    st.caption(tr("query_bahdanau" if trace.decoder == "bahdanau" else "query_luong", lang))
    query = "s_{t-1}" if trace.decoder == "bahdanau" else "s_t"
    if trace.score in SCORE_TEX:
        st.latex("e_t^i = " + score_tex(trace.score, query=query))
    else:  # a trace from a file naming a score of its own (or none): its e as given
        st.latex(rf"e_t^i = \mathrm{{score}}({query}, h_i)")


def head_alpha(trace, lang, view=None):
    heading(tr("stage2", lang))
    st.caption(tr("stage2_text", lang))
    if view:
        st.caption(tr("alpha_words", lang))
    if trace.steps[0].e is None:  # the mean of a layer's heads (head_mean_of_heads)
        h = trace.heads
        st.latex(rf"\bar\alpha_t = \frac{{1}}{{{h}}} \sum_{{j=1}}^{{{h}}} \mathrm{{softmax}}(e_t^{{(j)}})")
        return
    st.latex(rf"\alpha_t = \mathrm{{softmax}}(e_t), \quad \alpha_t^i = "
             rf"\frac{{\exp(e_t^i)}}{{\sum_{{j=1}}^{{{len(trace.source_tokens)}}} \exp(e_t^j)}}")


def head_context(trace, lang, view=None):
    heading(tr("stage3", lang))
    if trace.architecture != "transformer":
        st.caption(tr("stage3_text", lang))
    if view:
        st.caption(tr("context_pieces", lang))
    if trace.architecture == "transformer":
        head = where_of(trace)[1]
        st.latex(rf"v_i = W_V^{{({head})}} h_i, \quad a_t^{{({head})}} = \sum_{{i=1}}^{{{len(trace.source_tokens)}}} "
                 rf"\alpha_t^i v_i \in \mathbb{{R}}^{{{trace.d_k}}}")
        st.caption(tr("stage3_link", lang))
        if values_of(trace) is None:
            st.info(tr("no_values", lang, model=md_literal(trace.model)))
        return
    st.latex(rf"a_t = \sum_{{i=1}}^{{{len(trace.source_tokens)}}} \alpha_t^i h_i "
             rf"\in \mathbb{{R}}^{{{len(trace.steps[0].a)}}}")


def head_attribution(trace, lang, view=None):
    heading(tr("attribution_stage", lang))
    if not classroom():
        st.caption(tr("attribution_text", lang))
    if view:
        st.caption(tr("attribution_words", lang))
    y = r"\log \hat{y}_t[y_t]"
    if trace.attribution_method == "erasure":
        st.latex(rf"R_t^i = {y} - \log \hat{{y}}_t^{{\setminus i}}[y_t]")
        return
    baseline = trace.steps[0].attribution.baseline
    kind = next((k for k, v in IG_BASELINES.items() if v == baseline), None)
    st.latex(rf"R_t^i = \sum_d (x_i - x'_i)_d \int_0^1 \frac{{\partial\, {y}(x' + \lambda (x - x'))}}"
             rf"{{\partial x_{{i,d}}}}\, d\lambda, \quad \sum_i R_t^i = {y} - \log \hat{{y}}'_t[y_t]")
    if kind:  # (a line of its own: beside the formula it ran past a half-page column)
        st.latex({"blank": r"x'_i = E[\text{space}]", "zeros": r"x' = 0"}[kind])
    # A trace from elsewhere names its own baseline: shown as its text, never as markup.
    st.caption(tr(f"baseline_{kind}", lang) if kind else tr("baseline_other", lang, baseline=md_literal(baseline)))
    if not classroom():  # (on a projector the charts come first: the caption above is kept, this one is not)
        st.caption(tr("attribution_points", lang))


def attribution_readings(trace, lang, view=None) -> list[str]:
    """Per step, one line: where α puts the most and where attribution does, agreeing or not (in words when
    `view`): 'α puts 0.62 on "November", and attribution puts the most, +0.81, on it too'."""
    names = view.source_words if view else trace.source_tokens
    lines = []
    for step in trace.steps:
        alpha, values = step.alpha, step.attribution.values
        if view:
            alpha, values = sum_over(alpha, view.source_groups), sum_over(values, view.source_groups)
        i, j = int(np.argmax(alpha)), int(np.argmax(np.abs(values)))
        lines.append(step_numbers.caption(tr("attr_agree" if i == j else "attr_disagree", lang), dict(
            alpha=f"{alpha[i]:.2f}", a_token=repr(names[i]), r=f"{values[j]:+.2f}", r_token=repr(names[j]))))
    return lines


def head_mean_of_heads(trace, lang, view=None):
    """Stages 1 and 3 of a view that averages a layer's heads: α only (a mean of scores is no score); or of a
    model that gives α only (hf: models)."""
    heading(tr("stage1", lang))
    layer, head = where_of(trace)
    if head == MEAN:
        st.info(tr("mean_of_heads", lang, h=trace.heads, layer=layer))
    else:
        st.info(tr("alpha_only", lang, model=md_literal(trace.model)))


def head_heads(trace, lang, view=None):
    heading(tr("heads_stage", lang))
    st.caption(tr("heads_text_short" if classroom() else "heads_text", lang, L=trace.layers, h=trace.heads))


def head_lines_stage(trace, lang, view=None):  # (classroom mode: the head view is a stage of its own)
    st.caption(tr("lines_text_short", lang))


def head_self(trace, lang, view=None):
    """The encoder's self-attention (the same at every step) above the decoder's, which grows with t."""
    fs = 20 if classroom() else 14
    heading(tr("self_stage", lang))
    st.caption(tr("self_text_short" if classroom() else "self_text", lang))
    layer, head = where_of(trace)
    if trace.encoder_self_attention is None:
        st.info(tr("no_encoder_self", lang, model=md_literal(trace.model)))
    elif not classroom():  # (on a projector the decoder's only: the stage fits the screen)
        show(encoder_self_attention(trace, layer=layer, head=head, font_size=fs,
                                    names=piece_labels(trace.source_tokens) if view else None,
                                    title=tr("self_encoder_title", lang, layer=layer,
                                             head=head_name(head, lang, trace.heads))),
             "encoder_self", lang, name=f"encoder-self-attention-{layer}-{head}")
    if trace.steps[0].self_attn is None:
        st.info(tr("no_decoder_self", lang, model=md_literal(trace.model)))


def head_output(trace, lang, view=None):
    heading(tr("stage4", lang))
    if trace.architecture == "transformer":
        st.caption(tr("stage4_text_transformer", lang, h=trace.heads, layer=trace.alignment_from["layer"]))
        st.latex(r"\tilde{s}_t = \mathrm{LayerNorm}(x_t^{(L)}), \qquad "
                 r"\hat{y}_t = \mathrm{softmax}(W_y \tilde{s}_t + b_y)")
        return
    st.caption(tr("stage4_text_fixed" if trace.decoder == "none" else "stage4_text", lang))
    first = "c" if trace.decoder == "none" else "a_t"
    size = "" if trace.steps[0].concat is None else rf" \in \mathbb{{R}}^{{{len(trace.steps[0].concat)}}}"
    st.latex(rf"v_t = [{first} ; s_t]{size}, \qquad "
             r"\tilde{s}_t = \tanh(W_c v_t + b_c), \qquad \hat{y}_t = \mathrm{softmax}(W_y \tilde{s}_t + b_y)")


def head_fixed_context(trace, lang, view=None):
    """All of it: the fixed context is the same at every step."""
    fs = 20 if classroom() else 14
    heading(tr("no_attention_title", lang))
    st.info(tr("no_attention_text", lang))
    st.latex(r"s_t = \mathrm{GRU}(s_{t-1}, [y_{t-1}; c]), \quad c = h_N \text{ (the same for every } t)")
    if trace.fixed_context is not None:  # (a trace from a file may not give it)
        show(vector_strip([(tr("fixed_context", lang), trace.fixed_context)], font_size=fs), "fixed", lang,
             name="fixed-context")


class Stage(NamedTuple):
    head: Callable  # (trace, lang, view): what stays the same at every step
    numbers: Callable | None  # (trace, t) -> HTML: the line with step t's numbers under the formula
    charts: tuple[str, ...] = ()  # the keys of the stage's charts (FIGURES), in page order
    readings: Callable | None = None  # (trace, lang, view) -> one line of words per step, under the charts


def output_stage(trace) -> dict[str, Stage]:
    """Stage 4 with what the trace has of it: [a_t; s_t] and s̃_t (this app's models; an hf: model's trace has
    neither), then ŷ_t's top k; none for a trace from a file that gives neither."""
    first = trace.steps[0]
    charts = (("vectors",) if first.concat is not None and first.s_tilde is not None else ()) + (
        ("output",) if first.top_k else ())
    return {"stage4": Stage(head_output, step_numbers.output, charts)} if charts else {}


def stages(trace) -> dict[str, Stage]:
    """The stages of a step in the article's order; a model without attention shows its fixed context; a
    multi-head model adds every head at once and the self-attention."""
    if trace.alignment is None:
        return {"diagram": Stage(head_diagram, None, ("diagram",)),
                "stage1": Stage(head_fixed_context, None),
                **output_stage(trace)}
    heads = {}
    attribution = {} if trace.attribution is None else {
        "attribution": Stage(head_attribution, step_numbers.attribution, ("attribution_bars",), attribution_readings)}
    if is_multi_head(trace) and classroom():  # one figure at a time on a projector
        heads["heads"] = Stage(head_heads, None, ("grid",))
        heads["lines"] = Stage(head_lines_stage, None, ("heads",))
    elif is_multi_head(trace):
        heads["heads"] = Stage(head_heads, None, ("grid", "heads"))
    if is_multi_head(trace):
        heads["self"] = Stage(head_self, None, ("self",) if trace.steps[0].self_attn is not None else ())
    if trace.steps[0].e is None:  # α without its scores and context: a layer's mean over heads
        return {"diagram": Stage(head_diagram, None, ("diagram",)),
                "stage1": Stage(head_mean_of_heads, None),
                "stage2": Stage(head_alpha, step_numbers.alpha, ("alpha",)), **attribution,
                **output_stage(trace), **heads}
    context = ("context",) if values_of(trace) is not None else ()  # (a model that does not expose its values)
    # a_t: a trace from a file may give e and α but not the context they weigh; then there is no stage 3
    stage3 = {} if trace.steps[0].a is None else {"stage3": Stage(head_context, step_numbers.context, context)}
    return {"diagram": Stage(head_diagram, None, ("diagram",)),
            "stage1": Stage(head_scores, step_numbers.scores, ("scores",)),
            "stage2": Stage(head_alpha, step_numbers.alpha, ("alpha",)), **attribution,
            **stage3, **output_stage(trace), **heads}


# ---------------------------------------------------------------- what the browser gets once per input

def viewed(model_name: str, text: str, where: tuple | None, attribution: str | None = None):
    """The trace of `text`, seen from `where` (layer, head) of a multi-head model (None: as it is), with every
    step's attribution by the method `attribution` (None: none)."""
    trace = get_trace(model_name, text)
    if attribution and trace.attribution_method != attribution:  # (a trace from a file may carry its own)
        trace = attributed(model_name, text, attribution)
    return at_head(trace, *where) if where else trace


@st.cache_resource(show_spinner=False, max_entries=32)
def payload(model_name: str, text: str, lang: str, fs: int, keys: tuple[str, ...], words: bool = False,
            where: tuple | None = None, attribution: str | None = None) -> dict:
    """Every step's figure of the charts `keys`, compact (read-only: shared by the sessions that ask)."""
    trace = viewed(model_name, text, where, attribution)
    view = trace_words(trace) if words else None
    steps = range(1, len(trace.steps) + 1)
    return {key: compact_steps([figure_plain(FIGURES[key](trace, t, lang, fs, view)) for t in steps]) for key in keys}


def step_captions(model, trace, lang, view=None) -> list[str]:
    """Per step: the piece read and the piece emitted; in word view without raw markers and with the word the
    emitted piece belongs to (the output so far is words either way: the tokenizer joins the pieces)."""
    join = model.target_tokenizer.join
    emitted = [step.token for step in trace.steps]
    name = piece_label if view else str
    captions = []
    for t, step in enumerate(trace.steps, 1):
        values = dict(t=t, T=len(trace.steps), prev=repr(name(step.input_token)), token=repr(name(step.token)),
                      prob="–" if step.prob is None else f"{step.prob:.3f}",  # (a file's trace may not give it)
                      so_far=join([tok for tok in emitted[:t] if tok not in (BOS, EOS, PAD)]) or "∅")
        key = "step_of"
        word, members = view.target_groups[group_of(view.target_groups, t - 1)] if view else ("", [t - 1])
        if len(members) > 1:  # a piece of a longer word: which word, and which of its pieces
            values |= dict(word=repr(word), k=members.index(t - 1) + 1, n=len(members))
            key = "step_of_words"
        captions.append(step_numbers.caption(tr(key, lang), values))
    return captions


def player_labels(lang: str) -> dict[str, str]:
    return {key: tr(key, lang) for key in ("step", "prev", "next", "play", "pause", "speed")} | {
        "keys": tr("keys_hint", lang), "of": tr("step_aria", lang)}


def group_id(*parts) -> str:
    """One input's step page in the browser: its components share this id (live_chart.js)."""
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:16]


def stage_default(shown: dict) -> dict:
    """The classroom stage from the URL (a deep link) at first, the diagram otherwise; a stage this model
    lacks (the no-attention model has no α) falls back to the diagram."""
    if st.session_state.get(STAGE) in shown:
        return {}
    st.session_state.pop(STAGE, None)
    linked = st.query_params.get(STAGE)
    return {"default": linked if linked in shown else "diagram"}


def _keep_stage_in_url() -> None:
    # Not bound like the other widgets: a bound segmented control would put its label in the URL.
    st.query_params[STAGE] = st.session_state[STAGE]


# ---------------------------------------------------------------- the step the browser reports

def _reported() -> None:
    """The browser stopped on a step (or changed the speed): keep it for the URL, exports and other pages."""
    state = st.session_state.get(PLAYER) or {}
    step, speed = state.get("step"), state.get("speed")
    if isinstance(step, int) and step >= 1 and step != st.session_state.get(STEP):
        st.session_state[STEP] = step  # checked against T by the fragment, which knows the trace
        st.session_state[_SERVER_STEP] = True
    if speed in SPEEDS:
        st.session_state[SPEED] = speed


class Places(NamedTuple):
    """Containers the page made for the step fragment: the player, each chart's export menu, the table."""
    player: object
    menus: dict
    table: object | None


@st.fragment
def step_fragment(model_name: str, text: str, lang: str, fs: int, group: str, start: int, T: int, places: Places,
                  server: bool, words: bool = False, where: tuple | None = None,
                  attribution: str | None = None) -> None:
    """The player and what follows the reported step: the step in session state and the URL, the open export
    menu's files and the numbers table. A fragment: a report reruns this part only, and it sends no figure."""
    with places.player:
        step_player(PLAYER, group, T, start, player_labels(lang), speeds=SPEEDS,
                    speed=st.session_state.get(SPEED, 1.0), classroom=classroom(), server=server, on_change=_reported)
    t = int(np.clip(st.session_state.get(STEP, start), 1, T))
    st.session_state[STEP] = t
    st.query_params[STEP] = str(t)
    if st.session_state.pop(_SERVER_STEP, False) and server:
        st.rerun()  # the server draws the step (no plotly.js to send it to the browser)
    trace = viewed(model_name, text, where, attribution)
    view = trace_words(trace) if words else None
    for key, box in places.menus.items():
        with box, export_menu(key, lang) as menu:
            if menu.open:  # filled only while open: closed, a menu costs a report one element
                export_buttons(FIGURES[key](trace, t, lang, fs, view), key, lang, name=f"{key}-step{t}")
    if places.table is not None:
        with places.table, st.expander(tr("numbers_table", lang), key="numbers_table", on_change="rerun") as table:
            if table.open:
                numbers_table(trace, t, lang, view)


def _choose(value) -> None:
    """A grid row's [layer, head] (its customdata) becomes the session's view; anything else is ignored."""
    if isinstance(value, list) and len(value) == 2:
        layer, head = value
        if isinstance(layer, int) and (head == MEAN or str(head).isdigit()):
            choose_head(layer, head)


def _grid_clicked() -> None:
    _choose((st.session_state.get("grid") or {}).get("click"))


def _grid_selected() -> None:
    points = ((st.session_state.get("grid") or {}).get("selection") or {}).get("points") or []
    if points:
        _choose(points[0].get("customdata"))


def numbers_table(trace, t, lang, view=None) -> None:
    """One row per source piece (e_t and α_t are the model's, per piece); in word view with its word."""
    step = trace.steps[t - 1]
    words = {tr("col_word", lang): [view.source_words[group_of(view.source_groups, i)]
                                    for i in range(len(trace.source_tokens))]} if view else {}
    st.dataframe(pd.DataFrame({
        tr("col_position", lang): range(1, len(trace.source_tokens) + 1),
        tr("col_token", lang): piece_labels(trace.source_tokens) if view else trace.source_tokens, **words,
        tr("col_score", lang): step.e, tr("col_alpha", lang): step.alpha,
        **({SYMBOL: step.attribution.values} if step.attribution is not None else {}),
    }), hide_index=True, width="stretch")


def step_page(model, text: str, trace, lang: str, shown: dict[str, Stage], player, words: bool = False) -> None:
    """The stages `shown`, each head once and what changes with the step as live parts of one group; in
    classroom mode (`large`) in the projector's sizes; `words`: a subword model's word view."""
    large = classroom()
    T, fs = len(trace.steps), 20 if large else 14
    start = int(np.clip(current_step() or 1, 1, T))
    url = plotly_js_url()
    keys = tuple(key for stage in shown.values() for key in stage.charts)
    view = trace_words(trace) if words else None
    where = where_of(trace) if is_multi_head(trace) else None
    method = trace.attribution_method
    group = group_id(model.name, text, lang, fs, keys, words, where, method)
    menus = {}
    if not large:
        st.markdown(f"#### {tr('output', lang)}\n### :gray-background[{md_literal(trace.prediction) or '∅'}]")
        step_text("caption", group, step_captions(model, trace, lang, view), start, css="step-caption", live=True)
    for name, stage in shown.items():
        stage.head(trace, lang, view)
        if stage.numbers is not None:
            step_text(f"{name}_numbers", group, [stage.numbers(trace, t) for t in range(1, T + 1)], start,
                      css="step-numbers" + (" step-large" if large else ""))
        for key in stage.charts:
            fig = FIGURES[key](trace, start, lang, fs, view)
            clicked = {"on_click": _grid_clicked} if key == "grid" else {}
            if url:
                live_chart(fig, key, url, PLOTLY_CONFIG, group=group, start=start, **clicked)
            elif clicked:  # drawn by the server: its own selection events
                chart(fig, key, on_select=_grid_selected, selection_mode="points")
            else:
                chart(fig, key)
            if not large:  # (on a projector the export menus only take the room of the figures)
                menus[key] = st.container()
        if stage.readings is not None:
            step_text(f"{name}_reading", group, stage.readings(trace, lang, view), start, css="step-caption")
    table = st.container() if trace.alignment is not None and not large else None
    step_fragment(model.name, text, lang, fs, group, start, T, Places(player, menus, table), url is None, words, where,
                  method)
    if url:  # the other steps, after everything the first paint needs
        step_payload("payload", group, payload(model.name, text, lang, fs, keys, words, where, method))


lang = sidebar()
if classroom():  # one figure at a time, controls on top, everything else folded away at the foot
    top = st.container()
    with footer(lang):
        model, text = model_and_input(lang, files=True)
        words = word_mode(lang, is_subword(model))
        st.caption(tr("keys_hint", lang))
        method = attribution_choice(model, lang)
        trace = head_view(with_attribution(model, text, trace_or_stop(model, text, lang), method, lang), lang)
    with top:
        cols = st.columns([7, 1.3], vertical_alignment="center")
        player = cols[0].container()
        with cols[1]:
            exit_classroom_button(lang, width="stretch")
        shown = stages(trace)
        choice = st.segmented_control(" ", list(shown), key=STAGE, label_visibility="collapsed",
                                      format_func=lambda s: tr(f"short_{s}", lang), required=True,
                                      on_change=_keep_stage_in_url, **stage_default(shown))
        step_page(model, text, trace, lang, {choice: shown[choice]}, player, words)
else:
    st.title(tr("page_step", lang))
    model, text = model_and_input(lang, files=True)
    words = word_mode(lang, is_subword(model))
    method = attribution_choice(model, lang)
    trace = head_view(with_attribution(model, text, trace_or_stop(model, text, lang), method, lang), lang)
    step_page(model, text, trace, lang, stages(trace), st.container(), words)
    st.fragment(show_card)(model, lang)  # opening the card reruns only the card
