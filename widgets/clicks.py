"""Clicks on a chart's cells, remembered past the chart's own selection state."""

import streamlit as st

FOCUS = "_sweep_focus"  # the output cell (row, col) last clicked
SWEEP_CHART = "sweep_chart"


def clicked_cell(state):
    """The output cell ``(row, col)`` a click on the sweep figure selected, or None.

    ``state`` is the chart's selection state; the figure's click layer gives
    each point ``customdata = [row, col]``, which reaches Python as a list or,
    from a numpy array, as ``{"0": row, "1": col}``. Other points are skipped.
    """
    points = ((state or {}).get("selection") or {}).get("points") or []
    for point in points:
        cell = point.get("customdata")
        if isinstance(cell, dict):  # a numpy customdata arrives as {"0": row, "1": col}
            cell = [cell.get("0"), cell.get("1")]
        try:
            row, col = (int(v) for v in cell)
        except (TypeError, ValueError):
            continue
        return row, col
    return None


def remember_click(chart=SWEEP_CHART, focus=FOCUS):
    """``on_select`` callback: keep the cell clicked on ``chart`` under ``focus``, which outlives the chart's state.

    A chart whose figure changes is a new widget with an empty selection, so
    the focus is kept under a non-widget key until the next click. Another
    chart passes its own keys: ``on_select=functools.partial(remember_click,
    "my_chart", "_my_focus")``.
    """
    cell = clicked_cell(st.session_state.get(chart))
    if cell is not None:
        st.session_state[focus] = cell


def focus_step(output_shape):
    """The sweep step of the remembered click, or None if it is off this output."""
    cell = st.session_state.get(FOCUS)
    if cell is None or not (0 <= cell[0] < output_shape[0] and 0 <= cell[1] < output_shape[1]):
        return None
    return cell[0] * output_shape[1] + cell[1]


def clear_focus():
    st.session_state.pop(FOCUS, None)
