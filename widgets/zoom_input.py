"""The zoom's region controls (rows, columns, top, left and plane of a region of a pooled output) and its part."""

from functools import partial

import streamlit as st

from figures.compare import zoom_figure
from pooling.analysis import compare

from .controls import plane_select, remembered_slider

ZOOM_FIELDS = ("rows", "cols", "top", "left", "plane")


def zoom_keys(prefix):
    """The session-state key of each of the zoom's fields: ``{field: f"{prefix}_{field}"}``."""
    return {name: f"{prefix}_{name}" for name in ZOOM_FIELDS}


def zoom_start(out_hw, limit, n_planes, *, prefix):
    """The zoom's region and plane: the values remembered, pulled back inside this output. Draws nothing."""
    remembered = {name: st.session_state.get(k) for name, k in zoom_keys(prefix).items()}
    return compare.zoom_start(out_hw, limit, n_planes, **remembered)


def zoom_ui(out_hw, limit, n_planes, *, prefix):
    """Region controls, remembered values pulled back inside this output. Returns top, left, rows, cols, plane."""
    keys = zoom_keys(prefix)
    start = zoom_start(out_hw, limit, n_planes, prefix=prefix)
    st.session_state.update({keys[name]: value for name, value in start.items()})
    place = st.columns(5)
    rows = place[0].number_input("Rows of cells", 1, limit[0], step=1, key=keys["rows"], disabled=limit[0] == 1)
    cols = place[1].number_input("Columns of cells", 1, limit[1], step=1, key=keys["cols"], disabled=limit[1] == 1)
    top = remembered_slider("Top output row", out_hw[0] - rows, key=keys["top"], place=place[2])
    left = remembered_slider("Left output column", out_hw[1] - cols, key=keys["left"], place=place[3])
    plane = plane_select(n_planes, key=keys["plane"], place=place[4])
    return top, left, rows, cols, plane


def zoom_part(cache_key, max_result, top, left, rows, cols, plane, *, prefix, focus_key):
    """``(key, build)`` of the zoom's figure for :func:`~widgets.cache.shared`, and the zoom itself.

    The figure outlines the window of the cell last clicked (``st.session_state[focus_key]``); ``cache_key``
    (the page's ``lab.cache_key``) names the image and the layer, ``prefix`` the zoom.
    """
    focus = st.session_state.get(focus_key)
    zoom = compare.zoom_region(max_result, top=top, left=left, height=rows, width=cols, channel=plane)
    key = cache_key(prefix, top, left, rows, cols, plane, focus)
    return (key, partial(zoom_figure, zoom, focus=focus)), zoom
