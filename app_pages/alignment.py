"""Alignment matrix: α for every step at once; a click on a cell opens that step."""

import streamlit as st

from app_pages.common import (
    CELLS,
    STEP,
    STEP_PAGE,
    classroom,
    current_step,
    go_to,
    model_and_input,
    show,
    show_card,
    sidebar,
    trace_or_stop,
)
from app_pages.texts import t as tr
from attention_core.figures import alignment_heatmap

lang = sidebar()
st.title(tr("page_alignment", lang))
model, text = model_and_input(lang, attention_only=True)
trace = trace_or_stop(model, text, lang)
st.caption(tr("alignment_caption", lang))
if model.config.tokenizer == "word":
    st.caption(tr("word_level", lang))
show_values = st.toggle(tr("show_values", lang), key=CELLS, value=len(trace.source_tokens) <= 20)
fig = alignment_heatmap(trace, step=current_step(), show_values=show_values, clickable=True,
                        font_size=22 if classroom() else 14)
event = show(fig, "alignment", lang, name=f"alignment-{model.name}", print_scale=True, on_select="rerun",
             selection_mode="points")
points = event.selection.points if event and event.selection else []
if points:
    st.session_state[STEP] = int(points[0]["y"]) + 1
    go_to(STEP_PAGE, step=str(st.session_state[STEP]))
# The same jump without a mouse: pick a row, press the button.
left, right = st.columns([3, 1], vertical_alignment="bottom")
row = left.selectbox(tr("step", lang), range(1, len(trace.steps) + 1), key="alignment_row",
                     format_func=lambda t: f"{t}: {trace.target_tokens[t - 1]}")
if right.button(tr("open_step", lang, t=row), key="open_row"):
    st.session_state[STEP] = row
    go_to(STEP_PAGE, step=str(row))
show_card(model, lang)
