"""Attention Explorer: Streamlit entry point (page config and navigation only)."""

import streamlit as st

from app_pages.live_chart import preload_plotly  # light: no model, no torch

st.set_page_config(page_title="Attention Explorer", page_icon="🔎", layout="wide")
# The first element: the browser fetches and compiles plotly.js (~0.5 s) while this script goes on to import
# torch and load the models, instead of after the page's first chart arrives.
preload_plotly()

from app_pages.common import lang  # noqa: E402  (after the preload, on purpose)
from app_pages.texts import t  # noqa: E402
L = lang()
pages = {
    t("section_explore", L): [
        st.Page("app_pages/step_by_step.py", title=t("page_step", L), default=True),  # served at /
        st.Page("app_pages/alignment.py", title=t("page_alignment", L), url_path="alignment"),
        st.Page("app_pages/compare.py", title=t("page_compare", L), url_path="compare"),
    ],
    t("section_decode", L): [
        st.Page("app_pages/beam.py", title=t("page_beam", L), url_path="beam"),
        st.Page("app_pages/forced.py", title=t("page_forced", L), url_path="forced"),
        st.Page("app_pages/whatif.py", title=t("page_whatif", L), url_path="whatif"),
    ],
    t("section_more", L): [
        st.Page("app_pages/upload.py", title=t("page_upload", L), url_path="upload"),
        st.Page("app_pages/sandbox.py", title=t("page_sandbox", L), url_path="sandbox"),
    ],
}
st.navigation(pages).run()
