"""Attribution beside attention on the step and alignment pages: the picker, and the trace with every step's
attribution (attention_core/attribution.py), computed on request with a progress bar and a cancel button.

Attribution costs tens of traces, so it is computed once per (model, input, method) and process and shared
by the sessions that ask (read-only), like the traces; a page shows it only when the session turned it on.
"""

from __future__ import annotations

import math
import threading
import warnings
from collections import OrderedDict

import streamlit as st

from app_pages.common import ATTRIBUTION, get_model, get_trace
from app_pages.texts import t
from attention_core.config import ModelConfig
from attention_core.trace import ATTRIBUTION_METHODS, Trace

OFF = "off"
CHOICES = (OFF, *ATTRIBUTION_METHODS)  # the picker's options, and the URL's values
KEEP = 64  # attributed traces kept per process (each a few times a trace's size)
PROGRESS_STOPS = 5  # computed in about this many chunks of steps: a progress bar's stops, and where a cancel stops it
SYMBOL = "R"  # R_t^i: step t's attribution to source token i (the figures' and formulas' name)


def can_attribute(entry) -> bool:
    """A model of this app with attention (a GRU or Transformer: attribution.py reaches its gradients); a model
    without attention has no α to set its attribution beside."""
    return isinstance(entry.config, ModelConfig) and entry.config.has_attention


def attribution_choice(entry, lang_: str, *, container=None) -> str | None:
    """The picker (held by the session and the URL, `?attribution=erasure`); the method chosen, or None for off
    (and for a model it cannot attribute)."""
    if not can_attribute(entry):
        return None
    value = st.session_state.get(ATTRIBUTION, st.query_params.get(ATTRIBUTION))
    st.session_state[ATTRIBUTION] = value if value in CHOICES else OFF
    # Not bound to the URL: a bound control would put its label there (common.head_view says why).
    choice = (container or st).segmented_control(t("attribution", lang_), CHOICES, key=ATTRIBUTION, required=True,
                                                 format_func=lambda c: t(f"attr_{c}", lang_),
                                                 help=t("attribution_help", lang_))
    if choice == OFF:
        st.query_params.pop(ATTRIBUTION, None)
    elif st.query_params.get(ATTRIBUTION) != choice:
        st.query_params[ATTRIBUTION] = choice
    return None if choice == OFF else choice


@st.cache_resource(show_spinner=False)
def _store() -> tuple[OrderedDict, threading.Lock]:
    return OrderedDict(), threading.Lock()


def cached(name: str, text: str, method: str) -> Trace | None:
    store, lock = _store()
    with lock:
        if (name, text, method) in store:
            store.move_to_end((name, text, method))
            return store[(name, text, method)]
    return None


def attributed(name: str, text: str, method: str, progress=None) -> Trace:
    """The greedy trace of `text` with every step's attribution by `method`: computed once, then shared.
    `progress(done, T)` is called after each chunk of steps."""
    found = cached(name, text, method)
    if found is not None:
        return found
    from attention_core.attribution import attribute

    trace, model = get_trace(name, text), get_model(name)  # (get_trace's cache hands out a copy to fill)
    with warnings.catch_warnings():  # a step that misses completeness shows its gap in the page's numbers
        warnings.simplefilter("ignore")
        attribute(model, model.source_ids(text), trace, method,
                  chunk=max(1, math.ceil(len(trace.steps) / PROGRESS_STOPS)), progress=progress)
    store, lock = _store()
    with lock:
        store[(name, text, method)] = trace
        while len(store) > KEEP:
            store.popitem(last=False)
    return trace


def _cancel() -> None:
    st.session_state[ATTRIBUTION] = OFF
    st.query_params.pop(ATTRIBUTION, None)


def with_attribution(entry, text: str, trace: Trace, method: str | None, lang_: str) -> Trace:
    """`trace` with every step's attribution by `method` (None: `trace` as it is), computed here when no session
    asked for it before: a progress bar and a cancel button meanwhile. A click on cancel (or any control) reruns
    the page, which stops the computation at its next chunk; cancel also turns attribution off."""
    if method is None or trace.mode != "greedy" or not trace.steps:
        return trace
    found = cached(entry.name, text, method)
    if found is None:
        box = st.empty()
        with box.container():
            label = t(f"attr_{method}", lang_)
            bar = st.progress(0.0, text=t("attribution_working", lang_, method=label, done=0, T=len(trace.steps)))
            st.button(t("attribution_cancel", lang_), key="attribution_cancel", on_click=_cancel)

        def progress(done: int, total: int) -> None:
            bar.progress(done / total, text=t("attribution_working", lang_, method=label, done=done, T=total))

        try:
            found = attributed(entry.name, text, method, progress)
        except (ValueError, RuntimeError) as error:  # (e.g. a model folder whose weights do not fit its config)
            box.empty()
            st.warning(t("attribution_failed", lang_, error=error))
            return trace
        box.empty()
    return found
