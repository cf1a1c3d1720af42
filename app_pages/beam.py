"""Beam search: the whole search tree, the ranked hypotheses, and the attention of any of them (a multi-head model's
from the head the shared pickers chose: common.head_view)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import (
    classroom,
    export_context,
    head_view,
    is_subword,
    model_and_input,
    model_label,
    show,
    sidebar,
    trace_or_stop,
    view_title,
    word_mode,
)
from app_pages.texts import t as tr
from attention_core.figures import alignment_heatmap
from attention_core.figures.decoding import beam_tree
from attention_core.heads import at_head, is_multi_head
from attention_core.limits import MAX_BEAM
from attention_core.words import trace_words

WIDTH, PRUNED, PICK = "beam_width", "beam_pruned", "beam_pick"

lang = sidebar()
fs = 18 if classroom() else 13
st.title(tr("page_beam", lang))
st.caption(tr("beam_intro", lang))
model, text = model_and_input(lang)
words = word_mode(lang, is_subword(model))  # the hypotheses' attention in words (the tree's nodes stay pieces)
left, right = st.columns([3, 1], vertical_alignment="bottom")
width = left.slider(tr("beam_width", lang), 1, MAX_BEAM, 4, key=WIDTH)
# At k = 1 there is no tree, so no switch for it. Set before the widget on every run, the value is the
# session's own and survives the runs at k = 1, when the widget is away (a widget's own value would be dropped).
st.session_state[PRUNED] = st.session_state.get(PRUNED, True)
show_pruned = right.toggle(tr("show_pruned", lang), key=PRUNED) if width > 1 else False
best = trace_or_stop(model, text, lang, beam=width)
hypotheses = [best, *best.hypotheses]
if st.session_state.get(PICK, 1) > len(hypotheses):
    st.session_state[PICK] = 1

if width > 1 and not best.beam_tree:  # an hf: model: generate keeps its candidates to itself
    st.info(tr("beam_no_tree", lang, model=model_label(model.name)))
elif width > 1:
    names = {k: tr(f"status_{k}", lang) for k in ("root", "kept", "pruned", "finished", "best", "chosen")}
    fig = beam_tree(best, font_size=fs, show_pruned=show_pruned, names=names, piece_names=words,
                    chosen=st.session_state.get(PICK, 1) - 1)  # the hypothesis shown below, its path in orange
    event = show(fig, "beam_tree", lang, name=f"beam-{model.name}-k{width}", on_select="rerun",
                 context=export_context(lang, more=f"k = {width}"),
                 selection_mode="points")
    points = event.selection.points if event and event.selection else []
    ranks = [p["customdata"][1] for p in points if p.get("customdata") and p["customdata"][1] >= 0]
    if ranks and st.session_state.get(PICK) != int(ranks[0]) + 1:
        st.session_state[PICK] = int(ranks[0]) + 1
        st.rerun()

st.subheader(tr("hypotheses", lang))
st.dataframe(pd.DataFrame({
    tr("col_rank", lang): range(1, len(hypotheses) + 1),
    tr("col_output", lang): [h.prediction for h in hypotheses],
    tr("col_logp", lang): [round(h.log_prob, 4) for h in hypotheses],
    tr("col_norm", lang): [round(h.log_prob / len(h.steps), 4) for h in hypotheses],
}), hide_index=True, width="stretch")
multi = is_multi_head(best)
pick_column, *head_columns = st.columns([2, 1, 1]) if multi else [st.container()]  # the head pickers beside it
pick = pick_column.selectbox(tr("hypothesis", lang), range(1, len(hypotheses) + 1), key=PICK,
                             format_func=lambda r: f"{r}: {hypotheses[r - 1].prediction}")
where = head_view(best, lang, columns=head_columns or None).alignment_from  # a GRU: its one head
chosen = at_head(hypotheses[pick - 1], where["layer"], where["head"])
if chosen.alignment is not None:
    title = f"{pick}: {chosen.prediction}" + (f" · {view_title(chosen, lang)}" if multi else "")
    show(alignment_heatmap(chosen, font_size=fs, title=title,
                           view=trace_words(chosen) if words else None), "beam_alignment", lang,
         name=f"beam-alignment-{pick}", print_scale=True, context=export_context(lang, more=f"k = {width}"))
