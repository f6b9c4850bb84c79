"""The Stacked pooling page's controls: the plane to trace, the rounds' kernels and strides, and the deep cell."""

import streamlit as st

from poolinglab.settings import LIMITS

from .clicks import clicked_cell

PLANES = {"gray": "grey (luma)", "red": "red", "green": "green", "blue": "blue"}


def plane_ui(lab):
    """Draw the pick of a photo's plane to trace, or say which one plane is traced; return the plane's name."""
    if lab.planes.shape[0] == 3:
        plane_name = st.selectbox("Plane to trace", list(PLANES), key="stk_plane", format_func=PLANES.get)
        st.caption("Each plane is pooled on its own, so each plane has its own argmax path.")
    else:
        plane_name = lab.settings.color if lab.settings.source != "grid" else "typed numbers"
        st.caption(f"The image has one plane ({PLANES.get(plane_name, plane_name)}): that plane is traced.")
    return plane_name


def take_click(chart_key):
    """Copy the cell last clicked on the chart ``chart_key`` into the deep row and column inputs."""
    cell = clicked_cell(st.session_state.get(chart_key))
    if cell is not None:
        st.session_state["stk_row"], st.session_state["stk_col"] = cell


def rounds_ui():
    """Draw the rounds' controls; return each round's ``(kernel, stride)``."""
    rounds = st.number_input("Rounds of pooling", 1, 5, value=3, step=1, key="stk_rounds")
    columns = st.columns(5)
    sizes = []
    for k in range(rounds):
        columns[k].number_input(f"Round {k + 1} kernel", *LIMITS["kernel"], value=2, step=1, key=f"stk_kernel_{k}")
        columns[k].number_input(f"Round {k + 1} stride", *LIMITS["stride"], value=2, step=1, key=f"stk_stride_{k}")
        sizes.append((st.session_state[f"stk_kernel_{k}"], st.session_state[f"stk_stride_{k}"]))
    return sizes


def cell_ui(shape):
    """Draw the deep cell's row and column inputs, kept inside ``shape``; return ``(row, col)``."""
    for key, size in (("stk_row", shape[0]), ("stk_col", shape[1])):
        st.session_state[key] = min(int(st.session_state.get(key, size // 2)), size - 1)
    left, right = st.columns(2)
    left.number_input(f"Deep row (0 to {shape[0] - 1})", 0, shape[0] - 1, step=1, key="stk_row")
    right.number_input(f"Deep column (0 to {shape[1] - 1})", 0, shape[1] - 1, step=1, key="stk_col")
    return st.session_state["stk_row"], st.session_state["stk_col"]
