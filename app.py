"""Pooling Lab: the frame. One page per teaching idea, each drawing the shared sidebar itself.

Run with ``streamlit run app.py``. This file draws nothing of its own: in
Streamlit 1.67 AppTest drops what the entry script draws after the first
rerun of an ``st.navigation`` app, and a page that draws its own sidebar also
runs on its own.
"""

import streamlit as st

import widgets

st.set_page_config(page_title="Pooling Lab", page_icon="🔲", layout="wide")

st.session_state["_in_frame"] = True  # see widgets.ensure_frame

SECTIONS = {}
for lab in widgets.LABS:
    SECTIONS.setdefault(lab.section, []).append(
        st.Page(lab.path, title=lab.title, icon=lab.icon, default=lab.path == "pages/home.py"))

st.navigation(SECTIONS).run()
