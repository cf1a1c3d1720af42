"""Compare: one input through several models side by side, and attention against no attention by length.

Each model's row of the table holds its card's figures (metrics.json): the test figures and how much of a
distribution its α_t is (attention_spread: the share of one-hot steps, max_i α_t^i > 0.99, and the mean entropy
H(α_t) = −Σ_i α_t^i ln α_t^i), with field attention for the dates task; then attention beside attribution
(attribution_agreement: the share of steps with argmax α_t = argmax |attribution_t|, the mean Spearman ρ, and
field attribution for dates); every matrix is on one colour scale, 0 to 1, so that unscaled dot attention's
saturation shows beside scaled dot's spread."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import (
    COMPARE_TASK,
    COMPARE_VIEWS,
    DEFAULT_MODEL,
    MODEL,
    TEXT,
    classroom,
    export_context,
    file_models,
    get_trace,
    head_view,
    is_subword,
    md_literal,
    model_label,
    show,
    sidebar,
    usable_models,
    view_title,
    word_mode,
)
from app_pages.texts import t as tr
from attention_core import InputError
from attention_core.examples import examples_for
from attention_core.figures import alignment_heatmap
from attention_core.figures.decoding import length_curves
from attention_core.file_model import FileModel
from attention_core.headline import headline
from attention_core.heads import is_multi_head
from attention_core.words import trace_words

TASK, CHOSEN = COMPARE_TASK, "cmp_models"


def metric_word(key: str, value: str) -> str:
    """A figure of the metrics column (attention_core.headline) in the page's language."""
    return tr(f"metric_{key}", lang, value=value)


# The card's attention figures (metrics.json), per column: where it is (keys), its number format, and whether only
# the dates task has it: attention_spread's share of one-hot steps and mean entropy (nats), field attention; then
# attention beside attribution (attribution_agreement): argmax agreement, mean Spearman ρ, field attribution.
CARD_COLUMNS = {
    "col_one_hot": (("attention_spread", "one_hot_share"), "percent", False),
    "col_mean_entropy": (("attention_spread", "entropy"), "%.2f", False),
    "col_field": (("field_attention",), "percent", True),
    "col_argmax_agree": (("attribution_agreement", "argmax_agreement"), "percent", False),
    "col_rank_corr": (("attribution_agreement", "rank_correlation"), "%.2f", False),
    "col_field_attr": (("attribution_agreement", "field_attribution"), "percent", True),
}


def card_columns(metrics: dict, task: str) -> dict:
    """The card's attention figures of one model (None where it has none: no attention, no fields, not measured)."""
    values = {}
    for key, (path, _, dates_only) in CARD_COLUMNS.items():
        if dates_only and task != "dates":
            continue
        value = metrics
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        values[tr(key, lang)] = value
    return values


def card_column_config() -> dict:
    return {tr(key, lang): st.column_config.NumberColumn(format=form, help=tr(f"{key}_help", lang))
            for key, (_, form, _) in CARD_COLUMNS.items()}


def current_task(models: dict, tasks: list[str]) -> str:
    """The task of the model the other pages use, so that their input goes to models that can read it."""
    chosen = st.session_state.get(MODEL) or st.query_params.get(MODEL) or DEFAULT_MODEL  # (the URL: its label)
    current = next((m for name, m in models.items() if chosen in (name, model_label(name))), None)
    if current is not None:
        return current.config.task
    return "dates" if "dates" in tasks else tasks[0]


lang = sidebar()
fs = 20 if classroom() else 13
st.title(tr("page_compare", lang))
st.caption(tr("compare_intro", lang))
models = usable_models() | file_models()  # the traces of an uploaded trace file too, each with its own input
tasks = sorted({m.config.task for m in models.values()}, key=lambda k: (k == "", k))  # models from elsewhere last
# The task beside the input, with room for both tasks' names on one line at 1280 px with the sidebar open (in
# Korean too); the models below them on a row of their own, where eight fit.
left, right = st.columns([2, 3] if len(tasks) < 3 else [3, 2])  # (a third task: models from elsewhere, files)
task = left.segmented_control(tr("task", lang), tasks, format_func=lambda k: tr(f"task_{k}", lang), key=TASK,
                              default=current_task(models, tasks), required=True)
names = [n for n, m in models.items() if m.config.task == task]
chosen = st.multiselect(tr("models", lang), names, default=names, key=f"{CHOSEN}_{task}", format_func=model_label)
examples = examples_for(task) or [""]  # (models from elsewhere have no task of ours, nor its examples)
current = st.session_state.get(TEXT) or st.query_params.get(TEXT) or examples[0]  # the input of the other pages
takes = current and models[names[0]].check(current) is None and models[names[0]].fits(current)
# No max_chars (a longer paste would be cut silently): each model refuses it with its own limit, below.
text = right.text_input(tr("input", lang), value=current if takes else examples[0], key=f"cmp_text_{task}")
st.info(tr("luong_vs_bahdanau", lang))
words = word_mode(lang, any(is_subword(models[name]) for name in chosen))  # (shown for a subword model only)

traces = {}
for name in chosen:
    try:
        traces[name] = get_trace(name, models[name].given.source if isinstance(models[name], FileModel) else text)
    except InputError as error:
        st.warning(f"{md_literal(model_label(name))}: {md_literal(str(error))}")
if traces:
    # field attention has its own column: left out of the test figures' words (headline), not said twice
    st.dataframe(pd.DataFrame([{
        tr("col_model", lang): model_label(name), tr("col_decoder", lang): models[name].config.decoder,
        tr("col_score_fn", lang): models[name].config.score, tr("col_output", lang): trace.prediction,
        tr("col_metric", lang): headline({k: v for k, v in models[name].metrics.items() if k != "field_attention"},
                                         word=metric_word),
        **card_columns(models[name].metrics, task),
    } for name, trace in traces.items()]), hide_index=True, width="stretch", column_config=card_column_config())
    defaults = "; ".join(f"{model_label(name)}: {view_title(trace, lang)}" for name, trace in traces.items()
                         if is_multi_head(trace) and models[name].metrics.get("attention_spread"))  # (a card's)
    st.caption(tr("metrics_table", lang) + (". " + tr("spread_table", lang, views=defaults) if defaults else ""))
    columns = st.columns(2)
    # The shared layer and head pickers (the other pages' view) for the model the other pages show, or else the
    # first multi-head one; each other multi-head model has pickers of its own (its view held by the session).
    multi = [name for name, trace in traces.items() if is_multi_head(trace)]
    shared = st.session_state.get(MODEL) if st.session_state.get(MODEL) in multi else next(iter(multi), None)
    for k, (name, trace) in enumerate(traces.items()):
        with columns[k % 2]:
            if trace.alignment is None:
                st.markdown(f"**{md_literal(model_label(name))}** — {tr('no_attention_short', lang)}")
                continue
            shown = model_label(name)  # (the figure's layout escapes it: a folder's or a file's name is text)
            title = f"{shown} · {tr('query_word', lang)} {trace.steps[0].query}"
            if is_multi_head(trace):  # the view drawn, named: at first the model's default (its card's figures)
                own = None if name == shared else tuple(prefix + name for prefix in COMPARE_VIEWS)
                trace = head_view(trace, lang, keys=own)
                title = f"{shown} · {view_title(trace, lang)}"
            view = trace_words(trace) if words and is_subword(models[name]) else None
            fig = alignment_heatmap(trace, zmax=1.0, title=title, font_size=fs, show_values=False, view=view)
            show(fig, f"cmp_{name}", lang, name=f"alignment-{model_label(name)}", print_scale=True,
                 context=export_context(lang, model=model_label(name)))

if not any(models[n].metrics.get("by_length") for n in names):  # models from elsewhere, files: nothing measured
    st.stop()
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
