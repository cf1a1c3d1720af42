"""Step by step: one real trace of a shipped model, and its alignment matrix."""

import streamlit as st

from attention_core import list_pretrained, load_pretrained
from attention_core.figures import alignment_heatmap


@st.cache_resource
def model(name: str):
    return load_pretrained(name)


names = list_pretrained()
name = st.selectbox("Model", names, index=names.index("dates-dot") if "dates-dot" in names else 0, key="model")
text = st.text_input("Input", "2026년 11월 24일 화요일", key="text")
translator = model(name)
error = translator.check(text)
if error:
    st.warning(error)
else:
    trace = translator.trace(text)
    st.subheader(trace.prediction)
    if trace.alignment is not None:
        st.plotly_chart(alignment_heatmap(trace), key="alignment")
