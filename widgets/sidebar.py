"""The shared sidebar every page draws first: the image and the pooling layer, kept from page to page."""

import streamlit as st

from poolinglab import settings
from poolinglab.settings import PoolSettings
from widgets.context import PageContext
from widgets.frame import ensure_frame
from widgets.image_input import image_ui
from widgets.layer_input import pooling_ui
from widgets.links import mirror, restore, seed_widgets

_SETTINGS = "_pool_settings"  # the last PoolSettings, across pages


def sidebar():
    """Draw the shared sidebar; return the page's :class:`~widgets.context.PageContext`."""
    ensure_frame()
    stored = restore(PoolSettings, _SETTINGS)
    seed_widgets(settings.to_form(stored))
    with st.sidebar:
        st.header("Image")
        planes, label, key = image_ui()
        st.header("Pooling layer")
        problem_slot = pooling_ui()
    form = {key: st.session_state[key] for key in settings.to_form(stored)}
    current = settings.from_form(form)
    st.session_state[_SETTINGS] = current
    mirror(current)
    return PageContext(current, planes, label, problem_slot, key)
