"""Step by step: the article's sections 1–5, live, for one decoder step t of a real model."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd
import streamlit as st

from app_pages.common import (
    CLASSROOM,
    PLAYING,
    SPEED,
    STAGE,
    STEP,
    chart,
    classroom,
    export_buttons,
    export_menu,
    footer,
    md_literal,
    model_and_input,
    show,
    show_card,
    sidebar,
    trace_or_stop,
)
from app_pages.texts import t as tr
from attention_core.figures import (
    alpha_bars,
    context_figure,
    encoder_decoder_diagram,
    output_bars,
    score_bars,
    vector_strip,
)

SCORE_TEX = {
    "dot": r"e_t^i = s_t^\top h_i",
    "scaled_dot": r"e_t^i = \frac{s_t^\top h_i}{\sqrt{n}}",
    "general": r"e_t^i = s_t^\top W_a h_i",
    "concat": r"e_t^i = w_a^\top \tanh\left(W_a [s_t ; h_i]\right)",
    "location": r"e_t = W_a s_t",
}
BAHDANAU_TEX = r"e_t^i = w_a^\top \tanh\left(W_a [s_{t-1} ; h_i]\right)"
PLAY_TOGGLED = "_play_toggled"  # set by the play button, read once by the step fragment


def vec_tex(v: np.ndarray, k: int = 4) -> str:
    shown = ", ".join(f"{x:.3f}" for x in v[:k]) + (r", \dots" if len(v) > k else "")
    return rf"\left({shown}\right)"


def _move(delta: int, T: int) -> None:
    st.session_state[STEP] = int(np.clip(st.session_state.get(STEP, 1) + delta, 1, T))


def _toggle_play(T: int) -> None:
    playing = not st.session_state.get(PLAYING, False)
    if playing and st.session_state.get(STEP, 1) >= T:
        st.session_state[STEP] = 1  # play from the start once the end is reached
    st.session_state[PLAYING] = playing
    st.session_state[PLAY_TOGGLED] = True  # in the step fragment: rerun the page, whose timer plays


def step_slider(T: int, lang: str) -> None:
    if st.session_state.get(STEP, 1) > T:
        st.session_state[STEP] = T
    if T > 1:
        st.slider(tr("step", lang), 1, T, key=STEP, bind="query-params")
    else:
        st.session_state[STEP] = 1


BUTTON_ROW = [1.3, 1.3, 1.2, 1.6, 2.6]  # previous, next, play, then speed (or t) and keys hint (or exit)


def speed_control(lang: str, **options) -> None:
    """Seconds per step while playing."""
    st.select_slider(tr("speed", lang), [0.5, 1.0, 1.5, 2.0, 3.0], value=1.0, key=SPEED, **options)


def step_buttons(T: int, lang: str, cols) -> None:
    """Previous / next / play, with keys ← → K, in the first three of `cols` (a BUTTON_ROW)."""
    step = st.session_state.get(STEP, 1)
    cols[0].button(tr("prev", lang), on_click=_move, args=(-1, T), disabled=step <= 1, shortcut="Left",
                   key="prev_button", width="stretch")
    cols[1].button(tr("next", lang), on_click=_move, args=(1, T), disabled=step >= T, shortcut="Right",
                   key="next_button", width="stretch")
    playing = st.session_state.get(PLAYING, False)
    cols[2].button(tr("pause" if playing else "play", lang), on_click=_toggle_play, args=(T,), shortcut="K",
                   key="play_button", width="stretch", type="primary" if playing else "secondary")


def autoplay(T: int) -> None:
    """While playing, advance one step every SPEED seconds (a timed fragment that reruns the page)."""
    if not st.session_state.get(PLAYING):
        return
    st.session_state["_tick_armed"] = False

    @st.fragment(run_every=st.session_state.get(SPEED, 1.0))
    def tick() -> None:
        if not st.session_state.get("_tick_armed"):  # the fragment's first run is part of the page run
            st.session_state["_tick_armed"] = True
            return
        step = st.session_state.get(STEP, 1)
        if step >= T or not st.session_state.get(PLAYING):
            st.session_state[PLAYING] = False
        else:
            st.session_state[STEP] = step + 1
        st.rerun()

    tick()


class Places:
    """Where the stages of step t write their formulas and charts.

    In classroom mode (every change a full run) they write in page order. On the normal page the full
    run writes each stage's heading, captions and formula in symbols and, per chart, an empty container
    with the chart's export menu below it; the step fragment then fills those containers. So a step
    change re-sends only what changes (the step's numbers, the charts, the open menu's files), not the
    headings, captions, formulas and menus around them: each element re-sent is drawn again by the
    browser."""

    def __init__(self, boxes: dict | None = None):
        self.boxes = boxes  # chart key -> (container, export menu)

    def formulas(self, key: str):
        """Where the step's numbers above chart `key` go."""
        return self.boxes[key][0] if self.boxes else contextlib.nullcontext()

    def chart(self, fig, key: str, lang: str, name: str) -> None:
        if self.boxes is None:
            show(fig, key, lang, name=name, live=True)
            return
        box, menu = self.boxes[key]
        with box:
            chart(fig, key, live=True)
        if menu.open:
            with menu:
                export_buttons(fig, key, lang, name=name)


def head_diagram(trace, lang):
    if not classroom():
        st.subheader(tr("diagram", lang))
        st.caption(tr("diagram_caption", lang))


def body_diagram(trace, t, lang, fs, out):
    names = {"query": tr("query_word", lang), "fixed": tr("fixed_word", lang)}
    fig = encoder_decoder_diagram(trace, t, font_size=fs, names=names, height=470 if classroom() else 430)
    out.chart(fig, "diagram", lang, name=f"diagram-step{t}")


# Each stage's formula in symbols is drawn once by the page (head); the step fragment adds one short
# line with this step's numbers (body). KaTeX is among the costliest things a step change asks of the
# browser: whole formulas re-typeset at every step cost ~20 ms more of its CPU per step.


def head_scores(trace, lang):
    st.subheader(tr("stage1", lang))
    st.caption(tr("stage1_text", lang))
    st.caption(tr("query_bahdanau" if trace.decoder == "bahdanau" else "query_luong", lang))
    st.latex(BAHDANAU_TEX if trace.decoder == "bahdanau" else SCORE_TEX[trace.score])


def body_scores(trace, t, lang, fs, out):
    step = trace.steps[t - 1]
    i = int(np.argmax(step.e))
    worked = ""
    if trace.score in ("dot", "scaled_dot") and trace.decoder == "luong":
        h = trace.encoder_states[i]
        terms = " + ".join(f"({a:.2f})({b:.2f})" for a, b in zip(step.s[:2], h[:2]))
        scale = r"\frac{1}{\sqrt{n}}" if trace.score == "scaled_dot" else ""
        worked = rf"= {scale}\left[{terms} + \dots\right]"
    with out.formulas("scores"):
        st.latex(rf"\max_i e_t^i = e_t^{{{i + 1}}} {worked} = {step.e[i]:.3f}")
    out.chart(score_bars(trace, t, font_size=fs), "scores", lang, name=f"scores-step{t}")


def head_alpha(trace, lang):
    st.subheader(tr("stage2", lang))
    st.caption(tr("stage2_text", lang))
    st.latex(rf"\alpha_t = \mathrm{{softmax}}(e_t), \quad \alpha_t^i = "
             rf"\frac{{\exp(e_t^i)}}{{\sum_{{j=1}}^{{{len(trace.source_tokens)}}} \exp(e_t^j)}}")


def body_alpha(trace, t, lang, fs, out):
    step = trace.steps[t - 1]
    i = int(np.argmax(step.alpha))
    with out.formulas("alpha"):
        st.latex(rf"\alpha_t^{{{i + 1}}} = \frac{{\exp({step.e[i]:.3f})}}{{\sum_j \exp(e_t^j)}} = "
                 rf"{step.alpha[i]:.4f}, \quad \sum_i \alpha_t^i = {step.alpha.sum():.4f}")
    out.chart(alpha_bars(trace, t, font_size=fs, sum_label=tr("sum_label", lang)), "alpha", lang,
              name=f"alpha-step{t}")


def head_context(trace, lang):
    st.subheader(tr("stage3", lang))
    st.caption(tr("stage3_text", lang))
    st.latex(rf"a_t = \sum_{{i=1}}^{{{len(trace.source_tokens)}}} \alpha_t^i h_i "
             rf"\in \mathbb{{R}}^{{{trace.encoder_states.shape[-1]}}}")


def body_context(trace, t, lang, fs, out):
    step = trace.steps[t - 1]
    top = np.argsort(-step.alpha)[:2]
    terms = " + ".join(rf"{step.alpha[i]:.3f}\,h_{{{i + 1}}}" for i in top)
    with out.formulas("context"):
        st.latex(rf"a_t = {terms} + \dots = {vec_tex(step.a)}")
    out.chart(context_figure(trace, t, font_size=fs, a_label=tr("context_row", lang)), "context", lang,
              name=f"context-step{t}")


def head_output(trace, lang):
    st.subheader(tr("stage4", lang))
    st.caption(tr("stage4_text", lang))
    first = "c" if trace.decoder == "none" else "a_t"
    st.latex(rf"v_t = [{first} ; s_t] \in \mathbb{{R}}^{{{len(trace.steps[0].concat)}}}, \qquad "
             r"\tilde{s}_t = \tanh(W_c v_t + b_c), \qquad \hat{y}_t = \mathrm{softmax}(W_y \tilde{s}_t + b_y)")


def body_output(trace, t, lang, fs, out):
    step = trace.steps[t - 1]
    first = "c" if trace.decoder == "none" else "a_t"
    with out.formulas("vectors"):
        st.latex(rf"\tilde{{s}}_t = {vec_tex(step.s_tilde, 3)}, \qquad \hat{{y}}_t[y_t] = {step.prob:.4f}")
    n = len(step.s)
    name = f"[{first}; s_t]"
    out.chart(vector_strip([(name, step.concat), ("s̃_t", step.s_tilde)], split_at={name: n}, font_size=fs,
                           title=tr("vectors_title", lang)), "vectors", lang, name=f"vectors-step{t}")
    chosen = tr("given" if trace.mode == "forced" else "chosen", lang)
    title = tr("top_k", lang, k=len(step.top_k))
    out.chart(output_bars(trace, t, font_size=fs, chosen_label=chosen, title=title), "output", lang,
              name=f"output-step{t}")


def head_fixed_context(trace, lang):
    """All of it: the fixed context is the same at every step."""
    fs = 20 if classroom() else 14
    st.subheader(tr("no_attention_title", lang))
    st.info(tr("no_attention_text", lang))
    st.latex(r"s_t = \mathrm{GRU}(s_{t-1}, [y_{t-1}; c]), \quad c = h_N \text{ (the same for every } t)")
    show(vector_strip([(tr("fixed_context", lang), trace.fixed_context)], font_size=fs), "fixed", lang,
         name="fixed-context")


class Stage(NamedTuple):
    head: Callable  # (trace, lang): what stays the same at every step
    body: Callable | None  # (trace, t, lang, font size, Places): what changes with the step
    charts: tuple[str, ...] = ()  # the keys of the body's charts, in page order


def stages(trace) -> dict[str, Stage]:
    """The stages of a step in the article's order; a model without attention shows its fixed context."""
    if trace.alignment is None:
        return {"diagram": Stage(head_diagram, body_diagram, ("diagram",)),
                "stage1": Stage(head_fixed_context, None),
                "stage4": Stage(head_output, body_output, ("vectors", "output"))}
    return {"diagram": Stage(head_diagram, body_diagram, ("diagram",)),
            "stage1": Stage(head_scores, body_scores, ("scores",)),
            "stage2": Stage(head_alpha, body_alpha, ("alpha",)),
            "stage3": Stage(head_context, body_context, ("context",)),
            "stage4": Stage(head_output, body_output, ("vectors", "output"))}


def numbers_table(trace, t, lang) -> None:
    step = trace.steps[t - 1]
    st.dataframe(pd.DataFrame({
        tr("col_position", lang): range(1, len(trace.source_tokens) + 1),
        tr("col_token", lang): trace.source_tokens,
        tr("col_score", lang): step.e, tr("col_alpha", lang): step.alpha,
    }), hide_index=True, width="stretch")


class Controls(NamedTuple):
    """Where the step fragment writes the step's controls: the slider, the buttons (a BUTTON_ROW) and the
    caption under the output."""
    slider: object
    buttons: list
    caption: object


@st.fragment
def step_view(trace, lang: str, controls: Controls, out: Places, table) -> None:
    """Everything that changes with the step, written into containers the page made (`controls`, `out`'s
    boxes, the numbers `table`). A fragment: a step change reruns this part only, not the sidebar, the
    model and input boxes or the navigation, and the browser redraws only what it writes."""
    if st.session_state.pop(PLAY_TOGGLED, False):
        st.rerun()  # the whole page: autoplay's timer (outside) starts or stops
    T = len(trace.steps)
    with controls.slider:
        step_slider(T, lang)
    step_buttons(T, lang, controls.buttons)
    t = min(st.session_state.get(STEP, 1), T)
    step = trace.steps[t - 1]
    controls.caption.caption(tr("step_of", lang, t=t, T=T, prev=md_literal(repr(step.input_token)),
                                token=md_literal(repr(step.token)), prob=f"{step.prob:.3f}"))
    for stage in stages(trace).values():
        if stage.body is not None:
            stage.body(trace, t, lang, 14, out)
    if table is not None and table.open:  # filled only while open: closed, it should cost a step nothing
        with table:
            numbers_table(trace, t, lang)


lang = sidebar()
if classroom():  # one figure at a time, controls on top, everything else folded away at the foot
    st.session_state.pop(PLAY_TOGGLED, None)  # (a full run already)
    top = st.container()
    with footer(lang):
        model, text = model_and_input(lang)
        trace = trace_or_stop(model, text, lang)
        step_slider(len(trace.steps), lang)
        speed_control(lang)
        st.caption(tr("keys_hint", lang))
    with top:
        cols = st.columns(BUTTON_ROW, vertical_alignment="center")
        step_buttons(len(trace.steps), lang, cols)
        cols[3].markdown(f"### t = {st.session_state.get(STEP, 1)} / {len(trace.steps)}")
        cols[4].button(tr("exit_classroom", lang), key="exit_classroom",
                       on_click=lambda: st.session_state.update({CLASSROOM: False}))
        shown = stages(trace)
        choice = st.segmented_control(" ", list(shown), default="diagram", key=STAGE, label_visibility="collapsed",
                                      format_func=lambda s: tr(f"short_{s}", lang), required=True)
        shown[choice].head(trace, lang)
        if shown[choice].body is not None:
            shown[choice].body(trace, min(st.session_state.get(STEP, 1), len(trace.steps)), lang, 20, Places())
else:
    st.title(tr("page_step", lang))
    model, text = model_and_input(lang)
    trace = trace_or_stop(model, text, lang)
    slider, buttons = st.container(), st.columns(BUTTON_ROW, vertical_alignment="center")
    with buttons[3]:
        speed_control(lang, label_visibility="collapsed")
    buttons[4].caption(tr("keys_hint", lang))
    # Markdown, not st.code: a code box makes the browser load and compile a 1.5 MB syntax highlighter,
    # about a quarter of a second of the first page's start.
    st.markdown(f"#### {tr('output', lang)}\n### :gray-background[{md_literal(trace.prediction) or '∅'}]")
    controls, boxes = Controls(slider, buttons, st.container()), {}
    for stage in stages(trace).values():
        stage.head(trace, lang)
        for key in stage.charts:
            boxes[key] = (st.container(), export_menu(key, lang))
    table = (st.expander(tr("numbers_table", lang), key="numbers_table", on_change="rerun")
             if trace.alignment is not None else None)
    step_view(trace, lang, controls, Places(boxes), table)
    show_card(model, lang)
autoplay(len(trace.steps))
