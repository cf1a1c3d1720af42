"""Upload a file of inputs: batched decoding with a progress bar, a sortable results table, a gallery of
alignment matrices, and downloads (JSON Lines, CSV, one trace as JSON)."""

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
    get_trace,
    go_to,
    md_literal,
    show,
    sidebar,
    usable_models,
)
from app_pages.texts import t as tr
from attention_core.export import batch_record, jsonl, results_csv
from attention_core.figures import alignment_heatmap
from attention_core.upload import MAX_BYTES, parse_upload

UP_MODEL, UP_FILE, UP_TABLE, UP_ORDER, RESULTS = "up_model", "up_file", "up_table", "up_order", "up_results"
KEPT = "up_kept"  # (name, bytes) of the file chosen last in this session
CHUNK = 250  # inputs per batch between progress-bar updates
GALLERY = 6
COLUMNS = ("line", "source", "prediction", "target", "prob", "entropy", "src_len", "out_len")


@st.cache_data(show_spinner=False, max_entries=16)
def parse(name: str, data: bytes):
    return parse_upload(name, data)


def entropy(trace) -> float:
    """Mean over steps of H(α_t) = −Σ_i α_t^i log α_t^i (nats): low when attention is sharp."""
    A = trace.alignment
    if A is None:
        return float("nan")
    return float(np.mean(-(A * np.log(np.clip(A, 1e-12, 1.0))).sum(axis=1)))


def summary(row, trace) -> dict:
    return {"line": row.line, "source": row.source, "prediction": trace.prediction, "target": row.target or "",
            "prob": math.exp(trace.log_prob), "entropy": entropy(trace),
            "src_len": len(trace.source_tokens), "out_len": len(trace.target_tokens)}


def decode_all(model, rows, lang) -> tuple[list[dict], list[tuple[int, str]], float]:
    """Every usable row through trace_batch, CHUNK at a time, the progress bar moving between chunks."""
    usable, skipped = [], []
    for row in rows:
        problem = model.check(row.source)
        if problem is None and row.target is not None:
            try:
                model.target_ids(row.target)
            except ValueError as error:
                problem = str(error)
        if problem:
            skipped.append((row.line, problem))
        else:
            usable.append(row)
    bar = st.progress(0.0, text=tr("decoding", lang, done=0, total=len(usable)))
    started, results = time.perf_counter(), []
    for start in range(0, len(usable), CHUNK):
        chunk = usable[start:start + CHUNK]
        targets = [r.target for r in chunk] if any(r.target for r in chunk) else None
        traces = model.trace_batch([r.source for r in chunk], targets=targets)
        results += [summary(r, t) for r, t in zip(chunk, traces)]
        done = start + len(chunk)
        bar.progress(done / max(len(usable), 1), text=tr("decoding", lang, done=done, total=len(usable)))
    bar.empty()
    return results, skipped, time.perf_counter() - started


def all_records(model, results: list[dict]) -> bytes:
    """JSON Lines of every result (DESIGN §2 batch objects), decoded again on demand: nothing large is kept."""
    records = []
    for start in range(0, len(results), 500):
        chunk = results[start:start + 500]
        targets = [r["target"] or None for r in chunk]
        traces = model.trace_batch([r["source"] for r in chunk], targets=targets if any(targets) else None)
        records += [{"line": r["line"], **batch_record(t)} for r, t in zip(chunk, traces)]
    return jsonl(records)


def keep_file() -> None:
    """The uploader forgets its file when the user visits another page; the session keeps it (and its
    results) until the user removes it or chooses another."""
    upload = st.session_state.get(UP_FILE)
    st.session_state[KEPT] = (upload.name, upload.getvalue()) if upload is not None else None


def open_in_step_page(name: str, source: str) -> None:
    st.session_state[MODEL] = name
    st.session_state[TEXT] = source
    st.session_state[STEP] = 1
    st.session_state["_open_step"] = True  # switch pages in the run that follows this callback


lang = sidebar()
st.title(tr("page_upload", lang))
st.caption(tr("upload_intro", lang))
models = usable_models()
names = list(models)
left, right = st.columns([1, 3])
name = left.selectbox(tr("model", lang), names, key=UP_MODEL, persist_state="session",
                      index=names.index(DEFAULT_MODEL) if DEFAULT_MODEL in names else 0)
model = models[name]
upload = right.file_uploader(tr("file", lang), type=["txt", "csv", "tsv"], key=UP_FILE,
                             max_upload_size=2 * MAX_BYTES // 2**20, on_change=keep_file)
if st.session_state.get(KEPT) is None:
    st.stop()
file_name, data = st.session_state[KEPT]
if upload is None:  # back from another page
    right.caption(tr("upload_kept", lang, name=md_literal(file_name)))
try:
    parsed = parse(file_name, data)
except ValueError as error:
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
if skipped:
    with st.expander(tr("skipped", lang, n=len(skipped)), expanded=not results):
        st.dataframe(pd.DataFrame(skipped, columns=[tr("col_line", lang), tr("col_reason", lang)]), hide_index=True)
if not results:
    st.stop()

labels = {c: tr(f"col_{c}", lang) for c in ("line", "source", "prediction", "target", "prob", "entropy",
                                             "src_len", "out_len")}
frame = pd.DataFrame(results, columns=list(COLUMNS))
if not parsed.has_target:
    frame = frame.drop(columns=["target"])
st.subheader(tr("results", lang))
event = st.dataframe(frame.rename(columns=labels), key=UP_TABLE, hide_index=True, width="stretch",
                     on_select="rerun", selection_mode="single-row",
                     column_config={labels["prob"]: st.column_config.NumberColumn(format="%.4f"),
                                    labels["entropy"]: st.column_config.NumberColumn(format="%.3f")})
selected = event.selection.rows[0] if event and event.selection and event.selection.rows else None

c1, c2, c3, c4 = st.columns(4)
c1.download_button(tr("download_jsonl", lang), data=lambda: all_records(model, results), file_name="results.jsonl",
                   mime="application/jsonl", on_click="ignore", key="up_jsonl")
c2.download_button(tr("download_csv", lang), data=lambda: results_csv(results, list(frame.columns)),
                   file_name="results.csv", mime="text/csv", on_click="ignore", key="up_csv")
if selected is not None:
    row = results[selected]
    c3.download_button(tr("download_trace", lang), key="up_trace", on_click="ignore", mime="application/json",
                       data=lambda: get_trace(name, row["source"], target=row["target"] or None).to_json(indent=1),
                       file_name=f"trace-line{row['line']}.json")
    c4.button(tr("open_selected", lang), key="up_open", on_click=open_in_step_page, args=(name, row["source"]))
    if st.session_state.pop("_open_step", False):
        go_to(STEP_PAGE, model=name, text=row["source"], step="1")

if model.config.has_attention:
    st.subheader(tr("gallery", lang))
    order = st.selectbox(" ", ["prob", "entropy", "src_len", "line"], key=UP_ORDER, label_visibility="collapsed",
                         format_func=lambda c: labels[c])
    ranked = frame.sort_values(order, ascending=order in ("prob", "line")).head(GALLERY)
    columns = st.columns(3)
    for k, (_, r) in enumerate(ranked.iterrows()):
        trace = get_trace(name, r["source"], target=(r.get("target") or None) if parsed.has_target else None)
        with columns[k % 3]:
            show(alignment_heatmap(trace, font_size=11, title=f"{labels['line']} {r['line']}: {trace.prediction}",
                                   height=260), f"gallery_{k}", lang, name=f"alignment-line{r['line']}",
                 print_scale=True)
