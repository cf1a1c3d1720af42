"""Attention Explorer: Streamlit entry point (page config and navigation only)."""

import streamlit as st

from app_pages.common import lang
from app_pages.texts import t

st.set_page_config(page_title="Attention Explorer", page_icon="🔎", layout="wide")
pages = [
    st.Page("app_pages/step_by_step.py", title=t("page_step", lang()), default=True),  # served at /
    st.Page("app_pages/alignment.py", title=t("page_alignment", lang()), url_path="alignment"),
    st.Page("app_pages/sandbox.py", title=t("page_sandbox", lang()), url_path="sandbox"),
]
st.navigation(pages).run()
