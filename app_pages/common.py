"""What every page shares: session-state keys, the sidebar, cached models and traces, model/input widgets."""

from __future__ import annotations

import re
import shutil
import sys

import streamlit as st
from streamlit.errors import StreamlitAPIException

from app_pages.live_chart import live_chart, plotly_js_url
from app_pages.texts import LANG_NAMES, LANGS, t
from attention_core import InputError, ModelLoadError, Trace, list_pretrained, load_pretrained
from attention_core.examples import examples_for
from attention_core.export import PRINT_SCALE, figure_html, figure_image
from attention_core.tokenizers import safe_text

# Session-state keys; the bound ones are also the URL's query parameters (deep links).
LANG, CLASSROOM, MODEL, TEXT, STEP = "lang", "classroom", "model", "text", "step"
PLAYING, SPEED, EXAMPLE, STAGE, CELLS = "playing", "speed", "example", "stage", "cells"
DEFAULT_MODEL, DEFAULT_TEXT = "dates-dot", "2026년 11월 24일 화요일"

STEP_PAGE = "app_pages/step_by_step.py"
ALIGNMENT_PAGE = "app_pages/alignment.py"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:])")


def md_literal(text: str) -> str:
    """User text inside st.markdown/caption/warning: every markdown or HTML character escaped, so that
    `<b>x</b>` or `**x**` shows as typed."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def current_step() -> int | None:
    """The step the session is at (also when the step slider is not on this page), from the URL at first."""
    value = st.session_state.get(STEP, st.query_params.get(STEP))
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def lang() -> str:
    value = st.session_state.get(LANG) or st.query_params.get(LANG, "en")
    return value if value in LANGS else "en"


def _keep_lang_in_url() -> None:
    # Not bound like the other widgets: a bound segmented control would put its label ("한국어") in the URL.
    if st.session_state.get(LANG, "en") == "en":
        st.query_params.pop(LANG, None)
    else:
        st.query_params[LANG] = st.session_state[LANG]


def go_to(page: str, **values: str) -> None:
    """st.switch_page without its default of clearing the URL, which fails while widgets are bound to it.
    `values` (also set in session state by the caller) go into the new URL, so the next page's bound widgets
    find them even when a browser rerun arrives before the page is drawn; a key bound to a widget of this
    page cannot be set (Streamlit refuses), and then session state alone carries the values."""
    base = {LANG: lang()} if lang() != "en" else {}
    try:
        st.switch_page(page, query_params={**base, **values})
    except StreamlitAPIException:
        st.switch_page(page, query_params=base)


def classroom() -> bool:
    return bool(st.session_state.get(CLASSROOM, st.query_params.get(CLASSROOM) in ("true", "1")))


def switches() -> None:
    """The language and classroom-mode switches (in the sidebar, or in classroom mode at the page's foot)."""
    st.segmented_control(t("language", lang()), LANGS, format_func=LANG_NAMES.get, key=LANG,
                         on_change=_keep_lang_in_url, required=True)
    st.toggle(t("classroom", lang()), key=CLASSROOM, bind="query-params", help=t("classroom_help", lang()))


def sidebar() -> str:
    """Sets up language and classroom mode; returns the language. In classroom mode the sidebar and the
    header are hidden, the text is enlarged, and the page shows the switches at its foot (`footer`)."""
    # Set on every run, not only the first: a page change remounts the language control under a new
    # element id (ids include the page), and a value held only by the old widget is dropped with it, so
    # the second page change fell back to English. A value set here is the session's own and carries over.
    st.session_state[LANG] = lang()
    _keep_lang_in_url()
    if classroom():
        # Static CSS only (no user text): hide the sidebar and header, enlarge the text for a projector.
        st.html("""<style>
            section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
            header[data-testid="stHeader"] {display: none;}
            .stApp p, .stApp label, .stApp li {font-size: 1.3rem;}
            .stApp button p {font-size: 1.3rem;}
            .stApp .katex {font-size: 1.6rem;}
            .block-container {padding-top: 0.8rem; padding-bottom: 1rem; max-width: 100%;}
        </style>""")
    else:
        with st.sidebar:
            switches()
            st.caption(t("sidebar_about", lang()))
    return lang()


def footer(lang_: str):
    """In classroom mode: an expander at the foot of the page with the switches; returns it for more widgets."""
    box = st.expander(t("settings", lang_))
    with box:
        switches()
    return box


@st.cache_resource(show_spinner=False)
def get_model(name: str):
    """Each model is loaded once per process and shared (read-only) by every session."""
    model = load_pretrained(name)
    print(f"attention-explorer: loaded model {name}", file=sys.stderr, flush=True)  # the load test counts these
    return model


@st.cache_data(show_spinner=False, max_entries=512)
def get_trace(name: str, text: str, beam: int = 1, target: str | None = None) -> Trace:
    """Traces are cached by their inputs: changing the step never re-runs the model."""
    return get_model(name).trace(text, beam=beam, target=target)


def usable_models() -> dict[str, object]:
    """Every shipped model that loads; a broken folder is reported and the others keep working."""
    models, broken = {}, {}
    for name in list_pretrained():
        try:
            models[name] = get_model(name)
        except ModelLoadError as error:
            broken[name] = str(error)
    for error in broken.values():
        st.sidebar.warning(t("model_broken", lang(), error=error))
    return models


def _use_example() -> None:
    if st.session_state.get(EXAMPLE):
        st.session_state[TEXT] = st.session_state[EXAMPLE]
    st.session_state[EXAMPLE] = None


def model_and_input(lang_: str, *, attention_only: bool = False):
    """Model picker, text box and examples (shared by the pages, kept in the URL). Returns (model, text)."""
    models = usable_models()
    names = [n for n, m in models.items() if not attention_only or m.config.has_attention]
    if not names:
        st.error(t("no_models", lang_))
        st.stop()
    default = DEFAULT_MODEL if DEFAULT_MODEL in names else names[0]
    if MODEL in st.session_state and st.session_state[MODEL] not in names:
        st.session_state[MODEL] = default  # e.g. a model without attention on a page that needs attention
    # A default value only for a widget the session has not set yet (Streamlit warns about both at once).
    first = {} if MODEL in st.session_state else {"index": names.index(default)}
    left, middle, right = st.columns([2, 4, 2])
    with left:
        name = st.selectbox(t("model", lang_), names, key=MODEL, bind="query-params", help=t("model_help", lang_),
                            **first)
    model = models[name]
    with right:
        st.selectbox(t("examples", lang_), examples_for(model.config.task), index=None, key=EXAMPLE,
                     placeholder=t("pick_example", lang_), on_change=_use_example)
    with middle:
        first = {} if TEXT in st.session_state else {"value": DEFAULT_TEXT}
        text = safe_text(st.text_input(t("input", lang_), key=TEXT, bind="query-params", help=t("input_help", lang_),
                                       max_chars=1000, **first))
    return model, text


def trace_or_stop(model, text: str, lang_: str, **options) -> Trace:
    try:
        return get_trace(model.name, text, **options)
    except InputError as error:
        st.warning(t("bad_input", lang_, error=error))
        st.stop()


def show_card(model, lang_: str) -> None:
    if model.folder is not None and (model.folder / "card.md").is_file():
        with st.expander(t("model_card", lang_), key="model_card", on_change="rerun") as box:
            if box.open:
                st.markdown((model.folder / "card.md").read_text(encoding="utf-8"))


def can_draw_images() -> bool:
    """PNG and SVG are drawn by headless Chromium (kaleido); HTML needs nothing."""
    return shutil.which("chromium") is not None or shutil.which("chromium-browser") is not None


def chart(fig, key: str, *, live: bool = False, **chart_options):
    """A chart; returns its selection event (st.plotly_chart's). live: a chart the browser updates in place
    (live_chart), for figures that change with every step; it has no selection events."""
    if live and (url := plotly_js_url()):
        live_chart(fig, key, url)
        return None
    return st.plotly_chart(fig, key=key, width="stretch", **chart_options)


def export_menu(key: str, lang_: str):
    """The export menu of chart `key`, to be filled by `export_buttons` while it is open."""
    return st.popover(t("export", lang_), width="content", key=f"{key}_export", on_change="rerun")


def export_buttons(fig, key: str, lang_: str, *, name: str | None = None, print_scale: bool = False) -> None:
    """PNG, SVG and standalone HTML of `fig`, each file made only when clicked."""
    stem = re.sub(r"[^\w.-]+", "_", name or key)[:80]
    if can_draw_images():
        scale = PRINT_SCALE if print_scale else 2
        st.download_button("PNG", data=lambda: figure_image(fig, "png", scale=scale), file_name=f"{stem}.png",
                           mime="image/png", on_click="ignore", key=f"{key}_png")
        st.download_button("SVG", data=lambda: figure_image(fig, "svg"), file_name=f"{stem}.svg",
                           mime="image/svg+xml", on_click="ignore", key=f"{key}_svg")
    else:
        st.caption(t("no_chromium", lang_))
    st.download_button("HTML", data=lambda: figure_html(fig), file_name=f"{stem}.html", mime="text/html",
                       on_click="ignore", key=f"{key}_html", help=t("html_help", lang_))


def show(fig, key: str, lang_: str, *, name: str | None = None, print_scale: bool = False, live: bool = False,
         **chart_options):
    """A chart (see `chart`) and below it its export menu."""
    event = chart(fig, key, live=live, **chart_options)
    # The menu's buttons exist only while it is open: closed, it costs a step change one element, not four.
    with export_menu(key, lang_) as menu:
        if menu.open:
            export_buttons(fig, key, lang_, name=name, print_scale=print_scale)
    return event
