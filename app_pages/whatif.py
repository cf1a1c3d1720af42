"""What if? Override α_t at one step and see a_t, s̃_t, the output distribution and the rest of the decoding change.

A multi-head model's edit (attention_core.step.EditAt) replaces α_t of one head j of layer ℓ, or of every head of
that layer; the page shows the view the shared pickers chose (common.head_view), before and after."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from app_pages.common import (
    classroom,
    current_step,
    export_context,
    head_name,
    head_view,
    is_subword,
    md_literal,
    model_and_input,
    model_label,
    show,
    sidebar,
    trace_or_stop,
    view_title,
    word_mode,
)
from app_pages.texts import t as tr
from attention_core import InputError, catalog
from attention_core.figures import alignment_heatmap, vector_strip
from attention_core.figures.decoding import paired_bars
from attention_core.heads import MEAN, at_head, is_multi_head
from attention_core.step import EditAt
from attention_core.tokenizers import EOS
from attention_core.whatif import EDITS, make_edit
from attention_core.words import group_of, piece_label, piece_labels, sum_over, trace_words

STEP_KEY, KIND, TOKEN, TEMP, CONTINUE = "wi_step", "wi_kind", "wi_token", "wi_temp", "wi_continue"
SCOPE = "wi_scope"  # a multi-head model's edit: on the view's head ("head") or on every head of its layer ("layer")


@st.cache_data(show_spinner=False, max_entries=64)
def what_if(name: str, text: str, t: int, kind: str, index: int, T: float, weights: tuple | None, go_on: bool,
            layer: int = 1, head: int | None = None):
    """Translator.what_if with the edit at EditAt(layer, head): head j of layer ℓ, or every head (None)."""
    from app_pages.common import get_model

    edit = make_edit(kind, index=index, T=T, weights=weights)
    return get_model(name).what_if(text, t, EditAt(edit, layer=layer, head=head), continue_decoding=go_on)


def titled(title: str | None, seen: str | None) -> str | None:
    """A figure's title naming the view it draws ("αₜ before and after · layer 2, head 3 of 4"); one head: as is."""
    return title if seen is None else (f"{title} · {seen}" if title else seen)


lang = sidebar()
fs = 18 if classroom() else 13
st.title(tr("page_whatif", lang))
st.caption(tr("whatif_intro", lang))
model, text = model_and_input(lang, attention_only=True)
if model.name.startswith(catalog.HF_PREFIX):  # transformers computes its attention; this app only reads it
    st.info(tr("whatif_not_here", lang, model=model_label(model.name)))
    st.stop()
words = word_mode(lang, is_subword(model))
original = head_view(trace_or_stop(model, text, lang), lang)  # the view the pickers chose (as it is: a GRU)
layer, view_head = original.alignment_from["layer"], original.alignment_from["head"]
multi = is_multi_head(original)
seen = view_title(original, lang) if multi else None
T, src = len(original.steps), original.source_tokens
view = trace_words(original) if words else None
# An edit changes α_t over pieces (what the model computes): in word view each piece is named without raw
# markers, with its word; the α bars below are grouped into words by summing.
shown = piece_labels(src) if words else src


def piece_name(i: int) -> str:
    name = f"{i + 1}: {shown[i]!r}"
    word = view.source_words[group_of(view.source_groups, i)] if view else None
    return name if word is None or word == shown[i] else f"{name} ({word})"


c1, c2, c3 = st.columns([1, 2, 2])
start = min(max(current_step() or (T // 2 + 1), 1), T)  # the middle of the output unless a step is chosen
t = c1.number_input(tr("step", lang), 1, T, start, key=f"{STEP_KEY}_{T}")
kind = c2.selectbox(tr("edit_kind", lang), EDITS, format_func=lambda k: tr(f"edit_{k}", lang), key=KIND)
go_on = c3.toggle(tr("continue", lang), value=True, key=CONTINUE)
edit_head = None  # every head of the layer: a GRU's one head, or a layer's heads under their mean
if multi and view_head != MEAN:
    # The mean over heads is no head to edit: under it every head of the layer is edited (said below).
    scope = st.segmented_control(
        tr("edit_scope", lang), ["head", "layer"], key=SCOPE, required=True, default="head",
        format_func=lambda k: tr(f"edit_scope_{k}", lang, head=head_name(view_head, lang, original.heads),
                                 layer=layer))
    edit_head = view_head if scope == "head" else None
step = original.steps[t - 1]
index, T_value, weights = 0, 1.0, None
if kind in ("one_hot", "mask"):
    top = int(np.argmax(step.alpha))
    # mask: the token the model looks at; all attention on one token: the one farthest from it
    default = top if kind == "mask" else max(range(len(src)), key=lambda i: abs(i - top))
    # Keyed by the input and the step too: a new t gets its own default token, not the previous step's choice.
    index = st.selectbox(tr("source_token", lang), range(len(src)), index=default,
                         key=f"{TOKEN}_{kind}_{model.name}_{text}_{t}", format_func=piece_name)
elif kind == "temperature":
    T_value = st.select_slider(tr("temperature", lang), [0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0], value=4.0, key=TEMP)
else:
    st.caption(tr("weights_row", lang))
    frame = pd.DataFrame([np.round(step.alpha, 3)], columns=[f"{i + 1}: {tok}" for i, tok in enumerate(shown)])
    edited = st.data_editor(frame, key=f"wi_values_{model.name}_{text}_{t}", hide_index=True)
    values = edited.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)[0]
    if not np.isfinite(values).all() or (values < 0).any() or values.sum() <= 0:
        st.warning(tr("bad_weights", lang))
        st.stop()
    weights = tuple(float(v) for v in values)

try:
    changed = what_if(model.name, text, int(t), kind, int(index), float(T_value), weights, go_on, layer, edit_head)
except (InputError, ValueError) as error:
    st.warning(tr("bad_input", lang, error=error))
    st.stop()
changed = at_head(changed, layer, view_head)  # the changed trace seen from the same head as the original
new = changed.steps[t - 1]
# Without "continue decoding" the changed trace ends at step t: it is compared with the model's own first t
# tokens, not with its whole output (which always differed), and both are joined by the model's tokenizer
# (words with spaces, characters without), as its prediction is.
before_tokens = original.target_tokens if go_on else original.target_tokens[:t]
before = model.target_tokenizer.join([tok for tok in before_tokens if tok != EOS])
key = ("whatif_result" if go_on else "whatif_result_until") if changed.target_tokens != before_tokens else (
    "whatif_same" if go_on else "whatif_same_until")
st.markdown("#### " + tr(key, lang, t=t, before=md_literal(before), after=md_literal(changed.prediction)))
if multi:  # which heads the edit changed, and which one the figures show
    edited = (tr("edited_head", lang, head=edit_head, layer=layer) if edit_head is not None else
              tr("edited_layer", lang, h=original.heads, layer=layer))
    st.caption(tr("whatif_edited", lang, edited=edited, shown=seen))

names = (tr("before", lang), tr("after", lang))
more = tr(f"edit_{kind}", lang)  # an exported figure says what was changed, and where
if multi:
    more += " · " + edited
context = export_context(lang, step=t, more=more)
if view:  # α_t over source words: summed over each word's pieces
    bars = (view.source_words, sum_over(step.alpha, view.source_groups), sum_over(new.alpha, view.source_groups))
    st.caption(tr("whatif_pieces", lang))
else:
    bars = (src, step.alpha, new.alpha)
show(paired_bars(*bars, names=names, font_size=fs, title=titled(tr("alpha_compare", lang), seen),
                 y_title="α<sub>t</sub>"), "wi_alpha", lang, name=f"whatif-alpha-step{t}", context=context)
before_out, after_out = dict(step.top_k), dict(new.top_k)
tokens = list(dict.fromkeys([tok for tok, _ in step.top_k] + [tok for tok, _ in new.top_k]))
show(paired_bars([piece_label(tok) for tok in tokens] if words else tokens,  # the decoder chooses pieces
                 [before_out.get(k, 0.0) for k in tokens], [after_out.get(k, 0.0) for k in tokens],
                 names=(tr("before_out", lang), tr("after_out", lang)), font_size=fs,
                 title=tr("output_compare", lang), y_title="ŷ<sub>t</sub>"), "wi_output", lang,
     name=f"whatif-output-step{t}", context=context)
# a_t where the view has one (a layer's mean over heads has none: see the step page)
vectors = [(f"aₜ, {names[0]}", step.a), (f"aₜ, {names[1]}", new.a)] if step.a is not None and new.a is not None else []
if multi and view_head == MEAN:  # said in place: the strip below has s̃_t only
    st.info(tr("whatif_mean", lang, h=original.heads, layer=layer))
show(vector_strip(vectors + [(f"s̃ₜ, {names[0]}", step.s_tilde), (f"s̃ₜ, {names[1]}", new.s_tilde)],
                  font_size=fs, title=titled(tr("vectors_compare" if vectors else "vectors_compare_s", lang), seen)),
     "wi_vectors", lang, name=f"whatif-vectors-step{t}", context=context)
if go_on and changed.alignment is not None:
    changed_view = trace_words(changed) if words else None
    row = group_of(changed_view.target_groups, t - 1) + 1 if changed_view else t  # the changed step's row
    show(alignment_heatmap(changed, step=row, font_size=fs, view=changed_view, title=titled(None, seen)),
         "wi_alignment", lang, name="whatif-alignment", print_scale=True, context=context)
