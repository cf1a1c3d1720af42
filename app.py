"""Attention Explorer: Streamlit entry point (page config and navigation only)."""

import streamlit as st

from app_pages.live_chart import preload_plotly  # light: no model, no torch

st.set_page_config(page_title="Attention Explorer", page_icon="🔎", layout="wide")
# The first element: the browser fetches and compiles plotly.js (~0.5 s) while this script goes on to draw the
# page, instead of after the page's first chart arrives.
preload_plotly()

from app_pages.common import PAGE, PAGES, check_models, hold_session  # noqa: E402  (after the preload, on purpose)
from app_pages.texts import t  # noqa: E402

L = hold_session()
pages = {
    t(section, L): [st.Page(script, title=t(title, L), url_path=path or None, default=not path)  # / is the step page
                    for script, title, path in entries]
    for section, entries in PAGES.items()
}
page = st.navigation(pages)
st.session_state[PAGE] = page.url_path
page.run()
check_models()  # after the page: its first chart waits neither for torch nor for every model's weights
