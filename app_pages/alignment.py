"""Alignment matrix: α for every step at once; a click on a cell opens that step."""

import streamlit as st

from app_pages.attribution_view import SYMBOL, attribution_choice, with_attribution
from app_pages.common import (
    CELLS,
    STEP,
    STEP_PAGE,
    classroom,
    current_step,
    go_to,
    head_name,
    head_view,
    is_subword,
    model_and_input,
    show,
    show_card,
    sidebar,
    trace_or_stop,
    word_mode,
)
from app_pages.texts import t as tr
from attention_core.figures import alignment_heatmap, attribution_heatmap
from attention_core.heads import is_multi_head
from attention_core.words import first_step, group_of, piece_labels, trace_words

lang = sidebar()
st.title(tr("page_alignment", lang))
model, text = model_and_input(lang, attention_only=True, files=True)
words = word_mode(lang, is_subword(model))
method = attribution_choice(model, lang)
# a multi-head model: the chosen layer and head (attribution is the step's, the same for every head)
trace = head_view(with_attribution(model, text, trace_or_stop(model, text, lang), method, lang), lang)
method = method or trace.attribution_method  # (a trace from a file may carry its own attribution)
where = {} if not is_multi_head(trace) else {key: str(value) for key, value in trace.alignment_from.items()}
title = tr("alignment_of_head", lang, layer=where["layer"],
           head=head_name(where["head"], lang, trace.heads)) if where else None
view = trace_words(trace) if words else None  # rows: target words, columns: source words, values Ā
st.caption(tr("alignment_caption_words" if words else "alignment_caption", lang))
if model.config.tokenizer in ("word", "subword"):
    st.caption(tr("subword_words" if words else f"{model.config.tokenizer}_level", lang))
# Values in the cells by default while they fit: up to 20 columns across the page, 10 in a half-page matrix (the
# attribution beside it; at 13 columns there the values ran into each other)
side_by_side = trace.attribution is not None and not classroom()
shown_columns = len(view.source_words) if view else len(trace.source_tokens)
show_values = st.toggle(tr("show_values", lang), key=CELLS, value=shown_columns <= (10 if side_by_side else 20))
step = current_step()
row_of = (lambda t: group_of(view.target_groups, t - 1) + 1) if view else (lambda t: t)  # a step's row
row = row_of(step) if step and 1 <= step <= len(trace.steps) else None
fs = 22 if classroom() else 14
suffix = "-words" if words else ""
if trace.attribution is None:
    places, width = [st.container()], None
else:  # side by side on a screen, one above the other on a projector (each needs its columns' room)
    st.caption(tr("attribution_matrix_caption_stacked" if classroom() else "attribution_matrix_caption", lang))
    places, width = (st.columns(2), 560) if side_by_side else ([st.container(), st.container()], None)
with places[0]:
    fig = alignment_heatmap(trace, step=row, show_values=show_values, clickable=True, font_size=fs, view=view,
                            title=title if width is None else f"{tr('attention_matrix_title', lang)}"
                                                              f"{' · ' + title if title else ''}", width=width)
    events = [show(fig, "alignment", lang, name=f"alignment-{model.name}{suffix}", print_scale=True,
                   on_select="rerun", selection_mode="points")]
if trace.attribution is not None:
    with places[-1]:
        fig = attribution_heatmap(trace, step=row, show_values=show_values, clickable=True, font_size=fs, view=view,
                                  value_name=SYMBOL, width=width,
                                  title=tr("attribution_matrix_title", lang, method=tr(f"attr_{method}", lang)))
        events.append(show(fig, "attribution_matrix", lang, name=f"attribution-{method}-{model.name}{suffix}",
                           print_scale=True, on_select="rerun", selection_mode="points"))
points = [p for event in events if event and event.selection for p in event.selection.points]
if points:
    row = int(points[0]["y"])  # in word view a target word: its first piece's step
    st.session_state[STEP] = first_step(view, row) if view else row + 1
    go_to(STEP_PAGE, step=str(st.session_state[STEP]), **where)  # (the head: the session's, held by the URL too)
# The same jump without a mouse: pick a row, press the button.
names = piece_labels(trace.target_tokens) if words else trace.target_tokens
left, right = st.columns([3, 1], vertical_alignment="bottom")
row = left.selectbox(tr("step", lang), range(1, len(trace.steps) + 1), key="alignment_row",
                     format_func=lambda t: f"{t}: {names[t - 1]}")
if right.button(tr("open_step", lang, t=row), key="open_row"):
    st.session_state[STEP] = row
    go_to(STEP_PAGE, step=str(row), **where)
show_card(model, lang)
