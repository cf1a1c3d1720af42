"""Attention Explorer: Streamlit entry point (page config and navigation only)."""

import streamlit as st

from app_pages.common import PAGE, PAGES, hold_session
from app_pages.texts import t

st.set_page_config(page_title="Attention Explorer", page_icon="🔎", layout="wide")
L = hold_session()
pages = {
    t(section, L): [st.Page(script, title=t(title, L), url_path=path or None, default=not path)  # / is the step page
                    for script, title, path in entries]
    for section, entries in PAGES.items()
}
page = st.navigation(pages)
st.session_state[PAGE] = page.url_path
page.run()
