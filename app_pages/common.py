"""What every page shares: session-state keys, the sidebar, cached models and traces, model/input widgets."""

from __future__ import annotations

import re
import shutil
import sys
import threading

import streamlit as st
from streamlit.errors import StreamlitAPIException

# No torch here: the first page draws its first chart without it (attention_core/catalog.py). The core's
# names are imported on first use; `core.InputError` and `core.ModelLoadError` import torch.
import attention_core as core
from app_pages.sandbox_state import SETTINGS as SANDBOX_SETTINGS
from app_pages.texts import LANG_NAMES, LANGS, t
from attention_core import catalog
from attention_core.examples import examples_for
from attention_core.export import PRINT_SCALE, figure_html, figure_image
from attention_core.figures.common import PLOTLY_CONFIG
from attention_core.file_model import PREFIX as FILE_PREFIX
from attention_core.file_model import FileModel, file_model_label
from attention_core.heads import MEAN, at_head, is_multi_head
from attention_core.tokenizers import safe_text
from attention_core.trace import Trace

# Session-state keys; the bound ones are also the URL's query parameters (deep links).
LANG, CLASSROOM, MODEL, TEXT, STEP = "lang", "classroom", "model", "text", "step"
SPEED, EXAMPLE, STAGE, CELLS = "speed", "example", "stage", "cells"
UNITS = "units"  # a subword model's views in WORDS (the default) or PIECES: one choice for every page of the session
WORDS, PIECES = "words", "pieces"
# A multi-head model's view: the layer and head ("mean": the layer's mean over heads) every page draws, as text
# ("1", "mean") so that the URL holds them; a new model starts from its own default (alignment_from).
LAYER, HEAD = "layer", "head"
# What the step and alignment pages set beside α (app_pages/attribution_view.py): "off" or a method's name.
ATTRIBUTION = "attribution"
PAGE = "_page"  # the URL path of the page this run draws (set by app.py)
FILES = "_file_models"  # {name: FileModel}: the traces of the trace file uploaded last (Upload page)
BROKEN = "_broken_models"  # {name: message} of the model folders that failed to load (check_models)
# The first screen: attention that is right (every digit's largest α in its field) and visibly a distribution
# (no step above 0.99; e^H ≈ 5 tokens), where dates-dot puts more than 0.99 on one character at 73% of its
# steps (metrics.json attention_spread; the README says why).
DEFAULT_MODEL, DEFAULT_TEXT = "dates-scaled_dot", "2026년 11월 24일 화요일"

STEP_PAGE = "app_pages/step_by_step.py"
ALIGNMENT_PAGE = "app_pages/alignment.py"
COMPARE_PAGE = "app_pages/compare.py"
COMPARE_TASK = "cmp_task"  # Compare's task picker ("": the models from elsewhere and the files' traces)
COMPARE_VIEWS = ("cmp_layer_", "cmp_head_")  # + a model's name: the view of a second multi-head model on Compare
# The app's pages by section, in the sidebar's order: (script, title key, URL path). app.py builds the
# navigation from it and classroom mode its own links, so both list the same pages.
PAGES = {
    "section_explore": [(STEP_PAGE, "page_step", ""), (ALIGNMENT_PAGE, "page_alignment", "alignment"),
                        (COMPARE_PAGE, "page_compare", "compare"),
                        ("app_pages/learning.py", "page_learning", "learning")],
    "section_decode": [("app_pages/beam.py", "page_beam", "beam"), ("app_pages/forced.py", "page_forced", "forced"),
                       ("app_pages/whatif.py", "page_whatif", "whatif")],
    "section_more": [("app_pages/upload.py", "page_upload", "upload"),
                     ("app_pages/sandbox.py", "page_sandbox", "sandbox")],
}
OWN_CLASSROOM_BAR = ("",)  # pages that draw their own exit button and settings in classroom mode: the step page


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


def hold_session() -> str:
    """Called by app.py before any page draws a widget: what the session chose holds on every page.
    Returns the language."""
    # Set on every run, not only the first: a page change remounts a control under a new element id
    # (ids include the page), and a value held only by the old widget was dropped with it: the second
    # page change fell back to English, and every page change to the first model and an empty input.
    # A value set here is the session's own and carries over to the next page's widget.
    st.session_state[LANG], st.session_state[CLASSROOM] = lang(), classroom()
    own_views = [key for key in st.session_state if str(key).startswith(COMPARE_VIEWS)]  # (Compare's second models)
    for key in (MODEL, TEXT, STEP, UNITS, LAYER, HEAD, ATTRIBUTION, *SANDBOX_SETTINGS, *own_views):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    return st.session_state[LANG]


def _keep_settings_in_url() -> None:
    # Language and classroom mode are not bound to the URL like the other widgets: a bound segmented
    # control would put its label ("한국어") in the URL, and on a page change Streamlit drops a bound value
    # from the URL (the value names the old page's widget). Written here on every run instead.
    wanted = {LANG: lang() if lang() != "en" else None, CLASSROOM: "true" if classroom() else None}
    for key, value in wanted.items():
        if value is None:
            st.query_params.pop(key, None)
        elif st.query_params.get(key) != value:
            st.query_params[key] = value


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
    """The language and classroom-mode switches (in the sidebar; in classroom mode in `classroom_bar`, or at
    the step page's foot)."""
    st.segmented_control(t("language", lang()), LANGS, format_func=LANG_NAMES.get, key=LANG,
                         on_change=_keep_settings_in_url, required=True)
    st.toggle(t("classroom", lang()), key=CLASSROOM, on_change=_keep_settings_in_url, help=t("classroom_help", lang()))


def sidebar() -> str:
    """Sets up language and classroom mode; returns the language. In classroom mode the sidebar and the
    header are hidden, the text is enlarged, and the page starts with `classroom_bar` (the step page
    shows the switches at its foot instead, `footer`)."""
    _keep_settings_in_url()
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
        if st.session_state.get(PAGE) not in OWN_CLASSROOM_BAR:
            classroom_bar(lang())
    else:
        with st.sidebar:
            switches()
            st.caption(t("sidebar_about", lang()))
    for error in st.session_state.get(BROKEN, {}).values():
        st.sidebar.warning(t("model_broken", lang(), error=error))
    return lang()


def exit_classroom_button(lang_: str, **options) -> None:
    st.button(t("exit_classroom", lang_), key="exit_classroom",
              on_click=lambda: st.session_state.update({CLASSROOM: False}), **options)


def page_links(lang_: str) -> None:
    """Links to every page that keep the language and classroom mode (in classroom mode the sidebar and
    its navigation are hidden)."""
    keep = {CLASSROOM: "true", **({LANG: lang_} if lang_ != "en" else {})}
    # The model and input too, so that a copied link opens on them (on a click the session holds them anyway).
    keep |= {key: str(value) for key in (MODEL, TEXT) if (value := st.session_state.get(key, st.query_params.get(key)))}
    for column, entries in zip(st.columns(len(PAGES)), PAGES.values()):
        for script, title, _ in entries:
            column.page_link(script, label=t(title, lang_), query_params=keep)


def classroom_bar(lang_: str) -> None:
    """What replaces the hidden sidebar in classroom mode, at the top of a page: the exit button, and a
    panel with the switches and links to every page, so that no page traps the user. `sidebar` draws it
    on every page but those in OWN_CLASSROOM_BAR."""
    menu, leave = st.columns([6, 1])
    with leave:
        exit_classroom_button(lang_, width="stretch")
    with menu.expander(t("classroom_menu", lang_)):
        switches()
        page_links(lang_)


def footer(lang_: str):
    """In classroom mode, the step page's way to everything else (its top is the step's controls): an expander
    at the foot of the page with the switches and links to every page; returns it for more widgets."""
    box = st.expander(t("settings", lang_))
    with box:
        switches()
        page_links(lang_)
    return box


@st.cache_resource(show_spinner=False)
def get_model(name: str):
    """Each model is loaded once per process and shared (read-only) by every session."""
    import torch

    # The app's models are small GRUs: a second intra-op thread does not make a trace faster, and on two cores
    # shared with the browser and the other sessions its spin-waits made loading the ten models take 1.4 s
    # instead of 0.14 s (measured while another process kept one core busy). Set before any model runs.
    torch.set_num_threads(1)
    model = core.load_pretrained(name, root=catalog.PRETRAINED_DIR)
    # One write of the whole line: print() writes the text and its newline separately, and two sessions
    # loading at once ran their lines together ("loaded model dates-locationattention-explorer: ..."),
    # which the load test, counting these lines, read as a model loaded twice.
    sys.stderr.write(f"attention-explorer: loaded model {name}\n")
    sys.stderr.flush()
    return model


def get_trace(name: str, text: str, beam: int = 1, target: str | None = None) -> Trace:
    """The trace of `text` by the model `name`; a trace from a file (file_models) is this session's own, kept
    by the session and never in the cache that every session shares."""
    if name.startswith(FILE_PREFIX):
        opened = file_models().get(name)
        if opened is None:
            raise core.InputError(t("file_trace_gone", lang(), model=model_label(name)))
        return opened.trace(text, beam=beam, target=target)
    return _model_trace(name, text, beam, target)


@st.cache_data(show_spinner=False, max_entries=512)
def _model_trace(name: str, text: str, beam: int = 1, target: str | None = None) -> Trace:
    """Traces are cached by their inputs: changing the step never re-runs the model. A trace shipped beside the
    model (the first page's default: catalog.shipped_trace, the model's own) needs neither torch nor the weights."""
    if beam == 1 and target is None and (shipped := catalog.shipped_trace(catalog.PRETRAINED_DIR / name, text)):
        return shipped
    return get_model(name).trace(text, beam=beam, target=target)


def model_names() -> list[str]:
    """Every model the app offers: the shipped ones, then those from elsewhere (the folder that
    ATTENTION_EXPLORER_MODELS names, catalog.elsewhere_names), which load_pretrained takes by these names."""
    return [*catalog.list_entries(), *catalog.elsewhere_names()]


def model_entries() -> dict[str, catalog.ModelEntry]:
    """The models the app offers, read without torch or weights where that can be (config, vocabularies: enough
    for the model picker and the limits); those that failed to load (check_models) are left out. An hf: model
    is loaded here: its tokenizer, which the limits need, is transformers', read with the model."""
    broken = st.session_state.get(BROKEN, {})
    entries = {name: entry for name, entry in catalog.list_entries().items()
               if entry is not None and name not in broken}
    for name in catalog.elsewhere_names():
        if name in broken:  # (not loaded again at every run: a failed load is not cached)
            continue
        if name.startswith(catalog.HF_PREFIX):
            try:
                entries[name] = get_model(name)
            except core.ModelLoadError:  # named in the sidebar after check_models
                pass
        elif (entry := catalog.entry(name)) is not None:
            entries[name] = entry
    return entries


def model_label(name: str) -> str:
    """A model as the pickers show it (and the URL keeps it): a model from elsewhere by its folder's name and where
    it comes from, in no language, so that the URL stays one when the language changes."""
    if name.startswith(catalog.HF_PREFIX):
        return f"{catalog.display_name(name)} (hf)"
    if name.startswith(FILE_PREFIX):
        return file_model_label(name)  # the file's name and the trace's line in it
    return f"{catalog.display_name(name)} (elsewhere)" if catalog.is_path(name) else name


def model_help(lang_: str) -> str:
    """The model picker's help: where the shipped models and those from elsewhere come from."""
    root = catalog.elsewhere_root()
    if root is None:
        return t("model_help", lang_)
    return t("model_help", lang_) + " " + t("model_help_elsewhere", lang_, folder=md_literal(str(root)))


def usable_models() -> dict[str, object]:
    """Every offered model, loaded (for the pages that run several); one that fails to load is left out."""
    models = {}
    for name in model_entries():
        try:
            models[name] = get_model(name)
        except core.ModelLoadError:  # named in the sidebar after check_models
            pass
    return models


def check_models() -> None:
    """After the page (app.py): load every model folder (once per process) and, when the folders that fail are not
    those the session knew, run the page again: its sidebar names each (`sidebar`) and its model lists leave them
    out (`model_entries`). Until torch is in, the models load in the background instead (`_load_in_background`),
    and a later run checks them: the first page's charts do not wait for torch."""
    if not _torch_ready():
        _load_in_background()
        return
    broken = {}
    for name in model_names():
        try:
            get_model(name)
        except core.ModelLoadError as error:
            broken[name] = str(error)
    if broken != st.session_state.get(BROKEN, {}):
        st.session_state[BROKEN] = broken
        st.rerun()


def _torch_ready() -> bool:
    """torch imported in full (not in the middle of its import by another thread, which would make us wait)."""
    torch = sys.modules.get("torch")
    return torch is not None and not getattr(getattr(torch, "__spec__", None), "_initializing", False)


_loading = threading.Lock()


def _load_in_background() -> None:
    """Import torch and load every model into get_model's cache, once per process, in a thread of its own: after
    the first page is drawn, while its browser draws it, and before anyone picks another model or input."""
    if not _loading.acquire(blocking=False):
        return  # (started already)

    def load() -> None:
        for name in model_names():
            try:
                get_model(name)
            except Exception:  # a broken model is named by the next run's check_models
                pass

    threading.Thread(target=load, name="load-models", daemon=True).start()


def _new_input() -> None:
    """A new model or input opens at its first step."""
    st.session_state[STEP] = 1
    st.query_params.pop(STEP, None)


def _new_model() -> None:
    """A new model opens at its first step, in its own default view."""
    _new_input()
    for key in (LAYER, HEAD):
        st.session_state.pop(key, None)
        st.query_params.pop(key, None)


def _use_example() -> None:
    if st.session_state.get(EXAMPLE):
        st.session_state[TEXT] = st.session_state[EXAMPLE]
        _new_input()
    st.session_state[EXAMPLE] = None


def file_models() -> dict[str, FileModel]:
    """The traces of the trace file uploaded last in this session (Upload page), each opened as a model."""
    return st.session_state.get(FILES, {})


def model_and_input(lang_: str, *, attention_only: bool = False, files: bool = False):
    """Model picker, text box and examples (shared by the pages, kept in the URL). Returns (model, text).
    `files`: the picker also offers the traces of an uploaded trace file (file_models), each with its own input."""
    models = model_entries() | (file_models() if files else {})
    names = [n for n, m in models.items() if not attention_only or m.config.has_attention]
    if not names:
        st.error(t("no_models", lang_))
        check_models()  # (the page stops here: name the broken folders first)
        st.stop()
    default = DEFAULT_MODEL if DEFAULT_MODEL in names else names[0]
    if MODEL in st.session_state and st.session_state[MODEL] not in names:
        st.session_state[MODEL] = default  # e.g. a model without attention on a page that needs attention
    # A default value only for a widget the session has not set yet (Streamlit warns about both at once).
    first = {} if MODEL in st.session_state else {"index": names.index(default)}
    left, middle, right = st.columns([2, 4, 2])
    with left:
        name = st.selectbox(t("model", lang_), names, key=MODEL, bind="query-params", help=model_help(lang_),
                            on_change=_new_model, format_func=model_label, **first)
    model = models[name]
    opened = isinstance(model, FileModel)
    with right:
        st.selectbox(t("examples", lang_), examples_for(model.config.task), index=None, key=EXAMPLE,
                     placeholder=t("pick_example", lang_), on_change=_use_example, disabled=opened)
    with middle:
        if opened:  # a trace from a file has its own input, shown in a box of its own: not in the URL, whose
            # `text` stays the models' (a file's source may be long, and means nothing in another session)
            st.text_input(t("input", lang_), value=model.given.source, key=f"file_text_{model.name}", disabled=True)
            st.caption(t("file_trace_input", lang_, model=md_literal(model_label(model.name))))
            return model, model.given.source
        first = {} if TEXT in st.session_state else {"value": DEFAULT_TEXT}
        # No max_chars: the browser would cut a longer paste silently; trace_or_stop refuses it with the limit.
        text = safe_text(st.text_input(t("input", lang_), key=TEXT, bind="query-params", help=t("input_help", lang_),
                                       on_change=_new_input, **first))
        st.caption(t("input_limit", lang_, model=model_label(model.name), limit=model.max_source_tokens,
                     unit=t(f"unit_{model.config.tokenizer}", lang_)))
    return model, text


def is_subword(model) -> bool:
    """A model that reads subword pieces (its views can show words or pieces)."""
    return getattr(model.config, "tokenizer", None) == "subword"


def word_mode(lang_: str, subword: bool) -> bool:
    """The words/pieces switch (UNITS), drawn only for a subword model; True when its views show words, the
    default. The session keeps the choice (hold_session), so it holds on every page, also across a page whose
    model reads characters or words and shows no switch."""
    if not subword:
        return False
    if st.session_state.get(UNITS) not in (WORDS, PIECES):
        st.session_state[UNITS] = WORDS
    choice = st.segmented_control(t("units", lang_), [WORDS, PIECES], key=UNITS, required=True,
                                  format_func=lambda u: t(f"units_{u}", lang_), help=t("units_help", lang_))
    return choice == WORDS


def head_view(trace: Trace, lang_: str, *, columns=None, keys: tuple[str, str] | None = None) -> Trace:
    """The layer and head pickers of a multi-head trace (the session's choice; at first the URL's, else the model's
    `alignment_from`) and the trace seen from them (attention_core.heads.at_head); other traces as they are.
    `columns`: two containers to draw the pickers in (default: two new columns). `keys`: the session's keys of
    the two choices, for a second multi-head model beside the first (Compare), whose view is its own and held by
    the session only; by default the shared ones, the view every page opens with, kept in the URL."""
    if not is_multi_head(trace):
        return trace
    layers = [str(ell) for ell in range(1, trace.layers + 1)]
    heads = [MEAN, *map(str, range(1, trace.heads + 1))] if trace.heads > 1 else ["1"]
    default = trace.alignment_from
    shared = keys is None
    layer_key, head_key = keys or (LAYER, HEAD)
    for key, options, fallback in ((layer_key, layers, str(default["layer"])), (head_key, heads, str(default["head"]))):
        value = st.session_state.get(key, st.query_params.get(key) if shared else None)
        st.session_state[key] = value if value in options else fallback
    left, right = columns or st.columns(2)
    # Not bound to the URL like the model: a bound selectbox would put its label ("layer 2 of 2") there.
    layer = left.selectbox(t("layer", lang_), layers, key=layer_key, help=t("layer_help", lang_),
                           format_func=lambda ell: t("layer_n", lang_, layer=ell, L=trace.layers))
    head = right.selectbox(t("head", lang_), heads, key=head_key, help=t("head_help", lang_),
                           format_func=lambda j: head_name(j, lang_, trace.heads))
    for key, value in ((LAYER, layer), (HEAD, head)) if shared else ():
        if st.query_params.get(key) != value:
            st.query_params[key] = value
    return at_head(trace, int(layer), head if head == MEAN else int(head))


def head_name(head, lang_: str, h: int) -> str:
    """A head's name in the pickers and captions: "mean of the 4 heads" or "head 2 of 4"."""
    return t("head_mean", lang_, h=h) if head == MEAN else t("head_n", lang_, head=head, h=h)


def view_title(trace: Trace, lang_: str) -> str:
    """The view a multi-head trace is seen from, for a figure's title: "layer 1, mean of the 4 heads"."""
    where = trace.alignment_from
    return t("view_title", lang_, layer=where["layer"], head=head_name(where["head"], lang_, trace.heads))


def choose_head(layer: int, head) -> None:
    """Make (layer, head) the session's view (a click on the grid or the matrix); the pickers follow."""
    st.session_state[LAYER], st.session_state[HEAD] = str(layer), str(head)


def _set_text(text: str) -> None:
    st.session_state[TEXT] = text


def fit_hint(model, text: str, lang_: str) -> None:
    """When the text is not the kind the model reads (`Translator.fits`), say so and offer its examples: a
    Korean date left in the box after a switch to an English model decodes to `<unk> <unk> …` otherwise."""
    if model.fits(text):
        return
    share = model.unknown_share(text)
    if not model.config.task:  # a model from elsewhere: no task of ours, no examples to offer
        st.info(t("does_not_fit_elsewhere", lang_, model=model_label(model.name), share=share))
        return
    st.info(t("does_not_fit", lang_, model=model.name, share=share, task=t(f"task_{model.config.task}", lang_)))
    for column, example in zip(st.columns(3), examples_for(model.config.task)[:3]):
        column.button(md_literal(example), key=f"fit_{example}", on_click=_set_text, args=(example,))


def trace_or_stop(model, text: str, lang_: str, **options) -> Trace:
    """The trace of `text` (after a hint when it does not fit the model), or the input's problem and a stop."""
    fit_hint(model, text, lang_)
    try:
        return get_trace(model.name, text, **options)
    except core.InputError as error:  # (looked up only when get_trace raises)
        st.warning(t("bad_input", lang_, error=error))
        st.stop()
    except core.ModelLoadError as error:  # listed from its folder, it failed to load (named in the sidebar next)
        st.error(t("model_broken", lang_, error=error))
        check_models()
        st.stop()


def show_card(model, lang_: str) -> None:
    if model.folder is not None and (model.folder / "card.md").is_file():
        with st.expander(t("model_card", lang_), key="model_card", on_change="rerun") as box:
            if box.open:
                st.markdown((model.folder / "card.md").read_text(encoding="utf-8"))


def can_draw_images() -> bool:
    """PNG and SVG are drawn by headless Chromium (kaleido); HTML needs nothing."""
    return shutil.which("chromium") is not None or shutil.which("chromium-browser") is not None


def chart(fig, key: str, **chart_options):
    """A chart; returns its selection event (st.plotly_chart's)."""
    return st.plotly_chart(fig, key=key, width="stretch", config=PLOTLY_CONFIG, **chart_options)


def export_menu(key: str, lang_: str):
    """The export menu of chart `key`, to be filled by `export_buttons` while it is open."""
    return st.popover(t("export", lang_), width="content", key=f"{key}_export", on_change="rerun")


def export_context(lang_: str, *, model: str | None = None, text: str | None = None, step: int | None = None,
                   more: str | None = None) -> str:
    """The line of context an exported figure carries (export.with_caption): the model, the input and the step,
    by default the session's (the step only on the step page, whose step it is)."""
    model = model if model is not None else st.session_state.get(MODEL, st.query_params.get(MODEL))
    text = text if text is not None else st.session_state.get(TEXT, st.query_params.get(TEXT))
    if step is None and st.session_state.get(PAGE) == "":
        step = current_step()
    parts = [t("app_title", lang_)]
    parts += [t("export_model", lang_, model=model)] if model else []
    parts += [t("export_input", lang_, text=" ".join(str(text).split()))] if text else []
    parts += [t("export_step", lang_, t=step)] if step is not None else []
    parts += [more] if more else []
    return " · ".join(parts)


def export_buttons(fig, key: str, lang_: str, *, name: str | None = None, print_scale: bool = False,
                   context: str | None = None) -> None:
    """PNG, SVG and standalone HTML of `fig`, each file made only when clicked, with a line of context
    (`context`, or the session's model, input and step: export_context) in the file, not on screen."""
    stem = re.sub(r"[^\w.-]+", "_", name or key)[:80]
    caption = context if context is not None else export_context(lang_)
    if can_draw_images():
        scale = PRINT_SCALE if print_scale else 2
        st.download_button("PNG", data=lambda: figure_image(fig, "png", scale=scale, caption=caption),
                           file_name=f"{stem}.png", mime="image/png", on_click="ignore", key=f"{key}_png")
        st.download_button("SVG", data=lambda: figure_image(fig, "svg", caption=caption), file_name=f"{stem}.svg",
                           mime="image/svg+xml", on_click="ignore", key=f"{key}_svg")
    else:
        st.caption(t("no_chromium", lang_))
    st.download_button("HTML", data=lambda: figure_html(fig, caption=caption), file_name=f"{stem}.html",
                       mime="text/html", on_click="ignore", key=f"{key}_html", help=t("html_help", lang_))


def show(fig, key: str, lang_: str, *, name: str | None = None, print_scale: bool = False,
         context: str | None = None, **chart_options):
    """A chart (see `chart`) and below it its export menu (`context`: see export_buttons)."""
    event = chart(fig, key, **chart_options)
    # The menu's buttons exist only while it is open: closed, it costs a step change one element, not four.
    with export_menu(key, lang_) as menu:
        if menu.open:
            export_buttons(fig, key, lang_, name=name, print_scale=print_scale, context=context)
    return event
