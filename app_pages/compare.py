"""Compare: one input through several models side by side, and attention against no attention by length."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import (
    DEFAULT_MODEL,
    MODEL,
    TEXT,
    classroom,
    export_context,
    get_trace,
    is_subword,
    show,
    sidebar,
    usable_models,
    word_mode,
)
from app_pages.texts import t as tr
from attention_core import InputError
from attention_core.examples import examples_for
from attention_core.figures import alignment_heatmap
from attention_core.figures.decoding import length_curves
from attention_core.headline import headline
from attention_core.words import trace_words

TASK, CHOSEN = "cmp_task", "cmp_models"


def metric_word(key: str, value: str) -> str:
    """A figure of the metrics column (attention_core.headline) in the page's language."""
    return tr(f"metric_{key}", lang, value=value)


def current_task(models: dict, tasks: list[str]) -> str:
    """The task of the model the other pages use, so that their input goes to models that can read it."""
    current = models.get(st.session_state.get(MODEL) or st.query_params.get(MODEL) or DEFAULT_MODEL)
    if current is not None:
        return current.config.task
    return "dates" if "dates" in tasks else tasks[0]


lang = sidebar()
fs = 20 if classroom() else 13
st.title(tr("page_compare", lang))
st.caption(tr("compare_intro", lang))
models = usable_models()
tasks = sorted({m.config.task for m in models.values()})
left, right = st.columns([1, 3])
task = left.segmented_control(tr("task", lang), tasks, format_func=lambda k: tr(f"task_{k}", lang), key=TASK,
                              default=current_task(models, tasks), required=True)
names = [n for n, m in models.items() if m.config.task == task]
chosen = right.multiselect(tr("models", lang), names, default=names, key=f"{CHOSEN}_{task}")
examples = examples_for(task)
current = st.session_state.get(TEXT) or st.query_params.get(TEXT) or examples[0]  # the input of the other pages
takes = current and models[names[0]].check(current) is None and models[names[0]].fits(current)
# No max_chars (a longer paste would be cut silently): each model refuses it with its own limit, below.
text = st.text_input(tr("input", lang), value=current if takes else examples[0], key=f"cmp_text_{task}")
st.info(tr("luong_vs_bahdanau", lang))
words = word_mode(lang, any(is_subword(models[name]) for name in chosen))  # (shown for a subword model only)

traces = {}
for name in chosen:
    try:
        traces[name] = get_trace(name, text)
    except InputError as error:
        st.warning(f"{name}: {error}")
if traces:
    st.dataframe(pd.DataFrame([{
        tr("col_model", lang): name, tr("col_decoder", lang): models[name].config.decoder,
        tr("col_score_fn", lang): models[name].config.score, tr("col_output", lang): trace.prediction,
        tr("col_metric", lang): headline(models[name].metrics, word=metric_word),
    } for name, trace in traces.items()]), hide_index=True, width="stretch")
    st.caption(tr("metrics_table", lang))
    columns = st.columns(2)
    for k, (name, trace) in enumerate(traces.items()):
        with columns[k % 2]:
            if trace.alignment is None:
                st.markdown(f"**{name}** — {tr('no_attention_short', lang)}")
                continue
            title = f"{name} · {tr('query_word', lang)} {trace.steps[0].query}"
            view = trace_words(trace) if words and is_subword(models[name]) else None
            fig = alignment_heatmap(trace, zmax=1.0, title=title, font_size=fs, show_values=False, view=view)
            show(fig, f"cmp_{name}", lang, name=f"alignment-{name}", print_scale=True,
                 context=export_context(lang, model=name))

st.subheader(tr("curves_title", lang))
st.caption(tr("curves_text", lang))
metric = "exact_match" if task == "dates" else "bleu"
y_title = tr("exact_by_length" if metric == "exact_match" else "bleu_by_length", lang)
curves = {n: models[n].metrics.get("by_length", []) for n in names}
fig = length_curves(curves, metric=metric, font_size=fs, x_title=tr("source_length", lang), y_title=y_title,
                    title=tr("curve_test", lang))
curves_context = export_context(lang, model="", text="", more=tr(f"task_{task}", lang))  # no one input or model
show(fig, f"curves_{task}", lang, name=f"by-length-{task}", context=curves_context)
far = {n: models[n].metrics.get("by_length_out_of_domain", []) for n in names}
if any(far.values()):  # English unlike the training sentences, which runs longer
    fig = length_curves(far, metric=metric, font_size=fs, x_title=tr("source_length", lang), y_title=y_title,
                        title=tr("curve_ood", lang))
    show(fig, f"curves_{task}_ood", lang, name=f"by-length-{task}-definitions", context=curves_context)
