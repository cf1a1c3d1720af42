"""The Upload page's trace files (attention_core/trace_files.py): each trace checked, the faulty ones listed by their
line with what is wrong, the others drawn with exactly the file's numbers and opened as models of this session
(common.file_models) in Step by step, Alignment matrix and Compare models."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.common import (
    ALIGNMENT_PAGE,
    COMPARE_PAGE,
    COMPARE_TASK,
    FILES,
    MODEL,
    STEP,
    STEP_PAGE,
    export_context,
    go_to,
    md_literal,
    model_label,
    show,
)
from app_pages.texts import t as tr
from attention_core.figures import alignment_heatmap
from attention_core.file_model import FileModel, file_digest, file_model_name
from attention_core.trace_files import TraceFileError, read_traces

GALLERY = 12  # traces drawn at most (a file holds up to trace_files.MAX_TRACES; each opens from the picker)
WIDTH = 440
_GO = "_trace_go"  # the page a button asked for, followed in the next run (a callback cannot switch pages)


@st.cache_data(show_spinner=False, max_entries=8)
def read(name: str, data: bytes):
    return read_traces(name, data)


def _open(page: str, name: str | None) -> None:
    if name is not None:
        st.session_state[MODEL] = name
    st.session_state[STEP] = 1
    if page == COMPARE_PAGE:
        st.session_state[COMPARE_TASK] = ""  # (the task of the models from elsewhere and of files)
    st.session_state[_GO] = (page, name)


def show_trace_file(file_name: str, data: bytes, lang: str) -> None:
    """Read the file's traces, keep them as this session's file models (replacing the previous file's), and show
    them: what could not be read, then the gallery, each with buttons to open it in the pages."""
    try:
        found = read(file_name, data)
    except TraceFileError as error:
        st.error(tr("upload_error", lang, error=md_literal(str(error))))
        st.stop()
    digest = file_digest(data)  # (once: the file may be 5 MB and hold 200 traces)
    names = {number: file_model_name(file_name, digest, number) for number, _ in found.traces}
    models = {names[number]: FileModel(names[number], trace) for number, trace in found.traces}
    st.session_state[FILES] = models
    if found.errors:
        if not models:
            line, error = found.errors[0]
            st.error(tr("traces_none", lang, line=line, error=md_literal(error)))
        with st.expander(tr("traces_bad", lang, n=len(found.errors)), expanded=not models):
            st.dataframe(pd.DataFrame(found.errors, columns=[tr("col_line", lang), tr("col_reason", lang)]),
                         hide_index=True, width="stretch")
    if not models:
        st.stop()
    st.success(tr("traces_read", lang, n=len(models), name=md_literal(file_name),
                  example=md_literal(model_label(next(iter(models))))))
    if (go := st.session_state.pop(_GO, None)) is not None:
        page, name = go
        go_to(page, **({"model": model_label(name)} if name else {}))
    st.button(tr("open_compare", lang), key="trace_compare", on_click=_open, args=(COMPARE_PAGE, None))
    st.subheader(tr("trace_gallery", lang, n=min(GALLERY, len(models))))
    cells = st.columns(2)
    for k, (name, model) in enumerate(list(models.items())[:GALLERY]):
        trace = model.given
        title = f"{model_label(name)}: {trace.prediction or ' '.join(trace.target_tokens)}"  # (layout escapes it)
        with cells[k % 2]:
            if trace.alignment is None:
                st.markdown(f"**{md_literal(title)}**")
                st.caption(tr("trace_no_attention", lang))
            else:
                show(alignment_heatmap(trace, font_size=11, title=title, width=WIDTH), f"trace_gallery_{k}", lang,
                     context=export_context(lang, model=model_label(name), text=trace.source),
                     name=f"alignment-{model_label(name)}", print_scale=True)
            left, right = st.columns(2)
            left.button(tr("open_trace_step", lang), key=f"trace_step_{k}", on_click=_open, args=(STEP_PAGE, name))
            right.button(tr("open_trace_alignment", lang), key=f"trace_align_{k}", on_click=_open,
                         args=(ALIGNMENT_PAGE, name), disabled=trace.alignment is None)
