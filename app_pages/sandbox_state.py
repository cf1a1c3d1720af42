"""The Worked example's state, held by the session across pages and by the URL: its settings (mode, preset, sizes,
seed, score function, temperature, h, what is edited) and, once edited, its numbers, so that a link, a reload or a
return from another page opens the same example with the same numbers.

The numbers go into the URL as compact JSON of the editors that differ from what the settings give (the preset's,
the seed's weights, the projection of the numbers above): `sb_numbers={"H": [[…]], "tokens": […]}`. A number in
the URL is the one computed with (JSON writes a float's shortest exact form)."""

from __future__ import annotations

import json

import numpy as np
import streamlit as st

from attention_core.formulas import SCORES
from attention_core.sandbox_heads import D_MODELS, MAX_HEADS

MODE, MODES = "sb_mode", ("mode_one", "mode_heads")
PRESET, N_KEY, DIM, SEED, SCORE, TEMP, VERSION, DATA = (
    "sb_preset", "sb_N", "sb_n", "sb_seed", "sb_score", "sb_temp", "sb_version", "sb_data")
PRESETS = ("preset_article", "preset_random", "preset_onehot")
TEMPERATURES = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0)
# the multi-head mode's own state (its sizes and numbers are not the single head's)
H_PRESET, H_N, H_D, H_SEED, H_COUNT, H_EDIT, H_VERSION, H_DATA = (
    "sbh_preset", "sbh_N", "sbh_d", "sbh_seed", "sbh_h", "sbh_edit", "sbh_version", "sbh_data")
H_PRESETS = ("heads_preset_article", "heads_preset_random")
H_EDITS = ("heads_edit_weights", "heads_edit_projected")
N_STATES, DIMS, SEEDS = range(2, 9), range(2, 7), range(0, 10000)  # the number inputs' bounds

# Each setting: its values and its default (None: the page sets it), the URL's parameter named as its key. The
# widgets keep them in session state (so none is given a default of its own); a setting the session does not have
# yet is read from the URL (a link), and every run writes the session's into the URL where it is not the default.
SETTINGS: dict[str, tuple[tuple | range, object]] = {
    MODE: (MODES, MODES[0]), PRESET: (PRESETS, PRESETS[0]), N_KEY: (N_STATES, 4), DIM: (DIMS, 4),
    SEED: (SEEDS, 0), SCORE: (SCORES, "dot"), TEMP: (TEMPERATURES, 1.0),
    H_PRESET: (H_PRESETS, H_PRESETS[0]), H_N: (N_STATES, 4), H_D: (D_MODELS, D_MODELS[0]), H_SEED: (SEEDS, 0),
    H_COUNT: (range(1, MAX_HEADS + 1), None), H_EDIT: (H_EDITS, H_EDITS[0]),
}
NUMBERS = {"one": "sb_numbers", "heads": "sbh_numbers"}  # per mode: the edited numbers (session and URL)
# per mode, the editors whose numbers are kept: the single head's weights by score function (a W_a of general is not
# one of concat); the heads' x_t, h_i and W, and the projected q, k, v
EDITORS = {"one": {"tokens", "H", "s", *(f"{score}:{w}" for score in SCORES for w in ("W_a", "w_a"))},
           "heads": {"tokens", "H", "x", "W_Q", "W_K", "W_V", "W_O", "q", "K", "V"}}
MAX_URL_CHARS = 20_000  # a few times the largest example's numbers (8 × 8 h_i, four 8 × 8 W: ~2,500 characters)
UNREADABLE = ""  # the name of numbers that are not JSON of editors at all
MAX_NAME = 100  # a token name's characters, typed or read from a link (the charts shorten what they draw)


def _parse(key: str, raw: str):
    """The setting `key`'s value written `raw` in a URL, or None when it is not one of its values."""
    options, _ = SETTINGS[key]
    for option in options:
        if str(option) == raw:
            return option
    return None


def hold_settings() -> None:
    """At the page's top, before its widgets: settings from the URL where the session has none, then the session's
    settings into the URL."""
    for key, (_, default) in SETTINGS.items():
        if key not in st.session_state:
            value = _parse(key, st.query_params.get(key, ""))
            if value is not None or default is not None:
                st.session_state[key] = default if value is None else value
        value = st.session_state.get(key)
        if value is None or value == default:
            st.query_params.pop(key, None)
        elif st.query_params.get(key) != str(value):
            st.query_params[key] = str(value)


def forget_numbers(mode: str) -> None:
    """A new preset, size or seed: its numbers replace the edited ones (in the session and the URL)."""
    for key in (NUMBERS[mode], NUMBERS[mode] + "_base"):
        st.session_state.pop(key, None)
    st.query_params.pop(NUMBERS[mode], None)


def _from_url(mode: str) -> dict:
    raw = st.query_params.get(NUMBERS[mode])
    if not raw:
        return {}
    try:
        if len(raw) > MAX_URL_CHARS:
            raise ValueError
        numbers = json.loads(raw)
        if not isinstance(numbers, dict):
            raise ValueError
        known = {name: value for name, value in numbers.items() if name in EDITORS[mode]}
        return known if len(known) == len(numbers) else known | {UNREADABLE: raw}  # (a name of no editor: said)
    except (ValueError, RecursionError):
        return {UNREADABLE: raw}  # said once (`said_bad`), and the settings' numbers shown instead


def edited_base(mode: str, probes: list[str], version_key: str) -> dict:
    """The edited numbers the editors start from: the session's, or at first the URL's. When an editor shown in
    this run holds no edits of its own (one of `probes`, editor keys of the current version, is not in session
    state: a first run, a link, a return from another page, another way of editing or another score function),
    every editor starts again from the session's numbers, under a new version (new keys): so an editor never
    starts from numbers older than the last ones read (an undone edit stays undone)."""
    key, base = NUMBERS[mode], NUMBERS[mode] + "_base"
    if key not in st.session_state:
        st.session_state[key] = _from_url(mode)
    if any(probe not in st.session_state for probe in probes):
        st.session_state[base] = dict(st.session_state[key])
        st.session_state[version_key] = st.session_state.get(version_key, 0) + 1
    return st.session_state.get(base, {})


def base(numbers: dict, name: str, default, bad: list):
    """The editor `name`'s first numbers: the edited ones where they fit (the default's shape, finite; a token name
    a string), else the default; a value that does not fit is named in `bad`."""
    if UNREADABLE in numbers and UNREADABLE not in bad:
        bad.append(UNREADABLE)
    if name not in numbers:
        return default
    value = numbers[name]
    if isinstance(default, list):  # token names
        if isinstance(value, list) and len(value) == len(default) and all(isinstance(v, str) for v in value):
            return [v[:MAX_NAME] for v in value]
    else:
        try:
            array = np.asarray(value, dtype=float)
            if array.shape == np.shape(default) and np.isfinite(array).all():
                return array
        except (TypeError, ValueError, OverflowError):
            pass
    bad.append(name)
    return default


def record(mode: str, current: dict, defaults: dict) -> None:
    """After the editors are read: the numbers that differ from the settings' own (`defaults`) are the edits, kept
    by the session and written into the URL; none, and the URL has none."""
    # the edits of editors not shown in this run are kept (the other way of editing the heads, the other W)
    edited = {name: value for name, value in st.session_state.get(NUMBERS[mode], {}).items()
              if name not in current and name in EDITORS[mode]}
    for name, value in current.items():
        default = defaults[name]
        if isinstance(default, list):
            if list(value) != list(default):
                edited[name] = list(value)
        elif np.shape(value) != np.shape(default) or not np.array_equal(value, default):
            edited[name] = np.asarray(value, dtype=float).tolist()
    st.session_state[NUMBERS[mode]] = edited
    if edited:
        text = json.dumps(edited, separators=(",", ":"), ensure_ascii=False)
        if st.query_params.get(NUMBERS[mode]) != text:
            st.query_params[NUMBERS[mode]] = text
    else:
        st.query_params.pop(NUMBERS[mode], None)


def said_bad(mode: str, bad: list) -> bool:
    """True once for the numbers of a link that did not fit (`base`): they are dropped, and the page says so."""
    if not bad:
        return False
    for name in bad:
        for key in (NUMBERS[mode], NUMBERS[mode] + "_base"):
            st.session_state.get(key, {}).pop(name, None)
    bad.clear()
    return True
