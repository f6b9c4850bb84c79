"""Every page inside app.py's frame (its ``st.navigation`` menu and wide layout), even on a first deep link."""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from widgets.labels import IN_FRAME


def ensure_frame():
    """Run the page inside app.py's frame, even for a first visitor on a deep link.

    Streamlit 1.67 treats a ``pages/`` folder beside ``app.py`` as its old
    multipage mode until ``app.py`` has called ``st.navigation`` once in the
    server process, so the very first visitor who opens ``/window_sweep``
    would get the page without the frame (no wide layout, a menu built from
    file names). Then, once, we end that mode as ``st.navigation`` itself
    does and rerun: the rerun goes through ``app.py``, on the same page.
    """
    if st.session_state.get(IN_FRAME):
        return
    if getattr(PagesManager, "uses_pages_directory", False) and not st.session_state.get("_frame_retried"):
        st.session_state["_frame_retried"] = True
        PagesManager.uses_pages_directory = False
        st.rerun()
