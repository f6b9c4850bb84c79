"""The Shift invariance page's controls: the shift, and the modes to test."""

import streamlit as st

from poolinglab.settings import MODES

from .controls import remembered_slider


def shift_ui(stride, hw, labels, *, extra=("blurmax",)):
    """Draw the dy and dx sliders (0 to ``2 * stride``, inside ``hw``) and the modes' pick; return
    ``((dy, dx), modes)``. ``extra`` modes are offered after the core's; ``labels`` names every mode."""
    left, right = st.columns(2)
    # A value kept from a larger stride or image is pulled back to fit its slider.
    shift = (remembered_slider("dy (down)", min(2 * stride, hw[0] - 1), key="shift_dy", place=left),
             remembered_slider("dx (right)", min(2 * stride, hw[1] - 1), key="shift_dx", default=1, place=right))
    modes = st.multiselect("Modes (up to three)", (*MODES, *extra), default=("max", "avg", *extra),
                           key="shift_modes", format_func=labels.get, max_selections=3)
    return shift, modes
