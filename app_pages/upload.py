"""Upload a file of inputs: batched decoding with a progress bar, a sortable results table, a gallery of
alignment matrices (beside each, on request, the attribution a .jsonl line carries), and downloads (JSON Lines,
CSV, one trace as JSON)."""

from __future__ import annotations

import hashlib
import math
import time

import numpy as np
import pandas as pd
import streamlit as st

from app_pages.common import (
    DEFAULT_MODEL,
    MODEL,
    STEP,
    STEP_PAGE,
    TEXT,
    export_context,
    get_trace,
    go_to,
    is_subword,
    md_literal,
    model_label,
    show,
    sidebar,
    usable_models,
    word_mode,
)
from app_pages.texts import t as tr
from app_pages.trace_upload import show_trace_file
from attention_core import InputError
from attention_core.export import results_csv
from attention_core.figures import alignment_heatmap
from attention_core.figures.attribution import attribution_heatmap
from attention_core.trace_files import KINDS as TRACE_KINDS
from attention_core.trace_files import MAX_TRACES, is_trace_file
from attention_core.upload import (
    COLUMNS,
    KINDS,
    MAX_LINES,
    MAX_MB,
    UploadError,
    file_attribution,
    parse_upload,
    result_columns,
    results_jsonl,
)
from attention_core.words import trace_words

UP_MODEL, UP_FILE, UP_TABLE, UP_ORDER, RESULTS = "up_model", "up_file", "up_table", "up_order", "up_results"
KEPT = "up_kept"  # (name, bytes) of the file chosen last in this session
CHUNK = 250  # inputs per batch between progress-bar updates
GALLERY = 6
# the uploader offers the kinds parse_upload reads and the trace files (.json, .jsonl: trace_files)
TYPES = tuple(dict.fromkeys(suffix.lstrip(".") for suffix in (*KINDS, *TRACE_KINDS)))  # (in that order, once)
# A gallery figure's width at 1280–1400 px: one of three columns, or of two for word-level models, whose source
# labels need the room (alignment_heatmap fits the labels to it).
GALLERY_WIDTH = {"char": 290, "word": 440, "subword": 440}
# The orders the table and the gallery share: column → ascending. The file's order (the first, the default),
# the least likely outputs or targets first, the most diffuse attention first, or the longest inputs first.
ORDERS = {"line": True, "prob": True, "target_prob": True, "entropy": False, "src_len": False}


@st.cache_data(show_spinner=False, max_entries=16)
def parse(name: str, data: bytes):
    return parse_upload(name, data)


def entropy(trace) -> float:
    """Mean over steps of H(α_t) = −Σ_i α_t^i log α_t^i (nats): low when attention is sharp."""
    A = trace.alignment
    if A is None:
        return float("nan")
    return float(np.mean(-(A * np.log(np.clip(A, 1e-12, 1.0))).sum(axis=1)))


def summary(row, trace, forced=None) -> dict:
    """One table row: the model's own (greedy) output, and for a row with a target its probability by forced
    decoding (`forced`), so that the given target never stands in for what the model says."""
    return {"line": row.line, "source": row.source, "prediction": trace.prediction, "target": row.target or "",
            "prob": math.exp(trace.log_prob), "target_prob": None if forced is None else math.exp(forced.log_prob),
            "entropy": entropy(trace), "src_len": len(trace.source_tokens), "out_len": len(trace.target_tokens)}


def forced_traces(model, rows) -> dict[int, object]:
    """Forced decoding of the rows that have a target, by their position in `rows`."""
    given = [i for i, r in enumerate(rows) if r.target]
    if not given:
        return {}
    traces = model.trace_batch([rows[i].source for i in given], targets=[rows[i].target for i in given])
    return dict(zip(given, traces))


def decode_all(model, rows, lang) -> tuple[list[dict], list[tuple[int, str]], float]:
    """Every usable row through trace_batch, CHUNK at a time, the progress bar moving between chunks."""
    usable, skipped = [], []
    for row in rows:
        problem = model.check(row.source)
        if problem is None and row.target is not None:
            try:
                model.target_ids(row.target)
            except InputError as error:
                problem = str(error)
        if problem:
            skipped.append((row.line, problem))
        else:
            usable.append(row)
    bar = st.progress(0.0, text=tr("decoding", lang, done=0, total=len(usable)))
    started, results = time.perf_counter(), []
    for start in range(0, len(usable), CHUNK):
        chunk = usable[start:start + CHUNK]
        traces, forced = model.trace_batch([r.source for r in chunk]), forced_traces(model, chunk)
        results += [summary(r, t, forced.get(k)) for k, (r, t) in enumerate(zip(chunk, traces))]
        done = start + len(chunk)
        bar.progress(done / max(len(usable), 1), text=tr("decoding", lang, done=done, total=len(usable)))
    bar.empty()
    return results, skipped, time.perf_counter() - started


def keep_file() -> None:
    """The uploader forgets its file when the user visits another page; the session keeps it (and its
    results) until the user removes it or chooses another."""
    upload = st.session_state.get(UP_FILE)
    st.session_state[KEPT] = (upload.name, upload.getvalue()) if upload is not None else None


def uploader_words(lang_: str) -> None:
    """Streamlit's file uploader writes its own "Upload" and "5MB per file • TXT, CSV, TSV" in English and has no
    option to change them (1.67): for another language, CSS shows the page's words in their place (the words
    are ours, no user text; the English ones are hidden, so that screen readers do not read both)."""
    if lang_ == "en":
        return
    button, limit = tr("upload_button", lang_), tr("upload_limit", lang_, mb=MAX_MB, types=", ".join(TYPES).upper())
    st.html(f"""<style>
        [data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p {{display: none;}}
        [data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer]::after {{content: "{button}";}}
        [data-testid=stFileUploaderDropzoneInstructions] span {{display: none;}}
        [data-testid=stFileUploaderDropzoneInstructions] > div::after {{content: "{limit}"; font-size: 0.875rem;
            color: rgba(49, 51, 63, 0.6);}}
    </style>""")


def open_in_step_page(name: str, source: str) -> None:
    st.session_state[MODEL] = name
    st.session_state[TEXT] = source
    st.session_state[STEP] = 1
    st.session_state["_open_step"] = True  # switch pages in the run that follows this callback


def gallery_attribution(trace, given, k: int, title: str, row: dict, *, width: int, words: bool) -> None:
    """Below gallery item k (of the results' `row`): a toggle that shows the file's attribution of its line
    (upload.file_attribution) on the alignment matrix's axes and width, or a line saying why it cannot."""
    attributed = file_attribution(trace, given)
    if attributed is None:
        st.caption(tr("gallery_attribution_other", lang))
        return
    method = tr(f"attr_{attributed.attribution_method}", lang)
    if st.toggle(tr("gallery_attribution", lang), key=f"gallery_attr_{k}",
                 help=tr("gallery_attribution_help", lang, method=method)):
        show(attribution_heatmap(attributed, font_size=11, title=f"{title} · {method}", width=width,
                                 view=trace_words(attributed) if words else None),
             f"gallery_attribution_{k}", lang, context=export_context(lang, model=name, text=row["source"]),
             name=f"attribution-line{row['line']}", print_scale=True)


lang = sidebar()
st.title(tr("page_upload", lang))
st.caption(tr("upload_intro", lang, lines=MAX_LINES, mb=MAX_MB, traces=MAX_TRACES))
models = usable_models()
names = list(models)
left, right = st.columns([1, 3])
name = left.selectbox(tr("model", lang), names, key=UP_MODEL, persist_state="session", format_func=model_label,
                      index=names.index(DEFAULT_MODEL) if DEFAULT_MODEL in names else 0)
model = models[name]
uploader_words(lang)
upload = right.file_uploader(tr("file", lang), type=list(TYPES), key=UP_FILE,
                             max_upload_size=MAX_MB, on_change=keep_file)  # the core's limit, in the widget too
if st.session_state.get(KEPT) is None:
    st.stop()
file_name, data = st.session_state[KEPT]
if upload is None:  # back from another page
    right.caption(tr("upload_kept", lang, name=md_literal(file_name)))
if is_trace_file(file_name, data):  # traces, not inputs: drawn as they are, no model needed
    show_trace_file(file_name, data, lang)
    st.stop()
try:
    parsed = parse(file_name, data)
except UploadError as error:
    st.error(tr("upload_error", lang, error=error))
    st.stop()

key = (name, hashlib.sha256(data).hexdigest())
if st.session_state.get(RESULTS, {}).get("key") != key:
    results, model_skipped, seconds = decode_all(model, parsed.rows, lang)
    st.session_state[RESULTS] = {"key": key, "results": results, "skipped": parsed.skipped + model_skipped,
                                 "seconds": seconds}
state = st.session_state[RESULTS]
results, skipped = state["results"], sorted(state["skipped"])
mode = tr("mode_forced" if parsed.has_target else "mode_greedy", lang)
st.success(tr("decoded", lang, n=len(results), seconds=state["seconds"], mode=mode))
if parsed.bad_attributions:
    line_, error_ = parsed.bad_attributions[0]
    st.warning(tr("bad_attributions", lang, n=len(parsed.bad_attributions), line=line_, error=md_literal(error_)))
if skipped:
    with st.expander(tr("skipped", lang, n=len(skipped)), expanded=not results):
        st.dataframe(pd.DataFrame(skipped, columns=[tr("col_line", lang), tr("col_reason", lang)]), hide_index=True)
if not results:
    st.stop()

labels = {c: tr(f"col_{c}", lang) for c in COLUMNS}
table_columns = result_columns(parsed.has_target)
orders = [c for c in ORDERS if c in table_columns]
order = st.columns([1, 2])[0].selectbox(tr("sort_by", lang), orders, key=UP_ORDER, format_func=lambda c: labels[c],
                                        help=tr("sort_note", lang))
# One order for the table and the gallery: the gallery's "first rows" are the table's first rows as sent. A
# stable sort keeps the file's order among equal values; `ranked[k]` is the position in `results` of row k.
frame = pd.DataFrame(results, columns=list(COLUMNS))
ranked = list(frame.sort_values(order, ascending=ORDERS[order], kind="stable", na_position="last").index)
shown = frame.loc[ranked, table_columns].reset_index(drop=True)
st.subheader(tr("results", lang))
event = st.dataframe(shown.rename(columns=labels), key=UP_TABLE, hide_index=True, width="stretch",
                     on_select="rerun", selection_mode="single-row",
                     column_config={labels[c]: st.column_config.NumberColumn(format="%.4f")
                                    for c in ("prob", "target_prob")} |
                                   {labels["entropy"]: st.column_config.NumberColumn(format="%.3f")})
selected = ranked[event.selection.rows[0]] if event and event.selection and event.selection.rows else None

c1, c2, c3, c4 = st.columns(4)
c1.download_button(tr("download_jsonl", lang), file_name="results.jsonl",
                   data=lambda: results_jsonl(model, results, parsed.has_target, parsed.attributions),
                   mime="application/jsonl", on_click="ignore", key="up_jsonl")
c2.download_button(tr("download_csv", lang), data=lambda: results_csv(results, table_columns),
                   file_name="results.csv", mime="text/csv", on_click="ignore", key="up_csv")
if selected is not None:
    row = results[selected]
    c3.download_button(tr("download_trace", lang), key="up_trace", on_click="ignore", mime="application/json",
                       data=lambda: get_trace(name, row["source"]).to_json(indent=1),
                       file_name=f"trace-line{row['line']}.json")
    if row["target"]:
        c3.download_button(tr("download_forced", lang), key="up_forced", on_click="ignore", mime="application/json",
                           data=lambda: get_trace(name, row["source"], target=row["target"]).to_json(indent=1),
                           file_name=f"trace-line{row['line']}-target.json")
    c4.button(tr("open_selected", lang), key="up_open", on_click=open_in_step_page, args=(name, row["source"]))
    if st.session_state.pop("_open_step", False):
        go_to(STEP_PAGE, model=name, text=row["source"], step="1")

if model.config.has_attention:
    st.subheader(tr("gallery", lang, n=min(GALLERY, len(ranked)), order=labels[order]))
    words = word_mode(lang, is_subword(model))
    unit = model.config.tokenizer
    cells = st.columns(3 if unit == "char" else 2)
    for k, position in enumerate(ranked[:GALLERY]):
        r = results[position]
        trace = get_trace(name, r["source"])
        title = f"{labels['line']} {r['line']}: {trace.prediction}"
        with cells[k % len(cells)]:
            show(alignment_heatmap(trace, font_size=11, title=title, width=GALLERY_WIDTH[unit],
                                   view=trace_words(trace) if words else None),
                 f"gallery_{k}", lang,
                 context=export_context(lang, model=name, text=r["source"]),
                 name=f"alignment-line{r['line']}", print_scale=True)
            if r["line"] in parsed.attributions:
                gallery_attribution(trace, parsed.attributions[r["line"]], k, title, r, width=GALLERY_WIDTH[unit],
                                    words=words)
