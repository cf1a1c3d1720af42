"""Worked example (sandbox): no model; edit s_t and h_i, pick a score function, follow every number."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from app_pages.common import classroom, export_context, show, sidebar
from app_pages.texts import t as tr
from attention_core.figures import alpha_bars, context_figure, score_bars
from attention_core.formulas import SCORES
from attention_core.sandbox import Weights, article_preset, onehot_preset, random_preset, random_weights, work
from attention_core.trace import StepTrace, Trace

PRESET, N_KEY, DIM, SEED, SCORE, TEMP, VERSION, DATA = (
    "sb_preset", "sb_N", "sb_n", "sb_seed", "sb_score", "sb_temp", "sb_version", "sb_data")
PRESETS = ("preset_article", "preset_random", "preset_onehot")
# Token names are typed freely: on the half-width charts a longer one is cut (with "…", whole on hover), or,
# tilted, it would take the bars' room.
NAME_LIMIT = 12


def load_preset() -> None:
    preset, N, n, seed = (st.session_state.get(PRESET, PRESETS[0]), st.session_state.get(N_KEY, 4),
                          st.session_state.get(DIM, 4), st.session_state.get(SEED, 0))
    if preset == "preset_article":
        tokens, H, s = article_preset()
    elif preset == "preset_onehot":
        tokens, H, s = onehot_preset(N, n)
    else:
        tokens, H, s = random_preset(N, n, seed)
    st.session_state[DATA] = (tokens, H, s)
    st.session_state[VERSION] = st.session_state.get(VERSION, 0) + 1


def frame(matrix: np.ndarray, prefix: str) -> pd.DataFrame:
    return pd.DataFrame(matrix, columns=[f"{prefix}[{d}]" for d in range(matrix.shape[1])])


def numbers(df: pd.DataFrame) -> np.ndarray | None:
    values = df.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    return values if np.isfinite(values).all() else None


def sandbox_trace(tokens, H, s, e, alpha, a) -> Trace:
    """A one-step trace so that the page reuses the model pages' figure builders."""
    step = StepTrace(t=1, input_token="", query="s_t", s=s, e=e, alpha=alpha, a=a, concat=np.concatenate([a, s]),
                     s_tilde=np.zeros_like(s), token="", prob=1.0, top_k=[])
    return Trace(model="sandbox", score="", decoder="luong", source="", source_tokens=tokens, target_tokens=[""],
                 encoder_states=H, steps=[step])


lang = sidebar()
fs = 22 if classroom() else 14
st.title(tr("page_sandbox", lang))
st.caption(tr("sandbox_intro", lang))
if DATA not in st.session_state:
    load_preset()

c1, c2, c3, c4, c5 = st.columns([3, 1, 1, 1, 1], vertical_alignment="bottom")
# A new preset, N, n or seed is applied at once (it replaces the edited numbers, as "Load preset" does); the
# article's example has its own fixed sizes, so N and n are off for it, and the seed is only the random preset's.
article_sizes = tr("sizes_article", lang, N=article_preset()[1].shape[0], n=article_preset()[1].shape[1])
preset = c1.selectbox(tr("preset", lang), PRESETS, format_func=lambda p: tr(p, lang), key=PRESET,
                      on_change=load_preset)
c2.number_input(tr("n_states", lang), 2, 8, 4, key=N_KEY, on_change=load_preset, disabled=preset == "preset_article",
                help=article_sizes if preset == "preset_article" else None)
c3.number_input(tr("dim", lang), 2, 6, 4, key=DIM, on_change=load_preset, disabled=preset == "preset_article",
                help=article_sizes if preset == "preset_article" else None)
c4.number_input(tr("seed", lang), 0, 9999, 0, key=SEED, on_change=load_preset, disabled=preset != "preset_random")
c5.button(tr("load_preset", lang), on_click=load_preset, width="stretch", help=tr("load_preset_help", lang))
if st.session_state.get(PRESET) == "preset_article":
    st.caption(tr("note_preset", lang))

tokens, H0, s0 = st.session_state[DATA]
version = st.session_state[VERSION]
score = st.segmented_control(tr("score_function", lang), SCORES, default="dot", key=SCORE, required=True)
temperature = st.select_slider(tr("temperature", lang), [0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0], value=1.0, key=TEMP,
                               help=tr("temperature_help", lang))

left, right = st.columns([1, 2])
with left:
    st.markdown("**" + tr("decoder_state", lang) + "**")
    s_df = st.data_editor(frame(s0[None, :], "s"), key=f"sb_s_{version}", hide_index=True)
with right:
    st.markdown("**" + tr("encoder_states", lang) + "**")
    h_df = st.data_editor(pd.concat([pd.DataFrame({tr("token_names", lang): tokens}), frame(H0, "h")], axis=1),
                          key=f"sb_H_{version}", hide_index=True)

s, H = numbers(s_df), numbers(h_df.iloc[:, 1:])
names = [str(x) if x is not None else "" for x in h_df.iloc[:, 0]]
if s is None or H is None or H.shape[1] != s.shape[1]:
    st.warning(tr("bad_numbers", lang))
    st.stop()
s = s[0]
weights = random_weights(score, len(s), len(H), seed=int(st.session_state.get(SEED, 0)))
if weights.W_a is not None:
    with st.expander(tr("weights", lang)):
        W_df = st.data_editor(frame(weights.W_a, "W_a"), key=f"sb_W_{score}_{version}_{len(s)}_{len(H)}",
                              hide_index=True)
        w_df = (st.data_editor(frame(weights.w_a[None, :], "w_a"), key=f"sb_w_{version}_{len(s)}", hide_index=True)
                if weights.w_a is not None else None)
        W = numbers(W_df)
        w = numbers(w_df)[0] if w_df is not None and numbers(w_df) is not None else weights.w_a
        if W is None or W.shape != weights.W_a.shape:
            st.warning(tr("bad_numbers", lang))
            st.stop()
        weights = Weights(W_a=W, w_a=w)

result = work(score, s, H, weights, temperature)
trace = sandbox_trace(names, H, s, result.e, result.alpha, result.a)
st.subheader(tr("computation", lang))
for line in result.lines:
    st.latex(line)
# No model and no input here: the file names the score function and the temperature instead.
context = export_context(lang, model="", text="", more=f"{tr('page_sandbox', lang)}: {score}, T = {temperature}")
a, b = st.columns(2)
with a:
    show(score_bars(trace, 1, font_size=fs, title=tr("stage1", lang), tick_limit=NAME_LIMIT), "sb_scores", lang,
         name="sandbox-scores", context=context)
with b:
    show(alpha_bars(trace, 1, font_size=fs, title=tr("stage2", lang), sum_label=tr("sum_label", lang),
                    tick_limit=NAME_LIMIT), "sb_alpha", lang, name="sandbox-alpha",
         context=context)
show(context_figure(trace, 1, font_size=fs, title=tr("stage3", lang)), "sb_context", lang, name="sandbox-context",
     context=context)
