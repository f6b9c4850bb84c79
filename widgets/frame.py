"""Every page inside app.py's frame (its ``st.navigation`` menu and wide layout), even on a first deep link.

Streamlit treats a ``pages/`` folder beside the entry script as its old
multipage mode until some run has called ``st.navigation`` in the server
process: until then a visitor who opens ``/window_sweep`` before anyone has
opened the app's root gets ``pages/window_sweep.py`` run on its own, without
``app.py`` (no wide layout, a menu built from file names). No config option
turns that mode off, and the folder keeps its name. What does end it is
public: a call to ``st.navigation``, which is what ``app.py``'s own run
makes. So a page that finds itself outside the frame in that mode makes the
frame's ``st.navigation`` call once and reruns; the rerun goes through
``app.py``, on the same page.

Whether the mode is on is Streamlit's internal ``PagesManager`` flag: read,
never written, and read without a default, so that the day Streamlit renames
it every AppTest of a page run on its own fails (and ``tests/test_frame.py``
says why) instead of the deep links quietly losing their frame.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from widgets.labels import IN_FRAME
from widgets.pictures import pixelated_style
from widgets.registry import PAGES

_RETRIED = "_frame_retried"  # this session has asked for the frame once: never loop


def frame_navigation():
    """The frame: its page config, the style that draws pictures cell for cell, then ``st.navigation`` over
    :data:`~widgets.registry.PAGES` in their sections; Home is the default page.

    ``app.py`` runs the page it returns; :func:`ensure_frame` calls it only for what it ends. The page config
    comes first in both: without it the browser would take the page's material icon for the tab's, from Google's
    font server.
    """
    st.set_page_config(page_title="Pooling Lab", page_icon="🔲", layout="wide")
    pixelated_style()
    sections = {}
    for entry in PAGES:
        sections.setdefault(entry.section, []).append(
            st.Page(entry.path, title=entry.title, icon=entry.icon, default=entry.path == "pages/home.py"))
    return st.navigation(sections)


def pages_folder_mode():
    """True while Streamlit runs ``pages/`` as its old multipage mode, which no run has ended yet."""
    return bool(PagesManager.uses_pages_directory)


def ensure_frame():
    """Run the page inside app.py's frame, even for a first visitor on a deep link.

    Inside the frame (``app.py`` ran in this session), or run on its own
    (AppTest, ``streamlit run pages/noise.py``), the page goes on. In
    Streamlit's pages-folder mode it ends that mode the public way, with the
    frame's own ``st.navigation`` call, and reruns, once per session.
    """
    if st.session_state.get(IN_FRAME):
        return
    if pages_folder_mode() and not st.session_state.get(_RETRIED):
        st.session_state[_RETRIED] = True
        frame_navigation()
        st.rerun()
