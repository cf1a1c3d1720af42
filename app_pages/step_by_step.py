"""Step by step: the article's sections 1–5, live, for one decoder step t of a real model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from app_pages.common import (
    CLASSROOM,
    PLAYING,
    SPEED,
    STAGE,
    STEP,
    classroom,
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


def step_buttons(T: int, lang: str, *, compact: bool = False) -> None:
    """Previous / next / play, with keys ← → K; the speed of play beside them unless compact."""
    cols = st.columns([1.3, 1.3, 1.2, 1.6, 2.6], vertical_alignment="center")
    step = st.session_state.get(STEP, 1)
    cols[0].button(tr("prev", lang), on_click=_move, args=(-1, T), disabled=step <= 1, shortcut="Left",
                   key="prev_button", width="stretch")
    cols[1].button(tr("next", lang), on_click=_move, args=(1, T), disabled=step >= T, shortcut="Right",
                   key="next_button", width="stretch")
    playing = st.session_state.get(PLAYING, False)
    cols[2].button(tr("pause" if playing else "play", lang), on_click=_toggle_play, args=(T,), shortcut="K",
                   key="play_button", width="stretch", type="primary" if playing else "secondary")
    if compact:
        cols[3].markdown(f"### t = {step} / {T}")
        cols[4].button(tr("exit_classroom", lang), key="exit_classroom",
                       on_click=lambda: st.session_state.update({CLASSROOM: False}))
        return
    with cols[3]:
        st.select_slider(tr("speed", lang), [0.5, 1.0, 1.5, 2.0, 3.0], value=1.0, key=SPEED,
                         label_visibility="collapsed")
    cols[4].caption(tr("keys_hint", lang))


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


def stage_diagram(trace, t, lang, fs):
    if not classroom():
        st.subheader(tr("diagram", lang))
        st.caption(tr("diagram_caption", lang))
    names = {"query": tr("query_word", lang), "fixed": tr("fixed_word", lang)}
    fig = encoder_decoder_diagram(trace, t, font_size=fs, names=names, height=470 if classroom() else 430)
    show(fig, "diagram", lang, name=f"diagram-step{t}", live=True)


def stage_scores(trace, t, lang, fs):
    step = trace.steps[t - 1]
    st.subheader(tr("stage1", lang))
    st.caption(tr("stage1_text", lang))
    st.caption(tr("query_bahdanau" if trace.decoder == "bahdanau" else "query_luong", lang))
    i = int(np.argmax(step.e))
    formula = BAHDANAU_TEX if trace.decoder == "bahdanau" else SCORE_TEX[trace.score]
    worked = ""
    if trace.score in ("dot", "scaled_dot") and trace.decoder == "luong":
        h = trace.encoder_states[i]
        terms = " + ".join(f"({a:.2f})({b:.2f})" for a, b in zip(step.s[:2], h[:2]))
        scale = r"\frac{1}{\sqrt{n}}" if trace.score == "scaled_dot" else ""
        worked = rf"= {scale}\left[{terms} + \dots\right]"
    st.latex(rf"{formula} \qquad e_t^{{{i + 1}}} {worked} = {step.e[i]:.3f}")
    show(score_bars(trace, t, font_size=fs), "scores", lang, name=f"scores-step{t}", live=True)


def stage_alpha(trace, t, lang, fs):
    step = trace.steps[t - 1]
    st.subheader(tr("stage2", lang))
    st.caption(tr("stage2_text", lang))
    i = int(np.argmax(step.alpha))
    st.latex(rf"\alpha_t = \mathrm{{softmax}}(e_t), \quad \alpha_t^{{{i + 1}}} = "
             rf"\frac{{\exp(e_t^{{{i + 1}}})}}{{\sum_{{j=1}}^{{{len(step.alpha)}}} \exp(e_t^j)}} = "
             rf"\frac{{\exp({step.e[i]:.3f})}}{{\sum_j \exp(e_t^j)}} = {step.alpha[i]:.4f}, \quad "
             rf"\sum_i \alpha_t^i = {step.alpha.sum():.4f}")
    show(alpha_bars(trace, t, font_size=fs, sum_label=tr("sum_label", lang)), "alpha", lang, name=f"alpha-step{t}",
         live=True)


def stage_context(trace, t, lang, fs):
    step = trace.steps[t - 1]
    st.subheader(tr("stage3", lang))
    st.caption(tr("stage3_text", lang))
    top = np.argsort(-step.alpha)[:2]
    terms = " + ".join(rf"{step.alpha[i]:.3f}\,h_{{{i + 1}}}" for i in top)
    st.latex(rf"a_t = \sum_{{i=1}}^{{{len(step.alpha)}}} \alpha_t^i h_i = {terms} + \dots = {vec_tex(step.a)}"
             rf"\in \mathbb{{R}}^{{{len(step.a)}}}")
    show(context_figure(trace, t, font_size=fs, a_label=tr("context_row", lang)), "context", lang,
         name=f"context-step{t}", live=True)


def stage_output(trace, t, lang, fs):
    step = trace.steps[t - 1]
    st.subheader(tr("stage4", lang))
    st.caption(tr("stage4_text", lang))
    first = "c" if trace.decoder == "none" else "a_t"
    st.latex(rf"v_t = [{first} ; s_t] \in \mathbb{{R}}^{{{len(step.concat)}}}, \qquad "
             rf"\tilde{{s}}_t = \tanh(W_c v_t + b_c) = {vec_tex(step.s_tilde, 3)}")
    st.latex(rf"\hat{{y}}_t = \mathrm{{softmax}}(W_y \tilde{{s}}_t + b_y), \qquad "
             rf"\hat{{y}}_t[y_t] = {step.prob:.4f}")
    n = len(step.s)
    name = f"[{first}; s_t]"
    show(vector_strip([(name, step.concat), ("s̃_t", step.s_tilde)], split_at={name: n}, font_size=fs,
                      title=tr("vectors_title", lang)), "vectors", lang, name=f"vectors-step{t}", live=True)
    chosen = tr("given" if trace.mode == "forced" else "chosen", lang)
    title = tr("top_k", lang, k=len(step.top_k))
    show(output_bars(trace, t, font_size=fs, chosen_label=chosen, title=title), "output", lang, name=f"output-step{t}",
         live=True)


def stage_fixed_context(trace, t, lang, fs):
    st.subheader(tr("no_attention_title", lang))
    st.info(tr("no_attention_text", lang))
    st.latex(r"s_t = \mathrm{GRU}(s_{t-1}, [y_{t-1}; c]), \quad c = h_N \text{ (the same for every } t)")
    show(vector_strip([(tr("fixed_context", lang), trace.fixed_context)], font_size=fs), "fixed", lang,
         name="fixed-context")


def numbers_table(trace, t, lang) -> None:
    step = trace.steps[t - 1]
    # Filled only while open: the table changes with every step, and a closed one should cost nothing.
    with st.expander(tr("numbers_table", lang), key="numbers_table", on_change="rerun") as box:
        if not box.open:
            return
        st.dataframe(pd.DataFrame({
            tr("col_position", lang): range(1, len(trace.source_tokens) + 1),
            tr("col_token", lang): trace.source_tokens,
            tr("col_score", lang): step.e, tr("col_alpha", lang): step.alpha,
        }), hide_index=True, width="stretch")


def stage_renderers(trace, t: int, lang: str, fs: int) -> dict:
    """The stages of step t in the article's order; a model without attention shows its fixed context."""
    renderers = {
        "diagram": lambda: stage_diagram(trace, t, lang, fs),
        "stage1": lambda: stage_scores(trace, t, lang, fs),
        "stage2": lambda: stage_alpha(trace, t, lang, fs),
        "stage3": lambda: stage_context(trace, t, lang, fs),
        "stage4": lambda: stage_output(trace, t, lang, fs),
    }
    if trace.alignment is None:
        renderers["stage1"] = lambda: stage_fixed_context(trace, t, lang, fs)
        del renderers["stage2"], renderers["stage3"]
    return renderers


@st.fragment
def step_view(trace, lang: str) -> None:
    """Everything that changes with the step. A fragment: a step change reruns this part only, not the
    sidebar, the model and input boxes or the navigation, and the browser redraws only what is in it."""
    if st.session_state.pop(PLAY_TOGGLED, False):
        st.rerun()  # the whole page: autoplay's timer (outside) starts or stops
    T = len(trace.steps)
    step_slider(T, lang)
    step_buttons(T, lang)
    t = min(st.session_state.get(STEP, 1), T)
    step = trace.steps[t - 1]
    # Markdown, not st.code: a code box makes the browser load and compile a 1.5 MB syntax highlighter,
    # about a quarter of a second of the first page's start.
    st.markdown(f"#### {tr('output', lang)}\n### :gray-background[{md_literal(trace.prediction) or '∅'}]")
    st.caption(tr("step_of", lang, t=t, T=T, prev=md_literal(repr(step.input_token)),
                  token=md_literal(repr(step.token)), prob=f"{step.prob:.3f}"))
    for render in stage_renderers(trace, t, lang, 14).values():
        render()
    if trace.alignment is not None:
        numbers_table(trace, t, lang)


lang = sidebar()
if classroom():  # one figure at a time, controls on top, everything else folded away at the foot
    st.session_state.pop(PLAY_TOGGLED, None)  # (a full run already)
    top = st.container()
    with footer(lang):
        model, text = model_and_input(lang)
        trace = trace_or_stop(model, text, lang)
        step_slider(len(trace.steps), lang)
        st.select_slider(tr("speed", lang), [0.5, 1.0, 1.5, 2.0, 3.0], value=1.0, key=SPEED)
        st.caption(tr("keys_hint", lang))
    with top:
        step_buttons(len(trace.steps), lang, compact=True)
        renderers = stage_renderers(trace, min(st.session_state.get(STEP, 1), len(trace.steps)), lang, 20)
        stage = st.segmented_control(" ", list(renderers), default="diagram", key=STAGE, label_visibility="collapsed",
                                     format_func=lambda s: tr(f"short_{s}", lang), required=True)
        renderers[stage]()
else:
    st.title(tr("page_step", lang))
    model, text = model_and_input(lang)
    trace = trace_or_stop(model, text, lang)
    step_view(trace, lang)
    show_card(model, lang)
autoplay(len(trace.steps))
