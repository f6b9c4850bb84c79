"""Small-grid heatmaps: one grid with its values written in, and the home page's pooling pair."""

import numpy as np
import plotly.graph_objects as go

from pooling.analysis.sweep import sweep_steps
from pooling.result import PoolResult

from . import palette
from ._cells import box_outlines, cell_outlines, grid_axes, panel_row, value_range
from ._traces import coloraxis, halo, outline, value_heatmap

__all__ = ["grid_figure", "pool_pair_figure"]


def _layout(title, lo, hi, *, showscale):
    return {"title": {"text": title} if title else {}, "coloraxis": coloraxis(lo, hi, showscale=showscale),
            "font": {"family": palette.FONT_FAMILY, "size": palette.FONT_SIZE},
            "plot_bgcolor": palette.BACKGROUND, "paper_bgcolor": palette.BACKGROUND,
            "margin": {"l": 30, "r": 20, "t": 80 if title else 40, "b": 20}, "showlegend": False}


def _on(panel, trace):
    """A trace (built by the ``_traces`` helpers) as a dict on subplot ``panel`` (from 1)."""
    suffix = str(panel) if panel > 1 else ""
    return {**trace.to_plotly_json(), "xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}


def _highlight_cells(highlight, shape):
    mask = np.asarray(highlight)
    if mask.dtype == bool:
        if mask.shape != shape:
            raise ValueError(f"highlight mask shape {mask.shape} must match values shape {shape}")
        return np.nonzero(mask)
    cells = mask.reshape(-1, 2).astype(np.int64)
    return cells[:, 0], cells[:, 1]


def grid_figure(values, *, title=None, highlight=None, text=True, showscale=True):
    """A small grid as a heatmap, its values written in the cells.

    Parameters
    ----------
    values : (H, W) array_like
        Any real dtype; uint8 goes to plotly as is, the rest as float32.
    title : str, optional
    highlight : (H, W) bool array_like or sequence of (row, col), optional
        Cells to light with the accent outline (on a black halo).
    text : bool, optional
        Write each value in its cell; only done when ``H, W <= 32``.
    showscale : bool, optional
        Draw the colour bar.

    Returns
    -------
    plotly.graph_objects.Figure
        Trace 0 is the heatmap; with ``highlight``, traces 1 and 2 are the
        halo and the accent outline.

    Examples
    --------
    >>> fig = grid_figure(np.arange(4).reshape(2, 2), highlight=[(1, 1)])
    >>> len(fig.data), fig.data[0].text.tolist()
    (3, [['0', '1'], ['2', '3']])
    """
    values = np.asarray(values)
    if values.ndim != 2 or values.size == 0:
        raise ValueError(f"values must be a non-empty 2-D (H, W) array, got shape {values.shape}")
    traces = [value_heatmap(values, name="values", text=text).to_plotly_json()]
    if highlight is not None:
        w = palette.mark_sizes(350 / max(values.shape))  # plotly's default 450 px height
        xy = cell_outlines(*_highlight_cells(highlight, values.shape), inset=w["inset"])
        traces += [halo(xy, name="highlight halo", width=w["halo"]).to_plotly_json(),
                   outline(xy, name="highlight", colour=palette.ACCENT, width=w["chosen"]).to_plotly_json()]
    layout = {**grid_axes((0, values.shape[0] - 1, 0, values.shape[1] - 1)),
              **_layout(title, *value_range(values), showscale=showscale)}
    return go.Figure({"data": traces, "layout": layout})


def _check_pair(values, max_result, avg_result):
    for name, result in (("max_result", max_result), ("avg_result", avg_result)):
        if not isinstance(result, PoolResult):
            raise TypeError(f"{name} must be a PoolResult, not {type(result).__name__}")
        if result.grid.input_shape != values.shape:
            raise ValueError(f"{name} pooled a {result.grid.input_shape} input, but values is {values.shape}")
    if not max_result.selecting:
        raise ValueError(f"max_result must come from a selecting mode such as 'max', not {max_result.mode!r}")


def pool_pair_figure(values, max_result, avg_result, *, title=None):
    """An input grid beside its max and its average pooling, the argmax cells lit.

    The home page's live mini-example. Windows are outlined on the input,
    each max's source cell gets the accent outline, and hovering an output
    cell reads its window in words.

    Parameters
    ----------
    values : (H, W) array_like
        The input both results pooled (a 4x4 grid on the home page).
    max_result, avg_result : PoolResult
        ``pooling.pool2d(values, "max", ...)`` and ``pooling.pool2d(values, "avg", ...)``.
    title : str, optional

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: 0 input, 1 max, 2 average (heatmaps on one colour axis),
        3-4 window outlines (halo, line), 5-6 argmax cells (halo, accent).

    Examples
    --------
    >>> import pooling
    >>> x = np.array([[1, 3, 2, 0], [4, 2, 1, 5], [0, 1, 7, 2], [3, 2, 1, 1]])
    >>> fig = pool_pair_figure(x, pooling.pool2d(x, "max", 2), pooling.pool2d(x, "avg", 2))
    >>> fig.data[1].z.tolist(), fig.data[2].z.tolist()
    ([[4.0, 5.0], [3.0, 7.0]], [[2.5, 2.0], [1.5, 2.75]])
    """
    values = np.asarray(values)
    _check_pair(values, max_result, avg_result)
    sweeps = [sweep_steps(max_result), sweep_steps(avg_result)]
    (kh, kw), widths = max_result.grid.kernel, [values.shape[1], *(s.output_shape[1] for s in sweeps)]
    titles = [f"input {values.shape[0]}×{values.shape[1]}"] + [
        f"{name} of each {kh}×{kw} window" for name in ("max", "average")]
    traces = [_on(1, value_heatmap(values, name="input"))]
    for col, sweep, name in ((2, sweeps[0], "max"), (3, sweeps[1], "average")):
        words = np.array([d.split(": ", 1)[1] for d in sweep.descriptions()], dtype=object)
        traces.append(_on(col, value_heatmap(sweep.values.reshape(sweep.output_shape), name=name,
                                             hovertext=words.reshape(sweep.output_shape),
                                             hovertemplate="%{hovertext}<extra></extra>")))
    boxes = box_outlines(*_window_boxes(sweeps[0]), inset=0.04)
    traces += [_on(1, halo(boxes, name="window halo")),
               _on(1, outline(boxes, name="windows", colour=palette.WINDOW, width=palette.WINDOW_WIDTH))]
    s = sweeps[0]
    argmax = cell_outlines(s.rows[s.chosen], s.cols[s.chosen], inset=0.14)
    traces += [_on(1, halo(argmax, name="argmax halo")),
               _on(1, outline(argmax, name="argmax", colour=palette.ACCENT, width=palette.CHOSEN_WIDTH))]
    layout = panel_row(widths, titles, spacing=0.08, title_font_size=palette.FONT_SIZE,
                       title_shift=22)  # titles clear the tick labels on top
    extents = [(0, values.shape[0] - 1, 0, values.shape[1] - 1)] + [
        (0, sweep.output_shape[0] - 1, 0, sweep.output_shape[1] - 1) for sweep in sweeps]
    for panel, extent in enumerate(extents, start=1):
        for name, axis in grid_axes(extent, panel=panel).items():
            layout[name] = {**layout[name], **axis}
    layout.update(_layout(title, *value_range(values, avg_result.values), showscale=False))
    return go.Figure({"data": traces, "layout": layout})


def _window_boxes(sweep):
    """``(top, bottom, left, right)`` of each window's in-bounds taps, from the sweep's data."""
    rows = np.ma.masked_array(sweep.rows, ~sweep.in_bounds)
    cols = np.ma.masked_array(sweep.cols, ~sweep.in_bounds)
    return rows.min(1).data, rows.max(1).data, cols.min(1).data, cols.max(1).data
