"""Worked example (sandbox): no model; edit s_t and h_i, pick a score function, follow every number."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from app_pages.common import classroom, export_context, md_literal, show, sidebar
from app_pages.sandbox_state import (
    DATA,
    DIM,
    H_COUNT,
    H_D,
    H_DATA,
    H_EDIT,
    H_EDITS,
    H_N,
    H_PRESET,
    H_PRESETS,
    H_SEED,
    H_VERSION,
    MAX_NAME,
    MODE,
    MODES,
    N_KEY,
    PRESET,
    PRESETS,
    SCORE,
    SEED,
    TEMP,
    TEMPERATURES,
    VERSION,
    base,
    edited_base,
    forget_numbers,
    hold_settings,
    record,
    said_bad,
)
from app_pages.texts import t as tr
from attention_core.figures import alpha_bars, context_figure, score_bars, vector_strip
from attention_core.formulas import SCORES
from attention_core.sandbox import Weights, article_preset, onehot_preset, random_preset, random_weights, work
from attention_core.sandbox_heads import (
    D_MODELS,
    Projections,
    article_heads_preset,
    head_counts,
    project,
    random_heads_preset,
    work_heads,
    work_projected,
)
from attention_core.trace import StepTrace, Trace

# Token names are typed freely: on the half-width charts a longer one is cut (with "…", whole on hover), or,
# tilted, it would take the bars' room.
NAME_LIMIT = 12
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
ROW_NAMES = " "  # the matrix editors' first column: what each row computes


def load_preset(keep: bool = False) -> None:
    """The preset's numbers (a new preset, size or seed, or "Load preset": they replace the edits, unless `keep`)."""
    if not keep:
        forget_numbers("one")
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


def load_heads_preset(keep: bool = False) -> None:
    if not keep:
        forget_numbers("heads")
    preset = st.session_state.get(H_PRESET, H_PRESETS[0])
    if preset == "heads_preset_article":
        data = article_heads_preset()
    else:
        data = random_heads_preset(st.session_state.get(H_N, 4), st.session_state.get(H_D, 4),
                                   st.session_state.get(H_SEED, 0))
    st.session_state[H_DATA] = data
    st.session_state[H_VERSION] = st.session_state.get(H_VERSION, 0) + 1


def by_head(symbol: str, d_model: int, h: int) -> list[str]:
    """Names of a d_model vector's components by head: q¹[0], q¹[1], q²[0], … (head j's d_k components)."""
    d_k = d_model // h
    return [f"{symbol}{str(r // d_k + 1).translate(SUPERSCRIPT)}[{r % d_k}]" for r in range(d_model)]


def matrix_editor(matrix: np.ndarray, rows: list[str], columns: list[str], key: str) -> np.ndarray | None:
    """A small matrix in a data editor, its rows named in a first column that cannot be edited (not the index: a
    keyed editor keeps its edits while its columns stay the same, and a new h renames rows only); the numbers,
    or None for a bad cell."""
    df = pd.concat([pd.DataFrame({ROW_NAMES: rows}), pd.DataFrame(matrix, columns=columns)], axis=1)
    return numbers(st.data_editor(df, key=key, hide_index=True, disabled=[ROW_NAMES]).iloc[:, 1:])


def states_editor(tokens: list[str], matrix: np.ndarray, columns: list[str], key: str, lang: str):
    """N rows (one per token, its name editable) of a matrix: (names, numbers or None)."""
    df = st.data_editor(pd.concat([pd.DataFrame({tr("token_names", lang): tokens}),
                                   pd.DataFrame(matrix, columns=columns)], axis=1), key=key, hide_index=True)
    return [str(x)[:MAX_NAME] if x is not None else "" for x in df.iloc[:, 0]], numbers(df.iloc[:, 1:])


def multi_head(lang: str, fs: int) -> None:
    """DESIGN §5 on a desk: h heads over x_t and the h_i (or over q, k, v typed in), each head's scores, α and
    a_t drawn with the single head's figures and written out, then the heads joined (and projected by W_O)."""
    st.caption(tr("heads_intro", lang))
    if H_DATA not in st.session_state:
        load_heads_preset(keep=True)
    c1, c2, c3, c4, c5 = st.columns([2.3, 1.4, 1, 1, 1.3], vertical_alignment="bottom")
    article = st.session_state.get(H_PRESET, H_PRESETS[0]) == "heads_preset_article"
    sizes = tr("heads_sizes_article", lang, N=article_heads_preset()[1].shape[0], n=article_heads_preset()[1].shape[1])
    c1.selectbox(tr("preset", lang), H_PRESETS, format_func=lambda p: tr(p, lang), key=H_PRESET,
                 on_change=load_heads_preset)
    c2.number_input(tr("n_states", lang), 2, 8, key=H_N, on_change=load_heads_preset, disabled=article,
                    help=sizes if article else None)
    c3.selectbox(tr("d_model", lang), D_MODELS, key=H_D, on_change=load_heads_preset, disabled=article,
                 help=sizes if article else None)
    c4.number_input(tr("seed", lang), 0, 9999, key=H_SEED, on_change=load_heads_preset, disabled=article)
    c5.button(tr("load_preset", lang), on_click=load_heads_preset, width="stretch", help=tr("load_preset_help", lang),
              key="sbh_load")

    tokens_given, H_given, x_given, W_given = st.session_state[H_DATA]
    d_model = H_given.shape[1]
    counts = head_counts(d_model)
    if st.session_state.get(H_COUNT) not in counts:  # a new d_model: the nearest h that divides it
        st.session_state[H_COUNT] = 2 if 2 in counts else counts[-1]
    left, right = st.columns(2)
    with left:
        h = st.segmented_control(tr("heads_h", lang), counts, key=H_COUNT, required=True,
                                 help=tr("heads_h_help", lang))
    with right:
        edit = st.segmented_control(tr("heads_edit", lang), H_EDITS, key=H_EDIT, required=True,
                                    format_func=lambda e: tr(e, lang))
    probe = "sbh_x_{}" if edit == "heads_edit_weights" else "sbh_q_{}"
    edits = edited_base("heads", [probe.format(st.session_state[H_VERSION])], H_VERSION)
    version, bad = st.session_state[H_VERSION], []
    tokens, H0, x0 = (base(edits, "tokens", tokens_given, bad), base(edits, "H", H_given, bad),
                      base(edits, "x", x_given, bad))
    W0 = Projections(**{name: base(edits, name, getattr(W_given, name), bad) if getattr(W_given, name) is not None
                        else None for name in ("W_Q", "W_K", "W_V", "W_O")})
    q_given, K_given, V_given = project(x0, H0, W0)  # the projection of the numbers above (edited or not)
    if edit == "heads_edit_projected":
        q0, K0, V0 = (base(edits, "q", q_given, bad), base(edits, "K", K_given, bad), base(edits, "V", V_given, bad))
    if said_bad("heads", bad):  # (once, above the editors)
        st.info(tr("sandbox_link_bad", lang))
    dims = [f"[{d}]" for d in range(d_model)]
    # side by side while a matrix's columns fit half the page (d_model ≤ 6), one above the other beyond
    side_by_side = d_model <= 6
    if edit == "heads_edit_weights":
        a, b = st.columns([1, 2]) if side_by_side else (st.container(), st.container())
        with a:
            st.markdown("**" + tr("heads_query", lang) + "**")
            x = numbers(st.data_editor(frame(x0[None, :], "x"), key=f"sbh_x_{version}", hide_index=True))
        with b:
            st.markdown("**" + tr("encoder_states", lang) + "**")
            names, H = states_editor(tokens, H0, [f"h{d}" for d in dims], f"sbh_H_{version}", lang)
        st.markdown("**" + tr("heads_weights", lang) + "**")
        W = {}
        columns = st.columns(2) if side_by_side else [st.container()]
        # each W's rows are named by what they compute (head j's components), its columns by what they read
        for n, (name, rows, reads) in enumerate((("W_Q", by_head("q", d_model, h), "x"),
                                                 ("W_K", by_head("k", d_model, h), "h"),
                                                 ("W_V", by_head("v", d_model, h), "h"),
                                                 ("W_O", [f"o{d}" for d in dims], None))):
            with columns[n % len(columns)]:
                st.markdown(f"{name[0]}<sub>{name[2]}</sub>", unsafe_allow_html=True)
                reads = [f"{reads or 'a'}{d}" for d in dims]  # W_O reads a = [a¹; …; aʰ]
                W[name] = matrix_editor(getattr(W0, name), rows, reads, f"sbh_{name}_{version}")
        if x is None or H is None or any(w is None for w in W.values()):
            st.warning(tr("bad_numbers", lang))
            st.stop()
        record("heads", {"tokens": names, "H": H, "x": x[0], **W},
               {"tokens": tokens_given, "H": H_given, "x": x_given, **vars(W_given)})
        result = work_heads(x[0], H, Projections(**W), h)
    else:
        # one column per vector (N + 1 columns), its components in rows named by head, as in the W's: q beside
        # K, and V below K, so that the N columns get three quarters of the page
        vectors = lambda symbol: [f"{symbol}{str(i + 1).translate(SUBSCRIPT)}" for i in range(len(tokens))]
        names = tokens
        a, b = st.columns([1, 3])
        with a:
            st.markdown("**" + tr("heads_q", lang) + "**")
            q = matrix_editor(q0[:, None], by_head("q", d_model, h), ["qₜ"], f"sbh_q_{version}")
        with b:
            st.markdown("**" + tr("heads_k", lang) + "**")
            K = matrix_editor(K0.T, by_head("k", d_model, h), vectors("k"), f"sbh_K_{version}")
        a, b = st.columns([1, 3])
        with a:
            # kᵢ, vᵢ of token i (a name is the user's, or a link's: shown as text)
            st.caption("i: " + " · ".join(f"{i + 1} = {md_literal(token)}" for i, token in enumerate(tokens)))
        with b:
            st.markdown("**" + tr("heads_v", lang) + "**")
            V = matrix_editor(V0.T, by_head("v", d_model, h), vectors("v"), f"sbh_V_{version}")
        if q is None or K is None or V is None:
            st.warning(tr("bad_numbers", lang))
            st.stop()
        q, K, V = q[:, 0], K.T, V.T
        record("heads", {"q": q, "K": K, "V": V}, {"q": q_given, "K": K_given, "V": V_given})
        result = work_projected(q, K, V, h)

    st.subheader(tr("heads_stages", lang))
    for stage in ("link_query", "link_score", "link_alpha", "link_value", "link_joined"):
        st.markdown("- " + tr(stage, lang))
    context = export_context(lang, model="", text="", more=f"{tr('page_sandbox', lang)}: h = {h}")
    for j in range(h):
        J = str(j + 1).translate(SUPERSCRIPT)
        st.subheader(tr("head_title", lang, j=j + 1, h=h, d_k=result.d_k))
        # one head is the single head's worked example with q_t^j as the query and the v_i^j as what is weighed
        head = sandbox_trace(names, result.v[j], result.q[j], result.e[j], result.alpha[j], result.a[j])
        columns = st.columns(3) if not classroom() else st.columns(2) + [st.container()]
        with columns[0]:
            show(score_bars(head, 1, font_size=fs, title=tr("short_stage1", lang) + J, tick_limit=NAME_LIMIT),
                 f"sbh_scores_{j + 1}", lang, name=f"sandbox-head{j + 1}-scores", context=context)
        with columns[1]:
            show(alpha_bars(head, 1, font_size=fs, title=tr("short_stage2", lang) + J, sum_label=tr("sum_label", lang),
                            tick_limit=NAME_LIMIT), f"sbh_alpha_{j + 1}", lang, name=f"sandbox-head{j + 1}-alpha",
                 context=context)
        with columns[2]:
            # rows of 1.8 font sizes: the default height packs the large classroom labels onto each other
            show(context_figure(head, 1, font_size=fs, title=tr("short_stage3", lang) + J, a_label=f"aₜ{J}",
                                value_name="v", height=int(140 + 1.8 * fs * (len(names) + 2))),
                 f"sbh_context_{j + 1}", lang, name=f"sandbox-head{j + 1}-context", context=context)
        with st.expander(tr("head_written", lang, j=j + 1), expanded=j == 0):
            for line in result.head_lines[j]:
                st.latex(line)
    st.subheader(tr("heads_joined", lang))
    joined_name = "[" + "; ".join(f"aₜ{str(j + 1).translate(SUPERSCRIPT)}" for j in range(h)) + "]"
    strips = [(joined_name, result.joined)] + ([("oₜ = W_O " + joined_name, result.out)]
                                               if result.out is not None else [])
    show(vector_strip(strips, font_size=fs, split_at={joined_name: list(range(result.d_k, d_model, result.d_k))}),
         "sbh_joined", lang, name="sandbox-heads-joined", context=context)
    for line in result.joined_lines:
        st.latex(line)
    if result.out is None:
        st.caption(tr("heads_no_WO", lang))


lang = sidebar()
fs = 22 if classroom() else 14
st.title(tr("page_sandbox", lang))
hold_settings()
if st.segmented_control(tr("sandbox_mode", lang), MODES, key=MODE, required=True,
                        format_func=lambda m: tr(m, lang)) == "mode_heads":
    multi_head(lang, fs)
    st.stop()
st.caption(tr("sandbox_intro", lang))
if DATA not in st.session_state:
    load_preset(keep=True)

c1, c2, c3, c4, c5 = st.columns([3, 1, 1, 1, 1], vertical_alignment="bottom")
# A new preset, N, n or seed is applied at once (it replaces the edited numbers, as "Load preset" does); the
# article's example has its own fixed sizes, so N and n are off for it, and the seed is only the random preset's.
article_sizes = tr("sizes_article", lang, N=article_preset()[1].shape[0], n=article_preset()[1].shape[1])
preset = c1.selectbox(tr("preset", lang), PRESETS, format_func=lambda p: tr(p, lang), key=PRESET,
                      on_change=load_preset)
c2.number_input(tr("n_states", lang), 2, 8, key=N_KEY, on_change=load_preset, disabled=preset == "preset_article",
                help=article_sizes if preset == "preset_article" else None)
c3.number_input(tr("dim", lang), 2, 6, key=DIM, on_change=load_preset, disabled=preset == "preset_article",
                help=article_sizes if preset == "preset_article" else None)
c4.number_input(tr("seed", lang), 0, 9999, key=SEED, on_change=load_preset, disabled=preset != "preset_random")
c5.button(tr("load_preset", lang), on_click=load_preset, width="stretch", help=tr("load_preset_help", lang))
if st.session_state.get(PRESET) == "preset_article":
    st.caption(tr("note_preset", lang))

tokens_given, H_given, s_given = st.session_state[DATA]
score = st.segmented_control(tr("score_function", lang), SCORES, key=SCORE, required=True)
temperature = st.select_slider(tr("temperature", lang), TEMPERATURES, key=TEMP,
                               help=tr("temperature_help", lang))
given = random_weights(score, len(s_given), len(H_given), seed=int(st.session_state.get(SEED, 0)))
# the editors of this run (the weights' only where the score function has some): one without edits of its own
# and every editor starts again from the session's numbers
editor_keys = ["sb_s_{}"] + ([f"sb_W_{score}_{{}}_{len(s_given)}_{len(H_given)}"] if given.W_a is not None else [])
edits = edited_base("one", [key.format(st.session_state[VERSION]) for key in editor_keys], VERSION)
version, bad = st.session_state[VERSION], []
tokens, H0, s0 = (base(edits, "tokens", tokens_given, bad), base(edits, "H", H_given, bad),
                  base(edits, "s", s_given, bad))
# the weights' edits are the score function's own (a W_a of general is not one of concat)
weight_names = {f"{score}:W_a": given.W_a, f"{score}:w_a": given.w_a}
weights = Weights(**{name.split(":")[1]: None if value is None else base(edits, name, value, bad)
                     for name, value in weight_names.items()})
if said_bad("one", bad):  # (above the editors, where it is seen)
    st.info(tr("sandbox_link_bad", lang))

left, right = st.columns([1, 2])
with left:
    st.markdown("**" + tr("decoder_state", lang) + "**")
    s_df = st.data_editor(frame(s0[None, :], "s"), key=f"sb_s_{version}", hide_index=True)
with right:
    st.markdown("**" + tr("encoder_states", lang) + "**")
    h_df = st.data_editor(pd.concat([pd.DataFrame({tr("token_names", lang): tokens}), frame(H0, "h")], axis=1),
                          key=f"sb_H_{version}", hide_index=True)

s, H = numbers(s_df), numbers(h_df.iloc[:, 1:])
names = [str(x)[:MAX_NAME] if x is not None else "" for x in h_df.iloc[:, 0]]
if s is None or H is None or H.shape[1] != s.shape[1]:
    st.warning(tr("bad_numbers", lang))
    st.stop()
s = s[0]
if weights.W_a is not None:
    with st.expander(tr("weights", lang)):
        W_df = st.data_editor(frame(weights.W_a, "W_a"), key=editor_keys[1].format(version), hide_index=True)
        w_df = (st.data_editor(frame(weights.w_a[None, :], "w_a"), key=f"sb_w_{version}_{len(s)}", hide_index=True)
                if weights.w_a is not None else None)
        W = numbers(W_df)
        w = numbers(w_df)[0] if w_df is not None and numbers(w_df) is not None else weights.w_a
        if W is None or W.shape != weights.W_a.shape:
            st.warning(tr("bad_numbers", lang))
            st.stop()
        weights = Weights(W_a=W, w_a=w)
record("one", {"tokens": names, "H": H, "s": s,
               **{name: value for name, value in zip(weight_names, (weights.W_a, weights.w_a)) if value is not None}},
       {"tokens": tokens_given, "H": H_given, "s": s_given, **weight_names})

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
