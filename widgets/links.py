"""The query string and the session: settings come from the link on a session's first run, and go back into it.

Widget state is dropped when a page stops drawing a widget, so the chosen
settings live under ``_``-prefixed non-widget keys and are written back into
the widgets on every run (:func:`seed_widgets`); that is what carries them
from page to page.
"""

import streamlit as st

from poolinglab.links import from_query, query_keys, to_query
from widgets.labels import UPLOAD_ASKED
from widgets.text import plain


def restore(kind, store):
    """The settings this session last used; on its first run, the link's."""
    if store not in st.session_state:
        value, warnings = from_query(st.query_params.to_dict(), kind)
        st.session_state[store] = value
        if getattr(value, "source", None) == "upload":
            st.session_state[UPLOAD_ASKED] = True
        for text in warnings:
            st.warning(plain(text))
    return st.session_state[store]


def seed_widgets(form):
    """Give every widget key in ``form`` its value, unless the widget already holds one."""


    # Re-assigning a widget's own value keeps it when the widget moves to another page.
    for key, value in form.items():
        st.session_state[key] = st.session_state.get(key, value)


def mirror(value):
    """Write ``value``'s fields into the query string, touching only its own keys."""
    wanted = to_query(value)
    for key in query_keys(type(value)):
        if key in wanted and st.query_params.get(key) != wanted[key]:
            st.query_params[key] = wanted[key]
        elif key not in wanted and key in st.query_params:
            del st.query_params[key]
