"""Attention Explorer: Streamlit entry point (page config and navigation only)."""

import streamlit as st

st.set_page_config(page_title="Attention Explorer", page_icon="🔎", layout="wide")
pages = [st.Page("app_pages/step_by_step.py", title="Step by step", default=True)]
st.navigation(pages).run()
