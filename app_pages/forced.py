"""Forced decoding: the model reads a target the user types and says how likely each token is; its attention while
it reads (a multi-head model's from the head the shared pickers chose: common.head_view)."""

from __future__ import annotations

import streamlit as st

from app_pages.common import (
    classroom,
    export_context,
    get_trace,
    head_view,
    is_subword,
    md_literal,
    model_and_input,
    show,
    sidebar,
    trace_or_stop,
    view_title,
    word_mode,
)
from app_pages.texts import t as tr
from attention_core import InputError
from attention_core.figures import alignment_heatmap
from attention_core.figures.decoding import forced_probabilities
from attention_core.heads import is_multi_head
from attention_core.words import piece_label, trace_words

TARGET, THRESHOLD = "forced_target", "forced_threshold"


def t_unit(model, lang_: str) -> str:
    return tr(f"unit_{model.config.tokenizer}", lang_)


lang = sidebar()
fs = 18 if classroom() else 13
st.title(tr("page_forced", lang))
st.caption(tr("forced_intro", lang))
model, text = model_and_input(lang)
words = word_mode(lang, is_subword(model))
greedy = trace_or_stop(model, text, lang)
left, right = st.columns([3, 1])
# No max_chars (the browser would cut a longer paste silently): the caption states the model's own limit and
# the core refuses a longer target with it, as the input box does.
target = left.text_input(tr("target", lang), value=greedy.prediction, key=f"{TARGET}_{model.name}_{text}")
left.caption(tr("target_limit", lang, model=model.name, limit=model.max_target_tokens,
                unit=t_unit(model, lang)))
threshold = right.select_slider(tr("threshold", lang), [0.01, 0.05, 0.1, 0.2, 0.3, 0.5], value=0.1, key=THRESHOLD)
if not target.strip():  # forced decoding of nothing is the end marker alone: ask for a translation instead
    st.info(tr("target_empty", lang))
    st.stop()
try:
    forced = get_trace(model.name, text, target=target)
except InputError as error:
    st.warning(tr("bad_input", lang, error=error))
    st.stop()

st.markdown(tr("forced_summary", lang, forced=round(forced.log_prob, 3) + 0.0, greedy=round(greedy.log_prob, 3) + 0.0))
name = piece_label if words else str  # P is per piece (the decoder's steps), written without raw markers
flagged = [f"{s.t}: {md_literal(repr(name(s.token)))} (p = {s.prob:.3f}; {tr('model_would_say', lang)} "
           f"{md_literal(repr(name(s.top_k[0][0])))})"
           for s in forced.steps if s.prob < threshold or (s.top_k and s.top_k[0][0] != s.token)]
if flagged:
    st.warning(tr("flagged", lang, tokens="; ".join(flagged)))
else:
    st.success(tr("none_flagged", lang))
fig = forced_probabilities(forced, threshold=threshold, font_size=fs,
                           names={"preferred": tr("model_would_say", lang), "unlikely": tr("unlikely", lang)},
                           piece_names=words)
context = export_context(lang, more=tr("export_target", lang, target=" ".join(target.split())))
show(fig, "forced_probs", lang, name=f"forced-{model.name}", context=context)
if words:
    st.caption(tr("forced_pieces", lang))
if forced.alignment is not None:
    multi = is_multi_head(forced)
    forced = head_view(forced, lang)  # (a GRU's trace as it is)
    show(alignment_heatmap(forced, font_size=fs, view=trace_words(forced) if words else None,
                           title=view_title(forced, lang) if multi else None), "forced_alignment",
         lang, name=f"forced-alignment-{model.name}", print_scale=True, context=context)
