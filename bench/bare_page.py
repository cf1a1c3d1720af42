"""The cold-start anchor of bench/app.py: a bare Streamlit page with one Plotly chart, started the same way
as the app (same server options, same browser)."""

import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[3, 1, 2])))
