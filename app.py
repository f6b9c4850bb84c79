"""Pooling Lab: the frame. One page per teaching idea, each drawing the shared sidebar itself.

Run with ``streamlit run app.py``. This file draws nothing of its own: in
Streamlit 1.67 AppTest drops what the entry script draws after the first
rerun of an ``st.navigation`` app, and a page that draws its own sidebar also
runs on its own.
"""

import streamlit as st

from widgets.frame import frame_navigation
from widgets.labels import IN_FRAME

st.session_state[IN_FRAME] = True  # see widgets.frame.ensure_frame

frame_navigation().run()  # the wide layout, the tab's title and icon, and the menu
