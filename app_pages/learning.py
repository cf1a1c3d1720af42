"""Attention as it is learned (DESIGN §7): a model's training snapshots, played in the browser.

At each snapshot the model's weights of that moment decoded fixed probe inputs (attention_core/snapshots.py
wrote them to training.json). The page sends every snapshot's figures at once, the way the step page sends
its steps (app_pages/live_chart.py, step_payload.py): the browser's player (slider, ◀ ▶, play, keys ← → K)
switches between them without a round trip and reports the snapshot back, which reruns only the fragment
that keeps it in session state and the URL and fills the export menus.
"""

from __future__ import annotations

import hashlib
import html
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd  # noqa: F401  (imported in full before any figure: see app_pages/step_by_step.py)
import streamlit as st

from app_pages.common import (
    MODEL,
    _new_model,
    chart,
    classroom,
    export_buttons,
    export_menu,
    head_name,
    is_subword,
    md_literal,
    model_entries,
    model_label,
    sidebar,
    word_mode,
)
from app_pages.live_chart import figure_plain, live_chart, plotly_js_url, step_payload, step_player, step_text
from app_pages.step_payload import compact_steps
from app_pages.texts import TEXTS
from app_pages.texts import t as tr
from attention_core import catalog
from attention_core.figures import snapshot_heatmap, training_curves
from attention_core.figures.common import PLOTLY_CONFIG
from attention_core.learning import TrainingFormatError, read_training, source_labels, target_labels
from attention_core.words import word_view

SNAPSHOT, PROBE, SPEED = "snapshot", "probe", "learning_speed"  # session keys (the snapshot also in the URL)
PLAYER = "learning_player"
SPEEDS = [0.25, 0.5, 1.0, 2.0]  # seconds per snapshot while playing
_SERVER_STEP = "_learning_server_step"  # the browser reported a snapshot the server must draw (no plotly.js)
CHARTS = ("learning_alignment", "learning_curves")


@st.cache_data(show_spinner=False, max_entries=32)
def load_training(folder: str, stamp: tuple):
    """training.json of a model folder, read once per version of the file (`stamp`)."""
    return read_training(Path(folder))


def file_stamp(folder) -> tuple:
    path = folder / catalog.TRAINING
    return (path.stat().st_size, path.stat().st_mtime_ns) if path.is_file() else ()


def _metric_name(training, lang: str) -> str:
    """The metric's name in the page's language ("exact match", "BLEU"; another as the file names it)."""
    key = f"metric_{training.metric}"
    return tr(key, lang) if key in TEXTS else training.metric


# ---------------------------------------------------------------- what snapshot k draws (one definition)

def alignment_at(entry, training, probe: int, k: int, words: bool):
    """(A, column labels, row labels, rows_known) of probe `probe` at snapshot k (1-based): the file's matrix, in
    words for a subword model's word view (attention_core.words: Ā); None without attention."""
    matrix = training.snapshots[k - 1].alignments[probe]
    if matrix is None:
        return None
    A = np.asarray(matrix, dtype=np.float64)
    src = source_labels(entry.source_tokenizer, training.probes[probe], entry.config.source_end_marker)
    tgt = target_labels(entry.target_tokenizer, training.snapshots[k - 1].predictions[probe], A.shape[0])
    if tgt is None:  # the pieces cannot be told from the text: rows by number (never mislabelled)
        return A, src, [str(t) for t in range(1, A.shape[0] + 1)], False
    if words:
        view = word_view(src, tgt, A)
        return view.alignment, view.source_words, view.target_words, True
    return A, src, tgt, True


def heatmap_height(entry, training, probe: int, fs: int, words: bool) -> int:
    """One height for every snapshot (the page must not jump while it plays): the tallest matrix's, capped."""
    rows = max((len(a) for s in training.snapshots if (a := s.alignments[probe]) is not None), default=1)
    cell = max(22, 2 * fs + 6)
    return int(min(100 + cell * rows + 40, 370 if fs > 14 else 500))


def alignment_figure(entry, training, probe: int, k: int, lang: str, fs: int, words: bool):
    found = alignment_at(entry, training, probe, k, words)
    A, src, tgt, _ = found
    # width: the left column's, of a page 1400 px wide with the sidebar (or 1280 without it, on a projector)
    return snapshot_heatmap(A, src, tgt, font_size=fs, height=heatmap_height(entry, training, probe, fs, words),
                            show_values=A.shape[1] <= 12 and A.shape[0] <= 14 and fs <= 14,
                            width=520 if fs > 14 else 420)


def curves_figure(training, k: int, lang: str, fs: int, height: int):
    s = training.snapshots
    names = {"train": tr("curve_train", lang), "valid": tr("curve_valid", lang), "metric": _metric_name(training, lang),
             "field": tr("curve_field", lang), "loss_axis": tr("axis_loss", lang),
             "metric_axis": tr("axis_score", lang), "x_axis": tr("axis_snapshot", lang)}
    hover = [tr("snapshot_aria", lang, t=j, T=len(s)) + f" · step {x.step:,}" for j, x in enumerate(s, 1)]
    return training_curves([x.step for x in s], [x.train_loss for x in s], [x.valid_loss for x in s],
                           [x.valid_metric for x in s], current=k, names=names,
                           field_attention=[x.field_attention for x in s] if any(
                               x.field_attention is not None for x in s) else None,
                           font_size=fs, height=height, hover=hover, width=600 if fs > 14 else 470)


def snapshot_lines(training, lang: str, rows_known: list[bool], large: bool = False) -> list[str]:
    """Per snapshot, as HTML (every value escaped): which moment it is, its numbers, and when its alignment's
    rows are numbered (`rows_known` False), why."""
    K, metric, unknown = len(training.snapshots), _metric_name(training, lang), tr("not_known", lang)

    def number(value) -> str:
        return unknown if value is None else f"{value:.4g}"

    lines = []
    for k, s in enumerate(training.snapshots, 1):
        line = tr("snapshot_line", lang, k=k, K=K, step=f"{s.step:,}",
                  epoch=unknown if s.epoch is None else f"{s.epoch:g}",
                  examples=unknown if s.examples_seen is None else f"{s.examples_seen:,}")
        which = tr("snapshot_first", lang) if s.step == 0 else tr("snapshot_shipped", lang) if k == K else ""
        scores = tr("snapshot_scores", lang, train=number(s.train_loss), valid=number(s.valid_loss),
                    metric=metric, score=number(s.valid_metric))
        rows = s.alignments[0] is not None and not rows_known[k - 1]
        text = (html.escape(line) + (f" · <b>{html.escape(which)}</b>" if which else "") + "<br>"
                + html.escape(scores)
                + ("<br>" + html.escape(tr("rows_numbered", lang, T=len(s.alignments[0]))) if rows else ""))
        lines.append(f'<div style="font-size:1.1rem">{text}</div>' if large else text)  # (a projector's size)
    return lines


def prediction_lines(training, probe: int, lang: str, large: bool) -> list[str]:
    """Per snapshot, the prediction in large type (escaped: "<pad>" shows as written). An early snapshot's can be
    a long run of noise: smaller type for a longer text, and a box of fixed height that scrolls, so that the
    figures below stay put while the snapshots play."""
    head = (f'<span style="font-size:1.1rem;color:#31333f;margin-right:0.8rem">'
            f'{html.escape(tr("prediction_then", lang))}</span>')
    lines = []
    for s in training.snapshots:
        text = s.predictions[probe]
        size = (2.4 if large else 2.0) if len(text) <= 30 else (1.5 if large else 1.3) if len(text) <= 80 else 1.0
        lines.append(f'<div style="height:{4.2 if large else 3.6}rem;overflow-y:auto">{head}'
                     f'<span style="font-size:{size}rem;font-weight:600;font-family:monospace;background:#f0f2f6;'
                     f'padding:0.1rem 0.5rem;border-radius:0.4rem;overflow-wrap:anywhere;line-height:1.6">'
                     f'{html.escape(text) or "∅"}</span></div>')
    return lines


# ---------------------------------------------------------------- what the browser gets once per probe

@st.cache_resource(show_spinner=False, max_entries=32)
def payload(name: str, stamp: tuple, probe: int, lang: str, fs: int, words: bool, keys: tuple[str, ...],
            height: int) -> dict:
    """Every snapshot's figure of the charts `keys`, compact (read-only: shared by the sessions that ask)."""
    entry = catalog.entry(name)
    training = load_training(str(entry.folder), stamp)
    make = {"learning_alignment": lambda k: alignment_figure(entry, training, probe, k, lang, fs, words),
            "learning_curves": lambda k: curves_figure(training, k, lang, fs, height)}
    K = len(training.snapshots)
    return {key: compact_steps([figure_plain(make[key](k)) for k in range(1, K + 1)]) for key in keys}


def _reported() -> None:
    """The browser stopped on a snapshot (or changed the speed): keep it for the URL and the exports."""
    state = st.session_state.get(PLAYER) or {}
    k, speed = state.get("step"), state.get("speed")
    if isinstance(k, int) and k >= 1 and k != st.session_state.get(SNAPSHOT):
        st.session_state[SNAPSHOT] = k
        st.session_state[_SERVER_STEP] = True
    if speed in SPEEDS:
        st.session_state[SPEED] = speed


@st.fragment
def snapshot_fragment(view: SimpleNamespace, start: int, menus: dict) -> None:
    """The player and what follows the reported snapshot: session state, the URL, the open export menu's files."""
    K, lang = len(view.training.snapshots), view.lang
    labels = {key: tr(key, lang) for key in ("prev", "next", "play", "pause")} | {
        "step": tr("snapshot", lang), "speed": tr("snapshot_speed", lang), "keys": tr("keys_hint", lang),
        "of": tr("snapshot_aria", lang), "value": ""}
    with view.player:
        step_player(PLAYER, view.group, K, start, labels, speeds=SPEEDS, speed=st.session_state.get(SPEED, 0.5),
                    classroom=classroom(), server=view.server, on_change=_reported)
    k = int(np.clip(st.session_state.get(SNAPSHOT, start), 1, K))
    st.session_state[SNAPSHOT] = k
    st.query_params[SNAPSHOT] = str(k)
    if st.session_state.pop(_SERVER_STEP, False) and view.server:
        st.rerun()  # the server draws the snapshot (no plotly.js to send it to the browser)
    for key, box in menus.items():
        with box, export_menu(key, lang) as menu:
            if menu.open:
                export_buttons(view.make[key](k), key, lang, name=f"{key}-{view.name}-snapshot{k}")


def pick_model(lang: str, entries: dict):
    """The session's model (the shared MODEL key, in the URL): every shipped model has snapshots to show."""
    names = list(entries)
    if not names:
        st.error(tr("no_models", lang))
        st.stop()
    default = "dates-dot" if "dates-dot" in names else names[0]
    if MODEL in st.session_state and st.session_state[MODEL] not in names:
        st.session_state[MODEL] = default
    first = {} if MODEL in st.session_state else {"index": names.index(default)}
    return st.selectbox(tr("model", lang), names, key=MODEL, bind="query-params", help=tr("model_help", lang),
                        on_change=_another_model, format_func=model_label, **first)


def _new_probe() -> None:
    """Another probe or model opens at the first snapshot (the initial weights): play shows it learn."""
    st.session_state[SNAPSHOT] = 1
    st.query_params.pop(SNAPSHOT, None)


def _another_model() -> None:
    _new_model()  # (the session's step and head view, as on every page)
    _new_probe()


def controls(lang: str, entries: dict):
    """Model, probe and (for a subword model) words/pieces; returns (entry, training, stamp, probe, words)."""
    left, right = st.columns([1, 2])
    with left:
        name = pick_model(lang, entries)
    entry = entries[name]
    stamp = file_stamp(entry.folder)
    try:
        training = load_training(str(entry.folder), stamp)
    except TrainingFormatError as error:
        st.warning(tr("learning_broken", lang, model=name, error=md_literal(str(error))))
        st.stop()
    if training is None:
        st.info(tr("learning_none", lang, model=name))
        st.stop()
    probes = list(range(len(training.probes)))
    if st.session_state.get(PROBE) not in probes:
        st.session_state[PROBE] = 0
    with right:
        probe = st.selectbox(tr("probe", lang), probes, key=PROBE, format_func=lambda i: training.probes[i],
                             help=tr("probe_help", lang), on_change=_new_probe)
    words = word_mode(lang, is_subword(entry) and entry.config.has_attention)  # (no matrix: nothing to switch)
    return entry, training, stamp, probe, words


lang = sidebar()
large = classroom()
fs = 20 if large else 14
entries = model_entries()
if large:  # on a projector: the player and the figures first, the pickers folded away at the foot
    top = st.container()
    with st.expander(tr("settings", lang)):
        entry, training, stamp, probe, words = controls(lang, entries)
else:
    st.title(tr("page_learning", lang))
    st.caption(tr("learning_intro", lang))
    entry, training, stamp, probe, words = controls(lang, entries)
    top = st.container()

K = len(training.snapshots)
linked = st.session_state.get(SNAPSHOT, st.query_params.get(SNAPSHOT))
try:
    start = int(np.clip(int(linked), 1, K)) if linked is not None else 1
except ValueError:
    start = 1
st.session_state[SNAPSHOT] = start
url = plotly_js_url()
attention = training.snapshots[0].alignments[probe] is not None
height = heatmap_height(entry, training, probe, fs, words) if attention else (380 if large else 460)
keys = CHARTS if attention else CHARTS[1:]
group = hashlib.sha1(repr(("learning", entry.name, stamp, probe, lang, fs, words)).encode()).hexdigest()[:16]
make = {"learning_alignment": lambda k: alignment_figure(entry, training, probe, k, lang, fs, words),
        "learning_curves": lambda k: curves_figure(training, k, lang, fs, height)}
# Per snapshot: whether its rows are the prediction's tokens (see attention_core/learning.py)
rows_known = [attention and alignment_at(entry, training, probe, k, words)[3] for k in range(1, K + 1)]
menus = {}


def draw(fig, key: str) -> None:
    """Snapshot `start`'s figure: a live chart the payload steps, or (no plotly.js served) the server's chart."""
    if url:
        live_chart(fig, key, url, PLOTLY_CONFIG, group=group, start=start)
    else:
        chart(fig, key)


with top:
    player = st.container()
    # On a projector the prediction and the snapshot's numbers share a row: the figures need the height.
    said, numbers = st.columns([1, 1], vertical_alignment="center") if large else (st.container(), st.container())
    with said:
        step_text("learning_prediction", group, prediction_lines(training, probe, lang, large), start, live=True)
    with numbers:
        step_text("learning_snapshot", group, snapshot_lines(training, lang, rows_known, large), start,
                  css="step-caption")
    left, right = st.columns([1, 1.15] if attention else [1, 2])
    with left:
        if not large:
            st.markdown(f"**{tr('learning_alignment', lang)}**")
        if attention:
            fig = make["learning_alignment"](start)
            draw(fig, "learning_alignment")
            if not large:
                menus["learning_alignment"] = st.container()
        else:
            st.info(tr("learning_no_attention", lang, model=entry.name))
    with right:
        if not large:
            st.markdown(f"**{tr('learning_curves', lang)}**")
        fig = make["learning_curves"](start)
        draw(fig, "learning_curves")
        if not large:
            menus["learning_curves"] = st.container()
if not large:
    if attention:
        st.caption(tr("learning_labels", lang))
        if entry.config.tokenizer in ("word", "subword"):
            st.caption(tr("subword_words" if words else f"{entry.config.tokenizer}_level", lang))
    st.caption(tr("curves_caption", lang, metric=_metric_name(training, lang),
                  n=training.valid_examples or tr("not_known", lang)))
    if any(s.field_attention is not None for s in training.snapshots):
        st.caption(tr("field_caption", lang))
    where = training.alignment_from
    if entry.config.architecture == "transformer" and where:
        st.caption(tr("learning_where", lang, layer=tr("layer_n", lang, layer=where["layer"], L=entry.config.layers),
                      head=head_name(str(where["head"]), lang, entry.config.heads)))
view = SimpleNamespace(training=training, lang=lang, group=group, player=player, server=url is None, make=make,
                       name=entry.name)
snapshot_fragment(view, start, menus)
if url:  # the other snapshots, after everything the first paint needs
    step_payload("learning_payload", group, payload(entry.name, stamp, probe, lang, fs, words, keys, height))
